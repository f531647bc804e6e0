/* The outbox entry points: deliver, list, count, re-queue, purge. The
 * claiming and marking are delivery/outbox_deliver.c's; what is written
 * with a change is delivery/stage.c's. */
#include <stdio.h>
#include <string.h>

#include "core/outbox.h"
#include "delivery/delivery.h"
#include "rules/rules.h"
#include "util/ids.h"

static engsched_rc require_outbox(engsched *db)
{
    if (db->outbox)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EUNSUPPORTED,
                   "the storage backend keeps no outbox (its table is version %u without the "
                   "outbox callbacks of version 3)",
                   db->storage->version);
}

engsched_rc engsched_deliver(engsched *db, unsigned int limit, engsched_delivery_result *out)
{
    ES_CHECK_DB(db);
    if (out != NULL && out->version != ENGSCHED_DELIVERY_RESULT_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "out: unknown result version %u", out->version);
    engsched_rc rc = es_refuse_in_batch(db, "engsched_deliver");
    if (rc == ENGSCHED_OK && (db->dispatching || db->delivering))
        rc = es_fail(db, ENGSCHED_EMISUSE,
                     "engsched_deliver: the handle is delivering; its callbacks may not use it");
    if (rc == ENGSCHED_OK)
        rc = require_outbox(db);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    rc = es_outbox_deliver(db, (es_id_range){0, 0}, limit, &res);
    if (out != NULL)
        *out = res; /* also after a failure: what was marked before it stands */
    return rc == ENGSCHED_OK ? es_ok(db) : rc;
}

unsigned int engsched_undeliverable_count(const engsched *db)
{
    return db != NULL ? db->undeliverable : 0;
}

/* --- listing ------------------------------------------------------------ */

struct engsched_outbox_list {
    engsched_outbox_entry *items;
    size_t count;
    size_t cap;
};

static engsched_rc collect_item(void *ctx, const engsched_rec_outbox *row)
{
    engsched_outbox_list *list = ctx;
    engsched_outbox_entry *grown = es_grow(list->items, &list->cap, list->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    list->items = grown;
    engsched_outbox_entry e = {row->id,         row->kind,       row->state,
                               row->engagement, row->user,       row->event_seq,
                               row->attempts,   row->next_attempt_at, row->created_at,
                               row->updated_at, es_strdup(row->recipient ? row->recipient : ""),
                               es_strdup(row->reason ? row->reason : "")};
    if (e.recipient == NULL || e.reason == NULL) {
        es_free((char *)e.recipient);
        es_free((char *)e.reason);
        return ENGSCHED_ENOMEM;
    }
    list->items[list->count++] = e;
    return ENGSCHED_OK;
}

void engsched_outbox_list_free(engsched_outbox_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++) {
        es_free((char *)list->items[i].recipient);
        es_free((char *)list->items[i].reason);
    }
    es_free(list->items);
    es_free(list);
}

size_t engsched_outbox_list_count(const engsched_outbox_list *list)
{
    return list != NULL ? list->count : 0;
}

const engsched_outbox_entry *engsched_outbox_list_item(const engsched_outbox_list *list,
                                                       size_t index)
{
    return list != NULL && index < list->count ? &list->items[index] : NULL;
}

static engsched_rc check_states(engsched *db, unsigned int states)
{
    if (states == 0 || (states & ~ENGSCHED_OUTBOX_ALL) != 0)
        return es_fail(db, ENGSCHED_EINVAL,
                       "states: a mask of ENGSCHED_OUTBOX_* bits (1 to %u), not %u",
                       ENGSCHED_OUTBOX_ALL, states);
    return ENGSCHED_OK;
}

/* A read of the outbox by an administrator, in a transaction. */
static engsched_rc begin_admin(engsched *db, engsched_id actor, int write)
{
    engsched_rc rc = require_outbox(db);
    if (rc == ENGSCHED_OK)
        rc = es_begin(db, write);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    rc = es_require_admin(db, actor, &who);
    if (rc != ENGSCHED_OK)
        es_finish(db, rc);
    return rc;
}

engsched_rc engsched_outbox_list_get(engsched *db, engsched_id actor, unsigned int states,
                                     int64_t after_id, unsigned int limit,
                                     engsched_outbox_list **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_rc rc = check_states(db, states);
    if (rc == ENGSCHED_OK && (limit < 1 || limit > 1000))
        rc = es_fail(db, ENGSCHED_EINVAL, "limit: from 1 to 1000, not %u", limit);
    if (rc == ENGSCHED_OK && after_id < 0)
        rc = es_fail(db, ENGSCHED_EINVAL, "after_id: must not be negative");
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_outbox_list *list = es_calloc(1, sizeof *list);
    if (list == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory listing the outbox");
    if ((rc = begin_admin(db, actor, 0)) != ENGSCHED_OK) {
        engsched_outbox_list_free(list);
        return rc;
    }
    engsched_storage_outbox_filter f = {states, 0, after_id, 0, 0, 0, limit};
    rc = db->storage->outbox_list(db->storage, &f, collect_item, list);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory listing the outbox");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "listing the outbox");
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK) {
        engsched_outbox_list_free(list);
        return rc;
    }
    *out = list;
    return es_ok(db);
}

engsched_rc engsched_outbox_count(engsched *db, engsched_id actor, unsigned int states,
                                  uint64_t *out_count)
{
    ES_CHECK_DB(db);
    if (out_count == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_count: must not be NULL");
    engsched_rc rc = check_states(db, states);
    if (rc == ENGSCHED_OK)
        rc = begin_admin(db, actor, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    int64_t n = 0;
    rc = db->storage->outbox_count(db->storage, states, &n);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "counting the outbox");
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK)
        *out_count = (uint64_t)n;
    return rc == ENGSCHED_OK ? es_ok(db) : rc;
}

