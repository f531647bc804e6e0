/* The parts of a version 2 document beyond the directory and the
 * engagements: the store's identity and settings (restored only into an
 * empty store), every user's unavailability, and the audit trail
 * (restored only into an empty store). Each reader checks one item and
 * writes nothing; each writer writes what its reader checked. */
#include <stdlib.h>
#include <string.h>

#include "json/import.h"
#include "core/events.h"
#include "core/settings.h"
#include "util/dates.h"
#include "views/tag_list.h"

/* --- restore or merge --- */

static engsched_rc count_client(void *ctx, const engsched_rec_client *row)
{
    (void)row;
    ++*(size_t *)ctx;
    return ENGSCHED_OK;
}

static engsched_rc count_user(void *ctx, const engsched_rec_user *row)
{
    (void)row;
    ++*(size_t *)ctx;
    return ENGSCHED_OK;
}

static engsched_rc count_engagement(void *ctx, const engsched_rec_engagement *row)
{
    (void)row;
    ++*(size_t *)ctx;
    return ENGSCHED_OK;
}

engsched_rc imp_store_is_empty(engsched *db, int *out)
{
    engsched_storage *s = db->storage;
    size_t rows = 0;
    engsched_storage_query q;
    memset(&q, 0, sizeof q);
    q.statuses = ~0u;
    q.limit = 1;
    engsched_rc rc = s->client_list(s, 0, 1, count_client, &rows);
    if (rc == ENGSCHED_OK)
        rc = s->user_list(s, 0, 1, count_user, &rows);
    if (rc == ENGSCHED_OK)
        rc = s->engagement_query(s, &q, count_engagement, &rows);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "looking whether the store is empty");
    *out = rows == 0;
    return ENGSCHED_OK;
}

engsched_rc imp_prepare(imp *im)
{
    int empty = 0;
    engsched_rc rc = es_require_admin(im->db, im->actor, &im->who);
    if (rc == ENGSCHED_OK)
        rc = es_setting_int(im->db, "file_max_bytes", &im->max_bytes);
    if (rc == ENGSCHED_OK)
        rc = es_setting_int(im->db, "file_max_count", &im->max_count);
    if (rc == ENGSCHED_OK)
        rc = imp_store_is_empty(im->db, &empty);
    im->restore = empty;
    return rc;
}

/* A limit the restored settings set, which the files are held to. */
static void restored_limit(const imp *im, const char *key, int64_t *limit)
{
    const char *value = json_string_value(json_object_get(im->settings, key));
    if (value != NULL)
        *limit = strtoll(value, NULL, 10); /* checked by imp_read_settings */
}

void imp_settle_restore(imp *im)
{
    if (im->store_id == NULL)
        im->restore = 0; /* what a non-administrator may see restores nothing */
    if (!im->restore)
        return;
    restored_limit(im, "file_max_bytes", &im->max_bytes);
    restored_limit(im, "file_max_count", &im->max_count);
}

/* --- store identity and settings --- */

engsched_rc imp_read_store(imp *im)
{
    const char *id = NULL;
    json_t *store = NULL;
    engsched_rc rc = imp_get_member(im, im->doc, "", "store", OPTIONAL, &store);
    if (rc != ENGSCHED_OK || store == NULL)
        return rc;
    if (!json_is_object(store))
        return imp_bad(im->db, "store", "must be an object");
    if ((rc = imp_get_string(im, store, "store", "id", REQUIRED, &id)) != ENGSCHED_OK)
        return rc;
    if (es_setting_check(im->db, "store_id", id) != ENGSCHED_OK)
        return imp_bad(im->db, "store.id", "must be 32 lowercase hexadecimal digits");
    im->store_id = id;
    return ENGSCHED_OK;
}

engsched_rc imp_read_settings(imp *im)
{
    char p[PATH_LEN];
    json_t *settings = NULL;
    engsched_rc rc = imp_get_member(im, im->doc, "", "settings", OPTIONAL, &settings);
    if (rc != ENGSCHED_OK || settings == NULL)
        return rc;
    if (!json_is_object(settings))
        return imp_bad(im->db, "settings", "must be an object");
    const char *key;
    json_t *value;
    json_object_foreach(settings, key, value)
    {
        imp_at(p, "settings", key);
        if (!es_setting_known(key))
            continue; /* a later library's: readers ignore what they do not know */
        if (strcmp(key, "store_id") == 0)
            return imp_bad(im->db, p, "the identity belongs in store.id");
        if (!json_is_string(value))
            return imp_bad(im->db, p, "must be a string");
        /* The setter's own check, its message under the document's path;
         * a secret's value is never repeated in a message. */
        if ((rc = es_setting_check(im->db, key, json_string_value(value))) != ENGSCHED_OK)
            return es_setting_is_secret(key) ? imp_bad(im->db, p, "not a valid secret")
                                             : imp_bad(im->db, p, "%s", engsched_errmsg(im->db));
    }
    im->settings = settings;
    return ENGSCHED_OK;
}

