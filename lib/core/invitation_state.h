/* Invitation state: every assignment, change of dates or name,
 * unassignment and cancellation raises the operator's SEQUENCE in the
 * change's transaction; delivery/ builds and sends the mail after commit. */
#ifndef ENGSCHED_INVITATION_STATE_H
#define ENGSCHED_INVITATION_STATE_H

#include "core/internal.h"

/* In a write transaction: raise the SEQUENCE (0 for a first invitation),
 * record whether it is now canceled, and queue the mail. */
engsched_rc es_invitation_touch(engsched *db, engsched_id engagement, engsched_id user,
                                int cancel);
/* The same for every operator assigned to the engagement. */
engsched_rc es_invitation_touch_all(engsched *db, engsched_id engagement, int cancel);

#endif
