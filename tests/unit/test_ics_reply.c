/*
 * es_ics_reply_parse (lib/calendar/ics_reply.c): iTIP REPLY objects as
 * Thunderbird, Google Calendar and Outlook send them (the same three are
 * seeds of tests/fuzz/corpus/reply/), then one test per refusal. Every
 * failure must leave *out zeroed and nothing allocated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "alloc_fail.h"
#include "calendar/ics_reply.h"

/* Thunderbird 115: the VTIMEZONE of the user's zone, X-MOZ- properties,
 * the ATTENDEE line folded. */
static const char thunderbird[] =
    "BEGIN:VCALENDAR\r\n"
    "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
    "VERSION:2.0\r\n"
    "METHOD:REPLY\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\n"
    "CREATED:20240301T090000Z\r\n"
    "LAST-MODIFIED:20240301T091500Z\r\n"
    "DTSTAMP:20240301T091500Z\r\n"
    "UID:eng-12-user-4@sched.example.org\r\n"
    "SUMMARY:Acme Corp: External pentest\r\n"
    "ORGANIZER;CN=Scheduling Office:mailto:scheduler@sched.example.org\r\n"
    "ATTENDEE;RSVP=TRUE;CN=Pat Operator;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:\r\n"
    " mailto:pat@example.org\r\n"
    "DTSTART;VALUE=DATE:20240304\r\n"
    "DTEND;VALUE=DATE:20240309\r\n"
    "SEQUENCE:3\r\n"
    "TRANSP:OPAQUE\r\n"
    "X-MOZ-RECEIVED-SEQUENCE:3\r\n"
    "X-MOZ-RECEIVED-DTSTAMP:20231114T221320Z\r\n"
    "X-MOZ-GENERATION:2\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

/* Google Calendar: X- parameters and properties, a folded CN. */
static const char google[] =
    "BEGIN:VCALENDAR\r\n"
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    "VERSION:2.0\r\n"
    "CALSCALE:GREGORIAN\r\n"
    "METHOD:REPLY\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20240304\r\n"
    "DTEND;VALUE=DATE:20240309\r\n"
    "DTSTAMP:20240301T101112Z\r\n"
    "ORGANIZER;CN=Scheduling Office:mailto:scheduler@sched.example.org\r\n"
    "UID:eng-12-user-4@sched.example.org\r\n"
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Pat O\r\n"
    " perator;X-NUM-GUESTS=0:mailto:pat@example.org\r\n"
    "X-MICROSOFT-CDO-OWNERAPPTID:-1839450290\r\n"
    "CREATED:20240229T080000Z\r\n"
    "DESCRIPTION:Scope: web\\nhttps://sched.example.org/e/12\r\n"
    "LAST-MODIFIED:20240301T101112Z\r\n"
    "LOCATION:\r\n"
    "SEQUENCE:3\r\n"
    "STATUS:CONFIRMED\r\n"
    "SUMMARY:Acme Corp: External pentest\r\n"
    "TRANSP:TRANSPARENT\r\n"
    "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

/* Outlook / Exchange: MAILTO: in capitals, a quoted CN, a Windows time
 * zone, X-MICROSOFT- properties, a folded line. */
static const char outlook[] =
    "BEGIN:VCALENDAR\r\n"
    "METHOD:REPLY\r\n"
    "PRODID:Microsoft Exchange Server 2010\r\n"
    "VERSION:2.0\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:W. Europe Standard Time\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:16010101T030000\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\n"
    "END:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:16010101T020000\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\n"
    "END:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\n"
    "ORGANIZER;CN=Scheduling Office:MAILTO:scheduler@sched.example.org\r\n"
    "ATTENDEE;PARTSTAT=TENTATIVE;CN=\"Operator, Pat\":MAILTO:pat@example.org\r\n"
    "COMMENT;LANGUAGE=en-US:I may be late on the first day.\\n\r\n"
    "SUMMARY;LANGUAGE=en-US:Tentative: Acme Corp: External pentest\r\n"
    "DTSTART;VALUE=DATE:20240304\r\n"
    "DTEND;VALUE=DATE:20240309\r\n"
    "UID:eng-12-user-4@sched.example.org\r\n"
    "CLASS:PUBLIC\r\n"
    "PRIORITY:5\r\n"
    "DTSTAMP:20240301T120000Z\r\n"
    "TRANSP:OPAQUE\r\n"
    "STATUS:CONFIRMED\r\n"
    "SEQUENCE:3\r\n"
    "LOCATION;LANGUAGE=en-US:\r\n"
    "X-MICROSOFT-CDO-APPT-SEQUENCE:3\r\n"
    "X-MICROSOFT-CDO-OWNERAPPTID:2118126543\r\n"
    "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n"
    "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY\r\n"
    "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n"
    "X-MICROSOFT-CDO-IMPORTANCE:1\r\n"
    "X-MICROSOFT-CDO-INSTTYPE:0\r\n"
    "X-MICROSOFT-DONOTFORWARDMEETING:FALSE\r\n"
    "X-MICROSOFT-DISALLOW-COUNTER:FALSE\r\n"
    "X-MICROSOFT-LOCATIONS:[ { \"DisplayName\" : \"\", \"LocationAnnotation\" : \"\", "
    "\"LocationSource\r\n"
    " \" : 0\\, \"Unresolved\" : false\\, \"LocationType\" : 0\\, \"LocationUri\" : \"\" } ]\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

