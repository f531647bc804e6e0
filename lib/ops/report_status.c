/* Report status: the report moves through review; the engagement status
 * follows it through the mapping. */
#include "core/engagement_store.h"
#include "core/events.h"
#include "delivery/delivery.h"

engsched_rc engsched_report_set_status(engsched *db, engsched_id actor, engsched_id engagement,
                                       int64_t version, engsched_report_status status)
{
    ES_CHECK_DB(db);
    if (!es_report_status_valid((int)status) || status == ENGSCHED_REPORT_NONE)
        return es_fail(db, ENGSCHED_EINVAL, "status: %d is not a report status", (int)status);
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_REPORT_STATUS, status, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    engsched_report_status from = (engsched_report_status)e.rec.report_status;
    int before = e.rec.status;
    if (!es_report_move_allowed(from, status)) {
        rc = es_fail(db, ENGSCHED_ESTATE,
                     "engagement %lld: its report is %s and cannot move to %s", (long long)engagement,
                     engsched_report_status_label(from), engsched_report_status_label(status));
    } else {
        e.rec.report_status = status;
        rc = es_engagement_save(db, &e, es_now(db));
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, engagement,
                     es_status_change_action((engsched_status)before,
                                             (engsched_status)e.rec.status,
                                             "report.status_changed"),
                     before, e.rec.status,
                     json_pack("{s:I, s:s, s:s}", "report", (json_int_t)e.rec.report, "from",
                               engsched_report_status_name(from), "to",
                               engsched_report_status_name(status)));
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_report_engagement(engsched *db, engsched_id actor, engsched_id report,
                                       engsched_id *out_engagement)
{
    ES_CHECK_DB(db);
    if (out_engagement == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_engagement: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_id engagement = 0;
    es_actor who;
    rc = es_actor_load(db, actor, &who);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    rc = db->storage->report_engagement(db->storage, report, &engagement);
    if (rc == ENGSCHED_OK) {
        es_engagement e;
        rc = es_engagement_open(db, actor, engagement, ES_OP_REPORT_VIEW, 0, 0, &who, &e);
        if (rc == ENGSCHED_OK)
            es_engagement_release(&e);
    } else if (rc != ENGSCHED_ENOTFOUND) {
        es_storage_fail(db, rc, "reading a report");
    }
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "report %lld not found", (long long)report);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_engagement = engagement;
    return rc;
}
