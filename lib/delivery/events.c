/* Committed events to the host's on_event callback, in bounded memory.
 *
 * The choice: the first ES_EVENT_QUEUE_MAX events of a transaction wait in
 * memory as their documents, as every event used to; past that, the
 * transaction (a tick moving 100,000 engagements, an import) only notes
 * the range of sequence numbers it appended, and after commit those events
 * are read back from the store (event_list) in chunks of ES_EVENT_CHUNK,
 * each chunk in a read transaction of its own, rendered by the same
 * es_event_text() and handed over. Memory stays bounded at any scale
 * (kept documents grew the tick's peak by 20 MiB per 100,000 due), and
 * without on_event nothing is queued at all.
 *
 * What is kept:
 * - Order and content: the queue holds the lower sequence numbers and is
 *   delivered first, then the range in seq order; a document read back is
 *   the text the queue would have held (same renderer, same stored
 *   details).
 * - Only this transaction's events: writers are serialised (SQLite's write
 *   lock, PostgreSQL's advisory lock) and sequence numbers rise, so no
 *   other writer's event falls inside the range; events are never deleted.
 *   Later events of other writers past the range are skipped.
 * - Once, after commit, on the committing thread, with the handle closed
 *   to the callback (dispatching is set throughout).
 *
 * What differs: reading back can fail after the commit (out of memory, an
 * I/O error) where a queue in memory could not. The events are committed
 * all the same; delivery stops at the first failure, in order, and the
 * undelivered seq range is logged at ENGSCHED_LOG_ERROR (the audit trail,
 * engsched_events_json(), still has them). */
#include <string.h>

#include "delivery/delivery.h"
#include "core/events.h"
#include "core/settings.h"

/* Events read back per read transaction. */
#define ES_EVENT_CHUNK 256

typedef struct chunk {
    char *json[ES_EVENT_CHUNK];
    int64_t seq[ES_EVENT_CHUNK];
    unsigned int count;
    int64_t last_seq;     /* of the last row read, in the range or not */
    int64_t rendered_seq; /* of the last document in json[] */
    int64_t stop;         /* the range's last seq */
} chunk;

static engsched_rc render_row(void *ctx, const engsched_rec_event *row)
{
    chunk *c = ctx;
    c->last_seq = row->seq;
    if (row->seq > c->stop)
        return ENGSCHED_OK; /* a later transaction's */
    char *json = es_event_text(row);
    if (json == NULL)
        return ENGSCHED_ENOMEM;
    c->seq[c->count] = row->seq;
    c->json[c->count++] = json;
    c->rendered_seq = row->seq;
    return ENGSCHED_OK;
}

static engsched_rc read_chunk(engsched_storage *s, int64_t after, chunk *c)
{
    es_storage_message_clear();
    engsched_rc rc = s->begin(s, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = s->event_list(s, 0, after, ES_EVENT_CHUNK, render_row, c);
    if (rc == ENGSCHED_OK)
        return s->commit(s);
    s->rollback(s);
    return rc;
}

/* One document to whichever event callback the handle has; without an
 * outbox a refusal can only be logged. */
int es_event_offer(engsched *db, int64_t seq, const char *json, size_t length,
                   const char *signature)
{
    int taken = 1;
    es_callback_enter(db);
    if (db->opts.deliver_event != NULL)
        taken = db->opts.deliver_event(db->opts.deliver_event_ctx, seq, json, length,
                                       signature) == 0;
    else
        db->opts.on_event(db->opts.event_ctx, json);
    es_callback_leave(db);
    return taken;
}

static void hand_event(engsched *db, int64_t seq, const char *json, const char *secret)
{
    char sig[ES_SIGNATURE_LEN];
    size_t length = strlen(json);
    if (!es_event_offer(db, seq, json, length, es_sign_with(secret, json, length, sig)))
        es_log(db, ENGSCHED_LOG_ERROR,
               "the event callback refused event %lld; without an outbox it is not retried "
               "(engsched_event_stream() still has it)",
               (long long)seq);
}

static void deliver_range(engsched *db, es_event_range range, const char *secret)
{
    int64_t after = range.after;
    engsched_rc rc = ENGSCHED_OK;
    while (rc == ENGSCHED_OK && after < range.last) {
        chunk c = {.count = 0, .last_seq = after, .rendered_seq = after, .stop = range.last};
        rc = read_chunk(db->storage, after, &c);
        if (rc == ENGSCHED_OK && c.last_seq == after)
            rc = ENGSCHED_ECORRUPT; /* the store no longer has them */
        /* What was read is delivered, also before a failure: in order. */
        for (unsigned int i = 0; i < c.count; i++) {
            hand_event(db, c.seq[i], c.json[i], secret);
            es_free(c.json[i]);
        }
        after = rc == ENGSCHED_OK ? c.last_seq : c.rendered_seq;
    }
    if (rc != ENGSCHED_OK)
        es_log(db, ENGSCHED_LOG_ERROR,
               "events after seq %lld up to %lld were committed but not delivered to "
               "on_event: %s (%s)",
               (long long)after, (long long)range.last, engsched_rc_name(rc), es_storage_message());
}

/* The queue, then the range read back from the store. The callback may not
 * use the handle (es_begin refuses while dispatching). */
/* The webhook secret for signing, read in a transaction of its own; NULL
 * (documents go unsigned, which is logged) if it cannot be read. */
static char *read_secret(engsched *db)
{
    char *secret = NULL;
    if (db->opts.deliver_event == NULL)
        return NULL;
    engsched_rc rc = es_begin(db, 0);
    if (rc == ENGSCHED_OK)
        rc = es_finish(db, es_setting_read(db, "webhook_secret", &secret));
    if (rc != ENGSCHED_OK)
        es_log(db, ENGSCHED_LOG_ERROR, "events delivered unsigned: %s", db->errmsg);
    return secret;
}

void es_event_dispatch(engsched *db, const es_pending_event *events, size_t count,
                       es_event_range spilled)
{
    if (db->opts.on_event == NULL && db->opts.deliver_event == NULL)
        return;
    if (count == 0 && spilled.last == 0)
        return;
    char *secret = read_secret(db);
    db->dispatching = 1;
    for (size_t i = 0; i < count; i++)
        hand_event(db, events[i].seq, events[i].json, secret);
    if (spilled.last != 0)
        deliver_range(db, spilled, secret);
    db->dispatching = 0;
    es_free(secret);
}
