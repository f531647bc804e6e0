/* The measured operations, through the public API only, each followed by
 * its baseline where the issue asks for one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LIST_USER BENCH_ACCOUNT_FIRST  /* Viewer with 100 of the 1,000 clients */
#define MANAGER BENCH_MANAGER_FIRST    /* Manager with every client */
#define WRITE_SAMPLE 2000              /* most operations of each write kind */
#define REQUEST_BATCH 1000             /* requests per batch */
#define REQUEST_BATCHES 200            /* most batches measured */

/* --- the handle --------------------------------------------------------- */

static int64_t clock_fn(void *ctx)
{
    return ((bench_ctx *)ctx)->fx->now;
}

static int mail_fn(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    (void)engagement, (void)user, (void)recipient, (void)message, (void)length;
    ((bench_ctx *)ctx)->mails++;
    return 0;
}

static void event_fn(void *ctx, const char *json)
{
    (void)json;
    ((bench_ctx *)ctx)->events++;
}

/* A host's handle: its clock, a mail callback that takes every invitation
 * (so writes build their mail, as they would in production) and an event
 * callback. */
engsched *bench_open_library(bench_ctx *c, const char *path)
{
    engsched_options o;
    engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION);
    o.flags = 0;
    o.clock = clock_fn;
    o.clock_ctx = c;
    o.on_mail = mail_fn;
    o.mail_ctx = c;
    o.on_event = event_fn;
    o.event_ctx = c;
    engsched *db = NULL;
    if (engsched_open(path, &o, &db) != ENGSCHED_OK)
        bench_die("cannot open %s: %s", path, engsched_open_errmsg());
    return db;
}

static int failed_on(engsched *db, const char *what)
{
    fprintf(stderr, "engsched-bench: %s: %s (%s)\n", what, engsched_errmsg(db),
            engsched_rc_describe(engsched_errcode(db)));
    return -1;
}

static int failed(bench_ctx *c, const char *what) { return failed_on(c->db, what); }

static int32_t parse_day(const char *date)
{
    return bench_day(atoi(date), atoi(date + 5), atoi(date + 8));
}

/* Read every row of a cursor as a view would; remembers the last row. */
static long drain(bench_ctx *c, engsched_cursor *cur, int32_t *last_start, int64_t *last_id)
{
    long rows = 0;
    int has = 0;
    for (;;) {
        if (engsched_cursor_next(cur, &has) != ENGSCHED_OK) {
            failed(c, "cursor");
            return -1;
        }
        if (!has)
            break;
        const char *name = engsched_cursor_name(cur);
        const char *start = engsched_cursor_start(cur);
        if (name == NULL || start == NULL || engsched_cursor_status(cur) == 0 ||
            engsched_cursor_end(cur) == NULL)
            bench_die("cursor row without fields");
        if (last_start != NULL)
            *last_start = parse_day(start);
        if (last_id != NULL)
            *last_id = engsched_cursor_id(cur);
        rows++;
    }
    return rows;
}

static long min_iter(const bench_ctx *c, long n)
{
    return c->cfg->budget < 0.5 ? (n < 3 ? n : 3) : n;
}

/* --- List ---------------------------------------------------------------- */

typedef struct list_ctx {
    bench_ctx *c;
    engsched_query *q;
    const char *token;
    bench_list_base *base;
    int32_t after_start;
    int64_t after_id;
    long rows;
    long base_rows;
} list_ctx;

static int list_lib(void *ctx, long i)
{
    (void)i;
    list_ctx *l = ctx;
    engsched_cursor *cur = NULL;
    if (engsched_list(l->c->db, LIST_USER, l->q, l->token, &cur) != ENGSCHED_OK)
        return failed(l->c, "engsched_list");
    l->rows = drain(l->c, cur, NULL, NULL);
    engsched_cursor_free(cur);
    return l->rows < 0 ? -1 : 0;
}

static int list_base(void *ctx, long i)
{
    (void)i;
    list_ctx *l = ctx;
    l->base_rows = bench_list_base_page(l->base, LIST_USER, l->after_start, l->after_id);
    return 0;
}

static engsched_query *new_query(bench_ctx *c, unsigned int statuses, unsigned int limit)
{
    engsched_query *q = NULL;
    if (engsched_query_new(c->db, &q) != ENGSCHED_OK ||
        engsched_query_set_statuses(q, statuses) != ENGSCHED_OK ||
        engsched_query_set_limit(q, limit) != ENGSCHED_OK)
        bench_die("query: %s", engsched_errmsg(c->db));
    return q;
}

