/* The in-memory backend's directory: clients, users, roles, client access
 * grants, unavailability, users_with_permissions() and the directory
 * lists.
 *
 * Each record type has the same three helpers:
 *   X_to_rec()    a record as the interface row the core reads (strings
 *                 point into the record);
 *   X_make()      a new record from an interface row, owning copies of
 *                 its strings, all or nothing;
 *   X_copy()/X_release()  for the rollback copy and for freeing.
 *
 * The core checks that referenced rows exist (a user's role, a granted
 * client) before it writes, so, like the interface, this backend does not
 * enforce foreign keys; the SQLite backend does, as a second line. */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

/* --- clients ----------------------------------------------------------- */

static void client_release(void *item)
{
    mem_client *x = item;
    free(x->host_key);
    free(x->name);
}

static int client_make(mem_client *out, engsched_id id, const char *host_key, const char *name)
{
    out->id = id;
    out->host_key = mem_strdup(host_key);
    out->name = mem_strdup(name);
    if (out->host_key == NULL || out->name == NULL) {
        client_release(out);
        return -1;
    }
    return 0;
}

static int client_copy(void *dst, const void *src)
{
    const mem_client *from = src;
    return client_make(dst, from->id, from->host_key, from->name);
}

static engsched_rec_client client_to_rec(const mem_client *c)
{
    return (engsched_rec_client){c->id, c->host_key, c->name};
}

static mem_client *client_by_id(const mem_state *st, engsched_id id)
{
    mem_client *all = st->clients.items;
    for (size_t i = 0; i < st->clients.count; i++)
        if (all[i].id == id)
            return &all[i];
    return NULL;
}

static mem_client *client_by_key(const mem_state *st, const char *host_key)
{
    mem_client *all = st->clients.items;
    for (size_t i = 0; i < st->clients.count; i++)
        if (strcmp(all[i].host_key, host_key) == 0)
            return &all[i];
    return NULL;
}

/* Insert or update by host_key; rec->id is ignored. The host key is the
 * client's identity in the host, so it never changes: only the name does. */
engsched_rc mem_client_upsert(engsched_storage *s, const engsched_rec_client *rec,
                              engsched_id *out_id, int *out_created)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing a client", &rc);
    if (st == NULL)
        return rc;
    if (rec->host_key == NULL || rec->name == NULL)
        return mem_null_string(b, rec->host_key == NULL ? "client host_key" : "client name");
    mem_client *found = client_by_key(st, rec->host_key);
    engsched_id id = found != NULL ? found->id : st->next_client;
    mem_client fresh;
    if (client_make(&fresh, id, rec->host_key, rec->name) != 0)
        return mem_oom(b, "writing a client");
    if (found != NULL) {
        client_release(found); /* only now: rec->name may have been found->name */
        *found = fresh;
    } else {
        if (mem_table_push(&st->clients, &fresh, sizeof fresh) != 0) {
            client_release(&fresh);
            return mem_oom(b, "writing a client");
        }
        st->next_client++;
    }
    if (out_id != NULL)
        *out_id = id;
    if (out_created != NULL)
        *out_created = found == NULL;
    return ENGSCHED_OK;
}

engsched_rc mem_client_get(engsched_storage *s, engsched_id id, engsched_rec_client *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading a client");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_client *c = client_by_id(st, id);
    if (c == NULL)
        return mem_not_found(b, "client", id);
    *out = client_to_rec(c);
    return ENGSCHED_OK;
}

engsched_rc mem_client_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "finding a client");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_client *c = host_key != NULL ? client_by_key(st, host_key) : NULL;
    if (c == NULL)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "no client has the key '%s'",
                        host_key != NULL ? host_key : "(null)");
    *out_id = c->id;
    return ENGSCHED_OK;
}

/* --- roles ------------------------------------------------------------- */

static void role_release(void *item) { free(((mem_role *)item)->name); }

static int role_copy(void *dst, const void *src)
{
    const mem_role *from = src;
    mem_role *to = dst;
    *to = *from;
    to->name = mem_strdup(from->name);
    return to->name != NULL ? 0 : -1;
}

static mem_role *role_by_id(const mem_state *st, engsched_id id)
{
    mem_role *all = st->roles.items;
    for (size_t i = 0; i < st->roles.count; i++)
        if (all[i].id == id)
            return &all[i];
    return NULL;
}

