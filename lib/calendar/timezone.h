/* Time zones from libical's zone data (the system zoneinfo on Debian). */
#ifndef ENGSCHED_CALENDAR_TIMEZONE_H
#define ENGSCHED_CALENDAR_TIMEZONE_H

#include <stdint.h>

#include <engsched/engsched.h>

/* The calendar day of an instant in an IANA zone. */
engsched_rc es_day_in_zone(const char *zone, int64_t instant, int32_t *out_day);
/* Whether libical knows @p zone. */
int es_zone_known(const char *zone);

#endif
