/* Approve ("Schedule & create report"): a pending engagement gets its
 * report in Draft, final dates and its operators. */
#include "core/invitation_state.h"
#include "util/dates.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

#define APPROVE_FIELDS                                                                     \
    (ES_F_NAME | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | ES_F_DATES |  \
     ES_F_CUSTOM | ES_F_REPORT_TITLE | ES_F_OPERATORS)

engsched_rc engsched_approve(engsched *db, engsched_id actor, engsched_id engagement,
                             int64_t version, const engsched_input *in)
{
    ES_CHECK_DB(db);
    engsched_rc rc;
    if (in != NULL && ((rc = es_input_check_owner(db, in)) != ENGSCHED_OK ||
                       (rc = es_input_only(db, in, APPROVE_FIELDS, "approve")) != ENGSCHED_OK))
        return rc;
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    int64_t now = es_now(db);
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_APPROVE, 0, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    int before = e.rec.status;
    int32_t old_start = e.rec.start_day, old_end = e.rec.end_day;
    if (in != NULL)
        rc = es_engagement_apply_input(db, &e, in);
    /* New dates move the operators assigned while it was pending. */
    if (rc == ENGSCHED_OK && (old_start != e.rec.start_day || old_end != e.rec.end_day))
        rc = es_recheck_operators(db, &who, &e, old_start, old_end, NULL);
    if (rc == ENGSCHED_OK && (in == NULL || !(in->fields & ES_F_REPORT_TITLE)))
        rc = es_engagement_set_text(db, &e.rec.report_title, e.rec.name);
    e.rec.report_status = ENGSCHED_REPORT_DRAFT;
    if (rc == ENGSCHED_OK)
        rc = es_engagement_save(db, &e, now);
    if (rc == ENGSCHED_OK) {
        char start[ES_DATE_LEN], end[ES_DATE_LEN];
        es_date_format(e.rec.start_day, start);
        es_date_format(e.rec.end_day, end);
        rc = es_emit(db, actor, engagement, "engagement.approved", before, e.rec.status,
                     json_pack("{s:I, s:s, s:s, s:s}", "report", (json_int_t)e.rec.report,
                               "report_title", e.rec.report_title, "start", start, "end", end));
    }
    /* Operators assigned while it was pending hold a TENTATIVE invitation:
     * approval confirms it, which their calendar must be told. */
    if (rc == ENGSCHED_OK)
        rc = es_invitation_touch_all(db, engagement, 0);
    if (rc == ENGSCHED_OK)
        rc = es_assign_input_operators(db, &who, &e, in, now);
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}
