/* The storage conformance suite (see conformance.h).
 *
 * Only the public callback table is used, and nothing is assumed that the
 * interface leaves to the backend: ids are compared with each other, never
 * with fixed numbers (except role ids, which the caller chooses), and
 * orders are checked as the contract states them. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* One fixture for the whole group: cmocka runs the cases one after the
 * other, and every case starts from a backend the setup made for it. */
typedef struct conf_fixture {
    engsched_conformance_make_fn make;
    void *ctx;
    engsched_storage *s;
    int version;
} conf_fixture;

/* --- checking result codes with the backend's message ------------------ */

void engsched_conformance_check_rc(engsched_storage *s, engsched_rc got, engsched_rc want,
                                   const char *expr, const char *file, int line)
{
    if (got == want)
        return;
    print_error("%s:%d: %s returned %s, expected %s (backend message: \"%s\")\n", file, line,
                expr, engsched_rc_name(got), engsched_rc_name(want),
                engsched_storage_errmsg(s));
    _fail(file, line);
}

#define EXPECT_RC(s, want, expr)                                                            \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

/* --- setup ------------------------------------------------------------- */

static int conf_setup(void **state)
{
    conf_fixture *f = *state;
    f->s = NULL;
    engsched_rc rc = f->make(f->ctx, &f->s);
    if (rc != ENGSCHED_OK || f->s == NULL) {
        print_error("making a backend failed: %s\n", engsched_rc_name(rc));
        return -1;
    }
    rc = f->s->prepare(f->s, engsched_schema_version_supported(), &f->version);
    if (rc != ENGSCHED_OK) {
        print_error("prepare failed: %s: %s\n", engsched_rc_name(rc),
                    engsched_storage_errmsg(f->s));
        f->s->free(f->s);
        f->s = NULL;
        return -1;
    }
    return 0;
}

static int conf_teardown(void **state)
{
    conf_fixture *f = *state;
    if (f->s != NULL)
        f->s->free(f->s);
    f->s = NULL;
    return 0;
}

static engsched_storage *backend(void **state) { return ((conf_fixture *)*state)->s; }

engsched_storage *engsched_conformance_backend(void **state) { return backend(state); }

/* --- records ----------------------------------------------------------- */

/* A directory to hang engagements on. */
typedef struct directory {
    engsched_id role;   /* an operator role */
    engsched_id admin;  /* a user who assigns and uploads */
    engsched_id op[3];  /* three operators */
    engsched_id client;
    engsched_id client2;
} directory;

static engsched_id add_user(engsched_storage *s, const char *key, engsched_id role)
{
    engsched_rec_user u = {0, key, NULL, key, role, 0, 0};
    engsched_id id = 0;
    int created = 0;
    EXPECT_OK(s, s->user_upsert(s, &u, &id, &created));
    assert_true(created);
    return id;
}

static engsched_id add_client(engsched_storage *s, const char *key)
{
    engsched_rec_client c = {0, key, key};
    engsched_id id = 0;
    int created = 0;
    EXPECT_OK(s, s->client_upsert(s, &c, &id, &created));
    return id;
}

/* Inside an open write transaction. */
static void add_directory(engsched_storage *s, directory *d)
{
    engsched_rec_role role = {3, "Operator", ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW |
                                                 ENGSCHED_PERM_REPORT_EDIT};
    EXPECT_OK(s, s->role_insert(s, &role, &d->role));
    d->admin = add_user(s, "admin", d->role);
    d->op[0] = add_user(s, "op0", d->role);
    d->op[1] = add_user(s, "op1", d->role);
    d->op[2] = add_user(s, "op2", d->role);
    d->client = add_client(s, "acme");
    d->client2 = add_client(s, "globex");
}

static engsched_rec_engagement engagement(engsched_id client, const char *name, int status,
                                          int32_t start_day)
{
    engsched_rec_engagement e = {
        .client = client,
        .requested_by = 0,
        .name = name,
        .description = "External network test",
        .type = "external",
        .location = "Remote",
        .contacts = "alice@example.com",
        .custom_fields = "{\"ticket\":\"OPS-1\"}",
        .cancel_reason = "",
        .start_day = start_day,
        .end_day = start_day + 4,
        .status = status,
        .version = 1,
        .created_at = 1700000000,
        .updated_at = 1700000001,
        .report = 0,
        .report_status = ENGSCHED_REPORT_NONE,
        .report_title = "",
    };
    return e;
}

static engsched_id insert_engagement(engsched_storage *s, const engsched_rec_engagement *rec)
{
    engsched_id id = 0, report = -1;
    EXPECT_OK(s, s->engagement_insert(s, rec, &id, &report));
    assert_true(id != 0);
    if (rec->report_status == ENGSCHED_REPORT_NONE)
        assert_int_equal(report, 0);
    else
        assert_true(report != 0);
    return id;
}

/* Every field, including the report's (the id only when @p report_id is
 * not -1). */
static void assert_engagement(const engsched_rec_engagement *got,
                              const engsched_rec_engagement *want, engsched_id report_id)
{
    assert_int_equal(got->id, want->id);
    assert_int_equal(got->client, want->client);
    assert_int_equal(got->requested_by, want->requested_by);
    assert_string_equal(got->name, want->name);
    assert_string_equal(got->description, want->description);
    assert_string_equal(got->type, want->type);
    assert_string_equal(got->location, want->location);
    assert_string_equal(got->contacts, want->contacts);
    assert_string_equal(got->custom_fields, want->custom_fields);
    assert_string_equal(got->cancel_reason, want->cancel_reason);
    assert_int_equal(got->start_day, want->start_day);
    assert_int_equal(got->end_day, want->end_day);
    assert_int_equal(got->status, want->status);
    assert_int_equal(got->version, want->version);
    assert_int_equal(got->created_at, want->created_at);
    assert_int_equal(got->updated_at, want->updated_at);
    if (report_id != -1)
        assert_int_equal(got->report, report_id);
    assert_int_equal(got->report_status, want->report_status);
    assert_string_equal(got->report_title, want->report_title);
}

/* --- row collectors ---------------------------------------------------- */

#define MAX_ROWS 16

/* Ids (or seqs) of the rows seen; the callback returns stop_rc at row
 * stop_at (1-based), to check that iteration stops. */
typedef struct rows {
    int64_t ids[MAX_ROWS];
    size_t count;
    size_t stop_at;
    engsched_rc stop_rc;
    engsched_rec_engagement engagement[MAX_ROWS];
    engsched_rec_assignment assignment[MAX_ROWS];
    engsched_rec_event event[MAX_ROWS];
    char text[MAX_ROWS][2][64]; /* copies of row strings, valid only in the callback */
} rows;

static engsched_rc row_seen(rows *r, int64_t id)
{
    assert_true(r->count < MAX_ROWS);
    r->ids[r->count++] = id;
    if (r->stop_at != 0 && r->count == r->stop_at)
        return r->stop_rc;
    return ENGSCHED_OK;
}

static void keep_text(rows *r, int slot, const char *v)
{
    assert_non_null(v);
    snprintf(r->text[r->count][slot], sizeof r->text[0][0], "%s", v);
}

static engsched_rc on_engagement(void *ctx, const engsched_rec_engagement *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    r->engagement[r->count] = *row;
    keep_text(r, 0, row->name);
    keep_text(r, 1, row->report_title);
    return row_seen(r, row->id);
}

static engsched_rc on_assignment(void *ctx, const engsched_rec_assignment *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    r->assignment[r->count] = *row;
    return row_seen(r, row->user);
}

static engsched_rc on_file(void *ctx, const engsched_rec_file *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    keep_text(r, 0, row->name);
    keep_text(r, 1, row->media_type);
    return row_seen(r, row->id);
}

static engsched_rc on_event(void *ctx, const engsched_rec_event *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    r->event[r->count] = *row;
    keep_text(r, 0, row->action);
    keep_text(r, 1, row->details);
    return row_seen(r, row->seq);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void assert_ids(const rows *r, const int64_t *want, size_t n)
{
    assert_int_equal(r->count, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r->ids[i], want[i]);
}

/* --- cases: transactions and settings ---------------------------------- */

static void test_schema_version(void **state)
{
    engsched_storage *s = backend(state);
    int version = -1;
    /* Every table version the library takes (include/engsched/storage.h). */
    assert_in_range(s->version, 1, ENGSCHED_STORAGE_VERSION);
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->schema_version(s, &version));
    EXPECT_OK(s, s->commit(s));
    assert_int_equal(version, ((conf_fixture *)*state)->version);
    assert_int_equal(version, engsched_schema_version_supported());
}

