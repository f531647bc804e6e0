/* The record callbacks of both SQL backends: each binds a record's fields
 * in the order of its statement's parameters, runs the dialect's
 * statement and reads rows back in the order of its columns. The column
 * lists are the dialects'; the orders are these functions'.
 *
 * Strings of a filled record point into the row the driver holds
 * (es_sql_get_row()), valid until the next callback, as storage.h allows:
 * getters copy nothing and have no out-of-memory path. Optional
 * references are NULL in the store and 0 in records. */
#include <string.h>

#include "storage/sql/sql.h"

static engsched_rc enter(es_sql *b) { return b->drv->enter(b); }

/* --- clients, users, roles --------------------------------------------- */

/* Find an id by one text key (client, user, role lookups). */
static engsched_rc find_by_text(es_sql *b, int id, const char *key, const char *what,
                                int64_t *out, int *out_found)
{
    es_sql_cur c = es_sql_cur_on(b, id, what);
    es_sql_text(&c, key);
    return es_sql_query_int(&c, out, out_found);
}

/* Shared by the three find-by-key callbacks. */
static engsched_rc find_callback(engsched_storage *s, int id, const char *key,
                                 const char *what, engsched_id *out_id)
{
    es_sql *b = es_sql_of(s);
    int64_t found_id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, id, key, what, &found_id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        es_sql_error(b, "no %s has the key '%s'", what, key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    *out_id = found_id;
    return ENGSCHED_OK;
}

/* Upserts look the key up first: that tells created from updated, which
 * INSERT … ON CONFLICT cannot, and the transaction (with PostgreSQL's
 * write lock) keeps the two steps consistent. @p bind adds the record's
 * fields after the id (update) or the key (insert). */
static engsched_rc upsert(es_sql *b, int find, int insert, int update, const char *host_key,
                          const char *what_find, const char *what,
                          void (*bind)(es_sql_cur *c, const void *rec), const void *rec,
                          engsched_id *out_id, int *out_created)
{
    int64_t id = 0;
    int found = 0, inserted = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, find, host_key, what_find, &id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, found ? update : insert, what);
    if (found)
        es_sql_int(&c, id);
    else
        es_sql_text(&c, host_key);
    bind(&c, rec);
    rc = found ? es_sql_exec(&c) : es_sql_insert(&c, &id, &inserted);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_created != NULL)
        *out_created = !found;
    return ENGSCHED_OK;
}

static void bind_client(es_sql_cur *c, const void *rec)
{
    es_sql_text(c, ((const engsched_rec_client *)rec)->name);
}

static engsched_rc sql_client_upsert(engsched_storage *s, const engsched_rec_client *rec,
                                     engsched_id *out_id, int *out_created)
{
    return upsert(es_sql_of(s), ES_SQL_CLIENT_FIND, ES_SQL_CLIENT_INSERT, ES_SQL_CLIENT_UPDATE,
                  rec->host_key, "finding a client", "writing a client", bind_client, rec,
                  out_id, out_created);
}

static engsched_rc get_row(es_sql *b, int id, int64_t key, const char *what, es_sql_cur *c)
{
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    *c = es_sql_cur_on(b, id, what);
    return es_sql_get_row(c, key);
}

void es_sql_fill_client(const es_sql_cur *c, engsched_rec_client *out)
{
    out->id = es_sql_col_int(c, 0);
    out->host_key = es_sql_col_text(c, 1);
    out->name = es_sql_col_text(c, 2);
}

static engsched_rc sql_client_get(engsched_storage *s, engsched_id id, engsched_rec_client *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_CLIENT_GET, id, "client", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_client(&c, out);
    return rc;
}

static engsched_rc sql_client_find(engsched_storage *s, const char *host_key,
                                   engsched_id *out_id)
{
    return find_callback(s, ES_SQL_CLIENT_FIND, host_key, "client", out_id);
}

