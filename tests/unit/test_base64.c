/*
 * es_base64_encode / es_base64_decode (lib/base64.c): RFC 4648 §10 test
 * vectors, MIME line breaking, strict decoding, allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/alloc.h"
#include "alloc_fail.h"
#include "util/base64.h"

static const struct {
    const char *plain;
    const char *encoded;
} vectors[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char *enc = NULL;
        size_t enc_len = 99;
        size_t len = strlen(vectors[i].plain);
        assert_int_equal(es_base64_encode(vectors[i].plain, len, 0, &enc, &enc_len), ENGSCHED_OK);
        assert_string_equal(enc, vectors[i].encoded);
        assert_int_equal(enc_len, strlen(vectors[i].encoded));
        assert_int_equal(ES_BASE64_SIZE(len), enc_len);
        es_free(enc);

        unsigned char *dec = NULL;
        size_t dec_len = 99;
        assert_int_equal(es_base64_decode(vectors[i].encoded, strlen(vectors[i].encoded), &dec,
                                          &dec_len),
                         ENGSCHED_OK);
        assert_int_equal(dec_len, len);
        assert_memory_equal(dec, vectors[i].plain, len);
        assert_int_equal(dec[dec_len], '\0');
        es_free(dec);
    }
}

static void test_all_bytes_round_trip(void **state)
{
    (void)state;
    unsigned char data[256];
    for (int i = 0; i < 256; i++)
        data[i] = (unsigned char)(255 - i);
    for (size_t len = 0; len <= sizeof data; len++) {
        char *enc = NULL;
        size_t enc_len = 0;
        assert_int_equal(es_base64_encode(data, len, 0, &enc, &enc_len), ENGSCHED_OK);
        unsigned char *dec = NULL;
        size_t dec_len = 0;
        assert_int_equal(es_base64_decode(enc, enc_len, &dec, &dec_len), ENGSCHED_OK);
        assert_int_equal(dec_len, len);
        assert_memory_equal(dec, data, len);
        es_free(enc);
        es_free(dec);
    }
}

/* MIME: 76 characters and CRLF per line, the last line included. */
static void test_line_breaks(void **state)
{
    (void)state;
    unsigned char data[200];
    memset(data, 0xA5, sizeof data);
    for (size_t len = 0; len <= sizeof data; len++) {
        char *enc = NULL;
        size_t enc_len = 0;
        assert_int_equal(es_base64_encode(data, len, 76, &enc, &enc_len), ENGSCHED_OK);
        assert_int_equal(strlen(enc), enc_len);
        size_t chars = 0;
        for (char *line = enc; *line;) {
            char *end = strstr(line, "\r\n");
            assert_non_null(end);
            assert_true(end - line > 0 && end - line <= 76);
            if (end[2] != '\0')
                assert_int_equal(end - line, 76);
            chars += (size_t)(end - line);
            line = end + 2;
        }
        assert_int_equal(chars, ES_BASE64_SIZE(len));
        if (len == 0)
            assert_string_equal(enc, "");
        es_free(enc);
    }
    char *enc = NULL;
    assert_int_equal(es_base64_encode("foobar", 6, 4, &enc, NULL), ENGSCHED_OK);
    assert_string_equal(enc, "Zm9v\r\nYmFy\r\n");
    es_free(enc);
    assert_int_equal(es_base64_encode("foobar", 6, 75, &enc, NULL), ENGSCHED_EINVAL);
    assert_int_equal(es_base64_encode(NULL, 1, 0, &enc, NULL), ENGSCHED_EINVAL);
    assert_int_equal(es_base64_encode("x", 1, 0, NULL, NULL), ENGSCHED_EINVAL);
}

static void test_strict_decoding(void **state)
{
    (void)state;
    static const char *bad[] = {
        "Zg=",      /* length not a multiple of 4 */
        "Zg",       /* missing padding */
        "Zh==",     /* unused bits set */
        "Zm9=",     /* unused bits set */
        "Z===",     /* too much padding */
        "====",     /* only padding */
        "Zg==Zg==", /* padding in the middle */
        "Zm=v",     /* padding in the middle */
        "Zm9v\r\n", /* line break */
        "Zm 9v",    /* white space */
        "Zm9-",     /* base64url alphabet */
        "Zm9_",     /* base64url alphabet */
        "Zm9\x80",  /* not ASCII */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned char *dec = (unsigned char *)"untouched";
        size_t dec_len = 7;
        assert_int_equal(es_base64_decode(bad[i], strlen(bad[i]), &dec, &dec_len),
                         ENGSCHED_EINVAL);
        assert_string_equal((char *)dec, "untouched");
        assert_int_equal(dec_len, 7);
    }
    /* Embedded NUL: len counts, not the terminator. */
    unsigned char *dec = NULL;
    size_t dec_len = 0;
    assert_int_equal(es_base64_decode("Zm9v\0AAA", 8, &dec, &dec_len), ENGSCHED_EINVAL);
    assert_int_equal(es_base64_decode("AAAA", 4, &dec, &dec_len), ENGSCHED_OK);
    assert_int_equal(dec_len, 3);
    assert_memory_equal(dec, "\0\0\0", 3);
    es_free(dec);
    assert_int_equal(es_base64_decode(NULL, 4, &dec, &dec_len), ENGSCHED_EINVAL);
    assert_int_equal(es_base64_decode("AAAA", 4, NULL, &dec_len), ENGSCHED_EINVAL);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    alloc_fail a;
    assert_true(alloc_fail_install(&a, 1));
    char *enc = NULL;
    unsigned char *dec = NULL;
    size_t len = 0;
    assert_int_equal(es_base64_encode("foobar", 6, 76, &enc, NULL), ENGSCHED_ENOMEM);
    assert_null(enc);
    assert_true(alloc_fail_install(&a, 1));
    assert_int_equal(es_base64_decode("Zm9v", 4, &dec, &len), ENGSCHED_ENOMEM);
    assert_null(dec);
    assert_int_equal(a.live, 0);
    alloc_fail_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_all_bytes_round_trip),
        cmocka_unit_test(test_line_breaks),
        cmocka_unit_test(test_strict_decoding),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
