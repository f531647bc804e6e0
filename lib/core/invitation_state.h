/* Invitation state: every assignment, change an attendee would see,
 * unassignment and cancellation raises the operator's SEQUENCE in the
 * change's transaction; delivery/ builds the mail before the commit.
 *
 * An invitation series is one operator on one engagement: its UID and its
 * ORGANIZER are fixed when it is first sent (table version 4 keeps them)
 * so that every later update and cancel is recognised by the attendee's
 * calendar, whatever becomes of the ids (export/import) or of the
 * organizer setting. */
#ifndef ES_INVITATION_STATE_H
#define ES_INVITATION_STATE_H

#include "core/internal.h"

/* An invitation record with copies of its strings, owned: a backend's
 * strings last only until its next call. */
typedef struct es_series {
    engsched_rec_invitation rec; /* its strings point at the copies below, never NULL */
    char *uid;
    char *organizer_email;
    char *organizer_name;
} es_series;

void es_series_release(es_series *s);

/* In a transaction: the invitation of @p user on @p engagement, with its
 * effective UID (the one it was sent with: a series of before version 4
 * has the UID those versions derived). ENOTFOUND undescribed when never
 * sent, so callers decide what that means. */
engsched_rc es_series_read(engsched *db, engsched_id engagement, engsched_id user,
                           es_series *out);

/* In a transaction: the operator's answer on their series, with its time;
 * ENGSCHED_RESPONSE_NONE and 0 when never invited, not answered, or the
 * store keeps no series (what snapshot, JSON and views all show). */
engsched_rc es_series_response(engsched *db, engsched_id engagement, engsched_id user,
                               engsched_response *out, int64_t *out_at);

/* The UID versions 1 to 3 gave every series, es_malloc'd; NULL on ENOMEM. */
char *es_series_legacy_uid(engsched_id engagement, engsched_id user, const char *domain);

/* In a write transaction: raise the SEQUENCE (0 for a first invitation),
 * record whether it is now canceled, fix the series' UID and organizer
 * if they are not yet, and queue the mail. */
engsched_rc es_invitation_touch(engsched *db, engsched_id engagement, engsched_id user,
                                int cancel);
/* The same for every operator assigned to the engagement. */
engsched_rc es_invitation_touch_all(engsched *db, engsched_id engagement, int cancel);

/* In an import's write transaction: the series of an imported operator,
 * kept as it was sent (UID, SEQUENCE, organizer, answer) so that their
 * calendar recognises what this store sends next. A UID this store
 * already has (two imports of one export, or stores from before the store
 * identity) starts a new series instead. Nothing without table version 4. */
engsched_rc es_series_import(engsched *db, const engsched_rec_invitation *from);

/* After a rename (what SUMMARY or CN show): re-send every live invitation
 * (sent, not canceled, of an engagement not canceled) of the client's
 * engagements, or of the operator. */
engsched_rc es_invitation_resend_client(engsched *db, engsched_id client);
engsched_rc es_invitation_resend_operator(engsched *db, engsched_id user);

#endif
