/*
 * es_ics_build (lib/ics.c) and the folding helpers (lib/ics_fold.c):
 * every object is parsed back with libical's parser, checked with
 * icalrestriction_check on a clone (no X-LIC-ERROR anywhere), and checked
 * byte by byte here, independently of the library's own checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "alloc_fail.h"
#include "util/dates.h"
#include "calendar/ics.h"
#include "calendar/ics_fold.h"
#include "ics_check.h"

/* --- fixtures -------------------------------------------------------------- */

#define DTSTAMP 1700000000 /* 2023-11-14T22:13:20Z */

static es_ics_event base_event(void)
{
    es_ics_event ev = {
        .uid = "eng-12-user-4@sched.example.org",
        .sequence = 3,
        .dtstamp = DTSTAMP,
        .start_day = day_of(2024, 3, 4),
        .end_day = day_of(2024, 3, 8),
        .summary = "Acme Corp: External pentest",
        .description = "Scope: web\nhttps://sched.example.org/e/12\nReport: https://sched.example.org/r/12",
        .url = "https://sched.example.org/e/12",
        .organizer_email = "scheduler@sched.example.org",
        .organizer_name = "Scheduling Office",
        .attendee_email = "pat@example.org",
        .attendee_name = "Pat Operator",
        .cancelled = 0,
    };
    return ev;
}

static char *build_ok(es_ics_method method, const es_ics_event *events, size_t count)
{
    char *out = NULL;
    char err[256] = "";
    engsched_rc rc = es_ics_build(method, events, count, &out, err, sizeof err);
    if (rc != ENGSCHED_OK)
        fail_msg("es_ics_build: %s: %s", engsched_rc_name(rc), err);
    assert_non_null(out);
    return out;
}

static void expect_einval(es_ics_method method, const es_ics_event *events, size_t count,
                          const char *needle)
{
    char *out = (char *)"untouched";
    char err[256] = "";
    engsched_rc rc = es_ics_build(method, events, count, &out, err, sizeof err);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("expected EINVAL (%s), got %s", needle, engsched_rc_name(rc));
    assert_string_equal(out, "untouched");
    if (strstr(err, needle) == NULL)
        fail_msg("message \"%s\" does not mention \"%s\"", err, needle);
}

static icalcomponent *only_vevent(icalcomponent *cal)
{
    assert_int_equal(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), 1);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_non_null(ev);
    return ev;
}

static const char *param_text(icalproperty *p, icalparameter_kind kind)
{
    icalparameter *param = icalproperty_get_first_parameter(p, kind);
    assert_non_null(param);
    return icalparameter_as_ical_string(param);
}

/* The CN parameter as libical's parser decodes it (RFC 6868: ^' is '"'). */
static const char *cn_of(icalcomponent *vev, icalproperty_kind kind)
{
    icalproperty *p = icalcomponent_get_first_property(vev, kind);
    assert_non_null(p);
    icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    assert_non_null(cn);
    return icalparameter_get_cn(cn);
}

static void assert_date(struct icaltimetype t, int y, int m, int d)
{
    assert_true(t.is_date);
    assert_int_equal(t.year, y);
    assert_int_equal(t.month, m);
    assert_int_equal(t.day, d);
}

/* The properties of a REQUEST/CANCEL VEVENT, exactly once each. */
static void assert_property_set(icalcomponent *ev, int with_description, int with_url)
{
    static const icalproperty_kind once[] = {
        ICAL_UID_PROPERTY,    ICAL_SEQUENCE_PROPERTY,  ICAL_DTSTAMP_PROPERTY,
        ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,    ICAL_SUMMARY_PROPERTY,
        ICAL_TRANSP_PROPERTY, ICAL_STATUS_PROPERTY,    ICAL_ORGANIZER_PROPERTY,
        ICAL_ATTENDEE_PROPERTY};
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++)
        assert_int_equal(icalcomponent_count_properties(ev, once[i]), 1);
    assert_int_equal(icalcomponent_count_properties(ev, ICAL_DESCRIPTION_PROPERTY),
                     with_description);
    assert_int_equal(icalcomponent_count_properties(ev, ICAL_URL_PROPERTY), with_url);
    assert_int_equal(icalcomponent_count_properties(ev, ICAL_ANY_PROPERTY),
                     (int)(sizeof once / sizeof once[0]) + with_description + with_url);
}

