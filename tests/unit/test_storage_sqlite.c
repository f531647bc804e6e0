/* The built-in SQLite backend: the storage conformance suite on :memory:
 * and on files, then what only SQLite has (pragmas, identification, schema
 * versions, locking, cleanup of files it created).
 *
 * White-box: sees lib/storage_sqlite.h for the connection and the
 * migration list. Built from this file and tests/conformance/conformance.c.
 * Scratch files go to $ENGSCHED_TEST_TMPDIR (default /tmp). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <engsched/storage.h>

#include "../conformance/conformance.h"
#include "storage/sqlite/storage_sqlite.h"

/* The scratch directory is kept well shorter than the paths built from
 * it, so no path is ever cut short. */
#define TMP_DIR_MAX 512
#define PATH_MAX_LEN 1024

/* --- scratch files ----------------------------------------------------- */

static const char *tmp_dir(void)
{
    static char dir[TMP_DIR_MAX];
    if (dir[0] != '\0')
        return dir;
    const char *env = getenv("ENGSCHED_TEST_TMPDIR");
    snprintf(dir, sizeof dir, "%s", env != NULL && env[0] != '\0' ? env : "/tmp");
    /* mkdir -p: create each missing component in turn. */
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0777);
        *p = '/';
    }
    mkdir(dir, 0777);
    return dir;
}

static void remove_store(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[PATH_MAX_LEN + 16];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

/* A fresh path for @p name, unique to this process; nothing exists there. */
static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/storage_sqlite-%ld-%s.db", tmp_dir(), (long)getpid(), name);
    remove_store(out);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file, for "unchanged" checks; *size receives its length. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *data = malloc(1 << 20);
    assert_non_null(data);
    *size = fread(data, 1, 1 << 20, f);
    fclose(f);
    return data;
}

static void assert_file_unchanged(const char *path, const unsigned char *before, size_t size)
{
    size_t now_size = 0;
    unsigned char *now = slurp(path, &now_size);
    assert_int_equal(now_size, size);
    assert_memory_equal(now, before, size);
    free(now);
}

/* Run SQL on a file with a connection of our own (not the backend's). */
static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    int64_t v = pragma_int(db, sql);
    sqlite3_close(db);
    return v;
}

/* --- checking result codes with the backend's message ------------------ */

static void check_rc(engsched_storage *s, engsched_rc got, engsched_rc want, const char *expr,
                     const char *file, int line)
{
    if (got == want)
        return;
    print_error("%s:%d: %s returned %s, expected %s (message: \"%s\")\n", file, line, expr,
                engsched_rc_name(got), engsched_rc_name(want), engsched_storage_errmsg(s));
    _fail(file, line);
}

#define EXPECT_RC(s, want, expr) check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

static void assert_message_has(const char *needle)
{
    const char *msg = engsched_storage_errmsg(NULL);
    if (strstr(msg, needle) == NULL) {
        print_error("message \"%s\" does not contain \"%s\"\n", msg, needle);
        fail();
    }
}

/* A new backend on @p path, prepared to the supported version. */
static engsched_storage *open_prepared(const char *path)
{
    engsched_storage *s = NULL;
    int version = 0;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    EXPECT_OK(s, s->prepare(s, engsched_schema_version_supported(), &version));
    assert_int_equal(version, engsched_schema_version_supported());
    return s;
}

/* --- conformance factories --------------------------------------------- */

static engsched_rc make_memory(void *ctx, engsched_storage **out)
{
    (void)ctx;
    return engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, out);
}

/* Each case gets a new file; the previous case's file (its backend freed
 * by then) is removed first, and the last one by main(). */
typedef struct file_factory {
    char path[PATH_MAX_LEN];
    unsigned int count;
} file_factory;

