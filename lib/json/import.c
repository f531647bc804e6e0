/* The import of an export document (docs/json.md). Two passes over the
 * parsed document inside one write transaction: the first validates every
 * field and resolves every reference (in the document or the store) and
 * writes nothing; the second reads the same fields through the same
 * functions and writes them. Any failure rolls everything back. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util/base64.h"
#include "util/dates.h"
#include "util/text.h"
#include "json/engagement_json.h"
#include "core/invitation_state.h"
#include "core/events.h"
#include "rules/rules.h"
#include "core/settings.h"
#include "core/validate.h"
#include "delivery/delivery.h"
#include "json/import.h"
#include "util/buf.h"

#define IMPORT_FORMAT "engsched-export"
/* The versions this library reads: 1 and the one it writes. */
#define IMPORT_VERSION_MIN 1
#define IMPORT_VERSION 2
#define DEFAULT_MEDIA_TYPE "application/octet-stream"

/* --- roles --- */

static unsigned int permission_bit(const char *name)
{
    for (unsigned int bit = 0; bit < 32; bit++) {
        const char *known = engsched_permission_name(1u << bit);
        if (known != NULL && strcmp(known, name) == 0)
            return 1u << bit;
    }
    return 0;
}

static engsched_rc read_role(imp *im, const json_t *item, size_t i, const char **out_name,
                             unsigned int *out_mask)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *role = NULL, *perms = NULL;
    imp_item(base, "", "roles", i);
    engsched_rc rc = imp_item_object(im, item, base, &role);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, role, base, "name", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          out_name);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, role, base, "permissions", REQUIRED, &perms);
    if (rc != ENGSCHED_OK)
        return rc;
    unsigned int mask = 0;
    for (size_t k = 0; k < json_array_size(perms); k++) {
        imp_item(p, base, "permissions", k);
        const json_t *v = json_array_get(perms, k);
        if (!json_is_string(v))
            return imp_bad(im->db, p, "must be a string");
        unsigned int bit = permission_bit(json_string_value(v));
        if (bit == 0)
            return imp_bad(im->db, p, "unknown permission \"%s\"", json_string_value(v));
        if (mask & bit)
            return imp_bad(im->db, p, "\"%s\" appears twice", json_string_value(v));
        mask |= bit;
    }
    *out_mask = mask;
    return imp_define(im, &im->role_map, *out_name, (long)i, 0, imp_at(p, base, "name"));
}

static engsched_rc write_role(imp *im, const char *name, unsigned int mask)
{
    engsched *db = im->db;
    engsched_storage *s = db->storage;
    engsched_id id = 0;
    engsched_rec_role rec;
    engsched_rc rc = s->role_find(s, name, &id);
    if (rc == ENGSCHED_OK && (rc = s->role_get(s, id, &rec)) == ENGSCHED_OK) {
        if (rec.permissions != mask) {
            if ((rc = s->role_update(s, id, mask)) != ENGSCHED_OK)
                return es_storage_fail(db, rc, "changing a role");
            rc = imp_emit(
                im, 0, "role.updated", 0, 0,
                json_pack("{s:I, s:I}", "role", (json_int_t)id, "permissions", (json_int_t)mask));
        }
    } else if (rc == ENGSCHED_ENOTFOUND) {
        engsched_rec_role fresh = {0, name, mask};
        if ((rc = s->role_insert(s, &fresh, &id)) != ENGSCHED_OK)
            return es_storage_fail(db, rc, "creating a role");
        rc = imp_emit(im, 0, "role.created", 0, 0,
                      json_pack("{s:I, s:s, s:I}", "role", (json_int_t)id, "name", name,
                                "permissions", (json_int_t)mask));
    } else {
        return es_storage_fail(db, rc, "reading a role");
    }
    if (rc == ENGSCHED_OK)
        imp_map_find(&im->role_map, name)->id = id;
    return rc;
}

/* --- clients --- */

static engsched_rc read_client(imp *im, const json_t *item, size_t i, const char **out_key,
                               const char **out_name)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *client = NULL;
    imp_item(base, "", "clients", i);
    engsched_rc rc = imp_item_object(im, item, base, &client);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, client, base, "key", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          out_key);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, client, base, "name", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          out_name);
    if (rc == ENGSCHED_OK)
        rc = imp_define(im, &im->client_map, *out_key, (long)i, 0, imp_at(p, base, "key"));
    return rc;
}

