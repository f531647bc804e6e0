/* Directory commands: init, settings, clients, users, roles. */
#include "cli.h"

#include <string.h>

/* Every setting but webhook_secret, which is write-only. */
static const char *const setting_keys[] = {
    "timezone",
    "organizer_email",
    "organizer_name",
    "uid_domain",
    "engagement_url",
    "report_url",
    "working_week",
    "holidays",
    "file_max_bytes",
    "file_max_count",
    "conflict_policy",
    "delivery_retry_seconds",
    "delivery_max_attempts",
    "delivery_lease_seconds",
    "outbox_events",
};

int cmd_init(cli *c, const cmd_spec *cmd, const parsed *p)
{
    c->create = 1;
    int code = cli_open(c);
    if (code != 0)
        return code;
    const char *zone = arg_get(cmd, p, "timezone");
    if (zone != NULL) {
        engsched_rc rc = engsched_setting_set(c->db, c->actor, "timezone", zone);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
    }
    int schema = 0;
    engsched_rc rc = engsched_schema_version(c->db, &schema);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json)
        return out_json(json_pack("{s:s, s:i, s:s}", "store", c->db_path, "schema_version",
                                  schema, "library", engsched_version()));
    printf("store %s ready (schema version %d, libengsched %s)\n", c->db_path, schema,
           engsched_version());
    return 0;
}

static int print_setting(cli *c, const char *key, json_t *obj)
{
    char *value = NULL;
    engsched_rc rc = engsched_setting_get(c->db, key, &value);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (obj != NULL)
        json_object_set_new(obj, key, json_string(value));
    else
        printf("%-22s %s\n", key, value);
    engsched_free(value);
    return 0;
}

int cmd_settings(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    int code = cli_open(c);
    if (code != 0)
        return code;
    if (strcmp(action, "list") == 0 && p->npos == 1) {
        json_t *obj = c->json ? json_object() : NULL;
        for (size_t i = 0; code == 0 && i < sizeof setting_keys / sizeof setting_keys[0]; i++)
            code = print_setting(c, setting_keys[i], obj);
        if (obj != NULL)
            return code == 0 ? out_json(obj) : (json_decref(obj), code);
        return code;
    }
    if (strcmp(action, "get") == 0 && p->npos == 2) {
        json_t *obj = c->json ? json_object() : NULL;
        if (obj == NULL) {
            char *value = NULL;
            engsched_rc rc = engsched_setting_get(c->db, p->pos[1], &value);
            if (rc != ENGSCHED_OK)
                return cli_fail(c, rc);
            printf("%s\n", value);
            engsched_free(value);
            return 0;
        }
        code = print_setting(c, p->pos[1], obj);
        return code == 0 ? out_json(obj) : (json_decref(obj), code);
    }
    if (strcmp(action, "set") == 0 && p->npos == 3) {
        engsched_rc rc = engsched_setting_set(c->db, c->actor, p->pos[1], p->pos[2]);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
        if (c->json)
            return out_json(json_pack("{s:s, s:s}", "key", p->pos[1], "value", p->pos[2]));
        printf("%s set\n", p->pos[1]);
        return 0;
    }
    return cli_usage(cmd, "expected 'list', 'get KEY' or 'set KEY VALUE'");
}

int cmd_clients(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    if (strcmp(action, "add") != 0 && strcmp(action, "show") != 0)
        return cli_usage(cmd, "expected 'add KEY NAME' or 'show KEY'");
    if ((strcmp(action, "add") == 0) != (p->npos == 3))
        return cli_usage(cmd, "expected 'add KEY NAME' or 'show KEY'");
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_id id = 0;
    engsched_rc rc;
    if (strcmp(action, "add") == 0) {
        rc = engsched_client_upsert(c->db, c->actor, p->pos[1], p->pos[2], &id);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
    } else if ((code = cli_client(c, p->pos[1], &id)) != 0) {
        return code;
    }
    char *name = NULL;
    rc = engsched_client_name(c->db, id, &name);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json)
        code = out_json(json_pack("{s:I, s:o, s:s}", "id", (json_int_t)id, "key",
                                  out_str_or_null(cli_key_of(p->pos[1])), "name", name));
    else
        printf("client %lld  %s  %s\n", (long long)id, p->pos[1], name);
    engsched_free(name);
    return code;
}

