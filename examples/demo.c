/*
 * engsched-demo — the whole story of libengsched, end to end.
 *
 *   engsched-demo [DB [OUTBOX]]
 *
 * Creates a store at DB (default engsched-demo.db; it must be new), mirrors
 * a small directory into it (clients, users, a custom role, client access),
 * and plays the lifecycle of docs/design.md §2 on a controlled clock in
 * March 2026, so the output is the same whatever today's date is:
 *
 *   a client requests an engagement with a support file; a manager approves
 *   it, sets the report details and staffs it with two operators; more work
 *   is created and staffed over existing work (the conflicts are shown); the
 *   hourly tick starts engagements on their first day; a report goes through
 *   review and is published; another request is cancelled; a few refusals
 *   show the rules (permission, status, stale version).
 *
 * Then it prints the List view (a table), the Calendar view (a month grid,
 * each engagement in its status colour when stdout is a terminal and
 * NO_COLOR is not set) and the Availability view, and reports the
 * invitation mail the library handed over: each message is written to
 * OUTBOX (default: "outbox" next to DB) as <n>-<recipient>.eml.
 *
 * Every result code is checked; on a failure the library's message is
 * printed as "demo: <message>" and the exit status is 1.
 */
#include <engsched/engsched.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "excommon.h"

/* 2026-03-02T09:00:00Z, a Monday: the story's first instant. */
#define DEMO_T0 INT64_C(1772442000)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

typedef struct demo {
    engsched *db;
    int64_t now; /* the controlled clock */
    char outbox[4096];
    unsigned int mails, mail_failures, events;
    int colour;
    /* directory */
    engsched_id acme, globex, qa_role;
    engsched_id admin, morgan, alice, bob, carol, quinn;
    /* engagements */
    engsched_id web, api, network, cloud, phishing, mobile;
} demo;

/* --- callbacks: the host side of the library ------------------------------ */

static int64_t demo_clock(void *ctx)
{
    return ((demo *)ctx)->now;
}

static void demo_on_event(void *ctx, const char *json)
{
    (void)json; /* a host would forward it as a webhook */
    ((demo *)ctx)->events++;
}

static int demo_on_mail(void *ctx, engsched_id engagement, engsched_id user,
                        const char *recipient, const char *message, size_t length)
{
    (void)engagement;
    (void)user;
    demo *d = ctx;
    char path[4200];
    if (ex_outbox_write(d->outbox, recipient, message, length, path, sizeof path) != 0) {
        fprintf(stderr, "demo: cannot write the mail to %s into %s: %s\n", recipient, d->outbox,
                strerror(errno));
        d->mail_failures++;
        return 1;
    }
    d->mails++;
    const char *base = strrchr(path, '/');
    printf("      mail to %s -> %s\n", recipient, base ? base + 1 : path);
    return 0;
}

static void demo_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx;
    fprintf(stderr, "demo: library %s: %s\n", level >= ENGSCHED_LOG_ERROR ? "error" : "warning",
            message);
}

/* --- checking results ------------------------------------------------------ */

static int ok(demo *d, engsched_rc rc)
{
    if (rc == ENGSCHED_OK)
        return 1;
    fprintf(stderr, "demo: %s\n", engsched_errmsg(d->db));
    return 0;
}

/* A refusal the story expects: the rule the library enforces. */
static int refused(demo *d, engsched_rc rc, engsched_rc want, const char *what)
{
    if (rc == want) {
        printf("    refused as expected, %s: %s (%s)\n", what, engsched_errmsg(d->db),
               engsched_rc_name(rc));
        return 1;
    }
    if (rc == ENGSCHED_OK)
        fprintf(stderr, "demo: %s was allowed, expected %s\n", what, engsched_rc_name(want));
    else
        fprintf(stderr, "demo: %s: %s\n", what, engsched_errmsg(d->db));
    return 0;
}

static void stamp(demo *d, const char *text)
{
    char when[21];
    ex_instant_format(d->now, when);
    printf("[%s] %s\n", when, text);
}

