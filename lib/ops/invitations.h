/* Invitation state: every assignment, change of dates or name, unassignment
 * and cancellation raises the operator's SEQUENCE in the change's
 * transaction; the mail goes to the host after commit. */
#ifndef ENGSCHED_INVITATIONS_H
#define ENGSCHED_INVITATIONS_H

#include "core/internal.h"

/* In a write transaction: raise the SEQUENCE (0 for a first invitation),
 * record whether it is now canceled, and queue the mail. */
engsched_rc es_invitation_touch(engsched *db, engsched_id engagement, engsched_id user,
                                int cancel);
/* The same for every operator assigned to the engagement. */
engsched_rc es_invitation_touch_all(engsched *db, engsched_id engagement, int cancel);
/* After commit: build each queued message and hand it to the host's mail
 * callback. A message that cannot be built (no organizer, no address) is
 * logged and skipped: the change it belongs to is already committed. */
void es_invitation_deliver(engsched *db);
void es_invitation_drop(engsched *db);

#endif
