/* Transactions: every operation is one storage transaction together with
 * the events and mail it queues. Commit only commits: what the transaction
 * queued moves to db->committed, and delivery/ hands it to the host after
 * the operation (the host's callbacks never run inside core/).
 *
 * Batches: many operations of one handle in one write transaction. The
 * batch holds the write transaction from engsched_batch_begin() to
 * engsched_batch_commit() or engsched_batch_rollback() (ops/batch.c).
 * Inside it es_begin() and es_finish() run the operation in a savepoint,
 * released when it succeeds and rolled back to when it fails, so a refused
 * operation changes nothing and the batch goes on; a read reads the
 * batch's transaction as it stands, its uncommitted writes included. A
 * failed operation drops what it queued (the counts taken at its
 * savepoint); the batch's commit hands over the rest.
 *
 * When the storage cannot undo a failed operation (rollback_to() or the
 * release after it fails) its writes may still be in the transaction,
 * which therefore must never commit: the whole batch is rolled back at
 * once and the batch is "broken" until the host ends it. Every call
 * meanwhile fails with the code that broke it, so no operation the host
 * meant for the batch can slip into a transaction of its own. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "calendar/timezone.h"

int64_t es_now(engsched *db)
{
    if (db->opts.clock == NULL)
        return (int64_t)time(NULL);
    es_callback_enter(db);
    int64_t now = db->opts.clock(db->opts.clock_ctx);
    es_callback_leave(db);
    return now;
}

void es_drop_events_after(engsched *db, size_t keep)
{
    for (size_t i = keep; i < db->pending_count; i++)
        es_free(db->pending[i].json);
    if (keep < db->pending_count)
        db->pending_count = keep;
}

void es_claimed_release(es_claimed *items, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        es_free(items[i].recipient);
        es_free(items[i].payload);
    }
}

engsched_rc es_claimed_fill(es_claimed *it, const engsched_rec_outbox *rec, const char *text,
                            size_t length)
{
    memset(it, 0, sizeof *it);
    it->rec = *rec;
    it->recipient = es_strdup(rec->recipient != NULL ? rec->recipient : "");
    it->payload = es_malloc(length + 1);
    if (it->recipient == NULL || it->payload == NULL) {
        es_claimed_release(it, 1);
        return ENGSCHED_ENOMEM;
    }
    memcpy(it->payload, text != NULL ? text : "", length);
    it->payload[length] = '\0';
    it->length = length;
    it->rec.recipient = it->recipient;
    it->rec.payload = it->rec.kind == ENGSCHED_OUTBOX_MAIL ? it->payload : "";
    it->rec.payload_len = it->rec.kind == ENGSCHED_OUTBOX_MAIL ? length : 0;
    it->rec.reason = ""; /* written anew whenever the item is */
    return ENGSCHED_OK;
}

void es_outbox_txn_forget(engsched *db)
{
    db->txn_lease_until = 0;
    db->txn_events_outbox = -1;
    es_free(db->txn_secret);
    db->txn_secret = NULL;
}

void es_outbox_drop_own_after(engsched *db, size_t keep)
{
    if (keep >= db->own_count)
        return;
    es_claimed_release(db->own + keep, db->own_count - keep);
    db->own_count = keep;
}

static void drop_pending(engsched *db)
{
    db->mail_count = 0;
    db->txn_outbox = (es_id_range){0, 0};
    es_outbox_drop_own_after(db, 0);
    es_outbox_txn_forget(db);
    es_drop_events_after(db, 0);
    db->spilled = (es_event_range){0, 0};
}

void es_committed_release(es_committed *c)
{
    for (size_t i = 0; i < c->event_count; i++)
        es_free(c->events[i].json);
    es_free(c->events);
    es_free(c->mail);
    es_claimed_release(c->own, c->own_count);
    es_free(c->own);
    *c = (es_committed){0};
}

/* --- batches: an operation in a savepoint ------------------------------ */

engsched_rc es_refuse_in_batch(engsched *db, const char *operation)
{
    if (db->batch == ES_BATCH_NONE)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EMISUSE,
                   "%s runs in a transaction of its own and cannot be part of a batch; commit "
                   "or roll back the batch first",
                   operation);
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
    return es_fail(db, rc,
                   "%s; the whole batch was rolled back, end it with "
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
    es_outbox_drop_own_after(db, db->batch_own); /* their rows are undone below */
    es_storage_message_clear();
    engsched_rc undo = db->storage->rollback_to(db->storage);
    if (undo == ENGSCHED_OK)
        undo = db->storage->release(db->storage);
    return undo == ENGSCHED_OK ? rc : break_batch(db, undo);
}

engsched_rc es_batch_op_begin(engsched *db, int write)
{
    if (db->batch_op != ES_BATCH_OP_NONE)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "an operation is already running on this handle "
                       "(is a callback using the handle?)");
    if (db->batch == ES_BATCH_BROKEN)
        return es_fail(db, db->batch_rc,
                       "the batch was rolled back after an earlier failure "
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
        db->batch_own = db->own_count;
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

/* --- transactions ------------------------------------------------------ */

engsched_rc es_begin(engsched *db, int write)
{
    if (db->in_callback) /* a callback using its handle: leave the outer call's message */
        return ENGSCHED_EMISUSE;
    if (db->dispatching)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "the event and mail callbacks may not use the handle that calls them");
    if (!db->delivering)
        db->undeliverable = 0; /* what the last write operation left */
    if (db->batch != ES_BATCH_NONE)
        return es_batch_op_begin(db, write);
    if (db->in_txn)
        return es_fail(db, ENGSCHED_EMISUSE,
                       "a transaction is already open on this handle "
                       "(is a callback using the handle?)");
    if (write && (db->opts.flags & ENGSCHED_OPEN_READONLY))
        return es_fail(db, ENGSCHED_EMISUSE, "the handle was opened read-only");
    /* A write stamps its records with the clock: one out of the range every
     * date and export takes is the host's mistake, said before anything is
     * written (a read of today's date says it in es_today). */
    int64_t now = write ? es_now(db) : 0;
    if (write && !es_instant_in_range(now))
        return es_fail(db, ENGSCHED_EINVAL, "now: %lld is outside " ES_INSTANT_RANGE " (the clock)",
                       (long long)now);
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

/* Move what the committed transaction queued to db->committed. Every
 * entry point delivers after its commit (delivery/), and delivery takes
 * the hand-over off the handle before it runs any transaction, so it is
 * empty here; should a commit ever find it full, what it holds is logged
 * as undelivered rather than merged, since a spilled range must stay this
 * transaction's own. */
static void hand_over(engsched *db)
{
    es_committed *c = &db->committed;
    if (c->event_count != 0 || c->mail_count != 0 || c->spilled.last != 0 || c->own_count != 0)
        es_log(db, ENGSCHED_LOG_ERROR,
               "%zu events and %zu invitations of an earlier commit were not delivered",
               c->event_count, c->mail_count);
    es_committed_release(c);
    *c = (es_committed){db->pending,    db->pending_count, db->pending_cap, db->spilled,
                        db->mail,       db->mail_count,    db->mail_cap,    db->txn_outbox,
                        db->own,        db->own_count,     db->own_cap};
    db->txn_outbox = (es_id_range){0, 0};
    db->own = NULL;
    db->own_count = db->own_cap = 0;
    es_outbox_txn_forget(db);
    db->pending = NULL;
    db->mail = NULL;
    db->pending_count = db->pending_cap = db->mail_count = db->mail_cap = 0;
    db->spilled = (es_event_range){0, 0};
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
    hand_over(db);
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
