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
/* Sort the list ascending, for es_ids_has(). */
void es_ids_sort(es_ids *list);
/* Whether the sorted @p list holds @p id (an empty list holds none). */
int es_ids_has(const es_ids *list, int64_t id);

/* An id with a position: a sorted array of them maps ids to rows. */
typedef struct es_id_slot {
    int64_t id;
    size_t at;
} es_id_slot;

void es_id_slots_sort(es_id_slot *slots, size_t count);
/* The slot of @p id in the sorted @p slots, or NULL. */
const es_id_slot *es_id_slots_find(const es_id_slot *slots, size_t count, int64_t id);

#endif
