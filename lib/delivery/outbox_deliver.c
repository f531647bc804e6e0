/* Delivery from the outbox: claim due items, hand each to the host's
 * callback, mark what was taken.
 *
 * Three transactions per chunk, and no callback inside any of them (the
 * items a handle wrote claimed for itself skip the first, see
 * core/outbox.h):
 * 1. claim (write): the due pending items of the kinds this handle has a
 *    callback for, in id order, each marked claimed by this handle's token
 *    until now + delivery_lease_seconds; event documents rendered from
 *    the stored events and signed;
 * 2. the callbacks, with the handle closed to them;
 * 3. mark (write): each item still claimed by this token becomes
 *    delivered, or, refused, pending with a later due time, or dead.
 *
 * Why a lease instead of SELECT … FOR UPDATE SKIP LOCKED: a row lock lives
 * only as long as its transaction, and holding a transaction open across
 * the host's callback (an SMTP round trip, a webhook) would hold the
 * store's write lock as long — both built-in backends serialise writers
 * (SQLite's lock, PostgreSQL's advisory lock). The claim is instead a
 * column written under that lock: two deliverers never claim the same
 * item, since the second sees the first one's claim once it gets the lock;
 * none waits on another's callback; and a deliverer that dies holding
 * claims only delays those items until the lease runs out, when anyone
 * takes them again (at least once). The mark checks the token, so a
 * deliverer whose lease ran out under a slow callback does not overwrite
 * the state its successor wrote. */
#include <string.h>

#include "core/events.h"
#include "core/outbox.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "rules/rules.h"

/* Items claimed per round: one claim and one mark transaction each. */
#define ES_DELIVERY_CHUNK 64

typedef struct chunk {
    es_claimed items[ES_DELIVERY_CHUNK];
    unsigned int count;
} chunk;

static void chunk_release(chunk *c)
{
    es_claimed_release(c->items, c->count);
    c->count = 0;
}

static unsigned int kinds_wanted(const engsched *db)
{
    unsigned int kinds = 0;
    for (int kind = ENGSCHED_OUTBOX_MAIL; kind <= ENGSCHED_OUTBOX_EVENT; kind++)
        if (es_outbox_kind_wanted(db, kind))
            kinds |= 1u << kind;
    return kinds;
}

int es_delivery_wanted(const engsched *db) { return kinds_wanted(db) != 0; }

/* The row's strings expire with the listing: copied. */
static engsched_rc copy_row(void *ctx, const engsched_rec_outbox *row)
{
    chunk *c = ctx;
    engsched_rc rc = es_claimed_fill(&c->items[c->count], row, row->payload, row->payload_len);
    if (rc == ENGSCHED_OK)
        c->count++;
    return rc;
}

/* A chunk's event items in seq order, rendered from one event_list call
 * per run of close sequence numbers rather than one per item: a chunk's
 * events are usually consecutive, and a gap wider than ES_EVENT_GAP (an
 * old item retried beside new ones) starts a new run so that no call
 * reads far more events than it renders. */
#define ES_EVENT_GAP 64

typedef struct event_run {
    chunk *c;
    unsigned int *order; /* indices into c->items, by event seq */
    unsigned int pos, end;
    unsigned char *found;
} event_run;

static int64_t seq_at(const event_run *r, unsigned int k)
{
    return r->c->items[r->order[k]].rec.event_seq;
}

/* Rows come oldest first: walk the run alongside them. */
static engsched_rc render_run(void *ctx, const engsched_rec_event *row)
{
    event_run *r = ctx;
    while (r->pos < r->end && seq_at(r, r->pos) < row->seq)
        r->pos++;
    for (; r->pos < r->end && seq_at(r, r->pos) == row->seq; r->pos++) {
        unsigned int i = r->order[r->pos];
        es_claimed *it = &r->c->items[i];
        char *json = es_event_text(row);
        if (json == NULL)
            return ENGSCHED_ENOMEM;
        es_free(it->payload);
        it->payload = json;
        r->found[i] = 1;
    }
    return ENGSCHED_OK;
}

