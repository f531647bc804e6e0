/* JSON, black-box: one engagement as JSON (every key, nulls, the gate of
 * engsched_engagement_get), the export (scoped to what the actor may see,
 * file bytes only with files_download), the round trip export → import
 * into an empty store → export giving the same bytes across all six
 * statuses, operators, binary files, custom fields and non-ASCII text,
 * the import's validation (every refusal names its JSON path and changes
 * nothing), malformed JSON, permissions, and allocation failures at every
 * allocation of an export and of an import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"

/* --- helpers --- */

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    fx_open(f, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    fx_close(f);
    free(f);
    return 0;
}

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &error);
    if (doc == NULL)
        fail_msg("not JSON (line %d, column %d: %s): %.200s", error.line, error.column,
                 error.text, text);
    return doc;
}

static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t num(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

static char *export_as(fx *f, engsched_id actor)
{
    char *text = NULL;
    fx_ok(f, engsched_export_json(f->db, actor, &text));
    assert_non_null(text);
    return text;
}

static engsched_input *input(fx *f, engsched_id client, const char *name, const char *start,
                             const char *end)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, client));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    return in;
}

static engsched_id create(fx *f, engsched_id actor, engsched_input *in)
{
    engsched_id id = 0;
    fx_ok(f, engsched_create(f->db, actor, in, &id));
    engsched_input_free(in);
    f->now += 3600;
    return id;
}

static void report_to(fx *f, engsched_id id, engsched_report_status status)
{
    fx_ok(f, engsched_report_set_status(f->db, f->manager, id, 0, status));
    f->now += 600;
}

/* 300 bytes with NULs, high bytes and every value 0–255 at least once. */
static void binary_bytes(unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)(i * 7 % 256);
    out[0] = 0;
    out[n - 1] = 0;
}

#define BINARY_SIZE 300

/* An empty store: built-in roles only, no clients, users or engagements. */
static void open_empty(fx *t)
{
    memset(t, 0, sizeof *t);
    t->now = FX_T0 + 30 * FX_DAY;
    snprintf(t->path, sizeof t->path, ":memory:");
    engsched_rc rc = engsched_open(":memory:", NULL, &t->db);
    if (rc != ENGSCHED_OK)
        fail_msg("open: %s", engsched_open_errmsg());
}

/* --- the rich store of the round trip --- */

typedef struct story {
    engsched_id pending, scheduled, in_progress, in_review, complete, canceled, by_system,
        initech;
    engsched_id auditor, no_email;
} story;

static void build_story(fx *f, story *s)
{
    unsigned char bytes[BINARY_SIZE];
    binary_bytes(bytes, sizeof bytes);

    /* Directory: a custom role, an edited built-in role, a user without an
     * e-mail address and one with the custom role on two clients. */
    engsched_id auditor_role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Auditor",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW, &auditor_role));
    fx_ok(f, engsched_role_set_permissions(f->db, ENGSCHED_SYSTEM, ENGSCHED_ROLE_VIEWER,
                                           ENGSCHED_PERM_VIEW | ENGSCHED_PERM_FILES_DOWNLOAD));
    s->auditor = fx_user(f, "auditor", auditor_role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, s->auditor, f->client[1]));
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, s->auditor, f->client[0]));
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "zoë", NULL, "Zoë Ångström",
                                  ENGSCHED_ROLE_VIEWER, 0, &s->no_email));

    /* Pending, requested with a binary file and non-ASCII text. */
    engsched_input *in = input(f, f->client[0], "Ωmega — Prüfung", "2026-05-04", "2026-05-08");
    fx_ok(f, engsched_input_set_description(in, "Ünïcödé scope ✓\nline two\ttabbed"));
    fx_ok(f, engsched_input_set_custom_fields(
                 in, "{\"po\":\"4711\",\"tags\":[\"a\",\"ü\"],\"n\":3,\"nested\":{\"x\":null}}"));
    fx_ok(f, engsched_input_add_file(in, "résumé.bin", NULL, bytes, sizeof bytes));
    fx_ok(f, engsched_input_add_file(in, "empty.txt", "text/plain", NULL, 0));
    fx_ok(f, engsched_request(f->db, f->client_user, in, &s->pending));
    engsched_input_free(in);
    f->now += 3600;

    /* Scheduled, with two operators, every detail and a later file. */
    in = input(f, f->client[0], "Web application test", "2026-04-01", "2026-04-10");
    fx_ok(f, engsched_input_set_type(in, "Web application"));
    fx_ok(f, engsched_input_set_location(in, "Remote"));
    fx_ok(f, engsched_input_set_contacts(in, "Jane Doe <jane@acme.example>\n+64 9 555 0100"));
    fx_ok(f, engsched_input_set_report_title(in, "Acme web report"));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_TESTER));
    s->scheduled = create(f, f->manager, in);
    fx_ok(f, engsched_file_attach(f->db, f->operator1, s->scheduled, "notes.txt", "text/plain",
                                  "nöte\n", 6, NULL));
    f->now += 60;

    /* In Progress: the start date is reached. */
    in = input(f, f->client[1], "Globex internal", "2026-02-25", "2026-03-05");
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_NONE));
    s->in_progress = create(f, f->manager, in);

    /* In Review and Complete through the report. */
    in = input(f, f->client[0], "API review", "2026-03-02", "2026-03-06");
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_REVIEWER));
    s->in_review = create(f, f->manager, in);
    report_to(f, s->in_review, ENGSCHED_REPORT_READY_FOR_REVIEW);
    report_to(f, s->in_review, ENGSCHED_REPORT_IN_REVIEW);

    in = input(f, f->client[0], "Done deal", "2026-02-02", "2026-02-06");
    s->complete = create(f, f->manager, in);
    report_to(f, s->complete, ENGSCHED_REPORT_READY_FOR_REVIEW);
    report_to(f, s->complete, ENGSCHED_REPORT_IN_REVIEW);
    report_to(f, s->complete, ENGSCHED_REPORT_APPROVED);
    report_to(f, s->complete, ENGSCHED_REPORT_PUBLISHED);

    /* Canceled after approval, with a reason. */
    s->canceled = fx_request(f, f->client_user, f->client[0], "Postponed", "2026-06-01",
                             "2026-06-02");
    fx_approve(f, s->canceled);
    fx_ok(f, engsched_cancel(f->db, f->manager, s->canceled, 0, "Client postponed — ø"));

    /* Created by the system: no requester, assigned by no one. */
    in = input(f, f->client[1], "System made", "2026-04-01", "2026-04-01");
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    s->by_system = create(f, ENGSCHED_SYSTEM, in);

    /* One the fixture's outsider made, on the client only they see. */
    in = input(f, f->client[2], "Initech hidden", "2026-04-01", "2026-04-03");
    s->initech = create(f, f->outsider, in);
}

