/* The outbox through the public API: delivery on commit, refusing
 * callbacks and retries with backoff, dead items and their re-queue,
 * undeliverable invitations (no organizer), byte-identical retries,
 * explicit delivery by another handle, signed event documents, the event
 * stream resumed from every sequence number, purge, and bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <engsched/backends.h>
#include <engsched/storage.h>

#include "fixture.h"
#include "pg_scratch.h"

#define MAX_ITEMS 512

typedef struct mail_item {
    engsched_id engagement, user;
    char *bytes;
    size_t len;
} mail_item;

typedef struct box {
    fx f;
    int refuse_mail;   /* 0 accept, 1 refuse all, 2 refuse every second call */
    int refuse_events; /* 1 refuse all */
    unsigned int mail_calls, event_calls;
    mail_item mail[MAX_ITEMS]; /* accepted */
    size_t mail_count;
    char *refused_first; /* the bytes of the first refused message */
    int64_t seqs[MAX_ITEMS]; /* accepted events */
    size_t seq_count;
    char last_signature[128];
    char last_doc[4096];
    int reentered; /* a callback's call on the handle returned EMISUSE */
    int try_reenter;
} box;

static box B;

static int64_t clock_fn(void *ctx) { return ((box *)ctx)->f.now; }

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    box *b = ctx;
    (void)recipient;
    b->mail_calls++;
    if (b->try_reenter) {
        engsched_delivery_result r = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
        b->reentered = engsched_deliver(b->f.db, 0, &r) == ENGSCHED_EMISUSE;
    }
    int refuse = b->refuse_mail == 1 || (b->refuse_mail == 2 && b->mail_calls % 2 == 1);
    if (refuse) {
        if (b->refused_first == NULL) {
            b->refused_first = malloc(length + 1);
            memcpy(b->refused_first, message, length + 1);
        }
        return 1;
    }
    assert_true(b->mail_count < MAX_ITEMS);
    mail_item *m = &b->mail[b->mail_count++];
    m->engagement = engagement;
    m->user = user;
    m->bytes = malloc(length + 1);
    memcpy(m->bytes, message, length + 1);
    m->len = length;
    return 0;
}

static int on_event(void *ctx, int64_t seq, const char *json, size_t length,
                    const char *signature)
{
    box *b = ctx;
    b->event_calls++;
    assert_int_equal(strlen(json), length);
    if (b->refuse_events)
        return 1;
    assert_true(b->seq_count < MAX_ITEMS);
    b->seqs[b->seq_count++] = seq;
    snprintf(b->last_doc, sizeof b->last_doc, "%s", json);
    snprintf(b->last_signature, sizeof b->last_signature, "%s", signature ? signature : "");
    return 0;
}

static void reset_seen(box *b)
{
    for (size_t i = 0; i < b->mail_count; i++)
        free(b->mail[i].bytes);
    free(b->refused_first);
    b->refused_first = NULL;
    b->mail_count = b->seq_count = 0;
    b->mail_calls = b->event_calls = 0;
}

static engsched_options options(box *b, unsigned int delivery, int with_callbacks)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.clock = clock_fn;
    o.clock_ctx = b;
    o.delivery = delivery;
    if (with_callbacks) {
        o.on_mail = on_mail;
        o.mail_ctx = b;
        o.deliver_event = on_event;
        o.deliver_event_ctx = b;
    }
    return o;
}

