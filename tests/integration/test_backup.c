/* engsched_backup() and engsched_restore(), through the public API only.
 *
 * What is proved:
 * - a backup of a store with data opens as a store and exports exactly as
 *   the store did (engsched_export_json() equal), and so does a restore of
 *   that backup;
 * - a backup is a snapshot while another handle writes: a second handle
 *   commits between the backup's steps (small steps, a pause between
 *   them), every one of its writes succeeds while the backup runs, the
 *   backup completes, and it holds exactly the store as it was before
 *   the first of those writes and none of them;
 * - refusals (destination exists, not ADMIN, in a batch, unknown options,
 *   a backend without backup, bad backups to restore) leave nothing at
 *   the destination nor beside it, and an existing destination untouched;
 * - allocation failures at every allocation the library makes during a
 *   backup and a restore fail cleanly, leave nothing behind, and the call
 *   then succeeds. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <engsched/backends.h>
#include <engsched/storage.h>

#include "fixture.h"

/* --- helpers ------------------------------------------------------------- */

static char dir[512];

/* A scratch directory of this test; each test uses its own names in it. */
static void scratch(char *out, size_t size, const char *name)
{
    if (dir[0] == '\0') {
        const char *base = getenv("ENGSCHED_TEST_TMPDIR");
        snprintf(dir, sizeof dir, "%s/backup.%ld", base && base[0] ? base : "/tmp", (long)getpid());
        mkdir(dir, 0700);
    }
    snprintf(out, size, "%s/%s", dir, name);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s%s", out, suffixes[i]);
        unlink(p);
    }
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Files in the scratch directory whose names start with @p prefix's base
 * name followed by @p tail ("" for any); with @p min_size, only those at
 * least that big. */
static int count_named(const char *prefix, const char *tail, off_t min_size)
{
    const char *base = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
    char want[256];
    snprintf(want, sizeof want, "%s%s", base, tail);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, want, strlen(want)) != 0)
            continue;
        char p[1024];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &st) == 0 && st.st_size >= min_size)
            n++;
    }
    closedir(d);
    return n;
}

/* Nothing at @p dest, and no temporary or side file beside it. */
static void assert_nothing_at(const char *dest)
{
    assert_false(exists(dest));
    assert_int_equal(count_named(dest, "", 0), 0);
}

static char *export_of(engsched *db)
{
    char *json = NULL;
    engsched_rc rc = engsched_export_json(db, ENGSCHED_SYSTEM, &json);
    if (rc != ENGSCHED_OK)
        fail_msg("export: %s: %s", engsched_rc_name(rc), engsched_errmsg(db));
    return json;
}

static engsched *open_path(const char *path)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = 0; /* must exist */
    engsched *db = NULL;
    engsched_rc rc = engsched_open(path, &o, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s: %s", path, engsched_rc_name(rc), engsched_open_errmsg());
    return db;
}

static char *export_path(const char *path)
{
    engsched *db = open_path(path);
    char *json = export_of(db);
    engsched_close(db);
    return json;
}

/* A store with some of everything. */
static void open_with_data(fx *f, int engagements)
{
    fx_open(f, 1);
    fx_ok(f, engsched_batch_begin(f->db));
    for (int i = 0; i < engagements; i++) {
        char name[64];
        snprintf(name, sizeof name, "Engagement %d with a name long enough to take room", i);
        engsched_id id =
            fx_request(f, f->manager, f->client[i % FX_CLIENTS], name, "2026-04-01", "2026-04-03");
        if (i % 3 == 0)
            fx_approve(f, id);
    }
    fx_ok(f, engsched_batch_commit(f->db));
}

static void backup_ok(fx *f, const char *dest, const engsched_backup_options *o)
{
    fx_ok(f, engsched_backup(f->db, f->admin, dest, o));
}

/* --- options ---------------------------------------------------------------- */

