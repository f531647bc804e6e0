/* Opening a store, black-box: a missing directory or file, a file that is
 * not a store, a store of a newer schema, bad options, read-only handles,
 * reopening, the built-in roles, and the allocator hooks. A refused open
 * creates nothing and leaves an existing file byte for byte as it was.
 * SQLite is used directly only to forge a newer schema version and a
 * foreign database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"

/* --- files -------------------------------------------------------------- */

typedef struct blob {
    unsigned char *data;
    size_t len;
} blob;

static blob slurp(const char *path)
{
    blob b = {0};
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    b.len = (size_t)n;
    b.data = malloc(b.len + 1);
    assert_non_null(b.data);
    assert_int_equal(fread(b.data, 1, b.len, fp), b.len);
    fclose(fp);
    return b;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int sibling_exists(const char *path, const char *suffix)
{
    char p[700];
    snprintf(p, sizeof p, "%s%s", path, suffix);
    return exists(p);
}

static void assert_unchanged(const char *path, const blob *before)
{
    blob after = slurp(path);
    if (after.len != before->len || memcmp(after.data, before->data, after.len) != 0)
        fail_msg("%s was changed by a refused open (%zu bytes before, %zu after)", path,
                 before->len, after.len);
    free(after.data);
    assert_false(sibling_exists(path, "-journal"));
    assert_false(sibling_exists(path, "-wal"));
    assert_false(sibling_exists(path, "-shm"));
}

static void remove_store(const char *path)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static engsched_options options(unsigned int flags)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = flags;
    return o;
}

/* Open must fail with want, leave *out alone and explain itself. */
static void open_fails(const char *path, const engsched_options *opts, engsched_rc want,
                       const char *needle)
{
    engsched *db = (engsched *)&db; /* a sentinel that must survive */
    engsched *const sentinel = db;
    engsched_rc rc = engsched_open(path, opts, &db);
    if (rc != want) {
        if (rc == ENGSCHED_OK)
            engsched_close(db);
        fail_msg("open %s returned %s, expected %s: %s", path ? path : "(null)",
                 engsched_rc_name(rc), engsched_rc_name(want), engsched_open_errmsg());
    }
    assert_ptr_equal(db, sentinel);
    const char *msg = engsched_open_errmsg();
    assert_non_null(msg);
    if (needle != NULL && strstr(msg, needle) == NULL)
        fail_msg("open %s: message \"%s\" does not name \"%s\"", path ? path : "(null)", msg,
                 needle);
}

/* A fresh store on disk with one client, closed again. */
static void make_store(const char *path)
{
    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, &o, &db), ENGSCHED_OK);
    engsched_id id = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "client-0", "Acme", &id),
                     ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    assert_false(sibling_exists(path, "-wal"));
}

/* ------------------------------------------------------------------------ */

static void test_missing_directory_is_not_found_and_creates_nothing(void **state)
{
    (void)state;
    char dir[512], path[700];
    fx_temp_path(dir, sizeof dir, "no-such-dir");
    rmdir(dir);
    assert_false(exists(dir));
    snprintf(path, sizeof path, "%s/store.db", dir);
    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    open_fails(path, &o, ENGSCHED_ENOTFOUND, path);
    open_fails(path, NULL, ENGSCHED_ENOTFOUND, path);
    assert_false(exists(dir));
    assert_false(exists(path));
}

static void test_missing_file_without_create_is_not_found(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "missing.db");
    engsched_options o = options(0);
    open_fails(path, &o, ENGSCHED_ENOTFOUND, path);
    assert_false(exists(path));
    assert_false(sibling_exists(path, "-wal"));
    o = options(ENGSCHED_OPEN_READONLY);
    open_fails(path, &o, ENGSCHED_ENOTFOUND, path);
    assert_false(exists(path));
}

static void test_garbage_file_is_corrupt_and_untouched(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "garbage.db");
    unsigned char junk[8192];
    const char head[] = "This is a spreadsheet, not a database.\n";
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)((i * 131 + 7) ^ (i >> 5));
    memcpy(junk, head, sizeof head - 1);
    spit(path, junk, sizeof junk);
    blob before = slurp(path);

    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    open_fails(path, &o, ENGSCHED_ECORRUPT, path);
    assert_unchanged(path, &before);
    o = options(0);
    open_fails(path, &o, ENGSCHED_ECORRUPT, path);
    assert_unchanged(path, &before);
    free(before.data);
    remove_store(path);
}