/* The fixture's store, reopened with this test's callbacks. */
static void reopen(box *b, unsigned int delivery, int with_callbacks)
{
    assert_int_equal(engsched_close(b->f.db), ENGSCHED_OK);
    engsched_options o = options(b, delivery, with_callbacks);
    engsched_rc rc = engsched_open(b->f.path, &o, &b->f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopen %s: %s", b->f.path, engsched_open_errmsg());
}

static int setup(void **state)
{
    memset(&B, 0, sizeof B);
    fx_open(&B.f, 1);
    fx_ok(&B.f, engsched_setting_set(B.f.db, ENGSCHED_SYSTEM, "organizer_email",
                                     "scheduling@example.com"));
    reopen(&B, ENGSCHED_DELIVER_ON_COMMIT, 1);
    *state = &B;
    return 0;
}

static int teardown(void **state)
{
    box *b = *state;
    reset_seen(b);
    fx_close(&b->f);
    return 0;
}

static engsched_id approved_with_two(box *b, const char *name)
{
    engsched_id id = fx_request(&b->f, b->f.client_user, b->f.client[0], name, "2026-04-06",
                                "2026-04-10");
    engsched_input *in = NULL;
    fx_ok(&b->f, engsched_input_new(b->f.db, &in));
    fx_ok(&b->f, engsched_input_add_operator(in, b->f.operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(&b->f, engsched_input_add_operator(in, b->f.operator2, ENGSCHED_OPROLE_TESTER));
    fx_ok(&b->f, engsched_approve(b->f.db, b->f.manager, id, 0, in));
    engsched_input_free(in);
    return id;
}

static uint64_t count(box *b, unsigned int states)
{
    uint64_t n = 0;
    fx_ok(&b->f, engsched_outbox_count(b->f.db, b->f.admin, states, &n));
    return n;
}

static engsched_delivery_result deliver(box *b)
{
    engsched_delivery_result r = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    fx_ok(&b->f, engsched_deliver(b->f.db, 0, &r));
    return r;
}

/* --- delivery on commit ---------------------------------------------- */

static void test_commit_delivers_mail_and_events(void **state)
{
    box *b = *state;
    uint64_t before = count(b, ENGSCHED_OUTBOX_DELIVERED);
    approved_with_two(b, "Delivered");
    assert_int_equal(b->mail_count, 2);
    assert_non_null(strstr(b->mail[0].bytes, "Message-ID: <"));
    assert_true(b->seq_count >= 2);
    /* Every event document carries its sequence number. */
    char key[48];
    snprintf(key, sizeof key, "\"seq\":%lld,", (long long)b->seqs[b->seq_count - 1]);
    assert_non_null(strstr(b->last_doc, key));
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), 0);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_DELIVERED) - before, b->mail_count + b->seq_count);
    assert_int_equal(engsched_undeliverable_count(b->f.db), 0);
    /* Nothing is left: a second delivery hands over nothing again. */
    engsched_delivery_result r = deliver(b);
    assert_int_equal(r.delivered, 0);
}

/* --- events rendered per chunk ---------------------------------------- */

/* The backend's event_list, counted, with one sequence number hidden as if
 * its event had gone from the store. */
typedef struct event_spy {
    engsched_rc (*real)(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                        unsigned int limit, engsched_storage_event_fn row, void *ctx);
    unsigned int calls;
    int64_t hidden;
    engsched_storage_event_fn row;
    void *ctx;
} event_spy;

static event_spy Spy;

static engsched_rc spy_row(void *ctx, const engsched_rec_event *row)
{
    event_spy *spy = ctx;
    return row->seq == spy->hidden ? ENGSCHED_OK : spy->row(spy->ctx, row);
}

static engsched_rc spy_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                                  unsigned int limit, engsched_storage_event_fn row, void *ctx)
{
    Spy.calls++;
    Spy.row = row;
    Spy.ctx = ctx;
    return Spy.real(s, engagement, after_seq, limit, spy_row, &Spy);
}

