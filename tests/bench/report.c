/* Timing series, percentiles, the table and the JSON of engsched-bench. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

#ifndef BENCH_LIBICAL_VERSION
#define BENCH_LIBICAL_VERSION "?"
#endif

/* --- small helpers ------------------------------------------------------ */

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: small, seedable, the same sequence everywhere. */
uint64_t bench_rand(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint32_t bench_below(uint64_t *state, uint32_t n)
{
    return n == 0 ? 0 : (uint32_t)(bench_rand(state) % n);
}

/* Howard Hinnant's days_from_civil / civil_from_days, as lib/dates.c. */
int32_t bench_day(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void bench_date(int32_t day, char out[11])
{
    int32_t z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    int y = yoe + era * 400 + (m <= 2);
    /* Day numbers of the data set are in 1900–9999. */
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

void bench_log(const bench_cfg *cfg, const char *fmt, ...)
{
    if (cfg != NULL && cfg->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("engsched-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Peak resident set of this process (the generator runs in a child and
 * is not counted). */
long bench_peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* Linux: KiB */
}

/* --- series ------------------------------------------------------------- */

static void series_push(bench_series *s, double ms)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        double *grown = realloc(s->ms, cap * sizeof *grown);
        if (grown == NULL)
            bench_die("out of memory");
        s->ms = grown;
        s->cap = cap;
    }
    s->ms[s->n++] = ms;
}

int bench_run(bench_series *s, bench_fn fn, void *ctx, long min_iter, long max_iter,
              double budget)
{
    memset(s, 0, sizeof *s);
    double start = bench_now_s();
    for (long i = 0; i < max_iter; i++) {
        double t0 = bench_now_s();
        if (fn(ctx, i) != 0)
            return -1;
        double t1 = bench_now_s();
        series_push(s, (t1 - t0) * 1e3);
        if (i + 1 >= min_iter && t1 - start >= budget)
            break;
    }
    s->wall_s = bench_now_s() - start;
    s->valid = s->n > 0;
    return 0;
}

int bench_run_pair(bench_series *a, bench_fn fn_a, void *ctx_a, bench_series *b, bench_fn fn_b,
                   void *ctx_b, long min_iter, long max_iter, double budget)
{
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    double start = bench_now_s();
    for (long i = 0; i < max_iter; i++) {
        bench_series *s[2] = {a, b};
        bench_fn fn[2] = {fn_a, fn_b};
        void *ctx[2] = {ctx_a, ctx_b};
        for (int k = 0; k < 2; k++) {
            double t0 = bench_now_s();
            if (fn[k](ctx[k], i) != 0)
                return -1;
            double t1 = bench_now_s();
            series_push(s[k], (t1 - t0) * 1e3);
            s[k]->wall_s += t1 - t0;
        }
        if (i + 1 >= min_iter && bench_now_s() - start >= budget)
            break;
    }
    a->valid = a->n > 0;
    b->valid = b->n > 0;
    return 0;
}

void bench_series_free(bench_series *s)
{
    free(s->ms);
    memset(s, 0, sizeof *s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank on a sorted copy. */
double bench_pct(const bench_series *s, double p)
{
    if (!s->valid || s->n == 0)
        return NAN;
    double *sorted = malloc(s->n * sizeof *sorted);
    if (sorted == NULL)
        bench_die("out of memory");
    memcpy(sorted, s->ms, s->n * sizeof *sorted);
    qsort(sorted, s->n, sizeof *sorted, cmp_double);
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    if (rank < 1)
        rank = 1;
    double v = sorted[rank - 1];
    free(sorted);
    return v;
}

/* Operations (or items, when counted) per second of the whole loop. */
double bench_rate(const bench_series *s)
{
    if (!s->valid || s->wall_s <= 0)
        return NAN;
    return (s->items > 0 ? s->items : (double)s->n) / s->wall_s;
}

bench_result *bench_result_add(bench_report *r, const char *key, const char *label)
{
    if (r->count == BENCH_MAX_RESULTS)
        bench_die("too many results");
    bench_result *res = &r->results[r->count++];
    memset(res, 0, sizeof *res);
    res->key = key;
    res->label = label;
    res->unit = "op/s";
    return res;
}

static double ratio(const bench_result *res, double p)
{
    if (!res->lib.valid || !res->base.valid)
        return NAN;
    return bench_pct(&res->lib, p) / bench_pct(&res->base, p);
}

int bench_result_met(const bench_result *res)
{
    if (res->target == TARGET_NONE || !res->lib.valid)
        return -1;
    double p50 = bench_pct(&res->lib, 50), p99 = bench_pct(&res->lib, 99);
    switch (res->target) {
    case TARGET_LIST:
        return p99 <= 1.0 && ratio(res, 99) <= 1.5;
    case TARGET_P50_MS:
        return p50 <= res->target_ms;
    case TARGET_ONCE_MS:
        return res->lib.ms[0] <= res->target_ms;
    case TARGET_RATE:
        return bench_rate(&res->lib) >= res->target_rate;
    case TARGET_RATE_RATIO:
        return bench_rate(&res->lib) >= res->target_rate && ratio(res, 50) <= 1.5;
    case TARGET_NONE:
        break;
    }
    return -1;
}

/* --- the table ---------------------------------------------------------- */

static void cell_ms(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v < 1)
        snprintf(buf, size, "%.3f", v);
    else if (v < 100)
        snprintf(buf, size, "%.2f", v);
    else
        snprintf(buf, size, "%.0f", v);
}

static void cell_num(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v >= 100)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.1f", v);
}

static const char *met_text(int met)
{
    return met == 1 ? "yes" : met == 0 ? "**no**" : "";
}

void bench_print_table(const bench_cfg *cfg, const bench_fixture *fx, const bench_report *r)
{
    printf("engsched-bench: libengsched %s, SQLite %s, libical %s\n", engsched_version(),
           sqlite3_libversion(), BENCH_LIBICAL_VERSION);
    printf("scale %ld engagements, %d clients, %d users (%d operators), seed %llu; "
           "generation %.1f s\n\n",
           cfg->scale, BENCH_CLIENTS, BENCH_USERS, BENCH_OPERATORS,
           (unsigned long long)cfg->seed, fx->generate_s);
    printf("| operation | n | items/op | throughput | p50 ms | p99 ms | baseline p50 ms "
           "| baseline p99 ms | lib ÷ base p50 | lib ÷ base p99 | target | met |\n");
    printf("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
    for (size_t i = 0; i < r->count; i++) {
        const bench_result *res = &r->results[i];
        char n[24], rows[24], rate[40], p50[24], p99[24], b50[24], b99[24], r50[24], r99[24];
        if (!res->lib.valid) {
            printf("| %s | - | - | - | - | - | - | - | - | - | %s | %s |\n", res->label,
                   res->target_text ? res->target_text : "", met_text(bench_result_met(res)));
            continue;
        }
        snprintf(n, sizeof n, "%zu", res->lib.n);
        cell_num(rows, sizeof rows, res->rows);
        char num[24];
        cell_num(num, sizeof num, bench_rate(&res->lib));
        snprintf(rate, sizeof rate, "%s %s", num, res->unit);
        cell_ms(p50, sizeof p50, bench_pct(&res->lib, 50));
        cell_ms(p99, sizeof p99, bench_pct(&res->lib, 99));
        cell_ms(b50, sizeof b50, bench_pct(&res->base, 50));
        cell_ms(b99, sizeof b99, bench_pct(&res->base, 99));
        double q50 = ratio(res, 50), q99 = ratio(res, 99);
        if (isnan(q50))
            snprintf(r50, sizeof r50, "-");
        else
            snprintf(r50, sizeof r50, "%.2f×", q50);
        if (isnan(q99))
            snprintf(r99, sizeof r99, "-");
        else
            snprintf(r99, sizeof r99, "%.2f×", q99);
        printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", res->label, n,
               rows, rate, p50, p99, b50, b99, r50, r99,
               res->target_text ? res->target_text : "", met_text(bench_result_met(res)));
    }
    printf("\npeak resident memory: %.1f MiB (target < 64 MiB: %s); high-water mark after "
           "the reads %.1f MiB, after the writes %.1f MiB, the rest is the tick\n",
           (double)r->peak_rss_kib / 1024.0, r->peak_rss_kib < 64 * 1024 ? "yes" : "**no**",
           (double)r->rss_after_reads_kib / 1024.0, (double)r->rss_after_writes_kib / 1024.0);
    for (size_t i = 0; i < r->count; i++) {
        if (r->results[i].note != NULL)
            printf("- %s: %s\n", r->results[i].label, r->results[i].note);
    }
    fflush(stdout);
}

/* --- JSON --------------------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_number(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs("null", f);
    else
        fprintf(f, "%.6g", v);
}

static void json_series(FILE *f, const bench_series *s)
{
    fprintf(f, "{\"n\": %zu, \"wall_s\": ", s->n);
    json_number(f, s->wall_s);
    fputs(", \"per_s\": ", f);
    json_number(f, bench_rate(s));
    fputs(", \"p50_ms\": ", f);
    json_number(f, bench_pct(s, 50));
    fputs(", \"p99_ms\": ", f);
    json_number(f, bench_pct(s, 99));
    fputs(", \"max_ms\": ", f);
    json_number(f, bench_pct(s, 100));
    fputc('}', f);
}

int bench_write_json(const bench_cfg *cfg, const bench_fixture *fx, const bench_report *r,
                     const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    char today[11];
    bench_date(fx->today, today);
    fprintf(f, "{\n  \"benchmark\": \"engsched-bench\",\n  \"format\": 1,\n");
    fprintf(f, "  \"library_version\": \"%s\",\n  \"sqlite_version\": \"%s\",\n",
            engsched_version(), sqlite3_libversion());
    fprintf(f, "  \"libical_version\": \"%s\",\n", BENCH_LIBICAL_VERSION);
    fprintf(f, "  \"scale\": %ld,\n  \"seed\": %llu,\n  \"clients\": %d,\n  \"users\": %d,\n"
               "  \"operators\": %d,\n  \"today\": \"%s\",\n  \"generate_s\": ",
            cfg->scale, (unsigned long long)cfg->seed, BENCH_CLIENTS, BENCH_USERS,
            BENCH_OPERATORS, today);
    json_number(f, fx->generate_s);
    fprintf(f,
            ",\n  \"peak_rss_kib\": %ld,\n  \"peak_rss_target_met\": %s,\n"
            "  \"rss_after_reads_kib\": %ld,\n  \"rss_after_writes_kib\": %ld,\n",
            r->peak_rss_kib, r->peak_rss_kib < 64 * 1024 ? "true" : "false",
            r->rss_after_reads_kib, r->rss_after_writes_kib);
    fputs("  \"results\": [\n", f);
    for (size_t i = 0; i < r->count; i++) {
        const bench_result *res = &r->results[i];
        fputs("    {\"name\": ", f);
        json_string(f, res->key);
        fputs(", \"label\": ", f);
        json_string(f, res->label);
        fputs(", \"unit\": ", f);
        json_string(f, res->unit);
        fputs(", \"items_per_op\": ", f);
        json_number(f, res->lib.valid ? res->rows : NAN);
        fputs(",\n     \"library\": ", f);
        if (res->lib.valid)
            json_series(f, &res->lib);
        else
            fputs("null", f);
        fputs(",\n     \"baseline\": ", f);
        if (res->base.valid)
            json_series(f, &res->base);
        else
            fputs("null", f);
        fputs(",\n     \"ratio_p50\": ", f);
        json_number(f, ratio(res, 50));
        fputs(", \"ratio_p99\": ", f);
        json_number(f, ratio(res, 99));
        fputs(", \"target\": ", f);
        if (res->target_text)
            json_string(f, res->target_text);
        else
            fputs("null", f);
        int met = bench_result_met(res);
        fprintf(f, ", \"met\": %s", met == 1 ? "true" : met == 0 ? "false" : "null");
        fputs(", \"note\": ", f);
        if (res->note)
            json_string(f, res->note);
        else
            fputs("null", f);
        fprintf(f, "}%s\n", i + 1 < r->count ? "," : "");
    }
    fputs("  ]\n}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}