static void test_foreign_sqlite_database_is_corrupt_and_untouched(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "foreign.db");
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL);"
                                  "INSERT INTO invoices(total) VALUES (12.5), (99.0);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    blob before = slurp(path);

    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    open_fails(path, &o, ENGSCHED_ECORRUPT, path);
    assert_unchanged(path, &before);
    free(before.data);
    remove_store(path);
}

static int get_user_version(const char *path)
{
    sqlite3 *raw = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    return version;
}

static void set_user_version(const char *path, int version)
{
    sqlite3 *raw = NULL;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
}

static void test_newer_schema_is_unsupported_and_untouched(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "newer.db");
    make_store(path);
    /* The file records the SQLite layout, which may run ahead of
     * engsched_schema_version_supported() (layout-only migrations). */
    const int known_layout = get_user_version(path);
    assert_true(known_layout >= engsched_schema_version_supported());
    set_user_version(path, known_layout + 1);
    assert_false(sibling_exists(path, "-wal"));
    blob before = slurp(path);

    char newer[32], known[48];
    snprintf(newer, sizeof newer, "version %d,", known_layout + 1);
    snprintf(known, sizeof known, "supported version %d;", known_layout);
    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    open_fails(path, &o, ENGSCHED_EUNSUPPORTED, newer);
    open_fails(path, &o, ENGSCHED_EUNSUPPORTED, known);
    assert_unchanged(path, &before);
    o = options(ENGSCHED_OPEN_READONLY);
    open_fails(path, &o, ENGSCHED_EUNSUPPORTED, newer);
    assert_unchanged(path, &before);

    /* Back at the known version it opens again, data intact. */
    set_user_version(path, known_layout);
    o = options(0);
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, &o, &db), ENGSCHED_OK);
    engsched_id id = 0;
    assert_int_equal(engsched_client_find(db, "client-0", &id), ENGSCHED_OK);
    assert_true(id > 0);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    free(before.data);
    remove_store(path);
}

static void test_bad_options_and_arguments(void **state)
{
    (void)state;
    engsched_options o = options(ENGSCHED_OPEN_CREATE);
    o.version = ENGSCHED_OPTIONS_VERSION + 1;
    open_fails(":memory:", &o, ENGSCHED_EMISUSE, "version");
    o.version = 0;
    open_fails(":memory:", &o, ENGSCHED_EMISUSE, "opts");

    char path[512];
    fx_temp_path(path, sizeof path, "badopts.db");
    o.version = 99;
    open_fails(path, &o, ENGSCHED_EMISUSE, NULL);
    assert_false(exists(path));

    open_fails(NULL, NULL, ENGSCHED_EMISUSE, "path");
    open_fails("", NULL, ENGSCHED_EINVAL, "path");
    assert_int_equal(engsched_open(":memory:", NULL, NULL), ENGSCHED_EMISUSE);

    engsched_options untouched;
    memset(&untouched, 0xab, sizeof untouched);
    assert_int_equal(engsched_options_init(&untouched, ENGSCHED_OPTIONS_VERSION + 1),
                     ENGSCHED_EMISUSE);
    assert_int_equal(engsched_options_init(&untouched, 0), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_options_init(NULL, ENGSCHED_OPTIONS_VERSION), ENGSCHED_EMISUSE);
    /* The defaults of the header's static initialiser, field by field. */
    engsched_options defaults = ENGSCHED_OPTIONS_INIT;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    assert_int_equal(o.version, ENGSCHED_OPTIONS_VERSION);
    assert_int_equal(o.flags, ENGSCHED_OPEN_CREATE);
    assert_int_equal(o.flags, defaults.flags);
    assert_int_equal(o.busy_timeout_ms, defaults.busy_timeout_ms);
    assert_int_equal(o.log_level, defaults.log_level);
    assert_null(o.log);
    assert_null(o.on_event);
    assert_null(o.clock);

    assert_int_equal(engsched_close(NULL), ENGSCHED_OK);
}