/* Print the engagement's status now, as the narrator (the system) sees it. */
static int show_status(demo *d, engsched_id id, const char *what)
{
    engsched_engagement *e = NULL;
    if (!ok(d, engsched_engagement_get(d->db, ENGSCHED_SYSTEM, id, &e)))
        return 0;
    printf("    #%lld %s -> %s\n", (long long)id, what,
           engsched_status_label(engsched_engagement_status(e)));
    engsched_engagement_free(e);
    return 1;
}

static int version_of(demo *d, engsched_id id, int64_t *out)
{
    engsched_engagement *e = NULL;
    if (!ok(d, engsched_engagement_get(d->db, ENGSCHED_SYSTEM, id, &e)))
        return 0;
    *out = engsched_engagement_version(e);
    engsched_engagement_free(e);
    return 1;
}

/* --- the directory ------------------------------------------------------- */

static int user(demo *d, const char *key, const char *name, engsched_id role, unsigned int flags,
                engsched_id *out)
{
    char email[64];
    snprintf(email, sizeof email, "%s@example.com", key);
    return ok(d, engsched_user_upsert(d->db, ENGSCHED_SYSTEM, key, email, name, role, flags, out));
}

static int setup_directory(demo *d)
{
    /* The host mirrors its own directory as the system actor... */
    int good = ok(d, engsched_client_upsert(d->db, ENGSCHED_SYSTEM, "acme", "Acme Corp", &d->acme)) &&
               ok(d, engsched_client_upsert(d->db, ENGSCHED_SYSTEM, "globex", "Globex", &d->globex)) &&
               ok(d, engsched_role_create(d->db, ENGSCHED_SYSTEM, "QA Reviewer",
                                          ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW |
                                              ENGSCHED_PERM_REPORT_REVIEW |
                                              ENGSCHED_PERM_REPORT_PUBLISH |
                                              ENGSCHED_PERM_FILES_DOWNLOAD,
                                          &d->qa_role)) &&
               user(d, "admin", "Ada Admin", ENGSCHED_ROLE_ADMINISTRATOR,
                    ENGSCHED_USER_ALL_CLIENTS, &d->admin) &&
               user(d, "morgan", "Morgan Manager", ENGSCHED_ROLE_MANAGER,
                    ENGSCHED_USER_ALL_CLIENTS, &d->morgan) &&
               user(d, "alice", "Alice Operator", ENGSCHED_ROLE_OPERATOR, 0, &d->alice) &&
               user(d, "bob", "Bob Operator", ENGSCHED_ROLE_OPERATOR, 0, &d->bob) &&
               user(d, "carol", "Carol Client", ENGSCHED_ROLE_CLIENT, 0, &d->carol) &&
               user(d, "quinn", "Quinn Reviewer", d->qa_role, ENGSCHED_USER_ALL_CLIENTS,
                    &d->quinn) &&
               ok(d, engsched_access_grant(d->db, ENGSCHED_SYSTEM, d->alice, d->acme)) &&
               ok(d, engsched_access_grant(d->db, ENGSCHED_SYSTEM, d->alice, d->globex)) &&
               ok(d, engsched_access_grant(d->db, ENGSCHED_SYSTEM, d->bob, d->acme)) &&
               ok(d, engsched_access_grant(d->db, ENGSCHED_SYSTEM, d->bob, d->globex)) &&
               ok(d, engsched_access_grant(d->db, ENGSCHED_SYSTEM, d->carol, d->acme));
    if (!good)
        return 0;
    /* ...and the administrator sets up the tenant: invitations need these. */
    static const char *const settings[][2] = {
        {"timezone", "Europe/London"},
        {"organizer_email", "scheduling@example.com"},
        {"organizer_name", "Example Security Scheduling"},
        {"uid_domain", "engsched.example.com"},
        {"engagement_url", "https://portal.example.com/engagements/{id}"},
        {"report_url", "https://portal.example.com/reports/{id}"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (!ok(d, engsched_setting_set(d->db, d->admin, settings[i][0], settings[i][1])))
            return 0;
    }
    stamp(d, "directory: clients Acme Corp, Globex; custom role QA Reviewer");
    printf("    users: admin (Administrator), morgan (Manager), alice and bob (Operator),\n"
           "           carol (Client, Acme Corp), quinn (QA Reviewer); time zone Europe/London\n");
    return 1;
}

/* --- the story ------------------------------------------------------------ */

static int request(demo *d, engsched_id actor, const char *name, const char *start,
                   const char *end, const char *file, engsched_id *out)
{
    static const char scope[] = "In scope: www.acme.example, api.acme.example\n"
                                "Out of scope: production databases\n";
    engsched_input *in = NULL;
    int good = ok(d, engsched_input_new(d->db, &in)) &&
               ok(d, engsched_input_set_name(in, name)) &&
               ok(d, engsched_input_set_client(in, d->acme)) &&
               ok(d, engsched_input_set_dates(in, start, end)) &&
               ok(d, engsched_input_set_contacts(in, "Carol Client <carol@example.com>")) &&
               (file == NULL ||
                (ok(d, engsched_input_set_description(in, "Black-box test of the web estate")) &&
                 ok(d, engsched_input_set_type(in, "Web application")) &&
                 ok(d, engsched_input_set_location(in, "Remote")) &&
                 ok(d, engsched_input_set_custom_fields(in, "{\"po\":\"PO-4711\"}")) &&
                 ok(d, engsched_input_add_file(in, file, "text/plain", scope,
                                               sizeof scope - 1)))) &&
               ok(d, engsched_request(d->db, actor, in, out));
    engsched_input_free(in);
    if (!good)
        return 0;
    char what[200];
    snprintf(what, sizeof what, "\"%s\" %s..%s requested by carol%s%s", name, start, end,
             file ? " with " : "", file ? file : "");
    return show_status(d, *out, what);
}

/* Create directly (CREATE) with an optional lead operator. */
static int create(demo *d, engsched_id client, const char *name, const char *start,
                  const char *end, engsched_id lead, engsched_id *out)
{
    engsched_input *in = NULL;
    int good = ok(d, engsched_input_new(d->db, &in)) &&
               ok(d, engsched_input_set_name(in, name)) &&
               ok(d, engsched_input_set_client(in, client)) &&
               ok(d, engsched_input_set_dates(in, start, end)) &&
               (lead == 0 || ok(d, engsched_input_add_operator(in, lead, ENGSCHED_OPROLE_LEAD))) &&
               ok(d, engsched_create(d->db, d->morgan, in, out));
    engsched_input_free(in);
    if (!good)
        return 0;
    char what[200];
    snprintf(what, sizeof what, "\"%s\" %s..%s created by morgan%s", name, start, end,
             lead ? " with a lead operator" : "");
    return show_status(d, *out, what);
}

static int approve_and_staff(demo *d)
{
    int64_t version = 0;
    engsched_input *in = NULL;
    int good = version_of(d, d->web, &version) && ok(d, engsched_input_new(d->db, &in)) &&
               ok(d, engsched_input_set_report_title(in, "Acme Corp external web test report")) &&
               ok(d, engsched_input_add_operator(in, d->alice, ENGSCHED_OPROLE_LEAD)) &&
               ok(d, engsched_input_add_operator(in, d->bob, ENGSCHED_OPROLE_TESTER)) &&
               ok(d, engsched_approve(d->db, d->morgan, d->web, version, in));
    engsched_input_free(in);
    return good && show_status(d, d->web, "approved by morgan (Schedule & create report), "
                                          "alice leads, bob tests");
}

/* The value of the first "NAME:" line of an iCalendar text, unfolded
 * (RFC 5545 §3.1: CRLF and one space continue a line), into out. */
static int ics_value(const char *ics, const char *name, char *out, size_t size)
{
    size_t n = 0, len = strlen(name);
    for (const char *p = ics; *p; p++) {
        if ((p == ics || p[-1] == '\n') && strncmp(p, name, len) == 0 && p[len] == ':') {
            for (p += len + 1; *p && n + 1 < size; p++) {
                if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
                    p += 2;
                else if (p[0] == '\r')
                    break;
                else
                    out[n++] = *p;
            }
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}

/* What the operator's calendar client sends back (iTIP REPLY), built here
 * from their invitation as Thunderbird would; a host takes it from the
 * text/calendar part of the mail that reaches the organizer. */
static int answer(demo *d, engsched_id engagement, engsched_id op, const char *who,
                  const char *partstat)
{
    char *ics = NULL, uid[512], seq[32], reply[2048];
    if (!ok(d, engsched_invitation_ics(d->db, op, engagement, op, &ics)))
        return 0;
    int found = ics_value(ics, "UID", uid, sizeof uid) && ics_value(ics, "SEQUENCE", seq, sizeof seq);
    engsched_free(ics);
    if (!found)
        return 0;
    snprintf(reply, sizeof reply,
             "BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
             "VERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%s\r\n"
             "DTSTAMP:20260303T090000Z\r\nATTENDEE;PARTSTAT=%s:mailto:%s@example.com\r\n"
             "END:VEVENT\r\nEND:VCALENDAR\r\n",
             uid, seq, partstat, who);
    engsched_reply_result r = {ENGSCHED_REPLY_RESULT_VERSION, 0, 0, ENGSCHED_RESPONSE_NONE, 0};
    if (!ok(d, engsched_invitation_reply(d->db, ENGSCHED_SYSTEM, reply, strlen(reply), &r)))
        return 0;
    printf("    %s %s #%lld (SEQUENCE %lld)\n", who, engsched_response_name(r.response),
           (long long)r.engagement, (long long)r.sequence);
    return 1;
}

/* Assign under the default (warn) policy and show the existing work. */
static int assign(demo *d, engsched_id engagement, engsched_id op, const char *who,
                  engsched_operator_role role)
{
    engsched_work_list *conflicts = NULL;
    if (!ok(d, engsched_assign(d->db, d->morgan, engagement, 0, op, role, &conflicts)))
        return 0;
    size_t n = engsched_work_list_count(conflicts);
    printf("    %s assigned to #%lld; existing work in those dates: %zu\n", who,
           (long long)engagement, n);
    for (size_t i = 0; i < n; i++) {
        engsched_work_kind kind;
        const char *label, *start, *end;
        engsched_status status;
        if (!ok(d, engsched_work_list_item(conflicts, i, &kind, NULL, &label, &start, &end,
                                           &status))) {
            engsched_work_list_free(conflicts);
            return 0;
        }
        printf("      warning: %s %s..%s (%s)\n", label, start, end,
               kind == ENGSCHED_WORK_UNAVAILABLE ? "unavailable" : engsched_status_label(status));
    }
    engsched_work_list_free(conflicts);
    return 1;
}

static int report_to(demo *d, engsched_id actor, const char *who, engsched_report_status status)
{
    char what[160];
    if (!ok(d, engsched_report_set_status(d->db, actor, d->web, 0, status)))
        return 0;
    snprintf(what, sizeof what, "report set to %s by %s", engsched_report_status_label(status),
             who);
    return show_status(d, d->web, what);
}

static int tick(demo *d)
{
    unsigned int moved = 0;
    if (!ok(d, engsched_tick(d->db, d->now, &moved)))
        return 0;
    char line[80];
    snprintf(line, sizeof line, "hourly tick: %u moved to In Progress", moved);
    stamp(d, line);
    return 1;
}

static int play(demo *d)
{
    printf("\n== Story\n");
    if (!setup_directory(d))
        return 0;

    stamp(d, "a client requests an engagement with a support file");
    if (!request(d, d->carol, "Acme external web test", "2026-03-09", "2026-03-18", "scope.txt",
                 &d->web))
        return 0;
    stamp(d, "the manager approves and staffs it");
    if (!approve_and_staff(d))
        return 0;

    stamp(d, "more work is created directly and staffed over existing work");
    if (!create(d, d->acme, "Acme API retest", "2026-03-02", "2026-03-06", d->alice, &d->api))
        return 0;
    engsched_id leave = 0;
    if (!ok(d, engsched_unavailability_add(d->db, d->bob, d->bob, "2026-03-23", "2026-03-27",
                                           "Annual leave", &leave)))
        return 0;
    printf("    bob records Annual leave 2026-03-23..2026-03-27\n");
    if (!create(d, d->globex, "Globex internal network", "2026-03-16", "2026-03-27", 0,
                &d->network) ||
        !assign(d, d->network, d->alice, "alice", ENGSCHED_OPROLE_LEAD) ||
        !assign(d, d->network, d->bob, "bob", ENGSCHED_OPROLE_TESTER) ||
        !create(d, d->globex, "Globex cloud review", "2026-03-30", "2026-04-02", d->bob,
                &d->cloud))
        return 0;

    stamp(d, "the operators' calendars answer their invitations");
    if (!answer(d, d->web, d->alice, "alice", "ACCEPTED") ||
        !answer(d, d->network, d->bob, "bob", "DECLINED"))
        return 0;

    stamp(d, "two more requests; the client may not approve its own");
    if (!request(d, d->carol, "Acme phishing exercise", "2026-04-13", "2026-04-17", NULL,
                 &d->phishing) ||
        !request(d, d->carol, "Acme mobile app review", "2026-04-20", "2026-04-24", NULL,
                 &d->mobile) ||
        !refused(d, engsched_approve(d->db, d->carol, d->mobile, 0, NULL), ENGSCHED_EDENIED,
                 "carol approving"))
        return 0;

    d->now = DEMO_T0 + 2 * DAY + HOUR; /* Wednesday 10:00 */
    stamp(d, "the phishing exercise is cancelled");
    if (!ok(d, engsched_cancel(d->db, d->morgan, d->phishing, 0, "Budget moved to Q3")) ||
        !show_status(d, d->phishing, "cancelled by morgan: Budget moved to Q3") ||
        !refused(d, engsched_approve(d->db, d->morgan, d->phishing, 0, NULL), ENGSCHED_ESTATE,
                 "approving a cancelled engagement"))
        return 0;
    stamp(d, "the cloud review is edited twice from the same copy: the second is stale");
    int64_t seen = 0;
    engsched_input *where = NULL, *dates = NULL;
    int good = version_of(d, d->cloud, &seen) && ok(d, engsched_input_new(d->db, &where)) &&
               ok(d, engsched_input_set_location(where, "Globex HQ, Leeds")) &&
               ok(d, engsched_input_new(d->db, &dates)) &&
               ok(d, engsched_input_set_dates(dates, "2026-03-30", "2026-04-03")) &&
               ok(d, engsched_edit(d->db, d->morgan, d->cloud, seen, where)) &&
               refused(d, engsched_edit(d->db, d->morgan, d->cloud, seen, dates),
                       ENGSCHED_ECONFLICT, "an edit with a stale version") &&
               version_of(d, d->cloud, &seen) &&
               ok(d, engsched_edit(d->db, d->morgan, d->cloud, seen, dates));
    engsched_input_free(where);
    engsched_input_free(dates);
    if (!good || !show_status(d, d->cloud, "re-read and edited: now ends 2026-04-03"))
        return 0;

    d->now = DEMO_T0 + 4 * DAY + 7 * HOUR; /* Friday 16:00 */
    stamp(d, "alice submits the API retest report");
    if (!ok(d, engsched_report_set_status(d->db, d->alice, d->api, 0,
                                          ENGSCHED_REPORT_READY_FOR_REVIEW)) ||
        !show_status(d, d->api, "report Ready for Review"))
        return 0;

    d->now = DEMO_T0 + 7 * DAY - 3 * HOUR; /* Monday 2026-03-09 06:00 */
    if (!tick(d) || !show_status(d, d->web, "started on its first day"))
        return 0;
    d->now += HOUR;
    if (!tick(d)) /* idempotent: nothing more is due */
        return 0;
    d->now = DEMO_T0 + 14 * DAY - 3 * HOUR; /* Monday 2026-03-16 06:00 */
    if (!tick(d) || !show_status(d, d->network, "started on its first day"))
        return 0;

    d->now = DEMO_T0 + 16 * DAY + 8 * HOUR; /* Wednesday 2026-03-18 17:00 */
    stamp(d, "the web test report goes through review and is published");
    return report_to(d, d->alice, "alice", ENGSCHED_REPORT_READY_FOR_REVIEW) &&
           report_to(d, d->quinn, "quinn", ENGSCHED_REPORT_IN_REVIEW) &&
           report_to(d, d->quinn, "quinn", ENGSCHED_REPORT_APPROVED) &&
           report_to(d, d->quinn, "quinn", ENGSCHED_REPORT_PUBLISHED) &&
           refused(d, engsched_cancel(d->db, d->morgan, d->web, 0, "too late"), ENGSCHED_ESTATE,
                   "cancelling a complete engagement");
}

/* --- the views ------------------------------------------------------------ */

static int print_list(demo *d)
{
    static const char *const headers[] = {"ID", "Name", "Client", "Start", "End", "Status",
                                          "Report"};
    engsched_query *q = NULL;
    ex_table *t = ex_table_new(7, headers);
    char *token = NULL;
    int pages = 0, good = t != NULL;
    if (good)
        ex_table_align_right(t, 0);
    else
        fprintf(stderr, "demo: out of memory\n");
    /* Every status, Canceled included; small pages to show keyset paging. */
    good = good && ok(d, engsched_query_new(d->db, &q)) &&
           ok(d, engsched_query_set_statuses(q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                                    ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED))) &&
           ok(d, engsched_query_set_sort(q, ENGSCHED_SORT_START, 0)) &&
           ok(d, engsched_query_set_limit(q, 4));
    while (good) {
        engsched_cursor *cur = NULL;
        int has = 0;
        if (!ok(d, engsched_list(d->db, d->morgan, q, token, &cur))) {
            good = 0;
            break;
        }
        pages++;
        while (good && (good = ok(d, engsched_cursor_next(cur, &has))) && has) {
            char id[24], *client = NULL;
            engsched_status st = engsched_cursor_status(cur);
            good = ok(d, engsched_client_name(d->db, engsched_cursor_client(cur), &client));
            if (!good)
                break;
            snprintf(id, sizeof id, "%lld", (long long)engsched_cursor_id(cur));
            const char *cells[] = {
                id, engsched_cursor_name(cur), client, engsched_cursor_start(cur),
                engsched_cursor_end(cur), engsched_status_label(st),
                engsched_report_status_label(engsched_cursor_report_status(cur))};
            if (engsched_cursor_report_status(cur) == ENGSCHED_REPORT_NONE)
                cells[6] = "-";
            if (ex_table_add(t, cells, engsched_status_colour(st), 5) != 0) {
                fprintf(stderr, "demo: out of memory\n");
                good = 0;
            }
            engsched_free(client);
        }
        const char *next = good ? engsched_cursor_next_token(cur) : NULL;
        free(token);
        token = next ? strdup(next) : NULL;
        engsched_cursor_free(cur);
        if (next == NULL)
            break;
        if (token == NULL) {
            fprintf(stderr, "demo: out of memory\n");
            good = 0;
        }
    }
    if (good) {
        printf("\n== List view: every status, by start date, as morgan\n");
        ex_table_print(t, stdout, d->colour);
        printf("%zu engagements in %d pages of up to 4 (keyset paging)\n", ex_table_rows(t), pages);
    }
    free(token);
    ex_table_free(t);
    engsched_query_free(q);
    return good;
}

/* Rows of the Calendar cursor, copied: its strings change on every row. */
typedef struct cal_rows {
    ex_grid_item *items;
    size_t count, cap;
} cal_rows;

static void cal_rows_free(cal_rows *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->items[i].name);
        free((char *)r->items[i].start);
        free((char *)r->items[i].end);
    }
    free(r->items);
}

