/* The option parser: `--name VALUE`, `--name=VALUE`, flags, `--` and
 * positional words, checked against a command's table. The same table
 * prints the command's --help, so help and parser cannot disagree. */
#include "cli.h"

#include <string.h>

static int find_opt(const cmd_spec *cmd, const char *name, size_t len)
{
    for (int i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++) {
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

int args_parse(const cmd_spec *cmd, int argc, char **argv, parsed *out)
{
    memset(out, 0, sizeof *out);
    int only_positional = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!only_positional && strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (!only_positional && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            out->help = 1;
            continue;
        }
        if (!only_positional && a[0] == '-' && a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            int k = find_opt(cmd, name, len);
            if (k < 0)
                return cli_usage(cmd, "unknown option '--%.*s'", (int)len, name);
            const opt_spec *o = &cmd->opts[k];
            const char *value;
            if (o->metavar == NULL) {
                if (eq != NULL)
                    return cli_usage(cmd, "option '--%s' takes no value", o->name);
                value = "";
            } else if (eq != NULL) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return cli_usage(cmd, "option '--%s' needs a value (%s)", o->name, o->metavar);
            }
            if (out->count[k] > 0 && !o->repeat)
                return cli_usage(cmd, "option '--%s' given twice", o->name);
            if (out->count[k] == ARGS_MAX_REPEAT)
                return cli_usage(cmd, "option '--%s' given too often", o->name);
            out->val[k][out->count[k]++] = value;
            continue;
        }
        if (!only_positional && a[0] == '-' && a[1] != '\0')
            return cli_usage(cmd, "unknown option '%s'", a);
        if (out->npos == ARGS_MAX_POS || out->npos == cmd->max_pos)
            return cli_usage(cmd, "unexpected argument '%s'", a);
        out->pos[out->npos++] = a;
    }
    if (!out->help && out->npos < cmd->min_pos)
        return cli_usage(cmd, "missing arguments");
    return 0;
}

static int index_of(const cmd_spec *cmd, const char *name)
{
    return find_opt(cmd, name, strlen(name));
}

const char *arg_get(const cmd_spec *cmd, const parsed *p, const char *name)
{
    int k = index_of(cmd, name);
    return k >= 0 && p->count[k] > 0 ? p->val[k][p->count[k] - 1] : NULL;
}

int arg_flag(const cmd_spec *cmd, const parsed *p, const char *name)
{
    int k = index_of(cmd, name);
    return k >= 0 && p->count[k] > 0;
}

int arg_all(const cmd_spec *cmd, const parsed *p, const char *name, const char *const **out)
{
    int k = index_of(cmd, name);
    if (k < 0) {
        *out = NULL;
        return 0;
    }
    *out = p->val[k];
    return p->count[k];
}

void args_help(const cmd_spec *cmd, FILE *f)
{
    const char *s = cmd->synopsis;
    const char *prefix = "usage: ";
    if (s == NULL || s[0] == '\0')
        fprintf(f, "usage: engsched [GLOBAL OPTIONS] %s\n", cmd->name);
    while (s != NULL && *s != '\0') {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(f, "%sengsched [GLOBAL OPTIONS] %s %.*s\n", prefix, cmd->name, (int)len, s);
        prefix = "       ";
        s = nl ? nl + 1 : s + len;
    }
    fprintf(f, "\n%s\n", cmd->summary);
    if (cmd->details != NULL)
        fprintf(f, "\n%s\n", cmd->details);
    fprintf(f, "\nOptions:\n");
    for (int i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++) {
        const opt_spec *o = &cmd->opts[i];
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(f, "  %-26s %s%s\n", left, o->help, o->repeat ? " (repeatable)" : "");
    }
    fprintf(f, "  %-26s %s\n", "--help", "show this help");
    fprintf(f, "\nGlobal options (before the command): --db PATH, --as USER, --json, --now WHEN,\n"
               "--outbox DIR; see 'engsched --help' for them and the exit codes.\n");
}