static void bind_user(es_sql_cur *c, const void *rec)
{
    const engsched_rec_user *u = rec;
    es_sql_text(c, u->email);
    es_sql_text(c, u->display_name);
    es_sql_int(c, u->role);
    es_sql_int(c, u->flags);
}

static engsched_rc sql_user_upsert(engsched_storage *s, const engsched_rec_user *rec,
                                   engsched_id *out_id, int *out_created)
{
    return upsert(es_sql_of(s), ES_SQL_USER_FIND, ES_SQL_USER_INSERT, ES_SQL_USER_UPDATE,
                  rec->host_key, "finding a user", "writing a user", bind_user, rec, out_id,
                  out_created);
}

/* Reads a row of the user SELECT (users u joined with roles r). */
void es_sql_fill_user(const es_sql_cur *c, engsched_rec_user *out)
{
    out->id = es_sql_col_int(c, 0);
    out->host_key = es_sql_col_text(c, 1);
    out->email = es_sql_col_text_opt(c, 2);
    out->display_name = es_sql_col_text(c, 3);
    out->role = es_sql_col_int(c, 4);
    out->flags = (unsigned int)es_sql_col_int(c, 5);
    out->permissions = (unsigned int)es_sql_col_int(c, 6);
}

static engsched_rc sql_user_get(engsched_storage *s, engsched_id id, engsched_rec_user *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_USER_GET, id, "user", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_user(&c, out);
    return rc;
}

static engsched_rc sql_user_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    return find_callback(s, ES_SQL_USER_FIND, host_key, "user", out_id);
}

/* A taken name or id is EEXISTS whichever way the dialect reports it: a
 * constraint error (SQLite) or no row from ON CONFLICT DO NOTHING, which
 * leaves the transaction usable (PostgreSQL). */
static engsched_rc sql_role_insert(engsched_storage *s, const engsched_rec_role *rec,
                                   engsched_id *out_id)
{
    es_sql *b = es_sql_of(s);
    int64_t id = 0;
    int inserted = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ROLE_INSERT, "inserting a role");
    es_sql_opt(&c, rec->id); /* NULL: the backend chooses the id */
    es_sql_text(&c, rec->name);
    es_sql_int(&c, rec->permissions);
    rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_EEXISTS || (rc == ENGSCHED_OK && !inserted)) {
        es_sql_error(b, "a role named '%s' or with id %lld exists",
                     rec->name != NULL ? rec->name : "(null)", (long long)rec->id);
        return ENGSCHED_EEXISTS;
    }
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

static engsched_rc sql_role_update(engsched_storage *s, engsched_id id, unsigned int permissions)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ROLE_UPDATE, "role");
    es_sql_int(&c, id);
    es_sql_int(&c, permissions);
    return es_sql_exec_expect_row(&c, id);
}

void es_sql_fill_role(const es_sql_cur *c, engsched_rec_role *out)
{
    out->id = es_sql_col_int(c, 0);
    out->name = es_sql_col_text(c, 1);
    out->permissions = (unsigned int)es_sql_col_int(c, 2);
}

static engsched_rc sql_role_get(engsched_storage *s, engsched_id id, engsched_rec_role *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_ROLE_GET, id, "role", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_role(&c, out);
    return rc;
}

static engsched_rc sql_role_find(engsched_storage *s, const char *name, engsched_id *out_id)
{
    return find_callback(s, ES_SQL_ROLE_FIND, name, "role", out_id);
}

/* --- client access ----------------------------------------------------- */

/* A statement on one (user, client) pair. */
static engsched_rc pair_cur(es_sql *b, int id, int64_t first, int64_t second, const char *what,
                            es_sql_cur *c)
{
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    *c = es_sql_cur_on(b, id, what);
    es_sql_int(c, first);
    es_sql_int(c, second);
    return ENGSCHED_OK;
}

