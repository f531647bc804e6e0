/* The durable event stream: every event after a sequence number, read
 * from the event log itself (not the outbox), so a consumer that keeps
 * the last seq it took resumes exactly there. Read in chunks, each in a
 * read transaction of its own; the consumer's callback runs between them,
 * with the handle closed to it. */
#include <string.h>

#include "core/events.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "rules/rules.h"

#define ES_STREAM_CHUNK 256

typedef struct stream_chunk {
    char *json[ES_STREAM_CHUNK];
    int64_t seq[ES_STREAM_CHUNK];
    unsigned int count;
} stream_chunk;

static engsched_rc keep_event(void *ctx, const engsched_rec_event *row)
{
    stream_chunk *c = ctx;
    char *json = es_event_text(row);
    if (json == NULL)
        return ENGSCHED_ENOMEM;
    c->seq[c->count] = row->seq;
    c->json[c->count++] = json;
    return ENGSCHED_OK;
}

static void chunk_release(stream_chunk *c)
{
    for (unsigned int i = 0; i < c->count; i++)
        es_free(c->json[i]);
    c->count = 0;
}

static engsched_rc read_chunk(engsched *db, int64_t after, unsigned int limit, stream_chunk *c,
                              char **secret)
{
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    if (*secret == NULL)
        rc = es_setting_read(db, "webhook_secret", secret);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->event_list(db->storage, 0, after, limit, keep_event, c);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory reading the event stream");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading the event stream");
    }
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK)
        chunk_release(c);
    return rc;
}

/* Hand the chunk over; returns 0 when the consumer stopped. */
static int hand_over(engsched *db, stream_chunk *c, engsched_event_deliver_fn fn, void *ctx,
                     const char *secret, int64_t *last)
{
    int go_on = 1;
    db->dispatching = 1;
    for (unsigned int i = 0; go_on && i < c->count; i++) {
        char sig[ES_SIGNATURE_LEN];
        size_t length = strlen(c->json[i]);
        es_callback_enter(db);
        const char *signature = es_sign_with(secret, c->json[i], length, sig);
        int stop = fn(ctx, c->seq[i], c->json[i], length, signature);
        es_callback_leave(db);
        if (stop)
            go_on = 0;
        else
            *last = c->seq[i];
    }
    db->dispatching = 0;
    return go_on;
}

static engsched_rc check_args(engsched *db, engsched_id actor, int64_t after_seq,
                              unsigned int limit, engsched_event_deliver_fn fn)
{
    if (fn == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "fn: must not be NULL");
    if (after_seq < 0)
        return es_fail(db, ENGSCHED_EINVAL, "after_seq: must not be negative");
    if (limit < 1 || limit > 10000)
        return es_fail(db, ENGSCHED_EINVAL, "limit: from 1 to 10000, not %u", limit);
    if (es_authorize_unscoped_read(actor == ENGSCHED_SYSTEM) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_EDENIED,
                       "the event stream spans every client: only ENGSCHED_SYSTEM reads it");
    return es_refuse_in_batch(db, "engsched_event_stream");
}

engsched_rc engsched_event_stream(engsched *db, engsched_id actor, int64_t after_seq,
                                  unsigned int limit, engsched_event_deliver_fn fn, void *ctx,
                                  int64_t *out_last_seq)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_args(db, actor, after_seq, limit, fn);
    if (rc != ENGSCHED_OK)
        return rc;
    stream_chunk *c = es_calloc(1, sizeof *c);
    if (c == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading the event stream");
    char *secret = NULL;
    int64_t last = after_seq;
    unsigned int left = limit;
    while (left > 0) {
        unsigned int want = left < ES_STREAM_CHUNK ? left : ES_STREAM_CHUNK;
        if ((rc = read_chunk(db, last, want, c, &secret)) != ENGSCHED_OK)
            break;
        unsigned int got = c->count;
        int go_on = hand_over(db, c, fn, ctx, secret, &last);
        chunk_release(c);
        left -= got;
        if (!go_on || got < want)
            break;
    }
    es_free(secret);
    es_free(c);
    if (out_last_seq != NULL)
        *out_last_seq = last; /* also after a failure: what the consumer took */
    return rc == ENGSCHED_OK ? es_ok(db) : rc;
}
