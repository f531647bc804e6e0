/* The outbox callbacks of both SQL backends (storage table version 3):
 * the items a committed change owes the outside world, written in the
 * change's own transaction and read back by whoever delivers them.
 *
 * As in records.c, each callback binds a record in the order of its
 * statement's parameters and reads rows in the order of the dialects'
 * OUTBOX_COLUMNS. Strings of a record outbox_get() fills point into the
 * row the driver holds, valid until the next callback; those of a row
 * passed to outbox_list()'s callback are valid during that call. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "storage/sql/sql.h"

static engsched_rc enter(es_sql *b) { return b->drv->enter(b); }

/* --- writing ------------------------------------------------------------ */

/* The payload is stored as text and read back with strlen() (the record
 * has no other way to carry its length out of a text column): a NUL byte
 * inside payload_len would cut the message short on every read, so the
 * item is refused instead of stored damaged. A NULL payload means "". */
static engsched_rc check_payload(es_sql *b, const char *what, const engsched_rec_outbox *rec)
{
    if (rec->payload == NULL)
        return ENGSCHED_OK;
    if (rec->payload_len > INT_MAX) {
        es_sql_error(b, "%s: a payload of %zu bytes is too large", what, rec->payload_len);
        return ENGSCHED_ETOOBIG;
    }
    if (memchr(rec->payload, '\0', rec->payload_len) != NULL) {
        es_sql_error(b, "%s: payload holds a NUL byte", what);
        return ENGSCHED_EINVAL;
    }
    return ENGSCHED_OK;
}

/* Bound with payload_len, not up to a terminator: the record gives the
 * length, and the bytes past it are not the payload's. */
static void bind_payload(es_sql_cur *c, const engsched_rec_outbox *rec)
{
    if (rec->payload == NULL)
        es_sql_text_n(c, "", 0);
    else
        es_sql_text_n(c, rec->payload, (int)rec->payload_len);
}

static engsched_rc sql_outbox_put(engsched_storage *s, const engsched_rec_outbox *rec,
                                  int64_t *out_id)
{
    es_sql *b = es_sql_of(s);
    int64_t id = 0;
    int inserted = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = check_payload(b, "outbox_put", rec);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_PUT, "inserting an outbox item");
    es_sql_int(&c, rec->kind);
    es_sql_int(&c, rec->state);
    es_sql_opt(&c, rec->engagement);
    es_sql_opt(&c, rec->user);
    es_sql_int(&c, rec->event_seq);
    es_sql_int(&c, rec->sequence);
    es_sql_text_or(&c, rec->recipient, "");
    bind_payload(&c, rec);
    es_sql_int(&c, rec->attempts);
    es_sql_int(&c, rec->next_attempt_at);
    es_sql_int(&c, rec->claimed_until);
    es_sql_int(&c, rec->claim);
    es_sql_int(&c, rec->created_at);
    es_sql_int(&c, rec->updated_at);
    es_sql_text_or(&c, rec->reason, "");
    rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

/* Every member but kind, engagement, user, event_seq and created_at,
 * which say what the item is and never change. */
static engsched_rc sql_outbox_update(engsched_storage *s, const engsched_rec_outbox *rec)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = check_payload(b, "outbox_update", rec);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_UPDATE, "outbox item");
    es_sql_int(&c, rec->id);
    es_sql_int(&c, rec->state);
    es_sql_int(&c, rec->attempts);
    es_sql_int(&c, rec->next_attempt_at);
    es_sql_int(&c, rec->claimed_until);
    es_sql_int(&c, rec->claim);
    es_sql_int(&c, rec->updated_at);
    es_sql_text_or(&c, rec->reason, "");
    es_sql_text_or(&c, rec->recipient, "");
    bind_payload(&c, rec);
    es_sql_int(&c, rec->sequence);
    return es_sql_exec_expect_row(&c, rec->id);
}

/* Ids per outbox_mark() statement: its JSON text stays a few KB. */
#define ES_MARK_BATCH 500

/* @p n ids as a JSON array into @p buf (ES_MARK_BATCH * 21 + 3 bytes). */
static void ids_json(const engsched_id *ids, size_t n, char *buf, size_t size)
{
    size_t at = 0;
    buf[at++] = '[';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(buf + at, size - at, i == 0 ? "%lld" : ",%lld", (long long)ids[i]);
    buf[at++] = ']';
    buf[at] = '\0';
}

static engsched_rc mark_batch(es_sql *b, const engsched_id *ids, size_t n, int64_t claim, int state,
                              int64_t updated_at, int64_t *changed)
{
    char json[ES_MARK_BATCH * 21 + 3];
    ids_json(ids, n, json, sizeof json);
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_MARK, "marking outbox items");
    es_sql_text(&c, json);
    es_sql_int(&c, state);
    es_sql_int(&c, updated_at);
    es_sql_int(&c, ENGSCHED_OUTBOX_PENDING);
    es_sql_int(&c, claim);
    return es_sql_exec_changes(&c, changed);
}

/* Token-checked, as outbox_get() then outbox_update() would be. */
static engsched_rc sql_outbox_mark(engsched_storage *s, const engsched_id *ids, size_t n,
                                   int64_t claim, int state, int64_t updated_at,
                                   int64_t *out_marked)
{
    es_sql *b = es_sql_of(s);
    int64_t marked = 0;
    engsched_rc rc = enter(b);
    for (size_t at = 0; rc == ENGSCHED_OK && at < n; at += ES_MARK_BATCH) {
        int64_t changed = 0;
        size_t take = n - at < ES_MARK_BATCH ? n - at : ES_MARK_BATCH;
        rc = mark_batch(b, ids + at, take, claim, state, updated_at, &changed);
        marked += changed;
    }
    if (rc == ENGSCHED_OK && out_marked != NULL)
        *out_marked = marked;
    return rc;
}

