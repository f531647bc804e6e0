/* The tick's two paths give one store (issue 19): a backend with
 * engagements_start_due() (storage table version 8) moves each chunk of
 * due engagements in one statement, one without it reads and writes them
 * one by one. Two stores are built identically (fixed clock, engagements
 * of every status, some due, some not, some recurring); one is ticked
 * through the set-based path and one with that member cleared, and
 * everything observable must be equal: the export documents, every event
 * of the event stream, and the tick reports. A set-based statement that
 * forgot a column (version, updated_at) fails here.
 *
 * Then a failure inside the tick, after the backend wrote a chunk, rolls
 * everything back: the digest, the events and the delivered events are
 * those from before.
 *
 * Runs on SQLite, PostgreSQL (ENGSCHED_TEST_BACKEND=postgres) and the
 * example in-memory backend, which has no engagements_start_due(): there
 * both stores take the row-by-row path, and the failure is injected into
 * its engagement_update(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <engsched/delivery.h>
#include <engsched/storage.h>

#include "compare.h"
#include "fixture.h"

/* How many engagements each store gets: 4 in 7 are Scheduled, all due
 * in the first tick. ENGSCHED_TEST_TICK_ROWS=7500 makes that more than
 * one chunk (4,096: 4,284 due), at about 30 s on SQLite; by default
 * fewer, and fewer still where every write costs more (a server, or the
 * example backend, which copies its state per write transaction). */
static int rows_wanted(void)
{
    const char *backend = getenv("ENGSCHED_TEST_BACKEND");
    const char *rows = getenv("ENGSCHED_TEST_TICK_ROWS"); /* tests/valgrind/run.sh */
    if (rows != NULL && atoi(rows) > 0)
        return atoi(rows);
    if (fx_backend_is_memory())
        return 200;
    if (backend != NULL && strcmp(backend, "postgres") == 0)
        return 700;
    return 1500;
}

/* --- the storage hooks ---------------------------------------------------- */

typedef engsched_rc (*start_due_fn)(engsched_storage *, int32_t, engsched_id, unsigned int, int,
                                    int64_t, engsched_storage_engagement_fn, void *);
typedef engsched_rc (*update_fn)(engsched_storage *, const engsched_rec_engagement *,
                                 engsched_id *);

static start_due_fn real_start_due;
static update_fn real_update;
static unsigned int start_due_calls;
static unsigned int updates_seen;
static int fail_armed; /* fail the tick's writes after they are made */

static engsched_rc counting_start_due(engsched_storage *s, int32_t day, engsched_id after,
                                      unsigned int limit, int new_status, int64_t now,
                                      engsched_storage_engagement_fn row, void *ctx)
{
    start_due_calls++;
    engsched_rc rc = real_start_due(s, day, after, limit, new_status, now, row, ctx);
    if (rc == ENGSCHED_OK && fail_armed) {
        engsched_storage_set_error(s, "injected failure after a chunk was moved");
        return ENGSCHED_ESTORAGE;
    }
    return rc;
}

/* The row-by-row path's writes: the third one fails, after two moved. */
static engsched_rc failing_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                  engsched_id *out_report)
{
    engsched_rc rc = real_update(s, rec, out_report);
    if (rc == ENGSCHED_OK && fail_armed && ++updates_seen == 3) {
        engsched_storage_set_error(s, "injected failure after two engagements moved");
        return ENGSCHED_ESTORAGE;
    }
    return rc;
}

static void set_based(engsched_storage *s)
{
    real_start_due = s->version >= 8 ? s->engagements_start_due : NULL;
    if (real_start_due != NULL)
        s->engagements_start_due = counting_start_due;
    real_update = s->engagement_update;
    s->engagement_update = failing_update;
}

static void row_by_row(engsched_storage *s)
{
    if (s->version >= 8)
        s->engagements_start_due = NULL;
}

/* --- the stores ------------------------------------------------------------ */

/* "YYYY-MM-DD" of UTC seconds (Howard Hinnant's civil_from_days). */
static void day_text(int64_t t, char out[16])
{
    int64_t z = t / FX_DAY + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 16, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

/* Every status: Pending, Canceled, In Review (report moved on), some
 * recurring weekly, the rest Scheduled, first days spread over the next
 * 30 days (2026-03-02 on), so that a tick 15 days on finds about half of
 * them due. */
static void build(fx *f, int n)
{
    for (int i = 0; i < n; i++) {
        char start[16], end[16], name[32];
        int64_t first = FX_T0 + FX_DAY * (1 + i % 30);
        day_text(first, start);
        day_text(first + FX_DAY * (i % 3), end);
        snprintf(name, sizeof name, "engagement %d", i);
        engsched_id id =
            fx_request(f, f->manager, f->client[i % 2] /* operator1's clients */, name, start, end);
        if (i % 7 == 0)
            continue; /* Pending */
        fx_approve(f, id);
        if (i % 7 == 1)
            fx_ok(f, engsched_cancel(f->db, f->manager, id, 0, "no longer needed"));
        else if (i % 7 == 2)
            fx_ok(f, engsched_report_set_status(f->db, f->manager, id, 0,
                                                ENGSCHED_REPORT_READY_FOR_REVIEW));
        else if (i % 50 == 3)
            fx_ok(f, engsched_recurrence_set(f->db, f->manager, id, 0, "FREQ=WEEKLY;COUNT=3"));
    }
}

static void open_built(fx *f, void (*hook)(engsched_storage *), int n)
{
    fx_set_storage_hook(hook);
    fx_open(f, 0);
    fx_set_storage_hook(NULL);
    build(f, n);
}

/* The store's identity (random per store): in the export and in every
 * invitation UID. */
static char store_id[2][64];

/* The export with the store's identity masked. */
static char *export_text(fx *f, int which)
{
    char *json = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &json));
    json_error_t err;
    json_t *doc = json_loads(json, 0, &err);
    engsched_free(json);
    assert_non_null(doc);
    const char *id = json_string_value(json_object_get(json_object_get(doc, "store"), "id"));
    assert_non_null(id);
    snprintf(store_id[which], sizeof store_id[which], "%s", id);
    char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(doc);
    assert_non_null(text);
    fx_mask_store_id(text, store_id[which]);
    return text;
}

