/* The export's shared pieces (json/export*.c): the sink the document is
 * written to as it is made, and the parts of a full export beyond the
 * directory and the engagements. */
#ifndef ENGSCHED_JSON_EXPORT_H
#define ENGSCHED_JSON_EXPORT_H

#include <jansson.h>

#include "json/engagement_json.h"

#define ES_EXPORT_FORMAT "engsched-export"
#define ES_EXPORT_VERSION 2

/* Where the document goes, a piece at a time. The first failure sticks:
 * the host's writer refusing, or memory running out. */
typedef struct es_sink {
    engsched *db;
    engsched_write_fn write;
    void *ctx;
    int members;               /* top-level members written so far */
    size_t items;              /* items of the array being written */
    unsigned long long offset; /* bytes handed to the writer */
    engsched_rc rc;
} es_sink;

/* "{" and the format header. */
engsched_rc es_sink_open(es_sink *s);
/* One top-level member; takes @p value (NULL: out of memory). */
engsched_rc es_sink_member(es_sink *s, const char *key, json_t *value);
/* A top-level array written an item at a time: open, items, close. */
engsched_rc es_sink_array_open(es_sink *s, const char *key);
engsched_rc es_sink_item(es_sink *s, json_t *value);
engsched_rc es_sink_array_close(es_sink *s);
/* "}" and the newline. */
engsched_rc es_sink_close(es_sink *s);

/* A full export's engagements in creation (id) order: an item's index in
 * "engagements" is its place here, and the trail names it by that. A
 * restore writes them in that order, so a store without gaps in its ids
 * (SQLite never leaves any) gets its ids back. */
typedef struct es_index_map {
    engsched_id *ids;
    size_t count, cap;
} es_index_map;

engsched_rc es_index_map_add(es_index_map *m, engsched_id id);
void es_index_map_sort(es_index_map *m);
/* The index of @p id in the sorted map, or -1. */
long es_index_map_find(const es_index_map *m, engsched_id id);
void es_index_map_release(es_index_map *m);

/* {"id": store identity}. */
engsched_rc es_export_store(engsched *db, json_t **out);
/* The settings the store holds (not the defaults), secrets only when
 * @p secrets, the store identity never. */
engsched_rc es_export_settings(engsched *db, int secrets, json_t **out);
/* "unavailability": every user's, by user key, then start day and id. */
engsched_rc es_export_unavailability(es_sink *s, es_refs *refs);
/* Every user's skills, by user key, as "skills"; no member at all when no
 * user has any (or the backend keeps none). */
engsched_rc es_export_skills(es_sink *s, es_refs *refs);
/* "feed_tokens": with the secrets, from a store that keeps tokens. */
engsched_rc es_export_feed_tokens(es_sink *s, es_refs *refs);
/* "events": the whole audit trail, oldest first. */
engsched_rc es_export_trail(es_sink *s, es_refs *refs, const es_index_map *engagements);

#endif
