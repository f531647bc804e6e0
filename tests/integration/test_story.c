/* The whole story of the seed documents, as one test: request with two
 * files, approval with report details, dates and two operators, the
 * hourly tick across a time zone where the UTC date differs, the report
 * through review to Published, a refused cancel, another engagement
 * cancelled from Pending, and the report linking back. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static engsched_id request_with_files(fx *f)
{
    static const char scope[] = "Scope: *.acme.example\nOut of scope: production DB";
    static const char letter[] = "%PDF-1.7 authorisation letter";
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Q2 external web test"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_description(in, "External black-box test of the web estate"));
    fx_ok(f, engsched_input_set_type(in, "Web application"));
    fx_ok(f, engsched_input_set_location(in, "Remote"));
    fx_ok(f, engsched_input_set_contacts(in, "Jane Doe <jane@acme.example>"));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-20"));
    fx_ok(f, engsched_input_set_custom_fields(in, "{\"po\": \"4711\", \"retest\": false}"));
    fx_ok(f, engsched_input_add_file(in, "scope.txt", "text/plain", scope, strlen(scope)));
    fx_ok(f, engsched_input_add_file(in, "authorisation.pdf", "application/pdf", letter,
                                     strlen(letter)));
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    engsched_input_free(in);
    return id;
}

static void approve_with_two_operators(fx *f, engsched_id id)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_report_title(in, "Acme Q2 external web report"));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-11", "2026-03-20"));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
    fx_ok(f, engsched_approve(f->db, f->manager, id, fx_version(f, id), in));
    engsched_input_free(in);
}

static void test_whole_story(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    /* Auckland is UTC+13 in March: its day starts at 11:00 UTC the day before. */
    fx_ok(&f, engsched_setting_set(f.db, f.admin, "timezone", "Pacific/Auckland"));

    engsched_id id = request_with_files(&f);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_PENDING);

    engsched_file_list *files = NULL;
    fx_ok(&f, engsched_file_list_get(f.db, f.client_user, id, &files));
    assert_int_equal(engsched_file_list_count(files), 2);
    const char *name = NULL;
    fx_ok(&f, engsched_file_list_item(files, 1, NULL, &name, NULL, NULL, NULL, NULL));
    assert_string_equal(name, "authorisation.pdf");
    engsched_file_list_free(files);

    approve_with_two_operators(&f, id);
    engsched_engagement *e = NULL;
    fx_ok(&f, engsched_engagement_get(f.db, f.manager, id, &e));
    assert_int_equal(engsched_engagement_status(e), ENGSCHED_STATUS_SCHEDULED);
    assert_int_equal(engsched_engagement_report_status(e), ENGSCHED_REPORT_DRAFT);
    assert_string_equal(engsched_engagement_report_title(e), "Acme Q2 external web report");
    assert_string_equal(engsched_engagement_start(e), "2026-03-11");
    assert_string_equal(engsched_engagement_custom_fields(e), "{\"po\":\"4711\",\"retest\":false}");
    assert_int_equal(engsched_engagement_operator_count(e), 2);
    engsched_id report = engsched_engagement_report(e);
    assert_true(report > 0);
    engsched_engagement_free(e);

    /* 2026-03-10T10:59:59Z is still the 10th in Auckland: nothing starts. */
    unsigned int moved = 99;
    fx_ok(&f, engsched_tick(f.db, INT64_C(1773140399), &moved));
    assert_int_equal(moved, 0);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_SCHEDULED);
    /* 2026-03-10T11:00:00Z is the 11th in Auckland while UTC says the 10th. */
    fx_ok(&f, engsched_tick(f.db, INT64_C(1773140400), &moved));
    assert_int_equal(moved, 1);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_PROGRESS);
    /* Idempotent. */
    fx_ok(&f, engsched_tick(f.db, INT64_C(1773140400) + 3600, &moved));
    assert_int_equal(moved, 0);

    /* The operator submits; the manager reviews, approves and publishes. */
    fx_ok(&f, engsched_report_set_status(f.db, f.operator1, id, 0,
                                         ENGSCHED_REPORT_READY_FOR_REVIEW));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_REVIEW);
    fx_ok(&f, engsched_report_set_status(f.db, f.manager, id, 0, ENGSCHED_REPORT_IN_REVIEW));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_REVIEW);
    fx_ok(&f, engsched_report_set_status(f.db, f.manager, id, 0, ENGSCHED_REPORT_APPROVED));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_REVIEW);
    fx_ok(&f, engsched_report_set_status(f.db, f.manager, id, 0, ENGSCHED_REPORT_PUBLISHED));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_COMPLETE);

    /* Complete is not cancellable, and the refusal changes nothing. */
    char *before = fx_digest(&f);
    fx_rc(&f, ENGSCHED_ESTATE, engsched_cancel(f.db, f.manager, id, 0, "too late"));
    assert_non_null(strstr(engsched_errmsg(f.db), "Complete"));
    char *after = fx_digest(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* Another request is cancelled while Pending, with a reason. */
    engsched_id other =
        fx_request(&f, f.client_user, f.client[0], "Phishing exercise", "2026-04-01", "2026-04-03");
    fx_ok(&f, engsched_cancel(f.db, f.manager, other, fx_version(&f, other), "Budget cut"));
    fx_ok(&f, engsched_engagement_get(f.db, f.client_user, other, &e));
    assert_int_equal(engsched_engagement_status(e), ENGSCHED_STATUS_CANCELED);
    assert_string_equal(engsched_engagement_cancel_reason(e), "Budget cut");
    engsched_engagement_free(e);
    fx_rc(&f, ENGSCHED_ESTATE, engsched_approve(f.db, f.manager, other, 0, NULL));

    /* The report links back to its engagement. */
    engsched_id back = 0;
    fx_ok(&f, engsched_report_engagement(f.db, f.manager, report, &back));
    assert_int_equal(back, id);

    /* The audit trail tells the story in order. */
    char *trail = NULL;
    fx_ok(&f, engsched_events_json(f.db, f.manager, id, &trail));
    const char *actions[] = {"engagement.requested", "file.attached", "engagement.approved",
                             "operator.assigned", "engagement.started", "engagement.in_review",
                             "engagement.completed"};
    const char *cursor = trail;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        cursor = strstr(cursor, actions[i]);
        if (cursor == NULL)
            fail_msg("%s missing or out of order in %s", actions[i], trail);
    }
    engsched_free(trail);
    fx_close(&f);
}