static engsched_rc sql_access_grant(engsched_storage *s, engsched_id user, engsched_id client)
{
    es_sql_cur c;
    engsched_rc rc = pair_cur(es_sql_of(s), ES_SQL_ACCESS_GRANT, user, client,
                              "granting client access", &c);
    return rc != ENGSCHED_OK ? rc : es_sql_exec(&c);
}

static engsched_rc sql_access_revoke(engsched_storage *s, engsched_id user, engsched_id client)
{
    es_sql_cur c;
    engsched_rc rc = pair_cur(es_sql_of(s), ES_SQL_ACCESS_REVOKE, user, client,
                              "revoking client access", &c);
    return rc != ENGSCHED_OK ? rc : es_sql_exec(&c);
}

static engsched_rc sql_access_check(engsched_storage *s, engsched_id user, engsched_id client,
                                    int *out_granted)
{
    es_sql_cur c;
    int64_t one = 0;
    int found = 0;
    engsched_rc rc = pair_cur(es_sql_of(s), ES_SQL_ACCESS_CHECK, user, client,
                              "checking client access", &c);
    if (rc == ENGSCHED_OK)
        rc = es_sql_query_int(&c, &one, &found);
    if (rc == ENGSCHED_OK)
        *out_granted = found;
    return rc;
}

/* --- engagements and reports ------------------------------------------- */

/* Adds the engagement columns (client … updated_at) as parameters. */
static void bind_engagement(es_sql_cur *c, const engsched_rec_engagement *rec)
{
    es_sql_int(c, rec->client);
    es_sql_opt(c, rec->requested_by);
    es_sql_text(c, rec->name);
    es_sql_text_or(c, rec->description, "");
    es_sql_text_or(c, rec->type, "");
    es_sql_text_or(c, rec->location, "");
    es_sql_text_or(c, rec->contacts, "");
    es_sql_text_or(c, rec->custom_fields, "{}");
    es_sql_text_or(c, rec->cancel_reason, "");
    es_sql_int(c, rec->start_day);
    es_sql_int(c, rec->end_day);
    es_sql_int(c, rec->status);
    es_sql_int(c, rec->version);
    es_sql_int(c, rec->created_at);
    es_sql_int(c, rec->updated_at);
    es_sql_text_or(c, rec->recurrence, "");
    es_sql_int(c, rec->origin);
    es_sql_int(c, rec->recurrence_next_day);
}

/* A report is optional: the LEFT JOIN gives NULLs, read back as id 0,
 * status NONE and title "". */
void es_sql_fill_engagement(const es_sql_cur *c, engsched_rec_engagement *out)
{
    out->id = es_sql_col_int(c, 0);
    out->client = es_sql_col_int(c, 1);
    out->requested_by = es_sql_col_int(c, 2);
    out->name = es_sql_col_text(c, 3);
    out->description = es_sql_col_text(c, 4);
    out->type = es_sql_col_text(c, 5);
    out->location = es_sql_col_text(c, 6);
    out->contacts = es_sql_col_text(c, 7);
    out->custom_fields = es_sql_col_text(c, 8);
    out->cancel_reason = es_sql_col_text(c, 9);
    out->start_day = (int32_t)es_sql_col_int(c, 10);
    out->end_day = (int32_t)es_sql_col_int(c, 11);
    out->status = (int)es_sql_col_int(c, 12);
    out->version = es_sql_col_int(c, 13);
    out->created_at = es_sql_col_int(c, 14);
    out->updated_at = es_sql_col_int(c, 15);
    out->report = es_sql_col_int(c, 16);
    out->report_status = (int)es_sql_col_int(c, 17);
    out->report_title = es_sql_col_text(c, 18);
    out->recurrence = es_sql_col_text(c, 19);
    out->origin = es_sql_col_int(c, 20);
    out->recurrence_next_day = (int32_t)es_sql_col_int(c, 21);
}

