/* Existing work of an operator: engagements and unavailability in a
 * range, with engagements of clients the viewer cannot see anonymised. */
#include <stdlib.h>
#include <string.h>

#include "core/assignment_record.h"
#include "core/invitation_state.h"
#include "rules/allocation.h"
#include "rules/rules.h"
#include "views/work_list.h"

#define BUSY_LABEL "Busy"

engsched_work_list *es_work_list_new(void)
{
    return es_calloc(1, sizeof(engsched_work_list));
}

void es_work_list_clear(engsched_work_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        es_free(list->items[i].label);
    list->count = 0;
}

void engsched_work_list_free(engsched_work_list *list)
{
    if (list == NULL)
        return;
    es_work_list_clear(list);
    es_free(list->items);
    es_free(list);
}

engsched_rc es_work_list_add(engsched_work_list *list, engsched_work_kind kind, engsched_id id,
                             const char *label, int32_t start_day, int32_t end_day,
                             engsched_status status)
{
    es_work_item *grown = es_grow(list->items, &list->cap, list->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    list->items = grown;
    char *copy = es_strdup(label);
    if (copy == NULL)
        return ENGSCHED_ENOMEM;
    es_work_item *item = &list->items[list->count++];
    *item = (es_work_item){.kind = kind,
                           .id = id,
                           .label = copy,
                           .start_day = start_day,
                           .end_day = end_day,
                           .status = status,
                           .response = ENGSCHED_RESPONSE_NONE,
                           .percent = 100};
    es_date_format(start_day, item->start);
    es_date_format(end_day, item->end);
    return ENGSCHED_OK;
}

engsched_rc es_work_list_append(engsched_work_list *dst, const engsched_work_list *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const es_work_item *from = &src->items[i];
        engsched_rc rc = es_work_list_add(dst, from->kind, from->id, from->label,
                                          from->start_day, from->end_day, from->status);
        if (rc != ENGSCHED_OK)
            return rc;
        es_work_item *to = &dst->items[dst->count - 1];
        to->client = from->client;
        to->response = from->response;
        to->user = from->user;
        to->anonymous = from->anonymous;
        to->percent = from->percent;
        to->tentative = from->tentative;
        to->hidden_status = from->hidden_status;
    }
    return ENGSCHED_OK;
}

/* The firm load of the list's work on each day of [start_day, end_day]. */
static void load_days(const engsched_work_list *list, int32_t start_day, int32_t span,
                      es_day_load *days)
{
    for (size_t i = 0; i < list->count; i++) {
        const es_work_item *item = &list->items[i];
        es_alloc_item one = {item->start_day, item->end_day, item->percent, item->tentative,
                             item->kind == ENGSCHED_WORK_UNAVAILABLE};
        es_alloc_accumulate(&one, 1, start_day, span, days);
    }
}

static int touches_overload(const es_work_item *item, const es_day_load *days, int32_t start_day,
                            int32_t end_day, int percent)
{
    if (item->kind == ENGSCHED_WORK_ENGAGEMENT && item->tentative)
        return 0;
    int32_t from = item->start_day > start_day ? item->start_day : start_day;
    int32_t to = item->end_day < end_day ? item->end_day : end_day;
    for (int32_t d = from; d <= to; d++)
        if (es_alloc_day_overloaded(&days[d - start_day], percent))
            return 1;
    return 0;
}

engsched_rc es_work_list_keep_conflicts(engsched_work_list *list, int32_t start_day,
                                        int32_t end_day, int percent)
{
    if (list->count == 0)
        return ENGSCHED_OK;
    int32_t span = end_day - start_day + 1;
    es_day_load *days = es_calloc((size_t)span, sizeof *days);
    if (days == NULL)
        return ENGSCHED_ENOMEM;
    load_days(list, start_day, span, days);
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++) {
        es_work_item *item = &list->items[i];
        if (!touches_overload(item, days, start_day, end_day, percent)) {
            es_free(item->label);
            continue;
        }
        list->items[kept++] = *item;
    }
    list->count = kept;
    es_free(days);
    return ENGSCHED_OK;
}

