/* The library's cryptography, all of it from libsodium: the HMAC-SHA256
 * signature of event documents, random claim tokens and the sealing of
 * page tokens. Nothing here is written by hand. */
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

/* --- sealed boxes: XChaCha20-Poly1305 (IETF) with a random nonce --- */

/* A sealing key: 32 bytes, 64 hex digits as a setting. */
#define ES_SEAL_KEY_BYTES 32
#define ES_SEAL_KEY_HEX (2 * ES_SEAL_KEY_BYTES)
/* What sealing adds to a message: the nonce before it, the tag after it. */
#define ES_SEAL_OVERHEAD (24 + 16)

/* 64 hex digits into a key; 0 unless @p hex is exactly that. */
int es_seal_key_from_hex(const char *hex, unsigned char key[ES_SEAL_KEY_BYTES]);
/* A random key; 0 when libsodium is not ready. */
int es_seal_key_random(unsigned char key[ES_SEAL_KEY_BYTES]);

/* Encrypt and authenticate @p msg, and authenticate @p ad, under @p key
 * into @p out (msg_len + ES_SEAL_OVERHEAD bytes: nonce, ciphertext, tag);
 * 0 when libsodium is not ready. */
int es_seal(const unsigned char key[ES_SEAL_KEY_BYTES], const void *ad, size_t ad_len,
            const void *msg, size_t msg_len, unsigned char *out);
/* The reverse: @p sealed_len - ES_SEAL_OVERHEAD bytes into @p out; 0 when
 * the box is short, was altered, or was sealed under another key or
 * with other @p ad (nothing is written to @p out then). */
int es_unseal(const unsigned char key[ES_SEAL_KEY_BYTES], const void *ad, size_t ad_len,
              const unsigned char *sealed, size_t sealed_len, unsigned char *out);

/* URL-safe base64 without padding. The length of the text for @p len
 * bytes, terminator included. */
size_t es_b64url_len(size_t len);
/* @p bin as text into @p out (es_b64url_len(len) bytes). */
void es_b64url_encode(char *out, const unsigned char *bin, size_t len);
/* @p text (all of it) into at most @p cap bytes of @p out; the number of
 * bytes, or (size_t)-1 for anything but canonical URL-safe base64 without
 * padding that fits. */
size_t es_b64url_decode(const char *text, unsigned char *out, size_t cap);

/* Zero memory that held a key, where the compiler cannot drop it. */
void es_wipe(void *p, size_t len);

#endif
