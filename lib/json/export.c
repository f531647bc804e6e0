/* The export (docs/json.md): everything an actor may see as one JSON
 * document that engsched_import_json() reads back, written to a sink as it
 * is made. References are by host key and role name, never by store id,
 * and every array has an order that does not depend on ids, so export →
 * import into an empty store → export gives the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "json/export.h"
#include "util/buf.h"
#include "core/engagement_store.h"
#include "core/view_scope.h"
#include "delivery/delivery.h"

/* Engagements read from the store per query: the rows are copied, then
 * rendered with their operators and files once the query is done. */
#define EXPORT_CHUNK 64u
/* Directory rows per listing call. */
#define DIRECTORY_CHUNK 256u

#define S(x) ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_##x)
#define ALL_STATUSES \
    (S(PENDING) | S(SCHEDULED) | S(IN_PROGRESS) | S(IN_REVIEW) | S(COMPLETE) | S(CANCELED))

typedef struct export_ctx {
    engsched *db;
    es_refs refs;
    es_sink sink;
    es_index_map index; /* a full export's engagements, for the trail */
    int full;           /* an administrator's or the system's: the whole store */
    int failed;         /* a row callback failed and described it */
} export_ctx;

static engsched_rc oom(engsched *db)
{
    return es_fail(db, ENGSCHED_ENOMEM, "out of memory exporting");
}

/* Report the failure of a storage call whose row callback may have failed
 * first (and said why). */
static engsched_rc listing_failed(export_ctx *x, engsched_rc rc, const char *what)
{
    if (x->failed || rc == ENGSCHED_ENOMEM)
        return x->failed ? rc : oom(x->db);
    return es_storage_fail(x->db, rc, what);
}

static int set_new(json_t *obj, const char *key, json_t *value)
{
    return value == NULL || json_object_set_new_nocheck(obj, key, value) != 0;
}

static int append_new(json_t *array, json_t *value)
{
    return value == NULL || json_array_append_new(array, value) != 0;
}

/* qsort() wants a valid array even for no elements. */
static void sort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
    if (count > 1)
        qsort(base, count, size, cmp);
}

/* --- roles --- */

typedef struct role_row {
    engsched_id id;
    char *name;
    unsigned int permissions;
} role_row;

typedef struct role_rows {
    role_row *v;
    size_t count, cap;
} role_rows;

