/* The outbox across crashes, black-box: a process that commits changes
 * and delivers what they owe is killed with SIGKILL at random moments, and
 * afterwards every committed event and invitation is delivered — at least
 * once, and nothing that was never committed.
 *
 * The parent seeds a store file (organizer address, a client, a manager,
 * three operators with addresses and access to the client), then ≥ 200
 * times forks a child that opens the store with the default delivery
 * (ENGSCHED_DELIVER_ON_COMMIT) and runs random operations: request and
 * approve with one or two operators, edit the name or the dates (which
 * re-sends the invitations), assign, unassign, cancel, report status,
 * tick. Its on_mail and deliver_event callbacks append one record each to
 * a log file and accept. The child of round k sees the clock
 * T0 + k × 2 days. After a random delay — mostly short, sometimes longer,
 * so that kills land in the open, inside transactions, between a commit
 * and its delivery, inside a callback and between the callbacks and the
 * mark — the parent kills it and delivers what is left, with the same
 * recording callbacks, in two steps: A, a handle at the dead child's
 * clock, which must leave the child's claims (delivery_lease_seconds, 300)
 * alone and may take only unclaimed items; B, a handle one day later,
 * past every lease, which takes everything still pending. Then:
 *
 * - every event in the store (engsched_event_stream) was delivered at
 *   least once, and every delivered document is byte for byte the stored
 *   document of its seq — so nothing uncommitted was ever delivered: a
 *   rolled-back seq used again later would carry a different document;
 * - for every row of the invitations table a message with Message-ID
 *   engsched-E-U-<its sequence> was delivered, no delivered message has a
 *   sequence above the stored one (nor an (E, U) without a row), its ICS
 *   carries that SEQUENCE, and two deliveries of one Message-ID are
 *   byte-identical (a message is built once, with its change);
 * - nothing is pending, dead or undeliverable.
 *
 * With 200 kills or more the run must also have met each window: step B
 * had work (claims outlived their child, and A left them alone), some of
 * it delivered for the first time (a kill between commit and callbacks),
 * and something was delivered twice (a kill between callback and mark).
 *
 * ENGSCHED_OUTBOX_SEED=<n> replays a run (the seed is printed first);
 * ENGSCHED_OUTBOX_KILLS=<n> changes the number of kills (default 200;
 * tests/valgrind/run.sh sets a smaller one). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "invariants.h"

#define DEFAULT_KILLS 200
#define ROUND_STEP (2 * FX_DAY) /* the clock of round k: T0 + k × 2 days */
#define OPERATORS 3
#define LOG_MAGIC UINT32_C(0x6f757462) /* "outb" */

/* --- a seeded PRNG (splitmix64) ------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n) { return (uint32_t)(rng_next(s) % n); }

static int64_t monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- the delivery log ------------------------------------------------------
 *
 * Each accepted item is one record, header and bytes, appended with a
 * single write(2) on an O_APPEND descriptor shared by every process. A
 * kill in the middle of that write can leave a truncated record at the
 * end of the file; the parent drops it (and cuts the file back) before
 * anyone appends again. Such a record was never marked delivered: the
 * callback returns 0 only after write() returned the whole record, and
 * the library marks an item delivered only after its callback returned 0
 * (in the mark transaction that follows the callbacks). A process killed
 * inside write() never returned from the callback, so its item stays
 * claimed and is delivered again once the lease has run out — the log
 * then holds it complete. A write() that returned is in the page cache,
 * where SIGKILL of the writer cannot undo it. */

typedef struct log_head {
    uint32_t magic;
    uint32_t kind;   /* ENGSCHED_OUTBOX_MAIL or ENGSCHED_OUTBOX_EVENT */
    int64_t a;       /* mail: the engagement; event: the seq */
    int64_t b;       /* mail: the user; event: 0 */
    uint64_t length; /* the bytes that follow */
} log_head;

static int log_fd = -1;

static int append_record(uint32_t kind, int64_t a, int64_t b, const char *bytes, size_t length)
{
    log_head h = {LOG_MAGIC, kind, a, b, length};
    char *buf = malloc(sizeof h + length);
    if (buf == NULL)
        abort();
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, bytes, length);
    ssize_t n = write(log_fd, buf, sizeof h + length);
    free(buf);
    if (n != (ssize_t)(sizeof h + length))
        abort(); /* not a kill: the log is broken, and so is the test */
    return 0;
}

