/* Calendar and Availability, black-box.
 *
 * The Calendar returns exactly the engagements overlapping its range,
 * boundary days included, by start date, with the status every view
 * labels and colours alike. Availability lists operators (REPORT_VIEW and
 * REPORT_EDIT) by display name, never anyone else, with a utilisation
 * over the tenant's working days (working_week, holidays) net of
 * unavailability, worked out here by hand. Bad input — missing, inverted
 * or too long ranges, unknown status bits, page limits out of range,
 * garbage tokens — is EINVAL with a message naming the field, and returns
 * nothing.
 *
 * Dates: the fixture's today is Sunday 2026-03-01. */
#include <math.h>
#include <stdio.h>
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

static engsched_id create(fx *f, int client, const char *name, const char *start,
                          const char *end, engsched_id op)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    if (op != 0)
        fx_ok(f, engsched_input_add_operator(in, op, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

static void report_to(fx *f, engsched_id id, engsched_report_status last)
{
    for (int s = ENGSCHED_REPORT_READY_FOR_REVIEW; s <= (int)last; s++)
        fx_ok(f, engsched_report_set_status(f->db, f->manager, id, 0, (engsched_report_status)s));
}

/* --- Calendar ----------------------------------------------------------- */

#define CAL_ROWS 14

typedef struct cal_case {
    const char *name;
    const char *start, *end;
    engsched_status status;
    int in_range; /* overlaps 2026-04-10..2026-04-20 */
    engsched_id id;
} cal_case;

static void make_calendar(fx *f, cal_case *c)
{
    for (size_t i = 0; i < CAL_ROWS; i++) {
        if (c[i].status == ENGSCHED_STATUS_PENDING) {
            c[i].id = fx_request(f, f->client_user, f->client[0], c[i].name, c[i].start,
                                 c[i].end);
            continue;
        }
        c[i].id = create(f, (int)(i % 2), c[i].name, c[i].start, c[i].end, 0);
        if (c[i].status == ENGSCHED_STATUS_CANCELED)
            fx_ok(f, engsched_cancel(f->db, f->manager, c[i].id, 0, NULL));
        else if (c[i].status == ENGSCHED_STATUS_IN_REVIEW)
            report_to(f, c[i].id, ENGSCHED_REPORT_IN_REVIEW);
        else if (c[i].status == ENGSCHED_STATUS_COMPLETE)
            report_to(f, c[i].id, ENGSCHED_REPORT_PUBLISHED);
    }
    for (size_t i = 0; i < CAL_ROWS; i++)
        assert_int_equal(fx_status(f, c[i].id), c[i].status);
}

/* Walk a calendar; every row must be a case in range (with canceled ones
 * when asked) and in (start, id) order; returns the row count. */
static size_t walk_calendar(fx *f, engsched_id actor, const engsched_query *q, cal_case *c,
                            unsigned int statuses)
{
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_calendar(f->db, actor, q, &cur));
    size_t rows = 0;
    unsigned char seen[CAL_ROWS] = {0};
    char prev_start[11] = "";
    engsched_id prev_id = 0;
    int has = 0;
    for (;;) {
        fx_ok(f, engsched_cursor_next(cur, &has));
        if (!has)
            break;
        engsched_id id = engsched_cursor_id(cur);
        size_t i = 0;
        while (i < CAL_ROWS && c[i].id != id)
            i++;
        assert_true(i < CAL_ROWS);
        if (!c[i].in_range)
            fail_msg("%s (%s..%s) is outside the range", c[i].name, c[i].start, c[i].end);
        assert_true(statuses & ENGSCHED_STATUS_BIT(c[i].status));
        assert_int_equal(seen[i], 0);
        seen[i] = 1;
        rows++;
        assert_string_equal(engsched_cursor_name(cur), c[i].name);
        assert_string_equal(engsched_cursor_start(cur), c[i].start);
        assert_string_equal(engsched_cursor_end(cur), c[i].end);
        assert_int_equal(engsched_cursor_client(cur), f->client[c[i].status ==
                                                                        ENGSCHED_STATUS_PENDING
                                                                    ? 0
                                                                    : (int)(i % 2)]);
        engsched_status status = engsched_cursor_status(cur);
        assert_int_equal(status, c[i].status);
        assert_int_equal(engsched_cursor_version(cur), fx_version(f, id));
        assert_true(engsched_cursor_updated_at(cur) > 0);
        assert_int_equal(engsched_cursor_report_status(cur),
                         status == ENGSCHED_STATUS_PENDING      ? ENGSCHED_REPORT_NONE
                         : status == ENGSCHED_STATUS_COMPLETE   ? ENGSCHED_REPORT_PUBLISHED
                         : status == ENGSCHED_STATUS_IN_REVIEW ? ENGSCHED_REPORT_IN_REVIEW
                                                                : ENGSCHED_REPORT_DRAFT);
        int c_start = strcmp(prev_start, c[i].start);
        assert_true(c_start < 0 || (c_start == 0 && prev_id < id));
        snprintf(prev_start, sizeof prev_start, "%s", c[i].start);
        prev_id = id;
    }
    /* The Calendar streams everything: no page token. */
    assert_null(engsched_cursor_next_token(cur));
    /* After the end the getters have no row. */
    assert_int_equal(engsched_cursor_id(cur), 0);
    assert_null(engsched_cursor_name(cur));
    engsched_cursor_free(cur);
    for (size_t i = 0; i < CAL_ROWS; i++)
        assert_int_equal(seen[i], c[i].in_range && (statuses & ENGSCHED_STATUS_BIT(c[i].status)));
    return rows;
}

static void test_calendar_exactly_the_overlapping(void **state)
{
    fx *f = *state;
    cal_case c[CAL_ROWS] = {
        {"ends the day before", "2026-04-01", "2026-04-09", ENGSCHED_STATUS_SCHEDULED, 0, 0},
        {"ends on the first day", "2026-04-05", "2026-04-10", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"first day only", "2026-04-10", "2026-04-10", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"inside", "2026-04-12", "2026-04-13", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"last day only", "2026-04-20", "2026-04-20", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"starts on the last day", "2026-04-20", "2026-04-25", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"starts the day after", "2026-04-21", "2026-04-30", ENGSCHED_STATUS_SCHEDULED, 0, 0},
        {"around", "2026-04-01", "2026-04-30", ENGSCHED_STATUS_SCHEDULED, 1, 0},
        {"pending inside", "2026-04-15", "2026-04-16", ENGSCHED_STATUS_PENDING, 1, 0},
        {"canceled inside", "2026-04-15", "2026-04-16", ENGSCHED_STATUS_CANCELED, 1, 0},
        {"running since February", "2026-02-20", "2026-04-15", ENGSCHED_STATUS_IN_PROGRESS, 1,
         0},
        {"in review", "2026-04-11", "2026-04-12", ENGSCHED_STATUS_IN_REVIEW, 1, 0},
        {"complete", "2026-04-14", "2026-04-15", ENGSCHED_STATUS_COMPLETE, 1, 0},
        {"a year later", "2027-04-10", "2027-04-20", ENGSCHED_STATUS_SCHEDULED, 0, 0},
    };
    make_calendar(f, c);
    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_range(q, "2026-04-10", "2026-04-20"));
    /* Sort and limit do not apply to the Calendar. */
    fx_ok(f, engsched_query_set_sort(q, ENGSCHED_SORT_NAME, 1));
    fx_ok(f, engsched_query_set_limit(q, 1));
    unsigned int all_but_canceled = engsched_tab_statuses(ENGSCHED_TAB_ALL);
    assert_int_equal(walk_calendar(f, f->manager, q, c, all_but_canceled), 10);
    /* Canceled on request. */
    unsigned int every = all_but_canceled | ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED);
    fx_ok(f, engsched_query_set_statuses(q, every));
    assert_int_equal(walk_calendar(f, f->manager, q, c, every), 11);
    /* One status. */
    unsigned int scheduled = ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED);
    fx_ok(f, engsched_query_set_statuses(q, scheduled));
    assert_int_equal(walk_calendar(f, f->manager, q, c, scheduled), 6);
    /* One client's (even rows are client 0, pending is client 0 too). */
    fx_ok(f, engsched_query_set_statuses(q, all_but_canceled));
    fx_ok(f, engsched_query_set_client(q, f->client[1]));
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    int has = 0;
    size_t rows = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        assert_int_equal(engsched_cursor_client(cur), f->client[1]);
        rows++;
    }
    engsched_cursor_free(cur);
    assert_int_equal(rows, 5);
    /* A one-day range on a boundary. */
    fx_ok(f, engsched_query_set_client(q, 0));
    fx_ok(f, engsched_query_set_range(q, "2026-04-09", "2026-04-09"));
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    rows = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        const char *name = engsched_cursor_name(cur);
        assert_true(strcmp(name, "ends the day before") == 0 ||
                    strcmp(name, "ends on the first day") == 0 || strcmp(name, "around") == 0 ||
                    strcmp(name, "running since February") == 0);
        rows++;
    }
    engsched_cursor_free(cur);
    assert_int_equal(rows, 4);
    /* A viewer with client 0 only sees client 0's rows. */
    fx_ok(f, engsched_query_set_range(q, "2026-04-10", "2026-04-20"));
    fx_ok(f, engsched_calendar(f->db, f->viewer, q, &cur));
    rows = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        assert_int_equal(engsched_cursor_client(cur), f->client[0]);
        rows++;
    }
    engsched_cursor_free(cur);
    assert_int_equal(rows, 5);
    engsched_query_free(q);
}

