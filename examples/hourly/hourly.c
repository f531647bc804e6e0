/*
 * engsched-hourly — the hourly job: start every Scheduled engagement whose
 * first day has come, and deliver the mail waiting in the store's outbox.
 *
 *   engsched-hourly [--db PATH] [--sendmail COMMAND | --outbox DIR]
 *                   [--keep-days N] [--now WHEN] [--quiet]
 *
 * Runs engsched_tick() with the real clock (or --now). With a mail route
 * it then runs engsched_deliver(), which sends every invitation pending in
 * the store's outbox that is due, whichever process wrote it: each message
 * goes to COMMAND on its standard input (popen, e.g.
 * "/usr/sbin/sendmail -t -i"; line ends converted to LF as local mailers
 * expect), or, without --sendmail, into DIR as <n>-<recipient>.eml. A
 * message the command refuses stays pending in the store and is retried by
 * a later run (backing off; dead after delivery_max_attempts refusals).
 * Then it counts the dead and undeliverable items in the outbox, purges
 * items delivered more than --keep-days days ago (default 30), and prints
 * one log line. The tick is idempotent and delivery is at least once, so
 * running the job twice, or late, is harmless.
 *
 * Exit status: 0 done; 1 usage; 2 the store could not be opened or the
 * tick or the delivery failed; 3 done, but some mail was refused and will
 * be retried; 4 done, but the outbox holds dead or undeliverable items
 * (takes precedence over 3).
 * See README.md for a systemd timer and a cron line.
 */
#include <engsched/engsched.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "excommon.h"

typedef struct job {
    const char *db_path;
    const char *sendmail;
    const char *outbox;
    int quiet;
    int have_now;
    int64_t now;
    int64_t keep_days;
    unsigned int sent, refused;
} job;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void log_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "engsched-hourly: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int64_t job_clock(void *ctx)
{
    job *j = ctx;
    return j->have_now ? j->now : (int64_t)time(NULL);
}

/* Pipe one message to the mail command, CRLF turned into LF. */
static int pipe_to(const char *command, const char *message, size_t length)
{
    FILE *p = popen(command, "w");
    if (p == NULL)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < length && !bad; i++) {
        if (message[i] == '\r' && i + 1 < length && message[i + 1] == '\n')
            continue;
        bad = putc(message[i], p) == EOF;
    }
    int status = pclose(p);
    return bad || status != 0 ? -1 : 0;
}

/* A refusal (nonzero) leaves the message pending in the store's outbox:
 * a later run sends the very same bytes again. */
static int job_on_mail(void *ctx, engsched_id engagement, engsched_id user,
                       const char *recipient, const char *message, size_t length)
{
    (void)engagement;
    (void)user;
    job *j = ctx;
    if (j->sendmail != NULL) {
        if (pipe_to(j->sendmail, message, length) == 0) {
            j->sent++;
            return 0;
        }
        log_line("the mail command failed for %s; the message stays in the store's outbox",
                 recipient);
    } else {
        char path[4200];
        if (ex_outbox_write(j->outbox, recipient, message, length, path, sizeof path) == 0) {
            j->sent++;
            return 0;
        }
        log_line("cannot write the mail to %s into %s: %s", recipient, j->outbox, strerror(errno));
    }
    j->refused++;
    return 1;
}

static void job_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx;
    log_line("library %s: %s", level >= ENGSCHED_LOG_ERROR ? "error" : "warning", message);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: engsched-hourly [--db PATH] [--sendmail COMMAND | --outbox DIR]\n"
               "                       [--keep-days N] [--now WHEN] [--quiet]\n"
               "\n"
               "Start every Scheduled engagement whose first day has come (engsched_tick),\n"
               "then deliver the invitation mail waiting in the store's outbox, whichever\n"
               "process wrote it (engsched_deliver).\n"
               "\n"
               "  --db PATH          the store (default: $ENGSCHED_DB)\n"
               "  --sendmail COMMAND pipe each message to COMMAND, e.g.\n"
               "                     \"/usr/sbin/sendmail -t -i\"; a message it refuses\n"
               "                     (nonzero exit) stays in the store's outbox and is\n"
               "                     retried by a later run\n"
               "  --outbox DIR       without --sendmail: write each message to DIR as\n"
               "                     <n>-<recipient>.eml (ignored with --sendmail)\n"
               "  --keep-days N      purge outbox items delivered more than N days ago\n"
               "                     (default 30)\n"
               "  --now WHEN         run as if at WHEN (epoch seconds, YYYY-MM-DD or\n"
               "                     YYYY-MM-DDTHH:MM[:SS]Z); default the real time\n"
               "  --quiet            no log line when nothing moved, nothing was sent and\n"
               "                     nothing needs attention\n"
               "\n"
               "Without --sendmail or --outbox mail stays in the store's outbox.\n"
               "\n"
               "Exit status: 0 done; 1 usage; 2 the store could not be opened or the tick\n"
               "or the delivery failed; 3 done, but some mail was refused and will be\n"
               "retried; 4 done, but the outbox holds dead or undeliverable items (see\n"
               "'engsched outbox list --state dead,undeliverable'; takes precedence over 3).\n");
}

static int value(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) == 0 && argv[*i][len] == '=') {
        *out = argv[*i] + len + 1;
        return 1;
    }
    if (strcmp(argv[*i], name) != 0)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "engsched-hourly: %s needs a value\n", name);
        exit(1);
    }
    *out = argv[++*i];
    return 1;
}

/* A whole number of days, 0 to 36500. */
static int parse_days(const char *text, int64_t *out)
{
    if (text[0] == '\0' || strlen(text) > 5)
        return -1;
    for (const char *s = text; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
    }
    *out = strtoll(text, NULL, 10);
    return *out <= 36500 ? 0 : -1;
}

