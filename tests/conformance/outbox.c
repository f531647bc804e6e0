/* The outbox cases of the storage conformance suite (table version 3:
 * outbox_put() to outbox_purge()), run by engsched_conformance_run() with
 * the others. A backend of an older table version, or one that leaves the
 * optional outbox out, has every case skipped.
 *
 * As in conformance.c, ids are only compared with each other, and every
 * list is checked against a model of the items computed here from the
 * contract in include/engsched/storage.h. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define EXPECT_RC(s, want, expr) \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

#define MAIL ENGSCHED_OUTBOX_MAIL
#define EVENT ENGSCHED_OUTBOX_EVENT
#define PENDING ENGSCHED_OUTBOX_PENDING
#define DELIVERED ENGSCHED_OUTBOX_DELIVERED
#define DEAD ENGSCHED_OUTBOX_DEAD
#define UNDELIVERABLE ENGSCHED_OUTBOX_UNDELIVERABLE

/* The backend of the case, or a skip when it has no outbox. The six
 * callbacks are optional as a set: one of them means all of them. */
static engsched_storage *outbox_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 3 || s->outbox_put == NULL) {
        print_message("the backend has no outbox (table version %u): case skipped\n", s->version);
        skip();
    }
    assert_non_null(s->outbox_get);
    assert_non_null(s->outbox_update);
    assert_non_null(s->outbox_list);
    assert_non_null(s->outbox_count);
    assert_non_null(s->outbox_purge);
    return s;
}

/* --- records to hang items on ------------------------------------------ */


static engsched_id add_engagement(engsched_storage *s, engsched_id client, const char *name)
{
    engsched_rec_engagement e = {
        .client = client,
        .name = name,
        .description = "",
        .type = "",
        .location = "",
        .contacts = "",
        .custom_fields = "{}",
        .cancel_reason = "",
        .start_day = 100,
        .end_day = 104,
        .status = ENGSCHED_STATUS_SCHEDULED,
        .version = 1,
        .created_at = 1700000000,
        .updated_at = 1700000000,
        .report_status = ENGSCHED_REPORT_NONE,
        .report_title = "",
    };
    engsched_id id = 0, report = 0;
    EXPECT_OK(s, s->engagement_insert(s, &e, &id, &report));
    return id;
}

conf_owners conf_add_owners(engsched_storage *s)
{
    conf_owners o = {0};
    engsched_rec_role role = {3, "Operator", ENGSCHED_PERM_VIEW};
    engsched_rec_client client = {0, "acme", "Acme"};
    engsched_id role_id = 0, client_id = 0;
    int created = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &role, &role_id));
    engsched_rec_user user = {0, "op", "op@example.com", "Op", role_id, 0, 0};
    EXPECT_OK(s, s->user_upsert(s, &user, &o.user, &created));
    EXPECT_OK(s, s->client_upsert(s, &client, &client_id, &created));
    o.eng[0] = add_engagement(s, client_id, "first");
    o.eng[1] = add_engagement(s, client_id, "second");
    engsched_rec_event ev = {0, 1700000000, 0, o.eng[0], "engagement.approved", 0, 0, "{}"};
    EXPECT_OK(s, s->event_append(s, &ev, &o.event_seq));
    EXPECT_OK(s, s->commit(s));
    return o;
}

/* An item with every member set; the caller changes what it needs. */
static engsched_rec_outbox mail_item(const conf_owners *o, const char *payload)
{
    engsched_rec_outbox m = {
        .kind = MAIL,
        .state = PENDING,
        .engagement = o->eng[0],
        .user = o->user,
        .sequence = 3,
        .recipient = "op@example.com",
        .payload = payload,
        .payload_len = payload != NULL ? strlen(payload) : 0,
        .attempts = 0,
        .next_attempt_at = 1700000100,
        .created_at = 1700000050,
        .updated_at = 1700000060,
        .reason = "",
    };
    return m;
}

static engsched_rec_outbox event_item(const conf_owners *o)
{
    engsched_rec_outbox e = {
        .kind = EVENT,
        .state = PENDING,
        .event_seq = o->event_seq,
        .payload = "",
        .created_at = 1700000050,
        .updated_at = 1700000050,
    };
    return e;
}

static int64_t put(engsched_storage *s, const engsched_rec_outbox *rec)
{
    int64_t id = 0;
    EXPECT_OK(s, s->outbox_put(s, rec, &id));
    assert_true(id > 0);
    return id;
}

