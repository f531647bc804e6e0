/* Page tokens: where a List walk stopped, sealed for its store, query and
 * user. */
#ifndef ENGSCHED_CURSOR_TOKEN_H
#define ENGSCHED_CURSOR_TOKEN_H

#include <stdint.h>

#include "core/internal.h"
#include "core/settings.h"

typedef struct es_token {
    uint64_t fingerprint;
    int64_t key_int; /* the sort key for integer keys */
    char *key_text;  /* the sort key for names (owned) */
    engsched_id id;
} es_token;

/* What seals a handle's tokens: the store's page token key (or the
 * handle's own, see es_token_seal_load) and the store's identity. */
typedef struct es_token_seal {
    unsigned char key[ES_SEAL_KEY_BYTES];
    char store_id[ES_STORE_ID_LEN + 1];
} es_token_seal;

/* Inside a transaction: the setting page_token_key and store_id. A store
 * without a key (a read-only handle of a store no writable handle of this
 * library has opened yet) seals with a random key of the handle's own,
 * so its tokens resume on that handle only. Wipe with es_wipe(). */
engsched_rc es_token_seal_load(engsched *db, es_token_seal *out);

/* "es2." and URL-safe base64 without padding of the XChaCha20-Poly1305
 * box of (id, key): the associated data binds it to the store, the query
 * fingerprint t->fingerprint and @p actor. Text keys are padded to a
 * multiple of 32 bytes, so the length says little about the name. NULL
 * when out of memory or libsodium is not ready. */
char *es_token_encode(const es_token_seal *seal, engsched_id actor, const es_token *t,
                      int text_key);
/* ENGSCHED_EINVAL for anything not sealed by es_token_encode() with the
 * same seal, @p fingerprint, @p actor and kind of key; ENGSCHED_ENOMEM. */
engsched_rc es_token_decode(const es_token_seal *seal, engsched_id actor, uint64_t fingerprint,
                            const char *text, int text_key, es_token *out);

#endif