static engsched_rc make_file(void *ctx, engsched_storage **out)
{
    file_factory *ff = ctx;
    char name[32];
    if (ff->path[0] != '\0')
        remove_store(ff->path);
    snprintf(name, sizeof name, "conformance-%u", ff->count++);
    tmp_path(ff->path, sizeof ff->path, name);
    return engsched_storage_sqlite_new(ff->path, ENGSCHED_OPEN_CREATE, out);
}

/* --- pragmas and identification ---------------------------------------- */

static void test_memory_connection(void **state)
{
    (void)state;
    engsched_storage *s = open_prepared(":memory:");
    sqlite3 *db = es_sqlite_connection(s);
    assert_non_null(db);
    assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
    assert_int_equal(pragma_int(db, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(pragma_int(db, "PRAGMA application_id"), ES_SQLITE_APPLICATION_ID);
    assert_int_equal(pragma_int(db, "PRAGMA user_version"), es_sqlite_schema_latest());
    EXPECT_OK(s, s->set_busy_timeout(s, 1234));
    assert_int_equal(pragma_int(db, "PRAGMA busy_timeout"), 1234);
    s->free(s);
}

static void test_file_pragmas(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "pragmas");
    engsched_storage *s = open_prepared(path);
    sqlite3 *db = es_sqlite_connection(s);
    const unsigned char *mode = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    mode = sqlite3_column_text(st, 0);
    assert_string_equal((const char *)mode, "wal");
    sqlite3_finalize(st);
    assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma_int(db, "PRAGMA synchronous"), 1);
    s->free(s);

    /* Persisted in the file, as another program sees it. */
    assert_int_equal(raw_int(path, "PRAGMA application_id"), 0x454E4753);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), es_sqlite_schema_latest());
    remove_store(path);
}

static void test_missing_directory(void **state)
{
    (void)state;
    char dir[PATH_MAX_LEN], path[PATH_MAX_LEN + 16];
    engsched_storage *s = NULL;
    snprintf(dir, sizeof dir, "%s/storage_sqlite-%ld-no-such-dir", tmp_dir(), (long)getpid());
    snprintf(path, sizeof path, "%s/x.db", dir);
    assert_int_equal(engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_ENOTFOUND);
    assert_null(s);
    assert_message_has("directory does not exist");
    assert_message_has(path);
    assert_false(exists(dir));
}

static void test_missing_file_without_create(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    engsched_storage *s = NULL;
    tmp_path(path, sizeof path, "no-create");
    assert_int_equal(engsched_storage_sqlite_new(path, 0, &s), ENGSCHED_ENOTFOUND);
    assert_null(s);
    assert_message_has(path);
    assert_false(exists(path));
}

static void test_garbage_file(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    engsched_storage *s = NULL;
    tmp_path(path, sizeof path, "garbage");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 256; i++)
        fputs("this is not a database, just text\n", f);
    fclose(f);
    size_t size = 0;
    unsigned char *before = slurp(path, &size);

    assert_int_equal(engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_ECORRUPT);
    assert_null(s);
    assert_message_has("is not a database");
    assert_file_unchanged(path, before, size);
    free(before);
    remove_store(path);
}

static void expect_foreign(const char *path, const char *setup_sql)
{
    engsched_storage *s = NULL;
    raw_exec(path, setup_sql);
    size_t size = 0;
    unsigned char *before = slurp(path, &size);
    assert_int_equal(engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_ECORRUPT);
    assert_null(s);
    assert_message_has("not a libengsched store");
    assert_file_unchanged(path, before, size);
    free(before);
    remove_store(path);
}

static void test_foreign_tables(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "foreign-tables");
    expect_foreign(path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL);"
                         "INSERT INTO invoices VALUES(1, 9.5);");
}

static void test_foreign_application_id(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "foreign-appid");
    expect_foreign(path, "PRAGMA application_id = 42;");
}

/* --- schema versions --------------------------------------------------- */