/* The chunk's event items' indices, sorted by seq (insertion sort: they
 * come almost sorted, in id order). */
static unsigned int event_order(const chunk *c, unsigned int *order)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < c->count; i++) {
        if (c->items[i].rec.kind != ENGSCHED_OUTBOX_EVENT)
            continue;
        unsigned int k = n++;
        for (; k > 0 && c->items[order[k - 1]].rec.event_seq > c->items[i].rec.event_seq; k--)
            order[k] = order[k - 1];
        order[k] = i;
    }
    return n;
}

static engsched_rc load_events(engsched *db, chunk *c, unsigned char *found)
{
    unsigned int order[ES_DELIVERY_CHUNK];
    event_run r = {c, order, 0, event_order(c, order), found};
    unsigned int n = r.end;
    for (unsigned int start = 0; start < n; start = r.end) {
        r.end = start + 1;
        while (r.end < n && seq_at(&r, r.end) - seq_at(&r, r.end - 1) <= ES_EVENT_GAP)
            r.end++;
        int64_t first = seq_at(&r, start), last = seq_at(&r, r.end - 1);
        r.pos = start;
        engsched_rc rc = db->storage->event_list(db->storage, 0, first - 1,
                                                 (unsigned int)(last - first + 1), render_run, &r);
        if (rc == ENGSCHED_ENOMEM)
            return es_fail(db, rc, "out of memory rendering events %lld to %lld", (long long)first,
                           (long long)last);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading events to deliver");
    }
    return ENGSCHED_OK;
}

/* The rendered document signed, or ECORRUPT when its event was missing. */
static engsched_rc attach_event(engsched *db, es_claimed *it, int found, const char *secret)
{
    if (!found)
        return es_fail(db, ENGSCHED_ECORRUPT, "event %lld is no longer in the store",
                       (long long)it->rec.event_seq);
    it->length = strlen(it->payload);
    it->is_signed = es_sign_with(secret, it->payload, it->length, it->signature) != NULL;
    return ENGSCHED_OK;
}

/* The record's strings are the item's own copies (es_claimed_fill()). */
static engsched_rc write_item(engsched *db, es_claimed *it, const char *what)
{
    engsched_rc rc = db->storage->outbox_update(db->storage, &it->rec);
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, what);
}

typedef struct claim_args {
    es_id_range range;
    unsigned int kinds;
    unsigned int limit;
} claim_args;

/* Transaction 1. An event whose record is gone is undeliverable rather
 * than claimed: no retry would bring it back. */
static engsched_rc claim_in_txn(engsched *db, const claim_args *a, chunk *c)
{
    int64_t now = es_now(db), lease = 0;
    char *secret = NULL;
    engsched_rc rc = es_setting_int(db, "delivery_lease_seconds", &lease);
    if (rc == ENGSCHED_OK && (a->kinds & (1u << ENGSCHED_OUTBOX_EVENT)))
        rc = es_setting_read(db, "webhook_secret", &secret);
    engsched_storage_outbox_filter f = {ENGSCHED_OUTBOX_PENDING, a->kinds, a->range.after,
                                        a->range.last, now, 0, a->limit};
    if (rc == ENGSCHED_OK) {
        rc = db->storage->outbox_list(db->storage, &f, copy_row, c);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory claiming outbox items");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading the outbox");
    }
    unsigned char found[ES_DELIVERY_CHUNK] = {0};
    if (rc == ENGSCHED_OK)
        rc = load_events(db, c, found);
    for (unsigned int i = 0; rc == ENGSCHED_OK && i < c->count; i++) {
        es_claimed *it = &c->items[i];
        if (it->rec.kind == ENGSCHED_OUTBOX_EVENT)
            rc = attach_event(db, it, found[i], secret);
        it->rec.updated_at = now;
        if (rc == ENGSCHED_ECORRUPT) {
            it->rec.state = ENGSCHED_OUTBOX_UNDELIVERABLE;
            it->rec.reason = db->errmsg;
            rc = ENGSCHED_OK;
        } else {
            it->rec.claimed_until = now + lease;
            it->rec.claim = db->claim_token;
        }
        if (rc == ENGSCHED_OK)
            rc = write_item(db, it, "claiming an outbox item");
    }
    es_free(secret);
    return rc;
}

