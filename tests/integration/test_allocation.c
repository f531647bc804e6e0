/* Partial allocation through the public API (docs/design.md §4): an
 * assignment covers a window of its engagement's dates at a share of the
 * day, firm or as a tentative hold. A day conflicts only when the
 * operator's firm load (absences at 100 %) passes 100 %; holds never
 * conflict and are confirmed with one call that checks again; windows
 * follow the engagement's dates; Availability shows firm load and load
 * with holds; the invitation of a hold is TENTATIVE. Bad input changes
 * nothing.
 *
 * Dates: the fixture's today is Sunday 2026-03-01; work is in April. */
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

static engsched_id create(fx *f, const char *name, const char *start, const char *end)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

static engsched_assign_options alloc(const char *start, const char *end, int percent, int tentative)
{
    engsched_assign_options o = ENGSCHED_ASSIGN_OPTIONS_INIT;
    o.start = start;
    o.end = end;
    o.percent = percent;
    o.tentative = tentative;
    return o;
}

/* Assign operator 1 with @p o; the number of conflicts, or -1 on @p want. */
static long assign(fx *f, engsched_id e, engsched_assign_options o, engsched_rc want)
{
    engsched_work_list *list = NULL;
    engsched_rc rc = engsched_assign_ex(f->db, f->manager, e, 0, f->operator1,
                                        ENGSCHED_OPROLE_TESTER, &o, &list);
    fx_rc(f, want, rc);
    long n = rc == ENGSCHED_OK ? (long)engsched_work_list_count(list) : -1;
    engsched_work_list_free(list);
    return n;
}

/* The memory backend is a version 1 table: no allocations (below). */
#define NEEDS_ALLOCATIONS()         \
    do {                            \
        if (fx_backend_is_memory()) \
            skip();                 \
    } while (0)

static void strict(fx *f)
{
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
}

static void test_shares_add_up_to_a_day(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    strict(f);
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    engsched_id b = create(f, "B", "2026-04-06", "2026-04-10");
    engsched_id c = create(f, "C", "2026-04-08", "2026-04-08");
    assert_int_equal(assign(f, a, alloc(NULL, NULL, 50, 0), ENGSCHED_OK), 0);
    assert_int_equal(assign(f, b, alloc(NULL, NULL, 50, 0), ENGSCHED_OK), 0);
    /* 50 + 50 + 1 passes a day on the 8th: both halves conflict. */
    char *before = fx_digest(f);
    assign(f, c, alloc(NULL, NULL, 1, 0), ENGSCHED_ECONFLICT);
    char *after = fx_digest(f);
    assert_string_equal(after, before);
    free(after);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, c, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 2);
    int percent = 0, tentative = -1;
    fx_ok(f, engsched_work_list_item_allocation(list, 0, &percent, &tentative));
    assert_int_equal(percent, 50);
    assert_int_equal(tentative, 0);
    engsched_work_list_free(list);
    free(before);
}

static void test_windows_and_absences(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    strict(f);
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    engsched_id b = create(f, "B", "2026-04-06", "2026-04-17");
    assert_int_equal(assign(f, a, alloc(NULL, NULL, 0, 0), ENGSCHED_OK), 0);
    /* The second week of B is free. */
    assert_int_equal(assign(f, b, alloc("2026-04-13", "2026-04-17", 100, 0), ENGSCHED_OK), 0);
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->manager, b, &e));
    const char *ws = NULL, *we = NULL;
    int percent = 0, tentative = -1;
    fx_ok(f, engsched_engagement_operator_allocation(e, 0, &ws, &we, &percent, &tentative));
    assert_string_equal(ws, "2026-04-13");
    assert_string_equal(we, "2026-04-17");
    assert_int_equal(percent, 100);
    assert_int_equal(tentative, 0);
    assert_int_equal(engsched_engagement_operator_allocation(e, 1, NULL, NULL, NULL, NULL),
                     ENGSCHED_EINVAL);
    engsched_engagement_free(e);
    /* An absence is a whole day: even 10 % on it conflicts. */
    engsched_id c = create(f, "C", "2026-04-20", "2026-04-24");
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator1, "2026-04-22",
                                         "2026-04-22", "Leave", NULL));
    assign(f, c, alloc(NULL, NULL, 10, 0), ENGSCHED_ECONFLICT);
    assert_int_equal(assign(f, c, alloc("2026-04-23", "2026-04-24", 10, 0), ENGSCHED_OK), 0);
}

