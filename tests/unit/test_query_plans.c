/* Query plans of the SQLite backend, white-box: EXPLAIN QUERY PLAN of
 * every statement shape the views run (each engagement_query() variant:
 * 5 sort keys x 2 directions x 64 filter sets, and the operator, work,
 * unavailability, due, assignment, file, event and engagement reads) and
 * of the outbox's scans, on a fresh store as engsched_open() leaves it and
 * again on a populated, ANALYZEd one. A full scan of engagements,
 * assignments or the outbox fails the test, and so does a scan of pending
 * outbox items that does not seek outbox_state.
 *
 * The SQL is the backend's own: es_sqlite_explain_views() composes the
 * variants with the function that composes them for real queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <engsched/engsched.h>

#include "core/internal.h"
#include "storage/sqlite/storage_sqlite.h"

typedef struct plans {
    size_t lines;
    size_t statements;
    char last_sql[2048];
    size_t violations;
    int pending_seeks; /* the one-state outbox scan seeks outbox_state */
    char report[8192];
    size_t report_len;
    int dump;
} plans;

/* The tables, by name and by the aliases the backend gives them, whose
 * full scan is refused. A plan line names the table or alias after
 * "SCAN " ("SCAN e", "SCAN assignments USING COVERING INDEX ..."; SQLite
 * before 3.36 wrote "SCAN TABLE engagements AS e"); an index after it
 * means the scan walks an index in the order the query wants.
 *
 * Other tables may be scanned: the only one that is, users (joined with
 * roles for the Availability view's operators), has no index that could
 * serve its filter on the role's permission bits, and roles and
 * client_access are reached by key. */
static int refused_name(const char *name, size_t len)
{
    static const char *const tables[] = {"e", "engagements", "a", "assignments", "outbox"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (strlen(tables[i]) == len && strncmp(name, tables[i], len) == 0)
            return 1;
    }
    return 0;
}

static int refused_scan(const char *detail)
{
    if (strncmp(detail, "SCAN ", 5) != 0)
        return 0;
    const char *name = detail + 5;
    if (strncmp(name, "TABLE ", 6) == 0)
        name += 6;
    size_t len = strcspn(name, " ");
    const char *rest = name + len;
    int refused = refused_name(name, len);
    if (strncmp(rest, " AS ", 4) == 0) {
        const char *alias = rest + 4;
        size_t alias_len = strcspn(alias, " ");
        refused = refused || refused_name(alias, alias_len);
        rest = alias + alias_len;
    }
    return refused && strstr(rest, "USING INDEX") == NULL &&
           strstr(rest, "USING COVERING INDEX") == NULL &&
           strstr(rest, "USING INTEGER PRIMARY KEY") == NULL;
}

static void on_plan(void *ctx, const char *sql, const char *detail)
{
    plans *p = ctx;
    if (strcmp(sql, p->last_sql) != 0) {
        p->statements++;
        snprintf(p->last_sql, sizeof p->last_sql, "%s", sql);
        if (p->dump)
            printf("\n%s\n", sql);
    }
    p->lines++;
    if (p->dump)
        printf("    %s\n", detail);
    /* The deliverer's scan: state = ?1 and the id range, in id order. */
    if (strcmp(sql, es_sqlite_stmt_sql[ES_SQL_OUTBOX_LIST_ONE]) == 0 &&
        strstr(detail, "USING INDEX outbox_state (state=? AND rowid>?)") != NULL)
        p->pending_seeks = 1;
    if (!refused_scan(detail))
        return;
    p->violations++;
    if (p->report_len + 64 < sizeof p->report)
        p->report_len += (size_t)snprintf(p->report + p->report_len,
                                          sizeof p->report - p->report_len, "%s\n  in: %s\n",
                                          detail, sql);
}