/* Each status has its label and a colour of its own, the same for every
 * view (the views give the status; the label and colour are of it). */
static void test_status_labels_and_colours(void **state)
{
    (void)state;
    static const char *const labels[] = {NULL,          "Pending",   "Scheduled", "In Progress",
                                         "In Review",   "Complete",  "Canceled"};
    const char *grey = engsched_status_colour((engsched_status)0);
    for (int s = ENGSCHED_STATUS_PENDING; s <= ENGSCHED_STATUS_CANCELED; s++) {
        assert_string_equal(engsched_status_label((engsched_status)s), labels[s]);
        const char *colour = engsched_status_colour((engsched_status)s);
        assert_int_equal(strlen(colour), 7);
        assert_int_equal(colour[0], '#');
        for (int i = 1; i < 7; i++)
            assert_non_null(strchr("0123456789abcdefABCDEF", colour[i]));
        assert_string_not_equal(colour, grey);
        for (int t = ENGSCHED_STATUS_PENDING; t < s; t++)
            assert_string_not_equal(colour, engsched_status_colour((engsched_status)t));
    }
    assert_string_equal(engsched_status_label((engsched_status)7), "Unknown");
    assert_string_equal(engsched_status_colour((engsched_status)7), grey);
}

static void test_calendar_range_rules(void **state)
{
    fx *f = *state;
    create(f, 0, "Somewhere in 2026", "2026-06-01", "2026-06-05", 0);
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    /* A range is required. */
    fx_rc(f, ENGSCHED_EINVAL, engsched_calendar(f->db, f->manager, q, &cur));
    assert_null(cur);
    assert_non_null(strstr(engsched_errmsg(f->db), "range"));
    /* Exactly the limit: 2026-01-01 .. 2027-01-01 is 366 days. */
    fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2027-01-01"));
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    int has = 0;
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 1);
    engsched_cursor_free(cur);
    cur = NULL;
    /* One day more: refused by the Calendar (the List takes any range). */
    fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2027-01-02"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_calendar(f->db, f->manager, q, &cur));
    assert_null(cur);
    assert_non_null(strstr(engsched_errmsg(f->db), "367"));
    fx_ok(f, engsched_list(f->db, f->manager, q, NULL, &cur));
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 1);
    engsched_cursor_free(cur);
    cur = NULL;
    /* Inverted: refused when set; the query keeps its previous range. */
    fx_ok(f, engsched_query_set_range(q, "2026-06-01", "2026-06-30"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_range(q, "2026-07-01", "2026-06-30"));
    assert_non_null(strstr(engsched_errmsg(f->db), "end"));
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 1);
    engsched_cursor_free(cur);
    cur = NULL;
    /* Clearing the range makes it required again. */
    fx_ok(f, engsched_query_set_range(q, NULL, NULL));
    fx_rc(f, ENGSCHED_EINVAL, engsched_calendar(f->db, f->manager, q, &cur));
    assert_null(cur);
    /* Who may look. */
    fx_ok(f, engsched_query_set_range(q, "2026-06-01", "2026-06-30"));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_calendar(f->db, INT64_C(987654), q, &cur));
    assert_null(cur);
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Blind", ENGSCHED_PERM_REQUEST, &role));
    engsched_id blind = fx_user(f, "blind", role, ENGSCHED_USER_ALL_CLIENTS);
    fx_rc(f, ENGSCHED_EDENIED, engsched_calendar(f->db, blind, q, &cur));
    assert_null(cur);
    fx_rc(f, ENGSCHED_EDENIED, engsched_list(f->db, blind, q, NULL, &cur));
    assert_null(cur);
    engsched_query_free(q);
}