static int64_t count(engsched_storage *s, unsigned int states)
{
    int64_t n = -1;
    EXPECT_OK(s, s->outbox_count(s, states, &n));
    return n;
}

static const char *or_empty(const char *v) { return v != NULL ? v : ""; }

/* Every member of @p got against what @p want stored, with @p id. */
static void assert_item(const engsched_rec_outbox *got, const engsched_rec_outbox *want, int64_t id)
{
    const char *payload = or_empty(want->payload);
    size_t payload_len = want->payload != NULL ? want->payload_len : 0;
    assert_int_equal(got->id, id);
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->state, want->state);
    assert_int_equal(got->engagement, want->engagement);
    assert_int_equal(got->user, want->user);
    assert_int_equal(got->event_seq, want->event_seq);
    assert_int_equal(got->sequence, want->sequence);
    assert_string_equal(got->recipient, or_empty(want->recipient));
    assert_int_equal(got->payload_len, payload_len);
    assert_memory_equal(got->payload, payload, payload_len);
    assert_int_equal(got->payload[payload_len], '\0');
    assert_int_equal(got->attempts, want->attempts);
    assert_int_equal(got->next_attempt_at, want->next_attempt_at);
    assert_int_equal(got->claimed_until, want->claimed_until);
    assert_int_equal(got->claim, want->claim);
    assert_int_equal(got->created_at, want->created_at);
    assert_int_equal(got->updated_at, want->updated_at);
    assert_string_equal(got->reason, or_empty(want->reason));
}

static void expect_item(engsched_storage *s, int64_t id, const engsched_rec_outbox *want)
{
    engsched_rec_outbox got;
    memset(&got, 0xa5, sizeof got); /* nothing may be left unset */
    EXPECT_OK(s, s->outbox_get(s, id, &got));
    assert_item(&got, want, id);
}

/* --- put, get, update ---------------------------------------------------- */

/* An invitation message as the core builds one: CRLF lines, non-ASCII
 * UTF-8, a little over 3 KB. */
static void build_message(char *buf, size_t size)
{
    size_t len = 0;
    for (int line = 0; len < 3072; line++)
        len +=
            (size_t)snprintf(buf + len, size - len,
                             "X-Line-%03d: Prüfung für Zoë — 試験 №%d, naïve café\r\n", line, line);
    assert_true(len < size);
}

void conf_outbox_round_trip(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    char message[4096];
    build_message(message, sizeof message);
    engsched_rec_outbox mail = mail_item(&o, message);
    mail.attempts = 2;
    mail.claimed_until = 1700000200;
    mail.claim = 0x7eadbeef12345678;
    mail.reason = "421 try again later";
    /* An event carries no payload, recipient or reason: NULL means "". */
    engsched_rec_outbox event = event_item(&o);
    event.payload = NULL;
    int64_t ids[2];

    EXPECT_OK(s, s->begin(s, 1));
    ids[0] = put(s, &mail);
    ids[1] = put(s, &event);
    expect_item(s, ids[0], &mail);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, ids[0], &mail);
    expect_item(s, ids[1], &event);
    engsched_rec_outbox got;
    EXPECT_OK(s, s->outbox_get(s, ids[0], &got));
    assert_int_equal(got.payload_len, strlen(message));
    assert_string_equal(got.payload, message);
    EXPECT_OK(s, s->commit(s));
}

/* The payload is payload_len bytes: what follows them is not stored. */
void conf_outbox_payload_length(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox mail = mail_item(&o, "Subject: kept\r\n\r\nbody\r\nNOT STORED");
    mail.payload_len = strlen("Subject: kept\r\n\r\nbody\r\n");
    EXPECT_OK(s, s->begin(s, 1));
    int64_t id = put(s, &mail);
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, id, &mail);
    EXPECT_OK(s, s->commit(s));
}

/* Ids rise across transactions, and a purge that empties the outbox
 * never lets a later item take a purged one's id. */
void conf_outbox_ids_rise(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox item = event_item(&o);
    int64_t last = 0, removed = 0;
    for (int round = 0; round < 3; round++) {
        EXPECT_OK(s, s->begin(s, 1));
        for (int i = 0; i < 3; i++) {
            int64_t id = put(s, &item);
            assert_true(id > last);
            last = id;
        }
        EXPECT_OK(s, s->commit(s));
    }
    item.state = DELIVERED;
    item.updated_at = 10;
    EXPECT_OK(s, s->begin(s, 1));
    int64_t delivered = put(s, &item);
    assert_true(delivered > last);
    EXPECT_OK(s, s->outbox_purge(s, 11, &removed));
    assert_int_equal(removed, 1);
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 1));
    assert_true(put(s, &item) > delivered);
    EXPECT_OK(s, s->commit(s));
}