engsched_rc imp_write_store(imp *im)
{
    engsched_storage *s = im->db->storage;
    engsched_rc rc = ENGSCHED_OK;
    if (im->store_id != NULL && (rc = s->setting_set(s, "store_id", im->store_id)) != ENGSCHED_OK)
        return es_storage_fail(im->db, rc, "writing the store identity");
    const char *key;
    json_t *value;
    json_object_foreach(im->settings, key, value)
    {
        if (!es_setting_known(key))
            continue;
        if ((rc = s->setting_set(s, key, json_string_value(value))) != ENGSCHED_OK)
            return es_storage_fail(im->db, rc, "writing a setting");
    }
    return ENGSCHED_OK;
}

/* --- unavailability --- */

static engsched_rc read_day(imp *im, const json_t *obj, const char *base, const char *key,
                            int32_t *out)
{
    char p[PATH_LEN];
    const char *text = NULL;
    engsched_rc rc = imp_get_string(im, obj, base, key, REQUIRED, &text);
    if (rc == ENGSCHED_OK && !es_date_parse(text, out))
        rc = imp_bad(im->db, imp_at(p, base, key), "\"%s\" is not a date (YYYY-MM-DD)", text);
    return rc;
}

engsched_rc imp_read_period(imp *im, const json_t *item, size_t i, engsched_rec_unavailability *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    const char *by = NULL;
    memset(out, 0, sizeof *out);
    engsched_rc rc = imp_item_of_user(im, item, "unavailability", i, base, &out->user);
    if (rc == ENGSCHED_OK)
        rc = read_day(im, item, base, "start", &out->start_day);
    if (rc == ENGSCHED_OK)
        rc = read_day(im, item, base, "end", &out->end_day);
    if (rc == ENGSCHED_OK && out->end_day < out->start_day)
        rc = imp_bad(im->db, imp_at(p, base, "end"), "is before the start");
    if (rc == ENGSCHED_OK && out->end_day - out->start_day + 1 > ENGSCHED_RANGE_MAX_DAYS)
        rc = imp_bad(im->db, imp_at(p, base, "end"), "%d days is longer than the limit of %d",
                     (int)(out->end_day - out->start_day + 1), ENGSCHED_RANGE_MAX_DAYS);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, item, base, "reason", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          &out->reason);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, item, base, "created_by", NULLABLE, &by);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, by, imp_at(p, base, "created_by"), &out->created_by);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, item, base, "created_at", 0, &out->created_at);
    return rc;
}

engsched_rc imp_write_period(imp *im, const engsched_rec_unavailability *rec)
{
    engsched_id id = 0;
    engsched_rc rc = im->db->storage->unavailability_insert(im->db->storage, rec, &id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(im->db, rc, "storing unavailability");
    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(rec->start_day, start);
    es_date_format(rec->end_day, end);
    return imp_emit(im, 0, "unavailability.added", 0, 0,
                    json_pack("{s:I, s:I, s:s, s:s, s:s}", "unavailability", (json_int_t)id, "user",
                              (json_int_t)rec->user, "start", start, "end", end, "reason",
                              rec->reason));
}

/* --- skills --- */

engsched_rc imp_tags(imp *im, const json_t *tags, const char *base, const char *key,
                     const char ***out, size_t *out_count)
{
    char p[PATH_LEN];
    size_t n = json_array_size(tags);
    const char **given = es_calloc(n ? n : 1, sizeof *given);
    if (given == NULL)
        return imp_oom(im->db);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t k = 0; rc == ENGSCHED_OK && k < n; k++) {
        given[k] = json_string_value(json_array_get(tags, k));
        if (given[k] == NULL)
            rc = imp_bad(im->db, imp_item(p, base, key, k), "is not a string");
    }
    if (rc == ENGSCHED_OK)
        rc = es_tags_checked(im->db, imp_at(p, base, key), given, n, out, out_count);
    if (rc == ENGSCHED_OK && n > 0)
        rc = es_skills_supported(im->db);
    es_free(given);
    if (rc != ENGSCHED_OK) {
        es_free(*out);
        *out = NULL;
    }
    return rc;
}

engsched_rc imp_user_skills(imp *im, const json_t *item, size_t i)
{
    char base[PATH_LEN];
    engsched_id user = 0;
    json_t *tags = NULL;
    const char **set = NULL;
    size_t kept = 0;
    engsched_rc rc = imp_item_of_user(im, item, "skills", i, base, &user);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, item, base, "tags", REQUIRED, &tags);
    if (rc == ENGSCHED_OK)
        rc = imp_tags(im, tags, base, "tags", &set, &kept);
    if (rc == ENGSCHED_OK && im->writing) {
        rc = im->db->storage->user_skills_set(im->db->storage, user, set, kept);
        if (rc != ENGSCHED_OK)
            es_storage_fail(im->db, rc, "storing skills");
    }
    es_free(set);
    return rc;
}

