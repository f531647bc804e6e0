/* Events, black-box: every change appends exactly one event (one per
 * assignment and per file) in the change's own transaction; the host's
 * callback receives each committed event once, after commit, as a JSON
 * document of the documented schema; a refused operation delivers
 * nothing; the audit trail returns the same documents oldest first; the
 * directory and settings write events too, with no engagement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fixture.h"

/* What the host's callback saw. */
typedef struct collector {
    fx *f;
    engsched *peer;       /* another handle on the same file: sees only commits */
    json_t *docs;         /* every delivered document, parsed, in order */
    int bad_json;         /* deliveries that were not a JSON object */
    int before_commit;    /* deliveries the peer could not see yet */
    /* For the re-entrancy test. */
    engsched *self;
    int depth;
    int reentered;
    engsched_rc reenter_rc;
} collector;

static void on_event(void *ctx, const char *json)
{
    collector *c = ctx;
    json_error_t error;
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &error);
    if (doc == NULL || !json_is_object(doc)) {
        c->bad_json++;
        json_decref(doc);
        return;
    }
    if (c->peer != NULL) {
        int64_t seq = 0;
        json_int_t mine = json_integer_value(json_object_get(doc, "seq"));
        if (engsched_events_last_seq(c->peer, &seq) != ENGSCHED_OK || seq < mine)
            c->before_commit++;
    }
    json_array_append_new(c->docs, doc);
    /* Misbehave once, as the header forbids: use the invoking handle. The
     * document was copied above and json is not touched afterwards. */
    if (c->self != NULL && !c->reentered && c->depth == 0) {
        c->reentered = 1;
        c->depth++;
        int64_t seq = 0;
        c->reenter_rc = engsched_events_last_seq(c->self, &seq);
        c->depth--;
    }
}

static int64_t clock_of(void *ctx)
{
    return ((fx *)ctx)->now;
}

typedef struct world {
    fx f;
    collector c;
} world;

/* The fixture's store, reopened with our callback, plus a peer handle. */
static engsched *reopen(fx *f, collector *c)
{
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.flags = 0;
    opts.clock = clock_of;
    opts.clock_ctx = f;
    opts.on_event = on_event;
    opts.event_ctx = c;
    engsched *db = NULL;
    engsched_rc rc = engsched_open(f->path, &opts, &db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopen %s: %s: %s", f->path, engsched_rc_name(rc), engsched_open_errmsg());
    return db;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return -1;
    fx_open(&w->f, 1);
    assert_int_equal(engsched_close(w->f.db), ENGSCHED_OK);
    w->c.f = &w->f;
    w->c.docs = json_array();
    assert_non_null(w->c.docs);
    w->f.db = reopen(&w->f, &w->c);
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.flags = 0;
    assert_int_equal(engsched_open(w->f.path, &opts, &w->c.peer), ENGSCHED_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    assert_int_equal(engsched_close(w->c.peer), ENGSCHED_OK);
    fx_close(&w->f);
    json_decref(w->c.docs);
    free(w);
    return 0;
}

static int64_t last_seq(fx *f)
{
    int64_t seq = -1;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    return seq;
}

static void iso_of(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(gmtime_r(&tt, &tm));
    assert_true(strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0);
}

static void expect_id_or_null(const json_t *v, engsched_id id, const char *key)
{
    if (id == 0) {
        if (!json_is_null(v))
            fail_msg("%s: expected null", key);
    } else if (!json_is_integer(v) || json_integer_value(v) != id) {
        fail_msg("%s: expected %lld, got %lld", key, (long long)id,
                 (long long)(json_is_integer(v) ? json_integer_value(v) : -1));
    }
}

/* The documented schema, for one document. */
static void check_schema(const json_t *doc, int64_t now)
{
    static const char *const keys[] = {"schema_version", "seq",           "time",
                                       "time_iso",       "actor",         "engagement",
                                       "action",         "status_before", "status_after",
                                       "details"};
    assert_int_equal(json_object_size(doc), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (json_object_get(doc, keys[i]) == NULL)
            fail_msg("event document has no \"%s\"", keys[i]);
    }
    const json_t *v = json_object_get(doc, "schema_version");
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), 1);
    assert_true(json_is_integer(json_object_get(doc, "seq")));
    assert_true(json_integer_value(json_object_get(doc, "seq")) > 0);
    v = json_object_get(doc, "time");
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), now);
    char iso[32];
    iso_of(now, iso);
    assert_string_equal(json_string_value(json_object_get(doc, "time_iso")), iso);
    assert_true(json_is_string(json_object_get(doc, "action")));
    const char *statuses[] = {"status_before", "status_after"};
    for (int i = 0; i < 2; i++) {
        v = json_object_get(doc, statuses[i]);
        if (json_is_string(v)) {
            engsched_status s;
            assert_int_equal(engsched_status_parse(json_string_value(v), &s), ENGSCHED_OK);
        } else {
            assert_true(json_is_null(v));
        }
    }
    assert_true(json_is_object(json_object_get(doc, "details")));
}