/* --- tests ------------------------------------------------------------------ */

static void test_request(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
    assert_non_null(strstr(text, "\r\nMETHOD:REQUEST\r\n"));
    assert_memory_equal(text, "BEGIN:VCALENDAR\r\n", 17);
    icalcomponent *cal = parse_checked(text);

    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
    assert_string_equal(icalproperty_get_version(
                            icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)),
                        "2.0");
    assert_string_equal(icalproperty_get_prodid(
                            icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
                        "-//libengsched//engsched " ENGSCHED_VERSION "//EN");
    icalcomponent *vev = only_vevent(cal);
    assert_property_set(vev, 1, 1);
    assert_string_equal(icalcomponent_get_uid(vev), ev.uid);
    assert_int_equal(icalcomponent_get_sequence(vev), 3);
    struct icaltimetype stamp = icalcomponent_get_dtstamp(vev);
    assert_true(icaltime_is_utc(stamp));
    assert_int_equal(icaltime_as_timet(stamp), DTSTAMP);
    assert_non_null(strstr(text, "\r\nDTSTAMP:20231114T221320Z\r\n"));
    assert_non_null(strstr(text, "\r\nDTSTART;VALUE=DATE:20240304\r\n"));
    assert_non_null(strstr(text, "\r\nDTEND;VALUE=DATE:20240309\r\n"));
    assert_date(icalcomponent_get_dtstart(vev), 2024, 3, 4);
    assert_date(icalcomponent_get_dtend(vev), 2024, 3, 9);
    assert_string_equal(icalcomponent_get_summary(vev), ev.summary);
    assert_string_equal(icalcomponent_get_description(vev), ev.description);
    assert_string_equal(
        icalproperty_get_url(icalcomponent_get_first_property(vev, ICAL_URL_PROPERTY)), ev.url);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_CONFIRMED);
    assert_int_equal(icalproperty_get_transp(
                         icalcomponent_get_first_property(vev, ICAL_TRANSP_PROPERTY)),
                     ICAL_TRANSP_OPAQUE);

    icalproperty *org = icalcomponent_get_first_property(vev, ICAL_ORGANIZER_PROPERTY);
    assert_string_equal(icalproperty_get_organizer(org), "mailto:scheduler@sched.example.org");
    assert_string_equal(cn_of(vev, ICAL_ORGANIZER_PROPERTY), "Scheduling Office");

    icalproperty *att = icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY);
    assert_string_equal(icalproperty_get_attendee(att), "mailto:pat@example.org");
    assert_string_equal(cn_of(vev, ICAL_ATTENDEE_PROPERTY), "Pat Operator");
    assert_string_equal(param_text(att, ICAL_ROLE_PARAMETER), "ROLE=REQ-PARTICIPANT");
    assert_string_equal(param_text(att, ICAL_PARTSTAT_PARAMETER), "PARTSTAT=NEEDS-ACTION");
    assert_string_equal(param_text(att, ICAL_RSVP_PARAMETER), "RSVP=TRUE");

    icalcomponent_free(cal);
    es_free(text);
}

static void test_cancel(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    ev.sequence = 4;
    ev.cancelled = 1;
    ev.description = NULL;
    ev.url = NULL;
    ev.attendee_name = NULL;
    char *text = build_ok(ES_ICS_CANCEL, &ev, 1);
    icalcomponent *cal = parse_checked(text);
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
    icalcomponent *vev = only_vevent(cal);
    assert_property_set(vev, 0, 0);
    assert_string_equal(icalcomponent_get_uid(vev), ev.uid);
    assert_int_equal(icalcomponent_get_sequence(vev), 4);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_CANCELLED);
    icalproperty *att = icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY);
    assert_null(icalproperty_get_first_parameter(att, ICAL_CN_PARAMETER));
    assert_non_null(strstr(text, "\r\nSTATUS:CANCELLED\r\n"));
    icalcomponent_free(cal);
    es_free(text);
}

