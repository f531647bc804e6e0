/* Capacity over a quarter in weeks, every operator and the totals:
 * engsched_capacity_open() and every figure of every row, against
 * hand-written SQL that reads the same facts and applies the rules of
 * capacity.h in C. The two must agree figure for figure.
 *
 * The SQL reads covering indexes where it can: the operators (users
 * scanned and sorted: cheaper than the name index and a row each), the
 * absences of the range, the end days of the engagements ending in it or
 * after (engagements_end), and the engagements starting in it or just
 * before (engagements_due), each with its assignments; the two are joined
 * in C, so no engagement row is read. One pass over the assignments loads
 * the operators and measures the demand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MANAGER BENCH_MANAGER_FIRST /* Manager with every client */
#define DAYS 91                     /* 13 weeks */
#define MEASURES 10
#define MAX_BUCKETS 16
#define FULL ENGSCHED_CAPACITY_UNIT

typedef struct day_load {
    int firm, held; /* percent of firm work, of holds */
    int absent;
} day_load;

typedef struct end_slot {
    int64_t id; /* 0: empty */
    int32_t end;
} end_slot;

typedef struct cap_ctx {
    bench_ctx *c;
    int32_t first, last;
    char first_text[11], last_text[11];
    long rows, base_rows;
    int64_t sum[MEASURES], base_sum[MEASURES];
    sqlite3_stmt *settings, *operators, *absences, *ends, *work;
    /* the SQL side's memory, kept from call to call */
    int64_t *ops; /* operator ids by name */
    size_t nops, ops_cap;
    size_t *slot; /* user id -> 1 + index in ops, 0 for none */
    size_t nslot;
    day_load *load;     /* nops × DAYS */
    end_slot *ends_tab; /* engagement id -> end day, open addressing */
    size_t ends_cap, ends_n;
} cap_ctx;

static int cap_lib(void *ctx, long i)
{
    (void)i;
    cap_ctx *v = ctx;
    engsched *db = v->c->db;
    engsched_capacity_options o = ENGSCHED_CAPACITY_OPTIONS_INIT;
    o.bucket = ENGSCHED_BUCKET_WEEK;
    o.per_operator = 1;
    engsched_capacity *c = NULL;
    if (engsched_capacity_open(db, MANAGER, v->first_text, v->last_text, &o, &c) != ENGSCHED_OK) {
        fprintf(stderr, "engsched-bench: capacity: %s\n", engsched_errmsg(db));
        return -1;
    }
    long rows = 0;
    int64_t sum[MEASURES] = {0};
    int has = 0;
    engsched_rc rc;
    while ((rc = engsched_capacity_next(c, &has)) == ENGSCHED_OK && has) {
        (void)engsched_capacity_user(c);
        (void)engsched_capacity_name(c);
        if (engsched_capacity_bucket_start(c) == NULL || engsched_capacity_bucket_end(c) == NULL)
            bench_die("capacity: a row without its bucket");
        for (int m = 0; m < MEASURES; m++) {
            int64_t x = engsched_capacity_value(c, (engsched_capacity_measure)m);
            if (x < 0)
                bench_die("capacity: measure %d reads %lld", m, (long long)x);
            sum[m] += x;
        }
        rows++;
    }
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "engsched-bench: capacity: %s\n", engsched_errmsg(db));
        engsched_capacity_free(c);
        return -1;
    }
    engsched_capacity_free(c);
    v->rows = rows;
    memcpy(v->sum, sum, sizeof sum);
    return 0;
}

/* ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
static int weekday(int32_t day) { return ((day % 7 + 7 + 3) % 7) + 1; }

/* The working days of the range: the settings the library reads, with its
 * defaults (every weekday, no holidays). */
static void working_days(cap_ctx *v, unsigned char *working)
{
    char week[16] = "12345";
    unsigned char holiday[DAYS] = {0};
    sqlite3_stmt *st = v->settings;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *val = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(key, "working_week") == 0) {
            snprintf(week, sizeof week, "%s", val);
            continue;
        }
        for (const char *p = val; strlen(p) >= 10; p += p[10] ? 11 : 10) {
            int32_t d = bench_day(atoi(p), atoi(p + 5), atoi(p + 8));
            if (d >= v->first && d <= v->last)
                holiday[d - v->first] = 1;
        }
    }
    sqlite3_reset(st);
    for (int32_t d = 0; d < DAYS; d++)
        working[d] = strchr(week, '0' + weekday(v->first + d)) != NULL && !holiday[d];
}