static void test_bad_allocations_change_nothing(void **state)
{
    fx *f = *state;
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    char *before = fx_digest(f);
    assign(f, a, alloc("2026-04-05", "2026-04-08", 0, 0), ENGSCHED_EINVAL);
    assert_non_null(strstr(engsched_errmsg(f->db), "window"));
    assign(f, a, alloc("2026-04-08", "2026-04-11", 0, 0), ENGSCHED_EINVAL);
    assign(f, a, alloc("2026-04-09", "2026-04-08", 0, 0), ENGSCHED_EINVAL);
    assign(f, a, alloc("2026-04-08", NULL, 0, 0), ENGSCHED_EINVAL);
    assign(f, a, alloc(NULL, "2026-04-08", 0, 0), ENGSCHED_EINVAL);
    assign(f, a, alloc("April", "2026-04-08", 0, 0), ENGSCHED_EINVAL);
    assign(f, a, alloc(NULL, NULL, 101, 0), ENGSCHED_EINVAL);
    assert_non_null(strstr(engsched_errmsg(f->db), "percent"));
    assign(f, a, alloc(NULL, NULL, -1, 0), ENGSCHED_EINVAL);
    engsched_assign_options o = alloc(NULL, NULL, 0, 0);
    o.version = 99;
    assign(f, a, o, ENGSCHED_EMISUSE);
    char *after = fx_digest(f);
    assert_string_equal(after, before);
    free(after);
    free(before);
    assert_int_equal(engsched_assign_options_init(NULL, 1), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_assign_options_init(&o, 2), ENGSCHED_EMISUSE);
    fx_ok(f, engsched_assign_options_init(&o, ENGSCHED_ASSIGN_OPTIONS_VERSION));
    assert_null(o.start);
    assert_int_equal(o.percent, 0);
    /* Changing an allocation that does not exist, or confirming a firm one. */
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_assignment_update(f->db, f->manager, a, 0, f->operator1, &o, NULL));
    assert_int_equal(assign(f, a, o, ENGSCHED_OK), 0);
    fx_rc(f, ENGSCHED_ESTATE, engsched_hold_confirm(f->db, f->manager, a, 0, f->operator1, NULL));
    fx_rc(f, ENGSCHED_EDENIED, engsched_hold_confirm(f->db, f->viewer, a, 0, f->operator1, NULL));
}

static char *ics_of(fx *f, engsched_id e)
{
    char *ics = NULL;
    fx_ok(f, engsched_invitation_ics(f->db, f->manager, e, f->operator1, &ics));
    return ics;
}

static void test_holds_confirm_with_a_check(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    strict(f);
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    engsched_id b = create(f, "B", "2026-04-09", "2026-04-14");
    assert_int_equal(assign(f, a, alloc(NULL, NULL, 0, 0), ENGSCHED_OK), 0);
    /* A hold over firm work is made under strict, with what confirming it meets. */
    assert_int_equal(assign(f, b, alloc(NULL, NULL, 0, 1), ENGSCHED_OK), 1);
    assert_true(strstr(f->last_event, "\"tentative\": true") != NULL ||
                strstr(f->last_event, "\"tentative\":true") != NULL);
    char *ics = ics_of(f, b);
    assert_non_null(strstr(ics, "STATUS:TENTATIVE"));
    assert_non_null(strstr(ics, "SEQUENCE:0"));
    engsched_free(ics);
    /* Holds are no conflict for firm work. */
    engsched_id c = create(f, "C", "2026-04-13", "2026-04-13");
    assert_int_equal(assign(f, c, alloc(NULL, NULL, 0, 0), ENGSCHED_OK), 0);
    engsched_unassign(f->db, f->manager, c, 0, f->operator1);
    /* Confirming meets A: refused, unchanged. */
    char *before = fx_digest(f);
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_hold_confirm(f->db, f->manager, b, 0, f->operator1, NULL));
    char *after = fx_digest(f);
    assert_string_equal(after, before);
    free(after);
    free(before);
    /* Half of A and a half-day hold fit: confirmed, the invitation sent again. */
    engsched_assign_options half = alloc(NULL, NULL, 50, 0);
    fx_ok(f, engsched_assignment_update(f->db, f->manager, a, 0, f->operator1, &half, NULL));
    assert_non_null(strstr(f->last_event, "assignment.changed"));
    half.tentative = 1;
    fx_ok(f, engsched_assignment_update(f->db, f->manager, b, 0, f->operator1, &half, NULL));
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_hold_confirm(f->db, f->manager, b, 0, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);
    assert_non_null(strstr(f->last_event, "assignment.confirmed"));
    ics = ics_of(f, b);
    assert_non_null(strstr(ics, "STATUS:CONFIRMED"));
    assert_null(strstr(ics, "SEQUENCE:0"));
    engsched_free(ics);
    fx_rc(f, ENGSCHED_ESTATE, engsched_hold_confirm(f->db, f->manager, b, 0, f->operator1, NULL));
}