static json_t *doc_at(collector *c, size_t i)
{
    json_t *d = json_array_get(c->docs, i);
    assert_non_null(d);
    return d;
}

/* The call committed; exactly these actions were appended and delivered,
 * in order, with consecutive sequence numbers, by actor, about engagement
 * (0: null). Returns the index of the first new document. */
static size_t expect_events_at(world *w, int64_t seq0, size_t seen0, engsched_id actor,
                               engsched_id engagement, const char *const *actions, size_t n,
                               const char *file, int line)
{
    collector *c = &w->c;
    int64_t seq = last_seq(&w->f);
    if (seq - seq0 != (int64_t)n)
        fail_msg("%s:%d: the event log grew by %lld, expected %zu", file, line,
                 (long long)(seq - seq0), n);
    if (json_array_size(c->docs) - seen0 != n)
        fail_msg("%s:%d: the callback received %zu event(s), expected %zu", file, line,
                 json_array_size(c->docs) - seen0, n);
    for (size_t i = 0; i < n; i++) {
        json_t *d = doc_at(c, seen0 + i);
        check_schema(d, w->f.now);
        const char *action = json_string_value(json_object_get(d, "action"));
        if (strcmp(action, actions[i]) != 0)
            fail_msg("%s:%d: event %zu is %s, expected %s", file, line, i, action, actions[i]);
        assert_int_equal(json_integer_value(json_object_get(d, "seq")), seq0 + 1 + (int64_t)i);
        expect_id_or_null(json_object_get(d, "actor"), actor, "actor");
        expect_id_or_null(json_object_get(d, "engagement"), engagement, "engagement");
    }
    assert_int_equal(c->bad_json, 0);
    assert_int_equal(c->before_commit, 0);
    return seen0;
}

/* EXPECT(w, call, actor, engagement, "action", ...) */
#define EXPECT(w, call, actor, engagement, ...)                                              \
    do {                                                                                      \
        static const char *const acts_[] = {__VA_ARGS__};                                    \
        int64_t s0_ = last_seq(&(w)->f);                                                      \
        size_t n0_ = json_array_size((w)->c.docs);                                            \
        fx_ok(&(w)->f, (call));                                                               \
        expect_events_at((w), s0_, n0_, (actor), (engagement), acts_,                        \
                         sizeof acts_ / sizeof acts_[0], __FILE__, __LINE__);                 \
    } while (0)

#define EXPECT_NONE(w, call)                                                                  \
    do {                                                                                      \
        int64_t s0_ = last_seq(&(w)->f);                                                      \
        size_t n0_ = json_array_size((w)->c.docs);                                            \
        fx_ok(&(w)->f, (call));                                                               \
        expect_events_at((w), s0_, n0_, 0, 0, NULL, 0, __FILE__, __LINE__);                  \
    } while (0)

