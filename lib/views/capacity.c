/* Capacity in week or month buckets (include/engsched/capacity.h): the
 * operators are the Availability view's (views/operators.c), one at a
 * time, with the rows of their work alone (es_collect_load(): capacity
 * names nothing, so it needs neither anonymity nor answers), folded into
 * per-bucket figures at once; the demand comes from
 * the Pending and Scheduled engagements of the range, read in chunks with
 * their assignments. Everything held is sized by the range, never by the
 * store. */
#include <string.h>

#include "core/assignment_record.h"
#include "core/validate.h"
#include "core/view_scope.h"
#include "rules/capacity.h"
#include "rules/rules.h"
#include "views/operators.h"
#include "views/work_list.h"
#include "views/working_days.h"

#define ENGAGEMENT_CHUNK 256
#define DEMAND_STATUSES \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) | ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED))

typedef enum phase { PHASE_OPERATORS, PHASE_TOTALS, PHASE_DONE } phase;

typedef struct demand_row {
    engsched_id id;
    int32_t start_day;
    int32_t end_day;
} demand_row;

struct engsched_capacity {
    engsched *db;
    es_operator_source operators;
    engsched_work_list *work; /* the current operator's */
    engsched_id scope;
    int32_t first;
    int32_t last;
    int per_operator;
    phase phase;
    engsched_rc failed; /* a failed next() fails every later one */
    unsigned char working[ENGSCHED_RANGE_MAX_DAYS];
    unsigned char bucket_of[ENGSCHED_RANGE_MAX_DAYS];
    es_capacity_bucket buckets[ES_CAPACITY_MAX_BUCKETS];
    size_t bucket_count;
    int64_t mine[ES_CAPACITY_MAX_BUCKETS][ES_CAPACITY_MEASURES]; /* the current operator */
    int64_t total[ES_CAPACITY_MAX_BUCKETS][ES_CAPACITY_MEASURES];
    size_t pos; /* the next bucket to return of the operator or of the totals */
    engsched_id user;
    const char *name; /* the operator source's, valid until its next() */
    const int64_t *current;
    char bucket_start[ES_DATE_LEN];
    char bucket_end[ES_DATE_LEN];
    /* demand: one chunk of engagements, and the staffing of one of them */
    demand_row chunk[ENGAGEMENT_CHUNK];
    unsigned int chunk_count;
    const demand_row *staffing; /* the engagement whose assignments are being read */
    int firm[ENGSCHED_RANGE_MAX_DAYS];
    int held[ENGSCHED_RANGE_MAX_DAYS];
};

engsched_rc engsched_capacity_options_init(engsched_capacity_options *opts, unsigned int version)
{
    if (opts == NULL || version != ENGSCHED_CAPACITY_OPTIONS_VERSION)
        return ENGSCHED_EMISUSE;
    *opts = (engsched_capacity_options)ENGSCHED_CAPACITY_OPTIONS_INIT;
    return ENGSCHED_OK;
}

void engsched_capacity_free(engsched_capacity *c)
{
    if (c == NULL)
        return;
    es_operator_source_clear(&c->operators);
    engsched_work_list_free(c->work);
    es_free(c);
}

static engsched_rc check_options(engsched *db, const engsched_capacity_options *opts)
{
    if (opts == NULL)
        return ENGSCHED_OK;
    if (opts->version != ENGSCHED_CAPACITY_OPTIONS_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "opts: version %u is not %d", opts->version,
                       ENGSCHED_CAPACITY_OPTIONS_VERSION);
    if (!es_capacity_bucket_valid((int)opts->bucket))
        return es_fail(db, ENGSCHED_EINVAL, "bucket: unknown bucket %d", (int)opts->bucket);
    return ENGSCHED_OK;
}

/* The buckets of the range and, for each day, the bucket it falls in. */
static void split_range(engsched_capacity *c, engsched_bucket kind)
{
    c->bucket_count =
        es_capacity_buckets((int)kind, c->first, c->last, c->buckets, ES_CAPACITY_MAX_BUCKETS);
    for (size_t b = 0; b < c->bucket_count; b++)
        for (int32_t d = c->buckets[b].first; d <= c->buckets[b].last; d++)
            c->bucket_of[d - c->first] = (unsigned char)b;
}

