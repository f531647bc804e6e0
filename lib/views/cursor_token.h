/* Page tokens: where a List walk stopped, bound to its query. */
#ifndef ENGSCHED_CURSOR_TOKEN_H
#define ENGSCHED_CURSOR_TOKEN_H

#include <stdint.h>

#include "core/internal.h"

typedef struct es_token {
    uint64_t fingerprint;
    int64_t key_int;    /* the sort key for integer keys */
    char *key_text;     /* the sort key for names (owned) */
    engsched_id id;
} es_token;

/* "es1.<fingerprint>.<key>.<id>.<check>", all lower-case hex; text keys
 * hex-encoded so the token is URL-safe as it is. NULL when out of memory. */
char *es_token_encode(const es_token *t, int text_key);
/* ENGSCHED_EINVAL for anything malformed or with a bad check value. */
engsched_rc es_token_decode(const char *text, int text_key, es_token *out);

#endif
