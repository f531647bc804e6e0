/*
 * es_ics_build_feed (lib/calendar/ics.c): a METHOD:PUBLISH calendar with
 * the RFC 7986 and X-WR- feed properties, and, when it has no event, one
 * VTIMEZONE "UTC" so that it still holds a component (RFC 5545 §3.6).
 * Every object is checked byte by byte and parsed back with libical
 * (ics_check.h): no X-LIC-ERROR, RFC 5546 restrictions hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "alloc_fail.h"
#include "calendar/ics.h"
#include "calendar/ics_fold.h"
#include "ics_check.h"

static const es_ics_feed feed = {"Pat's engagements", "Every engagement\nof Pat", 3600};

/* A feed entry: no attendee (RFC 5546 §3.2.1). */
static es_ics_event entry(const char *uid)
{
    es_ics_event ev = {.uid = uid,
                       .dtstamp = 1700000000,
                       .start_day = day_of(2024, 3, 4),
                       .end_day = day_of(2024, 3, 8),
                       .summary = "Acme Corp: External pentest",
                       .organizer_email = "scheduler@sched.example.org"};
    return ev;
}

static char *feed_ok(const es_ics_feed *f, const es_ics_event *events, size_t count)
{
    char *out = NULL;
    char err[256] = "";
    engsched_rc rc = es_ics_build_feed(f, events, count, &out, err, sizeof err);
    if (rc != ENGSCHED_OK)
        fail_msg("es_ics_build_feed: %s: %s", engsched_rc_name(rc), err);
    assert_true(es_ics_text_ok(out, strlen(out), NULL));
    return out;
}

static void expect_einval(const es_ics_feed *f, const es_ics_event *events, size_t count,
                          const char *needle)
{
    char *out = (char *)"untouched";
    char err[256] = "";
    engsched_rc rc = es_ics_build_feed(f, events, count, &out, err, sizeof err);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("expected EINVAL (%s), got %s", needle, engsched_rc_name(rc));
    assert_string_equal(out, "untouched");
    if (strstr(err, needle) == NULL)
        fail_msg("message \"%s\" does not mention \"%s\"", err, needle);
}

static void assert_has(const char *text, const char *line)
{
    char want[256];
    snprintf(want, sizeof want, "\r\n%s\r\n", line);
    if (strstr(text, want) == NULL)
        fail_msg("no line [%s] in:\n%s", line, text);
}

static const char *x_value(icalcomponent *cal, const char *x_name)
{
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
        if (strcmp(icalproperty_get_x_name(p), x_name) == 0)
            return icalproperty_get_x(p);
    fail_msg("no %s", x_name);
    return NULL;
}

