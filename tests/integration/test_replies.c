/* Replies end to end: an operator's calendar answers the REQUEST the
 * library built with a METHOD:REPLY, written here as Thunderbird writes
 * it from that REQUEST's UID, SEQUENCE and ATTENDEE; the answer shows in
 * the snapshot, the JSON document and an event. Every refusal leaves the
 * store, the document and the event log as they were. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fixture.h"

typedef struct request {
    char uid[256];
    int sequence;
    char attendee[320]; /* "mailto:..." as the REQUEST names the operator */
} request;

static request request_of(fx *f, engsched_id engagement, engsched_id user)
{
    char *ics = NULL;
    fx_ok(f, engsched_invitation_ics(f->db, ENGSCHED_SYSTEM, engagement, user, &ics));
    icalcomponent *cal = icalparser_parse_string(ics);
    engsched_free(ics);
    assert_non_null(cal);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    request r;
    memset(&r, 0, sizeof r);
    snprintf(r.uid, sizeof r.uid, "%s", icalcomponent_get_uid(ev));
    r.sequence = icalcomponent_get_sequence(ev);
    icalproperty *att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
    assert_non_null(att);
    snprintf(r.attendee, sizeof r.attendee, "%s", icalproperty_get_attendee(att));
    icalcomponent_free(cal);
    return r;
}

/* What Thunderbird mails back: its PRODID, CRLF lines, the ORGANIZER
 * echoed, one ATTENDEE with the answer. @p method and @p partstat let a
 * test break one thing at a time; @p attendee NULL leaves it out. */
static char *reply_text(const request *r, const char *method, const char *attendee,
                        const char *partstat, int sequence)
{
    char att[512] = "";
    if (attendee != NULL)
        snprintf(att, sizeof att, "ATTENDEE;CN=Operator;PARTSTAT=%s:%s\r\n", partstat, attendee);
    char *text = malloc(4096);
    assert_non_null(text);
    snprintf(text, 4096,
             "BEGIN:VCALENDAR\r\n"
             "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
             "VERSION:2.0\r\n"
             "METHOD:%s\r\n"
             "BEGIN:VEVENT\r\n"
             "CREATED:20260301T120500Z\r\n"
             "LAST-MODIFIED:20260301T120500Z\r\n"
             "DTSTAMP:20260301T120500Z\r\n"
             "UID:%s\r\n"
             "SUMMARY:Audit\r\n"
             "ORGANIZER;CN=\"Scheduling\":mailto:scheduling@example.com\r\n"
             "%s"
             "DTSTART;VALUE=DATE:20270201\r\n"
             "DTEND;VALUE=DATE:20270204\r\n"
             "SEQUENCE:%d\r\n"
             "X-MOZ-RECEIVED-SEQUENCE:%d\r\n"
             "END:VEVENT\r\n"
             "END:VCALENDAR\r\n",
             method, r->uid, att, sequence, sequence);
    return text;
}

static char *answer(const request *r, const char *partstat)
{
    return reply_text(r, "REPLY", r->attendee, partstat, r->sequence);
}

/* Everything a refusal must leave as it was. */
static char *state_of(fx *f, engsched_id engagement)
{
    char *digest = fx_digest(f);
    char *json = NULL;
    fx_ok(f, engsched_engagement_json(f->db, ENGSCHED_SYSTEM, engagement, &json));
    size_t n = strlen(digest) + strlen(json) + 2;
    char *all = malloc(n);
    assert_non_null(all);
    snprintf(all, n, "%s\n%s", digest, json);
    free(digest);
    engsched_free(json);
    return all;
}