static void test_options_init(void **state)
{
    (void)state;
    engsched_backup_options o, before;
    memset(&o, 0x5A, sizeof o);
    before = o;
    assert_int_equal(engsched_backup_options_init(NULL, 1), ENGSCHED_EINVAL);
    assert_int_equal(engsched_backup_options_init(&o, 0), ENGSCHED_EUNSUPPORTED);
    assert_int_equal(engsched_backup_options_init(&o, ENGSCHED_BACKUP_OPTIONS_VERSION + 1),
                     ENGSCHED_EUNSUPPORTED);
    assert_memory_equal(&o, &before, sizeof o);
    assert_int_equal(engsched_backup_options_init(&o, ENGSCHED_BACKUP_OPTIONS_VERSION),
                     ENGSCHED_OK);
    engsched_backup_options macro = ENGSCHED_BACKUP_OPTIONS_INIT;
    assert_int_equal(o.version, ENGSCHED_BACKUP_OPTIONS_VERSION);
    assert_int_equal(o.pages_per_step, macro.pages_per_step);
    assert_int_equal(o.sleep_ms, ENGSCHED_BACKUP_DEFAULT_SLEEP_MS);
}

/* --- backup -------------------------------------------------------------------- */

static void test_backup_exports_identically(void **state)
{
    (void)state;
    fx f;
    open_with_data(&f, 30);
    char dest[700];
    scratch(dest, sizeof dest, "identical.db");
    backup_ok(&f, dest, NULL);
    assert_true(exists(dest));
    assert_int_equal(count_named(dest, ".partial-", 0), 0);
    /* One self-contained file: no WAL beside it, and mode 0600. */
    struct stat st;
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_named(dest, "-wal", 0), 0);

    char *want = export_of(f.db);
    char *got = export_path(dest);
    assert_string_equal(got, want);
    assert_non_null(strstr(want, "Engagement 29"));
    engsched_free(got);
    /* ENGSCHED_SYSTEM may back up too. */
    char dest2[700];
    scratch(dest2, sizeof dest2, "identical-system.db");
    fx_ok(&f, engsched_backup(f.db, ENGSCHED_SYSTEM, dest2, NULL));
    got = export_path(dest2);
    assert_string_equal(got, want);
    engsched_free(got);
    engsched_free(want);
    fx_close(&f);
}

static void test_backup_refusals(void **state)
{
    (void)state;
    fx f;
    open_with_data(&f, 3);
    char dest[700];
    scratch(dest, sizeof dest, "refused.db");

    /* The destination exists: refused, and left as it was. */
    FILE *fp = fopen(dest, "w");
    assert_non_null(fp);
    fputs("keep me", fp);
    fclose(fp);
    fx_rc(&f, ENGSCHED_EEXISTS, engsched_backup(f.db, f.admin, dest, NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "exists"));
    char buf[32] = {0};
    fp = fopen(dest, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "keep me");
    assert_int_equal(count_named(dest, ".partial-", 0), 0);
    unlink(dest);

    /* Not an administrator. */
    fx_rc(&f, ENGSCHED_EDENIED, engsched_backup(f.db, f.manager, dest, NULL));
    assert_nothing_at(dest);
    fx_rc(&f, ENGSCHED_EDENIED, engsched_backup(f.db, f.operator1, dest, NULL));
    assert_nothing_at(dest);
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_backup(f.db, 999999, dest, NULL));
    assert_nothing_at(dest);

    /* Bad arguments. */
    fx_rc(&f, ENGSCHED_EINVAL, engsched_backup(f.db, f.admin, NULL, NULL));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_backup(f.db, f.admin, "", NULL));
    assert_int_equal(engsched_backup(NULL, f.admin, dest, NULL), ENGSCHED_EMISUSE);
    engsched_backup_options bad = {.version = 99};
    fx_rc(&f, ENGSCHED_EUNSUPPORTED, engsched_backup(f.db, f.admin, dest, &bad));
    char nodir[800];
    snprintf(nodir, sizeof nodir, "%s/no-such-directory/b.db", dir);
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_backup(f.db, f.admin, nodir, NULL));

    /* Inside a batch: a transaction of its own. */
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_backup(f.db, f.admin, dest, NULL));
    fx_ok(&f, engsched_batch_rollback(f.db));
    assert_nothing_at(dest);

    /* And then it works. */
    backup_ok(&f, dest, NULL);
    assert_true(exists(dest));
    fx_close(&f);
}

/* A table without the version 5 member (a backend built against the
 * version 4 header): EUNSUPPORTED, pointing to pg_dump. */
