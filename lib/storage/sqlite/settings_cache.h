/* A backend's copy of the settings table: a handful of key/value pairs
 * read in one statement and kept between transactions for as long as the
 * backend can tell that the store has not changed (the version token is
 * the backend's: SQLite's PRAGMA data_version). */
#ifndef ENGSCHED_SETTINGS_CACHE_H
#define ENGSCHED_SETTINGS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

typedef struct es_setting_pair {
    char *key;
    char *value;
} es_setting_pair;

typedef struct es_settings_cache {
    es_setting_pair *pairs;
    size_t count;
    size_t cap;
    int64_t version; /* the backend's token for the contents */
    int valid;       /* the pairs are the whole table as of version */
} es_settings_cache;

/* Forget every pair (valid becomes 0); the cache can be filled again. */
void es_settings_cache_clear(es_settings_cache *c);

/* Append a copy of one row while filling. ENOMEM (the cache is then
 * cleared) or OK. */
engsched_rc es_settings_cache_add(es_settings_cache *c, const char *key, const char *value);

/* The value of key, valid until the cache is cleared, or NULL if the
 * table has no such row. */
const char *es_settings_cache_find(const es_settings_cache *c, const char *key);

#endif
