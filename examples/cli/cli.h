/*
 * engsched — the command-line tool over libengsched. Shared declarations.
 *
 *   main.c           global options, the command table, dispatch, --help
 *   args.c           the option parser (global options anywhere) and
 *                    per-command help
 *   util.c           opening the store, resolving keys and ids, errors
 *                    (JSON with --json) and exit codes
 *   output.c         JSON output and small formatting helpers
 *   cmd_directory.c  init, settings, clients, users, roles
 *   cmd_lifecycle.c  request, create, approve, edit, cancel, assign, unassign,
 *                    unavailability, report-status, tick
 *   cmd_views.c      show, list, calendar, availability, capacity, events
 *   cmd_files.c      files attach|list|get|delete
 *   cmd_exchange.c   ics, feed, feed-token, export, import, reply
 *   cmd_backup.c     backup, restore
 *   cmd_outbox.c     deliver, outbox list|count|requeue|purge, and the
 *                    warning after a write that left invitations unsent
 */
#ifndef ENGSCHED_CLI_H
#define ENGSCHED_CLI_H

#include <engsched/engsched.h>

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* --- exit codes (documented in --help and README.md) ---------------------- */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad command line */
    EXIT_INVALID = 2,   /* invalid input (EINVAL) */
    EXIT_NOTFOUND = 3,  /* not found, or not visible to the user */
    EXIT_DENIED = 4,    /* permission denied */
    EXIT_STATE = 5,     /* not allowed in the current status */
    EXIT_CONFLICT = 6,  /* stale version or refused scheduling conflict */
    EXIT_EXISTS = 7,    /* already exists */
    EXIT_TOOBIG = 8,    /* size or count limit */
    EXIT_BUSY = 9,      /* store locked past the busy timeout */
    EXIT_OTHER = 10     /* storage, corrupt store, out of memory, unsupported */
};

/* --- the option parser ------------------------------------------------------ */

#define ARGS_MAX_OPTS 24
#define ARGS_MAX_REPEAT 32
#define ARGS_MAX_POS 72 /* skills USER TAG...: past ENGSCHED_TAGS_MAX, for the library to refuse */

typedef struct opt_spec {
    const char *name;    /* long name without the dashes; NULL ends a table */
    const char *metavar; /* the value's placeholder; NULL for a flag */
    const char *help;
    int repeat;          /* may be given more than once */
} opt_spec;

typedef struct parsed {
    const char *val[ARGS_MAX_OPTS][ARGS_MAX_REPEAT];
    int count[ARGS_MAX_OPTS];
    const char *pos[ARGS_MAX_POS];
    int npos;
    int help;
} parsed;

typedef struct cli cli;
typedef struct cmd_spec cmd_spec;

struct cmd_spec {
    const char *name;
    const char *synopsis; /* lines after "engsched NAME", '\n'-separated */
    const char *summary;  /* one line for the command list */
    const char *details;  /* more help text, or NULL */
    const opt_spec *opts; /* NULL-terminated, or NULL */
    int min_pos, max_pos;
    int (*run)(cli *c, const cmd_spec *cmd, const parsed *p);
};

/* The global options, wherever they were given (NULL: not given). One
 * table in args.c serves the words before the command and after it. */
typedef struct args_globals {
    const char *db, *as, *now, *outbox;
    int json;
} args_globals;

/* If argv[*i] is a global option, take it (and its value) into @p g and
 * advance *i past it: returns 1. Returns 0 when it is not one, or -1
 * after a usage message (a missing value, or a second different
 * value). @p cmd names the command in the message, or is NULL. */
int args_global(const cmd_spec *cmd, int argc, char **argv, int *i, args_globals *g);
/* Parse argv[0..argc) (the words after the command name) against @p cmd;
 * global options among them go to @p g (NULL: not recognised).
 * Returns 0, or EXIT_USAGE after printing a one-line message. */
int args_parse(const cmd_spec *cmd, int argc, char **argv, args_globals *g, parsed *out);
/* The last value of an option, or NULL when not given. */
const char *arg_get(const cmd_spec *cmd, const parsed *p, const char *name);
/* Whether a flag was given. */
int arg_flag(const cmd_spec *cmd, const parsed *p, const char *name);
/* Every value of a repeatable option; returns the count. */
int arg_all(const cmd_spec *cmd, const parsed *p, const char *name, const char *const **out);
/* Print the help of one command to @p f. */
void args_help(const cmd_spec *cmd, FILE *f);

/* --- the session -------------------------------------------------------------- */

struct cli {
    const char *db_path;
    const char *as;      /* user host key, or "system" */
    int json;
    int have_now;
    int64_t now;         /* --now / ENGSCHED_NOW */
    const char *outbox;  /* --outbox / ENGSCHED_OUTBOX: where mail goes */
    /* deliver --events: the event callback the store is opened with */
    engsched_event_deliver_fn deliver_event;
    void *deliver_event_ctx;
    int conflict_policy; /* set by assign --strict before opening */
    int create;          /* init: create the store */
    engsched *db;
    engsched_id actor;
    unsigned int mails;
    unsigned int undeliverable; /* invitations the writes recorded as undeliverable */
};

/* Open the store (once) and resolve --as. 0 or an exit code, reported. */
int cli_open(cli *c);
/* Report the handle's last failure ("engsched: <message>") and return the
 * exit code of @p rc. */
