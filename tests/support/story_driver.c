#include "story_driver.h"

#include "invariants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OK ENGSCHED_OK
#define SYS ENGSCHED_SYSTEM

/* --- the machinery around each call ------------------------------------ */

static void story_begin(story *s, const char *call, int line)
{
    s->step++;
    s->call = call;
    s->line = line;
    if (s->hooks.before != NULL)
        s->hooks.before(s->hooks.ctx, s);
}

/* 0: go on; 1: stop (the call did not return what the story expects). */
static int story_end(story *s, engsched_rc want, engsched_rc got)
{
    if (got == want) {
        if (s->hooks.after != NULL)
            s->hooks.after(s->hooks.ctx, s, got);
        return 0;
    }
    s->rc = got;
    s->want = want;
    if (s->hooks.failed != NULL)
        s->hooks.failed(s->hooks.ctx, s);
    return 1;
}

/* One public call that must return `want`; anything else ends the story
 * (after an optional retry the failed hook asks for). */
#define CALL_RC(s, want, expr)                                                               \
    do {                                                                                     \
        story_begin((s), #expr, __LINE__);                                                   \
        engsched_rc rc_ = (expr);                                                            \
        if (story_end((s), (want), rc_) != 0) {                                              \
            if ((s)->retry)                                                                  \
                (s)->retry_rc = (expr);                                                      \
            return STORY_STOPPED;                                                            \
        }                                                                                    \
    } while (0)
#define CALL(s, expr) CALL_RC(s, OK, expr)

/* A result the story checks once a call succeeded. */
#define CHECK(s, cond)                                                                       \
    do {                                                                                     \
        if (!(cond))                                                                         \
            return broken((s), #cond, __LINE__);                                             \
    } while (0)

/* A part of the story, as a function that returns story_run()'s result. */
#define RUN(expr)                                                                            \
    do {                                                                                     \
        int r_ = (expr);                                                                     \
        if (r_ != STORY_DONE)                                                                \
            return r_;                                                                       \
    } while (0)

static int broken(story *s, const char *cond, int line)
{
    snprintf(s->broken, sizeof s->broken, "story_driver.c:%d: after %s: %s is false", line,
             s->call ? s->call : "(no call)", cond);
    return STORY_BROKEN;
}

/* --- callbacks ----------------------------------------------------------- */

static int64_t clock_cb(void *ctx) { return ((story *)ctx)->f.now; }

static void event_cb(void *ctx, const char *json)
{
    story *s = ctx;
    s->f.events_seen++;
    snprintf(s->f.last_event, sizeof s->f.last_event, "%s", json);
}

static int mail_cb(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    (void)engagement;
    (void)user;
    (void)recipient;
    (void)message;
    (void)length;
    ((story *)ctx)->mails++;
    return 0;
}

static void log_cb(void *ctx, engsched_log_level level, const char *message)
{
    story *s = ctx;
    if (level >= ENGSCHED_LOG_ERROR) {
        s->error_logs++;
        snprintf(s->last_error_log, sizeof s->last_error_log, "%s", message);
    }
}

/* --- helpers ------------------------------------------------------------- */

static void free_engagement(story *s)
{
    engsched_engagement_free(s->e);
    s->e = NULL;
}

static void free_input(story *s)
{
    engsched_input_free(s->in);
    s->in = NULL;
}

static void free_text(story *s)
{
    engsched_free(s->text);
    s->text = NULL;
    engsched_free(s->text2);
    s->text2 = NULL;
}

/* The engagement as the system sees it, in s->e. */
static int get(story *s, engsched_id id)
{
    free_engagement(s);
    CALL(s, engsched_engagement_get(s->f.db, SYS, id, &s->e));
    return STORY_DONE;
}

static int expect_status(story *s, engsched_id id, engsched_status want)
{
    RUN(get(s, id));
    CHECK(s, engsched_engagement_status(s->e) == want);
    free_engagement(s);
    return STORY_DONE;
}

static int version_of(story *s, engsched_id id, int64_t *out)
{
    RUN(get(s, id));
    *out = engsched_engagement_version(s->e);
    free_engagement(s);
    return STORY_DONE;
}

/* --- the directory (what fx_open() seeds) -------------------------------- */

static int open_store(story *s)
{
    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != OK)
        return broken(s, "engsched_options_init", __LINE__);
    opts.clock = clock_cb;
    opts.clock_ctx = s;
    opts.on_event = event_cb;
    opts.event_ctx = s;
    opts.on_mail = mail_cb;
    opts.mail_ctx = s;
    opts.log = log_cb;
    opts.log_ctx = s;
    opts.log_level = ENGSCHED_LOG_WARN;
    if (s->hooks.open != NULL)
        CALL(s, s->hooks.open(s->hooks.ctx, s, &opts, &s->f.db));
    else
        CALL(s, engsched_open(s->f.path, &opts, &s->f.db));
    return STORY_DONE;
}

static int user(story *s, const char *key, engsched_id role, unsigned int flags, engsched_id *out)
{
    char email[64];
    snprintf(email, sizeof email, "%s@example.com", key);
    CALL(s, engsched_user_upsert(s->f.db, SYS, key, email, key, role, flags, out));
    return STORY_DONE;
}

static int directory(story *s)
{
    fx *f = &s->f;
    static const char *const names[FX_CLIENTS] = {"Acme Corp", "Globex", "Initech"};
    for (int i = 0; i < FX_CLIENTS; i++) {
        char key[32];
        snprintf(key, sizeof key, "client-%d", i);
        CALL(s, engsched_client_upsert(f->db, SYS, key, names[i], &f->client[i]));
    }
    RUN(user(s, "admin", ENGSCHED_ROLE_ADMINISTRATOR, ENGSCHED_USER_ALL_CLIENTS, &f->admin));
    RUN(user(s, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS, &f->manager));
    RUN(user(s, "operator1", ENGSCHED_ROLE_OPERATOR, 0, &f->operator1));
    RUN(user(s, "operator2", ENGSCHED_ROLE_OPERATOR, 0, &f->operator2));
    RUN(user(s, "client", ENGSCHED_ROLE_CLIENT, 0, &f->client_user));
    RUN(user(s, "viewer", ENGSCHED_ROLE_VIEWER, 0, &f->viewer));
    RUN(user(s, "outsider", ENGSCHED_ROLE_MANAGER, 0, &f->outsider));
    CALL(s, engsched_access_grant(f->db, SYS, f->operator1, f->client[0]));
    CALL(s, engsched_access_grant(f->db, SYS, f->operator1, f->client[1]));
    CALL(s, engsched_access_grant(f->db, SYS, f->operator2, f->client[0]));
    CALL(s, engsched_access_grant(f->db, SYS, f->client_user, f->client[0]));
    CALL(s, engsched_access_grant(f->db, SYS, f->viewer, f->client[0]));
    CALL(s, engsched_access_grant(f->db, SYS, f->outsider, f->client[2]));
    /* Auckland is UTC+13 in March: its day starts at 11:00 UTC the day
     * before. Invitations need an organizer. */
    CALL(s, engsched_setting_set(f->db, f->admin, "timezone", "Pacific/Auckland"));
    CALL(s, engsched_setting_set(f->db, f->admin, "organizer_email", "pmo@example.com"));
    CALL(s, engsched_setting_set(f->db, f->admin, "organizer_name", "Test PMO"));
    CALL(s, engsched_setting_set(f->db, f->admin, "engagement_url",
                                 "https://sched.example/engagements/{id}"));
    CALL(s, engsched_setting_set(f->db, f->admin, "report_url",
                                 "https://reports.example/{id}"));
    return STORY_DONE;
}

/* --- tests/integration/test_story.c, test_whole_story -------------------- */

static int request_with_files(story *s)
{
    static const char scope[] = "Scope: *.acme.example\nOut of scope: production DB";
    static const char letter[] = "%PDF-1.7 authorisation letter";
    fx *f = &s->f;
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_name(s->in, "Q2 external web test"));
    CALL(s, engsched_input_set_client(s->in, f->client[0]));
    CALL(s, engsched_input_set_description(s->in, "External black-box test of the web estate"));
    CALL(s, engsched_input_set_type(s->in, "Web application"));
    CALL(s, engsched_input_set_location(s->in, "Remote"));
    CALL(s, engsched_input_set_contacts(s->in, "Jane Doe <jane@acme.example>"));
    CALL(s, engsched_input_set_dates(s->in, "2026-03-10", "2026-03-20"));
    CALL(s, engsched_input_set_custom_fields(s->in, "{\"po\": \"4711\", \"retest\": false}"));
    CALL(s, engsched_input_add_file(s->in, "scope.txt", "text/plain", scope, strlen(scope)));
    CALL(s, engsched_input_add_file(s->in, "authorisation.pdf", "application/pdf", letter,
                                    strlen(letter)));
    CALL(s, engsched_request(f->db, f->client_user, s->in, &s->story_id));
    free_input(s);
    return STORY_DONE;
}

