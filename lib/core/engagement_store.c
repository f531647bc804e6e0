/* Reading, checking and writing engagement records for the operations. */
#include <stddef.h>
#include <string.h>

#include "util/dates.h"
#include "core/engagement_store.h"
#include "core/settings.h"

/* The owned string members of a record, in one table so that copy and
 * release can never disagree about which ones there are. */
#define ES_REC_STRINGS(X)                                                                  \
    X(name) X(description) X(type) X(location) X(contacts) X(custom_fields)                \
        X(cancel_reason) X(report_title) X(recurrence)

void es_engagement_release(es_engagement *e)
{
    if (e == NULL)
        return;
#define RELEASE(f) es_free((char *)e->rec.f);
    ES_REC_STRINGS(RELEASE)
#undef RELEASE
    memset(e, 0, sizeof *e);
}

/* A backend without recurring series (before table version 6) fills a
 * record of version 1 only: nothing past report_title is read from it,
 * and the version 6 members take their defaults. */
static engsched_rc copy_record(es_engagement *out, const engsched_rec_engagement *src, int v6)
{
    memset(out, 0, sizeof *out);
    if (v6)
        out->rec = *src;
    else
        memcpy(&out->rec, src, offsetof(engsched_rec_engagement, recurrence));
#define NULLIFY(f) out->rec.f = NULL;
    ES_REC_STRINGS(NULLIFY)
#undef NULLIFY
    int failed = 0;
#define COPY(f)                                                                           \
    if ((out->rec.f = es_strdup(src->f ? src->f : "")) == NULL)                            \
        failed = 1;
    ES_REC_STRINGS(COPY)
#undef COPY
    if (failed) {
        es_engagement_release(out);
        return ENGSCHED_ENOMEM;
    }
    return ENGSCHED_OK;
}

engsched_rc es_engagement_adopt(engsched *db, es_engagement *out,
                                const engsched_rec_engagement *rec)
{
    if (copy_record(out, rec, db->recurrence) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory copying an engagement");
    return ENGSCHED_OK;
}

engsched_rc es_engagement_read(engsched *db, engsched_id id, es_engagement *out)
{
    engsched_rec_engagement rec = {0};
    rec.recurrence = "";
    engsched_rc rc = db->storage->engagement_get(db->storage, id, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "engagement %lld not found", (long long)id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading an engagement");
    if (copy_record(out, &rec, db->recurrence) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading engagement %lld",
                       (long long)id);
    return ENGSCHED_OK;
}

engsched_rc es_engagement_open(engsched *db, engsched_id actor_id, engsched_id id, es_op op,
                               engsched_report_status target, int64_t version, es_actor *actor,
                               es_engagement *out)
{
    int access = 0;
    engsched_rc rc = es_actor_load(db, actor_id, actor);
    if (rc != ENGSCHED_OK)
        return rc;
    if (id <= 0)
        return es_fail(db, ENGSCHED_ENOTFOUND, "engagement %lld not found", (long long)id);
    if ((rc = es_engagement_read(db, id, out)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_actor_has_access(db, actor, out->rec.client, &access)) != ENGSCHED_OK)
        goto fail;
    rc = es_authorize(actor->is_system, actor->permissions, access, op, target);
    if (rc == ENGSCHED_ENOTFOUND) {
        /* Word for word the message of an id that does not exist. */
        es_fail(db, rc, "engagement %lld not found", (long long)id);
        goto fail;
    }
    if (rc == ENGSCHED_EDENIED) {
        es_fail(db, rc, "user %lld may not %s on engagement %lld (needs %s)", (long long)actor_id,
                es_op_name(op), (long long)id,
                es_permission_missing(actor->permissions, op, target));
        goto fail;
    }
    if (version != 0 && version != out->rec.version) {
        rc = es_fail(db, ENGSCHED_ECONFLICT,
                     "engagement %lld changed: version %lld was given, the current is %lld",
                     (long long)id, (long long)version, (long long)out->rec.version);
        goto fail;
    }
    if (!es_op_allowed_in(op, (engsched_status)out->rec.status,
                          (engsched_report_status)out->rec.report_status)) {
        rc = es_fail(db, ENGSCHED_ESTATE, "engagement %lld is %s%s: cannot %s", (long long)id,
                     engsched_status_label((engsched_status)out->rec.status),
                     out->rec.report_status == ENGSCHED_REPORT_NONE ? " with no report" : "",
                     es_op_name(op));
        goto fail;
    }
    return ENGSCHED_OK;
fail:
    es_engagement_release(out);
    return rc;
}

engsched_rc es_engagement_set_text(engsched *db, const char **slot, const char *value)
{
    char *copy = es_strdup(value);
    if (copy == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory");
    es_free((char *)*slot);
    *slot = copy;
    return ENGSCHED_OK;
}

engsched_rc es_engagement_apply_input(engsched *db, es_engagement *e, const engsched_input *in)
{
    const struct {
        unsigned int field;
        const char **slot;
        const char *value;
    } texts[] = {
        {ES_F_NAME, &e->rec.name, in->name},
        {ES_F_DESCRIPTION, &e->rec.description, in->description},
        {ES_F_TYPE, &e->rec.type, in->type},
        {ES_F_LOCATION, &e->rec.location, in->location},
        {ES_F_CONTACTS, &e->rec.contacts, in->contacts},
        {ES_F_CUSTOM, &e->rec.custom_fields, in->custom_fields},
        {ES_F_REPORT_TITLE, &e->rec.report_title, in->report_title},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (!(in->fields & texts[i].field))
            continue;
        engsched_rc rc = es_engagement_set_text(db, texts[i].slot, texts[i].value);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    if (in->fields & ES_F_DATES) {
        e->rec.start_day = in->start_day;
        e->rec.end_day = in->end_day;
    }
    return ENGSCHED_OK;
}

/* The status of the record on day @p today. */
static void derive_on(es_engagement *e, int32_t today)
{
    e->rec.status = (int)engsched_status_derive((engsched_report_status)e->rec.report_status,
                                                e->rec.start_day <= today,
                                                e->rec.status == ENGSCHED_STATUS_CANCELED);
}

engsched_rc es_engagement_derive(engsched *db, es_engagement *e, int64_t now)
{
    int32_t today;
    engsched_rc rc = es_today(db, now, &today);
    if (rc == ENGSCHED_OK)
        derive_on(e, today);
    return rc;
}

engsched_rc es_engagement_save(engsched *db, es_engagement *e, int64_t now)
{
    int32_t today;
    engsched_rc rc = es_today(db, now, &today);
    return rc != ENGSCHED_OK ? rc : es_engagement_save_on(db, e, now, today);
}

engsched_rc es_engagement_save_on(engsched *db, es_engagement *e, int64_t now, int32_t today)
{
    derive_on(e, today);
    e->rec.version++;
    e->rec.updated_at = now;
    engsched_id report = 0;
    engsched_rc rc = db->storage->engagement_update(db->storage, &e->rec, &report);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing the engagement");
    if (e->rec.report == 0)
        e->rec.report = report;
    return ENGSCHED_OK;
}
