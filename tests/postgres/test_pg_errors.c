/* The PostgreSQL backend under bad conditions: an unreachable server,
 * refused credentials, a missing database, a malformed connection string,
 * a schema that is newer or not ours, a connection dropped in the middle
 * of an operation, and a store locked by another writer. Each must give a
 * clear result code and message, never echo a password, and leave nothing
 * half-written.
 *
 * Needs $ENGSCHED_TEST_PG (tests/postgres/with-cluster.sh); the
 * credential cases also need $ENGSCHED_TEST_PG_AUTH and
 * $ENGSCHED_TEST_PG_AUTH_PASSWORD (a role that must give a password).
 * Black-box: the public API and storage.h only; SQL of its own through
 * libpq (pg_scratch.h) to inspect and to terminate sessions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <engsched/storage.h>

#include "pg_scratch.h"

#define URI_MAX 1024

/* --- helpers ----------------------------------------------------------- */

static void expect_open_fails(const char *uri, engsched_rc want, const char *must_contain,
                              const char *must_not_contain)
{
    engsched *db = NULL;
    engsched_rc rc = engsched_open(uri, NULL, &db);
    const char *msg = engsched_open_errmsg();
    print_message("%s: %s\n", engsched_rc_name(rc), msg);
    if (rc != want)
        fail_msg("engsched_open: %s, expected %s: %s", engsched_rc_name(rc),
                 engsched_rc_name(want), msg);
    assert_null(db);
    if (must_contain != NULL && strstr(msg, must_contain) == NULL)
        fail_msg("message \"%s\" does not mention \"%s\"", msg, must_contain);
    if (must_not_contain != NULL && strstr(msg, must_not_contain) != NULL)
        fail_msg("message \"%s\" gives away \"%s\"", msg, must_not_contain);
}

