/* Edit: details, dates and custom fields of an open engagement; moving
 * the dates may move it between Scheduled and In Progress. */
#include <string.h>

#include "util/dates.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "views/work_list.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

#define EDIT_FIELDS                                                                        \
    (ES_F_NAME | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | ES_F_DATES |  \
     ES_F_CUSTOM | ES_F_REPORT_TITLE)

static json_t *changed_fields(const engsched_input *in)
{
    static const struct {
        unsigned int field;
        const char *name;
    } names[] = {
        {ES_F_NAME, "name"},         {ES_F_DESCRIPTION, "description"},
        {ES_F_TYPE, "type"},         {ES_F_LOCATION, "location"},
        {ES_F_CONTACTS, "contacts"}, {ES_F_DATES, "dates"},
        {ES_F_CUSTOM, "custom_fields"}, {ES_F_REPORT_TITLE, "report_title"},
    };
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < sizeof names / sizeof names[0]; i++) {
        if ((in->fields & names[i].field) &&
            json_array_append_new(list, json_string(names[i].name)) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* The edit itself, in the open write transaction; @p overlaps (or NULL)
 * receives the operators' overlaps on moved dates. */
static engsched_rc edit_in(engsched *db, engsched_id actor, engsched_id engagement,
                           int64_t version, const engsched_input *in,
                           engsched_work_list *overlaps)
{
    es_actor who;
    es_engagement e;
    engsched_rc rc = es_engagement_open(db, actor, engagement, ES_OP_EDIT, 0, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    int before = e.rec.status;
    /* What an invitation shows: a change re-sends it with a higher SEQUENCE. */
    int32_t old_start = e.rec.start_day, old_end = e.rec.end_day;
    char *old_name = es_strdup(e.rec.name);
    if (old_name == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory editing engagement %lld",
                     (long long)engagement);
    if (rc == ENGSCHED_OK && (in->fields & ES_F_REPORT_TITLE) &&
        e.rec.report_status == ENGSCHED_REPORT_NONE)
        rc = es_fail(db, ENGSCHED_EINVAL, "report_title: engagement %lld has no report yet",
                     (long long)engagement);
    if (rc == ENGSCHED_OK)
        rc = es_engagement_apply_input(db, &e, in);
    int moved = old_start != e.rec.start_day || old_end != e.rec.end_day;
    if (rc == ENGSCHED_OK && moved)
        rc = es_recheck_operators(db, &who, &e, old_start, old_end, overlaps);
    if (rc == ENGSCHED_OK)
        rc = es_engagement_save(db, &e, es_now(db));
    if (rc == ENGSCHED_OK && (moved || strcmp(old_name, e.rec.name) != 0))
        rc = es_invitation_touch_all(db, engagement, 0);
    es_free(old_name);
    if (rc == ENGSCHED_OK) {
        char start[ES_DATE_LEN], end[ES_DATE_LEN];
        es_date_format(e.rec.start_day, start);
        es_date_format(e.rec.end_day, end);
        rc = es_emit(db, actor, engagement, "engagement.updated", before, e.rec.status,
                     json_pack("{s:o, s:s, s:s, s:s}", "changed", changed_fields(in), "name",
                               e.rec.name, "start", start, "end", end));
    }
    es_engagement_release(&e);
    return rc;
}

engsched_rc engsched_edit_ex(engsched *db, engsched_id actor, engsched_id engagement,
                             int64_t version, const engsched_input *in,
                             engsched_work_list **out_conflicts)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_input_check_owner(db, in);
    if (rc != ENGSCHED_OK || (rc = es_input_only(db, in, EDIT_FIELDS, "edit")) != ENGSCHED_OK)
        return rc;
    if (in->fields == 0)
        return es_fail(db, ENGSCHED_EINVAL, "input: sets no field to change");
    if (version < 1)
        return es_fail(db, ENGSCHED_EINVAL, "version: an edit needs the version the caller saw");
    engsched_work_list *overlaps = NULL;
    if (out_conflicts != NULL && (overlaps = es_work_list_new()) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory editing engagement %lld",
                       (long long)engagement);
    if ((rc = es_begin(db, 1)) == ENGSCHED_OK)
        rc = es_finish_and_deliver(db, edit_in(db, actor, engagement, version, in, overlaps));
    if (rc != ENGSCHED_OK) {
        engsched_work_list_free(overlaps);
        return rc;
    }
    if (out_conflicts != NULL)
        *out_conflicts = overlaps;
    return ENGSCHED_OK;
}

engsched_rc engsched_edit(engsched *db, engsched_id actor, engsched_id engagement,
                          int64_t version, const engsched_input *in)
{
    return engsched_edit_ex(db, actor, engagement, version, in, NULL);
}
