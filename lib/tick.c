/* The hourly job: Scheduled engagements whose first day has come (in the
 * tenant's time zone) move to In Progress. Idempotent: a second run finds
 * nothing due. */
#include "engagement_store.h"
#include "events.h"
#include "settings.h"

/* Due ids are read in batches (32 KiB of ids). Each batch asks the store
 * for the first due ids after the last one, which costs a pass over the
 * due index: with 100,000 due, batches of 256 made that 391 passes. */
#define TICK_BATCH 4096

typedef struct due_batch {
    engsched_id ids[TICK_BATCH];
    unsigned int count;
} due_batch;

static engsched_rc collect_due(void *ctx, const engsched_rec_engagement *row)
{
    due_batch *batch = ctx;
    batch->ids[batch->count++] = row->id;
    return ENGSCHED_OK;
}

static engsched_rc start_one(engsched *db, engsched_id id, int64_t now, unsigned int *moved)
{
    es_engagement e;
    engsched_rc rc = es_engagement_read(db, id, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    int before = e.rec.status;
    rc = es_engagement_save(db, &e, now);
    if (rc == ENGSCHED_OK && e.rec.status != before) {
        rc = es_emit_at(db, now, ENGSCHED_SYSTEM, id, "engagement.started", before, e.rec.status,
                     json_pack("{s:I}", "report", (json_int_t)e.rec.report));
        (*moved)++;
    }
    es_engagement_release(&e);
    return rc;
}

engsched_rc engsched_tick(engsched *db, int64_t now, unsigned int *out_moved)
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
    unsigned int moved = 0;
    engsched_id after = 0;
    due_batch *batch = es_malloc(sizeof *batch);
    if (batch == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory in tick");
    else
        rc = es_today(db, now, &today);
    while (rc == ENGSCHED_OK) {
        batch->count = 0;
        rc = db->storage->engagements_due(db->storage, today, after, TICK_BATCH, collect_due,
                                          batch);
        if (rc != ENGSCHED_OK) {
            es_storage_fail(db, rc, "finding due engagements");
            break;
        }
        for (unsigned int i = 0; rc == ENGSCHED_OK && i < batch->count; i++)
            rc = start_one(db, batch->ids[i], now, &moved);
        if (batch->count < TICK_BATCH)
            break;
        after = batch->ids[batch->count - 1];
    }
    es_free(batch);
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK && out_moved != NULL)
        *out_moved = moved;
    return rc;
}