static void test_busy_timeout(void **state)
{
    engsched_storage *s = backend(state);
    EXPECT_OK(s, s->set_busy_timeout(s, 250));
    EXPECT_OK(s, s->set_busy_timeout(s, 0));
}

static void test_settings(void **state)
{
    engsched_storage *s = backend(state);
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->setting_get(s, "time_zone", &v));
    EXPECT_OK(s, s->setting_set(s, "time_zone", "UTC"));
    EXPECT_OK(s, s->setting_get(s, "time_zone", &v));
    assert_string_equal(v, "UTC");
    EXPECT_OK(s, s->setting_set(s, "time_zone", "Pacific/Auckland"));
    EXPECT_OK(s, s->setting_set(s, "organizer", ""));
    EXPECT_OK(s, s->setting_get(s, "time_zone", &v));
    assert_string_equal(v, "Pacific/Auckland");
    EXPECT_OK(s, s->setting_get(s, "organizer", &v));
    assert_string_equal(v, "");
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->setting_get(s, "time_zone", &v));
    assert_string_equal(v, "Pacific/Auckland");
    EXPECT_OK(s, s->commit(s));
}

static void test_commit_persists(void **state)
{
    engsched_storage *s = backend(state);
    engsched_id id = 0, found = 0;
    EXPECT_OK(s, s->begin(s, 1));
    id = add_client(s, "kept");
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->client_find(s, "kept", &found));
    EXPECT_OK(s, s->commit(s));
    assert_int_equal(found, id);
}

static void test_rollback_discards(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_id client = 0, found = 0, eng = 0;
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    client = add_client(s, "temporary");
    engsched_rec_engagement e = engagement(d.client, "Gone", ENGSCHED_STATUS_PENDING, 100);
    eng = insert_engagement(s, &e);
    EXPECT_OK(s, s->setting_set(s, "gone", "1"));
    EXPECT_OK(s, s->rollback(s));

    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->client_find(s, "temporary", &found));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->client_get(s, client, &(engsched_rec_client){0}));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->engagement_get(s, eng, &e));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->setting_get(s, "gone", &v));
    EXPECT_OK(s, s->commit(s));
}

static void test_rollback_after_failure(void **state)
{
    engsched_storage *s = backend(state);
    engsched_id id = 0, found = 0;
    engsched_rec_role role = {1, "Administrator", ENGSCHED_PERM_ALL};
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &role, &id));
    EXPECT_OK(s, s->commit(s));

    /* A failing callback leaves the transaction to the caller's rollback,
     * which discards what came before the failure too. */
    EXPECT_OK(s, s->begin(s, 1));
    add_client(s, "before-failure");
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->role_insert(s, &role, &id));
    EXPECT_OK(s, s->rollback(s));
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->client_find(s, "before-failure", &found));
    EXPECT_OK(s, s->rollback(s));
}

static void test_rollback_without_transaction(void **state)
{
    engsched_storage *s = backend(state);
    EXPECT_OK(s, s->rollback(s));
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->commit(s));
    EXPECT_OK(s, s->rollback(s));
}

/* --- cases: savepoints (version 2, optional) ---------------------------- */

/* The savepoint callbacks exist only from version 2 on, and only as a set:
 * a version 1 table is never read past its last member. */
static void require_savepoints(engsched_storage *s)
{
    if (s->version < 2 || s->savepoint == NULL) {
        print_message("the backend has no savepoints (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    assert_non_null(s->release);
    assert_non_null(s->rollback_to);
}

static int client_exists(engsched_storage *s, const char *key)
{
    engsched_id found = 0;
    engsched_rc rc = s->client_find(s, key, &found);
    if (rc != ENGSCHED_ENOTFOUND)
        EXPECT_OK(s, rc);
    return rc == ENGSCHED_OK;
}

static void test_savepoint_release_keeps(void **state)
{
    engsched_storage *s = backend(state);
    require_savepoints(s);
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 1));
    add_client(s, "before");
    EXPECT_OK(s, s->savepoint(s));
    add_client(s, "inside");
    EXPECT_OK(s, s->setting_set(s, "inside", "1"));
    EXPECT_OK(s, s->release(s));
    /* A second savepoint after the first one ended (depth one, reused). */
    EXPECT_OK(s, s->savepoint(s));
    add_client(s, "second");
    EXPECT_OK(s, s->release(s));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    assert_true(client_exists(s, "before"));
    assert_true(client_exists(s, "inside"));
    assert_true(client_exists(s, "second"));
    EXPECT_OK(s, s->setting_get(s, "inside", &v));
    assert_string_equal(v, "1");
    EXPECT_OK(s, s->commit(s));
}

static void test_savepoint_rollback_to_undoes(void **state)
{
    engsched_storage *s = backend(state);
    require_savepoints(s);
    directory d;
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    add_client(s, "kept-before");
    EXPECT_OK(s, s->savepoint(s));
    add_client(s, "undone");
    engsched_rec_engagement e = engagement(d.client, "Undone", ENGSCHED_STATUS_PENDING, 100);
    engsched_id eng = insert_engagement(s, &e);
    EXPECT_OK(s, s->setting_set(s, "undone", "1"));
    EXPECT_OK(s, s->rollback_to(s));
    EXPECT_OK(s, s->release(s));
    /* The transaction goes on after the undone part, and sees its undo. */
    assert_false(client_exists(s, "undone"));
    add_client(s, "kept-after");
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    assert_true(client_exists(s, "kept-before"));
    assert_true(client_exists(s, "kept-after"));
    assert_false(client_exists(s, "undone"));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->engagement_get(s, eng, &e));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->setting_get(s, "undone", &v));
    EXPECT_OK(s, s->commit(s));
}

/* A setting read after it was written inside a savepoint, then rolled
 * back to, reads as it was before: a backend that keeps settings between
 * calls must drop what the undo took back. */
static void test_savepoint_rollback_to_restores_settings(void **state)
{
    engsched_storage *s = backend(state);
    require_savepoints(s);
    const char *v = NULL;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->setting_set(s, "undone-setting", "old"));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->savepoint(s));
    EXPECT_OK(s, s->setting_set(s, "undone-setting", "new"));
    EXPECT_OK(s, s->setting_get(s, "undone-setting", &v));
    assert_string_equal(v, "new");
    EXPECT_OK(s, s->rollback_to(s));
    EXPECT_OK(s, s->release(s));
    EXPECT_OK(s, s->setting_get(s, "undone-setting", &v));
    assert_string_equal(v, "old");
    EXPECT_OK(s, s->commit(s));
}

static void test_savepoint_after_failed_callback(void **state)
{
    engsched_storage *s = backend(state);
    require_savepoints(s);
    engsched_id id = 0;
    engsched_rec_role role = {1, "Administrator", ENGSCHED_PERM_ALL};
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &role, &id));
    EXPECT_OK(s, s->commit(s));

    /* A callback that fails inside a savepoint leaves the transaction
     * usable once rolled back to it (a server database aborts the whole
     * transaction on an error unless a savepoint catches it). */
    EXPECT_OK(s, s->begin(s, 1));
    add_client(s, "before-failure");
    EXPECT_OK(s, s->savepoint(s));
    add_client(s, "with-failure");
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->role_insert(s, &role, &id));
    EXPECT_OK(s, s->rollback_to(s));
    EXPECT_OK(s, s->release(s));
    add_client(s, "after-failure");
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    assert_true(client_exists(s, "before-failure"));
    assert_false(client_exists(s, "with-failure"));
    assert_true(client_exists(s, "after-failure"));
    EXPECT_OK(s, s->commit(s));
}

static void test_savepoint_rollback_discards_released(void **state)
{
    engsched_storage *s = backend(state);
    require_savepoints(s);
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->savepoint(s));
    add_client(s, "released");
    EXPECT_OK(s, s->release(s));
    EXPECT_OK(s, s->rollback(s));

    EXPECT_OK(s, s->begin(s, 0));
    assert_false(client_exists(s, "released"));
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: directory --------------------------------------------------- */

static void test_client_upsert(void **state)
{
    engsched_storage *s = backend(state);
    engsched_rec_client c = {0, "acme", "ACME Ltd"}, got;
    engsched_id id = 0, id2 = 0, again = 0, found = 0;
    int created = -1;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->client_upsert(s, &c, &id, &created));
    assert_true(id != 0);
    assert_int_equal(created, 1);

    engsched_rec_client other = {0, "globex", "Globex"};
    EXPECT_OK(s, s->client_upsert(s, &other, &id2, &created));
    assert_int_equal(created, 1);
    assert_true(id2 != id);

    c.id = 424242; /* ignored */
    c.name = "ACME Inc";
    EXPECT_OK(s, s->client_upsert(s, &c, &again, &created));
    assert_int_equal(again, id);
    assert_int_equal(created, 0);

    EXPECT_OK(s, s->client_get(s, id, &got));
    assert_int_equal(got.id, id);
    assert_string_equal(got.host_key, "acme");
    assert_string_equal(got.name, "ACME Inc");
    EXPECT_OK(s, s->client_find(s, "globex", &found));
    assert_int_equal(found, id2);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->client_find(s, "initech", &found));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->client_get(s, id + id2 + 1000, &got));
    EXPECT_OK(s, s->commit(s));
}