/* --- Availability ------------------------------------------------------ */

typedef struct people {
    engsched_id tom, uma, val, wes, xia;
} people;

static engsched_id operator_named(fx *f, const char *name)
{
    engsched_id id = 0;
    char key[64];
    snprintf(key, sizeof key, "op-%s", name);
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, key, NULL, name, ENGSCHED_ROLE_OPERATOR,
                                  0, &id));
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, id, f->client[0]));
    return id;
}

/* Two weeks from Monday 2026-03-02 to Sunday 2026-03-15:
 *   Tom: 03-02..03-03 and 03-03..03-06 (overlapping), and a weekend 03-07..03-08;
 *   Uma: 03-05..03-10, away 03-09..03-11;
 *   Val: away the whole range, and an engagement 03-02..03-06;
 *   Wes: a canceled engagement over the whole range;
 *   Xia: 03-09..03-13, complete. */
static void make_people(fx *f, people *p)
{
    /* Keys differ from the display names' order on purpose. */
    p->xia = operator_named(f, "Xia");
    p->wes = operator_named(f, "Wes");
    p->val = operator_named(f, "Val");
    p->uma = operator_named(f, "Uma");
    p->tom = operator_named(f, "Tom");
    create(f, 0, "Tom 1", "2026-03-02", "2026-03-03", p->tom);
    create(f, 0, "Tom 2", "2026-03-03", "2026-03-06", p->tom);
    create(f, 0, "Tom weekend", "2026-03-07", "2026-03-08", p->tom);
    create(f, 0, "Uma", "2026-03-05", "2026-03-10", p->uma);
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, p->uma, "2026-03-09", "2026-03-11",
                                         "Leave", NULL));
    fx_ok(f, engsched_unavailability_add(f->db, p->val, p->val, "2026-02-20", "2026-03-20",
                                         "Sabbatical", NULL));
    create(f, 0, "Val", "2026-03-02", "2026-03-06", p->val);
    engsched_id canceled = create(f, 0, "Wes canceled", "2026-03-02", "2026-03-13", p->wes);
    fx_ok(f, engsched_cancel(f->db, f->manager, canceled, 0, NULL));
    engsched_id done = create(f, 0, "Xia", "2026-03-09", "2026-03-13", p->xia);
    report_to(f, done, ENGSCHED_REPORT_PUBLISHED);
}

