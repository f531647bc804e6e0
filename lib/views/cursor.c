/* The List and Calendar cursors. A List page (at most ENGSCHED_PAGE_MAX
 * rows) is read with one storage query, so it is one snapshot on every
 * backend. A Calendar streams in bounded chunks, each one read
 * transaction resuming after the last row, so memory stays flat however
 * many rows match; it stays one snapshot or stops with ENGSCHED_EBUSY. */
#include <limits.h>
#include <string.h>

#include "views/cursor_token.h"
#include "util/dates.h"
#include "views/query.h"
#include "core/view_scope.h"

/* Calendar rows read per storage query, each in a read transaction of its
 * own: a constant, so a cursor's memory does not grow with the rows that
 * match; 256 rather than 64 cut the Calendar's month at 1,000,000
 * engagements (19,564 rows) from about 1.35x to 1.15x one hand-written
 * statement. */
#define CURSOR_CHUNK 256

typedef struct cursor_row {
    engsched_id id;
    engsched_id client;
    char *name;
    int32_t start_day;
    int32_t end_day;
    int status;
    int report_status;
    int64_t version;
    int64_t updated_at;
} cursor_row;

struct engsched_cursor {
    engsched *db;
    engsched_storage_query sq;
    char *text;          /* owns sq.name_contains */
    char *after_text;    /* owns sq.after_text */
    uint64_t fingerprint;
    engsched_id actor;
    es_token_seal seal;  /* the List's: seals and opens its page tokens */
    int paged;           /* List (page limit, token) rather than Calendar */
    unsigned int remaining;
    int64_t seq;         /* the event log's end when the Calendar began */
    unsigned int count;
    unsigned int pos;
    int source_done;
    const cursor_row *current;
    char start[ES_DATE_LEN];
    char end[ES_DATE_LEN];
    char *next_token;
    unsigned int cap;    /* rows the buffer holds: a chunk, or a page */
    cursor_row rows[];
};

static void clear_rows(engsched_cursor *cur)
{
    for (unsigned int i = 0; i < cur->count; i++) {
        es_free(cur->rows[i].name);
        cur->rows[i].name = NULL;
    }
    cur->count = 0;
    cur->pos = 0;
}

void engsched_cursor_free(engsched_cursor *cur)
{
    if (cur == NULL)
        return;
    clear_rows(cur);
    es_free(cur->text);
    es_free(cur->after_text);
    es_free(cur->next_token);
    es_wipe(&cur->seal, sizeof cur->seal);
    es_free(cur);
}

static engsched_rc collect_row(void *ctx, const engsched_rec_engagement *r)
{
    engsched_cursor *cur = ctx;
    if (cur->count >= cur->cap)
        return ENGSCHED_OK; /* a backend that ignored the limit */
    char *name = es_strdup(r->name);
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    cur->rows[cur->count++] = (cursor_row){r->id,          r->client,        name,
                                           r->start_day,   r->end_day,       r->status,
                                           r->report_status, r->version,     r->updated_at};
    return ENGSCHED_OK;
}

static int text_sort(const engsched_cursor *cur)
{
    return cur->sq.sort == ENGSCHED_SORT_NAME;
}

static int64_t int_key(const engsched_cursor *cur, const cursor_row *row)
{
    switch (cur->sq.sort) {
    case ENGSCHED_SORT_END:
        return row->end_day;
    case ENGSCHED_SORT_STATUS:
        return row->status;
    case ENGSCHED_SORT_UPDATED:
        return row->updated_at;
    default:
        return row->start_day;
    }
}

/* Resume after a row: the keyset position of the next chunk or page. */
static engsched_rc position_after(engsched_cursor *cur, const char *text_key, int64_t key,
                                  engsched_id id)
{
    char *copy = NULL;
    if (text_key != NULL && (copy = es_strdup(text_key)) == NULL)
        return ENGSCHED_ENOMEM;
    es_free(cur->after_text);
    cur->after_text = copy;
    cur->sq.after_text = copy;
    cur->sq.after_int = key;
    cur->sq.after_id = id;
    cur->sq.has_after = 1;
    return ENGSCHED_OK;
}

/* The event log's end: every change of an engagement appends to it in
 * its own transaction, so an unchanged end means an unchanged store. */
static engsched_rc event_end(engsched *db, int64_t *out)
{
    engsched_rc rc = db->storage->event_last_seq(db->storage, out);
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, "reading the event log");
}

/* A Calendar spans transactions: each chunk checks, before and after its
 * query, that nothing has changed since the first, so that what the
 * stream returns is one state of the store (on PostgreSQL the check
 * after the query catches a commit between the two statements). */
