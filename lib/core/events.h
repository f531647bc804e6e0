/* Events: one durable record of every change, written in the change's
 * transaction, rendered as JSON (schema in docs/events.md). */
#ifndef ENGSCHED_EVENTS_H
#define ENGSCHED_EVENTS_H

#include <jansson.h>

#include "core/internal.h"

#define ES_EVENT_SCHEMA_VERSION 1

#define ES_ISO_TIME_LEN 32
/* "YYYY-MM-DDTHH:MM:SSZ" of UTC seconds (the events' "time", and every
 * other instant a JSON document shows). */
void es_iso_time(int64_t t, char out[ES_ISO_TIME_LEN]);

/* Append an event and queue its JSON for the host's callback after commit.
 * Takes ownership of details; NULL (a failed json_pack) gives ENOMEM. */
engsched_rc es_emit(engsched *db, engsched_id actor, engsched_id engagement, const char *action,
                    int status_before, int status_after, json_t *details);
/* The same at a given instant: the tick records its own "now". */
engsched_rc es_emit_at(engsched *db, int64_t time, engsched_id actor, engsched_id engagement,
                       const char *action, int status_before, int status_after, json_t *details);

/* Append a record whose details are already canonical JSON text (compact,
 * sorted keys: what es_emit_at() stores); sets ev->seq. For callers that
 * write their details without jansson (the tick). */
engsched_rc es_emit_record(engsched *db, engsched_rec_event *ev);

/* The JSON document of an event as compact text (es_free), its details
 * text inserted as it is; NULL when out of memory. */
char *es_event_text(const engsched_rec_event *ev);

/* The JSON document of a stored event. NULL with *rc ECORRUPT when the
 * stored details are not a JSON object, ENOMEM when out of memory. */
json_t *es_event_document(const engsched_rec_event *ev, engsched_rc *rc);

/* Queue an appended event for the host's callback (only with on_event):
 * its document in memory, or past ES_EVENT_QUEUE_MAX its seq in
 * db->spilled. ENOMEM or OK. */
engsched_rc es_event_queue(engsched *db, const engsched_rec_event *ev);

/* Whether a failed json_loads() ran out of memory. jansson 2.14's loader
 * never sets json_error_out_of_memory: when an allocation fails it returns
 * NULL with the error left undescribed (empty text), while every input
 * error is described. (One allocation failure it does misreport: a string
 * token it cannot copy becomes a syntax error such as "string or '}'
 * expected"; only a validator of our own could tell those apart.) */
int es_json_load_oom(const json_error_t *error);

/* jansson text, copied into library memory for engsched_free(). */
char *es_json_dump(const json_t *value, size_t flags);
/* Compact with sorted keys: equal documents give equal text. */
char *es_json_dump_canonical(const json_t *value);

#endif