static void refused(fx *f, engsched_id engagement, engsched_id actor, engsched_rc want,
                    const char *text, size_t len)
{
    char *before = state_of(f, engagement);
    engsched_reply_result out = {.version = ENGSCHED_REPLY_RESULT_VERSION};
    fx_rc(f, want, engsched_invitation_reply(f->db, actor, text, len, &out));
    assert_true(engsched_errmsg(f->db)[0] != '\0');
    char *after = state_of(f, engagement);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void refused_text(fx *f, engsched_id engagement, engsched_rc want, char *text)
{
    refused(f, engagement, ENGSCHED_SYSTEM, want, text, strlen(text));
    free(text);
}

static engsched_id scheduled(fx *f)
{
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Audit", "2027-02-01", "2027-02-03");
    fx_approve(f, id); /* operator1, lead */
    return id;
}

static void expect_response(fx *f, engsched_id id, engsched_response want, const char *name)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    engsched_response got = ENGSCHED_RESPONSE_NONE;
    int64_t at = 0;
    fx_ok(f, engsched_engagement_operator_response(e, 0, &got, &at));
    assert_int_equal(got, want);
    assert_int_equal(at, want == ENGSCHED_RESPONSE_NONE ? 0 : f->now);
    assert_int_equal(engsched_engagement_operator_response(e, 1, &got, &at), ENGSCHED_EINVAL);
    engsched_engagement_free(e);
    char *json = NULL, expect[64];
    fx_ok(f, engsched_engagement_json(f->db, ENGSCHED_SYSTEM, id, &json));
    snprintf(expect, sizeof expect, "\"response\":\"%s\"", name);
    assert_non_null(strstr(json, expect));
    assert_non_null(strstr(json, want == ENGSCHED_RESPONSE_NONE ? "\"responded_at\":null"
                                                                : "\"responded_at\":\"20"));
    engsched_free(json);
    fx_ok(f, engsched_invitation_response(f->db, f->operator1, id, f->operator1, &got, &at));
    assert_int_equal(got, want);
}

/* Availability shows the operator's answer on their engagement. */
static engsched_response availability_response(fx *f, engsched_id engagement)
{
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->manager, "2027-01-01", "2027-03-31", &av));
    engsched_response found = (engsched_response)-1;
    int has = 0;
    while (fx_ok(f, engsched_availability_next(av, &has)), has) {
        if (engsched_availability_user(av) != f->operator1)
            continue;
        const engsched_work_list *work = engsched_availability_work(av);
        for (size_t i = 0; i < engsched_work_list_count(work); i++) {
            engsched_id id = 0;
            fx_ok(f, engsched_work_list_item(work, i, NULL, &id, NULL, NULL, NULL, NULL));
            if (id == engagement)
                found = engsched_work_list_item_response(work, i);
        }
    }
    engsched_availability_free(av);
    return found;
}

static void reply_ok(fx *f, engsched_id actor, const request *r, const char *partstat,
                     engsched_response want)
{
    char *text = answer(r, partstat);
    engsched_reply_result out = {.version = ENGSCHED_REPLY_RESULT_VERSION};
    fx_ok(f, engsched_invitation_reply(f->db, actor, text, strlen(text), &out));
    free(text);
    assert_int_equal(out.user, f->operator1);
    assert_int_equal(out.response, want);
    assert_int_equal(out.sequence, r->sequence);
    assert_non_null(strstr(f->last_event, "\"operator.responded\""));
    char expect[64];
    snprintf(expect, sizeof expect, "\"response\":\"%s\"", engsched_response_name(want));
    assert_non_null(strstr(f->last_event, expect));
}

static void test_accept_decline_tentative(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id id = scheduled(&f);
    expect_response(&f, id, ENGSCHED_RESPONSE_NONE, "none");
    assert_int_equal(availability_response(&f, id), ENGSCHED_RESPONSE_NONE);
    assert_int_equal(engsched_work_list_item_response(NULL, 0), ENGSCHED_RESPONSE_NONE);
    request r = request_of(&f, id, f.operator1);
    int64_t version = fx_version(&f, id);

    reply_ok(&f, ENGSCHED_SYSTEM, &r, "ACCEPTED", ENGSCHED_RESPONSE_ACCEPTED);
    expect_response(&f, id, ENGSCHED_RESPONSE_ACCEPTED, "accepted");
    assert_int_equal(availability_response(&f, id), ENGSCHED_RESPONSE_ACCEPTED);
    /* An answer is no change the attendee must be sent again. */
    assert_int_equal(request_of(&f, id, f.operator1).sequence, r.sequence);
    assert_int_equal(fx_version(&f, id), version);

    f.now += 60;
    reply_ok(&f, f.operator1, &r, "DECLINED", ENGSCHED_RESPONSE_DECLINED);
    expect_response(&f, id, ENGSCHED_RESPONSE_DECLINED, "declined");
    assert_int_equal(availability_response(&f, id), ENGSCHED_RESPONSE_DECLINED);
    f.now += 60;
    reply_ok(&f, f.admin, &r, "TENTATIVE", ENGSCHED_RESPONSE_TENTATIVE);
    expect_response(&f, id, ENGSCHED_RESPONSE_TENTATIVE, "tentative");
    fx_close(&f);
}

