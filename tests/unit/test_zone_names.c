/*
 * es_zone_name_valid (lib/util/text.c): the shape of an IANA time-zone
 * name, decided before any lookup so that a name can never reach libical
 * as a path ("../../tmp/evil.tz", "Europe/../UTC").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/text.h"

static const char *const good[] = {
    "UTC",
    "Etc/UTC",
    "Europe/Paris",
    "America/St_Johns",
    "America/Argentina/ComodRivadavia",
    "America/Port-au-Prince",
    "America/North_Dakota/New_Salem",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "EST5EDT",
    "GMT0",
    "a",
};

static const char *const bad[] = {
    "",
    "/",
    "/UTC",
    "/usr/share/zoneinfo/UTC",
    "UTC/",
    "Europe//Paris",
    "Europe/../UTC",
    "Europe/./Paris",
    "./UTC",
    "../UTC",
    "..",
    ".",
    "../../../../tmp/evil.tz",
    "evil.tz",
    "Europe/Paris.ics",
    "Europe\\Paris",
    "Europe/Paris ",
    " Europe/Paris",
    "Europe/Par is",
    "Europe/Paris\n",
    "Europe/Paris\t",
    "-UTC",
    "Europe/-Paris",
    "Europe/Pa~ris",
    "Europe/Pa:ris",
    "Europe/Pa*ris",
    "Europe/Pa%2fris",
    "~/zone",
    "Europe/Par\xc3\xa9s",
    "\xef\xbb\xbfUTC",
};

static void test_good_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!es_zone_name_valid(good[i]))
            fail_msg("refused \"%s\"", good[i]);
    }
}

static void test_bad_names(void **state)
{
    (void)state;
    assert_false(es_zone_name_valid(NULL));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (es_zone_name_valid(bad[i]))
            fail_msg("took \"%s\"", bad[i]);
    }
}

static void test_length_bound(void **state)
{
    (void)state;
    char name[ES_ZONE_NAME_MAX + 2];
    memset(name, 'a', sizeof name);
    name[ES_ZONE_NAME_MAX] = '\0';
    assert_true(es_zone_name_valid(name));
    name[ES_ZONE_NAME_MAX] = 'a';
    name[ES_ZONE_NAME_MAX + 1] = '\0';
    assert_false(es_zone_name_valid(name));
}

/* Every one-character name and every character between two letters: only
 * letters, digits, '_', '+' (and '-' not first) and one '/' between
 * components are taken. */
static void test_every_byte(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        int is_alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        char one[2] = {(char)c, '\0'};
        char mid[4] = {'a', (char)c, 'b', '\0'};
        int want_one = is_alnum || c == '_' || c == '+';
        int want_mid = is_alnum || c == '_' || c == '+' || c == '-' || c == '/';
        if (es_zone_name_valid(one) != want_one)
            fail_msg("byte 0x%02x alone: got %d", c, !want_one);
        if (es_zone_name_valid(mid) != want_mid)
            fail_msg("byte 0x%02x inside: got %d", c, !want_mid);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_names),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test(test_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
