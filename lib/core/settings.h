/* Tenant settings: stored in the store, validated on the way in, with a
 * default for every key so a new store works as it is. */
#ifndef ENGSCHED_SETTINGS_H
#define ENGSCHED_SETTINGS_H

#include "core/internal.h"

#define ES_SETTING_MAX 65536

/* Inside a transaction: the value or the default, copied to library
 * memory (es_free). */
engsched_rc es_setting_read(engsched *db, const char *key, char **out);
engsched_rc es_setting_int(engsched *db, const char *key, int64_t *out);
/* Whether @p key is a setting the library knows. */
int es_setting_known(const char *key);
/* Whether @p key holds a secret (a signing key): set, never read back. */
int es_setting_is_secret(const char *key);
/* The known keys in table order, for walking them all; NULL past the end. */
const char *es_setting_key_at(size_t index);
/* Validate a value for @p key (EINVAL naming the key, or OK). */
engsched_rc es_setting_check(engsched *db, const char *key, const char *value);
/* The store identity (setting store_id): 128 random bits as hex, made
 * with the store and part of every invitation UID and Message-ID, so that
 * no two stores or tenants share one. A restore into an empty store
 * (engsched_import_json) takes the exported store's identity: it is the
 * same store, and its operators' calendars already hold its UIDs. */
#define ES_STORE_ID_LEN 32
/* The key of page tokens (setting page_token_key, a secret): 32 random
 * bytes as hex, made with the store like its identity, so that every
 * handle of a store seals and opens the same tokens. A restore with
 * secrets takes the exported key, and the old store's tokens work on it.
 * In a write transaction: give the store an identity and a page token
 * key if it has none (an older store gets its key here too). */
engsched_rc es_store_identity_seed(engsched *db);

/* Today's day number in the tenant time zone at @now. */
engsched_rc es_today(engsched *db, int64_t now, int32_t *out_day);

#endif
