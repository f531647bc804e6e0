/* The candidates of one engagement among the 1,000 operators (issue 17):
 * engsched_candidates_open() and every row with its work list, against
 * hand-written SQL that reads the same facts (the operators who may be
 * assigned, their busy work with their answer to each invitation, their
 * absences in the dates, their skills and the engagement's) and ranks
 * them the same way in C.
 *
 * Before measuring, the engagement is given two required skills and the
 * operators some of them through the public API, so that the skills join
 * the rank on both sides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MANAGER BENCH_MANAGER_FIRST /* Manager with every client */
#define MAX_SPAN 4096

typedef struct cand_ctx {
    bench_ctx *c;
    int64_t engagement;
    int64_t client;
    int32_t start, end;
    long rows;      /* candidates + work items, library */
    long base_rows; /* the same, SQL */
    int64_t first, base_first;
    sqlite3_stmt *operators, *work, *away, *skills, *required;
} cand_ctx;

static int cand_lib(void *ctx, long i)
{
    (void)i;
    cand_ctx *v = ctx;
    engsched *db = v->c->db;
    engsched_candidates *c = NULL;
    if (engsched_candidates_open(db, MANAGER, v->engagement, &c) != ENGSCHED_OK) {
        fprintf(stderr, "engsched-bench: candidates: %s\n", engsched_errmsg(db));
        return -1;
    }
    long rows = 0;
    int has = 0;
    while (engsched_candidates_next(c, &has) == ENGSCHED_OK && has) {
        if (rows == 0)
            v->first = engsched_candidates_user(c);
        (void)engsched_candidates_name(c);
        (void)engsched_candidates_free_days(c);
        const engsched_work_list *work = engsched_candidates_work(c);
        size_t n = engsched_work_list_count(work);
        for (size_t k = 0; k < n; k++) {
            const char *label = NULL;
            engsched_work_list_item(work, k, NULL, NULL, &label, NULL, NULL, NULL);
            if (label == NULL)
                bench_die("candidates: work item without label");
        }
        rows += 1 + (long)n;
    }
    engsched_candidates_free(c);
    v->rows = rows;
    return 0;
}

typedef struct base_row {
    int64_t id;
    char name[128];
    unsigned missing, free_days, conflict_days;
} base_row;

static int base_cmp(const void *pa, const void *pb)
{
    const base_row *a = pa, *b = pb;
    if (a->missing != b->missing)
        return a->missing < b->missing ? -1 : 1;
    if (a->free_days != b->free_days)
        return a->free_days > b->free_days ? -1 : 1;
    if (a->conflict_days != b->conflict_days)
        return a->conflict_days < b->conflict_days ? -1 : 1;
    int s = strcmp(a->name, b->name);
    if (s != 0)
        return s;
    return (a->id > b->id) - (a->id < b->id);
}

static void mark(unsigned char *state, int32_t first, int32_t last, sqlite3_stmt *st,
                 unsigned char bit, long *items)
{
    while (sqlite3_step(st) == SQLITE_ROW) {
        int32_t s = (int32_t)sqlite3_column_int64(st, 0), e = (int32_t)sqlite3_column_int64(st, 1);
        (void)sqlite3_column_text(st, 2);
        for (int32_t d = s < first ? first : s; d <= (e > last ? last : e); d++)
            state[d - first] |= bit;
        (*items)++;
    }
    sqlite3_reset(st);
}

/* The facts by SQL, the rank in C. */
static int cand_base(void *ctx, long i)
{
    (void)i;
    cand_ctx *v = ctx;
    int32_t span = v->end - v->start + 1;
    static unsigned char working[MAX_SPAN], state[MAX_SPAN];
    /* working days: the settings the library reads, with its defaults */
    char week[16] = "12345";
    sqlite3_stmt *st = bench_raw_prepare(v->c->raw, "SELECT value FROM settings"
                                                    " WHERE key = 'working_week'");
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(week, sizeof week, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    for (int32_t d = 0; d < span; d++) {
        int w = ((v->start + d) % 7 + 7 + 3) % 7 + 1;
        working[d] = strchr(week, '0' + w) != NULL;
    }
    char required[64][65];
    size_t nreq = 0;
    sqlite3_bind_int64(v->required, 1, v->engagement);
    while (sqlite3_step(v->required) == SQLITE_ROW && nreq < 64)
        snprintf(required[nreq++], 65, "%s", (const char *)sqlite3_column_text(v->required, 0));
    sqlite3_reset(v->required);
    base_row *rows = NULL;
    size_t n = 0, cap = 0;
    long items = 0;
    sqlite3_bind_int64(v->operators, 1, v->client);
    while (sqlite3_step(v->operators) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            rows = realloc(rows, cap * sizeof *rows);
            if (rows == NULL)
                bench_die("out of memory");
        }
        base_row *r = &rows[n++];
        r->id = sqlite3_column_int64(v->operators, 0);
        snprintf(r->name, sizeof r->name, "%s", (const char *)sqlite3_column_text(v->operators, 1));
        memset(state, 0, (size_t)span);
        sqlite3_stmt *each[] = {v->work, v->away};
        for (int k = 0; k < 2; k++) {
            sqlite3_bind_int64(each[k], 1, r->id);
            sqlite3_bind_int64(each[k], 2, v->start);
            sqlite3_bind_int64(each[k], 3, v->end);
            if (k == 0)
                sqlite3_bind_int64(each[k], 4, v->engagement);
            mark(state, v->start, v->end, each[k], (unsigned char)(k + 1), &items);
        }
        r->free_days = r->conflict_days = 0;
        for (int32_t d = 0; d < span; d++) {
            r->free_days += working[d] && state[d] == 0;
            r->conflict_days += state[d] != 0;
        }
        unsigned matched = 0;
        sqlite3_bind_int64(v->skills, 1, r->id);
        while (sqlite3_step(v->skills) == SQLITE_ROW) {
            const char *tag = (const char *)sqlite3_column_text(v->skills, 0);
            for (size_t q = 0; q < nreq; q++)
                matched += strcmp(tag, required[q]) == 0;
        }
        sqlite3_reset(v->skills);
        r->missing = (unsigned)nreq - matched;
    }
    sqlite3_reset(v->operators);
    if (n > 1)
        qsort(rows, n, sizeof rows[0], base_cmp);
    v->base_first = n ? rows[0].id : 0;
    v->base_rows = (long)n + items;
    free(rows);
    return 0;
}

