/* Recurrence rules of engagement series: RFC 5545 RRULE values, parsed and
 * expanded by libical (never by hand), over whole days. */
#ifndef ES_CALENDAR_RECURRENCE_H
#define ES_CALENDAR_RECURRENCE_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

/* The longest rule text taken (the store keeps it as is). */
#define ES_RECURRENCE_MAX 1024

/* Whether @p rrule is a rule an engagement may carry: an RRULE value
 * (without "RRULE:") that libical parses, recurring daily or less often,
 * with no BYHOUR, BYMINUTE, BYSECOND (an engagement is whole days) and no
 * RSCALE. ENGSCHED_OK, or ENGSCHED_EINVAL with the reason in @p why. */
engsched_rc es_recurrence_check(const char *rrule, char *why, size_t why_size);

/* The first occurrence of the series that starts on day @p series_start
 * with rule @p rrule (checked) whose start is strictly after day @p after:
 * ENGSCHED_OK and the day in *out_day, or ENGSCHED_OK and
 * ES_RECURRENCE_ENDED (rules/rules.h) when the rule has none (COUNT or
 * UNTIL reached, or past 9999-12-31); ENGSCHED_EINVAL for a rule
 * es_recurrence_check() refuses. The series' own first day is its
 * occurrence 1 (DTSTART), as RFC 5545 counts it. */
engsched_rc es_recurrence_next_after(const char *rrule, int32_t series_start, int32_t after,
                                     int32_t *out_day);

#endif