static void test_publish_counts(void **state)
{
    (void)state;
    es_ics_event evs[3];
    for (size_t i = 0; i < 3; i++) {
        evs[i] = base_event();
        evs[i].attendee_email = NULL;
        evs[i].attendee_name = NULL;
    }
    evs[1].uid = "eng-13@sched.example.org";
    evs[1].cancelled = 1;
    evs[1].start_day = evs[1].end_day = day_of(2024, 12, 31);
    evs[2].uid = "eng-14@sched.example.org";
    evs[2].description = NULL;
    evs[2].url = "";
    evs[2].organizer_name = NULL;

    static const size_t counts[] = {0, 1, 3};
    for (size_t c = 0; c < 3; c++) {
        char *text = build_ok(ES_ICS_PUBLISH, counts[c] ? evs : NULL, counts[c]);
        icalcomponent *cal = parse_checked(text);
        assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
        assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT),
                         (int)counts[c]);
        assert_int_equal(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT),
                         (int)counts[c]);
        size_t i = 0;
        for (icalcomponent *vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
             vev != NULL; vev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), i++) {
            assert_string_equal(icalcomponent_get_uid(vev), evs[i].uid);
            assert_int_equal(icalcomponent_count_properties(vev, ICAL_ATTENDEE_PROPERTY), 0);
            assert_int_equal(icalcomponent_count_properties(vev, ICAL_ORGANIZER_PROPERTY), 1);
            assert_int_equal(icalcomponent_get_status(vev),
                             evs[i].cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED);
            assert_int_equal(icalcomponent_count_properties(vev, ICAL_URL_PROPERTY),
                             evs[i].url[0] != '\0');
        }
        assert_int_equal(i, counts[c]);
        icalcomponent_free(cal);
        es_free(text);
    }

    /* Without an organizer a feed event simply has none. */
    evs[0].organizer_email = NULL;
    char *text = build_ok(ES_ICS_PUBLISH, evs, 1);
    icalcomponent *cal = icalparser_parse_string(text);
    assert_int_equal(icalcomponent_count_properties(only_vevent(cal), ICAL_ORGANIZER_PROPERTY),
                     0);
    icalcomponent_free(cal);
    es_free(text);
}

static icalproperty_transp transp_of(icalcomponent *vev)
{
    return icalproperty_get_transp(icalcomponent_get_first_property(vev, ICAL_TRANSP_PROPERTY));
}

/* tentative and transparent (appended members): STATUS:TENTATIVE for a
 * REQUEST or PUBLISH that is not cancelled, TRANSP:TRANSPARENT for any
 * method; a CANCEL cannot be tentative. */
static void test_tentative_and_transparent(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    ev.tentative = 1;
    char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
    assert_non_null(strstr(text, "\r\nSTATUS:TENTATIVE\r\n"));
    assert_non_null(strstr(text, "\r\nTRANSP:OPAQUE\r\n"));
    icalcomponent *cal = parse_checked(text);
    assert_int_equal(icalcomponent_get_status(only_vevent(cal)), ICAL_STATUS_TENTATIVE);
    icalcomponent_free(cal);
    es_free(text);

    ev.transparent = 1;
    text = build_ok(ES_ICS_REQUEST, &ev, 1);
    assert_non_null(strstr(text, "\r\nTRANSP:TRANSPARENT\r\n"));
    cal = parse_checked(text);
    assert_int_equal(transp_of(only_vevent(cal)), ICAL_TRANSP_TRANSPARENT);
    icalcomponent_free(cal);
    es_free(text);

    /* A feed: tentative, then cancelled (which wins), both transparent. */
    ev.attendee_email = NULL;
    ev.attendee_name = NULL;
    es_ics_event feed[2] = {ev, ev};
    feed[1].uid = "eng-13@sched.example.org";
    feed[1].cancelled = 1;
    text = build_ok(ES_ICS_PUBLISH, feed, 2);
    cal = parse_checked(text);
    icalcomponent *vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_TENTATIVE);
    assert_int_equal(transp_of(vev), ICAL_TRANSP_TRANSPARENT);
    vev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_CANCELLED);
    assert_int_equal(transp_of(vev), ICAL_TRANSP_TRANSPARENT);
    icalcomponent_free(cal);
    es_free(text);

    /* CANCEL: transparent is kept, tentative is refused. */
    ev = base_event();
    ev.cancelled = 1;
    ev.transparent = 1;
    text = build_ok(ES_ICS_CANCEL, &ev, 1);
    assert_non_null(strstr(text, "\r\nSTATUS:CANCELLED\r\n"));
    assert_non_null(strstr(text, "\r\nTRANSP:TRANSPARENT\r\n"));
    es_free(text);
    ev.tentative = 1;
    expect_einval(ES_ICS_CANCEL, &ev, 1, "tentative");
    /* REQUEST still refuses cancelled, tentative or not. */
    ev.transparent = 0;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "cancelled");
}