#define STAMP_0301_0915 INT64_C(1709284500) /* 2024-03-01T09:15:00Z */

static es_ics_reply parse_ok(const char *text)
{
    es_ics_reply r;
    char err[256] = "";
    engsched_rc rc = es_ics_reply_parse(text, strlen(text), &r, err, sizeof err);
    if (rc != ENGSCHED_OK)
        fail_msg("es_ics_reply_parse: %s: %s\n%s", engsched_rc_name(rc), err, text);
    return r;
}

static int all_zero(const es_ics_reply *r)
{
    static const es_ics_reply zero;
    return r->uid == NULL && r->attendee_email == NULL && r->organizer_email == NULL &&
           memcmp(r, &zero, sizeof zero) == 0;
}

static void expect_refused_len(const char *text, size_t len, engsched_rc want, const char *needle)
{
    es_ics_reply r;
    memset(&r, 0x5A, sizeof r); /* what a caller may have left there */
    char err[256] = "";
    engsched_rc rc = es_ics_reply_parse(text, len, &r, err, sizeof err);
    if (rc != want)
        fail_msg("expected %s (%s), got %s: %s", engsched_rc_name(want), needle,
                 engsched_rc_name(rc), err);
    assert_true(all_zero(&r));
    if (strstr(err, needle) == NULL)
        fail_msg("message \"%s\" does not mention \"%s\"", err, needle);
}

static void expect_einval(const char *text, const char *needle)
{
    expect_refused_len(text, strlen(text), ENGSCHED_EINVAL, needle);
}

/* A REPLY with the calendar lines cal (after METHOD) and the VEVENT lines
 * vevent, in a static buffer. */
static const char *reply(const char *method, const char *cal, const char *vevent)
{
    static char buf[8192];
    int n = snprintf(buf, sizeof buf,
                     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n%s%sBEGIN:VEVENT\r\n"
                     "%sEND:VEVENT\r\nEND:VCALENDAR\r\n",
                     method, cal, vevent);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    return buf;
}

#define REPLY_METHOD "METHOD:REPLY\r\n"
#define UID "UID:eng-12-user-4@sched.example.org\r\n"
#define ATTENDEE "ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat@example.org\r\n"

/* A VEVENT with UID and ATTENDEE and the lines more. */
static const char *with(const char *more)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, UID ATTENDEE "%s", more);
    return reply(REPLY_METHOD, "", buf);
}

static void test_thunderbird(void **state)
{
    (void)state;
    es_ics_reply r = parse_ok(thunderbird);
    assert_string_equal(r.uid, "eng-12-user-4@sched.example.org");
    assert_int_equal(r.sequence, 3);
    assert_string_equal(r.attendee_email, "pat@example.org");
    assert_int_equal(r.partstat, ES_PARTSTAT_ACCEPTED);
    assert_int_equal(r.dtstamp, STAMP_0301_0915);
    assert_string_equal(r.organizer_email, "scheduler@sched.example.org");
    es_ics_reply_release(&r);
    assert_true(all_zero(&r));
}

static void test_google(void **state)
{
    (void)state;
    es_ics_reply r = parse_ok(google);
    assert_string_equal(r.uid, "eng-12-user-4@sched.example.org");
    assert_int_equal(r.sequence, 3);
    assert_string_equal(r.attendee_email, "pat@example.org");
    assert_int_equal(r.partstat, ES_PARTSTAT_DECLINED);
    assert_int_equal(r.dtstamp, INT64_C(1709287872)); /* 2024-03-01T10:11:12Z */
    assert_string_equal(r.organizer_email, "scheduler@sched.example.org");
    es_ics_reply_release(&r);
}

