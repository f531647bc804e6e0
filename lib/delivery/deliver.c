/* Delivery after commit: the one path from db->committed to the host. */
#include "delivery/delivery.h"

/* A backend without an outbox: from memory, once. */
static void deliver_from_memory(engsched *db, es_committed *c)
{
    if (c->mail_count > 0)
        es_invitation_deliver(db, c->mail, c->mail_count);
    es_event_dispatch(db, c->events, c->event_count, c->spilled);
}

/* What the commit wrote to the outbox; what this cannot deliver stays
 * pending for engsched_deliver(). */
static void deliver_from_outbox(engsched *db, es_committed *c)
{
    engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    engsched_rc rc = es_outbox_deliver_own(db, c->own, c->own_count, &res);
    if (rc == ENGSCHED_OK && c->outbox.last != 0 && es_delivery_wanted(db) &&
        db->opts.delivery == ENGSCHED_DELIVER_ON_COMMIT)
        rc = es_outbox_deliver(db, c->outbox, 0, &res);
    if (rc != ENGSCHED_OK)
        es_log(db, ENGSCHED_LOG_ERROR,
               "delivery after commit stopped, the rest stays pending for engsched_deliver(): %s",
               db->errmsg);
}

void es_deliver_committed(engsched *db)
{
    /* Taken off the handle first: delivery runs transactions of its own,
     * whose commits must neither hand these over again nor drop them.
     * Marked as a whole, so no callback run meanwhile (mail, event, log)
     * can open a batch. */
    es_committed *c = &db->handing;
    es_committed_release(c); /* empty: delivery does not nest */
    *c = db->committed;
    db->committed = (es_committed){0};
    int delivering = db->delivering;
    db->delivering = 1;
    /* With an outbox, events may still come from memory (setting
     * outbox_events off); without one, everything does. */
    if (db->outbox)
        deliver_from_outbox(db, c);
    deliver_from_memory(db, c);
    db->delivering = delivering;
    es_committed_release(c);
}

engsched_rc es_finish_and_deliver(engsched *db, engsched_rc rc)
{
    unsigned int undeliverable = 0;
    if (rc == ENGSCHED_OK && db->outbox && db->mail_count > 0)
        rc = es_stage_mail(db, &undeliverable);
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK)
        return rc;
    if (db->in_txn) { /* an operation of a batch: delivered after the batch */
        db->undeliverable = undeliverable;
        return rc;
    }
    es_deliver_committed(db);
    db->undeliverable = undeliverable;
    return es_ok(db);
}
