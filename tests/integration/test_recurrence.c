/* Recurring series, black-box: engsched_recurrence_set() and the
 * occurrences engsched_tick_ex() creates.
 *
 * - a yearly series ticked every hour for three simulated years gets
 *   exactly three occurrences, each a Pending request with the series'
 *   details and length, and an occurrence_created event;
 * - COUNT and UNTIL end a series; the lead time decides the day an
 *   occurrence is created; a bad rule is EINVAL and changes nothing;
 *   clearing the rule and cancelling the series stop it;
 * - four processes ticking one SQLite file at once create each occurrence
 *   once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define HOUR INT64_C(3600)

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    fx_open(f, 0);
    *state = f;
    return 0;
}

static int setup_file(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    fx_open(f, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    fx_close(f);
    free(f);
    return 0;
}

/* Tick from @p from to @p to every @p step seconds; the occurrences made. */
static unsigned int tick_range(fx *f, int64_t from, int64_t to, int64_t step)
{
    unsigned int created = 0;
    for (int64_t t = from; t < to; t += step) {
        engsched_tick_report report = ENGSCHED_TICK_REPORT_INIT;
        fx_ok(f, engsched_tick_ex(f->db, t, &report));
        created += report.occurrences_created;
    }
    return created;
}

static engsched_id series(fx *f, const char *start, const char *end, const char *rule)
{
    engsched_id id = fx_request(f, f->client_user, f->client[0], "Annual audit", start, end);
    fx_ok(f, engsched_recurrence_set(f->db, f->manager, id, 0, rule));
    return id;
}

static void expect_occurrence(fx *f, engsched_id id, engsched_id origin, const char *start,
                              const char *end)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    assert_int_equal(engsched_engagement_origin(e), origin);
    assert_string_equal(engsched_engagement_start(e), start);
    assert_string_equal(engsched_engagement_end(e), end);
    assert_int_equal(engsched_engagement_status(e), ENGSCHED_STATUS_PENDING);
    assert_string_equal(engsched_engagement_name(e), "Annual audit");
    assert_string_equal(engsched_engagement_recurrence(e), "");
    assert_int_equal(engsched_engagement_requested_by(e), f->client_user);
    assert_int_equal(engsched_engagement_client(e), f->client[0]);
    assert_int_equal(engsched_engagement_operator_count(e), 0);
    assert_int_equal(engsched_engagement_report(e), 0);
    engsched_engagement_free(e);
}

static void test_yearly_hourly_three_years(void **state)
{
    fx *f = *state;
    engsched_id id = series(f, "2026-03-15", "2026-03-16", "FREQ=YEARLY");
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    assert_string_equal(engsched_engagement_recurrence(e), "FREQ=YEARLY");
    assert_int_equal(engsched_engagement_origin(e), 0);
    engsched_engagement_free(e);
    int64_t three_years = (365 * 3 + 1) * FX_DAY;
    unsigned int created = tick_range(f, FX_T0, FX_T0 + three_years - HOUR, HOUR);
    assert_int_equal(created, 3);
    expect_occurrence(f, id + 1, id, "2027-03-15", "2027-03-16");
    expect_occurrence(f, id + 2, id, "2028-03-15", "2028-03-16");
    expect_occurrence(f, id + 3, id, "2029-03-15", "2029-03-16");
    assert_int_equal(engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id + 4, &e),
                     ENGSCHED_ENOTFOUND);
    /* The series' own version did not move with its occurrences. */
    assert_int_equal(fx_version(f, id), 2);
}

static void test_count_and_until_end_a_series(void **state)
{
    fx *f = *state;
    /* COUNT=3 counts the series itself: two occurrences. */
    engsched_id counted = series(f, "2026-03-10", "2026-03-10", "FREQ=WEEKLY;COUNT=3");
    engsched_id until = series(f, "2026-03-11", "2026-03-11", "FREQ=WEEKLY;UNTIL=20260401");
    unsigned int created = tick_range(f, FX_T0, FX_T0 + 120 * FX_DAY, FX_DAY / 2);
    assert_int_equal(created, 2 + 3);
    (void)counted;
    (void)until;
}

