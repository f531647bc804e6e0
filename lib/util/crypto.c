/* libsodium behind every call the library needs: signatures, random
 * tokens, the hash of feed tokens and the sealed page tokens. crypto_auth_hmacsha256
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

_Static_assert(ES_SEAL_OVERHEAD == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                       crypto_aead_xchacha20poly1305_ietf_ABYTES,
               "the nonce and the tag");
_Static_assert(ES_SEAL_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "the key");

int es_seal_key_from_hex(const char *hex, unsigned char key[ES_SEAL_KEY_BYTES])
{
    size_t len = 0;
    if (strlen(hex) != ES_SEAL_KEY_HEX || strspn(hex, "0123456789abcdef") != ES_SEAL_KEY_HEX)
        return 0;
    return sodium_hex2bin(key, ES_SEAL_KEY_BYTES, hex, ES_SEAL_KEY_HEX, NULL, &len, NULL) == 0 &&
           len == ES_SEAL_KEY_BYTES;
}

int es_seal_key_random(unsigned char key[ES_SEAL_KEY_BYTES])
{
    if (!es_crypto_ready())
        return 0;
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    return 1;
}

int es_seal(const unsigned char key[ES_SEAL_KEY_BYTES], const void *ad, size_t ad_len,
            const void *msg, size_t msg_len, unsigned char *out)
{
    if (!es_crypto_ready())
        return 0;
    unsigned char *nonce = out;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                               NULL, msg, msg_len, ad, ad_len, NULL, nonce, key);
    return 1;
}

int es_unseal(const unsigned char key[ES_SEAL_KEY_BYTES], const void *ad, size_t ad_len,
              const unsigned char *sealed, size_t sealed_len, unsigned char *out)
{
    if (sealed_len < ES_SEAL_OVERHEAD || !es_crypto_ready())
        return 0;
    const size_t nonce_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, sealed + nonce_len,
                                                      sealed_len - nonce_len, ad, ad_len,
                                                      sealed, key) == 0;
}

size_t es_b64url_len(size_t len)
{
    return sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void es_b64url_encode(char *out, const unsigned char *bin, size_t len)
{
    sodium_bin2base64(out, es_b64url_len(len), bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

size_t es_b64url_decode(const char *text, unsigned char *out, size_t cap)
{
    size_t len = 0;
    const char *end = NULL;
    size_t text_len = strlen(text);
    /* libsodium maps some bytes above 0x7f onto letters of the alphabet,
     * so that "\xbc" decodes as one of them: the text is checked first,
     * and one token has exactly one spelling. */
    if (strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
        text_len)
        return (size_t)-1;
    if (sodium_base642bin(out, cap, text, text_len, NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text + text_len)
        return (size_t)-1;
    return len;
}

void es_wipe(void *p, size_t len) { sodium_memzero(p, len); }