static mem_role *role_by_name(const mem_state *st, const char *name)
{
    mem_role *all = st->roles.items;
    for (size_t i = 0; i < st->roles.count; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

/* rec->id 0: we choose (one past the highest); otherwise that id (the
 * core inserts the built-in roles 1 … 5 with their fixed ids). A taken
 * name or id is EEXISTS. The table stays in id order, so role_list()
 * needs no sort. */
engsched_rc mem_role_insert(engsched_storage *s, const engsched_rec_role *rec,
                            engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "inserting a role", &rc);
    if (st == NULL)
        return rc;
    if (rec->name == NULL)
        return mem_null_string(b, "role name");
    if (rec->id < 0)
        return mem_fail(b, ENGSCHED_EMISUSE, "role id %lld is negative", (long long)rec->id);
    if (role_by_name(st, rec->name) != NULL || (rec->id != 0 && role_by_id(st, rec->id)))
        return mem_fail(b, ENGSCHED_EEXISTS, "a role named '%s' or with id %lld exists",
                        rec->name, (long long)rec->id);
    const mem_role *all = st->roles.items;
    engsched_id id = rec->id;
    if (id == 0)
        id = st->roles.count > 0 ? all[st->roles.count - 1].id + 1 : 1;
    size_t at = 0;
    while (at < st->roles.count && all[at].id < id)
        at++;
    mem_role fresh = {id, mem_strdup(rec->name), rec->permissions};
    if (fresh.name == NULL || mem_table_insert(&st->roles, at, &fresh, sizeof fresh) != 0) {
        free(fresh.name);
        return mem_oom(b, "inserting a role");
    }
    if (out_id != NULL)
        *out_id = id;
    return ENGSCHED_OK;
}

engsched_rc mem_role_update(engsched_storage *s, engsched_id id, unsigned int permissions)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "updating a role", &rc);
    if (st == NULL)
        return rc;
    mem_role *r = role_by_id(st, id);
    if (r == NULL)
        return mem_not_found(b, "role", id);
    r->permissions = permissions;
    return ENGSCHED_OK;
}

engsched_rc mem_role_get(engsched_storage *s, engsched_id id, engsched_rec_role *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading a role");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_role *r = role_by_id(st, id);
    if (r == NULL)
        return mem_not_found(b, "role", id);
    *out = (engsched_rec_role){r->id, r->name, r->permissions};
    return ENGSCHED_OK;
}

engsched_rc mem_role_find(engsched_storage *s, const char *name, engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "finding a role");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_role *r = name != NULL ? role_by_name(st, name) : NULL;
    if (r == NULL)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "no role is named '%s'",
                        name != NULL ? name : "(null)");
    *out_id = r->id;
    return ENGSCHED_OK;
}

engsched_rc mem_role_list(engsched_storage *s, engsched_storage_role_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing roles");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    for (size_t i = 0; i < st->roles.count; i++) {
        const mem_role *r = (const mem_role *)st->roles.items + i;
        engsched_rec_role rec = {r->id, r->name, r->permissions};
        /* A row callback's non-OK code stops the iteration and is ours. */
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

/* --- users ------------------------------------------------------------- */

static void user_release(void *item)
{
    mem_user *x = item;
    free(x->host_key);
    free(x->email);
    free(x->display_name);
}

/* The email is optional: NULL stays NULL (the one string with no
 * default), so "no email" and "" remain different. */
static int user_make(mem_user *out, engsched_id id, const engsched_rec_user *rec)
{
    out->id = id;
    out->host_key = mem_strdup(rec->host_key);
    out->email = rec->email != NULL ? mem_strdup(rec->email) : NULL;
    out->display_name = mem_strdup(rec->display_name);
    out->role = rec->role;
    out->flags = rec->flags;
    if (out->host_key == NULL || out->display_name == NULL ||
        (rec->email != NULL && out->email == NULL)) {
        user_release(out);
        return -1;
    }
    return 0;
}

/* rec.permissions is the role's mask, looked up on every read: a changed
 * role changes its users at once. A user whose role does not exist (the
 * core never makes one) reads as having no permission. */
static engsched_rec_user user_to_rec(const mem_state *st, const mem_user *u)
{
    const mem_role *r = role_by_id(st, u->role);
    return (engsched_rec_user){u->id,   u->host_key, u->email,           u->display_name,
                               u->role, u->flags,    r ? r->permissions : 0};
}

static int user_copy(void *dst, const void *src)
{
    const mem_user *from = src;
    engsched_rec_user rec = {0,          from->host_key, from->email, from->display_name,
                             from->role, from->flags,    0};
    return user_make(dst, from->id, &rec);
}

static mem_user *user_by_id(const mem_state *st, engsched_id id)
{
    mem_user *all = st->users.items;
    for (size_t i = 0; i < st->users.count; i++)
        if (all[i].id == id)
            return &all[i];
    return NULL;
}

static mem_user *user_by_key(const mem_state *st, const char *host_key)
{
    mem_user *all = st->users.items;
    for (size_t i = 0; i < st->users.count; i++)
        if (strcmp(all[i].host_key, host_key) == 0)
            return &all[i];
    return NULL;
}

/* Insert or update by host_key; rec->id and rec->permissions are ignored. */
engsched_rc mem_user_upsert(engsched_storage *s, const engsched_rec_user *rec,
                            engsched_id *out_id, int *out_created)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing a user", &rc);
    if (st == NULL)
        return rc;
    if (rec->host_key == NULL || rec->display_name == NULL)
        return mem_null_string(b,
                               rec->host_key == NULL ? "user host_key" : "user display_name");
    mem_user *found = user_by_key(st, rec->host_key);
    engsched_id id = found != NULL ? found->id : st->next_user;
    mem_user fresh;
    if (user_make(&fresh, id, rec) != 0)
        return mem_oom(b, "writing a user");
    if (found != NULL) {
        user_release(found);
        *found = fresh;
    } else {
        if (mem_table_push(&st->users, &fresh, sizeof fresh) != 0) {
            user_release(&fresh);
            return mem_oom(b, "writing a user");
        }
        st->next_user++;
    }
    if (out_id != NULL)
        *out_id = id;
    if (out_created != NULL)
        *out_created = found == NULL;
    return ENGSCHED_OK;
}

