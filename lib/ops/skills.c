/* Skills: the tags of a user (set by themselves, or with ASSIGN by anyone
 * who may see them, as unavailability) and the tags an engagement
 * requires (EDIT or ASSIGN on it). Both rank the candidates. */
#include <jansson.h>

#include "core/events.h"
#include "views/tag_list.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

#define READ_PERMISSIONS (ENGSCHED_PERM_ASSIGN | ENGSCHED_PERM_VIEW_AVAILABILITY)

static json_t *tags_json(const char *const *tags, size_t count)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < count; i++) {
        if (json_array_append_new(array, json_string(tags[i])) != 0) {
            json_decref(array);
            return NULL;
        }
    }
    return array;
}

engsched_rc engsched_user_skills_set(engsched *db, engsched_id actor, engsched_id user,
                                     const char *const *tags, size_t count)
{
    ES_CHECK_DB(db);
    const char **set = NULL;
    size_t n = 0;
    engsched_rc rc = es_skills_supported(db);
    if (rc == ENGSCHED_OK)
        rc = es_tags_checked(db, "tags", tags, count, &set, &n);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        goto out;
    es_actor who;
    rc = es_authorize_personal_for(db, actor, user, ENGSCHED_PERM_ASSIGN, "set the skills", &who);
    if (rc == ENGSCHED_OK &&
        (rc = db->storage->user_skills_set(db->storage, user, set, n)) != ENGSCHED_OK)
        es_storage_fail(db, rc, "writing skills");
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "skills.changed", 0, 0,
                     json_pack("{s:I, s:o}", "user", (json_int_t)user, "tags", tags_json(set, n)));
    rc = es_finish_and_deliver(db, rc);
out:
    es_free(set);
    return rc;
}

engsched_rc engsched_user_skills(engsched *db, engsched_id actor, engsched_id user,
                                 engsched_tag_list **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_rc rc = es_skills_supported(db);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_tag_list *list = es_tag_list_new();
    if (list == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading skills");
    if ((rc = es_begin(db, 0)) == ENGSCHED_OK) {
        es_actor who;
        rc = es_authorize_personal_for(db, actor, user, READ_PERMISSIONS, "see the skills", &who);
        if (rc == ENGSCHED_OK)
            rc = es_user_skills_read(db, user, list);
        rc = es_finish(db, rc);
    }
    if (rc != ENGSCHED_OK) {
        engsched_tag_list_free(list);
        return rc;
    }
    *out = list;
    return ENGSCHED_OK;
}

/* EDIT, or failing that ASSIGN: who staffs an engagement may say what it
 * needs. The second answer is the one reported. */
static engsched_rc open_for_requirement(engsched *db, engsched_id actor, engsched_id engagement,
                                        int64_t version, es_actor *who, es_engagement *e)
{
    engsched_rc rc = es_engagement_open(db, actor, engagement, ES_OP_EDIT, 0, version, who, e);
    if (rc != ENGSCHED_EDENIED && rc != ENGSCHED_ESTATE)
        return rc;
    return es_engagement_open(db, actor, engagement, ES_OP_ASSIGN, 0, version, who, e);
}

engsched_rc engsched_required_skills_set(engsched *db, engsched_id actor, engsched_id engagement,
                                         int64_t version, const char *const *tags, size_t count)
{
    ES_CHECK_DB(db);
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    const char **set = NULL;
    size_t n = 0;
    engsched_rc rc = es_skills_supported(db);
    if (rc == ENGSCHED_OK)
        rc = es_tags_checked(db, "tags", tags, count, &set, &n);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        goto out;
    es_actor who;
    es_engagement e;
    rc = open_for_requirement(db, actor, engagement, version, &who, &e);
    if (rc != ENGSCHED_OK) {
        rc = es_finish_and_deliver(db, rc);
        goto out;
    }
    int before = e.rec.status;
    rc = db->storage->engagement_skills_set(db->storage, engagement, set, n);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "writing required skills");
    else
        rc = es_engagement_save(db, &e, es_now(db));
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, engagement, "requirement.changed", before, e.rec.status,
                     json_pack("{s:o}", "tags", tags_json(set, n)));
    es_engagement_release(&e);
    rc = es_finish_and_deliver(db, rc);
out:
    es_free(set);
    return rc;
}

engsched_rc engsched_required_skills(engsched *db, engsched_id actor, engsched_id engagement,
                                     engsched_tag_list **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_rc rc = es_skills_supported(db);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_tag_list *list = es_tag_list_new();
    if (list == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading required skills");
    if ((rc = es_begin(db, 0)) == ENGSCHED_OK) {
        es_actor who;
        es_engagement e;
        rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
        if (rc == ENGSCHED_OK) {
            rc = es_required_skills_read(db, engagement, list);
            es_engagement_release(&e);
        }
        rc = es_finish(db, rc);
    }
    if (rc != ENGSCHED_OK) {
        engsched_tag_list_free(list);
        return rc;
    }
    *out = list;
    return ENGSCHED_OK;
}
