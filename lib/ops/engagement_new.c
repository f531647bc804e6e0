/* The first write of an engagement, shared by request and create. */
#include <string.h>

#include "util/dates.h"
#include "calendar/recurrence.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

engsched_rc es_input_check_owner(engsched *db, const engsched_input *in)
{
    if (in == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "input: must not be NULL");
    if (in->db != db)
        return es_fail(db, ENGSCHED_EMISUSE, "input: the builder belongs to another handle");
    return ENGSCHED_OK;
}

static engsched_rc check_client(engsched *db, const es_actor *actor, engsched_id client)
{
    engsched_rec_client rec;
    int access = 0;
    engsched_rc rc = db->storage->client_get(db->storage, client, &rec);
    if (rc == ENGSCHED_OK)
        rc = es_actor_has_access(db, actor, client, &access);
    else if (rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading a client");
    if (rc == ENGSCHED_ENOTFOUND || (rc == ENGSCHED_OK && !access))
        return es_fail(db, ENGSCHED_ENOTFOUND, "client: client %lld not found",
                       (long long)client);
    return rc;
}

static json_t *creation_details(const engsched_rec_engagement *r)
{
    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(r->start_day, start);
    es_date_format(r->end_day, end);
    return json_pack("{s:s, s:I, s:s, s:s, s:I}", "name", r->name, "client",
                     (json_int_t)r->client, "start", start, "end", end, "report",
                     (json_int_t)r->report);
}

/* A clone's rule (engsched_clone() with ENGSCHED_CLONE_RECURRENCE): its
 * next occurrence as engsched_recurrence_set() finds it, from the new
 * dates and today. */
static engsched_rc apply_recurrence(engsched *db, const engsched_input *in, int64_t now,
                                    es_engagement *e)
{
    int32_t today = 0;
    if (in->recurrence == NULL || in->recurrence[0] == '\0')
        return ENGSCHED_OK;
    engsched_rc rc = es_engagement_set_text(db, &e->rec.recurrence, in->recurrence);
    if (rc == ENGSCHED_OK)
        rc = es_today(db, now, &today);
    if (rc != ENGSCHED_OK)
        return rc;
    int32_t after = e->rec.start_day > today - 1 ? e->rec.start_day : today - 1;
    rc = es_recurrence_next_after(in->recurrence, e->rec.start_day, after,
                                  &e->rec.recurrence_next_day);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "recurrence: cannot expand '%s'", in->recurrence);
    return ENGSCHED_OK;
}

static engsched_rc emit_cloned(engsched *db, const es_actor *actor, const engsched_input *in,
                               const es_engagement *e)
{
    if (in->cloned_from == 0)
        return ENGSCHED_OK;
    return es_emit(db, actor->id, e->rec.id, "engagement.cloned", 0, e->rec.status,
                   json_pack("{s:I}", "from", (json_int_t)in->cloned_from));
}

static engsched_rc insert_new(engsched *db, engsched_id actor_id, const engsched_input *in,
                              es_op op, int64_t now, es_actor *actor, es_engagement *out)
{
    engsched_rc rc = es_actor_load(db, actor_id, actor);
    if (rc != ENGSCHED_OK || (rc = check_client(db, actor, in->client)) != ENGSCHED_OK)
        return rc;
    rc = es_authorize(actor->is_system, actor->permissions, 1, op, ENGSCHED_REPORT_NONE);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "user %lld may not %s an engagement (needs %s)", (long long)actor_id,
                       es_op_name(op),
                       es_permission_missing(actor->permissions, op, ENGSCHED_REPORT_NONE));
    int with_report = op == ES_OP_CREATE;
    engsched_rec_engagement blank = {
        .client = in->client,
        .requested_by = actor->id,
        .version = 1,
        .created_at = now,
        .updated_at = now,
        .report_status = with_report ? ENGSCHED_REPORT_DRAFT : ENGSCHED_REPORT_NONE,
        .custom_fields = "{}",
        .report_title = with_report ? in->name : "",
    };
    memset(out, 0, sizeof *out);
    /* es_engagement owns its strings: copy the blank through the same path
     * as a stored record, then lay the input over it. */
    if ((rc = es_engagement_adopt(db, out, &blank)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_engagement_apply_input(db, out, in)) != ENGSCHED_OK ||
        (rc = apply_recurrence(db, in, now, out)) != ENGSCHED_OK ||
        (rc = es_engagement_derive(db, out, now)) != ENGSCHED_OK)
        goto fail;
    rc = db->storage->engagement_insert(db->storage, &out->rec, &out->rec.id, &out->rec.report);
    if (rc != ENGSCHED_OK) {
        es_storage_fail(db, rc, "inserting an engagement");
        goto fail;
    }
    rc = es_emit(db, actor->id, out->rec.id,
                 with_report ? "engagement.created" : "engagement.requested", 0, out->rec.status,
                 creation_details(&out->rec));
    if (rc == ENGSCHED_OK)
        rc = emit_cloned(db, actor, in, out);
    if (rc == ENGSCHED_OK)
        return ENGSCHED_OK;
fail:
    es_engagement_release(out);
    return rc;
}

engsched_rc es_engagement_new(engsched *db, engsched_id actor, const engsched_input *in, es_op op,
                              unsigned int allowed_fields, engsched_id *out_id)
{
    const char *verb = op == ES_OP_CREATE ? "create" : "request";
    engsched_rc rc = es_input_check_owner(db, in);
    if (rc != ENGSCHED_OK || (rc = es_input_only(db, in, allowed_fields, verb)) != ENGSCHED_OK ||
        (rc = es_input_require(db, in, ES_F_NAME | ES_F_CLIENT | ES_F_DATES, verb)) !=
            ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    int64_t now = es_now(db);
    es_actor who;
    es_engagement e;
    rc = insert_new(db, actor, in, op, now, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    engsched_id id = e.rec.id;
    rc = es_attach_input_files(db, &who, &e, in, now);
    if (rc == ENGSCHED_OK)
        rc = es_assign_input_operators(db, &who, &e, in, now);
    es_engagement_release(&e);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}