static engsched_rc collect_role(void *ctx, const engsched_rec_role *row)
{
    role_rows *roles = ctx;
    role_row *grown = es_grow(roles->v, &roles->cap, roles->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    roles->v = grown;
    char *name = es_strdup(row->name ? row->name : "");
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    roles->v[roles->count++] = (role_row){row->id, name, row->permissions};
    return ENGSCHED_OK;
}

static void roles_release(role_rows *roles)
{
    for (size_t i = 0; i < roles->count; i++)
        es_free(roles->v[i].name);
    es_free(roles->v);
}

static const char *role_name(const role_rows *roles, engsched_id id)
{
    for (size_t i = 0; i < roles->count; i++) {
        if (roles->v[i].id == id)
            return roles->v[i].name;
    }
    return NULL;
}

static int by_role_name(const void *a, const void *b)
{
    return strcmp(((const role_row *)a)->name, ((const role_row *)b)->name);
}

static engsched_rc render_roles(engsched *db, role_rows *roles, json_t *array)
{
    sort(roles->v, roles->count, sizeof *roles->v, by_role_name);
    for (size_t i = 0; i < roles->count; i++) {
        json_t *perms = json_array();
        for (unsigned int bit = 0; perms != NULL && bit < 32; bit++) {
            unsigned int p = 1u << bit;
            if ((roles->v[i].permissions & p) == 0)
                continue;
            const char *name = engsched_permission_name(p);
            if (name == NULL) /* a bit this library does not know */
                continue;
            if (append_new(perms, json_string(name))) {
                json_decref(perms);
                perms = NULL;
            }
        }
        /* "|", not "||": every value is handed over (and freed on failure). */
        json_t *role = json_object();
        if (set_new(role, "name", json_string(roles->v[i].name)) |
            set_new(role, "permissions", perms)) {
            json_decref(role);
            return oom(db);
        }
        if (append_new(array, role))
            return oom(db);
    }
    return ENGSCHED_OK;
}

/* --- the directory of an administrator's export --- */

static engsched_rc collect_user(void *ctx, const engsched_rec_user *row)
{
    export_ctx *x = ctx;
    engsched_rc rc = es_refs_add_user(&x->refs, row);
    x->failed = rc != ENGSCHED_OK;
    return rc;
}

static engsched_rc collect_client(void *ctx, const engsched_rec_client *row)
{
    export_ctx *x = ctx;
    engsched_rc rc = es_refs_add_client(&x->refs, row);
    x->failed = rc != ENGSCHED_OK;
    return rc;
}

/* Every user and client, a chunk at a time. */
static engsched_rc load_directory(export_ctx *x)
{
    engsched *db = x->db;
    engsched_rc rc = ENGSCHED_OK;
    for (engsched_id after = 0;;) {
        size_t before = x->refs.user_count;
        rc = db->storage->user_list(db->storage, after, DIRECTORY_CHUNK, collect_user, x);
        if (rc != ENGSCHED_OK)
            return listing_failed(x, rc, "listing users");
        if (x->refs.user_count - before < DIRECTORY_CHUNK)
            break;
        after = x->refs.users[x->refs.user_count - 1].id;
    }
    for (engsched_id after = 0;;) {
        size_t before = x->refs.client_count;
        rc = db->storage->client_list(db->storage, after, DIRECTORY_CHUNK, collect_client, x);
        if (rc != ENGSCHED_OK)
            return listing_failed(x, rc, "listing clients");
        if (x->refs.client_count - before < DIRECTORY_CHUNK)
            break;
        after = x->refs.clients[x->refs.client_count - 1].id;
    }
    return ENGSCHED_OK;
}

/* The client keys a user has access rows for. */
typedef struct key_list {
    char **v;
    size_t count, cap;
} key_list;

static engsched_rc collect_key(void *ctx, const engsched_rec_client *row)
{
    key_list *keys = ctx;
    char **grown = es_grow(keys->v, &keys->cap, keys->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    keys->v = grown;
    char *key = es_strdup(row->host_key ? row->host_key : "");
    if (key == NULL)
        return ENGSCHED_ENOMEM;
    keys->v[keys->count++] = key;
    return ENGSCHED_OK;
}

static void keys_release(key_list *keys)
{
    for (size_t i = 0; i < keys->count; i++)
        es_free(keys->v[i]);
    es_free(keys->v);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_user_key(const void *a, const void *b)
{
    return strcmp((*(es_ref_user *const *)a)->key, (*(es_ref_user *const *)b)->key);
}

static int by_client_key(const void *a, const void *b)
{
    return strcmp((*(es_ref_client *const *)a)->key, (*(es_ref_client *const *)b)->key);
}

static engsched_rc render_user(engsched *db, const es_ref_user *u, const role_rows *roles, int full,
                               json_t *array)
{
    json_t *user = json_object();
    int failed = set_new(user, "key", json_string(u->key)) |
                 set_new(user, "display_name", json_string(u->display_name));
    if (!failed && full) {
        const char *role = role_name(roles, u->role);
        if (role == NULL) {
            json_decref(user);
            return es_fail(db, ENGSCHED_ECORRUPT, "user %lld has role %lld, which does not exist",
                           (long long)u->id, (long long)u->role);
        }
        key_list keys = {0};
        engsched_rc rc = db->storage->access_list(db->storage, u->id, collect_key, &keys);
        if (rc != ENGSCHED_OK) {
            keys_release(&keys);
            json_decref(user);
            return rc == ENGSCHED_ENOMEM ? oom(db) : es_storage_fail(db, rc, "listing access");
        }
        sort(keys.v, keys.count, sizeof *keys.v, by_string);
        json_t *clients = json_array();
        for (size_t i = 0; clients != NULL && i < keys.count; i++) {
            if (append_new(clients, json_string(keys.v[i]))) {
                json_decref(clients);
                clients = NULL;
            }
        }
        keys_release(&keys);
        failed |= set_new(user, "email", u->email ? json_string(u->email) : json_null()) |
                  set_new(user, "role", json_string(role)) |
                  set_new(user, "all_clients",
                          json_boolean((u->flags & ENGSCHED_USER_ALL_CLIENTS) != 0)) |
                  set_new(user, "clients", clients);
    }
    if (failed) {
        json_decref(user);
        return oom(db);
    }
    return append_new(array, user) ? oom(db) : ENGSCHED_OK;
}

/* Users and clients in key order: the order survives an import, ids do not. */
static engsched_rc render_directory(export_ctx *x, const role_rows *roles, int full, json_t *users,
                                    json_t *clients)
{
    engsched *db = x->db;
    es_refs *r = &x->refs;
    size_t n = r->user_count > r->client_count ? r->user_count : r->client_count;
    void **sorted = es_calloc(n ? n : 1, sizeof *sorted);
    if (sorted == NULL)
        return oom(db);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; i < r->user_count; i++)
        sorted[i] = &r->users[i];
    sort(sorted, r->user_count, sizeof *sorted, by_user_key);
    for (size_t i = 0; rc == ENGSCHED_OK && i < r->user_count; i++)
        rc = render_user(db, sorted[i], roles, full, users);
    for (size_t i = 0; i < r->client_count; i++)
        sorted[i] = &r->clients[i];
    sort(sorted, r->client_count, sizeof *sorted, by_client_key);
    for (size_t i = 0; rc == ENGSCHED_OK && i < r->client_count; i++) {
        const es_ref_client *c = sorted[i];
        json_t *client = json_object();
        if (set_new(client, "key", json_string(c->key)) |
            set_new(client, "name", json_string(c->name))) {
            json_decref(client);
            rc = oom(db);
        } else if (append_new(clients, client)) {
            rc = oom(db);
        }
    }
    es_free(sorted);
    return rc;
}

/* --- engagements --- */

typedef struct chunk {
    engsched *db;
    es_engagement v[EXPORT_CHUNK];
    size_t count;
    int failed;
} chunk;

static engsched_rc collect_engagement(void *ctx, const engsched_rec_engagement *row)
{
    chunk *c = ctx;
    if (c->count == EXPORT_CHUNK)
        return ENGSCHED_OK; /* a backend that ignores the limit */
    engsched_rc rc = es_engagement_adopt(c->db, &c->v[c->count], row);
    if (rc != ENGSCHED_OK) {
        c->failed = 1;
        return rc;
    }
    c->count++;
    return ENGSCHED_OK;
}

static void chunk_release(chunk *c)
{
    for (size_t i = 0; i < c->count; i++)
        es_engagement_release(&c->v[i]);
    c->count = 0;
}

/* Write (or, with @p write 0, only look at: the users an engagement names
 * join x->refs; or, in a full export, only note their ids) one page of
 * engagements. */
static engsched_rc write_chunk(export_ctx *x, chunk *c, es_ejson_mode mode, int write)
{
    engsched_rc rc = ENGSCHED_OK;
    if (!write && x->full) {
        for (size_t i = 0; i < c->count; i++)
            if (es_index_map_add(&x->index, c->v[i].rec.id) != ENGSCHED_OK)
                return oom(x->db);
        return ENGSCHED_OK;
    }
    for (size_t i = 0; rc == ENGSCHED_OK && i < c->count; i++) {
        json_t *e = NULL;
        rc = es_engagement_to_json(x->db, &x->refs, &c->v[i].rec, mode, &e);
        if (rc != ENGSCHED_OK)
            break;
        if (!write) {
            json_decref(e);
            continue;
        }
        rc = es_sink_item(&x->sink, e);
    }
    return rc;
}

/* Every engagement in scope by (start date, id): keyset pages of the List
 * query, so memory holds one page of records at a time. */
static engsched_rc walk_engagements(export_ctx *x, engsched_id scope, es_ejson_mode mode, int write)
{
    engsched *db = x->db;
    chunk *c = es_calloc(1, sizeof *c);
    if (c == NULL)
        return oom(db);
    c->db = db;
    engsched_storage_query q;
    memset(&q, 0, sizeof q);
    q.statuses = ALL_STATUSES;
    q.scope_user = scope;
    q.sort = ENGSCHED_SORT_START;
    q.limit = EXPORT_CHUNK;
    engsched_rc rc = ENGSCHED_OK;
    for (;;) {
        rc = db->storage->engagement_query(db->storage, &q, collect_engagement, c);
        if (rc != ENGSCHED_OK) {
            if (!c->failed)
                rc = rc == ENGSCHED_ENOMEM ? oom(db)
                                           : es_storage_fail(db, rc, "listing engagements");
            break;
        }
        size_t got = c->count;
        rc = write_chunk(x, c, mode, write);
        if (got > 0) {
            q.has_after = 1;
            q.after_int = c->v[got - 1].rec.start_day;
            q.after_id = c->v[got - 1].rec.id;
        }
        chunk_release(c);
        if (rc != ENGSCHED_OK || got < EXPORT_CHUNK)
            break;
    }
    chunk_release(c);
    es_free(c);
    return rc;
}

/* An occurrence names its series by the series' index in the document
 * (the trail's way); a series outside the export (never, in a full one)
 * or none is null. */
static engsched_rc put_origin(engsched *db, const es_index_map *index,
                              const engsched_rec_engagement *rec, json_t *doc)
{
    long at = rec->origin != 0 ? es_index_map_find(index, rec->origin) : -1;
    json_t *v = at >= 0 ? json_integer(at) : json_null();
    if (v == NULL || json_object_set_new(doc, "origin", v) != 0)
        return oom(db);
    return ENGSCHED_OK;
}

/* A full export's engagements in creation order, one record at a time. */
static engsched_rc write_by_id(export_ctx *x, es_ejson_mode mode)
{
    engsched *db = x->db;
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; rc == ENGSCHED_OK && i < x->index.count; i++) {
        engsched_rec_engagement rec;
        es_engagement e;
        rc = db->storage->engagement_get(db->storage, x->index.ids[i], &rec);
        if (rc != ENGSCHED_OK)
            return rc == ENGSCHED_ENOMEM ? oom(db)
                                         : es_storage_fail(db, rc, "reading an engagement");
        if ((rc = es_engagement_adopt(db, &e, &rec)) != ENGSCHED_OK)
            return rc;
        json_t *doc = NULL;
        rc = es_engagement_to_json(db, &x->refs, &e.rec, mode, &doc);
        if (rc == ENGSCHED_OK)
            rc = put_origin(db, &x->index, &e.rec, doc);
        es_engagement_release(&e);
        if (rc == ENGSCHED_OK)
            rc = es_sink_item(&x->sink, doc);
    }
    return rc;
}

/* A directory array made whole (it is as large as the directory, not the
 * schedule), written an item at a time. Takes @p array. */
static engsched_rc write_array(es_sink *s, const char *key, json_t *array)
{
    engsched_rc rc = es_sink_array_open(s, key);
    for (size_t i = 0; rc == ENGSCHED_OK && i < json_array_size(array); i++)
        rc = es_sink_item(s, json_incref(json_array_get(array, i)));
    json_decref(array);
    return rc == ENGSCHED_OK ? es_sink_array_close(s) : rc;
}

/* roles, clients, users: the directory a document names. */
static engsched_rc write_directory(export_ctx *x, role_rows *roles, int full)
{
    engsched *db = x->db;
    json_t *role_array = json_array(), *clients = json_array(), *users = json_array();
    engsched_rc rc = ENGSCHED_OK;
    if (role_array == NULL || clients == NULL || users == NULL)
        rc = oom(db);
    if (rc == ENGSCHED_OK && full)
        rc = render_roles(db, roles, role_array);
    if (rc == ENGSCHED_OK)
        rc = render_directory(x, roles, full, users, clients);
    if (rc != ENGSCHED_OK) {
        json_decref(role_array);
        json_decref(clients);
        json_decref(users);
        return rc;
    }
    rc = write_array(&x->sink, "roles", role_array);
    rc = rc == ENGSCHED_OK ? write_array(&x->sink, "clients", clients) : (json_decref(clients), rc);
    return rc == ENGSCHED_OK ? write_array(&x->sink, "users", users) : (json_decref(users), rc);
}

/* A full export's members before the directory: who the store is and how
 * it is configured. */
static engsched_rc write_store(export_ctx *x, int secrets)
{
    json_t *store = NULL, *settings = NULL;
    engsched_rc rc = es_export_store(x->db, &store);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_sink_member(&x->sink, "store", store)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_export_settings(x->db, secrets, &settings)) != ENGSCHED_OK)
        return rc;
    return es_sink_member(&x->sink, "settings", settings);
}

