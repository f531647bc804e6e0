/* Exchange commands: ics (an invitation), feed and feed-token (a calendar
 * subscription and its secret), export and import (JSON), reply. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print or write text the library returned, then free it. */
static int emit(cli *c, engsched_rc rc, char *text, const char *path)
{
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    int code = out_write_file(path, text, strlen(text));
    engsched_free(text);
    return code;
}

int cmd_ics(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0, user = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 || (code = cli_open(c)) != 0 ||
        (code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    char *text = NULL;
    engsched_rc rc = arg_flag(cmd, p, "mail")
                         ? engsched_invitation_mail(c->db, c->actor, id, user, &text)
                         : engsched_invitation_ics(c->db, c->actor, id, user, &text);
    return emit(c, rc, text, arg_get(cmd, p, "output"));
}

int cmd_feed(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *token = arg_get(cmd, p, "token");
    if ((token != NULL) == (p->npos == 1))
        return cli_usage(cmd, "expected USER or --token TOKEN");
    int code = cli_open(c);
    if (code != 0)
        return code;
    char *text = NULL;
    engsched_rc rc;
    if (token != NULL) {
        rc = engsched_feed_ics_by_token(c->db, token, &text);
    } else {
        engsched_id user = 0;
        if ((code = cli_user(c, p->pos[0], &user)) != 0)
            return code;
        rc = engsched_feed_ics(c->db, c->actor, user, &text);
    }
    return emit(c, rc, text, arg_get(cmd, p, "output"));
}

/* The secret a calendar client's subscription URL carries: issued (or
 * rotated) once and printed once, or revoked. */
int cmd_feed_token(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    int issue = strcmp(action, "issue") == 0;
    if (!issue && strcmp(action, "revoke") != 0)
        return cli_usage(cmd, "expected 'issue USER' or 'revoke USER'");
    engsched_id user = 0;
    int code;
    if ((code = cli_open(c)) != 0 || (code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    if (!issue) {
        engsched_rc rc = engsched_feed_token_revoke(c->db, c->actor, user);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
        if (c->json)
            return out_json(json_pack("{s:I, s:o, s:b}", "user", (json_int_t)user, "user_key",
                                      out_user_key(c, user), "revoked", 1));
        printf("feed token of user %lld revoked\n", (long long)user);
        return 0;
    }
    char *token = NULL;
    engsched_rc rc = engsched_feed_token_issue(c->db, c->actor, user, &token);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        code = out_json(json_pack("{s:I, s:o, s:s}", "user", (json_int_t)user, "user_key",
                                  out_user_key(c, user), "token", token));
    else
        printf("%s\n", token);
    engsched_free(token);
    return code;
}

static int write_stream(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static long read_stream(void *ctx, char *buf, size_t size)
{
    size_t n = fread(buf, 1, size, ctx);
    return n > 0 ? (long)n : (ferror(ctx) ? -1 : 0);
}

/* Streamed to the file as it is made: a store of any size in flat memory.
 * A file is written beside its name and moved over it when complete. */
int cmd_export(cli *c, const cmd_spec *cmd, const parsed *p)
{
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_export_options opts = ENGSCHED_EXPORT_OPTIONS_INIT;
    if (arg_flag(cmd, p, "secrets"))
        opts.flags |= ENGSCHED_EXPORT_SECRETS;
    const char *path = arg_get(cmd, p, "output");
    int to_stdout = path == NULL || strcmp(path, "-") == 0;
    char partial[4096];
    FILE *f = stdout;
    if (!to_stdout) {
        if (snprintf(partial, sizeof partial, "%s.partial", path) >= (int)sizeof partial)
            return cli_error(EXIT_INVALID, "%s: path too long", path);
        if ((f = fopen(partial, "wb")) == NULL)
            return cli_error(EXIT_INVALID, "%s: %s", partial, strerror(errno));
    }
    engsched_rc rc = engsched_export(c->db, c->actor, &opts, write_stream, f);
    if (to_stdout)
        return rc == ENGSCHED_OK ? (fflush(stdout) == 0
                                        ? 0
                                        : cli_error(EXIT_OTHER, "cannot write to standard output"))
                                 : cli_fail(c, rc);
    int bad = fclose(f) != 0;
    if (rc != ENGSCHED_OK || bad || rename(partial, path) != 0) {
        remove(partial);
        return rc != ENGSCHED_OK ? cli_fail(c, rc)
                                 : cli_error(EXIT_OTHER, "%s: write failed", path);
    }
    return 0;
}

int cmd_import(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    const char *path = p->pos[0];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return cli_error(errno == ENOENT ? EXIT_NOTFOUND : EXIT_INVALID, "%s: %s", path,
                         strerror(errno));
    int code = cli_open(c);
    unsigned int count = 0;
    engsched_rc rc = ENGSCHED_OK;
    if (code == 0)
        rc = engsched_import(c->db, c->actor, read_stream, f, &count);
    if (f != stdin)
        fclose(f);
    if (code != 0)
        return code;
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:i}", "imported", (int)count));
    printf("%u engagement%s imported\n", count, count == 1 ? "" : "s");
    return 0;
}

/* An operator's answer: the text/calendar part (METHOD:REPLY) of the mail
 * their calendar client sent to the organizer, from FILE or '-'. */
int cmd_reply(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    char *ics = NULL;
    int code = cli_read_text(p->pos[0], &ics);
    if (code != 0)
        return code;
    if ((code = cli_open(c)) != 0) {
        free(ics);
        return code;
    }
    engsched_reply_result r = {ENGSCHED_REPLY_RESULT_VERSION, 0, 0, ENGSCHED_RESPONSE_NONE, 0};
    engsched_rc rc = engsched_invitation_reply(c->db, c->actor, ics, strlen(ics), &r);
    free(ics);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    const char *answer = engsched_response_name(r.response);
    if (c->json)
        return out_json(json_pack("{s:I, s:I, s:s, s:I}", "engagement", (json_int_t)r.engagement,
                                  "user", (json_int_t)r.user, "response", answer, "sequence",
                                  (json_int_t)r.sequence));
    printf("user %lld %s engagement %lld (SEQUENCE %lld)\n", (long long)r.user, answer,
           (long long)r.engagement, (long long)r.sequence);
    return 0;
}
