/* delivery/: what a committed change owes the outside world — invitation
 * mail built from the stored state and event documents — written to the
 * outbox at the end of the change and handed to the host's callbacks
 * after it; includes core/ and below, never views/, json/ or ops/.
 *
 * An entry point ends with es_finish_and_deliver(): the queued mail is
 * built into the outbox (stage.c), core/ commits and leaves the range of
 * outbox items it wrote in db->committed, and that range is delivered
 * (outbox_deliver.c). With a backend without an outbox (table version 1
 * or 2), db->committed holds the events and mail themselves, delivered
 * from memory once (events.c, invitations.c). */
#ifndef ES_DELIVERY_LAYER_H
#define ES_DELIVERY_LAYER_H

#include "core/engagement_store.h"
#include "core/internal.h"
#include "util/crypto.h"

/* Finish the operation's transaction as es_finish() does — having written
 * its mail to the outbox — then, when it committed, deliver what it
 * wrote. Returns the operation's result: delivery cannot undo a commit,
 * so its failures are logged and leave the items pending. */
engsched_rc es_finish_and_deliver(engsched *db, engsched_rc rc);

/* Deliver db->committed and empty it. */
void es_deliver_committed(engsched *db);

/* --- the outbox (stage.c, outbox_deliver.c) --- */

/* Build each queued invitation into the outbox, in the change's
 * transaction; those that cannot be built are recorded undeliverable and
 * counted in *out_undeliverable. Empties the queue. */
engsched_rc es_stage_mail(engsched *db, unsigned int *out_undeliverable);

/* Whether this handle has a callback for any kind of item. */
int es_delivery_wanted(const engsched *db);

/* Hand the items this handle wrote claimed to its callbacks and mark
 * them, adding to @p out. */
engsched_rc es_outbox_deliver_own(engsched *db, es_claimed *items, size_t count,
                                  engsched_delivery_result *out);

/* Deliver the due pending items with ids in (@p range.after, @p range.last]
 * (last 0: no bound), at most @p limit (0: all), adding to @p out. */
engsched_rc es_outbox_deliver(engsched *db, es_id_range range, unsigned int limit,
                              engsched_delivery_result *out);

/* Offer one event document to the handle's event callback (deliver_event,
 * else on_event, which cannot refuse); 1 when it was taken. */
int es_event_offer(engsched *db, int64_t seq, const char *json, size_t length,
                   const char *signature);

/* --- events (delivery/events.c) --- */

/* Hand committed events to on_event: the queue, then those read back from
 * the store for @p spilled, in seq order. */
void es_event_dispatch(engsched *db, const es_pending_event *events, size_t count,
                       es_event_range spilled);

/* --- invitation messages (delivery/invitations.c) --- */

/* One operator's invitation, built. */
typedef struct es_invitation {
    char *ics;
    char *mail;
    size_t mail_len;
    char *recipient;
    int64_t sequence;
} es_invitation;

/* In a transaction: the invitation as it stands in the store. @p opened,
 * when not NULL, is the engagement as the caller read it in this
 * transaction: it is taken over (and left empty) instead of being read a
 * second time. */
engsched_rc es_invitation_build(engsched *db, engsched_id engagement, engsched_id user,
                                es_engagement *opened, es_invitation *out);
void es_invitation_release(es_invitation *inv);

/* Build each queued message and hand it to the host's mail callback. A
 * message that cannot be built (no organizer, no address) is logged and
 * skipped: the change it belongs to is already committed. */
void es_invitation_deliver(engsched *db, const es_pending_mail *queue, size_t count);

#endif