static const json_t *last_details(world *w)
{
    size_t n = json_array_size(w->c.docs);
    assert_true(n > 0);
    return json_object_get(doc_at(&w->c, n - 1), "details");
}

static const char *status_field(world *w, size_t from_end, const char *key)
{
    size_t n = json_array_size(w->c.docs);
    const json_t *v = json_object_get(doc_at(&w->c, n - 1 - from_end), key);
    return json_is_null(v) ? "null" : json_string_value(v);
}

static engsched_input *new_input(fx *f)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    return in;
}

static engsched_id lifecycle(world *w)
{
    fx *f = &w->f;
    engsched_input *in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Events"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-12"));
    fx_ok(f, engsched_input_add_file(in, "a.txt", "text/plain", "a", 1));
    fx_ok(f, engsched_input_add_file(in, "b.txt", "text/plain", "bb", 2));
    engsched_id id = 0;
    /* Ids are not known before the request; check the engagement after. */
    int64_t s0 = last_seq(f);
    size_t n0 = json_array_size(w->c.docs);
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    static const char *const requested[] = {"engagement.requested", "file.attached",
                                            "file.attached"};
    expect_events_at(w, s0, n0, f->client_user, id, requested, 3, __FILE__, __LINE__);
    assert_string_equal(status_field(w, 2, "status_before"), "null");
    assert_string_equal(status_field(w, 2, "status_after"), "pending");
    engsched_input_free(in);

    f->now += 60;
    in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Events, renamed"));
    EXPECT(w, engsched_edit(f->db, f->manager, id, 1, in), f->manager, id, "engagement.updated");
    const json_t *changed = json_object_get(last_details(w), "changed");
    assert_int_equal(json_array_size(changed), 1);
    assert_string_equal(json_string_value(json_array_get(changed, 0)), "name");
    engsched_input_free(in);

    f->now += 60;
    in = new_input(f);
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
    EXPECT(w, engsched_approve(f->db, f->manager, id, 0, in), f->manager, id,
           "engagement.approved", "operator.assigned", "operator.assigned");
    assert_string_equal(status_field(w, 2, "status_before"), "pending");
    assert_string_equal(status_field(w, 2, "status_after"), "scheduled");
    engsched_input_free(in);

    engsched_id file = 0;
    EXPECT(w, engsched_file_attach(f->db, f->operator1, id, "c.txt", NULL, "c", 1, &file),
           f->operator1, id, "file.attached");
    EXPECT(w, engsched_file_delete(f->db, f->manager, file), f->manager, id, "file.deleted");

    /* The hourly job: nothing due, then one start, then idempotent. */
    unsigned int moved = 99;
    EXPECT_NONE(w, engsched_tick(f->db, f->now, &moved));
    assert_int_equal(moved, 0);
    f->now = FX_T0 + 9 * FX_DAY; /* 2026-03-10 12:00 UTC */
    EXPECT(w, engsched_tick(f->db, f->now, &moved), ENGSCHED_SYSTEM, id, "engagement.started");
    assert_int_equal(moved, 1);
    EXPECT_NONE(w, engsched_tick(f->db, f->now, &moved));
    assert_int_equal(moved, 0);

    EXPECT(w, engsched_report_set_status(f->db, f->operator1, id, 0,
                                         ENGSCHED_REPORT_READY_FOR_REVIEW),
           f->operator1, id, "engagement.in_review");
    EXPECT(w, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_IN_REVIEW),
           f->manager, id, "report.status_changed");
    EXPECT(w, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_APPROVED),
           f->manager, id, "report.status_changed");
    EXPECT(w, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_PUBLISHED),
           f->manager, id, "engagement.completed");
    assert_string_equal(status_field(w, 0, "status_after"), "complete");
    return id;
}

