/* Invitations end to end: REQUEST on assignment, re-sent with a higher
 * SEQUENCE on a change of dates or name, CANCEL on unassignment and
 * cancellation; the UID never changes; delivery failures never lose the
 * assignment. Mails are also written to $ENGSCHED_TEST_OUTBOX (when set)
 * for the Python checks run by the invitations-python test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libical/ical.h>

#include "fixture.h"

typedef struct outbox {
    int count;
    int refuse;          /* the callback fails when set */
    char last_to[256];
    engsched_id last_engagement; /* what a retry passes to engsched_invitation_mail() */
    engsched_id last_user;
    char *last;          /* last message */
    char log[2048];      /* last error logged */
} outbox;

static outbox box;

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *to,
                   const char *message, size_t length)
{
    (void)ctx;
    assert_true(engagement > 0);
    assert_true(user > 0);
    box.last_engagement = engagement;
    box.last_user = user;
    box.count++;
    snprintf(box.last_to, sizeof box.last_to, "%s", to);
    free(box.last);
    box.last = malloc(length + 1);
    assert_non_null(box.last);
    memcpy(box.last, message, length);
    box.last[length] = '\0';
    assert_int_equal(strlen(box.last), length);
    const char *dir = getenv("ENGSCHED_TEST_OUTBOX");
    if (dir != NULL && dir[0] != '\0') {
        char path[512];
        static int n;
        mkdir(dir, 0700);
        snprintf(path, sizeof path, "%s/%03d.eml", dir, ++n);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(message, 1, length, f), length);
        fclose(f);
    }
    return box.refuse;
}

static void on_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx;
    if (level >= ENGSCHED_LOG_ERROR)
        snprintf(box.log, sizeof box.log, "%s", message);
}

/* Reopen the fixture's file store with mail delivery and error logging. */
static engsched *reopen(fx *f, int with_organizer)
{
    fx_open(f, 1);
    char path[512];
    snprintf(path, sizeof path, "%s", f->path);
    assert_int_equal(engsched_close(f->db), ENGSCHED_OK);
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.on_mail = on_mail;
    opts.log = on_log;
    opts.log_level = ENGSCHED_LOG_ERROR;
    opts.clock = NULL;
    fx_ok(f, engsched_open(path, &opts, &f->db));
    if (!with_organizer) /* the fixture's tenant has one */
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_email", ""));
    if (with_organizer) {
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_email",
                                      "scheduling@mssp.example"));
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_name", "MSSP Scheduling"));
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "uid_domain", "mssp.example"));
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "engagement_url",
                                      "https://portal.mssp.example/engagements/{id}"));
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "report_url",
                                      "https://portal.mssp.example/reports/{id}"));
    }
    memset(&box, 0, sizeof box);
    return f->db;
}

typedef struct parsed {
    char uid[256];
    int sequence;
    char method[16];
    int cancelled;
    char dtstart[16];
    char dtend[16];
} parsed;

static parsed parse_ics(const char *ics)
{
    parsed p;
    memset(&p, 0, sizeof p);
    icalcomponent *cal = icalparser_parse_string(ics);
    assert_non_null(cal);
    snprintf(p.method, sizeof p.method, "%s", icalproperty_method_to_string(icalcomponent_get_method(cal)));
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    snprintf(p.uid, sizeof p.uid, "%s", icalcomponent_get_uid(ev));
    p.sequence = icalcomponent_get_sequence(ev);
    p.cancelled = icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
    snprintf(p.dtstart, sizeof p.dtstart, "%s", icaltime_as_ical_string(icalcomponent_get_dtstart(ev)));
    snprintf(p.dtend, sizeof p.dtend, "%s", icaltime_as_ical_string(icalcomponent_get_dtend(ev)));
    icalcomponent_free(cal);
    return p;
}

static parsed invitation_of(fx *f, engsched_id engagement, engsched_id user)
{
    char *ics = NULL;
    fx_ok(f, engsched_invitation_ics(f->db, f->manager, engagement, user, &ics));
    parsed p = parse_ics(ics);
    engsched_free(ics);
    return p;
}