static void assert_feed_properties(const char *text, icalcomponent *cal)
{
    assert_has(text, "METHOD:PUBLISH");
    assert_has(text, "NAME:Pat's engagements");
    assert_has(text, "X-WR-CALNAME:Pat's engagements");
    assert_has(text, "DESCRIPTION:Every engagement\\nof Pat");
    assert_has(text, "X-WR-CALDESC:Every engagement\\nof Pat");
    assert_has(text, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    assert_has(text, "X-PUBLISHED-TTL:PT1H");
    assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
    icalproperty *name = icalcomponent_get_first_property(cal, ICAL_NAME_PROPERTY);
    assert_non_null(name);
    assert_string_equal(icalproperty_get_name(name), "Pat's engagements");
    assert_string_equal(icalproperty_get_description(
                            icalcomponent_get_first_property(cal, ICAL_DESCRIPTION_PROPERTY)),
                        "Every engagement\nof Pat");
    assert_string_equal(x_value(cal, "X-WR-CALNAME"), "Pat's engagements");
    assert_string_equal(x_value(cal, "X-WR-CALDESC"), "Every engagement\nof Pat");
    icalproperty *refresh = icalcomponent_get_first_property(cal, ICAL_REFRESHINTERVAL_PROPERTY);
    assert_non_null(refresh);
    assert_int_equal(icaldurationtype_as_int(icalproperty_get_refreshinterval(refresh)), 3600);
}

static void test_empty_feed_has_one_timezone(void **state)
{
    (void)state;
    char *text = feed_ok(&feed, NULL, 0);
    icalcomponent *cal = parse_checked(text);
    assert_feed_properties(text, cal);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), 1);
    icalcomponent *tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
    assert_non_null(tz);
    assert_string_equal(
        icalproperty_get_tzid(icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY)), "UTC");
    assert_int_equal(icalcomponent_count_components(tz, ICAL_ANY_COMPONENT), 1);
    icalcomponent *std = icalcomponent_get_first_component(tz, ICAL_XSTANDARD_COMPONENT);
    assert_non_null(std);
    assert_int_equal(icalcomponent_count_errors(cal), 0);
    assert_has(text, "BEGIN:STANDARD");
    assert_has(text, "DTSTART:19700101T000000");
    assert_has(text, "TZOFFSETFROM:+0000");
    assert_has(text, "TZOFFSETTO:+0000");
    assert_has(text, "TZNAME:UTC");
    /* libical takes it as a time zone it can use. */
    icaltimezone *zone = icaltimezone_new();
    assert_non_null(zone);
    assert_true(icaltimezone_set_component(zone, icalcomponent_new_clone(tz)));
    assert_string_equal(icaltimezone_get_tzid(zone), "UTC");
    icaltimezone_free(zone, 1);
    icalcomponent_free(cal);
    es_free(text);

    /* es_ics_build's PUBLISH is as it was: no feed properties, no VTIMEZONE. */
    assert_int_equal(es_ics_build(ES_ICS_PUBLISH, NULL, 0, &text, NULL, 0), ENGSCHED_OK);
    assert_null(strstr(text, "NAME:"));
    assert_null(strstr(text, "VTIMEZONE"));
    es_free(text);
}

static void test_feed_with_events_has_no_timezone(void **state)
{
    (void)state;
    es_ics_event evs[2] = {entry("eng-12@sched.example.org"), entry("eng-13@sched.example.org")};
    evs[0].tentative = 1;
    evs[0].transparent = 1;
    evs[1].cancelled = 1;
    char *text = feed_ok(&feed, evs, 2);
    icalcomponent *cal = parse_checked(text);
    assert_feed_properties(text, cal);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_ANY_COMPONENT), 2);
    assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);
    icalcomponent *vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    assert_string_equal(icalcomponent_get_uid(vev), evs[0].uid);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_TENTATIVE);
    vev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
    assert_int_equal(icalcomponent_get_status(vev), ICAL_STATUS_CANCELLED);
    icalcomponent_free(cal);
    es_free(text);
}

static void test_feed_without_description(void **state)
{
    (void)state;
    static const es_ics_feed bare[] = {{"Feed", NULL, 60}, {"Feed", "", 60}};
    for (size_t i = 0; i < 2; i++) {
        char *text = feed_ok(&bare[i], NULL, 0);
        icalcomponent *cal = parse_checked(text);
        assert_int_equal(icalcomponent_count_properties(cal, ICAL_DESCRIPTION_PROPERTY), 0);
        assert_null(strstr(text, "X-WR-CALDESC"));
        assert_has(text, "REFRESH-INTERVAL;VALUE=DURATION:PT1M");
        icalcomponent_free(cal);
        es_free(text);
    }
}

