/* Opening a file that exists but holds no store: without
 * ENGSCHED_OPEN_CREATE nothing is created (ENOTFOUND, the file is left as
 * it was); with it the file becomes a store. Before, an empty file opened
 * without CREATE silently became a store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "fixture.h"

static long long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void remove_store(const char *path)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        remove(p);
    }
}

static engsched_rc open_with(const char *path, unsigned int flags, engsched **out)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = flags;
    return engsched_open(path, &o, out);
}

static void assert_refused_untouched(const char *path, long long size, unsigned int flags)
{
    engsched *db = NULL;
    engsched_rc rc = open_with(path, flags, &db);
    if (rc != ENGSCHED_ENOTFOUND)
        fail_msg("flags %u: %s (%s)", flags, engsched_rc_name(rc), engsched_open_errmsg());
    assert_null(db);
    assert_non_null(strstr(engsched_open_errmsg(), "CREATE"));
    assert_int_equal(size_of(path), size);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(size_of(wal), -1);
}

static void assert_becomes_a_store(const char *path)
{
    engsched *db = NULL;
    engsched_rc rc = open_with(path, ENGSCHED_OPEN_CREATE, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("CREATE: %s (%s)", engsched_rc_name(rc), engsched_open_errmsg());
    int version = 0;
    assert_int_equal(engsched_schema_version(db, &version), ENGSCHED_OK);
    assert_int_equal(version, engsched_schema_version_supported());
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    /* A store now: it opens without CREATE. */
    assert_int_equal(open_with(path, 0, &db), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

static void test_zero_byte_file(void **state)
{
    (void)state;
    if (fx_backend_is_memory())
        skip();
    char path[512];
    fx_temp_path(path, sizeof path, "open_empty_zero");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_refused_untouched(path, 0, 0);
    assert_refused_untouched(path, 0, ENGSCHED_OPEN_READONLY);
    assert_becomes_a_store(path);
    remove_store(path);
}

/* A SQLite database without a single table is no store either. */
static void test_empty_database(void **state)
{
    (void)state;
    if (fx_backend_is_memory())
        skip();
    char path[512];
    fx_temp_path(path, sizeof path, "open_empty_db");
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version = 0; VACUUM", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    long long size = size_of(path);
    assert_true(size >= 0);
    assert_refused_untouched(path, size, 0);
    assert_becomes_a_store(path);
    remove_store(path);
}

/* The missing file, as before. */
static void test_missing_file(void **state)
{
    (void)state;
    if (fx_backend_is_memory())
        skip();
    char path[512];
    fx_temp_path(path, sizeof path, "open_empty_missing");
    assert_refused_untouched(path, -1, 0);
    assert_becomes_a_store(path);
    remove_store(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_byte_file),
        cmocka_unit_test(test_empty_database),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
