/* The directory: clients, users, roles and client access, mirrored from
 * the host by its own keys. */
#include <string.h>

#include "core/events.h"
#include "core/invitation_state.h"
#include "core/validate.h"
#include "delivery/delivery.h"

static engsched_rc check_key(engsched *db, const char *field, const char *key)
{
    return es_check_text(db, field, key, 1, ES_NAME_MAX, ES_TEXT_LINE);
}

/* The name a client or user shows now (what invitations carry), or NULL
 * for a new one; ENOMEM or a storage failure. */
static engsched_rc name_now(engsched *db, int user, const char *host_key, char **out)
{
    *out = NULL;
    engsched_id id = 0;
    engsched_rc rc = user ? db->storage->user_find(db->storage, host_key, &id)
                          : db->storage->client_find(db->storage, host_key, &id);
    if (rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK;
    const char *name = NULL;
    if (rc == ENGSCHED_OK && user) {
        engsched_rec_user u;
        if ((rc = db->storage->user_get(db->storage, id, &u)) == ENGSCHED_OK)
            name = u.display_name;
    } else if (rc == ENGSCHED_OK) {
        engsched_rec_client c;
        if ((rc = db->storage->client_get(db->storage, id, &c)) == ENGSCHED_OK)
            name = c.name;
    }
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the name shown in invitations");
    if ((*out = es_strdup(name ? name : "")) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading a name");
    return ENGSCHED_OK;
}

/* A rename changes what every live invitation shows (SUMMARY or CN):
 * those are sent again, with a higher SEQUENCE. */
static engsched_rc after_rename(engsched *db, int user, engsched_id id, const char *before,
                                const char *after)
{
    if (before == NULL || strcmp(before, after) == 0)
        return ENGSCHED_OK;
    return user ? es_invitation_resend_operator(db, id) : es_invitation_resend_client(db, id);
}

/* The find-by-name calls differ only in the callback and the noun. */
typedef engsched_rc (*find_fn)(engsched_storage *s, const char *key, engsched_id *out_id);

static engsched_rc find_by_key(engsched *db, find_fn find, const char *noun, const char *field,
                               const char *key, engsched_id *out_id)
{
    ES_CHECK_DB(db);
    if (key == NULL || out_id == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL",
                       key == NULL ? field : "out_id");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_id id = 0;
    rc = find(db->storage, key, &id);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "%s with %s \"%s\" not found", noun, field, key);
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "looking a name up");
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_id = id;
    return rc;
}

engsched_rc engsched_client_upsert(engsched *db, engsched_id actor, const char *host_key,
                                   const char *name, engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_key(db, "host_key", host_key);
    if (rc != ENGSCHED_OK ||
        (rc = es_check_text(db, "name", name, 1, ES_NAME_MAX, ES_TEXT_LINE)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    engsched_id id = 0;
    int created = 0;
    char *before = NULL;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK)
        rc = name_now(db, 0, host_key, &before);
    if (rc == ENGSCHED_OK) {
        engsched_rec_client rec = {0, host_key, name};
        rc = db->storage->client_upsert(db->storage, &rec, &id, &created);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "writing the client");
    }
    if (rc == ENGSCHED_OK)
        rc = after_rename(db, 0, id, before, name);
    es_free(before);
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, created ? "client.created" : "client.updated", 0, 0,
                     json_pack("{s:I, s:s, s:s}", "client", (json_int_t)id, "host_key",
                               host_key, "name", name));
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

engsched_rc engsched_client_find(engsched *db, const char *host_key, engsched_id *out_id)
{
    return find_by_key(db, db ? db->storage->client_find : NULL, "client", "host_key", host_key,
                       out_id);
}

