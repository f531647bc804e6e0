/* Checks of iCalendar text shared by the ICS unit tests (header-only, like
 * alloc_fail.h): byte-level checks written apart from the library's,
 * parsing back with libical with no X-LIC-ERROR and RFC 5546
 * restrictions, and the event the tests start from. Include after cmocka
 * and libical. */
#ifndef ENGSCHED_TEST_ICS_CHECK_H
#define ENGSCHED_TEST_ICS_CHECK_H

#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "util/dates.h"
#include "calendar/ics.h"

/* --- independent byte-level checks ------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 if
 * it is not one (overlongs, surrogates, beyond U+10FFFF included). */
static inline size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned cp;
    size_t len;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* CRLF line ends only, every physical line at most 75 octets and valid
 * UTF-8 on its own (so no fold splits a character), no control
 * characters but tab, continuation lines start with one space. */
static inline void assert_ics_bytes(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    assert_true(len >= 2);
    assert_memory_equal(text + len - 2, "\r\n", 2);
    size_t start = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && s[end] != '\r' && s[end] != '\n')
            end++;
        assert_true(end + 1 < len);
        assert_int_equal(s[end], '\r');
        assert_int_equal(s[end + 1], '\n');
        if (end - start > 75)
            fail_msg("line of %zu octets: %.*s", end - start, (int)(end - start),
                     text + start);
        assert_true(end > start);
        for (size_t i = start; i < end;) {
            size_t n = utf8_seq(s + i, end - i);
            if (n == 0)
                fail_msg("bad UTF-8 at octet %zu of line %.*s", i - start, (int)(end - start),
                         text + start);
            if (n == 1)
                assert_true(s[i] >= 0x20 ? s[i] != 0x7F : s[i] == '\t');
            if (n == 2)
                assert_false(s[i] == 0xC2 && s[i + 1] < 0xA0); /* C1 controls */
            i += n;
        }
        start = end + 2;
    }
}

static inline char *unfold(const char *text)
{
    char *out = malloc(strlen(text) + 1);
    assert_non_null(out);
    char *q = out;
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
            p += 2;
            continue;
        }
        *q++ = *p;
    }
    *q = '\0';
    return out;
}

static inline int count_errors(icalcomponent *c)
{
    int n = icalcomponent_count_properties(c, ICAL_XLICERROR_PROPERTY);
    for (icalcomponent *sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         sub != NULL; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        n += count_errors(sub);
    return n;
}

static inline void print_errors(icalcomponent *c)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY))
        print_error("X-LIC-ERROR: %s\n", icalproperty_get_xlicerror(p));
    for (icalcomponent *sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         sub != NULL; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        print_errors(sub);
}

/* Parse, check the bytes, and check RFC 5546 restrictions on a clone. */
static inline icalcomponent *parse_checked(const char *text)
{
    assert_ics_bytes(text);
    icalcomponent *cal = icalparser_parse_string(text);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    if (count_errors(cal) != 0) {
        print_errors(cal);
        fail_msg("libical's parser reports errors in:\n%s", text);
    }
    icalcomponent *clone = icalcomponent_new_clone(cal);
    assert_non_null(clone);
    int valid = icalrestriction_check(clone);
    if (count_errors(clone) != 0 || !valid) {
        print_errors(clone);
        fail_msg("icalrestriction_check failed on:\n%s", text);
    }
    icalcomponent_free(clone);
    return cal;
}

/* --- fixtures -------------------------------------------------------------- */

static inline int32_t day_of(int y, int m, int d)
{
    int32_t day;
    assert_true(es_date_from_civil(y, m, d, &day));
    return day;
}

#endif