static void edit(fx *f, engsched_id id, const char *name, const char *start, const char *end)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    if (name)
        fx_ok(f, engsched_input_set_name(in, name));
    if (start)
        fx_ok(f, engsched_input_set_dates(in, start, end));
    fx_ok(f, engsched_edit(f->db, f->manager, id, fx_version(f, id), in));
    engsched_input_free(in);
}

static void test_sequence_rises_and_uid_stays(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Web test", "2027-01-10", "2027-01-14");
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_add_operator(in, f.operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(&f, engsched_input_add_operator(in, f.operator2, ENGSCHED_OPROLE_TESTER));
    fx_ok(&f, engsched_approve(f.db, f.manager, id, 0, in));
    engsched_input_free(in);
    assert_int_equal(box.count, 2);
    assert_non_null(strstr(box.last, "method=REQUEST"));

    parsed first = invitation_of(&f, id, f.operator1);
    assert_string_equal(first.method, "REQUEST");
    assert_int_equal(first.sequence, 0);
    assert_string_equal(first.dtstart, "20270110");
    assert_string_equal(first.dtend, "20270115"); /* the day after the last */
    assert_non_null(strstr(first.uid, "@mssp.example"));

    edit(&f, id, NULL, "2027-01-11", "2027-01-15"); /* date change */
    assert_int_equal(box.count, 4);
    parsed dated = invitation_of(&f, id, f.operator1);
    edit(&f, id, "Web test (phase 2)", NULL, NULL); /* name change */
    assert_int_equal(box.count, 6);
    parsed renamed = invitation_of(&f, id, f.operator1);
    fx_ok(&f, engsched_cancel(f.db, f.manager, id, 0, "Client postponed"));
    assert_int_equal(box.count, 8);
    assert_non_null(strstr(box.last, "method=CANCEL"));
    parsed canceled = invitation_of(&f, id, f.operator1);

    assert_true(first.sequence < dated.sequence);
    assert_true(dated.sequence < renamed.sequence);
    assert_true(renamed.sequence < canceled.sequence);
    assert_string_equal(first.uid, dated.uid);
    assert_string_equal(first.uid, renamed.uid);
    assert_string_equal(first.uid, canceled.uid);
    assert_string_equal(canceled.method, "CANCEL");
    assert_true(canceled.cancelled);
    /* Each operator has an invitation of their own. */
    assert_string_not_equal(first.uid, invitation_of(&f, id, f.operator2).uid);
    fx_close(&f);
    free(box.last);
}

static void test_edit_without_visible_change_sends_nothing(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(&f, id);
    int sent = box.count;
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_description(in, "More scope"));
    fx_ok(&f, engsched_edit(f.db, f.manager, id, fx_version(&f, id), in));
    engsched_input_free(in);
    assert_int_equal(box.count, sent);
    assert_int_equal(invitation_of(&f, id, f.operator1).sequence, 0);
    fx_close(&f);
    free(box.last);
}

static void test_unassign_cancels_for_that_operator_only(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(&f, id);
    fx_ok(&f, engsched_assign(f.db, f.manager, id, 0, f.operator2, ENGSCHED_OPROLE_TESTER, NULL));
    fx_ok(&f, engsched_unassign(f.db, f.manager, id, 0, f.operator2));
    assert_string_equal(box.last_to, "operator2@example.com");
    assert_int_equal(box.last_engagement, id);
    assert_int_equal(box.last_user, f.operator2);
    parsed gone = invitation_of(&f, id, f.operator2);
    assert_string_equal(gone.method, "CANCEL");
    assert_int_equal(gone.sequence, 1);
    parsed kept = invitation_of(&f, id, f.operator1);
    assert_string_equal(kept.method, "REQUEST");
    assert_int_equal(kept.sequence, 0);
    fx_close(&f);
    free(box.last);
}

