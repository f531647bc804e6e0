/* Request: a client asks for an engagement; it waits, Pending, for
 * approval. Files may come with it; operators and a report may not. */
#include "core/engagement_store.h"
#include "ops/ops.h"

#define REQUEST_FIELDS                                                                     \
    (ES_F_NAME | ES_F_CLIENT | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | \
     ES_F_DATES | ES_F_CUSTOM | ES_F_FILES)

engsched_rc engsched_request(engsched *db, engsched_id actor, const engsched_input *in,
                             engsched_id *out_id)
{
    ES_CHECK_DB(db);
    return es_engagement_new(db, actor, in, ES_OP_REQUEST, REQUEST_FIELDS, out_id);
}