static engsched_rc write_document(export_ctx *x, const es_actor *who, engsched_id scope,
                                  unsigned int flags, role_rows *roles)
{
    int full = who->is_system || (who->permissions & ENGSCHED_PERM_ADMIN);
    es_ejson_mode mode = who->is_system || (who->permissions & ENGSCHED_PERM_FILES_DOWNLOAD)
                             ? ES_EJSON_EXPORT_DATA
                             : ES_EJSON_EXPORT;
    engsched_rc rc = ENGSCHED_OK;
    if (full) {
        rc = x->db->storage->role_list(x->db->storage, collect_role, roles);
        if (rc != ENGSCHED_OK)
            return rc == ENGSCHED_ENOMEM ? oom(x->db) : es_storage_fail(x->db, rc, "listing roles");
        if ((rc = load_directory(x)) != ENGSCHED_OK ||
            (rc = walk_engagements(x, scope, mode, 0)) != ENGSCHED_OK)
            return rc; /* every engagement's id, to write them in creation order */
        es_index_map_sort(&x->index);
    } else if ((rc = walk_engagements(x, scope, ES_EJSON_EXPORT, 0)) != ENGSCHED_OK) {
        return rc; /* the users and clients the document will name */
    }
    if ((rc = es_sink_open(&x->sink)) != ENGSCHED_OK)
        return rc;
    if (full && (rc = write_store(x, (flags & ENGSCHED_EXPORT_SECRETS) != 0)) != ENGSCHED_OK)
        return rc;
    if ((rc = write_directory(x, roles, full)) != ENGSCHED_OK)
        return rc;
    if (full && (rc = es_export_unavailability(&x->sink, &x->refs)) != ENGSCHED_OK)
        return rc;
    if (full && (rc = es_export_skills(&x->sink, &x->refs)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_sink_array_open(&x->sink, "engagements")) != ENGSCHED_OK ||
        (rc = full ? write_by_id(x, mode) : walk_engagements(x, scope, mode, 1)) != ENGSCHED_OK ||
        (rc = es_sink_array_close(&x->sink)) != ENGSCHED_OK)
        return rc;
    if (full && (rc = es_export_trail(&x->sink, &x->refs, &x->index)) != ENGSCHED_OK)
        return rc;
    if (full && (flags & ENGSCHED_EXPORT_SECRETS) && x->db->series &&
        (rc = es_export_feed_tokens(&x->sink, &x->refs)) != ENGSCHED_OK)
        return rc;
    return es_sink_close(&x->sink);
}