int cli_fail(cli *c, engsched_rc rc);
/* Report a message of our own and return @p code. */
int cli_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report a usage error for @p cmd and return EXIT_USAGE. */
int cli_usage(const cmd_spec *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The exit code of a result code. */
int cli_exit_code(engsched_rc rc);
/* Call right after each successful write operation: counts the invitations
 * it recorded as undeliverable (the library's count lasts only until the
 * next call on the handle). */
void cli_note_write(cli *c);
/* When the writes left invitations undeliverable, print one warning line
 * with the reason of the newest one. The exit code stays as it is. */
void cli_warn_undeliverable(cli *c);

/* Resolving arguments. Each returns 0 or a reported exit code. */
int cli_engagement_id(const char *text, const char *what, engsched_id *out);
/* Users and clients: a host key, or an id (all digits); "key:TEXT" is
 * always the key TEXT (for a key that is all digits). "system" is the
 * system user unless written "key:system". */
int cli_user(cli *c, const char *text, engsched_id *out);
/* cli_user, the message naming @p what (say "--as"). */
int cli_user_as(cli *c, const char *text, const char *what, engsched_id *out);
/* cli_user without a message: the library's result code. */
engsched_rc cli_user_lookup(cli *c, const char *text, engsched_id *out);
int cli_client(cli *c, const char *text, engsched_id *out);
/* The key @p text names, or NULL when it is an id. */
const char *cli_key_of(const char *text);
int cli_role(cli *c, const char *name, engsched_id *out);   /* name or id */
int cli_version_arg(const cmd_spec *cmd, const parsed *p, int64_t *out); /* --version or 0 */
int cli_date_arg(const char *text, const char *what);       /* validate YYYY-MM-DD */
int cli_permissions(const char *text, unsigned int *out);   /* "view,request" or "all" */
int cli_operator_role(const char *text, engsched_operator_role *out);
const char *cli_operator_role_name(engsched_operator_role role);
/* Today in the tenant time zone (by the session's clock). */
int cli_today(cli *c, char out[11]);
/* The session's current instant. */
int64_t cli_now(const cli *c);

/* A file's bytes, mapped read-only (or empty). */
typedef struct cli_blob {
    void *data;
    size_t size;
} cli_blob;
int cli_blob_map(const char *path, cli_blob *out); /* 0 or a reported exit code */
void cli_blob_unmap(cli_blob *b);
/* A media type guessed from a file name's extension, or NULL. */
const char *cli_guess_media_type(const char *name);
/* The last path component. */
const char *cli_basename(const char *path);
/* Read all of a file ("-" = stdin) into a NUL-terminated buffer to free(). */
int cli_read_text(const char *path, char **out); /* 0 or a reported exit code */

/* --- output -------------------------------------------------------------------- */

/* Print a JSON value (consumed) on stdout. 0 or EXIT_OTHER (out of memory). */
int out_json(json_t *value);
/* Print a library JSON document in the same layout as out_json().
 * 0 or a reported exit code. */
int out_json_text(const char *text);
/* The names of the set bits of a permission mask as a JSON array. */
json_t *out_permission_list(unsigned int mask);
/* A user's host key as a JSON string ("system" for the system user),
 * or null when the directory has none. */
json_t *out_user_key(cli *c, engsched_id user);
/* Errors and warnings on stderr as JSON objects (--json) or lines. */
void cli_json_errors(int on);
/* A JSON string or null. */
json_t *out_str_or_null(const char *s);
/* Write @p text to @p path ("-" or NULL = stdout). 0 or a reported exit code. */
int out_write_file(const char *path, const char *text, size_t length);
/* Whether stdout gets colour. */
int out_colour(void);
/* The names of the set bits of a permission mask, comma-separated. */
void out_permission_names(unsigned int mask, char *buf, size_t size);
/* The names of the set bits of a capabilities mask, comma-separated. */
void out_action_names(unsigned int mask, char *buf, size_t size);

/* --- commands ---------------------------------------------------------------- */

int cmd_init(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_settings(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_clients(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_users(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_roles(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_request(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_create(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_approve(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_edit(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_cancel(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_assign(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_unassign(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_allocation(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_confirm(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_unavailability(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_report_status(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_tick(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_recur(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_clone(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_show(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_list(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_calendar(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_availability(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_capacity(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_skills(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_require(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_candidates(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_events(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_files(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_ics(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_feed(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_feed_token(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_export(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_reply(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_import(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_backup(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_restore(cli *c, const cmd_spec *cmd, const parsed *p);

int cmd_deliver(cli *c, const cmd_spec *cmd, const parsed *p);
int cmd_outbox(cli *c, const cmd_spec *cmd, const parsed *p);

/* Engagement-detail options shared by request, create, approve and edit. */
#define CLI_DETAIL_OPTS                                                                  \
    {"name", "TEXT", "engagement name", 0},                                              \
        {"description", "TEXT", "description / scope (newlines allowed)", 0},            \
        {"type", "TEXT", "engagement type, e.g. \"Web application\"", 0},                \
        {"location", "TEXT", "location, e.g. \"Remote\"", 0},                            \
        {"contacts", "TEXT", "client contacts", 0},                                      \
        {"start", "DATE", "first day, YYYY-MM-DD (with --end)", 0},                      \
        {"end", "DATE", "last day, inclusive (with --start)", 0},                        \
        {"custom", "JSON", "custom fields, a JSON object", 0}

/* Apply CLI_DETAIL_OPTS (and --client, --report-title, --operator, --file
 * when the command has them) to a builder. Files are mapped into @p blobs
 * (ARGS_MAX_REPEAT entries), to unmap after the operation. 0 or a reported
 * exit code. */
int cli_apply_details(cli *c, const cmd_spec *cmd, const parsed *p, engsched_input *in,
                      cli_blob *blobs);

#endif
