/*
 * Version query and result-code names/descriptions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <engsched/engsched.h>

#ifndef ENGSCHED_EXPECTED_VERSION
#error "the build passes ENGSCHED_EXPECTED_VERSION (the CMake project version)"
#endif

static void test_version_string_matches_headers_and_build(void **state)
{
    char expected[32];
    (void)state;

    assert_non_null(engsched_version());
    assert_string_equal(engsched_version(), ENGSCHED_VERSION);
    /* The header macros must track project(VERSION) in CMakeLists.txt. */
    assert_string_equal(ENGSCHED_VERSION, ENGSCHED_EXPECTED_VERSION);

    snprintf(expected, sizeof expected, "%d.%d.%d",
             ENGSCHED_VERSION_MAJOR, ENGSCHED_VERSION_MINOR, ENGSCHED_VERSION_PATCH);
    assert_string_equal(ENGSCHED_VERSION, expected);
}

static void test_version_number(void **state)
{
    (void)state;

    assert_int_equal(ENGSCHED_VERSION_NUMBER,
                     ENGSCHED_VERSION_MAJOR * 1000000 +
                     ENGSCHED_VERSION_MINOR * 1000 +
                     ENGSCHED_VERSION_PATCH);
    assert_int_equal(engsched_version_number(), ENGSCHED_VERSION_NUMBER);
    assert_true(ENGSCHED_VERSION_MINOR >= 0 && ENGSCHED_VERSION_MINOR < 1000);
    assert_true(ENGSCHED_VERSION_PATCH >= 0 && ENGSCHED_VERSION_PATCH < 1000);
}

static const struct {
    engsched_rc rc;
    int value;
    const char *name;
} codes[] = {
    { ENGSCHED_OK, 0, "ENGSCHED_OK" },
    { ENGSCHED_EINVAL, 1, "ENGSCHED_EINVAL" },
    { ENGSCHED_ENOMEM, 2, "ENGSCHED_ENOMEM" },
    { ENGSCHED_ENOTFOUND, 3, "ENGSCHED_ENOTFOUND" },
    { ENGSCHED_EDENIED, 4, "ENGSCHED_EDENIED" },
    { ENGSCHED_ESTATE, 5, "ENGSCHED_ESTATE" },
    { ENGSCHED_ECONFLICT, 6, "ENGSCHED_ECONFLICT" },
    { ENGSCHED_EEXISTS, 7, "ENGSCHED_EEXISTS" },
    { ENGSCHED_ETOOBIG, 8, "ENGSCHED_ETOOBIG" },
    { ENGSCHED_EBUSY, 9, "ENGSCHED_EBUSY" },
    { ENGSCHED_ESTORAGE, 10, "ENGSCHED_ESTORAGE" },
    { ENGSCHED_ECORRUPT, 11, "ENGSCHED_ECORRUPT" },
    { ENGSCHED_EUNSUPPORTED, 12, "ENGSCHED_EUNSUPPORTED" },
    { ENGSCHED_EMISUSE, 13, "ENGSCHED_EMISUSE" },
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_rc_values_are_stable(void **state)
{
    size_t i;
    (void)state;

    /* Values are part of the ABI and append-only (docs/design.md §8). */
    for (i = 0; i < NCODES; i++)
        assert_int_equal((int)codes[i].rc, codes[i].value);
}

static void test_rc_name_every_code(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < NCODES; i++) {
        const char *name = engsched_rc_name(codes[i].rc);
        assert_non_null(name);
        assert_string_equal(name, codes[i].name);
        /* static storage: the same pointer every time */
        assert_ptr_equal(name, engsched_rc_name(codes[i].rc));
    }
}

static void test_rc_describe_every_code(void **state)
{
    size_t i, j;
    (void)state;

    for (i = 0; i < NCODES; i++) {
        const char *d = engsched_rc_describe(codes[i].rc);
        assert_non_null(d);
        assert_true(strlen(d) > 0);
        assert_string_not_equal(d, engsched_rc_describe((engsched_rc)9999));
        /* each code has its own description */
        for (j = 0; j < i; j++)
            assert_string_not_equal(d, engsched_rc_describe(codes[j].rc));
    }
}

static void test_rc_out_of_range(void **state)
{
    static const int bad[] = { -1, (int)NCODES, 14, 100, 9999, INT32_MIN, INT32_MAX };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        engsched_rc rc = (engsched_rc)bad[i];
        const char *d = engsched_rc_describe(rc);
        assert_string_equal(engsched_rc_name(rc), "ENGSCHED_UNKNOWN");
        assert_non_null(d);
        assert_true(strlen(d) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_string_matches_headers_and_build),
        cmocka_unit_test(test_version_number),
        cmocka_unit_test(test_rc_values_are_stable),
        cmocka_unit_test(test_rc_name_every_code),
        cmocka_unit_test(test_rc_describe_every_code),
        cmocka_unit_test(test_rc_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
