/* Outbox items written in the change's transaction. */
#include "core/outbox.h"

void es_outbox_note(engsched *db, int64_t id)
{
    es_id_range *r = &db->txn_outbox;
    if (r->last == 0) {
        *r = (es_id_range){id - 1, id};
        return;
    }
    if (id - 1 < r->after)
        r->after = id - 1;
    if (id > r->last)
        r->last = id;
}

engsched_rc es_outbox_put(engsched *db, engsched_rec_outbox *rec)
{
    int64_t now = es_now(db);
    rec->created_at = rec->updated_at = now;
    if (rec->next_attempt_at == 0)
        rec->next_attempt_at = now;
    if (rec->recipient == NULL)
        rec->recipient = "";
    if (rec->payload == NULL)
        rec->payload = "", rec->payload_len = 0;
    if (rec->reason == NULL)
        rec->reason = "";
    engsched_rc rc = db->storage->outbox_put(db->storage, rec, &rec->id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing to the outbox");
    es_outbox_note(db, rec->id);
    return ENGSCHED_OK;
}

engsched_rc es_outbox_event(engsched *db, const engsched_rec_event *ev)
{
    engsched_rec_outbox rec = {0};
    rec.kind = ENGSCHED_OUTBOX_EVENT;
    rec.state = ENGSCHED_OUTBOX_PENDING;
    rec.engagement = ev->engagement;
    rec.event_seq = ev->seq;
    return es_outbox_put(db, &rec);
}