/* DTEND is the day after the last day, across month and year ends and
 * leap days. */
static void test_date_ends(void **state)
{
    (void)state;
    static const struct {
        int y0, m0, d0, y1, m1, d1; /* first and last day */
        int ye, me, de;             /* DTEND */
    } cases[] = {
        {2024, 1, 31, 2024, 1, 31, 2024, 2, 1},  {2024, 1, 29, 2024, 2, 28, 2024, 2, 29},
        {2024, 2, 29, 2024, 2, 29, 2024, 3, 1},  {2023, 2, 27, 2023, 2, 28, 2023, 3, 1},
        {2024, 12, 30, 2024, 12, 31, 2025, 1, 1}, {2000, 2, 28, 2000, 2, 28, 2000, 2, 29},
        {1900, 2, 28, 1900, 2, 28, 1900, 3, 1},  {2024, 4, 30, 2024, 4, 30, 2024, 5, 1},
        {3000, 12, 30, 3000, 12, 31, 3001, 1, 1},   /* past libical's time check */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        es_ics_event ev = base_event();
        ev.start_day = day_of(cases[i].y0, cases[i].m0, cases[i].d0);
        ev.end_day = day_of(cases[i].y1, cases[i].m1, cases[i].d1);
        char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
        icalcomponent *cal = parse_checked(text);
        icalcomponent *vev = only_vevent(cal);
        assert_date(icalcomponent_get_dtstart(vev), cases[i].y0, cases[i].m0, cases[i].d0);
        assert_date(icalcomponent_get_dtend(vev), cases[i].ye, cases[i].me, cases[i].de);
        char want[64];
        snprintf(want, sizeof want, "\r\nDTEND;VALUE=DATE:%04d%02d%02d\r\n", cases[i].ye,
                 cases[i].me, cases[i].de);
        assert_non_null(strstr(text, want));
        icalcomponent_free(cal);
        es_free(text);
    }
}

/* Every day the API accepts is written (libical's own time check stops
 * at 3000), and libical parses it back. */
static void test_far_dates(void **state)
{
    (void)state;
    static const struct {
        int y0, m0, d0, y1, m1, d1; /* first and last day */
        const char *start, *end;    /* DTSTART and DTEND as written */
    } cases[] = {
        {1900, 1, 1, 1900, 1, 1, "19000101", "19000102"},
        {2999, 12, 31, 2999, 12, 31, "29991231", "30000101"},
        {3000, 1, 1, 3000, 12, 31, "30000101", "30010101"},
        {3001, 1, 1, 3001, 1, 5, "30010101", "30010106"},
        {5000, 2, 28, 5000, 2, 28, "50000228", "50000301"}, /* not a leap year */
        {9999, 1, 1, 9999, 12, 30, "99990101", "99991231"},
        {9999, 12, 30, 9999, 12, 30, "99991230", "99991231"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        es_ics_event ev = base_event();
        ev.start_day = day_of(cases[i].y0, cases[i].m0, cases[i].d0);
        ev.end_day = day_of(cases[i].y1, cases[i].m1, cases[i].d1);
        char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
        char want[64];
        snprintf(want, sizeof want, "\r\nDTSTART;VALUE=DATE:%s\r\n", cases[i].start);
        if (strstr(text, want) == NULL)
            fail_msg("no %s in:\n%s", want + 2, text);
        snprintf(want, sizeof want, "\r\nDTEND;VALUE=DATE:%s\r\n", cases[i].end);
        if (strstr(text, want) == NULL)
            fail_msg("no %s in:\n%s", want + 2, text);
        icalcomponent *cal = parse_checked(text);
        icalcomponent *vev = only_vevent(cal);
        assert_date(icalcomponent_get_dtstart(vev), cases[i].y0, cases[i].m0, cases[i].d0);
        assert_int_equal(icalcomponent_get_dtend(vev).year, atoi(cases[i].end) / 10000);
        icalcomponent_free(cal);
        es_free(text);
    }

    /* DTSTAMP too, to the last second of 9999, still UTC. */
    static const struct {
        int64_t t;
        const char *text;
    } stamps[] = {
        {INT64_C(-2208988800), "19000101T000000Z"},
        {INT64_C(32503680000), "30000101T000000Z"},
        {INT64_C(32535215999), "30001231T235959Z"},
        {INT64_C(32535216000), "30010101T000000Z"},
        {INT64_C(95617584000), "50000101T000000Z"},
        {INT64_C(253402300799), "99991231T235959Z"},
    };
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        es_ics_event ev = base_event();
        ev.dtstamp = stamps[i].t;
        char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
        char want[64];
        snprintf(want, sizeof want, "\r\nDTSTAMP:%s\r\n", stamps[i].text);
        if (strstr(text, want) == NULL)
            fail_msg("no %s in:\n%s", want + 2, text);
        icalcomponent *cal = parse_checked(text);
        struct icaltimetype stamp = icalcomponent_get_dtstamp(only_vevent(cal));
        assert_true(icaltime_is_utc(stamp));
        assert_int_equal(stamp.year, atoi(stamps[i].text) / 10000);
        icalcomponent_free(cal);
        es_free(text);
    }
}

