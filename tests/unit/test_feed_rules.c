/* The pure rules behind feeds and feed tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rules/rules.h"

static void test_own_or_admin(void **state)
{
    (void)state;
    assert_int_equal(es_authorize_own_or_admin(1, 0, 0, 7), ENGSCHED_OK);
    assert_int_equal(es_authorize_own_or_admin(0, 7, 0, 7), ENGSCHED_OK);
    assert_int_equal(es_authorize_own_or_admin(0, 3, ENGSCHED_PERM_ADMIN, 7), ENGSCHED_OK);
    assert_int_equal(es_authorize_own_or_admin(0, 3, ENGSCHED_PERM_ALL & ~ENGSCHED_PERM_ADMIN, 7),
                     ENGSCHED_EDENIED);
}

static void test_second_scope(void **state)
{
    (void)state;
    assert_int_equal(es_feed_second_scope(7, 0), 0); /* the system */
    assert_int_equal(es_feed_second_scope(7, 7), 0); /* the owner */
    assert_int_equal(es_feed_second_scope(7, 3), 3); /* an ADMIN */
    assert_int_equal(es_feed_second_scope(7, -1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_or_admin),
        cmocka_unit_test(test_second_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
