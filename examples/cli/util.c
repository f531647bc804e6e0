/* Opening the store, resolving names and ids, errors and exit codes, and
 * reading files. Every failure is reported here as one line,
 * "engsched: <message>", and turned into an exit code. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "excommon.h"

int cli_exit_code(engsched_rc rc)
{
    switch (rc) {
    case ENGSCHED_OK:
        return EXIT_OK;
    case ENGSCHED_EINVAL:
        return EXIT_INVALID;
    case ENGSCHED_ENOTFOUND:
        return EXIT_NOTFOUND;
    case ENGSCHED_EDENIED:
        return EXIT_DENIED;
    case ENGSCHED_ESTATE:
        return EXIT_STATE;
    case ENGSCHED_ECONFLICT:
        return EXIT_CONFLICT;
    case ENGSCHED_EEXISTS:
        return EXIT_EXISTS;
    case ENGSCHED_ETOOBIG:
        return EXIT_TOOBIG;
    case ENGSCHED_EBUSY:
        return EXIT_BUSY;
    default:
        return EXIT_OTHER;
    }
}

static int json_errors; /* --json: errors and warnings as JSON objects */

void cli_json_errors(int on) { json_errors = on; }

/* The name of an exit code in a JSON error, as the README lists them. */
static const char *exit_name(int code)
{
    static const char *const names[] = {"ok",      "usage", "invalid",  "not_found",
                                        "denied",  "state", "conflict", "exists",
                                        "too_big", "busy",  "other"};
    return code >= 0 && code <= EXIT_OTHER ? names[code] : "other";
}

/* One JSON object on one line: {"error": {code, name, message}}, or for a
 * warning (code 0) {"warning": {"message"}}. */
static void print_json(int code, const char *msg)
{
    json_t *inner = code != 0 ? json_pack("{s:i, s:s, s:s?}", "code", code, "name", exit_name(code),
                                          "message", msg)
                              : json_pack("{s:s?}", "message", msg);
    json_t *doc = inner ? json_pack("{s:o}", code != 0 ? "error" : "warning", inner) : NULL;
    char *text = doc ? json_dumps(doc, JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    fprintf(stderr, "%s\n",
            text ? text
                 : "{\"error\": {\"code\": 10, \"name\": \"other\", "
                   "\"message\": \"out of memory\"}}");
    free(text);
}

/* One line, whatever the message holds: control characters become spaces
 * and the length is bounded. A message starting "warning: " is a warning. */
static void report(int code, const char *prefix, const char *msg)
{
    char line[512];
    size_t n = (size_t)snprintf(line, sizeof line, "%s", prefix);
    for (const char *s = msg; s != NULL && *s != '\0' && n + 1 < sizeof line; s++)
        line[n++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
    line[n] = '\0';
    int warning = strncmp(line, "warning: ", 9) == 0;
    if (!json_errors) {
        fprintf(stderr, "engsched: %s\n", line);
        return;
    }
    print_json(warning ? 0 : code != 0 ? code : EXIT_OTHER, warning ? line + 9 : line);
}

int cli_fail(cli *c, engsched_rc rc)
{
    const char *msg = c->db ? engsched_errmsg(c->db) : engsched_open_errmsg();
    if (c->db != NULL && engsched_errcode(c->db) != rc)
        msg = engsched_rc_describe(rc); /* the handle explains another failure */
    report(cli_exit_code(rc), "", msg);
    return cli_exit_code(rc);
}

int cli_error(int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(code, "", msg);
    return code;
}

int cli_usage(const cmd_spec *cmd, const char *fmt, ...)
{
    char msg[400], line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cmd == NULL)
        snprintf(line, sizeof line, "%s (see 'engsched --help')", msg);
    else
        snprintf(line, sizeof line, "%s: %s (see 'engsched %s --help')", cmd->name, msg, cmd->name);
    if (json_errors)
        report(EXIT_USAGE, "", line);
    else
        fprintf(stderr, "engsched%s%s\n", cmd != NULL ? " " : ": ", line);
    return EXIT_USAGE;
}

/* --- the clock and the mail ---------------------------------------------- */

int64_t cli_now(const cli *c)
{
    return c->have_now ? c->now : (int64_t)time(NULL);
}

static int64_t cli_clock(void *ctx)
{
    return cli_now(ctx);
}

static int cli_on_mail(void *ctx, engsched_id engagement, engsched_id user,
                       const char *recipient, const char *message, size_t length)
{
    (void)engagement;
    (void)user;
    cli *c = ctx;
    char path[4200];
    if (ex_outbox_write(c->outbox, recipient, message, length, path, sizeof path) != 0) {
        cli_error(0, "warning: cannot write the mail to %s into %s: %s", recipient, c->outbox,
                  strerror(errno));
        return 1;
    }
    c->mails++;
    return 0;
}

static void cli_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx;
    (void)level;
    report(0, "warning: ", message);
}