/* Text that looks like properties stays text. */
static void test_injection_in_text(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    ev.summary = "x\r\nATTENDEE:mailto:evil@x";
    ev.description = "a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\rORGANIZER:mailto:evil@x\n;,\\:";
    ev.uid = "uid;with,specials\\and:colon";
    char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
    icalcomponent *cal = parse_checked(text);
    assert_int_equal(icalcomponent_count_properties(cal, ICAL_ANY_PROPERTY), 3);
    icalcomponent *vev = only_vevent(cal);
    assert_property_set(vev, 1, 1);
    assert_string_equal(icalcomponent_get_summary(vev), "x\nATTENDEE:mailto:evil@x");
    assert_string_equal(icalcomponent_get_description(vev),
                        "a\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil\nORGANIZER:mailto:evil@x\n;,\\:");
    assert_string_equal(icalcomponent_get_uid(vev), ev.uid);
    assert_string_equal(
        icalproperty_get_attendee(icalcomponent_get_first_property(vev, ICAL_ATTENDEE_PROPERTY)),
        "mailto:pat@example.org");
    /* No unfolded line starts with anything the builder did not write. */
    char *flat = unfold(text);
    assert_null(strstr(flat, "\r\nATTENDEE:mailto:evil"));
    assert_null(strstr(flat, "\r\nORGANIZER:mailto:evil"));
    assert_null(strstr(flat, "\r\nUID:evil"));
    free(flat);
    icalcomponent_free(cal);
    es_free(text);
}

/* Names that need folding: the fold never splits a character, and the
 * parsed CN is the name, its quotes made typographic. */
static void test_non_ascii_folding(void **state)
{
    (void)state;
    static const char *names[] = {
        "Zoë Ångström Zoë Ångström Zoë Ångström Zoë Ångström Zoë Ångström Zoë Ångström",
        "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎",
        "😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻",
        "O'Brien, \"Pat\"; the: operator \\ with a rather long name to fold ÄÖÜ ñ",
        "a^b ^c ^ end ^",
        "x",
    };
    static const char *cns[] = {
        NULL, NULL, NULL,
        "O'Brien, “Pat”; the: operator \\ with a rather long name to fold ÄÖÜ ñ",
        NULL, NULL,
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *cn = cns[i] != NULL ? cns[i] : names[i];
        for (size_t shift = 0; shift < 4; shift++) {
            /* Shift the name so that the fold lands on every octet of a
             * multi-byte character once. */
            char summary[512];
            snprintf(summary, sizeof summary, "%.*s%s", (int)shift, "....", names[i]);
            es_ics_event ev = base_event();
            ev.summary = summary;
            ev.description = names[i];
            ev.organizer_name = names[i];
            ev.attendee_name = names[i];
            char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
            icalcomponent *cal = parse_checked(text);
            icalcomponent *vev = only_vevent(cal);
            assert_string_equal(icalcomponent_get_summary(vev), summary);
            assert_string_equal(icalcomponent_get_description(vev), names[i]);
            assert_string_equal(cn_of(vev, ICAL_ATTENDEE_PROPERTY), cn);
            assert_string_equal(cn_of(vev, ICAL_ORGANIZER_PROPERTY), cn);
            icalcomponent_free(cal);
            es_free(text);
        }
    }
}

