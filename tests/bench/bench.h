/* engsched-bench: the performance benchmark of libengsched (issue 9).
 *
 * One program, split by concern:
 *   bench.c     options, the run order, the tick copies
 *   gen.c       the data set: WRITES THE SQLITE STORE DIRECTLY (see there)
 *   measure.c   the operations through the public API
 *   delivery.c  the outbox: delivery throughput, and the handle without it
 *   exchange.c  export and import of the whole store: time and peak memory
 *   candidates.c the candidates of one engagement, and the same by SQL
 *   capacity.c  capacity over a quarter in weeks, and the same by SQL
 *   baseline.c  the same results by minimal hand-written SQL and bare libical
 *   report.c    timing series, percentiles, the table and the JSON
 *
 * Everything the benchmark measures goes through include/engsched/engsched.h
 * on the default SQLite backend; the generator and the baselines open the
 * same file with the sqlite3 library of their own. */
#ifndef ENGSCHED_BENCH_H
#define ENGSCHED_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include <engsched/engsched.h>

/* --- the shape of the data set (at every scale) ------------------------- */

#define BENCH_CLIENTS 1000
#define BENCH_USERS 5000
/* Users by id: 1 the administrator; 2–40 managers (all clients); 41–1000
 * operators (all clients); 1001–1020 account managers (Viewer role, 100
 * clients each); 1021–5000 client users (Client role, one client each).
 * Administrator, managers and operators hold REPORT_VIEW and REPORT_EDIT:
 * the 1,000 operators the Availability view lists. */
#define BENCH_ADMIN 1
#define BENCH_MANAGER_FIRST 2
#define BENCH_MANAGER_LAST 40
#define BENCH_OPERATOR_FIRST 41
#define BENCH_OPERATOR_LAST 1000
#define BENCH_ACCOUNT_FIRST 1001
#define BENCH_ACCOUNT_LAST 1020
#define BENCH_CLIENT_USER_FIRST 1021
#define BENCH_ACCOUNT_CLIENTS 100
#define BENCH_OPERATORS 1000 /* users 1–1000 */

/* Five years of engagements, "today" one year before the end. */
#define BENCH_SPAN_DAYS 1826
#define BENCH_TODAY_OFFSET 1461

#define BENCH_ORGANIZER "scheduling@bench.example"

typedef struct bench_cfg {
    long scale;             /* engagements */
    uint64_t seed;
    const char *db_path;
    const char *json_path;
    double budget;          /* seconds of measuring per operation, at most */
    int reuse;              /* keep an existing store from an earlier run */
    int overwrite;          /* replace an existing file at db_path */
    int keep;               /* do not delete the store at the end */
    int generate_only;      /* stop after writing the data set */
    const char *only;       /* comma-separated groups to measure, or NULL for all */
    int quiet;
} bench_cfg;

/* What the measurements need to know about the data set. */
typedef struct bench_fixture {
    int32_t day0;           /* first day of the five years */
    int32_t today;          /* the data set's today */
    int64_t now;            /* noon UTC of today: the handles' clock */
    int32_t month_first;    /* the calendar month measured: today's */
    int32_t month_last;
    long tick_target;       /* engagements the tick should find due */
    double generate_s;      /* seconds the generator took (0 when reused) */
} bench_fixture;

/* Whether a group of measurements (list, calendar, availability,
 * invitations, writes, delivery, tick) is to run. */
int bench_wanted(const bench_cfg *cfg, const char *group);

/* --- small helpers (report.c) ------------------------------------------ */