/* Only delivered items go: pending, dead and undeliverable ones are
 * still owed or still to be looked at. */
static engsched_rc sql_outbox_purge(engsched_storage *s, int64_t before, int64_t *out_removed)
{
    es_sql *b = es_sql_of(s);
    int64_t removed = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_PURGE, "purging the outbox");
    es_sql_int(&c, ENGSCHED_OUTBOX_DELIVERED);
    es_sql_int(&c, before);
    rc = es_sql_exec_changes(&c, &removed);
    if (rc == ENGSCHED_OK && out_removed != NULL)
        *out_removed = removed;
    return rc;
}

/* --- reading ------------------------------------------------------------ */

/* NULL references read as 0 (both drivers), as records carry them. */
static void read_outbox(const es_sql_cur *c, engsched_rec_outbox *out)
{
    out->id = es_sql_col_int(c, 0);
    out->kind = (int)es_sql_col_int(c, 1);
    out->state = (unsigned int)es_sql_col_int(c, 2);
    out->engagement = es_sql_col_int(c, 3);
    out->user = es_sql_col_int(c, 4);
    out->event_seq = es_sql_col_int(c, 5);
    out->sequence = es_sql_col_int(c, 6);
    out->recipient = es_sql_col_text(c, 7);
    out->payload = es_sql_col_text(c, 8);
    out->payload_len = strlen(out->payload);
    out->attempts = (unsigned int)es_sql_col_int(c, 9);
    out->next_attempt_at = es_sql_col_int(c, 10);
    out->claimed_until = es_sql_col_int(c, 11);
    out->claim = es_sql_col_int(c, 12);
    out->created_at = es_sql_col_int(c, 13);
    out->updated_at = es_sql_col_int(c, 14);
    out->reason = es_sql_col_text(c, 15);
}

static engsched_rc sql_outbox_get(engsched_storage *s, int64_t id, engsched_rec_outbox *out)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_GET, "outbox item");
    rc = es_sql_get_row(&c, id);
    if (rc == ENGSCHED_OK)
        read_outbox(&c, out);
    return rc;
}

/* Function pointers cannot travel through void * (see queries.c). */
struct outbox_cb {
    engsched_storage_outbox_fn fn;
};

static engsched_rc outbox_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_outbox rec;
    read_outbox(c, &rec);
    return ((struct outbox_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc check_filter(es_sql *b, const engsched_storage_outbox_filter *f,
                                engsched_storage_outbox_fn row)
{
    const char *missing = f == NULL ? "the filter" : row == NULL ? "the row callback" : NULL;
    if (missing != NULL) {
        es_sql_error(b, "outbox_list: %s must not be NULL", missing);
        return ENGSCHED_EINVAL;
    }
    if (f->states == 0 || f->limit == 0) {
        es_sql_error(b, "outbox_list: %s must not be 0", f->states == 0 ? "states" : "limit");
        return ENGSCHED_EINVAL;
    }
    return ENGSCHED_OK;
}

/* One state (the deliverer's scan of pending items) is an equality the
 * database seeks in outbox_state, walking the page in id order; a mask
 * of several cannot be, so those walk the ids and test each row, which
 * only listings for an administrator do. Parameters as the dialects
 * number them: states, kinds, after id, max id, due at, engagement, limit. */
static engsched_rc sql_outbox_list(engsched_storage *s, const engsched_storage_outbox_filter *f,
                                   engsched_storage_outbox_fn row, void *ctx)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = check_filter(b, f, row);
    if (rc != ENGSCHED_OK)
        return rc;
    int one_state = (f->states & (f->states - 1)) == 0;
    es_sql_cur c = es_sql_cur_on(b, one_state ? ES_SQL_OUTBOX_LIST_ONE : ES_SQL_OUTBOX_LIST_ANY,
                                 "listing the outbox");
    es_sql_int(&c, f->states);
    es_sql_int(&c, f->kinds);
    es_sql_int(&c, f->after_id);
    es_sql_int(&c, f->max_id);
    es_sql_int(&c, f->due_at);
    es_sql_int(&c, f->engagement);
    es_sql_int(&c, f->limit);
    struct outbox_cb cb = {row};
    return es_sql_rows(&c, outbox_row, &cb, ctx);
}

/* Each state of the mask is one parameter (0 for a state not in it, and
 * no item has state 0): an IN list over outbox_state counts without
 * reading a row, which a test of the mask on every row could not. */
static engsched_rc sql_outbox_count(engsched_storage *s, unsigned int states, int64_t *out_count)
{
    es_sql *b = es_sql_of(s);
    int64_t count = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_OUTBOX_COUNT, "counting outbox items");
    for (unsigned int state = ENGSCHED_OUTBOX_PENDING; state <= ENGSCHED_OUTBOX_UNDELIVERABLE;
         state <<= 1)
        es_sql_int(&c, (states & state) != 0 ? state : 0);
    rc = es_sql_query_int(&c, &count, &found);
    if (rc == ENGSCHED_OK)
        *out_count = found ? count : 0;
    return rc;
}

void es_sql_fill_outbox(engsched_storage *t)
{
    t->outbox_put = sql_outbox_put;
    t->outbox_get = sql_outbox_get;
    t->outbox_update = sql_outbox_update;
    t->outbox_list = sql_outbox_list;
    t->outbox_count = sql_outbox_count;
    t->outbox_purge = sql_outbox_purge;
    t->outbox_mark = sql_outbox_mark;
}