void conf_outbox_update(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox mail = mail_item(&o, "Subject: first\r\n\r\nv1\r\n");
    EXPECT_OK(s, s->begin(s, 1));
    int64_t id = put(s, &mail);
    int64_t other = put(s, &mail);
    EXPECT_OK(s, s->commit(s));

    /* Every updatable member changes; the others are given changed too,
     * and must keep what the item was put with. */
    engsched_rec_outbox next = mail;
    next.id = id;
    next.state = DEAD;
    next.attempts = 7;
    next.next_attempt_at = 1700009000;
    next.claimed_until = 1700008000;
    next.claim = -42;
    next.updated_at = 1700007000;
    next.reason = "550 mailbox unavailable";
    next.recipient = "other@example.com";
    next.payload = "Subject: second\r\n\r\nv2, größer\r\n";
    next.payload_len = strlen(next.payload);
    next.sequence = 9;
    engsched_rec_outbox ignored = next;
    ignored.kind = EVENT;
    ignored.engagement = o.eng[1];
    ignored.user = 0;
    ignored.event_seq = o.event_seq;
    ignored.created_at = 1;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_update(s, &ignored));
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, id, &next);
    expect_item(s, other, &mail);
    EXPECT_OK(s, s->commit(s));

    /* Strings back to none (an undeliverable mail keeps no message). */
    next.state = UNDELIVERABLE;
    next.reason = NULL;
    next.recipient = NULL;
    next.payload = NULL;
    next.payload_len = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_update(s, &next));
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, id, &next);
    EXPECT_OK(s, s->commit(s));
}

void conf_outbox_missing(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox item = event_item(&o);
    engsched_rec_outbox got;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_get(s, 1, &got));
    int64_t id = put(s, &item);
    item.id = id + 1000;
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_get(s, item.id, &got));
    assert_true(engsched_storage_errmsg(s)[0] != '\0');
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_update(s, &item));
    assert_true(engsched_storage_errmsg(s)[0] != '\0');
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_get(s, 0, &got));
    EXPECT_OK(s, s->rollback(s));
}

/* --- list and count against a model -------------------------------------- */

/* Items with every filter's distinctions: both kinds, every state, two
 * engagements and none, due and not yet due, claimed and not. eng is an
 * index into owners.eng, -1 for none. */
typedef struct spec {
    int kind;
    unsigned int state;
    int eng;
    int64_t next_attempt_at;
    int64_t claimed_until;
} spec;

static const spec specs[] = {
    {MAIL, PENDING, 0, 100, 0},     {EVENT, PENDING, 0, 0, 0},
    {MAIL, PENDING, 1, 500, 0}, /* due after 300 */
    {EVENT, DELIVERED, 1, 0, 0},    {MAIL, DEAD, 0, 250, 0},
    {EVENT, PENDING, -1, 200, 400},                                /* due, but claimed until 400 */
    {MAIL, UNDELIVERABLE, 1, 0, 0}, {EVENT, PENDING, 1, 300, 300}, /* due at 300 exactly */
    {MAIL, DELIVERED, 0, 100, 0},   {EVENT, PENDING, 0, 301, 0},   /* due a second after 300 */
    {MAIL, PENDING, -1, 50, 0},     {EVENT, DEAD, -1, 0, 0},
};

#define ITEMS (sizeof specs / sizeof specs[0])

typedef struct model {
    conf_owners o;
    int64_t id[ITEMS];
    engsched_id eng[ITEMS];
} model;

static engsched_rec_outbox spec_item(const model *m, size_t i)
{
    engsched_rec_outbox rec =
        specs[i].kind == MAIL ? mail_item(&m->o, "Subject: x\r\n\r\n") : event_item(&m->o);
    rec.state = specs[i].state;
    rec.engagement = m->eng[i];
    rec.next_attempt_at = specs[i].next_attempt_at;
    rec.claimed_until = specs[i].claimed_until;
    rec.updated_at = 1000 + (int64_t)i;
    return rec;
}

