/* Recurring series: setting an engagement's rule (engsched_recurrence_set)
 * and the tick's part, creating each due occurrence once. */
#include <string.h>

#include "util/dates.h"
#include "calendar/recurrence.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "ops/ops.h"
#include "ops/recurrence.h"

/* Series are read in batches like the due engagements of the tick. */
#define RECUR_BATCH 256

/* Which series recur: every status but Canceled. */
#define RECUR_STATUSES                                  \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |     \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |   \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) | \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |   \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

static engsched_rc refuse_unsupported(engsched *db)
{
    return es_fail(db, ENGSCHED_EUNSUPPORTED,
                   "recurrence: the storage backend has no recurring series (table version 6 "
                   "with recurring_due())");
}

/* The next occurrence a newly set rule owes: the first one starting
 * after the series' own first day and not before today. Occurrences in
 * the past are not created after the fact. */
static engsched_rc first_next(engsched *db, const es_engagement *e, int32_t today,
                              int32_t *out_next)
{
    int32_t after = e->rec.start_day > today - 1 ? e->rec.start_day : today - 1;
    engsched_rc rc = es_recurrence_next_after(e->rec.recurrence, e->rec.start_day, after, out_next);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "recurrence: cannot expand '%s'", e->rec.recurrence);
    return ENGSCHED_OK;
}

static json_t *recurrence_details(const es_engagement *e)
{
    if (e->rec.recurrence[0] == '\0' || e->rec.recurrence_next_day == ES_RECURRENCE_ENDED)
        return json_pack("{s:s, s:n}", "recurrence", e->rec.recurrence, "next");
    char next[ES_DATE_LEN];
    es_date_format(e->rec.recurrence_next_day, next);
    return json_pack("{s:s, s:s}", "recurrence", e->rec.recurrence, "next", next);
}

static engsched_rc set_in(engsched *db, engsched_id actor, engsched_id engagement, int64_t version,
                          const char *rule)
{
    es_actor who;
    es_engagement e;
    int64_t now = es_now(db);
    int32_t today = 0;
    engsched_rc rc = es_engagement_open(db, actor, engagement, ES_OP_EDIT, 0, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    int before = e.rec.status;
    rc = es_engagement_set_text(db, &e.rec.recurrence, rule);
    if (rc == ENGSCHED_OK)
        rc = es_today(db, now, &today);
    e.rec.recurrence_next_day = 0;
    if (rc == ENGSCHED_OK && rule[0] != '\0')
        rc = first_next(db, &e, today, &e.rec.recurrence_next_day);
    if (rc == ENGSCHED_OK)
        rc = es_engagement_save(db, &e, now);
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, engagement, "engagement.recurrence_changed", before, e.rec.status,
                     recurrence_details(&e));
    es_engagement_release(&e);
    return rc;
}

engsched_rc engsched_recurrence_set(engsched *db, engsched_id actor, engsched_id engagement,
                                    int64_t version, const char *rrule)
{
    ES_CHECK_DB(db);
    const char *rule = rrule != NULL ? rrule : "";
    char why[256];
    if (!db->recurrence)
        return refuse_unsupported(db);
    if (rule[0] != '\0' && es_recurrence_check(rule, why, sizeof why) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_EINVAL, "recurrence: %s", why);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    return es_finish_and_deliver(db, set_in(db, actor, engagement, version, rule));
}

/* --- the tick's part ---------------------------------------------------- */

typedef struct series_batch {
    engsched *db;
    es_engagement rows[RECUR_BATCH];
    unsigned int count;
} series_batch;

static engsched_rc collect_series(void *ctx, const engsched_rec_engagement *row)
{
    series_batch *batch = ctx;
    engsched_rc rc = es_engagement_adopt(batch->db, &batch->rows[batch->count], row);
    if (rc == ENGSCHED_OK)
        batch->count++;
    return rc;
}

static void series_release(series_batch *batch)
{
    for (unsigned int i = 0; i < batch->count; i++)
        es_engagement_release(&batch->rows[i]);
    batch->count = 0;
}

/* The occurrence as a new Pending request of the series' requester: the
 * details copied; no operators, files, report or rule of its own. */
static engsched_rc occurrence_record(engsched *db, const es_engagement *series, int32_t start,
                                     int64_t now, es_engagement *out)
{
    engsched_rc rc = es_engagement_adopt(db, out, &series->rec);
    if (rc != ENGSCHED_OK)
        return rc;
    out->rec.id = 0;
    out->rec.start_day = start;
    out->rec.end_day = start + (series->rec.end_day - series->rec.start_day);
    out->rec.version = 1;
    out->rec.created_at = now;
    out->rec.updated_at = now;
    out->rec.report = 0;
    out->rec.report_status = ENGSCHED_REPORT_NONE;
    out->rec.origin = series->rec.id;
    out->rec.recurrence_next_day = 0;
    if ((rc = es_engagement_set_text(db, &out->rec.report_title, "")) != ENGSCHED_OK ||
        (rc = es_engagement_set_text(db, &out->rec.cancel_reason, "")) != ENGSCHED_OK ||
        (rc = es_engagement_set_text(db, &out->rec.recurrence, "")) != ENGSCHED_OK ||
        (rc = es_engagement_derive(db, out, now)) != ENGSCHED_OK)
        es_engagement_release(out);
    return rc;
}