static void test_mailto_escaping(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    ev.attendee_email = "o'brien+cal/x%y?z@example.org";
    char *text = build_ok(ES_ICS_REQUEST, &ev, 1);
    icalcomponent *cal = parse_checked(text);
    assert_string_equal(icalproperty_get_attendee(icalcomponent_get_first_property(
                            only_vevent(cal), ICAL_ATTENDEE_PROPERTY)),
                        "mailto:o'brien+cal%2Fx%25y%3Fz@example.org");
    icalcomponent_free(cal);
    es_free(text);
}

static void test_refused_addresses(void **state)
{
    (void)state;
    static const char *bad[] = {
        "pat@example.org\r\nATTENDEE:mailto:evil@x",
        "pat@example.org\n",
        "pat\r@example.org",
        "pat @example.org",
        " pat@example.org",
        "\"pat\"@example.org",
        "pat@exa\"mple.org",
        "mailto:pat@example.org",
        "pat:x@example.org",
        "<pat@example.org>",
        "Pat <pat@example.org>",
        "pat;x@example.org",
        "pat,x@example.org",
        "pat@example.org;RSVP=FALSE",
        "pat",
        "@example.org",
        "pat@",
        "",
        "pat@@example.org",
        "pät@example.org",
        "pat@exämple.org",
        "pat\t@example.org",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        es_ics_event ev = base_event();
        ev.attendee_email = bad[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "attendee_email");
        ev = base_event();
        ev.organizer_email = bad[i];
        expect_einval(ES_ICS_CANCEL, &(es_ics_event){.uid = ev.uid,
                                                     .dtstamp = DTSTAMP,
                                                     .start_day = ev.start_day,
                                                     .end_day = ev.end_day,
                                                     .summary = "s",
                                                     .organizer_email = bad[i],
                                                     .attendee_email = "pat@example.org",
                                                     .cancelled = 1},
                      1, "organizer_email");
        ev.attendee_email = NULL;
        if (bad[i][0] != '\0') /* "" means "no organizer" in a feed */
            expect_einval(ES_ICS_PUBLISH, &ev, 1, "events[0].organizer_email");
    }
    es_ics_event ev = base_event();
    ev.attendee_email = "pat@example.org\r\n";
    expect_einval(ES_ICS_REQUEST, &ev, 1, "CR or LF");
    ev = base_event();
    ev.attendee_email = NULL;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "attendee_email: required");
    ev = base_event();
    ev.organizer_email = NULL;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "organizer_email: required");
}