/* --- engsched_engagement_json --- */

static void test_engagement_json_fields(void **state)
{
    fx *f = *state;
    story s;
    build_story(f, &s);

    char *text = NULL;
    fx_ok(f, engsched_engagement_json(f->db, f->operator1, s.scheduled, &text));
    json_t *e = parse(text);
    engsched_free(text);
    assert_int_equal(num(e, "id"), s.scheduled);
    json_t *client = json_object_get(e, "client");
    assert_int_equal(num(client, "id"), f->client[0]);
    assert_string_equal(str(client, "key"), "client-0");
    assert_string_equal(str(client, "name"), "Acme Corp");
    assert_int_equal(json_object_size(client), 3);
    assert_string_equal(str(e, "name"), "Web application test");
    assert_string_equal(str(e, "description"), "");
    assert_string_equal(str(e, "type"), "Web application");
    assert_string_equal(str(e, "location"), "Remote");
    assert_string_equal(str(e, "contacts"), "Jane Doe <jane@acme.example>\n+64 9 555 0100");
    assert_true(json_is_object(json_object_get(e, "custom_fields")));
    assert_int_equal(json_object_size(json_object_get(e, "custom_fields")), 0);
    assert_string_equal(str(e, "start"), "2026-04-01");
    assert_string_equal(str(e, "end"), "2026-04-10");
    assert_string_equal(str(e, "status"), "scheduled");
    assert_string_equal(str(e, "status_label"), "Scheduled");
    assert_string_equal(str(e, "colour"), engsched_status_colour(ENGSCHED_STATUS_SCHEDULED));
    assert_int_equal(num(e, "version"), fx_version(f, s.scheduled));
    assert_true(num(e, "created_at") >= FX_T0);
    assert_true(num(e, "updated_at") >= num(e, "created_at"));
    assert_string_equal(str(e, "requested_by"), "manager");
    assert_string_equal(str(e, "cancel_reason"), "");
    json_t *report = json_object_get(e, "report");
    assert_true(num(report, "id") > 0);
    assert_string_equal(str(report, "title"), "Acme web report");
    assert_string_equal(str(report, "status"), "draft");
    json_t *ops = json_object_get(e, "operators");
    assert_int_equal(json_array_size(ops), 2);
    json_t *op = json_array_get(ops, 0);
    assert_string_equal(str(op, "user"), "operator1");
    assert_string_equal(str(op, "role"), "lead");
    assert_string_equal(str(op, "assigned_by"), "manager");
    assert_true(num(op, "assigned_at") >= FX_T0);
    assert_string_equal(str(json_array_get(ops, 1), "role"), "tester");
    json_t *files = json_object_get(e, "files");
    assert_int_equal(json_array_size(files), 1);
    json_t *file = json_array_get(files, 0);
    assert_true(num(file, "id") > 0);
    assert_string_equal(str(file, "name"), "notes.txt");
    assert_string_equal(str(file, "media_type"), "text/plain");
    assert_int_equal(num(file, "size"), 6);
    assert_string_equal(str(file, "uploaded_by"), "operator1");
    assert_true(num(file, "uploaded_at") >= FX_T0);
    assert_null(json_object_get(file, "data"));
    /* Exactly the documented keys. */
    static const char *const keys[] = {
        "id",      "client",     "name",          "description",  "type",   "location",
        "contacts", "custom_fields", "start",     "end",          "status", "status_label",
        "colour",  "version",    "created_at",    "updated_at",   "requested_by",
        "report",  "cancel_reason", "operators",  "files", "recurrence", "origin"};
    assert_int_equal(json_object_size(e), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(e, keys[i]));
    json_decref(e);

    /* Pending: no report; custom fields as an object; non-ASCII intact. */
    fx_ok(f, engsched_engagement_json(f->db, f->viewer, s.pending, &text));
    e = parse(text);
    engsched_free(text);
    assert_true(json_is_null(json_object_get(e, "report")));
    assert_string_equal(str(e, "status"), "pending");
    assert_string_equal(str(e, "requested_by"), "client");
    assert_string_equal(str(e, "name"), "Ωmega — Prüfung");
    json_t *custom = json_object_get(e, "custom_fields");
    assert_string_equal(str(custom, "po"), "4711");
    assert_int_equal(num(custom, "n"), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(custom, "tags"), 1)),
                        "ü");
    assert_int_equal(json_array_size(json_object_get(e, "files")), 2);
    json_decref(e);

    /* The system: null requester and assigner. */
    fx_ok(f, engsched_engagement_json(f->db, ENGSCHED_SYSTEM, s.by_system, &text));
    e = parse(text);
    engsched_free(text);
    assert_true(json_is_null(json_object_get(e, "requested_by")));
    op = json_array_get(json_object_get(e, "operators"), 0);
    assert_true(json_is_null(json_object_get(op, "assigned_by")));
    json_decref(e);

    /* Canceled keeps its report and gives the reason. */
    fx_ok(f, engsched_engagement_json(f->db, f->manager, s.canceled, &text));
    e = parse(text);
    engsched_free(text);
    assert_string_equal(str(e, "status"), "canceled");
    assert_string_equal(str(e, "cancel_reason"), "Client postponed — ø");
    assert_string_equal(str(json_object_get(e, "report"), "status"), "draft");
    json_decref(e);

    /* The gate: no access is "not found", word for word as a missing id;
     * access without VIEW is "denied"; output untouched on failure. */
    text = (char *)"untouched";
    char absent[64];
    snprintf(absent, sizeof absent, "engagement %lld not found", (long long)s.scheduled);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_json(f->db, f->outsider, s.scheduled, &text));
    assert_string_equal(engsched_errmsg(f->db), absent);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_json(f->db, f->manager, 987654, &text));
    assert_string_equal(engsched_errmsg(f->db), "engagement 987654 not found");
    engsched_id requester_role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Requester", ENGSCHED_PERM_REQUEST,
                                  &requester_role));
    engsched_id requester = fx_user(f, "requester", requester_role, ENGSCHED_USER_ALL_CLIENTS);
    fx_rc(f, ENGSCHED_EDENIED, engsched_engagement_json(f->db, requester, s.scheduled, &text));
    fx_rc(f, ENGSCHED_EINVAL, engsched_engagement_json(f->db, f->manager, s.scheduled, NULL));
    assert_string_equal(text, "untouched");
    assert_int_equal(engsched_engagement_json(NULL, f->manager, s.scheduled, &text),
                     ENGSCHED_EMISUSE);
}