static void test_newer_schema_refused(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    int version = -1;
    tmp_path(path, sizeof path, "newer");
    engsched_storage *s = open_prepared(path);
    s->free(s);
    raw_exec(path, "PRAGMA user_version = 99;");
    size_t size = 0;
    unsigned char *before = slurp(path, &size);

    s = NULL;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    EXPECT_RC(s, ENGSCHED_EUNSUPPORTED,
              s->prepare(s, engsched_schema_version_supported(), &version));
    assert_message_has("99");
    char supported[32];
    snprintf(supported, sizeof supported, "supported version %d",
             es_sqlite_layout_for(engsched_schema_version_supported()));
    assert_message_has(supported);
    s->free(s);

    assert_file_unchanged(path, before, size);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), 99);
    free(before);
    remove_store(path);
}

static void test_prepare_idempotent(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    int version = -1;
    tmp_path(path, sizeof path, "idempotent");
    engsched_storage *s = open_prepared(path);
    sqlite3 *db = es_sqlite_connection(s);
    int64_t objects = pragma_int(db, "SELECT count(*) FROM sqlite_schema");
    assert_true(objects > 0);
    EXPECT_OK(s, s->prepare(s, engsched_schema_version_supported(), &version));
    assert_int_equal(version, engsched_schema_version_supported());
    assert_int_equal(pragma_int(db, "SELECT count(*) FROM sqlite_schema"), objects);
    s->free(s);

    /* Reopened: nothing left to migrate. */
    s = open_prepared(path);
    assert_int_equal(pragma_int(es_sqlite_connection(s), "SELECT count(*) FROM sqlite_schema"),
                     objects);
    s->free(s);
    remove_store(path);
}

/* Never beyond what the core asks for, and never backwards. */
static void test_migrations_forward_only(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    int version = -1;
    tmp_path(path, sizeof path, "forward");
    engsched_storage *s = NULL;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    EXPECT_OK(s, s->prepare(s, 0, &version)); /* asks for nothing: applies nothing */
    assert_int_equal(version, 0);
    assert_int_equal(pragma_int(es_sqlite_connection(s), "PRAGMA user_version"), 0);
    EXPECT_OK(s, s->prepare(s, 1, &version));
    assert_int_equal(version, 1); /* the model version ... */
    assert_int_equal(pragma_int(es_sqlite_connection(s), "PRAGMA user_version"),
                     es_sqlite_layout_for(1)); /* ... at the newest layout of it */
    EXPECT_RC(s, ENGSCHED_EUNSUPPORTED, s->prepare(s, 0, &version));
    assert_int_equal(pragma_int(es_sqlite_connection(s), "PRAGMA user_version"),
                     es_sqlite_layout_for(1));
    s->free(s);
    assert_true(exists(path)); /* it was prepared once: it is a store now */
    remove_store(path);

    for (int v = 1; v <= es_sqlite_schema_latest(); v++)
        assert_non_null(es_sqlite_migration(v));
    assert_null(es_sqlite_migration(0));
    assert_null(es_sqlite_migration(es_sqlite_schema_latest() + 1));
    /* Layouts map to model versions that never fall. */
    assert_int_equal(es_sqlite_model_of(0), 0);
    for (int v = 2; v <= es_sqlite_schema_latest(); v++)
        assert_true(es_sqlite_model_of(v) >= es_sqlite_model_of(v - 1));
    assert_int_equal(es_sqlite_model_of(es_sqlite_layout_for(1)), 1);
    assert_int_equal(es_sqlite_layout_for(0), 0);
}

static engsched_rc keep_assignment(void *ctx, const engsched_rec_assignment *row)
{
    *(engsched_rec_assignment *)ctx = *row;
    return ENGSCHED_OK;
}

/* A store of layout 4 (before allocations) with an assignment, written as
 * that layout's SQL wrote it, migrates to layout 5 without a rewrite: the
 * assignment covers its engagement, whole days, firm, and still follows
 * the engagement's dates. */
