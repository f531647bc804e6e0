/* The Availability view's status filter: "Visible engagements can be
 * filtered by clicking a status value above". Each tab shows the
 * operators' engagements of its statuses (All: every one but Canceled),
 * unavailability on every tab, and anonymous "Busy" blocks on every tab
 * while their engagement occupies the operator, so that no tab tells a
 * Busy block's status. Utilisation counts all the work, whatever the tab.
 *
 * Dates: the fixture's today is Sunday 2026-03-01. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    fx_open(f, 0);
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

static engsched_id create(fx *f, int client, const char *name, const char *start, const char *end)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

/* Operator 1's work, one engagement per status on client 0, and two on
 * client 1 (Scheduled, Canceled) that a planner of client 0 sees as Busy. */
typedef struct scene {
    engsched_id pending, scheduled, in_progress, complete, canceled;
    engsched_id other_scheduled, other_canceled;
    engsched_id planner;
} scene;

static scene stage(fx *f)
{
    scene s;
    s.pending = fx_request(f, f->manager, f->client[0], "Pending", "2026-03-09", "2026-03-10");
    fx_ok(f, engsched_assign(f->db, f->manager, s.pending, 0, f->operator1, ENGSCHED_OPROLE_LEAD,
                             NULL));
    s.scheduled = create(f, 0, "Scheduled", "2026-03-16", "2026-03-17");
    s.in_progress = create(f, 0, "In progress", "2026-02-26", "2026-03-03");
    s.complete = create(f, 0, "Complete", "2026-02-23", "2026-02-24");
    for (int r = ENGSCHED_REPORT_READY_FOR_REVIEW; r <= ENGSCHED_REPORT_PUBLISHED; r++)
        fx_ok(f, engsched_report_set_status(f->db, f->manager, s.complete, 0,
                                            (engsched_report_status)r));
    s.canceled = create(f, 0, "Canceled", "2026-03-23", "2026-03-24");
    fx_ok(f, engsched_cancel(f->db, f->manager, s.canceled, 0, "No longer needed"));
    s.other_scheduled = create(f, 1, "Other client", "2026-03-18", "2026-03-19");
    s.other_canceled = create(f, 1, "Other, canceled", "2026-03-25", "2026-03-26");
    fx_ok(f, engsched_cancel(f->db, f->manager, s.other_canceled, 0, "Dropped"));
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator1, "2026-03-12",
                                         "2026-03-12", "Leave", NULL));
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Planner",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_VIEW_AVAILABILITY, &role));
    s.planner = fx_user(f, "planner", role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, s.planner, f->client[0]));
    assert_int_equal(fx_status(f, s.in_progress), ENGSCHED_STATUS_IN_PROGRESS);
    assert_int_equal(fx_status(f, s.complete), ENGSCHED_STATUS_COMPLETE);
    return s;
}

/* Operator 1's row on @p tab as @p actor: the engagement ids shown (0 for
 * a Busy block) in @p ids, how many, whether the leave was there, and the
 * utilisation. */
static size_t row_of(fx *f, engsched_id actor, engsched_tab tab, engsched_id *ids, int *leave,
                     double *utilisation)
{
    engsched_availability_options opts;
    fx_ok(f, engsched_availability_options_init(&opts, ENGSCHED_AVAILABILITY_OPTIONS_VERSION));
    opts.tab = tab;
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open_ex(f->db, actor, "2026-02-01", "2026-03-31", &opts, &av));
    size_t n = 0;
    int has = 0, found = 0;
    *leave = 0;
    while (engsched_availability_next(av, &has) == ENGSCHED_OK && has) {
        if (engsched_availability_user(av) != f->operator1)
            continue;
        found = 1;
        const engsched_work_list *work = engsched_availability_work(av);
        for (size_t i = 0; i < engsched_work_list_count(work); i++) {
            engsched_work_kind kind = 0;
            engsched_id id = 0;
            engsched_status status = 0;
            fx_ok(f, engsched_work_list_item(work, i, &kind, &id, NULL, NULL, NULL, &status));
            if (kind == ENGSCHED_WORK_UNAVAILABLE) {
                (*leave)++;
                continue;
            }
            if (id == 0)
                assert_int_equal(status, 0);
            ids[n++] = id;
        }
        *utilisation = engsched_availability_utilisation(av);
    }
    engsched_availability_free(av);
    assert_true(found);
    return n;
}