/* The fixture's store, reopened for explicit delivery through the spy. */
static void reopen_spied(box *b)
{
    assert_int_equal(engsched_close(b->f.db), ENGSCHED_OK);
    engsched_options o = options(b, ENGSCHED_DELIVER_EXPLICIT, 1);
    engsched_storage *s = NULL;
    engsched_rc rc = fx_pg_is_scratch(b->f.path)
                         ? engsched_storage_postgres_new(b->f.path, o.flags, &s)
                         : engsched_storage_sqlite_new(b->f.path, o.flags, &s);
    assert_int_equal(rc, ENGSCHED_OK);
    Spy.real = s->event_list;
    s->event_list = spy_event_list;
    rc = engsched_open_backend(s, &o, &b->f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopen %s: %s", b->f.path, engsched_open_errmsg());
}

static void test_chunk_events_read_at_once_missing_undeliverable(void **state)
{
    box *b = *state;
    int64_t first = 0, last = 0;
    reopen_spied(b);
    fx_ok(&b->f, engsched_events_last_seq(b->f.db, &first));
    for (int i = 0; i < 3; i++)
        approved_with_two(b, "Rendered per chunk");
    fx_ok(&b->f, engsched_events_last_seq(b->f.db, &last));
    assert_true(last - first >= 3);
    Spy.hidden = first + 2;
    Spy.calls = 0;
    uint64_t undeliverable = count(b, ENGSCHED_OUTBOX_UNDELIVERABLE);
    deliver(b);
    /* One listing for the chunk's consecutive events, not one per event. */
    assert_int_equal(Spy.calls, 1);
    assert_int_equal(b->seq_count, (size_t)(last - first - 1));
    for (size_t i = 0; i < b->seq_count; i++)
        assert_true(b->seqs[i] != Spy.hidden);
    /* The missing event's item is undeliverable: no retry brings it back. */
    assert_int_equal(count(b, ENGSCHED_OUTBOX_UNDELIVERABLE) - undeliverable, 1);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), 0);
    memset(&Spy, 0, sizeof Spy);
}

/* --- refusals, retries, dead items ------------------------------------ */

static void test_every_second_refused_arrives_after_retries(void **state)
{
    box *b = *state;
    b->refuse_mail = 2;
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "Flaky %d", i);
        approved_with_two(b, name);
    }
    assert_true(count(b, ENGSCHED_OUTBOX_PENDING) > 0);
    /* Retries wait: delivering again right away hands over nothing. */
    unsigned int calls = b->mail_calls;
    deliver(b);
    assert_int_equal(b->mail_calls, calls);
    for (int round = 0; round < 10 && count(b, ENGSCHED_OUTBOX_PENDING) > 0; round++) {
        b->f.now += 3600;
        deliver(b);
    }
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), 0);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_DEAD), 0);
    assert_int_equal(b->mail_count, 10);
    /* Ten distinct messages, once each. */
    for (size_t i = 0; i < b->mail_count; i++)
        for (size_t j = i + 1; j < b->mail_count; j++)
            assert_string_not_equal(b->mail[i].bytes, b->mail[j].bytes);
}

static void test_retry_is_byte_identical(void **state)
{
    box *b = *state;
    b->refuse_mail = 1;
    engsched_id id = fx_request(&b->f, b->f.client_user, b->f.client[0], "Same bytes",
                                "2026-04-06", "2026-04-10");
    fx_approve(&b->f, id);
    assert_non_null(b->refused_first);
    b->refuse_mail = 0;
    b->f.now += 7 * FX_DAY; /* the clock moved: DTSTAMP and Date must not */
    deliver(b);
    assert_int_equal(b->mail_count, 1);
    assert_string_equal(b->mail[0].bytes, b->refused_first);
}

static void test_always_refused_goes_dead_and_requeues(void **state)
{
    box *b = *state;
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "delivery_max_attempts", "3"));
    b->refuse_mail = 1;
    approved_with_two(b, "Never taken");
    engsched_delivery_result total = {0};
    for (int round = 0; round < 6; round++) {
        b->f.now += FX_DAY + 1;
        engsched_delivery_result r = deliver(b);
        total.retrying += r.retrying;
        total.dead += r.dead;
    }
    assert_int_equal(total.dead, 2);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_DEAD), 2);
    assert_int_equal(b->mail_calls, 6); /* 3 attempts each, then no more */
    engsched_outbox_list *list = NULL;
    fx_ok(&b->f, engsched_outbox_list_get(b->f.db, b->f.admin, ENGSCHED_OUTBOX_DEAD, 0, 10, &list));
    assert_int_equal(engsched_outbox_list_count(list), 2);
    const engsched_outbox_entry *e = engsched_outbox_list_item(list, 0);
    assert_int_equal(e->kind, ENGSCHED_OUTBOX_MAIL);
    assert_int_equal(e->attempts, 3);
    assert_non_null(strstr(e->reason, "refused"));
    assert_string_equal(e->recipient, "operator1@example.com");
    int64_t dead_id = e->id;
    assert_null(engsched_outbox_list_item(list, 2));
    engsched_outbox_list_free(list);
    /* Only an administrator re-queues. */
    fx_rc(&b->f, ENGSCHED_EDENIED, engsched_outbox_requeue(b->f.db, b->f.manager, dead_id, NULL));
    b->refuse_mail = 0;
    unsigned int requeued = 0;
    fx_ok(&b->f, engsched_outbox_requeue(b->f.db, b->f.admin, dead_id, &requeued));
    assert_int_equal(requeued, 1);
    assert_int_equal(b->mail_count, 1); /* delivered on the re-queue's commit */
    fx_ok(&b->f, engsched_outbox_requeue(b->f.db, b->f.admin, 0, &requeued));
    assert_int_equal(requeued, 1);
    assert_int_equal(b->mail_count, 2);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_DEAD), 0);
    /* A delivered item is not re-queued. */
    fx_rc(&b->f, ENGSCHED_ESTATE, engsched_outbox_requeue(b->f.db, b->f.admin, dead_id, NULL));
    fx_rc(&b->f, ENGSCHED_ENOTFOUND, engsched_outbox_requeue(b->f.db, b->f.admin, 99999, NULL));
}

