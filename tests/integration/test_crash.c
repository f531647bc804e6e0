/* Crash safety, black-box: a writer process is killed with SIGKILL at
 * random moments, over and over, and the store must come back whole.
 *
 * The parent builds a small directory in a store file, then ≥ 200 times
 * forks a child that opens the store and runs random operations —
 * request, approve, assign, edit, report status, tick, cancel, attach a
 * file — and, only after a call returned ENGSCHED_OK, writes a record of
 * it (kind, engagement, resulting version, operator or file id, and the
 * seq of the events it committed, taken from the event callback) into a
 * pipe. After a random delay the parent kills the child with SIGKILL,
 * reopens the store and checks:
 *
 * - the store opens and passes the shared invariant checker
 *   (tests/support/invariants.h: integrity, foreign keys, no orphans, every
 *   file with its bytes, the status mapping, each engagement's event chain
 *   ending in its status and its version counting its writes — an event
 *   and its change commit together —, seq without gaps, invitations);
 * - the event log's last seq is at least every reported seq, and each
 *   reported event is there, for the reported engagement;
 * - every operation reported as committed is visible through the API:
 *   the engagement at that version or later, the operator still assigned,
 *   the file listed with its size.
 *
 * The child is killed during open, inside transactions, between commit
 * and report, and while idle between calls; any of these must be safe.
 *
 * ENGSCHED_CRASH_SEED=<n> replays a run (the seed is printed first);
 * ENGSCHED_CRASH_KILLS=<n> changes the number of kills (default 200). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fixture.h"
#include "invariants.h"

#define DEFAULT_KILLS 200
/* The delay before the kill: mostly short, so that many kills land in the
 * open or the first transactions, sometimes longer. */
#define DELAY_SHORT_US 25000
#define DELAY_LONG_US 150000
/* Each child's clock is 6 hours after the previous one's: over 200 kills
 * 50 days pass, so the tick has work and statuses move with time. */
#define CHILD_STEP INT64_C(21600)
#define OPERATORS 3
#define MAX_FILES 20

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

/* --- what a child reports ----------------------------------------------- */

enum op_kind {
    OP_REQUEST = 1,
    OP_APPROVE,
    OP_ASSIGN,
    OP_EDIT,
    OP_REPORT,
    OP_TICK,
    OP_CANCEL,
    OP_ATTACH,
    OP_KINDS,
    OP_ERROR = 99 /* the child met a result it should never see */
};

static const char *const op_names[] = {
    [OP_REQUEST] = "request", [OP_APPROVE] = "approve", [OP_ASSIGN] = "assign",
    [OP_EDIT] = "edit",       [OP_REPORT] = "report status", [OP_TICK] = "tick",
    [OP_CANCEL] = "cancel",   [OP_ATTACH] = "attach file",
};

/* One committed operation. Fixed size, far below PIPE_BUF, so each
 * write(2) is atomic and a kill never leaves half a record. */
typedef struct report {
    int32_t kind;
    int32_t rc;         /* OP_ERROR: the unexpected code */
    int64_t engagement; /* 0 for a tick */
    int64_t version;    /* the engagement's version after the call; tick: how many moved */
    int64_t aux;        /* assign: the operator; attach: the file id */
    int64_t aux2;       /* attach: the size */
    int64_t seq_first;  /* the first event the call committed (0 if none) */
    int64_t seq_count;  /* how many events it committed */
} report;

/* --- the shared world ----------------------------------------------------- */

typedef struct world {
    char path[512];
    engsched_id client[FX_CLIENTS];
    engsched_id manager;
    engsched_id op[OPERATORS];
    engsched_id max_engagement; /* the highest engagement id known to exist */
    int64_t now;                /* the next child's clock */
    report *reports;            /* every reported operation, all children */
    size_t nreports, capreports;
    unsigned long long ops_by_kind[OP_KINDS];
    report child_error; /* an OP_ERROR record from the last child, if any */
    engsched *db;       /* the parent's handle between kills (closed by teardown) */
    sqlite3 *raw;       /* the parent's direct connection, likewise */
} world;