static void test_outlook(void **state)
{
    (void)state;
    es_ics_reply r = parse_ok(outlook);
    assert_string_equal(r.uid, "eng-12-user-4@sched.example.org");
    assert_int_equal(r.sequence, 3);
    assert_string_equal(r.attendee_email, "pat@example.org");
    assert_int_equal(r.partstat, ES_PARTSTAT_TENTATIVE);
    assert_int_equal(r.dtstamp, INT64_C(1709294400)); /* 2024-03-01T12:00:00Z */
    assert_string_equal(r.organizer_email, "scheduler@sched.example.org");
    es_ics_reply_release(&r);
}

/* Only len bytes are read: no NUL needed after them. */
static void test_length_bounds_the_text(void **state)
{
    (void)state;
    size_t len = strlen(google);
    char *buf = malloc(len + 16);
    assert_non_null(buf);
    memcpy(buf, google, len);
    memcpy(buf + len, "\xFF\xFFgarbage!!!\xFF", 13); /* not UTF-8, no NUL */
    es_ics_reply r;
    char err[256] = "";
    assert_int_equal(es_ics_reply_parse(buf, len, &r, err, sizeof err), ENGSCHED_OK);
    assert_int_equal(r.partstat, ES_PARTSTAT_DECLINED);
    es_ics_reply_release(&r);
    free(buf);
}

static void test_optional_fields(void **state)
{
    (void)state;
    es_ics_reply r = parse_ok(with(""));
    assert_int_equal(r.sequence, 0);
    assert_int_equal(r.dtstamp, 0);
    assert_null(r.organizer_email);
    assert_string_equal(r.attendee_email, "pat@example.org");
    es_ics_reply_release(&r);

    r = parse_ok(with("SEQUENCE:2147483647\r\nDTSTAMP:99991231T235959Z\r\n"));
    assert_int_equal(r.sequence, INT_MAX);
    assert_int_equal(r.dtstamp, INT64_C(253402300799));
    es_ics_reply_release(&r);
    r = parse_ok(with("DTSTAMP:19000101T000000Z\r\nSEQUENCE:0\r\n"));
    assert_int_equal(r.dtstamp, INT64_C(-2208988800));
    es_ics_reply_release(&r);

    /* es_ics_reply_release takes NULL and a released reply. */
    es_ics_reply_release(NULL);
    es_ics_reply_release(&r);
}