/* --- undeliverable ---------------------------------------------------- */

static void test_missing_organizer_is_undeliverable_then_requeued(void **state)
{
    box *b = *state;
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "organizer_email", ""));
    engsched_id id = approved_with_two(b, "No organizer");
    assert_int_equal(engsched_undeliverable_count(b->f.db), 2);
    assert_int_equal(fx_status(&b->f, id), ENGSCHED_STATUS_SCHEDULED); /* the change stands */
    assert_int_equal(engsched_undeliverable_count(b->f.db), 0); /* the read cleared it */
    assert_int_equal(b->mail_count, 0);
    engsched_outbox_list *list = NULL;
    fx_ok(&b->f, engsched_outbox_list_get(b->f.db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_UNDELIVERABLE,
                                          0, 10, &list));
    assert_int_equal(engsched_outbox_list_count(list), 2);
    assert_non_null(strstr(engsched_outbox_list_item(list, 0)->reason, "organizer_email"));
    engsched_outbox_list_free(list);
    /* ... and an event says so, for a webhook. */
    assert_non_null(strstr(b->last_doc, "\"action\":\"invitation.undeliverable\""));
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "organizer_email",
                                      "scheduling@example.com"));
    unsigned int requeued = 0;
    fx_ok(&b->f, engsched_outbox_requeue(b->f.db, b->f.admin, 0, &requeued));
    assert_int_equal(requeued, 2);
    assert_int_equal(b->mail_count, 2);
    assert_non_null(strstr(b->mail[0].bytes, "scheduling@example.com"));
    assert_int_equal(count(b, ENGSCHED_OUTBOX_UNDELIVERABLE), 0);
}

static void test_operator_without_address_is_undeliverable(void **state)
{
    box *b = *state;
    engsched_id nomail = 0;
    fx_ok(&b->f, engsched_user_upsert(b->f.db, ENGSCHED_SYSTEM, "nomail", NULL, "No Mail",
                                      ENGSCHED_ROLE_OPERATOR, ENGSCHED_USER_ALL_CLIENTS, &nomail));
    engsched_id id = fx_request(&b->f, b->f.client_user, b->f.client[0], "No address",
                                "2026-04-06", "2026-04-10");
    engsched_input *in = NULL;
    fx_ok(&b->f, engsched_input_new(b->f.db, &in));
    fx_ok(&b->f, engsched_input_add_operator(in, nomail, ENGSCHED_OPROLE_LEAD));
    fx_ok(&b->f, engsched_input_add_operator(in, b->f.operator1, ENGSCHED_OPROLE_TESTER));
    fx_ok(&b->f, engsched_approve(b->f.db, b->f.manager, id, 0, in));
    engsched_input_free(in);
    assert_int_equal(engsched_undeliverable_count(b->f.db), 1);
    assert_int_equal(b->mail_count, 1); /* the other operator's went out */
}

/* --- explicit delivery, other handles ---------------------------------- */

