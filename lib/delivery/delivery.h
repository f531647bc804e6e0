/* delivery/: what a committed change owes the outside world — invitation
 * mail built from the stored state and event documents — handed to the
 * host's callbacks after the operation; includes core/ and below, never
 * views/, json/ or ops/.
 *
 * core/ commits and leaves what the transaction queued in db->committed;
 * an entry point ends with es_finish_and_deliver(), which delivers it. */
#ifndef ENGSCHED_DELIVERY_H
#define ENGSCHED_DELIVERY_H

#include "core/engagement_store.h"
#include "core/internal.h"

/* Finish the operation's transaction as es_finish() does, then, when it
 * committed, hand what it queued to the host's mail and event callbacks.
 * Returns the operation's result: delivery cannot undo a commit, so its
 * failures are logged, never returned. */
engsched_rc es_finish_and_deliver(engsched *db, engsched_rc rc);

/* Deliver db->committed and empty it: the mail first (building it reads
 * the store, which the event callback may not do), then the events. */
void es_deliver_committed(engsched *db);

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