engsched_rc mem_user_get(engsched_storage *s, engsched_id id, engsched_rec_user *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading a user");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_user *u = user_by_id(st, id);
    if (u == NULL)
        return mem_not_found(b, "user", id);
    *out = user_to_rec(st, u);
    return ENGSCHED_OK;
}

engsched_rc mem_user_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "finding a user");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_user *u = host_key != NULL ? user_by_key(st, host_key) : NULL;
    if (u == NULL)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "no user has the key '%s'",
                        host_key != NULL ? host_key : "(null)");
    *out_id = u->id;
    return ENGSCHED_OK;
}

/* --- client access ----------------------------------------------------- */

static int access_copy(void *dst, const void *src)
{
    memcpy(dst, src, sizeof(mem_access));
    return 0;
}

/* The index of the grant (user, client), or (size_t)-1. */
static size_t access_index(const mem_state *st, engsched_id user, engsched_id client)
{
    const mem_access *all = st->access.items;
    for (size_t i = 0; i < st->access.count; i++)
        if (all[i].user == user && all[i].client == client)
            return i;
    return (size_t)-1;
}

int mem_has_access(const mem_state *st, engsched_id user, engsched_id client)
{
    return access_index(st, user, client) != (size_t)-1;
}

/* Idempotent: granting twice leaves one grant. */
engsched_rc mem_access_grant(engsched_storage *s, engsched_id user, engsched_id client)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "granting client access", &rc);
    if (st == NULL)
        return rc;
    if (mem_has_access(st, user, client))
        return ENGSCHED_OK;
    mem_access grant = {user, client};
    if (mem_table_push(&st->access, &grant, sizeof grant) != 0)
        return mem_oom(b, "granting client access");
    return ENGSCHED_OK;
}

/* Idempotent: revoking what was never granted is not an error. */
engsched_rc mem_access_revoke(engsched_storage *s, engsched_id user, engsched_id client)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "revoking client access", &rc);
    if (st == NULL)
        return rc;
    size_t i = access_index(st, user, client);
    if (i != (size_t)-1)
        mem_table_remove(&st->access, i, sizeof(mem_access), NULL);
    return ENGSCHED_OK;
}

/* Only the grant rows: the user's all-clients flag is the core's business. */
engsched_rc mem_access_check(engsched_storage *s, engsched_id user, engsched_id client,
                             int *out_granted)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "checking client access");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    *out_granted = mem_has_access(st, user, client);
    return ENGSCHED_OK;
}

/* The clients @p user has grants for, in client id order: walking the
 * clients table (already in id order) gives that order and the rows. */