int cli_open(cli *c)
{
    if (c->db != NULL)
        return 0;
    if (c->db_path == NULL || c->db_path[0] == '\0')
        return cli_error(EXIT_USAGE, "no store: give --db PATH or set ENGSCHED_DB");
    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != ENGSCHED_OK)
        return cli_error(EXIT_OTHER, "this libengsched does not take these options");
    opts.flags = c->create ? ENGSCHED_OPEN_CREATE : 0;
    opts.conflict_policy = c->conflict_policy;
    opts.log = cli_log;
    opts.log_level = ENGSCHED_LOG_WARN;
    opts.clock = cli_clock;
    opts.clock_ctx = c;
    if (c->outbox != NULL) {
        if (ex_mkdir(c->outbox) != 0)
            return cli_error(EXIT_OTHER, "cannot create the outbox %s: %s", c->outbox,
                             strerror(errno));
        opts.on_mail = cli_on_mail;
        opts.mail_ctx = c;
    }
    /* Delivered on commit as before: what a command writes goes to the
     * outbox directory (and, for deliver --events, to the events file) at
     * once; without them it waits in the store's outbox. */
    opts.deliver_event = c->deliver_event;
    opts.deliver_event_ctx = c->deliver_event_ctx;
    engsched_rc rc = engsched_open(c->db_path, &opts, &c->db);
    if (rc != ENGSCHED_OK) {
        c->db = NULL;
        if (rc == ENGSCHED_ENOTFOUND && !c->create)
            return cli_error(EXIT_NOTFOUND, "%s: no such store (create it with 'engsched init')",
                             c->db_path);
        return cli_fail(c, rc);
    }
    const char *as = c->as ? c->as : "system";
    return cli_user_as(c, as, "--as", &c->actor);
}

/* --- arguments ------------------------------------------------------------ */

static int parse_positive(const char *text, int64_t *out)
{
    if (text == NULL || text[0] < '1' || text[0] > '9' || strlen(text) > 18)
        return -1;
    for (const char *s = text; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
    }
    *out = (int64_t)strtoll(text, NULL, 10);
    return 0;
}

int cli_engagement_id(const char *text, const char *what, engsched_id *out)
{
    if (parse_positive(text, out) != 0)
        return cli_error(EXIT_INVALID, "%s: '%s' is not an id (a positive integer)", what, text);
    return 0;
}

const char *cli_key_of(const char *text)
{
    int64_t id;
    if (strncmp(text, "key:", 4) == 0)
        return text + 4;
    return parse_positive(text, &id) == 0 ? NULL : text;
}

engsched_rc cli_user_lookup(cli *c, const char *text, engsched_id *out)
{
    const char *key = cli_key_of(text);
    if (key == text && strcmp(text, "system") == 0) {
        *out = ENGSCHED_SYSTEM;
        return ENGSCHED_OK;
    }
    if (key != NULL)
        return engsched_user_find(c->db, key, out);
    char *found = NULL; /* an id: it must name a user */
    parse_positive(text, out);
    engsched_rc rc = engsched_user_info(c->db, *out, &found, NULL, NULL, NULL, NULL);
    engsched_free(found);
    return rc;
}

/* The message for a user or client that is not there, naming what was
 * given: a key, or an id (and how to mean the key instead). */
static int not_found(const char *what, const char *kind, const char *text)
{
    const char *key = cli_key_of(text);
    const char *sep = what[0] != '\0' ? ": " : "";
    if (key != NULL)
        return cli_error(EXIT_NOTFOUND, "%s%sno %s with the key '%s'", what, sep, kind, key);
    return cli_error(EXIT_NOTFOUND, "%s%sno %s with the id %s (write key:%s for the key '%s')",
                     what, sep, kind, text, text, text);
}

int cli_user_as(cli *c, const char *text, const char *what, engsched_id *out)
{
    engsched_rc rc = cli_user_lookup(c, text, out);
    if (rc == ENGSCHED_ENOTFOUND || rc == ENGSCHED_EINVAL)
        return not_found(what, "user", text);
    return rc == ENGSCHED_OK ? 0 : cli_fail(c, rc);
}

int cli_user(cli *c, const char *text, engsched_id *out) { return cli_user_as(c, text, "", out); }

int cli_client(cli *c, const char *text, engsched_id *out)
{
    const char *key = cli_key_of(text);
    engsched_rc rc;
    if (key != NULL) {
        rc = engsched_client_find(c->db, key, out);
    } else {
        char *name = NULL; /* an id: it must name a client */
        parse_positive(text, out);
        rc = engsched_client_name(c->db, *out, &name);
        engsched_free(name);
    }
    if (rc == ENGSCHED_ENOTFOUND || rc == ENGSCHED_EINVAL)
        return not_found("", "client", text);
    return rc == ENGSCHED_OK ? 0 : cli_fail(c, rc);
}

