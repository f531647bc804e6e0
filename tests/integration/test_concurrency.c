/* Concurrency, black-box: many writers on one SQLite file.
 *
 * 8 processes × 1,000 random operations (and then 6 threads × 500, one
 * handle each) share one store, each handle opened with the default busy
 * timeout (5,000 ms). The operations are request, approve, edit, report
 * status, assign, unassign, attach, cancel, tick and reads. Versions are
 * passed the way a host passes them: mostly the one last seen, which
 * another writer may have made stale in the meantime, sometimes a freshly
 * read one, sometimes one known to be stale. Checked afterwards:
 *
 * - no call returned ENGSCHED_EBUSY, nor any code outside the documented
 *   outcomes of its kind (OK, ECONFLICT, ESTATE, EEXISTS, ENOTFOUND, ETOOBIG
 *   as each applies);
 * - no lost update: every call with a version known to be stale got
 *   ECONFLICT; per engagement, no two successful version-checked changes
 *   started from the same version, and their number plus the tick's moves
 *   is exactly how far the version rose;
 * - the event log agrees with what the writers were told: per action, as
 *   many events as successful calls (and nothing else);
 * - the final state agrees with the event log: the shared invariant
 *   checker (tests/support/invariants.h) holds — each engagement's status
 *   is the status after its last event and its version counts its writes,
 *   among others —, its operators are those whose last operator event is
 *   an assignment, its files as many as were attached.
 *
 * ENGSCHED_CONCURRENCY_SEED=<n> replays the operation choices (the seed is
 * printed; the interleaving is up to the scheduler). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "invariants.h"

#define PROCESSES 8
#define PROCESS_OPS 1000
#define THREADS 6
#define THREAD_OPS 500
#define MAX_WORKERS 8

/* The contended engagements every writer works on. */
#define HOT 24
#define OPERATORS 4
/* The clock runs a day every 0.1 s, so the tick has work. */
#define US_PER_DAY INT64_C(100000)

/* --- a seeded PRNG (splitmix64) ------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rng_next(s) % n);
}

static int64_t monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- operations and their records ----------------------------------------- */

enum op_kind {
    OP_REQUEST = 1,
    OP_APPROVE,
    OP_EDIT,
    OP_REPORT,
    OP_ASSIGN,
    OP_UNASSIGN,
    OP_ATTACH,
    OP_CANCEL,
    OP_TICK,
    OP_READ,
    OP_KINDS
};

static const char *const op_names[] = {
    [OP_REQUEST] = "request",   [OP_APPROVE] = "approve", [OP_EDIT] = "edit",
    [OP_REPORT] = "report",     [OP_ASSIGN] = "assign",   [OP_UNASSIGN] = "unassign",
    [OP_ATTACH] = "attach",     [OP_CANCEL] = "cancel",   [OP_TICK] = "tick",
    [OP_READ] = "read",
};

/* Whether a successful call of the kind raises the engagement's version. */
static int raises_version(int kind)
{
    return kind == OP_APPROVE || kind == OP_EDIT || kind == OP_REPORT || kind == OP_CANCEL;
}

/* The documented outcomes of a kind under concurrent writers. */
static int expected_rc(int kind, engsched_rc rc)
{
    switch (kind) {
    case OP_REQUEST:
    case OP_TICK:
        return rc == ENGSCHED_OK;
    case OP_APPROVE: /* EEXISTS: the operator was assigned while pending */
    case OP_ASSIGN:
        return rc == ENGSCHED_OK || rc == ENGSCHED_ECONFLICT || rc == ENGSCHED_ESTATE ||
               rc == ENGSCHED_EEXISTS;
    case OP_EDIT:
    case OP_REPORT:
    case OP_CANCEL:
        return rc == ENGSCHED_OK || rc == ENGSCHED_ECONFLICT || rc == ENGSCHED_ESTATE;
    case OP_UNASSIGN: /* ENOTFOUND: not assigned (any more) */
        return rc == ENGSCHED_OK || rc == ENGSCHED_ECONFLICT || rc == ENGSCHED_ESTATE ||
               rc == ENGSCHED_ENOTFOUND;
    case OP_ATTACH:
        return rc == ENGSCHED_OK || rc == ENGSCHED_ESTATE || rc == ENGSCHED_ETOOBIG;
    case OP_READ:
        return rc == ENGSCHED_OK;
    default:
        return 0;
    }
}

