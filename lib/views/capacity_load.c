/* What capacity reads, by groups of operators: see views/capacity_load.h. */
#include <string.h>

#include "core/assignment_record.h"
#include "views/capacity_load.h"

#define ENGAGEMENT_CHUNK 256

static int32_t span_of(const es_capacity_load *l) { return l->last - l->first + 1; }

/* --- the viewer's clients ------------------------------------------------ */

static engsched_rc add_client(void *ctx, const engsched_rec_client *row)
{
    return es_ids_push(ctx, row->id) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

/* Whether the viewer may see engagements of @p client (the scope rule of
 * engsched_storage_query::scope_user). */
static int sees_client(const es_capacity_load *l, engsched_id client)
{
    return l->scope == 0 || es_ids_has(&l->clients, client);
}

engsched_rc es_capacity_load_init(es_capacity_load *l)
{
    engsched *db = l->db;
    if ((l->work = es_work_list_new()) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening capacity");
    if (l->scope == 0 || !db->range_staffing)
        return ENGSCHED_OK;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->access_list(db->storage, l->scope, add_client, &l->clients);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory reading client access");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading client access");
    rc = es_finish(db, rc);
    es_ids_sort(&l->clients);
    return rc;
}

static void clear_group(es_capacity_load *l)
{
    for (size_t i = 0; i < l->count; i++)
        es_free(l->ops[i].name);
    l->count = 0;
}

void es_capacity_load_clear(es_capacity_load *l)
{
    clear_group(l);
    es_free(l->ops);
    es_free(l->days);
    es_free(l->slots);
    es_ids_release(&l->clients);
    engsched_work_list_free(l->work);
}

/* --- demand ---------------------------------------------------------------- */

/* Start counting the staffing of engagement @p id on [start, end]; its
 * demand goes into the totals at staffing_end() when @p counts. */
static void staffing_begin(es_capacity_load *l, engsched_id id, int32_t start, int32_t end,
                           int counts)
{
    l->staffing_id = id;
    l->staffing_start = start > l->first ? start : l->first;
    l->staffing_end = end < l->last ? end : l->last;
    l->staffing_counts = counts;
    for (int32_t d = l->staffing_start; d <= l->staffing_end; d++)
        l->firm[d - l->first] = l->held[d - l->first] = 0;
}

static void staffing_add(es_capacity_load *l, const engsched_rec_assignment *a)
{
    int32_t from = a->window_start > l->first ? a->window_start : l->first;
    int32_t to = a->window_end < l->last ? a->window_end : l->last;
    int *share = a->tentative ? l->held : l->firm;
    for (int32_t d = from; d <= to; d++)
        share[d - l->first] += a->percent;
}

/* The demand of the engagement counted, less its staff, into the totals. */
static void staffing_end(es_capacity_load *l)
{
    if (l->staffing_id == 0 || !l->staffing_counts)
        return;
    for (int32_t d = l->staffing_start; d <= l->staffing_end; d++) {
        int i = d - l->first;
        es_capacity_add_demand_day(l->working[i], l->firm[i], l->held[i],
                                   l->total[l->bucket_of[i]]);
    }
}

typedef struct demand_row {
    engsched_id id;
    int32_t start_day;
    int32_t end_day;
} demand_row;

typedef struct demand_chunk {
    es_capacity_load *load;
    demand_row rows[ENGAGEMENT_CHUNK];
    unsigned int count;
    const demand_row *current;
} demand_chunk;

static engsched_rc collect_engagement(void *ctx, const engsched_rec_engagement *row)
{
    demand_chunk *ch = ctx;
    if (ch->count < ENGAGEMENT_CHUNK)
        ch->rows[ch->count++] = (demand_row){row->id, row->start_day, row->end_day};
    return ENGSCHED_OK;
}

static engsched_rc add_staff(void *ctx, const engsched_rec_assignment *row)
{
    demand_chunk *ch = ctx;
    engsched_rec_assignment a;
    es_assignment_read(ch->load->db, row, ch->current->start_day, ch->current->end_day, &a);
    staffing_add(ch->load, &a);
    return ENGSCHED_OK;
}

/* One engagement of the one-by-one path, with its assignments. */
static engsched_rc demand_of(demand_chunk *ch, const demand_row *r)
{
    es_capacity_load *l = ch->load;
    /* It counts: the query applied the statuses and the scope. */
    staffing_begin(l, r->id, r->start_day, r->end_day, 1);
    ch->current = r;
    engsched_rc rc = l->db->storage->assignment_list(l->db->storage, r->id, add_staff, ch);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(l->db, rc, "reading the operators of an engagement");
    staffing_end(l);
    return ENGSCHED_OK;
}

static engsched_rc demand_chunk_read(demand_chunk *ch, const engsched_storage_query *q)
{
    engsched *db = ch->load->db;
    ch->count = 0;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->engagement_query(db->storage, q, collect_engagement, ch);
    if (rc != ENGSCHED_OK)
        rc = es_storage_fail(db, rc, "reading the engagements of the range");
    for (unsigned int i = 0; rc == ENGSCHED_OK && i < ch->count; i++)
        rc = demand_of(ch, &ch->rows[i]);
    return es_finish(db, rc);
}

engsched_rc es_capacity_load_demand(es_capacity_load *l)
{
    if (l->demand_done)
        return ENGSCHED_OK;
    demand_chunk *ch = es_calloc(1, sizeof *ch);
    if (ch == NULL)
        return es_fail(l->db, ENGSCHED_ENOMEM, "out of memory reading the demand");
    ch->load = l;
    engsched_storage_query q;
    memset(&q, 0, sizeof q);
    q.statuses = ES_CAPACITY_DEMAND_STATUSES;
    q.scope_user = l->scope;
    q.has_range = 1;
    q.range_start = l->first;
    q.range_end = l->last;
    q.sort = ENGSCHED_SORT_START;
    q.limit = ENGAGEMENT_CHUNK;
    engsched_rc rc;
    while ((rc = demand_chunk_read(ch, &q)) == ENGSCHED_OK && ch->count == ENGAGEMENT_CHUNK) {
        const demand_row *last = &ch->rows[ch->count - 1];
        q.has_after = 1;
        q.after_int = last->start_day;
        q.after_id = last->id;
    }
    es_free(ch);
    l->demand_done = rc == ENGSCHED_OK;
    return rc;
}

/* --- the operators' loads -------------------------------------------------- */

static es_day_load *days_of(const es_capacity_load *l, size_t i)
{
    return &l->days[i * (size_t)span_of(l)];
}

const es_day_load *es_capacity_load_days(const es_capacity_load *l, size_t i)
{
    return days_of(l, i);
}

/* The group's index of @p user, or -1 when it is not in the group. */
static long index_of_user(const es_capacity_load *l, engsched_id user)
{
    const es_id_slot *hit = es_id_slots_find(l->slots, l->count, user);
    return hit == NULL ? -1 : (long)hit->at;
}

static engsched_rc allocate_group(es_capacity_load *l)
{
    if (l->ops != NULL)
        return ENGSCHED_OK;
    l->ops = es_calloc(ES_CAPACITY_GROUP, sizeof *l->ops);
    l->days = es_calloc((size_t)ES_CAPACITY_GROUP * (size_t)span_of(l), sizeof *l->days);
    l->slots = es_calloc(ES_CAPACITY_GROUP, sizeof *l->slots);
    if (l->ops == NULL || l->days == NULL || l->slots == NULL)
        return es_fail(l->db, ENGSCHED_ENOMEM, "out of memory reading operators");
    return ENGSCHED_OK;
}

/* Take up to ES_CAPACITY_GROUP operators from @p src into the group. */
static engsched_rc take_operators(es_capacity_load *l, es_operator_source *src)
{
    clear_group(l);
    while (l->count < ES_CAPACITY_GROUP) {
        const es_operator *op = NULL;
        engsched_rc rc = es_operator_source_next(src, &op);
        if (rc != ENGSCHED_OK)
            return rc;
        if (op == NULL)
            break;
        char *name = es_strdup(op->name);
        if (name == NULL)
            return es_fail(l->db, ENGSCHED_ENOMEM, "out of memory reading operators");
        l->ops[l->count++] = (es_operator){op->id, name};
    }
    for (size_t i = 0; i < l->count; i++)
        l->slots[i] = (es_id_slot){l->ops[i].id, i};
    es_id_slots_sort(l->slots, l->count);
    memset(l->days, 0, l->count * (size_t)span_of(l) * sizeof *l->days);
    return ENGSCHED_OK;
}

static void load_add(es_capacity_load *l, size_t who, const es_alloc_item *item)
{
    es_alloc_accumulate(item, 1, l->first, span_of(l), days_of(l, who));
}

/* A row of range_staffing(): an operator's load, and the staffing of its
 * engagement, whose rows come together. */
static engsched_rc staffing_row(void *ctx, const engsched_rec_assignment *row,
                                const engsched_rec_engagement *e)
{
    es_capacity_load *l = ctx;
    if (e->id != l->staffing_id) {
        staffing_end(l);
        staffing_begin(l, e->id, e->start_day, e->end_day,
                       !l->demand_done &&
                           (ENGSCHED_STATUS_BIT(e->status) & ES_CAPACITY_DEMAND_STATUSES) &&
                           sees_client(l, e->client));
    }
    if (row == NULL)
        return ENGSCHED_OK;
    engsched_rec_assignment a;
    es_assignment_read(l->db, row, e->start_day, e->end_day, &a);
    if (l->staffing_counts)
        staffing_add(l, &a);
    long who = index_of_user(l, a.user);
    if (who >= 0) {
        es_alloc_item item = {a.window_start, a.window_end, a.percent, a.tentative, 0};
        load_add(l, (size_t)who, &item);
    }
    return ENGSCHED_OK;
}

static engsched_rc absence_row(void *ctx, const engsched_rec_unavailability *row)
{
    es_capacity_load *l = ctx;
    long who = index_of_user(l, row->user);
    es_alloc_item item = {row->start_day, row->end_day, ES_ALLOC_FULL, 0, 1};
    if (who >= 0)
        load_add(l, (size_t)who, &item);
    return ENGSCHED_OK;
}

/* The group's loads in one read of the range, and the demand with them
 * the first time. */
static engsched_rc read_in_one(es_capacity_load *l)
{
    engsched *db = l->db;
    engsched_rc rc = db->storage->range_staffing(db->storage, ES_LOAD_STATUSES, l->first, l->last,
                                                 0, staffing_row, l);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the staffing of the range");
    staffing_end(l);
    l->staffing_id = 0;
    l->demand_done = 1;
    rc = db->storage->range_unavailability(db->storage, l->first, l->last, absence_row, l);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the unavailability of the range");
    return ENGSCHED_OK;
}

/* The group's loads one operator at a time (es_collect_load()). */
static engsched_rc read_one_by_one(es_capacity_load *l)
{
    for (size_t i = 0; i < l->count; i++) {
        es_work_list_clear(l->work);
        engsched_rc rc =
            es_collect_load(l->db, l->ops[i].id, ES_LOAD_STATUSES, l->first, l->last, l->work);
        if (rc != ENGSCHED_OK)
            return rc;
        for (size_t k = 0; k < l->work->count; k++) {
            const es_work_item *w = &l->work->items[k];
            es_alloc_item item = {w->start_day, w->end_day, w->percent, w->tentative,
                                  w->kind == ENGSCHED_WORK_UNAVAILABLE};
            load_add(l, i, &item);
        }
    }
    return ENGSCHED_OK;
}

engsched_rc es_capacity_load_group(es_capacity_load *l, es_operator_source *src)
{
    engsched_rc rc = allocate_group(l);
    if (rc == ENGSCHED_OK)
        rc = take_operators(l, src);
    if (rc != ENGSCHED_OK || l->count == 0)
        return rc;
    if ((rc = es_begin(l->db, 0)) != ENGSCHED_OK)
        return rc;
    rc = l->db->range_staffing ? read_in_one(l) : read_one_by_one(l);
    return es_finish(l->db, rc);
}