static void test_lead_time(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, f->admin, "recurrence_lead_days", "7"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_setting_set(f->db, f->admin, "recurrence_lead_days", "367"));
    series(f, "2026-03-02", "2026-03-03", "FREQ=MONTHLY");
    /* Next: 2026-04-02, due from 2026-03-26 (seven days ahead). */
    int64_t due = FX_T0 + 25 * FX_DAY; /* 2026-03-26T12:00Z */
    assert_int_equal(tick_range(f, FX_T0, due - FX_DAY, HOUR), 0);
    assert_int_equal(tick_range(f, due - FX_DAY, due, HOUR), 1);
    assert_int_equal(tick_range(f, due, due + 20 * FX_DAY, HOUR), 0);
    fx_ok(f, engsched_setting_set(f->db, f->admin, "recurrence_lead_days", "0"));
    /* 2026-05-02 only on its day. */
    int64_t may1 = FX_T0 + 61 * FX_DAY; /* 2026-05-01T12:00Z */
    assert_int_equal(tick_range(f, due + 20 * FX_DAY, may1, HOUR), 0);
    assert_int_equal(tick_range(f, may1, may1 + FX_DAY, HOUR), 1);
}

static void test_bad_rules_change_nothing(void **state)
{
    fx *f = *state;
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Audit", "2026-03-15", "2026-03-16");
    char *before = fx_digest(f);
    const char *bad[] = {"FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9", "nonsense", "RRULE:FREQ=DAILY",
                         "FREQ=MINUTELY;COUNT=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_rc(f, ENGSCHED_EINVAL, engsched_recurrence_set(f->db, f->manager, id, 0, bad[i]));
        assert_non_null(strstr(engsched_errmsg(f->db), "recurrence"));
    }
    /* No EDIT permission, a stale version, an unknown engagement. */
    fx_rc(f, ENGSCHED_EDENIED, engsched_recurrence_set(f->db, f->viewer, id, 0, "FREQ=YEARLY"));
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_recurrence_set(f->db, f->manager, id, 99, "FREQ=YEARLY"));
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_recurrence_set(f->db, f->manager, id + 100, 0, "FREQ=YEARLY"));
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_clearing_and_cancel_stop_a_series(void **state)
{
    fx *f = *state;
    engsched_id cleared = series(f, "2026-03-05", "2026-03-05", "FREQ=MONTHLY");
    engsched_id canceled = series(f, "2026-03-06", "2026-03-06", "FREQ=MONTHLY");
    fx_ok(f, engsched_recurrence_set(f->db, f->manager, cleared, 0, NULL));
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, cleared, &e));
    assert_string_equal(engsched_engagement_recurrence(e), "");
    engsched_engagement_free(e);
    fx_ok(f, engsched_cancel(f->db, f->manager, canceled, 0, "no longer needed"));
    assert_int_equal(tick_range(f, FX_T0, FX_T0 + 200 * FX_DAY, 6 * HOUR), 0);
    /* Set again later, the rule's only other occurrence (2026-04-05) is
     * past: occurrences are never created after the fact. */
    int64_t now = FX_T0 + 200 * FX_DAY;
    f->now = now;
    fx_ok(f, engsched_recurrence_set(f->db, f->manager, cleared, 0, "FREQ=MONTHLY;COUNT=2"));
    assert_int_equal(tick_range(f, now, now + 400 * FX_DAY, FX_DAY), 0);
}

static void test_tick_report_version(void **state)
{
    fx *f = *state;
    engsched_tick_report report;
    assert_int_equal(engsched_tick_report_init(&report, 99), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_tick_report_init(&report, ENGSCHED_TICK_REPORT_VERSION), ENGSCHED_OK);
    assert_int_equal(report.moved, 0);
    report.version = 7;
    fx_rc(f, ENGSCHED_EMISUSE, engsched_tick_ex(f->db, FX_T0, &report));
    fx_ok(f, engsched_tick_ex(f->db, FX_T0, NULL));
}

/* Export and import keep the rule and the series of an occurrence; a bad
 * rule in a document is EINVAL and imports nothing; a document without the
 * two members gives the defaults. */
