/* Page tokens for keyset pagination, sealed with libsodium's
 * XChaCha20-Poly1305 (util/crypto.c): a host hands them to browsers and
 * they end up in URLs and logs, so they reveal nothing of the row they
 * resume after, and a token altered, truncated, or made for another
 * store, query or user does not open. The random 192-bit nonce makes
 * collisions negligible without any counter to keep. */
#include <string.h>

#include "views/cursor_token.h"
#include "core/validate.h"
#include "util/crypto.h"

#define TOKEN_PREFIX "es2."
#define PREFIX_LEN 4
/* kind (1), id (8), then an integer key (8) or a name's length (1) and
 * its bytes, zero-padded to a multiple of PAD. */
#define PAD 32
#define PLAIN_MAX (1 + 8 + 1 + ((ES_NAME_MAX + PAD - 1) / PAD) * PAD)
#define SEALED_MAX (PLAIN_MAX + ES_SEAL_OVERHEAD)
#define AD_LABEL "engsched page token 2"
#define AD_LEN (sizeof AD_LABEL + ES_STORE_ID_LEN + 8 + 8 + 1)

engsched_rc es_token_seal_load(engsched *db, es_token_seal *out)
{
    memset(out, 0, sizeof *out);
    const char *value = NULL;
    engsched_rc rc = db->storage->setting_get(db->storage, "store_id", &value);
    if (rc == ENGSCHED_OK && strlen(value) == ES_STORE_ID_LEN)
        memcpy(out->store_id, value, ES_STORE_ID_LEN);
    else if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading the store identity");
    rc = db->storage->setting_get(db->storage, "page_token_key", &value);
    if (rc == ENGSCHED_OK) {
        if (!es_seal_key_from_hex(value, out->key))
            return es_fail(db, ENGSCHED_ECORRUPT, "setting page_token_key is not a key");
        return ENGSCHED_OK;
    }
    if (rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading the page token key");
    if (!db->page_key_made && !(db->page_key_made = es_seal_key_random(db->page_key)))
        return es_fail(db, ENGSCHED_ESTORAGE, "libsodium gave no random page token key");
    memcpy(out->key, db->page_key, sizeof out->key);
    return ENGSCHED_OK;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The associated data: what the token is bound to without carrying it. */
static void associated(unsigned char ad[AD_LEN], const es_token_seal *seal, engsched_id actor,
                       uint64_t fingerprint, int text_key)
{
    memcpy(ad, AD_LABEL, sizeof AD_LABEL);
    memcpy(ad + sizeof AD_LABEL, seal->store_id, ES_STORE_ID_LEN);
    put_u64(ad + sizeof AD_LABEL + ES_STORE_ID_LEN, fingerprint);
    put_u64(ad + sizeof AD_LABEL + ES_STORE_ID_LEN + 8, (uint64_t)actor);
    ad[AD_LEN - 1] = (unsigned char)(text_key != 0);
}

char *es_token_encode(const es_token_seal *seal, engsched_id actor, const es_token *t, int text_key)
{
    unsigned char plain[PLAIN_MAX] = {0}, sealed[SEALED_MAX], ad[AD_LEN];
    size_t len = 1 + 8;
    plain[0] = (unsigned char)(text_key != 0);
    put_u64(plain + 1, (uint64_t)t->id);
    if (text_key) {
        size_t key_len = strlen(t->key_text);
        if (key_len > ES_NAME_MAX)
            return NULL; /* names are validated on the way in */
        plain[len++] = (unsigned char)key_len;
        memcpy(plain + len, t->key_text, key_len);
        len += ((key_len + PAD - 1) / PAD) * PAD;
        if (key_len == 0)
            len += PAD;
    } else {
        put_u64(plain + len, (uint64_t)t->key_int);
        len += 8;
    }
    associated(ad, seal, actor, t->fingerprint, text_key);
    char *out = NULL;
    if (es_seal(seal->key, ad, sizeof ad, plain, len, sealed)) {
        size_t sealed_len = len + ES_SEAL_OVERHEAD;
        out = es_malloc(PREFIX_LEN + es_b64url_len(sealed_len));
        if (out != NULL) {
            memcpy(out, TOKEN_PREFIX, PREFIX_LEN);
            es_b64url_encode(out + PREFIX_LEN, sealed, sealed_len);
        }
    }
    es_wipe(plain, sizeof plain);
    return out;
}

/* The plaintext of a genuine token, checked again: a sealed box only says
 * the library made it, and a later library may have made it otherwise. */
static engsched_rc parse_plain(const unsigned char *plain, size_t len, int text_key, es_token *out)
{
    if (len < 1 + 8 + 1 || plain[0] != (unsigned char)(text_key != 0))
        return ENGSCHED_EINVAL;
    int64_t id = (int64_t)get_u64(plain + 1);
    if (id <= 0)
        return ENGSCHED_EINVAL;
    out->id = id;
    if (!text_key) {
        if (len != 1 + 8 + 8)
            return ENGSCHED_EINVAL;
        out->key_int = (int64_t)get_u64(plain + 9);
        return ENGSCHED_OK;
    }
    size_t key_len = plain[9];
    if (key_len > ES_NAME_MAX || 10 + key_len > len || memchr(plain + 10, 0, key_len) != NULL)
        return ENGSCHED_EINVAL;
    char *text = es_malloc(key_len + 1);
    if (text == NULL)
        return ENGSCHED_ENOMEM;
    memcpy(text, plain + 10, key_len);
    text[key_len] = '\0';
    out->key_text = text;
    return ENGSCHED_OK;
}

engsched_rc es_token_decode(const es_token_seal *seal, engsched_id actor, uint64_t fingerprint,
                            const char *text, int text_key, es_token *out)
{
    memset(out, 0, sizeof *out);
    unsigned char sealed[SEALED_MAX], plain[SEALED_MAX], ad[AD_LEN];
    if (text == NULL || strncmp(text, TOKEN_PREFIX, PREFIX_LEN) != 0 ||
        strlen(text) > PREFIX_LEN + es_b64url_len(SEALED_MAX))
        return ENGSCHED_EINVAL;
    size_t len = es_b64url_decode(text + PREFIX_LEN, sealed, sizeof sealed);
    if (len == (size_t)-1 || len < ES_SEAL_OVERHEAD)
        return ENGSCHED_EINVAL;
    associated(ad, seal, actor, fingerprint, text_key);
    if (!es_unseal(seal->key, ad, sizeof ad, sealed, len, plain))
        return ENGSCHED_EINVAL;
    engsched_rc rc = parse_plain(plain, len - ES_SEAL_OVERHEAD, text_key, out);
    es_wipe(plain, sizeof plain);
    if (rc == ENGSCHED_OK)
        out->fingerprint = fingerprint;
    return rc;
}