/* --- the export --- */

static void test_export_is_scoped(void **state)
{
    fx *f = *state;
    story s;
    build_story(f, &s);

    /* operator2 sees client 0 only. */
    char *text = export_as(f, f->operator2);
    static const char *const foreign[] = {"client-1", "Globex",  "client-2",    "Initech",
                                          "outsider", "auditor", "System made", "zoë",
                                          "Auditor",  "all_clients", "@example.com"};
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
        if (strstr(text, foreign[i]) != NULL)
            fail_msg("operator2's export leaks \"%s\"", foreign[i]);
    }
    json_t *doc = parse(text);
    engsched_free(text);
    assert_string_equal(str(doc, "format"), "engsched-export");
    assert_int_equal(num(doc, "version"), 2);
    assert_int_equal(json_array_size(json_object_get(doc, "roles")), 0);
    /* What only an administrator's export carries is not there at all. */
    static const char *const full_only[] = {"store", "settings", "unavailability", "events"};
    for (size_t i = 0; i < sizeof full_only / sizeof full_only[0]; i++)
        if (json_object_get(doc, full_only[i]) != NULL)
            fail_msg("operator2's export has \"%s\"", full_only[i]);
    json_t *clients = json_object_get(doc, "clients");
    assert_int_equal(json_array_size(clients), 1);
    assert_string_equal(str(json_array_get(clients, 0), "key"), "client-0");
    json_t *engagements = json_object_get(doc, "engagements");
    /* pending, scheduled, in review, complete, canceled: by start date. */
    assert_int_equal(json_array_size(engagements), 5);
    const char *previous = "";
    for (size_t i = 0; i < json_array_size(engagements); i++) {
        json_t *e = json_array_get(engagements, i);
        assert_string_equal(str(e, "client"), "client-0");
        assert_null(json_object_get(e, "id"));
        assert_true(strcmp(previous, str(e, "start")) <= 0);
        previous = str(e, "start");
        json_t *files = json_object_get(e, "files");
        for (size_t k = 0; k < json_array_size(files); k++) {
            assert_null(json_object_get(json_array_get(files, k), "id"));
            /* Operators hold files_download: the bytes are inline. */
            assert_true(json_is_string(json_object_get(json_array_get(files, k), "data")));
        }
    }
    /* Users: exactly those the engagements name, key and name only. */
    json_t *users = json_object_get(doc, "users");
    const char *want[] = {"client", "manager", "operator1", "operator2"};
    assert_int_equal(json_array_size(users), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *u = json_array_get(users, i);
        assert_string_equal(str(u, "key"), want[i]);
        assert_int_equal(json_object_size(u), 2);
        assert_non_null(json_object_get(u, "display_name"));
    }
    json_decref(doc);

    /* Without files_download: metadata only, "data": null. */
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Looker", ENGSCHED_PERM_VIEW, &role));
    engsched_id looker = fx_user(f, "looker", role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, looker, f->client[0]));
    text = export_as(f, looker);
    doc = parse(text);
    engsched_free(text);
    size_t files_seen = 0;
    engagements = json_object_get(doc, "engagements");
    for (size_t i = 0; i < json_array_size(engagements); i++) {
        json_t *files = json_object_get(json_array_get(engagements, i), "files");
        for (size_t k = 0; k < json_array_size(files); k++, files_seen++) {
            json_t *file = json_array_get(files, k);
            assert_true(json_is_null(json_object_get(file, "data")));
            assert_true(json_is_integer(json_object_get(file, "size")));
        }
    }
    assert_int_equal(files_seen, 3);
    json_decref(doc);

    /* The outsider sees Initech only. */
    text = export_as(f, f->outsider);
    assert_null(strstr(text, "Acme"));
    assert_null(strstr(text, "client-0"));
    assert_contains(text, "Initech hidden");
    engsched_free(text);

    /* An administrator: every client, user and role, with access. */
    text = export_as(f, f->admin);
    doc = parse(text);
    engsched_free(text);
    assert_int_equal(json_array_size(json_object_get(doc, "clients")), 3);
    assert_int_equal(json_array_size(json_object_get(doc, "engagements")), 8);
    json_t *roles = json_object_get(doc, "roles");
    assert_int_equal(json_array_size(roles), 7); /* 5 built in, Auditor, Looker */
    assert_string_equal(str(json_array_get(roles, 0), "name"), "Administrator");
    json_t *admin_user = json_array_get(json_object_get(doc, "users"), 0);
    assert_string_equal(str(admin_user, "key"), "admin");
    assert_string_equal(str(admin_user, "role"), "Administrator");
    assert_true(json_is_true(json_object_get(admin_user, "all_clients")));
    json_t *op1 = json_array_get(json_object_get(doc, "users"), 5);
    assert_string_equal(str(op1, "key"), "operator1");
    assert_string_equal(str(op1, "email"), "operator1@example.com");
    assert_int_equal(json_array_size(json_object_get(op1, "clients")), 2);
    json_decref(doc);
}

