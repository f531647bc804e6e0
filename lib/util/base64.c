/* Base64 encoder and strict decoder (RFC 4648 §4). None of the library's
 * dependencies exports one: libical's MIME code keeps its encoder static
 * and its decode_base64() is lenient, and sqlite3 and jansson have none. */
#include "util/base64.h"

#include <stdint.h>

#include "util/alloc.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Whole groups of three bytes without a branch, then the padded tail. */
size_t es_base64_encode_to(const void *data, size_t len, char *dst)
{
    const unsigned char *in = data;
    char *p = dst;
    size_t i = 0;
    for (; len - i >= 3; i += 3, p += 4) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        p[0] = alphabet[v >> 18];
        p[1] = alphabet[(v >> 12) & 0x3F];
        p[2] = alphabet[(v >> 6) & 0x3F];
        p[3] = alphabet[v & 0x3F];
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (len - i > 1)
            v |= (uint32_t)in[i + 1] << 8;
        p[0] = alphabet[v >> 18];
        p[1] = alphabet[(v >> 12) & 0x3F];
        p[2] = len - i > 1 ? alphabet[(v >> 6) & 0x3F] : '=';
        p[3] = '=';
        p += 4;
    }
    return (size_t)(p - dst);
}

engsched_rc es_base64_encode(const void *data, size_t len, size_t line_len, char **out,
                             size_t *out_len)
{
    if (out == NULL || (data == NULL && len != 0) || line_len % 4 != 0)
        return ENGSCHED_EINVAL;
    const unsigned char *in = data;
    size_t groups = len / 3 + (len % 3 != 0);
    if (groups > (SIZE_MAX - 1) / 4)
        return ENGSCHED_ENOMEM;
    size_t chars = groups * 4;
    size_t lines = line_len == 0 ? 0 : chars / line_len + (chars % line_len != 0);
    if (lines > (SIZE_MAX - 1 - chars) / 2)
        return ENGSCHED_ENOMEM;
    size_t total = chars + 2 * lines;
    char *buf = es_malloc(total + 1);
    if (buf == NULL)
        return ENGSCHED_ENOMEM;

    char *p = buf;
    if (line_len == 0) {
        p += es_base64_encode_to(in, len, p);
    } else {
        size_t per_line = line_len / 4 * 3;
        for (size_t i = 0; i < len; i += per_line) {
            size_t n = len - i < per_line ? len - i : per_line;
            p += es_base64_encode_to(in + i, n, p);
            *p++ = '\r';
            *p++ = '\n';
        }
    }
    *p = '\0';
    *out = buf;
    if (out_len != NULL)
        *out_len = (size_t)(p - buf);
    return ENGSCHED_OK;
}

static int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

engsched_rc es_base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len)
{
    if (out == NULL || out_len == NULL || (text == NULL && len != 0) || len % 4 != 0)
        return ENGSCHED_EINVAL;
    size_t pad = 0;
    if (len != 0 && text[len - 1] == '=')
        pad = text[len - 2] == '=' ? 2 : 1;
    /* Everything before the padding must be in the alphabet. */
    for (size_t i = 0; i < len - pad; i++) {
        if (sextet(text[i]) < 0)
            return ENGSCHED_EINVAL;
    }
    if (pad != 0) {
        /* The bits that the padding leaves unused must be zero. */
        int last = sextet(text[len - pad - 1]);
        if ((pad == 1 && (last & 0x03) != 0) || (pad == 2 && (last & 0x0F) != 0))
            return ENGSCHED_EINVAL;
    }

    size_t size = len / 4 * 3 - pad;
    unsigned char *buf = es_malloc(size + 1);
    if (buf == NULL)
        return ENGSCHED_ENOMEM;
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int s = text[i + k] == '=' ? 0 : sextet(text[i + k]);
            v = (v << 6) | (uint32_t)s;
        }
        *p++ = (unsigned char)(v >> 16);
        if (i + 4 < len || pad < 2)
            *p++ = (unsigned char)(v >> 8);
        if (i + 4 < len || pad < 1)
            *p++ = (unsigned char)v;
    }
    *p = '\0';
    *out = buf;
    *out_len = size;
    return ENGSCHED_OK;
}
