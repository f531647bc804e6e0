/* The outbox in the change's transaction: what a change owes the outside
 * world, written next to the change (table version 3). Delivery (claiming,
 * handing over, marking) is delivery/'s.
 *
 * Items this handle will deliver itself right after the commit (delivery
 * on commit, a callback for the kind) are written already claimed by its
 * token and kept in memory with what the callback needs, up to
 * ES_OUTBOX_OWN_MAX per transaction: after the commit only the callbacks
 * and one transaction marking them remain, with no claim transaction and
 * no reading back. Past that limit, items are written pending and their
 * id range is delivered through the ordinary claim. */
#ifndef ENGSCHED_OUTBOX_H
#define ENGSCHED_OUTBOX_H

#include "core/internal.h"

#define ES_OUTBOX_OWN_MAX 1024

/* es_claimed, and releasing it with the transaction, are core/internal.h's
 * and core/txn.c's. */

/* Store @p rec (created and updated now, due now unless set). An event
 * passes its document in @p document (NULL for mail, whose payload is
 * the message). */
engsched_rc es_outbox_put(engsched *db, engsched_rec_outbox *rec, const char *document);

/* Whether events go to the outbox (setting outbox_events, read once per
 * transaction): "off" for a tenant whose events are read only through
 * engsched_event_stream(), so that nothing waits for a deliverer that
 * never comes; they are then handed to the handle's own callback from
 * memory after the commit, once, as without an outbox. */
engsched_rc es_outbox_takes_events(engsched *db, int *out);

/* Whether an item of @p kind written now would be kept in memory for this
 * handle's own delivery (so an event's document is wanted). */
int es_outbox_keeps(const engsched *db, int kind);

/* The outbox item of an appended event (ev->seq set); @p document its
 * text when es_outbox_keeps(), else NULL. */
engsched_rc es_outbox_event(engsched *db, const engsched_rec_event *ev, const char *document);

/* Note an item written pending in this transaction that this handle
 * delivers after the commit (an overflow past ES_OUTBOX_OWN_MAX, a
 * re-queue). */
void es_outbox_note(engsched *db, int64_t id);

/* Whether this handle has a callback for items of @p kind. */
int es_outbox_kind_wanted(const engsched *db, int kind);

#endif