static int record_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                       const char *message, size_t length)
{
    (void)ctx, (void)recipient;
    return append_record(ENGSCHED_OUTBOX_MAIL, engagement, user, message, length);
}

static int record_event(void *ctx, int64_t seq, const char *json, size_t length,
                        const char *signature)
{
    (void)ctx, (void)signature;
    return append_record(ENGSCHED_OUTBOX_EVENT, seq, 0, json, length);
}

/* --- what the parent knows ------------------------------------------------- */

typedef struct stored_event {
    char *doc; /* the document engsched_event_stream() gives */
    size_t len;
} stored_event;

typedef struct delivered_event {
    int64_t seq;
    char *doc;
    size_t len;
} delivered_event;

/* One Message-ID, engsched-E-U-S, and the bytes first delivered with it. */
typedef struct message {
    int64_t e, u, s;
    char *bytes;
    size_t len;
} message;

typedef struct invitation {
    int64_t e, u, s;
} invitation;

typedef struct world {
    char path[512], log_path[512];
    engsched_id client, manager, op[OPERATORS];
    engsched_id max_engagement;
    int64_t now;   /* the clock of the handle being opened */
    off_t log_off; /* the log up to here is parsed */
    /* Events: stored ones by seq, delivered ones not yet compared. */
    stored_event *ev;
    size_t ev_cap;
    int64_t last_seq;
    unsigned int *times; /* by seq: how often it was delivered */
    size_t times_cap;
    delivered_event *fresh;
    size_t nfresh, capfresh;
    /* Messages: an open-addressing table over (e, u, s). */
    message *msg;
    size_t nmsg, capmsg;
    invitation *inv;
    size_t ninv, capinv;
    /* Statistics. */
    uint64_t records, redelivered, truncated, in_open, step_a, step_b, rounds_a, rounds_b;
    uint64_t b_first; /* items B delivered that nobody had delivered before */
    engsched *db;
} world;

static int64_t fixed_clock(void *ctx) { return *(const int64_t *)ctx; }

/* p (of *cap elements) grown to hold index i, the new part zeroed. */
static void *grow_to(void *p, size_t *cap, size_t i, size_t elem)
{
    if (i < *cap)
        return p;
    size_t n = *cap ? *cap : 1024;
    while (n <= i)
        n *= 2;
    char *grown = realloc(p, n * elem);
    assert_non_null(grown);
    memset(grown + *cap * elem, 0, (n - *cap) * elem);
    *cap = n;
    return grown;
}

/* --- parsing a delivered message ------------------------------------------- */

/* The message is NUL-terminated here (read_log). */
static int parse_message_id(const char *m, int64_t *e, int64_t *u, int64_t *s)
{
    long long a = 0, b = 0, c = 0;
    const char *id = strstr(m, "\r\nMessage-ID: <engsched-");
    if (id == NULL || sscanf(id, "\r\nMessage-ID: <engsched-%lld-%lld-%lld@", &a, &b, &c) != 3)
        return 0;
    *e = a, *u = b, *s = c;
    return 1;
}