engsched_rc mem_access_list(engsched_storage *s, engsched_id user,
                            engsched_storage_client_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing client access");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    for (size_t i = 0; i < st->clients.count; i++) {
        const mem_client *c = (const mem_client *)st->clients.items + i;
        if (!mem_has_access(st, user, c->id))
            continue;
        engsched_rec_client rec = client_to_rec(c);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

/* --- directory lists --------------------------------------------------- */

/* Keyset paging by id: ids after @p after_id in id order, at most @p limit
 * (0 gives no rows). The table is in id order, so a scan is enough. */
engsched_rc mem_client_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                            engsched_storage_client_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing clients");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    unsigned int sent = 0;
    for (size_t i = 0; i < st->clients.count && sent < limit; i++) {
        const mem_client *c = (const mem_client *)st->clients.items + i;
        if (c->id <= after_id)
            continue;
        engsched_rec_client rec = client_to_rec(c);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
        sent++;
    }
    return ENGSCHED_OK;
}

engsched_rc mem_user_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                          engsched_storage_user_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing users");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    unsigned int sent = 0;
    for (size_t i = 0; i < st->users.count && sent < limit; i++) {
        const mem_user *u = (const mem_user *)st->users.items + i;
        if (u->id <= after_id)
            continue;
        engsched_rec_user rec = user_to_rec(st, u);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
        sent++;
    }
    return ENGSCHED_OK;
}

/* --- users by permission (the Availability view's rows) ---------------- */

/* Whether @p a and @p b have a grant for one same client. */
static int share_a_client(const mem_state *st, engsched_id a, engsched_id b)
{
    const mem_access *all = st->access.items;
    for (size_t i = 0; i < st->access.count; i++)
        if (all[i].user == a && mem_has_access(st, b, all[i].client))
            return 1;
    return 0;
}

/* The scope rule of users_with_permissions(): a listed user is in scope
 * when either of the two may see every client, or both have a grant for
 * one client. (A scope user with no grants and no flag sees nobody, not
 * even itself; a scope user that does not exist has no flag.) */
static int in_scope(const mem_state *st, engsched_id scope_user, const mem_user *u)
{
    if (scope_user == 0 || (u->flags & ENGSCHED_USER_ALL_CLIENTS))
        return 1;
    const mem_user *scope = user_by_id(st, scope_user);
    if (scope != NULL && (scope->flags & ENGSCHED_USER_ALL_CLIENTS))
        return 1;
    return share_a_client(st, scope_user, u->id);
}

/* Users whose role holds every bit of @p permissions, in (display_name,
 * id) order by bytes, after (after_name, after_id) when after_name is not
 * NULL, at most @p limit. */
engsched_rc mem_users_with_permissions(engsched_storage *s, unsigned int permissions,
                                       engsched_id scope_user, const char *after_name,
                                       engsched_id after_id, unsigned int limit,
                                       engsched_storage_user_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing users by permission");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    /* Collect the matching users with their sort keys, sort, then send.
     * A real backend would walk an index on (display_name, id). */
    mem_sort_item *items = malloc((st->users.count + 1) * sizeof *items);
    if (items == NULL)
        return mem_oom(b, "listing users by permission");
    const mem_sort_item after = {0, after_name, after_id, 0};
    const mem_user *all = st->users.items;
    size_t n = 0;
    for (size_t i = 0; i < st->users.count; i++) {
        const mem_role *r = role_by_id(st, all[i].role);
        unsigned int mask = r != NULL ? r->permissions : 0;
        if ((mask & permissions) != permissions || !in_scope(st, scope_user, &all[i]))
            continue;
        mem_sort_item it = {0, all[i].display_name, all[i].id, i};
        if (after_name != NULL && mem_sort_cmp(&it, &after) <= 0)
            continue; /* at or before the last row of the previous page */
        items[n++] = it;
    }
    mem_sort(items, n);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; i < n && i < limit && rc == ENGSCHED_OK; i++) {
        /* Indexed afresh for each row, in case a row callback added a record. */
        const mem_user *u = (const mem_user *)st->users.items + items[i].index;
        engsched_rec_user rec = user_to_rec(st, u);
        rc = row(ctx, &rec);
    }
    free(items);
    return rc;
}

/* --- unavailability ---------------------------------------------------- */

static void unavailability_release(void *item) { free(((mem_unavailability *)item)->reason); }

static int unavailability_copy(void *dst, const void *src)
{
    const mem_unavailability *from = src;
    mem_unavailability *to = dst;
    *to = *from;
    to->reason = mem_strdup(from->reason);
    return to->reason != NULL ? 0 : -1;
}

static engsched_rec_unavailability unavailability_to_rec(const mem_unavailability *u)
{
    return (engsched_rec_unavailability){u->id,     u->user,       u->start_day, u->end_day,
                                         u->reason, u->created_by, u->created_at};
}

