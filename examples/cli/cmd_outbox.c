/* The store's outbox: deliver, outbox list|count|requeue|purge, and the
 * warning after a write whose invitations could not be built.
 *
 * Every invitation and event a change owes is kept in the store's outbox
 * (include/engsched/delivery.h). The CLI's handle hands what a command
 * wrote to --outbox DIR right after the commit; what it could not hand
 * over (no --outbox, a directory that refused the file) waits there for
 * `deliver` or the hourly job. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "excommon.h"

/* --- after a write ---------------------------------------------------------- */

void cli_note_write(cli *c) { c->undeliverable += engsched_undeliverable_count(c->db); }

/* The reason of the newest undeliverable item: the last one in id order.
 * 0, or -1 when the outbox cannot be read. */
static int newest_undeliverable(cli *c, char *reason, size_t size)
{
    int64_t after = 0;
    reason[0] = '\0';
    for (;;) {
        engsched_outbox_list *list = NULL;
        engsched_rc rc = engsched_outbox_list_get(
            c->db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_UNDELIVERABLE, after, 1000, &list);
        if (rc != ENGSCHED_OK)
            return -1;
        size_t n = engsched_outbox_list_count(list);
        const engsched_outbox_entry *last = n > 0 ? engsched_outbox_list_item(list, n - 1) : NULL;
        if (last != NULL) {
            snprintf(reason, size, "%s", last->reason);
            after = last->id;
        }
        engsched_outbox_list_free(list);
        if (n < 1000)
            return 0;
    }
}

void cli_warn_undeliverable(cli *c)
{
    if (c->undeliverable == 0 || c->db == NULL)
        return;
    char reason[400];
    if (newest_undeliverable(c, reason, sizeof reason) != 0 || reason[0] == '\0')
        snprintf(reason, sizeof reason, "see 'engsched outbox list --state undeliverable'");
    cli_error(0, "warning: %u invitation%s not sent: %s", c->undeliverable,
              c->undeliverable == 1 ? "" : "s", reason);
}

/* --- arguments ---------------------------------------------------------------- */

/* A whole number from @p min to @p max; 0 or a reported exit code. */
static int count_arg(const char *opt, const char *text, int64_t min, int64_t max, int64_t *out)
{
    int ok = text[0] != '\0' && strlen(text) <= 18;
    for (const char *s = text; ok && *s; s++)
        ok = *s >= '0' && *s <= '9';
    if (ok) {
        *out = (int64_t)strtoll(text, NULL, 10);
        ok = *out >= min && *out <= max;
    }
    if (!ok)
        return cli_error(EXIT_INVALID, "--%s: '%s' is not a whole number from %lld to %lld", opt,
                         text, (long long)min, (long long)max);
    return 0;
}

/* "pending,dead", or "all". */
static int states_arg(const char *text, unsigned int *out)
{
    static const unsigned int bits[] = {ENGSCHED_OUTBOX_PENDING, ENGSCHED_OUTBOX_DELIVERED,
                                        ENGSCHED_OUTBOX_DEAD, ENGSCHED_OUTBOX_UNDELIVERABLE};
    if (strcmp(text, "all") == 0) {
        *out = ENGSCHED_OUTBOX_ALL;
        return 0;
    }
    unsigned int mask = 0;
    const char *s = text;
    do {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        unsigned int bit = 0;
        for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
            const char *name = engsched_outbox_state_name(bits[i]);
            if (strlen(name) == len && strncmp(name, s, len) == 0)
                bit = bits[i];
        }
        if (bit == 0)
            return cli_error(EXIT_INVALID,
                             "--state: '%.*s' is not one of pending, dead, undeliverable, "
                             "delivered (comma-separated) or all",
                             (int)len, s);
        mask |= bit;
        s += len + (comma ? 1 : 0);
    } while (*s != '\0');
    *out = mask;
    return 0;
}

/* --- deliver ------------------------------------------------------------------ */

/* deliver --events FILE: each document as the library gave it, one line,
 * then a line with its seq and signature, so that a reader can check the
 * HMAC over the bytes of the line before. */
