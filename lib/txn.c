/* Transactions: every operation is one storage transaction together with
 * its events; the host's event callback sees an event only after commit. */
#include <time.h>

#include "events.h"
#include "internal.h"
#include "invitations.h"

int64_t es_now(engsched *db)
{
    if (db->opts.clock != NULL)
        return db->opts.clock(db->opts.clock_ctx);
    return (int64_t)time(NULL);
}

static void drop_pending(engsched *db)
{
    es_invitation_drop(db);
    for (size_t i = 0; i < db->pending_count; i++)
        es_free(db->pending[i].json);
    db->pending_count = 0;
    db->spilled = (es_event_range){0, 0};
}

engsched_rc es_begin(engsched *db, int write)
{
    if (db->dispatching)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "the event callback may not use the handle that calls it");
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
     * may not do. Neither can undo the commit. */
    if (db->mail_count > 0)
        es_invitation_deliver(db);
    dispatch(db, events, count, spilled);
    return ENGSCHED_OK;
}

engsched_rc es_finish(engsched *db, engsched_rc rc)
{
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
