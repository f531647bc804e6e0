/* Several deliverers on one outbox, black-box: four processes deliver
 * from one store at once, and when nobody crashes each item reaches a
 * callback exactly once.
 *
 * Four worker processes open the store (the file, or with
 * ENGSCHED_TEST_BACKEND=postgres the same schema) and wait at a barrier.
 * The parent meanwhile fills the outbox through a handle in
 * ENGSCHED_DELIVER_EXPLICIT mode (so nothing is delivered on commit):
 * engagements approved with two operators each, most of them edited once
 * or twice afterwards (each edit re-sends both invitations), which leaves
 * hundreds of invitation messages and event documents pending. It lists
 * what is pending and opens the barrier; each worker calls
 * engsched_deliver(db, 16, &res) until it delivered nothing twice in a
 * row, its callbacks recording each item (its Message-ID, or the event's
 * seq) in a file of its own. Checked:
 *
 * - every worker ended cleanly, no engsched_deliver() failed;
 * - the items delivered, over all workers, are exactly the pending ones:
 *   every pending event's seq once and no other, for every (engagement,
 *   operator) as many messages as were pending, and the messages are
 *   exactly those the changes made, Message-IDs engsched-E-U-0 … -n (n
 *   the number of edits), none twice;
 * - afterwards nothing is pending and the outbox holds exactly as many
 *   delivered items as were pending before (delivered items of the
 *   fixture's own setup were purged first);
 * - more than one worker delivered something: otherwise the run proved
 *   nothing about concurrent deliverers.
 *
 * The workers' clock stands still, so no lease (300 s) runs out: an item
 * delivered twice is a claim that failed to keep another deliverer off,
 * not an expected redelivery. A second test lets one lease run out on
 * purpose: the deliverer that lost its claim must not mark over the state
 * its successor wrote (the claim token check). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define WORKERS 4
#define ENGAGEMENTS 150
#define MAX_EDITS 2
#define CHUNK 16
#define LIST_PAGE 1000

/* What a worker's callback records: one fixed-size write per item. */
typedef struct item {
    int32_t kind; /* ENGSCHED_OUTBOX_MAIL or ENGSCHED_OUTBOX_EVENT */
    int32_t worker;
    int64_t e, u, s; /* mail: the Message-ID's engagement, user, sequence; event: s = seq */
} item;

typedef struct worker_ctx {
    int fd;
    int index;
    int64_t now;
} worker_ctx;

static int64_t fixed_clock(void *ctx) { return *(const int64_t *)ctx; }

/* Each handover takes a little while, as a real transport does: on a
 * loaded machine (CI runs the sanitizer build two tests at a time) one
 * worker could otherwise drain the whole outbox before the others are
 * scheduled, and the run would say nothing about several deliverers. The
 * other workers claim their own chunks meanwhile. */
static void handover_pause(void)
{
    struct timespec pause = {0, 200000}; /* 0.2 ms */
    nanosleep(&pause, NULL);
}

static int write_item(const worker_ctx *w, item it)
{
    it.worker = w->index;
    handover_pause();
    return write(w->fd, &it, sizeof it) == (ssize_t)sizeof it ? 0 : 1;
}

static int worker_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                       const char *message, size_t length)
{
    (void)recipient;
    (void)length;
    long long e = -1, u = -1, s = -1;
    const char *id = strstr(message, "\r\nMessage-ID: <engsched-");
    if (id == NULL || sscanf(id, "\r\nMessage-ID: <engsched-%lld-%lld-%lld@", &e, &u, &s) != 3 ||
        e != engagement || u != user)
        e = u = s = -1; /* the parent fails on it */
    return write_item(ctx, (item){ENGSCHED_OUTBOX_MAIL, 0, e, u, s});
}

static int worker_event(void *ctx, int64_t seq, const char *json, size_t length,
                        const char *signature)
{
    (void)json;
    (void)length;
    (void)signature;
    return write_item(ctx, (item){ENGSCHED_OUTBOX_EVENT, 0, 0, 0, seq});
}

/* One byte from the pipe; 0 at end of file, or after timeout_ms (-1:
 * no limit) without one. */
