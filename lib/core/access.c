/* Loading the acting user and deciding client access: the only inputs the
 * pure rules need from the store. */
#include "util/alloc.h"
#include "util/ids.h"
#include "core/internal.h"
#include "rules/rules.h"

engsched_rc es_actor_load(engsched *db, engsched_id actor, es_actor *out)
{
    if (actor == ENGSCHED_SYSTEM) {
        *out = (es_actor){ENGSCHED_SYSTEM, 1, ENGSCHED_PERM_ALL, ENGSCHED_USER_ALL_CLIENTS};
        return ENGSCHED_OK;
    }
    if (actor < 0)
        return es_fail(db, ENGSCHED_EINVAL, "actor: %lld is not a user id", (long long)actor);
    engsched_rec_user user;
    engsched_rc rc = db->storage->user_get(db->storage, actor, &user);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "actor: user %lld not found", (long long)actor);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the acting user");
    *out = (es_actor){actor, 0, user.permissions, user.flags};
    return ENGSCHED_OK;
}

engsched_rc es_actor_has_access(engsched *db, const es_actor *actor, engsched_id client,
                                int *out)
{
    if (actor->is_system || (actor->flags & ENGSCHED_USER_ALL_CLIENTS)) {
        *out = 1;
        return ENGSCHED_OK;
    }
    engsched_rc rc = db->storage->access_check(db->storage, actor->id, client, out);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "checking client access");
    return ENGSCHED_OK;
}

engsched_rc es_require_admin(engsched *db, engsched_id actor_id, es_actor *out)
{
    engsched_rc rc = es_actor_load(db, actor_id, out);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!out->is_system && !(out->permissions & ENGSCHED_PERM_ADMIN))
        return es_fail(db, ENGSCHED_EDENIED, "user %lld lacks the admin permission",
                       (long long)actor_id);
    return ENGSCHED_OK;
}

/* The user's clients, gathered first: a row callback does not call the
 * backend again. */
static engsched_rc keep_client(void *ctx, const engsched_rec_client *row)
{
    return es_ids_push(ctx, row->id) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

engsched_rc es_actor_sees_user(engsched *db, const es_actor *actor, const es_actor *user,
                               int *out)
{
    int same = actor->id == user->id;
    *out = es_user_in_sight(actor->is_system, same, actor->flags, user->flags, 0);
    if (*out)
        return ENGSCHED_OK; /* no need to ask for shared clients */
    es_ids clients = ES_IDS_INIT;
    engsched_rc rc = db->storage->access_list(db->storage, user->id, keep_client, &clients);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory reading client access");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading client access");
    int shares = 0;
    for (size_t i = 0; rc == ENGSCHED_OK && !shares && i < clients.count; i++)
        rc = es_actor_has_access(db, actor, clients.ids[i], &shares);
    es_ids_release(&clients);
    *out = es_user_in_sight(actor->is_system, same, actor->flags, user->flags, shares);
    return rc;
}

engsched_rc es_assignee_of(engsched *db, const es_actor *actor, engsched_id client,
                           const es_actor *user, es_assignee *out)
{
    int seen = 0, access = 0;
    engsched_rc rc = ENGSCHED_OK;
    if (user != NULL)
        rc = es_actor_sees_user(db, actor, user, &seen);
    if (rc == ENGSCHED_OK && user != NULL && seen)
        rc = es_actor_has_access(db, user, client, &access);
    if (rc != ENGSCHED_OK)
        return rc;
    *out = es_assignee_check(user != NULL, seen,
                             user != NULL && engsched_permissions_are_operator(user->permissions),
                             access);
    return ENGSCHED_OK;
}