/* Explain every statement shape; the caller frees the result. */
static plans *collect(engsched *db)
{
    plans *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->dump = getenv("ENGSCHED_DUMP_PLANS") != NULL;
    assert_int_equal(es_sqlite_explain_views(db->storage, on_plan, p), ENGSCHED_OK);
    /* 640 engagement_query() variants and 12 other statements. */
    assert_true(p->statements >= 652);
    return p;
}

static void explain(engsched *db)
{
    plans *p = collect(db);
    size_t violations = p->violations;
    int pending_seeks = p->pending_seeks;
    char report[sizeof p->report];
    memcpy(report, p->report, sizeof report);
    free(p);
    if (violations != 0)
        fail_msg("%zu plan line(s) scan engagements, assignments or the outbox without an "
                 "index:\n%s",
                 violations, report);
    if (!pending_seeks)
        fail_msg("the scan of one outbox state does not seek outbox_state (state, id)");
}

/* The detector itself: it must refuse every spelling of a full scan of the
 * two tables and nothing else. */
static void test_detector_refuses_full_scans_only(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "SCAN e", "SCAN engagements", "SCAN a", "SCAN assignments",
        "SCAN TABLE engagements AS e", "SCAN TABLE assignments", "SCAN TABLE x AS e",
        "SCAN outbox",
    };
    static const char *const allowed[] = {
        "SCAN e USING INDEX engagements_dates",
        "SCAN a USING COVERING INDEX assignments_user",
        "SEARCH e USING INDEX engagements_client (client=?)",
        "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)",
        "SCAN u",
        "SCAN events",
        "SCAN ea",
        "SCAN TABLE engagements AS e USING INDEX engagements_name",
        "SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)",
        "SEARCH outbox USING INDEX outbox_state (state=? AND rowid>?)",
        "USE TEMP B-TREE FOR ORDER BY",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (!refused_scan(refused[i]))
            fail_msg("not refused: %s", refused[i]);
    }
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (refused_scan(allowed[i]))
            fail_msg("refused: %s", allowed[i]);
    }
}

static void test_fresh_store_plans_use_indexes(void **state)
{
    (void)state;
    engsched *db = NULL;
    assert_int_equal(engsched_open(":memory:", NULL, &db), ENGSCHED_OK);
    explain(db);
    engsched_close(db);
}

