/* Invitation series that every attendee's calendar recognises (the review's
 * findings, each failing before the fix): UIDs and Message-IDs unique
 * across stores, the organizer kept after it changes, renames and
 * approval re-sent, pending work TENTATIVE, dates to 9999-12-30, and
 * export/import keeping UID and SEQUENCE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fixture.h"

typedef struct shown {
    char uid[256];
    char organizer[256];
    char cn[256];
    char summary[256];
    char dtend[16];
    int sequence;
    icalproperty_status status;
} shown;

static shown parse(const char *ics)
{
    shown s;
    memset(&s, 0, sizeof s);
    icalcomponent *cal = icalparser_parse_string(ics);
    assert_non_null(cal);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    snprintf(s.uid, sizeof s.uid, "%s", icalcomponent_get_uid(ev));
    snprintf(s.summary, sizeof s.summary, "%s", icalcomponent_get_summary(ev));
    s.sequence = icalcomponent_get_sequence(ev);
    s.status = icalcomponent_get_status(ev);
    icalproperty *org = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
    assert_non_null(org);
    snprintf(s.organizer, sizeof s.organizer, "%s", icalproperty_get_organizer(org));
    icalproperty *att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
    icalparameter *cn = att ? icalproperty_get_first_parameter(att, ICAL_CN_PARAMETER) : NULL;
    if (cn != NULL)
        snprintf(s.cn, sizeof s.cn, "%s", icalparameter_get_cn(cn));
    snprintf(s.dtend, sizeof s.dtend, "%s",
             icaltime_as_ical_string(icalcomponent_get_dtend(ev)));
    icalcomponent_free(cal);
    return s;
}

static shown invitation(fx *f, engsched_id engagement, engsched_id user)
{
    char *ics = NULL;
    fx_ok(f, engsched_invitation_ics(f->db, ENGSCHED_SYSTEM, engagement, user, &ics));
    shown s = parse(ics);
    engsched_free(ics);
    return s;
}

static void message_id(fx *f, engsched_id engagement, engsched_id user, char *out, size_t size)
{
    char *mail = NULL;
    fx_ok(f, engsched_invitation_mail(f->db, ENGSCHED_SYSTEM, engagement, user, &mail));
    const char *p = strstr(mail, "\r\nMessage-ID: ");
    assert_non_null(p);
    p += strlen("\r\nMessage-ID: ");
    size_t n = strcspn(p, "\r");
    assert_true(n < size);
    memcpy(out, p, n);
    out[n] = '\0';
    engsched_free(mail);
}

/* A scheduled engagement with operator1 on it. */
static engsched_id staffed(fx *f, const char *name, const char *start, const char *end)
{
    engsched_id id = fx_request(f, f->client_user, f->client[0], name, start, end);
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_approve(f->db, f->manager, id, 0, in));
    engsched_input_free(in);
    return id;
}

static void test_two_stores_never_share_uid_or_message_id(void **state)
{
    (void)state;
    fx a, b;
    fx_open(&a, 1);
    fx_open(&b, 1);
    engsched_id ea = staffed(&a, "Web test", "2027-01-10", "2027-01-14");
    engsched_id eb = staffed(&b, "Other web test", "2027-01-10", "2027-01-14");
    assert_int_equal(ea, eb); /* the same ids, as every tenant has */
    assert_int_equal(a.operator1, b.operator1);
    shown sa = invitation(&a, ea, a.operator1), sb = invitation(&b, eb, b.operator1);
    assert_string_not_equal(sa.uid, sb.uid);
    char ma[256], mb[256];
    message_id(&a, ea, a.operator1, ma, sizeof ma);
    message_id(&b, eb, b.operator1, mb, sizeof mb);
    assert_string_not_equal(ma, mb);
    /* A retry builds the very same message, Message-ID included. */
    char again[256];
    message_id(&a, ea, a.operator1, again, sizeof again);
    assert_string_equal(ma, again);
    fx_close(&a);
    fx_close(&b);
}

static void test_cancel_after_organizer_change_keeps_organizer(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    engsched_id id = staffed(&f, "Web test", "2027-01-10", "2027-01-14");
    shown first = invitation(&f, id, f.operator1);
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email",
                                   "planning@new.example"));
    fx_ok(&f, engsched_cancel(f.db, f.manager, id, 0, "Postponed"));
    shown cancel = invitation(&f, id, f.operator1);
    assert_int_equal(cancel.status, ICAL_STATUS_CANCELLED);
    assert_string_equal(cancel.uid, first.uid);
    assert_true(cancel.sequence > first.sequence);
    assert_string_equal(cancel.organizer, first.organizer);
    /* A new series is sent by the new organizer. */
    engsched_id next = staffed(&f, "Retest", "2027-02-10", "2027-02-12");
    assert_string_equal(invitation(&f, next, f.operator1).organizer, "mailto:planning@new.example");
    fx_close(&f);
}

