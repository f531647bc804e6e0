/* The hourly job: Scheduled engagements whose first day has come (in the
 * tenant's time zone) move to In Progress, and recurring series get their
 * due occurrences. Idempotent: a second run finds nothing due.
 *
 * A backend with engagements_start_due() (table version 8) moves each
 * chunk of due engagements in one statement (ops/tick_start.c); for the
 * others the due rows are read and written one by one, here. */
#include "core/engagement_store.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "ops/recurrence.h"
#include "ops/tick_start.h"

/* Due engagements are read in chunks of ES_TICK_CHUNK. Each batch asks
 * the store for the first due rows after the last id, which costs a pass
 * over the due index: with 100,000 due, batches of 256 made that 391
 * passes. The rows are kept (a few MiB at most) rather than read again
 * one by one: nothing but the tick writes them inside its transaction. */
typedef struct due_batch {
    engsched *db;
    es_engagement rows[ES_TICK_CHUNK];
    unsigned int count;
} due_batch;

static engsched_rc collect_due(void *ctx, const engsched_rec_engagement *row)
{
    due_batch *batch = ctx;
    engsched_rc rc = es_engagement_adopt(batch->db, &batch->rows[batch->count], row);
    if (rc == ENGSCHED_OK)
        batch->count++;
    return rc;
}

static void batch_release(due_batch *batch)
{
    for (unsigned int i = 0; i < batch->count; i++)
        es_engagement_release(&batch->rows[i]);
    batch->count = 0;
}

static engsched_rc start_one(engsched *db, es_engagement *e, int64_t now, int32_t today,
                             unsigned int *moved)
{
    int before = e->rec.status;
    engsched_rc rc = es_engagement_save_on(db, e, now, today);
    if (rc != ENGSCHED_OK || e->rec.status == before)
        return rc;
    (*moved)++;
    return es_tick_emit_started(db, e->rec.id, e->rec.report, before, e->rec.status, now);
}

/* One batch of due engagements after id @p *after; *more is set when the
 * batch was full (there may be more). */
static engsched_rc start_batch(engsched *db, due_batch *batch, int32_t today, int64_t now,
                               engsched_id *after, unsigned int *moved, int *more)
{
    engsched_rc rc = db->storage->engagements_due(db->storage, today, *after, ES_TICK_CHUNK,
                                                  collect_due, batch);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory in tick");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "finding due engagements");
    for (unsigned int i = 0; rc == ENGSCHED_OK && i < batch->count; i++)
        rc = start_one(db, &batch->rows[i], now, today, moved);
    *more = batch->count == ES_TICK_CHUNK;
    if (batch->count > 0)
        *after = batch->rows[batch->count - 1].rec.id;
    batch_release(batch);
    return rc;
}

/* Row by row: every due engagement read, derived and written on its own. */
static engsched_rc start_rows(engsched *db, int32_t today, int64_t now, unsigned int *moved)
{
    engsched_id after = 0;
    int more = 1;
    due_batch *batch = es_malloc(sizeof *batch);
    if (batch == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory in tick");
    batch->db = db;
    batch->count = 0;
    engsched_rc rc = ENGSCHED_OK;
    while (rc == ENGSCHED_OK && more)
        rc = start_batch(db, batch, today, now, &after, moved, &more);
    es_free(batch);
    return rc;
}

/* Both passes in one write transaction: the Scheduled engagements that
 * start, then the occurrences of recurring series (ops/recurrence.c). */
static engsched_rc tick_run(engsched *db, int64_t now, engsched_tick_report *out)
{
    ES_CHECK_DB(db);
    /* The system's job, not a host's operation: it moves every due
     * engagement with one event each (all of them queued until commit), so
     * it stays out of batches, and may later commit in chunks without
     * changing what a caller sees. */
    engsched_rc rc = es_refuse_in_batch(db, "engsched_tick()");
    if (rc != ENGSCHED_OK || (rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    int32_t today;
    unsigned int moved = 0, created = 0;
    rc = es_today(db, now, &today);
    if (rc == ENGSCHED_OK)
        rc = db->start_due ? es_tick_start_set(db, today, now, &moved)
                           : start_rows(db, today, now, &moved);
    if (rc == ENGSCHED_OK)
        rc = es_tick_occurrences(db, today, now, &created);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out != NULL) {
        out->moved = moved;
        out->occurrences_created = created;
    }
    return rc;
}

engsched_rc engsched_tick(engsched *db, int64_t now, unsigned int *out_moved)
{
    engsched_tick_report report = ENGSCHED_TICK_REPORT_INIT;
    engsched_rc rc = tick_run(db, now, &report);
    if (rc == ENGSCHED_OK && out_moved != NULL)
        *out_moved = report.moved;
    return rc;
}

engsched_rc engsched_tick_report_init(engsched_tick_report *report, unsigned int version)
{
    if (report == NULL || version != ENGSCHED_TICK_REPORT_VERSION)
        return ENGSCHED_EMISUSE;
    *report = (engsched_tick_report)ENGSCHED_TICK_REPORT_INIT;
    return ENGSCHED_OK;
}

engsched_rc engsched_tick_ex(engsched *db, int64_t now, engsched_tick_report *out)
{
    ES_CHECK_DB(db);
    if (out != NULL && out->version != ENGSCHED_TICK_REPORT_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "out: version %u is not %d", out->version,
                       ENGSCHED_TICK_REPORT_VERSION);
    return tick_run(db, now, out);
}