static void test_layout_4_assignments_migrate(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "layout4");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    for (int v = 1; v <= 4; v++)
        assert_int_equal(sqlite3_exec(db, es_sqlite_migration(v), NULL, NULL, NULL), SQLITE_OK);
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = 4",
             (int)ES_SQLITE_APPLICATION_ID);
    static const char rows[] =
        "INSERT INTO roles(id, name, permissions) VALUES(3, 'Operator', 1);"
        "INSERT INTO clients(id, host_key, name) VALUES(1, 'acme', 'Acme');"
        "INSERT INTO users(id, host_key, display_name, role, flags) VALUES(1, 'op', 'Op', 3, 0);"
        "INSERT INTO engagements(id, client, requested_by, name, description, type, location,"
        " contacts, custom_fields, cancel_reason, start_day, end_day, status, version,"
        " created_at, updated_at) VALUES(1, 1, 1, 'e', '', '', '', '', '{}', '', 100, 104, 2,"
        " 1, 0, 0);"
        "INSERT INTO assignments(engagement, user, role, assigned_by, assigned_at)"
        " VALUES(1, 1, 1, NULL, 7);";
    assert_int_equal(sqlite3_exec(db, pragmas, NULL, NULL, NULL), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, rows, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("layout 4 rows: %s", err);
    sqlite3_close(db);

    engsched_storage *s = NULL;
    int version = 0;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, 0, &s));
    EXPECT_OK(s, s->prepare(s, 1, &version));
    assert_int_equal(pragma_int(es_sqlite_connection(s), "PRAGMA user_version"),
                     es_sqlite_schema_latest());
    engsched_rec_assignment a;
    memset(&a, 0xff, sizeof a);
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->assignment_list(s, 1, keep_assignment, &a));
    assert_int_equal(a.assigned_at, 7);
    assert_int_equal(a.windowed, 0);
    assert_int_equal(a.window_start, 100);
    assert_int_equal(a.window_end, 104);
    assert_int_equal(a.percent, 100);
    assert_int_equal(a.tentative, 0);
    engsched_rec_engagement e;
    EXPECT_OK(s, s->engagement_get(s, 1, &e));
    /* Its strings last only until the next call: the ones the rows hold. */
    e.name = "e";
    e.description = e.type = e.location = e.contacts = e.cancel_reason = e.report_title = "";
    e.custom_fields = "{}";
    e.recurrence = "";
    e.start_day = 110;
    e.end_day = 111;
    engsched_id report = 0;
    EXPECT_OK(s, s->engagement_update(s, &e, &report));
    EXPECT_OK(s, s->assignment_list(s, 1, keep_assignment, &a));
    assert_int_equal(a.window_start, 110);
    assert_int_equal(a.window_end, 111);
    EXPECT_OK(s, s->commit(s));
    s->free(s);
    remove_store(path);
}

/* Work rows of operator_work(): the ids, in the order they came. */
typedef struct work_ids {
    engsched_id ids[8];
    size_t count;
} work_ids;

static engsched_rc collect_work(void *ctx, const engsched_rec_engagement *row)
{
    work_ids *w = ctx;
    if (w->count < sizeof w->ids / sizeof w->ids[0])
        w->ids[w->count] = row->id;
    w->count++;
    return ENGSCHED_OK;
}

static work_ids work_of(engsched_storage *s, engsched_id user, int32_t first, int32_t last)
{
    work_ids w = {{0}, 0};
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->operator_work(s, user, ~0u, first, last, collect_work, &w));
    EXPECT_OK(s, s->commit(s));
    return w;
}

/* A store written at layout 1 (no dates in assignments) is moved to the
 * newest layout on open: its assignments take their engagements' dates,
 * and the triggers keep them right through later inserts and date
 * changes, so operator_work() finds the same engagements as before. */