/* RFC 6068: the scheme in any case, %XX decoded. */
static void test_mailto_decoding(void **state)
{
    (void)state;
    es_ics_reply r = parse_ok(reply(REPLY_METHOD, "",
                                    UID "ATTENDEE;PARTSTAT=TENTATIVE:MailTo:o'brien+cal%2Fx%25y@"
                                        "example.org\r\nORGANIZER:MAILTO:lead%40example.org\r\n"));
    assert_string_equal(r.attendee_email, "o'brien+cal/x%y@example.org");
    assert_string_equal(r.organizer_email, "lead@example.org");
    es_ics_reply_release(&r);
    expect_einval(reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:pat@example.org\r\n"),
                  "attendee: not a mailto: URI");
    expect_einval(
        reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:https://example.org/pat\r\n"),
        "attendee: not a mailto: URI");
    expect_einval(reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat\r\n"),
                  "attendee: not an e-mail address");
    expect_einval(reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:\r\n"),
                  "attendee");
    expect_einval(
        reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat%4@example.org\r\n"),
        "attendee: bad percent-encoding");
    expect_einval(
        reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat%00@example.org\r\n"),
        "attendee: bad percent-encoding");
    expect_einval(
        reply(REPLY_METHOD, "", UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p%20t@example.org\r\n"),
        "attendee: invalid character");
    expect_einval(reply(REPLY_METHOD, "",
                        UID "ATTENDEE;PARTSTAT=ACCEPTED:mailto:pat@example.org?subject=x\r\n"),
                  "attendee: invalid character in the domain");
    expect_einval(with("ORGANIZER:mailto:nobody\r\n"), "organizer: not an e-mail address");
    expect_einval(with("ORGANIZER:MAILTO:a@example.org\r\nORGANIZER:mailto:b@example.org\r\n"),
                  "organizer: 2 times");
}

static void test_partstat(void **state)
{
    (void)state;
    static const char *const refused[] = {"NEEDS-ACTION", "DELEGATED", "COMPLETED", "IN-PROCESS",
                                          "X-MAYBE"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char line[128], needle[64];
        snprintf(line, sizeof line, UID "ATTENDEE;PARTSTAT=%s:mailto:pat@example.org\r\n",
                 refused[i]);
        snprintf(needle, sizeof needle, "partstat: %s", refused[i]);
        expect_einval(reply(REPLY_METHOD, "", line), needle);
    }
    expect_einval(reply(REPLY_METHOD, "", UID "ATTENDEE;CN=Pat:mailto:pat@example.org\r\n"),
                  "partstat: absent");
}

static void test_refused_text(void **state)
{
    (void)state;
    es_ics_reply r;
    assert_int_equal(es_ics_reply_parse(NULL, 10, &r, NULL, 0), ENGSCHED_EINVAL);
    assert_true(all_zero(&r));
    expect_refused_len(google, 0, ENGSCHED_EINVAL, "text: empty");
    expect_refused_len(NULL, 0, ENGSCHED_EINVAL, "text: empty");
    assert_int_equal(es_ics_reply_parse(google, strlen(google), NULL, NULL, 0), ENGSCHED_EINVAL);

    /* 1 MiB is taken (as far as size goes), one byte more is not. */
    size_t big = ES_ICS_REPLY_MAX + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, 'a', big);
    expect_refused_len(huge, big, ENGSCHED_ETOOBIG, "more than 1048576");
    expect_refused_len(huge, big - 1, ENGSCHED_EINVAL, "text:");
    free(huge);

    char nul[sizeof google];
    memcpy(nul, google, sizeof google);
    nul[40] = '\0';
    expect_refused_len(nul, sizeof google - 1, ENGSCHED_EINVAL, "NUL");
    expect_einval(reply(REPLY_METHOD, "X-BAD:\xC3\x28\r\n", UID ATTENDEE), "not valid UTF-8");
    expect_einval(reply(REPLY_METHOD, "X-BAD:\xED\xA0\x80\r\n", UID ATTENDEE), "not valid UTF-8");
    expect_einval("hello, world", "text");
    expect_einval("BEGIN:VEVENT\r\n" UID ATTENDEE "END:VEVENT\r\n", "VCALENDAR");

    /* Two calendars, or one and something else. */
    char two[4096];
    snprintf(two, sizeof two, "%s%s", google, google);
    expect_einval(two, "2 VCALENDAR objects");
    snprintf(two, sizeof two, "%sBEGIN:VTODO\r\nUID:x\r\nEND:VTODO\r\n", google);
    expect_einval(two, "1 VCALENDAR objects; a REPLY is one and nothing else");

    /* Nesting deep enough to matter is refused before libical sees it. */
    char deep[4096] = "";
    for (int i = 0; i < 20; i++)
        strcat(deep, "BEGIN:X-A\r\n");
    for (int i = 0; i < 20; i++)
        strcat(deep, "END:X-A\r\n");
    expect_einval(reply(REPLY_METHOD, deep, UID ATTENDEE), "nested deeper than 8");
}

static void test_refused_calendar(void **state)
{
    (void)state;
    expect_einval(reply("METHOD:REQUEST\r\n", "", UID ATTENDEE), "method: REQUEST, not REPLY");
    expect_einval(reply("METHOD:COUNTER\r\n", "", UID ATTENDEE), "method: COUNTER, not REPLY");
    expect_einval(reply("", "", UID ATTENDEE), "method: absent, not REPLY");
    expect_einval(reply("METHOD:REPLY\r\nMETHOD:REPLY\r\n", "", UID ATTENDEE), "method: 2 times");

    /* Exactly one VEVENT; other components are ignored. */
    expect_einval("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n",
                  "VEVENT: 0");
    expect_einval(
        reply(REPLY_METHOD, "BEGIN:VEVENT\r\n" UID ATTENDEE "END:VEVENT\r\n", UID ATTENDEE),
        "VEVENT: 2");
    es_ics_reply r =
        parse_ok(reply(REPLY_METHOD, "BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n", UID ATTENDEE));
    es_ics_reply_release(&r);

    /* libical's own complaints, with its message. */
    expect_einval(reply(REPLY_METHOD, "X-LIC-ERROR:calendar trouble\r\n", UID ATTENDEE),
                  "VCALENDAR: libical: calendar trouble");
    expect_einval(with("X-LIC-ERROR:event trouble\r\n"), "VEVENT: libical: event trouble");
    expect_einval(with("BEGIN:VALARM\r\nX-LIC-ERROR:alarm trouble\r\nEND:VALARM\r\n"),
                  "VEVENT: libical: alarm trouble");
    expect_einval(with("DTSTART;VALUE=DATE:2024xx04\r\n"), "VEVENT: libical:");
    /* But for an empty value, which RFC 5545 allows in TEXT and libical
     * flags all the same (Google and Outlook send "LOCATION:"). */
    r = parse_ok(with("LOCATION:\r\nCOMMENT;LANGUAGE=en-US:\r\n"));
    es_ics_reply_release(&r);
    expect_einval(with("X-LIC-ERROR:No value for nothing\r\n"), "No value for nothing");
}

