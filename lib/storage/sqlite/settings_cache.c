/* The settings table kept by a backend between transactions
 * (settings_cache.h). A linear search: the table has a dozen keys. */
#include "storage/sqlite/settings_cache.h"

#include <string.h>

#include "util/alloc.h"

void es_settings_cache_clear(es_settings_cache *c)
{
    for (size_t i = 0; i < c->count; i++) {
        es_free(c->pairs[i].key);
        es_free(c->pairs[i].value);
    }
    es_free(c->pairs);
    memset(c, 0, sizeof *c);
}

engsched_rc es_settings_cache_add(es_settings_cache *c, const char *key, const char *value)
{
    es_setting_pair *grown = es_grow(c->pairs, &c->cap, c->count, sizeof *grown);
    if (grown == NULL)
        goto oom;
    c->pairs = grown;
    es_setting_pair pair = {es_strdup(key), es_strdup(value)};
    if (pair.key == NULL || pair.value == NULL) {
        es_free(pair.key);
        es_free(pair.value);
        goto oom;
    }
    c->pairs[c->count++] = pair;
    return ENGSCHED_OK;
oom:
    es_settings_cache_clear(c);
    return ENGSCHED_ENOMEM;
}

const char *es_settings_cache_find(const es_settings_cache *c, const char *key)
{
    for (size_t i = 0; i < c->count; i++) {
        if (strcmp(c->pairs[i].key, key) == 0)
            return c->pairs[i].value;
    }
    return NULL;
}