static int compare_items(const void *pa, const void *pb)
{
    const es_work_item *a = pa, *b = pb;
    if (a->start_day != b->start_day)
        return a->start_day < b->start_day ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->end_day != b->end_day)
        return a->end_day < b->end_day ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

void es_work_list_sort(engsched_work_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof list->items[0], compare_items);
}

size_t engsched_work_list_count(const engsched_work_list *list)
{
    return list ? list->count : 0;
}

engsched_rc engsched_work_list_item(const engsched_work_list *list, size_t index,
                                    engsched_work_kind *out_kind, engsched_id *out_id,
                                    const char **out_label, const char **out_start,
                                    const char **out_end, engsched_status *out_status)
{
    if (list == NULL)
        return ENGSCHED_EMISUSE;
    if (index >= list->count)
        return ENGSCHED_EINVAL;
    const es_work_item *item = &list->items[index];
    if (out_kind)
        *out_kind = item->kind;
    if (out_id)
        *out_id = item->id;
    if (out_label)
        *out_label = item->label;
    if (out_start)
        *out_start = item->start;
    if (out_end)
        *out_end = item->end;
    if (out_status)
        *out_status = item->status;
    return ENGSCHED_OK;
}

typedef struct work_ctx {
    const engsched *db;
    engsched_id skip;
    engsched_work_list *list;
} work_ctx;

static engsched_rc add_engagement(void *ctx, const engsched_rec_engagement *row)
{
    work_ctx *w = ctx;
    if (row->id == w->skip)
        return ENGSCHED_OK;
    engsched_rc rc = es_work_list_add(w->list, ENGSCHED_WORK_ENGAGEMENT, row->id, row->name,
                                      row->start_day, row->end_day,
                                      (engsched_status)row->status);
    if (rc == ENGSCHED_OK)
        w->list->items[w->list->count - 1].client = row->client;
    return rc;
}

static engsched_rc add_allocation(void *ctx, const engsched_rec_assignment *row,
                                  const engsched_rec_engagement *e)
{
    work_ctx *w = ctx;
    if (e->id == w->skip)
        return ENGSCHED_OK;
    engsched_rec_assignment a;
    es_assignment_read(w->db, row, e->start_day, e->end_day, &a);
    engsched_rc rc = es_work_list_add(w->list, ENGSCHED_WORK_ENGAGEMENT, e->id, e->name,
                                      a.window_start, a.window_end, (engsched_status)e->status);
    if (rc != ENGSCHED_OK)
        return rc;
    es_work_item *item = &w->list->items[w->list->count - 1];
    item->client = e->client;
    item->percent = a.percent;
    item->tentative = a.tentative;
    return ENGSCHED_OK;
}

static engsched_rc add_unavailability(void *ctx, const engsched_rec_unavailability *row)
{
    work_ctx *w = ctx;
    return es_work_list_add(w->list, ENGSCHED_WORK_UNAVAILABLE, row->id, row->reason,
                            row->start_day, row->end_day, (engsched_status)0);
}

engsched_rc engsched_work_list_item_allocation(const engsched_work_list *list, size_t index,
                                               int *out_percent, int *out_tentative)
{
    if (list == NULL || index >= list->count)
        return ENGSCHED_EINVAL;
    const es_work_item *item = &list->items[index];
    /* Of a Busy block, only its dates; unavailability is no allocation. */
    int shown = item->kind == ENGSCHED_WORK_ENGAGEMENT && !item->anonymous;
    if (out_percent)
        *out_percent = shown ? item->percent : 0;
    if (out_tentative)
        *out_tentative = shown ? item->tentative : 0;
    return ENGSCHED_OK;
}

engsched_id engsched_work_list_item_user(const engsched_work_list *list, size_t index)
{
    if (list == NULL || index >= list->count)
        return 0;
    return list->items[index].user;
}