static int show_user(cli *c, const char *key, engsched_id id)
{
    unsigned int perms = 0;
    engsched_rc rc = engsched_user_permissions(c->db, id, &perms);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    char names[400];
    out_permission_names(perms, names, sizeof names);
    int op = engsched_permissions_are_operator(perms);
    if (c->json) {
        return out_json(json_pack("{s:I, s:s, s:o, s:b}", "id", (json_int_t)id, "key", key,
                                  "permissions", out_permission_list(perms), "operator", op));
    }
    printf("user %lld  %s%s\n  permissions: %s\n", (long long)id, key, op ? "  (operator)" : "",
           names[0] ? names : "(none)");
    return 0;
}

int cmd_users(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    int is_add = strcmp(action, "add") == 0, is_show = strcmp(action, "show") == 0;
    int is_grant = strcmp(action, "grant") == 0, is_revoke = strcmp(action, "revoke") == 0;
    if (!((is_add || is_show) && p->npos == 2) && !((is_grant || is_revoke) && p->npos == 3))
        return cli_usage(cmd, "expected 'add KEY', 'show KEY', 'grant KEY CLIENT' or "
                              "'revoke KEY CLIENT'");
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_id user = 0, client = 0, role = 0;
    engsched_rc rc;
    if (is_add) {
        const char *name = arg_get(cmd, p, "name"), *role_name = arg_get(cmd, p, "role");
        if (name == NULL || role_name == NULL)
            return cli_usage(cmd, "'add' needs --name and --role");
        if ((code = cli_role(c, role_name, &role)) != 0)
            return code;
        rc = engsched_user_upsert(c->db, c->actor, p->pos[1], arg_get(cmd, p, "email"), name,
                                  role, arg_flag(cmd, p, "all-clients") ? ENGSCHED_USER_ALL_CLIENTS
                                                                        : 0,
                                  &user);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
        return show_user(c, p->pos[1], user);
    }
    if ((code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    if (is_show)
        return show_user(c, p->pos[1], user);
    if ((code = cli_client(c, p->pos[2], &client)) != 0)
        return code;
    rc = is_grant ? engsched_access_grant(c->db, c->actor, user, client)
                  : engsched_access_revoke(c->db, c->actor, user, client);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:I, s:o, s:I, s:b}", "user", (json_int_t)user, "user_key",
                                  out_user_key(c, user), "client", (json_int_t)client, "access",
                                  is_grant));
    printf("%s %s access to %s\n", p->pos[1], is_grant ? "has" : "no longer has", p->pos[2]);
    return 0;
}

int cmd_roles(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    if (strcmp(action, "permissions") == 0 && p->npos == 1) {
        json_t *list = c->json ? json_array() : NULL;
        for (unsigned int b = 1; b <= ENGSCHED_PERM_ALL; b <<= 1) {
            if (list != NULL)
                json_array_append_new(list, json_string(engsched_permission_name(b)));
            else
                printf("%s\n", engsched_permission_name(b));
        }
        return list != NULL ? out_json(list) : 0;
    }
    int is_create = strcmp(action, "create") == 0, is_set = strcmp(action, "set") == 0;
    int is_show = strcmp(action, "show") == 0;
    if (!(is_create || is_set || is_show) || p->npos != 2)
        return cli_usage(cmd, "expected 'create NAME', 'set NAME', 'show NAME' or 'permissions'");
    unsigned int perms = 0;
    const char *list = arg_get(cmd, p, "permissions");
    if (!is_show && list == NULL)
        return cli_usage(cmd, "'%s' needs --permissions", action);
    int code = list != NULL && !is_show ? cli_permissions(list, &perms) : 0;
    if (code != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_id role = 0;
    engsched_rc rc = ENGSCHED_OK;
    if (is_create)
        rc = engsched_role_create(c->db, c->actor, p->pos[1], perms, &role);
    else if ((code = cli_role(c, p->pos[1], &role)) != 0)
        return code;
    else if (is_set)
        rc = engsched_role_set_permissions(c->db, c->actor, role, perms);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (!is_show)
        cli_note_write(c);
    /* The API has no "permissions of a role" query: show what is known. */
    if (is_show)
        perms = engsched_builtin_role_permissions(role);
    char names[400];
    out_permission_names(perms, names, sizeof names);
    if (c->json)
        return out_json(json_pack("{s:I, s:s, s:o}", "id", (json_int_t)role, "name", p->pos[1],
                                  is_show ? "default_permissions" : "permissions",
                                  out_permission_list(perms)));
    if (is_show)
        printf("role %lld  %s%s%s\n", (long long)role, p->pos[1],
               perms ? "  built in; default permissions: " : "  (custom)", perms ? names : "");
    else
        printf("role %lld  %s  permissions: %s\n", (long long)role, p->pos[1],
               names[0] ? names : "(none)");
    return 0;
}
