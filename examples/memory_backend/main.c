/* engsched-memory-demo: a short story on the in-memory backend.
 *
 * Everything runs through the public API of libengsched on a handle opened
 * with engsched_open_backend(): the library cannot tell this backend from
 * SQLite. A request with a file, an approval, the hourly tick, the report
 * on to review, a refused action that changes nothing, and the List view
 * in pages of two as two different users see it.
 *
 * Usage: engsched-memory-demo (no arguments; prints the story, exits 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/engsched.h>

#include "memory_backend.h"

/* 2026-03-01T12:00:00Z: the demo's own clock, so the output never varies. */
#define T0 INT64_C(1772366400)
#define DAY INT64_C(86400)

static int64_t clock_now(void *ctx) { return *(const int64_t *)ctx; }

static void on_event(void *ctx, const char *json)
{
    (void)json;
    (*(unsigned int *)ctx)++;
}

/* Stop the demo with the handle's message when a step fails. */
static void check(engsched *db, engsched_rc rc, const char *what)
{
    if (rc == ENGSCHED_OK)
        return;
    fprintf(stderr, "engsched-memory-demo: %s: %s: %s\n", what, engsched_rc_name(rc),
            engsched_errmsg(db));
    engsched_close(db);
    exit(1);
}

static void show(engsched *db, engsched_id id, const char *step)
{
    engsched_engagement *e = NULL;
    check(db, engsched_engagement_get(db, ENGSCHED_SYSTEM, id, &e), "reading an engagement");
    printf("%-34s -> %s (report: %s, version %lld)\n", step,
           engsched_status_label(engsched_engagement_status(e)),
           engsched_report_status_label(engsched_engagement_report_status(e)),
           (long long)engsched_engagement_version(e));
    engsched_engagement_free(e);
}

static engsched_id request(engsched *db, engsched_id actor, engsched_id client,
                           const char *name, const char *start, const char *end,
                           const char *file)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    check(db, engsched_input_new(db, &in), "new input");
    check(db, engsched_input_set_name(in, name), "name");
    check(db, engsched_input_set_client(in, client), "client");
    check(db, engsched_input_set_dates(in, start, end), "dates");
    if (file != NULL)
        check(db, engsched_input_add_file(in, "scope.txt", "text/plain", file, strlen(file)),
              "file");
    engsched_rc rc = engsched_request(db, actor, in, &id);
    engsched_input_free(in);
    check(db, rc, "request");
    return id;
}

/* The List view as @p actor sees it, two rows a page, resumed by token. */
static void list_view(engsched *db, engsched_id actor, const char *who)
{
    engsched_query *q = NULL;
    check(db, engsched_query_new(db, &q), "new query");
    check(db, engsched_query_set_sort(q, ENGSCHED_SORT_START, 0), "sort");
    check(db, engsched_query_set_limit(q, 2), "limit");
    printf("\nList view as %s:\n", who);
    char *token = NULL;
    int pages = 0;
    do {
        engsched_cursor *cur = NULL;
        engsched_rc rc = engsched_list(db, actor, q, token, &cur);
        free(token);
        token = NULL;
        check(db, rc, "list");
        pages++;
        int has_row = 0;
        while ((rc = engsched_cursor_next(cur, &has_row)) == ENGSCHED_OK && has_row)
            printf("  #%lld  %-26s %s .. %s  %s\n", (long long)engsched_cursor_id(cur),
                   engsched_cursor_name(cur), engsched_cursor_start(cur),
                   engsched_cursor_end(cur),
                   engsched_status_label(engsched_cursor_status(cur)));
        if (rc == ENGSCHED_OK && engsched_cursor_next_token(cur) != NULL) {
            const char *next = engsched_cursor_next_token(cur);
            token = malloc(strlen(next) + 1);
            if (token != NULL)
                memcpy(token, next, strlen(next) + 1);
        }
        engsched_cursor_free(cur);
        check(db, rc, "next row");
    } while (token != NULL);
    printf("  (%d page%s)\n", pages, pages == 1 ? "" : "s");
    engsched_query_free(q);
}