typedef struct expect {
    engsched_id user;
    double utilisation;
    size_t items; /* work items listed */
} expect;

static void check_utilisation(fx *f, const char *start, const char *end, const expect *want,
                              size_t n)
{
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->manager, start, end, &av));
    size_t found = 0;
    int has = 0;
    while (1) {
        fx_ok(f, engsched_availability_next(av, &has));
        if (!has)
            break;
        for (size_t i = 0; i < n; i++) {
            if (engsched_availability_user(av) != want[i].user)
                continue;
            found++;
            double u = engsched_availability_utilisation(av);
            if (fabs(u - want[i].utilisation) > 1e-9)
                fail_msg("%s over %s..%s: utilisation %f, expected %f",
                         engsched_availability_name(av), start, end, u, want[i].utilisation);
            size_t items = engsched_work_list_count(engsched_availability_work(av));
            if (items != want[i].items)
                fail_msg("%s: %zu work items, expected %zu", engsched_availability_name(av),
                         items, want[i].items);
        }
    }
    engsched_availability_free(av);
    assert_int_equal(found, n);
}

static void test_utilisation_by_hand(void **state)
{
    fx *f = *state;
    people p;
    make_people(f, &p);
    /* Default week Monday-Friday; Wednesday 03-04 a holiday: 9 working
     * days. Tom: 02, 03, 05, 06 busy (the weekend does not count) = 4/9.
     * Uma: away 09, 10, 11 leaves 6; busy 05, 06 = 2/6. Val: away all:
     * no working day left = 0. Wes: canceled work does not occupy = 0/9.
     * Xia: 09..13 complete (it did occupy her) = 5/9. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "holidays", "2026-03-04"));
    expect week5[] = {
        {p.tom, 4.0 / 9, 3}, {p.uma, 2.0 / 6, 2}, {p.val, 0.0, 2},
        {p.wes, 0.0, 0},     {p.xia, 5.0 / 9, 1},
    };
    check_utilisation(f, "2026-03-02", "2026-03-15", week5, 5);

    /* Monday-Saturday: 12 days, 11 without the holiday. Tom adds Saturday
     * 03-07 = 5/11. Uma: 8 left; her engagement now has Saturday 03-07
     * too: 05, 06, 07 = 3/8. Xia: 5/11. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "working_week", "123456"));
    expect week6[] = {
        {p.tom, 5.0 / 11, 3}, {p.uma, 3.0 / 8, 2}, {p.val, 0.0, 2},
        {p.wes, 0.0, 0},      {p.xia, 5.0 / 11, 1},
    };
    check_utilisation(f, "2026-03-02", "2026-03-15", week6, 5);

    /* Monday-Friday, holidays 03-04 and 03-13: 8 days. Tom 4/8. Uma: away
     * 09-11 leaves 5 (02, 03, 05, 06, 12); busy 05, 06 = 2/5. Xia:
     * 09-12 = 4/8. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "working_week", "54321"));
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "holidays", "2026-03-04,2026-03-13"));
    expect two_holidays[] = {
        {p.tom, 4.0 / 8, 3}, {p.uma, 2.0 / 5, 2}, {p.val, 0.0, 2},
        {p.wes, 0.0, 0},     {p.xia, 4.0 / 8, 1},
    };
    check_utilisation(f, "2026-03-02", "2026-03-15", two_holidays, 5);

    /* A range of one working day, and one of a weekend only (Uma's
     * engagement runs through it: listed, but no working day). */
    expect one_day[] = {{p.tom, 1.0, 2}, {p.uma, 0.0, 0}, {p.xia, 0.0, 0}};
    check_utilisation(f, "2026-03-03", "2026-03-03", one_day, 3);
    expect weekend[] = {{p.tom, 0.0, 1}, {p.uma, 0.0, 1}};
    check_utilisation(f, "2026-03-07", "2026-03-08", weekend, 2);
}