/* The token of the page in the middle of the tab, reached by walking
 * pages (the token is opaque); also the last row before it, for the
 * baseline's keyset. NULL when the tab has under two pages. */
static char *middle_token(bench_ctx *c, unsigned int statuses, long count, int32_t *start,
                          int64_t *id)
{
    unsigned int limit = count >= 4000 ? ENGSCHED_PAGE_MAX : 50;
    long pages = (count / 2) / (long)limit;
    if (pages == 0)
        return NULL;
    engsched_query *q = new_query(c, statuses, limit);
    char *token = NULL;
    for (long p = 0; p < pages; p++) {
        engsched_cursor *cur = NULL;
        if (engsched_list(c->db, LIST_USER, q, token, &cur) != ENGSCHED_OK)
            bench_die("walking the list: %s", engsched_errmsg(c->db));
        if (drain(c, cur, start, id) < 0)
            bench_die("walking the list");
        const char *next = engsched_cursor_next_token(cur);
        free(token);
        token = next ? strdup(next) : NULL;
        engsched_cursor_free(cur);
        if (token == NULL)
            break;
    }
    engsched_query_free(q);
    return token;
}

static const struct {
    engsched_tab tab;
    const char *first_key, *first_label, *deep_key, *deep_label;
} tabs[] = {
    {ENGSCHED_TAB_ALL, "list.first.all", "List, first page: All", "list.deep.all",
     "List, deep page: All"},
    {ENGSCHED_TAB_PENDING, "list.first.pending", "List, first page: Pending",
     "list.deep.pending", "List, deep page: Pending"},
    {ENGSCHED_TAB_SCHEDULED, "list.first.scheduled", "List, first page: Scheduled",
     "list.deep.scheduled", "List, deep page: Scheduled"},
    {ENGSCHED_TAB_IN_PROGRESS, "list.first.in_progress", "List, first page: In progress",
     "list.deep.in_progress", "List, deep page: In progress"},
    {ENGSCHED_TAB_IN_REVIEW, "list.first.in_review", "List, first page: In review",
     "list.deep.in_review", "List, deep page: In review"},
    {ENGSCHED_TAB_COMPLETE, "list.first.complete", "List, first page: Complete",
     "list.deep.complete", "List, deep page: Complete"},
};

static void list_target(bench_result *res)
{
    res->target = TARGET_LIST;
    res->target_text = "p99 ≤ 1 ms, ≤ 1.5× SQL";
}

static void measure_list(bench_ctx *c)
{
    for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
        unsigned int statuses = engsched_tab_statuses(tabs[t].tab);
        list_ctx l = {c, new_query(c, statuses, 50), NULL,
                      bench_list_base_new(c->raw, statuses), 0, 0, 0, 0};
        long count = bench_list_base_count(c->raw, statuses, LIST_USER);

        bench_result *res = bench_result_add(c->report, tabs[t].first_key, tabs[t].first_label);
        list_target(res);
        if (bench_run(&res->lib, list_lib, &l, min_iter(c, 20), 100000, c->cfg->budget) != 0 ||
            bench_run(&res->base, list_base, &l, min_iter(c, 20), 100000, c->cfg->budget) != 0)
            bench_die("%s", res->key);
        if (l.rows != l.base_rows)
            bench_die("%s: the library gave %ld rows, the SQL %ld", res->key, l.rows,
                      l.base_rows);
        res->rows = (double)l.rows;

        char *token = middle_token(c, statuses, count, &l.after_start, &l.after_id);
        res = bench_result_add(c->report, tabs[t].deep_key, tabs[t].deep_label);
        list_target(res);
        if (token != NULL) {
            l.token = token;
            if (bench_run(&res->lib, list_lib, &l, min_iter(c, 20), 100000, c->cfg->budget) !=
                    0 ||
                bench_run(&res->base, list_base, &l, min_iter(c, 20), 100000,
                          c->cfg->budget) != 0)
                bench_die("%s", res->key);
            if (l.rows != l.base_rows)
                bench_die("%s: the library gave %ld rows, the SQL %ld", res->key, l.rows,
                          l.base_rows);
            res->rows = (double)l.rows;
            res->note = NULL;
        } else {
            res->target = TARGET_NONE;
            res->note = "the tab has under two pages at this scale";
        }
        bench_log(c->cfg, "%s: %ld rows in the tab", tabs[t].first_label + 18, count);
        free(token);
        engsched_query_free(l.q);
        bench_list_base_free(l.base);
    }
}