static void test_layout_2_dates_assignments(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "layout1");
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, es_sqlite_migration(1), NULL, NULL, NULL), SQLITE_OK);
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = 1",
             (int)ES_SQLITE_APPLICATION_ID);
    assert_int_equal(sqlite3_exec(raw, pragmas, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(raw,
                     "INSERT INTO roles VALUES(3, 'Operator', 3072);"
                     "INSERT INTO clients VALUES(1, 'c1', 'Client');"
                     "INSERT INTO users VALUES(7, 'u7', 'u7@example.com', 'Op', 3, 0);"
                     "INSERT INTO engagements VALUES(10, 1, NULL, 'A', '', '', '', '', '{}', '',"
                     " 100, 104, 2, 1, 0, 0);"
                     "INSERT INTO engagements VALUES(11, 1, NULL, 'B', '', '', '', '', '{}', '',"
                     " 200, 210, 2, 1, 0, 0);"
                     "INSERT INTO assignments(engagement, user, role, assigned_by, assigned_at)"
                     " VALUES(10, 7, 0, NULL, 0), (11, 7, 0, NULL, 0);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);

    engsched_storage *s = open_prepared(path);
    sqlite3 *db = es_sqlite_connection(s);
    assert_int_equal(pragma_int(db, "PRAGMA user_version"), es_sqlite_schema_latest());
    assert_int_equal(pragma_int(db, "SELECT start_day * 1000 + end_day FROM assignments"
                                    " WHERE engagement = 11"),
                     200210);
    work_ids w = work_of(s, 7, 101, 101);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.ids[0], 10);
    assert_int_equal(work_of(s, 7, 105, 199).count, 0);

    /* A date change moves the copies; another change leaves them alone. */
    /* The row as inserted above, with new dates (a record from
     * engagement_get() holds strings only until the next call). */
    engsched_rec_engagement rec = {11, 1, 0, "B", "", "", "", "", "{}", "", 150, 151, 2, 2, 0,
                                   0, 0, ENGSCHED_REPORT_NONE, "", "", 0, 0};
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->engagement_update(s, &rec, NULL));
    EXPECT_OK(s, s->commit(s));
    assert_int_equal(pragma_int(db, "SELECT start_day * 1000 + end_day FROM assignments"
                                    " WHERE engagement = 11"),
                     150151);
    w = work_of(s, 7, 151, 300);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.ids[0], 11);
    assert_int_equal(work_of(s, 7, 152, 300).count, 0);

    /* A new assignment takes its engagement's dates. */
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->user_upsert(s,
                                &(engsched_rec_user){0, "u8", "u8@example.com", "Op 8", 3, 0, 0},
                                NULL, NULL));
    engsched_id u8 = 0;
    EXPECT_OK(s, s->user_find(s, "u8", &u8));
    EXPECT_OK(s, s->assignment_insert(s, &(engsched_rec_assignment){10, u8, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_OK(s, s->commit(s));
    w = work_of(s, u8, 104, 104);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.ids[0], 10);
    assert_int_equal(pragma_int(db, "SELECT count(*) FROM assignments"
                                    " WHERE start_day = 0 OR end_day = 0"),
                     0);
    s->free(s);
    remove_store(path);
}

/* A store of data model 1 (layout 2, before the outbox) is moved on to
 * model 2 on open: the outbox is added beside the rows it had, and an
 * item for one of its engagements is stored and read back. */
static void test_layout_3_adds_outbox(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN], pragmas[96];
    tmp_path(path, sizeof path, "layout2");
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    for (int layout = 1; layout <= 2; layout++)
        assert_int_equal(sqlite3_exec(raw, es_sqlite_migration(layout), NULL, NULL, NULL),
                         SQLITE_OK);
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = 2",
             (int)ES_SQLITE_APPLICATION_ID);
    assert_int_equal(sqlite3_exec(raw, pragmas, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(raw,
                     "INSERT INTO roles VALUES(3, 'Operator', 3072);"
                     "INSERT INTO clients VALUES(1, 'c1', 'Client');"
                     "INSERT INTO users VALUES(7, 'u7', 'u7@example.com', 'Op', 3, 0);"
                     "INSERT INTO engagements VALUES(10, 1, NULL, 'A', '', '', '', '', '{}', '',"
                     " 100, 104, 2, 1, 0, 0);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    assert_int_equal(es_sqlite_model_of(2), 1);

    engsched_storage *s = open_prepared(path);
    assert_int_equal(pragma_int(es_sqlite_connection(s), "PRAGMA user_version"),
                     es_sqlite_schema_latest());
    /* The outbox is a capability of table version 3, not a model change. */
    assert_int_equal(es_sqlite_model_of(es_sqlite_schema_latest()), 1);
    engsched_rec_outbox item = {.kind = ENGSCHED_OUTBOX_MAIL, .state = ENGSCHED_OUTBOX_PENDING,
                                .engagement = 10, .user = 7, .recipient = "u7@example.com",
                                .payload = "Subject: A\r\n", .payload_len = 12};
    engsched_rec_outbox got;
    int64_t id = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_put(s, &item, &id));
    EXPECT_OK(s, s->outbox_get(s, id, &got));
    assert_int_equal(got.engagement, 10);
    assert_string_equal(got.payload, "Subject: A\r\n");
    EXPECT_OK(s, s->commit(s));
    engsched_rec_engagement e;
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->engagement_get(s, 10, &e));
    assert_string_equal(e.name, "A");
    EXPECT_OK(s, s->commit(s));
    s->free(s);
    remove_store(path);
}

