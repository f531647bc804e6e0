/* The per-user calendar feed, for engsched_feed_ics() and the feed a
 * token opens (ops/feed_token.c). */
#ifndef ENGSCHED_VIEWS_FEED_H
#define ENGSCHED_VIEWS_FEED_H

#include "core/internal.h"

/* The actor may act on the user's feed (the user, an ADMIN or the
 * system): EDENIED "user A may not <what> of user B", or EINVAL. */
engsched_rc es_feed_authorize(engsched *db, engsched_id actor, engsched_id user, const char *what);

/* In a transaction: the feed of @p user as @p actor may read it. With
 * @p also_visible_to not 0, only the engagements that user may see too
 * (the intersection of both scopes); that user must exist. */
engsched_rc es_feed_build(engsched *db, engsched_id actor, engsched_id user,
                          engsched_id also_visible_to, char **out);

#endif