static int approve_with_two_operators(story *s)
{
    fx *f = &s->f;
    int64_t version = 0;
    RUN(version_of(s, s->story_id, &version));
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_report_title(s->in, "Acme Q2 external web report"));
    CALL(s, engsched_input_set_dates(s->in, "2026-03-11", "2026-03-20"));
    CALL(s, engsched_input_add_operator(s->in, f->operator1, ENGSCHED_OPROLE_LEAD));
    CALL(s, engsched_input_add_operator(s->in, f->operator2, ENGSCHED_OPROLE_TESTER));
    CALL(s, engsched_approve(f->db, f->manager, s->story_id, version, s->in));
    free_input(s);
    return STORY_DONE;
}

static int whole_story(story *s)
{
    fx *f = &s->f;
    engsched_id id;
    RUN(request_with_files(s));
    id = s->story_id;
    RUN(expect_status(s, id, ENGSCHED_STATUS_PENDING));

    CALL(s, engsched_file_list_get(f->db, f->client_user, id, &s->files));
    CHECK(s, engsched_file_list_count(s->files) == 2);
    const char *name = NULL;
    CALL(s, engsched_file_list_item(s->files, 1, &s->file_id, &name, NULL, NULL, NULL, NULL));
    CHECK(s, strcmp(name, "authorisation.pdf") == 0);
    engsched_file_list_free(s->files);
    s->files = NULL;

    RUN(approve_with_two_operators(s));
    free_engagement(s);
    CALL(s, engsched_engagement_get(f->db, f->manager, id, &s->e));
    CHECK(s, engsched_engagement_status(s->e) == ENGSCHED_STATUS_SCHEDULED);
    CHECK(s, engsched_engagement_report_status(s->e) == ENGSCHED_REPORT_DRAFT);
    CHECK(s, strcmp(engsched_engagement_report_title(s->e), "Acme Q2 external web report") == 0);
    CHECK(s, strcmp(engsched_engagement_start(s->e), "2026-03-11") == 0);
    CHECK(s, strcmp(engsched_engagement_custom_fields(s->e),
                    "{\"po\":\"4711\",\"retest\":false}") == 0);
    CHECK(s, engsched_engagement_operator_count(s->e) == 2);
    s->report_id = engsched_engagement_report(s->e);
    CHECK(s, s->report_id > 0);
    free_engagement(s);

    /* 2026-03-10T10:59:59Z is still the 10th in Auckland: nothing starts;
     * 11:00Z is the 11th there while UTC says the 10th. Idempotent. */
    unsigned int moved = 99;
    CALL(s, engsched_tick(f->db, INT64_C(1773140399), &moved));
    CHECK(s, moved == 0);
    RUN(expect_status(s, id, ENGSCHED_STATUS_SCHEDULED));
    CALL(s, engsched_tick(f->db, INT64_C(1773140400), &moved));
    CHECK(s, moved == 1);
    RUN(expect_status(s, id, ENGSCHED_STATUS_IN_PROGRESS));
    CALL(s, engsched_tick(f->db, INT64_C(1773140400) + 3600, &moved));
    CHECK(s, moved == 0);

    /* The operator submits; the manager reviews, approves and publishes. */
    CALL(s, engsched_report_set_status(f->db, f->operator1, id, 0,
                                       ENGSCHED_REPORT_READY_FOR_REVIEW));
    RUN(expect_status(s, id, ENGSCHED_STATUS_IN_REVIEW));
    CALL(s, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_IN_REVIEW));
    CALL(s, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_APPROVED));
    CALL(s, engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_PUBLISHED));
    RUN(expect_status(s, id, ENGSCHED_STATUS_COMPLETE));

    /* Complete is not cancellable. */
    CALL_RC(s, ENGSCHED_ESTATE, engsched_cancel(f->db, f->manager, id, 0, "too late"));

    /* Another request is cancelled while Pending, with a reason. */
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_name(s->in, "Phishing exercise"));
    CALL(s, engsched_input_set_client(s->in, f->client[0]));
    CALL(s, engsched_input_set_dates(s->in, "2026-04-01", "2026-04-03"));
    CALL(s, engsched_request(f->db, f->client_user, s->in, &s->other_id));
    free_input(s);
    int64_t version = 0;
    RUN(version_of(s, s->other_id, &version));
    CALL(s, engsched_cancel(f->db, f->manager, s->other_id, version, "Budget cut"));
    CALL(s, engsched_engagement_get(f->db, f->client_user, s->other_id, &s->e));
    CHECK(s, engsched_engagement_status(s->e) == ENGSCHED_STATUS_CANCELED);
    CHECK(s, strcmp(engsched_engagement_cancel_reason(s->e), "Budget cut") == 0);
    free_engagement(s);
    CALL_RC(s, ENGSCHED_ESTATE, engsched_approve(f->db, f->manager, s->other_id, 0, NULL));

    /* The report links back; the audit trail tells the story in order. */
    engsched_id back = 0;
    CALL(s, engsched_report_engagement(f->db, f->manager, s->report_id, &back));
    CHECK(s, back == id);
    CALL(s, engsched_events_json(f->db, f->manager, id, &s->text));
    CHECK(s, fx_json_valid(s->text));
    const char *actions[] = {"engagement.requested", "file.attached", "engagement.approved",
                             "operator.assigned", "engagement.started", "engagement.in_review",
                             "engagement.completed"};
    const char *cursor = s->text;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        cursor = strstr(cursor, actions[i]);
        CHECK(s, cursor != NULL);
    }
    free_text(s);
    return STORY_DONE;
}

