/* Transactions: every operation is one storage transaction together with
 * its events; the host's event callback sees an event only after commit.
 * Inside a batch (batch.c) operations share the batch's transaction. */
#include <time.h>

#include "core/events.h"
#include "core/internal.h"
#include "ops/invitations.h"

int64_t es_now(engsched *db)
{
    if (db->opts.clock != NULL)
        return db->opts.clock(db->opts.clock_ctx);
    return (int64_t)time(NULL);
}

void es_drop_events_after(engsched *db, size_t keep)
{
    for (size_t i = keep; i < db->pending_count; i++)
        es_free(db->pending[i].json);
    if (keep < db->pending_count)
        db->pending_count = keep;
}

static void drop_pending(engsched *db)
{
    es_invitation_drop(db);
    es_drop_events_after(db, 0);
    db->spilled = (es_event_range){0, 0};
}

engsched_rc es_begin(engsched *db, int write)
{
    if (db->dispatching)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "the event callback may not use the handle that calls it");
    if (db->batch != ES_BATCH_NONE)
        return es_batch_op_begin(db, write);
    if (db->in_txn)
        return es_fail(db, ENGSCHED_EMISUSE, "a transaction is already open on this handle "
                                             "(is a callback using the handle?)");
    if (write && (db->opts.flags & ENGSCHED_OPEN_READONLY))
        return es_fail(db, ENGSCHED_EMISUSE, "the handle was opened read-only");
    es_storage_message_clear();
    engsched_rc rc = db->storage->begin(db->storage, write);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "beginning a transaction");
    db->in_txn = 1;
    return ENGSCHED_OK;
}

void es_rollback(engsched *db)
{
    db->batch = ES_BATCH_NONE;
    db->batch_op = ES_BATCH_OP_NONE;
    if (!db->in_txn)
        return;
    db->storage->rollback(db->storage);
    db->in_txn = 0;
    drop_pending(db);
}

/* Hand committed events to the host: the queue, then those read back from
 * the store (event_delivery.c). Both are taken off the handle first: mail
 * delivery before it runs read transactions of its own, whose rollback or
 * commit must neither drop nor deliver these events. The callback may not
 * use the handle (es_begin refuses while dispatching). */
static void dispatch(engsched *db, es_pending_event *events, size_t count,
                     es_event_range spilled)
{
    db->dispatching = 1;
    for (size_t i = 0; i < count; i++) {
        if (db->opts.on_event != NULL)
            db->opts.on_event(db->opts.event_ctx, events[i].json);
    }
    if (spilled.last != 0)
        es_event_deliver_range(db, spilled);
    db->dispatching = 0;
    for (size_t i = 0; i < count; i++)
        es_free(events[i].json);
    es_free(events);
}

engsched_rc es_commit(engsched *db)
{
    engsched_rc rc = db->storage->commit(db->storage);
    if (rc != ENGSCHED_OK) {
        es_storage_fail(db, rc, "committing");
        db->storage->rollback(db->storage);
        db->in_txn = 0;
        drop_pending(db);
        return rc;
    }
    db->in_txn = 0;
    es_pending_event *events = db->pending;
    size_t count = db->pending_count;
    es_event_range spilled = db->spilled;
    db->pending = NULL;
    db->pending_count = db->pending_cap = 0;
    db->spilled = (es_event_range){0, 0};
    /* Mail first: building it reads the store, which the event callback
     * may not do. Neither can undo the commit. Marked as a whole, so no
     * callback run meanwhile (mail, event, log) can open a batch; the
     * reads that build the mail commit in here too, hence the restore. */
    int delivering = db->delivering;
    db->delivering = 1;
    if (db->mail_count > 0)
        es_invitation_deliver(db);
    dispatch(db, events, count, spilled);
    db->delivering = delivering;
    return ENGSCHED_OK;
}

engsched_rc es_finish(engsched *db, engsched_rc rc)
{
    /* In a batch, an es_begin that failed opened nothing to finish, and
     * the batch's own transaction is never ended here. */
    if (db->batch != ES_BATCH_NONE)
        return db->batch_op != ES_BATCH_OP_NONE ? es_batch_op_finish(db, rc) : rc;
    if (!db->in_txn)
        return rc;
    if (rc != ENGSCHED_OK) {
        es_rollback(db);
        return rc;
    }
    rc = es_commit(db);
    if (rc == ENGSCHED_OK)
        es_ok(db);
    return rc;
}
