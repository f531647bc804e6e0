/* The viewer's scope for List, Calendar and Availability. */
#include "core/view_scope.h"

engsched_rc es_view_scope(engsched *db, engsched_id actor_id, es_op op, es_actor *actor,
                          engsched_id *scope_user)
{
    engsched_rc rc = es_actor_load(db, actor_id, actor);
    if (rc != ENGSCHED_OK)
        return rc;
    /* Access is decided per row by the scope; the permission is the user's. */
    rc = es_authorize(actor->is_system, actor->permissions, 1, op, ENGSCHED_REPORT_NONE);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "user %lld may not open this view (needs %s)",
                       (long long)actor_id,
                       es_permission_needed(op, ENGSCHED_REPORT_NONE));
    *scope_user =
        actor->is_system || (actor->flags & ENGSCHED_USER_ALL_CLIENTS) ? 0 : actor->id;
    return ENGSCHED_OK;
}