/* --- Calendar ------------------------------------------------------------ */

typedef struct view_ctx {
    bench_ctx *c;
    engsched_query *q;
    long rows;
    long base_rows;
} view_ctx;

static int calendar_lib(void *ctx, long i)
{
    (void)i;
    view_ctx *v = ctx;
    engsched_cursor *cur = NULL;
    if (engsched_calendar(v->c->db, MANAGER, v->q, &cur) != ENGSCHED_OK)
        return failed(v->c, "engsched_calendar");
    v->rows = drain(v->c, cur, NULL, NULL);
    engsched_cursor_free(cur);
    return v->rows < 0 ? -1 : 0;
}

static int calendar_base(void *ctx, long i)
{
    (void)i;
    view_ctx *v = ctx;
    v->base_rows = bench_calendar_base(v->c->raw, v->c->fx->month_first, v->c->fx->month_last);
    return 0;
}

static void measure_calendar(bench_ctx *c)
{
    char first[11], last[11];
    bench_date(c->fx->month_first, first);
    bench_date(c->fx->month_last, last);
    view_ctx v = {c, NULL, 0, 0};
    if (engsched_query_new(c->db, &v.q) != ENGSCHED_OK ||
        engsched_query_set_range(v.q, first, last) != ENGSCHED_OK)
        bench_die("calendar query: %s", engsched_errmsg(c->db));
    bench_result *res = bench_result_add(c->report, "calendar.month",
                                         "Calendar, one month, manager (all clients)");
    res->target = TARGET_P50_MS;
    res->target_ms = 5;
    res->target_text = "≤ 5 ms";
    if (bench_run(&res->lib, calendar_lib, &v, min_iter(c, 10), 100000, c->cfg->budget) != 0 ||
        bench_run(&res->base, calendar_base, &v, min_iter(c, 10), 100000, c->cfg->budget) != 0)
        bench_die("calendar");
    if (v.rows != v.base_rows)
        bench_die("calendar: the library gave %ld rows, the SQL %ld", v.rows, v.base_rows);
    res->rows = (double)v.rows;
    engsched_query_free(v.q);
}

/* --- Availability -------------------------------------------------------- */

static int availability_lib(void *ctx, long i)
{
    (void)i;
    view_ctx *v = ctx;
    bench_ctx *c = v->c;
    char first[11], last[11];
    bench_date(c->fx->month_first, first);
    bench_date(c->fx->month_last, last);
    engsched_availability *av = NULL;
    if (engsched_availability_open(c->db, MANAGER, first, last, &av) != ENGSCHED_OK)
        return failed(c, "engsched_availability_open");
    long rows = 0, operators = 0;
    int has = 0;
    double sum = 0;
    for (;;) {
        if (engsched_availability_next(av, &has) != ENGSCHED_OK) {
            engsched_availability_free(av);
            return failed(c, "engsched_availability_next");
        }
        if (!has)
            break;
        operators++;
        (void)engsched_availability_name(av);
        sum += engsched_availability_utilisation(av);
        const engsched_work_list *work = engsched_availability_work(av);
        size_t n = engsched_work_list_count(work);
        for (size_t k = 0; k < n; k++) {
            const char *label = NULL;
            engsched_work_list_item(work, k, NULL, NULL, &label, NULL, NULL, NULL);
            if (label == NULL)
                bench_die("work item without label");
        }
        rows += (long)n;
    }
    engsched_availability_free(av);
    if (operators != BENCH_OPERATORS)
        bench_die("availability listed %ld operators, not %d", operators, BENCH_OPERATORS);
    v->rows = rows;
    (void)sum;
    return 0;
}

static int availability_base(void *ctx, long i)
{
    (void)i;
    view_ctx *v = ctx;
    v->base_rows =
        bench_availability_base(v->c->raw, v->c->fx->month_first, v->c->fx->month_last);
    return 0;
}

