/* "Today" in the tenant's time zone, from libical's zone data (the
 * system zoneinfo on Debian): no hand-written time-zone rules. */
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "calendar/timezone.h"
#include "util/dates.h"
#include "util/text.h"

static icaltimezone *zone_lookup(const char *zone)
{
    /* The shape first: libical makes a file path of the name. */
    if (!es_zone_name_valid(zone))
        return NULL;
    if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
        return icaltimezone_get_utc_timezone();
    return icaltimezone_get_builtin_timezone(zone);
}

int es_zone_known(const char *zone)
{
    return zone_lookup(zone) != NULL;
}

int es_instant_in_range(int64_t instant)
{
    return instant >= ES_INSTANT_MIN && instant <= ES_INSTANT_MAX;
}

engsched_rc es_day_in_zone(const char *zone, int64_t instant, int32_t *out_day)
{
    /* First: libical's arithmetic on far instants gives garbage dates. */
    if (!es_instant_in_range(instant))
        return ENGSCHED_EINVAL;
    icaltimezone *tz = zone_lookup(zone);
    if (tz == NULL)
        return ENGSCHED_ENOTFOUND;
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)instant, 0, tz);
    int32_t day;
    if (!es_date_from_civil(t.year, t.month, t.day, &day))
        return ENGSCHED_EINVAL;
    *out_day = day;
    return ENGSCHED_OK;
}

engsched_rc engsched_date_in_zone(const char *zone, int64_t instant, char out_date[11])
{
    int32_t day;
    if (out_date == NULL)
        return ENGSCHED_EINVAL;
    engsched_rc rc = es_day_in_zone(zone, instant, &day);
    if (rc != ENGSCHED_OK)
        return ENGSCHED_EINVAL; /* the instant, or an unknown zone */
    es_date_format(day, out_date);
    return ENGSCHED_OK;
}
