/*
 * CN parameters that libical 3.0 would write so that they read back as
 * other text, found by tests/fuzz/fuzz_ics: es_ics_build refused the
 * RFC 6868 sequences ^^ ^n ^N ^' in a name, but not '^' before '"'
 * (libical writes '"' as ^' and leaves '^' as it is, so `X^"` came back
 * as `X^'`), nor a name ending in a backslash (written unquoted,
 * "CN=X\:mailto:…", which libical reads as an escaped colon: the name
 * swallows ":mailto" and the address loses its scheme). Both are now
 * refused like the other sequences; every name it accepts round-trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "calendar/ics.h"

static engsched_rc build(const char *name, char **out)
{
    es_ics_event ev = {"engagement-1-operator-2@engsched.invalid",
                       0,
                       INT64_C(1772366400),
                       20513,
                       20517,
                       "Acme Corp: Web test",
                       "",
                       NULL,
                       "lead@example.com",
                       name,
                       "alice@example.com",
                       name,
                       0};
    char err[256] = "";
    return es_ics_build(ES_ICS_REQUEST, &ev, 1, out, err, sizeof err);
}

static void test_names_that_would_read_back_otherwise_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"X^\"", "^\"quoted\"", "Backslash\\", "\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = NULL;
        engsched_rc rc = build(bad[i], &out);
        es_free(out);
        if (rc != ENGSCHED_EINVAL)
            fail_msg("the name [%s] was accepted", bad[i]);
    }
}

static void test_accepted_names_read_back_the_same(void **state)
{
    (void)state;
    const char *good[] = {"Alice", "\"Al\" Smith", "A^B", "caret^", "a\\b", "x\\;y", "\\ x",
                          "O'Brien", "a^,b"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *out = NULL;
        if (build(good[i], &out) != ENGSCHED_OK)
            fail_msg("the name [%s] was refused", good[i]);
        icalcomponent *cal = icalparser_parse_string(out);
        assert_non_null(cal);
        icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
        icalproperty_kind kinds[] = {ICAL_ORGANIZER_PROPERTY, ICAL_ATTENDEE_PROPERTY};
        for (int k = 0; k < 2; k++) {
            icalproperty *p = icalcomponent_get_first_property(ev, kinds[k]);
            assert_non_null(p);
            icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
            assert_non_null(cn);
            if (strcmp(icalparameter_get_cn(cn), good[i]) != 0)
                fail_msg("[%s] came back as [%s]", good[i], icalparameter_get_cn(cn));
            const char *value = icalproperty_get_value_as_string(p);
            assert_non_null(value);
            assert_int_equal(strncmp(value, "mailto:", 7), 0);
        }
        icalcomponent_free(cal);
        es_free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_that_would_read_back_otherwise_are_refused),
        cmocka_unit_test(test_accepted_names_read_back_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