static void test_windows_follow_the_dates(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    engsched_id b = create(f, "B", "2026-04-06", "2026-04-17");
    assert_int_equal(assign(f, b, alloc("2026-04-13", "2026-04-17", 0, 0), ENGSCHED_OK), 0);
    struct {
        const char *start, *end, *window_start, *window_end;
    } steps[] = {
        {"2026-04-20", "2026-05-01", "2026-04-27", "2026-05-01"}, /* a move: shifted */
        {"2026-04-20", "2026-04-28", "2026-04-27", "2026-04-28"}, /* shorter: clamped */
        {"2026-04-20", "2026-04-24", "2026-04-20", "2026-04-24"}, /* nothing left: all */
        {"2026-04-21", "2026-04-22", "2026-04-21", "2026-04-22"}, /* and then it follows */
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        engsched_input *in = NULL;
        fx_ok(f, engsched_input_new(f->db, &in));
        fx_ok(f, engsched_input_set_dates(in, steps[i].start, steps[i].end));
        fx_ok(f, engsched_edit(f->db, f->manager, b, fx_version(f, b), in));
        engsched_input_free(in);
        engsched_engagement *e = NULL;
        fx_ok(f, engsched_engagement_get(f->db, f->manager, b, &e));
        const char *ws = NULL, *we = NULL;
        fx_ok(f, engsched_engagement_operator_allocation(e, 0, &ws, &we, NULL, NULL));
        assert_string_equal(ws, steps[i].window_start);
        assert_string_equal(we, steps[i].window_end);
        engsched_free(NULL);
        engsched_engagement_free(e);
    }
}

/* Operator 1's load on Availability for April's second week. */
static void load_of(fx *f, double *firm, double *held)
{
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->manager, "2026-04-06", "2026-04-10", &av));
    int has = 0;
    while (engsched_availability_next(av, &has) == ENGSCHED_OK && has) {
        if (engsched_availability_user(av) != f->operator1)
            continue;
        fx_ok(f, engsched_availability_load(av, firm, held));
        assert_true(engsched_availability_utilisation(av) == *firm);
    }
    assert_int_equal(engsched_availability_load(av, NULL, NULL), ENGSCHED_EINVAL);
    engsched_availability_free(av);
}

static void test_availability_firm_and_with_holds(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    engsched_id b = create(f, "B", "2026-04-06", "2026-04-07");
    assert_int_equal(assign(f, a, alloc(NULL, NULL, 50, 0), ENGSCHED_OK), 0);
    assert_int_equal(assign(f, b, alloc(NULL, NULL, 0, 1), ENGSCHED_OK), 1);
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator1, "2026-04-10",
                                         "2026-04-10", "Leave", NULL));
    double firm = -1, held = -1;
    load_of(f, &firm, &held);
    /* Four available days: firm 4 × 50 %; with the hold, two of them full. */
    assert_true(firm > 0.5 - 1e-9 && firm < 0.5 + 1e-9);
    assert_true(held > 0.75 - 1e-9 && held < 0.75 + 1e-9);
}