static int b64_value(char c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* The SEQUENCE of the text/calendar part (base64), or -1. */
static long long ics_sequence(const char *m, size_t len)
{
    const char *part = strstr(m, "Content-Type: text/calendar");
    const char *body = part ? strstr(part, "\r\n\r\n") : NULL;
    if (body == NULL || (size_t)(body - m) >= len)
        return -1;
    char *ics = malloc(len);
    assert_non_null(ics);
    size_t n = 0;
    unsigned int acc = 0, bits = 0;
    for (const char *p = body + 4; p < m + len && *p != '-' && *p != '='; p++) {
        int v = b64_value(*p);
        if (v < 0)
            continue; /* line ends */
        acc = (acc << 6) | (unsigned int)v;
        if ((bits += 6) >= 8) {
            bits -= 8;
            ics[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    ics[n] = '\0';
    const char *seq = strstr(ics, "\r\nSEQUENCE:");
    long long v = seq ? strtoll(seq + 11, NULL, 10) : -1;
    free(ics);
    return v;
}

/* --- the parent's tables ------------------------------------------------- */

static size_t msg_slot(const world *w, int64_t e, int64_t u, int64_t s)
{
    uint64_t h = (uint64_t)e * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)u * 0xbf58476d1ce4e5b9u ^
                 (uint64_t)s * 0x94d049bb133111ebu;
    size_t i = (size_t)(h ^ (h >> 29)) & (w->capmsg - 1);
    while (w->msg[i].bytes != NULL && !(w->msg[i].e == e && w->msg[i].u == u && w->msg[i].s == s))
        i = (i + 1) & (w->capmsg - 1);
    return i;
}

static void msg_grow(world *w)
{
    message *old = w->msg;
    size_t oldcap = w->capmsg;
    w->capmsg = oldcap ? oldcap * 2 : 1024;
    w->msg = calloc(w->capmsg, sizeof *w->msg);
    assert_non_null(w->msg);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].bytes != NULL)
            w->msg[msg_slot(w, old[i].e, old[i].u, old[i].s)] = old[i];
    free(old);
}

static void take_mail(world *w, const log_head *h, const char *bytes)
{
    int64_t e = 0, u = 0, s = 0;
    if (!parse_message_id(bytes, &e, &u, &s))
        fail_msg("a delivered message has no Message-ID engsched-E-U-S");
    if (e != h->a || u != h->b)
        fail_msg("Message-ID engsched-%lld-%lld-%lld handed over for engagement %lld, user %lld",
                 (long long)e, (long long)u, (long long)s, (long long)h->a, (long long)h->b);
    long long ics = ics_sequence(bytes, h->length);
    if (ics != s)
        fail_msg("message engsched-%lld-%lld-%lld carries SEQUENCE:%lld", (long long)e,
                 (long long)u, (long long)s, ics);
    if (2 * (w->nmsg + 1) > w->capmsg)
        msg_grow(w);
    message *m = &w->msg[msg_slot(w, e, u, s)];
    if (m->bytes != NULL) {
        if (m->len != h->length || memcmp(m->bytes, bytes, m->len) != 0)
            fail_msg("message engsched-%lld-%lld-%lld delivered twice with different bytes "
                     "(%zu and %llu)",
                     (long long)e, (long long)u, (long long)s, m->len,
                     (unsigned long long)h->length);
        w->redelivered++;
        return;
    }
    *m = (message){e, u, s, malloc(h->length + 1), h->length};
    assert_non_null(m->bytes);
    memcpy(m->bytes, bytes, h->length);
    w->nmsg++;
}

static void take_event(world *w, const log_head *h, const char *bytes)
{
    w->fresh = grow_to(w->fresh, &w->capfresh, w->nfresh, sizeof *w->fresh);
    delivered_event *d = &w->fresh[w->nfresh++];
    *d = (delivered_event){h->a, malloc(h->length + 1), h->length};
    assert_non_null(d->doc);
    memcpy(d->doc, bytes, h->length);
    d->doc[h->length] = '\0';
    if (h->a <= 0)
        fail_msg("an event was delivered with seq %lld", (long long)h->a);
    w->times = grow_to(w->times, &w->times_cap, (size_t)h->a, sizeof *w->times);
    if (w->times[h->a]++ > 0)
        w->redelivered++;
}

/* Parse what was appended since the last call; a truncated record at the
 * end (a kill inside write) is cut off, so the next append starts whole. */
static void read_log(world *w)
{
    struct stat st;
    assert_int_equal(fstat(log_fd, &st), 0);
    size_t size = (size_t)(st.st_size - w->log_off);
    if (size == 0)
        return;
    char *buf = malloc(size + 1);
    assert_non_null(buf);
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(log_fd, buf + got, size - got, w->log_off + (off_t)got);
        if (n <= 0)
            fail_msg("reading the delivery log: %s", n < 0 ? strerror(errno) : "end of file");
        got += (size_t)n;
    }
    size_t off = 0;
    while (size - off >= sizeof(log_head)) {
        log_head h;
        memcpy(&h, buf + off, sizeof h);
        if (h.magic != LOG_MAGIC ||
            (h.kind != ENGSCHED_OUTBOX_MAIL && h.kind != ENGSCHED_OUTBOX_EVENT))
            fail_msg("the delivery log is garbled at byte %lld", (long long)(w->log_off + off));
        if (size - off - sizeof h < h.length)
            break;
        char *bytes = buf + off + sizeof h;
        char saved = bytes[h.length];
        bytes[h.length] = '\0'; /* for the string searches; restored below */
        if (h.kind == ENGSCHED_OUTBOX_MAIL)
            take_mail(w, &h, bytes);
        else
            take_event(w, &h, bytes);
        bytes[h.length] = saved;
        w->records++;
        off += sizeof h + h.length;
    }
    free(buf);
    w->log_off += (off_t)off;
    if (off < size) {
        w->truncated++;
        assert_int_equal(ftruncate(log_fd, w->log_off), 0);
    }
}

