/* The import's messages, key maps and typed member readers
 * (json/import.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "json/import.h"
#include "rules/allocation.h"
#include "util/dates.h"
#include "core/events.h"

/* --- messages: "<path>: <what is wrong>" --- */

static engsched_rc imp_failv(engsched *db, engsched_rc rc, const char *path, const char *fmt,
                             va_list ap) ES_PRINTF(4, 0);

static engsched_rc imp_failv(engsched *db, engsched_rc rc, const char *path, const char *fmt,
                             va_list ap)
{
    char what[ES_ERRMSG_MAX];
    vsnprintf(what, sizeof what, fmt, ap);
    return es_fail(db, rc, "%s: %s", path, what);
}

engsched_rc imp_bad(engsched *db, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    engsched_rc rc = imp_failv(db, ENGSCHED_EINVAL, path, fmt, ap);
    va_end(ap);
    return rc;
}

engsched_rc imp_too_big(engsched *db, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    engsched_rc rc = imp_failv(db, ENGSCHED_ETOOBIG, path, fmt, ap);
    va_end(ap);
    return rc;
}

engsched_rc imp_oom(engsched *db)
{
    return es_fail(db, ENGSCHED_ENOMEM, "out of memory importing");
}

void imp_init(imp *im, engsched *db, engsched_id actor)
{
    memset(im, 0, sizeof *im);
    im->db = db;
    im->actor = actor;
    im->role_map = (ref_map){NULL, 0, 0, "role", "roles"};
    im->client_map = (ref_map){NULL, 0, 0, "client key", "clients"};
    im->user_map = (ref_map){NULL, 0, 0, "user key", "users"};
}

void imp_release(imp *im)
{
    es_free(im->role_map.v);
    es_free(im->client_map.v);
    es_free(im->user_map.v);
    es_free(im->engagement_ids);
    im->role_map.v = im->client_map.v = im->user_map.v = NULL;
    im->engagement_ids = NULL;
}

engsched_rc imp_item_of_user(imp *im, const json_t *item, const char *section, size_t i,
                             char base[PATH_LEN], engsched_id *out_user)
{
    char p[PATH_LEN];
    const char *user = NULL;
    imp_item(base, "", section, i);
    if (!json_is_object(item))
        return imp_bad(im->db, base, "must be an object");
    engsched_rc rc = imp_get_string(im, item, base, "user", REQUIRED, &user);
    if (rc == ENGSCHED_OK && user == NULL)
        rc = imp_bad(im->db, imp_at(p, base, "user"), "must be a user key");
    return rc == ENGSCHED_OK ? imp_user_ref(im, user, imp_at(p, base, "user"), out_user) : rc;
}

engsched_rc imp_emit(imp *im, engsched_id engagement, const char *action, int status_before,
                     int status_after, json_t *details)
{
    if (!im->restore)
        return es_emit(im->db, im->actor, engagement, action, status_before, status_after, details);
    if (details == NULL) /* a failed json_pack */
        return imp_oom(im->db);
    json_decref(details);
    return ENGSCHED_OK;
}

/* "<base>.<key>"; a path too long for the buffer is cut short (paths
 * name positions in a document for people, they are never parsed). */
const char *imp_at(char buf[PATH_LEN], const char *base, const char *key)
{
    if (snprintf(buf, PATH_LEN, "%s%s%s", base, base[0] != '\0' ? "." : "", key) < 0)
        buf[0] = '\0';
    return buf;
}

/* "<base>.<key>[<index>]", cut short like imp_at(). */
const char *imp_item(char buf[PATH_LEN], const char *base, const char *key, size_t index)
{
    int n = snprintf(buf, PATH_LEN, "%s%s%s[%zu]", base, base[0] != '\0' ? "." : "", key, index);
    if (n < 0)
        buf[0] = '\0';
    return buf;
}

/* --- the keys a document names --- */