/* --- re-queue and purge --------------------------------------------------- */

/* An undeliverable invitation is built again from the store as it stands;
 * if it still cannot be, it keeps its state with the new reason. */
static engsched_rc rebuild_mail(engsched *db, engsched_rec_outbox *rec, es_invitation *inv,
                                char *reason, size_t reason_size)
{
    engsched_rc rc = es_invitation_build(db, rec->engagement, rec->user, NULL, inv);
    if (rc == ENGSCHED_EINVAL || rc == ENGSCHED_EUNSUPPORTED) {
        snprintf(reason, reason_size, "%s", db->errmsg);
        rec->reason = reason;
        return ENGSCHED_OK; /* stays undeliverable */
    }
    if (rc != ENGSCHED_OK)
        return rc;
    rec->state = ENGSCHED_OUTBOX_PENDING;
    rec->sequence = inv->sequence;
    rec->recipient = inv->recipient;
    rec->payload = inv->mail;
    rec->payload_len = inv->mail_len;
    return ENGSCHED_OK;
}

static engsched_rc requeue_one(engsched *db, engsched_rec_outbox rec, unsigned int *count)
{
    char reason[ES_ERRMSG_MAX];
    es_invitation inv;
    memset(&inv, 0, sizeof inv);
    engsched_rc rc = ENGSCHED_OK;
    int64_t now = es_now(db);
    if (rec.state == ENGSCHED_OUTBOX_UNDELIVERABLE && rec.kind == ENGSCHED_OUTBOX_MAIL)
        rc = rebuild_mail(db, &rec, &inv, reason, sizeof reason);
    else
        rec.state = ENGSCHED_OUTBOX_PENDING;
    if (rec.state == ENGSCHED_OUTBOX_PENDING) {
        rec.attempts = 0;
        rec.next_attempt_at = now;
        rec.claimed_until = rec.claim = 0;
        rec.reason = "";
    }
    rec.updated_at = now;
    if (rc == ENGSCHED_OK && (rc = db->storage->outbox_update(db->storage, &rec)) != ENGSCHED_OK)
        es_storage_fail(db, rc, "re-queueing an outbox item");
    if (rc == ENGSCHED_OK && rec.state == ENGSCHED_OUTBOX_PENDING) {
        es_outbox_note(db, rec.id);
        (*count)++;
    }
    es_invitation_release(&inv);
    return rc;
}

/* Ids are gathered first: the backend is not called from its own row
 * callback, and its row strings expire with the next call. */
static engsched_rc collect_id(void *ctx, const engsched_rec_outbox *row)
{
    return es_ids_push(ctx, row->id) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

static engsched_rc requeue_id(engsched *db, int64_t id, int must, unsigned int *count)
{
    engsched_rec_outbox rec;
    engsched_rc rc = db->storage->outbox_get(db->storage, id, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "outbox item %lld does not exist", (long long)id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading an outbox item");
    if (!es_outbox_requeueable(rec.state))
        return must ? es_fail(db, ENGSCHED_ESTATE,
                              "outbox item %lld is %s: only dead and undeliverable items are "
                              "re-queued",
                              (long long)id, engsched_outbox_state_name(rec.state))
                    : ENGSCHED_OK;
    /* Copied: rebuilding reads the store, which expires the row. */
    es_claimed copy;
    if (es_claimed_fill(&copy, &rec, rec.payload, rec.payload_len) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory re-queueing");
    rc = requeue_one(db, copy.rec, count);
    es_claimed_release(&copy, 1);
    return rc;
}

static engsched_rc requeue_all(engsched *db, unsigned int *count)
{
    es_ids r = ES_IDS_INIT;
    engsched_rc rc = ENGSCHED_OK;
    int64_t after = 0;
    do {
        r.count = 0;
        engsched_storage_outbox_filter f = {ENGSCHED_OUTBOX_DEAD | ENGSCHED_OUTBOX_UNDELIVERABLE,
                                            0, after, 0, 0, 0, 256};
        rc = db->storage->outbox_list(db->storage, &f, collect_id, &r);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory re-queueing");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading the outbox");
        for (size_t i = 0; rc == ENGSCHED_OK && i < r.count; i++)
            rc = requeue_id(db, r.ids[i], 0, count);
        if (r.count > 0)
            after = r.ids[r.count - 1];
    } while (rc == ENGSCHED_OK && r.count == 256);
    es_ids_release(&r);
    return rc;
}

engsched_rc engsched_outbox_requeue(engsched *db, engsched_id actor, int64_t item,
                                    unsigned int *out_requeued)
{
    ES_CHECK_DB(db);
    if (item < 0)
        return es_fail(db, ENGSCHED_EINVAL, "item: must not be negative");
    engsched_rc rc = begin_admin(db, actor, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    unsigned int count = 0;
    rc = item != 0 ? requeue_id(db, item, 1, &count) : requeue_all(db, &count);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_requeued != NULL)
        *out_requeued = count;
    return rc;
}

engsched_rc engsched_outbox_purge(engsched *db, engsched_id actor, int64_t before,
                                  uint64_t *out_removed)
{
    ES_CHECK_DB(db);
    engsched_rc rc = begin_admin(db, actor, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    int64_t n = 0;
    rc = db->storage->outbox_purge(db->storage, before, &n);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "purging the outbox");
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK && out_removed != NULL)
        *out_removed = (uint64_t)n;
    return rc == ENGSCHED_OK ? es_ok(db) : rc;
}