typedef struct op_record {
    int32_t kind;
    int32_t rc;
    int64_t engagement;
    int64_t version; /* the version passed (0: none) */
    int32_t stale;   /* the version was known to be stale */
    int32_t operators; /* approve: operators added */
    int64_t moved;   /* tick: engagements moved */
} op_record;

typedef struct world {
    char path[512];
    engsched_id client[FX_CLIENTS];
    engsched_id manager;
    engsched_id op[OPERATORS];
    engsched_id hot[HOT];
    int64_t start_us;     /* the clock's origin */
    int64_t baseline_seq; /* the log before the writers started */
    int64_t baseline_version[HOT + 1];
    uint64_t seed;
    sqlite3 *raw; /* the checking connection (closed by teardown) */
} world;

typedef struct worker {
    world *w;
    int index;
    int nops;
    uint64_t rng;
    engsched *db;
    op_record *ops;
    int64_t version[HOT + 1]; /* last seen, per hot engagement; 0 unknown */
    engsched_report_status report[HOT + 1];
    engsched_id max_seen;     /* engagements 1..max_seen exist */
    char first_error[600];
    int failed;               /* could not even open or allocate */
} worker;

static int64_t fast_clock(void *ctx)
{
    const world *w = ctx;
    return FX_T0 + (monotonic_us() - w->start_us) * 86400 / US_PER_DAY;
}

static void format_day(int64_t day, char out[11])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void random_dates(worker *k, char start[11], char end[11])
{
    int64_t today = fast_clock(k->w) / 86400;
    int64_t first = today - 3 + (int64_t)rng_below(&k->rng, 30);
    format_day(first, start);
    format_day(first + (int64_t)rng_below(&k->rng, 10), end);
}

/* Index of a hot engagement in the caches, or 0. */
static int hot_index(const worker *k, engsched_id id)
{
    for (int i = 0; i < HOT; i++)
        if (k->w->hot[i] == id)
            return i + 1;
    return 0;
}