static void test_backend_without_backup(void **state)
{
    (void)state;
    engsched_storage *s = NULL;
    assert_int_equal(engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_OK);
    assert_non_null((void *)(uintptr_t)s->backup);
    s->version = 4;
    engsched *db = NULL;
    assert_int_equal(engsched_open_backend(s, NULL, &db), ENGSCHED_OK);
    char dest[700];
    scratch(dest, sizeof dest, "unsupported.db");
    assert_int_equal(engsched_backup(db, ENGSCHED_SYSTEM, dest, NULL), ENGSCHED_EUNSUPPORTED);
    assert_non_null(strstr(engsched_errmsg(db), "pg_dump"));
    assert_nothing_at(dest);
    engsched_close(db);

    /* The same table at version 5 backs up. */
    assert_int_equal(engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_OK);
    assert_int_equal(engsched_open_backend(s, NULL, &db), ENGSCHED_OK);
    assert_int_equal(engsched_backup(db, ENGSCHED_SYSTEM, dest, NULL), ENGSCHED_OK);
    engsched_close(db);
    assert_true(exists(dest));
}

/* --- a writer during the backup --------------------------------------------- */

typedef struct writer {
    const char *store;
    const char *dest;
    atomic_int backup_done;
    int started; /* the backup's copy had begun when the first write was made */
    int writes;  /* committed while the backup ran */
    int failures;
    double max_wait_ms; /* the longest write */
    char error[256];
} writer;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void pause_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    engsched *db = open_path(w->store);
    double give_up = now_ms() + 10000;
    /* Wait until the backup is copying: its temporary file has pages. */
    while (!atomic_load(&w->backup_done) && count_named(w->dest, ".partial-", 4096) == 0 &&
           now_ms() < give_up)
        pause_us(200);
    w->started = !atomic_load(&w->backup_done);
    for (int i = 0; w->started && !atomic_load(&w->backup_done) && now_ms() < give_up; i++) {
        char key[32];
        snprintf(key, sizeof key, "during-%d", i);
        engsched_id id = 0;
        double t0 = now_ms();
        engsched_rc rc = engsched_client_upsert(db, ENGSCHED_SYSTEM, key, "Written during", &id);
        double waited = now_ms() - t0;
        if (rc != ENGSCHED_OK) {
            w->failures++;
            snprintf(w->error, sizeof w->error, "%s: %s", engsched_rc_name(rc),
                     engsched_errmsg(db));
            continue;
        }
        if (atomic_load(&w->backup_done))
            break; /* committed after the backup ended: not counted */
        w->writes++;
        if (waited > w->max_wait_ms)
            w->max_wait_ms = waited;
        pause_us(1000);
    }
    engsched_close(db);
    return NULL;
}

static void test_backup_while_writing(void **state)
{
    (void)state;
    fx f;
    open_with_data(&f, 1500);
    char dest[700];
    scratch(dest, sizeof dest, "concurrent.db");
    char *before = export_of(f.db);

    writer w = {.store = f.path, .dest = dest};
    atomic_init(&w.backup_done, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, writer_main, &w), 0);
    engsched_backup_options o;
    assert_int_equal(engsched_backup_options_init(&o, ENGSCHED_BACKUP_OPTIONS_VERSION),
                     ENGSCHED_OK);
    o.pages_per_step = 8;
    o.sleep_ms = 10;
    double t0 = now_ms();
    engsched_rc rc = engsched_backup(f.db, f.admin, dest, &o);
    double took = now_ms() - t0;
    atomic_store(&w.backup_done, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
    if (rc != ENGSCHED_OK)
        fail_msg("backup: %s: %s", engsched_rc_name(rc), engsched_errmsg(f.db));

    struct stat st;
    assert_int_equal(stat(dest, &st), 0);
    printf("# backup of %lld bytes (%lld pages, 8 per step, 10 ms apart) took %.0f ms; "
           "%d writes committed meanwhile, the longest in %.1f ms\n",
           (long long)st.st_size, (long long)st.st_size / 4096, took, w.writes, w.max_wait_ms);
    assert_true(w.started);
    assert_int_equal(w.failures, 0);
    assert_true(w.writes >= 5);
    assert_true(w.max_wait_ms < 1000.0); /* never waited for the backup */

    /* The backup is the store before the writes, and none of them. */
    char *got = export_path(dest);
    assert_string_equal(got, before);
    assert_null(strstr(got, "during-"));
    engsched_id id = 0;
    engsched *copy = open_path(dest);
    assert_int_equal(engsched_client_find(copy, "during-0", &id), ENGSCHED_ENOTFOUND);
    engsched_close(copy);
    /* ... while the store has them. */
    fx_ok(&f, engsched_client_find(f.db, "during-0", &id));
    engsched_free(got);
    engsched_free(before);
    fx_close(&f);
}

