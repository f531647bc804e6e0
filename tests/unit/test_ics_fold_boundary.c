/*
 * libical 3.0 folds a content line by counting its CR as content: a line
 * whose last fold leaves exactly 74 octets and the CR gets the fold
 * between its CR and LF ("…<CR><CR><LF> <LF>"). es_ics_build used to
 * refuse such text ("libical wrote malformed line ends"), so an
 * invitation failed for a summary, description or address of one of
 * those lengths — e.g. an engagement named so that "Acme Corp: <name>" is
 * 73 octets, or an attendee address of 78. Found by tests/fuzz/fuzz_names.
 *
 * Every length from 1 to 400 of each text the builder writes must now
 * give well-formed text that libical parses back to the same value.
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
#include "calendar/ics.h"
#include "calendar/ics_fold.h"

#define MAX_LEN 400

static es_ics_event base_event(void)
{
    es_ics_event ev = {
        .uid = "engagement-1-operator-2@engsched.invalid",
        .sequence = 0,
        .dtstamp = INT64_C(1772366400),
        .start_day = 20513,
        .end_day = 20517,
        .summary = "Acme Corp: Web test",
        .description = "Scope: the shop",
        .url = NULL,
        .organizer_email = "lead@example.com",
        .organizer_name = "Lead",
        .attendee_email = "alice@example.com",
        .attendee_name = "Alice",
        .cancelled = 0,
    };
    return ev;
}

/* Build, check the bytes, parse back; returns the VEVENT's text. */
static icalcomponent *build_ok(const es_ics_event *ev, char **text)
{
    char err[256] = "";
    engsched_rc rc = es_ics_build(ES_ICS_REQUEST, ev, 1, text, err, sizeof err);
    if (rc != ENGSCHED_OK)
        fail_msg("es_ics_build: %s (summary %zu, description %zu, attendee %zu octets)", err,
                 strlen(ev->summary), strlen(ev->description), strlen(ev->attendee_email));
    const char *why = NULL;
    if (!es_ics_text_ok(*text, strlen(*text), &why))
        fail_msg("malformed text: %s", why);
    icalcomponent *cal = icalparser_parse_string(*text);
    assert_non_null(cal);
    return cal;
}

static void test_summary_and_description_of_every_length(void **state)
{
    (void)state;
    char value[MAX_LEN + 1];
    for (size_t len = 1; len <= MAX_LEN; len++) {
        memset(value, 'a', len);
        value[len] = '\0';
        for (int field = 0; field < 2; field++) {
            es_ics_event ev = base_event();
            if (field == 0)
                ev.summary = value;
            else
                ev.description = value;
            char *text = NULL;
            icalcomponent *cal = build_ok(&ev, &text);
            icalcomponent *vevent = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
            assert_non_null(vevent);
            const char *back = field == 0 ? icalcomponent_get_summary(vevent)
                                          : icalcomponent_get_description(vevent);
            assert_non_null(back);
            assert_string_equal(back, value);
            icalcomponent_free(cal);
            es_free(text);
        }
    }
}

static void test_attendee_address_of_every_length(void **state)
{
    (void)state;
    char address[MAX_LEN + 1];
    /* A local part of up to 64 octets and a long domain. */
    for (size_t len = 20; len <= 254; len++) {
        memset(address, 'd', len);
        memcpy(address, "tester+tag@", 11);
        for (size_t i = 20; i < len; i += 10)
            address[i] = '.';
        address[len] = '\0';
        if (address[len - 1] == '.')
            continue;
        es_ics_event ev = base_event();
        ev.attendee_email = address;
        char *text = NULL;
        icalcomponent *cal = build_ok(&ev, &text);
        icalcomponent_free(cal);
        es_free(text);
    }
}

/* The repair itself: a fold between a line's CR and LF is a line end. */
static void test_refold_reads_a_fold_inside_crlf(void **state)
{
    (void)state;
    const char broken[] = "SUMMARY:\r\n aaa\r\r\n \nUID:x\r\n";
    char *good = NULL;
    assert_int_equal(es_ics_refold(broken, sizeof broken - 1, &good, NULL), ENGSCHED_OK);
    assert_string_equal(good, "SUMMARY:aaa\r\nUID:x\r\n");
    es_free(good);
    /* A CR anywhere else is still refused. */
    assert_int_equal(es_ics_refold("A:b\r\r\nC:d\r\n", 12, &good, NULL), ENGSCHED_EINVAL);
    assert_int_equal(es_ics_refold("A:b\r\r\n \r\n", 10, &good, NULL), ENGSCHED_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_and_description_of_every_length),
        cmocka_unit_test(test_attendee_address_of_every_length),
        cmocka_unit_test(test_refold_reads_a_fold_inside_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
