/* Engagement snapshots: an immutable copy of one engagement with its
 * operators, read in one transaction. */
#include <string.h>

#include "util/dates.h"
#include "core/assignment_record.h"
#include "core/engagement_store.h"
#include "core/invitation_state.h"
#include "delivery/delivery.h"

typedef struct snapshot_operator {
    engsched_id user;
    engsched_operator_role role;
    engsched_id assigned_by;
    int64_t assigned_at;
    engsched_response response;
    int64_t responded_at;
    char window_start[ES_DATE_LEN];
    char window_end[ES_DATE_LEN];
    int percent;
    int tentative;
} snapshot_operator;

struct engsched_engagement {
    es_engagement e;
    char start[ES_DATE_LEN];
    char end[ES_DATE_LEN];
    snapshot_operator *operators;
    size_t operator_count;
    size_t operator_cap;
    const engsched *db; /* while the operators are read */
};

static engsched_rc collect_operator(void *ctx, const engsched_rec_assignment *row)
{
    engsched_engagement *snap = ctx;
    snapshot_operator *grown =
        es_grow(snap->operators, &snap->operator_cap, snap->operator_count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    snap->operators = grown;
    engsched_rec_assignment a;
    es_assignment_read(snap->db, row, snap->e.rec.start_day, snap->e.rec.end_day, &a);
    /* No answer until load_responses() reads the series. */
    snapshot_operator *op = &snap->operators[snap->operator_count++];
    *op = (snapshot_operator){
        .user = a.user,
        .role = (engsched_operator_role)a.role,
        .assigned_by = a.assigned_by,
        .assigned_at = a.assigned_at,
        .percent = a.percent,
        .tentative = a.tentative,
    };
    es_date_format(a.window_start, op->window_start);
    es_date_format(a.window_end, op->window_end);
    return ENGSCHED_OK;
}

/* Each operator's answer, from their invitation series (after the list:
 * the backend is not called from its own row callback). An operator never
 * invited, or a store without series, has none. */
static engsched_rc load_responses(engsched *db, engsched_engagement *snap)
{
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; rc == ENGSCHED_OK && i < snap->operator_count; i++) {
        snapshot_operator *op = &snap->operators[i];
        rc = es_series_response(db, snap->e.rec.id, op->user, &op->response, &op->responded_at);
    }
    return rc;
}

void engsched_engagement_free(engsched_engagement *snap)
{
    if (snap == NULL)
        return;
    es_engagement_release(&snap->e);
    es_free(snap->operators);
    es_free(snap);
}

engsched_rc engsched_engagement_get(engsched *db, engsched_id actor, engsched_id engagement,
                                    engsched_engagement **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_engagement *snap = es_calloc(1, sizeof *snap);
    if (snap == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading engagement %lld",
                       (long long)engagement);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        goto out;
    es_actor who;
    rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &snap->e);
    if (rc == ENGSCHED_OK) {
        snap->db = db;
        rc = db->storage->assignment_list(db->storage, engagement, collect_operator, snap);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory reading operators");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading operators");
    }
    if (rc == ENGSCHED_OK)
        rc = load_responses(db, snap);
    rc = es_finish_and_deliver(db, rc);
out:
    if (rc != ENGSCHED_OK) {
        engsched_engagement_free(snap);
        return rc;
    }
    es_date_format(snap->e.rec.start_day, snap->start);
    es_date_format(snap->e.rec.end_day, snap->end);
    *out = snap;
    return ENGSCHED_OK;
}

#define REC(e) ((e)->e.rec)