static void test_refused_values(void **state)
{
    (void)state;
    es_ics_event ev;

    /* Names reach a parameter: no line breaks, no controls, no sequence
     * that RFC 6868 decoding would turn into something else. */
    static const char *bad_names[] = {"Pat\r\nEvil", "Pat\nX", "Pat\rX", "Pat\tX",
                                      "Pat\x01",     "Pat\x7f", "Pat\xc2\x85",
                                      "a^nb",        "a^Nb",    "a^'b", "a^^b", "Pat\xff"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        ev = base_event();
        ev.attendee_name = bad_names[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "attendee_name");
        ev = base_event();
        ev.organizer_name = bad_names[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "organizer_name");
    }
    ev = base_event();
    ev.attendee_name = "Pat\r\nATTENDEE:mailto:evil@x";
    expect_einval(ES_ICS_REQUEST, &ev, 1, "CR or LF");

    /* URLs are written raw, so they must be URIs. */
    static const char *bad_urls[] = {"https://x/\r\nATTENDEE:mailto:evil@x", "https://x/ y",
                                     "https://x/\"y", "https://x/<y>", "no-scheme",
                                     "https://x/ä", "https://x/%zz", "1http://x/",
                                     "https://x/\\y"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        ev = base_event();
        ev.url = bad_urls[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "url");
    }

    /* Text: any UTF-8 with tabs and line breaks, no other controls. */
    static const char *bad_text[] = {"a\001b", "a\x7f", "a\xc2\x80", "\xe2\x82", "\xed\xa0\x80",
                                     "\xc0\xaf"};
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        ev = base_event();
        ev.summary = bad_text[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "summary");
        ev = base_event();
        ev.description = bad_text[i];
        expect_einval(ES_ICS_REQUEST, &ev, 1, "description");
    }
    ev = base_event();
    ev.summary = NULL;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "summary");

    ev = base_event();
    ev.uid = "";
    expect_einval(ES_ICS_REQUEST, &ev, 1, "uid");
    ev.uid = "a\r\nb";
    expect_einval(ES_ICS_REQUEST, &ev, 1, "uid");
    ev.uid = NULL;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "uid");

    ev = base_event();
    ev.sequence = -1;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "sequence");
    ev.sequence = (int64_t)INT32_MAX + 1;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "sequence");

    ev = base_event();
    ev.end_day = ev.start_day - 1;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "end_day");
    ev = base_event();
    ev.end_day = day_of(9999, 12, 31); /* DTEND in 10000: not a four-digit year */
    expect_einval(ES_ICS_REQUEST, &ev, 1, "end_day");
    expect_einval(ES_ICS_REQUEST, &ev, 1, "9999-12-30");
    ev.start_day = ev.end_day = day_of(9999, 12, 31);
    expect_einval(ES_ICS_REQUEST, &ev, 1, "start_day");
    ev = base_event();
    ev.start_day = day_of(1900, 1, 1) - 1;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "start_day");
    ev = base_event();
    ev.dtstamp = INT64_C(253402300800); /* 10000-01-01T00:00:00Z */
    expect_einval(ES_ICS_REQUEST, &ev, 1, "dtstamp");
    ev.dtstamp = INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
    es_free(build_ok(ES_ICS_REQUEST, &ev, 1));
    ev.dtstamp = -2208988800; /* 1900-01-01T00:00:00Z */
    es_free(build_ok(ES_ICS_REQUEST, &ev, 1));
    ev.dtstamp = -2208988801;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "dtstamp");
    ev.dtstamp = INT64_MIN;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "dtstamp");
    ev.dtstamp = INT64_MAX;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "dtstamp");

    /* Methods and counts. */
    es_ics_event two[2] = {base_event(), base_event()};
    expect_einval(ES_ICS_REQUEST, two, 2, "count");
    expect_einval(ES_ICS_CANCEL, two, 0, "count");
    expect_einval(ES_ICS_PUBLISH, NULL, 2, "events");
    expect_einval((es_ics_method)42, two, 1, "method");
    ev = base_event();
    ev.cancelled = 1;
    expect_einval(ES_ICS_REQUEST, &ev, 1, "cancelled");
    ev.cancelled = 0;
    expect_einval(ES_ICS_CANCEL, &ev, 1, "cancelled");
    ev = base_event();
    expect_einval(ES_ICS_PUBLISH, &ev, 1, "events[0].attendee_email");
    two[1].attendee_email = NULL;
    two[1].uid = "a\nb";
    two[0].attendee_email = NULL;
    expect_einval(ES_ICS_PUBLISH, two, 2, "events[1].uid");

    /* err may be NULL. */
    char *out = NULL;
    assert_int_equal(es_ics_build(ES_ICS_REQUEST, &ev, 2, &out, NULL, 0), ENGSCHED_EINVAL);
    assert_null(out);
    assert_int_equal(es_ics_build(ES_ICS_REQUEST, &ev, 1, NULL, NULL, 0), ENGSCHED_EINVAL);
}

/* es_ics_refold makes good text out of badly folded text (such as a
 * fold every 75 characters instead of octets) and keeps the content. */