static void test_every_change_appends_one_event_per_change(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    lifecycle(w);

    /* Create with an operator, then cancel. */
    engsched_input *in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Created"));
    fx_ok(f, engsched_input_set_client(in, f->client[1]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_NONE));
    int64_t s0 = last_seq(f);
    size_t n0 = json_array_size(w->c.docs);
    engsched_id created = 0;
    fx_ok(f, engsched_create(f->db, f->manager, in, &created));
    static const char *const create_actions[] = {"engagement.created", "operator.assigned"};
    expect_events_at(w, s0, n0, f->manager, created, create_actions, 2, __FILE__, __LINE__);
    engsched_input_free(in);
    /* Staffing changes, one event each; a refused one, none. */
    int64_t s1 = last_seq(f);
    size_t n1 = json_array_size(w->c.docs);
    fx_rc(f, ENGSCHED_EEXISTS, engsched_assign(f->db, f->manager, created, 0, f->operator1,
                                               ENGSCHED_OPROLE_TESTER, NULL));
    assert_int_equal(last_seq(f), s1);
    assert_int_equal(json_array_size(w->c.docs), n1);
    EXPECT(w, engsched_unassign(f->db, f->manager, created, 0, f->operator1), f->manager, created,
           "operator.unassigned");
    EXPECT(w, engsched_assign(f->db, f->manager, created, 0, f->operator1, ENGSCHED_OPROLE_LEAD,
                              NULL),
           f->manager, created, "operator.assigned");
    EXPECT(w, engsched_cancel(f->db, f->manager, created, 0, "budget"), f->manager, created,
           "engagement.canceled");
    assert_string_equal(status_field(w, 0, "status_before"), "scheduled");
    assert_string_equal(status_field(w, 0, "status_after"), "canceled");
    assert_string_equal(json_string_value(json_object_get(last_details(w), "reason")), "budget");
}

static void test_directory_and_settings_events_have_no_engagement(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id client = 0, user = 0, role = 0;
    EXPECT(w, engsched_client_upsert(f->db, f->admin, "client-x", "X Ltd", &client), f->admin, 0,
           "client.created");
    EXPECT(w, engsched_client_upsert(f->db, f->admin, "client-x", "X Limited", &client), f->admin,
           0, "client.updated");
    EXPECT(w, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u-x", "x@example.com", "X",
                                   ENGSCHED_ROLE_VIEWER, 0, &user),
           ENGSCHED_SYSTEM, 0, "user.created");
    EXPECT(w, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u-x", "x@example.com", "X",
                                   ENGSCHED_ROLE_OPERATOR, 0, &user),
           ENGSCHED_SYSTEM, 0, "user.updated");
    EXPECT(w, engsched_access_grant(f->db, f->admin, user, client), f->admin, 0,
           "access.granted");
    EXPECT(w, engsched_access_revoke(f->db, f->admin, user, client), f->admin, 0,
           "access.revoked");
    EXPECT(w, engsched_role_create(f->db, f->admin, "Auditor", ENGSCHED_PERM_VIEW, &role),
           f->admin, 0, "role.created");
    EXPECT(w, engsched_role_set_permissions(f->db, f->admin, role, ENGSCHED_PERM_VIEW |
                                                                       ENGSCHED_PERM_REPORT_VIEW),
           f->admin, 0, "role.updated");
    EXPECT(w, engsched_setting_set(f->db, f->admin, "conflict_policy", "strict"), f->admin, 0,
           "settings.changed");
    const json_t *d = last_details(w);
    assert_string_equal(json_string_value(json_object_get(d, "key")), "conflict_policy");
    assert_string_equal(json_string_value(json_object_get(d, "value")), "strict");
    assert_string_equal(status_field(w, 0, "status_before"), "null");
    assert_string_equal(status_field(w, 0, "status_after"), "null");
    EXPECT(w, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "timezone", "Europe/Berlin"),
           ENGSCHED_SYSTEM, 0, "settings.changed");
    engsched_id away = 0;
    EXPECT(w, engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-05-04",
                                          "2026-05-08", "Training", &away),
           f->operator1, 0, "unavailability.added");
    EXPECT(w, engsched_unavailability_remove(f->db, f->manager, away), f->manager, 0,
           "unavailability.removed");
    /* Reads write nothing. */
    char *value = NULL;
    EXPECT_NONE(w, engsched_setting_get(f->db, "timezone", &value));
    engsched_free(value);
    EXPECT_NONE(w, engsched_client_find(f->db, "client-x", &client));
    EXPECT_NONE(w, engsched_role_find(f->db, "Auditor", &role));
}