static void test_refresh_interval(void **state)
{
    (void)state;
    static const struct {
        int64_t seconds;
        const char *text;
    } cases[] = {
        {1, "PT1S"}, {86400, "P1D"}, {604800, "P1W"}, {90061, "P1DT1H1M1S"}, {INT_MAX, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        es_ics_feed f = {"Feed", NULL, cases[i].seconds};
        char *text = feed_ok(&f, NULL, 0);
        icalcomponent *cal = parse_checked(text);
        icalproperty *p = icalcomponent_get_first_property(cal, ICAL_REFRESHINTERVAL_PROPERTY);
        assert_int_equal(icaldurationtype_as_int(icalproperty_get_refreshinterval(p)),
                         cases[i].seconds);
        if (cases[i].text != NULL) {
            char line[64];
            snprintf(line, sizeof line, "REFRESH-INTERVAL;VALUE=DURATION:%s", cases[i].text);
            assert_has(text, line);
            snprintf(line, sizeof line, "X-PUBLISHED-TTL:%s", cases[i].text);
            assert_has(text, line);
        }
        icalcomponent_free(cal);
        es_free(text);
    }
}

/* Long and non-ASCII names and descriptions fold at 75 octets and read
 * back as given (line breaks as LF). */
static void test_folding(void **state)
{
    (void)state;
    char name[600] = "";
    for (int i = 0; i < 20; i++)
        strcat(name, i == 0 ? "Zoë 山田 👩‍💻" : " Zoë 山田 👩‍💻");
    es_ics_feed f = {name, "a\r\nb\rc, d; e\\ f", 86400};
    char *text = feed_ok(&f, NULL, 0);
    icalcomponent *cal = parse_checked(text);
    assert_string_equal(
        icalproperty_get_name(icalcomponent_get_first_property(cal, ICAL_NAME_PROPERTY)), name);
    assert_string_equal(x_value(cal, "X-WR-CALNAME"), name);
    assert_string_equal(icalproperty_get_description(
                            icalcomponent_get_first_property(cal, ICAL_DESCRIPTION_PROPERTY)),
                        "a\nb\nc, d; e\\ f");
    assert_string_equal(x_value(cal, "X-WR-CALDESC"), "a\nb\nc, d; e\\ f");
    icalcomponent_free(cal);
    es_free(text);
}

static void test_refused(void **state)
{
    (void)state;
    expect_einval(NULL, NULL, 0, "feed");
    es_ics_feed f = feed;
    f.name = NULL;
    expect_einval(&f, NULL, 0, "feed.name: required");
    f.name = "";
    expect_einval(&f, NULL, 0, "feed.name: required");
    f.name = "two\nlines";
    expect_einval(&f, NULL, 0, "feed.name");
    f.name = "bad \xC3 UTF-8";
    expect_einval(&f, NULL, 0, "feed.name");
    f = feed;
    f.description = "bell \a";
    expect_einval(&f, NULL, 0, "feed.description");
    f = feed;
    static const int64_t bad_refresh[] = {0, -1, INT64_MIN, (int64_t)INT_MAX + 1, INT64_MAX};
    for (size_t i = 0; i < sizeof bad_refresh / sizeof bad_refresh[0]; i++) {
        f.refresh_seconds = bad_refresh[i];
        expect_einval(&f, NULL, 0, "feed.refresh_seconds");
    }
    /* The events are checked as es_ics_build checks a PUBLISH. */
    es_ics_event ev = entry("eng-12@sched.example.org");
    ev.attendee_email = "pat@example.org";
    expect_einval(&feed, &ev, 1, "events[0].attendee_email");
    ev.attendee_email = NULL;
    ev.end_day = ev.start_day - 1;
    expect_einval(&feed, &ev, 1, "events[0].end_day");
    expect_einval(&feed, NULL, 1, "events");
    assert_int_equal(es_ics_build_feed(&feed, NULL, 0, NULL, NULL, 0), ENGSCHED_EINVAL);
}

/* Every allocation may fail: ENOMEM or OK, nothing left allocated. */
typedef struct feed_args {
    const es_ics_event *events;
    size_t count;
} feed_args;

static engsched_rc build_with(void *ctx, char **out, char *err, size_t err_size)
{
    const feed_args *f = ctx;
    return es_ics_build_feed(&feed, f->events, f->count, out, err, err_size);
}

static void run_alloc_failures(const es_ics_event *events, size_t count)
{
    feed_args f = {events, count};
    alloc_fail_each(build_with, &f);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    run_alloc_failures(NULL, 0);
    es_ics_event ev = entry("eng-12@sched.example.org");
    ev.summary = "with\r\nbreaks";
    run_alloc_failures(&ev, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_feed_has_one_timezone),
        cmocka_unit_test(test_feed_with_events_has_no_timezone),
        cmocka_unit_test(test_feed_without_description),
        cmocka_unit_test(test_refresh_interval),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
