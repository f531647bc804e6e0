/* The end of a change, before its commit: every invitation it queued is
 * built once and written to the outbox, so that delivery — now, later or
 * after a crash — hands over the very same bytes (Message-ID, DTSTAMP).
 *
 * A message that cannot be built (no organizer, an operator without an
 * address, a date the calendar code cannot write) is not a failure of the
 * change: it is written as undeliverable with the reason, an
 * invitation.undeliverable event says so, and the caller learns the count
 * from engsched_undeliverable_count(). Running out of memory or a storage
 * failure is the change's failure: it is rolled back, message and all. */
#include <string.h>

#include "core/events.h"
#include "core/outbox.h"
#include "delivery/delivery.h"

/* Build failures that are about the data, not the machine. */
static int cannot_be_built(engsched_rc rc)
{
    return rc == ENGSCHED_EINVAL || rc == ENGSCHED_EUNSUPPORTED;
}

static engsched_rec_outbox mail_record(const es_pending_mail *m, unsigned int state)
{
    engsched_rec_outbox rec = {0};
    rec.kind = ENGSCHED_OUTBOX_MAIL;
    rec.state = state;
    rec.engagement = m->engagement;
    rec.user = m->user;
    return rec;
}

static engsched_rc put_message(engsched *db, const es_pending_mail *m, const es_invitation *inv)
{
    engsched_rec_outbox rec = mail_record(m, ENGSCHED_OUTBOX_PENDING);
    rec.sequence = inv->sequence;
    rec.recipient = inv->recipient;
    rec.payload = inv->mail;
    rec.payload_len = inv->mail_len;
    return es_outbox_put(db, &rec, NULL);
}

static engsched_rc put_undeliverable(engsched *db, const es_pending_mail *m, const char *reason)
{
    engsched_rec_outbox rec = mail_record(m, ENGSCHED_OUTBOX_UNDELIVERABLE);
    rec.reason = reason;
    engsched_rc rc = es_outbox_put(db, &rec, NULL);
    if (rc != ENGSCHED_OK)
        return rc;
    /* The engagement's status, unchanged, as every non-status event of
     * an engagement carries it. */
    es_engagement e;
    if ((rc = es_engagement_read(db, m->engagement, &e)) != ENGSCHED_OK)
        return rc;
    int status = e.rec.status;
    es_engagement_release(&e);
    return es_emit(db, ENGSCHED_SYSTEM, m->engagement, "invitation.undeliverable", status, status,
                   json_pack("{s:I, s:I, s:s}", "user", (json_int_t)m->user, "outbox_item",
                             (json_int_t)rec.id, "reason", reason));
}

static engsched_rc stage_one(engsched *db, const es_pending_mail *m, unsigned int *undeliverable)
{
    es_invitation inv;
    engsched_rc rc = es_invitation_build(db, m->engagement, m->user, NULL, &inv);
    if (rc == ENGSCHED_OK) {
        rc = put_message(db, m, &inv);
    } else if (cannot_be_built(rc)) {
        char reason[ES_ERRMSG_MAX];
        memcpy(reason, db->errmsg, sizeof reason);
        rc = put_undeliverable(db, m, reason);
        if (rc == ENGSCHED_OK)
            (*undeliverable)++;
    }
    es_invitation_release(&inv);
    return rc;
}

engsched_rc es_stage_mail(engsched *db, unsigned int *out_undeliverable)
{
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; rc == ENGSCHED_OK && i < db->mail_count; i++)
        rc = stage_one(db, &db->mail[i], out_undeliverable);
    db->mail_count = 0;
    return rc;
}
