/* The growable text buffer (util/buf.h). */
#include "util/buf.h"

#include <stdint.h>
#include <string.h>

#include "util/alloc.h"

int es_buf_reserve(es_buf *b, size_t n)
{
    if (b->failed)
        return 0;
    if (b->cap > b->len && b->cap - b->len > n)
        return 1;
    if (n >= SIZE_MAX - b->len) {
        b->failed = 1;
        return 0;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= n || cap < b->len) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    char *grown = es_realloc(b->data, cap);
    if (grown == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = grown;
    b->cap = cap;
    return 1;
}

int es_buf_add(es_buf *b, const char *s, size_t n)
{
    if (!es_buf_reserve(b, n))
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int es_buf_str(es_buf *b, const char *s) { return es_buf_add(b, s, strlen(s)); }

int es_buf_char(es_buf *b, char c) { return es_buf_add(b, &c, 1); }

int es_buf_failed(const es_buf *b) { return b->failed; }

char *es_buf_take(es_buf *b)
{
    if (!b->failed && b->data == NULL)
        es_buf_add(b, "", 0);
    char *text = b->failed ? NULL : b->data;
    if (text == NULL)
        es_free(b->data);
    *b = (es_buf)ES_BUF_INIT;
    return text;
}

void es_buf_release(es_buf *b)
{
    es_free(b->data);
    *b = (es_buf)ES_BUF_INIT;
}

int es_buf_json_writer(const char *buffer, size_t size, void *data)
{
    return es_buf_add(data, buffer, size);
}
