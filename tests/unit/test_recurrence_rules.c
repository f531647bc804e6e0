/*
 * When a recurring series owes its next occurrence
 * (lib/rules/recurrence_rules.c): es_recurrence_due and
 * es_recurrence_due_until over every lead of the setting, next starts
 * around today and the edges of the day numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>

#include "rules/rules.h"

static void test_due_for_every_lead_and_nearby_start(void **state)
{
    (void)state;
    const int32_t todays[] = {-25567, -1, 0, 1, 20000, 2932896};
    for (size_t t = 0; t < sizeof todays / sizeof todays[0]; t++) {
        int32_t today = todays[t];
        for (int lead = 0; lead <= ES_RECURRENCE_LEAD_MAX; lead++) {
            for (int32_t d = -400; d <= 800; d++) {
                int32_t next = today + d;
                int expect = d <= lead;
                assert_int_equal(es_recurrence_due(next, lead, today), expect);
                assert_int_equal(next <= es_recurrence_due_until(lead, today), expect);
            }
        }
    }
}

static void test_ended_is_never_due(void **state)
{
    (void)state;
    for (int lead = -1; lead <= ES_RECURRENCE_LEAD_MAX + 1; lead++) {
        assert_false(es_recurrence_due(ES_RECURRENCE_ENDED, lead, INT32_MAX - 1));
        assert_false(es_recurrence_due(ES_RECURRENCE_ENDED, lead, 0));
        assert_true(es_recurrence_due_until(lead, INT32_MAX) < ES_RECURRENCE_ENDED);
    }
}

static void test_lead_out_of_range_counts_as_zero(void **state)
{
    (void)state;
    const int leads[] = {INT_MIN, -30, -1, ES_RECURRENCE_LEAD_MAX + 1, INT_MAX};
    for (size_t i = 0; i < sizeof leads / sizeof leads[0]; i++) {
        assert_true(es_recurrence_due(100, leads[i], 100));
        assert_false(es_recurrence_due(101, leads[i], 100));
        assert_int_equal(es_recurrence_due_until(leads[i], 100), 100);
    }
}

static void test_no_overflow_at_the_edges(void **state)
{
    (void)state;
    assert_true(es_recurrence_due(INT32_MIN, 0, INT32_MIN));
    assert_true(es_recurrence_due(INT32_MAX - 1, ES_RECURRENCE_LEAD_MAX, INT32_MAX - 1));
    assert_false(es_recurrence_due(INT32_MAX - 1, 0, INT32_MIN));
    assert_int_equal(es_recurrence_due_until(ES_RECURRENCE_LEAD_MAX, INT32_MAX - 1), INT32_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_for_every_lead_and_nearby_start),
        cmocka_unit_test(test_ended_is_never_due),
        cmocka_unit_test(test_lead_out_of_range_counts_as_zero),
        cmocka_unit_test(test_no_overflow_at_the_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