static void test_roles(void **state)
{
    engsched_storage *s = backend(state);
    engsched_rec_role admin = {1, "Administrator", ENGSCHED_PERM_ALL};
    engsched_rec_role op = {3, "Operator", ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_EDIT};
    engsched_rec_role auditor = {0, "Auditor", ENGSCHED_PERM_VIEW}, got;
    engsched_id id1 = 0, id3 = 0, ida = 0, found = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &admin, &id1));
    EXPECT_OK(s, s->role_insert(s, &op, &id3));
    assert_int_equal(id1, 1);
    assert_int_equal(id3, 3);
    EXPECT_OK(s, s->role_insert(s, &auditor, &ida));
    assert_true(ida != 0 && ida != 1 && ida != 3);

    engsched_rec_role same_name = {0, "Auditor", 0}, same_id = {3, "Other", 0};
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->role_insert(s, &same_name, &found));
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->role_insert(s, &same_id, &found));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_get(s, 3, &got));
    assert_int_equal(got.id, 3);
    assert_string_equal(got.name, "Operator");
    assert_int_equal(got.permissions, op.permissions);
    EXPECT_OK(s, s->role_find(s, "Auditor", &found));
    assert_int_equal(found, ida);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->role_find(s, "Nobody", &found));

    EXPECT_OK(s, s->role_update(s, ida, ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REQUEST));
    EXPECT_OK(s, s->role_get(s, ida, &got));
    assert_string_equal(got.name, "Auditor");
    assert_int_equal(got.permissions, ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REQUEST);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->role_update(s, ida + 1000, 0));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->role_get(s, ida + 1000, &got));
    EXPECT_OK(s, s->commit(s));
}

static void test_users(void **state)
{
    engsched_storage *s = backend(state);
    engsched_rec_role r1 = {2, "Manager", ENGSCHED_PERM_VIEW | ENGSCHED_PERM_APPROVE};
    engsched_rec_role r2 = {5, "Viewer", ENGSCHED_PERM_VIEW};
    engsched_id role1 = 0, role2 = 0, id = 0, again = 0, found = 0;
    int created = -1;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &r1, &role1));
    EXPECT_OK(s, s->role_insert(s, &r2, &role2));

    engsched_rec_user u = {0, "u-1", "alice@example.com", "Alice", role1,
                           ENGSCHED_USER_ALL_CLIENTS, 0xdead /* ignored */};
    EXPECT_OK(s, s->user_upsert(s, &u, &id, &created));
    assert_true(id != 0);
    assert_int_equal(created, 1);

    engsched_rec_user got;
    EXPECT_OK(s, s->user_get(s, id, &got));
    assert_int_equal(got.id, id);
    assert_string_equal(got.host_key, "u-1");
    assert_string_equal(got.email, "alice@example.com");
    assert_string_equal(got.display_name, "Alice");
    assert_int_equal(got.role, role1);
    assert_int_equal(got.flags, ENGSCHED_USER_ALL_CLIENTS);
    assert_int_equal(got.permissions, r1.permissions);

    engsched_rec_user changed = {0, "u-1", NULL, "Alice B", role2, 0, 0};
    EXPECT_OK(s, s->user_upsert(s, &changed, &again, &created));
    assert_int_equal(again, id);
    assert_int_equal(created, 0);
    EXPECT_OK(s, s->user_get(s, id, &got));
    assert_null(got.email);
    assert_string_equal(got.display_name, "Alice B");
    assert_int_equal(got.role, role2);
    assert_int_equal(got.flags, 0);
    assert_int_equal(got.permissions, ENGSCHED_PERM_VIEW);

    /* The mask follows the role, not a copy taken at upsert time. */
    EXPECT_OK(s, s->role_update(s, role2, ENGSCHED_PERM_VIEW | ENGSCHED_PERM_FILES_DOWNLOAD));
    EXPECT_OK(s, s->user_get(s, id, &got));
    assert_int_equal(got.permissions, ENGSCHED_PERM_VIEW | ENGSCHED_PERM_FILES_DOWNLOAD);

    EXPECT_OK(s, s->user_find(s, "u-1", &found));
    assert_int_equal(found, id);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->user_find(s, "u-2", &found));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->user_get(s, id + 1000, &got));
    EXPECT_OK(s, s->commit(s));
}

static void test_access(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    int granted = -1;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    EXPECT_OK(s, s->access_check(s, d.op[0], d.client, &granted));
    assert_int_equal(granted, 0);
    EXPECT_OK(s, s->access_grant(s, d.op[0], d.client));
    EXPECT_OK(s, s->access_grant(s, d.op[0], d.client)); /* idempotent */
    EXPECT_OK(s, s->access_check(s, d.op[0], d.client, &granted));
    assert_int_equal(granted, 1);
    EXPECT_OK(s, s->access_check(s, d.op[0], d.client2, &granted));
    assert_int_equal(granted, 0);
    EXPECT_OK(s, s->access_check(s, d.op[1], d.client, &granted));
    assert_int_equal(granted, 0);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->access_revoke(s, d.op[0], d.client));
    EXPECT_OK(s, s->access_revoke(s, d.op[0], d.client)); /* idempotent */
    EXPECT_OK(s, s->access_check(s, d.op[0], d.client, &granted));
    assert_int_equal(granted, 0);
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: engagements and reports ------------------------------------ */

static void test_engagement_without_report(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_engagement got;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_rec_engagement e = engagement(d.client, "Perimeter", ENGSCHED_STATUS_PENDING, -3);
    e.requested_by = d.op[0];
    e.id = insert_engagement(s, &e);
    EXPECT_OK(s, s->engagement_get(s, e.id, &got));
    assert_engagement(&got, &e, 0);

    engsched_rec_engagement sys = engagement(d.client2, "System", ENGSCHED_STATUS_PENDING, 20000);
    sys.id = insert_engagement(s, &sys);
    assert_true(sys.id != e.id);
    EXPECT_OK(s, s->engagement_get(s, sys.id, &got));
    assert_engagement(&got, &sys, 0);
    assert_int_equal(got.requested_by, 0);

    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->engagement_get(s, e.id + sys.id + 1000, &got));
    EXPECT_OK(s, s->commit(s));
}

static void test_engagement_with_report(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_engagement got;
    engsched_id id = 0, report = 0, owner = 0;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_rec_engagement e = engagement(d.client, "Web app", ENGSCHED_STATUS_SCHEDULED, 50);
    e.report_status = ENGSCHED_REPORT_DRAFT;
    e.report_title = "Web app assessment";
    EXPECT_OK(s, s->engagement_insert(s, &e, &id, &report));
    assert_true(id != 0);
    assert_true(report != 0);
    e.id = id;
    EXPECT_OK(s, s->engagement_get(s, id, &got));
    assert_engagement(&got, &e, report);

    EXPECT_OK(s, s->report_engagement(s, report, &owner));
    assert_int_equal(owner, id);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->report_engagement(s, report + 1000, &owner));
    EXPECT_OK(s, s->commit(s));
}

static void test_engagement_update(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_engagement got;
    engsched_id report = -1;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_rec_engagement e = engagement(d.client, "Pending", ENGSCHED_STATUS_PENDING, 10);
    e.requested_by = d.op[0];
    e.id = insert_engagement(s, &e);

    /* Approve: every field changes and the report is created. */
    engsched_rec_engagement u = {
        .id = e.id, .client = d.client2, .requested_by = 0, .name = "Approved",
        .description = "Scope B", .type = "internal", .location = "On site",
        .contacts = "bob@example.com", .custom_fields = "{}", .cancel_reason = "n/a",
        .start_day = 12, .end_day = 20, .status = ENGSCHED_STATUS_SCHEDULED, .version = 2,
        .created_at = 1700000000, .updated_at = 1700000500, .report = 0,
        .report_status = ENGSCHED_REPORT_DRAFT, .report_title = "Report one",
    };
    EXPECT_OK(s, s->engagement_update(s, &u, &report));
    assert_true(report != 0 && report != -1);
    EXPECT_OK(s, s->engagement_get(s, e.id, &got));
    assert_engagement(&got, &u, report);

    /* Move the report on: same report, new status and title. */
    u.report = report;
    u.report_status = ENGSCHED_REPORT_IN_REVIEW;
    u.report_title = "Report one, final";
    u.status = ENGSCHED_STATUS_IN_REVIEW;
    u.version = 3;
    u.requested_by = d.op[1];
    EXPECT_OK(s, s->engagement_update(s, &u, NULL));
    EXPECT_OK(s, s->engagement_get(s, e.id, &got));
    assert_engagement(&got, &u, report);

    /* An update that keeps "no report" creates none. */
    engsched_rec_engagement p = engagement(d.client, "Still pending", ENGSCHED_STATUS_PENDING, 9);
    p.id = insert_engagement(s, &p);
    p.name = "Still pending, renamed";
    p.version = 2;
    report = -1;
    EXPECT_OK(s, s->engagement_update(s, &p, &report));
    assert_int_equal(report, 0);
    EXPECT_OK(s, s->engagement_get(s, p.id, &got));
    assert_engagement(&got, &p, 0);

    p.id = e.id + p.id + 1000;
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->engagement_update(s, &p, NULL));
    EXPECT_OK(s, s->commit(s));
}