static void test_refused_operation_delivers_no_event(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id id = fx_request(f, f->manager, f->client[1], "Refused", "2026-04-01",
                                "2026-04-02");
    int64_t s0 = last_seq(f);
    size_t n0 = json_array_size(w->c.docs);
    char *before = fx_digest(f);

    /* Fails after the approved event was written: operator2 has no access
     * to client 1. Everything of the approval is rolled back. */
    engsched_input *in = new_input(f);
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
    fx_rc(f, ENGSCHED_EINVAL, engsched_approve(f->db, f->manager, id, 0, in));
    engsched_input_free(in);
    assert_int_equal(last_seq(f), s0);
    assert_int_equal(json_array_size(w->c.docs), n0);
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    free(after);
    assert_int_equal(fx_status(f, id), ENGSCHED_STATUS_PENDING);

    /* Refused by the strict conflict policy: operator1 is busy on the same
     * days elsewhere. Nothing of the assignment may remain. */
    in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Busy elsewhere"));
    fx_ok(f, engsched_input_set_client(in, f->client[1]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-05"));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_create(f->db, f->manager, in, NULL));
    engsched_input_free(in);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    s0 = last_seq(f);
    n0 = json_array_size(w->c.docs);
    free(before);
    before = fx_digest(f);
    engsched_work_list *conflicts = NULL;
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_assign(f->db, f->manager, id, 0, f->operator1,
                                                 ENGSCHED_OPROLE_LEAD, &conflicts));
    assert_null(conflicts);
    assert_int_equal(last_seq(f), s0);
    assert_int_equal(json_array_size(w->c.docs), n0);
    after = fx_digest(f);
    assert_string_equal(before, after);
    free(after);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));

    /* Fails after the engagement and its first file were written. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "file_max_bytes", "4"));
    s0 = last_seq(f);
    n0 = json_array_size(w->c.docs);
    free(before);
    before = fx_digest(f);
    in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Too big"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    fx_ok(f, engsched_input_add_file(in, "ok.txt", NULL, "1234", 4));
    fx_ok(f, engsched_input_add_file(in, "big.txt", NULL, "12345", 5));
    fx_rc(f, ENGSCHED_ETOOBIG, engsched_request(f->db, f->client_user, in, NULL));
    engsched_input_free(in);
    /* Refused up front. */
    in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Stale"));
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_edit(f->db, f->manager, id, 7, in));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_edit(f->db, f->outsider, id, 1, in));
    fx_rc(f, ENGSCHED_EDENIED, engsched_edit(f->db, f->operator1, id, 1, in));
    fx_rc(f, ENGSCHED_EDENIED, engsched_setting_set(f->db, f->manager, "timezone", "UTC"));
    fx_rc(f, ENGSCHED_EEXISTS, engsched_role_create(f->db, f->admin, "Viewer", 1, NULL));
    fx_rc(f, ENGSCHED_ESTATE, engsched_report_set_status(f->db, f->manager, id, 0,
                                                         ENGSCHED_REPORT_READY_FOR_REVIEW));
    engsched_input_free(in);

    assert_int_equal(last_seq(f), s0);
    assert_int_equal(json_array_size(w->c.docs), n0);
    after = fx_digest(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* The next change gets the next number: nothing was used up. */
    EXPECT(w, engsched_cancel(f->db, f->manager, id, 0, NULL), f->manager, id,
           "engagement.canceled");
    assert_int_equal(last_seq(f), s0 + 1);
}