static char read_byte(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c = 0;
    int n;
    while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    while (n > 0 && read(fd, &c, 1) < 0 && errno == EINTR) {
    }
    return c;
}

/* A worker process: open, wait for the others, deliver until twice
 * nothing. Exit 0, or 3 with the reason on stderr. */
static void run_worker(const char *path, int index, const char *log, int ready, int go)
{
    worker_ctx w = {-1, index, FX_T0 + 3600};
    w.fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (w.fd < 0 && write(ready, "x", 1) != 1)
        _exit(4);
    if (w.fd < 0)
        _exit(4);
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0;
    opts.clock = fixed_clock;
    opts.clock_ctx = &w.now;
    opts.on_mail = worker_mail;
    opts.mail_ctx = &w;
    opts.deliver_event = worker_event;
    opts.deliver_event_ctx = &w;
    opts.delivery = ENGSCHED_DELIVER_EXPLICIT;
    engsched *db = NULL;
    engsched_rc rc = engsched_open(path, &opts, &db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "worker %d: open: %s: %s\n", index, engsched_rc_name(rc),
                engsched_open_errmsg());
        if (write(ready, "x", 1) != 1)
            _exit(4);
        _exit(3);
    }
    if (write(ready, "r", 1) != 1)
        _exit(4);
    read_byte(go, -1); /* returns at end of file: everybody is ready */
    for (int idle = 0; idle < 2;) {
        engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
        rc = engsched_deliver(db, CHUNK, &res);
        if (rc != ENGSCHED_OK || res.retrying != 0 || res.dead != 0) {
            fprintf(stderr, "worker %d: engsched_deliver: %s: %s (%u retrying, %u dead)\n", index,
                    engsched_rc_name(rc), engsched_errmsg(db), res.retrying, res.dead);
            _exit(3);
        }
        if (res.delivered > CHUNK) {
            fprintf(stderr, "worker %d: %u delivered with a limit of %d\n", index, res.delivered,
                    CHUNK);
            _exit(3);
        }
        idle = res.delivered == 0 ? idle + 1 : 0;
    }
    engsched_close(db);
    close(w.fd);
    _exit(0);
}

/* --- the parent ------------------------------------------------------------ */

typedef struct expected {
    item *items; /* what is pending: events by seq, mail by (e, u) */
    size_t count, cap;
} expected;

static void add_item(expected *x, item it)
{
    if (x->count == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 1024;
        x->items = realloc(x->items, x->cap * sizeof *x->items);
        assert_non_null(x->items);
    }
    x->items[x->count++] = it;
}

static int item_cmp(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->e != b->e)
        return a->e < b->e ? -1 : 1;
    if (a->u != b->u)
        return a->u < b->u ? -1 : 1;
    return a->s < b->s ? -1 : a->s > b->s;
}

static uint64_t count_items(fx *f, unsigned int states)
{
    uint64_t n = 0;
    fx_ok(f, engsched_outbox_count(f->db, ENGSCHED_SYSTEM, states, &n));
    return n;
}

/* The pending items as engsched_outbox_list_get() shows them. */
static void list_pending(fx *f, expected *events, expected *mail_pairs)
{
    int64_t after = 0;
    for (;;) {
        engsched_outbox_list *list = NULL;
        fx_ok(f, engsched_outbox_list_get(f->db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, after,
                                          LIST_PAGE, &list));
        size_t n = engsched_outbox_list_count(list);
        for (size_t i = 0; i < n; i++) {
            const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
            assert_true(e->id > after);
            after = e->id;
            if (e->kind == ENGSCHED_OUTBOX_EVENT)
                add_item(events, (item){ENGSCHED_OUTBOX_EVENT, 0, 0, 0, e->event_seq});
            else
                add_item(mail_pairs, (item){ENGSCHED_OUTBOX_MAIL, 0, e->engagement, e->user, 0});
        }
        engsched_outbox_list_free(list);
        if (n < LIST_PAGE)
            return;
    }
}

