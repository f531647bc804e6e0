/* The capabilities query: one call tells a UI which buttons to draw. */
#include "core/engagement_store.h"
#include "delivery/delivery.h"

engsched_rc engsched_capabilities(engsched *db, engsched_id actor, engsched_id engagement,
                                  unsigned int *out_actions)
{
    ES_CHECK_DB(db);
    if (out_actions == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_actions: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    int access = 0;
    unsigned int actions = 0;
    rc = es_actor_load(db, actor, &who);
    if (rc == ENGSCHED_OK)
        rc = es_engagement_read(db, engagement, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    rc = es_actor_has_access(db, &who, e.rec.client, &access);
    if (rc == ENGSCHED_OK && !access)
        rc = es_fail(db, ENGSCHED_ENOTFOUND, "engagement %lld not found", (long long)engagement);
    if (rc == ENGSCHED_OK)
        actions = es_capabilities_compute(who.is_system, who.permissions, access,
                                          (engsched_status)e.rec.status,
                                          (engsched_report_status)e.rec.report_status);
    es_engagement_release(&e);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_actions = actions;
    return rc;
}