static engsched_id insert_at(engsched_storage *s, engsched_id client, const char *name,
                             int status, int32_t start_day)
{
    engsched_rec_engagement e = engagement(client, name, status, start_day);
    return insert_engagement(s, &e);
}

static void test_engagements_due(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id a = insert_at(s, d.client, "a", ENGSCHED_STATUS_SCHEDULED, 100);
    insert_at(s, d.client, "pending", ENGSCHED_STATUS_PENDING, 90);
    engsched_id later = insert_at(s, d.client, "later", ENGSCHED_STATUS_SCHEDULED, 101);
    insert_at(s, d.client, "running", ENGSCHED_STATUS_IN_PROGRESS, 50);
    engsched_id b = insert_at(s, d.client2, "b", ENGSCHED_STATUS_SCHEDULED, 99);
    engsched_rec_engagement with_report = engagement(d.client, "c", ENGSCHED_STATUS_SCHEDULED,
                                                     -5);
    with_report.report_status = ENGSCHED_REPORT_DRAFT;
    with_report.report_title = "C report";
    engsched_id c = insert_engagement(s, &with_report);
    insert_at(s, d.client, "canceled", ENGSCHED_STATUS_CANCELED, 10);
    EXPECT_OK(s, s->commit(s));

    int64_t due[3] = {a, b, c};
    qsort(due, 3, sizeof due[0], cmp_id);

    EXPECT_OK(s, s->begin(s, 0));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 100, 0, 100, on_engagement, &r));
    assert_ids(&r, due, 3);
    for (size_t i = 0; i < r.count; i++) {
        assert_int_equal(r.engagement[i].status, ENGSCHED_STATUS_SCHEDULED);
        if (r.ids[i] == c) {
            assert_int_equal(r.engagement[i].report_status, ENGSCHED_REPORT_DRAFT);
            assert_true(r.engagement[i].report != 0);
            assert_string_equal(r.text[i][0], "c");
            assert_string_equal(r.text[i][1], "C report");
        } else {
            assert_int_equal(r.engagement[i].report_status, ENGSCHED_REPORT_NONE);
            assert_int_equal(r.engagement[i].report, 0);
            assert_string_equal(r.text[i][1], "");
        }
    }

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 100, due[0], 100, on_engagement, &r));
    assert_ids(&r, due + 1, 2);

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 100, 0, 2, on_engagement, &r));
    assert_ids(&r, due, 2);

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 100, due[2], 100, on_engagement, &r));
    assert_int_equal(r.count, 0);

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 100, 0, 0, on_engagement, &r));
    assert_int_equal(r.count, 0);

    int64_t up_to_101[4] = {a, b, c, later};
    qsort(up_to_101, 4, sizeof up_to_101[0], cmp_id);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, 101, 0, 100, on_engagement, &r));
    assert_ids(&r, up_to_101, 4);

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->engagements_due(s, -6, 0, 100, on_engagement, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: assignments ------------------------------------------------ */

static void test_assignments(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id e = insert_at(s, d.client, "e", ENGSCHED_STATUS_SCHEDULED, 10);
    engsched_id other = insert_at(s, d.client, "other", ENGSCHED_STATUS_SCHEDULED, 10);
    /* Assigned in an order that is neither id order nor reverse id order. */
    engsched_rec_assignment as[3] = {
        {e, d.op[2], ENGSCHED_OPROLE_LEAD, d.admin, 30, 0, 0, 0, 0, 0},
        {e, d.op[0], ENGSCHED_OPROLE_TESTER, 0, 10, 0, 0, 0, 0, 0},
        {e, d.op[1], ENGSCHED_OPROLE_REVIEWER, d.admin, 20, 0, 0, 0, 0, 0},
    };
    for (int i = 0; i < 3; i++)
        EXPECT_OK(s, s->assignment_insert(s, &as[i]));
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->assignment_insert(s, &as[1]));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, e, on_assignment, &r));
    int64_t order[3] = {d.op[2], d.op[0], d.op[1]};
    assert_ids(&r, order, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.assignment[i].engagement, e);
        assert_int_equal(r.assignment[i].role, as[i].role);
        assert_int_equal(r.assignment[i].assigned_by, as[i].assigned_by);
        assert_int_equal(r.assignment[i].assigned_at, as[i].assigned_at);
    }

    EXPECT_OK(s, s->assignment_delete(s, e, d.op[0]));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->assignment_delete(s, e, d.op[0]));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->assignment_delete(s, other, d.op[1]));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, e, on_assignment, &r));
    int64_t after_delete[2] = {d.op[2], d.op[1]};
    assert_ids(&r, after_delete, 2);

    /* Assigned again: last in order. */
    EXPECT_OK(s, s->assignment_insert(s, &as[1]));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, e, on_assignment, &r));
    int64_t reassigned[3] = {d.op[2], d.op[1], d.op[0]};
    assert_ids(&r, reassigned, 3);

    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, other, on_assignment, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: files ------------------------------------------------------ */

/* Larger than several 64 KiB chunks and not a multiple of one. */
#define FILE_SIZE 200003

static unsigned char *file_bytes(void)
{
    unsigned char *data = malloc(FILE_SIZE);
    assert_non_null(data);
    for (size_t i = 0; i < FILE_SIZE; i++)
        data[i] = (unsigned char)((i * 31u + (i >> 11)) & 0xffu);
    return data;
}

static void expect_read(engsched_storage *s, engsched_id id, int64_t offset, size_t size,
                        const unsigned char *data, size_t want)
{
    unsigned char *buf = malloc(size + 1);
    size_t got = (size_t)-1;
    assert_non_null(buf);
    EXPECT_OK(s, s->file_read(s, id, offset, buf, size, &got));
    assert_int_equal(got, want);
    if (want > 0)
        assert_memory_equal(buf, data + offset, want);
    free(buf);
}

static void test_files(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_file got;
    engsched_id id = 0, empty = 0;
    unsigned char *data = file_bytes();
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id e = insert_at(s, d.client, "e", ENGSCHED_STATUS_SCHEDULED, 10);
    engsched_rec_file meta = {0, e, "scope.pdf", "application/pdf", FILE_SIZE, d.admin, 1234};
    EXPECT_OK(s, s->file_insert(s, &meta, data, &id));
    assert_true(id != 0);
    engsched_rec_file zero = {0, e, "empty.txt", "text/plain", 0, 0, 1235};
    EXPECT_OK(s, s->file_insert(s, &zero, NULL, &empty));
    assert_true(empty != id);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->file_get(s, id, &got));
    assert_int_equal(got.id, id);
    assert_int_equal(got.engagement, e);
    assert_string_equal(got.name, "scope.pdf");
    assert_string_equal(got.media_type, "application/pdf");
    assert_int_equal(got.size, FILE_SIZE);
    assert_int_equal(got.uploaded_by, d.admin);
    assert_int_equal(got.uploaded_at, 1234);

    expect_read(s, id, 0, 100, data, 100);
    expect_read(s, id, 65530, 20, data, 20); /* across a chunk boundary */
    expect_read(s, id, 150000, 100000, data, FILE_SIZE - 150000);
    expect_read(s, id, FILE_SIZE - 1, 10, data, 1);
    expect_read(s, id, FILE_SIZE, 10, data, 0);
    expect_read(s, id, FILE_SIZE + 5000, 10, data, 0);
    expect_read(s, id, 0, FILE_SIZE + 10, data, FILE_SIZE);
    expect_read(s, empty, 0, 10, data, 0);
    EXPECT_OK(s, s->file_get(s, empty, &got));
    assert_int_equal(got.size, 0);
    assert_int_equal(got.uploaded_by, 0);

    /* A download in small pieces puts the file back together. */
    unsigned char *copy = malloc(FILE_SIZE);
    assert_non_null(copy);
    size_t total = 0, n = 0;
    do {
        EXPECT_OK(s, s->file_read(s, id, (int64_t)total, copy + total,
                                  FILE_SIZE - total < 7001 ? FILE_SIZE - total : 7001, &n));
        total += n;
    } while (n > 0 && total < FILE_SIZE);
    assert_int_equal(total, FILE_SIZE);
    assert_memory_equal(copy, data, FILE_SIZE);
    free(copy);
    EXPECT_OK(s, s->commit(s));
    free(data);
}