static int64_t fixed_clock(void *ctx)
{
    return *(const int64_t *)ctx;
}

/* The events a call committed, from the event callback (after commit). */
typedef struct seen_events {
    int64_t first, count;
} seen_events;

static void on_event(void *ctx, const char *json)
{
    seen_events *s = ctx;
    json_error_t error;
    json_t *doc = json_loads(json, 0, &error);
    json_int_t seq = doc ? json_integer_value(json_object_get(doc, "seq")) : 0;
    json_decref(doc);
    if (s->count == 0)
        s->first = (int64_t)seq;
    s->count++;
}

static void format_day(int64_t day, char out[11])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* --- the child: random operations until killed ---------------------------- */

typedef struct child {
    world *w;
    engsched *db;
    int fd;
    uint64_t rng;
    seen_events ev;
    int64_t now;
    char note[512];
} child;

static void child_send(child *c, const report *r)
{
    const char *p = (const char *)r;
    size_t left = sizeof *r;
    while (left > 0) {
        ssize_t n = write(c->fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(4);
        p += n;
        left -= (size_t)n;
    }
}

/* Tell the parent what went wrong (on stderr) and stop. */
static void child_die(child *c, int kind, engsched_rc rc, const char *what)
{
    fprintf(stderr, "crash child: %s: %s: %s\n", what, engsched_rc_name(rc),
            c->db ? engsched_errmsg(c->db) : engsched_open_errmsg());
    report r = {.kind = OP_ERROR, .rc = (int32_t)rc, .aux = kind};
    child_send(c, &r);
    _exit(3);
}

/* A refusal the random choice may run into; anything else is a bug. */
static int refused(engsched_rc rc)
{
    return rc == ENGSCHED_ESTATE || rc == ENGSCHED_EEXISTS || rc == ENGSCHED_ETOOBIG;
}

static void child_commit(child *c, int kind, engsched_id engagement, int64_t version,
                         int64_t aux, int64_t aux2)
{
    report r = {.kind = kind,
                .engagement = engagement,
                .version = version,
                .aux = aux,
                .aux2 = aux2,
                .seq_first = c->ev.first,
                .seq_count = c->ev.count};
    child_send(c, &r);
}

static void random_name(child *c, char *out, size_t size)
{
    static const char *const words[] = {"Web", "API", "Internal", "Cloud", "Mobile",
                                        "Phishing", "Wi-Fi", "Retest", "Red team", "Ünïcode"};
    snprintf(out, size, "%s %s %u", words[rng_below(&c->rng, 10)],
             words[rng_below(&c->rng, 10)], rng_below(&c->rng, 100000));
}

static void random_dates(child *c, char start[11], char end[11])
{
    int64_t today = c->now / 86400;
    int64_t first = today - 5 + (int64_t)rng_below(&c->rng, 70);
    format_day(first, start);
    format_day(first + (int64_t)rng_below(&c->rng, 14), end);
}

static engsched_input *child_input(child *c)
{
    engsched_input *in = NULL;
    engsched_rc rc = engsched_input_new(c->db, &in);
    if (rc != ENGSCHED_OK)
        child_die(c, 0, rc, "input_new");
    return in;
}

static void child_check(child *c, int kind, engsched_rc rc, const char *what)
{
    if (rc != ENGSCHED_OK)
        child_die(c, kind, rc, what);
}

static void do_request(child *c)
{
    char name[128], start[11], end[11];
    random_name(c, name, sizeof name);
    random_dates(c, start, end);
    engsched_input *in = child_input(c);
    child_check(c, OP_REQUEST, engsched_input_set_name(in, name), "set_name");
    child_check(c, OP_REQUEST,
                engsched_input_set_client(in, c->w->client[rng_below(&c->rng, FX_CLIENTS)]),
                "set_client");
    child_check(c, OP_REQUEST, engsched_input_set_dates(in, start, end), "set_dates");
    unsigned char blob[512];
    size_t size = rng_below(&c->rng, sizeof blob);
    for (size_t i = 0; i < size; i++)
        blob[i] = (unsigned char)rng_next(&c->rng);
    if (rng_below(&c->rng, 4) == 0)
        child_check(c, OP_REQUEST,
                    engsched_input_add_file(in, "scope.bin", NULL, blob, size), "add_file");
    engsched_id id = 0;
    engsched_rc rc = engsched_request(c->db, c->w->manager, in, &id);
    engsched_input_free(in);
    child_check(c, OP_REQUEST, rc, "request");
    child_commit(c, OP_REQUEST, id, 1, 0, 0);
    if (id > c->w->max_engagement)
        c->w->max_engagement = id;
}

static void do_tick(child *c)
{
    unsigned int moved = 0;
    child_check(c, OP_TICK, engsched_tick(c->db, c->now, &moved), "tick");
    child_commit(c, OP_TICK, 0, moved, 0, 0);
}

/* One operation on an existing engagement, chosen to suit its state. */
static void do_on_engagement(child *c, engsched_id id)
{
    engsched_engagement *e = NULL;
    engsched_rc rc = engsched_engagement_get(c->db, c->w->manager, id, &e);
    if (rc == ENGSCHED_ENOTFOUND)
        return;
    child_check(c, 0, rc, "engagement_get");
    int64_t v = engsched_engagement_version(e);
    engsched_status status = engsched_engagement_status(e);
    engsched_report_status report_status = engsched_engagement_report_status(e);
    engsched_engagement_free(e);
    if (status == ENGSCHED_STATUS_CANCELED || status == ENGSCHED_STATUS_COMPLETE) {
        /* Only a backward report move is left for a Complete one. */
        if (status == ENGSCHED_STATUS_COMPLETE && rng_below(&c->rng, 3) == 0) {
            c->ev.count = 0;
            rc = engsched_report_set_status(c->db, c->w->manager, id, v, ENGSCHED_REPORT_DRAFT);
            if (refused(rc))
                return;
            child_check(c, OP_REPORT, rc, "report back to draft");
            child_commit(c, OP_REPORT, id, v + 1, 0, 0);
        }
        return;
    }
    uint32_t pick = rng_below(&c->rng, 100);
    c->ev.count = 0;
    if (status == ENGSCHED_STATUS_PENDING && pick < 45) {
        engsched_input *in = child_input(c);
        if (rng_below(&c->rng, 2))
            child_check(c, OP_APPROVE,
                        engsched_input_add_operator(in, c->w->op[rng_below(&c->rng, OPERATORS)],
                                                    ENGSCHED_OPROLE_LEAD),
                        "add_operator");
        rc = engsched_approve(c->db, c->w->manager, id, v, in);
        engsched_input_free(in);
        if (refused(rc))
            return; /* the operator was assigned while it was pending */
        child_check(c, OP_APPROVE, rc, "approve");
        child_commit(c, OP_APPROVE, id, v + 1, 0, 0);
    } else if (pick < 60) {
        char text[160], start[11], end[11];
        engsched_input *in = child_input(c);
        random_name(c, text, sizeof text);
        child_check(c, OP_EDIT, engsched_input_set_name(in, text), "set_name");
        if (rng_below(&c->rng, 2))
            child_check(c, OP_EDIT, engsched_input_set_description(in, "scope\nline two\t."),
                        "set_description");
        if (rng_below(&c->rng, 3) == 0) {
            random_dates(c, start, end);
            child_check(c, OP_EDIT, engsched_input_set_dates(in, start, end), "set_dates");
        }
        rc = engsched_edit(c->db, c->w->manager, id, v, in);
        engsched_input_free(in);
        child_check(c, OP_EDIT, rc, "edit");
        child_commit(c, OP_EDIT, id, v + 1, 0, 0);
    } else if (pick < 75 && report_status != ENGSCHED_REPORT_NONE) {
        engsched_report_status to = report_status + 1;
        if (report_status == ENGSCHED_REPORT_PUBLISHED || rng_below(&c->rng, 6) == 0)
            to = ENGSCHED_REPORT_DRAFT;
        rc = engsched_report_set_status(c->db, c->w->manager, id, v, to);
        if (refused(rc))
            return; /* e.g. Draft to Draft */
        child_check(c, OP_REPORT, rc, "report_set_status");
        child_commit(c, OP_REPORT, id, v + 1, 0, 0);
    } else if (pick < 85) {
        engsched_id user = c->w->op[rng_below(&c->rng, OPERATORS)];
        rc = engsched_assign(c->db, c->w->manager, id, v, user, ENGSCHED_OPROLE_TESTER, NULL);
        if (refused(rc))
            return; /* already assigned */
        child_check(c, OP_ASSIGN, rc, "assign");
        child_commit(c, OP_ASSIGN, id, v, user, 0);
    } else if (pick < 97) {
        /* Mostly small files, sometimes one that spans many pages. */
        size_t size = rng_below(&c->rng, 5) == 0 ? 100000 + rng_below(&c->rng, 100000)
                                                 : rng_below(&c->rng, 4096);
        unsigned char *data = malloc(size + 1);
        if (data == NULL)
            _exit(5);
        for (size_t i = 0; i < size; i++)
            data[i] = (unsigned char)(i * 31u + (unsigned)id);
        engsched_id file = 0;
        rc = engsched_file_attach(c->db, c->w->manager, id, "evidence.bin", NULL, data, size,
                                  &file);
        free(data);
        if (refused(rc))
            return; /* the file count limit */
        child_check(c, OP_ATTACH, rc, "file_attach");
        child_commit(c, OP_ATTACH, id, v, file, (int64_t)size);
    } else {
        rc = engsched_cancel(c->db, c->w->manager, id, v,
                             rng_below(&c->rng, 2) ? "Budget moved" : NULL);
        child_check(c, OP_CANCEL, rc, "cancel");
        child_commit(c, OP_CANCEL, id, v + 1, 0, 0);
    }
}

static void run_child(world *w, int fd, uint64_t seed)
{
    child c = {.w = w, .fd = fd, .rng = seed, .now = w->now};
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0; /* the store exists */
    opts.clock = fixed_clock;
    opts.clock_ctx = &c.now;
    opts.on_event = on_event;
    opts.event_ctx = &c.ev;
    engsched_rc rc = engsched_open(w->path, &opts, &c.db);
    if (rc != ENGSCHED_OK)
        child_die(&c, 0, rc, "open");
    for (;;) {
        uint32_t pick = rng_below(&c.rng, 100);
        c.ev.count = 0;
        c.ev.first = 0;
        if (pick < 12 || w->max_engagement == 0)
            do_request(&c);
        else if (pick < 15)
            do_tick(&c);
        else
            do_on_engagement(&c, 1 + (engsched_id)rng_below(&c.rng, (uint32_t)w->max_engagement));
    }
}

/* --- the parent ----------------------------------------------------------- */

static void add_report(world *w, const report *r)
{
    if (w->nreports == w->capreports) {
        w->capreports = w->capreports ? w->capreports * 2 : 1024;
        w->reports = realloc(w->reports, w->capreports * sizeof *w->reports);
        assert_non_null(w->reports);
    }
    w->reports[w->nreports++] = *r;
}

/* Read whole records from the pipe; returns 0 at end of file. */
static int drain(world *w, int fd, char *buf, size_t *have, size_t *received)
{
    ssize_t n = read(fd, buf + *have, sizeof(report) * 64 - *have);
    if (n < 0 && errno == EINTR)
        return 1;
    if (n < 0)
        fail_msg("reading the pipe: %s", strerror(errno));
    if (n == 0)
        return 0;
    *have += (size_t)n;
    size_t whole = *have / sizeof(report) * sizeof(report);
    for (size_t off = 0; off < whole; off += sizeof(report)) {
        report r;
        memcpy(&r, buf + off, sizeof r);
        /* Failing here would leave the child running: remember it. */
        if (r.kind <= 0 || r.kind >= OP_KINDS) {
            if (w->child_error.kind == 0)
                w->child_error = r;
            continue;
        }
        add_report(w, &r);
        w->ops_by_kind[r.kind]++;
        (*received)++;
    }
    memmove(buf, buf + whole, *have - whole);
    *have -= whole;
    return 1;
}

static int64_t monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Fork a writer, let it run for delay_us, kill it; returns the records. */
static size_t run_and_kill(world *w, uint64_t seed, int64_t delay_us)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        run_child(w, fds[1], seed);
        _exit(0);
    }
    close(fds[1]);
    char buf[sizeof(report) * 64];
    size_t have = 0, received = 0;
    int64_t deadline = monotonic_us() + delay_us;
    int open = 1;
    for (int64_t left; open && (left = deadline - monotonic_us()) > 0;) {
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int n = poll(&p, 1, (int)((left + 999) / 1000));
        if (n > 0)
            open = drain(w, fds[0], buf, &have, &received);
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    while (open)
        open = drain(w, fds[0], buf, &have, &received);
    close(fds[0]);
    if (w->child_error.kind != 0)
        fail_msg("the writer met %s in %s (its message is above)",
                 engsched_rc_name((engsched_rc)w->child_error.rc),
                 w->child_error.aux > 0 && w->child_error.aux < OP_KINDS
                     ? op_names[w->child_error.aux]
                     : "an operation");
    assert_int_equal(have, 0);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
        fail_msg("the writer ended by itself (status 0x%x) before it was killed", status);
    return received;
}