static engsched_rc write_client(imp *im, const char *key, const char *name)
{
    engsched *db = im->db;
    engsched_storage *s = db->storage;
    engsched_id id = 0;
    engsched_rec_client rec;
    int created = 0, changed = 1;
    engsched_rc rc = s->client_find(s, key, &id);
    if (rc == ENGSCHED_OK && (rc = s->client_get(s, id, &rec)) == ENGSCHED_OK)
        changed = strcmp(rec.name, name) != 0;
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading a client");
    if (changed) {
        engsched_rec_client fresh = {0, key, name};
        if ((rc = s->client_upsert(s, &fresh, &id, &created)) != ENGSCHED_OK)
            return es_storage_fail(db, rc, "writing a client");
        rc = imp_emit(
            im, 0, created ? "client.created" : "client.updated", 0, 0,
            json_pack("{s:I, s:s, s:s}", "client", (json_int_t)id, "host_key", key, "name", name));
    }
    if (rc == ENGSCHED_OK)
        imp_map_find(&im->client_map, key)->id = id;
    return rc;
}

/* --- users --- */

typedef struct imp_user {
    const char *key;
    const char *display_name;
    const char *email;
    const char *role; /* NULL: a reference to a user of the store */
    engsched_id role_id;
    int all_clients;
    json_t *clients;
} imp_user;

static engsched_rc read_user(imp *im, const json_t *item, size_t i, imp_user *u)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *user = NULL, *all = NULL;
    engsched_id store_id = 0;
    memset(u, 0, sizeof *u);
    imp_item(base, "", "users", i);
    engsched_rc rc = imp_item_object(im, item, base, &user);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, user, base, "key", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          &u->key);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, user, base, "display_name", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE,
                          NULL, &u->display_name);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, user, base, "email", NULLABLE, &u->email);
    if (rc == ENGSCHED_OK && u->email != NULL)
        rc = es_check_email(im->db, imp_at(p, base, "email"), u->email);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, user, base, "role", OPTIONAL, &u->role);
    if (rc != ENGSCHED_OK)
        return rc;
    if (u->role == NULL) {
        /* The short form a non-administrator's export writes: a user that
         * must already be in the store, which the import leaves as it is. */
        if (json_object_get(user, "all_clients") != NULL ||
            json_object_get(user, "clients") != NULL)
            return imp_bad(im->db, imp_at(p, base, "role"), "missing (client access needs a role)");
        if (!im->writing) {
            rc = im->db->storage->user_find(im->db->storage, u->key, &store_id);
            if (rc == ENGSCHED_ENOTFOUND)
                return imp_bad(im->db, imp_at(p, base, "role"),
                               "missing, and user \"%s\" is not in the store", u->key);
            if (rc != ENGSCHED_OK)
                return es_storage_fail(im->db, rc, "finding a user");
        }
    } else {
        /* Written like engsched_user_upsert writes it, so checked like it.
         * A short entry only refers to a user already in the store; its
         * name is never written, so it is not held to the rule. */
        if ((rc = es_check_cn_name(im->db, imp_at(p, base, "display_name"), u->display_name)) !=
            ENGSCHED_OK)
            return rc;
        if ((rc = imp_resolve(im, &im->role_map, im->db->storage->role_find, u->role,
                              imp_at(p, base, "role"), &u->role_id)) != ENGSCHED_OK ||
            (rc = imp_get_member(im, user, base, "all_clients", REQUIRED, &all)) != ENGSCHED_OK)
            return rc;
        if (!json_is_boolean(all))
            return imp_bad(im->db, imp_at(p, base, "all_clients"), "must be true or false");
        u->all_clients = json_is_true(all);
        if ((rc = imp_get_array(im, user, base, "clients", REQUIRED, &u->clients)) != ENGSCHED_OK)
            return rc;
        for (size_t k = 0; k < json_array_size(u->clients); k++) {
            imp_item(p, base, "clients", k);
            const json_t *v = json_array_get(u->clients, k);
            if (!json_is_string(v))
                return imp_bad(im->db, p, "must be a string (a client key)");
            for (size_t j = 0; j < k; j++) {
                if (strcmp(json_string_value(json_array_get(u->clients, j)),
                           json_string_value(v)) == 0)
                    return imp_bad(im->db, p, "\"%s\" appears twice", json_string_value(v));
            }
            if ((rc = imp_resolve(im, &im->client_map, im->db->storage->client_find,
                                  json_string_value(v), p, NULL)) != ENGSCHED_OK)
                return rc;
        }
    }
    return imp_define(im, &im->user_map, u->key, (long)i, store_id, imp_at(p, base, "key"));
}

static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static engsched_rc grant(imp *im, engsched_id user, const char *client_key)
{
    engsched *db = im->db;
    engsched_storage *s = db->storage;
    engsched_id client = imp_map_find(&im->client_map, client_key)->id;
    int granted = 0;
    engsched_rc rc = s->access_check(s, user, client, &granted);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "checking client access");
    if (granted)
        return ENGSCHED_OK;
    if ((rc = s->access_grant(s, user, client)) != ENGSCHED_OK)
        return es_storage_fail(db, rc, "granting client access");
    return imp_emit(
        im, 0, "access.granted", 0, 0,
        json_pack("{s:I, s:I}", "user", (json_int_t)user, "client", (json_int_t)client));
}

