/* Outbox items written in the change's transaction. */
#include <string.h>

#include "core/outbox.h"
#include "core/settings.h"

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

int es_outbox_kind_wanted(const engsched *db, int kind)
{
    if (kind == ENGSCHED_OUTBOX_MAIL)
        return db->opts.on_mail != NULL;
    return db->opts.deliver_event != NULL || db->opts.on_event != NULL;
}

/* Whether the item goes to this handle's own callback after the commit. */
static int delivered_here(const engsched *db, int kind)
{
    return db->opts.delivery == ENGSCHED_DELIVER_ON_COMMIT && es_outbox_kind_wanted(db, kind);
}

/* The lease and (for events) the secret, read once per transaction. */
static engsched_rc read_claim_facts(engsched *db, int kind)
{
    engsched_rc rc = ENGSCHED_OK;
    if (db->txn_lease_until == 0) {
        int64_t lease = 0;
        if ((rc = es_setting_int(db, "delivery_lease_seconds", &lease)) != ENGSCHED_OK)
            return rc;
        db->txn_lease_until = es_now(db) + lease;
    }
    if (kind == ENGSCHED_OUTBOX_EVENT && db->txn_secret == NULL)
        rc = es_setting_read(db, "webhook_secret", &db->txn_secret);
    return rc;
}

static engsched_rc keep_own(engsched *db, const engsched_rec_outbox *rec, const char *document)
{
    es_claimed *grown = es_grow(db->own, &db->own_cap, db->own_count, sizeof *grown);
    if (grown == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory keeping an outbox item");
    db->own = grown;
    es_claimed *it = &db->own[db->own_count];
    engsched_rc rc = document != NULL ? es_claimed_fill(it, rec, document, strlen(document))
                                      : es_claimed_fill(it, rec, rec->payload, rec->payload_len);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "out of memory keeping an outbox item");
    if (rec->kind == ENGSCHED_OUTBOX_EVENT)
        it->is_signed = es_sign_with(db->txn_secret, it->payload, it->length, it->signature) != NULL;
    db->own_count++;
    return ENGSCHED_OK;
}

engsched_rc es_outbox_put(engsched *db, engsched_rec_outbox *rec, const char *document)
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
    int here = rec->state == ENGSCHED_OUTBOX_PENDING && delivered_here(db, rec->kind);
    int own = here && db->own_count < ES_OUTBOX_OWN_MAX;
    engsched_rc rc = own ? read_claim_facts(db, rec->kind) : ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return rc;
    if (own) {
        rec->claim = db->claim_token;
        rec->claimed_until = db->txn_lease_until;
    }
    rc = db->storage->outbox_put(db->storage, rec, &rec->id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing to the outbox");
    if (own)
        return keep_own(db, rec, document);
    if (here)
        es_outbox_note(db, rec->id);
    return ENGSCHED_OK;
}

engsched_rc es_outbox_takes_events(engsched *db, int *out)
{
    if (db->txn_events_outbox < 0) {
        char *value = NULL;
        engsched_rc rc = es_setting_read(db, "outbox_events", &value);
        if (rc != ENGSCHED_OK)
            return rc;
        db->txn_events_outbox = strcmp(value, "off") != 0;
        es_free(value);
    }
    *out = db->txn_events_outbox;
    return ENGSCHED_OK;
}

int es_outbox_keeps(const engsched *db, int kind)
{
    return delivered_here(db, kind) && db->own_count < ES_OUTBOX_OWN_MAX;
}

engsched_rc es_outbox_event(engsched *db, const engsched_rec_event *ev, const char *document)
{
    engsched_rec_outbox rec = {0};
    rec.kind = ENGSCHED_OUTBOX_EVENT;
    rec.state = ENGSCHED_OUTBOX_PENDING;
    rec.engagement = ev->engagement;
    rec.event_seq = ev->seq;
    return es_outbox_put(db, &rec, document);
}