static engsched *open_ok(const char *uri, const engsched_options *opts)
{
    engsched *db = NULL;
    engsched_rc rc = engsched_open(uri, opts, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("engsched_open: %s: %s", engsched_rc_name(rc), engsched_open_errmsg());
    return db;
}

/* The value of a one-value query, as an integer (-1 on error). */
static long long sql_int(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static long long sql_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *v = fx_pg_query(sql);
    if (v == NULL)
        fail_msg("query failed: %s", sql);
    long long n = v[0] != '\0' ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* The URI of the password role, with @p extra appended ("&password=…"). */
static int auth_uri(char *out, size_t size, const char *extra)
{
    const char *base = getenv("ENGSCHED_TEST_PG_AUTH");
    if (base == NULL || base[0] == '\0')
        return 0;
    snprintf(out, size, "%s%s", base, extra);
    return 1;
}

/* --- unreachable servers ------------------------------------------------ */

static void test_unreachable_tcp_port(void **state)
{
    (void)state;
    /* Nothing listens on port 1 of the loopback: refused at once. */
    expect_open_fails("postgresql://127.0.0.1:1/engsched?connect_timeout=5&password=pw-tcp-1",
                      ENGSCHED_ESTORAGE, "cannot connect to 127.0.0.1:1", "pw-tcp-1");
}

static void test_unreachable_socket(void **state)
{
    (void)state;
    expect_open_fails("postgresql:///engsched?host=/nonexistent-engsched-dir",
                      ENGSCHED_ESTORAGE, "/nonexistent-engsched-dir", NULL);
    /* The same through the storage entry point, with its own message. */
    engsched_storage *s = NULL;
    assert_int_equal(engsched_storage_postgres_new(
                         "postgresql:///engsched?host=/nonexistent-engsched-dir", 0, &s),
                     ENGSCHED_ESTORAGE);
    assert_null(s);
    assert_non_null(strstr(engsched_storage_errmsg(NULL), "cannot connect"));
}

/* --- credentials -------------------------------------------------------- */

static void test_wrong_password(void **state)
{
    (void)state;
    char uri[URI_MAX];
    if (!auth_uri(uri, sizeof uri, "&password=Wr0ng-Secret-4711"))
        skip();
    expect_open_fails(uri, ENGSCHED_EDENIED, "authentication failed", "Wr0ng-Secret-4711");
    expect_open_fails(uri, ENGSCHED_EDENIED, "engsched_pw", NULL);

    /* The password in the user-info part of the URI is not echoed either. */
    const char *base = getenv("ENGSCHED_TEST_PG_AUTH");
    assert_int_equal(strncmp(base, "postgresql://", 13), 0);
    snprintf(uri, sizeof uri, "postgresql://engsched_pw:Wr0ng-Secret-4712@%s", base + 13);
    expect_open_fails(uri, ENGSCHED_EDENIED, "authentication failed", "Wr0ng-Secret-4712");
}

static void test_missing_password(void **state)
{
    (void)state;
    char uri[URI_MAX];
    if (!auth_uri(uri, sizeof uri, ""))
        skip();
    expect_open_fails(uri, ENGSCHED_EDENIED, "password", NULL);
}

static void test_right_password_works(void **state)
{
    (void)state;
    char uri[URI_MAX], extra[256];
    const char *pw = getenv("ENGSCHED_TEST_PG_AUTH_PASSWORD");
    if (pw == NULL || !auth_uri(uri, sizeof uri, ""))
        skip();
    snprintf(extra, sizeof extra, "&password=%s", pw);
    assert_true(auth_uri(uri, sizeof uri, extra));
    engsched *db = open_ok(uri, NULL);
    int version = 0;
    assert_int_equal(engsched_schema_version(db, &version), ENGSCHED_OK);
    assert_int_equal(version, engsched_schema_version_supported());
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    /* The role's own schema (search_path "$user") holds the store. */
    assert_int_equal(sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = 'engsched_pw'"
                             " AND tablename = 'engsched_meta'"),
                     1);
}

static void test_missing_database(void **state)
{
    (void)state;
    const char *base = fx_pg_uri();
    char uri[URI_MAX];
    /* postgresql:///engsched_test?… → postgresql:///no_such_db?… */
    const char *query = strchr(base, '?');
    assert_non_null(query);
    snprintf(uri, sizeof uri, "postgresql:///engsched_no_such_db%s", query);
    expect_open_fails(uri, ENGSCHED_ENOTFOUND, "does not exist", NULL);
}

static void test_malformed_uri(void **state)
{
    (void)state;
    expect_open_fails("postgresql://someone:S3cret%zz@localhost/db", ENGSCHED_EINVAL,
                      "not valid", "S3cret");
    expect_open_fails("postgresql://localhost/db?no_such_option=1", ENGSCHED_EINVAL,
                      "not valid", NULL);
}

/* --- schemas ------------------------------------------------------------ */

static void test_newer_schema_refused_untouched(void **state)
{
    (void)state;
    char uri[URI_MAX], schema[64];
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    engsched_close(open_ok(uri, NULL));
    long long tables = sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", schema);
    char *v = fx_pg_query("SELECT 1"); /* the admin connection works */
    free(v);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE %s.engsched_meta SET value = 99 WHERE key = 'schema_version'", schema);
    v = fx_pg_query(sql);
    assert_non_null(v);
    free(v);

    expect_open_fails(uri, ENGSCHED_EUNSUPPORTED, "newer", NULL);
    expect_open_fails(uri, ENGSCHED_EUNSUPPORTED, "99", NULL);
    /* Refused before any write: same version, same tables. */
    assert_int_equal(sql_int("SELECT value FROM %s.engsched_meta WHERE key = 'schema_version'",
                             schema),
                     99);
    assert_int_equal(sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", schema),
                     tables);
    fx_pg_scratch_drop(uri);
}

/* A store from before the outbox (layout 2, data model 1: forged here
 * from a new store by undoing migration 3) moves on to the current model
 * on open, keeping its rows. */
static void test_store_before_outbox_migrates(void **state)
{
    (void)state;
    char uri[URI_MAX], schema[64], sql[2048];
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    engsched *db = open_ok(uri, NULL);
    engsched_id client = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "kept", "Kept", &client),
                     ENGSCHED_OK);
    engsched_close(db);
    /* Back to layout 2: undo migrations 3 to 7 (the functions migration 5
     * replaced are compatible with either layout; dropping a column drops
     * its indexes). */
    snprintf(sql, sizeof sql,
             "DROP TABLE %s.outbox; DROP TABLE %s.feed_tokens; DROP INDEX %s.invitations_uid;"
             " ALTER TABLE %s.invitations DROP COLUMN uid, DROP COLUMN organizer_email,"
             " DROP COLUMN organizer_name, DROP COLUMN response, DROP COLUMN responded_at,"
             " DROP COLUMN response_sequence;"
             " ALTER TABLE %s.assignments DROP COLUMN windowed, DROP COLUMN percent,"
             " DROP COLUMN tentative;"
             " DROP TABLE %s.user_skills; DROP TABLE %s.engagement_skills;"
             " ALTER TABLE %s.engagements DROP COLUMN recurrence, DROP COLUMN origin,"
             " DROP COLUMN recurrence_next_day;"
             " UPDATE %s.engsched_meta SET value = 2 WHERE key = 'schema_version'",
             schema, schema, schema, schema, schema, schema, schema, schema, schema);
    char *v = fx_pg_query(sql);
    assert_non_null(v);
    free(v);

    db = open_ok(uri, NULL);
    int version = 0;
    assert_int_equal(engsched_schema_version(db, &version), ENGSCHED_OK);
    assert_int_equal(version, engsched_schema_version_supported());
    engsched_id found = 0;
    assert_int_equal(engsched_client_find(db, "kept", &found), ENGSCHED_OK);
    assert_int_equal(found, client);
    engsched_close(db);
    assert_true(sql_int("SELECT value FROM %s.engsched_meta WHERE key = 'schema_version'",
                        schema) >= 3);
    assert_int_equal(sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = '%s'"
                             " AND tablename = 'outbox'",
                             schema),
                     1);
    fx_pg_scratch_drop(uri);
}