static void clip(const cap_ctx *v, int32_t s, int32_t e, int32_t *from, int32_t *to)
{
    *from = (s > v->first ? s : v->first) - v->first;
    *to = (e < v->last ? e : v->last) - v->first;
}

/* The operators by name, then the absences that touch the range. */
static void read_operators(cap_ctx *v)
{
    sqlite3_stmt *st = v->operators;
    v->nops = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        (void)sqlite3_column_text(st, 1);
        if (v->nops == v->ops_cap) {
            v->ops_cap = v->ops_cap ? v->ops_cap * 2 : 1024;
            v->ops = realloc(v->ops, v->ops_cap * sizeof v->ops[0]);
            v->load = realloc(v->load, v->ops_cap * DAYS * sizeof v->load[0]);
            if (v->ops == NULL || v->load == NULL)
                bench_die("out of memory");
        }
        if ((size_t)id >= v->nslot) {
            size_t n = (size_t)id * 2 + 1;
            v->slot = realloc(v->slot, n * sizeof v->slot[0]);
            if (v->slot == NULL)
                bench_die("out of memory");
            memset(v->slot + v->nslot, 0, (n - v->nslot) * sizeof v->slot[0]);
            v->nslot = n;
        }
        v->ops[v->nops] = id;
        memset(&v->load[v->nops * DAYS], 0, DAYS * sizeof v->load[0]);
        v->slot[id] = ++v->nops;
    }
    sqlite3_reset(st);
    st = v->absences;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t user = sqlite3_column_int64(st, 0);
        size_t k = (size_t)user < v->nslot ? v->slot[user] : 0;
        int32_t from, to;
        clip(v, (int32_t)sqlite3_column_int64(st, 1), (int32_t)sqlite3_column_int64(st, 2), &from,
             &to);
        for (int32_t d = from; k != 0 && d <= to; d++)
            v->load[(k - 1) * DAYS + (size_t)d].absent = 1;
    }
    sqlite3_reset(st);
}

static end_slot *end_find(const cap_ctx *v, int64_t id)
{
    size_t h = (size_t)((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15) >> 32) & (v->ends_cap - 1);
    while (v->ends_tab[h].id != 0 && v->ends_tab[h].id != id)
        h = (h + 1) & (v->ends_cap - 1);
    return &v->ends_tab[h];
}

static void end_put(cap_ctx *v, int64_t id, int32_t end)
{
    if (2 * (v->ends_n + 1) > v->ends_cap) {
        end_slot *old = v->ends_tab;
        size_t n = v->ends_cap;
        v->ends_cap = n * 2;
        v->ends_tab = calloc(v->ends_cap, sizeof v->ends_tab[0]);
        if (v->ends_tab == NULL)
            bench_die("out of memory");
        for (size_t k = 0; k < n; k++)
            if (old[k].id != 0)
                *end_find(v, old[k].id) = old[k];
        free(old);
    }
    end_slot *e = end_find(v, id);
    v->ends_n += e->id == 0;
    *e = (end_slot){id, end};
}

/* The end day of every engagement that ends in the range or after it
 * (a start in the range bounds it: no engagement is longer than the
 * longest), from engagements_end alone. */
static void read_ends(cap_ctx *v)
{
    if (v->ends_n != 0)
        memset(v->ends_tab, 0, v->ends_cap * sizeof v->ends_tab[0]);
    v->ends_n = 0;
    sqlite3_stmt *st = v->ends;
    while (sqlite3_step(st) == SQLITE_ROW)
        end_put(v, sqlite3_column_int64(st, 0), (int32_t)sqlite3_column_int64(st, 1));
    sqlite3_reset(st);
}

static void add_demand(const unsigned char *working, const unsigned char *bucket_of, int32_t from,
                       int32_t to, const int *firm, const int *held, int64_t (*total)[MEASURES])
{
    for (int32_t d = from; d <= to; d++) {
        if (!working[d])
            continue;
        int f = firm[d] > FULL ? FULL : firm[d];
        int h = firm[d] + held[d] > FULL ? FULL : firm[d] + held[d];
        int64_t *t = total[bucket_of[d]];
        t[ENGSCHED_CAPACITY_DEMAND] += FULL;
        t[ENGSCHED_CAPACITY_UNSTAFFED] += FULL - f;
        t[ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS] += FULL - h;
    }
}