/* --- round trip --- */

static void test_round_trip_is_byte_identical(void **state)
{
    fx *f = *state;
    story s;
    build_story(f, &s);
    for (engsched_status st = ENGSCHED_STATUS_PENDING; st <= ENGSCHED_STATUS_CANCELED; st++) {
        int seen = 0;
        const engsched_id all[] = {s.pending,  s.scheduled, s.in_progress, s.in_review,
                                   s.complete, s.canceled,  s.by_system,   s.initech};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            seen |= fx_status(f, all[i]) == st;
        assert_true(seen);
    }
    char *first = export_as(f, ENGSCHED_SYSTEM);
    /* An administrator with every client and files_download sees the same. */
    char *by_admin = export_as(f, f->admin);
    assert_string_equal(first, by_admin);
    engsched_free(by_admin);

    fx t;
    open_empty(&t);
    unsigned int count = 0;
    fx_ok(&t, engsched_import_json(t.db, ENGSCHED_SYSTEM, first, &count));
    assert_int_equal(count, 8);
    char *second = export_as(&t, ENGSCHED_SYSTEM);
    if (strcmp(first, second) != 0) {
        size_t i = 0;
        while (first[i] == second[i])
            i++;
        fail_msg("the second export differs at byte %zu: \"%.80s\" vs \"%.80s\"", i,
                 first + (i > 20 ? i - 20 : 0), second + (i > 20 ? i - 20 : 0));
    }

    /* The binary file's bytes came through, NULs included. */
    engsched_id pending = 0;
    engsched_id zoe = 0;
    fx_ok(&t, engsched_user_find(t.db, "zoë", &zoe));
    for (engsched_id id = 1; id <= 8 && pending == 0; id++) {
        engsched_engagement *e = NULL;
        fx_ok(&t, engsched_engagement_get(t.db, ENGSCHED_SYSTEM, id, &e));
        if (engsched_engagement_status(e) == ENGSCHED_STATUS_PENDING)
            pending = id;
        engsched_engagement_free(e);
    }
    engsched_file_list *list = NULL;
    fx_ok(&t, engsched_file_list_get(t.db, ENGSCHED_SYSTEM, pending, &list));
    assert_int_equal(engsched_file_list_count(list), 2);
    engsched_id file = 0;
    const char *name = NULL;
    int64_t size = 0;
    fx_ok(&t, engsched_file_list_item(list, 0, &file, &name, NULL, &size, NULL, NULL));
    assert_string_equal(name, "résumé.bin");
    assert_int_equal(size, BINARY_SIZE);
    engsched_file_list_free(list);
    unsigned char want[BINARY_SIZE], got[BINARY_SIZE + 10];
    binary_bytes(want, sizeof want);
    size_t n = 0;
    fx_ok(&t, engsched_file_read(t.db, ENGSCHED_SYSTEM, file, 0, got, sizeof got, &n));
    assert_int_equal(n, BINARY_SIZE);
    assert_memory_equal(got, want, BINARY_SIZE);

    /* A restore: the engagement's audit trail is the one it had, and the
     * import added no event of its own. */
    char *trail = NULL, *source_trail = NULL;
    fx_ok(&t, engsched_events_json(t.db, ENGSCHED_SYSTEM, pending, &trail));
    fx_ok(f, engsched_events_json(f->db, ENGSCHED_SYSTEM, s.pending, &source_trail));
    json_t *events = parse(trail), *source_events = parse(source_trail);
    engsched_free(trail);
    engsched_free(source_trail);
    assert_true(json_array_size(events) > 0);
    assert_int_equal(json_array_size(events), json_array_size(source_events));
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i), *was = json_array_get(source_events, i);
        assert_string_equal(str(ev, "action"), str(was, "action"));
        assert_int_equal(num(ev, "time"), num(was, "time"));
        assert_true(json_equal(json_object_get(ev, "details"), json_object_get(was, "details")));
    }
    json_decref(events);
    json_decref(source_events);
    int64_t restored_seq = 0, source_seq = 0;
    fx_ok(&t, engsched_events_last_seq(t.db, &restored_seq));
    fx_ok(f, engsched_events_last_seq(f->db, &source_seq));
    assert_true(restored_seq <= source_seq);

    /* Importing again is a merge: it adds the engagements once more; the
     * directory is unchanged, so only the eight engagement events are
     * written, and the trail of the document is not restored twice. */
    int64_t before = 0, after = 0;
    fx_ok(&t, engsched_events_last_seq(t.db, &before));
    fx_ok(&t, engsched_import_json(t.db, ENGSCHED_SYSTEM, second, &count));
    fx_ok(&t, engsched_events_last_seq(t.db, &after));
    assert_int_equal(after - before, 8);
    char *third = export_as(&t, ENGSCHED_SYSTEM);
    json_t *doc = parse(third);
    assert_int_equal(json_array_size(json_object_get(doc, "engagements")), 16);
    json_decref(doc);
    engsched_free(third);

    engsched_free(first);
    engsched_free(second);
    fx_close(&t);
}