static engsched_rc write_user(imp *im, const imp_user *u)
{
    if (u->role == NULL) /* a reference only; its id was found in the first pass */
        return ENGSCHED_OK;
    engsched *db = im->db;
    engsched_storage *s = db->storage;
    unsigned int flags = u->all_clients ? ENGSCHED_USER_ALL_CLIENTS : 0;
    engsched_id id = 0;
    engsched_rec_user rec;
    int created = 0, changed = 1;
    engsched_rc rc = s->user_find(s, u->key, &id);
    if (rc == ENGSCHED_OK && (rc = s->user_get(s, id, &rec)) == ENGSCHED_OK)
        changed = !same_text(rec.email, u->email) ||
                  strcmp(rec.display_name, u->display_name) != 0 || rec.role != u->role_id ||
                  rec.flags != flags;
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading a user");
    if (changed) {
        engsched_rec_user fresh = {0, u->key, u->email, u->display_name, u->role_id, flags, 0};
        if ((rc = s->user_upsert(s, &fresh, &id, &created)) != ENGSCHED_OK)
            return es_storage_fail(db, rc, "writing a user");
        rc = imp_emit(im, 0, created ? "user.created" : "user.updated", 0, 0,
                      json_pack("{s:I, s:s, s:I, s:b}", "user", (json_int_t)id, "host_key", u->key,
                                "role", (json_int_t)u->role_id, "all_clients", u->all_clients));
    }
    if (rc == ENGSCHED_OK)
        imp_map_find(&im->user_map, u->key)->id = id;
    for (size_t k = 0; rc == ENGSCHED_OK && k < json_array_size(u->clients); k++)
        rc = grant(im, id, json_string_value(json_array_get(u->clients, k)));
    return rc;
}

/* --- engagements --- */

typedef struct imp_engagement {
    engsched_rec_engagement rec; /* strings borrowed from the document */
    const char *client;
    const char *requested_by;
    json_t *custom;
    json_t *operators;
    json_t *files;
    json_t *required_skills; /* NULL: none */
} imp_engagement;

static engsched_rc read_dates(imp *im, const json_t *e, const char *base,
                              engsched_rec_engagement *rec)
{
    char p[PATH_LEN];
    const char *start = NULL, *end = NULL;
    engsched_rc rc = imp_get_string(im, e, base, "start", REQUIRED, &start);
    if (rc == ENGSCHED_OK && !es_date_parse(start, &rec->start_day))
        rc = imp_bad(im->db, imp_at(p, base, "start"), "\"%s\" is not a date (YYYY-MM-DD)", start);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, e, base, "end", REQUIRED, &end);
    if (rc == ENGSCHED_OK && !es_date_parse(end, &rec->end_day))
        rc = imp_bad(im->db, imp_at(p, base, "end"), "\"%s\" is not a date (YYYY-MM-DD)", end);
    if (rc == ENGSCHED_OK && rec->end_day < rec->start_day)
        rc = imp_bad(im->db, imp_at(p, base, "end"), "%s is before the start %s", end, start);
    if (rc == ENGSCHED_OK && !es_date_has_next(rec->end_day))
        rc = imp_bad(im->db, imp_at(p, base, "end"),
                     "%s has no next day, which a calendar event needs (last: 9999-12-30)", end);
    return rc;
}

/* The status and the report together: a stored status must be one the
 * mapping of docs/design.md §2 gives for the report (either side of the start
 * date), or Canceled. */
static engsched_rc read_status(imp *im, const json_t *e, const char *base,
                               engsched_rec_engagement *rec)
{
    char p[PATH_LEN], rbase[PATH_LEN];
    const char *status = NULL, *report_status = NULL;
    json_t *report = NULL;
    engsched_status st;
    engsched_report_status rs = ENGSCHED_REPORT_NONE;
    engsched_rc rc = imp_get_string(im, e, base, "status", REQUIRED, &status);
    if (rc != ENGSCHED_OK)
        return rc;
    if (engsched_status_parse(status, &st) != ENGSCHED_OK)
        return imp_bad(im->db, imp_at(p, base, "status"), "unknown status \"%s\"", status);
    if ((rc = imp_get_member(im, e, base, "report", NULLABLE, &report)) != ENGSCHED_OK)
        return rc;
    rec->report_title = "";
    if (report != NULL && !json_is_null(report)) {
        imp_at(rbase, base, "report");
        if (!json_is_object(report))
            return imp_bad(im->db, rbase, "must be an object or null");
        if ((rc = imp_get_text(im, report, rbase, "title", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE,
                               NULL, &rec->report_title)) != ENGSCHED_OK ||
            (rc = imp_get_string(im, report, rbase, "status", REQUIRED, &report_status)) !=
                ENGSCHED_OK)
            return rc;
        if (engsched_report_status_parse(report_status, &rs) != ENGSCHED_OK ||
            rs == ENGSCHED_REPORT_NONE)
            return imp_bad(im->db, imp_at(p, rbase, "status"), "unknown report status \"%s\"",
                           report_status);
    }
    if (st != ENGSCHED_STATUS_CANCELED && st != engsched_status_derive(rs, 0, 0) &&
        st != engsched_status_derive(rs, 1, 0)) {
        if (rs == ENGSCHED_REPORT_NONE)
            return imp_bad(im->db, imp_at(p, base, "status"), "\"%s\" needs a report", status);
        return imp_bad(im->db, imp_at(p, base, "status"),
                       "\"%s\" does not follow from report status \"%s\"", status, report_status);
    }
    rec->status = (int)st;
    rec->report_status = (int)rs;
    return ENGSCHED_OK;
}