/* Replace the first @p from in @p text by @p to (a new string). */
static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - text), len = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(len + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_export_import_keeps_allocations(void **state)
{
    fx *f = *state;
    NEEDS_ALLOCATIONS();
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-17");
    assert_int_equal(assign(f, a, alloc("2026-04-08", "2026-04-10", 50, 1), ENGSCHED_OK), 0);
    fx_ok(f, engsched_assign(f->db, f->manager, a, 0, f->operator2, ENGSCHED_OPROLE_LEAD, NULL));
    char *doc = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &doc));
    assert_non_null(strstr(doc, "\"window_start\": \"2026-04-08\""));
    assert_non_null(strstr(doc, "\"percent\": 50"));
    assert_non_null(strstr(doc, "\"tentative\": true"));
    /* Into an empty store: the same document back. */
    fx other;
    memset(&other, 0, sizeof other);
    fx_open_empty(&other, 0);
    char *bad[] = {
        replaced(doc, "\"percent\": 50", "\"percent\": 150"),
        replaced(doc, "\"percent\": 50", "\"percent\": \"half\""),
        replaced(doc, "\"window_start\": \"2026-04-08\"", "\"window_start\": \"2026-04-01\""),
        replaced(doc, "\"window_end\": \"2026-04-10\",", ""),
        replaced(doc, "\"tentative\": true", "\"tentative\": 1"),
    };
    const char *paths[] = {"percent", "percent", "window_start", "window_end", "tentative"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *before = fx_digest(&other);
        unsigned int count = 0;
        fx_rc(&other, ENGSCHED_EINVAL, engsched_import_json(other.db, ENGSCHED_SYSTEM, bad[i],
                                                            &count));
        assert_non_null(strstr(engsched_errmsg(other.db), paths[i]));
        char *after = fx_digest(&other);
        assert_string_equal(after, before);
        free(after);
        free(before);
        free(bad[i]);
    }
    unsigned int count = 0;
    fx_ok(&other, engsched_import_json(other.db, ENGSCHED_SYSTEM, doc, &count));
    char *copy = NULL;
    fx_ok(&other, engsched_export_json(other.db, ENGSCHED_SYSTEM, &copy));
    assert_string_equal(copy, doc);
    engsched_free(copy);
    engsched_free(doc);
    fx_close(&other);
}

/* A backend of table version 5 or older stores no allocation: the whole
 * engagement at 100 %, firm, as before, and anything else is refused
 * with EUNSUPPORTED, nothing changed. */
static void test_older_backend_refuses_allocations(void **state)
{
    fx *f = *state;
    if (!fx_backend_is_memory())
        skip();
    engsched_id a = create(f, "A", "2026-04-06", "2026-04-10");
    char *before = fx_digest(f);
    assign(f, a, alloc(NULL, NULL, 50, 0), ENGSCHED_EUNSUPPORTED);
    assert_non_null(strstr(engsched_errmsg(f->db), "table version"));
    assign(f, a, alloc(NULL, NULL, 0, 1), ENGSCHED_EUNSUPPORTED);
    assign(f, a, alloc("2026-04-07", "2026-04-08", 0, 0), ENGSCHED_EUNSUPPORTED);
    char *after = fx_digest(f);
    assert_string_equal(after, before);
    free(after);
    free(before);
    /* The whole engagement, whole day and firm is what it always stored. */
    assert_int_equal(assign(f, a, alloc("2026-04-06", "2026-04-10", 100, 0), ENGSCHED_OK), 0);
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->manager, a, &e));
    const char *ws = NULL;
    int percent = 0, tentative = -1;
    fx_ok(f, engsched_engagement_operator_allocation(e, 0, &ws, NULL, &percent, &tentative));
    assert_string_equal(ws, "2026-04-06");
    assert_int_equal(percent, 100);
    assert_int_equal(tentative, 0);
    engsched_engagement_free(e);
    fx_rc(f, ENGSCHED_ESTATE, engsched_hold_confirm(f->db, f->manager, a, 0, f->operator1, NULL));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_shares_add_up_to_a_day),
        T(test_windows_and_absences),
        T(test_bad_allocations_change_nothing),
        T(test_holds_confirm_with_a_check),
        T(test_windows_follow_the_dates),
        T(test_availability_firm_and_with_holds),
        T(test_older_backend_refuses_allocations),
        T(test_export_import_keeps_allocations),
    };
    return cmocka_run_group_tests_name("allocation", tests, NULL, NULL);
}
