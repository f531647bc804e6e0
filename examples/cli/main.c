/*
 * engsched — a command-line tool over libengsched.
 *
 *   engsched [--db PATH] [--as USER] [--json] [--now WHEN] [--outbox DIR]
 *            COMMAND [ARGS] [--help]
 *
 * The global options may also come after the command, among its words
 * (args.c reads both).
 *
 * This file holds the global options, the command table (each command's
 * synopsis, options and help) and the dispatch. See README.md beside it.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "excommon.h"

/* --- option tables -------------------------------------------------------- */

static const opt_spec no_opts[] = {{NULL, NULL, NULL, 0}};

static const opt_spec init_opts[] = {
    {"timezone", "ZONE", "set the tenant time zone (IANA name) too", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec users_opts[] = {
    {"name", "TEXT", "display name (add)", 0},
    {"email", "ADDR", "e-mail address (add)", 0},
    {"role", "ROLE", "role name or id (add)", 0},
    {"all-clients", NULL, "may access every client (add)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec roles_opts[] = {
    {"permissions", "LIST", "comma-separated permission names, or 'all' (create, set)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec request_opts[] = {
    {"client", "CLIENT", "the client, by key or id (required)", 0},
    CLI_DETAIL_OPTS,
    {"file", "PATH", "attach a support file", 1},
    {NULL, NULL, NULL, 0}};

static const opt_spec create_opts[] = {
    {"client", "CLIENT", "the client, by key or id (required)", 0},
    CLI_DETAIL_OPTS,
    {"report-title", "TEXT", "report title (default: the name)", 0},
    {"operator", "USER[:ROLE]", "assign an operator; ROLE is lead, tester or reviewer", 1},
    {"file", "PATH", "attach a support file", 1},
    {NULL, NULL, NULL, 0}};

static const opt_spec approve_opts[] = {
    {"version", "N", "the version you saw (refused with exit 6 if stale)", 0},
    CLI_DETAIL_OPTS,
    {"report-title", "TEXT", "report title (default: the name)", 0},
    {"operator", "USER[:ROLE]", "assign an operator; ROLE is lead, tester or reviewer", 1},
    {NULL, NULL, NULL, 0}};

static const opt_spec edit_opts[] = {
    {"version", "N", "the version you saw (default: the current one)", 0},
    CLI_DETAIL_OPTS,
    {NULL, NULL, NULL, 0}};

static const opt_spec cancel_opts[] = {
    {"version", "N", "the version you saw", 0},
    {"reason", "TEXT", "why", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec clone_opts[] = {
    {"start", "DATE", "the clone's first day (with --end)", 0},
    {"end", "DATE", "the clone's last day", 0},
    {"dates", NULL, "copy the dates instead", 0},
    {"operators", NULL, "copy the operators", 0},
    {"recurrence", NULL, "copy the recurrence rule", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec assign_opts[] = {
    {"role", "ROLE", "lead, tester, reviewer or none (default none)", 0},
    {"from", "DATE", "first day of their window of the dates (with --to; default: all)", 0},
    {"to", "DATE", "last day of their window", 0},
    {"percent", "N", "share of each day, 1 to 100 (default 100)", 0},
    {"tentative", NULL, "a tentative hold: never a conflict, confirmed with 'confirm'", 0},
    {"version", "N", "the version you saw", 0},
    {"strict", NULL, "refuse (exit 6) instead of warning about overlapping work", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec allocation_opts[] = {
    {"from", "DATE", "first day of their window of the dates (with --to; default: all)", 0},
    {"to", "DATE", "last day of their window", 0},
    {"percent", "N", "share of each day, 1 to 100 (default 100)", 0},
    {"tentative", NULL, "a tentative hold (default: firm)", 0},
    {"version", "N", "the version you saw", 0},
    {"strict", NULL, "refuse (exit 6) instead of warning about overlapping work", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec confirm_opts[] = {
    {"version", "N", "the version you saw", 0},
    {"strict", NULL, "refuse (exit 6) instead of warning about overlapping work", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec clear_opts[] = {
    {"clear", NULL, "remove every tag", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec version_opts[] = {
    {"version", "N", "the version you saw", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec unavailability_opts[] = {
    {"start", "DATE", "first day (add; list: range start)", 0},
    {"end", "DATE", "last day, inclusive (add; list: range end)", 0},
    {"reason", "TEXT", "e.g. \"Annual leave\" (add)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec list_opts[] = {
    {"tab", "TAB", "all (default), pending, scheduled, in_progress, in_review, complete, canceled",
     0},
    {"status", "LIST", "comma-separated statuses instead of a tab", 0},
    {"client", "CLIENT", "only this client (key or id)", 0},
    {"operator", "USER", "only engagements this operator is on", 0},
    {"from", "DATE", "only engagements overlapping from this day (with --to)", 0},
    {"to", "DATE", "... to this day", 0},
    {"text", "TEXT", "only names containing TEXT", 0},
    {"sort", "KEY", "start (default), end, name, status or updated", 0},
    {"desc", NULL, "descending order", 0},
    {"limit", "N", "page size, 1-500 (default 50)", 0},
    {"page", "TOKEN", "continue after the page that printed TOKEN", 0},
    {"all", NULL, "print every page", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec month_opts[] = {
    {"month", "YYYY-MM", "the month (default: this month in the tenant time zone)", 0},
    {"tab", "TAB", "all (default), pending, scheduled, in_progress, in_review, complete, canceled",
     0},
    {NULL, NULL, NULL, 0}};

static const opt_spec availability_opts[] = {
    {"month", "YYYY-MM", "the month (default: this month)", 0},
    {"from", "DATE", "first day of the range instead of a month (with --to)", 0},
    {"to", "DATE", "last day of the range", 0},
    {"tab", "TAB", "the engagements shown: all (default), pending, scheduled, in_progress,\n"
                   "in_review, complete, canceled (utilisation counts all work)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec capacity_opts[] = {
    {"month", "YYYY-MM", "the month (default: this month)", 0},
    {"from", "DATE", "first day of the range instead of a month (with --to)", 0},
    {"to", "DATE", "last day of the range (at most 366 days on)", 0},
    {"by", "BUCKET", "week (ISO weeks, the default) or month", 0},
    {"totals", NULL, "only the total of each bucket, no row per operator", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec files_opts[] = {
    {"name", "NAME", "file name to store (attach; default: the path's last part)", 0},
    {"type", "MEDIA", "media type (attach; default: guessed from the name)", 0},
    {"output", "PATH", "where to write (get; default: standard output)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec ics_opts[] = {
    {"mail", NULL, "the whole iMIP message as last sent, not only the iCalendar object", 0},
    {"output", "PATH", "write to PATH instead of standard output", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec export_opts[] = {
    {"output", "PATH", "write to PATH instead of standard output", 0},
    {"secrets", NULL, "include the store's secrets (webhook_secret) in clear (ADMIN)", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec feed_opts[] = {
    {"token", "TOKEN", "the feed a feed token opens, instead of USER (no --as needed)", 0},
    {"output", "PATH", "write to PATH instead of standard output", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec deliver_opts[] = {
    {"limit", "N", "deliver at most N items (default: every item that is due)", 0},
    {"events", "FILE", "append each event to FILE: its document, then its seq and signature", 0},
    {NULL, NULL, NULL, 0}};

static const opt_spec outbox_opts[] = {
    {"state", "LIST", "comma-separated pending, dead, undeliverable, delivered, or all", 0},
    {"after", "ID", "only items after this id (list)", 0},
    {"limit", "N", "at most N items, 1-1000 (list; default 50)", 0},
    {"before", "WHEN", "purge items delivered before WHEN (required by purge)", 0},
    {NULL, NULL, NULL, 0}};

/* --- the command table --------------------------------------------------- */

static const cmd_spec commands[] = {
    {"init", "[--timezone ZONE]", "Create the store (--db) if it does not exist.",
     "Every other command refuses a store that does not exist (exit 3).", init_opts, 0, 0,
     cmd_init},
    {"settings", "list\nget KEY\nset KEY VALUE", "Read or change tenant settings (ADMIN).",
     "Keys: timezone, organizer_email, organizer_name, uid_domain, engagement_url,\n"
     "report_url, working_week, holidays, file_max_bytes, file_max_count, conflict_policy,\n"
     "delivery_retry_seconds, delivery_max_attempts, delivery_lease_seconds (the outbox's\n"
     "retries), outbox_events (on/off), webhook_secret (signs event documents;\n"
     "write-only, not listed), recurrence_lead_days (0-366).",
     no_opts, 1, 3, cmd_settings},
    {"clients", "add KEY NAME\nshow KEY", "Mirror a client (ADMIN) or show one.",
     "KEY is the host's own identifier; 'add' creates or renames.", no_opts, 2, 3, cmd_clients},
    {"users",
     "add KEY --name TEXT --role ROLE [--email ADDR] [--all-clients]\nshow KEY\n"
     "grant KEY CLIENT\nrevoke KEY CLIENT",
     "Mirror a user (ADMIN), show one, or grant and revoke client access.",
     "Built-in roles: Administrator, Manager, Operator, Client, Viewer.", users_opts, 2, 3,
     cmd_users},
    {"roles", "create NAME --permissions LIST\nset NAME --permissions LIST\nshow NAME\npermissions",
     "Create or change a role (ADMIN), show one, or list the permission names.",
     "Permissions: view, request, create, approve, edit, cancel, assign, view_availability,\n"
     "files_upload, files_download, report_view, report_edit, report_review,\n"
     "report_publish, admin.",
     roles_opts, 1, 2, cmd_roles},
    {"request", "--client CLIENT --name TEXT --start DATE --end DATE [details] [--file PATH]...",
     "Request an engagement (REQUEST): it starts Pending.", NULL, request_opts, 0, 0,
     cmd_request},
    {"create",
     "--client CLIENT --name TEXT --start DATE --end DATE [details] [--operator USER[:ROLE]]...",
     "Create an engagement directly with its report (CREATE): Scheduled or In Progress.", NULL,
     create_opts, 0, 0, cmd_create},
    {"approve", "ID [--version N] [details] [--report-title TEXT] [--operator USER[:ROLE]]...",
     "Approve a Pending engagement and create its report (APPROVE).", NULL, approve_opts, 1, 1,
     cmd_approve},
    {"edit", "ID [--version N] [details]",
     "Edit details or dates (EDIT); moving dates may move Scheduled <-> In Progress.", NULL,
     edit_opts, 1, 1, cmd_edit},
    {"cancel", "ID [--version N] [--reason TEXT]", "Cancel an engagement for good (CANCEL).",
     NULL, cancel_opts, 1, 1, cmd_cancel},
    {"recur", "ID RRULE|none [--version N]",
     "Give an engagement an RFC 5545 recurrence rule, or clear it with 'none' (EDIT).",
     "E.g. FREQ=YEARLY or FREQ=MONTHLY;BYDAY=1MO;COUNT=6; the tick creates each\n"
     "occurrence as a Pending request recurrence_lead_days (setting) ahead.",
     version_opts, 2, 2, cmd_recur},
    {"clone", "ID [--dates | --start DATE --end DATE] [--operators] [--recurrence]",
     "Copy an engagement's details into a new request (never its report or files).", NULL,
     clone_opts, 1, 1, cmd_clone},
    {"assign", "ID USER [--role ROLE] [--from DATE --to DATE] [--percent N] [--tentative] [--version N] [--strict]",
     "Assign an operator (ASSIGN); overlapping work is printed as warnings.",
     "With --strict, overlapping work refuses the assignment with exit 6.", assign_opts, 2, 2,
     cmd_assign},
    {"unassign", "ID USER [--version N]", "Remove an operator (ASSIGN).", NULL, version_opts, 2,
     2, cmd_unassign},
    {"allocation", "ID USER [--from DATE --to DATE] [--percent N] [--tentative] [--version N] [--strict]",
     "Change an assigned operator's window, share of the day or hold (ASSIGN).",
     "What is not given goes back to the default: all the dates, the whole day, firm.\n"
     "A day conflicts when the operator's firm shares (leave counts 100) pass 100.",
     allocation_opts, 2, 2, cmd_allocation},
    {"confirm", "ID USER [--version N] [--strict]",
     "Confirm a tentative hold (ASSIGN): checked again, the invitation sent again.", NULL,
     confirm_opts, 2, 2, cmd_confirm},
    {"unavailability",
     "add USER --start DATE --end DATE --reason TEXT\nlist USER [--start DATE --end DATE]\n"
     "remove ID",
     "Record, list or remove dates a user cannot work (own, or anyone's with ASSIGN).", NULL,
     unavailability_opts, 2, 2, cmd_unavailability},
    {"report-status", "ID STATUS [--version N]",
     "Move the report: draft, ready_for_review, in_review, approved, published.",
     "One step forward, or back to draft. REPORT_EDIT for draft and ready_for_review,\n"
     "REPORT_REVIEW for in_review and approved, REPORT_PUBLISH for published.",
     version_opts, 2, 2, cmd_report_status},
    {"show", "ID", "Show one engagement, its operators, files and what you may do.", NULL,
     no_opts, 1, 1, cmd_show},
    {"list", "[--tab TAB | --status LIST] [filters] [--sort KEY [--desc]] [--limit N] [--page TOKEN]",
     "The List view: a page of engagements you may see.",
     "Prints 'next page: TOKEN' when more rows follow; pass it back with --page.", list_opts, 0,
     0, cmd_list},
    {"calendar", "[--month YYYY-MM] [--tab TAB]",
     "The Calendar view: a month grid, colour-coded by status on a terminal.",
     "Colour is used when standard output is a terminal and NO_COLOR is not set.", month_opts,
     0, 0, cmd_calendar},
    {"availability", "[--month YYYY-MM | --from DATE --to DATE] [--tab TAB]",
     "The Availability view: operators, utilisation and their work (VIEW_AVAILABILITY).", NULL,
     availability_opts, 0, 0, cmd_availability},
    {"capacity", "[--month YYYY-MM | --from DATE --to DATE] [--by week|month] [--totals]",
     "Capacity in week or month buckets: booked, held, free, unstaffed days (VIEW_AVAILABILITY).",
     "One row per operator and bucket, then one total row per bucket ('Total'), in days\n"
     "over the tenant's working days: working, absent, firm (booked work), tentative\n"
     "(what holds add), free, overbooked (firm load past a whole day, leave counting a\n"
     "whole day); a total also has the demand of Pending and Scheduled engagements (a\n"
     "day per engagement and working day), what their firm assignments leave unstaffed,\n"
     "and unstaffed with holds. --json prints the figures in hundredths of a day.",
     capacity_opts, 0, 0, cmd_capacity},
    {"skills", "USER [TAG...]\nUSER --clear",
     "Print a user's skills, or replace them with TAGs (own, or anyone's with ASSIGN).",
     "A tag is 1-64 bytes of a-z, 0-9, '-', '_', '.', '+'; at most 64 per user.",
     clear_opts, 1, 71, cmd_skills},
    {"require", "ENGAGEMENT [TAG...]\nENGAGEMENT --clear",
     "Print the skills an engagement requires, or replace them (EDIT or ASSIGN).", NULL,
     clear_opts, 1, 71, cmd_require},
    {"candidates", "ENGAGEMENT",
     "The operators who may be assigned, best first, with free days and conflicts (ASSIGN).",
     "Ranked by missing required skills, then free working days, then conflict days.",
     no_opts, 1, 1, cmd_candidates},
    {"files", "attach ID PATH [--name NAME] [--type MEDIA]\nlist ID\nget FILE [--output PATH]\n"
              "delete FILE",
     "Support files: attach (FILES_UPLOAD), list, get (FILES_DOWNLOAD), delete (EDIT).", NULL,
     files_opts, 2, 3, cmd_files},
    {"events", "ID", "The audit trail of one engagement, oldest first.", NULL, no_opts, 1, 1,
     cmd_events},
    {"tick", "", "The hourly job: start every Scheduled engagement whose first day has come.",
     "Uses the real clock, or --now. Idempotent; prints how many moved.", no_opts, 0, 0,
     cmd_tick},
    {"ics", "ID USER [--mail] [--output PATH]",
     "An operator's invitation as iCalendar (or, with --mail, the whole message).", NULL,
     ics_opts, 2, 2, cmd_ics},
    {"feed", "USER [--output PATH]\n--token TOKEN [--output PATH]",
     "A user's calendar feed (METHOD:PUBLISH) for subscriptions (own, or ADMIN).",
     "With --token, the feed of the token's owner as a subscribing calendar fetches it;\n"
     "a wrong, rotated or revoked token is refused (exit 4).",
     feed_opts, 0, 1, cmd_feed},
    {"feed-token", "issue USER\nrevoke USER",
     "Issue (or rotate) and revoke the secret of a user's feed URL (own, or ADMIN).",
     "issue prints the token once; the store keeps only its hash. Issuing again makes\n"
     "the old token stop working.",
     no_opts, 2, 2, cmd_feed_token},
    {"export", "[--output PATH] [--secrets]", "Export everything you may see as one JSON document.",
     "Written as it is made (a store of any size in flat memory); with --output, beside\n"
     "PATH and moved over it when complete. An administrator's export is a backup that\n"
     "'import' restores into a new store; --secrets (ADMIN) adds webhook_secret.",
     export_opts, 0, 0, cmd_export},
    {"import", "FILE", "Import an export document (ADMIN), all or nothing; FILE may be '-'.",
     NULL, no_opts, 1, 1, cmd_import},
    {"reply", "FILE",
     "Record an operator's answer: the METHOD:REPLY calendar part of their mail; FILE may be '-'.",
     NULL, no_opts, 1, 1, cmd_reply},
    {"backup", "DEST",
     "Copy the store (--db) to the new file DEST while it stays in use (ADMIN).",
     "The copy is the store as it was when the backup began; other users go on\n"
     "working meanwhile. DEST must not exist (exit 7); the file appears only when\n"
     "the copy is complete. A PostgreSQL store is backed up with pg_dump instead.",
     no_opts, 1, 1, cmd_backup},
    {"restore", "BACKUP",
     "Check a backup and copy it to a new store at --db, which must not exist.",
     "Refuses a file that is not a libengsched store or is damaged (exit 10), and an\n"
     "existing --db (exit 7). Needs no --as: it makes a new store.",
     no_opts, 1, 1, cmd_restore},
    {"deliver", "[--limit N] [--events FILE]",
     "Deliver what waits in the store's outbox: mail to --outbox DIR, events to --events.",
     "Hands every pending item that is due to --outbox DIR (mail) and --events FILE\n"
     "(events; kept pending without it); prints 'delivered N, retrying N, dead N'.\n"
     "A refused item is retried later (setting delivery_retry_seconds, doubling),\n"
     "and is dead after delivery_max_attempts refusals. Needs ADMIN (exit 4). Exit 0\n"
     "also when some were refused; 1 without --outbox or --events.",
     deliver_opts, 0, 0, cmd_deliver},
    {"outbox",
     "[list] [--state LIST] [--after ID] [--limit N]\ncount [--state LIST]\n"
     "requeue ID|all\npurge --before WHEN",
     "The store's outbox of mail and events (ADMIN): list, count, re-queue, purge.",
     "list and count take the states of --state (default pending,dead,undeliverable).\n"
     "list prints id, kind, state, engagement, user (mail) or seq (event), attempts,\n"
     "next attempt, recipient and reason; 'more may follow: --after ID' when the page\n"
     "is full. requeue puts dead and undeliverable items back to pending ('all': every\n"
     "one), an undeliverable invitation rebuilt from the engagement as it stands now;\n"
     "purge deletes delivered items last changed before WHEN (epoch seconds,\n"
     "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z). A bad --state is invalid input (exit 2).",
     outbox_opts, 0, 2, cmd_outbox},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cmd_spec *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void global_help(FILE *f)
{
    fprintf(f,
            "usage: engsched [GLOBAL OPTIONS] COMMAND [ARGS] [GLOBAL OPTIONS] [--help]\n"
            "\n"
            "A command-line tool over libengsched %s: engagement scheduling for\n"
            "penetration-test teams, on a local store.\n"
            "\n"
            "Global options (before or after the command; '--' ends the options):\n"
            "  --db PATH        the store (default: $ENGSCHED_DB)\n"
            "  --as USER        act as this user; 'system' passes every check\n"
            "                   (default: $ENGSCHED_AS, else system)\n"
            "  --json           machine-readable output: one JSON document on stdout,\n"
            "                   errors as {\"error\": {...}} on stderr\n"
            "  --now WHEN       the clock: epoch seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z\n"
            "                   (default: $ENGSCHED_NOW, else the real time)\n"
            "  --outbox DIR     write invitation mail there as <n>-<recipient>.eml\n"
            "                   (default: $ENGSCHED_OUTBOX, else it waits in the store's\n"
            "                   outbox for 'engsched deliver' or the hourly job)\n"
            "  --version        print the library version\n"
            "  --help           this help; 'engsched COMMAND --help' for a command\n"
            "\n"
            "USER and CLIENT arguments and options take the host key (alice, acme) or the\n"
            "id; all digits is an id: write key:123 for a key that is all digits.\n"
            "Engagement, file and outbox ids are numbers.\n"
            "\n"
            "Commands:\n",
            engsched_version());
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-15s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n"
               "Exit codes:\n"
               "  0  success                    6  conflict (stale version, refused overlap)\n"
               "  1  usage (bad command line)   7  already exists\n"
               "  2  invalid input              8  too big (size or count limit)\n"
               "  3  not found (or not visible) 9  busy (store locked)\n"
               "  4  permission denied          10 storage, corrupt store or other failure\n"
               "  5  not allowed in the current status\n"
               "Errors are one line on standard error: 'engsched: <message>' (with --json,\n"
               "{\"error\": {\"code\": N, \"name\": ..., \"message\": ...}}).\n"
               "A change whose invitations cannot be built (say, no organizer_email) still\n"
               "stands (exit 0) with a warning: 'engsched: warning: N invitations not sent:\n"
               "<reason>'; 'engsched outbox list --state undeliverable' shows them.\n");
}

/* Whether --json is among the words before any "--": errors are JSON
 * even when the command line itself is what is wrong. */
static int wants_json(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0)
            return 1;
    }
    return 0;
}

/* The global options given (anywhere), else the environment. */
static int apply_globals(cli *c, const args_globals *g)
{
    const char *now = g->now ? g->now : getenv("ENGSCHED_NOW");
    c->db_path = g->db ? g->db : getenv("ENGSCHED_DB");
    c->as = g->as ? g->as : getenv("ENGSCHED_AS");
    c->outbox = g->outbox ? g->outbox : getenv("ENGSCHED_OUTBOX");
    c->json = g->json;
    if (c->outbox != NULL && c->outbox[0] == '\0')
        c->outbox = NULL;
    if (now != NULL && now[0] != '\0') {
        if (ex_instant_parse(now, &c->now) != 0)
            return cli_error(EXIT_INVALID,
                             "--now: '%s' is not epoch seconds, YYYY-MM-DD or "
                             "YYYY-MM-DDTHH:MM[:SS]Z",
                             now);
        c->have_now = 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    args_globals g;
    memset(&g, 0, sizeof g);
    cli_json_errors(wants_json(argc, argv));

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            global_help(stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("engsched (libengsched %s)\n", engsched_version());
            return EXIT_OK;
        }
        int taken = args_global(NULL, argc, argv, &i, &g);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken == 0) {
            return cli_usage(NULL, "unknown option '%s'", a);
        }
    }
    if (i >= argc) {
        return cli_usage(NULL, "no command given");
    }
    const char *name = argv[i++];
    if (strcmp(name, "help") == 0) {
        const cmd_spec *cmd = i < argc ? find_command(argv[i]) : NULL;
        if (i < argc && cmd == NULL) {
            return cli_usage(NULL, "unknown command '%s'", argv[i]);
        }
        if (cmd != NULL)
            args_help(cmd, stdout);
        else
            global_help(stdout);
        return EXIT_OK;
    }
    const cmd_spec *cmd = find_command(name);
    if (cmd == NULL) {
        return cli_usage(NULL, "unknown command '%s'", name);
    }
    parsed p;
    int code = args_parse(cmd, argc - i, argv + i, &g, &p);
    if (code != 0)
        return code;
    if (p.help) {
        args_help(cmd, stdout);
        return EXIT_OK;
    }
    if ((code = apply_globals(&c, &g)) != 0)
        return code;
    code = cmd->run(&c, cmd, &p);
    if (code == 0)
        cli_warn_undeliverable(&c);
    if (c.db != NULL && engsched_close(c.db) != ENGSCHED_OK && code == 0)
        code = cli_error(EXIT_OTHER, "closing the store failed");
    if (code == 0 && c.mails > 0 && !c.json)
        fprintf(stderr, "engsched: %u invitation message%s written to %s\n", c.mails,
                c.mails == 1 ? "" : "s", c.outbox);
    return code;
}
