/* Time zones from libical's zone data (the system zoneinfo on Debian). */
#ifndef ENGSCHED_CALENDAR_TIMEZONE_H
#define ENGSCHED_CALENDAR_TIMEZONE_H

#include <stdint.h>

#include <engsched/engsched.h>

/* The instants the library takes for "now" and in engsched_date_in_zone():
 * a day's margin inside 1900-01-01 … 9999-12-31 keeps their date in every
 * zone (offsets stay within ±1 day) among the dates es_date_parse takes. */
#define ES_INSTANT_MIN INT64_C(-2208902400) /* 1900-01-02T00:00:00Z */
#define ES_INSTANT_MAX INT64_C(253402214399) /* 9999-12-30T23:59:59Z */
#define ES_INSTANT_RANGE "1900-01-02T00:00:00Z … 9999-12-30T23:59:59Z"
int es_instant_in_range(int64_t instant);

/* The calendar day of an instant in an IANA zone: EINVAL for an instant
 * out of range, ENOTFOUND for an unknown zone. */
engsched_rc es_day_in_zone(const char *zone, int64_t instant, int32_t *out_day);
/* Whether libical knows @p zone. */
int es_zone_known(const char *zone);

#endif
