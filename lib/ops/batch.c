/* Batches: the public calls that open and end one write transaction for
 * many operations of one handle. The savepoint of each operation and a
 * broken batch are core/txn.c's; the commit is delivered here, as after
 * every operation. */
#include "delivery/delivery.h"

/* The batch calls are refused from the host's callbacks: the mail and
 * event callbacks run while the handle delivers a commit, the clock and
 * log callbacks inside an operation. */
static engsched_rc refuse_in_callback(engsched *db, const char *call)
{
    if (db->delivering)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "%s: the handle is delivering a commit's mail "
                       "and events; its callbacks may not use it",
                       call);
    if (db->batch_op != ES_BATCH_OP_NONE || (db->batch == ES_BATCH_NONE && db->in_txn))
        return es_fail(db, ENGSCHED_EMISUSE,
                       "%s: an operation is running on this handle (is a "
                       "callback using the handle?)",
                       call);
    return ENGSCHED_OK;
}

engsched_rc engsched_batch_begin(engsched *db)
{
    ES_CHECK_DB(db);
    engsched_rc rc = refuse_in_callback(db, "engsched_batch_begin");
    if (rc != ENGSCHED_OK)
        return rc;
    if (db->batch != ES_BATCH_NONE)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "a batch is already open on this handle; commit or roll it back first");
    if (db->opts.flags & ENGSCHED_OPEN_READONLY)
        return es_fail(db, ENGSCHED_EMISUSE, "the handle was opened read-only");
    if (!db->savepoints)
        return es_fail(db, ENGSCHED_EUNSUPPORTED,
                       "the storage backend has no savepoints (its table is version %u; "
                       "batches need version 2 with savepoint, release and rollback_to)",
                       db->storage->version);
    /* The write lock now, as for a single write: an operation in the
     * batch never waits for it or fails half-way on it. */
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    db->batch = ES_BATCH_OPEN;
    return es_ok(db);
}

/* What both ends of a batch check first. */
static engsched_rc check_end(engsched *db, const char *call)
{
    engsched_rc rc = refuse_in_callback(db, call);
    if (rc == ENGSCHED_OK && db->batch == ES_BATCH_NONE)
        rc = es_fail(db, ENGSCHED_EMISUSE, "%s: no batch is open on this handle", call);
    return rc;
}

engsched_rc engsched_batch_commit(engsched *db)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_end(db, "engsched_batch_commit");
    if (rc != ENGSCHED_OK)
        return rc;
    if (db->batch == ES_BATCH_BROKEN) {
        db->batch = ES_BATCH_NONE;
        return es_fail(db, db->batch_rc,
                       "the batch was rolled back and nothing of it was "
                       "stored: %s",
                       db->batch_why);
    }
    /* Closed first: delivering the mail after the commit reads the store
     * in transactions of its own. */
    db->batch = ES_BATCH_NONE;
    rc = es_commit(db);
    if (rc != ENGSCHED_OK)
        return rc;
    es_deliver_committed(db);
    return es_ok(db);
}

engsched_rc engsched_batch_rollback(engsched *db)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_end(db, "engsched_batch_rollback");
    if (rc != ENGSCHED_OK)
        return rc;
    es_rollback(db);
    return es_ok(db);
}