static engsched_rc refresh(worker *k, engsched_id id)
{
    engsched_engagement *e = NULL;
    engsched_rc rc = engsched_engagement_get(k->db, k->w->manager, id, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    int h = hot_index(k, id);
    if (h) {
        k->version[h] = engsched_engagement_version(e);
        k->report[h] = engsched_engagement_report_status(e);
    }
    engsched_engagement_free(e);
    return ENGSCHED_OK;
}

static void note_error(worker *k, const op_record *r)
{
    if (k->first_error[0] == '\0')
        snprintf(k->first_error, sizeof k->first_error, "%s on %lld: %s: %s",
                 op_names[r->kind], (long long)r->engagement, engsched_rc_name(r->rc),
                 engsched_errmsg(k->db));
}

/* One random operation; returns its record. */
static op_record one_op(worker *k)
{
    op_record r = {0};
    uint32_t pick = rng_below(&k->rng, 1000);
    engsched_rc rc;
    if (pick < 60) { /* request */
        char name[64], start[11], end[11];
        snprintf(name, sizeof name, "Writer %d engagement %u", k->index,
                 rng_below(&k->rng, 1000000));
        random_dates(k, start, end);
        engsched_input *in = NULL;
        engsched_id id = 0;
        r.kind = OP_REQUEST;
        rc = engsched_input_new(k->db, &in);
        if (rc == ENGSCHED_OK)
            rc = engsched_input_set_name(in, name);
        if (rc == ENGSCHED_OK)
            rc = engsched_input_set_client(in, k->w->client[rng_below(&k->rng, FX_CLIENTS)]);
        if (rc == ENGSCHED_OK)
            rc = engsched_input_set_dates(in, start, end);
        if (rc == ENGSCHED_OK)
            rc = engsched_request(k->db, k->w->manager, in, &id);
        engsched_input_free(in);
        r.rc = rc;
        r.engagement = id;
        if (id > k->max_seen)
            k->max_seen = id;
        return r;
    }
    if (pick < 100) { /* the hourly job, from any writer */
        unsigned int moved = 0;
        r.kind = OP_TICK;
        r.rc = engsched_tick(k->db, fast_clock(k->w), &moved);
        r.moved = moved;
        return r;
    }
    /* Mostly the contended set; sometimes any engagement there is. */
    engsched_id id = rng_below(&k->rng, 10) < 8
                         ? k->w->hot[rng_below(&k->rng, HOT)]
                         : 1 + (engsched_id)rng_below(&k->rng, (uint32_t)k->max_seen);
    int h = hot_index(k, id);
    r.engagement = id;
    if (pick < 200) { /* a read, which also refreshes what this writer saw */
        r.kind = OP_READ;
        r.rc = refresh(k, id);
        if (r.rc == ENGSCHED_OK && rng_below(&k->rng, 4) == 0) {
            engsched_query *q = NULL;
            engsched_cursor *cur = NULL;
            r.rc = engsched_query_new(k->db, &q);
            if (r.rc == ENGSCHED_OK)
                r.rc = engsched_list(k->db, k->w->manager, q, NULL, &cur);
            for (int has = 1, n = 0; r.rc == ENGSCHED_OK && has && n < 20; n++)
                r.rc = engsched_cursor_next(cur, &has);
            engsched_cursor_free(cur);
            engsched_query_free(q);
        }
        return r;
    }
    /* The version: the last one seen (maybe stale by now), a fresh one,
     * or one known to be stale. */
    int64_t version = h ? k->version[h] : 0;
    uint32_t how = rng_below(&k->rng, 10);
    if (version == 0 || how < 3) {
        rc = refresh(k, id);
        if (rc != ENGSCHED_OK) {
            r.kind = OP_READ;
            r.rc = rc;
            return r;
        }
        version = h ? k->version[h] : 0;
    }
    if (!h) { /* not cached: read it now */
        engsched_engagement *e = NULL;
        rc = engsched_engagement_get(k->db, k->w->manager, id, &e);
        if (rc != ENGSCHED_OK) {
            r.kind = OP_READ;
            r.rc = rc;
            return r;
        }
        version = engsched_engagement_version(e);
        engsched_engagement_free(e);
    }
    if (how == 9 && version > 1) {
        version -= 1 + (int64_t)rng_below(&k->rng, (uint32_t)(version - 1));
        r.stale = 1;
    }
    r.version = version;
    engsched_report_status rs = h ? k->report[h] : ENGSCHED_REPORT_DRAFT;
    engsched_report_status rs_after = rs; /* what a success leaves */
    engsched_id user = k->w->op[rng_below(&k->rng, OPERATORS)];

    if (pick < 560) {
        char name[64];
        snprintf(name, sizeof name, "Edited by %d #%u", k->index, rng_below(&k->rng, 1000000));
        engsched_input *in = NULL;
        r.kind = OP_EDIT;
        rc = engsched_input_new(k->db, &in);
        if (rc == ENGSCHED_OK)
            rc = engsched_input_set_name(in, name);
        if (rc == ENGSCHED_OK && rng_below(&k->rng, 4) == 0) {
            char start[11], end[11];
            random_dates(k, start, end);
            rc = engsched_input_set_dates(in, start, end);
        }
        if (rc == ENGSCHED_OK)
            rc = engsched_edit(k->db, k->w->manager, id, version, in);
        engsched_input_free(in);
    } else if (pick < 720) {
        engsched_report_status to = rs >= ENGSCHED_REPORT_PUBLISHED || rng_below(&k->rng, 8) == 0
                                        ? ENGSCHED_REPORT_DRAFT
                                        : rs + 1;
        r.kind = OP_REPORT;
        rs_after = to;
        rc = engsched_report_set_status(k->db, k->w->manager, id, version, to);
    } else if (pick < 790) {
        engsched_input *in = NULL;
        r.kind = OP_APPROVE;
        rs_after = ENGSCHED_REPORT_DRAFT;
        rc = engsched_input_new(k->db, &in);
        if (rc == ENGSCHED_OK && rng_below(&k->rng, 2)) {
            rc = engsched_input_add_operator(in, user, ENGSCHED_OPROLE_LEAD);
            r.operators = 1;
        }
        if (rc == ENGSCHED_OK)
            rc = engsched_approve(k->db, k->w->manager, id, version, in);
        engsched_input_free(in);
    } else if (pick < 870) {
        r.kind = OP_ASSIGN;
        if (rng_below(&k->rng, 2)) /* half of them without a version check */
            r.version = 0, r.stale = 0;
        rc = engsched_assign(k->db, k->w->manager, id, r.version, user, ENGSCHED_OPROLE_TESTER,
                             NULL);
    } else if (pick < 920) {
        r.kind = OP_UNASSIGN;
        if (rng_below(&k->rng, 2))
            r.version = 0, r.stale = 0;
        rc = engsched_unassign(k->db, k->w->manager, id, r.version, user);
    } else if (pick < 997) {
        unsigned char data[1024];
        size_t size = rng_below(&k->rng, sizeof data);
        for (size_t i = 0; i < size; i++)
            data[i] = (unsigned char)rng_next(&k->rng);
        r.kind = OP_ATTACH;
        r.version = 0;
        r.stale = 0;
        rc = engsched_file_attach(k->db, k->w->manager, id, "notes.bin", NULL, data, size,
                                  NULL);
    } else {
        r.kind = OP_CANCEL;
        rc = engsched_cancel(k->db, k->w->manager, id, version, "Called off");
    }
    r.rc = rc;
    if (h && rc == ENGSCHED_OK && raises_version(r.kind)) {
        k->version[h] = version + 1;
        k->report[h] = rs_after;
    } else if (h && rc != ENGSCHED_OK) {
        k->version[h] = 0; /* read again next time */
    }
    return r;
}

static void run_worker(worker *k)
{
    engsched_options opts; /* the default busy timeout */
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0;
    opts.clock = fast_clock;
    opts.clock_ctx = k->w;
    engsched_rc rc = engsched_open(k->w->path, &opts, &k->db);
    if (rc != ENGSCHED_OK) {
        snprintf(k->first_error, sizeof k->first_error, "open: %s: %s", engsched_rc_name(rc),
                 engsched_open_errmsg());
        k->failed = 1;
        return;
    }
    k->max_seen = k->w->hot[HOT - 1];
    for (int i = 0; i < k->nops; i++) {
        op_record r = one_op(k);
        if (!expected_rc(r.kind, (engsched_rc)r.rc) ||
            (r.stale && r.rc != ENGSCHED_ECONFLICT))
            note_error(k, &r);
        k->ops[i] = r;
    }
    engsched_close(k->db);
    k->db = NULL;
}

/* --- setup ------------------------------------------------------------------ */

static void seed_store(world *w)
{
    fx f;
    memset(&f, 0, sizeof f);
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.clock = fast_clock;
    opts.clock_ctx = w;
    w->start_us = monotonic_us();
    engsched_rc rc = engsched_open(w->path, &opts, &f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s", w->path, engsched_open_errmsg());
    static const char *const names[FX_CLIENTS] = {"Acme Corp", "Globex", "Initech"};
    for (int i = 0; i < FX_CLIENTS; i++) {
        char key[32];
        snprintf(key, sizeof key, "client-%d", i);
        fx_ok(&f, engsched_client_upsert(f.db, ENGSCHED_SYSTEM, key, names[i], &w->client[i]));
    }
    /* Invitations can be built: one event per change, as the checks count. */
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email",
                                   "scheduling@example.com"));
    w->manager = fx_user(&f, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS);
    for (int i = 0; i < OPERATORS; i++) {
        char key[32];
        snprintf(key, sizeof key, "operator%d", i + 1);
        w->op[i] = fx_user(&f, key, ENGSCHED_ROLE_OPERATOR, ENGSCHED_USER_ALL_CLIENTS);
    }
    /* Half pending, half approved; starts over the next weeks. */
    for (int i = 0; i < HOT; i++) {
        char name[32], start[11], end[11];
        snprintf(name, sizeof name, "Hot %d", i);
        int64_t day = FX_T0 / 86400 + 1 + i % 12;
        format_day(day, start);
        format_day(day + 4, end);
        w->hot[i] = fx_request(&f, w->manager, w->client[i % FX_CLIENTS], name, start, end);
        if (i % 2)
            fx_ok(&f, engsched_approve(f.db, w->manager, w->hot[i], 0, NULL));
        w->baseline_version[i + 1] = fx_version(&f, w->hot[i]);
    }
    fx_ok(&f, engsched_events_last_seq(f.db, &w->baseline_seq));
    fx_ok(&f, engsched_close(f.db));
}