typedef struct event_file {
    FILE *f;
    const char *path;
} event_file;

static int write_event(void *ctx, int64_t seq, const char *json, size_t length,
                       const char *signature)
{
    event_file *ef = ctx;
    json_t *sig =
        json_pack("{s:I, s:o}", "seq", (json_int_t)seq, "signature", out_str_or_null(signature));
    char *line = sig != NULL ? json_dumps(sig, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(sig);
    const char *why = line == NULL ? "out of memory" : NULL;
    if (why == NULL && memchr(json, '\n', length) != NULL)
        why = "the document is not one line";
    if (why == NULL && (fwrite(json, 1, length, ef->f) != length ||
                        fprintf(ef->f, "\n%s\n", line) < 0 || fflush(ef->f) != 0)) {
        why = strerror(errno);
        clearerr(ef->f);
    }
    free(line);
    if (why == NULL)
        return 0;
    cli_error(0, "warning: cannot write event %lld to %s: %s", (long long)seq, ef->path, why);
    return 1; /* refused: it stays pending and is retried */
}

int cmd_deliver(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *limit_text = arg_get(cmd, p, "limit");
    const char *events = arg_get(cmd, p, "events");
    int64_t limit = 0;
    int code;
    if (limit_text != NULL && (code = count_arg("limit", limit_text, 1, 1000000, &limit)) != 0)
        return code;
    if (c->outbox == NULL && events == NULL)
        return cli_usage(cmd, "nothing to deliver to: give --outbox DIR (or set "
                              "ENGSCHED_OUTBOX) or --events FILE");
    event_file ef = {NULL, events};
    if (events != NULL) {
        c->deliver_event = write_event; /* called only by engsched_deliver() below */
        c->deliver_event_ctx = &ef;
    }
    code = cli_open(c);
    if (code == 0 && events != NULL && (ef.f = fopen(events, "ab")) == NULL)
        code = cli_error(EXIT_INVALID, "--events: %s: %s", events, strerror(errno));
    engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    uint64_t pending = 0;
    if (code == 0) {
        /* engsched_deliver() takes no actor; the outbox is ADMIN's, so ask
         * the library's own rule with a count first (exit 4 without it). */
        engsched_rc rc = engsched_outbox_count(c->db, c->actor, ENGSCHED_OUTBOX_PENDING, &pending);
        if (rc == ENGSCHED_OK)
            rc = engsched_deliver(c->db, (unsigned int)limit, &res);
        if (rc != ENGSCHED_OK)
            code = cli_fail(c, rc);
    }
    /* The handle's event callback writes to ef: close the handle first. */
    if (c->db != NULL && engsched_close(c->db) != ENGSCHED_OK && code == 0)
        code = cli_error(EXIT_OTHER, "closing the store failed");
    c->db = NULL;
    if (ef.f != NULL && fclose(ef.f) != 0 && code == 0)
        code = cli_error(EXIT_OTHER, "--events: %s: %s", events, strerror(errno));
    if (code != 0)
        return code;
    if (c->json)
        return out_json(json_pack("{s:i, s:i, s:i}", "delivered", (int)res.delivered, "retrying",
                                  (int)res.retrying, "dead", (int)res.dead));
    printf("delivered %u, retrying %u, dead %u\n", res.delivered, res.retrying, res.dead);
    return 0;
}

/* --- outbox ------------------------------------------------------------------- */

static json_t *entry_json(cli *c, const engsched_outbox_entry *e)
{
    int pending = e->state == ENGSCHED_OUTBOX_PENDING;
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:o, s:I, s:I, s:s, s:s}", "id",
                     (json_int_t)e->id, "kind", engsched_outbox_kind_name(e->kind), "state",
                     engsched_outbox_state_name(e->state), "engagement",
                     e->engagement ? json_integer(e->engagement) : json_null(), "user",
                     e->user ? json_integer(e->user) : json_null(), "user_key",
                     e->user ? out_user_key(c, e->user) : json_null(), "event_seq",
                     e->event_seq ? json_integer(e->event_seq) : json_null(), "attempts",
                     (int)e->attempts, "next_attempt_at",
                     pending ? json_integer(e->next_attempt_at) : json_null(), "created_at",
                     (json_int_t)e->created_at, "updated_at", (json_int_t)e->updated_at,
                     "recipient", e->recipient, "reason", e->reason);
}

