/* The outbox in the change's transaction: what a change owes the outside
 * world, written next to the change (table version 3). Delivery (claiming,
 * handing over, marking) is delivery/'s. */
#ifndef ENGSCHED_OUTBOX_H
#define ENGSCHED_OUTBOX_H

#include "core/internal.h"

/* Store @p rec (created and updated now, due now unless set) and note its
 * id in the transaction's range, for delivery after the commit. */
engsched_rc es_outbox_put(engsched *db, engsched_rec_outbox *rec);

/* The outbox item of an appended event (ev->seq set). */
engsched_rc es_outbox_event(engsched *db, const engsched_rec_event *ev);

/* Note an item made pending again in this transaction (a re-queue), so
 * that delivery after the commit takes it too. */
void es_outbox_note(engsched *db, int64_t id);

#endif