/* --- checks ----------------------------------------------------------------- */

static int64_t sql_int(sqlite3 *raw, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int64_t v = -1;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else if (src != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    sqlite3_finalize(st);
    return v;
}

/* Events of one action (or a LIKE pattern) since the writers started. */
static int64_t events_of(sqlite3 *raw, const world *w, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE seq > ? AND (%s)", where);
    return sql_int(raw, sql, w->baseline_seq, 0);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void verify(world *w, worker *workers, int nworkers, const char *label,
                   double seconds)
{
    unsigned long long count[OP_KINDS][ENGSCHED_EMISUSE + 2];
    memset(count, 0, sizeof count);
    unsigned long long ok[OP_KINDS] = {0}, total = 0, stale = 0, moved = 0, approve_ops = 0;
    int bad = 0;
    for (int i = 0; i < nworkers; i++) {
        worker *k = &workers[i];
        if (k->first_error[0] != '\0') {
            fprintf(stderr, "%s writer %d: %s\n", label, i, k->first_error);
            bad = 1;
        }
        for (int j = 0; j < k->nops; j++) {
            const op_record *r = &k->ops[j];
            if (r->kind <= 0 || r->kind >= OP_KINDS)
                fail_msg("%s writer %d: record %d is garbage", label, i, j);
            int col = r->rc >= 0 && r->rc <= ENGSCHED_EMISUSE ? r->rc : ENGSCHED_EMISUSE + 1;
            count[r->kind][col]++;
            total++;
            stale += r->stale;
            if (r->rc == ENGSCHED_OK) {
                ok[r->kind]++;
                if (r->kind == OP_TICK)
                    moved += (unsigned long long)r->moved;
                if (r->kind == OP_APPROVE)
                    approve_ops += (unsigned long long)r->operators;
            }
        }
    }
    printf("%s: %d writers, %llu operations in %.1f s; %llu with a version known stale, "
           "%llu moved by ticks\n",
           label, nworkers, total, seconds, stale, moved);
    for (int kind = 1; kind < OP_KINDS; kind++) {
        printf("%s:   %-9s", label, op_names[kind]);
        for (int c = 0; c <= ENGSCHED_EMISUSE + 1; c++)
            if (count[kind][c])
                printf(" %s=%llu",
                       c <= ENGSCHED_EMISUSE ? engsched_rc_name((engsched_rc)c) + 9 : "other",
                       count[kind][c]);
        printf("\n");
    }
    unsigned long long busy = 0;
    for (int kind = 1; kind < OP_KINDS; kind++)
        busy += count[kind][ENGSCHED_EBUSY];
    if (busy)
        fail_msg("%s: %llu calls returned ENGSCHED_EBUSY within the default busy timeout", label,
                 busy);
    if (bad)
        fail_msg("%s: a writer saw an outcome outside its documented set (above)", label);
    /* The mix must really have raced: some stale versions were refused. */
    if (count[OP_EDIT][ENGSCHED_ECONFLICT] == 0 || ok[OP_EDIT] == 0)
        fail_msg("%s: the edits never raced (%llu ok, %llu conflicts)", label, ok[OP_EDIT],
                 count[OP_EDIT][ENGSCHED_ECONFLICT]);

    /* The shared checker: integrity, orphans, the status mapping, each
     * engagement's event chain ending in its status and its version
     * counting its writes, seq without gaps, invitations. */
    char msg[4096];
    int violations = fx_invariants_file(w->path, msg, sizeof msg);
    if (violations != 0)
        fail_msg("%s: %d invariant violations: %s", label, violations, msg);

    assert_int_equal(sqlite3_open_v2(w->path, &w->raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3 *raw = w->raw;

    /* The log holds one event per successful call, and nothing else. */
    struct {
        const char *what, *where;
        unsigned long long want;
    } per_action[] = {
        {"requests", "action = 'engagement.requested'", ok[OP_REQUEST]},
        {"approvals", "action = 'engagement.approved'", ok[OP_APPROVE]},
        {"edits", "action = 'engagement.updated'", ok[OP_EDIT]},
        {"report moves",
         "action IN ('engagement.in_review','engagement.completed','report.status_changed') "
         "OR (action = 'engagement.started' AND actor IS NOT NULL)",
         ok[OP_REPORT]},
        {"tick moves", "action = 'engagement.started' AND actor IS NULL", moved},
        {"cancels", "action = 'engagement.canceled'", ok[OP_CANCEL]},
        {"assignments", "action = 'operator.assigned'", ok[OP_ASSIGN] + approve_ops},
        {"unassignments", "action = 'operator.unassigned'", ok[OP_UNASSIGN]},
        {"attachments", "action = 'file.attached'", ok[OP_ATTACH]},
    };
    unsigned long long want_all = 0;
    for (size_t i = 0; i < sizeof per_action / sizeof per_action[0]; i++) {
        int64_t got = events_of(raw, w, per_action[i].where);
        want_all += per_action[i].want;
        if (got != (int64_t)per_action[i].want)
            fail_msg("%s: %llu successful %s, %lld events", label, per_action[i].want,
                     per_action[i].what, (long long)got);
    }
    int64_t all = events_of(raw, w, "1");
    if (all != (int64_t)want_all)
        fail_msg("%s: %lld events, %llu expected", label, (long long)all, want_all);

    /* No lost update on the contended engagements. */
    static int64_t bases[MAX_WORKERS * PROCESS_OPS];
    for (int h = 0; h < HOT; h++) {
        engsched_id id = w->hot[h];
        size_t n = 0;
        for (int i = 0; i < nworkers; i++)
            for (int j = 0; j < workers[i].nops; j++) {
                const op_record *r = &workers[i].ops[j];
                if (r->engagement == id && r->rc == ENGSCHED_OK && raises_version(r->kind))
                    bases[n++] = r->version;
            }
        qsort(bases, n, sizeof *bases, cmp_i64);
        for (size_t i = 1; i < n; i++)
            if (bases[i] == bases[i - 1])
                fail_msg("%s: engagement %lld: two changes both succeeded from version %lld "
                         "(a lost update)",
                         label, (long long)id, (long long)bases[i]);
        int64_t version = sql_int(raw, "SELECT version FROM engagements WHERE id = ?", id, 0);
        int64_t ticks = sql_int(raw,
                                "SELECT count(*) FROM events WHERE seq > ? AND engagement = ? "
                                "AND action = 'engagement.started' AND actor IS NULL",
                                w->baseline_seq, id);
        int64_t base = w->baseline_version[h + 1];
        if (n > 0 && (bases[0] < base || bases[n - 1] >= version))
            fail_msg("%s: engagement %lld: a change from a version outside %lld..%lld", label,
                     (long long)id, (long long)base, (long long)version - 1);
        if (version - base != (int64_t)n + ticks)
            fail_msg("%s: engagement %lld: version %lld → %lld, but %zu changes and %lld tick "
                     "moves succeeded",
                     label, (long long)id, (long long)base, (long long)version, n,
                     (long long)ticks);
    }

    /* Beyond the checker: files and operators are what their events say. */
    int64_t off = sql_int(raw,
                          "SELECT count(*) FROM engagements e WHERE"
                          " (SELECT count(*) FROM files f WHERE f.engagement = e.id) !="
                          " (SELECT count(*) FROM events v WHERE v.engagement = e.id"
                          "  AND v.action = 'file.attached')",
                          0, 0);
    if (off != 0)
        fail_msg("%s: %lld engagements have other files than their events say", label,
                 (long long)off);
    /* Assigned exactly when the last operator event for the pair says so. */
    off = sql_int(raw,
                  "WITH last AS (SELECT engagement, json_extract(details, '$.user') AS user,"
                  "  max(seq) AS seq FROM events WHERE action LIKE 'operator.%'"
                  "  GROUP BY engagement, user)"
                  " SELECT count(*) FROM last JOIN events v ON v.seq = last.seq"
                  " WHERE (v.action = 'operator.assigned') !="
                  "  EXISTS (SELECT 1 FROM assignments a WHERE a.engagement = last.engagement"
                  "  AND a.user = last.user)",
                  0, 0);
    int64_t unexplained = sql_int(
        raw,
        "SELECT count(*) FROM assignments a WHERE NOT EXISTS (SELECT 1 FROM events v"
        " WHERE v.engagement = a.engagement AND v.action = 'operator.assigned'"
        " AND json_extract(v.details, '$.user') = a.user)",
        0, 0);
    if (off != 0 || unexplained != 0)
        fail_msg("%s: %lld operator pairs disagree with their events, %lld assignments have "
                 "none",
                 label, (long long)off, (long long)unexplained);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    w->raw = NULL;
}

/* --- processes ---------------------------------------------------------------- */

typedef struct run {
    world w;
    worker workers[MAX_WORKERS];
} run;

static int run_new(void **state)
{
    run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return -1;
    *state = r;
    return 0;
}

static int run_free(void **state)
{
    run *r = *state;
    /* A failed check may have left a statement open. */
    for (sqlite3_stmt *st; r->w.raw && (st = sqlite3_next_stmt(r->w.raw, NULL)) != NULL;)
        sqlite3_finalize(st);
    sqlite3_close(r->w.raw);
    for (int i = 0; i < MAX_WORKERS; i++)
        free(r->workers[i].ops);
    if (r->w.path[0] != '\0') {
        const char *suffixes[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", r->w.path, suffixes[i]);
            unlink(p);
        }
    }
    free(r);
    return 0;
}

static uint64_t the_seed(void)
{
    const char *s = getenv("ENGSCHED_CONCURRENCY_SEED");
    if (s != NULL && s[0] != '\0')
        return strtoull(s, NULL, 0);
    return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void prepare(run *r, const char *name, int nworkers, int nops)
{
    world *w = &r->w;
    w->seed = the_seed();
    printf("%s: seed %" PRIu64 " (replay with ENGSCHED_CONCURRENCY_SEED=%" PRIu64 ")\n", name,
           w->seed, w->seed);
    fx_temp_path(w->path, sizeof w->path, name);
    seed_store(w);
    uint64_t rng = w->seed;
    for (int i = 0; i < nworkers; i++) {
        worker *k = &r->workers[i];
        k->w = w;
        k->index = i;
        k->nops = nops;
        k->rng = rng_next(&rng);
        k->ops = calloc((size_t)nops, sizeof *k->ops);
        assert_non_null(k->ops);
    }
}

/* A process writes its records and first error into a file for the parent. */
static void write_results(const worker *k, const char *file)
{
    FILE *fp = fopen(file, "wb");
    if (fp == NULL)
        _exit(3);
    int ok = fwrite(&k->failed, sizeof k->failed, 1, fp) == 1 &&
             fwrite(k->first_error, sizeof k->first_error, 1, fp) == 1 &&
             fwrite(k->ops, sizeof *k->ops, (size_t)k->nops, fp) == (size_t)k->nops;
    if (fclose(fp) != 0 || !ok)
        _exit(3);
}

static void read_results(worker *k, const char *file)
{
    FILE *fp = fopen(file, "rb");
    if (fp == NULL)
        fail_msg("writer %d left no results in %s", k->index, file);
    int ok = fread(&k->failed, sizeof k->failed, 1, fp) == 1 &&
             fread(k->first_error, sizeof k->first_error, 1, fp) == 1 &&
             fread(k->ops, sizeof *k->ops, (size_t)k->nops, fp) == (size_t)k->nops;
    fclose(fp);
    unlink(file);
    k->first_error[sizeof k->first_error - 1] = '\0';
    if (!ok)
        fail_msg("writer %d: short results in %s", k->index, file);
}

static void test_processes_share_one_file(void **state)
{
    run *r = *state;
    prepare(r, "concurrency-processes.db", PROCESSES, PROCESS_OPS);
    int64_t t0 = monotonic_us();
    pid_t pids[PROCESSES];
    fflush(NULL);
    for (int i = 0; i < PROCESSES; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char file[600];
            snprintf(file, sizeof file, "%s.w%d", r->w.path, i);
            run_worker(&r->workers[i]);
            write_results(&r->workers[i], file);
            _exit(0);
        }
    }
    int failed = 0;
    for (int i = 0; i < PROCESSES; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "writer %d ended with status 0x%x\n", i, status);
            failed = 1;
        }
    }
    double seconds = (double)(monotonic_us() - t0) / 1e6;
    if (failed)
        fail_msg("a writer process failed (see above)");
    for (int i = 0; i < PROCESSES; i++) {
        char file[600];
        snprintf(file, sizeof file, "%s.w%d", r->w.path, i);
        read_results(&r->workers[i], file);
        if (r->workers[i].failed)
            fail_msg("writer %d: %s", i, r->workers[i].first_error);
    }
    verify(&r->w, r->workers, PROCESSES, "processes", seconds);
}

/* --- threads, one handle each ----------------------------------------------- */

static void *thread_main(void *arg)
{
    run_worker(arg);
    return NULL;
}

static void test_threads_one_handle_each(void **state)
{
    run *r = *state;
    prepare(r, "concurrency-threads.db", THREADS, THREAD_OPS);
    int64_t t0 = monotonic_us();
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_main, &r->workers[i]), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    double seconds = (double)(monotonic_us() - t0) / 1e6;
    for (int i = 0; i < THREADS; i++)
        if (r->workers[i].failed)
            fail_msg("thread %d: %s", i, r->workers[i].first_error);
    verify(&r->w, r->workers, THREADS, "threads", seconds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_processes_share_one_file, run_new, run_free),
        cmocka_unit_test_setup_teardown(test_threads_one_handle_each, run_new, run_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