/* One pass over the engagements of the range (not canceled), each with
 * its assignments: the operators' loads, and the demand of the Pending
 * and Scheduled ones less their staff. An engagement without an end day
 * in read_ends() ended before the range. */
static void read_work(cap_ctx *v, const unsigned char *working, const unsigned char *bucket_of,
                      int64_t (*total)[MEASURES])
{
    sqlite3_stmt *st = v->work;
    int firm[DAYS], held[DAYS];
    int64_t eng = 0;
    int demand = 0, skip = 0;
    int32_t efrom = 0, eto = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != eng) {
            if (demand)
                add_demand(working, bucket_of, efrom, eto, firm, held, total);
            eng = id;
            const end_slot *e = end_find(v, id);
            skip = e->id == 0;
            int status = sqlite3_column_int(st, 2);
            demand =
                !skip && (status == ENGSCHED_STATUS_PENDING || status == ENGSCHED_STATUS_SCHEDULED);
            clip(v, (int32_t)sqlite3_column_int64(st, 1), e->end, &efrom, &eto);
            if (demand)
                for (int32_t d = efrom; d <= eto; d++)
                    firm[d] = held[d] = 0;
        }
        if (skip || sqlite3_column_type(st, 3) == SQLITE_NULL)
            continue;
        int64_t user = sqlite3_column_int64(st, 3);
        int32_t from, to;
        clip(v, (int32_t)sqlite3_column_int64(st, 4), (int32_t)sqlite3_column_int64(st, 5), &from,
             &to);
        int pct = sqlite3_column_int(st, 6);
        int tentative = sqlite3_column_int(st, 7) != 0;
        if (pct == 0)
            pct = 100; /* as the library reads a share of 0 */
        size_t k = (size_t)user < v->nslot ? v->slot[user] : 0;
        if (k != 0) {
            day_load *days = &v->load[(k - 1) * DAYS];
            for (int32_t d = from; d <= to; d++)
                *(tentative ? &days[d].held : &days[d].firm) += pct;
        }
        if (demand)
            for (int32_t d = from; d <= to; d++)
                (tentative ? held : firm)[d] += pct;
    }
    sqlite3_reset(st);
    if (demand)
        add_demand(working, bucket_of, efrom, eto, firm, held, total);
}

/* The facts by SQL, the rules of capacity.h in C. */
static int cap_base(void *ctx, long i)
{
    (void)i;
    cap_ctx *v = ctx;
    unsigned char working[DAYS], bucket_of[DAYS];
    working_days(v, working);
    size_t nb = 0;
    for (int32_t d = 0; d < DAYS; d++) {
        if (d == 0 || weekday(v->first + d) == 1)
            nb++;
        bucket_of[d] = (unsigned char)(nb - 1);
    }
    int64_t total[MAX_BUCKETS][MEASURES];
    memset(total, 0, sizeof total);
    read_operators(v);
    read_ends(v);
    read_work(v, working, bucket_of, total);
    int64_t sum[MEASURES] = {0};
    for (size_t k = 0; k < v->nops; k++) {
        int64_t mine[MAX_BUCKETS][MEASURES];
        memset(mine, 0, sizeof mine);
        const day_load *days = &v->load[k * DAYS];
        for (int32_t d = 0; d < DAYS; d++) {
            if (!working[d])
                continue;
            const day_load *x = &days[d];
            int available = x->absent ? 0 : FULL;
            int firm = x->absent ? 0 : (x->firm > FULL ? FULL : x->firm);
            int load = x->firm + x->held;
            int busy = x->absent ? 0 : (load > FULL ? FULL : load);
            int over = x->firm + (x->absent ? FULL : 0) - FULL;
            int64_t *f = mine[bucket_of[d]];
            f[ENGSCHED_CAPACITY_WORKING] += FULL;
            f[ENGSCHED_CAPACITY_ABSENT] += FULL - available;
            f[ENGSCHED_CAPACITY_AVAILABLE] += available;
            f[ENGSCHED_CAPACITY_FIRM] += firm;
            f[ENGSCHED_CAPACITY_TENTATIVE] += busy - firm;
            f[ENGSCHED_CAPACITY_FREE] += available - busy;
            f[ENGSCHED_CAPACITY_OVERBOOKED] += over > 0 ? over : 0;
        }
        for (size_t b = 0; b < nb; b++)
            for (int m = 0; m < MEASURES; m++) {
                total[b][m] += mine[b][m];
                sum[m] += mine[b][m];
            }
        v->slot[v->ops[k]] = 0; /* for the next call */
    }
    for (size_t b = 0; b < nb; b++)
        for (int m = 0; m < MEASURES; m++)
            sum[m] += total[b][m];
    v->base_rows = (long)((v->nops + 1) * nb);
    memcpy(v->base_sum, sum, sizeof sum);
    return 0;
}