double bench_now_s(void);
uint64_t bench_rand(uint64_t *state);
/* Uniform in [0, n). */
uint32_t bench_below(uint64_t *state, uint32_t n);
int32_t bench_day(int y, int m, int d);
void bench_date(int32_t day, char out[11]);
void bench_log(const bench_cfg *cfg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void bench_die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;
long bench_peak_rss_kib(void);

/* --- timing series and results (report.c) ------------------------------- */

typedef struct bench_series {
    double *ms;             /* per-operation latency, milliseconds */
    size_t n;
    size_t cap;
    double wall_s;          /* wall time of the whole loop */
    double items;           /* units done (rows, engagements moved) when not n */
    int valid;
} bench_series;

/* One measured operation: run fn(ctx, i) for i = 0, 1, … at least
 * min_iter and at most max_iter times, stopping once budget seconds have
 * passed. fn returns 0, or -1 after printing why (the run stops). */
typedef int (*bench_fn)(void *ctx, long i);
int bench_run(bench_series *s, bench_fn fn, void *ctx, long min_iter, long max_iter,
              double budget);
/* Two operations alternating, call by call, so that both see the same
 * machine (caches, the WAL, other load): each series gets its own calls,
 * and its wall time is the sum of its calls. */
int bench_run_pair(bench_series *a, bench_fn fn_a, void *ctx_a, bench_series *b, bench_fn fn_b,
                   void *ctx_b, long min_iter, long max_iter, double budget);
void bench_series_free(bench_series *s);
double bench_pct(const bench_series *s, double p);
double bench_rate(const bench_series *s);

typedef enum bench_target {
    TARGET_NONE,
    TARGET_LIST,        /* p99 ≤ 1 ms and p99 ≤ 1.5 × baseline p99 */
    TARGET_P50_MS,      /* p50 ≤ target_ms */
    TARGET_ONCE_MS,     /* the single run ≤ target_ms */
    TARGET_RATE,        /* ≥ target_rate per second */
    TARGET_RATE_RATIO   /* ≥ target_rate per second and p50 ≤ 1.5 × baseline p50 */
} bench_target;

typedef struct bench_result {
    const char *key;        /* JSON name, e.g. "list.first.pending" */
    const char *label;      /* table label */
    bench_series lib;
    bench_series base;      /* valid when there is a baseline */
    double rows;            /* rows (or items) per library operation, for the table */
    bench_target target;
    double target_ms;
    double target_rate;
    const char *target_text;
    const char *unit;       /* throughput unit: "op/s", "eng/s" */
    const char *note;
} bench_result;

#define BENCH_MAX_RESULTS 64

typedef struct bench_report {
    bench_result results[BENCH_MAX_RESULTS];
    size_t count;
    long peak_rss_kib;      /* at the end: the whole run */
    long rss_after_reads_kib; /* high-water mark after the views and invitations */
    long rss_after_writes_kib; /* … after the writes, before the tick */
} bench_report;

bench_result *bench_result_add(bench_report *r, const char *key, const char *label);
/* 1 met, 0 missed, -1 not applicable. */
int bench_result_met(const bench_result *res);
void bench_print_table(const bench_cfg *cfg, const bench_fixture *fx, const bench_report *r);
int bench_write_json(const bench_cfg *cfg, const bench_fixture *fx, const bench_report *r,
                     const char *path);

/* --- the data set (gen.c) ---------------------------------------------- */

/* Fill fx with the fixed facts of the data set (days, targets). */
void bench_fixture_init(const bench_cfg *cfg, bench_fixture *fx);
/* Create the store at cfg->db_path: schema and settings through the
 * public API, then every row written directly with sqlite3. Returns 0. */
int bench_generate(const bench_cfg *cfg, const bench_fixture *fx);

/* --- measurements (measure.c) ------------------------------------------ */

typedef struct bench_ctx {
    const bench_cfg *cfg;
    bench_fixture *fx;
    bench_report *report;
    engsched *db;           /* the library, on cfg->db_path */
    sqlite3 *raw;           /* the baselines' own connection to the same file */
    uint64_t rng;
    long mails;             /* messages the mail callback received */
    long events;            /* documents the event callback received */
} bench_ctx;

engsched *bench_open_library(bench_ctx *c, const char *path);
/* The candidates of one engagement against hand-written SQL (candidates.c). */
void bench_measure_candidates(bench_ctx *c);
/* Capacity over a quarter in weeks against hand-written SQL (capacity.c). */
void bench_measure_capacity(bench_ctx *c);
/* Export → import → export of the whole store (exchange.c). */
void bench_measure_exchange(bench_ctx *c);
void bench_measure_reads(bench_ctx *c);
void bench_measure_writes(bench_ctx *c);
/* delivery.c: a handle on a backend table without the outbox callbacks
 * (the path of 0.1), for the write measurements to compare; and the
 * delivery of a backlog. */
engsched *bench_open_without_outbox(bench_ctx *c, const char *path);
void bench_measure_delivery(bench_ctx *c);
/* The tick on a copy of the store made for it; returns engagements moved. */
void bench_measure_tick(bench_ctx *c, const char *lib_copy, const char *sql_copy);

/* --- baselines (baseline.c) -------------------------------------------- */

sqlite3 *bench_raw_open(const char *path);
void bench_raw_exec(sqlite3 *db, const char *sql);
sqlite3_stmt *bench_raw_prepare(sqlite3 *db, const char *sql);
int64_t bench_raw_int(sqlite3 *db, const char *sql);
/* Finalize the calendar and availability statements (before closing). */
void bench_baseline_release(void);

/* List: one page of 50 for the user's clients in a status set, after
 * (start_day, id) when after_id is not 0. Returns the rows read. */
typedef struct bench_list_base bench_list_base;
long bench_list_base_count(sqlite3 *db, unsigned int statuses, int64_t user);
bench_list_base *bench_list_base_new(sqlite3 *db, unsigned int statuses);
long bench_list_base_page(bench_list_base *b, int64_t user, int32_t after_start,
                          int64_t after_id);
void bench_list_base_free(bench_list_base *b);

/* Calendar: every engagement (not canceled) overlapping the range. */
long bench_calendar_base(sqlite3 *db, int32_t first, int32_t last);

/* Availability: the operators by name, each with their engagements and
 * unavailability in the range. Returns the work rows read. */
long bench_availability_base(sqlite3 *db, int32_t first, int32_t last);

/* Invitations: the same VEVENT built with bare libical from the rows a
 * minimal SQL query reads. */
typedef struct bench_ics_base bench_ics_base;
bench_ics_base *bench_ics_base_new(sqlite3 *db, int64_t now);
/* With fetch = 0 only libical runs, from the rows of the last fetch. */
int bench_ics_base_one(bench_ics_base *b, int64_t engagement, int64_t user, int fetch);
void bench_ics_base_free(bench_ics_base *b);

/* The tick as two SQL statements in one transaction; returns rows moved. */
long bench_tick_base(sqlite3 *db, int32_t day, int64_t now);

#endif