static void test_json_round_trip(void **state)
{
    fx *f = *state;
    engsched_id id = series(f, "2026-03-15", "2026-03-16", "FREQ=YEARLY");
    assert_int_equal(tick_range(f, FX_T0 + 360 * FX_DAY, FX_T0 + 361 * FX_DAY, HOUR), 1);
    char *doc = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &doc));
    assert_non_null(strstr(doc, "FREQ=YEARLY"));

    fx t;
    fx_open_empty(&t, 0);
    fx_ok(&t, engsched_import_json(t.db, ENGSCHED_SYSTEM, doc, NULL));
    engsched_engagement *e = NULL;
    fx_ok(&t, engsched_engagement_get(t.db, ENGSCHED_SYSTEM, id, &e));
    assert_string_equal(engsched_engagement_recurrence(e), "FREQ=YEARLY");
    assert_int_equal(engsched_engagement_origin(e), 0);
    engsched_engagement_free(e);
    fx_ok(&t, engsched_engagement_get(t.db, ENGSCHED_SYSTEM, id + 1, &e));
    assert_int_equal(engsched_engagement_origin(e), id);
    assert_string_equal(engsched_engagement_start(e), "2027-03-15");
    engsched_engagement_free(e);
    /* The imported series owes 2027-03-15 again, which the document
     * already holds: the unique index refuses the second insert and the
     * tick goes on (in a savepoint where the backend has them). */
    assert_int_equal(tick_range(&t, FX_T0 + 360 * FX_DAY, FX_T0 + 361 * FX_DAY, HOUR), 0);
    assert_int_equal(tick_range(&t, FX_T0 + 725 * FX_DAY, FX_T0 + 726 * FX_DAY, HOUR), 1);
    /* PostgreSQL's identity spent a value on the refused insert. */
    engsched_id next = id + 2;
    e = NULL;
    while (next < id + 4 &&
           engsched_engagement_get(t.db, ENGSCHED_SYSTEM, next, &e) == ENGSCHED_ENOTFOUND)
        next++;
    engsched_engagement_free(e);
    fx_ok(&t, engsched_engagement_get(t.db, ENGSCHED_SYSTEM, next, &e));
    assert_string_equal(engsched_engagement_start(e), "2028-03-15");
    assert_int_equal(engsched_engagement_origin(e), id);
    engsched_engagement_free(e);
    fx_close(&t);

    /* A bad rule: EINVAL naming the member, nothing imported. */
    char *bad = malloc(strlen(doc) + 16);
    assert_non_null(bad);
    char *at = strstr(doc, "FREQ=YEARLY");
    memcpy(bad, doc, (size_t)(at - doc));
    strcpy(bad + (at - doc), "FREQ=HOURLY");
    strcat(bad, at + strlen("FREQ=YEARLY"));
    fx_open_empty(&t, 0);
    fx_rc(&t, ENGSCHED_EINVAL, engsched_import_json(t.db, ENGSCHED_SYSTEM, bad, NULL));
    assert_non_null(strstr(engsched_errmsg(t.db), "recurrence"));
    assert_int_equal(engsched_engagement_get(t.db, ENGSCHED_SYSTEM, id, &e), ENGSCHED_ENOTFOUND);
    fx_close(&t);
    free(bad);
    engsched_free(doc);
}

/* --- four processes on one file --------------------------------------- */

#define TICKERS 4

static int ticker(const char *path, int64_t from, int64_t to)
{
    engsched *db = NULL;
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    opts.busy_timeout_ms = 30000;
    if (engsched_open(path, &opts, &db) != ENGSCHED_OK)
        return 2;
    int rc = 0;
    for (int64_t t = from; t < to && rc == 0; t += 6 * HOUR)
        if (engsched_tick(db, t, NULL) != ENGSCHED_OK) {
            fprintf(stderr, "ticker: %s\n", engsched_errmsg(db));
            rc = 1;
        }
    engsched_close(db);
    return rc;
}

static void test_four_processes_create_each_occurrence_once(void **state)
{
    fx *f = *state;
    const char *backend = getenv("ENGSCHED_TEST_BACKEND");
    if (fx_backend_is_memory() || (backend != NULL && strcmp(backend, "postgres") == 0))
        skip(); /* processes share a file: SQLite's */
    engsched_id weekly = series(f, "2026-03-02", "2026-03-03", "FREQ=WEEKLY");
    engsched_id monthly = series(f, "2026-03-03", "2026-03-03", "FREQ=MONTHLY;BYMONTHDAY=3");
    (void)weekly;
    (void)monthly;
    int64_t to = FX_T0 + 365 * FX_DAY;
    fflush(NULL);
    pid_t pids[TICKERS];
    for (int i = 0; i < TICKERS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(ticker(f->path, FX_T0 + i * HOUR, to));
    }
    for (int i = 0; i < TICKERS; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    /* Up to 2027-03-31 (the lead of 30 days): weekly 2026-03-09 …
     * 2027-03-29 is 56 occurrences, monthly 2026-04-03 … 2027-03-03 is 12. */
    engsched_engagement *e = NULL;
    size_t count = 0;
    for (engsched_id id = monthly + 1;
         engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e) == ENGSCHED_OK; id++) {
        count++;
        engsched_engagement_free(e);
    }
    assert_int_equal(count, 56 + 12);
    /* A last tick finds nothing left. */
    assert_int_equal(tick_range(f, to, to + HOUR, HOUR), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_yearly_hourly_three_years, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_and_until_end_a_series, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lead_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rules_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clearing_and_cancel_stop_a_series, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_report_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_four_processes_create_each_occurrence_once, setup_file,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
