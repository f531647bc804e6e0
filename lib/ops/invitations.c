/* The invitation download entry points: the message an operator was sent,
 * rebuilt from the stored state, for a host's download link or a retry. */
#include <string.h>

#include "delivery/delivery.h"
#include "rules/rules.h"

static engsched_rc open_invitation(engsched *db, engsched_id actor, engsched_id engagement,
                                   engsched_id user, es_invitation *out)
{
    es_actor who;
    es_engagement e;
    engsched_rc rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    /* An operator's invitation is personal: their own, or ASSIGN to read
     * another's (the engagement itself is already in sight). */
    if (es_authorize_personal(who.is_system, who.id == user, 1, who.permissions,
                              ENGSCHED_PERM_ASSIGN) != ENGSCHED_OK) {
        es_engagement_release(&e);
        return es_fail(db, ENGSCHED_EDENIED,
                       "user %lld may not read the invitation of user %lld (needs assign)",
                       (long long)actor, (long long)user);
    }
    /* The engagement just read and checked is the one the message shows:
     * build() takes it over rather than reading it again. */
    rc = es_invitation_build(db, engagement, user, &e, out);
    es_engagement_release(&e);
    return rc;
}

static engsched_rc invitation_text(engsched *db, engsched_id actor, engsched_id engagement,
                                   engsched_id user, int want_mail, char **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    es_invitation inv;
    memset(&inv, 0, sizeof inv);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_finish_and_deliver(db, open_invitation(db, actor, engagement, user, &inv));
    if (rc != ENGSCHED_OK) {
        es_invitation_release(&inv);
        return rc;
    }
    if (want_mail) {
        *out = inv.mail;
        inv.mail = NULL;
    } else {
        *out = inv.ics;
        inv.ics = NULL;
    }
    es_invitation_release(&inv);
    return ENGSCHED_OK;
}

engsched_rc engsched_invitation_ics(engsched *db, engsched_id actor, engsched_id engagement,
                                    engsched_id user, char **out_ics)
{
    return invitation_text(db, actor, engagement, user, 0, out_ics);
}

engsched_rc engsched_invitation_mail(engsched *db, engsched_id actor, engsched_id engagement,
                                     engsched_id user, char **out_message)
{
    return invitation_text(db, actor, engagement, user, 1, out_message);
}