/* --- the child: random operations until killed ----------------------------- */

typedef struct child {
    world *w;
    engsched *db;
    uint64_t rng;
    int64_t now;
} child;

static void child_die(child *c, engsched_rc rc, const char *what)
{
    fprintf(stderr, "outbox child: %s: %s: %s\n", what, engsched_rc_name(rc),
            c->db ? engsched_errmsg(c->db) : engsched_open_errmsg());
    _exit(3);
}

static void child_check(child *c, engsched_rc rc, const char *what)
{
    if (rc != ENGSCHED_OK)
        child_die(c, rc, what);
}

/* Refusals the random choice may run into; anything else is a bug. */
static void child_refusable(child *c, engsched_rc rc, const char *what)
{
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ESTATE && rc != ENGSCHED_EEXISTS &&
        rc != ENGSCHED_ENOTFOUND)
        child_die(c, rc, what);
}

static void format_day(int64_t day, char out[11])
{
    time_t t = (time_t)(day * FX_DAY);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void random_dates(child *c, char start[11], char end[11])
{
    int64_t first = c->now / FX_DAY - 5 + (int64_t)rng_below(&c->rng, 40);
    format_day(first, start);
    format_day(first + (int64_t)rng_below(&c->rng, 10), end);
}

static engsched_input *child_input(child *c)
{
    engsched_input *in = NULL;
    child_check(c, engsched_input_new(c->db, &in), "input_new");
    return in;
}

static void do_request_approve(child *c)
{
    char name[64], start[11], end[11];
    snprintf(name, sizeof name, "Outbox test %u", rng_below(&c->rng, 1000000));
    random_dates(c, start, end);
    engsched_input *in = child_input(c);
    child_check(c, engsched_input_set_name(in, name), "set_name");
    child_check(c, engsched_input_set_client(in, c->w->client), "set_client");
    child_check(c, engsched_input_set_dates(in, start, end), "set_dates");
    engsched_id id = 0;
    engsched_rc rc = engsched_request(c->db, c->w->manager, in, &id);
    engsched_input_free(in);
    child_check(c, rc, "request");
    if (id > c->w->max_engagement)
        c->w->max_engagement = id;
    if (rng_below(&c->rng, 8) == 0)
        return; /* left pending, for a later approval */
    in = child_input(c);
    uint32_t first = rng_below(&c->rng, OPERATORS);
    child_check(c, engsched_input_add_operator(in, c->w->op[first], ENGSCHED_OPROLE_LEAD),
                "add_operator");
    if (rng_below(&c->rng, 2))
        child_check(c,
                    engsched_input_add_operator(in, c->w->op[(first + 1) % OPERATORS],
                                                ENGSCHED_OPROLE_TESTER),
                    "add_operator");
    rc = engsched_approve(c->db, c->w->manager, id, 1, in);
    engsched_input_free(in);
    child_check(c, rc, "approve");
}

static void do_edit(child *c, engsched_id id, int64_t v)
{
    char name[64], start[11], end[11];
    engsched_input *in = child_input(c);
    snprintf(name, sizeof name, "Outbox test %u, edited", rng_below(&c->rng, 1000000));
    child_check(c, engsched_input_set_name(in, name), "set_name");
    if (rng_below(&c->rng, 2)) {
        random_dates(c, start, end);
        child_check(c, engsched_input_set_dates(in, start, end), "set_dates");
    }
    engsched_rc rc = engsched_edit(c->db, c->w->manager, id, v, in);
    engsched_input_free(in);
    child_check(c, rc, "edit");
}

/* One operation on an existing engagement, chosen to suit its state. */
static void do_on_engagement(child *c, engsched_id id)
{
    engsched_engagement *e = NULL;
    engsched_rc rc = engsched_engagement_get(c->db, c->w->manager, id, &e);
    if (rc == ENGSCHED_ENOTFOUND)
        return;
    child_check(c, rc, "engagement_get");
    int64_t v = engsched_engagement_version(e);
    engsched_status status = engsched_engagement_status(e);
    engsched_report_status report = engsched_engagement_report_status(e);
    engsched_engagement_free(e);
    if (status == ENGSCHED_STATUS_CANCELED)
        return;
    if (status == ENGSCHED_STATUS_COMPLETE) {
        /* Only a backward report move is left for a Complete one. */
        rc = engsched_report_set_status(c->db, c->w->manager, id, v, ENGSCHED_REPORT_DRAFT);
        child_refusable(c, rc, "report back to draft");
        return;
    }
    uint32_t pick = rng_below(&c->rng, 100);
    engsched_id user = c->w->op[rng_below(&c->rng, OPERATORS)];
    if (status == ENGSCHED_STATUS_PENDING && pick < 40) {
        engsched_input *in = child_input(c);
        child_check(c, engsched_input_add_operator(in, user, ENGSCHED_OPROLE_LEAD), "add_operator");
        rc = engsched_approve(c->db, c->w->manager, id, v, in);
        engsched_input_free(in);
        child_refusable(c, rc, "approve"); /* EEXISTS: assigned while pending */
    } else if (pick < 40) {
        do_edit(c, id, v);
    } else if (pick < 58) {
        rc = engsched_assign(c->db, c->w->manager, id, v, user, ENGSCHED_OPROLE_TESTER, NULL);
        child_refusable(c, rc, "assign"); /* EEXISTS: already assigned */
    } else if (pick < 72) {
        rc = engsched_unassign(c->db, c->w->manager, id, v, user);
        child_refusable(c, rc, "unassign"); /* ENOTFOUND: not assigned */
    } else if (pick < 92 && report != ENGSCHED_REPORT_NONE) {
        engsched_report_status to = report + 1;
        if (report == ENGSCHED_REPORT_PUBLISHED || rng_below(&c->rng, 6) == 0)
            to = ENGSCHED_REPORT_DRAFT;
        rc = engsched_report_set_status(c->db, c->w->manager, id, v, to);
        child_refusable(c, rc, "report_set_status"); /* e.g. Draft to Draft */
    } else if (pick >= 92) {
        rc = engsched_cancel(c->db, c->w->manager, id, v,
                             rng_below(&c->rng, 2) ? "Budget moved" : NULL);
        child_check(c, rc, "cancel");
    }
}

/* Every handle: a fixed clock, delivery on commit to the recorders. */
static engsched_options recording(int64_t *clock, unsigned int flags)
{
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = flags;
    opts.clock = fixed_clock;
    opts.clock_ctx = clock;
    opts.on_mail = record_mail;
    opts.deliver_event = record_event;
    return opts;
}

static void run_child(world *w, uint64_t seed)
{
    child c = {.w = w, .rng = seed, .now = w->now};
    engsched_options opts = recording(&c.now, 0);
    engsched_rc rc = engsched_open(w->path, &opts, &c.db);
    if (rc != ENGSCHED_OK)
        child_die(&c, rc, "open");
    for (;;) {
        uint32_t pick = rng_below(&c.rng, 100);
        if (pick < 20 || w->max_engagement == 0) {
            do_request_approve(&c);
        } else if (pick < 24) {
            unsigned int moved = 0;
            child_check(&c, engsched_tick(c.db, c.now, &moved), "tick");
        } else {
            do_on_engagement(&c, 1 + (engsched_id)rng_below(&c.rng, (uint32_t)w->max_engagement));
        }
    }
}

/* Fork a child, let it run for delay_us, kill it. */
static void run_and_kill(world *w, uint64_t seed, int64_t delay_us)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        run_child(w, seed);
        _exit(0);
    }
    struct timespec ts = {(time_t)(delay_us / 1000000), (long)(delay_us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
        fail_msg("the child ended by itself (status 0x%x; its message is above)", status);
}

/* --- delivering what is left, and the checks ------------------------------- */

static engsched *open_verifier(world *w, int64_t clock, unsigned int flags)
{
    w->now = clock;
    engsched_options opts = recording(&w->now, flags);
    engsched_rc rc = engsched_open(w->path, &opts, &w->db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopening after a kill: %s: %s", engsched_rc_name(rc), engsched_open_errmsg());
    return w->db;
}

static void close_verifier(world *w)
{
    assert_int_equal(engsched_close(w->db), ENGSCHED_OK);
    w->db = NULL;
}

/* engsched_deliver() until it finds nothing; returns how many it delivered. */
static uint64_t deliver_all(world *w)
{
    uint64_t total = 0;
    for (int round = 0;; round++) {
        engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
        engsched_rc rc = engsched_deliver(w->db, 0, &res);
        if (rc != ENGSCHED_OK)
            fail_msg("engsched_deliver: %s: %s", engsched_rc_name(rc), engsched_errmsg(w->db));
        if (res.retrying != 0 || res.dead != 0)
            fail_msg("engsched_deliver: %u retrying, %u dead, though every callback accepted",
                     res.retrying, res.dead);
        if (res.delivered == 0)
            return total;
        total += res.delivered;
        if (round > 0) /* limit 0 takes everything due at once */
            fail_msg("engsched_deliver(0) left %u due items for a second call", res.delivered);
    }
}

static uint64_t outbox_count(world *w, unsigned int states)
{
    uint64_t n = 0;
    engsched_rc rc = engsched_outbox_count(w->db, ENGSCHED_SYSTEM, states, &n);
    if (rc != ENGSCHED_OK)
        fail_msg("engsched_outbox_count: %s: %s", engsched_rc_name(rc), engsched_errmsg(w->db));
    return n;
}

static int keep_stored(void *ctx, int64_t seq, const char *json, size_t length,
                       const char *signature)
{
    world *w = ctx;
    (void)signature;
    if (seq <= w->last_seq)
        fail_msg("the event stream went back from %lld to %lld", (long long)w->last_seq,
                 (long long)seq);
    w->ev = grow_to(w->ev, &w->ev_cap, (size_t)seq, sizeof *w->ev);
    stored_event *s = &w->ev[seq];
    s->doc = malloc(length + 1);
    assert_non_null(s->doc);
    memcpy(s->doc, json, length);
    s->doc[length] = '\0';
    s->len = length;
    w->last_seq = seq;
    return 0;
}

/* Every stored event delivered; every delivered document the stored one. */
static void check_events(world *w, uint64_t k)
{
    int64_t from = w->last_seq, last = 0;
    do {
        from = w->last_seq;
        engsched_rc rc =
            engsched_event_stream(w->db, ENGSCHED_SYSTEM, from, 10000, keep_stored, w, &last);
        if (rc != ENGSCHED_OK)
            fail_msg("engsched_event_stream: %s: %s", engsched_rc_name(rc), engsched_errmsg(w->db));
    } while (w->last_seq != from);
    for (size_t i = 0; i < w->nfresh; i++) {
        delivered_event *d = &w->fresh[i];
        if (d->seq <= 0 || d->seq > w->last_seq || w->ev[d->seq].doc == NULL)
            fail_msg("after kill %" PRIu64 ": event %lld was delivered but is not in the store", k,
                     (long long)d->seq);
        stored_event *s = &w->ev[d->seq];
        if (s->len != d->len || memcmp(s->doc, d->doc, s->len) != 0)
            fail_msg("after kill %" PRIu64 ": event %lld was delivered as\n%s\nbut is stored "
                     "as\n%s",
                     k, (long long)d->seq, d->doc, s->doc);
        free(d->doc);
        d->doc = NULL; /* a later failure leaves the rest to the teardown */
    }
    w->nfresh = 0;
    for (int64_t seq = 1; seq <= w->last_seq; seq++)
        if (w->ev[seq].doc != NULL && ((size_t)seq >= w->times_cap || w->times[seq] == 0))
            fail_msg("after kill %" PRIu64 ": event %lld is stored but was never delivered", k,
                     (long long)seq);
}

static int inv_cmp(const void *pa, const void *pb)
{
    const invitation *a = pa, *b = pb;
    if (a->e != b->e)
        return a->e < b->e ? -1 : 1;
    return a->u < b->u ? -1 : a->u > b->u;
}

/* Read with sqlite3 itself; also updates the highest engagement id. */
static void read_invitations(world *w)
{
    sqlite3 *raw = NULL;
    if (sqlite3_open_v2(w->path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open_v2 %s: %s", w->path, sqlite3_errmsg(raw));
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT engagement, user, sequence FROM invitations";
    if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    w->ninv = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        w->inv = grow_to(w->inv, &w->capinv, w->ninv, sizeof *w->inv);
        w->inv[w->ninv++] = (invitation){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                         sqlite3_column_int64(st, 2)};
    }
    if (src != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    sqlite3_finalize(st);
    sql = "SELECT coalesce(max(id), 0) FROM engagements";
    if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    engsched_id max_id = sqlite3_column_int64(st, 0);
    assert_true(max_id >= w->max_engagement);
    w->max_engagement = max_id;
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    if (w->ninv > 0) /* qsort() of NULL is undefined, even for no element */
        qsort(w->inv, w->ninv, sizeof *w->inv, inv_cmp);
}

static void check_invitations(world *w, uint64_t k)
{
    read_invitations(w);
    for (size_t i = 0; i < w->ninv; i++) {
        const invitation *v = &w->inv[i];
        if (w->capmsg == 0 || w->msg[msg_slot(w, v->e, v->u, v->s)].bytes == NULL)
            fail_msg("after kill %" PRIu64 ": invitation (%lld, %lld) is at SEQUENCE %lld, but "
                     "no message engsched-%lld-%lld-%lld was delivered",
                     k, (long long)v->e, (long long)v->u, (long long)v->s, (long long)v->e,
                     (long long)v->u, (long long)v->s);
    }
    for (size_t i = 0; i < w->capmsg; i++) {
        const message *m = &w->msg[i];
        if (m->bytes == NULL)
            continue;
        invitation key = {m->e, m->u, 0};
        const invitation *v =
            w->ninv > 0 ? bsearch(&key, w->inv, w->ninv, sizeof *w->inv, inv_cmp) : NULL;
        if (v == NULL || m->s > v->s)
            fail_msg("after kill %" PRIu64 ": message engsched-%lld-%lld-%lld was delivered, "
                     "but the stored invitation is %s%lld",
                     k, (long long)m->e, (long long)m->u, (long long)m->s,
                     v ? "at SEQUENCE " : "missing", v ? (long long)v->s : 0LL);
    }
}

static void verify_round(world *w, uint64_t k, int64_t child_clock)
{
    read_log(w); /* the child's records, a truncated one cut off */
    /* A: the dead child's clock; its claims are not due yet. */
    open_verifier(w, child_clock, 0);
    uint64_t a = deliver_all(w);
    close_verifier(w);
    read_log(w);
    /* B: past every lease. */
    uint64_t records = w->records, again = w->redelivered;
    open_verifier(w, child_clock + FX_DAY, 0);
    uint64_t b = deliver_all(w);
    read_log(w);
    w->b_first += (w->records - records) - (w->redelivered - again);
    w->step_a += a, w->step_b += b;
    w->rounds_a += a > 0, w->rounds_b += b > 0;
    uint64_t pending = outbox_count(w, ENGSCHED_OUTBOX_PENDING);
    uint64_t bad = outbox_count(w, ENGSCHED_OUTBOX_DEAD | ENGSCHED_OUTBOX_UNDELIVERABLE);
    if (pending != 0 || bad != 0)
        fail_msg("after kill %" PRIu64 ": %" PRIu64 " pending, %" PRIu64
                 " dead or undeliverable items after delivery",
                 k, pending, bad);
    check_events(w, k);
    close_verifier(w); /* no handle may cross a fork */
    check_invitations(w, k);
}

/* --- setup and the test ---------------------------------------------------- */

static void seed_store(world *w)
{
    fx f; /* only for fx_ok's messages */
    memset(&f, 0, sizeof f);
    f.db = open_verifier(w, FX_T0, ENGSCHED_OPEN_CREATE);
    fx_ok(&f,
          engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email", "scheduling@example.com"));
    fx_ok(&f, engsched_client_upsert(f.db, ENGSCHED_SYSTEM, "client-0", "Acme Corp", &w->client));
    w->manager = fx_user(&f, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS);
    for (int i = 0; i < OPERATORS; i++) {
        char key[32];
        snprintf(key, sizeof key, "operator%d", i + 1);
        w->op[i] = fx_user(&f, key, ENGSCHED_ROLE_OPERATOR, 0);
        fx_ok(&f, engsched_access_grant(f.db, ENGSCHED_SYSTEM, w->op[i], w->client));
    }
    close_verifier(w);
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

static int world_new(void **state)
{
    *state = calloc(1, sizeof(world));
    return *state == NULL ? -1 : 0;
}

/* Runs after a failure too: nothing leaks, the files go. */
static int world_free(void **state)
{
    world *w = *state;
    engsched_close(w->db);
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; w->path[0] != '\0' && i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", w->path, suffixes[i]);
        unlink(p);
    }
    if (w->log_path[0] != '\0')
        unlink(w->log_path);
    for (size_t i = 0; i < w->ev_cap; i++)
        free(w->ev[i].doc);
    for (size_t i = 0; i < w->nfresh; i++)
        free(w->fresh[i].doc);
    for (size_t i = 0; i < w->capmsg; i++)
        free(w->msg[i].bytes);
    free(w->ev);
    free(w->times);
    free(w->fresh);
    free(w->msg);
    free(w->inv);
    free(w);
    return 0;
}

static void test_delivery_survives_kills(void **state)
{
    world *w = *state;
    uint64_t seed =
        env_u64("ENGSCHED_OUTBOX_SEED", (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
    uint64_t kills = env_u64("ENGSCHED_OUTBOX_KILLS", DEFAULT_KILLS);
    printf("outbox crash: seed %" PRIu64 " (replay with ENGSCHED_OUTBOX_SEED=%" PRIu64 "), %" PRIu64
           " kills\n",
           seed, seed, kills);
    uint64_t rng = seed;

    fx_temp_path(w->path, sizeof w->path, "outbox_crash.db");
    fx_temp_path(w->log_path, sizeof w->log_path, "outbox_crash.log");
    log_fd = open(w->log_path, O_RDWR | O_APPEND | O_CREAT | O_TRUNC, 0600);
    assert_true(log_fd >= 0);

    /* The delays scale with how fast this machine (or valgrind) runs: the
     * unit is four times what the first check took (two opens, two
     * deliveries, the reads), at least 5 ms. */
    int64_t started = monotonic_us();
    seed_store(w);
    int64_t seeded = monotonic_us();
    verify_round(w, 0, FX_T0);
    int64_t unit = 4 * (monotonic_us() - seeded);
    if (unit < 5000)
        unit = 5000;
    printf("outbox crash: delay unit %.1f ms\n", (double)unit / 1e3);

    for (uint64_t k = 1; k <= kills; k++) {
        int64_t clock = FX_T0 + (int64_t)k * ROUND_STEP;
        int64_t delay = rng_below(&rng, 4) == 0 ? (int64_t)rng_below(&rng, (uint32_t)unit * 12)
                                                : (int64_t)rng_below(&rng, (uint32_t)unit * 2);
        uint64_t before = w->records;
        w->now = clock;
        run_and_kill(w, rng_next(&rng), delay);
        read_log(w);
        w->in_open += w->records == before;
        verify_round(w, k, clock);
    }

    char msg[4096];
    int bad = fx_invariants_file(w->path, msg, sizeof msg);
    if (bad != 0)
        fail_msg("at the end: %d invariant violations: %s", bad, msg);
    printf("outbox crash: %" PRIu64 " kills in %.1f s; %lld events and %zu messages, all "
           "delivered; %" PRIu64 " records, %" PRIu64 " delivered again, %" PRIu64
           " truncated; %" PRIu64 " kills before the child delivered anything\n",
           kills, (double)(monotonic_us() - started) / 1e6, (long long)w->last_seq, w->nmsg,
           w->records, w->redelivered, w->truncated, w->in_open);
    printf("outbox crash: step A delivered %" PRIu64 " items in %" PRIu64 " rounds, step B %" PRIu64
           " in %" PRIu64 " rounds (%" PRIu64 " never delivered before)\n",
           w->step_a, w->rounds_a, w->step_b, w->rounds_b, w->b_first);
    if (kills >= DEFAULT_KILLS) {
        if (w->rounds_b == 0)
            fail_msg("no kill left claims behind, or step A took them before their lease ran out");
        if (w->b_first == 0)
            fail_msg("no kill landed between a commit and its callbacks");
        if (w->redelivered == 0)
            fail_msg("no kill landed between a callback and its mark");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivery_survives_kills, world_new, world_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
