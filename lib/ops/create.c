/* Create: a manager schedules an engagement directly, with its report in
 * Draft, files and operators, skipping the request. */
#include "core/engagement_store.h"
#include "ops/ops.h"

#define CREATE_FIELDS                                                                      \
    (ES_F_NAME | ES_F_CLIENT | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | \
     ES_F_DATES | ES_F_CUSTOM | ES_F_FILES | ES_F_REPORT_TITLE | ES_F_OPERATORS)

engsched_rc engsched_create(engsched *db, engsched_id actor, const engsched_input *in,
                            engsched_id *out_id)
{
    ES_CHECK_DB(db);
    return es_engagement_new(db, actor, in, ES_OP_CREATE, CREATE_FIELDS, out_id);
}
