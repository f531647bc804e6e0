/* The option parser: `--name VALUE`, `--name=VALUE`, flags, `--` and
 * positional words, checked against a command's table. The same table
 * prints the command's --help, so help and parser cannot disagree. */
#include "cli.h"

#include <string.h>

/* The global options, recognised before the command and among its own
 * words alike: one parser and one table, rather than getopt_long, which
 * is a GNU extension outside the project's C11 + POSIX and would parse
 * the words a second time with rules of its own. */
static const struct {
    const char *name;
    size_t offset; /* of the value in args_globals; flags have none */
    int flag;
} global_opts[] = {
    {"db", offsetof(args_globals, db), 0},     {"as", offsetof(args_globals, as), 0},
    {"now", offsetof(args_globals, now), 0},   {"outbox", offsetof(args_globals, outbox), 0},
    {"json", offsetof(args_globals, json), 1},
};

int args_global(const cmd_spec *cmd, int argc, char **argv, int *i, args_globals *g)
{
    const char *a = argv[*i];
    if (a[0] != '-' || a[1] != '-')
        return 0;
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < sizeof global_opts / sizeof global_opts[0]; k++) {
        const char *gname = global_opts[k].name;
        if (strlen(gname) != len || strncmp(gname, name, len) != 0)
            continue;
        char *slot = (char *)g + global_opts[k].offset;
        if (global_opts[k].flag) {
            if (eq != NULL) {
                cli_usage(cmd, "option '--%s' takes no value", gname);
                return -1;
            }
            *(int *)(void *)slot = 1; /* the same flag twice says the same */
            return 1;
        }
        const char *value = eq ? eq + 1 : *i + 1 < argc ? argv[*i + 1] : NULL;
        if (value == NULL) {
            cli_usage(cmd, "option '--%s' needs a value", gname);
            return -1;
        }
        const char **dst = (const char **)(void *)slot;
        if (*dst != NULL && strcmp(*dst, value) != 0) {
            cli_usage(cmd, "option '--%s' given twice with different values ('%s', '%s')", gname,
                      *dst, value);
            return -1;
        }
        *dst = value;
        *i += eq ? 0 : 1;
        return 1;
    }
    return 0;
}

static int find_opt(const cmd_spec *cmd, const char *name, size_t len)
{
    for (int i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++) {
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

int args_parse(const cmd_spec *cmd, int argc, char **argv, args_globals *g, parsed *out)
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
            int taken = k < 0 && g != NULL ? args_global(cmd, argc, argv, &i, g) : 0;
            if (taken != 0) {
                if (taken < 0)
                    return EXIT_USAGE;
                continue;
            }
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
    fprintf(f, "\nGlobal options (before or after the command): --db PATH, --as USER, --json,\n"
               "--now WHEN, --outbox DIR; see 'engsched --help' for them, USER and CLIENT\n"
               "keys or ids, and the exit codes.\n");
}