/* --- test_create_directly_in_the_past_starts_in_progress ---------------- */

static int create_directly(story *s)
{
    fx *f = &s->f;
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_name(s->in, "Red team"));
    CALL(s, engsched_input_set_client(s->in, f->client[1]));
    CALL(s, engsched_input_set_dates(s->in, "2026-02-20", "2026-03-05"));
    CALL(s, engsched_input_add_operator(s->in, f->operator1, ENGSCHED_OPROLE_LEAD));
    CALL(s, engsched_create(f->db, f->manager, s->in, &s->red_id));
    free_input(s);
    RUN(expect_status(s, s->red_id, ENGSCHED_STATUS_IN_PROGRESS));
    /* Moving the dates into the future moves it back to Scheduled. */
    int64_t version = 0;
    RUN(version_of(s, s->red_id, &version));
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_dates(s->in, "2026-05-01", "2026-05-10"));
    CALL(s, engsched_edit(f->db, f->manager, s->red_id, version, s->in));
    free_input(s);
    RUN(expect_status(s, s->red_id, ENGSCHED_STATUS_SCHEDULED));
    /* Published and back to Draft once started: In Progress. */
    f->now = FX_T0 + 90 * FX_DAY;
    CALL(s, engsched_report_set_status(f->db, f->operator1, s->red_id, 0,
                                       ENGSCHED_REPORT_READY_FOR_REVIEW));
    CALL(s, engsched_report_set_status(f->db, f->operator1, s->red_id, 0,
                                       ENGSCHED_REPORT_DRAFT));
    RUN(expect_status(s, s->red_id, ENGSCHED_STATUS_IN_PROGRESS));
    return STORY_DONE;
}