/* The check has teeth: without the indexes the same statements scan. */
static void test_missing_indexes_are_caught(void **state)
{
    (void)state;
    engsched *db = NULL;
    assert_int_equal(engsched_open(":memory:", NULL, &db), ENGSCHED_OK);
    assert_int_equal(sqlite3_exec(es_sqlite_connection(db->storage),
                                  "DROP INDEX engagements_name; DROP INDEX engagements_updated;"
                                  " DROP INDEX assignments_user",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    plans *p = collect(db);
    size_t violations = p->violations;
    int names_engagements = strstr(p->report, "SCAN e") != NULL;
    free(p);
    engsched_close(db);
    assert_true(violations > 0);
    assert_true(names_engagements);
}

#define CLIENTS 10
#define OPERATORS 20
#define ENGAGEMENTS 3000

/* A store shaped like a real tenant: clients, scoped operators, many
 * engagements over three years in every status, assignments,
 * unavailability and files; then ANALYZE, so the planner decides with
 * statistics as a host running ANALYZE (or PRAGMA optimize) would. */
static void populate(engsched *db)
{
    engsched_id client[CLIENTS], op[OPERATORS];
    for (int i = 0; i < CLIENTS; i++) {
        char key[32];
        snprintf(key, sizeof key, "c%d", i);
        assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, key, key, &client[i]),
                         ENGSCHED_OK);
    }
    for (int i = 0; i < OPERATORS; i++) {
        char key[32];
        snprintf(key, sizeof key, "op%d", i);
        assert_int_equal(engsched_user_upsert(db, ENGSCHED_SYSTEM, key, NULL, key,
                                              ENGSCHED_ROLE_OPERATOR, 0, &op[i]),
                         ENGSCHED_OK);
        for (int c = 0; c < 3; c++)
            assert_int_equal(engsched_access_grant(db, ENGSCHED_SYSTEM, op[i],
                                                   client[(i + c) % CLIENTS]),
                             ENGSCHED_OK);
        assert_int_equal(engsched_unavailability_add(db, ENGSCHED_SYSTEM, op[i], "2026-07-01",
                                                     "2026-07-14", "Leave", NULL),
                         ENGSCHED_OK);
    }
    engsched_input *in = NULL;
    assert_int_equal(engsched_input_new(db, &in), ENGSCHED_OK);
    for (int i = 0; i < ENGAGEMENTS; i++) {
        char name[32], start[11], end[11];
        int day = i % 1000;
        snprintf(name, sizeof name, "Engagement %d", i % 700);
        assert_int_equal(engsched_date_in_zone("UTC", INT64_C(1735689600) + day * 86400, start),
                         ENGSCHED_OK);
        assert_int_equal(
            engsched_date_in_zone("UTC", INT64_C(1735689600) + (day + i % 9) * 86400, end),
            ENGSCHED_OK);
        assert_int_equal(engsched_input_set_name(in, name), ENGSCHED_OK);
        assert_int_equal(engsched_input_set_client(in, client[i % CLIENTS]), ENGSCHED_OK);
        assert_int_equal(engsched_input_set_dates(in, start, end), ENGSCHED_OK);
        engsched_id id = 0;
        assert_int_equal(i % 5 == 0 ? engsched_request(db, ENGSCHED_SYSTEM, in, &id)
                                    : engsched_create(db, ENGSCHED_SYSTEM, in, &id),
                         ENGSCHED_OK);
        if (i % 5 != 0) {
            /* Operators with access to client i % CLIENTS: op[j] holds
             * clients j, j+1, j+2. */
            int c = i % CLIENTS;
            engsched_id who = op[(c + OPERATORS - (i % 3)) % CLIENTS];
            assert_int_equal(engsched_assign(db, ENGSCHED_SYSTEM, id, 0, who,
                                             ENGSCHED_OPROLE_LEAD, NULL),
                             ENGSCHED_OK);
        }
        if (i % 50 == 2)
            assert_int_equal(engsched_file_attach(db, ENGSCHED_SYSTEM, id, "scope.txt", NULL,
                                                  "x", 1, NULL),
                             ENGSCHED_OK);
        if (i % 7 == 1)
            assert_int_equal(engsched_cancel(db, ENGSCHED_SYSTEM, id, 0, NULL), ENGSCHED_OK);
    }
    engsched_input_free(in);
    /* An outbox as a store that delivers keeps one: mostly delivered
     * items, 1 in 100 pending, so the statistics tempt the planner to walk
     * the ids for the pending scan. Written directly: the rows only need
     * to exist for ANALYZE. */
    assert_int_equal(sqlite3_exec(es_sqlite_connection(db->storage),
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                                  " WHERE i < 20000) INSERT INTO outbox(kind, state, created_at,"
                                  " updated_at) SELECT 1 + i % 2,"
                                  " CASE WHEN i % 100 = 0 THEN 1 ELSE 2 END, i, i FROM n",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(es_sqlite_connection(db->storage), "ANALYZE", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
}

static void test_analyzed_store_plans_use_indexes(void **state)
{
    (void)state;
    engsched *db = NULL;
    assert_int_equal(engsched_open(":memory:", NULL, &db), ENGSCHED_OK);
    populate(db);
    explain(db);
    engsched_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detector_refuses_full_scans_only),
        cmocka_unit_test(test_fresh_store_plans_use_indexes),
        cmocka_unit_test(test_missing_indexes_are_caught),
        cmocka_unit_test(test_analyzed_store_plans_use_indexes),
    };
    return cmocka_run_group_tests_name("query_plans", tests, NULL, NULL);
}