/* --- import validation --- */

typedef void (*mutate_fn)(json_t *doc);

static json_t *engagement_at(json_t *doc, size_t i)
{
    return json_array_get(json_object_get(doc, "engagements"), i);
}

static size_t last_engagement(json_t *doc)
{
    return json_array_size(json_object_get(doc, "engagements")) - 1;
}

/* The first engagement with operators / files. */
static size_t engagement_with(json_t *doc, const char *what)
{
    json_t *all = json_object_get(doc, "engagements");
    for (size_t i = 0; i < json_array_size(all); i++) {
        if (json_array_size(json_object_get(json_array_get(all, i), what)) > 0)
            return i;
    }
    fail_msg("no engagement with %s", what);
    return 0;
}

static void set(json_t *obj, const char *key, json_t *value)
{
    assert_int_equal(json_object_set_new(obj, key, value), 0);
}

static void bad_last_date(json_t *doc)
{
    set(engagement_at(doc, last_engagement(doc)), "start", json_string("2026-02-30"));
}

static void unknown_operator(json_t *doc)
{
    json_t *e = engagement_at(doc, engagement_with(doc, "operators"));
    set(json_array_get(json_object_get(e, "operators"), 0), "user", json_string("bob"));
}

static void pending_complete(json_t *doc)
{
    json_t *all = json_object_get(doc, "engagements");
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *e = json_array_get(all, i);
        if (strcmp(str(e, "status"), "pending") == 0)
            set(e, "status", json_string("complete"));
    }
}

static void draft_in_review(json_t *doc)
{
    json_t *all = json_object_get(doc, "engagements");
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *e = json_array_get(all, i);
        if (strcmp(str(e, "status"), "scheduled") == 0)
            set(e, "status", json_string("in_review"));
    }
}

static json_t *first_file(json_t *doc)
{
    json_t *e = engagement_at(doc, engagement_with(doc, "files"));
    return json_array_get(json_object_get(e, "files"), 0);
}

static void bad_base64(json_t *doc) { set(first_file(doc), "data", json_string("!!!!")); }

static void wrong_size(json_t *doc)
{
    json_t *file = first_file(doc);
    set(file, "size", json_integer(num(file, "size") + 1));
}

static void missing_bytes(json_t *doc) { set(first_file(doc), "data", json_null()); }

static void unknown_permission(json_t *doc)
{
    json_t *perms = json_object_get(json_array_get(json_object_get(doc, "roles"), 0),
                                    "permissions");
    assert_int_equal(json_array_set_new(perms, 0, json_string("fly")), 0);
}

static void duplicate_client(json_t *doc)
{
    json_t *clients = json_object_get(doc, "clients");
    assert_int_equal(json_array_append_new(clients, json_deep_copy(json_array_get(clients, 0))),
                     0);
}

static void wrong_format(json_t *doc) { set(doc, "format", json_string("other")); }
static void wrong_version(json_t *doc) { set(doc, "version", json_integer(3)); }

static void unknown_role(json_t *doc)
{
    set(json_array_get(json_object_get(doc, "users"), 0), "role", json_string("Nope"));
}

static void empty_name(json_t *doc) { set(engagement_at(doc, 0), "name", json_string("")); }

static void custom_not_object(json_t *doc)
{
    set(engagement_at(doc, 0), "custom_fields", json_array());
}

static void missing_version(json_t *doc)
{
    assert_int_equal(json_object_del(engagement_at(doc, 1), "version"), 0);
}

static void reversed_dates(json_t *doc)
{
    set(engagement_at(doc, 0), "end", json_string("1999-01-01"));
}

static void reason_not_canceled(json_t *doc)
{
    set(engagement_at(doc, 0), "cancel_reason", json_string("why"));
}

static void unknown_client(json_t *doc)
{
    set(engagement_at(doc, 2), "client", json_string("client-9"));
}

static void control_in_name(json_t *doc)
{
    set(engagement_at(doc, 0), "name", json_string("a\x01z"));
}

typedef struct bad_case {
    const char *label;
    mutate_fn mutate;
    engsched_rc rc;
    const char *message; /* after "engagements[<index>]" when with is set */
    const char *with;    /* how the index is found: "last", "operators", "files" */
} bad_case;