/* --- the rest of the API ------------------------------------------------- */

static int operators_and_time_off(story *s)
{
    fx *f = &s->f;
    engsched_id red = s->red_id;
    CALL(s, engsched_unavailability_add(f->db, f->operator2, f->operator2, "2026-05-04",
                                        "2026-05-05", "Training", &s->unavailability_id));
    CALL(s, engsched_access_grant(f->db, f->admin, f->operator2, f->client[1]));
    /* Warn policy: assigned, with the training as a conflict. */
    CALL(s, engsched_assign(f->db, f->manager, red, 0, f->operator2, ENGSCHED_OPROLE_TESTER,
                            &s->work));
    CHECK(s, engsched_work_list_count(s->work) == 1);
    const char *label = NULL;
    CALL(s, engsched_work_list_item(s->work, 0, NULL, NULL, &label, NULL, NULL, NULL));
    CHECK(s, strcmp(label, "Training") == 0);
    engsched_work_list_free(s->work);
    s->work = NULL;
    CALL(s, engsched_operator_conflicts(f->db, f->manager, red, f->operator2, &s->work));
    engsched_work_list_free(s->work);
    s->work = NULL;
    CALL(s, engsched_unavailability_list(f->db, f->manager, f->operator2, "2026-05-01",
                                         "2026-05-31", &s->work));
    CHECK(s, engsched_work_list_count(s->work) == 1);
    engsched_work_list_free(s->work);
    s->work = NULL;
    CALL(s, engsched_unassign(f->db, f->manager, red, 0, f->operator2));
    CALL(s, engsched_unavailability_remove(f->db, f->operator2, s->unavailability_id));
    return STORY_DONE;
}

