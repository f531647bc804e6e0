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