static void model_load(engsched_storage *s, model *m)
{
    m->o = conf_add_owners(s);
    EXPECT_OK(s, s->begin(s, 1));
    for (size_t i = 0; i < ITEMS; i++) {
        m->eng[i] = specs[i].eng < 0 ? 0 : m->o.eng[specs[i].eng];
        engsched_rec_outbox rec = spec_item(m, i);
        m->id[i] = put(s, &rec);
    }
    EXPECT_OK(s, s->commit(s));
}

/* The contract's filter, for item @p i. */
static int model_match(const model *m, size_t i, const engsched_storage_outbox_filter *f)
{
    const spec *p = &specs[i];
    int64_t id = m->id[i];
    return (p->state & f->states) != 0 && (f->kinds == 0 || (f->kinds & (1u << p->kind)) != 0) &&
           id > f->after_id && (f->max_id == 0 || id <= f->max_id) &&
           (f->due_at == 0 || (p->next_attempt_at <= f->due_at && p->claimed_until <= f->due_at)) &&
           (f->engagement == 0 || f->engagement == m->eng[i]);
}

typedef struct seen {
    const model *m;
    int64_t ids[ITEMS + 1];
    size_t count;
    size_t stop_at;
    engsched_rc stop_rc;
} seen;

/* Each row must be the item the model has under its id, whole. */
static engsched_rc on_item(void *ctx, const engsched_rec_outbox *row)
{
    seen *r = ctx;
    assert_true(r->count < ITEMS);
    r->ids[r->count++] = row->id;
    if (r->m != NULL) {
        size_t i = 0;
        while (i < ITEMS && r->m->id[i] != row->id)
            i++;
        assert_true(i < ITEMS);
        engsched_rec_outbox want = spec_item(r->m, i);
        assert_item(row, &want, row->id);
    }
    if (r->stop_at != 0 && r->count == r->stop_at)
        return r->stop_rc;
    return ENGSCHED_OK;
}

/* One list against the model; returns how many rows came, the last id
 * in *out_last. */
static size_t list_once(engsched_storage *s, const model *m, engsched_storage_outbox_filter f,
                        int64_t *out_last)
{
    seen r = {.m = m};
    int64_t want[ITEMS];
    size_t n = 0;
    for (size_t i = 0; i < ITEMS && n < f.limit; i++) {
        if (model_match(m, i, &f))
            want[n++] = m->id[i];
    }
    EXPECT_OK(s, s->outbox_list(s, &f, on_item, &r));
    if (r.count != n)
        print_error("states %#x kinds %#x after %lld max %lld due %lld engagement %lld limit %u:"
                    " %zu rows, expected %zu\n",
                    f.states, f.kinds, (long long)f.after_id, (long long)f.max_id,
                    (long long)f.due_at, (long long)f.engagement, f.limit, r.count, n);
    assert_int_equal(r.count, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r.ids[i], want[i]);
    *out_last = n > 0 ? r.ids[n - 1] : 0;
    return n;
}

static void check_list(engsched_storage *s, const model *m, engsched_storage_outbox_filter f)
{
    int64_t last = 0;
    list_once(s, m, f, &last);
}

/* The whole list, then two rows at a time, each page resumed after the
 * last id of the one before (the model checks every page). */
static void check_paged(engsched_storage *s, const model *m, engsched_storage_outbox_filter f)
{
    check_list(s, m, f);
    f.limit = 2;
    for (size_t pages = 0; pages <= ITEMS; pages++) {
        int64_t last = 0;
        if (list_once(s, m, f, &last) < f.limit)
            return;
        f.after_id = last;
    }
    fail_msg("paging did not end");
}