/* --- checks after each kill ------------------------------------------------- */

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

/* The store-level invariants: the shared checker reads the file with
 * sqlite3 (integrity, foreign keys, orphans, files and their bytes, the
 * status mapping, each engagement's event chain and version, gapless seq,
 * invitations). */
static void check_store(const world *w, uint64_t kill_index)
{
    char msg[4096];
    int bad = fx_invariants_file(w->path, msg, sizeof msg);
    if (bad != 0)
        fail_msg("after kill %" PRIu64 ": %d invariant violations: %s", kill_index, bad, msg);
}

/* Every reported operation is there, through the API and in the log. */
static void check_reports(world *w, engsched *db, sqlite3 *raw, size_t from)
{
    int64_t last = 0;
    assert_int_equal(engsched_events_last_seq(db, &last), ENGSCHED_OK);
    for (size_t i = from; i < w->nreports; i++) {
        const report *r = &w->reports[i];
        const char *what = op_names[r->kind];
        if (r->seq_count > 0 && r->seq_first + r->seq_count - 1 > last)
            fail_msg("%s: reported event %lld, but the log ends at %lld", what,
                     (long long)(r->seq_first + r->seq_count - 1), (long long)last);
        for (int64_t s = r->seq_first; s < r->seq_first + r->seq_count; s++) {
            int64_t e = sql_int(raw, "SELECT coalesce(engagement, 0) FROM events WHERE seq = ?",
                                s, 0);
            if (e < 0 || (r->engagement != 0 && e != r->engagement))
                fail_msg("%s on %lld: reported event %lld is %s", what, (long long)r->engagement,
                         (long long)s, e < 0 ? "missing" : "of another engagement");
        }
        if (r->kind == OP_TICK) {
            if (r->seq_count != r->version)
                fail_msg("tick moved %lld but committed %lld events", (long long)r->version,
                         (long long)r->seq_count);
            continue;
        }
        if (r->seq_count < 1)
            fail_msg("%s on %lld committed no event", what, (long long)r->engagement);
        engsched_engagement *e = NULL;
        engsched_rc rc = engsched_engagement_get(db, w->manager, r->engagement, &e);
        if (rc != ENGSCHED_OK)
            fail_msg("%s: engagement %lld reported committed, now %s", what,
                     (long long)r->engagement, engsched_rc_name(rc));
        int64_t version = engsched_engagement_version(e);
        if (version < r->version)
            fail_msg("%s: engagement %lld reported at version %lld, now at %lld", what,
                     (long long)r->engagement, (long long)r->version, (long long)version);
        if (r->kind == OP_ASSIGN) {
            int found = 0;
            for (size_t k = 0; k < engsched_engagement_operator_count(e); k++) {
                engsched_id user = 0;
                assert_int_equal(engsched_engagement_operator(e, k, &user, NULL, NULL, NULL),
                                 ENGSCHED_OK);
                found |= user == r->aux;
            }
            if (!found)
                fail_msg("assign: operator %lld is not on engagement %lld", (long long)r->aux,
                         (long long)r->engagement);
        }
        engsched_engagement_free(e);
        if (r->kind == OP_ATTACH) {
            engsched_file_list *files = NULL;
            assert_int_equal(engsched_file_list_get(db, w->manager, r->engagement, &files),
                             ENGSCHED_OK);
            int found = 0;
            for (size_t k = 0; k < engsched_file_list_count(files); k++) {
                engsched_id id = 0;
                int64_t size = -1;
                assert_int_equal(
                    engsched_file_list_item(files, k, &id, NULL, NULL, &size, NULL, NULL),
                    ENGSCHED_OK);
                found |= id == r->aux && size == r->aux2;
            }
            engsched_file_list_free(files);
            if (!found)
                fail_msg("attach: file %lld (%lld bytes) is not on engagement %lld",
                         (long long)r->aux, (long long)r->aux2, (long long)r->engagement);
        }
    }
}