typedef struct imp_operator {
    engsched_rec_assignment rec;
    const char *user;
    int has_series;
    engsched_rec_invitation series; /* strings borrowed from the document */
} imp_operator;

/* The operator's invitation series, as the exporting store sent it. */
static engsched_rc read_series(imp *im, const json_t *op, const char *obase, imp_operator *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *inv = NULL;
    engsched_rc rc = imp_get_member(im, op, obase, "invitation", OPTIONAL, &inv);
    if (rc != ENGSCHED_OK || inv == NULL)
        return rc;
    imp_at(base, obase, "invitation");
    if (!json_is_object(inv))
        return imp_bad(im->db, base, "expected an object");
    engsched_rec_invitation *r = &out->series;
    int64_t seq = 0, response = 0, answered = 0, answered_seq = 0, updated = 0;
    json_t *canceled = json_object_get(inv, "canceled");
    if (canceled != NULL && !json_is_boolean(canceled))
        return imp_bad(im->db, imp_at(p, base, "canceled"), "expected true or false");
    rc = imp_get_text(im, inv, base, "uid", REQUIRED, 1, 255, ES_TEXT_LINE, NULL, &r->uid);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, inv, base, "organizer_email", OPTIONAL, 0, ES_NAME_MAX, ES_TEXT_LINE,
                          "", &r->organizer_email);
    if (rc == ENGSCHED_OK && r->organizer_email[0] != '\0' &&
        es_email_problem(r->organizer_email) != NULL)
        rc = imp_bad(im->db, imp_at(p, base, "organizer_email"), "not an e-mail address");
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, inv, base, "organizer_name", OPTIONAL, 0, ES_NAME_MAX, ES_TEXT_LINE,
                          "", &r->organizer_name);
    if (rc == ENGSCHED_OK && es_cn_name_problem(r->organizer_name) != NULL)
        rc = imp_bad(im->db, imp_at(p, base, "organizer_name"), "%s",
                     es_cn_name_problem(r->organizer_name));
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, inv, base, "sequence", 0, &seq);
    if (rc == ENGSCHED_OK && seq > INT32_MAX)
        rc = imp_bad(im->db, imp_at(p, base, "sequence"), "out of range");
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, inv, base, "response", 0, &response);
    if (rc == ENGSCHED_OK && response > 3)
        rc = imp_bad(im->db, imp_at(p, base, "response"), "unknown answer %lld",
                     (long long)response);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, inv, base, "responded_at", 0, &answered);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, inv, base, "response_sequence", 0, &answered_seq);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, inv, base, "updated_at", 0, &updated);
    if (rc != ENGSCHED_OK)
        return rc;
    r->user = out->rec.user;
    r->sequence = seq;
    r->canceled = canceled != NULL && json_is_true(canceled);
    r->response = (int)response;
    r->responded_at = answered;
    r->response_sequence = answered_seq;
    r->updated_at = updated;
    out->has_series = 1;
    return ENGSCHED_OK;
}