/* The working days and the actor's client scope, in one read transaction. */
static engsched_rc read_calendar(engsched_capacity *c, engsched_id actor)
{
    es_actor viewer;
    engsched_rc rc = es_begin(c->db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_view_scope(c->db, actor, ES_OP_VIEW_AVAILABILITY, &viewer, &c->scope);
    if (rc == ENGSCHED_OK)
        rc = es_working_days(c->db, c->first, c->last, c->working);
    return es_finish(c->db, rc);
}

engsched_rc engsched_capacity_open(engsched *db, engsched_id actor, const char *start,
                                   const char *end, const engsched_capacity_options *opts,
                                   engsched_capacity **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_rc rc = check_options(db, opts);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_capacity_options o = ENGSCHED_CAPACITY_OPTIONS_INIT;
    if (opts != NULL)
        o = *opts;
    int32_t first, last;
    if ((rc = es_check_view_range(db, start, end, &first, &last)) != ENGSCHED_OK)
        return rc;
    engsched_capacity *c = es_calloc(1, sizeof *c);
    if (c == NULL || (c->work = es_work_list_new()) == NULL) {
        engsched_capacity_free(c);
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening capacity");
    }
    c->db = db;
    c->per_operator = o.per_operator != 0;
    c->first = first;
    c->last = last;
    split_range(c, o.bucket);
    rc = read_calendar(c, actor);
    es_operator_source_init(&c->operators, db, c->scope);
    if (rc != ENGSCHED_OK) {
        engsched_capacity_free(c);
        return rc;
    }
    *out = c;
    return ENGSCHED_OK;
}

/* Fold the operator's work into their buckets and the totals: every
 * status but Canceled, as the Availability view's utilisation counts. */
static engsched_rc fold_operator(engsched_capacity *c, engsched_id user)
{
    engsched_work_list *work = c->work;
    es_work_list_clear(work);
    engsched_rc rc = es_begin(c->db, 0);
    if (rc == ENGSCHED_OK)
        rc = es_finish(c->db,
                       es_collect_load(c->db, user, ES_LOAD_STATUSES, c->first, c->last, work));
    if (rc != ENGSCHED_OK)
        return rc;
    int32_t span = c->last - c->first + 1;
    es_day_load days[ENGSCHED_RANGE_MAX_DAYS];
    memset(days, 0, sizeof days);
    for (size_t i = 0; i < work->count; i++) {
        const es_work_item *item = &work->items[i];
        es_alloc_item one = {item->start_day, item->end_day, item->percent, item->tentative,
                             item->kind == ENGSCHED_WORK_UNAVAILABLE};
        es_alloc_accumulate(&one, 1, c->first, span, days);
    }
    memset(c->mine, 0, sizeof c->mine);
    for (int32_t d = 0; d < span; d++)
        es_capacity_add_operator_day(c->working[d], &days[d], c->mine[c->bucket_of[d]]);
    for (size_t b = 0; b < c->bucket_count; b++)
        for (int m = 0; m < ES_CAPACITY_MEASURES; m++)
            c->total[b][m] += c->mine[b][m];
    return ENGSCHED_OK;
}

static engsched_rc collect_engagement(void *ctx, const engsched_rec_engagement *row)
{
    engsched_capacity *c = ctx;
    if (c->chunk_count < ENGAGEMENT_CHUNK)
        c->chunk[c->chunk_count++] = (demand_row){row->id, row->start_day, row->end_day};
    return ENGSCHED_OK;
}

/* Add one assignment's share to the days of its window in the range. */
static engsched_rc add_staff(void *ctx, const engsched_rec_assignment *row)
{
    engsched_capacity *c = ctx;
    engsched_rec_assignment a;
    es_assignment_read(c->db, row, c->staffing->start_day, c->staffing->end_day, &a);
    int32_t from = a.window_start > c->first ? a.window_start : c->first;
    int32_t to = a.window_end < c->last ? a.window_end : c->last;
    int *share = a.tentative ? c->held : c->firm;
    for (int32_t d = from; d <= to; d++)
        share[d - c->first] += a.percent;
    return ENGSCHED_OK;
}

/* The demand of one engagement's days in the range, less its staff. */
static engsched_rc add_demand_of(engsched_capacity *c, const demand_row *e)
{
    engsched *db = c->db;
    int32_t from = e->start_day > c->first ? e->start_day : c->first;
    int32_t to = e->end_day < c->last ? e->end_day : c->last;
    for (int32_t d = from; d <= to; d++)
        c->firm[d - c->first] = c->held[d - c->first] = 0;
    c->staffing = e;
    engsched_rc rc = db->storage->assignment_list(db->storage, e->id, add_staff, c);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the operators of an engagement");
    for (int32_t d = from; d <= to; d++) {
        int i = d - c->first;
        es_capacity_add_demand_day(c->working[i], c->firm[i], c->held[i],
                                   c->total[c->bucket_of[i]]);
    }
    return ENGSCHED_OK;
}

/* One chunk of the engagements that ask for staff, after @p q's key. */
static engsched_rc add_demand_chunk(engsched_capacity *c, engsched_storage_query *q)
{
    engsched *db = c->db;
    c->chunk_count = 0;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->engagement_query(db->storage, q, collect_engagement, c);
    if (rc != ENGSCHED_OK)
        rc = es_storage_fail(db, rc, "reading the engagements of the range");
    for (unsigned int i = 0; rc == ENGSCHED_OK && i < c->chunk_count; i++)
        rc = add_demand_of(c, &c->chunk[i]);
    return es_finish(db, rc);
}

static engsched_rc add_demand(engsched_capacity *c)
{
    engsched_storage_query q;
    memset(&q, 0, sizeof q);
    q.statuses = DEMAND_STATUSES;
    q.scope_user = c->scope;
    q.has_range = 1;
    q.range_start = c->first;
    q.range_end = c->last;
    q.sort = ENGSCHED_SORT_START;
    q.limit = ENGAGEMENT_CHUNK;
    for (;;) {
        engsched_rc rc = add_demand_chunk(c, &q);
        if (rc != ENGSCHED_OK || c->chunk_count < ENGAGEMENT_CHUNK)
            return rc;
        const demand_row *last = &c->chunk[c->chunk_count - 1];
        q.has_after = 1;
        q.after_int = last->start_day;
        q.after_id = last->id;
    }
}

/* Make bucket c->pos of @p figures the current row. */
static void show_bucket(engsched_capacity *c, const int64_t (*figures)[ES_CAPACITY_MEASURES])
{
    const es_capacity_bucket *b = &c->buckets[c->pos];
    es_date_format(b->first, c->bucket_start);
    es_date_format(b->last, c->bucket_end);
    c->current = figures[c->pos++];
}

/* Walk the operators until one has rows to show, or none remain: then
 * read the demand and turn to the totals. */
static engsched_rc next_operator(engsched_capacity *c)
{
    for (;;) {
        const es_operator *op = NULL;
        engsched_rc rc = es_operator_source_next(&c->operators, &op);
        if (rc == ENGSCHED_OK && op != NULL)
            rc = fold_operator(c, op->id);
        if (rc != ENGSCHED_OK)
            return rc;
        if (op == NULL)
            break;
        if (c->per_operator) {
            c->user = op->id;
            c->name = op->name;
            c->pos = 0;
            return ENGSCHED_OK;
        }
    }
    engsched_rc rc = add_demand(c);
    if (rc != ENGSCHED_OK)
        return rc;
    c->phase = PHASE_TOTALS;
    c->user = 0;
    c->name = NULL;
    c->pos = 0;
    return ENGSCHED_OK;
}

static engsched_rc advance(engsched_capacity *c, int *out_has_row)
{
    *out_has_row = 0;
    if (c->phase == PHASE_OPERATORS && (c->user == 0 || c->pos >= c->bucket_count)) {
        engsched_rc rc = next_operator(c);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    if (c->phase == PHASE_OPERATORS) {
        show_bucket(c, (const int64_t(*)[ES_CAPACITY_MEASURES])c->mine);
    } else if (c->phase == PHASE_TOTALS && c->pos < c->bucket_count) {
        show_bucket(c, (const int64_t(*)[ES_CAPACITY_MEASURES])c->total);
    } else {
        c->phase = PHASE_DONE;
        return ENGSCHED_OK;
    }
    *out_has_row = 1;
    return ENGSCHED_OK;
}

engsched_rc engsched_capacity_next(engsched_capacity *c, int *out_has_row)
{
    if (c == NULL)
        return ENGSCHED_EMISUSE;
    if (out_has_row == NULL)
        return es_fail(c->db, ENGSCHED_EINVAL, "out_has_row: must not be NULL");
    c->current = NULL;
    if (c->failed != ENGSCHED_OK)
        return es_fail(c->db, c->failed, "capacity: an earlier read failed; open it again");
    engsched_rc rc = advance(c, out_has_row);
    if (rc != ENGSCHED_OK) {
        c->failed = rc;
        *out_has_row = 0;
    }
    return rc;
}

engsched_id engsched_capacity_user(const engsched_capacity *c)
{
    return c && c->current ? c->user : 0;
}

const char *engsched_capacity_name(const engsched_capacity *c)
{
    return c && c->current ? c->name : NULL;
}

const char *engsched_capacity_bucket_start(const engsched_capacity *c)
{
    return c && c->current ? c->bucket_start : NULL;
}

const char *engsched_capacity_bucket_end(const engsched_capacity *c)
{
    return c && c->current ? c->bucket_end : NULL;
}

int64_t engsched_capacity_value(const engsched_capacity *c, engsched_capacity_measure measure)
{
    if (c == NULL || c->current == NULL || (int)measure < 0 || (int)measure >= ES_CAPACITY_MEASURES)
        return -1;
    return c->current[measure];
}