static void test_foreign_schema_refused_untouched(void **state)
{
    (void)state;
    char uri[URI_MAX], schema[64], sql[256];
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    snprintf(sql, sizeof sql, "CREATE TABLE %s.users(id int)", schema);
    free(fx_pg_query(sql));
    expect_open_fails(uri, ENGSCHED_ECORRUPT, "no libengsched store", NULL);
    assert_int_equal(sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", schema),
                     1);
    fx_pg_scratch_drop(uri);
}

static void test_no_create_leaves_schema_empty(void **state)
{
    (void)state;
    char uri[URI_MAX], schema[64];
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    opts.flags = 0;
    engsched *db = NULL;
    assert_int_equal(engsched_open(uri, &opts, &db), ENGSCHED_ENOTFOUND);
    assert_non_null(strstr(engsched_open_errmsg(), "CREATE"));
    opts.flags = ENGSCHED_OPEN_READONLY;
    assert_int_equal(engsched_open(uri, &opts, &db), ENGSCHED_ENOTFOUND);
    assert_int_equal(sql_int("SELECT count(*) FROM pg_tables WHERE schemaname = '%s'", schema),
                     0);
    fx_pg_scratch_drop(uri);
}

static void test_missing_schema(void **state)
{
    (void)state;
    const char *base = fx_pg_uri();
    char uri[URI_MAX];
    snprintf(uri, sizeof uri, "%s&options=-csearch_path%%3Dno_such_schema_here", base);
    expect_open_fails(uri, ENGSCHED_ENOTFOUND, "search_path", NULL);
}

/* --- a connection dropped mid-operation --------------------------------- */

