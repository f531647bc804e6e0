/* Allocation failure at every site of delivery. A store gets a backlog of
 * pending mail and events (delivery explicit, allocator healthy); then
 * for n = 1, 2, … a fresh copy of that backlog is delivered with the n-th
 * library allocation failing, until a run meets no failure. Each run:
 * - engsched_deliver() returns ENGSCHED_ENOMEM (or OK, when the failure
 *   fell where it cannot matter), never anything else;
 * - nothing is marked delivered that a callback did not take: every
 *   delivered item's id is one the callbacks saw;
 * - with the allocator healthy again, a second delivery (the clock past
 *   the lease, so items claimed by the failed run are taken again) leaves
 *   nothing pending, and the callbacks together saw every item;
 * - after the handle closes no library allocation is live.
 * jansson and libical are not failed here: test_alloc_failure.c covers
 * jansson's hooks, and delivery renders events without jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

#define MAX_ITEMS 256

typedef struct counter {
    size_t live, counted, fail_at, injected;
    int armed;
} counter;

typedef union header {
    max_align_t align;
    size_t size;
} header;

static counter lib;

static int should_fail(void)
{
    if (!lib.armed)
        return 0;
    if (++lib.counted != lib.fail_at)
        return 0;
    lib.injected++;
    return 1;
}

static void *c_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (should_fail())
        return NULL;
    header *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    lib.live++;
    return h + 1;
}

static void *c_realloc(void *ptr, size_t size, void *ctx)
{
    if (ptr == NULL)
        return c_malloc(size, ctx);
    if (should_fail())
        return NULL;
    header *h = realloc((header *)ptr - 1, sizeof *h + size);
    return h != NULL ? h + 1 : NULL;
}

static void c_free(void *ptr, void *ctx)
{
    (void)ctx;
    if (ptr == NULL)
        return;
    lib.live--;
    free((header *)ptr - 1);
}

typedef struct seen {
    int64_t now;
    int64_t mail[MAX_ITEMS]; /* Message-ID hashes are overkill: engagement*1000+user */
    size_t mail_count;
    int64_t seqs[MAX_ITEMS];
    size_t seq_count;
} seen;

static seen S;
/* Items before the backlog were delivered by the fixture's own handle. */
static int64_t first_backlog_id;

static int64_t clock_fn(void *ctx) { return ((seen *)ctx)->now; }

static int take_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                     const char *message, size_t length)
{
    seen *s = ctx;
    (void)recipient, (void)message, (void)length;
    if (s->mail_count < MAX_ITEMS)
        s->mail[s->mail_count++] = engagement * 1000 + user;
    return 0;
}

static int take_event(void *ctx, int64_t seq, const char *json, size_t length,
                      const char *signature)
{
    seen *s = ctx;
    (void)json, (void)length, (void)signature;
    if (s->seq_count < MAX_ITEMS)
        s->seqs[s->seq_count++] = seq;
    return 0;
}

static engsched *open_store(const char *path, int callbacks)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.clock = clock_fn;
    o.clock_ctx = &S;
    o.delivery = ENGSCHED_DELIVER_EXPLICIT;
    if (callbacks) {
        o.on_mail = take_mail;
        o.mail_ctx = &S;
        o.deliver_event = take_event;
        o.deliver_event_ctx = &S;
    }
    engsched *db = NULL;
    if (engsched_open(path, &o, &db) != ENGSCHED_OK)
        fail_msg("open %s: %s", path, engsched_open_errmsg());
    return db;
}

static int was_taken(const engsched_outbox_entry *e)
{
    if (e->kind == ENGSCHED_OUTBOX_MAIL) {
        for (size_t i = 0; i < S.mail_count; i++)
            if (S.mail[i] == e->engagement * 1000 + e->user)
                return 1;
        return 0;
    }
    for (size_t i = 0; i < S.seq_count; i++)
        if (S.seqs[i] == e->event_seq)
            return 1;
    return 0;
}

/* Every delivered item was taken by a callback; returns how many. */
static size_t check_delivered_were_taken(engsched *db)
{
    engsched_outbox_list *list = NULL;
    assert_int_equal(engsched_outbox_list_get(db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_DELIVERED, 0,
                                              1000, &list),
                     ENGSCHED_OK);
    size_t n = engsched_outbox_list_count(list);
    for (size_t i = 0, all = n; i < all; i++) {
        const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
        if (e->id < first_backlog_id) {
            n--;
            continue;
        }
        if (!was_taken(e))
            fail_msg("item %lld is marked delivered but no callback took it",
                     (long long)e->id);
    }
    engsched_outbox_list_free(list);
    return n;
}