/* --- setup ------------------------------------------------------------------ */

static void seed_store(world *w)
{
    fx f; /* only for fx_ok's messages */
    memset(&f, 0, sizeof f);
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.clock = fixed_clock;
    opts.clock_ctx = &w->now;
    engsched_rc rc = engsched_open(w->path, &opts, &f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s", w->path, engsched_open_errmsg());
    static const char *const names[FX_CLIENTS] = {"Acme Corp", "Globex", "Initech"};
    for (int i = 0; i < FX_CLIENTS; i++) {
        char key[32];
        snprintf(key, sizeof key, "client-%d", i);
        fx_ok(&f, engsched_client_upsert(f.db, ENGSCHED_SYSTEM, key, names[i], &w->client[i]));
    }
    w->manager = fx_user(&f, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS);
    for (int i = 0; i < OPERATORS; i++) {
        char key[32];
        snprintf(key, sizeof key, "operator%d", i + 1);
        w->op[i] = fx_user(&f, key, ENGSCHED_ROLE_OPERATOR, ENGSCHED_USER_ALL_CLIENTS);
    }
    fx_ok(&f, engsched_close(f.db));
}

static uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    if (s == NULL || s[0] == '\0')
        return fallback;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0')
        fail_msg("%s=%s is not a number", name, s);
    return v;
}