static void test_operators_by_display_name_only(void **state)
{
    fx *f = *state;
    people p;
    make_people(f, &p);
    /* 150 namesakes more than fill the view's chunks; the id orders them. */
    engsched_id sam[150];
    for (int i = 0; i < 150; i++) {
        char key[32];
        snprintf(key, sizeof key, "sam-%03d", i);
        fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, key, NULL, "Sam",
                                      ENGSCHED_ROLE_OPERATOR, 0, &sam[i]));
        fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, sam[i], f->client[0]));
    }
    /* Not operators, whatever their name or access. */
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Reviewer only",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW |
                                      ENGSCHED_PERM_REPORT_REVIEW,
                                  &role));
    engsched_id reviewer = 0;
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "rev", NULL, "Sam", role,
                                  ENGSCHED_USER_ALL_CLIENTS, &reviewer));

    /* Byte order of display names: capitals first. The fixture's users
     * are named by their keys; admin, manager and outsider hold
     * REPORT_VIEW and REPORT_EDIT (Administrator, Manager) and are
     * operators too; client and viewer are not. */
    const char *order[] = {"Sam", "Tom", "Uma", "Val", "Wes", "Xia", "admin", "manager",
                           "operator1", "operator2", "outsider"};
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->admin, "2026-03-01", "2026-03-31", &av));
    size_t k = 0, sams = 0;
    engsched_id prev_sam = 0;
    int has = 0;
    while (1) {
        fx_ok(f, engsched_availability_next(av, &has));
        if (!has)
            break;
        engsched_id user = engsched_availability_user(av);
        const char *name = engsched_availability_name(av);
        assert_true(user != f->client_user && user != f->viewer && user != reviewer);
        if (strcmp(name, "Sam") == 0) {
            assert_int_equal(k, 0);
            assert_true(user > prev_sam);
            prev_sam = user;
            sams++;
            continue;
        }
        if (k == 0)
            k = 1;
        if (k >= sizeof order / sizeof order[0])
            fail_msg("unexpected operator %s", name);
        assert_string_equal(name, order[k]);
        k++;
    }
    assert_int_equal(k, sizeof order / sizeof order[0]);
    assert_int_equal(sams, 150);
    /* The end is the end. */
    fx_ok(f, engsched_availability_next(av, &has));
    assert_int_equal(has, 0);
    assert_int_equal(engsched_availability_user(av), 0);
    assert_null(engsched_availability_name(av));
    assert_null(engsched_availability_work(av));
    engsched_availability_free(av);

    /* A scoped viewer (the outsider, client 2) sees operators sharing a
     * client with them: only all-clients ones here (admin, manager) and
     * themselves. */
    fx_ok(f, engsched_availability_open(f->db, f->outsider, "2026-03-01", "2026-03-31", &av));
    const char *scoped[] = {"admin", "manager", "outsider"};
    k = 0;
    while (engsched_availability_next(av, &has) == ENGSCHED_OK && has) {
        assert_true(k < 3);
        assert_string_equal(engsched_availability_name(av), scoped[k]);
        k++;
    }
    assert_int_equal(k, 3);
    engsched_availability_free(av);
}

