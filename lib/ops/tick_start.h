/* The tick's first pass: Scheduled engagements whose first day has come
 * move to the status the rules give them (ops/tick_start.c). */
#ifndef ES_OPS_TICK_START_H
#define ES_OPS_TICK_START_H

#include <stdint.h>

#include "core/internal.h"

/* Due engagements are handled in chunks of this many: one read (row by
 * row) or one statement (set-based) per chunk. */
#define ES_TICK_CHUNK 4096

/* Record engagement.started for engagement @p id at @p now, its details
 * {"report": report}, written as es_emit_at() would store them. */
engsched_rc es_tick_emit_started(engsched *db, engsched_id id, engsched_id report, int before,
                                 int after, int64_t now);

/* Inside the tick's write transaction, on a backend with
 * engagements_start_due() (table version 8): move every due engagement,
 * one statement per chunk, then one engagement.started each in id order;
 * adds the count to *moved. */
engsched_rc es_tick_start_set(engsched *db, int32_t today, int64_t now, unsigned int *moved);

#endif
