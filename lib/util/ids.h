/* A growing list of ids: what a row callback gathers so that the backend
 * is asked again only after its own iteration ended. */
#ifndef ENGSCHED_UTIL_IDS_H
#define ENGSCHED_UTIL_IDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_ids {
    int64_t *ids;
    size_t count;
    size_t cap;
} es_ids;

#define ES_IDS_INIT {NULL, 0, 0}

/* Append @p id; 0 when out of memory (the list is as it was). */
int es_ids_push(es_ids *list, int64_t id);
void es_ids_release(es_ids *list);

#endif