static void test_missing_address_or_organizer_keeps_the_assignment(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 0); /* no organizer setting */
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(&f, id);
    assert_int_equal(box.count, 0);
    /* Recorded as undeliverable, the approval stands. */
    assert_int_equal(engsched_undeliverable_count(f.db), 1);
    engsched_engagement *e = NULL;
    fx_ok(&f, engsched_engagement_get(f.db, f.manager, id, &e));
    assert_int_equal(engsched_engagement_operator_count(e), 1);
    engsched_engagement_free(e);
    char *ics = NULL;
    fx_rc(&f, ENGSCHED_EINVAL, engsched_invitation_ics(f.db, f.manager, id, f.operator1, &ics));
    assert_non_null(strstr(engsched_errmsg(f.db), "organizer_email"));

    /* An operator without an e-mail address. */
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email", "s@mssp.example"));
    engsched_id mute = 0;
    fx_ok(&f, engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "mute", NULL, "Mute Operator",
                                   ENGSCHED_ROLE_OPERATOR, ENGSCHED_USER_ALL_CLIENTS, &mute));
    box.log[0] = '\0';
    fx_ok(&f, engsched_assign(f.db, f.manager, id, 0, mute, ENGSCHED_OPROLE_TESTER, NULL));
    assert_int_equal(box.count, 0);
    assert_int_equal(engsched_undeliverable_count(f.db), 1);
    char *mail = NULL;
    fx_rc(&f, ENGSCHED_EINVAL, engsched_invitation_mail(f.db, f.manager, id, mute, &mail));
    /* The host fixes the address and retries delivery by hand. */
    fx_ok(&f, engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "mute", "mute@example.com",
                                   "Mute Operator", ENGSCHED_ROLE_OPERATOR,
                                   ENGSCHED_USER_ALL_CLIENTS, NULL));
    fx_ok(&f, engsched_invitation_mail(f.db, f.manager, id, mute, &mail));
    assert_non_null(strstr(mail, "To: "));
    assert_non_null(strstr(mail, "mute@example.com"));
    engsched_free(mail);
    fx_close(&f);
    free(box.last);
}

static void test_refused_delivery_is_logged(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    box.refuse = 1;
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(&f, id);
    assert_int_equal(box.count, 1);
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_SCHEDULED);
    /* ... and kept for a retry. */
    engsched_outbox_list *list = NULL;
    fx_ok(&f, engsched_outbox_list_get(f.db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, 0, 100,
                                       &list));
    size_t mail = 0;
    for (size_t i = 0; i < engsched_outbox_list_count(list); i++)
        mail += engsched_outbox_list_item(list, i)->kind == ENGSCHED_OUTBOX_MAIL;
    engsched_outbox_list_free(list);
    assert_int_equal(mail, 1);
    fx_close(&f);
    free(box.last);
}

static void test_header_injection_is_refused(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_input_set_name(in, "Web\r\nBcc: evil@example.com"));
    engsched_input_free(in);
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "x", "x@example.com\r\nBcc: e@example.com",
                               "X", ENGSCHED_ROLE_OPERATOR, 0, NULL));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "x", "x@example.com", "X\r\nATTENDEE:mailto:e@x",
                               ENGSCHED_ROLE_OPERATOR, 0, NULL));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email", "a@b.example\nBcc: c@d"));
    fx_close(&f);
    free(box.last);
}

