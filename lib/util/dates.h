/* Calendar dates as day numbers (days since 1970-01-01): the form the
 * storage interface uses, cheap to compare and to index. */
#ifndef ENGSCHED_DATES_H
#define ENGSCHED_DATES_H

#include <stdint.h>

#include <engsched/engsched.h>

#define ES_DATE_LEN 11 /* "YYYY-MM-DD" and the NUL */

/* Strict ISO 8601 calendar date, years 1900–9999. */
int es_date_parse(const char *text, int32_t *out_day);
/* Validates the fields like es_date_parse. */
int es_date_from_civil(int year, int month, int day, int32_t *out_day);
void es_date_format(int32_t day, char out[ES_DATE_LEN]);
/* Whether the day after @p day is still a date es_date_parse takes: the
 * last day of an engagement must have one, as an all-day calendar event
 * ends on the day after its last (DTEND), so 9999-12-31 cannot end one. */
int es_date_has_next(int32_t day);
/* ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
int es_date_weekday(int32_t day);
/* The year, month (1-12) and day of the month of a day number. */
void es_date_civil(int32_t day, int *year, int *month, int *mday);

#endif
