/* Unavailability: leave, training, holidays. A user records their own;
 * ASSIGN records that of anyone the actor may see. It counts as busy in
 * conflicts and availability. */
#include "util/dates.h"
#include "core/events.h"
#include "rules/rules.h"
#include "core/validate.h"
#include "views/work_list.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

/* Own time always; with the permission of the operation, the time of
 * anyone the actor may see (docs/design.md §4: the operators of Availability).
 * @p record (0 if none) is the period asked about: out of sight, it is the
 * period that is not found. */
static engsched_rc authorize_record(engsched *db, engsched_id actor_id, engsched_id user,
                                    engsched_id record, unsigned int permissions,
                                    const char *what, es_actor *actor)
{
    engsched_rc rc = es_actor_load(db, actor_id, actor);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor target;
    if (user == ENGSCHED_SYSTEM)
        return es_fail(db, ENGSCHED_EINVAL, "user: the system is not a user");
    int visible = 0;
    if ((rc = es_actor_load(db, user, &target)) == ENGSCHED_OK)
        rc = es_actor_sees_user(db, actor, &target, &visible);
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return rc;
    /* A user the actor may not see is one that does not exist for them. */
    rc = es_authorize_personal(actor->is_system, actor->id == user, rc == ENGSCHED_OK && visible,
                               actor->permissions, permissions);
    if (rc == ENGSCHED_ENOTFOUND && record != 0)
        return es_fail(db, rc, "unavailability %lld not found", (long long)record);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "user: user %lld not found", (long long)user);
    if (rc == ENGSCHED_EDENIED)
        return es_fail(db, rc, "user %lld may not %s of user %lld", (long long)actor_id, what,
                       (long long)user);
    return ENGSCHED_OK;
}

engsched_rc es_authorize_personal_for(engsched *db, engsched_id actor_id, engsched_id user,
                                      unsigned int permissions, const char *what,
                                      es_actor *actor)
{
    return authorize_record(db, actor_id, user, 0, permissions, what, actor);
}

static engsched_rc parse_range(engsched *db, const char *start, const char *end, int32_t *first,
                               int32_t *last)
{
    if (!es_date_parse(start, first))
        return es_fail(db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)",
                       start ? start : "(null)");
    if (!es_date_parse(end, last))
        return es_fail(db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                       end ? end : "(null)");
    if (*last < *first)
        return es_fail(db, ENGSCHED_EINVAL, "end: %s is before the start %s", end, start);
    return ENGSCHED_OK;
}

engsched_rc engsched_unavailability_add(engsched *db, engsched_id actor, engsched_id user,
                                        const char *start, const char *end, const char *reason,
                                        engsched_id *out_id)
{
    ES_CHECK_DB(db);
    int32_t first, last;
    engsched_rc rc = parse_range(db, start, end, &first, &last);
    if (rc != ENGSCHED_OK ||
        (rc = es_check_text(db, "reason", reason, 1, ES_NAME_MAX, ES_TEXT_LINE)) != ENGSCHED_OK)
        return rc;
    if (last - first + 1 > ENGSCHED_RANGE_MAX_DAYS)
        return es_fail(db, ENGSCHED_EINVAL, "end: %d days is longer than the limit of %d",
                       (int)(last - first + 1), ENGSCHED_RANGE_MAX_DAYS);
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    engsched_id id = 0;
    rc = es_authorize_personal_for(db, actor, user, ENGSCHED_PERM_ASSIGN,
                                   "record the unavailability", &who);
    if (rc == ENGSCHED_OK) {
        engsched_rec_unavailability rec = {0, user, first, last, reason, who.id, es_now(db)};
        rc = db->storage->unavailability_insert(db->storage, &rec, &id);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "recording unavailability");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "unavailability.added", 0, 0,
                     json_pack("{s:I, s:I, s:s, s:s, s:s}", "unavailability", (json_int_t)id,
                               "user", (json_int_t)user, "start", start, "end", end, "reason",
                               reason));
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

engsched_rc engsched_unavailability_remove(engsched *db, engsched_id actor,
                                           engsched_id unavailability)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_rec_unavailability rec;
    es_actor who;
    rc = db->storage->unavailability_get(db->storage, unavailability, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "unavailability %lld not found", (long long)unavailability);
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading unavailability");
    engsched_id user = rc == ENGSCHED_OK ? rec.user : 0;
    if (rc == ENGSCHED_OK)
        rc = authorize_record(db, actor, user, unavailability, ENGSCHED_PERM_ASSIGN,
                              "remove the unavailability", &who);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->unavailability_delete(db->storage, unavailability);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "removing unavailability");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "unavailability.removed", 0, 0,
                     json_pack("{s:I, s:I}", "unavailability", (json_int_t)unavailability,
                               "user", (json_int_t)user));
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_unavailability_list(engsched *db, engsched_id actor, engsched_id user,
                                         const char *start, const char *end,
                                         engsched_work_list **out)
{
    ES_CHECK_DB(db);
    int32_t first, last;
    engsched_rc rc = parse_range(db, start, end, &first, &last);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_work_list *list = es_work_list_new();
    if (list == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory listing unavailability");
    if ((rc = es_begin(db, 0)) == ENGSCHED_OK) {
        es_actor who;
        rc = es_authorize_personal_for(db, actor, user,
                                       ENGSCHED_PERM_ASSIGN | ENGSCHED_PERM_VIEW_AVAILABILITY,
                                       "see the unavailability", &who);
        /* No engagement status is asked for: only unavailability comes back. */
        if (rc == ENGSCHED_OK)
            rc = es_collect_work(db, &who, user, 0, 0, first, last, list);
        rc = es_finish_and_deliver(db, rc);
    }
    if (rc != ENGSCHED_OK) {
        engsched_work_list_free(list);
        return rc;
    }
    *out = list;
    return ENGSCHED_OK;
}
