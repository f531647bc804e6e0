/* Two servers on one PostgreSQL database: two processes, one handle each,
 * started together at a barrier, doing the same conflicting work.
 *
 * - approve: both approve every pending engagement of a batch; each is
 *   approved exactly once (one OK, the other ESTATE) with one event;
 * - edit: both edit one engagement many times with the version they read,
 *   retrying on ECONFLICT; no update is lost: the version rose by exactly
 *   the number of successful edits, with one event each;
 * - tick: both run the hourly job at the same instant, several times; each
 *   due engagement moves exactly once, with exactly one event, and the
 *   moves the two report add up to the batch.
 *
 * Needs $ENGSCHED_TEST_PG (tests/postgres/with-cluster.sh); checks the
 * stored rows with SQL of its own. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <engsched/engsched.h>

#include "pg_scratch.h"

#define URI_MAX 1024
#define BATCH 40        /* engagements approved, then ticked, by both */
#define EDITS 120       /* edit attempts per process */
#define TICKS 4         /* tick calls per process */
#define WORKERS 2

/* 2026-03-01T12:00:00Z; the batch starts on 2026-03-10. */
#define T0 INT64_C(1772366400)
#define DAY INT64_C(86400)

static char uri[URI_MAX];
static char schema[64];
static int64_t clock_now = T0;
static engsched_id manager, operator_id, client;
static engsched_id batch[BATCH];
static engsched_id hot;

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return clock_now;
}

static engsched *open_handle(void)
{
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    opts.clock = test_clock;
    opts.busy_timeout_ms = 30000; /* waiting for the other writer is fine */
    engsched *db = NULL;
    engsched_rc rc = engsched_open(uri, &opts, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("open: %s: %s", engsched_rc_name(rc), engsched_open_errmsg());
    return db;
}

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

/* --- two workers at a barrier ------------------------------------------- */

/* What a worker reports back. */
typedef struct outcome {
    long ok;       /* successful calls (or engagements moved, for ticks) */
    long refused;  /* expected refusals: ESTATE / ECONFLICT */
    long other;    /* anything else: a failure */
    char message[256];
} outcome;

typedef void (*work_fn)(engsched *db, int worker, outcome *out);

/* Run @p work in WORKERS processes, each on its own handle, released
 * together once all have connected; their outcomes land in @p out. */
static void run_workers(work_fn work, outcome out[WORKERS])
{
    int ready[2], go[2], results[WORKERS][2];
    pid_t pids[WORKERS];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    fflush(NULL);
    for (int i = 0; i < WORKERS; i++) {
        assert_int_equal(pipe(results[i]), 0);
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(ready[0]);
            close(go[1]);
            close(results[i][0]);
            outcome o;
            memset(&o, 0, sizeof o);
            engsched *db = open_handle();
            char c = 'r', g;
            if (write(ready[1], &c, 1) != 1 || read(go[0], &g, 1) != 0)
                _exit(3);
            work(db, i, &o);
            engsched_close(db);
            ssize_t n = write(results[i][1], &o, sizeof o);
            _exit(n == (ssize_t)sizeof o ? 0 : 4);
        }
        close(results[i][1]);
    }
    close(ready[1]);
    close(go[0]);
    for (int i = 0; i < WORKERS; i++) {
        char c;
        assert_int_equal(read(ready[0], &c, 1), 1);
    }
    close(go[1]); /* go: every worker's read returns 0 at once */
    close(ready[0]);
    for (int i = 0; i < WORKERS; i++) {
        int status = 0;
        memset(&out[i], 0, sizeof out[i]);
        ssize_t n = read(results[i][0], &out[i], sizeof out[i]);
        close(results[i][0]);
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof out[i])
            fail_msg("worker %d ended with status %d", i, status);
        if (out[i].other != 0)
            fail_msg("worker %d: %ld unexpected results, e.g. %s", i, out[i].other,
                     out[i].message);
    }
}

static void unexpected(outcome *o, engsched *db, const char *what, engsched_rc rc)
{
    if (o->other++ == 0)
        snprintf(o->message, sizeof o->message, "%s: %s: %s", what, engsched_rc_name(rc),
                 engsched_errmsg(db));
}