/* A Scheduled engagement of about a week, a month after today. */
static void pick(cand_ctx *v)
{
    sqlite3_stmt *st = bench_raw_prepare(
        v->c->raw, "SELECT id, client, start_day, end_day FROM engagements"
                   " WHERE status = 2 AND start_day >= ?1 AND end_day - start_day BETWEEN 4 AND 9"
                   " ORDER BY start_day, id LIMIT 1");
    sqlite3_bind_int64(st, 1, v->c->fx->today + 30);
    if (sqlite3_step(st) != SQLITE_ROW)
        bench_die("candidates: no scheduled engagement a month on");
    v->engagement = sqlite3_column_int64(st, 0);
    v->client = sqlite3_column_int64(st, 1);
    v->start = (int32_t)sqlite3_column_int64(st, 2);
    v->end = (int32_t)sqlite3_column_int64(st, 3);
    sqlite3_finalize(st);
}

static void give_skills(cand_ctx *v)
{
    engsched *db = v->c->db;
    const char *need[] = {"linux", "web.app"};
    if (engsched_required_skills_set(db, MANAGER, v->engagement, 0, need, 2) != ENGSCHED_OK)
        bench_die("candidates: required skills: %s", engsched_errmsg(db));
    for (int64_t u = BENCH_OPERATOR_FIRST; u <= BENCH_OPERATOR_LAST; u++) {
        const char *tags[3];
        size_t n = 0;
        if (u % 3 == 0)
            tags[n++] = "linux";
        if (u % 5 == 0)
            tags[n++] = "web.app";
        tags[n++] = "report";
        if (engsched_user_skills_set(db, MANAGER, u, tags, n) != ENGSCHED_OK)
            bench_die("candidates: user skills: %s", engsched_errmsg(db));
    }
}

void bench_measure_candidates(bench_ctx *c)
{
    cand_ctx v = {.c = c};
    pick(&v);
    if (v.end - v.start + 1 > MAX_SPAN)
        bench_die("candidates: engagement too long");
    give_skills(&v);
    sqlite3 *raw = c->raw;
    /* Who engsched_assign() accepts, as the manager of every client sees
     * them: report_view and report_edit (3072), and client access. */
    v.operators = bench_raw_prepare(
        raw, "SELECT u.id, u.display_name FROM users AS u JOIN roles AS r ON r.id = u.role"
             " WHERE (r.permissions & 3072) = 3072 AND ((u.flags & 1) = 1 OR EXISTS"
             " (SELECT 1 FROM client_access AS ca WHERE ca.user = u.id AND ca.client = ?1))");
    v.work = bench_raw_prepare(
        raw, "SELECT a.start_day, a.end_day, e.name, coalesce(i.response, 0)"
             " FROM assignments AS a JOIN engagements AS e ON e.id = a.engagement"
             " LEFT JOIN invitations AS i ON i.engagement = e.id AND i.user = a.user"
             " WHERE a.user = ?1 AND e.status IN (1, 2, 3, 4) AND a.engagement <> ?4"
             " AND a.start_day <= ?3 AND a.end_day >= ?2"
             " AND a.start_day >= ?2 - (SELECT max(end_day - start_day) FROM engagements)");
    v.away = bench_raw_prepare(raw, "SELECT start_day, end_day, reason FROM unavailability"
                                    " WHERE user = ?1 AND start_day <= ?3 AND end_day >= ?2");
    v.skills = bench_raw_prepare(raw, "SELECT tag FROM user_skills WHERE user_id = ?1");
    v.required = bench_raw_prepare(raw, "SELECT tag FROM engagement_skills"
                                        " WHERE engagement_id = ?1");
    bench_result *res = bench_result_add(c->report, "candidates.engagement",
                                         "Candidates, one engagement, 1,000 operators");
    res->target = TARGET_RATE_RATIO;
    res->target_rate = 50; /* 20 ms */
    res->target_text = "≤ 20 ms, ≤ 1.5× SQL";
    res->unit = "op/s";
    long min = c->cfg->budget < 0.5 ? 3 : 10;
    if (bench_run_pair(&res->lib, cand_lib, &v, &res->base, cand_base, &v, min, 100000,
                       c->cfg->budget) != 0)
        bench_die("candidates");
    if (v.rows != v.base_rows || v.first != v.base_first)
        bench_die("candidates: the library gave %ld rows (first %lld), the SQL %ld (first %lld)",
                  v.rows, (long long)v.first, v.base_rows, (long long)v.base_first);
    res->rows = (double)v.rows;
    sqlite3_stmt *all[] = {v.operators, v.work, v.away, v.skills, v.required};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
}