static engsched_rc read_operator(imp *im, const imp_engagement *ie, const char *ebase, size_t k,
                                 imp_operator *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *op = NULL;
    const char *role = NULL, *by = NULL;
    int64_t when = 0;
    imp_item(base, ebase, "operators", k);
    memset(out, 0, sizeof *out);
    engsched_rc rc = imp_get_object(im, ie->operators, k, base, &op);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, op, base, "user", REQUIRED, &out->user);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, out->user, imp_at(p, base, "user"), &out->rec.user);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, op, base, "role", OPTIONAL, &role);
    if (rc == ENGSCHED_OK && (out->rec.role = es_oprole_parse(role ? role : "none")) < 0)
        rc = imp_bad(im->db, imp_at(p, base, "role"), "unknown operator role \"%s\"", role);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, op, base, "assigned_by", NULLABLE, &by);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, by, imp_at(p, base, "assigned_by"), &out->rec.assigned_by);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, op, base, "assigned_at", 0, &when);
    if (rc != ENGSCHED_OK)
        return rc;
    out->rec.assigned_at = when;
    if ((rc = imp_read_allocation(im, op, base, &ie->rec, &out->rec)) != ENGSCHED_OK ||
        (rc = read_series(im, op, base, out)) != ENGSCHED_OK)
        return rc;
    for (size_t j = 0; j < k; j++) {
        const char *other =
            json_string_value(json_object_get(json_array_get(ie->operators, j), "user"));
        if (other != NULL && strcmp(other, out->user) == 0)
            return imp_bad(im->db, imp_at(p, base, "user"), "\"%s\" is assigned twice", out->user);
    }
    return ENGSCHED_OK;
}

typedef struct imp_file {
    engsched_rec_file meta;
    unsigned char *data; /* decoded, es_free */
} imp_file;

/* A file's fields, and its bytes decoded (to check them, and to write). */
static engsched_rc read_file(imp *im, const imp_engagement *ie, const char *ebase, size_t k,
                             imp_file *out)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *file = NULL, *data = NULL;
    const char *by = NULL;
    imp_item(base, ebase, "files", k);
    memset(out, 0, sizeof *out);
    engsched_rc rc = imp_get_object(im, ie->files, k, base, &file);
    if (rc == ENGSCHED_OK &&
        (rc = imp_get_string(im, file, base, "name", REQUIRED, &out->meta.name)) == ENGSCHED_OK)
        rc = es_check_file_name(im->db, imp_at(p, base, "name"), out->meta.name);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, file, base, "media_type", OPTIONAL, &out->meta.media_type);
    if (rc == ENGSCHED_OK && out->meta.media_type == NULL)
        out->meta.media_type = DEFAULT_MEDIA_TYPE;
    else if (rc == ENGSCHED_OK)
        rc = es_check_media_type(im->db, imp_at(p, base, "media_type"), out->meta.media_type);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, file, base, "size", 0, &out->meta.size);
    if (rc == ENGSCHED_OK && out->meta.size > im->max_bytes)
        rc = imp_too_big(im->db, imp_at(p, base, "size"),
                         "%lld bytes is over the limit of %lld (file_max_bytes)",
                         (long long)out->meta.size, (long long)im->max_bytes);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, file, base, "uploaded_by", NULLABLE, &by);
    if (rc == ENGSCHED_OK)
        rc = imp_user_ref(im, by, imp_at(p, base, "uploaded_by"), &out->meta.uploaded_by);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, file, base, "uploaded_at", 0, &out->meta.uploaded_at);
    if (rc == ENGSCHED_OK)
        rc = imp_get_member(im, file, base, "data", REQUIRED, &data);
    if (rc != ENGSCHED_OK)
        return rc;
    imp_at(p, base, "data");
    if (json_is_null(data))
        return imp_bad(im->db, p,
                       "null: the export was made without files_download, so the "
                       "bytes are missing");
    if (!json_is_string(data))
        return imp_bad(im->db, p, "must be a base64 string");
    size_t len = 0;
    rc = es_base64_decode(json_string_value(data), json_string_length(data), &out->data, &len);
    if (rc == ENGSCHED_ENOMEM)
        return imp_oom(im->db);
    if (rc != ENGSCHED_OK)
        return imp_bad(im->db, p, "not canonical base64 (RFC 4648, padded, one line)");
    if ((uint64_t)len != (uint64_t)out->meta.size) {
        es_free(out->data);
        out->data = NULL;
        return imp_bad(im->db, p, "holds %zu bytes, but size is %lld", len,
                       (long long)out->meta.size);
    }
    return ENGSCHED_OK;
}

