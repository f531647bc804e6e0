/* Cancel: the end of an engagement that will not happen. Final. */
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "core/validate.h"
#include "delivery/delivery.h"

engsched_rc engsched_cancel(engsched *db, engsched_id actor, engsched_id engagement,
                            int64_t version, const char *reason)
{
    ES_CHECK_DB(db);
    engsched_rc rc;
    if (reason != NULL && (rc = es_check_text(db, "reason", reason, 0, ES_REASON_MAX,
                                              ES_TEXT_MULTILINE)) != ENGSCHED_OK)
        return rc;
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_CANCEL, 0, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    int before = e.rec.status;
    e.rec.status = ENGSCHED_STATUS_CANCELED;
    rc = es_engagement_set_text(db, &e.rec.cancel_reason, reason ? reason : "");
    if (rc == ENGSCHED_OK)
        rc = es_engagement_save(db, &e, es_now(db));
    if (rc == ENGSCHED_OK)
        rc = es_invitation_touch_all(db, engagement, 1);
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, engagement, "engagement.canceled", before, e.rec.status,
                     json_pack("{s:s}", "reason", e.rec.cancel_reason));
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}