static engsched_rc emit_occurrence(engsched *db, const es_engagement *o)
{
    char start[ES_DATE_LEN];
    es_date_format(o->rec.start_day, start);
    return es_emit(db, ENGSCHED_SYSTEM, o->rec.id, "engagement.occurrence_created", 0,
                   o->rec.status,
                   json_pack("{s:I, s:s}", "origin", (json_int_t)o->rec.origin, "start", start));
}

/* Insert, in a savepoint where the backend has them: a second ticker
 * that got there first (ENGSCHED_EEXISTS from the unique index on
 * (origin, start_day)) is not a failure of this tick, and PostgreSQL
 * aborts the whole transaction on a failed statement unless a savepoint
 * undoes it. SQLite undoes the failed statement alone and the memory
 * backend refuses before changing anything, so without savepoints the
 * transaction goes on as well. *out_created 0 when it was taken. */
static engsched_rc insert_occurrence(engsched *db, es_engagement *o, int *out_created)
{
    engsched_storage *s = db->storage;
    *out_created = 0;
    engsched_rc rc = db->savepoints ? s->savepoint(s) : ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "opening a savepoint");
    rc = s->engagement_insert(s, &o->rec, &o->rec.id, &o->rec.report);
    engsched_rc end = ENGSCHED_OK;
    if (db->savepoints && rc == ENGSCHED_EEXISTS)
        end = s->rollback_to(s);
    if (db->savepoints && end == ENGSCHED_OK)
        end = s->release(s);
    if (rc == ENGSCHED_OK && end == ENGSCHED_OK) {
        *out_created = 1;
        return emit_occurrence(db, o);
    }
    if (rc == ENGSCHED_EEXISTS && end == ENGSCHED_OK)
        return ENGSCHED_OK;
    return es_storage_fail(db, rc != ENGSCHED_OK && rc != ENGSCHED_EEXISTS ? rc : end,
                           "inserting an occurrence");
}

/* Every due occurrence of one series, each once, then the series' next
 * day written back (a bookkeeping column: neither its version nor its
 * updated_at move). */
static engsched_rc recur_one(engsched *db, es_engagement *series, int32_t until, int64_t now,
                             unsigned int *created)
{
    int32_t next = series->rec.recurrence_next_day;
    engsched_rc rc = ENGSCHED_OK;
    while (rc == ENGSCHED_OK && next != ES_RECURRENCE_ENDED && next <= until) {
        es_engagement o;
        int fresh = 0;
        rc = occurrence_record(db, series, next, now, &o);
        if (rc != ENGSCHED_OK)
            return rc;
        rc = insert_occurrence(db, &o, &fresh);
        es_engagement_release(&o);
        *created += (unsigned int)fresh;
        if (rc == ENGSCHED_OK &&
            es_recurrence_next_after(series->rec.recurrence, series->rec.start_day, next, &next) !=
                ENGSCHED_OK)
            next = ES_RECURRENCE_ENDED; /* a rule this library no longer takes ends */
    }
    if (rc != ENGSCHED_OK)
        return rc;
    series->rec.recurrence_next_day = next;
    rc = db->storage->engagement_update(db->storage, &series->rec, NULL);
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, "updating a recurring series");
}

engsched_rc es_tick_occurrences(engsched *db, int32_t today, int64_t now, unsigned int *out_created)
{
    if (!db->recurrence)
        return ENGSCHED_OK;
    int64_t lead = 30;
    engsched_rc rc = es_setting_int(db, "recurrence_lead_days", &lead);
    if (rc != ENGSCHED_OK)
        return rc;
    int32_t until = es_recurrence_due_until((int)lead, today);
    series_batch *batch = es_malloc(sizeof *batch);
    if (batch == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory in tick");
    batch->db = db;
    batch->count = 0;
    engsched_id after = 0;
    int more = 1;
    while (rc == ENGSCHED_OK && more) {
        rc = db->storage->recurring_due(db->storage, until, RECUR_STATUSES, after, RECUR_BATCH,
                                        collect_series, batch);
        if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOMEM)
            es_storage_fail(db, rc, "finding due recurring series");
        for (unsigned int i = 0; rc == ENGSCHED_OK && i < batch->count; i++)
            rc = recur_one(db, &batch->rows[i], until, now, out_created);
        more = batch->count == RECUR_BATCH;
        if (batch->count > 0)
            after = batch->rows[batch->count - 1].rec.id;
        series_release(batch);
    }
    es_free(batch);
    return rc;
}
