/* Create: a manager schedules an engagement directly, with its report,
 * files and operators, skipping the request. */
#include "engagement_store.h"

#define CREATE_FIELDS                                                                      \
    (ES_F_NAME | ES_F_CLIENT | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | \
     ES_F_DATES | ES_F_CUSTOM | ES_F_FILES | ES_F_REPORT_TITLE | ES_F_OPERATORS)

engsched_rc engsched_create(engsched *db, engsched_id actor, const engsched_input *in,
                            engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_input_check_owner(db, in);
    if (rc != ENGSCHED_OK ||
        (rc = es_input_only(db, in, CREATE_FIELDS, "create")) != ENGSCHED_OK ||
        (rc = es_input_require(db, in, ES_F_NAME | ES_F_CLIENT | ES_F_DATES,
                               "create an engagement")) != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    int64_t now = es_now(db);
    es_actor who;
    es_engagement e;
    rc = es_engagement_insert_new(db, actor, in, ES_OP_CREATE, now, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish(db, rc);
    engsched_id id = e.rec.id;
    rc = es_attach_input_files(db, &who, &e, in, now);
    if (rc == ENGSCHED_OK)
        rc = es_assign_input_operators(db, &who, &e, in, now);
    es_engagement_release(&e);
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}
