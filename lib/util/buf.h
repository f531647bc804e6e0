/* One growable text buffer for the whole library. A failed allocation
 * sticks: every later append is refused too, so a writer that ignores
 * one result (jansson ignores the result of writing an object key) can
 * never produce text with a piece missing; check es_buf_failed() once at
 * the end. The text is always NUL-terminated once anything was added. */
#ifndef ENGSCHED_UTIL_BUF_H
#define ENGSCHED_UTIL_BUF_H

#include <stddef.h>

typedef struct es_buf {
    char *data; /* NULL until the first append; owned by the buffer */
    size_t len; /* bytes written, without the NUL */
    size_t cap; /* bytes allocated */
    int failed; /* an allocation failed: the text is incomplete */
} es_buf;

#define ES_BUF_INIT   \
    {                 \
        NULL, 0, 0, 0 \
    }

/* Room for @p n more bytes and the NUL; 0 on failure (which sticks). */
int es_buf_reserve(es_buf *b, size_t n);
/* Append @p n bytes; 0 on success, -1 on failure (which sticks). */
int es_buf_add(es_buf *b, const char *s, size_t n);
/* Append a NUL-terminated string. */
int es_buf_str(es_buf *b, const char *s);
/* Append one byte. */
int es_buf_char(es_buf *b, char c);
/* Whether an append failed. */
int es_buf_failed(const es_buf *b);
/* The text, with ownership: "" (allocated) when nothing was added, NULL
 * when an append failed or memory ran out; the buffer is empty after. */
char *es_buf_take(es_buf *b);
/* Free the text and reset the buffer. */
void es_buf_release(es_buf *b);
/* A jansson json_dump_callback_t writing into an es_buf (@p data). */
int es_buf_json_writer(const char *buffer, size_t size, void *data);

#endif