static void measure_availability(bench_ctx *c)
{
    view_ctx v = {c, NULL, 0, 0};
    bench_result *res = bench_result_add(c->report, "availability.month",
                                         "Availability, one month, all 1,000 operators");
    res->target = TARGET_P50_MS;
    res->target_ms = 20;
    res->target_text = "≤ 20 ms";
    if (bench_run(&res->lib, availability_lib, &v, min_iter(c, 5), 100000, c->cfg->budget) !=
            0 ||
        bench_run(&res->base, availability_base, &v, min_iter(c, 5), 100000, c->cfg->budget) !=
            0)
        bench_die("availability");
    if (v.rows != v.base_rows)
        bench_die("availability: the library gave %ld items, the SQL %ld", v.rows,
                  v.base_rows);
    res->rows = (double)v.rows;
}

/* --- Invitations --------------------------------------------------------- */

typedef struct pair {
    int64_t engagement;
    int64_t user;
} pair;

typedef struct invite_ctx {
    bench_ctx *c;
    pair *pairs;
    long count;
    bench_ics_base *base;
    long bytes;
} invite_ctx;

static int invite_lib(void *ctx, long i)
{
    invite_ctx *v = ctx;
    const pair *p = &v->pairs[i % v->count];
    char *message = NULL;
    if (engsched_invitation_mail(v->c->db, MANAGER, p->engagement, p->user, &message) !=
        ENGSCHED_OK)
        return failed(v->c, "engsched_invitation_mail");
    v->bytes += (long)strlen(message);
    engsched_free(message);
    return 0;
}

static int invite_base(void *ctx, long i)
{
    invite_ctx *v = ctx;
    const pair *p = &v->pairs[i % v->count];
    return bench_ics_base_one(v->base, p->engagement, p->user, 1);
}

static int invite_libical(void *ctx, long i)
{
    invite_ctx *v = ctx;
    const pair *p = &v->pairs[i % v->count];
    return bench_ics_base_one(v->base, p->engagement, p->user, 0);
}