/* A mail row names its operator by host key when the directory has it. */
static int entry_row(cli *c, ex_table *t, const engsched_outbox_entry *e)
{
    char id[24], engagement[24], who[160], attempts[16], next[21], *key = NULL;
    snprintf(id, sizeof id, "%lld", (long long)e->id);
    snprintf(engagement, sizeof engagement, e->engagement ? "#%lld" : "-",
             (long long)e->engagement);
    if (e->kind == ENGSCHED_OUTBOX_MAIL &&
        engsched_user_info(c->db, e->user, &key, NULL, NULL, NULL, NULL) == ENGSCHED_OK)
        snprintf(who, sizeof who, "%s", key);
    else if (e->kind == ENGSCHED_OUTBOX_MAIL)
        snprintf(who, sizeof who, "user %lld", (long long)e->user);
    else
        snprintf(who, sizeof who, "seq %lld", (long long)e->event_seq);
    snprintf(attempts, sizeof attempts, "%u", e->attempts);
    if (e->state == ENGSCHED_OUTBOX_PENDING)
        ex_instant_format(e->next_attempt_at, next);
    else
        snprintf(next, sizeof next, "-");
    const char *cells[] = {id,
                           engsched_outbox_kind_name(e->kind),
                           engsched_outbox_state_name(e->state),
                           engagement,
                           who,
                           attempts,
                           next,
                           e->recipient[0] ? e->recipient : "-",
                           e->reason};
    engsched_free(key);
    return ex_table_add(t, cells, NULL, 0);
}

static int outbox_list(cli *c, unsigned int states, int64_t after, unsigned int limit)
{
    static const char *const headers[] = {"ID",           "Kind",      "State",
                                          "Engagement",   "User/seq",  "Attempts",
                                          "Next attempt", "Recipient", "Reason"};
    engsched_outbox_list *list = NULL;
    engsched_rc rc = engsched_outbox_list_get(c->db, c->actor, states, after, limit, &list);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    size_t n = engsched_outbox_list_count(list);
    json_t *arr = c->json ? json_array() : NULL;
    ex_table *t = c->json || n == 0 ? NULL : ex_table_new(9, headers);
    int code =
        (c->json ? arr == NULL : n > 0 && t == NULL) ? cli_error(EXIT_OTHER, "out of memory") : 0;
    if (t != NULL) {
        ex_table_align_right(t, 0);
        ex_table_align_right(t, 5);
    }
    for (size_t i = 0; code == 0 && i < n; i++) {
        const engsched_outbox_entry *e = engsched_outbox_list_item(list, i);
        int bad = arr != NULL ? json_array_append_new(arr, entry_json(c, e)) != 0
                              : entry_row(c, t, e) != 0;
        if (bad)
            code = cli_error(EXIT_OTHER, "out of memory");
    }
    int64_t last = n > 0 ? engsched_outbox_list_item(list, n - 1)->id : after;
    engsched_outbox_list_free(list);
    if (arr != NULL)
        return code == 0 ? out_json(arr) : (json_decref(arr), code);
    if (code == 0 && t != NULL)
        ex_table_print(t, stdout, 0);
    ex_table_free(t);
    if (code == 0 && n == 0)
        printf("no outbox items\n");
    if (code == 0 && n == limit)
        printf("more may follow: --after %lld\n", (long long)last);
    return code;
}