/* A version the migration list cannot produce is refused, and the file
 * this open created is removed again. */
static void test_unknown_version_removes_new_file(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    int version = -1;
    tmp_path(path, sizeof path, "beyond");
    engsched_storage *s = NULL;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    EXPECT_RC(s, ENGSCHED_EUNSUPPORTED, s->prepare(s, es_sqlite_schema_latest() + 1, &version));
    assert_false(exists(path));
    /* The backend is unusable now, and says so, until it is freed. */
    EXPECT_RC(s, ENGSCHED_EMISUSE, s->begin(s, 0));
    s->free(s);
    assert_false(exists(path));
}

static void test_failed_prepare_keeps_existing_file(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    int version = -1;
    tmp_path(path, sizeof path, "existing");
    engsched_storage *s = open_prepared(path);
    s->free(s);
    s = NULL;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    EXPECT_RC(s, ENGSCHED_EUNSUPPORTED, s->prepare(s, es_sqlite_schema_latest() + 1, &version));
    s->free(s);
    assert_true(exists(path));
    assert_int_equal(raw_int(path, "PRAGMA user_version"), es_sqlite_schema_latest());
    remove_store(path);
}

/* An opener that gives up before prepare leaves nothing behind. */
static void test_free_unprepared_removes_new_file(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "unprepared");
    engsched_storage *s = NULL;
    EXPECT_OK(NULL, engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s));
    s->free(s);
    assert_false(exists(path));
}

/* --- locking ----------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void test_second_writer_busy(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "busy");
    engsched_storage *a = open_prepared(path);
    engsched_storage *b = open_prepared(path);
    EXPECT_OK(b, b->set_busy_timeout(b, 150));

    EXPECT_OK(a, a->begin(a, 1));
    engsched_rec_client c = {0, "held", "Held"};
    engsched_id id = 0;
    int created = 0;
    EXPECT_OK(a, a->client_upsert(a, &c, &id, &created));

    double t0 = now_ms();
    EXPECT_RC(b, ENGSCHED_EBUSY, b->begin(b, 1));
    double waited = now_ms() - t0;
    assert_true(waited >= 100.0); /* it waited for the timeout, not failed at once */
    EXPECT_OK(b, b->rollback(b));

    /* WAL: a reader is not blocked by the writer and sees the last commit. */
    engsched_id found = 0;
    EXPECT_OK(b, b->begin(b, 0));
    EXPECT_RC(b, ENGSCHED_ENOTFOUND, b->client_find(b, "held", &found));
    EXPECT_OK(b, b->commit(b));

    EXPECT_OK(a, a->commit(a));
    EXPECT_OK(b, b->begin(b, 1));
    EXPECT_OK(b, b->client_find(b, "held", &found));
    assert_int_equal(found, id);
    EXPECT_OK(b, b->commit(b));
    a->free(a);
    b->free(b);
    remove_store(path);
}