static engsched_rc read_engagement(imp *im, const json_t *item, size_t i, imp_engagement *ie)
{
    char base[PATH_LEN], p[PATH_LEN];
    json_t *e = NULL;
    engsched_rec_engagement *rec = &ie->rec;
    memset(ie, 0, sizeof *ie);
    imp_item(base, "", "engagements", i);
    engsched_rc rc = imp_item_object(im, item, base, &e);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, e, base, "client", REQUIRED, &ie->client);
    if (rc == ENGSCHED_OK)
        rc = imp_resolve(im, &im->client_map, im->db->storage->client_find, ie->client,
                         imp_at(p, base, "client"), &rec->client);
    if (rc == ENGSCHED_OK && !im->writing)
        rc = imp_check_client_access(im, ie->client, p);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "name", REQUIRED, 1, ES_NAME_MAX, ES_TEXT_LINE, NULL,
                          &rec->name);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "description", OPTIONAL, 0, ES_TEXT_MAX, ES_TEXT_MULTILINE,
                          "", &rec->description);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "type", OPTIONAL, 0, ES_NAME_MAX, ES_TEXT_LINE, "",
                          &rec->type);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "location", OPTIONAL, 0, ES_NAME_MAX, ES_TEXT_LINE, "",
                          &rec->location);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "contacts", OPTIONAL, 0, ES_CONTACTS_MAX, ES_TEXT_MULTILINE,
                          "", &rec->contacts);
    if (rc == ENGSCHED_OK)
        rc = imp_read_custom(im, e, base, &ie->custom);
    if (rc == ENGSCHED_OK)
        rc = read_dates(im, e, base, rec);
    if (rc == ENGSCHED_OK)
        rc = read_status(im, e, base, rec);
    if (rc == ENGSCHED_OK)
        rc = imp_read_recurrence(im, e, base, i, rec);
    if (rc == ENGSCHED_OK)
        rc = imp_get_text(im, e, base, "cancel_reason", OPTIONAL, 0, ES_REASON_MAX,
                          ES_TEXT_MULTILINE, "", &rec->cancel_reason);
    if (rc == ENGSCHED_OK && rec->cancel_reason[0] != '\0' &&
        rec->status != ENGSCHED_STATUS_CANCELED)
        rc =
            imp_bad(im->db, imp_at(p, base, "cancel_reason"), "only a canceled engagement has one");
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, e, base, "version", 1, &rec->version);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, e, base, "created_at", 0, &rec->created_at);
    if (rc == ENGSCHED_OK)
        rc = imp_get_int(im, e, base, "updated_at", 0, &rec->updated_at);
    if (rc == ENGSCHED_OK)
        rc = imp_get_string(im, e, base, "requested_by", NULLABLE, &ie->requested_by);
    if (rc == ENGSCHED_OK)
        rc =
            imp_user_ref(im, ie->requested_by, imp_at(p, base, "requested_by"), &rec->requested_by);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, e, base, "operators", OPTIONAL, &ie->operators);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, e, base, "files", OPTIONAL, &ie->files);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, e, base, "required_skills", OPTIONAL, &ie->required_skills);
    if (rc == ENGSCHED_OK && !im->writing) {
        const char **set = NULL;
        size_t n = 0;
        rc = imp_tags(im, ie->required_skills, base, "required_skills", &set, &n);
        es_free(set);
    }
    if (rc != ENGSCHED_OK)
        return rc;
    size_t files = json_array_size(ie->files);
    if ((uint64_t)files > (uint64_t)im->max_count)
        return imp_too_big(im->db, imp_at(p, base, "files"),
                           "%zu files is over the limit of %lld (file_max_count)", files,
                           (long long)im->max_count);
    if (im->writing)
        return ENGSCHED_OK;
    /* The first pass checks the parts here; the second reads them as it
     * writes them. */
    for (size_t k = 0; rc == ENGSCHED_OK && k < json_array_size(ie->operators); k++) {
        imp_operator op;
        rc = read_operator(im, ie, base, k, &op);
    }
    for (size_t k = 0; rc == ENGSCHED_OK && k < files; k++) {
        imp_file f;
        rc = read_file(im, ie, base, k, &f);
        es_free(f.data);
    }
    return rc;
}

/* The written engagement at index @p i (they come in order), which the
 * trail names by index. */
static engsched_rc note_engagement(imp *im, size_t i, engsched_id id)
{
    if (i >= im->engagement_cap) {
        engsched_id *grown =
            es_grow(im->engagement_ids, &im->engagement_cap, i, sizeof *im->engagement_ids);
        if (grown == NULL)
            return imp_oom(im->db);
        im->engagement_ids = grown;
    }
    im->engagement_ids[i] = id;
    return ENGSCHED_OK;
}

/* Checked by the first pass already. */
static engsched_rc write_required_skills(imp *im, const char *base, engsched_id id,
                                         const json_t *tags)
{
    if (json_array_size(tags) == 0)
        return ENGSCHED_OK;
    const char **set = NULL;
    size_t n = 0;
    engsched_rc rc = imp_tags(im, tags, base, "required_skills", &set, &n);
    if (rc == ENGSCHED_OK &&
        (rc = im->db->storage->engagement_skills_set(im->db->storage, id, set, n)) != ENGSCHED_OK)
        es_storage_fail(im->db, rc, "storing required skills");
    es_free(set);
    return rc;
}