static void test_read_only_handle_refuses_writes(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "readonly.db");
    make_store(path);
    blob before = slurp(path);

    engsched_options o = options(ENGSCHED_OPEN_READONLY);
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, &o, &db), ENGSCHED_OK);
    int64_t seq0 = -1, seq1 = -1;
    assert_int_equal(engsched_events_last_seq(db, &seq0), ENGSCHED_OK);
    assert_true(seq0 > 0);

    engsched_id id = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "client-1", "Globex", &id),
                     ENGSCHED_EMISUSE);
    assert_int_equal(engsched_errcode(db), ENGSCHED_EMISUSE);
    assert_non_null(strstr(engsched_errmsg(db), "read-only"));
    assert_int_equal(id, 0);
    assert_int_equal(engsched_setting_set(db, ENGSCHED_SYSTEM, "timezone", "Europe/Berlin"),
                     ENGSCHED_EMISUSE);
    assert_int_equal(engsched_role_create(db, ENGSCHED_SYSTEM, "R", ENGSCHED_PERM_VIEW, NULL),
                     ENGSCHED_EMISUSE);
    engsched_id client = 0;
    assert_int_equal(engsched_client_find(db, "client-0", &client), ENGSCHED_OK);
    engsched_input *in = NULL;
    assert_int_equal(engsched_input_new(db, &in), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_name(in, "Read-only"), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_client(in, client), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_dates(in, "2026-04-01", "2026-04-02"), ENGSCHED_OK);
    assert_int_equal(engsched_request(db, ENGSCHED_SYSTEM, in, &id), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_create(db, ENGSCHED_SYSTEM, in, &id), ENGSCHED_EMISUSE);
    engsched_input_free(in);
    unsigned int moved = 7;
    assert_int_equal(engsched_tick(db, FX_T0, &moved), ENGSCHED_EMISUSE);
    assert_int_equal(moved, 7);
    assert_int_equal(id, 0);

    /* Reads work. */
    char *value = NULL;
    assert_int_equal(engsched_setting_get(db, "timezone", &value), ENGSCHED_OK);
    assert_string_equal(value, "UTC");
    engsched_free(value);
    engsched_id role = 0;
    assert_int_equal(engsched_role_find(db, "Viewer", &role), ENGSCHED_OK);
    assert_int_equal(role, ENGSCHED_ROLE_VIEWER);
    assert_int_equal(engsched_events_last_seq(db, &seq1), ENGSCHED_OK);
    assert_int_equal(seq0, seq1);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    assert_unchanged(path, &before);
    free(before.data);
    remove_store(path);
}

static void test_schema_version_is_the_supported_one(void **state)
{
    (void)state;
    engsched *db = NULL;
    assert_int_equal(engsched_open(":memory:", NULL, &db), ENGSCHED_OK);
    int version = -1;
    assert_int_equal(engsched_schema_version(db, &version), ENGSCHED_OK);
    assert_true(version >= 1);
    assert_int_equal(version, engsched_schema_version_supported());
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

static void test_reopen_keeps_data(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    fx_ok(&f, engsched_setting_set(f.db, f.admin, "timezone", "Pacific/Auckland"));
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Durable", "2026-04-01",
                                "2026-04-03");
    fx_ok(&f, engsched_file_attach(f.db, f.manager, id, "a.txt", "text/plain", "abc", 3, NULL));
    fx_approve(&f, id);
    char *before = fx_digest(&f);
    assert_int_equal(engsched_close(f.db), ENGSCHED_OK);
    f.db = NULL;

    engsched_options o = options(0);
    assert_int_equal(engsched_open(f.path, &o, &f.db), ENGSCHED_OK);
    char *after = fx_digest(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    char *value = NULL;
    fx_ok(&f, engsched_setting_get(f.db, "timezone", &value));
    assert_string_equal(value, "Pacific/Auckland");
    engsched_free(value);
    engsched_id user = 0, client = 0;
    fx_ok(&f, engsched_user_find(f.db, "operator1", &user));
    assert_int_equal(user, f.operator1);
    fx_ok(&f, engsched_client_find(f.db, "client-2", &client));
    assert_int_equal(client, f.client[2]);
    /* Access grants survive too: the outsider still sees nothing of client 0. */
    engsched_engagement *e = NULL;
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, f.outsider, id, &e));
    fx_ok(&f, engsched_engagement_get(f.db, f.operator1, id, &e));
    assert_string_equal(engsched_engagement_name(e), "Durable");
    assert_int_equal(engsched_engagement_operator_count(e), 1);
    engsched_engagement_free(e);
    fx_close(&f);
}

