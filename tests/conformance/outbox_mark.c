/* The set-based mark cases of the storage conformance suite (table version
 * 8: outbox_mark()). A backend without it skips every case: the core then
 * reads and writes each item it marks. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define EXPECT_RC(s, want, expr) \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

#define TOKEN INT64_C(0x1234567890)
#define OTHER INT64_C(-77)
#define NOW INT64_C(1700009999)
#define MANY 1201 /* more than two of the built-in backends' statements */

static engsched_storage *mark_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 8 || s->outbox_mark == NULL) {
        print_message("the backend has no outbox_mark (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    return s;
}

/* A mail item claimed by @p claim in @p state, every member set. */
static engsched_rec_outbox item(const conf_owners *o, unsigned int state, int64_t claim)
{
    engsched_rec_outbox m = {
        .kind = ENGSCHED_OUTBOX_MAIL,
        .state = state,
        .engagement = o->eng[0],
        .user = o->user,
        .sequence = 2,
        .recipient = "op@example.com",
        .payload = "Subject: hi\r\n\r\nbody\r\n",
        .payload_len = 21,
        .attempts = 1,
        .next_attempt_at = 1700000100,
        .claimed_until = 1700000900,
        .claim = claim,
        .created_at = 1700000050,
        .updated_at = 1700000060,
        .reason = state == ENGSCHED_OUTBOX_PENDING ? "" : "earlier",
    };
    return m;
}

static int64_t put(engsched_storage *s, engsched_rec_outbox *rec)
{
    EXPECT_OK(s, s->outbox_put(s, rec, &rec->id));
    return rec->id;
}

/* The item as stored equals @p want in every member. */
static void expect_item(engsched_storage *s, const engsched_rec_outbox *want)
{
    engsched_rec_outbox got;
    EXPECT_OK(s, s->outbox_get(s, want->id, &got));
    assert_int_equal(got.state, want->state);
    assert_int_equal(got.kind, want->kind);
    assert_int_equal(got.engagement, want->engagement);
    assert_int_equal(got.user, want->user);
    assert_int_equal(got.sequence, want->sequence);
    assert_string_equal(got.recipient, want->recipient);
    assert_int_equal(got.payload_len, want->payload_len);
    assert_memory_equal(got.payload, want->payload, want->payload_len);
    assert_int_equal(got.attempts, want->attempts);
    assert_int_equal(got.next_attempt_at, want->next_attempt_at);
    assert_int_equal(got.claimed_until, want->claimed_until);
    assert_int_equal(got.claim, want->claim);
    assert_int_equal(got.created_at, want->created_at);
    assert_int_equal(got.updated_at, want->updated_at);
    assert_string_equal(got.reason, want->reason);
}

static int64_t mark(engsched_storage *s, const engsched_id *ids, size_t n, unsigned int state)
{
    int64_t marked = -1;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_mark(s, ids, n, TOKEN, (int)state, NOW, &marked));
    EXPECT_OK(s, s->commit(s));
    return marked;
}

void conf_outbox_mark_empty(void **state)
{
    engsched_storage *s = mark_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox a = item(&o, ENGSCHED_OUTBOX_PENDING, TOKEN);
    EXPECT_OK(s, s->begin(s, 1));
    put(s, &a);
    EXPECT_OK(s, s->commit(s));
    assert_int_equal(mark(s, NULL, 0, ENGSCHED_OUTBOX_DELIVERED), 0);
    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, &a);
    EXPECT_OK(s, s->commit(s));
}

/* Only pending items claimed by the token change, and only state, reason
 * and updated_at; the rest, named or not, stay as they were. */
void conf_outbox_mark_token(void **state)
{
    engsched_storage *s = mark_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox ours = item(&o, ENGSCHED_OUTBOX_PENDING, TOKEN);
    engsched_rec_outbox theirs = item(&o, ENGSCHED_OUTBOX_PENDING, OTHER);
    engsched_rec_outbox unclaimed = item(&o, ENGSCHED_OUTBOX_PENDING, 0);
    engsched_rec_outbox done = item(&o, ENGSCHED_OUTBOX_DELIVERED, TOKEN);
    engsched_rec_outbox dead = item(&o, ENGSCHED_OUTBOX_DEAD, TOKEN);
    engsched_rec_outbox unnamed = item(&o, ENGSCHED_OUTBOX_PENDING, TOKEN);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_id ids[] = {put(s, &dead),      put(s, &theirs), put(s, &ours),
                         put(s, &unclaimed), put(s, &done),   0};
    put(s, &unnamed);
    EXPECT_OK(s, s->commit(s));
    ids[5] = unnamed.id + 1000; /* no such item */
    assert_int_equal(mark(s, ids, 6, ENGSCHED_OUTBOX_DELIVERED), 1);
    engsched_rec_outbox want = ours;
    want.state = ENGSCHED_OUTBOX_DELIVERED;
    want.updated_at = NOW;
    want.reason = "";
    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, &want);
    expect_item(s, &theirs);
    expect_item(s, &unclaimed);
    expect_item(s, &done);
    expect_item(s, &dead);
    expect_item(s, &unnamed);
    EXPECT_OK(s, s->commit(s));
    /* Marked once: a second mark finds it no longer pending. */
    assert_int_equal(mark(s, ids, 6, ENGSCHED_OUTBOX_DEAD), 0);
}

/* More ids than one statement takes, in falling order, half ours. */
void conf_outbox_mark_many(void **state)
{
    engsched_storage *s = mark_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id *ids = calloc(MANY, sizeof *ids);
    assert_non_null(ids);
    EXPECT_OK(s, s->begin(s, 1));
    for (size_t i = 0; i < MANY; i++) {
        engsched_rec_outbox r = item(&o, ENGSCHED_OUTBOX_PENDING, i % 2 == 0 ? TOKEN : OTHER);
        ids[MANY - 1 - i] = put(s, &r);
    }
    EXPECT_OK(s, s->commit(s));
    int64_t before = 0, after = 0, pending = 0;
    EXPECT_OK(s, s->outbox_count(s, ENGSCHED_OUTBOX_DELIVERED, &before));
    assert_int_equal(mark(s, ids, MANY, ENGSCHED_OUTBOX_DELIVERED), (MANY + 1) / 2);
    EXPECT_OK(s, s->outbox_count(s, ENGSCHED_OUTBOX_DELIVERED, &after));
    EXPECT_OK(s, s->outbox_count(s, ENGSCHED_OUTBOX_PENDING, &pending));
    assert_int_equal(after - before, (MANY + 1) / 2);
    assert_int_equal(pending, MANY / 2);
    free(ids);
}
