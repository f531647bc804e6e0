/* Delivery's two mark paths give one outbox (issue 19): a backend with
 * outbox_mark() (storage table version 8) marks a chunk's delivered items
 * in one statement, one without it reads and writes each. Two stores are
 * built identically (fixed clock, approved engagements, their events
 * delivered on commit to the fixture's event callback), ticked so that
 * thousands of event items are delivered at once, and everything
 * observable must be equal: the outbox listing (state, updated_at,
 * reason of every item), the events delivered to the callback, and the
 * event stream. A mark that forgot a column, or marked an item twice or
 * not at all, fails here.
 *
 * Runs on SQLite, PostgreSQL (ENGSCHED_TEST_BACKEND=postgres) and the
 * example in-memory backend, which keeps no outbox at all: there only the
 * events, delivered from memory, are compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <engsched/delivery.h>
#include <engsched/storage.h>

#include "compare.h"
#include "fixture.h"

/* Fewer where every write costs more (a server, or the example backend,
 * which copies its state per write transaction). */
static int rows_wanted(void)
{
    const char *backend = getenv("ENGSCHED_TEST_BACKEND");
    if (fx_backend_is_memory())
        return 200;
    if (backend != NULL && strcmp(backend, "postgres") == 0)
        return 600;
    return 1500;
}

/* --- the storage hooks ---------------------------------------------------- */

typedef engsched_rc (*mark_fn)(engsched_storage *, const engsched_id *, size_t, int64_t, int,
                               int64_t, int64_t *);

static mark_fn real_mark;
static unsigned int mark_calls;

static engsched_rc counting_mark(engsched_storage *s, const engsched_id *ids, size_t n,
                                 int64_t claim, int state, int64_t updated_at, int64_t *out)
{
    mark_calls++;
    return real_mark(s, ids, n, claim, state, updated_at, out);
}

/* Each store's clock moves a second at every write transaction, the same
 * in both, so that a claim and its mark get different updated_at: a mark
 * that left updated_at alone would otherwise look right. */
typedef engsched_rc (*begin_fn)(engsched_storage *, int);

static struct ticking {
    engsched_storage *s;
    begin_fn real;
    int64_t *now; /* the fixture's clock, once it is open */
} clocks[2];

static engsched_rc ticking_begin(engsched_storage *s, int write)
{
    for (int i = 0; i < 2; i++) {
        if (clocks[i].s != s)
            continue;
        if (write && clocks[i].now != NULL)
            (*clocks[i].now)++;
        return clocks[i].real(s, write);
    }
    return ENGSCHED_EINVAL;
}

static void tick_clock(int which, engsched_storage *s)
{
    clocks[which] = (struct ticking){s, s->begin, NULL};
    s->begin = ticking_begin;
}

static void set_based(engsched_storage *s)
{
    real_mark = s->version >= 8 ? s->outbox_mark : NULL;
    if (real_mark != NULL)
        s->outbox_mark = counting_mark;
    tick_clock(0, s);
}

static void per_item(engsched_storage *s)
{
    if (s->version >= 8)
        s->outbox_mark = NULL;
    tick_clock(1, s);
}

/* --- the stores ------------------------------------------------------------ */

/* Approved engagements starting on one of ten days from 2026-03-05: a
 * tick on 2026-03-20 starts them all, one event each. */
static void open_built(fx *f, void (*hook)(engsched_storage *), int n)
{
    fx_set_storage_hook(hook);
    fx_open(f, 0);
    fx_set_storage_hook(NULL);
    for (int i = 0; i < n; i++) {
        char start[16], name[32];
        snprintf(start, sizeof start, "2026-03-%02d", 5 + i % 10);
        snprintf(name, sizeof name, "engagement %d", i);
        engsched_id id = fx_request(f, f->manager, f->client[i % 2], name, start, "2026-03-18");
        fx_approve(f, id);
    }
}

/* The store's identity (random per store), from its export. */
static void store_id(fx *f, char out[64])
{
    char *json = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &json));
    json_error_t err;
    json_t *doc = json_loads(json, 0, &err);
    engsched_free(json);
    assert_non_null(doc);
    const char *id = json_string_value(json_object_get(json_object_get(doc, "store"), "id"));
    assert_non_null(id);
    snprintf(out, 64, "%s", id);
    json_decref(doc);
}