/* --- restore ----------------------------------------------------------------- */

static void test_restore(void **state)
{
    (void)state;
    fx f;
    open_with_data(&f, 20);
    char backup[700], dest[700];
    scratch(backup, sizeof backup, "to-restore.db");
    scratch(dest, sizeof dest, "restored.db");
    backup_ok(&f, backup, NULL);
    char *want = export_of(f.db);
    fx_close(&f);

    struct stat before, after;
    assert_int_equal(stat(backup, &before), 0);
    assert_int_equal(engsched_restore(backup, dest, NULL), ENGSCHED_OK);
    assert_int_equal(count_named(dest, ".partial-", 0), 0);
    /* The backup was read, never written. */
    assert_int_equal(stat(backup, &after), 0);
    assert_int_equal(after.st_mtime, before.st_mtime);
    assert_int_equal(after.st_size, before.st_size);

    char *got = export_path(dest);
    assert_string_equal(got, want);
    engsched_free(got);
    engsched_free(want);

    /* The destination exists now: refused, untouched. */
    assert_int_equal(stat(dest, &before), 0);
    assert_int_equal(engsched_restore(backup, dest, NULL), ENGSCHED_EEXISTS);
    assert_non_null(strstr(engsched_open_errmsg(), "exists"));
    assert_int_equal(stat(dest, &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    assert_int_equal(count_named(dest, ".partial-", 0), 0);
}

/* A store file itself (WAL mode, closed) is a backup too, and restoring
 * from it makes no -wal or -shm beside it. */
static void test_restore_from_store_file(void **state)
{
    (void)state;
    char store[700], dest[700];
    scratch(store, sizeof store, "plain-store.db");
    scratch(dest, sizeof dest, "from-store.db");
    engsched *db = NULL;
    assert_int_equal(engsched_open(store, NULL, &db), ENGSCHED_OK);
    engsched_id id = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "c?#%1", "Odd", &id), ENGSCHED_OK);
    char *want = export_of(db);
    engsched_close(db);
    assert_int_equal(count_named(store, "-wal", 0) + count_named(store, "-shm", 0), 0);

    assert_int_equal(engsched_restore(store, dest, NULL), ENGSCHED_OK);
    assert_int_equal(count_named(store, "-wal", 0) + count_named(store, "-shm", 0), 0);
    char *got = export_path(dest);
    assert_string_equal(got, want);
    engsched_free(got);
    engsched_free(want);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Overwrite page @p page (1-based, 4 KiB pages) with garbage. */
static void damage_page(const char *path, long page)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, (page - 1) * 4096, SEEK_SET), 0);
    for (int i = 0; i < 4096; i++)
        fputc((i * 37 + 11) & 0xff, fp);
    fclose(fp);
}

static void expect_refused(const char *backup, const char *dest, engsched_rc want,
                           const char *words)
{
    engsched_rc rc = engsched_restore(backup, dest, NULL);
    if (rc != want)
        fail_msg("restore %s: %s (want %s): %s", backup ? backup : "NULL", engsched_rc_name(rc),
                 engsched_rc_name(want), engsched_open_errmsg());
    if (words != NULL && strstr(engsched_open_errmsg(), words) == NULL)
        fail_msg("restore %s: message \"%s\" lacks \"%s\"", backup, engsched_open_errmsg(), words);
    if (dest != NULL && dest[0] != '\0')
        assert_nothing_at(dest);
}