static void test_create_directly_in_the_past_starts_in_progress(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_name(in, "Red team"));
    fx_ok(&f, engsched_input_set_client(in, f.client[1]));
    fx_ok(&f, engsched_input_set_dates(in, "2026-02-20", "2026-03-05"));
    fx_ok(&f, engsched_input_add_operator(in, f.operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(&f, engsched_create(f.db, f.manager, in, &id));
    engsched_input_free(in);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_PROGRESS);
    /* Moving the dates into the future moves it back to Scheduled. */
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_dates(in, "2026-05-01", "2026-05-10"));
    fx_ok(&f, engsched_edit(f.db, f.manager, id, fx_version(&f, id), in));
    engsched_input_free(in);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_SCHEDULED);
    /* Published and back to Draft: In Review → Complete → In Progress once started. */
    f.now = FX_T0 + 90 * FX_DAY;
    fx_ok(&f, engsched_report_set_status(f.db, f.operator1, id, 0,
                                         ENGSCHED_REPORT_READY_FOR_REVIEW));
    fx_ok(&f, engsched_report_set_status(f.db, f.operator1, id, 0, ENGSCHED_REPORT_DRAFT));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_IN_PROGRESS);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_story),
        cmocka_unit_test(test_create_directly_in_the_past_starts_in_progress),
    };
    return cmocka_run_group_tests_name("story", tests, NULL, NULL);
}
