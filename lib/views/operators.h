/* views/: the operators a viewer may see (users whose role can work on
 * reports, sharing a client with the viewer), by display name and id,
 * read in chunks so that memory does not grow with their number. The
 * Availability view and capacity walk them the same way. */
#ifndef ES_VIEWS_OPERATORS_H
#define ES_VIEWS_OPERATORS_H

#include "core/internal.h"

#define ES_OPERATOR_CHUNK 64
#define ES_OPERATOR_PERMISSIONS (ENGSCHED_PERM_REPORT_VIEW | ENGSCHED_PERM_REPORT_EDIT)

typedef struct es_operator {
    engsched_id id;
    char *name;
} es_operator;

typedef struct es_operator_source {
    engsched *db;
    engsched_id scope; /* es_view_scope()'s scope user; 0 for every client */
    es_operator rows[ES_OPERATOR_CHUNK];
    unsigned int count;
    unsigned int pos;
    int done; /* the backend has no rows after this chunk */
    char *after_name;
    engsched_id after_id;
} es_operator_source;

void es_operator_source_init(es_operator_source *src, engsched *db, engsched_id scope);
/* Release what the source holds; it may be initialised again. */
void es_operator_source_clear(es_operator_source *src);
/* The next operator in *out, valid until the next call, or NULL at the
 * end. Each chunk is read in a read transaction of its own. */
engsched_rc es_operator_source_next(es_operator_source *src, const es_operator **out);

#endif
