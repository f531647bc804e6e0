/* The parts of a full export that make it a restore: the store's
 * identity, its settings, every user's unavailability and the audit
 * trail. Written only for an administrator or the system. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json/export.h"
#include "core/events.h"
#include "core/settings.h"
#include "util/dates.h"
#include "views/tag_list.h"

/* Rows read from the store per listing call. */
#define PAGE 256u

static engsched_rc oom(engsched *db)
{
    return es_fail(db, ENGSCHED_ENOMEM, "out of memory exporting");
}

static int set_new(json_t *obj, const char *key, json_t *value)
{
    return value == NULL || json_object_set_new_nocheck(obj, key, value) != 0;
}

static json_t *key_or_null(const char *key) { return key != NULL ? json_string(key) : json_null(); }

static json_t *date_value(int32_t day)
{
    char text[ES_DATE_LEN];
    es_date_format(day, text);
    return json_string(text);
}

engsched_rc es_export_store(engsched *db, json_t **out)
{
    char *id = NULL;
    engsched_rc rc = es_setting_read(db, "store_id", &id);
    if (rc != ENGSCHED_OK)
        return rc;
    json_t *store = json_object();
    int failed = set_new(store, "id", json_string(id));
    es_free(id);
    if (failed) {
        json_decref(store);
        return oom(db);
    }
    *out = store;
    return ENGSCHED_OK;
}

engsched_rc es_export_settings(engsched *db, int secrets, json_t **out)
{
    json_t *settings = json_object();
    if (settings == NULL)
        return oom(db);
    engsched_storage *s = db->storage;
    const char *key;
    for (size_t i = 0; (key = es_setting_key_at(i)) != NULL; i++) {
        if (strcmp(key, "store_id") == 0 || (es_setting_is_secret(key) && !secrets))
            continue;
        const char *value = NULL;
        engsched_rc rc = s->setting_get(s, key, &value);
        if (rc == ENGSCHED_ENOTFOUND)
            continue; /* the default: it is the importing library's to choose */
        if (rc != ENGSCHED_OK) {
            json_decref(settings);
            return es_storage_fail(db, rc, "reading a setting");
        }
        if (set_new(settings, key, json_string(value))) {
            json_decref(settings);
            return oom(db);
        }
    }
    *out = settings;
    return ENGSCHED_OK;
}

/* --- unavailability --- */

typedef struct period {
    int32_t start, end;
    char *reason;
    engsched_id created_by;
    int64_t created_at;
} period;

typedef struct periods {
    period *v;
    size_t count, cap;
} periods;

static engsched_rc collect_period(void *ctx, const engsched_rec_unavailability *row)
{
    periods *p = ctx;
    period *grown = es_grow(p->v, &p->cap, p->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    p->v = grown;
    char *reason = es_strdup(row->reason != NULL ? row->reason : "");
    if (reason == NULL)
        return ENGSCHED_ENOMEM;
    p->v[p->count++] =
        (period){row->start_day, row->end_day, reason, row->created_by, row->created_at};
    return ENGSCHED_OK;
}

static void periods_clear(periods *p)
{
    for (size_t i = 0; i < p->count; i++)
        es_free(p->v[i].reason);
    p->count = 0;
}

static engsched_rc write_periods(es_sink *s, es_refs *refs, const char *user, const periods *p)
{
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; rc == ENGSCHED_OK && i < p->count; i++) {
        const char *by = NULL;
        if ((rc = es_refs_user_key(s->db, refs, p->v[i].created_by, &by)) != ENGSCHED_OK)
            break;
        json_t *item = json_object();
        if (set_new(item, "user", json_string(user)) |
            set_new(item, "start", date_value(p->v[i].start)) |
            set_new(item, "end", date_value(p->v[i].end)) |
            set_new(item, "reason", json_string(p->v[i].reason)) |
            set_new(item, "created_by", key_or_null(by)) |
            set_new(item, "created_at", json_integer(p->v[i].created_at))) {
            json_decref(item);
            return oom(s->db);
        }
        rc = es_sink_item(s, item);
    }
    return rc;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(es_ref_user *const *)a)->key, (*(es_ref_user *const *)b)->key);
}

/* The users of a full export by key, copied (ids and keys): a table
 * es_refs_user_key() may still grow while they are written. */
typedef struct user_order {
    engsched_id *ids;
    char **keys;
    size_t count;
} user_order;

static void user_order_release(user_order *u)
{
    for (size_t i = 0; u->keys != NULL && i < u->count; i++)
        es_free(u->keys[i]);
    es_free(u->keys);
    es_free(u->ids);
    memset(u, 0, sizeof *u);
}