/* Every outbox item, one line each with every listed member. */
static char *outbox_text(fx *f, size_t *out_delivered)
{
    fx_text b = {NULL, 0, 0};
    unsigned int all = ENGSCHED_OUTBOX_PENDING | ENGSCHED_OUTBOX_DELIVERED | ENGSCHED_OUTBOX_DEAD |
                       ENGSCHED_OUTBOX_UNDELIVERABLE;
    int64_t after = 0;
    *out_delivered = 0;
    for (;;) {
        engsched_outbox_list *list = NULL;
        engsched_rc rc = engsched_outbox_list_get(f->db, ENGSCHED_SYSTEM, all, after, 1000, &list);
        if (rc == ENGSCHED_EUNSUPPORTED)
            break; /* the example backend: no outbox, events from memory */
        fx_ok(f, rc);
        size_t n = engsched_outbox_list_count(list);
        for (size_t i = 0; i < n; i++) {
            const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
            char line[512];
            int len = snprintf(
                line, sizeof line, "%lld %d %u %lld %lld %lld %u %lld %lld %lld %s %s",
                (long long)e->id, e->kind, e->state, (long long)e->engagement, (long long)e->user,
                (long long)e->event_seq, e->attempts, (long long)e->next_attempt_at,
                (long long)e->created_at, (long long)e->updated_at, e->recipient, e->reason);
            fx_text_line(&b, line, (size_t)len);
            *out_delivered += e->state == ENGSCHED_OUTBOX_DELIVERED;
            after = e->id;
        }
        engsched_outbox_list_free(list);
        if (n < 1000)
            break;
    }
    return b.data != NULL ? b.data : strdup("");
}

/* The outbox, the events and what the callback got are the same. */
static size_t assert_same_store(fx *a, fx *b)
{
    size_t delivered_a = 0, delivered_b = 0;
    char *oa = outbox_text(a, &delivered_a), *ob = outbox_text(b, &delivered_b);
    fx_assert_same_text("outbox listings", "set-based", "per-item", oa, ob);
    free(oa);
    free(ob);
    assert_int_equal(delivered_a, delivered_b);
    char ida[64], idb[64];
    store_id(a, ida);
    store_id(b, idb);
    char *va = fx_events_text(a, ida), *vb = fx_events_text(b, idb);
    fx_assert_same_text("events", "set-based", "per-item", va, vb);
    free(va);
    free(vb);
    assert_int_equal(a->events_seen, b->events_seen);
    fx_mask_store_id(a->last_event, ida);
    fx_mask_store_id(b->last_event, idb);
    assert_string_equal(a->last_event, b->last_event);
    return delivered_a;
}

/* --- the case ------------------------------------------------------------- */

static void test_paths_agree(void **state)
{
    (void)state;
    int n = rows_wanted();
    fx a, b;
    open_built(&a, set_based, n);
    open_built(&b, per_item, n);
    clocks[0].now = &a.now;
    clocks[1].now = &b.now;
    assert_same_store(&a, &b);
    int set = real_mark != NULL;
    mark_calls = 0;
    size_t seen = a.events_seen;
    const int64_t now = FX_T0 + 19 * FX_DAY;
    a.now = b.now = now;
    engsched_tick_report ra, rb;
    assert_int_equal(engsched_tick_report_init(&ra, ENGSCHED_TICK_REPORT_VERSION), ENGSCHED_OK);
    assert_int_equal(engsched_tick_report_init(&rb, ENGSCHED_TICK_REPORT_VERSION), ENGSCHED_OK);
    fx_ok(&a, engsched_tick_ex(a.db, now, &ra));
    fx_ok(&b, engsched_tick_ex(b.db, now, &rb));
    assert_int_equal(ra.moved, (unsigned int)n);
    assert_int_equal(rb.moved, ra.moved);
    size_t delivered = assert_same_store(&a, &b);
    /* The tick's events all reached the callback and were marked (the
     * invitations stay pending: the fixture has no mail callback). */
    assert_true(a.events_seen >= seen + (size_t)n);
    assert_true(delivered >= (size_t)n || fx_backend_is_memory());
    print_message("%zu delivered, %u set-based marks\n", delivered, mark_calls);
    if (set)
        assert_true(mark_calls > 0 && mark_calls <= (unsigned int)n);
    else
        assert_int_equal(mark_calls, 0);
    clocks[0].now = clocks[1].now = NULL;
    fx_close(&a);
    fx_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