static void test_file_list_and_delete(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    engsched_rec_file got;
    engsched_id ids[3] = {0, 0, 0};
    unsigned char buf[4];
    size_t n = 0;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id e = insert_at(s, d.client, "e", ENGSCHED_STATUS_SCHEDULED, 10);
    engsched_id other = insert_at(s, d.client, "other", ENGSCHED_STATUS_SCHEDULED, 10);
    const char *names[3] = {"a.txt", "b.txt", "c.txt"};
    for (int i = 0; i < 3; i++) {
        engsched_rec_file meta = {0, e, names[i], "text/plain", 3, d.admin, 100 + i};
        EXPECT_OK(s, s->file_insert(s, &meta, "abc", &ids[i]));
    }
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->file_list(s, e, on_file, &r));
    assert_ids(&r, ids, 3); /* oldest first */
    assert_string_equal(r.text[1][0], "b.txt");
    assert_string_equal(r.text[1][1], "text/plain");
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->file_list(s, other, on_file, &r));
    assert_int_equal(r.count, 0);

    EXPECT_OK(s, s->file_delete(s, ids[1]));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_get(s, ids[1], &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_read(s, ids[1], 0, buf, sizeof buf, &n));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_delete(s, ids[1]));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->file_list(s, e, on_file, &r));
    int64_t left[2] = {ids[0], ids[2]};
    assert_ids(&r, left, 2);

    engsched_id bogus = ids[0] + ids[1] + ids[2] + 1000;
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_get(s, bogus, &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_read(s, bogus, 0, buf, sizeof buf, &n));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->file_delete(s, bogus));
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: events ----------------------------------------------------- */

static void test_events(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    int64_t seq[4] = {0, 0, 0, 0}, last = -1;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->event_last_seq(s, &last));
    assert_int_equal(last, 0);
    add_directory(s, &d);
    engsched_id e1 = insert_at(s, d.client, "e1", ENGSCHED_STATUS_PENDING, 10);
    engsched_id e2 = insert_at(s, d.client, "e2", ENGSCHED_STATUS_PENDING, 10);
    engsched_rec_event ev[4] = {
        {0, 100, d.admin, e1, "engagement.requested", 0, ENGSCHED_STATUS_PENDING,
         "{\"a\":1}"},
        {0, 101, 0, 0, "settings.changed", 0, 0, NULL},
        {0, 102, d.admin, e1, "engagement.approved", ENGSCHED_STATUS_PENDING,
         ENGSCHED_STATUS_SCHEDULED, "{}"},
        {0, 103, d.op[0], e2, "engagement.requested", 0, ENGSCHED_STATUS_PENDING, "{}"},
    };
    for (int i = 0; i < 4; i++) {
        EXPECT_OK(s, s->event_append(s, &ev[i], &seq[i]));
        assert_true(seq[i] > 0);
        if (i > 0)
            assert_true(seq[i] > seq[i - 1]);
    }
    EXPECT_OK(s, s->event_last_seq(s, &last));
    assert_int_equal(last, seq[3]);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, 0, 0, 100, on_event, &r));
    assert_ids(&r, seq, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.event[i].time, ev[i].time);
        assert_int_equal(r.event[i].actor, ev[i].actor);
        assert_int_equal(r.event[i].engagement, ev[i].engagement);
        assert_int_equal(r.event[i].status_before, ev[i].status_before);
        assert_int_equal(r.event[i].status_after, ev[i].status_after);
        assert_string_equal(r.text[i][0], ev[i].action);
        assert_string_equal(r.text[i][1], ev[i].details != NULL ? ev[i].details : "{}");
    }

    int64_t of_e1[2] = {seq[0], seq[2]};
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, e1, 0, 100, on_event, &r));
    assert_ids(&r, of_e1, 2);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, e1, seq[0], 100, on_event, &r));
    assert_ids(&r, of_e1 + 1, 1);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, e2, 0, 100, on_event, &r));
    assert_ids(&r, seq + 3, 1);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, 0, seq[1], 100, on_event, &r));
    assert_ids(&r, seq + 2, 2);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, 0, 0, 2, on_event, &r));
    assert_ids(&r, seq, 2);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, 0, seq[3], 100, on_event, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: cross-cutting ---------------------------------------------- */

/* Every optional reference stored as "none" reads back as 0. */
static void test_optional_references(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    engsched_rec_engagement eg;
    engsched_rec_file fg;
    engsched_id file = 0;
    int64_t seq = 0;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id e = insert_at(s, d.client, "e", ENGSCHED_STATUS_PENDING, 10);
    engsched_rec_assignment a = {e, d.op[0], ENGSCHED_OPROLE_LEAD, 0, 5, 0, 0, 0, 0, 0};
    EXPECT_OK(s, s->assignment_insert(s, &a));
    engsched_rec_file meta = {0, e, "x", "text/plain", 1, 0, 6};
    EXPECT_OK(s, s->file_insert(s, &meta, "x", &file));
    engsched_rec_event ev = {0, 7, 0, 0, "tick", 0, 0, "{}"};
    EXPECT_OK(s, s->event_append(s, &ev, &seq));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->engagement_get(s, e, &eg));
    assert_int_equal(eg.requested_by, 0);
    assert_int_equal(eg.report, 0);
    assert_int_equal(eg.report_status, ENGSCHED_REPORT_NONE);
    assert_string_equal(eg.report_title, "");
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, e, on_assignment, &r));
    assert_int_equal(r.count, 1);
    assert_int_equal(r.assignment[0].assigned_by, 0);
    EXPECT_OK(s, s->file_get(s, file, &fg));
    assert_int_equal(fg.uploaded_by, 0);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->event_list(s, 0, 0, 10, on_event, &r));
    assert_int_equal(r.count, 1);
    assert_int_equal(r.event[0].actor, 0);
    assert_int_equal(r.event[0].engagement, 0);
    assert_int_equal(r.event[0].status_before, 0);
    assert_int_equal(r.event[0].status_after, 0);
    EXPECT_OK(s, s->commit(s));
}

/* A row callback's non-OK code stops the iteration and is returned. */
static void test_row_callback_stops(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    engsched_id file = 0, e = 0;
    int64_t seq = 0;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    /* Three of everything: three due engagements with an event each; the
     * last one has three operators and three files. */
    for (int i = 0; i < 3; i++) {
        e = insert_at(s, d.client, "due", ENGSCHED_STATUS_SCHEDULED, 1);
        engsched_rec_event ev = {0, 1, 0, e, "x", 0, 0, "{}"};
        EXPECT_OK(s, s->event_append(s, &ev, &seq));
    }
    for (int i = 0; i < 3; i++) {
        engsched_rec_assignment a = {e, d.op[i], ENGSCHED_OPROLE_TESTER, 0, 1, 0, 0, 0, 0, 0};
        EXPECT_OK(s, s->assignment_insert(s, &a));
        engsched_rec_file meta = {0, e, "f", "text/plain", 1, 0, 1};
        EXPECT_OK(s, s->file_insert(s, &meta, "f", &file));
    }
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    r = (rows){.stop_at = 1, .stop_rc = ENGSCHED_ECONFLICT};
    EXPECT_RC(s, ENGSCHED_ECONFLICT, s->engagements_due(s, 10, 0, 100, on_engagement, &r));
    assert_int_equal(r.count, 1);
    r = (rows){.stop_at = 2, .stop_rc = ENGSCHED_ETOOBIG};
    EXPECT_RC(s, ENGSCHED_ETOOBIG, s->event_list(s, 0, 0, 100, on_event, &r));
    assert_int_equal(r.count, 2);
    r = (rows){.stop_at = 1, .stop_rc = ENGSCHED_EDENIED};
    EXPECT_RC(s, ENGSCHED_EDENIED, s->assignment_list(s, e, on_assignment, &r));
    assert_int_equal(r.count, 1);
    r = (rows){.stop_at = 1, .stop_rc = ENGSCHED_ESTATE};
    EXPECT_RC(s, ENGSCHED_ESTATE, s->file_list(s, e, on_file, &r));
    assert_int_equal(r.count, 1);

    /* The backend is still usable, and a stopped query runs again whole. */
    r = (rows){0};
    EXPECT_OK(s, s->event_list(s, 0, 0, 100, on_event, &r));
    assert_int_equal(r.count, 3);
    r = (rows){0};
    EXPECT_OK(s, s->engagements_due(s, 10, 0, 100, on_engagement, &r));
    assert_int_equal(r.count, 3);
    EXPECT_OK(s, s->commit(s));
}