static char victim_app[64];
static engsched_rc (*real_event_append)(engsched_storage *s, const engsched_rec_event *rec,
                                        int64_t *out_seq);
static int kill_armed;

/* Terminate the session of application_name victim_app and wait for it
 * to end (pg_terminate_backend's timeout). */
static void terminate_victim(void)
{
    assert_int_equal(sql_int("SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000)"
                             " FROM pg_stat_activity WHERE application_name = '%s') AS t",
                             victim_app),
                     1);
}

/* event_append with the connection cut just before it: the engagement
 * row was already updated in the same transaction. */
static engsched_rc killing_event_append(engsched_storage *s, const engsched_rec_event *rec,
                                        int64_t *out_seq)
{
    if (kill_armed) {
        kill_armed = 0;
        terminate_victim();
    }
    return real_event_append(s, rec, out_seq);
}

static void test_dropped_connection_mid_operation(void **state)
{
    (void)state;
    char uri[URI_MAX], schema[64];
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    snprintf(victim_app, sizeof victim_app, "es_victim_%ld", (long)getpid());
    size_t len = strlen(uri);
    snprintf(uri + len, sizeof uri - len, "&application_name=%s", victim_app);

    engsched_storage *s = NULL;
    assert_int_equal(engsched_storage_postgres_new(uri, ENGSCHED_OPEN_CREATE, &s), ENGSCHED_OK);
    real_event_append = s->event_append;
    s->event_append = killing_event_append; /* our copy of the table */
    engsched *db = NULL;
    assert_int_equal(engsched_open_backend(s, NULL, &db), ENGSCHED_OK);

    engsched_id client = 0, manager = 0, eng = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme", &client),
                     ENGSCHED_OK);
    assert_int_equal(engsched_user_upsert(db, ENGSCHED_SYSTEM, "boss", "boss@example.com", "Boss",
                                          ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS,
                                          &manager),
                     ENGSCHED_OK);
    engsched_input *in = NULL;
    assert_int_equal(engsched_input_new(db, &in), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_name(in, "Dropped"), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_client(in, client), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_dates(in, "2030-01-10", "2030-01-12"), ENGSCHED_OK);
    assert_int_equal(engsched_request(db, manager, in, &eng), ENGSCHED_OK);
    engsched_input_free(in);
    long long events = sql_int("SELECT count(*) FROM %s.events", schema);
    long long version = sql_int("SELECT version FROM %s.engagements WHERE id = %lld", schema,
                                (long long)eng);

    /* Approving writes the engagement, then its event: the session dies
     * between the two. */
    kill_armed = 1;
    engsched_rc rc = engsched_approve(db, manager, eng, 0, NULL);
    if (rc != ENGSCHED_ESTORAGE)
        fail_msg("approve: %s (%s), expected ESTORAGE", engsched_rc_name(rc),
                 engsched_errmsg(db));
    assert_non_null(strstr(engsched_errmsg(db), "connection"));
    assert_non_null(strstr(engsched_errmsg(db), "not committed"));
    /* Nothing half-written: neither the new status nor an event. */
    assert_int_equal(sql_int("SELECT status FROM %s.engagements WHERE id = %lld", schema,
                             (long long)eng),
                     ENGSCHED_STATUS_PENDING);
    assert_int_equal(sql_int("SELECT version FROM %s.engagements WHERE id = %lld", schema,
                             (long long)eng),
                     version);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.events", schema), events);

    /* The handle connects again for the next operation. */
    assert_int_equal(engsched_approve(db, manager, eng, 0, NULL), ENGSCHED_OK);
    assert_int_equal(sql_int("SELECT status FROM %s.engagements WHERE id = %lld", schema,
                             (long long)eng),
                     ENGSCHED_STATUS_SCHEDULED);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.events", schema), events + 1);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    fx_pg_scratch_drop(uri);
}