static void expect_setting(engsched_storage *s, const char *key, const char *want)
{
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->setting_get(s, key, &v));
    assert_string_equal(v, want);
    EXPECT_OK(s, s->commit(s));
}

/* The backend keeps the settings between transactions: a change committed
 * by another connection (another process) is seen in the next
 * transaction, and a write of its own that was rolled back is forgotten. */
static void test_settings_kept_across_connections(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "settings-kept");
    engsched_storage *a = open_prepared(path);
    engsched_storage *b = open_prepared(path);
    EXPECT_OK(a, a->begin(a, 1));
    EXPECT_OK(a, a->setting_set(a, "k", "one"));
    EXPECT_OK(a, a->commit(a));
    expect_setting(a, "k", "one");
    expect_setting(b, "k", "one");

    EXPECT_OK(b, b->begin(b, 1));
    EXPECT_OK(b, b->setting_set(b, "k", "two"));
    EXPECT_OK(b, b->commit(b));
    expect_setting(a, "k", "two");
    raw_exec(path, "UPDATE settings SET value = 'three' WHERE key = 'k'");
    expect_setting(a, "k", "three");
    expect_setting(b, "k", "three");

    /* Inside a transaction: its own write is read back, and undone. */
    const char *v = NULL;
    EXPECT_OK(a, a->begin(a, 1));
    EXPECT_OK(a, a->setting_set(a, "k", "four"));
    EXPECT_OK(a, a->setting_get(a, "k", &v));
    assert_string_equal(v, "four");
    EXPECT_OK(a, a->rollback(a));
    expect_setting(a, "k", "three");
    a->free(a);
    b->free(b);
    remove_store(path);
}

/* --- misuse and resources ---------------------------------------------- */

typedef struct reentry {
    engsched_storage *s;
    engsched_rc inner;
    int rows;
} reentry;

static engsched_rc count_event(void *ctx, const engsched_rec_event *row)
{
    (void)row;
    ((reentry *)ctx)->rows++;
    return ENGSCHED_OK;
}

static engsched_rc reenter_event_list(void *ctx, const engsched_rec_event *row)
{
    reentry *r = ctx;
    (void)row;
    r->rows++;
    reentry inner = {r->s, ENGSCHED_OK, 0};
    r->inner = r->s->event_list(r->s, 0, 0, 10, count_event, &inner);
    return ENGSCHED_OK;
}

/* A row callback that calls back into the query it is iterating gets a
 * clear error instead of restarting the outer iteration. */
static void test_reentrant_iteration(void **state)
{
    (void)state;
    engsched_storage *s = open_prepared(":memory:");
    engsched_rec_event ev = {0, 1, 0, 0, "x", 0, 0, NULL};
    int64_t seq = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->event_append(s, &ev, &seq));
    EXPECT_OK(s, s->event_append(s, &ev, &seq));
    reentry r = {s, ENGSCHED_OK, 0};
    EXPECT_OK(s, s->event_list(s, 0, 0, 10, reenter_event_list, &r));
    assert_int_equal(r.rows, 2);
    assert_int_equal(r.inner, ENGSCHED_EMISUSE);
    EXPECT_OK(s, s->commit(s));
    s->free(s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    engsched_storage *s = NULL;
    assert_int_equal(engsched_storage_sqlite_new(NULL, ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_EMISUSE);
    assert_int_equal(engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, NULL),
                     ENGSCHED_EMISUSE);
    assert_int_equal(engsched_storage_sqlite_new("", ENGSCHED_OPEN_CREATE, &s), ENGSCHED_EINVAL);
    assert_null(s);

    s = open_prepared(":memory:");
    unsigned char buf[4];
    size_t n = 0;
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_EINVAL, s->file_read(s, 1, -1, buf, sizeof buf, &n));
    EXPECT_OK(s, s->rollback(s));
    s->free(s);
}