static void test_refold(void **state)
{
    (void)state;
    /* "SUMMARY:" and 100 × "ä" (2 octets), folded after 75 characters. */
    char bad[1024];
    size_t n = 0;
    n += (size_t)snprintf(bad + n, sizeof bad - n, "BEGIN:VCALENDAR\r\nSUMMARY:");
    for (int i = 0; i < 100; i++) {
        if (i == 67)
            n += (size_t)snprintf(bad + n, sizeof bad - n, "\r\n ");
        n += (size_t)snprintf(bad + n, sizeof bad - n, "ä");
    }
    n += (size_t)snprintf(bad + n, sizeof bad - n, "\r\nEND:VCALENDAR\r\n");
    assert_false(es_ics_text_ok(bad, n, NULL));

    char *good = NULL;
    size_t good_len = 0;
    assert_int_equal(es_ics_refold(bad, n, &good, &good_len), ENGSCHED_OK);
    assert_int_equal(strlen(good), good_len);
    assert_true(es_ics_text_ok(good, good_len, NULL));
    assert_ics_bytes(good);
    char *a = unfold(bad), *b = unfold(good);
    assert_string_equal(a, b);
    free(a);
    free(b);
    es_free(good);

    /* A line of exactly 75 octets stays whole; 76 folds. */
    char line[128];
    memset(line, 'x', 75);
    memcpy(line + 75, "\r\n", 3);
    assert_int_equal(es_ics_refold(line, 77, &good, NULL), ENGSCHED_OK);
    assert_string_equal(good, line);
    es_free(good);
    memset(line, 'x', 76);
    memcpy(line + 76, "\r\n", 3);
    assert_int_equal(es_ics_refold(line, 78, &good, NULL), ENGSCHED_OK);
    assert_int_equal(strlen(good), 75 + 2 + 1 + 1 + 2);
    assert_ics_bytes(good);
    es_free(good);

    /* Bare line ends are refused. */
    assert_int_equal(es_ics_refold("A:b\nC:d\r\n", 9, &good, NULL), ENGSCHED_EINVAL);
    assert_int_equal(es_ics_refold("A:b\rC:d\r\n", 9, &good, NULL), ENGSCHED_EINVAL);

    const char *why = NULL;
    assert_false(es_ics_text_ok("A:b\n", 4, &why));
    assert_non_null(why);
    assert_false(es_ics_text_ok("A:b\x01\r\n", 6, &why));
    assert_false(es_ics_text_ok("A:b\r\n\r\n", 7, &why));
    assert_false(es_ics_text_ok("A:\xc3\r\n \xa4\r\n", 9, &why));
    assert_true(es_ics_text_ok("A:\tb\r\n", 6, &why));
}

/* Every allocation the builder makes may fail: the result is ENOMEM or
 * OK and nothing stays allocated. */
typedef struct build_args {
    es_ics_method method;
    const es_ics_event *events;
    size_t count;
} build_args;

static engsched_rc build_with(void *ctx, char **out, char *err, size_t err_size)
{
    const build_args *b = ctx;
    return es_ics_build(b->method, b->events, b->count, out, err, err_size);
}

static void run_alloc_failures(es_ics_method method, const es_ics_event *events, size_t count)
{
    build_args b = {method, events, count};
    alloc_fail_each(build_with, &b);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    es_ics_event ev = base_event();
    ev.summary = "with\r\nbreaks\rhere";
    ev.description = "and\r\nhere";
    ev.attendee_email = "a/b@example.org";
    run_alloc_failures(ES_ICS_REQUEST, &ev, 1);
    ev.cancelled = 1;
    run_alloc_failures(ES_ICS_CANCEL, &ev, 1);
    es_ics_event evs[3] = {base_event(), base_event(), base_event()};
    for (size_t i = 0; i < 3; i++) {
        evs[i].attendee_email = NULL;
        evs[i].summary = "feed\r\nentry";
    }
    run_alloc_failures(ES_ICS_PUBLISH, evs, 3);
    run_alloc_failures(ES_ICS_PUBLISH, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_publish_counts),
        cmocka_unit_test(test_tentative_and_transparent),
        cmocka_unit_test(test_date_ends),
        cmocka_unit_test(test_far_dates),
        cmocka_unit_test(test_injection_in_text),
        cmocka_unit_test(test_non_ascii_folding),
        cmocka_unit_test(test_mailto_escaping),
        cmocka_unit_test(test_refused_addresses),
        cmocka_unit_test(test_refused_values),
        cmocka_unit_test(test_refold),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