engsched_response engsched_work_list_item_response(const engsched_work_list *list, size_t index)
{
    if (list == NULL || index >= list->count)
        return ENGSCHED_RESPONSE_NONE;
    return list->items[index].response;
}

/* The operator's answer on each engagement, from their series; read
 * after the queries, like anonymise(). A store without series has none. */
static engsched_rc load_responses(engsched *db, engsched_id user, engsched_work_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        es_work_item *item = &list->items[i];
        int64_t at = 0;
        engsched_rc rc = item->kind == ENGSCHED_WORK_ENGAGEMENT
                             ? es_series_response(db, item->id, user, &item->response, &at)
                             : ENGSCHED_OK;
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

/* Decided after the queries: a backend is not called from inside its own
 * row callback. */
static engsched_rc anonymise(engsched *db, const es_actor *viewer, engsched_work_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        es_work_item *item = &list->items[i];
        if (item->kind != ENGSCHED_WORK_ENGAGEMENT)
            continue;
        int access = 0;
        engsched_rc rc = es_actor_has_access(db, viewer, item->client, &access);
        if (rc != ENGSCHED_OK)
            return rc;
        if (es_authorize(viewer->is_system, viewer->permissions, access, ES_OP_VIEW,
                         ENGSCHED_REPORT_NONE) == ENGSCHED_OK)
            continue;
        char *busy = es_strdup(BUSY_LABEL);
        if (busy == NULL)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory listing work");
        es_free(item->label);
        item->label = busy;
        item->id = 0;
        item->client = 0;
        /* Nothing of a Busy item but its dates: its status (and the colour
         * a UI draws from it) would tell a pending request from work under
         * review on a client the viewer may not know of. */
        item->hidden_status = item->status;
        item->anonymous = 1;
        item->status = (engsched_status)0;
        item->response = ENGSCHED_RESPONSE_NONE;
    }
    return ENGSCHED_OK;
}

static engsched_rc collect_rows(engsched *db, engsched_id user, unsigned int statuses,
                                engsched_id skip, int32_t start_day, int32_t end_day,
                                engsched_work_list *list)
{
    work_ctx w = {db, skip, list};
    size_t first = list->count;
    engsched_rc rc = ENGSCHED_OK;
    if (statuses != 0 && db->allocations)
        rc = db->storage->operator_allocations(db->storage, user, statuses, start_day, end_day,
                                               add_allocation, &w);
    else if (statuses != 0)
        rc = db->storage->operator_work(db->storage, user, statuses, start_day, end_day,
                                        add_engagement, &w);
    if (rc == ENGSCHED_OK)
        rc = db->storage->unavailability_list(db->storage, user, start_day, end_day,
                                              add_unavailability, &w);
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(db, rc, "out of memory listing work");
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "listing work");
    for (size_t i = first; i < list->count; i++)
        list->items[i].user = user;
    return ENGSCHED_OK;
}

engsched_rc es_collect_load(engsched *db, engsched_id user, unsigned int statuses,
                            int32_t start_day, int32_t end_day, engsched_work_list *list)
{
    return collect_rows(db, user, statuses, 0, start_day, end_day, list);
}

engsched_rc es_work_list_finish(engsched *db, const es_actor *viewer, engsched_id user,
                                engsched_work_list *list)
{
    engsched_rc rc;
    if ((rc = load_responses(db, user, list)) != ENGSCHED_OK ||
        (rc = anonymise(db, viewer, list)) != ENGSCHED_OK)
        return rc;
    es_work_list_sort(list);
    return ENGSCHED_OK;
}

engsched_rc es_collect_work(engsched *db, const es_actor *viewer, engsched_id user,
                            unsigned int statuses, engsched_id skip, int32_t start_day,
                            int32_t end_day, engsched_work_list *list)
{
    engsched_rc rc = collect_rows(db, user, statuses, skip, start_day, end_day, list);
    return rc != ENGSCHED_OK ? rc : es_work_list_finish(db, viewer, user, list);
}