/* What the job found in the store's outbox after the tick. */
typedef struct outbox_state {
    engsched_delivery_result delivered;
    uint64_t stuck; /* dead or undeliverable items */
    uint64_t purged;
} outbox_state;

/* Deliver (with a mail route), count what needs a person, purge what is
 * old. 0, or 2 after logging the failure. A backend without an outbox
 * (ENGSCHED_EUNSUPPORTED) handed the tick's mail over from memory: there
 * is nothing more to do. */
static int tend_outbox(job *j, engsched *db, int64_t at, outbox_state *out)
{
    out->delivered = (engsched_delivery_result){ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    engsched_rc rc = ENGSCHED_OK;
    if (j->sendmail != NULL || j->outbox != NULL) {
        rc = engsched_deliver(db, 0, &out->delivered);
        if (rc == ENGSCHED_EUNSUPPORTED)
            return 0;
        if (rc != ENGSCHED_OK) {
            log_line("delivery failed: %s", engsched_errmsg(db));
            return 2;
        }
    }
    rc = engsched_outbox_count(db, ENGSCHED_SYSTEM,
                               ENGSCHED_OUTBOX_DEAD | ENGSCHED_OUTBOX_UNDELIVERABLE, &out->stuck);
    if (rc == ENGSCHED_EUNSUPPORTED)
        return 0;
    if (rc == ENGSCHED_OK)
        rc = engsched_outbox_purge(db, ENGSCHED_SYSTEM, at - j->keep_days * 86400, &out->purged);
    if (rc != ENGSCHED_OK) {
        log_line("the outbox could not be read or purged: %s", engsched_errmsg(db));
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    job j;
    memset(&j, 0, sizeof j);
    j.db_path = getenv("ENGSCHED_DB");
    j.keep_days = 30;
    const char *now = NULL, *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--quiet") == 0) {
            j.quiet = 1;
            continue;
        }
        if (value(argc, argv, &i, "--db", &j.db_path) ||
            value(argc, argv, &i, "--sendmail", &j.sendmail) ||
            value(argc, argv, &i, "--outbox", &j.outbox) || value(argc, argv, &i, "--now", &now) ||
            value(argc, argv, &i, "--keep-days", &keep))
            continue;
        fprintf(stderr, "engsched-hourly: unknown argument '%s' (see --help)\n", argv[i]);
        return 1;
    }
    if (j.db_path == NULL || j.db_path[0] == '\0') {
        fprintf(stderr, "engsched-hourly: no store: give --db PATH or set ENGSCHED_DB\n");
        return 1;
    }
    if (now != NULL) {
        if (ex_instant_parse(now, &j.now) != 0) {
            fprintf(stderr, "engsched-hourly: --now: '%s' is not a time\n", now);
            return 1;
        }
        j.have_now = 1;
    }
    if (keep != NULL && parse_days(keep, &j.keep_days) != 0) {
        fprintf(stderr, "engsched-hourly: --keep-days: '%s' is not a number of days (0-36500)\n",
                keep);
        return 1;
    }
    /* `sh -c ''` may exit 0 without reading a message: it would count as sent. */
    if (j.sendmail != NULL && j.sendmail[0] == '\0') {
        fprintf(stderr, "engsched-hourly: --sendmail: the mail command is empty\n");
        return 1;
    }
    if (j.sendmail != NULL)
        j.outbox = NULL; /* a refused message waits in the store, not in a directory */
    /* A mail command that exits before reading the whole message (say,
     * `false`) refuses it: a failed write, not a signal that kills the job. */
    signal(SIGPIPE, SIG_IGN);
    if (j.outbox != NULL && ex_mkdir(j.outbox) != 0) {
        log_line("cannot create the outbox %s: %s", j.outbox, strerror(errno));
        return 2;
    }

    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != ENGSCHED_OK)
        return 2;
    opts.flags = 0;                /* never create: a missing store is a mistake */
    opts.busy_timeout_ms = 30000;  /* wait out a busy application */
    opts.clock = job_clock;
    opts.clock_ctx = &j;
    opts.log = job_log;
    opts.log_ctx = &j;
    if (j.sendmail != NULL || j.outbox != NULL) {
        opts.on_mail = job_on_mail;
        opts.mail_ctx = &j;
    }
    engsched *db = NULL;
    if (engsched_open(j.db_path, &opts, &db) != ENGSCHED_OK) {
        log_line("%s: %s", j.db_path, engsched_open_errmsg());
        return 2;
    }
    int64_t at = job_clock(&j);
    unsigned int moved = 0;
    engsched_rc rc = engsched_tick(db, at, &moved);
    if (rc != ENGSCHED_OK) {
        log_line("tick failed: %s", engsched_errmsg(db));
        engsched_close(db);
        return 2;
    }
    outbox_state ob;
    memset(&ob, 0, sizeof ob);
    int status = tend_outbox(&j, db, at, &ob);
    engsched_close(db);
    if (status != 0)
        return status;

    char when[21];
    ex_instant_format(at, when);
    if (!j.quiet || moved > 0 || j.sent > 0 || j.refused > 0 || ob.stuck > 0) {
        printf("engsched-hourly: %s tick moved %u engagement%s to In Progress; "
               "%u message%s sent, %u refused (to be retried), "
               "%llu dead or undeliverable in the outbox",
               when, moved, moved == 1 ? "" : "s", j.sent, j.sent == 1 ? "" : "s", j.refused,
               (unsigned long long)ob.stuck);
        if (ob.purged > 0)
            printf("; %llu delivered item%s purged", (unsigned long long)ob.purged,
                   ob.purged == 1 ? "" : "s");
        printf("\n");
    }
    if (ob.stuck > 0)
        return 4;
    return j.refused > 0 ? 3 : 0;
}
