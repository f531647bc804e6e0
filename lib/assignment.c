/* Assigning operators to an engagement. Only operators (REPORT_VIEW and
 * REPORT_EDIT) with access to the engagement's client qualify. */
#include "engagement_store.h"
#include "events.h"

static const char *const role_names[] = {"none", "lead", "tester", "reviewer"};

const char *es_operator_role_name(engsched_operator_role role);

const char *es_operator_role_name(engsched_operator_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0] ? role_names[role]
                                                                     : "unknown";
}

static engsched_rc check_operator(engsched *db, const es_engagement *e, engsched_id user)
{
    es_actor op;
    engsched_rc rc = es_actor_load(db, user, &op);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, ENGSCHED_EINVAL, "operator: user %lld not found", (long long)user);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!engsched_permissions_are_operator(op.permissions))
        return es_fail(db, ENGSCHED_EINVAL,
                       "operator: user %lld is not an operator (needs report_view and "
                       "report_edit)",
                       (long long)user);
    int access = 0;
    if ((rc = es_actor_has_access(db, &op, e->rec.client, &access)) != ENGSCHED_OK)
        return rc;
    if (!access)
        return es_fail(db, ENGSCHED_EINVAL, "operator: user %lld has no access to client %lld",
                       (long long)user, (long long)e->rec.client);
    return ENGSCHED_OK;
}

static engsched_rc assign_one(engsched *db, const es_actor *actor, const es_engagement *e,
                              engsched_id user, engsched_operator_role role, int64_t now)
{
    engsched_rc rc = check_operator(db, e, user);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_rec_assignment rec = {e->rec.id, user, (int)role, actor->id, now};
    rc = db->storage->assignment_insert(db->storage, &rec);
    if (rc == ENGSCHED_EEXISTS)
        return es_fail(db, rc, "operator: user %lld is already assigned to engagement %lld",
                       (long long)user, (long long)e->rec.id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "assigning an operator");
    return es_emit(db, actor->id, e->rec.id, "operator.assigned", e->rec.status, e->rec.status,
                   json_pack("{s:I, s:s}", "user", (json_int_t)user, "role",
                             es_operator_role_name(role)));
}

engsched_rc es_assign_input_operators(engsched *db, const es_actor *actor,
                                      const es_engagement *e, const engsched_input *in,
                                      int64_t now)
{
    for (size_t i = 0; in != NULL && i < in->operator_count; i++) {
        engsched_rc rc =
            assign_one(db, actor, e, in->operators[i].user, in->operators[i].role, now);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}