engsched_rc engsched_client_name(engsched *db, engsched_id client, char **out_name)
{
    ES_CHECK_DB(db);
    if (out_name == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_name: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    char *name = NULL;
    engsched_rec_client rec;
    rc = db->storage->client_get(db->storage, client, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "client %lld not found", (long long)client);
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading a client");
    else if ((name = es_strdup(rec.name)) == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory reading a client");
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_name = name;
    else
        es_free(name);
    return rc;
}

static engsched_rc role_exists(engsched *db, engsched_id role)
{
    engsched_rec_role rec;
    engsched_rc rc = db->storage->role_get(db->storage, role, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "role: role %lld not found", (long long)role);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading a role");
    return ENGSCHED_OK;
}

engsched_rc engsched_user_upsert(engsched *db, engsched_id actor, const char *host_key,
                                 const char *email, const char *display_name, engsched_id role,
                                 unsigned int flags, engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_key(db, "host_key", host_key);
    if (rc != ENGSCHED_OK)
        return rc;
    if (email != NULL && (rc = es_check_email(db, "email", email)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_check_text(db, "display_name", display_name, 1, ES_NAME_MAX, ES_TEXT_LINE)) !=
        ENGSCHED_OK)
        return rc;
    /* The CN of every invitation the user gets: refused now, not when an
     * invitation is built after some later change has committed. */
    if ((rc = es_check_cn_name(db, "display_name", display_name)) != ENGSCHED_OK)
        return rc;
    if (flags & ~(unsigned int)ENGSCHED_USER_ALL_CLIENTS)
        return es_fail(db, ENGSCHED_EINVAL, "flags: unknown bits 0x%x", flags);
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    engsched_id id = 0;
    int created = 0;
    char *before = NULL;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK)
        rc = role_exists(db, role);
    if (rc == ENGSCHED_OK)
        rc = name_now(db, 1, host_key, &before);
    if (rc == ENGSCHED_OK) {
        engsched_rec_user rec = {0, host_key, email, display_name, role, flags, 0};
        rc = db->storage->user_upsert(db->storage, &rec, &id, &created);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "writing the user");
    }
    if (rc == ENGSCHED_OK)
        rc = after_rename(db, 1, id, before, display_name);
    es_free(before);
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, created ? "user.created" : "user.updated", 0, 0,
                     json_pack("{s:I, s:s, s:I, s:b}", "user", (json_int_t)id, "host_key",
                               host_key, "role", (json_int_t)role, "all_clients",
                               (flags & ENGSCHED_USER_ALL_CLIENTS) != 0));
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

engsched_rc engsched_user_find(engsched *db, const char *host_key, engsched_id *out_id)
{
    return find_by_key(db, db ? db->storage->user_find : NULL, "user", "host_key", host_key,
                       out_id);
}

engsched_rc engsched_user_permissions(engsched *db, engsched_id user,
                                      unsigned int *out_permissions)
{
    ES_CHECK_DB(db);
    if (out_permissions == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_permissions: must not be NULL");
    if (user <= 0)
        return es_fail(db, ENGSCHED_EINVAL, "user: %lld is not a user id", (long long)user);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    rc = es_actor_load(db, user, &who);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "user: user %lld not found", (long long)user);
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_permissions = who.permissions;
    return rc;
}

static engsched_rc change_access(engsched *db, engsched_id actor, engsched_id user,
                                 engsched_id client, int grant)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who, target;
    engsched_rec_client rec;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK && user <= 0)
        rc = es_fail(db, ENGSCHED_EINVAL, "user: %lld is not a user id", (long long)user);
    else if (rc == ENGSCHED_OK && (rc = es_actor_load(db, user, &target)) == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "user: user %lld not found", (long long)user);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->client_get(db->storage, client, &rec);
        if (rc == ENGSCHED_ENOTFOUND)
            es_fail(db, rc, "client: client %lld not found", (long long)client);
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading a client");
    }
    if (rc == ENGSCHED_OK) {
        rc = grant ? db->storage->access_grant(db->storage, user, client)
                   : db->storage->access_revoke(db->storage, user, client);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "changing client access");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, grant ? "access.granted" : "access.revoked", 0, 0,
                     json_pack("{s:I, s:I}", "user", (json_int_t)user, "client",
                               (json_int_t)client));
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_access_grant(engsched *db, engsched_id actor, engsched_id user,
                                  engsched_id client)
{
    return change_access(db, actor, user, client, 1);
}

engsched_rc engsched_access_revoke(engsched *db, engsched_id actor, engsched_id user,
                                   engsched_id client)
{
    return change_access(db, actor, user, client, 0);
}

