/* Calendar dates, instants, terminal colour and text width for the
 * examples. Date arithmetic is Howard Hinnant's days-from-civil, so no
 * time zone or timegm() is involved. */
#include "excommon.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

long ex_days_from_civil(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *year, int *month, int *day)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

int ex_month_days(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return month >= 1 && month <= 12 ? days[month - 1] : 0;
}

int ex_date_parse(const char *text, long *out_days)
{
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        !digits(text, 4) || !digits(text + 5, 2) || !digits(text + 8, 2))
        return -1;
    int y = number(text, 4), m = number(text + 5, 2), d = number(text + 8, 2);
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > ex_month_days(y, m))
        return -1;
    *out_days = ex_days_from_civil(y, m, d);
    return 0;
}

void ex_date_format(long days, char out[11])
{
    int y, m, d;
    char buf[48];
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int ex_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int ex_month_parse(const char *text, int *year, int *month)
{
    if (text == NULL || strlen(text) != 7 || text[4] != '-' || !digits(text, 4) ||
        !digits(text + 5, 2))
        return -1;
    int y = number(text, 4), m = number(text + 5, 2);
    if (y < 1900 || m < 1 || m > 12)
        return -1;
    *year = y;
    *month = m;
    return 0;
}

const char *ex_month_name(int month)
{
    static const char *const names[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
    return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

int ex_instant_parse(const char *text, int64_t *out)
{
    if (text == NULL || text[0] == '\0')
        return -1;
    size_t n = strlen(text);
    if (digits(text, n)) {
        if (n > 12)
            return -1;
        *out = (int64_t)strtoll(text, NULL, 10);
        return 0;
    }
    char date[11];
    long days;
    if (n < 10)
        return -1;
    memcpy(date, text, 10);
    date[10] = '\0';
    if (ex_date_parse(date, &days) != 0)
        return -1;
    int h = 0, mi = 0, s = 0;
    const char *t = text + 10;
    if (*t != '\0') {
        /* THH:MMZ or THH:MM:SSZ */
        size_t rest = strlen(t);
        if (rest == 7 && t[0] == 'T' && digits(t + 1, 2) && t[3] == ':' && digits(t + 4, 2) &&
            t[6] == 'Z') {
            h = number(t + 1, 2);
            mi = number(t + 4, 2);
        } else if (rest == 10 && t[0] == 'T' && digits(t + 1, 2) && t[3] == ':' &&
                   digits(t + 4, 2) && t[6] == ':' && digits(t + 7, 2) && t[9] == 'Z') {
            h = number(t + 1, 2);
            mi = number(t + 4, 2);
            s = number(t + 7, 2);
        } else {
            return -1;
        }
        if (h > 23 || mi > 59 || s > 59)
            return -1;
    }
    *out = (int64_t)days * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

void ex_instant_format(int64_t t, char out[21])
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    char date[11], buf[64];
    ex_date_format((long)days, date);
    snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", date, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, buf, 20);
    out[20] = '\0';
}

int ex_colour_wanted(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no != NULL && no[0] != '\0')
        return 0;
    return isatty(fileno(f));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void ex_colour_on(FILE *f, const char *hex)
{
    int v[6];
    if (hex == NULL || hex[0] != '#' || strlen(hex) != 7)
        return;
    for (int i = 0; i < 6; i++) {
        if ((v[i] = hexval(hex[i + 1])) < 0)
            return;
    }
    fprintf(f, "\x1b[38;2;%d;%d;%dm", v[0] * 16 + v[1], v[2] * 16 + v[3], v[4] * 16 + v[5]);
}

void ex_colour_off(FILE *f)
{
    fputs("\x1b[0m", f);
}

size_t ex_text_width(const char *s)
{
    size_t w = 0;
    for (; s != NULL && *s != '\0'; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    }
    return w;
}

void ex_print_cell(FILE *f, const char *s, size_t width)
{
    if (s == NULL)
        s = "";
    size_t w = ex_text_width(s);
    if (w <= width) {
        fputs(s, f);
        for (; w < width; w++)
            fputc(' ', f);
        return;
    }
    if (width == 0)
        return;
    /* Keep width-1 code points, then the ellipsis. */
    size_t kept = 0;
    const char *p = s;
    while (*p != '\0') {
        if (((unsigned char)*p & 0xC0) != 0x80) {
            if (kept == width - 1)
                break;
            kept++;
        }
        p++;
    }
    fwrite(s, 1, (size_t)(p - s), f);
    fputs("\xe2\x80\xa6", f);
}
