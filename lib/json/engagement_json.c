/* One engagement as a JSON document (docs/json.md), for hosts' APIs and as
 * the building block of the export. */
#include <stdint.h>
#include <string.h>

#include "util/base64.h"
#include "util/dates.h"
#include "json/engagement_json.h"
#include "core/assignment_record.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "rules/rules.h"
#include "core/validate.h"
#include "delivery/delivery.h"
#include "views/tag_list.h"

/* Bytes read from the store per file_read call when inlining a file: a
 * multiple of 3, so each chunk encodes to whole base64 quanta. */
#define FILE_CHUNK ((size_t)3 * 16384)

/* --- operator roles --- */

static const char *const oprole_names[] = {"none", "lead", "tester", "reviewer"};
#define OPROLE_COUNT (sizeof oprole_names / sizeof oprole_names[0])

const char *es_oprole_name(int role)
{
    return role >= 0 && (size_t)role < OPROLE_COUNT ? oprole_names[role] : NULL;
}

int es_oprole_parse(const char *name)
{
    for (size_t i = 0; name != NULL && i < OPROLE_COUNT; i++) {
        if (strcmp(name, oprole_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

/* --- users and clients by id --- */

static void ref_user_free(es_ref_user *u)
{
    es_free(u->key);
    es_free(u->display_name);
    es_free(u->email);
}

static void ref_client_free(es_ref_client *c)
{
    es_free(c->key);
    es_free(c->name);
}

void es_refs_release(es_refs *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->user_count; i++)
        ref_user_free(&r->users[i]);
    for (size_t i = 0; i < r->client_count; i++)
        ref_client_free(&r->clients[i]);
    es_free(r->users);
    es_free(r->clients);
    memset(r, 0, sizeof *r);
}

/* The first position whose id is not below @id (binary search). */
#define LOWER_BOUND(array, count, wanted, out)                                                 \
    do {                                                                                   \
        size_t lo_ = 0, hi_ = (count);                                                     \
        while (lo_ < hi_) {                                                                \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                           \
            if ((array)[mid_].id < (wanted))                                                   \
                lo_ = mid_ + 1;                                                            \
            else                                                                           \
                hi_ = mid_;                                                                \
        }                                                                                  \
        (out) = lo_;                                                                       \
    } while (0)

static engsched_rc insert_user(es_refs *r, size_t pos, const engsched_rec_user *rec)
{
    void *grown = es_grow(r->users, &r->user_cap, r->user_count, sizeof *r->users);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    r->users = grown;
    es_ref_user u = {rec->id, es_strdup(rec->host_key ? rec->host_key : ""),
                     es_strdup(rec->display_name ? rec->display_name : ""),
                     es_strdup(rec->email), rec->role, rec->flags};
    if (u.key == NULL || u.display_name == NULL || (rec->email != NULL && u.email == NULL)) {
        ref_user_free(&u);
        return ENGSCHED_ENOMEM;
    }
    memmove(&r->users[pos + 1], &r->users[pos], (r->user_count - pos) * sizeof *r->users);
    r->users[pos] = u;
    r->user_count++;
    return ENGSCHED_OK;
}

static engsched_rc insert_client(es_refs *r, size_t pos, const engsched_rec_client *rec)
{
    void *grown = es_grow(r->clients, &r->client_cap, r->client_count, sizeof *r->clients);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    r->clients = grown;
    es_ref_client c = {rec->id, es_strdup(rec->host_key ? rec->host_key : ""),
                       es_strdup(rec->name ? rec->name : "")};
    if (c.key == NULL || c.name == NULL) {
        ref_client_free(&c);
        return ENGSCHED_ENOMEM;
    }
    memmove(&r->clients[pos + 1], &r->clients[pos],
            (r->client_count - pos) * sizeof *r->clients);
    r->clients[pos] = c;
    r->client_count++;
    return ENGSCHED_OK;
}

engsched_rc es_refs_add_user(es_refs *r, const engsched_rec_user *rec)
{
    size_t pos;
    LOWER_BOUND(r->users, r->user_count, rec->id, pos);
    if (pos < r->user_count && r->users[pos].id == rec->id)
        return ENGSCHED_OK;
    return insert_user(r, pos, rec);
}

engsched_rc es_refs_add_client(es_refs *r, const engsched_rec_client *rec)
{
    size_t pos;
    LOWER_BOUND(r->clients, r->client_count, rec->id, pos);
    if (pos < r->client_count && r->clients[pos].id == rec->id)
        return ENGSCHED_OK;
    return insert_client(r, pos, rec);
}

engsched_rc es_refs_user_key(engsched *db, es_refs *r, engsched_id id, const char **out_key)
{
    if (id == 0) {
        *out_key = NULL;
        return ENGSCHED_OK;
    }
    size_t pos;
    LOWER_BOUND(r->users, r->user_count, id, pos);
    if (pos == r->user_count || r->users[pos].id != id) {
        engsched_rec_user rec;
        engsched_rc rc = db->storage->user_get(db->storage, id, &rec);
        if (rc == ENGSCHED_ENOTFOUND)
            return es_fail(db, ENGSCHED_ECORRUPT, "user %lld is referred to but does not exist",
                           (long long)id);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading a user");
        if (insert_user(r, pos, &rec) != ENGSCHED_OK)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading users");
    }
    *out_key = r->users[pos].key;
    return ENGSCHED_OK;
}

engsched_rc es_refs_client(engsched *db, es_refs *r, engsched_id id, const es_ref_client **out)
{
    size_t pos;
    LOWER_BOUND(r->clients, r->client_count, id, pos);
    if (pos == r->client_count || r->clients[pos].id != id) {
        engsched_rec_client rec;
        engsched_rc rc = db->storage->client_get(db->storage, id, &rec);
        if (rc == ENGSCHED_ENOTFOUND)
            return es_fail(db, ENGSCHED_ECORRUPT,
                           "client %lld is referred to but does not exist", (long long)id);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading a client");
        if (insert_client(r, pos, &rec) != ENGSCHED_OK)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading clients");
    }
    *out = &r->clients[pos];
    return ENGSCHED_OK;
}

/* --- building documents --- */

/* Collects the first failure while a document is put together, so that
 * the building code reads straight through; json_object_set_new() frees
 * the value whatever happens, so nothing leaks on the way. */
typedef struct jb {
    engsched_rc rc;
    const char *why; /* for ECORRUPT */
} jb;

static void jb_fail(jb *b, engsched_rc rc, const char *why)
{
    if (b->rc == ENGSCHED_OK) {
        b->rc = rc;
        b->why = why;
    }
}

static json_t *jb_new(jb *b, json_t *value)
{
    if (value == NULL)
        jb_fail(b, ENGSCHED_ENOMEM, NULL);
    return value;
}

/* Stored text as a JSON string; text that is not UTF-8 (only a damaged
 * store or a careless backend holds any) is corruption, not memory. */
static json_t *jb_str(jb *b, const char *s)
{
    if (s == NULL)
        s = "";
    size_t n = strlen(s);
    if (!es_utf8_valid(s, n)) {
        jb_fail(b, ENGSCHED_ECORRUPT, "stored text is not valid UTF-8");
        return NULL;
    }
    return jb_new(b, json_stringn_nocheck(s, n));
}

static json_t *jb_key(jb *b, const char *key)
{
    return key != NULL ? jb_str(b, key) : jb_new(b, json_null());
}

static void put(jb *b, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL) {
        jb_fail(b, ENGSCHED_ENOMEM, NULL);
        return;
    }
    if (json_object_set_new_nocheck(obj, key, value) != 0)
        jb_fail(b, ENGSCHED_ENOMEM, NULL);
}

static void append(jb *b, json_t *array, json_t *value)
{
    if (value == NULL) {
        jb_fail(b, ENGSCHED_ENOMEM, NULL);
        return;
    }
    if (json_array_append_new(array, value) != 0)
        jb_fail(b, ENGSCHED_ENOMEM, NULL);
}

static json_t *jb_int(jb *b, int64_t v)
{
    return jb_new(b, json_integer((json_int_t)v));
}

/* --- rows collected before they are rendered (no storage call may run
 * inside a storage iteration) --- */

typedef struct op_rows {
    const engsched *db;
    const engsched_rec_engagement *e;
    engsched_rec_assignment *v;
    size_t count, cap;
} op_rows;

static engsched_rc collect_op(void *ctx, const engsched_rec_assignment *row)
{
    op_rows *ops = ctx;
    void *grown = es_grow(ops->v, &ops->cap, ops->count, sizeof *ops->v);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    ops->v = grown;
    es_assignment_read(ops->db, row, ops->e->start_day, ops->e->end_day, &ops->v[ops->count++]);
    return ENGSCHED_OK;
}

typedef struct file_row {
    engsched_id id;
    char *name;
    char *media_type;
    int64_t size;
    engsched_id uploaded_by;
    int64_t uploaded_at;
} file_row;

typedef struct file_rows {
    file_row *v;
    size_t count, cap;
} file_rows;

static engsched_rc collect_file(void *ctx, const engsched_rec_file *row)
{
    file_rows *files = ctx;
    void *grown = es_grow(files->v, &files->cap, files->count, sizeof *files->v);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    files->v = grown;
    file_row f = {row->id, es_strdup(row->name ? row->name : ""),
                  es_strdup(row->media_type ? row->media_type : ""), row->size,
                  row->uploaded_by, row->uploaded_at};
    if (f.name == NULL || f.media_type == NULL) {
        es_free(f.name);
        es_free(f.media_type);
        return ENGSCHED_ENOMEM;
    }
    files->v[files->count++] = f;
    return ENGSCHED_OK;
}

static void file_rows_release(file_rows *files)
{
    for (size_t i = 0; i < files->count; i++) {
        es_free(files->v[i].name);
        es_free(files->v[i].media_type);
    }
    es_free(files->v);
}

/* The bytes of one file as base64, read in chunks. */
static engsched_rc file_data(engsched *db, const file_row *f, json_t **out)
{
    if (f->size < 0 || (uint64_t)f->size > (uint64_t)(SIZE_MAX / 4 * 3 - 3))
        return es_fail(db, ENGSCHED_ECORRUPT, "file %lld: stored size %lld", (long long)f->id,
                       (long long)f->size);
    size_t size = (size_t)f->size;
    size_t text_len = ES_BASE64_SIZE(size);
    unsigned char *chunk = es_malloc(size < FILE_CHUNK ? size : FILE_CHUNK);
    char *text = es_malloc(text_len + 1);
    engsched_rc rc = ENGSCHED_OK;
    if (chunk == NULL || text == NULL) {
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory reading file %lld", (long long)f->id);
        goto out;
    }
    size_t done = 0, written = 0;
    while (done < size) {
        size_t want = size - done < FILE_CHUNK ? size - done : FILE_CHUNK;
        size_t got = 0, have = 0;
        /* A backend may return less than asked: fill the chunk, so that
         * only the last one encodes with padding. */
        while (have < want) {
            rc = db->storage->file_read(db->storage, f->id, (int64_t)(done + have),
                                        chunk + have, want - have, &got);
            if (rc != ENGSCHED_OK) {
                es_storage_fail(db, rc, "reading file data");
                goto out;
            }
            if (got == 0) {
                rc = es_fail(db, ENGSCHED_ECORRUPT, "file %lld: %lld bytes recorded, %zu stored",
                             (long long)f->id, (long long)f->size, done + have);
                goto out;
            }
            have += got;
        }
        written += es_base64_encode_to(chunk, have, text + written);
        done += have;
    }
    text[written] = '\0';
    *out = json_stringn_nocheck(text, written);
    if (*out == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory reading file %lld", (long long)f->id);
out:
    es_free(chunk);
    es_free(text);
    return rc;
}

static engsched_rc engagement_fail(engsched *db, const jb *b, engsched_id id)
{
    if (b->rc == ENGSCHED_ENOMEM)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory rendering engagement %lld as JSON",
                       (long long)id);
    return es_fail(db, b->rc, "engagement %lld: %s", (long long)id,
                   b->why ? b->why : "cannot be rendered as JSON");
}

static json_t *custom_fields(jb *b, const char *text)
{
    json_error_t error;
    json_t *value = json_loads(text ? text : "{}", JSON_REJECT_DUPLICATES, &error);
    if (value == NULL) {
        if (es_json_load_oom(&error))
            jb_fail(b, ENGSCHED_ENOMEM, NULL);
        else
            jb_fail(b, ENGSCHED_ECORRUPT, "stored custom fields are not JSON");
        return NULL;
    }
    if (!json_is_object(value)) {
        json_decref(value);
        jb_fail(b, ENGSCHED_ECORRUPT, "stored custom fields are not a JSON object");
        return NULL;
    }
    return value;
}

/* The export keeps each operator's invitation series as it was sent, so
 * that the store importing it sends updates their calendar recognises. */
static engsched_rc render_series(engsched *db, engsched_id engagement, engsched_id user, jb *b,
                                 json_t *op)
{
    es_series s;
    engsched_rc rc = es_series_read(db, engagement, user, &s);
    if (rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return rc;
    json_t *inv = jb_new(b, json_object());
    put(b, inv, "uid", jb_str(b, s.uid));
    put(b, inv, "sequence", jb_int(b, s.rec.sequence));
    put(b, inv, "canceled", jb_new(b, json_boolean(s.rec.canceled)));
    put(b, inv, "organizer_email", jb_str(b, s.organizer_email));
    put(b, inv, "organizer_name", jb_str(b, s.organizer_name));
    put(b, inv, "response", jb_int(b, s.rec.response));
    put(b, inv, "responded_at", jb_int(b, s.rec.responded_at));
    put(b, inv, "response_sequence", jb_int(b, s.rec.response_sequence));
    put(b, inv, "updated_at", jb_int(b, s.rec.updated_at));
    put(b, op, "invitation", inv);
    es_series_release(&s);
    return b->rc != ENGSCHED_OK ? engagement_fail(db, b, engagement) : ENGSCHED_OK;
}

/* The operator's answer to their invitation: "none" and null when never
 * invited, not answered, or the store keeps no series. */
static engsched_rc render_response(engsched *db, jb *b, const engsched_rec_assignment *a,
                                   json_t *op)
{
    engsched_response response = ENGSCHED_RESPONSE_NONE;
    int64_t at = 0;
    engsched_rc rc = es_series_response(db, a->engagement, a->user, &response, &at);
    if (rc != ENGSCHED_OK)
        return rc;
    const char *name = es_partstat_name((int)response);
    if (name == NULL)
        return es_fail(db, ENGSCHED_ECORRUPT, "engagement %lld: an answer is damaged",
                       (long long)a->engagement);
    char when[ES_ISO_TIME_LEN];
    es_iso_time(at, when);
    put(b, op, "response", jb_str(b, name));
    put(b, op, "responded_at", response ? jb_str(b, when) : jb_new(b, json_null()));
    return ENGSCHED_OK;
}

/* What differs from the defaults (the whole engagement, the whole day,
 * firm), so that a store without allocations exports as it always did. */
static void render_allocation(jb *b, const engsched_rec_assignment *a, json_t *op)
{
    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(a->window_start, start);
    es_date_format(a->window_end, end);
    if (a->windowed) {
        put(b, op, "window_start", jb_str(b, start));
        put(b, op, "window_end", jb_str(b, end));
    }
    if (a->percent != 100)
        put(b, op, "percent", jb_int(b, a->percent));
    if (a->tentative)
        put(b, op, "tentative", jb_new(b, json_true()));
}

static engsched_rc render_operators(engsched *db, es_refs *refs, const engsched_rec_engagement *rec,
                                    jb *b, json_t *array)
{
    op_rows ops = {db, rec, NULL, 0, 0};
    engsched_rc rc = db->storage->assignment_list(db->storage, rec->id, collect_op, &ops);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory reading operators");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading operators");
    for (size_t i = 0; rc == ENGSCHED_OK && i < ops.count; i++) {
        const engsched_rec_assignment *a = &ops.v[i];
        const char *user = NULL, *by = NULL;
        const char *role = es_oprole_name(a->role);
        if (a->user == 0 || role == NULL) {
            rc = es_fail(db, ENGSCHED_ECORRUPT, "engagement %lld: an assignment is damaged",
                         (long long)rec->id);
            break;
        }
        if ((rc = es_refs_user_key(db, refs, a->user, &user)) != ENGSCHED_OK ||
            (rc = es_refs_user_key(db, refs, a->assigned_by, &by)) != ENGSCHED_OK)
            break;
        json_t *op = jb_new(b, json_object());
        put(b, op, "user", jb_str(b, user));
        put(b, op, "role", jb_str(b, role));
        put(b, op, "assigned_by", jb_key(b, by));
        put(b, op, "assigned_at", jb_int(b, a->assigned_at));
        render_allocation(b, a, op);
        append(b, array, op); /* op is the array's from here: nothing to free on failure */
        if ((rc = render_response(db, b, a, op)) != ENGSCHED_OK)
            break;
        if (refs->with_series && (rc = render_series(db, rec->id, a->user, b, op)) != ENGSCHED_OK)
            break;
        if (b->rc != ENGSCHED_OK)
            rc = engagement_fail(db, b, rec->id);
    }
    es_free(ops.v);
    return rc;
}

static engsched_rc render_files(engsched *db, es_refs *refs, const engsched_rec_engagement *rec,
                                es_ejson_mode mode, jb *b, json_t *array)
{
    file_rows files = {0};
    engsched_rc rc = db->storage->file_list(db->storage, rec->id, collect_file, &files);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory listing files");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "listing files");
    for (size_t i = 0; rc == ENGSCHED_OK && i < files.count; i++) {
        const file_row *f = &files.v[i];
        const char *by = NULL;
        if ((rc = es_refs_user_key(db, refs, f->uploaded_by, &by)) != ENGSCHED_OK)
            break;
        json_t *data = NULL;
        if (mode == ES_EJSON_EXPORT_DATA && (rc = file_data(db, f, &data)) != ENGSCHED_OK)
            break;
        json_t *file = jb_new(b, json_object());
        if (mode == ES_EJSON_API)
            put(b, file, "id", jb_int(b, f->id));
        else
            put(b, file, "data", data != NULL ? data : jb_new(b, json_null()));
        put(b, file, "name", jb_str(b, f->name));
        put(b, file, "media_type", jb_str(b, f->media_type));
        put(b, file, "size", jb_int(b, f->size));
        put(b, file, "uploaded_by", jb_key(b, by));
        put(b, file, "uploaded_at", jb_int(b, f->uploaded_at));
        append(b, array, file);
        if (b->rc != ENGSCHED_OK)
            rc = engagement_fail(db, b, rec->id);
    }
    file_rows_release(&files);
    return rc;
}

/* "required_skills", only when the engagement requires some: documents
 * of stores without skills stay as they were. */
static engsched_rc render_required_skills(engsched *db, engsched_id id, jb *b, json_t *doc)
{
    engsched_tag_list *tags = es_tag_list_new();
    if (tags == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory rendering engagement %lld",
                       (long long)id);
    engsched_rc rc = es_required_skills_read(db, id, tags);
    if (rc == ENGSCHED_OK && tags->count > 0) {
        json_t *arr = jb_new(b, json_array());
        for (size_t i = 0; arr != NULL && i < tags->count; i++)
            json_array_append_new(arr, jb_str(b, tags->tags[i]));
        put(b, doc, "required_skills", arr);
        if (b->rc != ENGSCHED_OK)
            rc = engagement_fail(db, b, id);
    }
    engsched_tag_list_free(tags);
    return rc;
}

engsched_rc es_engagement_to_json(engsched *db, es_refs *refs, const engsched_rec_engagement *rec,
                                  es_ejson_mode mode, json_t **out)
{
    if (!es_status_valid(rec->status) || !es_report_status_valid(rec->report_status))
        return es_fail(db, ENGSCHED_ECORRUPT, "engagement %lld: stored status %d/%d",
                       (long long)rec->id, rec->status, rec->report_status);
    const es_ref_client *client = NULL;
    const char *requested_by = NULL;
    engsched_rc rc = es_refs_client(db, refs, rec->client, &client);
    if (rc != ENGSCHED_OK)
        return rc;
    json_t *client_value = NULL;
    jb b = {ENGSCHED_OK, NULL};
    if (mode == ES_EJSON_API) {
        client_value = jb_new(&b, json_object());
        put(&b, client_value, "id", jb_int(&b, client->id));
        put(&b, client_value, "key", jb_str(&b, client->key));
        put(&b, client_value, "name", jb_str(&b, client->name));
    } else {
        client_value = jb_str(&b, client->key);
    }
    /* client points into refs: done with it before the next lookup. */
    if ((rc = es_refs_user_key(db, refs, rec->requested_by, &requested_by)) != ENGSCHED_OK) {
        json_decref(client_value);
        return rc;
    }

    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(rec->start_day, start);
    es_date_format(rec->end_day, end);
    engsched_status status = (engsched_status)rec->status;

    json_t *doc = jb_new(&b, json_object());
    if (mode == ES_EJSON_API)
        put(&b, doc, "id", jb_int(&b, rec->id));
    put(&b, doc, "client", client_value);
    put(&b, doc, "name", jb_str(&b, rec->name));
    put(&b, doc, "description", jb_str(&b, rec->description));
    put(&b, doc, "type", jb_str(&b, rec->type));
    put(&b, doc, "location", jb_str(&b, rec->location));
    put(&b, doc, "contacts", jb_str(&b, rec->contacts));
    put(&b, doc, "custom_fields", custom_fields(&b, rec->custom_fields));
    put(&b, doc, "start", jb_str(&b, start));
    put(&b, doc, "end", jb_str(&b, end));
    put(&b, doc, "status", jb_str(&b, engsched_status_name(status)));
    if (mode == ES_EJSON_API) {
        put(&b, doc, "status_label", jb_str(&b, engsched_status_label(status)));
        put(&b, doc, "colour", jb_str(&b, engsched_status_colour(status)));
    }
    put(&b, doc, "version", jb_int(&b, rec->version));
    put(&b, doc, "created_at", jb_int(&b, rec->created_at));
    put(&b, doc, "updated_at", jb_int(&b, rec->updated_at));
    put(&b, doc, "requested_by", jb_key(&b, requested_by));
    put(&b, doc, "cancel_reason", jb_str(&b, rec->cancel_reason));
    put(&b, doc, "recurrence", jb_str(&b, rec->recurrence != NULL ? rec->recurrence : ""));
    /* An export names the series by its index (export.c adds it). */
    if (mode == ES_EJSON_API)
        put(&b, doc, "origin",
            rec->origin != 0 ? jb_int(&b, rec->origin) : jb_new(&b, json_null()));
    if (rec->report_status == ENGSCHED_REPORT_NONE) {
        put(&b, doc, "report", jb_new(&b, json_null()));
    } else {
        json_t *report = jb_new(&b, json_object());
        if (mode == ES_EJSON_API)
            put(&b, report, "id", jb_int(&b, rec->report));
        put(&b, report, "title", jb_str(&b, rec->report_title));
        put(&b, report, "status", jb_str(&b, engsched_report_status_name(
                                                 (engsched_report_status)rec->report_status)));
        put(&b, doc, "report", report);
    }
    json_t *operators = jb_new(&b, json_array());
    json_t *files = jb_new(&b, json_array());
    /* Keep a reference each while filling them after they were attached. */
    json_incref(operators);
    json_incref(files);
    put(&b, doc, "operators", operators);
    put(&b, doc, "files", files);
    if (b.rc != ENGSCHED_OK)
        rc = engagement_fail(db, &b, rec->id);
    if (rc == ENGSCHED_OK)
        rc = render_operators(db, refs, rec, &b, operators);
    if (rc == ENGSCHED_OK)
        rc = render_files(db, refs, rec, mode, &b, files);
    if (rc == ENGSCHED_OK)
        rc = render_required_skills(db, rec->id, &b, doc);
    json_decref(operators);
    json_decref(files);
    if (rc != ENGSCHED_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return ENGSCHED_OK;
}

/* --- text --- */

engsched_rc es_json_text(engsched *db, const json_t *doc, size_t flags, char **out)
{
    /* jansson fails only for memory (its own or ours) on a valid tree. */
    char *text = es_json_dump(doc, flags);
    if (text == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory writing JSON");
    *out = text;
    return ENGSCHED_OK;
}

/* --- the public function --- */

engsched_rc engsched_engagement_json(engsched *db, engsched_id actor, engsched_id engagement,
                                     char **out_json)
{
    ES_CHECK_DB(db);
    if (out_json == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_json: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    es_refs refs = {0};
    json_t *doc = NULL;
    char *text = NULL;
    rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    rc = es_engagement_to_json(db, &refs, &e.rec, ES_EJSON_API, &doc);
    es_engagement_release(&e);
    es_refs_release(&refs);
    if (rc == ENGSCHED_OK)
        rc = es_json_text(db, doc, JSON_COMPACT | JSON_SORT_KEYS, &text);
    json_decref(doc);
    rc = es_finish_and_deliver(db, rc);
    if (rc != ENGSCHED_OK) {
        es_free(text);
        return rc;
    }
    *out_json = text;
    return ENGSCHED_OK;
}
