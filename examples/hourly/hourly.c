/*
 * engsched-hourly — the hourly job: start every Scheduled engagement whose
 * first day has come, and deliver the mail that causes.
 *
 *   engsched-hourly [--db PATH] [--sendmail COMMAND] [--outbox DIR]
 *                   [--now WHEN] [--quiet]
 *
 * Runs engsched_tick() with the real clock (or --now), prints one log line
 * saying how many engagements moved, and hands each invitation message the
 * library produces to COMMAND on its standard input (popen, e.g.
 * "/usr/sbin/sendmail -t -i"; line ends converted to LF as local mailers
 * expect), or writes it into DIR as <n>-<recipient>.eml. With both, a
 * message the command fails to take is kept in DIR instead of being lost.
 * The tick is idempotent, so running the job twice, or late, is harmless.
 *
 * Exit status: 0 done; 1 usage; 2 the store could not be opened or the
 * tick failed; 3 done, but some mail could not be delivered.
 * See README.md for a systemd timer and a cron line.
 */
#include <engsched/engsched.h>

#include <errno.h>
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
    unsigned int sent, kept, failed;
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
        log_line("the mail command failed for %s%s", recipient,
                 j->outbox ? "; keeping the message in the outbox" : "");
    }
    if (j->outbox != NULL) {
        char path[4200];
        if (ex_outbox_write(j->outbox, recipient, message, length, path, sizeof path) == 0) {
            if (j->sendmail != NULL)
                j->kept++;
            else
                j->sent++;
            return j->sendmail != NULL; /* kept, not delivered: the library logs it */
        }
        log_line("cannot write the mail to %s: %s", recipient, strerror(errno));
    }
    j->failed++;
    return 1;
}

static void job_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx;
    log_line("library %s: %s", level >= ENGSCHED_LOG_ERROR ? "error" : "warning", message);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: engsched-hourly [--db PATH] [--sendmail COMMAND] [--outbox DIR]\n"
               "                       [--now WHEN] [--quiet]\n"
               "\n"
               "Start every Scheduled engagement whose first day has come (engsched_tick)\n"
               "and deliver the invitation mail that causes.\n"
               "\n"
               "  --db PATH          the store (default: $ENGSCHED_DB)\n"
               "  --sendmail COMMAND pipe each message to COMMAND, e.g.\n"
               "                     \"/usr/sbin/sendmail -t -i\"\n"
               "  --outbox DIR       write each message to DIR as <n>-<recipient>.eml\n"
               "                     (with --sendmail: only those the command refused)\n"
               "  --now WHEN         run as if at WHEN (epoch seconds, YYYY-MM-DD or\n"
               "                     YYYY-MM-DDTHH:MM[:SS]Z); default the real time\n"
               "  --quiet            no log line when nothing moved and nothing was sent\n"
               "\n"
               "Exit status: 0 done; 1 usage; 2 the store could not be opened or the tick\n"
               "failed; 3 done, but some mail could not be delivered.\n");
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

int main(int argc, char **argv)
{
    job j;
    memset(&j, 0, sizeof j);
    j.db_path = getenv("ENGSCHED_DB");
    const char *now = NULL;
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
            value(argc, argv, &i, "--outbox", &j.outbox) || value(argc, argv, &i, "--now", &now))
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
    engsched_close(db);

    char when[21];
    ex_instant_format(at, when);
    if (!j.quiet || moved > 0 || j.sent > 0 || j.kept > 0 || j.failed > 0)
        printf("engsched-hourly: %s tick moved %u engagement%s to In Progress; "
               "%u message%s sent, %u kept in the outbox, %u failed\n",
               when, moved, moved == 1 ? "" : "s", j.sent, j.sent == 1 ? "" : "s", j.kept,
               j.failed);
    return j.failed > 0 || j.kept > 0 ? 3 : 0;
}
