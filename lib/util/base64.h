/* Base64 (RFC 4648 §4: the standard alphabet, '=' padding). Used for MIME
 * bodies (iMIP mail) and for binary content in JSON exports. */
#ifndef ENGSCHED_BASE64_H
#define ENGSCHED_BASE64_H

#include <stddef.h>

#include <engsched/engsched.h>

/* Encode len bytes of data. line_len 0 writes one unbroken line (JSON);
 * otherwise line_len must be a positive multiple of 4 and every line,
 * the last included, ends in CRLF (MIME: 76). *out is NUL-terminated and
 * freed with es_free; *out_len (if not NULL) excludes the NUL.
 * EINVAL for a bad line_len, ENOMEM when allocation fails (or the result
 * would not fit in a size_t). */
engsched_rc es_base64_encode(const void *data, size_t len, size_t line_len, char **out,
                             size_t *out_len);

/* The unbroken encoding of len bytes into dst, which has room for
 * ES_BASE64_SIZE(len) characters; no NUL is written. Returns the count. */
#define ES_BASE64_SIZE(len) (((len) / 3 + ((len) % 3 != 0)) * 4)
size_t es_base64_encode_to(const void *data, size_t len, char *dst);

/* Strict decoding of exactly len characters: only the alphabet, length a
 * multiple of 4, '=' only as one or two final pad characters, unused bits
 * zero (the canonical encoding), no whitespace or line breaks. EINVAL for
 * anything else. *out holds *out_len bytes plus a NUL (not counted) and is
 * freed with es_free. On failure *out and *out_len are untouched. */
engsched_rc es_base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len);

#endif