static engsched_rc report_insert(es_sql *b, engsched_id engagement,
                                 const engsched_rec_engagement *rec, engsched_id *out_report)
{
    int64_t id = 0;
    int inserted = 0;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_REPORT_INSERT, "inserting a report");
    es_sql_int(&c, engagement);
    es_sql_text_or(&c, rec->report_title, "");
    es_sql_int(&c, rec->report_status);
    engsched_rc rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_OK)
        *out_report = id;
    return rc;
}

static engsched_rc sql_engagement_insert(engsched_storage *s, const engsched_rec_engagement *rec,
                                         engsched_id *out_id, engsched_id *out_report)
{
    es_sql *b = es_sql_of(s);
    int64_t id = 0;
    int inserted = 0;
    engsched_id report = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ENGAGEMENT_INSERT, "inserting an engagement");
    bind_engagement(&c, rec);
    rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_OK && rec->report_status != ENGSCHED_REPORT_NONE)
        rc = report_insert(b, id, rec, &report);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_report != NULL)
        *out_report = report;
    return ENGSCHED_OK;
}

static engsched_rc report_update(es_sql *b, const engsched_rec_engagement *rec)
{
    int64_t changed = 0;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_REPORT_UPDATE, "updating a report");
    es_sql_int(&c, rec->report);
    es_sql_int(&c, rec->id);
    es_sql_text_or(&c, rec->report_title, "");
    es_sql_int(&c, rec->report_status);
    engsched_rc rc = es_sql_exec_changes(&c, &changed);
    if (rc == ENGSCHED_OK && changed == 0) {
        es_sql_error(b, "report %lld of engagement %lld does not exist", (long long)rec->report,
                     (long long)rec->id);
        return ENGSCHED_ENOTFOUND;
    }
    return rc;
}

/* Bring the report in line with the record's report fields. A report is
 * never removed (no status leads back to "no report"), so NONE with a
 * report id is refused instead of guessed at. */
static engsched_rc report_sync(es_sql *b, const engsched_rec_engagement *rec,
                               engsched_id *out_report)
{
    engsched_id report = rec->report;
    engsched_rc rc = ENGSCHED_OK;
    if (report != 0 && rec->report_status == ENGSCHED_REPORT_NONE) {
        es_sql_error(b, "engagement %lld: report %lld cannot be set to status NONE",
                     (long long)rec->id, (long long)report);
        return ENGSCHED_EMISUSE;
    }
    if (report != 0)
        rc = report_update(b, rec);
    else if (rec->report_status != ENGSCHED_REPORT_NONE)
        rc = report_insert(b, rec->id, rec, &report);
    if (rc == ENGSCHED_OK && out_report != NULL)
        *out_report = report;
    return rc;
}

static int same_text(const es_sql_cur *c, int col, const char *v, const char *dflt)
{
    return strcmp(es_sql_col_text(c, col), v != NULL ? v : dflt) == 0;
}

/* Whether the stored row already holds every column of rec but status,
 * version and updated_at (what the tick, approval and report moves
 * change). *out_kept is 0 when the row is missing. */
static engsched_rc only_state_changes(es_sql *b, const engsched_rec_engagement *rec,
                                      int *out_kept)
{
    int found = 0;
    *out_kept = 0;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ENGAGEMENT_KEPT, "reading an engagement");
    es_sql_int(&c, rec->id);
    engsched_rc rc = es_sql_one(&c, &found);
    if (rc != ENGSCHED_OK || !found)
        return rc;
    *out_kept = es_sql_col_int(&c, 0) == rec->client &&
                es_sql_col_int(&c, 1) == rec->requested_by && same_text(&c, 2, rec->name, "") &&
                same_text(&c, 3, rec->description, "") && same_text(&c, 4, rec->type, "") &&
                same_text(&c, 5, rec->location, "") && same_text(&c, 6, rec->contacts, "") &&
                same_text(&c, 7, rec->custom_fields, "{}") &&
                same_text(&c, 8, rec->cancel_reason, "") &&
                es_sql_col_int(&c, 9) == rec->start_day &&
                es_sql_col_int(&c, 10) == rec->end_day &&
                es_sql_col_int(&c, 11) == rec->created_at &&
                same_text(&c, 12, rec->recurrence, "") && es_sql_col_int(&c, 13) == rec->origin &&
                es_sql_col_int(&c, 14) == rec->recurrence_next_day;
    es_sql_close(&c);
    return ENGSCHED_OK;
}

