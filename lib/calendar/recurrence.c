/* Recurrence rules over whole days, by libical (calendar/recurrence.h). */
#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

#include "calendar/recurrence.h"
#include "rules/rules.h"
#include "util/dates.h"

/* A rule is expanded from its first day; a daily rule over the whole
 * range of dates is 8099 years of days. Past this many steps the rule
 * counts as ended rather than the tick taking seconds. */
#define ES_RECURRENCE_STEPS_MAX 4000000

static int list_empty(const short *list) { return list[0] == ICAL_RECURRENCE_ARRAY_MAX; }

static engsched_rc refuse(char *why, size_t why_size, const char *head, const char *tail)
{
    if (why != NULL && why_size > 0)
        snprintf(why, why_size, "%s%s", head, tail);
    return ENGSCHED_EINVAL;
}

/* Parse @p rrule into *out: the checks of es_recurrence_check(). */
static engsched_rc parse(const char *rrule, struct icalrecurrencetype *out, char *why,
                         size_t why_size)
{
    if (rrule == NULL || rrule[0] == '\0')
        return refuse(why, why_size, "", "an empty rule");
    if (strlen(rrule) > ES_RECURRENCE_MAX)
        return refuse(why, why_size, "", "longer than 1024 bytes");
    if (strncmp(rrule, "RRULE:", 6) == 0)
        return refuse(why, why_size, "", "give the value without \"RRULE:\"");
    icalerror_clear_errno();
    *out = icalrecurrencetype_from_string(rrule);
    if (out->rscale != NULL) {
        icalmemory_free_buffer(out->rscale);
        out->rscale = NULL;
        return refuse(why, why_size, "", "RSCALE is not supported");
    }
    if (out->freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR)
        return refuse(why, why_size, "libical: ", icalerror_strerror(icalerrno));
    if (out->freq < ICAL_DAILY_RECURRENCE)
        return refuse(why, why_size, icalrecur_freq_to_string(out->freq),
                      ": FREQ recurs more often than daily");
    if (!list_empty(out->by_hour) || !list_empty(out->by_minute) || !list_empty(out->by_second))
        return refuse(why, why_size, "",
                      "BYHOUR, BYMINUTE and BYSECOND mean nothing for "
                      "engagements of whole days");
    if (out->interval < 1)
        return refuse(why, why_size, "", "INTERVAL must be at least 1");
    return ENGSCHED_OK;
}

engsched_rc es_recurrence_check(const char *rrule, char *why, size_t why_size)
{
    struct icalrecurrencetype rule;
    return parse(rrule, &rule, why, why_size);
}

/* Through the basic form "YYYYMMDD", as a DTSTART value would come, so
 * that libical fills every member of the date as it does for its own. */
static struct icaltimetype day_to_ical(int32_t day)
{
    char text[ES_DATE_LEN], basic[9];
    es_date_format(day, text);
    memcpy(basic, text, 4);
    memcpy(basic + 4, text + 5, 2);
    memcpy(basic + 6, text + 8, 2);
    basic[8] = '\0';
    return icaltime_from_string(basic);
}

static int ical_to_day(struct icaltimetype t, int32_t *out)
{
    return es_date_from_civil(t.year, t.month, t.day, out);
}

engsched_rc es_recurrence_next_after(const char *rrule, int32_t series_start, int32_t after,
                                     int32_t *out_day)
{
    struct icalrecurrencetype rule;
    engsched_rc rc = parse(rrule, &rule, NULL, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    *out_day = ES_RECURRENCE_ENDED;
    icalrecur_iterator *it = icalrecur_iterator_new(rule, day_to_ical(series_start));
    /* The rule parsed, so NULL is a start libical cannot expand from (it
     * gives up on years far ahead): nothing more it can tell. */
    if (it == NULL)
        return ENGSCHED_OK;
    for (long step = 0; step < ES_RECURRENCE_STEPS_MAX; step++) {
        struct icaltimetype t = icalrecur_iterator_next(it);
        int32_t day = 0;
        if (icaltime_is_null_time(t) || !ical_to_day(t, &day))
            break;
        if (day > after) {
            *out_day = day;
            break;
        }
    }
    icalrecur_iterator_free(it);
    return ENGSCHED_OK;
}
