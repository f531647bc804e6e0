/* Clone, black-box: engsched_clone() copies an engagement's details into
 * a new engagement, through the request or create path of the actor.
 *
 * - the details copied, the report, files and events never; dates,
 *   operators and the rule only when asked;
 * - a client (REQUEST only) gets a Pending request, a manager a created
 *   engagement; an actor who cannot see the source, or may not create
 *   for its client, is refused;
 * - bad input (no dates, bad dates, unknown flags or version) changes
 *   nothing (the fixture's digest). */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
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

/* A source with every detail, approved with operator1, a file and a rule. */
static engsched_id source(fx *f)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Web test"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_description(in, "External"));
    fx_ok(f, engsched_input_set_type(in, "Web"));
    fx_ok(f, engsched_input_set_location(in, "Remote"));
    fx_ok(f, engsched_input_set_contacts(in, "Jane"));
    fx_ok(f, engsched_input_set_custom_fields(in, "{\"po\":\"4711\"}"));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-12"));
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    engsched_input_free(in);
    fx_approve(f, id);
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "scope.txt", "text/plain", "x", 1, NULL));
    fx_ok(f, engsched_recurrence_set(f->db, f->manager, id, 0, "FREQ=YEARLY"));
    return id;
}

static engsched_engagement *get(fx *f, engsched_id id)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    return e;
}

static size_t file_count(fx *f, engsched_id id)
{
    engsched_file_list *list = NULL;
    fx_ok(f, engsched_file_list_get(f->db, ENGSCHED_SYSTEM, id, &list));
    size_t n = engsched_file_list_count(list);
    engsched_file_list_free(list);
    return n;
}

static void test_details_copied_report_files_never(void **state)
{
    fx *f = *state;
    engsched_id src = source(f);
    engsched_clone_options o = ENGSCHED_CLONE_OPTIONS_INIT;
    o.start = "2026-06-01";
    o.end = "2026-06-02";
    engsched_id id = 0;
    fx_ok(f, engsched_clone(f->db, f->client_user, src, &o, &id));
    assert_true(id > src);
    engsched_engagement *e = get(f, id);
    assert_string_equal(engsched_engagement_name(e), "Web test");
    assert_string_equal(engsched_engagement_description(e), "External");
    assert_string_equal(engsched_engagement_type(e), "Web");
    assert_string_equal(engsched_engagement_location(e), "Remote");
    assert_string_equal(engsched_engagement_contacts(e), "Jane");
    assert_string_equal(engsched_engagement_custom_fields(e), "{\"po\":\"4711\"}");
    assert_string_equal(engsched_engagement_start(e), "2026-06-01");
    assert_string_equal(engsched_engagement_end(e), "2026-06-02");
    assert_int_equal(engsched_engagement_status(e), ENGSCHED_STATUS_PENDING);
    assert_int_equal(engsched_engagement_report(e), 0);
    assert_int_equal(engsched_engagement_operator_count(e), 0);
    assert_string_equal(engsched_engagement_recurrence(e), "");
    assert_int_equal(engsched_engagement_origin(e), 0);
    assert_int_equal(engsched_engagement_requested_by(e), f->client_user);
    engsched_engagement_free(e);
    assert_int_equal(file_count(f, id), 0);
    char *events = NULL;
    fx_ok(f, engsched_events_json(f->db, ENGSCHED_SYSTEM, id, &events));
    assert_non_null(strstr(events, "engagement.requested"));
    assert_non_null(strstr(events, "engagement.cloned"));
    assert_null(strstr(events, "engagement.approved"));
    engsched_free(events);
}

static void test_flags_copy_dates_operators_rule(void **state)
{
    fx *f = *state;
    engsched_id src = source(f);
    engsched_clone_options o;
    fx_ok(f, engsched_clone_options_init(&o, ENGSCHED_CLONE_OPTIONS_VERSION));
    o.flags = ENGSCHED_CLONE_DATES | ENGSCHED_CLONE_OPERATORS | ENGSCHED_CLONE_RECURRENCE;
    engsched_id id = 0;
    fx_ok(f, engsched_clone(f->db, f->manager, src, &o, &id));
    engsched_engagement *e = get(f, id);
    assert_string_equal(engsched_engagement_start(e), "2026-03-10");
    assert_string_equal(engsched_engagement_end(e), "2026-03-12");
    assert_int_equal(engsched_engagement_operator_count(e), 1);
    engsched_id user = 0;
    fx_ok(f, engsched_engagement_operator(e, 0, &user, NULL, NULL, NULL));
    assert_int_equal(user, f->operator1);
    assert_string_equal(engsched_engagement_recurrence(e), "FREQ=YEARLY");
    assert_int_equal(engsched_engagement_requested_by(e), f->manager);
    engsched_engagement_free(e);
    assert_int_equal(file_count(f, id), 0);
}

static void test_refusals_change_nothing(void **state)
{
    fx *f = *state;
    engsched_id src = source(f);
    char *before = fx_digest(f);
    engsched_clone_options o = ENGSCHED_CLONE_OPTIONS_INIT;
    engsched_id id = 0;
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->manager, src, &o, &id));
    assert_non_null(strstr(engsched_errmsg(f->db), "a clone needs dates"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->manager, src, NULL, &id));
    o.start = "2026-06-01";
    o.end = "2026-13-02";
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->manager, src, &o, &id));
    o.end = "2026-05-01"; /* before the start */
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->manager, src, &o, &id));
    o.end = "2026-06-02";
    o.flags = 1u << 7;
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->manager, src, &o, &id));
    o.flags = ENGSCHED_CLONE_OPERATORS; /* a client's request takes no operators */
    fx_rc(f, ENGSCHED_EINVAL, engsched_clone(f->db, f->client_user, src, &o, &id));
    o.flags = 0;
    o.version = 99;
    fx_rc(f, ENGSCHED_EMISUSE, engsched_clone(f->db, f->manager, src, &o, &id));
    o.version = ENGSCHED_CLONE_OPTIONS_VERSION;
    /* Out of sight: client 0 is not the outsider's. */
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_clone(f->db, f->outsider, src, &o, &id));
    /* A viewer sees it but may neither request nor create. */
    fx_rc(f, ENGSCHED_EDENIED, engsched_clone(f->db, f->viewer, src, &o, &id));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_clone(f->db, f->manager, src + 100, &o, &id));
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(engsched_clone_options_init(NULL, ENGSCHED_CLONE_OPTIONS_VERSION),
                     ENGSCHED_EMISUSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_details_copied_report_files_never, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags_copy_dates_operators_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