static void test_renames_are_sent(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    engsched_id id = staffed(&f, "Web test", "2027-01-10", "2027-01-14");
    shown before = invitation(&f, id, f.operator1);
    fx_ok(&f, engsched_client_upsert(f.db, ENGSCHED_SYSTEM, "client-0", "Renamed Client", NULL));
    shown client = invitation(&f, id, f.operator1);
    assert_int_equal(client.sequence, before.sequence + 1);
    assert_string_equal(client.summary, "Renamed Client: Web test");
    fx_ok(&f, engsched_user_upsert(f.db, ENGSCHED_SYSTEM, "operator1", "operator1@example.com",
                                   "Zoë \"Red\" Ops", ENGSCHED_ROLE_OPERATOR, 0, NULL));
    shown op = invitation(&f, id, f.operator1);
    assert_int_equal(op.sequence, before.sequence + 2);
    assert_string_equal(op.cn, "Zoë \xe2\x80\x9cRed\xe2\x80\x9d Ops");
    /* The same name again is no change. */
    fx_ok(&f, engsched_client_upsert(f.db, ENGSCHED_SYSTEM, "client-0", "Renamed Client", NULL));
    assert_int_equal(invitation(&f, id, f.operator1).sequence, op.sequence);
    fx_close(&f);
}

static void test_pending_is_tentative_until_approved(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Audit", "2027-03-01", "2027-03-03");
    fx_ok(&f, engsched_assign(f.db, f.manager, id, 0, f.operator2, ENGSCHED_OPROLE_LEAD, NULL));
    shown pending = invitation(&f, id, f.operator2);
    assert_int_equal(pending.status, ICAL_STATUS_TENTATIVE);
    fx_approve(&f, id);
    shown approved = invitation(&f, id, f.operator2);
    assert_int_equal(approved.status, ICAL_STATUS_CONFIRMED);
    assert_int_equal(approved.sequence, pending.sequence + 1);
    fx_close(&f);
}

static void test_every_accepted_date_reaches_the_calendar(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    engsched_id id = staffed(&f, "Far", "9999-12-20", "9999-12-30");
    assert_string_equal(invitation(&f, id, f.operator1).dtend, "99991231");
    char *feed = NULL;
    fx_ok(&f, engsched_feed_ics(f.db, f.manager, f.manager, &feed));
    assert_non_null(strstr(feed, "DTSTART;VALUE=DATE:99991220"));
    engsched_free(feed);
    /* The last day has no next day, so no calendar event can end it. */
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_input_set_dates(in, "9999-12-20", "9999-12-31"));
    engsched_input_free(in);
    fx_close(&f);
}

static void test_export_import_keeps_each_series(void **state)
{
    (void)state;
    fx a;
    fx_open(&a, 1);
    engsched_id filler = staffed(&a, "Filler", "2027-01-01", "2027-01-02");
    engsched_id id = staffed(&a, "Kept", "2027-04-01", "2027-04-03");
    engsched_input *in = NULL;
    fx_ok(&a, engsched_input_new(a.db, &in));
    fx_ok(&a, engsched_input_set_dates(in, "2027-04-02", "2027-04-04"));
    fx_ok(&a, engsched_edit(a.db, a.manager, id, fx_version(&a, id), in));
    engsched_input_free(in);
    shown sent = invitation(&a, id, a.operator1);
    (void)filler;
    /* Only the second engagement goes over: ids are renumbered. */
    fx_ok(&a, engsched_cancel(a.db, a.manager, filler, 0, "gone"));
    char *doc = NULL;
    fx_ok(&a, engsched_export_json(a.db, ENGSCHED_SYSTEM, &doc));

    fx b;
    fx_open(&b, 1);
    unsigned int count = 0;
    engsched_id local = staffed(&b, "Local", "2027-05-01", "2027-05-02");
    (void)local;
    fx_ok(&b, engsched_import_json(b.db, ENGSCHED_SYSTEM, doc, &count));
    engsched_free(doc);
    engsched_id kept = 0;
    for (engsched_id e = 1; e < 10 && kept == 0; e++) {
        engsched_engagement *snap = NULL;
        if (engsched_engagement_get(b.db, ENGSCHED_SYSTEM, e, &snap) != ENGSCHED_OK)
            continue;
        if (strcmp(engsched_engagement_name(snap), "Kept") == 0)
            kept = e;
        engsched_engagement_free(snap);
    }
    assert_true(kept != 0 && kept != id);
    shown there = invitation(&b, kept, b.operator1);
    assert_string_equal(there.uid, sent.uid);
    assert_int_equal(there.sequence, sent.sequence);
    assert_string_equal(there.organizer, sent.organizer);
    fx_ok(&b, engsched_cancel(b.db, b.manager, kept, 0, "Moved"));
    shown cancel = invitation(&b, kept, b.operator1);
    assert_string_equal(cancel.uid, sent.uid);
    assert_int_equal(cancel.sequence, sent.sequence + 1);
    fx_close(&a);
    fx_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_stores_never_share_uid_or_message_id),
        cmocka_unit_test(test_cancel_after_organizer_change_keeps_organizer),
        cmocka_unit_test(test_renames_are_sent),
        cmocka_unit_test(test_pending_is_tentative_until_approved),
        cmocka_unit_test(test_every_accepted_date_reaches_the_calendar),
        cmocka_unit_test(test_export_import_keeps_each_series),
    };
    return cmocka_run_group_tests_name("invitation series", tests, NULL, NULL);
}