engsched_id engsched_engagement_id(const engsched_engagement *e) { return e ? REC(e).id : 0; }
engsched_id engsched_engagement_client(const engsched_engagement *e)
{
    return e ? REC(e).client : 0;
}
engsched_id engsched_engagement_requested_by(const engsched_engagement *e)
{
    return e ? REC(e).requested_by : 0;
}
const char *engsched_engagement_name(const engsched_engagement *e)
{
    return e ? REC(e).name : NULL;
}
const char *engsched_engagement_description(const engsched_engagement *e)
{
    return e ? REC(e).description : NULL;
}
const char *engsched_engagement_type(const engsched_engagement *e)
{
    return e ? REC(e).type : NULL;
}
const char *engsched_engagement_location(const engsched_engagement *e)
{
    return e ? REC(e).location : NULL;
}
const char *engsched_engagement_contacts(const engsched_engagement *e)
{
    return e ? REC(e).contacts : NULL;
}
const char *engsched_engagement_custom_fields(const engsched_engagement *e)
{
    return e ? REC(e).custom_fields : NULL;
}
const char *engsched_engagement_start(const engsched_engagement *e)
{
    return e ? e->start : NULL;
}
const char *engsched_engagement_end(const engsched_engagement *e) { return e ? e->end : NULL; }
engsched_status engsched_engagement_status(const engsched_engagement *e)
{
    return e ? (engsched_status)REC(e).status : (engsched_status)0;
}
const char *engsched_engagement_cancel_reason(const engsched_engagement *e)
{
    return e ? REC(e).cancel_reason : NULL;
}
int64_t engsched_engagement_version(const engsched_engagement *e)
{
    return e ? REC(e).version : 0;
}
int64_t engsched_engagement_created_at(const engsched_engagement *e)
{
    return e ? REC(e).created_at : 0;
}
int64_t engsched_engagement_updated_at(const engsched_engagement *e)
{
    return e ? REC(e).updated_at : 0;
}
engsched_id engsched_engagement_report(const engsched_engagement *e)
{
    return e ? REC(e).report : 0;
}
engsched_report_status engsched_engagement_report_status(const engsched_engagement *e)
{
    return e ? (engsched_report_status)REC(e).report_status : ENGSCHED_REPORT_NONE;
}
const char *engsched_engagement_report_title(const engsched_engagement *e)
{
    return e ? REC(e).report_title : NULL;
}

const char *engsched_engagement_recurrence(const engsched_engagement *e)
{
    return e ? REC(e).recurrence : NULL;
}

engsched_id engsched_engagement_origin(const engsched_engagement *e)
{
    return e ? REC(e).origin : 0;
}
size_t engsched_engagement_operator_count(const engsched_engagement *e)
{
    return e ? e->operator_count : 0;
}

engsched_rc engsched_engagement_operator(const engsched_engagement *e, size_t index,
                                         engsched_id *out_user, engsched_operator_role *out_role,
                                         engsched_id *out_assigned_by, int64_t *out_assigned_at)
{
    if (e == NULL)
        return ENGSCHED_EMISUSE;
    if (index >= e->operator_count)
        return ENGSCHED_EINVAL;
    const snapshot_operator *op = &e->operators[index];
    if (out_user)
        *out_user = op->user;
    if (out_role)
        *out_role = op->role;
    if (out_assigned_by)
        *out_assigned_by = op->assigned_by;
    if (out_assigned_at)
        *out_assigned_at = op->assigned_at;
    return ENGSCHED_OK;
}

engsched_rc engsched_engagement_operator_response(const engsched_engagement *e, size_t index,
                                                  engsched_response *out, int64_t *out_at)
{
    if (e == NULL)
        return ENGSCHED_EMISUSE;
    if (index >= e->operator_count)
        return ENGSCHED_EINVAL;
    if (out)
        *out = e->operators[index].response;
    if (out_at)
        *out_at = e->operators[index].responded_at;
    return ENGSCHED_OK;
}

engsched_rc engsched_engagement_operator_allocation(const engsched_engagement *e, size_t index,
                                                    const char **out_start, const char **out_end,
                                                    int *out_percent, int *out_tentative)
{
    if (e == NULL)
        return ENGSCHED_EMISUSE;
    if (index >= e->operator_count)
        return ENGSCHED_EINVAL;
    const snapshot_operator *op = &e->operators[index];
    if (out_start)
        *out_start = op->window_start;
    if (out_end)
        *out_end = op->window_end;
    if (out_percent)
        *out_percent = op->percent;
    if (out_tentative)
        *out_tentative = op->tentative;
    return ENGSCHED_OK;
}