/* SQLite's blob limit surfaces as ETOOBIG before any byte is read. */
static void test_file_too_big(void **state)
{
    (void)state;
    engsched_storage *s = open_prepared(":memory:");
    engsched_id client = 0, eng = 0, report = 0, file = 0;
    int created = 0;
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_client c = {0, "c", "C"};
    EXPECT_OK(s, s->client_upsert(s, &c, &client, &created));
    engsched_rec_engagement e = {.client = client, .name = "e", .status = 1, .version = 1};
    EXPECT_OK(s, s->engagement_insert(s, &e, &eng, &report));
    engsched_rec_file meta = {0, eng, "huge.bin", "application/octet-stream",
                              (int64_t)3 << 30, 0, 1};
    EXPECT_RC(s, ENGSCHED_ETOOBIG, s->file_insert(s, &meta, "x", &file));
    EXPECT_OK(s, s->rollback(s));
    s->free(s);
}

static int fail_after;

static void *failing_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (fail_after-- == 0)
        return NULL;
    return malloc(size);
}

static void *plain_realloc(void *p, size_t size, void *ctx)
{
    (void)ctx;
    return realloc(p, size);
}

static void plain_free(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}

/* Every allocation the backend makes itself can fail cleanly, leaving no
 * file behind. */
static void test_out_of_memory(void **state)
{
    (void)state;
    char path[PATH_MAX_LEN];
    tmp_path(path, sizeof path, "nomem");
    engsched_allocator failing = {ENGSCHED_ALLOCATOR_VERSION, failing_malloc, plain_realloc,
                                  plain_free, NULL};
    assert_int_equal(engsched_set_allocator(&failing), ENGSCHED_OK);
    for (int i = 0; i < 2; i++) {
        engsched_storage *s = NULL;
        fail_after = i;
        engsched_rc rc = engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &s);
        assert_int_equal(rc, ENGSCHED_ENOMEM);
        assert_null(s);
        assert_false(exists(path));
    }
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_OK);
}

int main(void)
{
    int failed = 0;
    failed += engsched_conformance_run("conformance: sqlite :memory:", make_memory, NULL);

    file_factory ff = {{0}, 0};
    failed += engsched_conformance_run("conformance: sqlite file", make_file, &ff);
    if (ff.path[0] != '\0')
        remove_store(ff.path);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_connection),
        cmocka_unit_test(test_file_pragmas),
        cmocka_unit_test(test_missing_directory),
        cmocka_unit_test(test_missing_file_without_create),
        cmocka_unit_test(test_garbage_file),
        cmocka_unit_test(test_foreign_tables),
        cmocka_unit_test(test_foreign_application_id),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_prepare_idempotent),
        cmocka_unit_test(test_migrations_forward_only),
        cmocka_unit_test(test_layout_4_assignments_migrate),
        cmocka_unit_test(test_layout_2_dates_assignments),
        cmocka_unit_test(test_layout_3_adds_outbox),
        cmocka_unit_test(test_unknown_version_removes_new_file),
        cmocka_unit_test(test_failed_prepare_keeps_existing_file),
        cmocka_unit_test(test_free_unprepared_removes_new_file),
        cmocka_unit_test(test_second_writer_busy),
        cmocka_unit_test(test_settings_kept_across_connections),
        cmocka_unit_test(test_reentrant_iteration),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_file_too_big),
        cmocka_unit_test(test_out_of_memory),
    };
    failed += cmocka_run_group_tests_name("sqlite backend", tests, NULL, NULL);
    return failed == 0 ? 0 : 1;
}