/* A handle delivering only in engsched_deliver(), events to @p fn. */
static engsched *open_explicit(const char *path, int64_t *clock, engsched_event_deliver_fn fn,
                               void *ctx)
{
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0;
    opts.busy_timeout_ms = 1000; /* nobody holds the lock long: fail early */
    opts.clock = fixed_clock;
    opts.clock_ctx = clock;
    opts.delivery = ENGSCHED_DELIVER_EXPLICIT;
    opts.deliver_event = fn;
    opts.deliver_event_ctx = ctx;
    engsched *db = NULL;
    engsched_rc rc = engsched_open(path, &opts, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s: %s", path, engsched_rc_name(rc), engsched_open_errmsg());
    return db;
}

/* Approve with both operators, then edit the name 0 to MAX_EDITS times;
 * each message the plan makes goes to @p messages. */
static void fill_outbox(fx *f, expected *messages)
{
    for (int i = 0; i < ENGAGEMENTS; i++) {
        char name[64];
        snprintf(name, sizeof name, "Worker test %d", i);
        engsched_id id = fx_request(f, f->manager, f->client[0], name, "2026-04-06", "2026-04-10");
        engsched_input *in = NULL;
        fx_ok(f, engsched_input_new(f->db, &in));
        fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
        fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
        fx_ok(f, engsched_approve(f->db, f->manager, id, 0, in));
        engsched_input_free(in);
        int edits = i % (MAX_EDITS + 1);
        for (int k = 1; k <= edits; k++) {
            snprintf(name, sizeof name, "Worker test %d, edit %d", i, k);
            fx_ok(f, engsched_input_new(f->db, &in));
            fx_ok(f, engsched_input_set_name(in, name));
            fx_ok(f, engsched_edit(f->db, f->manager, id, fx_version(f, id), in));
            engsched_input_free(in);
        }
        for (int s = 0; s <= edits; s++) {
            add_item(messages, (item){ENGSCHED_OUTBOX_MAIL, 0, id, f->operator1, s});
            add_item(messages, (item){ENGSCHED_OUTBOX_MAIL, 0, id, f->operator2, s});
        }
    }
}

static void read_worker_log(const char *log, int index, expected *got, size_t *per_worker)
{
    int fd = open(log, O_RDONLY);
    if (fd < 0)
        fail_msg("worker %d left no log: %s", index, strerror(errno));
    item it;
    ssize_t n;
    while ((n = read(fd, &it, sizeof it)) == (ssize_t)sizeof it) {
        if (it.worker != index || (it.kind == ENGSCHED_OUTBOX_MAIL && it.e < 0))
            fail_msg("worker %d recorded a bad item (worker %d, kind %d, %lld-%lld-%lld)", index,
                     it.worker, it.kind, (long long)it.e, (long long)it.u, (long long)it.s);
        add_item(got, it);
        per_worker[index]++;
    }
    if (n != 0)
        fail_msg("worker %d's log ends in half a record", index);
    close(fd);
    unlink(log);
}

/* @p want and @p have hold the same items, as many times each (the
 * sequence of messages ignored unless @p compare_s); fails at the first
 * difference. Sorts both, and with !compare_s clears have's sequences. */
static void same_items(const char *what, expected *want, expected *have, int compare_s)
{
    for (size_t i = 0; !compare_s && i < have->count; i++)
        have->items[i].s = 0;
    if (want->count > 0)
        qsort(want->items, want->count, sizeof(item), item_cmp);
    if (have->count > 0)
        qsort(have->items, have->count, sizeof(item), item_cmp);
    size_t i = 0, j = 0;
    while (i < want->count || j < have->count) {
        int c = i == want->count   ? 1
                : j == have->count ? -1
                                   : item_cmp(&want->items[i], &have->items[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        const item *it = c < 0 ? &want->items[i] : &have->items[j];
        fail_msg("%s: %s (%lld, %lld, %lld)%s", what,
                 c < 0 ? "pending but not delivered (or delivered fewer times)"
                       : "delivered but not pending (or more times than pending)",
                 (long long)it->e, (long long)it->u, (long long)it->s,
                 c > 0 && j > 0 && item_cmp(&have->items[j - 1], it) == 0 ? ", twice" : "");
    }
}

/* Fork the workers; returns once each has opened the store and waits
 * at the barrier, which opens when *go is closed. They are forked before
 * the parent allocates anything, so that no child inherits (and, exiting,
 * leaks) the parent's tables. */
static void start_workers(const char *path, char logs[WORKERS][600], pid_t pids[WORKERS], int *go)
{
    int ready[2], barrier[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(barrier), 0);
    fflush(NULL);
    for (int i = 0; i < WORKERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "outbox_worker%d.log", i);
        fx_temp_path(logs[i], sizeof logs[i], name);
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(ready[0]);
            close(barrier[1]);
            run_worker(path, i, logs[i], ready[1], barrier[0]);
        }
    }
    close(ready[1]);
    close(barrier[0]);
    int opened = 0;
    for (int i = 0; i < WORKERS; i++)
        opened += read_byte(ready[0], 120000) == 'r';
    close(ready[0]);
    *go = barrier[1];
    if (opened < WORKERS) { /* release the others, then fail */
        close(*go);
        for (int i = 0; i < WORKERS; i++)
            waitpid(pids[i], NULL, 0);
        fail_msg("only %d of %d workers opened the store (the message is above)", opened, WORKERS);
    }
}

static void test_four_workers_deliver_each_item_once(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    if (fx_backend_is_memory()) {
        fx_close(&f);
        skip(); /* needs a store a second process opens by path */
    }
    /* The fixture's handle delivers on commit; seed through our own, and
     * drop what the fixture's setup delivered, so that the outbox holds
     * exactly what this test makes. */
    fx_ok(&f, engsched_close(f.db));
    int64_t clock = FX_T0;
    f.db = open_explicit(f.path, &clock, NULL, NULL);
    fx_ok(&f, engsched_outbox_purge(f.db, ENGSCHED_SYSTEM, FX_T0 + FX_DAY, NULL));
    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_ALL), 0);
    fx_ok(&f,
          engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email", "scheduling@example.com"));
    fx_ok(&f, engsched_close(f.db)); /* no handle may cross a fork */
    f.db = NULL;
    char logs[WORKERS][600];
    pid_t pids[WORKERS];
    int go = -1;
    start_workers(f.path, logs, pids, &go);

    f.db = open_explicit(f.path, &clock, NULL, NULL);
    expected messages = {0}, events = {0}, pairs = {0}, got_events = {0}, got_mail = {0};
    fill_outbox(&f, &messages);
    uint64_t pending = count_items(&f, ENGSCHED_OUTBOX_PENDING);
    list_pending(&f, &events, &pairs);
    assert_int_equal(events.count + pairs.count, pending);
    assert_int_equal(pairs.count, messages.count);
    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_ALL), pending);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    close(go); /* the barrier opens: every worker reads end of file */
    int failed = 0;
    for (int i = 0; i < WORKERS; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        failed |= !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (failed)
        fail_msg("a worker failed (its message is above)");

    size_t per_worker[WORKERS] = {0};
    for (int i = 0; i < WORKERS; i++) {
        expected got = {0};
        read_worker_log(logs[i], i, &got, per_worker);
        for (size_t k = 0; k < got.count; k++)
            add_item(got.items[k].kind == ENGSCHED_OUTBOX_MAIL ? &got_mail : &got_events,
                     got.items[k]);
        free(got.items);
    }
    int busy = 0;
    for (int i = 0; i < WORKERS; i++)
        busy += per_worker[i] > 0;
    printf("outbox workers: %" PRIu64 " pending items (%zu messages, %zu events) delivered in "
           "%.2f s, by worker: %zu %zu %zu %zu\n",
           pending, pairs.count, events.count,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, per_worker[0],
           per_worker[1], per_worker[2], per_worker[3]);

    /* Exactly the messages the changes made, each once ... */
    expected mail_copy = {0};
    for (size_t i = 0; i < got_mail.count; i++)
        add_item(&mail_copy, got_mail.items[i]);
    same_items("messages", &messages, &mail_copy, 1);
    /* ... as many per (engagement, operator) as the outbox listed ... */
    same_items("messages per (engagement, operator)", &pairs, &got_mail, 0);
    /* ... and each pending event once. */
    same_items("events", &events, &got_events, 1);

    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_PENDING), 0);
    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_DELIVERED), pending);
    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_ALL), pending);
    if (busy < 2)
        fail_msg("only %d worker delivered anything: the run says nothing about several "
                 "deliverers",
                 busy);
    free(messages.items);
    free(events.items);
    free(pairs.items);
    free(got_events.items);
    free(got_mail.items);
    free(mail_copy.items);
    fx_close(&f);
}