static int support_files(story *s)
{
    fx *f = &s->f;
    static const char notes[] = "kick-off notes";
    char buf[8];
    size_t got = 0;
    engsched_id file = 0;
    CALL(s, engsched_file_attach(f->db, f->operator1, s->red_id, "notes.txt", "text/plain", notes,
                                 strlen(notes), &file));
    CALL(s, engsched_file_read(f->db, f->operator1, file, 5, buf, sizeof buf, &got));
    CHECK(s, got == sizeof buf && memcmp(buf, notes + 5, got) == 0);
    CALL(s, engsched_file_read(f->db, f->client_user, s->file_id, 0, buf, sizeof buf, &got));
    CHECK(s, got == sizeof buf);
    CALL(s, engsched_file_delete(f->db, f->manager, file));
    return STORY_DONE;
}

static int views(story *s)
{
    fx *f = &s->f;
    int has_row = 0;
    size_t rows = 0;
    CALL(s, engsched_query_new(f->db, &s->q));
    CALL(s, engsched_query_set_statuses(s->q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                                  ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED)));
    CALL(s, engsched_query_set_sort(s->q, ENGSCHED_SORT_NAME, 0));
    CALL(s, engsched_query_set_limit(s->q, 2));
    CALL(s, engsched_list(f->db, f->manager, s->q, NULL, &s->cur));
    for (;;) {
        CALL(s, engsched_cursor_next(s->cur, &has_row));
        if (!has_row)
            break;
        rows++;
    }
    CHECK(s, rows == 2);
    char token[512];
    CHECK(s, engsched_cursor_next_token(s->cur) != NULL);
    CHECK(s, strlen(engsched_cursor_next_token(s->cur)) < sizeof token);
    strcpy(token, engsched_cursor_next_token(s->cur));
    engsched_cursor_free(s->cur);
    s->cur = NULL;
    CALL(s, engsched_list(f->db, f->manager, s->q, token, &s->cur));
    for (;;) {
        CALL(s, engsched_cursor_next(s->cur, &has_row));
        if (!has_row)
            break;
        rows++;
    }
    CHECK(s, rows == 3);
    engsched_cursor_free(s->cur);
    s->cur = NULL;

    CALL(s, engsched_query_set_range(s->q, "2026-03-01", "2026-05-31"));
    CALL(s, engsched_query_set_text(s->q, "TEAM"));
    CALL(s, engsched_calendar(f->db, f->operator1, s->q, &s->cur));
    rows = 0;
    for (;;) {
        CALL(s, engsched_cursor_next(s->cur, &has_row));
        if (!has_row)
            break;
        rows++;
    }
    CHECK(s, rows == 1);
    engsched_cursor_free(s->cur);
    s->cur = NULL;
    engsched_query_free(s->q);
    s->q = NULL;

    CALL(s, engsched_availability_open(f->db, f->manager, "2026-03-01", "2026-05-31", &s->av));
    rows = 0;
    for (;;) {
        CALL(s, engsched_availability_next(s->av, &has_row));
        if (!has_row)
            break;
        rows++;
        CHECK(s, engsched_availability_work(s->av) != NULL);
    }
    CHECK(s, rows >= 2); /* the operators, and everyone whose role makes them one */
    engsched_availability_free(s->av);
    s->av = NULL;

    unsigned int actions = 0;
    CALL(s, engsched_capabilities(f->db, f->operator1, s->red_id, &actions));
    CHECK(s, (actions & ENGSCHED_ACTION_REPORT_EDIT) != 0);
    return STORY_DONE;
}