void conf_outbox_list_filters(void **state)
{
    engsched_storage *s = outbox_backend(state);
    model m;
    model_load(s, &m);
    const unsigned int masks[] = {PENDING,
                                  DELIVERED,
                                  DEAD,
                                  UNDELIVERABLE,
                                  PENDING | DEAD,
                                  DEAD | UNDELIVERABLE,
                                  ENGSCHED_OUTBOX_ALL};
    const unsigned int kinds[] = {0, 1u << MAIL, 1u << EVENT, (1u << MAIL) | (1u << EVENT)};
    EXPECT_OK(s, s->begin(s, 0));
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        engsched_storage_outbox_filter f = {.states = masks[i], .limit = 100};
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            f.kinds = kinds[k];
            check_paged(s, &m, f);
        }
        f.kinds = 0;
        f.after_id = m.id[4];
        check_list(s, &m, f);
        f.max_id = m.id[9];
        check_list(s, &m, f);
        f.after_id = 0;
        check_paged(s, &m, f);
        f.max_id = 0;
        for (int64_t due = 299; due <= 401; due++) {
            f.due_at = due;
            check_list(s, &m, f);
        }
        f.due_at = 300;
        check_paged(s, &m, f);
        f.due_at = 0;
        for (int e = 0; e < 2; e++) {
            f.engagement = m.o.eng[e];
            check_paged(s, &m, f);
        }
        f.engagement = 0;
        for (unsigned int limit = 1; limit <= ITEMS + 1; limit++) {
            f.limit = limit;
            check_list(s, &m, f);
        }
    }
    /* The deliverer's scan: pending mail of one engagement, due at 300. */
    engsched_storage_outbox_filter f = {.states = PENDING,
                                        .kinds = 1u << MAIL,
                                        .due_at = 300,
                                        .engagement = m.o.eng[0],
                                        .limit = 10};
    check_list(s, &m, f);
    f.kinds = 1u << EVENT;
    check_list(s, &m, f);
    f.max_id = m.id[1];
    f.after_id = m.id[0];
    check_list(s, &m, f);
    EXPECT_OK(s, s->commit(s));
}

static engsched_rc no_row(void *ctx, const engsched_rec_outbox *row)
{
    (void)ctx;
    (void)row;
    fail_msg("a refused list passed a row on");
    return ENGSCHED_OK;
}

void conf_outbox_list_refuses(void **state)
{
    engsched_storage *s = outbox_backend(state);
    model m;
    model_load(s, &m);
    engsched_storage_outbox_filter none = {.states = 0, .limit = 10};
    engsched_storage_outbox_filter unbounded = {.states = PENDING, .limit = 0};
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_EINVAL, s->outbox_list(s, NULL, no_row, NULL));
    EXPECT_RC(s, ENGSCHED_EINVAL, s->outbox_list(s, &none, no_row, NULL));
    assert_true(engsched_storage_errmsg(s)[0] != '\0');
    EXPECT_RC(s, ENGSCHED_EINVAL, s->outbox_list(s, &unbounded, no_row, NULL));
    EXPECT_OK(s, s->rollback(s));
}

void conf_outbox_list_stops(void **state)
{
    engsched_storage *s = outbox_backend(state);
    model m;
    model_load(s, &m);
    engsched_storage_outbox_filter all = {.states = ENGSCHED_OUTBOX_ALL, .limit = 100};
    engsched_storage_outbox_filter pending = {.states = PENDING, .limit = 100};
    EXPECT_OK(s, s->begin(s, 0));
    seen r = {.m = &m, .stop_at = 2, .stop_rc = ENGSCHED_ECONFLICT};
    EXPECT_RC(s, ENGSCHED_ECONFLICT, s->outbox_list(s, &all, on_item, &r));
    assert_int_equal(r.count, 2);
    r = (seen){.m = &m, .stop_at = 1, .stop_rc = ENGSCHED_ETOOBIG};
    EXPECT_RC(s, ENGSCHED_ETOOBIG, s->outbox_list(s, &pending, on_item, &r));
    assert_int_equal(r.count, 1);
    /* Still usable, and the stopped scan runs again whole. */
    check_list(s, &m, pending);
    check_list(s, &m, all);
    EXPECT_OK(s, s->commit(s));
}

void conf_outbox_count(void **state)
{
    engsched_storage *s = outbox_backend(state);
    model m;
    EXPECT_OK(s, s->begin(s, 0));
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), 0);
    EXPECT_OK(s, s->commit(s));
    model_load(s, &m);
    EXPECT_OK(s, s->begin(s, 0));
    for (unsigned int mask = 1; mask <= ENGSCHED_OUTBOX_ALL; mask++) {
        int64_t want = 0;
        for (size_t i = 0; i < ITEMS; i++)
            want += (specs[i].state & mask) != 0;
        assert_int_equal(count(s, mask), want);
    }
    EXPECT_OK(s, s->commit(s));
}

/* --- purge, transactions, refusals ---------------------------------------- */