static engsched_rc calendar_unchanged(engsched_cursor *cur, int first)
{
    int64_t seq = 0;
    engsched_rc rc = event_end(cur->db, &seq);
    if (rc != ENGSCHED_OK)
        return rc;
    if (first) {
        cur->seq = seq;
        return ENGSCHED_OK;
    }
    if (seq != cur->seq)
        return es_fail(cur->db, ENGSCHED_EBUSY,
                       "the store changed while the calendar was read: open it again");
    return ENGSCHED_OK;
}

/* Replace the buffer with the next rows, resuming after its last row:
 * the rest of a List page in one query, or a Calendar chunk. Asking one
 * row more than wanted tells whether anything follows. */
static engsched_rc refill(engsched_cursor *cur)
{
    engsched *db = cur->db;
    int first = cur->count == 0 && !cur->sq.has_after; /* the first chunk */
    if (cur->count > 0) {
        const cursor_row *last = &cur->rows[cur->count - 1];
        if (position_after(cur, text_sort(cur) ? last->name : NULL, int_key(cur, last),
                           last->id) != ENGSCHED_OK)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading the next rows");
    }
    clear_rows(cur);
    unsigned int want = cur->paged ? cur->remaining : CURSOR_CHUNK;
    cur->sq.limit = want + 1;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!cur->paged)
        rc = calendar_unchanged(cur, first);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->engagement_query(db->storage, &cur->sq, collect_row, cur);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory reading rows");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading rows");
    }
    if (rc == ENGSCHED_OK && !cur->paged)
        rc = calendar_unchanged(cur, 0);
    if ((rc = es_finish(db, rc)) != ENGSCHED_OK) {
        clear_rows(cur);
        return rc;
    }
    cur->source_done = cur->count <= want;
    if (cur->count > want) {
        es_free(cur->rows[want].name);
        cur->rows[want].name = NULL;
        cur->count = want;
    }
    return ENGSCHED_OK;
}

/* At the end of a full page that has more rows after it, the token of
 * its last row resumes the walk. */
static engsched_rc end_of_rows(engsched_cursor *cur, int *out_has_row)
{
    cur->current = NULL;
    *out_has_row = 0;
    if (!cur->paged || cur->source_done || cur->count == 0 || cur->next_token != NULL)
        return ENGSCHED_OK;
    const cursor_row *last = &cur->rows[cur->count - 1];
    es_token t = {cur->fingerprint, int_key(cur, last), text_sort(cur) ? last->name : NULL,
                  last->id};
    cur->next_token = es_token_encode(&cur->seal, cur->actor, &t, text_sort(cur));
    if (cur->next_token == NULL)
        return es_fail(cur->db, ENGSCHED_ENOMEM, "out of memory making the page token");
    return ENGSCHED_OK;
}

engsched_rc engsched_cursor_next(engsched_cursor *cur, int *out_has_row)
{
    if (cur == NULL)
        return ENGSCHED_EMISUSE;
    if (out_has_row == NULL)
        return es_fail(cur->db, ENGSCHED_EINVAL, "out_has_row: must not be NULL");
    if (cur->pos >= cur->count) {
        if ((cur->paged && cur->remaining == 0) || cur->source_done)
            return end_of_rows(cur, out_has_row);
        engsched_rc rc = refill(cur);
        if (rc != ENGSCHED_OK)
            return rc;
        if (cur->count == 0)
            return end_of_rows(cur, out_has_row);
    }
    cur->current = &cur->rows[cur->pos++];
    if (cur->paged)
        cur->remaining--;
    es_date_format(cur->current->start_day, cur->start);
    es_date_format(cur->current->end_day, cur->end);
    *out_has_row = 1;
    return ENGSCHED_OK;
}

const char *engsched_cursor_next_token(const engsched_cursor *cur)
{
    return cur ? cur->next_token : NULL;
}

/* Build a cursor for a query: scope, permission and client access are
 * decided here, once, and carried into every chunk's storage query. */