static int calendar_and_json(story *s)
{
    fx *f = &s->f;
    CALL(s, engsched_invitation_ics(f->db, f->operator1, s->red_id, f->operator1, &s->text));
    CHECK(s, strstr(s->text, "METHOD:REQUEST") != NULL);
    CHECK(s, strstr(s->text, "END:VCALENDAR") != NULL);
    CALL(s, engsched_invitation_mail(f->db, f->manager, s->red_id, f->operator2, &s->text2));
    CHECK(s, strstr(s->text2, "CANCEL") != NULL);
    free_text(s);
    CALL(s, engsched_feed_ics(f->db, f->operator1, f->operator1, &s->text));
    CHECK(s, strstr(s->text, "END:VCALENDAR") != NULL);
    free_text(s);
    CALL(s, engsched_engagement_json(f->db, f->client_user, s->story_id, &s->text));
    CHECK(s, fx_json_valid(s->text));
    free_text(s);
    unsigned int imported = 0;
    CALL(s, engsched_export_json(f->db, f->manager, &s->text));
    CHECK(s, fx_json_valid(s->text));
    CALL(s, engsched_import_json(f->db, f->admin, s->text, &imported));
    CHECK(s, imported == 3);
    free_text(s);
    return STORY_DONE;
}

static int administration(story *s)
{
    fx *f = &s->f;
    engsched_id found = 0;
    unsigned int permissions = 0;
    int schema = 0;
    int64_t seq = 0;
    CALL(s, engsched_role_create(f->db, f->admin, "Auditor",
                                 ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW, &s->role_id));
    CALL(s, engsched_role_set_permissions(f->db, f->admin, s->role_id,
                                          ENGSCHED_PERM_VIEW | ENGSCHED_PERM_VIEW_AVAILABILITY));
    CALL(s, engsched_role_find(f->db, "Auditor", &found));
    CHECK(s, found == s->role_id);
    CALL(s, engsched_user_upsert(f->db, f->admin, "auditor", NULL, "Auditor", s->role_id, 0,
                                 &found));
    CALL(s, engsched_user_permissions(f->db, found, &permissions));
    CHECK(s, permissions == (ENGSCHED_PERM_VIEW | ENGSCHED_PERM_VIEW_AVAILABILITY));
    CALL(s, engsched_access_revoke(f->db, f->admin, f->viewer, f->client[0]));
    CALL(s, engsched_client_find(f->db, "client-1", &found));
    CHECK(s, found == f->client[1]);
    CALL(s, engsched_client_name(f->db, found, &s->text));
    CHECK(s, strcmp(s->text, "Globex") == 0);
    free_text(s);
    CALL(s, engsched_user_find(f->db, "operator2", &found));
    CALL(s, engsched_setting_get(f->db, "timezone", &s->text));
    CHECK(s, strcmp(s->text, "Pacific/Auckland") == 0);
    free_text(s);
    CALL(s, engsched_schema_version(f->db, &schema));
    CALL(s, engsched_events_last_seq(f->db, &seq));
    CHECK(s, seq > 0);
    return STORY_DONE;
}

/* A batch: two requests and an approval in one transaction, with a
 * refused cancel between them undone alone; the events and the mail come
 * after the commit. Then a batch rolled back leaves nothing. */