static int cal_rows_add(cal_rows *r, const engsched_cursor *cur)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        ex_grid_item *grown = realloc(r->items, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        r->items = grown;
        r->cap = cap;
    }
    ex_grid_item *it = &r->items[r->count];
    it->id = engsched_cursor_id(cur);
    it->status = engsched_cursor_status(cur);
    it->name = strdup(engsched_cursor_name(cur));
    it->start = strdup(engsched_cursor_start(cur));
    it->end = strdup(engsched_cursor_end(cur));
    r->count++; /* counted first, so cal_rows_free releases a partial row */
    return it->name != NULL && it->start != NULL && it->end != NULL;
}

static int print_calendar(demo *d, int year, int month)
{
    char first[11], last[11];
    ex_grid_range(year, month, first, last);
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    cal_rows rows = {0};
    int has = 0;
    int good = ok(d, engsched_query_new(d->db, &q)) &&
               ok(d, engsched_query_set_statuses(q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                                        ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED))) &&
               ok(d, engsched_query_set_range(q, first, last)) &&
               ok(d, engsched_calendar(d->db, d->morgan, q, &cur));
    while (good && (good = ok(d, engsched_cursor_next(cur, &has))) && has) {
        if (!cal_rows_add(&rows, cur)) {
            fprintf(stderr, "demo: out of memory\n");
            good = 0;
        }
    }
    if (good) {
        printf("\n== Calendar view: ");
        if (ex_grid_print(stdout, year, month, rows.items, rows.count, d->colour) != 0) {
            fprintf(stderr, "demo: out of memory\n");
            good = 0;
        }
    }
    cal_rows_free(&rows);
    engsched_cursor_free(cur);
    engsched_query_free(q);
    return good;
}

