/* The tick's set-based start of due engagements: per chunk, one
 * engagements_start_due() call moves the rows in the store, then the core
 * records one engagement.started per moved row, as the row-by-row path
 * (ops/tick.c) does after each engagement_update(). */
#include <stdio.h>
#include <stdlib.h>

#include "core/events.h"
#include "ops/tick_start.h"

/* What the event of one moved row needs. */
typedef struct started_row {
    engsched_id id;
    engsched_id report;
    int status;
} started_row;

typedef struct start_chunk {
    started_row rows[ES_TICK_CHUNK];
    unsigned int count;
    int new_status;
    engsched_id bad; /* a row the rules would not have moved so */
    int bad_report;
} start_chunk;

engsched_rc es_tick_emit_started(engsched *db, engsched_id id, engsched_id report, int before,
                                 int after, int64_t now)
{
    char details[48];
    snprintf(details, sizeof details, "{\"report\":%lld}", (long long)report);
    engsched_rec_event ev = {0,      now,   ENGSCHED_SYSTEM, id, "engagement.started",
                             before, after, details};
    return es_emit_record(db, &ev);
}

/* The row-by-row path derives each row's status from its own report; the
 * statement gives every row one status. They agree when the rules give
 * that status to the row's report (a Scheduled engagement has a Draft
 * report); a row they disagree on stops the tick rather than being
 * written differently from the rules. */
static engsched_rc collect_started(void *ctx, const engsched_rec_engagement *row)
{
    start_chunk *chunk = ctx;
    engsched_status derived =
        engsched_status_derive((engsched_report_status)row->report_status, 1, 0);
    if ((int)derived != chunk->new_status || row->status != chunk->new_status) {
        chunk->bad = row->id;
        chunk->bad_report = row->report_status;
        return ENGSCHED_ECORRUPT;
    }
    if (chunk->count == ES_TICK_CHUNK)
        return ENGSCHED_ESTORAGE; /* more rows than the limit asked for */
    chunk->rows[chunk->count++] = (started_row){row->id, row->report, row->status};
    return ENGSCHED_OK;
}

static int by_id(const void *a, const void *b)
{
    engsched_id x = ((const started_row *)a)->id, y = ((const started_row *)b)->id;
    return (x > y) - (x < y);
}

static engsched_rc chunk_failed(engsched *db, const start_chunk *chunk, engsched_rc rc)
{
    if (rc == ENGSCHED_ECORRUPT && chunk->bad != 0)
        return es_fail(db, rc,
                       "engagement %lld is Scheduled with report status %s: the rules do not "
                       "start it as %s",
                       (long long)chunk->bad,
                       engsched_report_status_label((engsched_report_status)chunk->bad_report),
                       engsched_status_label((engsched_status)chunk->new_status));
    if (rc == ENGSCHED_ESTORAGE && chunk->count == ES_TICK_CHUNK)
        return es_fail(db, rc, "the backend moved more due engagements than asked for");
    return es_storage_fail(db, rc, "starting due engagements");
}

/* One chunk after id *after: the statement, then the events in id order
 * (the order of the row-by-row path). *more is set when the chunk was
 * full. */
static engsched_rc start_chunk_after(engsched *db, start_chunk *chunk, int32_t today, int64_t now,
                                     engsched_id *after, unsigned int *moved, int *more)
{
    chunk->count = 0;
    engsched_rc rc = db->storage->engagements_start_due(
        db->storage, today, *after, ES_TICK_CHUNK, chunk->new_status, now, collect_started, chunk);
    if (rc != ENGSCHED_OK)
        return chunk_failed(db, chunk, rc);
    qsort(chunk->rows, chunk->count, sizeof chunk->rows[0], by_id);
    for (unsigned int i = 0; rc == ENGSCHED_OK && i < chunk->count; i++)
        rc = es_tick_emit_started(db, chunk->rows[i].id, chunk->rows[i].report,
                                  ENGSCHED_STATUS_SCHEDULED, chunk->rows[i].status, now);
    *moved += chunk->count;
    *more = chunk->count == ES_TICK_CHUNK;
    if (chunk->count > 0)
        *after = chunk->rows[chunk->count - 1].id;
    return rc;
}

engsched_rc es_tick_start_set(engsched *db, int32_t today, int64_t now, unsigned int *moved)
{
    start_chunk *chunk = es_malloc(sizeof *chunk);
    if (chunk == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory in tick");
    /* A Scheduled engagement has a Draft report: what the rules make of
     * it once its first day has come. */
    chunk->new_status = (int)engsched_status_derive(ENGSCHED_REPORT_DRAFT, 1, 0);
    chunk->bad = 0;
    engsched_id after = 0;
    int more = 1;
    engsched_rc rc = ENGSCHED_OK;
    while (rc == ENGSCHED_OK && more)
        rc = start_chunk_after(db, chunk, today, now, &after, moved, &more);
    es_free(chunk);
    return rc;
}