static void test_audit_trail_is_the_delivered_documents_oldest_first(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id other = fx_request(f, f->client_user, f->client[0], "Other", "2026-04-01",
                                   "2026-04-02");
    engsched_id id = lifecycle(w);
    fx_ok(f, engsched_file_attach(f->db, f->manager, other, "o.txt", NULL, "o", 1, NULL));

    char *text = NULL;
    fx_ok(f, engsched_events_json(f->db, f->viewer, id, &text));
    json_error_t error;
    json_t *trail = json_loads(text, 0, &error);
    engsched_free(text);
    assert_non_null(trail);
    assert_true(json_is_array(trail));

    size_t k = 0;
    json_int_t prev = 0;
    for (size_t i = 0; i < json_array_size(w->c.docs); i++) {
        json_t *d = doc_at(&w->c, i);
        const json_t *e = json_object_get(d, "engagement");
        if (!json_is_integer(e) || json_integer_value(e) != id)
            continue;
        json_t *t = json_array_get(trail, k++);
        if (t == NULL)
            fail_msg("the audit trail ends after %zu documents", k - 1);
        if (!json_equal(t, d)) {
            char *a = json_dumps(t, JSON_SORT_KEYS), *b = json_dumps(d, JSON_SORT_KEYS);
            fail_msg("audit trail document %zu differs from the delivered one:\n  trail: %s\n"
                     "  callback: %s",
                     k - 1, a, b);
        }
        json_int_t seq = json_integer_value(json_object_get(t, "seq"));
        assert_true(seq > prev);
        prev = seq;
    }
    assert_int_equal(k, json_array_size(trail));
    /* request + 2 files, edit, approve + 2 operators, attach, delete,
     * start, 4 report moves. */
    assert_int_equal(k, 14);
    json_decref(trail);
}

/* The trail is read from the store in pages; a long one comes back whole,
 * in order, with nothing repeated at the page edges. */
static void test_long_audit_trail_is_complete_and_in_order(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id id = fx_request(f, f->client_user, f->client[0], "Busy engagement",
                                "2026-04-01", "2026-04-02");
    for (int i = 0; i < 300; i++) {
        engsched_id file = 0;
        fx_ok(f, engsched_file_attach(f->db, f->manager, id, "log.txt", NULL, "x", 1, &file));
        fx_ok(f, engsched_file_delete(f->db, f->manager, file));
    }
    char *text = NULL;
    fx_ok(f, engsched_events_json(f->db, f->viewer, id, &text));
    json_error_t error;
    json_t *trail = json_loads(text, 0, &error);
    engsched_free(text);
    assert_non_null(trail);
    assert_int_equal(json_array_size(trail), 601);
    json_int_t prev = 0;
    size_t k = 0;
    for (size_t i = 0; i < json_array_size(w->c.docs); i++) {
        json_t *d = doc_at(&w->c, i);
        const json_t *e = json_object_get(d, "engagement");
        if (!json_is_integer(e) || json_integer_value(e) != id)
            continue;
        json_t *t = json_array_get(trail, k++);
        assert_non_null(t);
        assert_true(json_equal(t, d));
        json_int_t seq = json_integer_value(json_object_get(t, "seq"));
        assert_true(seq > prev);
        prev = seq;
    }
    assert_int_equal(k, 601);
    json_decref(trail);
}

/* A transaction with more events than the library keeps in memory (1,024)
 * reads the rest back from the store after commit, in chunks: the
 * callback still gets every event once, in seq order, after the commit,
 * the same document as the audit trail's. */
#define MANY_DUE 1300

