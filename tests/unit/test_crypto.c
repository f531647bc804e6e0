/* The signature helper against RFC 4231's published HMAC-SHA256 test
 * vectors (a short key, and a key longer than the block), and the claim
 * tokens' range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/crypto.h"

static void test_rfc4231_case_2(void **state)
{
    (void)state;
    char sig[ES_SIGNATURE_LEN];
    const char *data = "what do ya want for nothing?";
    assert_true(es_signature("Jefe", 4, data, strlen(data), sig));
    assert_string_equal(sig,
                        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_rfc4231_case_6_long_key(void **state)
{
    (void)state;
    unsigned char key[131];
    memset(key, 0xaa, sizeof key);
    const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";
    char sig[ES_SIGNATURE_LEN];
    assert_true(es_signature(key, sizeof key, data, strlen(data), sig));
    assert_string_equal(sig,
                        "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_tokens_positive_and_distinct(void **state)
{
    (void)state;
    int64_t seen[64];
    for (int i = 0; i < 64; i++) {
        seen[i] = es_random_token();
        assert_true(seen[i] > 0);
        for (int j = 0; j < i; j++)
            assert_true(seen[i] != seen[j]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_case_2),
        cmocka_unit_test(test_rfc4231_case_6_long_key),
        cmocka_unit_test(test_tokens_positive_and_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