static engsched_rc claim(engsched *db, const claim_args *a, chunk *c)
{
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_finish(db, claim_in_txn(db, a, c));
    if (rc != ENGSCHED_OK)
        chunk_release(c); /* nothing was claimed */
    return rc;
}

/* Transaction 2's place: the callbacks, outside any transaction. */
static void hand_over(engsched *db, es_claimed *items, size_t count)
{
    db->dispatching = 1;
    for (size_t i = 0; i < count; i++) {
        es_claimed *it = &items[i];
        if (it->rec.state != ENGSCHED_OUTBOX_PENDING)
            continue; /* found undeliverable while claiming */
        if (it->rec.kind == ENGSCHED_OUTBOX_MAIL) {
            es_callback_enter(db);
            it->accepted = db->opts.on_mail(db->opts.mail_ctx, it->rec.engagement, it->rec.user,
                                            it->recipient, it->payload, it->length) == 0;
            es_callback_leave(db);
        } else
            it->accepted = es_event_offer(db, it->rec.event_seq, it->payload, it->length,
                                          it->is_signed ? it->signature : NULL);
    }
    db->dispatching = 0;
}

typedef struct retry_policy {
    int64_t base;
    int64_t max_attempts;
} retry_policy;

static void settle(engsched *db, es_claimed *it, const retry_policy *p, int64_t now,
                   engsched_delivery_result *res)
{
    it->rec.updated_at = now;
    if (it->accepted) {
        /* The claim stays, saying who delivered it: nothing claims a
         * delivered item, and a row of unchanged size is rewritten in
         * place (SQLite leaves the pages of an unchanged message alone). */
        it->rec.state = ENGSCHED_OUTBOX_DELIVERED;
        it->rec.reason = "";
        res->delivered++;
        return;
    }
    it->rec.claimed_until = 0;
    it->rec.claim = 0;
    it->rec.attempts++;
    it->rec.state = es_delivery_refused(it->rec.attempts, (unsigned int)p->max_attempts, now,
                                        p->base, &it->rec.next_attempt_at);
    it->rec.reason = it->rec.kind == ENGSCHED_OUTBOX_MAIL ? "refused by the mail callback"
                                                          : "refused by the event callback";
    if (it->rec.state == ENGSCHED_OUTBOX_DEAD)
        res->dead++;
    else
        res->retrying++;
    es_log(db, ENGSCHED_LOG_WARN, "outbox item %lld: %s (attempt %u%s)", (long long)it->rec.id,
           it->rec.reason, it->rec.attempts,
           it->rec.state == ENGSCHED_OUTBOX_DEAD ? ", the last: it is dead" : "");
}

/* Whether the item is still ours to mark: pending and claimed by us. */
static engsched_rc still_ours(engsched *db, const es_claimed *it, int *out)
{
    engsched_rec_outbox now;
    engsched_rc rc = db->storage->outbox_get(db->storage, it->rec.id, &now);
    *out = rc == ENGSCHED_OK && now.state == ENGSCHED_OUTBOX_PENDING &&
           now.claim == db->claim_token;
    if (rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK; /* purged meanwhile: nothing to mark */
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, "reading an outbox item");
}

static engsched_rc mark_delivered(engsched *db, const engsched_id *ids, size_t n, int64_t now,
                                  engsched_delivery_result *res)
{
    int64_t marked = 0;
    engsched_rc rc = db->storage->outbox_mark(db->storage, ids, n, db->claim_token,
                                              ENGSCHED_OUTBOX_DELIVERED, now, &marked);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "marking outbox items delivered");
    res->delivered += (unsigned int)marked;
    return ENGSCHED_OK;
}

/* The accepted items, ES_DELIVERY_CHUNK ids per outbox_mark(), which
 * checks state and token as still_ours() would: what is no longer ours
 * is left alone and not counted. */