static void test_refused_fields(void **state)
{
    (void)state;
    expect_einval(reply(REPLY_METHOD, "", ATTENDEE), "uid: required");
    expect_einval(reply(REPLY_METHOD, "", "UID:\r\n" ATTENDEE), "libical: No value for UID");
    expect_einval(reply(REPLY_METHOD, "", UID UID ATTENDEE), "uid: 2 times");
    expect_einval(reply(REPLY_METHOD, "", "UID:two\\nlines\r\n" ATTENDEE), "uid: not one line");
    char line[512];
    memset(line, 'u', sizeof line);
    memcpy(line, "UID:", 4);
    snprintf(line + 4 + 256, sizeof line - 260, "\r\n" ATTENDEE);
    expect_einval(reply(REPLY_METHOD, "", line), "uid: longer than 255 bytes");
    line[4 + 255] = '\r'; /* 255 bytes are taken */
    snprintf(line + 4 + 255, sizeof line - 259, "\r\n" ATTENDEE);
    es_ics_reply r = parse_ok(reply(REPLY_METHOD, "", line));
    assert_int_equal(strlen(r.uid), 255);
    es_ics_reply_release(&r);

    expect_einval(with("SEQUENCE:-1\r\n"), "sequence: -1");
    expect_einval(with("SEQUENCE:\r\n"), "libical: No value for SEQUENCE");
    /* Past INT_MAX libical's atoi wraps (to INT_MIN here), caught as negative. */
    expect_einval(with("SEQUENCE:2147483648\r\n"), "sequence:");
    expect_einval(with("SEQUENCE:1\r\nSEQUENCE:2\r\n"), "sequence: 2 times");

    expect_einval(reply(REPLY_METHOD, "", UID), "attendee: 0, a REPLY has exactly one");
    expect_einval(
        reply(REPLY_METHOD, "", UID ATTENDEE "ATTENDEE;PARTSTAT=DECLINED:mailto:b@example.org\r\n"),
        "attendee: 2, a REPLY has exactly one");

    expect_einval(with("DTSTAMP:20240301T091500\r\n"), "dtstamp: not a UTC date-time");
    expect_einval(with("DTSTAMP;VALUE=DATE:20240301\r\n"), "libical: Invalid VALUE type");
    expect_einval(with("DTSTAMP;TZID=Europe/Berlin:20240301T091500\r\n"), "dtstamp: not a UTC");
    expect_einval(with("DTSTAMP:18991231T235959Z\r\n"), "dtstamp: out of range");
    expect_einval(with("DTSTAMP:20240301T091500Z\r\nDTSTAMP:20240302T091500Z\r\n"),
                  "dtstamp: 2 times");
}

/* Every allocation may fail: ENOMEM, *out zeroed, nothing left. */
static void test_allocation_failures(void **state)
{
    (void)state;
    static const char *const texts[] = {thunderbird, outlook};
    for (size_t t = 0; t < 2; t++) {
        alloc_fail a;
        int succeeded = 0;
        for (long n = 1; n < 100 && !succeeded; n++) {
            assert_true(alloc_fail_install(&a, n));
            es_ics_reply r;
            char err[128] = "";
            engsched_rc rc = es_ics_reply_parse(texts[t], strlen(texts[t]), &r, err, sizeof err);
            if (rc == ENGSCHED_OK) {
                es_ics_reply_release(&r);
                succeeded = 1;
            } else {
                assert_int_equal(rc, ENGSCHED_ENOMEM);
                assert_string_equal(err, "out of memory");
                assert_true(all_zero(&r));
            }
            assert_int_equal(a.live, 0);
            alloc_fail_remove();
        }
        assert_true(succeeded);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thunderbird),
        cmocka_unit_test(test_google),
        cmocka_unit_test(test_outlook),
        cmocka_unit_test(test_length_bounds_the_text),
        cmocka_unit_test(test_optional_fields),
        cmocka_unit_test(test_mailto_decoding),
        cmocka_unit_test(test_partstat),
        cmocka_unit_test(test_refused_text),
        cmocka_unit_test(test_refused_calendar),
        cmocka_unit_test(test_refused_fields),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