/* Every event of the store, one document a line, its identity masked
 * once the export has read it. */
static char *events_text(fx *f, int which)
{
    return fx_events_text(f, store_id[which][0] != '\0' ? store_id[which] : NULL);
}

static void assert_same_store(fx *a, fx *b)
{
    char *ea = export_text(a, 0), *eb = export_text(b, 1);
    fx_assert_same_text("exports", "set-based", "row-by-row", ea, eb);
    free(ea);
    free(eb);
    char *va = events_text(a, 0), *vb = events_text(b, 1);
    fx_assert_same_text("events", "set-based", "row-by-row", va, vb);
    free(va);
    free(vb);
}

static engsched_tick_report tick(fx *f, int64_t now)
{
    engsched_tick_report r;
    assert_int_equal(engsched_tick_report_init(&r, ENGSCHED_TICK_REPORT_VERSION), ENGSCHED_OK);
    fx_ok(f, engsched_tick_ex(f->db, now, &r));
    return r;
}

/* --- the cases ------------------------------------------------------------ */

static void test_paths_agree(void **state)
{
    (void)state;
    int n = rows_wanted();
    fx a, b;
    open_built(&a, set_based, n);
    open_built(&b, row_by_row, n);
    assert_same_store(&a, &b);
    int set = real_start_due != NULL;
    /* Every Scheduled row due at once, then nothing due, then the
     * occurrences the series made. */
    const int64_t ticks[] = {FX_T0 + 40 * FX_DAY, FX_T0 + 40 * FX_DAY + 60, FX_T0 + 60 * FX_DAY};
    enum { TICKS = sizeof ticks / sizeof ticks[0] };
    unsigned int moved = 0;
    start_due_calls = 0;
    for (size_t i = 0; i < TICKS; i++) {
        a.now = b.now = ticks[i];
        engsched_tick_report ra = tick(&a, ticks[i]), rb = tick(&b, ticks[i]);
        assert_int_equal(ra.moved, rb.moved);
        assert_int_equal(ra.occurrences_created, rb.occurrences_created);
        moved += ra.moved;
        assert_same_store(&a, &b);
        assert_int_equal(a.events_seen, b.events_seen);
    }
    /* Both ticks really ran: most rows started, some series grew. */
    assert_true(moved > (unsigned int)n / 2);
    print_message("%u moved, %u set-based calls\n", moved, start_due_calls);
    /* One call per chunk, the last one short (or empty). */
    if (set)
        assert_int_equal(start_due_calls, TICKS + moved / 4096);
    else
        assert_int_equal(start_due_calls, 0);
    fx_close(&a);
    fx_close(&b);
}

/* A failure after the backend moved rows: the tick returns it, and the
 * store, its events and the delivered events are as before. */
static void test_failure_rolls_back(void **state)
{
    (void)state;
    fx f;
    open_built(&f, set_based, 60);
    char *before = fx_digest(&f), *events = events_text(&f, 0);
    size_t seen = f.events_seen;
    engsched_tick_report r;
    assert_int_equal(engsched_tick_report_init(&r, ENGSCHED_TICK_REPORT_VERSION), ENGSCHED_OK);
    fail_armed = 1;
    updates_seen = 0;
    fx_rc(&f, ENGSCHED_ESTORAGE, engsched_tick_ex(f.db, FX_T0 + 20 * FX_DAY, &r));
    fail_armed = 0;
    assert_int_equal(r.moved, 0);
    char *after = fx_digest(&f), *events_after = events_text(&f, 0);
    assert_string_equal(after, before);
    assert_string_equal(events_after, events);
    assert_int_equal(f.events_seen, seen);
    /* The same tick, healthy, moves them. */
    r = tick(&f, FX_T0 + 20 * FX_DAY);
    assert_true(r.moved > 0);
    free(before);
    free(after);
    free(events);
    free(events_after);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_agree),
        cmocka_unit_test(test_failure_rolls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