static engsched_rc cursor_open(engsched *db, engsched_id actor, const engsched_query *q,
                               int paged, engsched_cursor **out)
{
    es_actor who;
    engsched_id scope = 0;
    unsigned int cap = (paged ? q->limit : CURSOR_CHUNK) + 1;
    engsched_cursor *cur = es_calloc(1, sizeof *cur + cap * sizeof cur->rows[0]);
    if (cur == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening a cursor");
    engsched_rc rc = es_begin(db, 0);
    if (rc == ENGSCHED_OK) {
        rc = es_view_scope(db, actor, ES_OP_VIEW, &who, &scope);
        if (rc == ENGSCHED_OK && q->client != 0) {
            int access = 0;
            rc = es_actor_has_access(db, &who, q->client, &access);
            if (rc == ENGSCHED_OK && !access)
                rc = es_fail(db, ENGSCHED_ENOTFOUND, "client: client %lld not found",
                             (long long)q->client);
        }
        if (rc == ENGSCHED_OK && paged)
            rc = es_token_seal_load(db, &cur->seal);
        rc = es_finish(db, rc);
    }
    if (rc == ENGSCHED_OK && q->text != NULL && (cur->text = es_strdup(q->text)) == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory opening a cursor");
    if (rc != ENGSCHED_OK) {
        engsched_cursor_free(cur);
        return rc;
    }
    cur->db = db;
    cur->cap = cap;
    cur->paged = paged;
    cur->remaining = paged ? q->limit : UINT_MAX;
    cur->fingerprint = es_query_fingerprint(q, actor);
    cur->actor = actor;
    cur->sq = (engsched_storage_query){
        .statuses = q->statuses,
        .client = q->client,
        .operator_user = q->operator_user,
        .scope_user = scope,
        .has_range = q->has_range,
        .range_start = q->range_start,
        .range_end = q->range_end,
        .name_contains = cur->text,
        .sort = paged ? (int)q->sort : ENGSCHED_SORT_START,
        .descending = paged ? q->descending : 0,
    };
    *out = cur;
    return ENGSCHED_OK;
}

engsched_rc engsched_list(engsched *db, engsched_id actor, const engsched_query *q,
                          const char *token, engsched_cursor **out)
{
    ES_CHECK_DB(db);
    if (q == NULL || out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", q == NULL ? "query" : "out");
    if (q->db != db)
        return es_fail(db, ENGSCHED_EMISUSE, "query: belongs to another handle");
    engsched_cursor *cur = NULL;
    engsched_rc rc = cursor_open(db, actor, q, 1, &cur);
    if (rc != ENGSCHED_OK || token == NULL) {
        if (rc == ENGSCHED_OK)
            *out = cur;
        return rc;
    }
    es_token t;
    rc = es_token_decode(&cur->seal, actor, cur->fingerprint, token, text_sort(cur), &t);
    if (rc == ENGSCHED_OK)
        rc = position_after(cur, t.key_text, t.key_int, t.id);
    es_free(t.key_text);
    if (rc != ENGSCHED_OK) {
        engsched_cursor_free(cur);
        if (rc == ENGSCHED_ENOMEM)
            return es_fail(db, rc, "out of memory reading the page token");
        return es_fail(db, ENGSCHED_EINVAL,
                       "token: not a page token of this query for this user");
    }
    *out = cur;
    return es_ok(db);
}

engsched_rc engsched_calendar(engsched *db, engsched_id actor, const engsched_query *q,
                              engsched_cursor **out)
{
    ES_CHECK_DB(db);
    if (q == NULL || out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", q == NULL ? "query" : "out");
    if (q->db != db)
        return es_fail(db, ENGSCHED_EMISUSE, "query: belongs to another handle");
    if (!q->has_range)
        return es_fail(db, ENGSCHED_EINVAL, "range: the calendar needs a date range");
    if (q->range_end - q->range_start + 1 > ENGSCHED_RANGE_MAX_DAYS)
        return es_fail(db, ENGSCHED_EINVAL, "range: %d days is longer than the limit of %d",
                       (int)(q->range_end - q->range_start + 1), ENGSCHED_RANGE_MAX_DAYS);
    return cursor_open(db, actor, q, 0, out);
}

#define ROW(cur) ((cur) && (cur)->current ? (cur)->current : NULL)

engsched_id engsched_cursor_id(const engsched_cursor *cur)
{
    return ROW(cur) ? ROW(cur)->id : 0;
}
engsched_id engsched_cursor_client(const engsched_cursor *cur)
{
    return ROW(cur) ? ROW(cur)->client : 0;
}
const char *engsched_cursor_name(const engsched_cursor *cur)
{
    return ROW(cur) ? ROW(cur)->name : NULL;
}
const char *engsched_cursor_start(const engsched_cursor *cur)
{
    return ROW(cur) ? cur->start : NULL;
}
const char *engsched_cursor_end(const engsched_cursor *cur)
{
    return ROW(cur) ? cur->end : NULL;
}
engsched_status engsched_cursor_status(const engsched_cursor *cur)
{
    return ROW(cur) ? (engsched_status)ROW(cur)->status : (engsched_status)0;
}
engsched_report_status engsched_cursor_report_status(const engsched_cursor *cur)
{
    return ROW(cur) ? (engsched_report_status)ROW(cur)->report_status : ENGSCHED_REPORT_NONE;
}
int64_t engsched_cursor_version(const engsched_cursor *cur)
{
    return ROW(cur) ? ROW(cur)->version : 0;
}
int64_t engsched_cursor_updated_at(const engsched_cursor *cur)
{
    return ROW(cur) ? ROW(cur)->updated_at : 0;
}