static void test_import_refuses_and_writes_nothing(void **state)
{
    fx *f = *state;
    story s;
    build_story(f, &s);
    char *text = export_as(f, ENGSCHED_SYSTEM);
    json_t *pristine = parse(text);
    engsched_free(text);

    const bad_case cases[] = {
        {"bad date in the last engagement", bad_last_date, ENGSCHED_EINVAL,
         ".start: \"2026-02-30\" is not a date", "last"},
        {"unknown operator", unknown_operator, ENGSCHED_EINVAL,
         ".operators[0].user: unknown user key \"bob\"", "operators"},
        {"pending with a status that needs a report", pending_complete, ENGSCHED_EINVAL,
         ".status: \"complete\" needs a report", NULL},
        {"status the report does not give", draft_in_review, ENGSCHED_EINVAL,
         ".status: \"in_review\" does not follow from report status \"draft\"", NULL},
        {"bad base64", bad_base64, ENGSCHED_EINVAL, ".files[0].data: not",
         "files"},
        {"size does not match", wrong_size, ENGSCHED_EINVAL,
         ".files[0].data: holds", "files"},
        {"metadata-only export", missing_bytes, ENGSCHED_EINVAL,
         ".files[0].data: null", "files"},
        {"unknown permission", unknown_permission, ENGSCHED_EINVAL,
         "roles[0].permissions[0]: unknown permission \"fly\"", NULL},
        {"duplicate client", duplicate_client, ENGSCHED_EINVAL,
         "clients[3].key: \"client-0\" appears twice (also clients[0])", NULL},
        {"format", wrong_format, ENGSCHED_EINVAL, "format: must be \"engsched-export\"", NULL},
        {"version", wrong_version, ENGSCHED_EINVAL,
         "version: 3 is newer than this library, which reads versions 1 to 2", NULL},
        {"unknown role", unknown_role, ENGSCHED_EINVAL, "users[0].role: unknown role \"Nope\"",
         NULL},
        {"empty name", empty_name, ENGSCHED_EINVAL, "engagements[0].name: must not be empty",
         NULL},
        {"custom fields", custom_not_object, ENGSCHED_EINVAL,
         "engagements[0].custom_fields: must be a JSON object", NULL},
        {"missing version", missing_version, ENGSCHED_EINVAL, "engagements[1].version: missing",
         NULL},
        {"reversed dates", reversed_dates, ENGSCHED_EINVAL, "engagements[0].end: 1999-01-01",
         NULL},
        {"reason without cancel", reason_not_canceled, ENGSCHED_EINVAL,
         "engagements[0].cancel_reason: only a canceled engagement", NULL},
        {"unknown client", unknown_client, ENGSCHED_EINVAL,
         "engagements[2].client: unknown client key \"client-9\"", NULL},
        {"control character", control_in_name, ENGSCHED_EINVAL,
         "engagements[0].name: control character", NULL},
    };

    /* Into an empty store and into the store the document came from. */
    fx t;
    open_empty(&t);
    fx *targets[] = {&t, f};
    for (size_t n = 0; n < 2; n++) {
        fx *target = targets[n];
        char *digest = fx_digest(target);
        size_t events = target->events_seen;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            json_t *doc = json_deep_copy(pristine);
            cases[i].mutate(doc);
            char *bad = json_dumps(doc, JSON_COMPACT);
            size_t index = 0;
            if (cases[i].with != NULL)
                index = strcmp(cases[i].with, "last") == 0 ? last_engagement(doc)
                                                           : engagement_with(doc, cases[i].with);
            json_decref(doc);
            char message[256];
            if (cases[i].with != NULL)
                snprintf(message, sizeof message, "engagements[%zu]%s", index, cases[i].message);
            else
                snprintf(message, sizeof message, "%s", cases[i].message);
            unsigned int count = 12345;
            engsched_rc rc = engsched_import_json(target->db, ENGSCHED_SYSTEM, bad, &count);
            free(bad);
            if (rc != cases[i].rc)
                fail_msg("%s: %s (%s), expected %s", cases[i].label, engsched_rc_name(rc),
                         engsched_errmsg(target->db), engsched_rc_name(cases[i].rc));
            if (strstr(engsched_errmsg(target->db), message) == NULL)
                fail_msg("%s: message \"%s\" does not contain \"%s\"", cases[i].label,
                         engsched_errmsg(target->db), message);
            assert_int_equal(count, 12345);
            char *now = fx_digest(target);
            if (strcmp(digest, now) != 0)
                fail_msg("%s: the store changed", cases[i].label);
            free(now);
            assert_int_equal(target->events_seen, events);
        }
        free(digest);
    }
    /* Nothing of the directory was written into the empty store either. */
    engsched_id id = 0;
    fx_rc(&t, ENGSCHED_ENOTFOUND, engsched_client_find(t.db, "client-0", &id));
    fx_rc(&t, ENGSCHED_ENOTFOUND, engsched_user_find(t.db, "operator1", &id));
    fx_rc(&t, ENGSCHED_ENOTFOUND, engsched_role_find(t.db, "Auditor", &id));

    /* Over the file limits of the target: ETOOBIG, nothing written. */
    fx_ok(&t, engsched_setting_set(t.db, ENGSCHED_SYSTEM, "file_max_bytes", "100"));
    char *digest = fx_digest(&t);
    text = json_dumps(pristine, JSON_COMPACT);
    fx_rc(&t, ENGSCHED_ETOOBIG, engsched_import_json(t.db, ENGSCHED_SYSTEM, text, NULL));
    assert_contains(engsched_errmsg(t.db), "].files[0].size: 300 bytes is over the limit");
    char *now = fx_digest(&t);
    assert_string_equal(digest, now);
    free(now);
    free(digest);
    fx_ok(&t, engsched_setting_set(t.db, ENGSCHED_SYSTEM, "file_max_bytes", "1000"));
    fx_ok(&t, engsched_setting_set(t.db, ENGSCHED_SYSTEM, "file_max_count", "1"));
    fx_rc(&t, ENGSCHED_ETOOBIG, engsched_import_json(t.db, ENGSCHED_SYSTEM, text, NULL));
    assert_contains(engsched_errmsg(t.db), "].files: 2 files is over the limit of 1");
    free(text);
    json_decref(pristine);
    fx_close(&t);
}