static engsched_rc export_document(export_ctx *x, engsched_id actor, unsigned int flags)
{
    engsched *db = x->db;
    es_actor who;
    engsched_id scope = 0;
    engsched_rc rc = es_view_scope(db, actor, ES_OP_VIEW, &who, &scope);
    if (rc != ENGSCHED_OK)
        return rc;
    int full = who.is_system || (who.permissions & ENGSCHED_PERM_ADMIN);
    if ((flags & ENGSCHED_EXPORT_SECRETS) && !full)
        return es_fail(db, ENGSCHED_EDENIED, "exporting the store's secrets needs admin");
    /* The series (UIDs, organizer addresses) are what a restore needs to
     * keep calendars right: an administrator's export, like the directory,
     * from a store that keeps them (elsewhere they follow from the ids). */
    x->refs.with_series = full && db->series;
    x->full = full;
    role_rows roles = {0};
    rc = write_document(x, &who, scope, flags, &roles);
    roles_release(&roles);
    return rc;
}

static engsched_rc export_to(engsched *db, engsched_id actor, unsigned int flags,
                             engsched_write_fn write, void *ctx)
{
    /* One read transaction: the document is one consistent snapshot. */
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    export_ctx x = {.db = db, .sink = {.db = db, .write = write, .ctx = ctx}};
    rc = export_document(&x, actor, flags);
    es_refs_release(&x.refs);
    es_index_map_release(&x.index);
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_export_options_init(engsched_export_options *opts, unsigned int version)
{
    if (opts == NULL || version != ENGSCHED_EXPORT_OPTIONS_VERSION)
        return ENGSCHED_EMISUSE;
    *opts = (engsched_export_options)ENGSCHED_EXPORT_OPTIONS_INIT;
    return ENGSCHED_OK;
}

engsched_rc engsched_export(engsched *db, engsched_id actor, const engsched_export_options *opts,
                            engsched_write_fn write, void *ctx)
{
    ES_CHECK_DB(db);
    if (write == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "write: must not be NULL");
    if (opts != NULL && opts->version != ENGSCHED_EXPORT_OPTIONS_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "opts: version %u is not %d", opts->version,
                       ENGSCHED_EXPORT_OPTIONS_VERSION);
    if (opts != NULL && (opts->flags & ~ENGSCHED_EXPORT_SECRETS) != 0)
        return es_fail(db, ENGSCHED_EINVAL, "opts: unknown flags 0x%x",
                       opts->flags & ~ENGSCHED_EXPORT_SECRETS);
    return export_to(db, actor, opts != NULL ? opts->flags : 0, write, ctx);
}

static int write_buf(void *ctx, const char *data, size_t len)
{
    return es_buf_add(ctx, data, len) == 0 ? 0 : -1;
}

engsched_rc engsched_export_json(engsched *db, engsched_id actor, char **out_json)
{
    ES_CHECK_DB(db);
    if (out_json == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_json: must not be NULL");
    es_buf text = ES_BUF_INIT;
    engsched_rc rc = export_to(db, actor, 0, write_buf, &text);
    if (rc == ENGSCHED_ESTORAGE && es_buf_failed(&text))
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory exporting");
    char *json = rc == ENGSCHED_OK ? es_buf_take(&text) : NULL;
    es_buf_release(&text);
    if (rc == ENGSCHED_OK && json == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory exporting");
    if (rc != ENGSCHED_OK)
        return rc;
    *out_json = json;
    return ENGSCHED_OK;
}