static void test_builtin_roles_exist_and_keep_edits(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        engsched_id id;
    } roles[] = {
        {"Administrator", ENGSCHED_ROLE_ADMINISTRATOR}, {"Manager", ENGSCHED_ROLE_MANAGER},
        {"Operator", ENGSCHED_ROLE_OPERATOR},           {"Client", ENGSCHED_ROLE_CLIENT},
        {"Viewer", ENGSCHED_ROLE_VIEWER},
    };
    fx f;
    fx_open(&f, 1);
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        engsched_id id = 0;
        fx_ok(&f, engsched_role_find(f.db, roles[i].name, &id));
        assert_int_equal(id, roles[i].id);
        char key[32];
        snprintf(key, sizeof key, "role-user-%zu", i);
        engsched_id user = fx_user(&f, key, id, 0);
        unsigned int perms = 0;
        fx_ok(&f, engsched_user_permissions(f.db, user, &perms));
        assert_int_equal(perms, engsched_builtin_role_permissions(id));
    }
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_MANAGER),
                     ENGSCHED_PERM_ALL & ~(unsigned int)ENGSCHED_PERM_ADMIN);

    /* Built-in roles are editable, and a reopen does not reset them. */
    const unsigned int edited = ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW;
    fx_ok(&f, engsched_role_set_permissions(f.db, f.admin, ENGSCHED_ROLE_VIEWER, edited));
    assert_int_equal(engsched_close(f.db), ENGSCHED_OK);
    engsched_options o = options(0);
    assert_int_equal(engsched_open(f.path, &o, &f.db), ENGSCHED_OK);
    unsigned int perms = 0;
    fx_ok(&f, engsched_user_permissions(f.db, f.viewer, &perms));
    assert_int_equal(perms, edited);
    fx_close(&f);
}

/* --- allocator ---------------------------------------------------------- */

typedef struct counter {
    long live;
    long allocations;
    long frees;
} counter;

static void *count_malloc(size_t size, void *ctx)
{
    counter *c = ctx;
    void *p = malloc(size);
    if (p != NULL) {
        c->live++;
        c->allocations++;
    }
    return p;
}

static void *count_realloc(void *ptr, size_t size, void *ctx)
{
    counter *c = ctx;
    void *p = realloc(ptr, size);
    if (p != NULL && ptr == NULL) {
        c->live++;
        c->allocations++;
    }
    return p;
}

static void count_free(void *ptr, void *ctx)
{
    counter *c = ctx;
    if (ptr != NULL) {
        c->live--;
        c->frees++;
    }
    free(ptr);
}

static void test_allocator_hooks(void **state)
{
    (void)state;
    counter c = {0, 0, 0};
    engsched_allocator hooks = {ENGSCHED_ALLOCATOR_VERSION, count_malloc, count_realloc,
                                count_free, &c};
    engsched_allocator bad = hooks;
    bad.version = ENGSCHED_ALLOCATOR_VERSION + 1;
    assert_int_equal(engsched_set_allocator(&bad), ENGSCHED_EMISUSE);
    bad = hooks;
    bad.free_fn = NULL;
    assert_int_equal(engsched_set_allocator(&bad), ENGSCHED_EMISUSE);
    bad = hooks;
    bad.malloc_fn = NULL;
    assert_int_equal(engsched_set_allocator(&bad), ENGSCHED_EMISUSE);

    assert_int_equal(engsched_set_allocator(&hooks), ENGSCHED_OK);
    char path[512];
    fx_temp_path(path, sizeof path, "allocator.db");
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, NULL, &db), ENGSCHED_OK);
    assert_true(c.allocations > 0);

    /* Refused while any handle is open, whatever is passed. */
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_set_allocator(&hooks), ENGSCHED_EMISUSE);
    engsched *second = NULL;
    assert_int_equal(engsched_open(":memory:", NULL, &second), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_EMISUSE);
    db = second;

    /* Work that allocates and hands memory to the caller. */
    engsched_id client = 0, id = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "c", "C", &client), ENGSCHED_OK);
    engsched_input *in = NULL;
    assert_int_equal(engsched_input_new(db, &in), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_name(in, "Counted"), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_client(in, client), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_dates(in, "2026-04-01", "2026-04-02"), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_custom_fields(in, "{\"po\":\"4711\"}"), ENGSCHED_OK);
    assert_int_equal(engsched_input_add_file(in, "a.txt", NULL, "abc", 3), ENGSCHED_OK);
    assert_int_equal(engsched_request(db, ENGSCHED_SYSTEM, in, &id), ENGSCHED_OK);
    engsched_input_free(in);
    char *json = NULL;
    assert_int_equal(engsched_events_json(db, ENGSCHED_SYSTEM, id, &json), ENGSCHED_OK);
    assert_true(c.live > 0); /* json is ours until engsched_free */
    engsched_free(json);
    engsched_engagement *e = NULL;
    assert_int_equal(engsched_engagement_get(db, ENGSCHED_SYSTEM, id, &e), ENGSCHED_OK);
    engsched_engagement_free(e);
    engsched_file_list *files = NULL;
    assert_int_equal(engsched_file_list_get(db, ENGSCHED_SYSTEM, id, &files), ENGSCHED_OK);
    engsched_file_list_free(files);
    long during = c.allocations;
    assert_int_equal(engsched_close(db), ENGSCHED_OK);

    if (c.live != 0)
        fail_msg("%ld allocation(s) made through the hooks were not freed through them "
                 "(%ld allocations, %ld frees)",
                 c.live, c.allocations, c.frees);
    assert_true(during > 10);
    assert_int_equal(c.allocations, c.frees);
    /* With no handle open the hooks may be replaced again. */
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_OK);
    long after = c.allocations;
    assert_int_equal(engsched_open(":memory:", NULL, &db), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    assert_int_equal(c.allocations, after);
    remove_store(path);
}