/* --- the store ---------------------------------------------------------- */

static engsched_id request(engsched *db, const char *name, const char *start, const char *end)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    assert_int_equal(engsched_input_new(db, &in), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_name(in, name), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_client(in, client), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_dates(in, start, end), ENGSCHED_OK);
    assert_int_equal(engsched_request(db, manager, in, &id), ENGSCHED_OK);
    engsched_input_free(in);
    return id;
}

static int setup(void **state)
{
    (void)state;
    fx_pg_scratch(uri, sizeof uri, schema, sizeof schema);
    engsched *db = open_handle();
    assert_int_equal(engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme", &client),
                     ENGSCHED_OK);
    assert_int_equal(engsched_user_upsert(db, ENGSCHED_SYSTEM, "manager", "m@example.com",
                                          "Manager", ENGSCHED_ROLE_MANAGER,
                                          ENGSCHED_USER_ALL_CLIENTS, &manager),
                     ENGSCHED_OK);
    assert_int_equal(engsched_user_upsert(db, ENGSCHED_SYSTEM, "operator", "o@example.com",
                                          "Operator", ENGSCHED_ROLE_OPERATOR,
                                          ENGSCHED_USER_ALL_CLIENTS, &operator_id),
                     ENGSCHED_OK);
    for (int i = 0; i < BATCH; i++) {
        char name[32];
        snprintf(name, sizeof name, "Batch %d", i);
        batch[i] = request(db, name, "2026-03-10", "2026-03-12");
    }
    hot = request(db, "Hot", "2027-01-10", "2027-01-20");
    assert_int_equal(engsched_approve(db, manager, hot, 0, NULL), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_pg_scratch_drop(uri);
    return 0;
}

/* --- approve ------------------------------------------------------------ */

static void approve_all(engsched *db, int worker, outcome *o)
{
    engsched_input *in = NULL;
    if (engsched_input_new(db, &in) != ENGSCHED_OK ||
        engsched_input_add_operator(in, operator_id, ENGSCHED_OPROLE_LEAD) != ENGSCHED_OK) {
        unexpected(o, db, "input", ENGSCHED_ENOMEM);
        return;
    }
    /* The two walk the batch from opposite ends and meet in the middle,
     * then cross: every engagement is contended at some point. */
    for (int k = 0; k < BATCH; k++) {
        int i = worker == 0 ? k : BATCH - 1 - k;
        engsched_rc rc = engsched_approve(db, manager, batch[i], 0, in);
        if (rc == ENGSCHED_OK)
            o->ok++;
        else if (rc == ENGSCHED_ESTATE)
            o->refused++;
        else
            unexpected(o, db, "approve", rc);
    }
    engsched_input_free(in);
}

static void test_concurrent_approvals(void **state)
{
    (void)state;
    outcome out[WORKERS];
    run_workers(approve_all, out);
    print_message("approve: worker 0 %ld ok %ld refused, worker 1 %ld ok %ld refused\n",
                  out[0].ok, out[0].refused, out[1].ok, out[1].refused);
    assert_int_equal(out[0].ok + out[1].ok, BATCH);
    assert_int_equal(out[0].refused + out[1].refused, BATCH);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.events"
                             " WHERE action = 'engagement.approved'",
                             schema),
                     BATCH + 1 /* hot */);
    assert_int_equal(sql_int("SELECT count(*) FROM (SELECT engagement FROM %s.events"
                             " WHERE action = 'engagement.approved' GROUP BY engagement"
                             " HAVING count(*) <> 1) AS twice",
                             schema),
                     0);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.engagements WHERE status = %d", schema,
                             ENGSCHED_STATUS_SCHEDULED),
                     BATCH + 1);
    /* One assignment each, not two. */
    assert_int_equal(sql_int("SELECT count(*) FROM %s.assignments", schema), BATCH);
}

/* --- edit --------------------------------------------------------------- */

