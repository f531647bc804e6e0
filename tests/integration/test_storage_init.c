/* ENGSCHED_STORAGE_INIT and engsched_storage_init(), through the public
 * API only (include/engsched/storage.h and backends.h).
 *
 * The tables are the built-in SQLite backend's own: its table is the first
 * member of its structure, so re-initialising it in place and putting its
 * callbacks back gives a real, working table of the version asked for
 * without a forwarding wrapper. That also makes the version 1 case sharp:
 * the SQLite backend's savepoint callbacks are still there, past the end
 * of what a version 1 table has, and they work. engsched_storage_init(…, 1)
 * must leave them as they are, and the core must not read them: a batch
 * on that table is ENGSCHED_EUNSUPPORTED. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <engsched/backends.h>
#include <engsched/storage.h>

#include "storage_callbacks.h"

/* Every callback of version 1, free and rollback included. */
#define V1_CALLBACKS(X) X(free) X(rollback) ES_TEST_STORAGE_DATA_CALLBACKS(X)

static engsched_storage *sqlite_backend(engsched_storage *saved)
{
    engsched_storage *s = NULL;
    assert_int_equal(engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, &s),
                     ENGSCHED_OK);
    *saved = *s;
    return s;
}

static void restore_v1(engsched_storage *s, const engsched_storage *saved)
{
#define PUT(name) s->name = saved->name;
    V1_CALLBACKS(PUT)
#undef PUT
}

static void restore_v2(engsched_storage *s, const engsched_storage *saved)
{
    restore_v1(s, saved);
#define PUT(name) s->name = saved->name;
    ES_TEST_STORAGE_SAVEPOINT_CALLBACKS(PUT)
#undef PUT
}

static engsched *open_ok(engsched_storage *s)
{
    engsched *db = NULL;
    engsched_rc rc = engsched_open_backend(s, NULL, &db);
    if (rc != ENGSCHED_OK) {
        s->free(s);
        fail_msg("open_backend: %s: %s", engsched_rc_name(rc), engsched_open_errmsg());
    }
    return db;
}

static void assert_all_null(const engsched_storage *s, int with_v2)
{
#define IS_NULL(name) assert_null((void *)(uintptr_t)s->name);
    V1_CALLBACKS(IS_NULL)
    if (with_v2) {
        ES_TEST_STORAGE_SAVEPOINT_CALLBACKS(IS_NULL)
    }
#undef IS_NULL
}

/* The macro: the current version, every member NULL, and the same table
 * as the function gives (member by member: padding is not compared). */
static void test_init_macro(void **state)
{
    (void)state;
    engsched_storage macro = ENGSCHED_STORAGE_INIT;
    assert_int_equal(macro.version, ENGSCHED_STORAGE_VERSION);
    assert_all_null(&macro, 1);

    engsched_storage fn;
    memset(&fn, 0xA5, sizeof fn);
    assert_int_equal(engsched_storage_init(&fn, ENGSCHED_STORAGE_VERSION), ENGSCHED_OK);
    assert_int_equal(fn.version, macro.version);
    assert_all_null(&fn, 1);
}