/* --- a deliverer whose lease ran out --------------------------------------
 *
 * Deliverer A claims the pending events; its first callback stalls past
 * the lease (the shared clock moves 301 s) and, in the meantime, B takes
 * the items over and refuses them all: B's marks schedule their retries.
 * Then A's callbacks accept, too late. A's mark must leave B's state: A's
 * claim token is no longer on the items, so nothing is A's to mark — the
 * items stay pending with B's one refused attempt, and A counts nothing
 * delivered. (A holds no transaction during its callbacks, or B could not
 * claim.) The four workers above never see this: their clock stands
 * still, so no lease runs out. */

typedef struct late {
    engsched *successor;
    int64_t now;
    unsigned int first_calls, successor_calls;
    engsched_rc successor_rc;
    engsched_delivery_result successor_res;
} late;

static int successor_refuses(void *ctx, int64_t seq, const char *json, size_t length,
                             const char *signature)
{
    late *l = ctx;
    (void)seq, (void)json, (void)length, (void)signature;
    l->successor_calls++;
    return 1;
}

static int first_accepts_late(void *ctx, int64_t seq, const char *json, size_t length,
                              const char *signature)
{
    late *l = ctx;
    (void)seq, (void)json, (void)length, (void)signature;
    if (l->first_calls++ == 0) {
        l->now += 301; /* past delivery_lease_seconds (300) */
        l->successor_res = (engsched_delivery_result){ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
        l->successor_rc = engsched_deliver(l->successor, 0, &l->successor_res);
    }
    return 0;
}

static void test_late_mark_leaves_the_successors_state(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    if (fx_backend_is_memory()) {
        fx_close(&f);
        skip();
    }
    late l = {.now = FX_T0};
    fx_ok(&f, engsched_close(f.db));
    f.db = open_explicit(f.path, &l.now, NULL, NULL);
    fx_ok(&f, engsched_outbox_purge(f.db, ENGSCHED_SYSTEM, FX_T0 + FX_DAY, NULL));
    for (int i = 0; i < 3; i++)
        fx_request(&f, f.manager, f.client[0], "Late", "2026-04-06", "2026-04-10");
    uint64_t pending = count_items(&f, ENGSCHED_OUTBOX_PENDING);
    assert_true(pending >= 3);
    l.successor = open_explicit(f.path, &l.now, successor_refuses, &l);
    engsched *first = open_explicit(f.path, &l.now, first_accepts_late, &l);

    engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    engsched_rc rc = engsched_deliver(first, 0, &res);
    if (rc != ENGSCHED_OK)
        fail_msg("engsched_deliver: %s: %s", engsched_rc_name(rc), engsched_errmsg(first));
    if (l.successor_rc != ENGSCHED_OK)
        fail_msg("the successor's engsched_deliver: %s: %s", engsched_rc_name(l.successor_rc),
                 engsched_errmsg(l.successor));
    assert_int_equal(l.first_calls, pending);
    assert_int_equal(l.successor_calls, pending);
    assert_int_equal(l.successor_res.retrying, pending);
    if (res.delivered != 0)
        fail_msg("the deliverer whose lease ran out marked %u items delivered over its "
                 "successor's refusal",
                 res.delivered);
    assert_int_equal(count_items(&f, ENGSCHED_OUTBOX_DELIVERED), 0);
    engsched_outbox_list *list = NULL;
    fx_ok(&f,
          engsched_outbox_list_get(f.db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, 0, 100, &list));
    assert_int_equal(engsched_outbox_list_count(list), pending);
    for (size_t i = 0; i < engsched_outbox_list_count(list); i++) {
        const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
        assert_int_equal(e->attempts, 1);
        assert_non_null(strstr(e->reason, "refused"));
    }
    engsched_outbox_list_free(list);
    assert_int_equal(engsched_close(first), ENGSCHED_OK);
    assert_int_equal(engsched_close(l.successor), ENGSCHED_OK);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_workers_deliver_each_item_once),
        cmocka_unit_test(test_late_mark_leaves_the_successors_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