static void test_explicit_mode_and_a_worker_handle(void **state)
{
    box *b = *state;
    reopen(b, ENGSCHED_DELIVER_EXPLICIT, 1);
    approved_with_two(b, "Later");
    assert_int_equal(b->mail_count, 0);
    assert_int_equal(b->seq_count, 0);
    uint64_t pending = count(b, ENGSCHED_OUTBOX_PENDING);
    assert_true(pending >= 4);
    /* A handle without callbacks leaves everything pending. */
    reopen(b, ENGSCHED_DELIVER_ON_COMMIT, 0);
    deliver(b);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), pending);
    /* A limit is honoured. */
    reopen(b, ENGSCHED_DELIVER_EXPLICIT, 1);
    engsched_delivery_result r = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    fx_ok(&b->f, engsched_deliver(b->f.db, 1, &r));
    assert_int_equal(r.delivered, 1);
    r = deliver(b);
    assert_int_equal(r.delivered, pending - 1);
    assert_int_equal(b->mail_count, 2);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), 0);
}

static void test_callbacks_may_not_use_the_handle(void **state)
{
    box *b = *state;
    b->try_reenter = 1;
    approved_with_two(b, "Reentry");
    assert_true(b->reentered);
    assert_int_equal(b->mail_count, 2);
}

/* --- signatures ------------------------------------------------------- */

static void test_events_signed_with_the_webhook_secret(void **state)
{
    box *b = *state;
    const char *secret = "correct horse battery staple";
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "webhook_secret", secret));
    /* The secret never comes back, nor appears in the event about it. */
    char *value = NULL;
    fx_rc(&b->f, ENGSCHED_EDENIED, engsched_setting_get(b->f.db, "webhook_secret", &value));
    assert_null(strstr(b->last_doc, secret));
    approved_with_two(b, "Signed");
    assert_true(strncmp(b->last_signature, "sha256=", 7) == 0);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    assert_true(sodium_init() >= 0);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)b->last_doc, strlen(b->last_doc));
    crypto_auth_hmacsha256_final(&st, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    assert_string_equal(b->last_signature + 7, hex);
    /* Without a secret, no signature. */
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "webhook_secret", ""));
    approved_with_two(b, "Unsigned");
    assert_string_equal(b->last_signature, "");
}

/* --- the event stream ------------------------------------------------- */

typedef struct stream_seen {
    int64_t seqs[MAX_ITEMS];
    size_t count;
    size_t stop_after; /* 0: never stop */
} stream_seen;

static int take(void *ctx, int64_t seq, const char *json, size_t length, const char *sig)
{
    stream_seen *s = ctx;
    (void)json;
    (void)length;
    (void)sig;
    if (s->stop_after != 0 && s->count == s->stop_after)
        return 1;
    s->seqs[s->count++] = seq;
    return 0;
}

static void test_stream_resumes_from_every_seq(void **state)
{
    box *b = *state;
    for (int i = 0; i < 4; i++)
        approved_with_two(b, "Streamed");
    int64_t last = 0;
    fx_ok(&b->f, engsched_events_last_seq(b->f.db, &last));
    assert_true(last > 10);
    for (int64_t from = 0; from <= last; from++) {
        stream_seen s = {{0}, 0, 0};
        int64_t got_last = -1;
        fx_ok(&b->f, engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, from, 10000, take, &s,
                                           &got_last));
        assert_int_equal(s.count, (size_t)(last - from));
        for (size_t i = 0; i < s.count; i++)
            assert_int_equal(s.seqs[i], from + 1 + (int64_t)i);
        assert_int_equal(got_last, last);
    }
    /* A consumer that stops is told where it stopped, and resumes there. */
    stream_seen s = {{0}, 0, 3};
    int64_t stopped = 0;
    fx_ok(&b->f, engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, 0, 10000, take, &s, &stopped));
    assert_int_equal(stopped, 3);
    stream_seen rest = {{0}, 0, 0};
    fx_ok(&b->f, engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, stopped, 2, take, &rest, NULL));
    assert_int_equal(rest.count, 2);
    assert_int_equal(rest.seqs[0], 4);
    fx_rc(&b->f, ENGSCHED_EDENIED,
          engsched_event_stream(b->f.db, b->f.admin, 0, 10, take, &s, NULL));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, -1, 10, take, &s, NULL));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, 0, 0, take, &s, NULL));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_event_stream(b->f.db, ENGSCHED_SYSTEM, 0, 10, NULL, &s, NULL));
}

