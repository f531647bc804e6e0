/* Which days of a range are working days: the tenant's working week, less
 * its holidays (both settings). */
#include <string.h>

#include "util/dates.h"
#include "core/settings.h"
#include "views/working_days.h"

/* holidays is a list of YYYY-MM-DD dates, each followed by one separator. */
static int holiday_in(const char *holidays, int32_t day)
{
    char date[ES_DATE_LEN];
    es_date_format(day, date);
    size_t len = strlen(holidays);
    for (size_t i = 0; i + 10 <= len; i += 11) {
        if (memcmp(holidays + i, date, 10) == 0)
            return 1;
    }
    return 0;
}

engsched_rc es_working_days(engsched *db, int32_t first, int32_t last, unsigned char *map)
{
    char *week = NULL, *holidays = NULL;
    engsched_rc rc = es_setting_read(db, "working_week", &week);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "holidays", &holidays);
    for (int32_t d = first; rc == ENGSCHED_OK && d <= last; d++) {
        char weekday = (char)('0' + es_date_weekday(d));
        map[d - first] = strchr(week, weekday) != NULL && !holiday_in(holidays, d);
    }
    es_free(week);
    es_free(holidays);
    return rc;
}