void bench_measure_capacity(bench_ctx *c)
{
    cap_ctx v = {.c = c};
    /* A quarter: 13 weeks from the Monday on or after today. */
    v.first = c->fx->today + (8 - weekday(c->fx->today)) % 7;
    v.last = v.first + DAYS - 1;
    bench_date(v.first, v.first_text);
    bench_date(v.last, v.last_text);
    v.ends_cap = 16384;
    if ((v.ends_tab = calloc(v.ends_cap, sizeof v.ends_tab[0])) == NULL)
        bench_die("out of memory");
    sqlite3 *raw = c->raw;
    v.settings = bench_raw_prepare(raw, "SELECT key, value FROM settings"
                                        " WHERE key IN ('working_week', 'holidays')");
    /* The operators of the Availability view, as the manager of every
     * client sees them: report_view and report_edit (3072). */
    v.operators = bench_raw_prepare(
        raw, "SELECT u.id, u.display_name FROM users AS u NOT INDEXED"
             " JOIN roles AS r ON r.id = u.role"
             " WHERE (r.permissions & 3072) = 3072 ORDER BY u.display_name, u.id");
    v.absences = bench_raw_prepare(raw, "SELECT user, start_day, end_day FROM unavailability"
                                        " WHERE start_day <= ?2 AND end_day >= ?1");
    v.ends = bench_raw_prepare(
        raw, "SELECT id, end_day FROM engagements INDEXED BY engagements_end"
             " WHERE end_day >= ?1 AND end_day <= ?2 + (SELECT max(end_day - start_day)"
             " FROM engagements)");
    /* An assignment's start_day and end_day are its window (the
     * engagement's dates unless windowed: schema migration 5). */
    v.work = bench_raw_prepare(
        raw, "SELECT e.id, e.start_day, e.status, a.user, a.start_day, a.end_day, a.percent,"
             " a.tentative FROM engagements AS e INDEXED BY engagements_due"
             " LEFT JOIN assignments AS a ON a.engagement = e.id"
             " WHERE e.status IN (1, 2, 3, 4, 5) AND e.start_day <= ?2"
             " AND e.start_day >= ?1 - (SELECT max(end_day - start_day) FROM engagements)");
    sqlite3_stmt *ranged[] = {v.absences, v.ends, v.work};
    for (size_t k = 0; k < 3; k++) {
        sqlite3_bind_int64(ranged[k], 1, v.first);
        sqlite3_bind_int64(ranged[k], 2, v.last);
    }
    bench_result *res = bench_result_add(c->report, "capacity.quarter",
                                         "Capacity, a quarter in weeks, 1,000 operators");
    res->target = TARGET_RATE_RATIO;
    res->target_rate = 20; /* 50 ms */
    res->target_text = "≤ 50 ms, ≤ 1.5× SQL";
    res->unit = "op/s";
    long min = c->cfg->budget < 0.5 ? 3 : 10;
    if (bench_run_pair(&res->lib, cap_lib, &v, &res->base, cap_base, &v, min, 100000,
                       c->cfg->budget) != 0)
        bench_die("capacity");
    if (v.rows != v.base_rows)
        bench_die("capacity: the library gave %ld rows, the SQL %ld", v.rows, v.base_rows);
    for (int m = 0; m < MEASURES; m++) {
        if (v.sum[m] != v.base_sum[m])
            bench_die("capacity: measure %d sums to %lld in the library, %lld by SQL", m,
                      (long long)v.sum[m], (long long)v.base_sum[m]);
    }
    res->rows = (double)v.rows;
    sqlite3_stmt *all[] = {v.settings, v.operators, v.absences, v.ends, v.work};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        sqlite3_finalize(all[k]);
    free(v.ends_tab);
    free(v.ops);
    free(v.slot);
    free(v.load);
}