/* An UPDATE rewrites the entry of every index over a column it sets,
 * changed or not (SQLite): where the dialect has the state-only
 * statements and only the state changes, only status, version and
 * updated_at are set, so the tick (and report moves) touch two of the
 * engagement indexes instead of all of them. */
static engsched_rc sql_engagement_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                         engsched_id *out_report)
{
    es_sql *b = es_sql_of(s);
    int kept = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK && rec->name != NULL &&
        b->dialect->stmts[ES_SQL_ENGAGEMENT_KEPT] != NULL)
        rc = only_state_changes(b, rec, &kept);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, kept ? ES_SQL_ENGAGEMENT_UPDATE_STATE
                                         : ES_SQL_ENGAGEMENT_UPDATE,
                                 "engagement");
    es_sql_int(&c, rec->id);
    if (kept) {
        es_sql_int(&c, rec->status);
        es_sql_int(&c, rec->version);
        es_sql_int(&c, rec->updated_at);
    } else {
        bind_engagement(&c, rec);
    }
    rc = es_sql_exec_expect_row(&c, rec->id);
    return rc != ENGSCHED_OK ? rc : report_sync(b, rec, out_report);
}

static engsched_rc sql_engagement_get(engsched_storage *s, engsched_id id,
                                      engsched_rec_engagement *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_ENGAGEMENT_GET, id, "engagement", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_engagement(&c, out);
    return rc;
}

static engsched_rc sql_report_engagement(engsched_storage *s, engsched_id report,
                                         engsched_id *out_engagement)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_REPORT_ENGAGEMENT, report, "report", &c);
    if (rc == ENGSCHED_OK)
        *out_engagement = es_sql_col_int(&c, 0);
    return rc;
}

/* --- assignments ------------------------------------------------------- */

/* The version 6 members: a window only when windowed (the triggers give
 * the others the engagement's dates), a share of 0 as the whole day. */
static void bind_allocation(es_sql_cur *c, const engsched_rec_assignment *rec)
{
    es_sql_int(c, rec->windowed != 0);
    es_sql_int(c, rec->windowed ? rec->window_start : 0);
    es_sql_int(c, rec->windowed ? rec->window_end : 0);
    es_sql_int(c, rec->percent != 0 ? rec->percent : 100);
    es_sql_int(c, rec->tentative != 0);
}

/* A second assignment of one operator is EEXISTS however the dialect
 * reports it (see sql_role_insert()). */
static engsched_rc sql_assignment_insert(engsched_storage *s, const engsched_rec_assignment *rec)
{
    es_sql *b = es_sql_of(s);
    int64_t ord = 0;
    int inserted = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ASSIGNMENT_INSERT, "inserting an assignment");
    es_sql_int(&c, rec->engagement);
    es_sql_int(&c, rec->user);
    es_sql_int(&c, rec->role);
    es_sql_opt(&c, rec->assigned_by);
    es_sql_int(&c, rec->assigned_at);
    bind_allocation(&c, rec);
    rc = es_sql_insert(&c, &ord, &inserted);
    if (rc == ENGSCHED_EEXISTS || (rc == ENGSCHED_OK && !inserted)) {
        es_sql_error(b, "user %lld is already assigned to engagement %lld",
                     (long long)rec->user, (long long)rec->engagement);
        return ENGSCHED_EEXISTS;
    }
    return rc;
}