static int print_availability(demo *d, const char *start, const char *end)
{
    engsched_availability *av = NULL;
    int has = 0, good = ok(d, engsched_availability_open(d->db, d->morgan, start, end, &av));
    if (good)
        printf("\n== Availability view: %s .. %s, as morgan\n", start, end);
    while (good && (good = ok(d, engsched_availability_next(av, &has))) && has) {
        const engsched_work_list *work = engsched_availability_work(av);
        size_t n = engsched_work_list_count(work);
        printf("%-16s utilisation %3.0f%%  %zu block%s\n", engsched_availability_name(av),
               engsched_availability_utilisation(av) * 100.0, n, n == 1 ? "" : "s");
        for (size_t i = 0; good && i < n; i++) {
            engsched_work_kind kind;
            engsched_id id;
            const char *label, *s, *e;
            engsched_status status;
            good = ok(d, engsched_work_list_item(work, i, &kind, &id, &label, &s, &e, &status));
            if (!good)
                break;
            const char *what = kind == ENGSCHED_WORK_UNAVAILABLE ? "Unavailable"
                                                                 : engsched_status_label(status);
            printf("    %s .. %s  ", s, e);
            if (d->colour && kind == ENGSCHED_WORK_ENGAGEMENT)
                ex_colour_on(stdout, engsched_status_colour(status));
            ex_print_cell(stdout, what, 12);
            if (d->colour && kind == ENGSCHED_WORK_ENGAGEMENT)
                ex_colour_off(stdout);
            if (id != 0 && kind == ENGSCHED_WORK_ENGAGEMENT)
                printf(" #%lld %s\n", (long long)id, label);
            else
                printf(" %s\n", label);
        }
    }
    engsched_availability_free(av);
    return good;
}