static int outbox_requeue(cli *c, const cmd_spec *cmd, const parsed *p)
{
    int64_t item = 0;
    int code;
    if (p->npos != 2)
        return cli_usage(cmd, "expected 'requeue ID' or 'requeue all'");
    if (strcmp(p->pos[1], "all") != 0 && (code = cli_engagement_id(p->pos[1], "ID", &item)) != 0)
        return code;
    if ((code = cli_open(c)) != 0)
        return code;
    unsigned int requeued = 0;
    engsched_rc rc = engsched_outbox_requeue(c->db, c->actor, item, &requeued);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    /* What is still undeliverable was rebuilt and failed again. */
    uint64_t still = 0;
    if (engsched_outbox_count(c->db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_UNDELIVERABLE, &still) !=
        ENGSCHED_OK)
        still = 0;
    if (c->json)
        code = out_json(
            json_pack("{s:i, s:I}", "requeued", (int)requeued, "undeliverable", (json_int_t)still));
    else
        printf("%u item%s re-queued\n", requeued, requeued == 1 ? "" : "s");
    char reason[400];
    if (still > 0 && code == 0 && newest_undeliverable(c, reason, sizeof reason) == 0)
        cli_error(0, "warning: %llu undeliverable item%s left in the outbox: %s",
                  (unsigned long long)still, still == 1 ? "" : "s", reason);
    return code;
}

int cmd_outbox(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->npos > 0 ? p->pos[0] : "list";
    int is_list = strcmp(action, "list") == 0, is_count = strcmp(action, "count") == 0;
    int is_requeue = strcmp(action, "requeue") == 0, is_purge = strcmp(action, "purge") == 0;
    const char *state_text = arg_get(cmd, p, "state"), *after_text = arg_get(cmd, p, "after");
    const char *limit_text = arg_get(cmd, p, "limit"), *before = arg_get(cmd, p, "before");
    if (!(is_list || is_count || is_requeue || is_purge))
        return cli_usage(cmd, "expected 'list', 'count', 'requeue ID|all' or 'purge --before "
                              "WHEN'");
    if (is_requeue)
        return state_text || after_text || limit_text || before
                   ? cli_usage(cmd, "'requeue' takes no --state, --after, --limit or --before")
                   : outbox_requeue(c, cmd, p);
    if (p->npos > 1)
        return cli_usage(cmd, "unexpected argument '%s'", p->pos[1]);
    if (!is_list && (after_text != NULL || limit_text != NULL))
        return cli_usage(cmd, "--after and --limit go with 'list'");
    if (is_purge && state_text != NULL)
        return cli_usage(cmd, "'purge' removes delivered items only: it takes no --state");
    if (!is_purge && before != NULL)
        return cli_usage(cmd, "--before goes with 'purge'");
    if (is_purge && before == NULL)
        return cli_usage(cmd, "'purge' needs --before WHEN");

    unsigned int states =
        ENGSCHED_OUTBOX_PENDING | ENGSCHED_OUTBOX_DEAD | ENGSCHED_OUTBOX_UNDELIVERABLE;
    int64_t after = 0, limit = 50, when = 0;
    int code = 0;
    if (state_text != NULL)
        code = states_arg(state_text, &states);
    if (code == 0 && after_text != NULL)
        code = count_arg("after", after_text, 0, INT64_C(999999999999999999), &after);
    if (code == 0 && limit_text != NULL)
        code = count_arg("limit", limit_text, 1, 1000, &limit);
    if (code == 0 && before != NULL && ex_instant_parse(before, &when) != 0)
        code = cli_error(EXIT_INVALID,
                         "--before: '%s' is not epoch seconds, YYYY-MM-DD or "
                         "YYYY-MM-DDTHH:MM[:SS]Z",
                         before);
    if (code != 0 || (code = cli_open(c)) != 0)
        return code;
    if (is_list)
        return outbox_list(c, states, after, (unsigned int)limit);
    engsched_rc rc;
    uint64_t n = 0;
    if (is_count)
        rc = engsched_outbox_count(c->db, c->actor, states, &n);
    else
        rc = engsched_outbox_purge(c->db, c->actor, when, &n);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (is_count && c->json)
        return out_json(json_pack("{s:I}", "count", (json_int_t)n));
    if (is_count)
        printf("%llu\n", (unsigned long long)n);
    else if (c->json)
        return out_json(json_pack("{s:I}", "purged", (json_int_t)n));
    else
        printf("%llu delivered item%s purged\n", (unsigned long long)n, n == 1 ? "" : "s");
    return 0;
}