int main(void)
{
    int64_t now = T0;
    unsigned int events = 0;
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.clock = clock_now;
    opts.clock_ctx = &now;
    opts.on_event = on_event;
    opts.event_ctx = &events;

    /* The backend is ours until engsched_open_backend() succeeds; then
     * the handle owns it and engsched_close() frees it. */
    engsched_storage *backend = NULL;
    engsched_rc rc = engsched_example_memory_backend_new(&backend);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "engsched-memory-demo: %s\n", engsched_rc_name(rc));
        return 1;
    }
    engsched *db = NULL;
    rc = engsched_open_backend(backend, &opts, &db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "engsched-memory-demo: open: %s: %s\n", engsched_rc_name(rc),
                engsched_open_errmsg());
        backend->free(backend);
        return 1;
    }
    int schema = 0;
    check(db, engsched_schema_version(db, &schema), "schema version");
    printf("libengsched %s on the in-memory example backend, schema version %d\n",
           engsched_version(), schema);

    /* The directory, mirrored from the host by its keys. */
    engsched_id acme = 0, globex = 0, morgan = 0, alice = 0, carol = 0;
    check(db, engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme Corp", &acme), "client");
    check(db, engsched_client_upsert(db, ENGSCHED_SYSTEM, "globex", "Globex", &globex),
          "client");
    check(db, engsched_user_upsert(db, ENGSCHED_SYSTEM, "morgan", "morgan@example.com",
                                   "Morgan Manager", ENGSCHED_ROLE_MANAGER,
                                   ENGSCHED_USER_ALL_CLIENTS, &morgan),
          "user");
    check(db, engsched_user_upsert(db, ENGSCHED_SYSTEM, "alice", "alice@example.com",
                                   "Alice Operator", ENGSCHED_ROLE_OPERATOR, 0, &alice),
          "user");
    check(db, engsched_user_upsert(db, ENGSCHED_SYSTEM, "carol", "carol@acme.example",
                                   "Carol Client", ENGSCHED_ROLE_CLIENT, 0, &carol),
          "user");
    check(db, engsched_access_grant(db, ENGSCHED_SYSTEM, alice, acme), "grant");
    check(db, engsched_access_grant(db, ENGSCHED_SYSTEM, alice, globex), "grant");
    check(db, engsched_access_grant(db, ENGSCHED_SYSTEM, carol, acme), "grant");

    /* Carol asks for a test, with its scope attached. */
    engsched_id web = request(db, carol, acme, "Acme external web test", "2026-03-02",
                              "2026-03-06", "Scope: *.acme.example\n");
    show(db, web, "requested by carol with scope.txt");

    /* Morgan approves it with Alice as the lead: the report is created. */
    engsched_input *in = NULL;
    check(db, engsched_input_new(db, &in), "new input");
    check(db, engsched_input_set_report_title(in, "Acme web report"), "title");
    check(db, engsched_input_add_operator(in, alice, ENGSCHED_OPROLE_LEAD), "operator");
    rc = engsched_approve(db, morgan, web, 0, in);
    engsched_input_free(in);
    check(db, rc, "approve");
    show(db, web, "approved by morgan");

    /* Two more, so the List view has pages. */
    request(db, morgan, globex, "Globex cloud review", "2026-03-16", "2026-03-20", NULL);
    request(db, morgan, acme, "Acme phishing exercise", "2026-04-13", "2026-04-17", NULL);

    /* A day later the hourly job starts the first one. */
    now = T0 + DAY;
    unsigned int moved = 0;
    check(db, engsched_tick(db, now, &moved), "tick");
    printf("hourly tick: %u moved to In Progress\n", moved);
    show(db, web, "after the tick");

    /* A refused action rolls back whole: nothing changes, no event. */
    int64_t seq_before = 0, seq_after = 0;
    check(db, engsched_events_last_seq(db, &seq_before), "last seq");
    rc = engsched_cancel(db, carol, web, 0, "changed my mind");
    check(db, engsched_events_last_seq(db, &seq_after), "last seq");
    printf("carol cancelling: %s; event log %s\n", engsched_rc_name(rc),
           seq_after == seq_before ? "unchanged" : "CHANGED");

    /* Alice writes the report and hands it in for review. */
    check(db, engsched_report_set_status(db, alice, web, 0, ENGSCHED_REPORT_READY_FOR_REVIEW),
          "report");
    show(db, web, "report Ready for Review");

    list_view(db, morgan, "morgan (every client)");
    list_view(db, carol, "carol (Acme only)");

    check(db, engsched_events_last_seq(db, &seq_after), "last seq");
    printf("\nevents: %lld stored, %u delivered after commit\n", (long long)seq_after, events);
    engsched_close(db); /* frees the backend, and with it every record */
    return 0;
}