/* --- the audit trail --- */

static engsched_rc read_event_status(imp *im, const json_t *item, const char *base, const char *key,
                                     int *out)
{
    char p[PATH_LEN];
    const char *name = NULL;
    engsched_status st;
    engsched_rc rc = imp_get_string(im, item, base, key, NULLABLE, &name);
    if (rc != ENGSCHED_OK || name == NULL) {
        *out = 0;
        return rc;
    }
    if (engsched_status_parse(name, &st) != ENGSCHED_OK)
        return imp_bad(im->db, imp_at(p, base, key), "unknown status \"%s\"", name);
    *out = (int)st;
    return ENGSCHED_OK;
}

engsched_rc imp_read_event(imp *im, const json_t *item, size_t i, imp_event *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    const char *actor = NULL;
    json_t *engagement = NULL;
    memset(out, 0, sizeof *out);
    imp_item(base, "", "events", i);
    if (!json_is_object(item))
        return imp_bad(im->db, base, "must be an object");
    engsched_rc rc = imp_get_text(im, item, base, "action", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE,
                                  NULL, &out->rec.action);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, item, base, "actor", NULLABLE, &actor);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, actor, imp_at(p, base, "actor"), &out->rec.actor);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, item, base, "time", 0, &out->rec.time);
    if (rc == ENGSCHED_OK)
        rc = read_event_status(im, item, base, "status_before", &out->rec.status_before);
    if (rc == ENGSCHED_OK)
        rc = read_event_status(im, item, base, "status_after", &out->rec.status_after);
    if (rc == ENGSCHED_OK)
        rc = imp_get_member(im, item, base, "details", REQUIRED, &out->details);
    if (rc == ENGSCHED_OK && !json_is_object(out->details))
        rc = imp_bad(im->db, imp_at(p, base, "details"), "must be a JSON object");
    if (rc == ENGSCHED_OK)
        rc = imp_get_member(im, item, base, "engagement", NULLABLE, &engagement);
    if (rc != ENGSCHED_OK || engagement == NULL || json_is_null(engagement))
        return rc;
    imp_at(p, base, "engagement");
    if (!json_is_integer(engagement) || json_integer_value(engagement) < 0 ||
        (size_t)json_integer_value(engagement) >= im->engagement_count)
        return imp_bad(im->db, p, "must be null or the index of an item of engagements (0 to %zu)",
                       im->engagement_count ? im->engagement_count - 1 : 0);
    out->index = (size_t)json_integer_value(engagement);
    out->has_engagement = 1;
    return ENGSCHED_OK;
}

engsched_rc imp_write_event(imp *im, imp_event *ev)
{
    char *details = es_json_dump_canonical(ev->details);
    if (details == NULL)
        return imp_oom(im->db);
    ev->rec.details = details;
    ev->rec.engagement = ev->has_engagement ? im->engagement_ids[ev->index] : 0;
    int64_t seq = 0;
    engsched_rc rc = im->db->storage->event_append(im->db->storage, &ev->rec, &seq);
    es_free(details);
    ev->rec.details = NULL;
    return rc == ENGSCHED_OK ? ENGSCHED_OK : es_storage_fail(im->db, rc, "restoring an event");
}

/* --- feed tokens --- */

static int lower_hex(const char *text, size_t len)
{
    if (text == NULL || strlen(text) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
            return 0;
    return 1;
}

engsched_rc imp_read_token(imp *im, const json_t *item, size_t i, engsched_rec_feed_token *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    const char *by = NULL;
    memset(out, 0, sizeof *out);
    engsched_rc rc = imp_item_of_user(im, item, "feed_tokens", i, base, &out->user);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, item, base, "token_id", REQUIRED, &out->token_id);
    if (rc == ENGSCHED_OK && !lower_hex(out->token_id, 32))
        rc = imp_bad(im->db, imp_at(p, base, "token_id"), "must be 32 lowercase hex digits");
    /* A hash, never the secret: checked for its shape, never repeated. */
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, item, base, "secret_hash", REQUIRED, &out->secret_hash);
    if (rc == ENGSCHED_OK && !lower_hex(out->secret_hash, 64))
        rc = imp_bad(im->db, imp_at(p, base, "secret_hash"), "must be 64 lowercase hex digits");
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, item, base, "issued_by", NULLABLE, &by);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, by, imp_at(p, base, "issued_by"), &out->issued_by);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, item, base, "created_at", 0, &out->created_at);
    return rc;
}

engsched_rc imp_write_token(imp *im, const engsched_rec_feed_token *rec)
{
    if (!im->db->series)
        return ENGSCHED_OK; /* a backend that keeps no tokens: subscriptions are re-issued */
    engsched_rc rc = im->db->storage->feed_token_put(im->db->storage, rec);
    return rc == ENGSCHED_OK ? ENGSCHED_OK : es_storage_fail(im->db, rc, "restoring a feed token");
}
