/* The settings table kept by a backend between transactions
 * (settings_cache.h). A linear search: the table has a dozen keys. */
#include "settings_cache.h"

#include <string.h>

#include "alloc.h"

void es_settings_cache_clear(es_settings_cache *c)
{
    for (size_t i = 0; i < c->count; i++) {
        es_free(c->keys[i]);
        es_free(c->values[i]);
    }
    es_free(c->keys);
    es_free(c->values);
    memset(c, 0, sizeof *c);
}

static int grow(es_settings_cache *c)
{
    size_t cap = c->cap ? c->cap * 2 : 16;
    char **keys = es_realloc(c->keys, cap * sizeof *keys);
    if (keys == NULL)
        return 0;
    c->keys = keys;
    char **values = es_realloc(c->values, cap * sizeof *values);
    if (values == NULL)
        return 0;
    c->values = values;
    c->cap = cap;
    return 1;
}

engsched_rc es_settings_cache_add(es_settings_cache *c, const char *key, const char *value)
{
    if (c->count == c->cap && !grow(c))
        goto oom;
    char *k = es_strdup(key), *v = es_strdup(value);
    if (k == NULL || v == NULL) {
        es_free(k);
        es_free(v);
        goto oom;
    }
    c->keys[c->count] = k;
    c->values[c->count] = v;
    c->count++;
    return ENGSCHED_OK;
oom:
    es_settings_cache_clear(c);
    return ENGSCHED_ENOMEM;
}

const char *es_settings_cache_find(const es_settings_cache *c, const char *key)
{
    for (size_t i = 0; i < c->count; i++) {
        if (strcmp(c->keys[i], key) == 0)
            return c->values[i];
    }
    return NULL;
}
