/* Invitation state in the change's transaction: every assignment, change
 * of dates or name, unassignment and cancellation raises the operator's
 * SEQUENCE, and the mail waits on the handle until the operation ends:
 * then it is written to the outbox (delivery/stage.c), or, without one,
 * delivered from memory after the commit. */
#include "core/invitation_state.h"
#include "util/ids.h"

static engsched_rc queue_mail(engsched *db, engsched_id engagement, engsched_id user)
{
    for (size_t i = 0; i < db->mail_count; i++) {
        if (db->mail[i].engagement == engagement && db->mail[i].user == user)
            return ENGSCHED_OK; /* one message per commit carries the last state */
    }
    es_pending_mail *grown = es_grow(db->mail, &db->mail_cap, db->mail_count, sizeof *grown);
    if (grown == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory queueing an invitation");
    db->mail = grown;
    db->mail[db->mail_count++] = (es_pending_mail){engagement, user};
    return ENGSCHED_OK;
}

engsched_rc es_invitation_touch(engsched *db, engsched_id engagement, engsched_id user, int cancel)
{
    engsched_rec_invitation rec;
    engsched_rc rc = db->storage->invitation_get(db->storage, engagement, user, &rec);
    if (rc == ENGSCHED_ENOTFOUND) {
        if (cancel)
            return ENGSCHED_OK; /* never invited: nothing to cancel */
        rec = (engsched_rec_invitation){engagement, user, -1, 0, 0};
    } else if (rc != ENGSCHED_OK) {
        return es_storage_fail(db, rc, "reading an invitation");
    } else if (cancel && rec.canceled) {
        return ENGSCHED_OK;
    }
    rec.sequence++;
    rec.canceled = cancel != 0;
    rec.updated_at = es_now(db);
    rc = db->storage->invitation_put(db->storage, &rec);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing an invitation");
    /* With an outbox every message is kept for whoever delivers it; from
     * memory only for this handle's own callback. */
    return db->outbox || db->opts.on_mail != NULL ? queue_mail(db, engagement, user)
                                                  : ENGSCHED_OK;
}

static engsched_rc collect_user(void *ctx, const engsched_rec_assignment *row)
{
    return es_ids_push(ctx, row->user) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

engsched_rc es_invitation_touch_all(engsched *db, engsched_id engagement, int cancel)
{
    es_ids users = ES_IDS_INIT;
    /* Collected first: the backend is not called from its own row callback. */
    engsched_rc rc = db->storage->assignment_list(db->storage, engagement, collect_user, &users);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory listing operators");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "listing operators");
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++)
        rc = es_invitation_touch(db, engagement, users.ids[i], cancel);
    es_ids_release(&users);
    return rc;
}