static void test_import_malformed_and_denied(void **state)
{
    fx *f = *state;
    char *digest = fx_digest(f);
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_import_json(f->db, ENGSCHED_SYSTEM, "{\n  \"format\": \"engsched-export\",\n"
                                                       "  \"version\": 1,,\n}", NULL));
    assert_contains(engsched_errmsg(f->db), "line 3, column ");
    fx_rc(f, ENGSCHED_EINVAL, engsched_import_json(f->db, ENGSCHED_SYSTEM, "", NULL));
    assert_contains(engsched_errmsg(f->db), "line ");
    assert_contains(engsched_errmsg(f->db), "column ");
    fx_rc(f, ENGSCHED_EINVAL, engsched_import_json(f->db, ENGSCHED_SYSTEM, "[1, 2]", NULL));
    assert_contains(engsched_errmsg(f->db), "document: must be a JSON object");
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_import_json(f->db, ENGSCHED_SYSTEM, "{\"a\": 1, \"a\": 2}", NULL));
    assert_contains(engsched_errmsg(f->db), "line 1, column ");
    fx_rc(f, ENGSCHED_EINVAL, engsched_import_json(f->db, ENGSCHED_SYSTEM, NULL, NULL));
    assert_int_equal(engsched_import_json(NULL, ENGSCHED_SYSTEM, "{}", NULL), ENGSCHED_EMISUSE);

    /* Only ADMIN (or the system) imports; a manager holds everything else. */
    const char *valid = "{\"format\":\"engsched-export\",\"version\":1,\"roles\":[],"
                        "\"clients\":[{\"key\":\"new\",\"name\":\"New\"}],\"users\":[],"
                        "\"engagements\":[]}";
    fx_rc(f, ENGSCHED_EDENIED, engsched_import_json(f->db, f->manager, valid, NULL));
    fx_rc(f, ENGSCHED_EDENIED, engsched_import_json(f->db, f->viewer, valid, NULL));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_import_json(f->db, 987654, valid, NULL));
    char *now = fx_digest(f);
    assert_string_equal(digest, now);
    free(now);
    free(digest);
    engsched_id id = 0;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_client_find(f->db, "new", &id));
    unsigned int count = 99;
    fx_ok(f, engsched_import_json(f->db, f->admin, valid, &count));
    assert_int_equal(count, 0);
    fx_ok(f, engsched_client_find(f->db, "new", &id));

    /* A non-administrator's export names users by key and name only:
     * importable where those users exist, refused where they do not. */
    engsched_id e = fx_request(f, f->client_user, f->client[0], "Short users", "2026-04-01",
                               "2026-04-02");
    (void)e;
    char *text = export_as(f, f->operator2);
    fx_ok(f, engsched_import_json(f->db, ENGSCHED_SYSTEM, text, &count));
    assert_int_equal(count, 1);
    fx t;
    open_empty(&t);
    fx_rc(&t, ENGSCHED_EINVAL, engsched_import_json(t.db, ENGSCHED_SYSTEM, text, NULL));
    assert_contains(engsched_errmsg(t.db), "users[0].role: missing, and user \"client\" is not "
                                           "in the store");
    fx_close(&t);
    engsched_free(text);

    /* The export needs VIEW. */
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Requester", ENGSCHED_PERM_REQUEST,
                                  &role));
    engsched_id requester = fx_user(f, "requester", role, ENGSCHED_USER_ALL_CLIENTS);
    text = (char *)"untouched";
    fx_rc(f, ENGSCHED_EDENIED, engsched_export_json(f->db, requester, &text));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_export_json(f->db, 987654, &text));
    fx_rc(f, ENGSCHED_EINVAL, engsched_export_json(f->db, f->admin, NULL));
    assert_string_equal(text, "untouched");
}

/* --- allocation failures --- */

typedef struct counter {
    long live;
    long count;   /* allocations so far */
    long fail_at; /* fail the allocation with this number; 0: never */
} counter;

static counter alloc_counter;

static int should_fail(counter *c)
{
    c->count++;
    return c->fail_at != 0 && c->count == c->fail_at;
}

static void *count_malloc(size_t size, void *ctx)
{
    counter *c = ctx;
    if (should_fail(c))
        return NULL;
    void *p = malloc(size);
    if (p != NULL)
        c->live++;
    return p;
}

static void *count_realloc(void *ptr, size_t size, void *ctx)
{
    counter *c = ctx;
    if (should_fail(c))
        return NULL;
    void *p = realloc(ptr, size);
    if (p != NULL && ptr == NULL)
        c->live++;
    return p;
}

static void count_free(void *ptr, void *ctx)
{
    counter *c = ctx;
    if (ptr != NULL)
        c->live--;
    free(ptr);
}

static void install_counter(void)
{
    memset(&alloc_counter, 0, sizeof alloc_counter);
    engsched_allocator hooks = {ENGSCHED_ALLOCATOR_VERSION, count_malloc, count_realloc,
                                count_free, &alloc_counter};
    assert_int_equal(engsched_set_allocator(&hooks), ENGSCHED_OK);
}