static engsched_rc sql_assignment_update(engsched_storage *s, const engsched_rec_assignment *rec)
{
    es_sql *b = es_sql_of(s);
    int64_t changed = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ASSIGNMENT_UPDATE, "updating an assignment");
    es_sql_int(&c, rec->engagement);
    es_sql_int(&c, rec->user);
    es_sql_int(&c, rec->role);
    bind_allocation(&c, rec);
    rc = es_sql_exec_changes(&c, &changed);
    if (rc == ENGSCHED_OK && changed == 0) {
        es_sql_error(b, "user %lld is not assigned to engagement %lld", (long long)rec->user,
                     (long long)rec->engagement);
        return ENGSCHED_ENOTFOUND;
    }
    return rc;
}

static engsched_rc sql_assignment_delete(engsched_storage *s, engsched_id engagement,
                                         engsched_id user)
{
    es_sql *b = es_sql_of(s);
    es_sql_cur c;
    int64_t changed = 0;
    engsched_rc rc = pair_cur(b, ES_SQL_ASSIGNMENT_DELETE, engagement, user,
                              "deleting an assignment", &c);
    if (rc == ENGSCHED_OK)
        rc = es_sql_exec_changes(&c, &changed);
    if (rc == ENGSCHED_OK && changed == 0) {
        es_sql_error(b, "user %lld is not assigned to engagement %lld", (long long)user,
                     (long long)engagement);
        return ENGSCHED_ENOTFOUND;
    }
    return rc;
}

/* --- files: what both backends store alike ------------------------------ */

engsched_rc es_sql_file_check(es_sql *b, const engsched_rec_file *meta, const void *data)
{
    if (meta->size >= 0 && (meta->size == 0 || data != NULL))
        return ENGSCHED_OK;
    es_sql_error(b, "file '%s': size %lld without data",
                 meta->name != NULL ? meta->name : "(null)", (long long)meta->size);
    return ENGSCHED_EMISUSE;
}

engsched_rc es_sql_file_meta_insert(es_sql *b, const engsched_rec_file *meta,
                                    engsched_id *out_id)
{
    int64_t id = 0;
    int inserted = 0;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_FILE_INSERT, "inserting a file");
    es_sql_int(&c, meta->engagement);
    es_sql_text(&c, meta->name);
    es_sql_text(&c, meta->media_type);
    es_sql_int(&c, meta->size);
    es_sql_opt(&c, meta->uploaded_by);
    es_sql_int(&c, meta->uploaded_at);
    engsched_rc rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_OK)
        *out_id = id;
    return rc;
}

void es_sql_fill_file(const es_sql_cur *c, engsched_rec_file *out)
{
    out->id = es_sql_col_int(c, 0);
    out->engagement = es_sql_col_int(c, 1);
    out->name = es_sql_col_text(c, 2);
    out->media_type = es_sql_col_text(c, 3);
    out->size = es_sql_col_int(c, 4);
    out->uploaded_by = es_sql_col_int(c, 5);
    out->uploaded_at = es_sql_col_int(c, 6);
}

static engsched_rc sql_file_get(engsched_storage *s, engsched_id id, engsched_rec_file *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_FILE_GET, id, "file", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_file(&c, out);
    return rc;
}

/* --- events ------------------------------------------------------------ */

/* Sequence numbers are the dialect's: SQLite's INTEGER PRIMARY KEY, or
 * max + 1 under PostgreSQL's write lock; both rise with no gap. */
static engsched_rc sql_event_append(engsched_storage *s, const engsched_rec_event *rec,
                                    int64_t *out_seq)
{
    es_sql *b = es_sql_of(s);
    int64_t seq = 0;
    int inserted = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_EVENT_APPEND, "appending an event");
    es_sql_int(&c, rec->time);
    es_sql_opt(&c, rec->actor);
    es_sql_opt(&c, rec->engagement);
    es_sql_text(&c, rec->action);
    es_sql_opt(&c, rec->status_before);
    es_sql_opt(&c, rec->status_after);
    es_sql_text_or(&c, rec->details, "{}");
    rc = es_sql_insert(&c, &seq, &inserted);
    if (rc == ENGSCHED_OK && out_seq != NULL)
        *out_seq = seq;
    return rc;
}