static engsched_rc check_mask(engsched *db, unsigned int permissions)
{
    if (permissions & ~(unsigned int)ENGSCHED_PERM_ALL)
        return es_fail(db, ENGSCHED_EINVAL, "permissions: unknown bits 0x%x",
                       permissions & ~(unsigned int)ENGSCHED_PERM_ALL);
    return ENGSCHED_OK;
}

engsched_rc engsched_role_create(engsched *db, engsched_id actor, const char *name,
                                 unsigned int permissions, engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_check_text(db, "name", name, 1, ES_NAME_MAX, ES_TEXT_LINE);
    if (rc != ENGSCHED_OK || (rc = check_mask(db, permissions)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    engsched_id id = 0;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK) {
        engsched_rec_role rec = {0, name, permissions};
        rc = db->storage->role_insert(db->storage, &rec, &id);
        if (rc == ENGSCHED_EEXISTS)
            es_fail(db, rc, "name: a role named \"%s\" exists", name);
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "creating a role");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "role.created", 0, 0,
                     json_pack("{s:I, s:s, s:I}", "role", (json_int_t)id, "name", name,
                               "permissions", (json_int_t)permissions));
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

engsched_rc engsched_role_set_permissions(engsched *db, engsched_id actor, engsched_id role,
                                          unsigned int permissions)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_mask(db, permissions);
    if (rc != ENGSCHED_OK || (rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->role_update(db->storage, role, permissions);
        if (rc == ENGSCHED_ENOTFOUND)
            es_fail(db, rc, "role: role %lld not found", (long long)role);
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "changing a role");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "role.updated", 0, 0,
                     json_pack("{s:I, s:I}", "role", (json_int_t)role, "permissions",
                               (json_int_t)permissions));
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_role_find(engsched *db, const char *name, engsched_id *out_id)
{
    return find_by_key(db, db ? db->storage->role_find : NULL, "role", "name", name, out_id);
}

/* Copy each wanted string; on failure none is handed out. */
static void copy_out(char **out, const char *value, int *failed)
{
    if (out == NULL)
        return;
    *out = es_strdup(value ? value : "");
    if (*out == NULL)
        *failed = 1;
}

engsched_rc engsched_user_info(engsched *db, engsched_id user, char **out_host_key,
                               char **out_email, char **out_display_name, engsched_id *out_role,
                               unsigned int *out_flags)
{
    ES_CHECK_DB(db);
    if (user <= 0)
        return es_fail(db, ENGSCHED_EINVAL, "user: %lld is not a user id", (long long)user);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_rec_user rec;
    char *key = NULL, *email = NULL, *name = NULL;
    int failed = 0;
    rc = db->storage->user_get(db->storage, user, &rec);
    if (rc == ENGSCHED_ENOTFOUND) {
        es_fail(db, rc, "user: user %lld not found", (long long)user);
    } else if (rc != ENGSCHED_OK) {
        es_storage_fail(db, rc, "reading a user");
    } else {
        copy_out(out_host_key ? &key : NULL, rec.host_key, &failed);
        copy_out(out_email ? &email : NULL, rec.email, &failed);
        copy_out(out_display_name ? &name : NULL, rec.display_name, &failed);
        if (failed)
            rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory reading user %lld", (long long)user);
    }
    rc = es_finish_and_deliver(db, rc);
    if (rc != ENGSCHED_OK) {
        es_free(key);
        es_free(email);
        es_free(name);
        return rc;
    }
    if (out_host_key)
        *out_host_key = key;
    if (out_email)
        *out_email = email;
    if (out_display_name)
        *out_display_name = name;
    if (out_role)
        *out_role = rec.role;
    if (out_flags)
        *out_flags = rec.flags;
    return ENGSCHED_OK;
}

engsched_rc engsched_role_permissions(engsched *db, engsched_id role, unsigned int *out_permissions)
{
    ES_CHECK_DB(db);
    if (out_permissions == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_permissions: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_rec_role rec;
    rc = db->storage->role_get(db->storage, role, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "role: role %lld not found", (long long)role);
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading a role");
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_permissions = rec.permissions;
    return rc;
}
