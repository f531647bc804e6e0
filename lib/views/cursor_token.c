/* Page tokens for keyset pagination. */
#include <stdio.h>
#include <string.h>

#include "views/cursor_token.h"
#include "core/validate.h"

#define TOKEN_PREFIX "es1."
#define TOKEN_MAX 1200

static uint64_t check_value(const char *text, size_t len)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *es_token_encode(const es_token *t, int text_key)
{
    size_t key_len = text_key ? strlen(t->key_text) : 0;
    size_t cap = 96 + key_len * 2;
    char *out = es_malloc(cap);
    if (out == NULL)
        return NULL;
    int n = snprintf(out, cap, TOKEN_PREFIX "%016llx.", (unsigned long long)t->fingerprint);
    if (text_key) {
        for (size_t i = 0; i < key_len; i++)
            n += snprintf(out + n, cap - (size_t)n, "%02x", (unsigned char)t->key_text[i]);
    } else {
        n += snprintf(out + n, cap - (size_t)n, "%016llx", (unsigned long long)t->key_int);
    }
    n += snprintf(out + n, cap - (size_t)n, ".%016llx", (unsigned long long)t->id);
    snprintf(out + n, cap - (size_t)n, ".%016llx",
             (unsigned long long)check_value(out, (size_t)n));
    return out;
}

/* Exactly 16 lower-case hex digits. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len != 16)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hexval(s[i]);
        if (d < 0)
            return 0;
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return 1;
}

engsched_rc es_token_decode(const char *text, int text_key, es_token *out)
{
    memset(out, 0, sizeof *out);
    size_t len = text ? strlen(text) : 0;
    if (len < sizeof TOKEN_PREFIX || len > TOKEN_MAX || strncmp(text, TOKEN_PREFIX, 4) != 0)
        return ENGSCHED_EINVAL;
    const char *fields[4];
    size_t lens[4];
    const char *p = text + 4;
    for (int i = 0; i < 4; i++) {
        const char *dot = strchr(p, '.');
        if ((dot == NULL) != (i == 3))
            return ENGSCHED_EINVAL;
        fields[i] = p;
        lens[i] = dot ? (size_t)(dot - p) : strlen(p);
        p = dot ? dot + 1 : p + lens[i];
    }
    uint64_t fingerprint, id, check, key = 0;
    if (!parse_u64(fields[0], lens[0], &fingerprint) || !parse_u64(fields[2], lens[2], &id) ||
        !parse_u64(fields[3], lens[3], &check))
        return ENGSCHED_EINVAL;
    if (check != check_value(text, (size_t)(fields[3] - 1 - text)))
        return ENGSCHED_EINVAL;
    if (!text_key && !parse_u64(fields[1], lens[1], &key))
        return ENGSCHED_EINVAL;
    if (text_key) {
        if (lens[1] % 2 != 0 || lens[1] / 2 > ES_NAME_MAX)
            return ENGSCHED_EINVAL;
        char *decoded = es_malloc(lens[1] / 2 + 1);
        if (decoded == NULL)
            return ENGSCHED_ENOMEM;
        for (size_t i = 0; i < lens[1] / 2; i++) {
            int hi = hexval(fields[1][2 * i]), lo = hexval(fields[1][2 * i + 1]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                es_free(decoded);
                return ENGSCHED_EINVAL;
            }
            decoded[i] = (char)(hi << 4 | lo);
        }
        decoded[lens[1] / 2] = '\0';
        out->key_text = decoded;
    }
    if ((int64_t)id <= 0) {
        es_free(out->key_text);
        out->key_text = NULL;
        return ENGSCHED_EINVAL;
    }
    out->fingerprint = fingerprint;
    out->key_int = (int64_t)key;
    out->id = (engsched_id)id;
    return ENGSCHED_OK;
}
