/* The delivery rules over their whole useful input space: the retry wait
 * for every attempt count and base, and what an item becomes after each
 * refusal, against a model written out longhand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rules/rules.h"

static int64_t model_delay(unsigned int attempts, int64_t base)
{
    if (base < 1)
        base = 1;
    int64_t d = base;
    for (unsigned int i = 1; i < attempts; i++) {
        if (d >= 86400)
            break;
        d *= 2;
    }
    return d > 86400 ? 86400 : d;
}

static void test_retry_delay_exhaustive(void **state)
{
    (void)state;
    static const int64_t bases[] = {-5, 0, 1, 2, 7, 60, 300, 3600, 43200, 86399, 86400, 90000};
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        int64_t previous = 0;
        for (unsigned int a = 1; a <= 200; a++) {
            int64_t d = es_retry_delay(a, bases[b]);
            assert_int_equal(d, model_delay(a, bases[b]));
            assert_true(d >= 1 && d <= 86400);
            assert_true(d >= previous); /* never shorter than the last wait */
            previous = d;
        }
    }
    assert_int_equal(es_retry_delay(1, 60), 60);
    assert_int_equal(es_retry_delay(2, 60), 120);
    assert_int_equal(es_retry_delay(11, 60), 61440);
    assert_int_equal(es_retry_delay(12, 60), 86400);
    assert_int_equal(es_retry_delay(4000000000u, 60), 86400);
}

static void test_refused_becomes_dead_at_the_limit(void **state)
{
    (void)state;
    const int64_t now = 1772366400;
    for (unsigned int max = 1; max <= 100; max++) {
        for (unsigned int a = 1; a <= max + 3; a++) {
            int64_t next = -1;
            unsigned int s = es_delivery_refused(a, max, now, 60, &next);
            if (a >= max) {
                assert_int_equal(s, ENGSCHED_OUTBOX_DEAD);
                assert_int_equal(next, 0);
            } else {
                assert_int_equal(s, ENGSCHED_OUTBOX_PENDING);
                assert_int_equal(next, now + model_delay(a, 60));
            }
        }
    }
    int64_t next = 0;
    assert_int_equal(es_delivery_refused(1, 5, INT64_MAX - 10, 60, &next), ENGSCHED_OUTBOX_PENDING);
    assert_int_equal(next, INT64_MAX); /* no overflow at the end of time */
}

static void test_requeueable_states(void **state)
{
    (void)state;
    for (unsigned int s = 0; s < 64; s++)
        assert_int_equal(es_outbox_requeueable(s),
                         s == ENGSCHED_OUTBOX_DEAD || s == ENGSCHED_OUTBOX_UNDELIVERABLE);
}

static void test_unscoped_read_is_the_systems(void **state)
{
    (void)state;
    assert_int_equal(es_authorize_unscoped_read(1), ENGSCHED_OK);
    assert_int_equal(es_authorize_unscoped_read(0), ENGSCHED_EDENIED);
}

static void test_names(void **state)
{
    (void)state;
    for (unsigned int s = 0; s < 64; s++) {
        const char *n = engsched_outbox_state_name(s);
        int known = s == 1 || s == 2 || s == 4 || s == 8;
        assert_int_equal(n != NULL, known);
    }
    assert_string_equal(engsched_outbox_state_name(ENGSCHED_OUTBOX_PENDING), "pending");
    assert_string_equal(engsched_outbox_state_name(ENGSCHED_OUTBOX_DELIVERED), "delivered");
    assert_string_equal(engsched_outbox_state_name(ENGSCHED_OUTBOX_UNDELIVERABLE),
                        "undeliverable");
    assert_string_equal(engsched_outbox_kind_name(ENGSCHED_OUTBOX_MAIL), "mail");
    assert_null(engsched_outbox_kind_name(3));
    assert_null(engsched_outbox_kind_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_delay_exhaustive),
        cmocka_unit_test(test_refused_becomes_dead_at_the_limit),
        cmocka_unit_test(test_requeueable_states),
        cmocka_unit_test(test_unscoped_read_is_the_systems),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