void conf_outbox_purge(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    /* Only delivered items updated strictly before 1000 go. */
    static const struct {
        unsigned int state;
        int64_t updated_at;
        int removed;
    } rows[] = {
        {DELIVERED, 999, 1}, {DELIVERED, 1000, 0},   {DELIVERED, 5, 1},    {PENDING, 10, 0},
        {DEAD, 10, 0},       {UNDELIVERABLE, 10, 0}, {DELIVERED, 2000, 0},
    };
    const size_t n = sizeof rows / sizeof rows[0];
    int64_t ids[sizeof rows / sizeof rows[0]], removed = -1;
    EXPECT_OK(s, s->begin(s, 1));
    for (size_t i = 0; i < n; i++) {
        engsched_rec_outbox item = mail_item(&o, "Subject: purge\r\n\r\n");
        item.state = rows[i].state;
        item.updated_at = rows[i].updated_at;
        ids[i] = put(s, &item);
    }
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_purge(s, 1000, &removed));
    assert_int_equal(removed, 2);
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    engsched_rec_outbox got;
    for (size_t i = 0; i < n; i++)
        EXPECT_RC(s, rows[i].removed ? ENGSCHED_ENOTFOUND : ENGSCHED_OK,
                  s->outbox_get(s, ids[i], &got));
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), (int64_t)n - 2);
    assert_int_equal(count(s, DELIVERED), 2);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->outbox_purge(s, 1000, &removed));
    assert_int_equal(removed, 0);
    EXPECT_OK(s, s->outbox_purge(s, 2001, &removed));
    assert_int_equal(removed, 2);
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    assert_int_equal(count(s, DELIVERED), 0);
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), (int64_t)n - 4);
    EXPECT_OK(s, s->commit(s));
}

void conf_outbox_rollback(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox item = mail_item(&o, "Subject: gone\r\n\r\n");
    engsched_rec_outbox got;
    EXPECT_OK(s, s->begin(s, 1));
    int64_t kept = put(s, &item);
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 1));
    int64_t gone = put(s, &item);
    EXPECT_OK(s, s->outbox_get(s, gone, &got));
    EXPECT_OK(s, s->rollback(s));

    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_get(s, gone, &got));
    expect_item(s, kept, &item);
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), 1);
    EXPECT_OK(s, s->commit(s));
}

void conf_outbox_savepoint(void **state)
{
    engsched_storage *s = outbox_backend(state);
    if (s->savepoint == NULL) {
        print_message("the backend has no savepoints: case skipped\n");
        skip();
    }
    conf_owners o = conf_add_owners(s);
    engsched_rec_outbox item = event_item(&o);
    engsched_rec_outbox got;
    EXPECT_OK(s, s->begin(s, 1));
    int64_t before = put(s, &item);
    EXPECT_OK(s, s->savepoint(s));
    int64_t undone = put(s, &item);
    EXPECT_OK(s, s->rollback_to(s));
    EXPECT_OK(s, s->release(s));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->outbox_get(s, undone, &got));
    /* The undone id may be handed out again (it never existed), or not. */
    int64_t after = put(s, &item);
    assert_true(after > before);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    expect_item(s, before, &item);
    expect_item(s, after, &item);
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), 2);
    EXPECT_OK(s, s->commit(s));
}

/* A payload is text: a NUL byte inside payload_len is refused (EINVAL),
 * by put and update alike, and the refusal stores nothing. */
void conf_outbox_nul_refused(void **state)
{
    engsched_storage *s = outbox_backend(state);
    conf_owners o = conf_add_owners(s);
    static const char with_nul[] = "Subject: a\r\n\0hidden\r\n";
    engsched_rec_outbox item = mail_item(&o, "Subject: clean\r\n\r\n");
    engsched_rec_outbox bad = item;
    bad.payload = with_nul;
    bad.payload_len = sizeof with_nul - 1;
    int64_t id = 0;
    EXPECT_OK(s, s->begin(s, 1));
    int64_t kept = put(s, &item);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_EINVAL, s->outbox_put(s, &bad, &id));
    assert_true(engsched_storage_errmsg(s)[0] != '\0');
    EXPECT_OK(s, s->rollback(s));
    EXPECT_OK(s, s->begin(s, 1));
    bad.id = kept;
    bad.state = DELIVERED;
    EXPECT_RC(s, ENGSCHED_EINVAL, s->outbox_update(s, &bad));
    EXPECT_OK(s, s->rollback(s));

    EXPECT_OK(s, s->begin(s, 0));
    assert_int_equal(count(s, ENGSCHED_OUTBOX_ALL), 1);
    expect_item(s, kept, &item);
    EXPECT_OK(s, s->commit(s));
}
