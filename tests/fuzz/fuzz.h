/* Shared by the libFuzzer targets of tests/fuzz (docs/fuzzing.md): the
 * entry points libFuzzer calls, a check that stops the run with a message,
 * an independent UTF-8 decoder for the oracles, and splitting the input
 * into NUL-terminated fields. Everything here is static: each target is
 * one translation unit plus the library. */
#ifndef ENGSCHED_FUZZ_H
#define ENGSCHED_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An oracle failed: say which and stop, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                              \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);       \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* Up to FUZZ_FIELDS NUL-terminated fields cut from the input at 0xFF
 * bytes (a byte UTF-8 never uses, so text fields stay natural), copied
 * into one buffer. A NUL inside a field ends that field's string, as it
 * would for a C caller. Fields past the input's end are "". */
#define FUZZ_FIELDS 12

typedef struct fuzz_fields {
    char *buf;
    const char *f[FUZZ_FIELDS];
    size_t len[FUZZ_FIELDS]; /* bytes before the first NUL */
    size_t n;                /* fields present in the input */
} fuzz_fields;

static inline int fuzz_split(const uint8_t *data, size_t size, fuzz_fields *out)
{
    memset(out, 0, sizeof *out);
    out->buf = malloc(size + FUZZ_FIELDS + 1);
    if (out->buf == NULL)
        return 0;
    char *q = out->buf;
    size_t start = 0;
    for (size_t i = 0; i <= size && out->n < FUZZ_FIELDS; i++) {
        if (i == size || data[i] == 0xFF) {
            memcpy(q, data + start, i - start);
            q[i - start] = '\0';
            out->f[out->n] = q;
            out->len[out->n] = strlen(q);
            out->n++;
            q += i - start + 1;
            start = i + 1;
        }
    }
    for (size_t k = out->n; k < FUZZ_FIELDS; k++)
        out->f[k] = "";
    return 1;
}

static inline void fuzz_fields_free(fuzz_fields *ff)
{
    free(ff->buf);
}

/* An independent strict UTF-8 check (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), written apart from the library's. */
static inline int fuzz_utf8_ok(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned int c = s[i], cp, need;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0)
            need = 1, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            need = 2, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            need = 3, cp = c & 0x07;
        else
            return 0;
        if (i + need >= len)
            return 0;
        for (unsigned int k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const unsigned int min[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Whether text holds a control character: C0 (but tab, CR and LF when
 * breaks are allowed), DEL, or a C1 control U+0080–U+009F. Assumes valid
 * UTF-8. */
static inline int fuzz_has_control(const unsigned char *s, size_t len, int allow_breaks)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 0x7F || (s[i] == 0xC2 && i + 1 < len && s[i + 1] <= 0x9F))
            return 1;
        if (s[i] < 0x20 && !(allow_breaks && (s[i] == '\t' || s[i] == '\r' || s[i] == '\n')))
            return 1;
    }
    return 0;
}

/* A little-endian integer from up to 8 bytes of a field. */
static inline uint64_t fuzz_u64(const char *s, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        v |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return v;
}

#endif
