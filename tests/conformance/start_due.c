/* The set-based tick cases of the storage conformance suite (table
 * version 8: engagements_start_due()). A backend without it skips every
 * case: the core then starts due engagements one by one. */
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

#define NOW INT64_C(1700009999)
#define DAY 50 /* before conf_add_owners()'s engagements (day 100): they stay */
#define MAX_ROWS 16

static engsched_storage *start_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 8 || s->engagements_start_due == NULL) {
        print_message("the backend has no engagements_start_due (table version %u): case "
                      "skipped\n",
                      s->version);
        skip();
    }
    return s;
}

/* The client of conf_add_owners()'s engagements. */
static engsched_id owners_client(engsched_storage *s, const conf_owners *o)
{
    engsched_rec_engagement got;
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->engagement_get(s, o->eng[0], &got));
    engsched_id client = got.client;
    EXPECT_OK(s, s->commit(s));
    return client;
}

/* An engagement with every column set, a Draft report when @p report. */
static engsched_id add_row(engsched_storage *s, engsched_id client, int status, int32_t start,
                           int report)
{
    engsched_rec_engagement e = {
        .client = client,
        .name = "due",
        .description = "Internal test",
        .type = "internal",
        .location = "Lab",
        .contacts = "bob@example.com",
        .custom_fields = "{\"k\":1}",
        .cancel_reason = status == ENGSCHED_STATUS_CANCELED ? "no budget" : "",
        .start_day = start,
        .end_day = start + 2,
        .status = status,
        .version = 3,
        .created_at = 1700000000,
        .updated_at = 1700000005,
        .report_status = report ? ENGSCHED_REPORT_DRAFT : ENGSCHED_REPORT_NONE,
        .report_title = report ? "Draft report" : "",
        .recurrence = "",
    };
    engsched_id id = 0, rid = 0;
    EXPECT_OK(s, s->engagement_insert(s, &e, &id, &rid));
    return id;
}

typedef struct moved {
    engsched_rec_engagement rows[MAX_ROWS];
    size_t count;
} moved;

static engsched_rc on_moved(void *ctx, const engsched_rec_engagement *row)
{
    moved *m = ctx;
    assert_true(m->count < MAX_ROWS);
    m->rows[m->count] = *row;
    m->rows[m->count].name = NULL; /* strings are the backend's: not kept */
    m->count++;
    return ENGSCHED_OK;
}

static int by_id(const void *a, const void *b)
{
    engsched_id x = ((const engsched_rec_engagement *)a)->id;
    engsched_id y = ((const engsched_rec_engagement *)b)->id;
    return (x > y) - (x < y);
}

/* One call in a write transaction of its own; the rows sorted by id (the
 * backend may report them in any order). */
static moved start_due(engsched_storage *s, engsched_id after, unsigned int limit)
{
    moved m;
    memset(&m, 0, sizeof m);
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->engagements_start_due(s, DAY, after, limit, ENGSCHED_STATUS_IN_PROGRESS, NOW,
                                          on_moved, &m));
    EXPECT_OK(s, s->commit(s));
    qsort(m.rows, m.count, sizeof m.rows[0], by_id);
    return m;
}

/* A snapshot of a row's columns, to compare after a call. */
typedef struct snap {
    engsched_rec_engagement rec;
    char text[8][64];
} snap;

static snap snapshot(engsched_storage *s, engsched_id id)
{
    snap out;
    memset(&out, 0, sizeof out);
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->engagement_get(s, id, &out.rec));
    const char *texts[8] = {out.rec.name,          out.rec.description, out.rec.type,
                            out.rec.location,      out.rec.contacts,    out.rec.custom_fields,
                            out.rec.cancel_reason, out.rec.report_title};
    for (int i = 0; i < 8; i++)
        snprintf(out.text[i], sizeof out.text[i], "%s", texts[i] != NULL ? texts[i] : "");
    EXPECT_OK(s, s->commit(s));
    return out;
}

/* Every column but status, version and updated_at as before; those three
 * as @p moved says (unchanged when 0). */
static void assert_row(const snap *before, const snap *after, int was_moved)
{
    const engsched_rec_engagement *b = &before->rec, *a = &after->rec;
    assert_int_equal(a->client, b->client);
    assert_int_equal(a->start_day, b->start_day);
    assert_int_equal(a->end_day, b->end_day);
    assert_int_equal(a->created_at, b->created_at);
    assert_int_equal(a->report, b->report);
    assert_int_equal(a->report_status, b->report_status);
    for (int i = 0; i < 8; i++)
        assert_string_equal(after->text[i], before->text[i]);
    if (!was_moved) {
        assert_int_equal(a->status, b->status);
        assert_int_equal(a->version, b->version);
        assert_int_equal(a->updated_at, b->updated_at);
        return;
    }
    assert_int_equal(b->status, ENGSCHED_STATUS_SCHEDULED);
    assert_int_equal(a->status, ENGSCHED_STATUS_IN_PROGRESS);
    assert_int_equal(a->version, b->version + 1);
    assert_int_equal(a->updated_at, NOW);
}

/* What a moved row reports: its new state and its report. */
static void assert_reported(const engsched_rec_engagement *row, const snap *after)
{
    assert_int_equal(row->id, after->rec.id);
    assert_int_equal(row->start_day, after->rec.start_day);
    assert_int_equal(row->status, ENGSCHED_STATUS_IN_PROGRESS);
    assert_int_equal(row->version, after->rec.version);
    assert_int_equal(row->updated_at, NOW);
    assert_int_equal(row->report, after->rec.report);
    assert_int_equal(row->report_status, after->rec.report_status);
}