static size_t unavailability_index(const mem_state *st, engsched_id id)
{
    const mem_unavailability *all = st->unavailability.items;
    for (size_t i = 0; i < st->unavailability.count; i++)
        if (all[i].id == id)
            return i;
    return (size_t)-1;
}

/* rec->id is ignored; a NULL reason is stored as "". created_by 0 (the
 * system) is kept as 0. */
engsched_rc mem_unavailability_insert(engsched_storage *s,
                                      const engsched_rec_unavailability *rec,
                                      engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "inserting unavailability", &rc);
    if (st == NULL)
        return rc;
    mem_unavailability fresh = {st->next_unavailability, rec->user,
                                rec->start_day,          rec->end_day,
                                mem_strdup_or(rec->reason, ""), rec->created_by,
                                rec->created_at};
    if (fresh.reason == NULL ||
        mem_table_push(&st->unavailability, &fresh, sizeof fresh) != 0) {
        free(fresh.reason);
        return mem_oom(b, "inserting unavailability");
    }
    st->next_unavailability++;
    if (out_id != NULL)
        *out_id = fresh.id;
    return ENGSCHED_OK;
}

engsched_rc mem_unavailability_get(engsched_storage *s, engsched_id id,
                                   engsched_rec_unavailability *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading unavailability");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    size_t i = unavailability_index(st, id);
    if (i == (size_t)-1)
        return mem_not_found(b, "unavailability", id);
    *out = unavailability_to_rec((const mem_unavailability *)st->unavailability.items + i);
    return ENGSCHED_OK;
}

engsched_rc mem_unavailability_delete(engsched_storage *s, engsched_id id)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "deleting unavailability", &rc);
    if (st == NULL)
        return rc;
    size_t i = unavailability_index(st, id);
    if (i == (size_t)-1)
        return mem_not_found(b, "unavailability", id);
    mem_table_remove(&st->unavailability, i, sizeof(mem_unavailability),
                     unavailability_release);
    return ENGSCHED_OK;
}

/* A user's periods overlapping [range_start, range_end] (both inclusive:
 * start_day <= range_end and end_day >= range_start), by (start_day, id). */
engsched_rc mem_unavailability_list(engsched_storage *s, engsched_id user, int32_t range_start,
                                    int32_t range_end, engsched_storage_unavailability_fn row,
                                    void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing unavailability");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    mem_sort_item *items = malloc((st->unavailability.count + 1) * sizeof *items);
    if (items == NULL)
        return mem_oom(b, "listing unavailability");
    const mem_unavailability *all = st->unavailability.items;
    size_t n = 0;
    for (size_t i = 0; i < st->unavailability.count; i++)
        if (all[i].user == user && all[i].start_day <= range_end &&
            all[i].end_day >= range_start)
            items[n++] = (mem_sort_item){all[i].start_day, NULL, all[i].id, i};
    mem_sort(items, n);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; i < n && rc == ENGSCHED_OK; i++) {
        const mem_unavailability *u =
            (const mem_unavailability *)st->unavailability.items + items[i].index;
        engsched_rec_unavailability rec = unavailability_to_rec(u);
        rc = row(ctx, &rec);
    }
    free(items);
    return rc;
}

/* --- the rollback copy ------------------------------------------------- */

int mem_directory_copy(mem_state *dst, const mem_state *src)
{
    if (mem_table_copy(&dst->clients, &src->clients, sizeof(mem_client), client_copy,
                       client_release) != 0 ||
        mem_table_copy(&dst->users, &src->users, sizeof(mem_user), user_copy, user_release) !=
            0 ||
        mem_table_copy(&dst->roles, &src->roles, sizeof(mem_role), role_copy, role_release) !=
            0 ||
        mem_table_copy(&dst->access, &src->access, sizeof(mem_access), access_copy, NULL) != 0 ||
        mem_table_copy(&dst->unavailability, &src->unavailability, sizeof(mem_unavailability),
                       unavailability_copy, unavailability_release) != 0)
        return -1;
    return 0;
}

void mem_directory_free(mem_state *st)
{
    mem_table_free(&st->clients, sizeof(mem_client), client_release);
    mem_table_free(&st->users, sizeof(mem_user), user_release);
    mem_table_free(&st->roles, sizeof(mem_role), role_release);
    mem_table_free(&st->access, sizeof(mem_access), NULL);
    mem_table_free(&st->unavailability, sizeof(mem_unavailability), unavailability_release);
}