static engsched_rc sql_event_last_seq(engsched_storage *s, int64_t *out_seq)
{
    es_sql *b = es_sql_of(s);
    int64_t seq = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_EVENT_LAST_SEQ, "reading the last event");
    rc = es_sql_query_int(&c, &seq, &found);
    if (rc == ENGSCHED_OK)
        *out_seq = seq;
    return rc;
}

/* --- unavailability ---------------------------------------- */

static engsched_rc sql_unavailability_insert(engsched_storage *s,
                                             const engsched_rec_unavailability *rec,
                                             engsched_id *out_id)
{
    es_sql *b = es_sql_of(s);
    int64_t id = 0;
    int inserted = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_UNAVAILABILITY_INSERT, "inserting unavailability");
    es_sql_int(&c, rec->user);
    es_sql_int(&c, rec->start_day);
    es_sql_int(&c, rec->end_day);
    es_sql_text_or(&c, rec->reason, "");
    es_sql_opt(&c, rec->created_by);
    es_sql_int(&c, rec->created_at);
    rc = es_sql_insert(&c, &id, &inserted);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

void es_sql_fill_unavailability(const es_sql_cur *c, engsched_rec_unavailability *out)
{
    out->id = es_sql_col_int(c, 0);
    out->user = es_sql_col_int(c, 1);
    out->start_day = (int32_t)es_sql_col_int(c, 2);
    out->end_day = (int32_t)es_sql_col_int(c, 3);
    out->reason = es_sql_col_text(c, 4);
    out->created_by = es_sql_col_int(c, 5);
    out->created_at = es_sql_col_int(c, 6);
}

static engsched_rc sql_unavailability_get(engsched_storage *s, engsched_id id,
                                          engsched_rec_unavailability *out)
{
    es_sql_cur c;
    engsched_rc rc = get_row(es_sql_of(s), ES_SQL_UNAVAILABILITY_GET, id, "unavailability", &c);
    if (rc == ENGSCHED_OK)
        es_sql_fill_unavailability(&c, out);
    return rc;
}

static engsched_rc sql_unavailability_delete(engsched_storage *s, engsched_id id)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_UNAVAILABILITY_DELETE, "unavailability");
    es_sql_int(&c, id);
    return es_sql_exec_expect_row(&c, id);
}

engsched_rc es_sql_setting_write(es_sql *b, const char *key, const char *value)
{
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_SETTING_SET, "writing a setting");
    es_sql_text(&c, key);
    es_sql_text(&c, value);
    return es_sql_exec(&c);
}

void es_sql_fill_records(engsched_storage *t)
{
    t->client_upsert = sql_client_upsert;
    t->client_get = sql_client_get;
    t->client_find = sql_client_find;
    t->user_upsert = sql_user_upsert;
    t->user_get = sql_user_get;
    t->user_find = sql_user_find;
    t->role_insert = sql_role_insert;
    t->role_update = sql_role_update;
    t->role_get = sql_role_get;
    t->role_find = sql_role_find;
    t->access_grant = sql_access_grant;
    t->access_revoke = sql_access_revoke;
    t->access_check = sql_access_check;
    t->engagement_insert = sql_engagement_insert;
    t->engagement_update = sql_engagement_update;
    t->engagement_get = sql_engagement_get;
    t->report_engagement = sql_report_engagement;
    t->assignment_insert = sql_assignment_insert;
    t->assignment_delete = sql_assignment_delete;
    t->assignment_update = sql_assignment_update;
    t->file_get = sql_file_get;
    t->event_append = sql_event_append;
    t->event_last_seq = sql_event_last_seq;
    t->unavailability_insert = sql_unavailability_insert;
    t->unavailability_get = sql_unavailability_get;
    t->unavailability_delete = sql_unavailability_delete;
}