static void test_events_outside_the_outbox_when_off(void **state)
{
    box *b = *state;
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "outbox_events", "off"));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "outbox_events", "maybe"));
    uint64_t before = count(b, ENGSCHED_OUTBOX_ALL);
    size_t seen = b->seq_count;
    approved_with_two(b, "Mail only");
    /* The two messages are items; the events are not, and still reach the
     * callback (from memory) and the stream. */
    assert_int_equal(count(b, ENGSCHED_OUTBOX_ALL) - before, 2);
    assert_true(b->seq_count >= seen + 3);
    assert_int_equal(b->mail_count, 2);
    /* A handle without an event callback leaves nothing pending. */
    reopen(b, ENGSCHED_DELIVER_ON_COMMIT, 0);
    approved_with_two(b, "Mail only, no callback");
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), 2);
}

/* --- purge and bad input ------------------------------------------------ */

static void test_purge_keeps_what_is_owed(void **state)
{
    box *b = *state;
    approved_with_two(b, "Purged");
    b->refuse_mail = 1;
    approved_with_two(b, "Kept");
    uint64_t delivered = count(b, ENGSCHED_OUTBOX_DELIVERED);
    uint64_t pending = count(b, ENGSCHED_OUTBOX_PENDING);
    assert_true(delivered > 0 && pending == 2);
    uint64_t removed = 0;
    fx_rc(&b->f, ENGSCHED_EDENIED, engsched_outbox_purge(b->f.db, b->f.manager, b->f.now + 1, NULL));
    fx_ok(&b->f, engsched_outbox_purge(b->f.db, b->f.admin, b->f.now - 1, &removed));
    assert_int_equal(removed, 0);
    fx_ok(&b->f, engsched_outbox_purge(b->f.db, b->f.admin, b->f.now + 1, &removed));
    assert_int_equal(removed, delivered);
    assert_int_equal(count(b, ENGSCHED_OUTBOX_PENDING), pending);
}

/* Every item as the administrator lists it, and the store's digest. */
static char *everything(box *b)
{
    char *store = fx_digest(&b->f);
    size_t cap = strlen(store) + 64 * MAX_ITEMS, len = strlen(store);
    char *out = malloc(cap);
    assert_non_null(out);
    memcpy(out, store, len + 1);
    free(store);
    engsched_outbox_list *list = NULL;
    fx_ok(&b->f, engsched_outbox_list_get(b->f.db, b->f.admin, ENGSCHED_OUTBOX_ALL, 0, 1000,
                                          &list));
    for (size_t i = 0; i < engsched_outbox_list_count(list); i++) {
        const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
        len += (size_t)snprintf(out + len, cap - len, "%lld:%u:%u:%lld:%lld\n",
                                (long long)e->id, e->state, e->attempts,
                                (long long)e->next_attempt_at, (long long)e->updated_at);
        assert_true(len < cap);
    }
    engsched_outbox_list_free(list);
    return out;
}