/* Strings of a filled record survive until the next call, even when the
 * caller reads them after doing its own work. */
static void test_record_strings_until_next_call(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_engagement got;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_rec_engagement e = engagement(d.client, "Lifetime", ENGSCHED_STATUS_PENDING, 1);
    e.id = insert_engagement(s, &e);
    EXPECT_OK(s, s->engagement_get(s, e.id, &got));
    char scratch[4096];
    memset(scratch, 'x', sizeof scratch); /* unrelated work between call and use */
    assert_string_equal(got.name, "Lifetime");
    assert_string_equal(got.custom_fields, e.custom_fields);
    assert_int_equal(scratch[100], 'x');
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: views ------------------------------------------------------- */

/* The List/Calendar query is checked against a model: the same filters
 * and order computed here, over every sort key, both directions, several
 * filter sets, whole and paged two rows at a time. */
#define MODEL_ROWS 6

typedef struct model_row {
    engsched_id id;
    const char *name;
    int client_index; /* 0: directory.client, 1: client2 */
    int status;
    int32_t start_day, end_day;
    int64_t updated_at;
    int op0_assigned;
} model_row;

typedef struct model {
    directory d;
    model_row rows[MODEL_ROWS];
} model;

static const model_row model_seed[MODEL_ROWS] = {
    {0, "Web App", 0, ENGSCHED_STATUS_SCHEDULED, 10, 14, 500, 1},
    {0, "Network", 0, ENGSCHED_STATUS_PENDING, 10, 12, 400, 0},
    {0, "website", 1, ENGSCHED_STATUS_IN_PROGRESS, 5, 20, 600, 1},
    {0, "Mobile", 0, ENGSCHED_STATUS_CANCELED, 1, 3, 100, 0},
    {0, "API", 1, ENGSCHED_STATUS_COMPLETE, 30, 31, 500, 0},
    {0, "Cloud", 0, ENGSCHED_STATUS_SCHEDULED, 25, 26, 300, 0},
};

static engsched_id model_client(const model *m, const model_row *r)
{
    return r->client_index == 0 ? m->d.client : m->d.client2;
}

static void model_load(engsched_storage *s, model *m)
{
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &m->d);
    /* op2 may see client2 only. */
    EXPECT_OK(s, s->access_grant(s, m->d.op[2], m->d.client2));
    for (int i = 0; i < MODEL_ROWS; i++) {
        m->rows[i] = model_seed[i];
        model_row *r = &m->rows[i];
        engsched_rec_engagement e = engagement(model_client(m, r), r->name, r->status,
                                               r->start_day);
        e.end_day = r->end_day;
        e.updated_at = r->updated_at;
        r->id = insert_engagement(s, &e);
        if (r->op0_assigned) {
            engsched_rec_assignment a = {r->id, m->d.op[0], ENGSCHED_OPROLE_TESTER, 0, 1, 0, 0, 0, 0, 0};
            EXPECT_OK(s, s->assignment_insert(s, &a));
        }
    }
    EXPECT_OK(s, s->commit(s));
}

static int ascii_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < n && hay[i] != '\0' &&
               (hay[i] | (hay[i] >= 'A' && hay[i] <= 'Z' ? 0x20 : 0)) ==
                   (needle[i] | (needle[i] >= 'A' && needle[i] <= 'Z' ? 0x20 : 0)))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static int model_match(const model *m, const model_row *r, const engsched_storage_query *q)
{
    if (!(q->statuses & (1u << r->status)))
        return 0;
    if (q->client != 0 && q->client != model_client(m, r))
        return 0;
    if (q->operator_user != 0 && !(q->operator_user == m->d.op[0] && r->op0_assigned))
        return 0;
    /* Only op2 has access rows (client2) in the model. */
    if (q->scope_user != 0 && !(q->scope_user == m->d.op[2] && r->client_index == 1))
        return 0;
    if (q->has_range && !(r->start_day <= q->range_end && r->end_day >= q->range_start))
        return 0;
    return q->name_contains == NULL || ascii_contains(r->name, q->name_contains);
}

static int64_t model_int_key(const model_row *r, int sort)
{
    switch (sort) {
    case ENGSCHED_SORT_END:
        return r->end_day;
    case ENGSCHED_SORT_STATUS:
        return r->status;
    case ENGSCHED_SORT_UPDATED:
        return r->updated_at;
    default:
        return r->start_day;
    }
}

static int model_cmp(const model_row *a, const model_row *b, int sort)
{
    int c;
    if (sort == ENGSCHED_SORT_NAME) {
        c = strcmp(a->name, b->name);
    } else {
        int64_t x = model_int_key(a, sort), y = model_int_key(b, sort);
        c = (x > y) - (x < y);
    }
    if (c == 0)
        c = (a->id > b->id) - (a->id < b->id);
    return c;
}

