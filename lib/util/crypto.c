/* libsodium behind every call the library needs: signatures, random
 * tokens and the hash of feed tokens. crypto_auth_hmacsha256
 * takes a key of any length through its init/update/final API, which is
 * what a webhook secret chosen by a person needs (the one-shot call wants
 * exactly 32 bytes). */
#include <string.h>

#include <sodium.h>

#include "util/crypto.h"

int es_crypto_ready(void) { return sodium_init() >= 0; }

int es_signature(const void *key, size_t key_len, const void *message, size_t message_len,
                 char out[ES_SIGNATURE_LEN])
{
    if (!es_crypto_ready())
        return 0;
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state, key, key_len);
    crypto_auth_hmacsha256_update(&state, message, message_len);
    crypto_auth_hmacsha256_final(&state, mac);
    sodium_memzero(&state, sizeof state);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, ES_SIGNATURE_LEN - 7, mac, sizeof mac);
    return 1;
}

const char *es_sign_with(const char *secret, const void *message, size_t message_len,
                         char out[ES_SIGNATURE_LEN])
{
    if (secret == NULL || secret[0] == '\0')
        return NULL;
    return es_signature(secret, strlen(secret), message, message_len, out) ? out : NULL;
}

int64_t es_random_token(void)
{
    if (!es_crypto_ready())
        return 0;
    uint64_t v = 0;
    while (v == 0) {
        randombytes_buf(&v, sizeof v);
        v >>= 1; /* a positive int64_t */
    }
    return (int64_t)v;
}

int es_random_hex(char *out, size_t bytes)
{
    unsigned char raw[32];
    if (bytes == 0 || bytes > sizeof raw || !es_crypto_ready())
        return 0;
    randombytes_buf(raw, bytes);
    sodium_bin2hex(out, 2 * bytes + 1, raw, bytes);
    sodium_memzero(raw, sizeof raw);
    return 1;
}

int es_hash_hex(const char *text, char out[ES_HASH_HEX_LEN])
{
    unsigned char hash[32];
    if (!es_crypto_ready())
        return 0;
    crypto_generichash(hash, sizeof hash, (const unsigned char *)text, strlen(text), NULL, 0);
    sodium_bin2hex(out, ES_HASH_HEX_LEN, hash, sizeof hash);
    return 1;
}

int es_secret_equal(const char *a, const char *b)
{
    size_t len = strlen(a);
    if (strlen(b) != len)
        return 0;
    return len == 0 || sodium_memcmp(a, b, len) == 0;
}
