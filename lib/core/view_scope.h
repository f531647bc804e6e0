/* What a viewer may see in the views: the permission check and the client
 * scope pushed down to the storage query. */
#ifndef ENGSCHED_VIEW_SCOPE_H
#define ENGSCHED_VIEW_SCOPE_H

#include "core/internal.h"
#include "rules/rules.h"

/* Load the actor, require the permission of op, and give the scope user
 * for storage queries (0 when the actor sees every client). */
engsched_rc es_view_scope(engsched *db, engsched_id actor_id, es_op op, es_actor *actor,
                          engsched_id *scope_user);

#endif