static engsched_rc user_order_make(engsched *db, const es_refs *refs, user_order *out)
{
    size_t n = refs->user_count;
    es_ref_user **sorted = es_calloc(n ? n : 1, sizeof *sorted);
    out->ids = es_calloc(n ? n : 1, sizeof *out->ids);
    out->keys = es_calloc(n ? n : 1, sizeof *out->keys);
    out->count = n;
    engsched_rc rc = ENGSCHED_OK;
    if (sorted == NULL || out->ids == NULL || out->keys == NULL) {
        rc = oom(db);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &refs->users[i];
    if (n > 1)
        qsort(sorted, n, sizeof *sorted, by_key);
    for (size_t i = 0; i < n; i++) {
        out->ids[i] = sorted[i]->id;
        if ((out->keys[i] = es_strdup(sorted[i]->key)) == NULL) {
            rc = oom(db);
            goto out;
        }
    }
out:
    es_free(sorted);
    if (rc != ENGSCHED_OK)
        user_order_release(out);
    return rc;
}

engsched_rc es_export_unavailability(es_sink *s, es_refs *refs)
{
    engsched *db = s->db;
    int32_t first = 0, last = 0;
    es_date_from_civil(1900, 1, 1, &first);
    es_date_from_civil(9999, 12, 31, &last);
    user_order users = {0};
    periods p = {0};
    engsched_rc rc = user_order_make(db, refs, &users);
    if (rc == ENGSCHED_OK)
        rc = es_sink_array_open(s, "unavailability");
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++) {
        rc = db->storage->unavailability_list(db->storage, users.ids[i], first, last,
                                              collect_period, &p);
        if (rc != ENGSCHED_OK) {
            rc =
                rc == ENGSCHED_ENOMEM ? oom(db) : es_storage_fail(db, rc, "listing unavailability");
            break;
        }
        rc = write_periods(s, refs, users.keys[i], &p);
        periods_clear(&p);
    }
    if (rc == ENGSCHED_OK)
        rc = es_sink_array_close(s);
    periods_clear(&p);
    es_free(p.v);
    user_order_release(&users);
    return rc;
}

/* --- skills --- */

/* Read first, one user's tags at a time: the member is written only when
 * some user has skills, so a store without any exports as before. */
engsched_rc es_export_skills(es_sink *s, es_refs *refs)
{
    engsched *db = s->db;
    if (!db->skills)
        return ENGSCHED_OK;
    user_order users = {0};
    engsched_tag_list *tags = es_tag_list_new();
    int opened = 0;
    engsched_rc rc = tags == NULL ? oom(db) : user_order_make(db, refs, &users);
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++) {
        es_tag_list_clear(tags);
        if ((rc = es_user_skills_read(db, users.ids[i], tags)) != ENGSCHED_OK ||
            tags->count == 0)
            continue;
        if (!opened && (rc = es_sink_array_open(s, "skills")) != ENGSCHED_OK)
            break;
        opened = 1;
        json_t *item = json_object(), *array = json_array();
        for (size_t k = 0; array != NULL && k < tags->count; k++)
            if (json_array_append_new(array, json_string(tags->tags[k])) != 0) {
                json_decref(array);
                array = NULL;
            }
        if (set_new(item, "user", json_string(users.keys[i])) | set_new(item, "tags", array)) {
            json_decref(item);
            rc = oom(db);
            break;
        }
        rc = es_sink_item(s, item);
    }
    if (rc == ENGSCHED_OK && opened)
        rc = es_sink_array_close(s);
    engsched_tag_list_free(tags);
    user_order_release(&users);
    return rc;
}

/* --- the audit trail --- */

typedef struct event_row {
    int64_t seq, time;
    engsched_id actor, engagement;
    int before, after;
    char *action, *details;
} event_row;

typedef struct event_page {
    event_row v[PAGE];
    size_t count;
} event_page;

static engsched_rc collect_event(void *ctx, const engsched_rec_event *row)
{
    event_page *p = ctx;
    if (p->count == PAGE)
        return ENGSCHED_OK; /* a backend that ignores the limit */
    event_row *r = &p->v[p->count];
    *r = (event_row){row->seq,
                     row->time,
                     row->actor,
                     row->engagement,
                     row->status_before,
                     row->status_after,
                     es_strdup(row->action ? row->action : ""),
                     es_strdup(row->details ? row->details : "{}")};
    if (r->action == NULL || r->details == NULL) {
        es_free(r->action);
        es_free(r->details);
        return ENGSCHED_ENOMEM;
    }
    p->count++;
    return ENGSCHED_OK;
}

static void page_clear(event_page *p)
{
    for (size_t i = 0; i < p->count; i++) {
        es_free(p->v[i].action);
        es_free(p->v[i].details);
    }
    p->count = 0;
}

