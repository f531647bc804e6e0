/* When a recurring series owes its next occurrence (rules/rules.h). Pure. */
#include <stdint.h>

#include "rules/rules.h"

int es_recurrence_due(int32_t next_start, int lead_days, int32_t today)
{
    /* A lead outside the setting's range is no lead at all rather than a
     * reason to create occurrences years ahead. In 64 bits: today plus
     * the lead never overflows, and a next start of ES_RECURRENCE_ENDED
     * (INT32_MAX) is never due. */
    if (lead_days < 0 || lead_days > ES_RECURRENCE_LEAD_MAX)
        lead_days = 0;
    if (next_start == ES_RECURRENCE_ENDED)
        return 0;
    return (int64_t)next_start <= (int64_t)today + lead_days;
}

int32_t es_recurrence_due_until(int lead_days, int32_t today)
{
    if (lead_days < 0 || lead_days > ES_RECURRENCE_LEAD_MAX)
        lead_days = 0;
    int64_t until = (int64_t)today + lead_days;
    /* The due query's bound: never ES_RECURRENCE_ENDED itself. */
    return until >= ES_RECURRENCE_ENDED ? ES_RECURRENCE_ENDED - 1 : (int32_t)until;
}
