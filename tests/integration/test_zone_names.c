/* Time-zone names at every entry (the `timezone` setting and
 * engsched_date_in_zone): only IANA-shaped names of zones that exist.
 * Before, "Europe/../UTC" and "../../../../tmp/evil.tz" were taken, the
 * last making libical read a file anywhere on disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *const refused[] = {
    "Europe/../UTC",
    "Europe//Paris",
    "./UTC",
    "../../../../tmp/evil.tz",
    "/UTC",
    "Europe/Paris/",
    "Europe/./Paris",
    "../UTC",
    "Nowhere/Atlantis",
    "utc/",
    "",
};

static void test_setting_refuses_names_that_are_not_iana(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "timezone", "Europe/Paris"));
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        engsched_rc rc = engsched_setting_set(f.db, ENGSCHED_SYSTEM, "timezone", refused[i]);
        if (rc != ENGSCHED_EINVAL)
            fail_msg("timezone \"%s\": %s", refused[i], engsched_rc_name(rc));
        assert_non_null(strstr(engsched_errmsg(f.db), "timezone"));
    }
    char *value = NULL;
    fx_ok(&f, engsched_setting_get(f.db, "timezone", &value));
    assert_string_equal(value, "Europe/Paris");
    engsched_free(value);
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "timezone", "America/St_Johns"));
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "timezone", "UTC"));
    fx_close(&f);
}

static void test_date_in_zone_refuses_names_that_are_not_iana(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char date[11] = "unchanged";
        engsched_rc rc = engsched_date_in_zone(refused[i], FX_T0, date);
        if (rc != ENGSCHED_EINVAL)
            fail_msg("zone \"%s\": %s (%s)", refused[i], engsched_rc_name(rc), date);
        assert_string_equal(date, "unchanged");
    }
    assert_int_equal(engsched_date_in_zone(NULL, FX_T0, (char[11]){0}), ENGSCHED_EINVAL);
    char date[11];
    assert_int_equal(engsched_date_in_zone("Pacific/Auckland", FX_T0, date), ENGSCHED_OK);
    assert_string_equal(date, "2026-03-02");
}

/* The documented limit (engsched_date_in_zone(), docs/design.md §6): dates
 * in zones come from libical's built-in zone rules, which past 2037 extend
 * America/St_Johns with an offset an hour off the IANA data (-1:30 instead
 * of -2:30 in summer), so for an hour of each summer day the date is a day
 * ahead of what glibc and the IANA rules say. Pinned so that a libical
 * that changes this fails here and the documentation is revisited. */
static void test_st_johns_after_2037_is_libicals(void **state)
{
    (void)state;
    char date[11];
    /* 2030-07-01T00:00:00Z: 21:30 local on 30 June, as IANA has it. */
    assert_int_equal(engsched_date_in_zone("America/St_Johns", INT64_C(1909094400), date),
                     ENGSCHED_OK);
    assert_string_equal(date, "2030-06-30");
    /* 2040-07-01T00:00:00Z: IANA says 21:30 on 30 June; libical 22:30. */
    assert_int_equal(engsched_date_in_zone("America/St_Johns", INT64_C(2224713600), date),
                     ENGSCHED_OK);
    assert_string_equal(date, "2040-06-30");
    /* 2040-07-01T02:30:00Z: IANA says 23:30 on 30 June; libical 00:30 on 1 July. */
    assert_int_equal(engsched_date_in_zone("America/St_Johns", INT64_C(2224722600), date),
                     ENGSCHED_OK);
    assert_string_equal(date, "2040-07-01");
    /* Zones whose rules libical extends as IANA does agree: Paris in 2040. */
    assert_int_equal(engsched_date_in_zone("Europe/Paris", INT64_C(2224713600) - 7201, date),
                     ENGSCHED_OK);
    assert_string_equal(date, "2040-06-30"); /* 23:59:59 in Paris */
    assert_int_equal(engsched_date_in_zone("Europe/Paris", INT64_C(2224713600) - 7200, date),
                     ENGSCHED_OK);
    assert_string_equal(date, "2040-07-01"); /* midnight in Paris */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setting_refuses_names_that_are_not_iana),
        cmocka_unit_test(test_date_in_zone_refuses_names_that_are_not_iana),
        cmocka_unit_test(test_st_johns_after_2037_is_libicals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
