/*
 * What an engagement's state says to a calendar (lib/rules/calendar_rules.c):
 * es_calendar_status, es_calendar_transparent and es_partstat_name over
 * every status, both invitation states and values outside the enums. The
 * expectations are a table written out here, not computed by the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "rules/rules.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    int status;
    es_cal_status cal; /* invitation not canceled */
    int transparent;
} table[] = {
    {ENGSCHED_STATUS_PENDING, ES_CAL_TENTATIVE, 1},
    {ENGSCHED_STATUS_SCHEDULED, ES_CAL_CONFIRMED, 0},
    {ENGSCHED_STATUS_IN_PROGRESS, ES_CAL_CONFIRMED, 0},
    {ENGSCHED_STATUS_IN_REVIEW, ES_CAL_CONFIRMED, 0},
    {ENGSCHED_STATUS_COMPLETE, ES_CAL_CONFIRMED, 0},
    {ENGSCHED_STATUS_CANCELED, ES_CAL_CANCELLED, 0},
};

/* Unknown statuses: never confirmed, never blocking. */
static const int unknown[] = {INT_MIN, -1, 0, 7, 8, 100, INT_MAX};

static void test_status_of_every_engagement_status(void **state)
{
    (void)state;
    assert_int_equal(COUNT(table), 6);
    for (size_t i = 0; i < COUNT(table); i++) {
        assert_int_equal(table[i].status, (int)i + 1); /* 1..6, each once */
        assert_int_equal(es_calendar_status(table[i].status, 0), table[i].cal);
    }
}

static void test_canceled_invitation_wins(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(table); i++) {
        assert_int_equal(es_calendar_status(table[i].status, 1), ES_CAL_CANCELLED);
        assert_int_equal(es_calendar_status(table[i].status, -1), ES_CAL_CANCELLED);
        assert_int_equal(es_calendar_status(table[i].status, INT_MAX), ES_CAL_CANCELLED);
    }
    for (size_t i = 0; i < COUNT(unknown); i++)
        assert_int_equal(es_calendar_status(unknown[i], 1), ES_CAL_CANCELLED);
}

static void test_unknown_status_is_tentative(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(unknown); i++)
        assert_int_equal(es_calendar_status(unknown[i], 0), ES_CAL_TENTATIVE);
}

static void test_transparency(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(table); i++)
        assert_int_equal(es_calendar_transparent(table[i].status), table[i].transparent);
    for (size_t i = 0; i < COUNT(unknown); i++)
        assert_int_equal(es_calendar_transparent(unknown[i]), 1);
}

static void test_partstat_names(void **state)
{
    (void)state;
    assert_int_equal(ES_PARTSTAT_NONE, 0);
    assert_string_equal(es_partstat_name(ES_PARTSTAT_NONE), "none");
    assert_string_equal(es_partstat_name(ES_PARTSTAT_ACCEPTED), "accepted");
    assert_string_equal(es_partstat_name(ES_PARTSTAT_DECLINED), "declined");
    assert_string_equal(es_partstat_name(ES_PARTSTAT_TENTATIVE), "tentative");
    static const int bad[] = {INT_MIN, -1, 4, 5, 100, INT_MAX};
    for (size_t i = 0; i < COUNT(bad); i++)
        assert_null(es_partstat_name(bad[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_of_every_engagement_status),
        cmocka_unit_test(test_canceled_invitation_wins),
        cmocka_unit_test(test_unknown_status_is_tentative),
        cmocka_unit_test(test_transparency),
        cmocka_unit_test(test_partstat_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
