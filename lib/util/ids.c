#include <stdlib.h>

#include "util/alloc.h"
#include "util/ids.h"

int es_ids_push(es_ids *list, int64_t id)
{
    int64_t *grown = es_grow(list->ids, &list->cap, list->count, sizeof *grown);
    if (grown == NULL)
        return 0;
    list->ids = grown;
    list->ids[list->count++] = id;
    return 1;
}

void es_ids_release(es_ids *list)
{
    es_free(list->ids);
    *list = (es_ids)ES_IDS_INIT;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void es_ids_sort(es_ids *list)
{
    if (list->count > 1)
        qsort(list->ids, list->count, sizeof *list->ids, cmp_id);
}

/* bsearch() over no elements still needs a valid base: ask only when
 * there are some. */
int es_ids_has(const es_ids *list, int64_t id)
{
    return list->count > 0 &&
           bsearch(&id, list->ids, list->count, sizeof id, cmp_id) != NULL;
}

static int cmp_slot(const void *a, const void *b)
{
    return cmp_id(&((const es_id_slot *)a)->id, &((const es_id_slot *)b)->id);
}

void es_id_slots_sort(es_id_slot *slots, size_t count)
{
    if (count > 1)
        qsort(slots, count, sizeof *slots, cmp_slot);
}

const es_id_slot *es_id_slots_find(const es_id_slot *slots, size_t count, int64_t id)
{
    es_id_slot key = {id, 0};
    return count > 0 ? bsearch(&key, slots, count, sizeof key, cmp_slot) : NULL;
}