static void reopen(world *w, uint64_t kill_index)
{
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0;
    opts.clock = fixed_clock;
    opts.clock_ctx = &w->now;
    engsched_rc rc = engsched_open(w->path, &opts, &w->db);
    if (rc != ENGSCHED_OK)
        fail_msg("after kill %" PRIu64 ": reopening: %s: %s", kill_index, engsched_rc_name(rc),
                 engsched_open_errmsg());
    int src = sqlite3_open_v2(w->path, &w->raw, SQLITE_OPEN_READWRITE, NULL);
    if (src != SQLITE_OK)
        fail_msg("sqlite3_open_v2: %s", sqlite3_errstr(src));
}

static void close_both(world *w)
{
    assert_int_equal(sqlite3_close(w->raw), SQLITE_OK);
    w->raw = NULL;
    assert_int_equal(engsched_close(w->db), ENGSCHED_OK);
    w->db = NULL;
}

static int world_new(void **state)
{
    *state = calloc(1, sizeof(world));
    return *state == NULL ? -1 : 0;
}

/* Runs after a failure too: nothing leaks, the store files go. */
static int world_free(void **state)
{
    world *w = *state;
    /* A failed check may have left a statement open. */
    for (sqlite3_stmt *st; w->raw && (st = sqlite3_next_stmt(w->raw, NULL)) != NULL;)
        sqlite3_finalize(st);
    sqlite3_close(w->raw);
    engsched_close(w->db);
    if (w->path[0] != '\0') {
        const char *suffixes[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", w->path, suffixes[i]);
            unlink(p);
        }
    }
    free(w->reports);
    free(w);
    return 0;
}

