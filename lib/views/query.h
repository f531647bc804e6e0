/* views/: List, Calendar, Availability, cursors, tokens, work lists and
 * the feed; reads only; includes core/ and below. */
/* The List/Calendar query builder as the views read it. */
#ifndef ENGSCHED_QUERY_H
#define ENGSCHED_QUERY_H

#include "core/internal.h"

struct engsched_query {
    engsched *db;
    unsigned int statuses;
    engsched_id client;
    engsched_id operator_user;
    int has_range;
    int32_t range_start;
    int32_t range_end;
    char *text;
    engsched_sort sort;
    int descending;
    unsigned int limit;
};

/* A 64-bit fingerprint of everything that decides a query's rows and
 * order, and of the actor: a token only resumes the query it came from. */
uint64_t es_query_fingerprint(const engsched_query *q, engsched_id actor);

#endif