/* Expected ids of @p q over the whole model, in order. */
static size_t model_expect(const model *m, const engsched_storage_query *q, int64_t *out)
{
    const model_row *sel[MODEL_ROWS];
    size_t n = 0;
    for (int i = 0; i < MODEL_ROWS; i++)
        if (model_match(m, &m->rows[i], q))
            sel[n++] = &m->rows[i];
    for (size_t i = 1; i < n; i++) /* insertion sort: six rows at most */
        for (size_t j = i; j > 0; j--) {
            int c = model_cmp(sel[j - 1], sel[j], q->sort);
            if (q->descending ? c >= 0 : c <= 0)
                break;
            const model_row *t = sel[j];
            sel[j] = sel[j - 1];
            sel[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        out[i] = sel[i]->id;
    return n;
}

static const model_row *model_find(const model *m, engsched_id id)
{
    for (int i = 0; i < MODEL_ROWS; i++)
        if (m->rows[i].id == id)
            return &m->rows[i];
    fail();
    return NULL;
}

/* The whole result, then the same in pages of two resumed by key. */
static void check_query(engsched_storage *s, const model *m, engsched_storage_query q)
{
    int64_t want[MODEL_ROWS];
    size_t n = model_expect(m, &q, want);
    rows r = {0};
    q.limit = 100;
    q.has_after = 0;
    EXPECT_OK(s, s->engagement_query(s, &q, on_engagement, &r));
    assert_ids(&r, want, n);

    int64_t paged[MODEL_ROWS + 2];
    size_t got = 0;
    char after_name[64] = "";
    q.limit = 2;
    for (int page = 0; page < MODEL_ROWS + 1; page++) {
        r = (rows){0};
        EXPECT_OK(s, s->engagement_query(s, &q, on_engagement, &r));
        assert_true(r.count <= 2);
        for (size_t i = 0; i < r.count && got < MODEL_ROWS + 2; i++)
            paged[got++] = r.ids[i];
        if (r.count < 2)
            break;
        const model_row *last = model_find(m, r.ids[r.count - 1]);
        snprintf(after_name, sizeof after_name, "%s", r.text[r.count - 1][0]);
        q.has_after = 1;
        q.after_id = last->id;
        q.after_int = model_int_key(last, q.sort);
        q.after_text = q.sort == ENGSCHED_SORT_NAME ? after_name : NULL;
    }
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(paged[i], want[i]);
}

static void test_engagement_query(void **state)
{
    engsched_storage *s = backend(state);
    model m;
    model_load(s, &m);
    unsigned int every = 0;
    for (int st = ENGSCHED_STATUS_PENDING; st <= ENGSCHED_STATUS_CANCELED; st++)
        every |= 1u << st;
    const engsched_storage_query filters[] = {
        {.statuses = every},
        {.statuses = (1u << ENGSCHED_STATUS_SCHEDULED) | (1u << ENGSCHED_STATUS_PENDING)},
        {.statuses = every, .client = m.d.client2},
        {.statuses = every, .operator_user = m.d.op[0]},
        {.statuses = every, .scope_user = m.d.op[2]},
        {.statuses = every, .has_range = 1, .range_start = 12, .range_end = 12},
        {.statuses = every, .has_range = 1, .range_start = 21, .range_end = 24},
        {.statuses = every, .name_contains = "WEB"},
        {.statuses = every, .client = m.d.client, .has_range = 1, .range_start = 0,
         .range_end = 10, .name_contains = "o"},
        {.statuses = every & ~(1u << ENGSCHED_STATUS_CANCELED), .operator_user = m.d.op[0],
         .has_range = 1, .range_start = 1, .range_end = 10},
    };
    EXPECT_OK(s, s->begin(s, 0));
    for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
        for (int sort = ENGSCHED_SORT_START; sort <= ENGSCHED_SORT_UPDATED; sort++) {
            for (int desc = 0; desc < 2; desc++) {
                engsched_storage_query q = filters[f];
                q.sort = sort;
                q.descending = desc;
                check_query(s, &m, q);
            }
        }
    }
    EXPECT_OK(s, s->commit(s));
}

static void test_operator_work(void **state)
{
    engsched_storage *s = backend(state);
    model m;
    model_load(s, &m);
    rows r;
    EXPECT_OK(s, s->begin(s, 1));
    /* op0 also gets the canceled one and one that starts on day 25. */
    engsched_rec_assignment more[2] = {
        {m.rows[3].id, m.d.op[0], ENGSCHED_OPROLE_LEAD, 0, 1, 0, 0, 0, 0, 0},
        {m.rows[5].id, m.d.op[0], ENGSCHED_OPROLE_LEAD, 0, 1, 0, 0, 0, 0, 0},
    };
    EXPECT_OK(s, s->assignment_insert(s, &more[0]));
    EXPECT_OK(s, s->assignment_insert(s, &more[1]));
    EXPECT_OK(s, s->commit(s));

    unsigned int live = (1u << ENGSCHED_STATUS_SCHEDULED) | (1u << ENGSCHED_STATUS_IN_PROGRESS);
    EXPECT_OK(s, s->begin(s, 0));
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[0], live, 12, 25, on_engagement, &r));
    int64_t by_start[3] = {m.rows[2].id, m.rows[0].id, m.rows[5].id}; /* days 5, 10, 25 */
    assert_ids(&r, by_start, 3);
    assert_string_equal(r.text[0][0], "website");
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[0], live, 0, 4, on_engagement, &r));
    assert_int_equal(r.count, 0);
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[0], 1u << ENGSCHED_STATUS_CANCELED, 0, 4,
                                  on_engagement, &r));
    assert_ids(&r, &m.rows[3].id, 1);
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[1], live, -1000, 1000, on_engagement, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));

    /* The work follows a change of dates (a backend that keeps dates
     * beside the assignment must move them), including a change that
     * makes it the longest engagement of the store. */
    engsched_rec_engagement moved;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->engagement_get(s, m.rows[0].id, &moved));
    /* The record's strings last until the next call: keep copies. */
    char *text[9] = {strdup(moved.name),          strdup(moved.description),
                     strdup(moved.type),          strdup(moved.location),
                     strdup(moved.contacts),      strdup(moved.custom_fields),
                     strdup(moved.cancel_reason), strdup(moved.report_title),
                     strdup(moved.recurrence ? moved.recurrence : "")};
    moved.name = text[0];
    moved.description = text[1];
    moved.type = text[2];
    moved.location = text[3];
    moved.contacts = text[4];
    moved.custom_fields = text[5];
    moved.cancel_reason = text[6];
    moved.report_title = text[7];
    moved.recurrence = text[8];
    moved.start_day = 40;
    moved.end_day = 400;
    EXPECT_OK(s, s->engagement_update(s, &moved, NULL));
    EXPECT_OK(s, s->commit(s));
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        free(text[i]);
    EXPECT_OK(s, s->begin(s, 0));
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[0], live, 12, 25, on_engagement, &r));
    int64_t left[2] = {m.rows[2].id, m.rows[5].id};
    assert_ids(&r, left, 2);
    r = (rows){0};
    EXPECT_OK(s, s->operator_work(s, m.d.op[0], live, 399, 500, on_engagement, &r));
    assert_ids(&r, &m.rows[0].id, 1);
    EXPECT_OK(s, s->commit(s));
}

static engsched_rc on_user(void *ctx, const engsched_rec_user *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    keep_text(r, 0, row->display_name);
    keep_text(r, 1, row->host_key);
    return row_seen(r, row->id);
}

static void test_users_with_permissions(void **state)
{
    engsched_storage *s = backend(state);
    const unsigned int op_mask = ENGSCHED_PERM_REPORT_VIEW | ENGSCHED_PERM_REPORT_EDIT;
    engsched_rec_role op_role = {3, "Operator", ENGSCHED_PERM_VIEW | op_mask};
    engsched_rec_role view_role = {5, "Viewer", ENGSCHED_PERM_VIEW};
    engsched_rec_role all_role = {1, "Administrator", ENGSCHED_PERM_ALL};
    engsched_id role = 0, c1, c2;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &op_role, &role));
    EXPECT_OK(s, s->role_insert(s, &view_role, &role));
    EXPECT_OK(s, s->role_insert(s, &all_role, &role));
    c1 = add_client(s, "c1");
    c2 = add_client(s, "c2");
    struct {
        const char *key, *name;
        engsched_id role;
        unsigned int flags;
        engsched_id client; /* access row, or 0 */
        engsched_id id;
    } u[] = {
        {"a1", "Alice", 3, 0, 0, 0},
        {"a2", "Alice", 3, 0, 0, 0},
        {"b", "Bob", 3, ENGSCHED_USER_ALL_CLIENTS, 0, 0},
        {"c", "Carol", 5, 0, 0, 0},
        {"d", "Dave", 3, 0, 0, 0},
        {"r", "Root", 1, ENGSCHED_USER_ALL_CLIENTS, 0, 0},
        {"s", "Sam", 5, 0, 0, 0},
        {"z", "Aaron", 3, 0, 0, 0}, /* sorts first, inserted last: id order is not name order */
    };
    u[0].client = c1; /* Alice a1 and Sam share c1 */
    u[1].client = c2;
    u[3].client = c1;
    u[4].client = c2;
    u[6].client = c1;
    u[7].client = c2;
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        engsched_rec_user rec = {0, u[i].key, NULL, u[i].name, u[i].role, u[i].flags, 0};
        int created = 0;
        EXPECT_OK(s, s->user_upsert(s, &rec, &u[i].id, &created));
        if (u[i].client != 0)
            EXPECT_OK(s, s->access_grant(s, u[i].id, u[i].client));
    }
    EXPECT_OK(s, s->commit(s));

    /* The two Alices in id order. */
    engsched_id alice_lo = u[0].id < u[1].id ? u[0].id : u[1].id;
    engsched_id alice_hi = u[0].id < u[1].id ? u[1].id : u[0].id;
    rows r;
    EXPECT_OK(s, s->begin(s, 0));
    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, op_mask, 0, NULL, 0, 100, on_user, &r));
    int64_t all_ops[6] = {u[7].id, alice_lo, alice_hi, u[2].id, u[4].id, u[5].id};
    assert_ids(&r, all_ops, 6);
    assert_string_equal(r.text[3][0], "Bob");

    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, op_mask, 0, "Alice", alice_lo, 2, on_user, &r));
    assert_ids(&r, all_ops + 2, 2);
    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, op_mask, 0, "Alice", alice_hi, 2, on_user, &r));
    assert_ids(&r, all_ops + 3, 2);

    /* Sam shares c1 with Alice a1; Bob and Root have every client. */
    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, op_mask, u[6].id, NULL, 0, 100, on_user, &r));
    int64_t for_sam[3] = {u[0].id, u[2].id, u[5].id};
    assert_ids(&r, for_sam, 3);

    /* Root has every client, so sees every operator. */
    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, op_mask, u[5].id, NULL, 0, 100, on_user, &r));
    assert_ids(&r, all_ops, 6);

    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, ENGSCHED_PERM_ADMIN, 0, NULL, 0, 100, on_user,
                                           &r));
    assert_ids(&r, &u[5].id, 1);
    r = (rows){0};
    EXPECT_OK(s, s->users_with_permissions(s, 0, 0, NULL, 0, 100, on_user, &r));
    assert_int_equal(r.count, 8);
    EXPECT_OK(s, s->commit(s));
}

/* --- cases: unavailability, invitations, directory lists --------------- */

static engsched_rc on_unavailability(void *ctx, const engsched_rec_unavailability *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    keep_text(r, 0, row->reason);
    return row_seen(r, row->id);
}