/* The same between two callbacks of the storage interface itself. */
static void test_dropped_connection_between_callbacks(void **state)
{
    (void)state;
    char uri[URI_MAX];
    fx_pg_scratch(uri, sizeof uri, NULL, 0);
    snprintf(victim_app, sizeof victim_app, "es_victim2_%ld", (long)getpid());
    size_t len = strlen(uri);
    snprintf(uri + len, sizeof uri - len, "&application_name=%s", victim_app);
    engsched_storage *s = NULL;
    int version = 0;
    assert_int_equal(engsched_storage_postgres_new(uri, ENGSCHED_OPEN_CREATE, &s), ENGSCHED_OK);
    assert_int_equal(s->prepare(s, engsched_schema_version_supported(), &version), ENGSCHED_OK);

    engsched_rec_client c = {0, "first", "First"};
    engsched_id id = 0;
    int created = 0;
    assert_int_equal(s->begin(s, 1), ENGSCHED_OK);
    assert_int_equal(s->client_upsert(s, &c, &id, &created), ENGSCHED_OK);
    terminate_victim();
    c.host_key = "second";
    assert_int_equal(s->client_upsert(s, &c, &id, &created), ENGSCHED_ESTORAGE);
    assert_non_null(strstr(engsched_storage_errmsg(s), "lost"));
    assert_int_equal(s->commit(s), ENGSCHED_ESTORAGE);
    assert_int_equal(s->rollback(s), ENGSCHED_OK);

    /* A new transaction reconnects; the first client was never kept. */
    assert_int_equal(s->begin(s, 0), ENGSCHED_OK);
    assert_int_equal(s->client_find(s, "first", &id), ENGSCHED_ENOTFOUND);
    assert_int_equal(s->commit(s), ENGSCHED_OK);
    s->free(s);
    fx_pg_scratch_drop(uri);
}

/* --- a store locked by another writer ----------------------------------- */

static void test_locked_store_is_busy(void **state)
{
    (void)state;
    char uri[URI_MAX];
    fx_pg_scratch(uri, sizeof uri, NULL, 0);
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    opts.busy_timeout_ms = 200;
    engsched *db = open_ok(uri, &opts);

    /* Another server holds the write lock of the store. */
    engsched_storage *other = NULL;
    int version = 0;
    assert_int_equal(engsched_storage_postgres_new(uri, 0, &other), ENGSCHED_OK);
    assert_int_equal(other->prepare(other, engsched_schema_version_supported(), &version),
                     ENGSCHED_OK);
    assert_int_equal(other->begin(other, 1), ENGSCHED_OK);

    engsched_id client = 0;
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme", &client),
                     ENGSCHED_EBUSY);
    assert_non_null(strstr(engsched_errmsg(db), "locked"));
    /* Readers do not wait for writers. */
    assert_int_equal(engsched_schema_version(db, &version), ENGSCHED_OK);

    assert_int_equal(other->rollback(other), ENGSCHED_OK);
    other->free(other);
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme", &client),
                     ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    fx_pg_scratch_drop(uri);
}

int main(void)
{
    fx_pg_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unreachable_tcp_port),
        cmocka_unit_test(test_unreachable_socket),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_missing_password),
        cmocka_unit_test(test_right_password_works),
        cmocka_unit_test(test_missing_database),
        cmocka_unit_test(test_malformed_uri),
        cmocka_unit_test(test_newer_schema_refused_untouched),
        cmocka_unit_test(test_store_before_outbox_migrates),
        cmocka_unit_test(test_foreign_schema_refused_untouched),
        cmocka_unit_test(test_no_create_leaves_schema_empty),
        cmocka_unit_test(test_missing_schema),
        cmocka_unit_test(test_dropped_connection_mid_operation),
        cmocka_unit_test(test_dropped_connection_between_callbacks),
        cmocka_unit_test(test_locked_store_is_busy),
    };
    return cmocka_run_group_tests_name("postgres errors", tests, NULL, NULL);
}