static void test_availability_needs_view_availability(void **state)
{
    fx *f = *state;
    engsched_id denied[] = {f->operator1, f->viewer, f->client_user};
    for (size_t i = 0; i < 3; i++) {
        engsched_availability *av = NULL;
        fx_rc(f, ENGSCHED_EDENIED,
              engsched_availability_open(f->db, denied[i], "2026-03-01", "2026-03-31", &av));
        assert_null(av);
        assert_non_null(strstr(engsched_errmsg(f->db), "view_availability"));
    }
    engsched_availability *av = NULL;
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_availability_open(f->db, INT64_C(987654), "2026-03-01", "2026-03-31", &av));
    assert_null(av);
    /* With the permission alone. */
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Planner",
                                  ENGSCHED_PERM_VIEW_AVAILABILITY, &role));
    engsched_id planner = fx_user(f, "planner", role, ENGSCHED_USER_ALL_CLIENTS);
    fx_ok(f, engsched_availability_open(f->db, planner, "2026-03-01", "2026-03-31", &av));
    engsched_availability_free(av);
}

/* --- Bad input ----------------------------------------------------------- */

static void refused_availability(fx *f, const char *start, const char *end, const char *field)
{
    engsched_availability *av = NULL;
    engsched_rc rc = engsched_availability_open(f->db, f->manager, start, end, &av);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("availability %s..%s: %s, expected EINVAL", start ? start : "NULL",
                 end ? end : "NULL", engsched_rc_name(rc));
    assert_null(av);
    if (strstr(engsched_errmsg(f->db), field) == NULL)
        fail_msg("availability %s..%s: \"%s\" does not name %s", start ? start : "NULL",
                 end ? end : "NULL", engsched_errmsg(f->db), field);
}

static void test_bad_ranges(void **state)
{
    fx *f = *state;
    refused_availability(f, NULL, "2026-03-31", "start");
    refused_availability(f, "", "2026-03-31", "start");
    refused_availability(f, "2026-3-1", "2026-03-31", "start");
    refused_availability(f, "2026-03-01", NULL, "end");
    refused_availability(f, "2026-03-01", "", "end");
    refused_availability(f, "2026-03-01", "2026-02-30", "end");
    refused_availability(f, "2026-03-02", "2026-03-01", "end");          /* inverted */
    refused_availability(f, "2026-01-01", "2027-01-02", "range");        /* 367 days */
    refused_availability(f, "1900-01-01", "9999-12-31", "range");
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->manager, "2026-01-01", "2027-01-01", &av));
    engsched_availability_free(av);
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_availability_open(f->db, f->manager, "2026-01-01", "2026-01-02", NULL));

    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    const char *bad[][2] = {{"", "2026-03-01"},          {"2026-03-01", ""},
                            {"2026-02-29", "2026-03-01"}, {"2026-03-01", NULL},
                            {"2026-03-02", "2026-03-01"}, {"20260301", "2026-03-02"},
                            {"2026-03-01T00:00", "2026-03-02"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_range(q, bad[i][0], bad[i][1]));
        const char *msg = engsched_errmsg(f->db);
        assert_true(strstr(msg, "start") != NULL || strstr(msg, "end") != NULL);
    }
    engsched_query_free(q);
}

