/* The library's cryptography, all of it from libsodium: the HMAC-SHA256
 * signature of event documents and random claim tokens. Nothing here is
 * written by hand. */
#ifndef ENGSCHED_UTIL_CRYPTO_H
#define ENGSCHED_UTIL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* "sha256=" and 64 hex digits, and the terminator. */
#define ES_SIGNATURE_LEN (7 + 64 + 1)

/* Make libsodium ready (idempotent, thread-safe); 0 when it cannot be. */
int es_crypto_ready(void);

/* "sha256=<hex>" of HMAC-SHA256(key, message) into @p out; 0 on failure
 * (libsodium not ready). */
int es_signature(const void *key, size_t key_len, const void *message, size_t message_len,
                 char out[ES_SIGNATURE_LEN]);

/* The signature of @p message under @p secret, a NUL-terminated text key,
 * into @p out; NULL when the secret is NULL or "" (nothing is signed) or
 * libsodium is not ready. */
const char *es_sign_with(const char *secret, const void *message, size_t message_len,
                         char out[ES_SIGNATURE_LEN]);

/* A random token in 1 … INT64_MAX; 0 when libsodium is not ready. */
int64_t es_random_token(void);

/* The longest random text es_random_hex() writes, terminator included. */
#define ES_RANDOM_HEX_MAX (2 * 32 + 1)

/* @p bytes random bytes (1 to 32) as lower-case hex, NUL-terminated, into
 * @p out (2 * bytes + 1 long); 0 when libsodium is not ready. */
int es_random_hex(char *out, size_t bytes);

/* The unkeyed BLAKE2b-256 hash of @p text as 64 hex digits into @p out.
 * For secrets of 256 random bits, where a slow or keyed hash adds nothing;
 * 0 when libsodium is not ready. */
#define ES_HASH_HEX_LEN (64 + 1)
int es_hash_hex(const char *text, char out[ES_HASH_HEX_LEN]);

/* Constant-time equality of two NUL-terminated texts of the same length;
 * texts of different lengths are unequal (their length is not secret). */
int es_secret_equal(const char *a, const char *b);

#endif