static size_t imp_map_lower(const ref_map *m, const char *key)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->v[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

ref_entry *imp_map_find(const ref_map *m, const char *key)
{
    size_t pos = imp_map_lower(m, key);
    return pos < m->count && strcmp(m->v[pos].key, key) == 0 ? &m->v[pos] : NULL;
}

static engsched_rc imp_map_add(engsched *db, ref_map *m, const char *key, long index,
                               engsched_id id)
{
    ref_entry *grown = es_grow(m->v, &m->cap, m->count, sizeof *grown);
    if (grown == NULL)
        return imp_oom(db);
    m->v = grown;
    size_t pos = imp_map_lower(m, key);
    memmove(&m->v[pos + 1], &m->v[pos], (m->count - pos) * sizeof *m->v);
    m->v[pos] = (ref_entry){key, index, id};
    m->count++;
    return ENGSCHED_OK;
}

/* Define a key in its own array; twice is an error. */
engsched_rc imp_define(imp *im, ref_map *m, const char *key, long index, engsched_id id,
                       const char *path)
{
    if (im->writing)
        return ENGSCHED_OK;
    const ref_entry *seen = imp_map_find(m, key);
    if (seen != NULL)
        return imp_bad(im->db, path, "\"%s\" appears twice (also %s[%ld])", key, m->section,
                       seen->index);
    return imp_map_add(im->db, m, key, index, id);
}

/* A reference: to an entry of the document, or else of the store. */
engsched_rc imp_resolve(imp *im, ref_map *m, store_find_fn find, const char *key, const char *path,
                        engsched_id *out_id)
{
    const ref_entry *e = imp_map_find(m, key);
    if (e == NULL && !im->writing) {
        engsched_id id = 0;
        engsched_rc rc = find(im->db->storage, key, &id);
        if (rc == ENGSCHED_ENOTFOUND)
            return imp_bad(im->db, path, "unknown %s \"%s\"", m->noun, key);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(im->db, rc, "looking up a key");
        if ((rc = imp_map_add(im->db, m, key, -1, id)) != ENGSCHED_OK)
            return rc;
        e = imp_map_find(m, key);
    }
    if (e == NULL) /* the first pass resolved every key */
        return es_fail(im->db, ENGSCHED_EMISUSE, "%s: \"%s\" was not resolved", path, key);
    if (out_id != NULL)
        *out_id = e->id;
    return ENGSCHED_OK;
}

engsched_rc imp_user_ref(imp *im, const char *key, const char *path, engsched_id *out_id)
{
    if (key == NULL) { /* null: the system */
        if (out_id != NULL)
            *out_id = 0;
        return ENGSCHED_OK;
    }
    return imp_resolve(im, &im->user_map, im->db->storage->user_find, key, path, out_id);
}

engsched_rc imp_check_client_access(imp *im, const char *key, const char *path)
{
    const es_actor *who = &im->who;
    if (who->is_system || (who->flags & ENGSCHED_USER_ALL_CLIENTS))
        return ENGSCHED_OK;
    engsched_id id = 0;
    int access = 0;
    engsched_rc rc = im->db->storage->client_find(im->db->storage, key, &id);
    if (rc == ENGSCHED_ENOTFOUND) /* new with this document: no access granted yet */
        return es_fail(im->db, ENGSCHED_ENOTFOUND, "%s: client \"%s\" not found", path, key);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(im->db, rc, "looking up a client");
    if ((rc = es_actor_has_access(im->db, who, id, &access)) != ENGSCHED_OK)
        return rc;
    if (!access) /* the words of engsched_create() for the same client */
        return es_fail(im->db, ENGSCHED_ENOTFOUND, "%s: client %lld not found", path,
                       (long long)id);
    return ENGSCHED_OK;
}

/* --- typed members --- */

engsched_rc imp_get_member(imp *im, const json_t *obj, const char *base, const char *key, int how,
                           json_t **out)
{
    char p[PATH_LEN];
    json_t *v = json_object_get(obj, key);
    if (v == NULL && (how & REQUIRED))
        return imp_bad(im->db, imp_at(p, base, key), "missing");
    *out = v;
    return ENGSCHED_OK;
}

/* A string member; NULL when absent (or null, where allowed). */
engsched_rc imp_get_string(imp *im, const json_t *obj, const char *base, const char *key, int how,
                           const char **out)
{
    char p[PATH_LEN];
    json_t *v = NULL;
    engsched_rc rc = imp_get_member(im, obj, base, key, how, &v);
    *out = NULL;
    if (rc != ENGSCHED_OK || v == NULL || ((how & NULLABLE) && json_is_null(v)))
        return rc;
    if (!json_is_string(v))
        return imp_bad(im->db, imp_at(p, base, key), "must be a string%s",
                       (how & NULLABLE) ? " or null" : "");
    *out = json_string_value(v);
    return ENGSCHED_OK;
}

/* A text member checked by the rules of its setter; dflt when absent. */
engsched_rc imp_get_text(imp *im, const json_t *obj, const char *base, const char *key, int how,
                         size_t min_len, size_t max_len, es_text_kind kind, const char *dflt,
                         const char **out)
{
    char p[PATH_LEN];
    engsched_rc rc = imp_get_string(im, obj, base, key, how, out);
    if (rc != ENGSCHED_OK)
        return rc;
    if (*out == NULL) {
        *out = dflt;
        return ENGSCHED_OK;
    }
    return es_check_text(im->db, imp_at(p, base, key), *out, min_len, max_len, kind);
}

engsched_rc imp_get_int(imp *im, const json_t *obj, const char *base, const char *key, int64_t min,
                        int64_t *out)
{
    char p[PATH_LEN];
    json_t *v = NULL;
    engsched_rc rc = imp_get_member(im, obj, base, key, REQUIRED, &v);
    if (rc != ENGSCHED_OK)
        return rc;
    imp_at(p, base, key);
    if (!json_is_integer(v))
        return imp_bad(im->db, p, "must be an integer");
    *out = (int64_t)json_integer_value(v);
    if (*out < min)
        return imp_bad(im->db, p, "%lld is below %lld", (long long)*out, (long long)min);
    return ENGSCHED_OK;
}

engsched_rc imp_get_array(imp *im, const json_t *obj, const char *base, const char *key, int how,
                          json_t **out)
{
    char p[PATH_LEN];
    engsched_rc rc = imp_get_member(im, obj, base, key, how, out);
    if (rc == ENGSCHED_OK && *out != NULL && !json_is_array(*out))
        return imp_bad(im->db, imp_at(p, base, key), "must be an array");
    return rc;
}

engsched_rc imp_get_object(imp *im, const json_t *array, size_t i, const char *base, json_t **out)
{
    return imp_item_object(im, json_array_get(array, i), base, out);
}

engsched_rc imp_item_object(imp *im, const json_t *item, const char *base, json_t **out)
{
    *out = (json_t *)item; /* jansson's getters take no const */
    if (!json_is_object(*out))
        return imp_bad(im->db, base, "must be an object");
    return ENGSCHED_OK;
}

/* An optional date member as a day number; @p *present says whether given. */
static engsched_rc get_day(imp *im, const json_t *op, const char *base, const char *key,
                           int32_t *out, int *present)
{
    char p[PATH_LEN];
    const char *text = NULL;
    engsched_rc rc = imp_get_string(im, op, base, key, OPTIONAL, &text);
    *present = text != NULL;
    if (rc == ENGSCHED_OK && text != NULL && !es_date_parse(text, out))
        return imp_bad(im->db, imp_at(p, base, key), "\"%s\" is not a date (YYYY-MM-DD)", text);
    return rc;
}

engsched_rc imp_read_allocation(imp *im, const json_t *op, const char *base,
                                const engsched_rec_engagement *e, engsched_rec_assignment *rec)
{
    char p[PATH_LEN];
    int has_start = 0, has_end = 0;
    json_t *percent = NULL, *tentative = NULL;
    rec->windowed = 0;
    rec->window_start = e->start_day;
    rec->window_end = e->end_day;
    rec->percent = 100;
    rec->tentative = 0;
    engsched_rc rc = get_day(im, op, base, "window_start", &rec->window_start, &has_start);
    if (rc == ENGSCHED_OK)
        rc = get_day(im, op, base, "window_end", &rec->window_end, &has_end);
    if (rc == ENGSCHED_OK && has_start != has_end)
        rc = imp_bad(im->db, imp_at(p, base, has_start ? "window_end" : "window_start"),
                     "missing (window_start and window_end go together)");
    if (rc == ENGSCHED_OK &&
        !es_alloc_window_valid(e->start_day, e->end_day, rec->window_start, rec->window_end))
        rc = imp_bad(im->db, imp_at(p, base, "window_start"),
                     "the window is not inside the engagement's dates");
    if (rc == ENGSCHED_OK)
        rc = imp_get_member(im, op, base, "percent", OPTIONAL, &percent);
    if (rc == ENGSCHED_OK && percent != NULL &&
        (!json_is_integer(percent) || json_integer_value(percent) < 1 ||
         json_integer_value(percent) > 100))
        rc = imp_bad(im->db, imp_at(p, base, "percent"), "must be an integer from 1 to 100");
    if (rc == ENGSCHED_OK)
        rc = imp_get_member(im, op, base, "tentative", OPTIONAL, &tentative);
    if (rc == ENGSCHED_OK && tentative != NULL && !json_is_boolean(tentative))
        rc = imp_bad(im->db, imp_at(p, base, "tentative"), "must be true or false");
    if (rc != ENGSCHED_OK)
        return rc;
    rec->windowed = has_start && (rec->window_start != e->start_day || rec->window_end != e->end_day);
    rec->percent = percent != NULL ? (int)json_integer_value(percent) : 100;
    rec->tentative = tentative != NULL && json_is_true(tentative);
    if (!im->db->allocations && (rec->windowed || rec->percent != 100 || rec->tentative))
        return es_fail(im->db, ENGSCHED_EUNSUPPORTED,
                       "%s: this backend (table version %u) stores no windows, shares or holds",
                       base, im->db->storage->version);
    return ENGSCHED_OK;
}

/* Custom fields: an object whose canonical text fits the setter's limit. */
engsched_rc imp_read_custom(imp *im, const json_t *e, const char *base, json_t **out)
{
    char p[PATH_LEN];
    engsched_rc rc = imp_get_member(im, e, base, "custom_fields", OPTIONAL, out);
    if (rc != ENGSCHED_OK || *out == NULL)
        return rc;
    imp_at(p, base, "custom_fields");
    if (!json_is_object(*out))
        return imp_bad(im->db, p, "must be a JSON object");
    if (im->writing)
        return ENGSCHED_OK;
    char *text = es_json_dump_canonical(*out);
    if (text == NULL)
        return imp_oom(im->db);
    size_t len = strlen(text);
    es_free(text);
    if (len > ES_TEXT_MAX)
        return imp_bad(im->db, p, "%zu bytes is longer than the limit of %d", len, ES_TEXT_MAX);
    return ENGSCHED_OK;
}
