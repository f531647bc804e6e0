/* The tick's part of recurring series (ops/recurrence.c). */
#ifndef ES_OPS_RECURRENCE_H
#define ES_OPS_RECURRENCE_H

#include <stdint.h>

#include "core/internal.h"

/* Inside the tick's write transaction: create every occurrence due on
 * @p today (setting recurrence_lead_days ahead) of every recurring series
 * not Canceled, each once; adds the count to *out_created. Nothing when
 * the backend has no recurring series. */
engsched_rc es_tick_occurrences(engsched *db, int32_t today, int64_t now,
                                unsigned int *out_created);

#endif
