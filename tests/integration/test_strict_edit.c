/* Moving an engagement's dates puts its operators' work on new days, and
 * is checked as an assignment is: under the strict policy an edit or an
 * approval whose new dates overlap an operator's other work or leave is
 * ECONFLICT and changes nothing; under warn it is made and
 * engsched_edit_ex() reports the overlaps, each naming its operator.
 * Keeping the dates (an edit of the name) checks nothing.
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

static engsched_id create(fx *f, const char *name, const char *start, const char *end,
                          engsched_id op)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    if (op != 0)
        fx_ok(f, engsched_input_add_operator(in, op, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

static engsched_input *dates(fx *f, const char *start, const char *end)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    return in;
}

/* Operator 1 works 6-10 April and is on leave 27-28 April; the target,
 * staffed with operator 1 and 2, sits on the free week of 20 April. */
typedef struct scene {
    engsched_id busy, target;
} scene;

static scene stage(fx *f)
{
    scene s;
    s.busy = create(f, "Busy week", "2026-04-06", "2026-04-10", f->operator1);
    s.target = create(f, "Target", "2026-04-20", "2026-04-24", f->operator1);
    fx_ok(f, engsched_assign(f->db, f->manager, s.target, 0, f->operator2, ENGSCHED_OPROLE_TESTER,
                             NULL));
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator1, "2026-04-27",
                                         "2026-04-28", "Leave", NULL));
    return s;
}

static void refused_unchanged(fx *f, engsched_id target, const char *start, const char *end)
{
    char *before = fx_digest(f);
    int64_t seq = 0, seq_after = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    engsched_input *in = dates(f, start, end);
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_edit(f->db, f->manager, target, fx_version(f, target), in));
    assert_non_null(strstr(engsched_errmsg(f->db), "strict"));
    engsched_work_list *list = NULL;
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_edit_ex(f->db, f->manager, target, fx_version(f, target), in, &list));
    assert_null(list);
    engsched_input_free(in);
    char *after = fx_digest(f);
    fx_ok(f, engsched_events_last_seq(f->db, &seq_after));
    assert_string_equal(after, before);
    assert_int_equal(seq_after, seq);
    free(before);
    free(after);
}

static void test_strict_refuses_a_move_onto_work_or_leave(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    scene s = stage(f);
    refused_unchanged(f, s.target, "2026-04-08", "2026-04-14"); /* onto the busy week */
    refused_unchanged(f, s.target, "2026-04-24", "2026-04-27"); /* onto the leave */
    refused_unchanged(f, s.target, "2026-04-01", "2026-04-30"); /* around both */
    /* Free dates move, and the operators move with them. */
    engsched_input *in = dates(f, "2026-04-13", "2026-04-17");
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_edit_ex(f->db, f->manager, s.target, fx_version(f, s.target), in, &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);
    engsched_input_free(in);
    /* An edit that keeps the dates checks nothing, even over old overlaps. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));
    in = dates(f, "2026-04-10", "2026-04-17");
    fx_ok(f, engsched_edit(f->db, f->manager, s.target, fx_version(f, s.target), in));
    engsched_input_free(in);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Target, renamed"));
    fx_ok(f, engsched_edit(f->db, f->manager, s.target, fx_version(f, s.target), in));
    engsched_input_free(in);
}

static void test_strict_refuses_an_approval_that_moves_dates(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    create(f, "Busy week", "2026-04-06", "2026-04-10", f->operator1);
    engsched_id pending =
        fx_request(f, f->client_user, f->client[0], "Asked for", "2026-04-20", "2026-04-24");
    fx_ok(f,
          engsched_assign(f->db, f->manager, pending, 0, f->operator1, ENGSCHED_OPROLE_LEAD, NULL));
    char *before = fx_digest(f);
    engsched_input *in = dates(f, "2026-04-09", "2026-04-13");
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_approve(f->db, f->manager, pending, 0, in));
    char *after = fx_digest(f);
    assert_string_equal(after, before);
    assert_int_equal(fx_status(f, pending), ENGSCHED_STATUS_PENDING);
    free(before);
    free(after);
    engsched_input_free(in);
    in = dates(f, "2026-04-13", "2026-04-17");
    fx_ok(f, engsched_approve(f->db, f->manager, pending, 0, in));
    engsched_input_free(in);
    assert_int_equal(fx_status(f, pending), ENGSCHED_STATUS_SCHEDULED);
}

static void test_warn_reports_each_operators_overlaps(void **state)
{
    fx *f = *state;
    scene s = stage(f);
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator2, "2026-04-09",
                                         "2026-04-09", "Dentist", NULL));
    engsched_input *in = dates(f, "2026-04-09", "2026-04-27");
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_edit_ex(f->db, f->manager, s.target, fx_version(f, s.target), in, &list));
    engsched_input_free(in);
    /* Operator 1: the busy week and the leave; operator 2: the dentist. */
    assert_int_equal(engsched_work_list_count(list), 3);
    int seen_busy = 0, seen_leave = 0, seen_dentist = 0;
    for (size_t i = 0; i < engsched_work_list_count(list); i++) {
        engsched_id id = 0;
        engsched_work_kind kind = 0;
        const char *label = NULL;
        fx_ok(f, engsched_work_list_item(list, i, &kind, &id, &label, NULL, NULL, NULL));
        engsched_id user = engsched_work_list_item_user(list, i);
        seen_busy += kind == ENGSCHED_WORK_ENGAGEMENT && id == s.busy && user == f->operator1;
        seen_leave += strcmp(label, "Leave") == 0 && user == f->operator1;
        seen_dentist += strcmp(label, "Dentist") == 0 && user == f->operator2;
    }
    assert_int_equal(seen_busy + seen_leave + seen_dentist, 3);
    engsched_work_list_free(list);
    assert_int_equal(engsched_work_list_item_user(NULL, 0), 0);
    /* The edit was made. */
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->manager, s.target, &e));
    assert_string_equal(engsched_engagement_start(e), "2026-04-09");
    engsched_engagement_free(e);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_strict_refuses_a_move_onto_work_or_leave),
        T(test_strict_refuses_an_approval_that_moves_dates),
        T(test_warn_reports_each_operators_overlaps),
    };
    return cmocka_run_group_tests_name("strict_edit", tests, NULL, NULL);
}
