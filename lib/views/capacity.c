/* Capacity in week or month buckets (include/engsched/capacity.h): the
 * operators are the Availability view's (views/operators.c), read in
 * groups with their day loads by views/capacity_load.c, and folded into
 * per-bucket figures one operator at a time; the demand of the range goes
 * straight into the totals. Everything held is sized by the range and the
 * group, never by the store. */
#include <string.h>

#include "core/validate.h"
#include "core/view_scope.h"
#include "rules/capacity.h"
#include "rules/rules.h"
#include "views/capacity_load.h"
#include "views/operators.h"
#include "views/working_days.h"

typedef enum phase { PHASE_OPERATORS, PHASE_TOTALS, PHASE_DONE } phase;

struct engsched_capacity {
    engsched *db;
    es_operator_source operators;
    es_capacity_load load;
    size_t member; /* the next operator of the loaded group */
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
    const char *name; /* the group's, valid until the next group is read */
    const int64_t *current;
    char dates[ES_CAPACITY_MAX_BUCKETS][2][ES_DATE_LEN]; /* each bucket's first and last */
    const char *bucket_start;
    const char *bucket_end;
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
    es_capacity_load_clear(&c->load);
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
    for (size_t b = 0; b < c->bucket_count; b++) {
        for (int32_t d = c->buckets[b].first; d <= c->buckets[b].last; d++)
            c->bucket_of[d - c->first] = (unsigned char)b;
        es_date_format(c->buckets[b].first, c->dates[b][0]);
        es_date_format(c->buckets[b].last, c->dates[b][1]);
    }
}

/* The working days and the actor's client scope, in one read transaction. */
static engsched_rc read_calendar(engsched_capacity *c, engsched_id actor, engsched_id *scope)
{
    es_actor viewer;
    engsched_rc rc = es_begin(c->db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_view_scope(c->db, actor, ES_OP_VIEW_AVAILABILITY, &viewer, scope);
    if (rc == ENGSCHED_OK)
        rc = es_working_days(c->db, c->first, c->last, c->working);
    return es_finish(c->db, rc);
}

static engsched_rc prepare(engsched_capacity *c, engsched_id actor)
{
    engsched_id scope = 0;
    engsched_rc rc = read_calendar(c, actor, &scope);
    es_operator_source_init(&c->operators, c->db, scope);
    c->load.db = c->db;
    c->load.scope = scope;
    c->load.first = c->first;
    c->load.last = c->last;
    c->load.working = c->working;
    c->load.bucket_of = c->bucket_of;
    c->load.total = c->total;
    return rc == ENGSCHED_OK ? es_capacity_load_init(&c->load) : rc;
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
    if (c == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening capacity");
    c->db = db;
    c->per_operator = o.per_operator != 0;
    c->first = first;
    c->last = last;
    split_range(c, o.bucket);
    if ((rc = prepare(c, actor)) != ENGSCHED_OK) {
        engsched_capacity_free(c);
        return rc;
    }
    *out = c;
    return ENGSCHED_OK;
}

/* Fold operator @p i of the loaded group into their buckets and the
 * totals. */
static void fold_operator(engsched_capacity *c, size_t i)
{
    const es_day_load *days = es_capacity_load_days(&c->load, i);
    int32_t span = c->last - c->first + 1;
    memset(c->mine, 0, sizeof c->mine);
    for (int32_t d = 0; d < span; d++)
        es_capacity_add_operator_day(c->working[d], &days[d], c->mine[c->bucket_of[d]]);
    for (size_t b = 0; b < c->bucket_count; b++)
        for (int m = 0; m < ES_CAPACITY_MEASURES; m++)
            c->total[b][m] += c->mine[b][m];
}

/* Make bucket c->pos of @p figures the current row. */
static void show_bucket(engsched_capacity *c, const int64_t (*figures)[ES_CAPACITY_MEASURES])
{
    c->bucket_start = c->dates[c->pos][0];
    c->bucket_end = c->dates[c->pos][1];
    c->current = figures[c->pos++];
}

/* Walk the operators until one has rows to show, or none remain: then
 * read the demand and turn to the totals. */
static engsched_rc next_operator(engsched_capacity *c)
{
    for (;;) {
        if (c->member >= c->load.count) {
            engsched_rc rc = es_capacity_load_group(&c->load, &c->operators);
            if (rc != ENGSCHED_OK)
                return rc;
            c->member = 0;
            if (c->load.count == 0)
                break;
        }
        size_t i = c->member++;
        fold_operator(c, i);
        if (c->per_operator) {
            c->user = c->load.ops[i].id;
            c->name = c->load.ops[i].name;
            c->pos = 0;
            return ENGSCHED_OK;
        }
    }
    engsched_rc rc = es_capacity_load_demand(&c->load);
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