/* How many engagements a user sees in the List (every status). */
static int count_visible(demo *d, engsched_id actor, size_t *out)
{
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    int has = 0;
    size_t n = 0;
    int good = ok(d, engsched_query_new(d->db, &q)) &&
               ok(d, engsched_query_set_statuses(q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                                        ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED))) &&
               ok(d, engsched_query_set_limit(q, ENGSCHED_PAGE_MAX)) &&
               ok(d, engsched_list(d->db, actor, q, NULL, &cur));
    while (good && (good = ok(d, engsched_cursor_next(cur, &has))) && has)
        n++;
    engsched_cursor_free(cur);
    engsched_query_free(q);
    *out = n;
    return good;
}

/* --- setting up ---------------------------------------------------------- */

/* The outbox of a new store starts empty: earlier runs' messages go. */
static int prepare_outbox(const char *dir)
{
    if (ex_mkdir(dir) != 0) {
        fprintf(stderr, "demo: cannot create the outbox %s: %s\n", dir, strerror(errno));
        return 0;
    }
    DIR *dh = opendir(dir);
    if (dh == NULL) {
        fprintf(stderr, "demo: cannot read the outbox %s: %s\n", dir, strerror(errno));
        return 0;
    }
    struct dirent *ent;
    while ((ent = readdir(dh)) != NULL) {
        const char *name = ent->d_name;
        size_t len = strlen(name);
        if (name[0] >= '0' && name[0] <= '9' && len > 4 && strcmp(name + len - 4, ".eml") == 0) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            unlink(path);
        }
    }
    closedir(dh);
    return 1;
}

