/* The recurrence commands: recur (give or clear a rule) and clone. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_recur(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0;
    int64_t version = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
        (code = cli_version_arg(cmd, p, &version)) != 0 || (code = cli_open(c)) != 0)
        return code;
    const char *rule = strcmp(p->pos[1], "none") == 0 ? NULL : p->pos[1];
    engsched_rc rc = engsched_recurrence_set(c->db, c->actor, id, version, rule);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(
            json_pack("{s:I, s:s}", "id", (json_int_t)id, "recurrence", rule != NULL ? rule : ""));
    if (rule == NULL)
        printf("engagement %lld no longer recurs\n", (long long)id);
    else
        printf("engagement %lld recurs: %s\n", (long long)id, rule);
    return 0;
}

int cmd_clone(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0, made = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0)
        return code;
    engsched_clone_options o = ENGSCHED_CLONE_OPTIONS_INIT;
    o.start = arg_get(cmd, p, "start");
    o.end = arg_get(cmd, p, "end");
    if (arg_flag(cmd, p, "dates"))
        o.flags |= ENGSCHED_CLONE_DATES;
    if (arg_flag(cmd, p, "operators"))
        o.flags |= ENGSCHED_CLONE_OPERATORS;
    if (arg_flag(cmd, p, "recurrence"))
        o.flags |= ENGSCHED_CLONE_RECURRENCE;
    if ((code = cli_open(c)) != 0)
        return code;
    engsched_rc rc = engsched_clone(c->db, c->actor, id, &o, &made);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:I, s:I}", "id", (json_int_t)made, "origin", (json_int_t)id));
    printf("engagement %lld cloned from %lld\n", (long long)made, (long long)id);
    return 0;
}