static void edit_hot(engsched *db, int worker, outcome *o)
{
    for (int i = 0; i < EDITS; i++) {
        engsched_engagement *e = NULL;
        engsched_rc rc = engsched_engagement_get(db, manager, hot, &e);
        if (rc != ENGSCHED_OK) {
            unexpected(o, db, "get", rc);
            continue;
        }
        int64_t version = engsched_engagement_version(e);
        engsched_engagement_free(e);
        char text[64];
        snprintf(text, sizeof text, "worker %d, edit %d", worker, i);
        engsched_input *in = NULL;
        if (engsched_input_new(db, &in) != ENGSCHED_OK ||
            engsched_input_set_description(in, text) != ENGSCHED_OK) {
            unexpected(o, db, "input", ENGSCHED_ENOMEM);
            engsched_input_free(in);
            continue;
        }
        rc = engsched_edit(db, manager, hot, version, in);
        engsched_input_free(in);
        if (rc == ENGSCHED_OK)
            o->ok++;
        else if (rc == ENGSCHED_ECONFLICT)
            o->refused++;
        else
            unexpected(o, db, "edit", rc);
    }
}

static void test_concurrent_edits_lose_nothing(void **state)
{
    (void)state;
    long long before = sql_int("SELECT version FROM %s.engagements WHERE id = %lld", schema,
                               (long long)hot);
    long long events = sql_int("SELECT count(*) FROM %s.events WHERE engagement = %lld"
                               " AND action = 'engagement.updated'",
                               schema, (long long)hot);
    outcome out[WORKERS];
    run_workers(edit_hot, out);
    long ok = out[0].ok + out[1].ok;
    print_message("edit: %ld + %ld succeeded, %ld + %ld stale (ECONFLICT)\n", out[0].ok,
                  out[1].ok, out[0].refused, out[1].refused);
    assert_true(ok >= EDITS); /* at least one of each pair of tries wins */
    assert_int_equal(out[0].ok + out[0].refused + out[1].ok + out[1].refused, 2 * EDITS);
    /* Every success raised the version by one, from the version it read:
     * a lost update would leave the version short of before + ok. */
    assert_int_equal(sql_int("SELECT version FROM %s.engagements WHERE id = %lld", schema,
                             (long long)hot),
                     before + ok);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.events WHERE engagement = %lld"
                             " AND action = 'engagement.updated'",
                             schema, (long long)hot),
                     events + ok);
}

/* --- tick --------------------------------------------------------------- */

static void tick_often(engsched *db, int worker, outcome *o)
{
    (void)worker;
    for (int i = 0; i < TICKS; i++) {
        unsigned int moved = 0;
        engsched_rc rc = engsched_tick(db, T0 + 14 * DAY, &moved);
        if (rc == ENGSCHED_OK)
            o->ok += moved;
        else
            unexpected(o, db, "tick", rc);
    }
}

static void test_concurrent_ticks_move_once(void **state)
{
    (void)state;
    outcome out[WORKERS];
    run_workers(tick_often, out);
    print_message("tick: worker 0 moved %ld, worker 1 moved %ld\n", out[0].ok, out[1].ok);
    assert_int_equal(out[0].ok + out[1].ok, BATCH);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.events WHERE action = 'engagement.started'",
                             schema),
                     BATCH);
    assert_int_equal(sql_int("SELECT count(DISTINCT engagement) FROM %s.events"
                             " WHERE action = 'engagement.started'",
                             schema),
                     BATCH);
    assert_int_equal(sql_int("SELECT count(*) FROM %s.engagements WHERE status = %d", schema,
                             ENGSCHED_STATUS_IN_PROGRESS),
                     BATCH);
    /* Event numbers are unique and every event is there once. */
    assert_int_equal(sql_int("SELECT count(*) - count(DISTINCT seq) FROM %s.events", schema), 0);
}

int main(void)
{
    fx_pg_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_approvals),
        cmocka_unit_test(test_concurrent_edits_lose_nothing),
        cmocka_unit_test(test_concurrent_ticks_move_once),
    };
    return cmocka_run_group_tests_name("postgres: two servers", tests, setup, teardown);
}