static void remove_counter(void)
{
    if (alloc_counter.live != 0)
        fail_msg("%ld allocation(s) leaked", alloc_counter.live);
    assert_int_equal(engsched_set_allocator(NULL), ENGSCHED_OK);
}

/* A smaller story keeps the loops short: two engagements, one file, and
 * what only a full export carries (a setting, unavailability, the trail). */
static void small_story(fx *f)
{
    unsigned char bytes[40];
    binary_bytes(bytes, sizeof bytes);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "working_week", "1234"));
    fx_ok(f, engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-04-06",
                                         "2026-04-07", "Leave", NULL));
    engsched_input *in = input(f, f->client[0], "Käse", "2026-04-01", "2026-04-03");
    fx_ok(f, engsched_input_set_custom_fields(in, "{\"k\":[1,2]}"));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_file(in, "b.bin", NULL, bytes, sizeof bytes));
    create(f, f->manager, in);
    fx_request(f, f->client_user, f->client[0], "Pending one", "2026-05-01", "2026-05-02");
}

static void test_export_allocation_failures(void **state)
{
    (void)state;
    install_counter();
    fx f;
    fx_open(&f, 0);
    small_story(&f);
    char *expected = export_as(&f, ENGSCHED_SYSTEM);
    char *digest = fx_digest(&f);
    long runs = 0;
    for (long n = 1;; n++) {
        char *text = NULL;
        alloc_counter.fail_at = alloc_counter.count + n;
        engsched_rc rc = engsched_export_json(f.db, ENGSCHED_SYSTEM, &text);
        alloc_counter.fail_at = 0;
        runs++;
        if (rc == ENGSCHED_OK) {
            assert_string_equal(text, expected);
            engsched_free(text);
            break;
        }
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("allocation %ld: %s (%s)", n, engsched_rc_name(rc), engsched_errmsg(f.db));
        assert_null(text);
        char *now = fx_digest(&f);
        assert_string_equal(digest, now);
        free(now);
        assert_true(n < 100000);
    }
    assert_true(runs > 20);
    print_message("export: failed each of %ld allocations in turn\n", runs - 1);
    /* The same for one engagement's JSON. */
    for (long n = 1;; n++) {
        char *text = NULL;
        alloc_counter.fail_at = alloc_counter.count + n;
        engsched_rc rc = engsched_engagement_json(f.db, f.operator1, 1, &text);
        alloc_counter.fail_at = 0;
        if (rc == ENGSCHED_OK) {
            engsched_free(text);
            break;
        }
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("allocation %ld: %s (%s)", n, engsched_rc_name(rc), engsched_errmsg(f.db));
        assert_null(text);
    }
    free(digest);
    engsched_free(expected);
    fx_close(&f);
    remove_counter();
}

/* engsched_import()'s reader: the document in pieces of 50 bytes. */
typedef struct pieces {
    const char *text;
    size_t pos, len;
} pieces;

static long read_pieces(void *ctx, char *buf, size_t size)
{
    pieces *p = ctx;
    size_t n = p->len - p->pos < 50 ? p->len - p->pos : 50;
    n = n < size ? n : size;
    memcpy(buf, p->text + p->pos, n);
    p->pos += n;
    return (long)n;
}

static engsched_rc import_by(fx *t, int streamed, const char *text, unsigned int *count)
{
    if (!streamed)
        return engsched_import_json(t->db, ENGSCHED_SYSTEM, text, count);
    pieces p = {text, 0, strlen(text)};
    return engsched_import(t->db, ENGSCHED_SYSTEM, read_pieces, &p, count);
}

static void import_allocation_failures(int streamed)
{
    install_counter();
    fx f;
    fx_open(&f, 0);
    small_story(&f);
    char *text = export_as(&f, ENGSCHED_SYSTEM);
    fx t;
    open_empty(&t);
    char *digest = fx_digest(&t);
    long runs = 0;
    for (long n = 1;; n++) {
        unsigned int count = 777;
        alloc_counter.fail_at = alloc_counter.count + n;
        engsched_rc rc = import_by(&t, streamed, text, &count);
        alloc_counter.fail_at = 0;
        runs++;
        if (rc == ENGSCHED_OK) {
            assert_int_equal(count, 2);
            break;
        }
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("allocation %ld: %s (%s)", n, engsched_rc_name(rc), engsched_errmsg(t.db));
        assert_int_equal(count, 777);
        char *now = fx_digest(&t);
        assert_string_equal(digest, now);
        free(now);
        engsched_id id = 0;
        assert_int_equal(engsched_client_find(t.db, "client-0", &id), ENGSCHED_ENOTFOUND);
        assert_true(n < 100000);
    }
    print_message("%s: failed each of %ld allocations in turn\n",
                  streamed ? "engsched_import" : "engsched_import_json", runs - 1);
    assert_true(runs > 10);
    char *again = export_as(&t, ENGSCHED_SYSTEM);
    assert_string_equal(text, again);
    engsched_free(again);
    free(digest);
    engsched_free(text);
    fx_close(&t);
    fx_close(&f);
    remove_counter();
}

static void test_import_allocation_failures(void **state)
{
    (void)state;
    import_allocation_failures(0);
    import_allocation_failures(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_engagement_json_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_is_scoped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_and_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_malformed_and_denied, setup, teardown),
        cmocka_unit_test(test_export_allocation_failures),
        cmocka_unit_test(test_import_allocation_failures),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