static void test_restore_refuses_bad_backups(void **state)
{
    (void)state;
    char dest[700], bad[700], good[700];
    scratch(dest, sizeof dest, "restore-target.db");

    expect_refused(NULL, dest, ENGSCHED_EINVAL, "NULL");
    expect_refused("", dest, ENGSCHED_EINVAL, "empty");
    expect_refused(dest, NULL, ENGSCHED_EINVAL, "NULL");
    expect_refused(dest, "", ENGSCHED_EINVAL, "empty");
    expect_refused("postgresql://x/y", dest, ENGSCHED_EINVAL, "pg_restore");

    scratch(bad, sizeof bad, "missing.db");
    expect_refused(bad, dest, ENGSCHED_ENOTFOUND, "does not exist");

    scratch(bad, sizeof bad, "text.db");
    write_file(bad, "this is not a database, only some text that is long enough to look "
                    "like a header of a file; SQLite reads the first hundred bytes\n");
    expect_refused(bad, dest, ENGSCHED_ECORRUPT, "not a database");

    /* A SQLite database of someone else's. */
    scratch(bad, sizeof bad, "foreign.db");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    expect_refused(bad, dest, ENGSCHED_ECORRUPT, "not a libengsched store");

    /* An empty file. */
    scratch(bad, sizeof bad, "empty.db");
    write_file(bad, "");
    expect_refused(bad, dest, ENGSCHED_ECORRUPT, "not a libengsched store");

    /* A real backup, damaged in the middle. */
    fx f;
    open_with_data(&f, 200);
    scratch(good, sizeof good, "good.db");
    backup_ok(&f, good, NULL);
    fx_close(&f);
    struct stat st;
    assert_int_equal(stat(good, &st), 0);
    assert_true(st.st_size / 4096 >= 10);
    scratch(bad, sizeof bad, "damaged.db");
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, bad);
    assert_int_equal(system(cmd), 0);
    damage_page(bad, (long)(st.st_size / 4096 / 2));
    expect_refused(bad, dest, ENGSCHED_ECORRUPT, "damaged");

    /* The good one restores (the target is still free). */
    assert_int_equal(engsched_restore(good, dest, NULL), ENGSCHED_OK);
    assert_true(exists(dest));
}

/* --- allocation failures ------------------------------------------------------ */

static struct {
    long count;
    long fail_at; /* 0: never */
    int failed;
} alloc;

static void *t_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (alloc.fail_at > 0 && ++alloc.count == alloc.fail_at) {
        alloc.failed = 1;
        return NULL;
    }
    return malloc(size);
}

static void *t_realloc(void *ptr, size_t size, void *ctx)
{
    (void)ctx;
    if (alloc.fail_at > 0 && ++alloc.count == alloc.fail_at) {
        alloc.failed = 1;
        return NULL;
    }
    return realloc(ptr, size);
}

static void t_free(void *ptr, void *ctx)
{
    (void)ctx;
    free(ptr);
}

static void arm(long at)
{
    alloc.count = 0;
    alloc.fail_at = at;
    if (at > 0)
        alloc.failed = 0;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    engsched_allocator a = {ENGSCHED_ALLOCATOR_VERSION, t_malloc, t_realloc, t_free, NULL};
    assert_int_equal(engsched_set_allocator(&a), ENGSCHED_OK);
    char dest[700], restored[700];
    scratch(dest, sizeof dest, "alloc.db");
    scratch(restored, sizeof restored, "alloc-restored.db");
    fx f;
    open_with_data(&f, 5);
    int failures = 0;
    for (long at = 1;; at++) {
        arm(at);
        engsched_rc rc = engsched_backup(f.db, f.admin, dest, NULL);
        arm(0);
        if (!alloc.failed) {
            fx_ok(&f, rc);
            break;
        }
        failures++;
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("allocation %ld: %s: %s", at, engsched_rc_name(rc), engsched_errmsg(f.db));
        assert_nothing_at(dest);
        assert_true(at < 1000);
    }
    fx_close(&f);
    assert_true(failures >= 1); /* the test reached the library's allocations */

    int restore_failures = 0;
    for (long at = 1;; at++) {
        arm(at);
        engsched_rc rc = engsched_restore(dest, restored, NULL);
        arm(0);
        if (!alloc.failed) {
            assert_int_equal(rc, ENGSCHED_OK);
            break;
        }
        restore_failures++;
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("restore, allocation %ld: %s: %s", at, engsched_rc_name(rc),
                     engsched_open_errmsg());
        assert_nothing_at(restored);
        assert_true(at < 10000);
    }
    assert_true(restore_failures >= 2);
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_OK);
    assert_true(exists(restored));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_backup_exports_identically),
        cmocka_unit_test(test_backup_refusals),
        cmocka_unit_test(test_backend_without_backup),
        cmocka_unit_test(test_backup_while_writing),
        cmocka_unit_test(test_restore),
        cmocka_unit_test(test_restore_from_store_file),
        cmocka_unit_test(test_restore_refuses_bad_backups),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