static engsched_rc write_engagement(imp *im, size_t i, imp_engagement *ie)
{
    engsched *db = im->db;
    engsched_storage *s = db->storage;
    char base[PATH_LEN];
    imp_item(base, "", "engagements", i);
    char *custom = ie->custom != NULL ? es_json_dump_canonical(ie->custom) : NULL;
    if (ie->custom != NULL && custom == NULL)
        return imp_oom(db);
    engsched_rec_engagement *rec = &ie->rec;
    rec->custom_fields = custom != NULL ? custom : "{}";
    engsched_id id = 0, report = 0;
    engsched_rc rc = s->engagement_insert(s, rec, &id, &report);
    es_free(custom);
    rec->custom_fields = NULL;
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "inserting an engagement");
    if ((rc = note_engagement(im, i, id)) != ENGSCHED_OK ||
        (rc = write_required_skills(im, base, id, ie->required_skills)) != ENGSCHED_OK)
        return rc;
    size_t operators = json_array_size(ie->operators), files = json_array_size(ie->files);
    for (size_t k = 0; rc == ENGSCHED_OK && k < operators; k++) {
        imp_operator op;
        if ((rc = read_operator(im, ie, base, k, &op)) != ENGSCHED_OK)
            break;
        op.rec.engagement = id;
        op.series.engagement = id;
        if ((rc = s->assignment_insert(s, &op.rec)) != ENGSCHED_OK)
            es_storage_fail(db, rc, "assigning an operator");
        else if (op.has_series)
            rc = es_series_import(db, &op.series);
    }
    for (size_t k = 0; rc == ENGSCHED_OK && k < files; k++) {
        imp_file f;
        if ((rc = read_file(im, ie, base, k, &f)) != ENGSCHED_OK)
            break;
        f.meta.engagement = id;
        engsched_id file_id = 0;
        if ((rc = s->file_insert(s, &f.meta, f.data, &file_id)) != ENGSCHED_OK)
            es_storage_fail(db, rc, "storing a file");
        es_free(f.data);
    }
    if (rc != ENGSCHED_OK)
        return rc;
    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(rec->start_day, start);
    es_date_format(rec->end_day, end);
    return imp_emit(im, id, "engagement.imported", 0, rec->status,
                    json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:I}", "name", rec->name, "client",
                              (json_int_t)rec->client, "start", start, "end", end, "report",
                              (json_int_t)report, "operators", (json_int_t)operators, "files",
                              (json_int_t)files));
}

/* --- the document --- */

static engsched_rc read_version(imp *im, json_t *doc)
{
    engsched *db = im->db;
    if (!json_is_object(doc))
        return imp_bad(db, "document", "must be a JSON object");
    const json_t *format = json_object_get(doc, "format");
    if (format == NULL)
        return imp_bad(db, "format", "missing");
    if (!json_is_string(format) || strcmp(json_string_value(format), IMPORT_FORMAT) != 0)
        return imp_bad(db, "format", "must be \"%s\"", IMPORT_FORMAT);
    const json_t *version = json_object_get(doc, "version");
    if (version == NULL)
        return imp_bad(db, "version", "missing");
    if (!json_is_integer(version))
        return imp_bad(db, "version", "must be an integer");
    json_int_t v = json_integer_value(version);
    if (v > IMPORT_VERSION)
        return imp_bad(db, "version",
                       "%lld is newer than this library, which reads versions %d to %d: import "
                       "it with a newer libengsched",
                       (long long)v, IMPORT_VERSION_MIN, IMPORT_VERSION);
    if (v < IMPORT_VERSION_MIN)
        return imp_bad(db, "version", "%lld is not a version (this library reads %d to %d)",
                       (long long)v, IMPORT_VERSION_MIN, IMPORT_VERSION);
    im->version = (int)v;
    return ENGSCHED_OK;
}

static engsched_rc read_top(imp *im, json_t *doc)
{
    im->doc = doc;
    engsched_rc rc = read_version(im, doc);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, doc, "", "roles", REQUIRED, &im->roles);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, doc, "", "clients", REQUIRED, &im->clients);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, doc, "", "users", REQUIRED, &im->users);
    if (rc == ENGSCHED_OK)
        rc = imp_get_array(im, doc, "", "engagements", REQUIRED, &im->engagements);
    if (rc == ENGSCHED_OK && im->version < 2)
        im->restore = 0; /* version 1 carries no store to restore: a merge */
    if (rc != ENGSCHED_OK || im->version < 2)
        return rc;
    if ((rc = imp_read_store(im)) != ENGSCHED_OK || (rc = imp_read_settings(im)) != ENGSCHED_OK ||
        (rc = imp_get_array(im, doc, "", "unavailability", OPTIONAL, &im->unavailability)) !=
            ENGSCHED_OK ||
        (rc = imp_get_array(im, doc, "", "skills", OPTIONAL, &im->skills)) != ENGSCHED_OK ||
        (rc = imp_get_array(im, doc, "", "events", OPTIONAL, &im->events)) != ENGSCHED_OK ||
        (rc = imp_get_array(im, doc, "", "feed_tokens", OPTIONAL, &im->feed_tokens)) != ENGSCHED_OK)
        return rc;
    imp_settle_restore(im);
    return ENGSCHED_OK;
}