static void expect_row(fx *f, engsched_id actor, engsched_tab tab, const engsched_id *want,
                       size_t count, double utilisation)
{
    engsched_id ids[16];
    int leave = 0;
    double got_utilisation = -1;
    size_t n = row_of(f, actor, tab, ids, &leave, &got_utilisation);
    assert_int_equal(leave, 1);
    assert_int_equal(n, count);
    for (size_t i = 0; i < count; i++) {
        size_t j = 0;
        while (j < n && ids[j] != want[i])
            j++;
        if (j == n)
            fail_msg("tab %d: engagement %lld missing", (int)tab, (long long)want[i]);
    }
    assert_true(got_utilisation > utilisation - 1e-9 && got_utilisation < utilisation + 1e-9);
}

static void test_each_tab_shows_its_statuses(void **state)
{
    fx *f = *state;
    scene s = stage(f);
    engsched_id all[] = {s.pending, s.scheduled, s.in_progress, s.complete, s.other_scheduled};
    /* Working days in February and March 2026 (Mon-Fri): 20 + 22 = 42, the
     * leave takes one; busy: Complete 2, In progress 4 (26, 27 Feb, 2, 3
     * Mar), Pending 2, Scheduled 2, Other 2 = 12 of 41. */
    double u = 12.0 / 41.0;
    expect_row(f, f->manager, ENGSCHED_TAB_ALL, all, 5, u);
    expect_row(f, f->manager, ENGSCHED_TAB_PENDING, &s.pending, 1, u);
    engsched_id scheduled[] = {s.scheduled, s.other_scheduled};
    expect_row(f, f->manager, ENGSCHED_TAB_SCHEDULED, scheduled, 2, u);
    expect_row(f, f->manager, ENGSCHED_TAB_IN_PROGRESS, &s.in_progress, 1, u);
    expect_row(f, f->manager, ENGSCHED_TAB_IN_REVIEW, NULL, 0, u);
    expect_row(f, f->manager, ENGSCHED_TAB_COMPLETE, &s.complete, 1, u);
    engsched_id canceled[] = {s.canceled, s.other_canceled};
    expect_row(f, f->manager, ENGSCHED_TAB_CANCELED, canceled, 2, u);
    /* The old entry point is the All tab. */
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->manager, "2026-02-01", "2026-03-31", &av));
    engsched_availability_free(av);
}

static void test_busy_blocks_show_on_every_tab(void **state)
{
    fx *f = *state;
    scene s = stage(f);
    double u = 12.0 / 41.0;
    engsched_id all[] = {s.pending, s.scheduled, s.in_progress, s.complete, 0};
    expect_row(f, s.planner, ENGSCHED_TAB_ALL, all, 5, u);
    /* The Busy block (a Scheduled engagement of client 1) is on every tab,
     * the canceled one of client 1 on none, not even Canceled. */
    engsched_id pending[] = {s.pending, 0};
    expect_row(f, s.planner, ENGSCHED_TAB_PENDING, pending, 2, u);
    engsched_id review[] = {0};
    expect_row(f, s.planner, ENGSCHED_TAB_IN_REVIEW, review, 1, u);
    engsched_id canceled[] = {s.canceled, 0};
    expect_row(f, s.planner, ENGSCHED_TAB_CANCELED, canceled, 2, u);
}

static void test_bad_options(void **state)
{
    fx *f = *state;
    engsched_availability_options opts;
    assert_int_equal(engsched_availability_options_init(NULL, 1), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_availability_options_init(&opts, 2), ENGSCHED_EMISUSE);
    fx_ok(f, engsched_availability_options_init(&opts, ENGSCHED_AVAILABILITY_OPTIONS_VERSION));
    assert_int_equal(opts.tab, ENGSCHED_TAB_ALL);
    engsched_availability *av = NULL;
    opts.tab = (engsched_tab)7;
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_availability_open_ex(f->db, f->manager, "2026-03-01", "2026-03-31", &opts, &av));
    assert_non_null(strstr(engsched_errmsg(f->db), "tab"));
    assert_null(av);
    opts.tab = (engsched_tab)-1;
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_availability_open_ex(f->db, f->manager, "2026-03-01", "2026-03-31", &opts, &av));
    opts.tab = ENGSCHED_TAB_ALL;
    opts.version = 9;
    fx_rc(f, ENGSCHED_EMISUSE,
          engsched_availability_open_ex(f->db, f->manager, "2026-03-01", "2026-03-31", &opts, &av));
    assert_null(av);
    fx_ok(f,
          engsched_availability_open_ex(f->db, f->manager, "2026-03-01", "2026-03-31", NULL, &av));
    engsched_availability_free(av);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_each_tab_shows_its_statuses),
        T(test_busy_blocks_show_on_every_tab),
        T(test_bad_options),
    };
    return cmocka_run_group_tests_name("availability_tabs", tests, NULL, NULL);
}