/* A read-only open must never write, so a store that would need a schema
 * migration (here: a new one) is refused, and nothing is created. */
/* Another process holds the store locked while it is opened: the open
 * waits for the lock (the busy timeout) instead of failing with EBUSY on
 * its first read of the header. Several processes opening one store at
 * once (deliverers started together) ran into this. */
static void test_open_waits_for_a_locked_store(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "locked.db");
    make_store(path);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* In EXCLUSIVE locking mode the lock a transaction takes is kept
         * until the connection closes: nobody else can read meanwhile. */
        sqlite3 *raw = NULL;
        if (sqlite3_open(path, &raw) != SQLITE_OK ||
            sqlite3_exec(raw, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT", NULL,
                         NULL, NULL) != SQLITE_OK ||
            write(ready[1], "l", 1) != 1)
            _exit(3);
        struct timespec hold = {0, 300000000};
        nanosleep(&hold, NULL);
        sqlite3_close(raw);
        _exit(0);
    }
    close(ready[1]);
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    engsched_options o = options(0);
    engsched *db = NULL;
    engsched_rc rc = engsched_open(path, &o, &db);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (rc != ENGSCHED_OK)
        fail_msg("opening a store locked for 0.3 s: %s: %s", engsched_rc_name(rc),
                 engsched_open_errmsg());
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    engsched_id id = 0;
    assert_int_equal(engsched_client_find(db, "client-0", &id), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    remove_store(path);
}

static void test_read_only_open_never_migrates(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "readonly-new.db");
    engsched_options o = options(ENGSCHED_OPEN_READONLY | ENGSCHED_OPEN_CREATE);
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, &o, &db), ENGSCHED_EUNSUPPORTED);
    assert_null(db);
    assert_non_null(strstr(engsched_open_errmsg(), "read-only"));
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_directory_is_not_found_and_creates_nothing),
        cmocka_unit_test(test_missing_file_without_create_is_not_found),
        cmocka_unit_test(test_garbage_file_is_corrupt_and_untouched),
        cmocka_unit_test(test_foreign_sqlite_database_is_corrupt_and_untouched),
        cmocka_unit_test(test_newer_schema_is_unsupported_and_untouched),
        cmocka_unit_test(test_bad_options_and_arguments),
        cmocka_unit_test(test_read_only_open_never_migrates),
        cmocka_unit_test(test_open_waits_for_a_locked_store),
        cmocka_unit_test(test_read_only_handle_refuses_writes),
        cmocka_unit_test(test_schema_version_is_the_supported_one),
        cmocka_unit_test(test_reopen_keeps_data),
        cmocka_unit_test(test_builtin_roles_exist_and_keep_edits),
        cmocka_unit_test(test_allocator_hooks),
    };
    return cmocka_run_group_tests_name("open", tests, NULL, NULL);
}
