/* ISO 8601 calendar dates <-> day numbers, with the civil-calendar
 * conversions of Howard Hinnant's "chrono-compatible low-level date
 * algorithms" (public domain). */
#include <string.h>

#include "util/dates.h"

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int es_date_parse(const char *text, int32_t *out_day)
{
    int y, m, d;
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    if (!digits(text, 4, &y) || !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
        return 0;
    return es_date_from_civil(y, m, d, out_day);
}

int es_date_from_civil(int y, int m, int d, int32_t *out_day)
{
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    *out_day = days_from_civil(y, m, d);
    return 1;
}

void es_date_format(int32_t day, char out[ES_DATE_LEN])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    /* Day numbers come from es_date_parse or the store, so 1900–9999. */
    out[0] = (char)('0' + (y / 1000) % 10);
    out[1] = (char)('0' + (y / 100) % 10);
    out[2] = (char)('0' + (y / 10) % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int es_date_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int32_t w = (day % 7 + 7 + 3) % 7; /* 0 = Monday */
    return (int)w + 1;
}

void es_date_civil(int32_t day, int *year, int *month, int *mday)
{
    civil_from_days(day, year, month, mday);
}

engsched_rc engsched_date_validate(const char *date)
{
    int32_t day;
    return es_date_parse(date, &day) ? ENGSCHED_OK : ENGSCHED_EINVAL;
}

int es_date_has_next(int32_t day)
{
    int32_t last;
    return es_date_from_civil(9999, 12, 30, &last) && day <= last;
}