static void test_bad_query_settings(void **state)
{
    fx *f = *state;
    create(f, 0, "Scheduled", "2026-04-01", "2026-04-02", 0);
    engsched_id canceled = create(f, 0, "Canceled", "2026-04-01", "2026-04-02", 0);
    fx_ok(f, engsched_cancel(f->db, f->manager, canceled, 0, NULL));
    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_statuses(q, ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED)));
    /* Empty and unknown status sets; the query keeps its statuses. */
    unsigned int bad_sets[] = {0,
                               1u << 0, /* no status has value 0 */
                               1u << 7,
                               1u << 31,
                               ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) | 1u << 8,
                               ~0u};
    for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++) {
        fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_statuses(q, bad_sets[i]));
        assert_non_null(strstr(engsched_errmsg(f->db), "statuses"));
    }
    /* Page limits. */
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_limit(q, 0));
    assert_non_null(strstr(engsched_errmsg(f->db), "limit"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_limit(q, ENGSCHED_PAGE_MAX + 1));
    assert_non_null(strstr(engsched_errmsg(f->db), "limit"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_limit(q, ~0u));
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_sort(q, (engsched_sort)-1, 0));
    fx_rc(f, ENGSCHED_EINVAL, engsched_query_set_sort(q, (engsched_sort)5, 0));
    assert_int_equal(engsched_tab_statuses((engsched_tab)7), 0);
    assert_int_equal(engsched_tab_statuses((engsched_tab)-1), 0);
    /* Still the canceled tab, still 50 a page: one row. */
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_list(f->db, f->manager, q, NULL, &cur));
    int has = 0;
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 1);
    assert_int_equal(engsched_cursor_id(cur), canceled);
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 0);
    engsched_cursor_free(cur);
    /* The largest page is allowed. */
    fx_ok(f, engsched_query_set_limit(q, ENGSCHED_PAGE_MAX));

    /* Garbage cursors: refused, no cursor. */
    const char *garbage[] = {"", "x", "es1.", "es1.zzzz", "null", "0", "-1",
                             "es1.0000000000000000.0000000000000000.0000000000000000.0"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        cur = NULL;
        fx_rc(f, ENGSCHED_EINVAL, engsched_list(f->db, f->manager, q, garbage[i], &cur));
        assert_null(cur);
        assert_non_null(strstr(engsched_errmsg(f->db), "token"));
    }
    /* NULL arguments. */
    fx_rc(f, ENGSCHED_EINVAL, engsched_list(f->db, f->manager, q, NULL, NULL));
    fx_rc(f, ENGSCHED_EINVAL, engsched_list(f->db, f->manager, NULL, NULL, &cur));
    fx_rc(f, ENGSCHED_EINVAL, engsched_calendar(f->db, f->manager, NULL, &cur));
    assert_int_equal(engsched_cursor_next(NULL, &has), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_availability_next(NULL, &has), ENGSCHED_EMISUSE);
    assert_null(engsched_cursor_next_token(NULL));
    assert_int_equal(engsched_query_set_statuses(NULL, 2), ENGSCHED_EMISUSE);
    engsched_query_free(q);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_calendar_exactly_the_overlapping),
        T(test_status_labels_and_colours),
        T(test_calendar_range_rules),
        T(test_utilisation_by_hand),
        T(test_operators_by_display_name_only),
        T(test_availability_needs_view_availability),
        T(test_bad_ranges),
        T(test_bad_query_settings),
    };
    return cmocka_run_group_tests_name("calendar_availability", tests, NULL, NULL);
}
