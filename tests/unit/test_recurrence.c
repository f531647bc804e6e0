/*
 * Recurrence rules over whole days (lib/calendar/recurrence.c): which
 * rules are taken, and the next occurrence libical gives after a day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "calendar/recurrence.h"
#include "rules/rules.h"
#include "util/dates.h"

static int32_t day(const char *text)
{
    int32_t d = 0;
    assert_true(es_date_parse(text, &d));
    return d;
}

static void test_check_takes_daily_and_coarser(void **state)
{
    (void)state;
    const char *good[] = {
        "FREQ=DAILY",          "FREQ=WEEKLY;BYDAY=MO,WE",    "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=YEARLY;COUNT=3", "FREQ=YEARLY;UNTIL=20300101", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"};
    char why[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(es_recurrence_check(good[i], why, sizeof why), ENGSCHED_OK);
}

static void test_check_refuses_with_a_reason(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "FREQ=HOURLY",
                         "FREQ=MINUTELY;COUNT=2",
                         "FREQ=SECONDLY",
                         "FREQ=DAILY;BYHOUR=9",
                         "FREQ=WEEKLY;BYMINUTE=5",
                         "FREQ=FORTNIGHTLY",
                         "nonsense",
                         "RRULE:FREQ=DAILY",
                         "COUNT=3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[256] = "";
        assert_int_equal(es_recurrence_check(bad[i], why, sizeof why), ENGSCHED_EINVAL);
        assert_true(strlen(why) > 0);
    }
    assert_int_equal(es_recurrence_check(NULL, NULL, 0), ENGSCHED_EINVAL);
}

static void test_next_after_yearly(void **state)
{
    (void)state;
    int32_t next = 0;
    int32_t start = day("2026-03-10");
    assert_int_equal(es_recurrence_next_after("FREQ=YEARLY", start, start, &next), ENGSCHED_OK);
    assert_int_equal(next, day("2027-03-10"));
    assert_int_equal(es_recurrence_next_after("FREQ=YEARLY", start, day("2030-03-09"), &next),
                     ENGSCHED_OK);
    assert_int_equal(next, day("2030-03-10"));
    assert_int_equal(es_recurrence_next_after("FREQ=YEARLY", start, start - 1, &next), ENGSCHED_OK);
    assert_int_equal(next, start);
}

static void test_next_after_ends_with_count_and_until(void **state)
{
    (void)state;
    int32_t next = 0;
    int32_t start = day("2026-01-05");
    /* COUNT counts the series' own first day. */
    assert_int_equal(es_recurrence_next_after("FREQ=WEEKLY;COUNT=2", start, start, &next),
                     ENGSCHED_OK);
    assert_int_equal(next, day("2026-01-12"));
    assert_int_equal(
        es_recurrence_next_after("FREQ=WEEKLY;COUNT=2", start, day("2026-01-12"), &next),
        ENGSCHED_OK);
    assert_int_equal(next, ES_RECURRENCE_ENDED);
    assert_int_equal(es_recurrence_next_after("FREQ=MONTHLY;UNTIL=20260305", start, start, &next),
                     ENGSCHED_OK);
    assert_int_equal(next, day("2026-02-05"));
    assert_int_equal(
        es_recurrence_next_after("FREQ=MONTHLY;UNTIL=20260305", start, day("2026-03-05"), &next),
        ENGSCHED_OK);
    assert_int_equal(next, ES_RECURRENCE_ENDED);
}

static void test_next_after_month_ends_and_weekdays(void **state)
{
    (void)state;
    int32_t next = 0;
    assert_int_equal(es_recurrence_next_after("FREQ=MONTHLY;BYMONTHDAY=-1", day("2028-01-31"),
                                              day("2028-01-31"), &next),
                     ENGSCHED_OK);
    assert_int_equal(next, day("2028-02-29"));
    /* 2026-01-02 is a Friday; the next Monday or Wednesday is the 5th. */
    assert_int_equal(es_recurrence_next_after("FREQ=WEEKLY;BYDAY=MO,WE", day("2026-01-02"),
                                              day("2026-01-02"), &next),
                     ENGSCHED_OK);
    assert_int_equal(next, day("2026-01-05"));
    assert_int_equal(es_recurrence_next_after("FREQ=HOURLY", 0, 0, &next), ENGSCHED_EINVAL);
}

static void test_next_after_stops_at_the_last_date(void **state)
{
    (void)state;
    int32_t next = 0;
    assert_int_equal(
        es_recurrence_next_after("FREQ=YEARLY", day("9998-06-01"), day("9999-06-01"), &next),
        ENGSCHED_OK);
    assert_int_equal(next, ES_RECURRENCE_ENDED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_takes_daily_and_coarser),
        cmocka_unit_test(test_check_refuses_with_a_reason),
        cmocka_unit_test(test_next_after_yearly),
        cmocka_unit_test(test_next_after_ends_with_count_and_until),
        cmocka_unit_test(test_next_after_month_ends_and_weekdays),
        cmocka_unit_test(test_next_after_stops_at_the_last_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