/* A byte copy of a closed store (its WAL was checkpointed at close); any
 * WAL or shared-memory file of an earlier copy is removed. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    assert_int_equal(fclose(in), 0);
    assert_int_equal(fclose(out), 0);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", to);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", to);
    unlink(side);
}

/* The backlog: a few approvals with two operators, delivery explicit. */
static void make_backlog(const char *path, uint64_t *out_pending)
{
    fx f;
    fx_open(&f, 1);
    fx_ok(&f, engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_email", "org@example.com"));
    char src[512];
    snprintf(src, sizeof src, "%s", f.path);
    assert_int_equal(engsched_close(f.db), ENGSCHED_OK);
    f.db = open_store(src, 0);
    for (int i = 0; i < 3; i++) {
        engsched_id id = fx_request(&f, f.client_user, f.client[0], "Backlog", "2026-04-06",
                                    "2026-04-10");
        engsched_input *in = NULL;
        fx_ok(&f, engsched_input_new(f.db, &in));
        fx_ok(&f, engsched_input_add_operator(in, f.operator1, ENGSCHED_OPROLE_LEAD));
        fx_ok(&f, engsched_input_add_operator(in, f.operator2, ENGSCHED_OPROLE_TESTER));
        fx_ok(&f, engsched_approve(f.db, f.manager, id, 0, in));
        engsched_input_free(in);
    }
    fx_ok(&f, engsched_outbox_count(f.db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, out_pending));
    engsched_outbox_list *list = NULL;
    fx_ok(&f, engsched_outbox_list_get(f.db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, 0, 1, &list));
    first_backlog_id = engsched_outbox_list_item(list, 0)->id;
    engsched_outbox_list_free(list);
    assert_int_equal(engsched_close(f.db), ENGSCHED_OK);
    copy_file(src, path);
    unlink(src);
}

static int run_once(const char *backlog, const char *path, size_t fail_at, uint64_t pending)
{
    copy_file(backlog, path);
    memset(&S, 0, sizeof S);
    S.now = FX_T0 + FX_DAY;
    engsched *db = open_store(path, 1);
    lib.counted = 0;
    lib.fail_at = fail_at;
    lib.injected = 0;
    lib.armed = 1;
    engsched_rc rc = engsched_deliver(db, 0, NULL);
    lib.armed = 0;
    int injected = lib.injected > 0;
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOMEM)
        fail_msg("allocation %zu: engsched_deliver returned %s: %s", fail_at,
                 engsched_rc_name(rc), engsched_errmsg(db));
    if (injected && rc == ENGSCHED_ENOMEM)
        assert_int_equal(engsched_errcode(db), ENGSCHED_ENOMEM);
    check_delivered_were_taken(db);
    S.now += 3600; /* past the lease of whatever the failed run claimed */
    assert_int_equal(engsched_deliver(db, 0, NULL), ENGSCHED_OK);
    uint64_t left = 1;
    assert_int_equal(engsched_outbox_count(db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, &left),
                     ENGSCHED_OK);
    assert_int_equal(left, 0);
    assert_int_equal(check_delivered_were_taken(db), pending);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    assert_int_equal(lib.live, 0);
    return injected;
}

static void test_every_allocation_of_delivery(void **state)
{
    (void)state;
    char backlog[512], path[512];
    fx_temp_path(backlog, sizeof backlog, "outbox-alloc-backlog.db");
    fx_temp_path(path, sizeof path, "outbox-alloc.db");
    uint64_t pending = 0;
    make_backlog(backlog, &pending);
    assert_true(pending >= 12);
    size_t stride = 1;
    const char *env = getenv("ENGSCHED_TEST_FAULT_STRIDE");
    if (env != NULL && atoi(env) > 1)
        stride = (size_t)atoi(env);
    size_t n = 1;
    while (run_once(backlog, path, n, pending))
        n += stride;
    assert_true(n > 10); /* delivery allocates: the loop proved something */
    unlink(backlog);
    unlink(path);
}

int main(void)
{
    engsched_allocator a = {ENGSCHED_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, NULL};
    if (engsched_set_allocator(&a) != ENGSCHED_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_delivery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