static void test_feed_is_scoped_and_published(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_id mine = fx_request(&f, f.client_user, f.client[0], "Visible", "2027-03-01", "2027-03-02");
    engsched_id other = fx_request(&f, f.manager, f.client[2], "Hidden", "2027-03-01", "2027-03-02");
    engsched_id gone = fx_request(&f, f.client_user, f.client[0], "Gone", "2027-03-05", "2027-03-06");
    fx_ok(&f, engsched_cancel(f.db, f.manager, gone, 0, NULL));
    (void)mine;
    (void)other;
    char *feed = NULL;
    fx_ok(&f, engsched_feed_ics(f.db, f.client_user, f.client_user, &feed));
    assert_non_null(strstr(feed, "METHOD:PUBLISH"));
    assert_non_null(strstr(feed, "Visible"));
    assert_null(strstr(feed, "Hidden"));
    assert_null(strstr(feed, "Gone"));
    icalcomponent *cal = icalparser_parse_string(feed);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
    icalcomponent_free(cal);
    engsched_free(feed);
    fx_rc(&f, ENGSCHED_EDENIED, engsched_feed_ics(f.db, f.client_user, f.viewer, &feed));
    fx_ok(&f, engsched_feed_ics(f.db, f.admin, f.viewer, &feed));
    engsched_free(feed);
    fx_close(&f);
    free(box.last);
}

static void test_invitation_download_follows_visibility(void **state)
{
    (void)state;
    fx f;
    reopen(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(&f, id);
    char *ics = NULL;
    fx_ok(&f, engsched_invitation_ics(f.db, f.operator1, id, f.operator1, &ics));
    engsched_free(ics);
    fx_rc(&f, ENGSCHED_EDENIED, engsched_invitation_ics(f.db, f.operator2, id, f.operator1, &ics));
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_invitation_ics(f.db, f.outsider, id, f.operator1, &ics));
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_invitation_ics(f.db, f.manager, id, f.operator2, &ics));
    fx_close(&f);
    free(box.last);
}

/* The CN of an ORGANIZER or ATTENDEE property. */
static const char *cn_of(icalcomponent *ev, icalproperty_kind kind)
{
    icalproperty *p = icalcomponent_get_first_property(ev, kind);
    assert_non_null(p);
    icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    assert_non_null(cn);
    return icalparameter_get_cn(cn);
}

/* A caret not followed by ^ n N ' " and a backslash not at the end are
 * names libical carries: taken by the setters, and the invitation is
 * built and mailed with them as they were given. */
static void test_names_with_a_lone_caret_or_inner_backslash_are_carried(void **state)
{
    (void)state;
    static const char *const names[] = {"A^B", "x^y", "Caret ^ alone", "back\\slash inside"};
    fx f;
    reopen(&f, 1);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_name", names[i]));
        fx_ok(&f, engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "operator1",
                                       "operator1@example.com", names[i],
                                       ENGSCHED_ROLE_OPERATOR, 0, NULL));
        int sent = box.count;
        engsched_id id =
            fx_request(&f, f.client_user, f.client[0], "Audit", "2027-02-01", "2027-02-03");
        fx_approve(&f, id);
        assert_int_equal(box.count, sent + 1);
        assert_string_equal(box.last_to, "operator1@example.com");

        char *ics = NULL;
        fx_ok(&f, engsched_invitation_ics(f.db, f.manager, id, f.operator1, &ics));
        icalcomponent *cal = icalparser_parse_string(ics);
        assert_non_null(cal);
        icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
        assert_non_null(ev);
        assert_string_equal(cn_of(ev, ICAL_ORGANIZER_PROPERTY), names[i]);
        assert_string_equal(cn_of(ev, ICAL_ATTENDEE_PROPERTY), names[i]);
        icalcomponent_free(cal);
        engsched_free(ics);
    }
    fx_close(&f);
    free(box.last);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_rises_and_uid_stays),
        cmocka_unit_test(test_edit_without_visible_change_sends_nothing),
        cmocka_unit_test(test_unassign_cancels_for_that_operator_only),
        cmocka_unit_test(test_missing_address_or_organizer_keeps_the_assignment),
        cmocka_unit_test(test_refused_delivery_is_logged),
        cmocka_unit_test(test_header_injection_is_refused),
        cmocka_unit_test(test_feed_is_scoped_and_published),
        cmocka_unit_test(test_invitation_download_follows_visibility),
        cmocka_unit_test(test_names_with_a_lone_caret_or_inner_backslash_are_carried),
    };
    return cmocka_run_group_tests_name("invitations", tests, NULL, NULL);
}
