/* Fuzz target: calendar dates and time zones.
 *
 * Fields (cut at 0xFF bytes): a date text, a second date text, a zone
 * name, 8 bytes of an instant, 12 bytes of civil year/month/day.
 *
 * Oracles:
 * - engsched_date_validate() agrees with an independent strict
 *   YYYY-MM-DD check (years 1900–9999, real month lengths, leap years);
 * - es_date_parse() agrees with it, formats back to the very same text,
 *   and its weekday follows the day number;
 * - es_date_from_civil() accepts exactly the valid triples and they come
 *   back through format and parse;
 * - engsched_input_set_dates() and engsched_query_set_range() accept
 *   exactly two valid dates in order;
 * - engsched_date_in_zone() on any zone name and instant returns OK or
 *   EINVAL, and an OK date is valid (and for UTC is gmtime's date). */
#include <time.h>

#include <engsched/engsched.h>

#include "util/dates.h"
#include "fuzz.h"

static engsched *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (engsched_open(":memory:", NULL, &db) != ENGSCHED_OK)
        abort();
    return 0;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int civil_ok(int y, int m, int d)
{
    return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* The reference: exactly 10 bytes, digits and dashes in place. */
static int date_ok(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    return civil_ok(y, m, d);
}

static void check_one_date(const char *s)
{
    int want = date_ok(s);
    engsched_rc rc = engsched_date_validate(s);
    FUZZ_CHECK((rc == ENGSCHED_OK) == want, "validate(\"%s\") = %s", s, engsched_rc_name(rc));
    int32_t day = 0;
    int parsed = es_date_parse(s, &day);
    FUZZ_CHECK(parsed == want, "es_date_parse(\"%s\") = %d", s, parsed);
    if (!parsed)
        return;
    char back[ES_DATE_LEN];
    es_date_format(day, back);
    FUZZ_CHECK(strcmp(back, s) == 0, "\"%s\" formats back as \"%s\"", s, back);
    /* 1970-01-01 (day 0) was a Thursday, ISO weekday 4. */
    int64_t wd = (((int64_t)day % 7) + 7 + 3) % 7 + 1;
    FUZZ_CHECK(es_date_weekday(day) == (int)wd, "weekday of %s: %d, expected %d", s,
               es_date_weekday(day), (int)wd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields ff;
    if (!fuzz_split(data, size, &ff))
        return 0;
    const char *a = ff.f[0], *b = ff.f[1], *zone = ff.f[2];

    check_one_date(a);
    check_one_date(b);

    /* Civil triples from raw bytes. */
    int y = (int)(int32_t)fuzz_u64(ff.f[4], ff.len[4] < 4 ? ff.len[4] : 4);
    int m = ff.len[4] > 4 ? (signed char)ff.f[4][4] : 1;
    int d = ff.len[4] > 5 ? (signed char)ff.f[4][5] : 1;
    if (ff.len[4] < 4)
        y = 1900 + y % 9000;
    int32_t day = 0;
    int ok = es_date_from_civil(y, m, d, &day);
    FUZZ_CHECK(ok == civil_ok(y, m, d), "es_date_from_civil(%d, %d, %d) = %d", y, m, d, ok);
    if (ok) {
        char text[ES_DATE_LEN];
        int32_t again = 0;
        es_date_format(day, text);
        FUZZ_CHECK(es_date_parse(text, &again) && again == day, "%d-%d-%d -> %s", y, m, d,
                   text);
    }

    /* The setters that take two dates. */
    int in_order = date_ok(a) && date_ok(b) && strcmp(a, b) <= 0;
    /* An engagement's last day needs a next one (the invitation's DTEND). */
    int has_next = in_order && strcmp(b, "9999-12-31") != 0;
    engsched_input *in = NULL;
    if (engsched_input_new(db, &in) == ENGSCHED_OK) {
        engsched_rc rc = engsched_input_set_dates(in, a, b);
        FUZZ_CHECK((rc == ENGSCHED_OK) == has_next, "set_dates(\"%s\", \"%s\") = %s", a, b,
                   engsched_rc_name(rc));
        engsched_input_free(in);
    }
    engsched_query *q = NULL;
    if (engsched_query_new(db, &q) == ENGSCHED_OK) {
        engsched_rc rc = engsched_query_set_range(q, a, b);
        FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL, "set_range: %s",
                   engsched_rc_name(rc));
        if (rc == ENGSCHED_OK)
            FUZZ_CHECK(in_order, "set_range(\"%s\", \"%s\") accepted", a, b);
        engsched_query_free(q);
    }

    /* A zone name and an instant. */
    int64_t instant = (int64_t)fuzz_u64(ff.f[3], ff.len[3]);
    if (ff.len[3] < 8) /* short fields: keep to plausible instants */
        instant = (int64_t)(instant % INT64_C(253402300800)) - INT64_C(2208988800);
    char out[11] = "";
    engsched_rc rc = engsched_date_in_zone(zone, instant, out);
    FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL, "date_in_zone(\"%s\", %lld) = %s",
               zone, (long long)instant, engsched_rc_name(rc));
    if (rc == ENGSCHED_OK) {
        FUZZ_CHECK(date_ok(out), "date_in_zone(\"%s\", %lld) gave \"%s\"", zone,
                   (long long)instant, out);
        time_t t = (time_t)instant;
        struct tm tm;
        if (strcmp(zone, "UTC") == 0 && (int64_t)t == instant && gmtime_r(&t, &tm) != NULL) {
            char want[32];
            snprintf(want, sizeof want, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
            FUZZ_CHECK(strcmp(want, out) == 0, "UTC day of %lld: %s, gmtime says %s",
                       (long long)instant, out, want);
        }
    }
    fuzz_fields_free(&ff);
    return 0;
}