static void test_writer_killed_at_random_moments(void **state)
{
    world *w = *state;
    uint64_t seed = env_u64("ENGSCHED_CRASH_SEED",
                            (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
    uint64_t kills = env_u64("ENGSCHED_CRASH_KILLS", DEFAULT_KILLS);
    printf("crash: seed %" PRIu64 " (replay with ENGSCHED_CRASH_SEED=%" PRIu64 "), %" PRIu64
           " kills\n",
           seed, seed, kills);
    uint64_t rng = seed;

    fx_temp_path(w->path, sizeof w->path, "crash.db");
    w->now = FX_T0;
    seed_store(w);

    int64_t started = monotonic_us();
    size_t in_open = 0; /* kills before the child reported anything */
    for (uint64_t k = 0; k < kills; k++) {
        int64_t delay = rng_below(&rng, 4) == 0 ? (int64_t)rng_below(&rng, DELAY_LONG_US)
                                                : (int64_t)rng_below(&rng, DELAY_SHORT_US);
        size_t from = w->nreports;
        size_t got = run_and_kill(w, rng_next(&rng), delay);
        in_open += got == 0;

        /* Reopen: the store must open and recover by itself. */
        reopen(w, k);
        check_store(w, k);
        check_reports(w, w->db, w->raw, from);
        /* The next child works on every engagement there is, including
         * one a killed child committed without reporting. */
        int64_t max_id = sql_int(w->raw, "SELECT coalesce(max(id), 0) FROM engagements", 0, 0);
        assert_true(max_id >= w->max_engagement);
        w->max_engagement = max_id;
        close_both(w); /* no handle may cross a fork */
        w->now += CHILD_STEP;
    }

    /* At the end, everything reported by every child is still there. */
    reopen(w, kills);
    check_reports(w, w->db, w->raw, 0);
    int64_t events = sql_int(w->raw, "SELECT count(*) FROM events", 0, 0);
    close_both(w);

    printf("crash: %" PRIu64 " kills survived (%zu before the first report) in %.1f s; "
           "%zu operations reported committed and found; %lld engagements, %lld events\n",
           kills, in_open, (double)(monotonic_us() - started) / 1e6, w->nreports,
           (long long)w->max_engagement, (long long)events);
    for (int kind = 1; kind < OP_KINDS; kind++)
        printf("crash:   %-14s %llu\n", op_names[kind], w->ops_by_kind[kind]);
    /* The run must have exercised every kind of operation. */
    if (kills >= DEFAULT_KILLS)
        for (int kind = 1; kind < OP_KINDS; kind++)
            if (w->ops_by_kind[kind] == 0)
                fail_msg("no %s was ever committed", op_names[kind]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writer_killed_at_random_moments, world_new,
                                        world_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