static void test_large_tick_delivers_every_event_in_order(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_input *in = new_input(f);
    fx_ok(f, engsched_input_set_name(in, "Due"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-12"));
    fx_ok(f, engsched_input_set_report_title(in, "Due report"));
    engsched_id last = 0;
    for (int i = 0; i < MANY_DUE; i++)
        fx_ok(f, engsched_create(f->db, f->manager, in, &last));
    engsched_input_free(in);

    int64_t s0 = last_seq(f);
    size_t n0 = json_array_size(w->c.docs);
    unsigned int moved = 0;
    f->now = FX_T0 + 9 * FX_DAY; /* 2026-03-10 12:00 UTC */
    fx_ok(f, engsched_tick(f->db, f->now, &moved));
    assert_int_equal(moved, MANY_DUE);
    assert_int_equal(last_seq(f), s0 + MANY_DUE);
    assert_int_equal(json_array_size(w->c.docs) - n0, MANY_DUE);
    assert_int_equal(w->c.before_commit, 0);
    assert_int_equal(w->c.bad_json, 0);
    for (size_t i = 0; i < MANY_DUE; i++) {
        json_t *d = doc_at(&w->c, n0 + i);
        assert_int_equal(json_integer_value(json_object_get(d, "seq")), s0 + 1 + (int64_t)i);
        assert_string_equal(json_string_value(json_object_get(d, "action")),
                            "engagement.started");
    }

    /* The last one was read back: the audit trail holds the same. */
    char *text = NULL;
    fx_ok(f, engsched_events_json(f->db, f->viewer, last, &text));
    json_error_t error;
    json_t *trail = json_loads(text, 0, &error);
    engsched_free(text);
    assert_non_null(trail);
    json_t *started = json_array_get(trail, json_array_size(trail) - 1);
    assert_true(json_equal(started, doc_at(&w->c, n0 + MANY_DUE - 1)));
    json_decref(trail);
}

/* The header forbids a callback to use the handle that invoked it; the
 * library should refuse that with EMISUSE (as es_begin means to) and still
 * deliver every event exactly once. */
static void test_callback_using_its_own_handle_is_refused(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id id = fx_request(f, f->client_user, f->client[0], "Reentrant", "2026-04-01",
                                "2026-04-02");
    w->c.self = f->db;
    w->c.reenter_rc = ENGSCHED_OK;
    int64_t s0 = last_seq(f);
    size_t n0 = json_array_size(w->c.docs);
    engsched_input *in = new_input(f);
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
    fx_ok(f, engsched_approve(f->db, f->manager, id, 0, in));
    engsched_input_free(in);
    w->c.self = NULL;
    assert_int_equal(w->c.reentered, 1);

    /* Every event once, in order. */
    size_t got = json_array_size(w->c.docs) - n0;
    char seqs[256] = "";
    for (size_t i = 0; i < got; i++) {
        char one[24];
        snprintf(one, sizeof one, " %lld",
                 (long long)json_integer_value(json_object_get(doc_at(&w->c, n0 + i), "seq")));
        strncat(seqs, one, sizeof seqs - strlen(seqs) - 1);
    }
    if (got != 3)
        fail_msg("3 events committed, the callback received %zu:%s", got, seqs);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_object_get(doc_at(&w->c, n0 + i), "seq")),
                         s0 + 1 + (int64_t)i);
    if (w->c.reenter_rc != ENGSCHED_EMISUSE)
        fail_msg("using the handle from its own event callback returned %s, expected "
                 "ENGSCHED_EMISUSE",
                 engsched_rc_name(w->c.reenter_rc));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_every_change_appends_one_event_per_change),
        T(test_directory_and_settings_events_have_no_engagement),
        T(test_refused_operation_delivers_no_event),
        T(test_audit_trail_is_the_delivered_documents_oldest_first),
        T(test_long_audit_trail_is_complete_and_in_order),
        T(test_callback_using_its_own_handle_is_refused),
        T(test_large_tick_delivers_every_event_in_order),
    };
    return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
