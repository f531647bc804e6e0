/* Delivery after commit: the one path from db->committed to the host. */
#include "delivery/delivery.h"

void es_deliver_committed(engsched *db)
{
    /* Taken off the handle first: building the mail runs read
     * transactions of their own, whose commits must neither hand these
     * over again nor drop them. Marked as a whole, so no callback run
     * meanwhile (mail, event, log) can open a batch. */
    es_committed c = db->committed;
    db->committed = (es_committed){0};
    int delivering = db->delivering;
    db->delivering = 1;
    if (c.mail_count > 0)
        es_invitation_deliver(db, c.mail, c.mail_count);
    es_event_dispatch(db, c.events, c.event_count, c.spilled);
    db->delivering = delivering;
    es_committed_release(&c);
}

engsched_rc es_finish_and_deliver(engsched *db, engsched_rc rc)
{
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK || db->in_txn)
        return rc;
    es_deliver_committed(db);
    return es_ok(db);
}