static void default_outbox(const char *db_path, char *out, size_t size)
{
    const char *slash = strrchr(db_path, '/');
    if (slash == NULL)
        snprintf(out, size, "outbox");
    else if (slash == db_path)
        snprintf(out, size, "/outbox");
    else
        snprintf(out, size, "%.*s/outbox", (int)(slash - db_path), db_path);
}

static int run(demo *d)
{
    size_t carol_sees = 0;
    int64_t seq = 0;
    if (!ok(d, engsched_events_last_seq(d->db, &seq)))
        return 0;
    if (seq != 0) {
        fprintf(stderr, "demo: the store already holds data; the demo needs a new store\n");
        return 0;
    }
    if (!prepare_outbox(d->outbox) || !play(d) || !print_list(d) ||
        !print_calendar(d, 2026, 3) || !print_availability(d, "2026-03-01", "2026-03-31") ||
        !count_visible(d, d->carol, &carol_sees))
        return 0;
    printf("\ncarol (Client, Acme Corp only) sees %zu of them\n", carol_sees);
    printf("events: %u delivered to the host's event callback\n", d->events);
    printf("outbox: %u messages in %s\n", d->mails, d->outbox);
    if (d->mail_failures > 0) {
        fprintf(stderr, "demo: %u messages could not be written\n", d->mail_failures);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 3 || (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))) {
        fprintf(argc > 3 ? stderr : stdout, "usage: engsched-demo [DB [OUTBOX]]\n"
                                            "  DB      a new store (default engsched-demo.db)\n"
                                            "  OUTBOX  where invitation mail is written "
                                            "(default: outbox next to DB)\n");
        return argc > 3 ? 1 : 0;
    }
    const char *path = argc > 1 ? argv[1] : "engsched-demo.db";
    demo d;
    memset(&d, 0, sizeof d);
    d.now = DEMO_T0;
    d.colour = ex_colour_wanted(stdout);
    if (argc > 2)
        snprintf(d.outbox, sizeof d.outbox, "%s", argv[2]);
    else
        default_outbox(path, d.outbox, sizeof d.outbox);

    printf("libengsched %s (version number %d)\n", engsched_version(),
           engsched_version_number());

    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != ENGSCHED_OK) {
        fprintf(stderr, "demo: engsched_options_init failed\n");
        return 1;
    }
    opts.clock = demo_clock;
    opts.clock_ctx = &d;
    opts.on_event = demo_on_event;
    opts.event_ctx = &d;
    opts.on_mail = demo_on_mail;
    opts.mail_ctx = &d;
    opts.log = demo_log;
    opts.log_ctx = &d;
    if (engsched_open(path, &opts, &d.db) != ENGSCHED_OK) {
        fprintf(stderr, "demo: %s\n", engsched_open_errmsg());
        return 1;
    }
    int schema = 0;
    int good = ok(&d, engsched_schema_version(d.db, &schema));
    if (good) {
        printf("store: %s, schema version %d\n", path, schema);
        good = run(&d);
    }
    if (engsched_close(d.db) != ENGSCHED_OK) {
        fprintf(stderr, "demo: closing the store failed\n");
        good = 0;
    }
    return good ? 0 : 1;
}