static json_t *status_value(int status)
{
    const char *name = status != 0 ? engsched_status_name((engsched_status)status) : NULL;
    return name != NULL ? json_string(name) : json_null();
}

static engsched_rc write_event(es_sink *s, es_refs *refs, const es_index_map *engagements,
                               const event_row *r)
{
    engsched *db = s->db;
    const char *actor = NULL;
    engsched_rc rc = es_refs_user_key(db, refs, r->actor, &actor);
    if (rc != ENGSCHED_OK)
        return rc;
    long index = r->engagement != 0 ? es_index_map_find(engagements, r->engagement) : -1;
    if (r->engagement != 0 && index < 0)
        return es_fail(db, ENGSCHED_ECORRUPT,
                       "event %lld names engagement %lld, which does not exist", (long long)r->seq,
                       (long long)r->engagement);
    json_error_t error;
    json_t *details = json_loads(r->details, JSON_REJECT_DUPLICATES, &error);
    if (details == NULL && es_json_load_oom(&error))
        return oom(db);
    if (!json_is_object(details)) {
        json_decref(details);
        return es_fail(db, ENGSCHED_ECORRUPT, "event %lld holds details that are not a JSON object",
                       (long long)r->seq);
    }
    json_t *event = json_object();
    if (set_new(event, "action", json_string(r->action)) |
        set_new(event, "actor", key_or_null(actor)) |
        set_new(event, "time", json_integer(r->time)) | set_new(event, "details", details) |
        set_new(event, "engagement", index >= 0 ? json_integer(index) : json_null()) |
        set_new(event, "status_before", status_value(r->before)) |
        set_new(event, "status_after", status_value(r->after))) {
        json_decref(event);
        return oom(db);
    }
    return es_sink_item(s, event);
}

engsched_rc es_export_trail(es_sink *s, es_refs *refs, const es_index_map *engagements)
{
    engsched *db = s->db;
    event_page *p = es_calloc(1, sizeof *p);
    if (p == NULL)
        return oom(db);
    engsched_rc rc = es_sink_array_open(s, "events");
    for (int64_t after = 0; rc == ENGSCHED_OK;) {
        rc = db->storage->event_list(db->storage, 0, after, PAGE, collect_event, p);
        if (rc != ENGSCHED_OK) {
            rc = rc == ENGSCHED_ENOMEM ? oom(db) : es_storage_fail(db, rc, "listing events");
            break;
        }
        size_t got = p->count;
        for (size_t i = 0; rc == ENGSCHED_OK && i < got; i++)
            rc = write_event(s, refs, engagements, &p->v[i]);
        if (got > 0)
            after = p->v[got - 1].seq;
        page_clear(p);
        if (got < PAGE)
            break;
    }
    if (rc == ENGSCHED_OK)
        rc = es_sink_array_close(s);
    page_clear(p);
    es_free(p);
    return rc;
}

/* --- feed tokens --- */

/* "feed_tokens": each user's token as the store keeps it (the public id
 * and a hash of the secret), by user key, so that calendar subscriptions
 * go on working after a restore. */
/* One user's token as an item; none when the user has none. */
static engsched_rc write_token(es_sink *s, es_refs *refs, engsched_id user, const char *key)
{
    engsched *db = s->db;
    engsched_rec_feed_token tok;
    engsched_rc rc = db->storage->feed_token_get(db->storage, user, &tok);
    if (rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading a feed token");
    /* The row's strings last until the next storage call: copied first. */
    json_t *item = json_object();
    if (set_new(item, "user", json_string(key)) |
        set_new(item, "token_id", json_string(tok.token_id)) |
        set_new(item, "secret_hash", json_string(tok.secret_hash)) |
        set_new(item, "created_at", json_integer(tok.created_at))) {
        json_decref(item);
        return oom(db);
    }
    const char *by = NULL;
    if ((rc = es_refs_user_key(db, refs, tok.issued_by, &by)) != ENGSCHED_OK) {
        json_decref(item);
        return rc;
    }
    if (set_new(item, "issued_by", key_or_null(by))) {
        json_decref(item);
        return oom(db);
    }
    return es_sink_item(s, item);
}

engsched_rc es_export_feed_tokens(es_sink *s, es_refs *refs)
{
    user_order users = {0};
    engsched_rc rc = user_order_make(s->db, refs, &users);
    if (rc == ENGSCHED_OK)
        rc = es_sink_array_open(s, "feed_tokens");
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++)
        rc = write_token(s, refs, users.ids[i], users.keys[i]);
    if (rc == ENGSCHED_OK)
        rc = es_sink_array_close(s);
    user_order_release(&users);
    return rc;
}