/* Nothing due: no row, no change. */
void conf_start_due_empty(void **state)
{
    engsched_storage *s = start_backend(state);
    moved m = start_due(s, 0, 4);
    assert_int_equal(m.count, 0);
    conf_owners o = conf_add_owners(s);
    engsched_id client = owners_client(s, &o);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_id later = add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY + 1, 1);
    EXPECT_OK(s, s->commit(s));
    snap before = snapshot(s, later);
    m = start_due(s, 0, 4);
    assert_int_equal(m.count, 0);
    snap after = snapshot(s, later);
    assert_row(&before, &after, 0);
}

/* Exactly one chunk (limit rows), then a chunk and one more: the first
 * `limit` in id order, then the rest after the last id; each row moved
 * once with every other column kept, reports or not. */
static void chunks_of(void **state, int extra)
{
    enum { LIMIT = 4 };
    engsched_storage *s = start_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id client = owners_client(s, &o);
    engsched_id ids[LIMIT + 1];
    int n = LIMIT + extra;
    EXPECT_OK(s, s->begin(s, 1));
    for (int i = 0; i < n; i++)
        ids[i] = add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY - i, i % 2 == 0);
    EXPECT_OK(s, s->commit(s));
    snap before[LIMIT + 1], after;
    for (int i = 0; i < n; i++)
        before[i] = snapshot(s, ids[i]);
    moved m = start_due(s, 0, LIMIT);
    assert_int_equal(m.count, LIMIT);
    for (int i = 0; i < LIMIT; i++) {
        after = snapshot(s, ids[i]);
        assert_row(&before[i], &after, 1);
        assert_reported(&m.rows[i], &after);
    }
    if (extra) {
        after = snapshot(s, ids[LIMIT]);
        assert_row(&before[LIMIT], &after, 0);
    }
    m = start_due(s, ids[LIMIT - 1], LIMIT);
    assert_int_equal(m.count, (size_t)extra);
    if (extra) {
        after = snapshot(s, ids[LIMIT]);
        assert_row(&before[LIMIT], &after, 1);
        assert_reported(&m.rows[0], &after);
    }
    /* Moved once: nothing is Scheduled any more. */
    m = start_due(s, 0, LIMIT);
    assert_int_equal(m.count, 0);
}

void conf_start_due_one_chunk(void **state) { chunks_of(state, 0); }

void conf_start_due_chunk_and_one(void **state) { chunks_of(state, 1); }

/* Rows not yet due, of other statuses, or at most after_id: untouched. */
void conf_start_due_untouched(void **state)
{
    engsched_storage *s = start_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id client = owners_client(s, &o);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_id first = add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY - 3, 1);
    engsched_id keep[] = {
        add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY + 1, 1),
        add_row(s, client, ENGSCHED_STATUS_PENDING, DAY - 1, 0),
        add_row(s, client, ENGSCHED_STATUS_CANCELED, DAY - 1, 1),
        add_row(s, client, ENGSCHED_STATUS_IN_PROGRESS, DAY - 1, 1),
        add_row(s, client, ENGSCHED_STATUS_IN_REVIEW, DAY, 1),
    };
    engsched_id due = add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY, 1);
    EXPECT_OK(s, s->commit(s));
    enum { KEEP = sizeof keep / sizeof keep[0] };
    snap before[KEEP], before_first = snapshot(s, first), before_due = snapshot(s, due), after;
    for (int i = 0; i < KEEP; i++)
        before[i] = snapshot(s, keep[i]);
    /* after_id past the first due row: only the last one moves. */
    moved m = start_due(s, first, 100);
    assert_int_equal(m.count, 1);
    after = snapshot(s, due);
    assert_row(&before_due, &after, 1);
    assert_reported(&m.rows[0], &after);
    after = snapshot(s, first);
    assert_row(&before_first, &after, 0);
    for (int i = 0; i < KEEP; i++) {
        after = snapshot(s, keep[i]);
        assert_row(&before[i], &after, 0);
    }
    /* A limit of 0 moves nothing. */
    m = start_due(s, 0, 0);
    assert_int_equal(m.count, 0);
    after = snapshot(s, first);
    assert_row(&before_first, &after, 0);
}

static engsched_rc stop_at_first(void *ctx, const engsched_rec_engagement *row)
{
    (void)row;
    (*(int *)ctx)++;
    return ENGSCHED_ECONFLICT;
}

/* A row callback that fails stops the call with its code; rolled back,
 * nothing moved. */
void conf_start_due_stops(void **state)
{
    engsched_storage *s = start_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id client = owners_client(s, &o);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_id a = add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY, 1);
    add_row(s, client, ENGSCHED_STATUS_SCHEDULED, DAY, 0);
    EXPECT_OK(s, s->commit(s));
    snap before = snapshot(s, a);
    int calls = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_ECONFLICT,
              s->engagements_start_due(s, DAY, 0, 10, ENGSCHED_STATUS_IN_PROGRESS, NOW,
                                       stop_at_first, &calls));
    s->rollback(s);
    assert_int_equal(calls, 1);
    snap after = snapshot(s, a);
    assert_row(&before, &after, 0);
    moved m = start_due(s, 0, 10);
    assert_int_equal(m.count, 2);
}