static engsched_rc mark_accepted(engsched *db, const es_claimed *items, size_t count, int64_t now,
                                 engsched_delivery_result *res)
{
    engsched_id ids[ES_DELIVERY_CHUNK];
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (items[i].rec.state != ENGSCHED_OUTBOX_PENDING || !items[i].accepted)
            continue;
        ids[n++] = items[i].rec.id;
        if (n < ES_DELIVERY_CHUNK)
            continue;
        engsched_rc rc = mark_delivered(db, ids, n, now, res);
        if (rc != ENGSCHED_OK)
            return rc;
        n = 0;
    }
    return n > 0 ? mark_delivered(db, ids, n, now, res) : ENGSCHED_OK;
}

/* Transaction 3. Counts go to @p res only once the marks commit. With
 * outbox_mark() the accepted items are marked in sets, the refused ones
 * (rare, each with its own attempts and retry time) one by one. */
static engsched_rc mark_in_txn(engsched *db, es_claimed *items, size_t count,
                               engsched_delivery_result *res)
{
    retry_policy p;
    int64_t now = es_now(db);
    int in_sets = db->outbox_mark;
    engsched_rc rc = es_setting_int(db, "delivery_retry_seconds", &p.base);
    if (rc == ENGSCHED_OK)
        rc = es_setting_int(db, "delivery_max_attempts", &p.max_attempts);
    if (rc == ENGSCHED_OK && in_sets)
        rc = mark_accepted(db, items, count, now, res);
    for (size_t i = 0; rc == ENGSCHED_OK && i < count; i++) {
        es_claimed *it = &items[i];
        int ours = 0;
        if (it->rec.state != ENGSCHED_OUTBOX_PENDING || (in_sets && it->accepted))
            continue;
        if ((rc = still_ours(db, it, &ours)) != ENGSCHED_OK || !ours)
            continue;
        settle(db, it, &p, now, res);
        rc = write_item(db, it, "marking an outbox item");
    }
    return rc;
}

static engsched_rc mark(engsched *db, es_claimed *items, size_t count,
                        engsched_delivery_result *out)
{
    engsched_delivery_result res = {0};
    engsched_rc rc = es_begin(db, 1);
    if (rc == ENGSCHED_OK)
        rc = es_finish(db, mark_in_txn(db, items, count, &res));
    if (rc == ENGSCHED_OK) {
        out->delivered += res.delivered;
        out->retrying += res.retrying;
        out->dead += res.dead;
    }
    return rc;
}

engsched_rc es_outbox_deliver_own(engsched *db, es_claimed *items, size_t count,
                                  engsched_delivery_result *out)
{
    if (count == 0)
        return ENGSCHED_OK;
    int delivering = db->delivering;
    db->delivering = 1;
    hand_over(db, items, count);
    engsched_rc rc = mark(db, items, count, out);
    db->delivering = delivering;
    return rc;
}

engsched_rc es_outbox_deliver(engsched *db, es_id_range range, unsigned int limit,
                              engsched_delivery_result *out)
{
    claim_args a = {range, kinds_wanted(db), ES_DELIVERY_CHUNK};
    if (a.kinds == 0)
        return ENGSCHED_OK;
    chunk *c = es_calloc(1, sizeof *c);
    if (c == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory delivering the outbox");
    int delivering = db->delivering;
    db->delivering = 1;
    db->handing_chunk = c;
    engsched_rc rc = ENGSCHED_OK;
    unsigned int done = 0;
    for (;;) {
        if (limit != 0 && limit - done < a.limit)
            a.limit = limit - done;
        if ((rc = claim(db, &a, c)) != ENGSCHED_OK || c->count == 0)
            break;
        unsigned int got = c->count;
        a.range.after = c->items[got - 1].rec.id;
        hand_over(db, c->items, c->count);
        rc = mark(db, c->items, c->count, out);
        chunk_release(c);
        done += got;
        if (rc != ENGSCHED_OK || got < a.limit || (limit != 0 && done >= limit))
            break;
    }
    db->delivering = delivering;
    db->handing_chunk = NULL;
    es_free(c);
    return rc;
}