/* A table built from the macro opens and runs a batch. */
static void test_macro_table_opens(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    *s = (engsched_storage)ENGSCHED_STORAGE_INIT;
    restore_v2(s, &saved);
    engsched *db = open_ok(s);
    assert_int_equal(engsched_batch_begin(db), ENGSCHED_OK);
    assert_int_equal(engsched_batch_commit(db), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

/* Version 1: only its members are written, and the core reads no more. */
static void test_version_1(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    assert_non_null((void *)(uintptr_t)saved.savepoint);
    assert_int_equal(engsched_storage_init(s, 1), ENGSCHED_OK);
    assert_int_equal(s->version, 1);
    assert_all_null(s, 0);
    /* Past the end of a version 1 table: untouched. */
    assert_true(s->savepoint == saved.savepoint);
    assert_true(s->release == saved.release);
    assert_true(s->rollback_to == saved.rollback_to);

    restore_v1(s, &saved);
    engsched *db = open_ok(s);
    assert_int_equal(engsched_batch_begin(db), ENGSCHED_EUNSUPPORTED);
    engsched_id client = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "c1", "Acme", &client),
                     ENGSCHED_OK);
    assert_true(client != 0);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

/* Version 2: every member written, savepoints given back, batches work. */
static void test_version_2(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    assert_int_equal(engsched_storage_init(s, 2), ENGSCHED_OK);
    assert_int_equal(s->version, 2);
    assert_all_null(s, 1);

    restore_v2(s, &saved);
    engsched *db = open_ok(s);
    assert_int_equal(engsched_batch_begin(db), ENGSCHED_OK);
    engsched_id client = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "c1", "Acme", &client),
                     ENGSCHED_OK);
    assert_int_equal(engsched_batch_commit(db), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

/* Version 4: its members written, the version 5 backup past its end left
 * as it was, and never read: engsched_backup() is EUNSUPPORTED. */
static void test_version_4(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    assert_non_null((void *)(uintptr_t)saved.backup);
    assert_int_equal(engsched_storage_init(s, 4), ENGSCHED_OK);
    assert_int_equal(s->version, 4);
    assert_all_null(s, 1);
    assert_null((void *)(uintptr_t)s->feed_token_delete);
    assert_true(s->backup == saved.backup); /* past the end of a version 4 table */

    restore_v2(s, &saved);
    engsched *db = open_ok(s);
    assert_int_equal(engsched_backup(db, ENGSCHED_SYSTEM, "never-written.db", NULL),
                     ENGSCHED_EUNSUPPORTED);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

/* Version 5: backup() written (NULL) like every other member. */
static void test_version_5(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    assert_int_equal(engsched_storage_init(s, 5), ENGSCHED_OK);
    assert_int_equal(s->version, 5);
    assert_null((void *)(uintptr_t)s->backup);
    engsched_storage macro = ENGSCHED_STORAGE_INIT;
    assert_null((void *)(uintptr_t)macro.backup);
    *s = saved;
    s->free(s);
}

static int64_t capacity_working(engsched *db)
{
    engsched_capacity *c = NULL;
    int has = 0;
    assert_int_equal(engsched_capacity_open(db, ENGSCHED_SYSTEM, "2026-03-02", "2026-03-08", NULL,
                                            &c),
                     ENGSCHED_OK);
    int64_t sum = 0;
    while (engsched_capacity_next(c, &has) == ENGSCHED_OK && has)
        sum += engsched_capacity_value(c, ENGSCHED_CAPACITY_DEMAND);
    assert_int_equal(has, 0);
    engsched_capacity_free(c);
    return sum;
}

/* Version 6: the version 7 range callbacks lie past its end, set but
 * never read; capacity reads one operator at a time and still works. */
static void test_version_6(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    assert_non_null((void *)(uintptr_t)saved.range_staffing);
    *s = saved;
    s->version = 6;
    engsched *db = open_ok(s);
    assert_int_equal(capacity_working(db), 0);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

/* Version 7: both range callbacks or neither. */
static void test_version_7_pairs(void **state)
{
    (void)state;
    engsched_storage saved;
    engsched_storage *s = sqlite_backend(&saved);
    s->range_unavailability = NULL;
    engsched *db = NULL;
    assert_int_equal(engsched_open_backend(s, NULL, &db), ENGSCHED_EMISUSE);
    assert_null(db);
    assert_non_null(strstr(engsched_open_errmsg(), "both range callbacks or none"));
    s->range_staffing = NULL;
    db = open_ok(s);
    assert_int_equal(capacity_working(db), 0);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

static unsigned int start_due_calls;

static engsched_rc counted_start_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                     unsigned int limit, int new_status, int64_t now,
                                     engsched_storage_engagement_fn row, void *ctx)
{
    (void)s, (void)day, (void)after_id, (void)limit, (void)new_status, (void)now, (void)row;
    (void)ctx;
    start_due_calls++;
    return ENGSCHED_OK; /* nothing due */
}

/* Version 7: engagements_start_due lies past its end, set but never read:
 * the tick reads and writes the due rows one by one. Version 8: the tick
 * calls it (once, nothing being due). */
static void test_version_7_start_due(void **state)
{
    (void)state;
    const unsigned int versions[] = {7, 8};
    for (size_t i = 0; i < 2; i++) {
        engsched_storage saved;
        engsched_storage *s = sqlite_backend(&saved);
        assert_non_null((void *)(uintptr_t)saved.engagements_start_due);
        s->version = versions[i];
        s->engagements_start_due = counted_start_due;
        engsched *db = open_ok(s);
        start_due_calls = 0;
        unsigned int moved = 1;
        assert_int_equal(engsched_tick(db, 1772366400, &moved), ENGSCHED_OK);
        assert_int_equal(moved, 0);
        assert_int_equal(start_due_calls, versions[i] == 8 ? 1 : 0);
        assert_int_equal(engsched_close(db), ENGSCHED_OK);
    }
}

/* An initialised table without callbacks is not a backend yet. */
static void test_empty_table_refused(void **state)
{
    (void)state;
    engsched_storage empty;
    assert_int_equal(engsched_storage_init(&empty, ENGSCHED_STORAGE_VERSION), ENGSCHED_OK);
    engsched *db = NULL;
    assert_int_equal(engsched_open_backend(&empty, NULL, &db), ENGSCHED_EMISUSE);
    assert_null(db);
}

/* Versions the library does not know: refused, the table left as it was. */
static void test_unknown_versions(void **state)
{
    (void)state;
    const unsigned int versions[] = {0, ENGSCHED_STORAGE_VERSION + 1, UINT_MAX};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        engsched_storage t, before;
        memset(&t, 0x5A, sizeof t);
        memcpy(&before, &t, sizeof t); /* padding too, unlike an assignment */
        engsched_storage_set_error(&t, "%s", "");
        assert_int_equal(engsched_storage_init(&t, versions[i]), ENGSCHED_EUNSUPPORTED);
        assert_memory_equal(&t, &before, sizeof t);
        assert_non_null(strstr(engsched_storage_errmsg(&t), "version"));
    }
}

static void test_null(void **state)
{
    (void)state;
    assert_int_equal(engsched_storage_init(NULL, ENGSCHED_STORAGE_VERSION), ENGSCHED_EINVAL);
    assert_int_equal(engsched_storage_init(NULL, 0), ENGSCHED_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_macro),       cmocka_unit_test(test_macro_table_opens),
        cmocka_unit_test(test_version_1),        cmocka_unit_test(test_version_2),
        cmocka_unit_test(test_version_4),        cmocka_unit_test(test_version_5),
        cmocka_unit_test(test_version_6),
        cmocka_unit_test(test_version_7_pairs),
        cmocka_unit_test(test_version_7_start_due),
        cmocka_unit_test(test_empty_table_refused), cmocka_unit_test(test_unknown_versions),
        cmocka_unit_test(test_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