static void test_unavailability(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_id id[4] = {0, 0, 0, 0};
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_rec_unavailability recs[4] = {
        {0, d.op[0], 10, 12, "Annual leave", d.admin, 100},
        {0, d.op[0], 5, 6, "Training", 0, 101},
        {0, d.op[0], 20, 30, "Holiday", d.admin, 102},
        {0, d.op[1], 10, 12, "Leave", d.admin, 103},
    };
    for (int i = 0; i < 4; i++) {
        EXPECT_OK(s, s->unavailability_insert(s, &recs[i], &id[i]));
        assert_true(id[i] != 0);
    }
    EXPECT_OK(s, s->commit(s));

    engsched_rec_unavailability got;
    rows r;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->unavailability_get(s, id[0], &got));
    assert_int_equal(got.id, id[0]);
    assert_int_equal(got.user, d.op[0]);
    assert_int_equal(got.start_day, 10);
    assert_int_equal(got.end_day, 12);
    assert_string_equal(got.reason, "Annual leave");
    assert_int_equal(got.created_by, d.admin);
    assert_int_equal(got.created_at, 100);
    EXPECT_OK(s, s->unavailability_get(s, id[1], &got));
    assert_int_equal(got.created_by, 0);

    r = (rows){0};
    EXPECT_OK(s, s->unavailability_list(s, d.op[0], 6, 20, on_unavailability, &r));
    int64_t by_start[3] = {id[1], id[0], id[2]};
    assert_ids(&r, by_start, 3);
    assert_string_equal(r.text[2][0], "Holiday");
    r = (rows){0};
    EXPECT_OK(s, s->unavailability_list(s, d.op[0], 13, 19, on_unavailability, &r));
    assert_int_equal(r.count, 0);

    EXPECT_OK(s, s->unavailability_delete(s, id[1]));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->unavailability_delete(s, id[1]));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->unavailability_get(s, id[1], &got));
    r = (rows){0};
    EXPECT_OK(s, s->unavailability_list(s, d.op[0], 0, 100, on_unavailability, &r));
    assert_ids(&r, by_start + 1, 2);
    EXPECT_OK(s, s->commit(s));
}

static void test_invitations(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    engsched_rec_invitation got;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id e = insert_at(s, d.client, "e", ENGSCHED_STATUS_SCHEDULED, 10);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_get(s, e, d.op[0], &got));
    engsched_rec_invitation inv = {.engagement = e, .user = d.op[0], .updated_at = 100};
    EXPECT_OK(s, s->invitation_put(s, &inv));
    EXPECT_OK(s, s->invitation_get(s, e, d.op[0], &got));
    assert_int_equal(got.engagement, e);
    assert_int_equal(got.user, d.op[0]);
    assert_int_equal(got.sequence, 0);
    assert_int_equal(got.canceled, 0);
    assert_int_equal(got.updated_at, 100);

    engsched_rec_invitation next = {
        .engagement = e, .user = d.op[0], .sequence = 3, .canceled = 1, .updated_at = 200};
    EXPECT_OK(s, s->invitation_put(s, &next));
    EXPECT_OK(s, s->invitation_get(s, e, d.op[0], &got));
    assert_int_equal(got.sequence, 3);
    assert_true(got.canceled != 0);
    assert_int_equal(got.updated_at, 200);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_get(s, e, d.op[1], &got));
    EXPECT_OK(s, s->commit(s));
}

static engsched_rc on_client(void *ctx, const engsched_rec_client *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    keep_text(r, 0, row->host_key);
    keep_text(r, 1, row->name);
    return row_seen(r, row->id);
}

static engsched_rc on_role(void *ctx, const engsched_rec_role *row)
{
    rows *r = ctx;
    assert_true(r->count < MAX_ROWS);
    keep_text(r, 0, row->name);
    r->ids[MAX_ROWS - 1] = row->permissions; /* last slot: the mask of the last row */
    return row_seen(r, row->id);
}

static void test_directory_lists(void **state)
{
    engsched_storage *s = backend(state);
    directory d;
    rows r;
    EXPECT_OK(s, s->begin(s, 1));
    add_directory(s, &d);
    engsched_id third = add_client(s, "initech");
    engsched_rec_role viewer = {5, "Viewer", ENGSCHED_PERM_VIEW};
    engsched_id viewer_id = 0;
    EXPECT_OK(s, s->role_insert(s, &viewer, &viewer_id));
    EXPECT_OK(s, s->access_grant(s, d.op[0], third));
    EXPECT_OK(s, s->access_grant(s, d.op[0], d.client));
    EXPECT_OK(s, s->commit(s));

    int64_t clients[3] = {d.client, d.client2, third};
    qsort(clients, 3, sizeof clients[0], cmp_id);
    int64_t users[4] = {d.admin, d.op[0], d.op[1], d.op[2]};
    qsort(users, 4, sizeof users[0], cmp_id);

    EXPECT_OK(s, s->begin(s, 0));
    r = (rows){0};
    EXPECT_OK(s, s->client_list(s, 0, 100, on_client, &r));
    assert_ids(&r, clients, 3);
    r = (rows){0};
    EXPECT_OK(s, s->client_list(s, clients[0], 1, on_client, &r));
    assert_ids(&r, clients + 1, 1);

    r = (rows){0};
    EXPECT_OK(s, s->user_list(s, 0, 100, on_user, &r));
    assert_ids(&r, users, 4);
    r = (rows){0};
    EXPECT_OK(s, s->user_list(s, users[1], 2, on_user, &r));
    assert_ids(&r, users + 2, 2);

    r = (rows){0};
    EXPECT_OK(s, s->role_list(s, on_role, &r));
    int64_t roles[2] = {d.role < viewer_id ? d.role : viewer_id,
                        d.role < viewer_id ? viewer_id : d.role};
    assert_ids(&r, roles, 2);

    r = (rows){0};
    EXPECT_OK(s, s->access_list(s, d.op[0], on_client, &r));
    int64_t granted[2] = {d.client < third ? d.client : third, d.client < third ? third : d.client};
    assert_ids(&r, granted, 2);
    r = (rows){0};
    EXPECT_OK(s, s->access_list(s, d.op[1], on_client, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));
}

int engsched_conformance_run(const char *backend_name,
                             engsched_rc (*make)(void *ctx, engsched_storage **out), void *ctx)
{
    conf_fixture f = {make, ctx, NULL, 0};
#define CASE(fn) cmocka_unit_test_prestate_setup_teardown(fn, conf_setup, conf_teardown, &f)
    const struct CMUnitTest tests[] = {
        CASE(test_schema_version),
        CASE(test_busy_timeout),
        CASE(test_settings),
        CASE(test_commit_persists),
        CASE(test_rollback_discards),
        CASE(test_rollback_after_failure),
        CASE(test_rollback_without_transaction),
        CASE(test_savepoint_release_keeps),
        CASE(test_savepoint_rollback_to_undoes),
        CASE(test_savepoint_rollback_to_restores_settings),
        CASE(test_savepoint_after_failed_callback),
        CASE(test_savepoint_rollback_discards_released),
        CASE(test_client_upsert),
        CASE(test_roles),
        CASE(test_users),
        CASE(test_access),
        CASE(test_engagement_without_report),
        CASE(test_engagement_with_report),
        CASE(test_engagement_update),
        CASE(test_engagements_due),
        CASE(test_assignments),
        CASE(test_files),
        CASE(test_file_list_and_delete),
        CASE(test_events),
        CASE(test_optional_references),
        CASE(test_row_callback_stops),
        CASE(test_record_strings_until_next_call),
        CASE(test_engagement_query),
        CASE(test_operator_work),
        CASE(test_users_with_permissions),
        CASE(test_unavailability),
        CASE(test_invitations),
        CASE(test_directory_lists),
        CASE(conf_series_round_trip),
        CASE(conf_series_find),
        CASE(conf_series_rollback),
        CASE(conf_feed_tokens),
        CASE(conf_feed_token_unique),
        CASE(conf_allocations_round_trip),
        CASE(conf_allocations_follow_dates),
        CASE(conf_operator_allocations),
        CASE(conf_range_staffing),
        CASE(conf_range_unavailability),
        CASE(conf_recurring_due),
        CASE(conf_occurrence_unique),
        CASE(conf_start_due_empty),
        CASE(conf_start_due_one_chunk),
        CASE(conf_start_due_chunk_and_one),
        CASE(conf_start_due_untouched),
        CASE(conf_start_due_stops),
        CASE(conf_outbox_mark_empty),
        CASE(conf_outbox_mark_token),
        CASE(conf_outbox_mark_many),
        CASE(conf_outbox_round_trip),
        CASE(conf_outbox_payload_length),
        CASE(conf_outbox_ids_rise),
        CASE(conf_outbox_update),
        CASE(conf_outbox_missing),
        CASE(conf_outbox_list_filters),
        CASE(conf_outbox_list_refuses),
        CASE(conf_outbox_list_stops),
        CASE(conf_outbox_count),
        CASE(conf_outbox_purge),
        CASE(conf_outbox_rollback),
        CASE(conf_outbox_savepoint),
        CASE(conf_outbox_nul_refused),
    };
#undef CASE
    return _cmocka_run_group_tests(backend_name, tests, sizeof tests / sizeof tests[0], NULL,
                                   NULL);
}