static int batch(story *s)
{
    fx *f = &s->f;
    size_t events = f->events_seen, mails = s->mails;
    engsched_id first = 0, second = 0;
    CALL(s, engsched_batch_begin(f->db));
    s->in_batch = 1;
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_name(s->in, "Batched external test"));
    CALL(s, engsched_input_set_client(s->in, f->client[0]));
    CALL(s, engsched_input_set_dates(s->in, "2026-06-01", "2026-06-05"));
    CALL(s, engsched_request(f->db, f->client_user, s->in, &first));
    CALL_RC(s, ENGSCHED_ESTATE, engsched_cancel(f->db, f->manager, s->story_id, 0, "batched"));
    CALL(s, engsched_request(f->db, f->client_user, s->in, &second));
    free_input(s);
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_add_operator(s->in, f->operator1, ENGSCHED_OPROLE_LEAD));
    CALL(s, engsched_approve(f->db, f->manager, first, 0, s->in));
    free_input(s);
    CHECK(s, f->events_seen == events && s->mails == mails);
    CALL(s, engsched_batch_commit(f->db));
    s->in_batch = 0;
    /* requested ×2, approved, assigned. Should delivery after the commit
     * have failed (an allocation failure injected there), what it did not
     * deliver is still pending in the outbox: the next delivery brings it. */
    if (f->events_seen < events + 4)
        CALL(s, engsched_deliver(f->db, 0, NULL));
    CHECK(s, f->events_seen == events + 4);
    RUN(expect_status(s, first, ENGSCHED_STATUS_SCHEDULED));
    RUN(expect_status(s, second, ENGSCHED_STATUS_PENDING));

    CALL(s, engsched_batch_begin(f->db));
    s->in_batch = 1;
    CALL(s, engsched_cancel(f->db, f->manager, second, 0, "rolled back"));
    CALL(s, engsched_batch_rollback(f->db));
    s->in_batch = 0;
    CHECK(s, f->events_seen == events + 4);
    RUN(expect_status(s, second, ENGSCHED_STATUS_PENDING));
    return STORY_DONE;
}

/* The end: a rename re-sends the invitations, a cancel cancels them. */
static int rename_and_cancel(story *s)
{
    fx *f = &s->f;
    int64_t version = 0;
    RUN(version_of(s, s->red_id, &version));
    CALL(s, engsched_input_new(f->db, &s->in));
    CALL(s, engsched_input_set_name(s->in, "Red team, phase 2"));
    CALL(s, engsched_input_set_custom_fields(s->in, "{\"phase\": 2}"));
    CALL(s, engsched_edit(f->db, f->manager, s->red_id, version, s->in));
    free_input(s);
    CALL(s, engsched_cancel(f->db, f->manager, s->red_id, 0, "Client postponed"));
    RUN(expect_status(s, s->red_id, ENGSCHED_STATUS_CANCELED));
    return STORY_DONE;
}

/* --- entry points -------------------------------------------------------- */

void story_remove_files(const char *path)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

void story_init(story *s, const char *path, const story_hooks *hooks)
{
    memset(s, 0, sizeof *s);
    s->f.now = FX_T0;
    snprintf(s->f.path, sizeof s->f.path, "%s", path);
    if (strcmp(path, ":memory:") != 0)
        story_remove_files(path);
    if (hooks != NULL)
        s->hooks = *hooks;
}

int story_run(story *s)
{
    RUN(open_store(s));
    RUN(directory(s));
    RUN(whole_story(s));
    RUN(create_directly(s));
    RUN(operators_and_time_off(s));
    RUN(support_files(s));
    RUN(views(s));
    RUN(calendar_and_json(s));
    RUN(administration(s));
    RUN(batch(s));
    RUN(rename_and_cancel(s));
    return STORY_DONE;
}

void story_finish(story *s)
{
    free_input(s);
    free_engagement(s);
    engsched_file_list_free(s->files);
    engsched_work_list_free(s->work);
    engsched_cursor_free(s->cur);
    engsched_availability_free(s->av);
    engsched_query_free(s->q);
    free_text(s);
    s->files = NULL;
    s->work = NULL;
    s->cur = NULL;
    s->av = NULL;
    s->q = NULL;
    engsched_close(s->f.db);
    s->f.db = NULL;
}
