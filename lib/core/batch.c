/* Batches: many operations of one handle in one write transaction.
 *
 * The batch holds the write transaction from engsched_batch_begin() to
 * engsched_batch_commit() or engsched_batch_rollback(). Inside it es_begin()
 * and es_finish() (txn.c) come here: a write operation runs in a savepoint,
 * released when it succeeds and rolled back to when it fails, so a refused
 * operation changes nothing and the batch goes on; a read reads the batch's
 * transaction as it stands, its uncommitted writes included.
 *
 * Events and mail wait on the handle as for a single operation; a failed
 * operation drops what it queued (the counts taken at its savepoint), and
 * the commit delivers the rest through es_commit(), the one delivery path.
 *
 * When the storage cannot undo a failed operation (rollback_to() or the
 * release after it fails) its writes may still be in the transaction, which
 * therefore must never commit: the whole batch is rolled back at once and
 * the batch is "broken" until the host ends it. Every call meanwhile fails
 * with the code that broke it, so no operation the host meant for the batch
 * can slip into a transaction of its own. */
#include <stdio.h>

#include "core/internal.h"

/* The batch calls are refused from the host's callbacks: the mail and
 * event callbacks run while the handle delivers a commit, the clock and
 * log callbacks inside an operation. */
static engsched_rc refuse_in_callback(engsched *db, const char *call)
{
    if (db->delivering)
        return es_fail(db, ENGSCHED_EMISUSE, "%s: the handle is delivering a commit's mail "
                                             "and events; its callbacks may not use it",
                       call);
    if (db->batch_op != ES_BATCH_OP_NONE || (db->batch == ES_BATCH_NONE && db->in_txn))
        return es_fail(db, ENGSCHED_EMISUSE, "%s: an operation is running on this handle (is a "
                                             "callback using the handle?)",
                       call);
    return ENGSCHED_OK;
}

engsched_rc es_refuse_in_batch(engsched *db, const char *operation)
{
    if (db->batch == ES_BATCH_NONE)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EMISUSE,
                   "%s runs in a transaction of its own and cannot be part of a batch; commit "
                   "or roll back the batch first",
                   operation);
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
        return es_fail(db, db->batch_rc, "the batch was rolled back and nothing of it was "
                                         "stored: %s",
                       db->batch_why);
    }
    /* Closed first: delivering the mail after the commit reads the store
     * in transactions of its own. */
    db->batch = ES_BATCH_NONE;
    rc = es_commit(db);
    return rc == ENGSCHED_OK ? es_ok(db) : rc;
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

/* The failed operation's writes could not be undone: roll everything back
 * and keep the batch broken until the host ends it. */
static engsched_rc break_batch(engsched *db, engsched_rc rc)
{
    es_storage_fail(db, rc, "undoing a failed operation of the batch");
    snprintf(db->batch_why, sizeof db->batch_why, "%s", db->errmsg);
    db->batch_rc = rc;
    es_rollback(db);
    db->batch = ES_BATCH_BROKEN;
    return es_fail(db, rc, "%s; the whole batch was rolled back, end it with "
                           "engsched_batch_rollback()",
                   db->batch_why);
}

/* Undo a failed write operation: its writes, its events and its mail. */
static engsched_rc undo_operation(engsched *db, engsched_rc rc)
{
    es_drop_events_after(db, db->batch_events);
    db->spilled = db->batch_spilled; /* events past the queue, read back after commit */
    if (db->batch_mail < db->mail_count)
        db->mail_count = db->batch_mail;
    es_storage_message_clear();
    engsched_rc undo = db->storage->rollback_to(db->storage);
    if (undo == ENGSCHED_OK)
        undo = db->storage->release(db->storage);
    return undo == ENGSCHED_OK ? rc : break_batch(db, undo);
}

engsched_rc es_batch_op_begin(engsched *db, int write)
{
    if (db->batch_op != ES_BATCH_OP_NONE)
        return es_fail(db, ENGSCHED_EMISUSE, "an operation is already running on this handle "
                                             "(is a callback using the handle?)");
    if (db->batch == ES_BATCH_BROKEN)
        return es_fail(db, db->batch_rc, "the batch was rolled back after an earlier failure "
                                         "(%s); end it with engsched_batch_rollback()",
                       db->batch_why);
    if (write) {
        es_storage_message_clear();
        /* A savepoint that could not be opened holds nothing: this
         * operation fails, the batch goes on. */
        engsched_rc rc = db->storage->savepoint(db->storage);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "opening a savepoint");
        db->batch_events = db->pending_count;
        db->batch_spilled = db->spilled;
        db->batch_mail = db->mail_count;
    }
    db->batch_op = write ? ES_BATCH_OP_WRITE : ES_BATCH_OP_READ;
    return ENGSCHED_OK;
}

engsched_rc es_batch_op_finish(engsched *db, engsched_rc rc)
{
    int write = db->batch_op == ES_BATCH_OP_WRITE;
    db->batch_op = ES_BATCH_OP_NONE;
    if (!write)
        return rc == ENGSCHED_OK ? es_ok(db) : rc;
    if (rc != ENGSCHED_OK)
        return undo_operation(db, rc);
    es_storage_message_clear();
    rc = db->storage->release(db->storage);
    if (rc == ENGSCHED_OK)
        return es_ok(db);
    /* Not released: the savepoint is still there to undo the operation. */
    es_storage_fail(db, rc, "releasing a savepoint");
    return undo_operation(db, rc);
}
