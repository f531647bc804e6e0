/* Exchange commands: ics (an invitation), feed and feed-token (a calendar
 * subscription and its secret), export and import (JSON), reply. */
#include "cli.h"

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
            return out_json(json_pack("{s:I, s:b}", "user", (json_int_t)user, "revoked", 1));
        printf("feed token of user %lld revoked\n", (long long)user);
        return 0;
    }
    char *token = NULL;
    engsched_rc rc = engsched_feed_token_issue(c->db, c->actor, user, &token);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        code = out_json(json_pack("{s:I, s:s}", "user", (json_int_t)user, "token", token));
    else
        printf("%s\n", token);
    engsched_free(token);
    return code;
}

int cmd_export(cli *c, const cmd_spec *cmd, const parsed *p)
{
    int code = cli_open(c);
    if (code != 0)
        return code;
    char *text = NULL;
    engsched_rc rc = engsched_export_json(c->db, c->actor, &text);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    const char *path = arg_get(cmd, p, "output");
    size_t n = strlen(text);
    code = out_write_file(path, text, n);
    if (code == 0 && (path == NULL || strcmp(path, "-") == 0) && (n == 0 || text[n - 1] != '\n'))
        putchar('\n');
    engsched_free(text);
    return code;
}

int cmd_import(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    char *json = NULL;
    int code = cli_read_text(p->pos[0], &json);
    if (code != 0)
        return code;
    if ((code = cli_open(c)) != 0) {
        free(json);
        return code;
    }
    unsigned int count = 0;
    engsched_rc rc = engsched_import_json(c->db, c->actor, json, &count);
    free(json);
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
