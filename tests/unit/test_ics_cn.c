/*
 * CN parameters that libical 3.0 would write so that they read back as
 * other text, found by tests/fuzz/fuzz_ics: es_ics_build refused the
 * RFC 6868 sequences ^^ ^n ^N ^' in a name, but not '^' before '"'
 * (libical writes '"' as ^' and leaves '^' as it is, so `X^"` came back
 * as `X^'`), nor a name ending in a backslash (written unquoted,
 * "CN=X\:mailto:…", which libical reads as an escaped colon: the name
 * swallows ":mailto" and the address loses its scheme). Both are now
 * refused like the other sequences; every name it accepts round-trips.
 *
 * The CN is the name's display form (es_ics_display_name): '"' becomes
 * U+201C/U+201D in turn, so no RFC 6868 ^' is written, which Outlook and
 * Google would show as it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "alloc_fail.h"
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
                       0,
                       0,
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

/* Every accepted name reads back as its display form: itself, but for
 * '"' made typographic (the last test). */
static void test_accepted_names_read_back_the_same(void **state)
{
    (void)state;
    const char *good[] = {"Alice", "A^B", "caret^", "a\\b", "x\\;y", "\\ x", "O'Brien", "a^,b"};
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

/* The ICS unfolded (a fold can split "CN=" from the name). */
static void unfold(char *text)
{
    char *q = text;
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        *q++ = *p;
    }
    *q = '\0';
}

static void assert_cn_written(const char *name, const char *want)
{
    char *out = NULL;
    if (build(name, &out) != ENGSCHED_OK)
        fail_msg("the name [%s] was refused", name);
    unfold(out);
    /* Once for the organizer, once for the attendee, ending where the
     * parameter does (the attendee's ROLE follows it). */
    int found = 0;
    for (const char *p = strstr(out, want); p != NULL; p = strstr(p + 1, want))
        found += p[strlen(want)] == ':' || p[strlen(want)] == ';';
    if (found != 2)
        fail_msg("[%s] was not written as [%s] twice:\n%s", name, want, out);
    /* No RFC 6868 sequence anywhere: the clients that ignore RFC 6868
     * (Outlook, Google) would show it as it is. */
    static const char *const seqs[] = {"^'", "^n", "^N", "^^"};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        if (strstr(out, seqs[i]) != NULL)
            fail_msg("[%s] was written with %s:\n%s", name, seqs[i], out);
    icalcomponent *cal = icalparser_parse_string(out);
    assert_non_null(cal);
    icalcomponent_free(cal);
    es_free(out);
}

/* '"' becomes U+201C and U+201D in turn: Outlook and Google show
 * libical's ^' as it is. */
static void test_quotes_become_typographic(void **state)
{
    (void)state;
    assert_cn_written("Ann \"Red\" Lee", ";CN=Ann “Red” Lee");
    assert_cn_written("\"Al\" Smith", ";CN=“Al” Smith");
    assert_cn_written("say \"hi", ";CN=say “hi");
    assert_cn_written("\"a\" \"b\" \"", ";CN=“a” “b” “");
    assert_cn_written("\"\"", ";CN=“”");
    /* A name libical quotes (',' ';' ':'): the quotes around it are
     * libical's own, the ones inside are typographic. */
    assert_cn_written("Lee, \"Red\"; x", ";CN=\"Lee, “Red”; x\"");
    /* A '^' before a quote is refused, as it was: the setters refuse it. */
    char *out = NULL;
    assert_int_equal(build("X^\"", &out), ENGSCHED_EINVAL);
    assert_null(out);
}

static void test_names_without_quotes_are_unchanged(void **state)
{
    (void)state;
    assert_cn_written("Alice", ";CN=Alice");
    assert_cn_written("Zoë Ångström 山田 👩‍💻",
                      ";CN=Zoë Ångström 山田 👩‍💻");
    assert_cn_written("O'Brien ‘x’ “y”", ";CN=O'Brien ‘x’ “y”");
    assert_cn_written("a^b", ";CN=a^b");
    const char *same[] = {"", "Alice", "a^b \\ ' ` ; , :", "Zoë “already”", "\xF0\x9F\x98\x80"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *d = es_ics_display_name(same[i]);
        assert_non_null(d);
        assert_string_equal(d, same[i]);
        es_free(d);
    }
}

static void test_display_name(void **state)
{
    (void)state;
    char *d = es_ics_display_name("Ann \"Red\" Lee");
    assert_non_null(d);
    assert_memory_equal(d, "Ann \xE2\x80\x9CRed\xE2\x80\x9D Lee", strlen(d) + 1);
    es_free(d);
    d = es_ics_display_name("\"\"\"\"");
    assert_string_equal(d, "“”“”");
    es_free(d);
    assert_null(es_ics_display_name(NULL));

    /* Out of memory: NULL, nothing left allocated. */
    alloc_fail a;
    assert_true(alloc_fail_install(&a, 1));
    assert_null(es_ics_display_name("\"x\""));
    assert_int_equal(a.live, 0);
    alloc_fail_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_that_would_read_back_otherwise_are_refused),
        cmocka_unit_test(test_accepted_names_read_back_the_same),
        cmocka_unit_test(test_quotes_become_typographic),
        cmocka_unit_test(test_names_without_quotes_are_unchanged),
        cmocka_unit_test(test_display_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