static void test_bad_input_changes_nothing(void **state)
{
    box *b = *state;
    /* Something to change: a pending, a dead and an undeliverable item. */
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "delivery_max_attempts", "1"));
    b->refuse_mail = 1;
    approved_with_two(b, "Dead and pending");
    fx_ok(&b->f, engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "organizer_email", ""));
    approved_with_two(b, "Undeliverable");
    char *before = everything(b);
    engsched_delivery_result r = {99, 0, 0, 0};
    fx_rc(&b->f, ENGSCHED_EMISUSE, engsched_deliver(b->f.db, 0, &r));
    assert_int_equal(engsched_deliver(NULL, 0, NULL), ENGSCHED_EMISUSE);
    uint64_t n = 0;
    fx_rc(&b->f, ENGSCHED_EINVAL, engsched_outbox_count(b->f.db, b->f.admin, 0, &n));
    fx_rc(&b->f, ENGSCHED_EINVAL, engsched_outbox_count(b->f.db, b->f.admin, 16, &n));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_outbox_count(b->f.db, b->f.admin, ENGSCHED_OUTBOX_PENDING, NULL));
    fx_rc(&b->f, ENGSCHED_EDENIED,
          engsched_outbox_count(b->f.db, b->f.operator1, ENGSCHED_OUTBOX_PENDING, &n));
    fx_rc(&b->f, ENGSCHED_ENOTFOUND,
          engsched_outbox_count(b->f.db, 424242, ENGSCHED_OUTBOX_PENDING, &n));
    engsched_outbox_list *list = NULL;
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_outbox_list_get(b->f.db, b->f.admin, ENGSCHED_OUTBOX_ALL, 0, 0, &list));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_outbox_list_get(b->f.db, b->f.admin, ENGSCHED_OUTBOX_ALL, -1, 5, &list));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_outbox_list_get(b->f.db, b->f.admin, ENGSCHED_OUTBOX_ALL, 0, 5, NULL));
    assert_null(list);
    fx_rc(&b->f, ENGSCHED_EINVAL, engsched_outbox_requeue(b->f.db, b->f.admin, -5, NULL));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "delivery_max_attempts", "0"));
    fx_rc(&b->f, ENGSCHED_EINVAL,
          engsched_setting_set(b->f.db, ENGSCHED_SYSTEM, "delivery_retry_seconds", "x"));
    assert_int_equal(engsched_outbox_list_count(NULL), 0);
    assert_null(engsched_outbox_list_item(NULL, 0));
    engsched_outbox_list_free(NULL);
    assert_int_equal(engsched_undeliverable_count(NULL), 0);
    assert_string_equal(engsched_outbox_state_name(ENGSCHED_OUTBOX_DEAD), "dead");
    assert_null(engsched_outbox_state_name(3));
    assert_string_equal(engsched_outbox_kind_name(ENGSCHED_OUTBOX_EVENT), "event");
    assert_null(engsched_outbox_kind_name(0));
    /* Refused for lack of rights, or of a right state. */
    fx_rc(&b->f, ENGSCHED_EDENIED, engsched_outbox_requeue(b->f.db, b->f.manager, 0, NULL));
    fx_rc(&b->f, ENGSCHED_EDENIED,
          engsched_outbox_purge(b->f.db, b->f.operator1, b->f.now + 1, NULL));
    fx_rc(&b->f, ENGSCHED_ENOTFOUND, engsched_outbox_requeue(b->f.db, b->f.admin, 424242, NULL));
    /* In a batch, delivery waits for the batch. */
    fx_ok(&b->f, engsched_batch_begin(b->f.db));
    fx_rc(&b->f, ENGSCHED_EMISUSE, engsched_deliver(b->f.db, 0, NULL));
    fx_ok(&b->f, engsched_batch_rollback(b->f.db));
    char *after = everything(b);
    assert_string_equal(after, before);
    free(before);
    free(after);
}

static void test_options_version_one_still_opens(void **state)
{
    box *b = *state;
    assert_int_equal(engsched_close(b->f.db), ENGSCHED_OK);
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, 1), ENGSCHED_OK);
    o.on_mail = on_mail; /* a v1 host: on_mail, no deliver_event, no delivery mode */
    o.mail_ctx = b;
    o.clock = clock_fn;
    o.clock_ctx = b;
    engsched_rc rc = engsched_open(b->f.path, &o, &b->f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("open v1: %s", engsched_open_errmsg());
    approved_with_two(b, "Version one");
    assert_int_equal(b->mail_count, 2);
    assert_int_equal(engsched_options_init(&o, 3), ENGSCHED_EMISUSE);
    o.version = 3;
    engsched *other = NULL;
    assert_int_equal(engsched_open(b->f.path, &o, &other), ENGSCHED_EMISUSE);
    assert_null(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_delivers_mail_and_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunk_events_read_at_once_missing_undeliverable,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_second_refused_arrives_after_retries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_retry_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_always_refused_goes_dead_and_requeues, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_organizer_is_undeliverable_then_requeued,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_without_address_is_undeliverable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_explicit_mode_and_a_worker_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks_may_not_use_the_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_signed_with_the_webhook_secret, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stream_resumes_from_every_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_outside_the_outbox_when_off, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_purge_keeps_what_is_owed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_version_one_still_opens, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