static void measure_invitations(bench_ctx *c)
{
    invite_ctx v = {c, calloc(WRITE_SAMPLE, sizeof(pair)), 0, NULL, 0};
    if (v.pairs == NULL)
        bench_die("out of memory");
    sqlite3_stmt *st = bench_raw_prepare(
        c->raw, "SELECT engagement, user FROM assignments WHERE engagement >= ?1"
                " ORDER BY engagement, user LIMIT 1 OFFSET ?2");
    for (long k = 0; k < WRITE_SAMPLE; k++) {
        sqlite3_bind_int64(st, 1, 1 + bench_below(&c->rng, (uint32_t)c->cfg->scale));
        sqlite3_bind_int64(st, 2, bench_below(&c->rng, 2));
        if (sqlite3_step(st) == SQLITE_ROW)
            v.pairs[v.count++] = (pair){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    v.base = bench_ics_base_new(c->raw, c->fx->now);
    bench_result *res = bench_result_add(c->report, "invitation.mail",
                                         "Invitation, ICS + iMIP mail, per operator");
    res->target = TARGET_RATE_RATIO;
    res->target_rate = 20000;
    res->target_text = "≥ 20,000/s, ≤ 1.5× SQL + libical";
    if (bench_run(&res->lib, invite_lib, &v, min_iter(c, 50), 1000000, c->cfg->budget) != 0 ||
        bench_run(&res->base, invite_base, &v, min_iter(c, 50), 1000000, c->cfg->budget) != 0)
        bench_die("invitations");
    res->rows = 1;
    /* The same VEVENT from rows already read: libical alone. */
    bench_series alone;
    if (bench_run(&alone, invite_libical, &v, min_iter(c, 50), 1000000, c->cfg->budget) != 0)
        bench_die("invitations");
    static char note[256];
    snprintf(note, sizeof note,
             "messages average %ld bytes; bare libical alone (rows already read) p50 %.3f ms, "
             "%.0f/s",
             (long)(v.bytes / (long)res->lib.n), bench_pct(&alone, 50), bench_rate(&alone));
    res->note = note;
    bench_series_free(&alone);
    bench_ics_base_free(v.base);
    free(v.pairs);
}

void bench_measure_reads(bench_ctx *c)
{
    if (bench_wanted(c->cfg, "list")) {
        bench_log(c->cfg, "measuring List");
        measure_list(c);
    }
    if (bench_wanted(c->cfg, "calendar")) {
        bench_log(c->cfg, "measuring Calendar");
        measure_calendar(c);
    }
    if (bench_wanted(c->cfg, "availability")) {
        bench_log(c->cfg, "measuring Availability");
        measure_availability(c);
    }
    if (bench_wanted(c->cfg, "invitations")) {
        bench_log(c->cfg, "measuring invitations");
        measure_invitations(c);
    }
}

/* --- writes -------------------------------------------------------------- */

typedef struct sample {
    int64_t id[WRITE_SAMPLE];
    int64_t version[WRITE_SAMPLE];
    long count;
} sample;

/* A seeded reservoir sample of (id, version) rows of a query. */
static void sample_rows(bench_ctx *c, const char *sql, sample *out)
{
    sqlite3_stmt *st = bench_raw_prepare(c->raw, sql);
    long seen = 0;
    out->count = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long slot = seen < WRITE_SAMPLE ? seen : (long)(bench_rand(&c->rng) % (uint64_t)(seen + 1));
        seen++;
        if (slot < WRITE_SAMPLE) {
            out->id[slot] = sqlite3_column_int64(st, 0);
            out->version[slot] = sqlite3_column_int64(st, 1);
            if (out->count < WRITE_SAMPLE)
                out->count++;
        }
    }
    sqlite3_finalize(st);
}

typedef struct write_ctx {
    bench_ctx *c;
    sample *s;
    engsched *db; /* the handle measured: with the outbox, or without */
    long first;   /* the half of the sample it works on */
} write_ctx;

static engsched_input *new_input_on(engsched *db)
{
    engsched_input *in = NULL;
    if (engsched_input_new(db, &in) != ENGSCHED_OK)
        bench_die("input: %s", engsched_errmsg(db));
    return in;
}

static engsched_input *new_input(bench_ctx *c) { return new_input_on(c->db); }

static int request_one(void *ctx, long i)
{
    write_ctx *w = ctx;
    bench_ctx *c = w->c;
    int64_t client = 1 + bench_below(&c->rng, BENCH_CLIENTS);
    int64_t actor = BENCH_CLIENT_USER_FIRST + client - 1; /* the client's own user */
    char name[96], start[11], end[11];
    int32_t first = c->fx->today + 14 + (int32_t)bench_below(&c->rng, 60);
    snprintf(name, sizeof name, "Requested web application test %ld", i);
    bench_date(first, start);
    bench_date(first + 4, end);
    engsched_input *in = new_input(c);
    engsched_id id = 0;
    int ok = engsched_input_set_name(in, name) == ENGSCHED_OK &&
             engsched_input_set_client(in, client) == ENGSCHED_OK &&
             engsched_input_set_dates(in, start, end) == ENGSCHED_OK &&
             engsched_input_set_description(
                 in, "Please test the customer portal before the spring release.") ==
                 ENGSCHED_OK &&
             engsched_input_set_type(in, "Web application") == ENGSCHED_OK &&
             engsched_input_set_location(in, "Remote") == ENGSCHED_OK &&
             engsched_request(c->db, actor, in, &id) == ENGSCHED_OK;
    engsched_input_free(in);
    return ok ? 0 : failed(c, "engsched_request");
}

/* One batch of requests: one transaction, each request in its savepoint,
 * events delivered at the commit. */
static int request_batch(void *ctx, long i)
{
    bench_ctx *c = ((write_ctx *)ctx)->c;
    if (engsched_batch_begin(c->db) != ENGSCHED_OK)
        return failed(c, "engsched_batch_begin");
    for (long j = 0; j < REQUEST_BATCH; j++) {
        if (request_one(ctx, i * REQUEST_BATCH + j) != 0) {
            engsched_batch_rollback(c->db);
            return -1;
        }
    }
    if (engsched_batch_commit(c->db) != ENGSCHED_OK)
        return failed(c, "engsched_batch_commit");
    return 0;
}

static void measure_batched_requests(bench_ctx *c, sample *s)
{
    bench_result *res = bench_result_add(c->report, "request.batched",
                                         "Request, batched in one transaction");
    write_ctx w = {c, s, c->db, 0};
    res->target = TARGET_RATE;
    res->target_rate = 50000;
    res->target_text = "≥ 50,000/s";
    if (bench_run(&res->lib, request_batch, &w, min_iter(c, 3), REQUEST_BATCHES,
                  c->cfg->budget) != 0)
        bench_die("request.batched");
    res->lib.items = (double)res->lib.n * REQUEST_BATCH;
    res->rows = REQUEST_BATCH;
    res->unit = "req/s";
    res->note = "batches of 1,000 requests (engsched_batch_begin … engsched_batch_commit): "
                "n counts batches, items/op requests per batch, throughput requests per "
                "second; p50/p99 are the latency of one whole batch";
}

static int approve_one(void *ctx, long i)
{
    write_ctx *w = ctx;
    bench_ctx *c = w->c;
    const uint32_t pool = BENCH_OPERATOR_LAST - BENCH_OPERATOR_FIRST + 1;
    int64_t lead = BENCH_OPERATOR_FIRST + bench_below(&c->rng, pool);
    int64_t tester = BENCH_OPERATOR_FIRST + (lead - BENCH_OPERATOR_FIRST + 1 +
                                             bench_below(&c->rng, pool - 1)) % pool;
    engsched_input *in = new_input_on(w->db);
    int ok = engsched_input_add_operator(in, lead, ENGSCHED_OPROLE_LEAD) == ENGSCHED_OK &&
             engsched_input_add_operator(in, tester, ENGSCHED_OPROLE_TESTER) == ENGSCHED_OK &&
             engsched_input_set_report_title(in, "Penetration test report") == ENGSCHED_OK &&
             engsched_approve(w->db, MANAGER, w->s->id[w->first + i], 0, in) == ENGSCHED_OK;
    engsched_input_free(in);
    return ok ? 0 : failed_on(w->db, "engsched_approve");
}

static int edit_one(void *ctx, long i)
{
    write_ctx *w = ctx;
    char name[96];
    i += w->first;
    snprintf(name, sizeof name, "Web application test, phase 2 (%lld)",
             (long long)w->s->id[i]);
    engsched_input *in = new_input_on(w->db);
    int ok = engsched_input_set_name(in, name) == ENGSCHED_OK &&
             engsched_input_set_description(in, "Scope extended to the partner API.") ==
                 ENGSCHED_OK &&
             engsched_edit(w->db, MANAGER, w->s->id[i], w->s->version[i], in) == ENGSCHED_OK;
    engsched_input_free(in);
    return ok ? 0 : failed_on(w->db, "engsched_edit");
}

static int report_one(void *ctx, long i)
{
    write_ctx *w = ctx;
    if (engsched_report_set_status(w->c->db, MANAGER, w->s->id[i], 0,
                                   ENGSCHED_REPORT_READY_FOR_REVIEW) != ENGSCHED_OK)
        return failed(w->c, "engsched_report_set_status");
    return 0;
}

static void measure_write_on(bench_ctx *c, engsched *db, long first, const char *key,
                             const char *label, bench_fn fn, sample *s, long available,
                             const char *note)
{
    bench_result *res = bench_result_add(c->report, key, label);
    write_ctx w = {c, s, db, first};
    long mails = c->mails;
    if (available == 0) {
        res->note = "nothing to run it on at this scale";
        return;
    }
    if (bench_run(&res->lib, fn, &w, min_iter(c, available < 20 ? available : 20), available,
                  c->cfg->budget) != 0)
        bench_die("%s", key);
    res->rows = (double)(c->mails - mails) / (double)res->lib.n;
    res->unit = "op/s";
    res->note = note;
}

static void measure_write(bench_ctx *c, const char *key, const char *label, bench_fn fn,
                          sample *s, long available, const char *note)
{
    measure_write_on(c, c->db, 0, key, label, fn, s, available, note);
}

/* The same write through the outbox and through the path without one (a
 * backend table without the outbox callbacks: what 0.1 did), each on
 * one half of the same random sample, so the two rows compare. */
static void measure_write_both(bench_ctx *c, engsched *without, const char *key,
                               const char *key_without, const char *label,
                               const char *label_without, bench_fn fn, sample *s,
                               const char *note)
{
    long half = s->count / 2;
    bench_result *with = bench_result_add(c->report, key, label);
    bench_result *bare = bench_result_add(c->report, key_without, label_without);
    if (half == 0) {
        with->note = bare->note = "nothing to run it on at this scale";
        return;
    }
    write_ctx wa = {c, s, c->db, 0}, wb = {c, s, without, half};
    long mails = c->mails;
    if (bench_run_pair(&with->lib, fn, &wa, &bare->lib, fn, &wb,
                       min_iter(c, half < 20 ? half : 20), half, 2 * c->cfg->budget) != 0)
        bench_die("%s", key);
    with->rows = bare->rows = (double)(c->mails - mails) / (double)(2 * with->lib.n);
    with->unit = bare->unit = "op/s";
    with->note = note;
    bare->note = "the same, alternating call by call with the row above, on a backend table "
                 "without the outbox callbacks: delivered from memory after commit, as 0.1 did";
}

void bench_measure_writes(bench_ctx *c)
{
    engsched *without = bench_open_without_outbox(c, c->cfg->db_path);
    sample *s = calloc(1, sizeof *s);
    if (s == NULL)
        bench_die("out of memory");
    bench_log(c->cfg, "measuring writes");
    measure_write(c, "request.single", "Request, one transaction each", request_one, s,
                  WRITE_SAMPLE, NULL);
    measure_batched_requests(c, s);

    sample_rows(c, "SELECT id, version FROM engagements WHERE status = 1", s);
    measure_write_both(c, without, "approve.two_operators", "approve.two_operators.no_outbox",
                       "Approve with two operators (mails sent)",
                       "Approve with two operators, without the outbox", approve_one, s,
                       "items/op = invitation mails built and handed to the mail callback");

    sample_rows(c, "SELECT id, version FROM engagements WHERE status = 2", s);
    measure_write_both(c, without, "edit", "edit.no_outbox",
                       "Edit name and description (re-sends invitations)",
                       "Edit name and description, without the outbox", edit_one, s,
                       "items/op = invitation mails re-sent after commit");
    engsched_close(without);

    sample_rows(c, "SELECT e.id, e.version FROM engagements AS e JOIN reports AS r"
                   " ON r.engagement = e.id WHERE e.status = 3 AND r.status = 1",
                s);
    measure_write(c, "report_status", "Report status change (Draft → Ready for Review)",
                  report_one, s, s->count, NULL);
    free(s);
}

/* --- the tick, on copies of the store ------------------------------------ */

void bench_measure_tick(bench_ctx *c, const char *lib_copy, const char *sql_copy)
{
    sqlite3 *raw = bench_raw_open(lib_copy);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT start_day FROM engagements WHERE status = 2 ORDER BY start_day"
             " LIMIT 1 OFFSET %ld",
             c->fx->tick_target > 0 ? c->fx->tick_target - 1 : 0);
    int32_t day = (int32_t)bench_raw_int(raw, sql);
    if (day == 0)
        day = (int32_t)bench_raw_int(raw, "SELECT max(start_day) FROM engagements"
                                          " WHERE status = 2");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM engagements WHERE status = 2 AND start_day <= %d", (int)day);
    long due = (long)bench_raw_int(raw, sql);
    sqlite3_close(raw);
    int64_t now = (int64_t)day * 86400 + 13 * 3600;

    static char label[96];
    snprintf(label, sizeof label, "Tick, %ld engagements due", due);
    bench_result *res = bench_result_add(c->report, "tick", label);
    res->target = TARGET_ONCE_MS;
    res->target_ms = 1000;
    res->target_text = "≤ 1 s (100,000 due)";
    res->unit = "eng/s";
    bench_log(c->cfg, "measuring the tick: %ld due", due);

    engsched *db = bench_open_library(c, lib_copy);
    unsigned int moved = 0;
    double t0 = bench_now_s();
    if (engsched_tick(db, now, &moved) != ENGSCHED_OK)
        bench_die("engsched_tick: %s", engsched_errmsg(db));
    double t1 = bench_now_s();
    engsched_close(db);
    if ((long)moved != due)
        bench_die("the tick moved %u engagements, %ld were due", moved, due);
    res->lib.ms = malloc(sizeof(double));
    if (res->lib.ms == NULL)
        bench_die("out of memory");
    res->lib.ms[0] = (t1 - t0) * 1e3;
    res->lib.n = res->lib.cap = 1;
    res->lib.wall_s = t1 - t0;
    res->lib.items = moved;
    res->lib.valid = 1;
    res->rows = moved;

    raw = bench_raw_open(sql_copy);
    t0 = bench_now_s();
    long base_moved = bench_tick_base(raw, day, now);
    t1 = bench_now_s();
    sqlite3_close(raw);
    if (base_moved != due)
        bench_die("the SQL tick moved %ld engagements, %ld were due", base_moved, due);
    res->base.ms = malloc(sizeof(double));
    if (res->base.ms == NULL)
        bench_die("out of memory");
    res->base.ms[0] = (t1 - t0) * 1e3;
    res->base.n = res->base.cap = 1;
    res->base.wall_s = t1 - t0;
    res->base.items = (double)base_moved;
    res->base.valid = 1;
}