engsched_rc imp_section_item(imp *im, imp_section section, const json_t *item, size_t i)
{
    engsched_rc rc = ENGSCHED_OK;
    switch (section) {
    case IMP_ROLES: {
        const char *name = NULL;
        unsigned int mask = 0;
        if ((rc = read_role(im, item, i, &name, &mask)) == ENGSCHED_OK && im->writing)
            rc = write_role(im, name, mask);
        return rc;
    }
    case IMP_CLIENTS: {
        const char *key = NULL, *name = NULL;
        if ((rc = read_client(im, item, i, &key, &name)) == ENGSCHED_OK && im->writing)
            rc = write_client(im, key, name);
        return rc;
    }
    case IMP_USERS: {
        imp_user u;
        if ((rc = read_user(im, item, i, &u)) == ENGSCHED_OK && im->writing)
            rc = write_user(im, &u);
        return rc;
    }
    case IMP_UNAVAILABILITY: {
        engsched_rec_unavailability rec;
        if ((rc = imp_read_period(im, item, i, &rec)) == ENGSCHED_OK && im->writing)
            rc = imp_write_period(im, &rec);
        return rc;
    }
    case IMP_SKILLS:
        return imp_user_skills(im, item, i);
    case IMP_ENGAGEMENTS: {
        imp_engagement ie;
        if ((rc = read_engagement(im, item, i, &ie)) == ENGSCHED_OK && im->writing)
            rc = write_engagement(im, i, &ie);
        return rc;
    }
    case IMP_EVENTS: {
        /* The trail is the store's history: restored with the store, and
         * left out of a merge, where the importing store's own goes on. */
        imp_event ev;
        if (!im->restore)
            return ENGSCHED_OK;
        if ((rc = imp_read_event(im, item, i, &ev)) == ENGSCHED_OK && im->writing)
            rc = imp_write_event(im, &ev);
        return rc;
    }
    case IMP_FEED_TOKENS: {
        /* A token opens a feed of this store: restored with it, and never
         * merged into another store, whose users they are not. */
        engsched_rec_feed_token tok;
        if (!im->restore)
            return ENGSCHED_OK;
        if ((rc = imp_read_token(im, item, i, &tok)) == ENGSCHED_OK && im->writing)
            rc = imp_write_token(im, &tok);
        return rc;
    }
    }
    return ENGSCHED_OK;
}

/* One pass over the document: validate (im->writing 0) or write. */
static engsched_rc pass(imp *im)
{
    json_t *const sections[] = {im->roles,       im->clients, im->users,
                                im->unavailability, im->skills, im->engagements,
                                im->events,      im->feed_tokens};
    engsched_rc rc = ENGSCHED_OK;
    if (im->writing && im->restore)
        rc = imp_write_store(im);
    for (int sec = IMP_ROLES; rc == ENGSCHED_OK && sec <= IMP_FEED_TOKENS; sec++)
        for (size_t i = 0; rc == ENGSCHED_OK && i < json_array_size(sections[sec]); i++)
            rc = imp_section_item(im, (imp_section)sec, json_array_get(sections[sec], i), i);
    return rc;
}

/* Inside the write transaction: who may, what the store allows, and the
 * two passes. */
static engsched_rc import_document(imp *im, json_t *doc)
{
    engsched *db = im->db;
    engsched_rc rc = imp_prepare(im);
    if (rc == ENGSCHED_OK)
        rc = read_top(im, doc);
    if (rc != ENGSCHED_OK)
        return rc;
    im->engagement_count = json_array_size(im->engagements);
    if (im->engagement_count > UINT_MAX)
        return imp_bad(db, "engagements", "more than %u engagements", UINT_MAX);
    if ((rc = pass(im)) != ENGSCHED_OK)
        return rc;
    im->writing = 1;
    return pass(im);
}

engsched_rc engsched_import_json(engsched *db, engsched_id actor, const char *json,
                                 unsigned int *out_count)
{
    ES_CHECK_DB(db);
    if (json == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "json: must not be NULL");
    json_error_t error;
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &error);
    if (doc == NULL) {
        if (es_json_load_oom(&error))
            return imp_oom(db);
        return es_fail(db, ENGSCHED_EINVAL, "line %d, column %d: %s", error.line, error.column,
                       error.text);
    }
    imp im;
    imp_init(&im, db, actor);
    engsched_rc rc = es_begin(db, 1);
    if (rc == ENGSCHED_OK)
        rc = es_finish_and_deliver(db, import_document(&im, doc));
    size_t count = json_array_size(im.engagements);
    json_decref(doc);
    imp_release(&im);
    if (rc == ENGSCHED_OK && out_count != NULL)
        *out_count = (unsigned int)count;
    return rc;
}
