/* Request: a client asks for an engagement; it waits, Pending, for
 * approval. */
#include "engagement_store.h"

#define REQUEST_FIELDS                                                                     \
    (ES_F_NAME | ES_F_CLIENT | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | \
     ES_F_DATES | ES_F_CUSTOM | ES_F_FILES)

engsched_rc engsched_request(engsched *db, engsched_id actor, const engsched_input *in,
                             engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_input_check_owner(db, in);
    if (rc != ENGSCHED_OK ||
        (rc = es_input_only(db, in, REQUEST_FIELDS, "a request")) != ENGSCHED_OK ||
        (rc = es_input_require(db, in, ES_F_NAME | ES_F_CLIENT | ES_F_DATES,
                               "request an engagement")) != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    int64_t now = es_now(db);
    es_actor who;
    es_engagement e;
    rc = es_engagement_insert_new(db, actor, in, ES_OP_REQUEST, now, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish(db, rc);
    engsched_id id = e.rec.id;
    rc = es_attach_input_files(db, &who, &e, in, now);
    es_engagement_release(&e);
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}