int cli_role(cli *c, const char *name, engsched_id *out)
{
    engsched_rc rc = engsched_role_find(c->db, name, out);
    if (rc == ENGSCHED_ENOTFOUND && parse_positive(name, out) == 0)
        return 0; /* a role id; the library checks it exists */
    if (rc == ENGSCHED_ENOTFOUND)
        return cli_error(EXIT_NOTFOUND, "no role named '%s'", name);
    return rc == ENGSCHED_OK ? 0 : cli_fail(c, rc);
}

int cli_version_arg(const cmd_spec *cmd, const parsed *p, int64_t *out)
{
    const char *v = arg_get(cmd, p, "version");
    *out = 0;
    if (v != NULL && parse_positive(v, out) != 0)
        return cli_error(EXIT_INVALID, "--version: '%s' is not a version (a positive integer)", v);
    return 0;
}

int cli_date_arg(const char *text, const char *what)
{
    if (engsched_date_validate(text) != ENGSCHED_OK)
        return cli_error(EXIT_INVALID, "%s: '%s' is not a date (YYYY-MM-DD)", what, text);
    return 0;
}

int cli_permissions(const char *text, unsigned int *out)
{
    unsigned int mask = 0;
    const char *s = text;
    if (strcmp(text, "all") == 0) {
        *out = ENGSCHED_PERM_ALL;
        return 0;
    }
    while (*s != '\0') {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        unsigned int bit = 0;
        for (unsigned int b = 1; b != 0 && b <= ENGSCHED_PERM_ALL; b <<= 1) {
            const char *name = engsched_permission_name(b);
            if (name != NULL && strlen(name) == len && strncmp(name, s, len) == 0)
                bit = b;
        }
        if (bit == 0)
            return cli_error(EXIT_INVALID, "permissions: unknown permission '%.*s' (see "
                                           "'engsched roles --help')",
                             (int)len, s);
        mask |= bit;
        s += len + (comma ? 1 : 0);
    }
    *out = mask;
    return 0;
}

static const char *const oprole_names[] = {"none", "lead", "tester", "reviewer"};

int cli_operator_role(const char *text, engsched_operator_role *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(text, oprole_names[i]) == 0) {
            *out = (engsched_operator_role)i;
            return 0;
        }
    }
    return cli_error(EXIT_INVALID, "role: '%s' is not one of none, lead, tester, reviewer", text);
}

const char *cli_operator_role_name(engsched_operator_role role)
{
    return (int)role >= 0 && (int)role <= 3 ? oprole_names[(int)role] : "unknown";
}

int cli_today(cli *c, char out[11])
{
    char *zone = NULL;
    engsched_rc rc = engsched_setting_get(c->db, "timezone", &zone);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    rc = engsched_date_in_zone(zone, cli_now(c), out);
    engsched_free(zone);
    return rc == ENGSCHED_OK ? 0 : cli_error(EXIT_OTHER, "the tenant time zone is not known here");
}

/* --- files -------------------------------------------------------------- */

int cli_blob_map(const char *path, cli_blob *out)
{
    out->data = NULL;
    out->size = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return cli_error(errno == ENOENT ? EXIT_NOTFOUND : EXIT_INVALID, "%s: %s", path,
                         strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return cli_error(EXIT_INVALID, "%s: not a regular file", path);
    }
    if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            return cli_error(EXIT_OTHER, "%s: %s", path, strerror(e));
        }
        out->data = p;
        out->size = (size_t)st.st_size;
    }
    close(fd);
    return 0;
}

void cli_blob_unmap(cli_blob *b)
{
    if (b->data != NULL)
        munmap(b->data, b->size);
    b->data = NULL;
    b->size = 0;
}

const char *cli_guess_media_type(const char *name)
{
    static const char *const types[][2] = {
        {".pdf", "application/pdf"}, {".txt", "text/plain"},     {".md", "text/markdown"},
        {".csv", "text/csv"},        {".json", "application/json"}, {".xml", "application/xml"},
        {".html", "text/html"},      {".png", "image/png"},      {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},     {".zip", "application/zip"}, {".ics", "text/calendar"},
    };
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        const char *a = dot, *b = types[i][0];
        while (*a && *b && (*a | 0x20) == *b)
            a++, b++;
        if (*a == '\0' && *b == '\0')
            return types[i][1];
    }
    return NULL;
}

const char *cli_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int cli_read_text(const char *path, char **out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return cli_error(errno == ENOENT ? EXIT_NOTFOUND : EXIT_INVALID, "%s: %s", path,
                         strerror(errno));
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap);
    int code = buf ? 0 : cli_error(EXIT_OTHER, "out of memory");
    while (code == 0) {
        if (len + 1 == cap) {
            char *grown = cap < (SIZE_MAX / 2) ? realloc(buf, cap * 2) : NULL;
            if (grown == NULL) {
                code = cli_error(EXIT_OTHER, "%s: too large to read", path);
                break;
            }
            buf = grown;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                code = cli_error(EXIT_OTHER, "%s: read error", path);
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    if (code != 0) {
        free(buf);
        return code;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        return cli_error(EXIT_INVALID, "%s: holds a NUL byte; not a JSON document", path);
    }
    *out = buf;
    return 0;
}