static void test_refusals_change_nothing(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id id = scheduled(&f);
    request r = request_of(&f, id, f.operator1);
    char *ok = answer(&r, "ACCEPTED");

    refused(&f, id, f.operator2, ENGSCHED_EDENIED, ok, strlen(ok));
    refused(&f, id, f.manager, ENGSCHED_EDENIED, ok, strlen(ok));
    refused_text(&f, id, ENGSCHED_EDENIED,
                 reply_text(&r, "REPLY", "mailto:operator2@example.com", "ACCEPTED", r.sequence));
    refused_text(&f, id, ENGSCHED_EINVAL, reply_text(&r, "REQUEST", r.attendee, "ACCEPTED", 0));
    refused_text(&f, id, ENGSCHED_EINVAL, reply_text(&r, "REPLY", NULL, "ACCEPTED", r.sequence));
    refused_text(&f, id, ENGSCHED_EINVAL,
                 reply_text(&r, "REPLY", r.attendee, "NEEDS-ACTION", r.sequence));
    refused_text(&f, id, ENGSCHED_EINVAL,
                 reply_text(&r, "REPLY", r.attendee, "ACCEPTED", r.sequence + 1));
    refused(&f, id, ENGSCHED_SYSTEM, ENGSCHED_EINVAL, "BEGIN:VCALENDAR\r\nMETHOD:REPLY", 29);
    request unknown = r;
    snprintf(unknown.uid, sizeof unknown.uid, "%s", "nobody-sent-this@example.com");
    refused_text(&f, id, ENGSCHED_ENOTFOUND, answer(&unknown, "ACCEPTED"));

    size_t big = (size_t)2 * 1024 * 1024;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, 'A', big);
    refused(&f, id, ENGSCHED_SYSTEM, ENGSCHED_ETOOBIG, huge, big);
    free(huge);
    refused(&f, id, ENGSCHED_SYSTEM, ENGSCHED_EINVAL, NULL, 0);
    engsched_reply_result old = {.version = 99};
    fx_rc(&f, ENGSCHED_EINVAL, engsched_invitation_reply(f.db, 0, ok, strlen(ok), &old));
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_invitation_reply(NULL, 0, ok, strlen(ok), NULL));

    /* A date edit sends SEQUENCE + 1: the answer to the old one is stale. */
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_dates(in, "2027-02-08", "2027-02-10"));
    fx_ok(&f, engsched_edit(f.db, f.manager, id, fx_version(&f, id), in));
    engsched_input_free(in);
    refused(&f, id, ENGSCHED_SYSTEM, ENGSCHED_ECONFLICT, ok, strlen(ok));
    free(ok);
    fx_close(&f);
}

static void test_no_answer_once_withdrawn(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id id = scheduled(&f);
    fx_ok(&f, engsched_assign(f.db, f.manager, id, 0, f.operator2, ENGSCHED_OPROLE_TESTER, NULL));
    request r1 = request_of(&f, id, f.operator1);
    request r2 = request_of(&f, id, f.operator2);
    fx_ok(&f, engsched_unassign(f.db, f.manager, id, 0, f.operator2));
    /* Answering the REQUEST it had, or the CANCEL that followed. */
    refused_text(&f, id, ENGSCHED_ESTATE, answer(&r2, "ACCEPTED"));
    r2.sequence++;
    refused_text(&f, id, ENGSCHED_ESTATE, answer(&r2, "ACCEPTED"));

    fx_ok(&f, engsched_cancel(f.db, f.manager, id, 0, "client withdrew"));
    r1.sequence++;
    refused_text(&f, id, ENGSCHED_ESTATE, answer(&r1, "ACCEPTED"));
    fx_close(&f);
}

/* The domain may come back in another case; the local part as sent. */
static void test_attendee_domain_case(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id id = scheduled(&f);
    request r = request_of(&f, id, f.operator1);
    char *text = reply_text(&r, "REPLY", "MAILTO:operator1@EXAMPLE.com", "ACCEPTED", r.sequence);
    fx_ok(&f, engsched_invitation_reply(f.db, ENGSCHED_SYSTEM, text, strlen(text), NULL));
    free(text);
    expect_response(&f, id, ENGSCHED_RESPONSE_ACCEPTED, "accepted");
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_decline_tentative),
        cmocka_unit_test(test_refusals_change_nothing),
        cmocka_unit_test(test_no_answer_once_withdrawn),
        cmocka_unit_test(test_attendee_domain_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
