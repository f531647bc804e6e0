/* Fuzz target: the engsched CLI's option parser (examples/cli/args.c).
 *
 * The input is cut at 0xFF into words (a NUL ends a word, as in argv);
 * the first byte picks an option table shaped like the CLI's commands:
 * the engagement details of request/create/approve/edit (CLI_DETAIL_OPTS
 * from cli.h itself, plus client, report title, repeatable operators and
 * files, version), a flags-and-values table with two positionals, a
 * table with no options, and one shaped like `outbox` (values only, zero
 * to two positionals: `requeue ID`, `purge --before WHEN`). The low seven
 * bits pick the table, the high bit asks for the help text.
 *
 * The command table and the global options live in main.c beside main(),
 * and the global parser exits on a missing value, so they are not
 * reachable from here (see docs/fuzzing.md).
 *
 * Oracles: args_parse returns 0 or EXIT_USAGE (it never exits); after 0
 * the positionals are within the table's bounds (the minimum unless
 * --help), a value is "" for a flag or one of the words (or the part of
 * one after '='), no option is counted more often than allowed, and
 * arg_get/arg_flag/arg_all agree with the parse. */
#include "cli.h"
#include "fuzz.h"

#include <stdarg.h>

static char usage_message[512];

/* The CLI's own cli_usage prints to stderr; keep the message instead. */
int cli_usage(const cmd_spec *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(usage_message, sizeof usage_message, fmt, ap);
    va_end(ap);
    (void)cmd;
    return EXIT_USAGE;
}

static const opt_spec detail_opts[] = {
    {"client", "KEY", "client", 0},
    CLI_DETAIL_OPTS,
    {"report-title", "TEXT", "report title", 0},
    {"operator", "USER[:ROLE]", "operator", 1},
    {"file", "PATH", "support file", 1},
    {"version", "N", "the version you saw", 0},
    {NULL, NULL, NULL, 0},
};

static const opt_spec flag_opts[] = {
    {"strict", NULL, "refuse overlaps", 0},
    {"mail", NULL, "whole message", 0},
    {"role", "ROLE", "operator role", 0},
    {"output", "PATH", "where to write", 0},
    {"tag", "T", "repeatable", 1},
    {NULL, NULL, NULL, 0},
};

static const opt_spec outbox_opts[] = {
    {"state", "LIST", "states", 0},
    {"after", "ID", "after this id", 0},
    {"limit", "N", "at most N", 0},
    {"before", "WHEN", "purge before", 0},
    {NULL, NULL, NULL, 0},
};

static int run_stub(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)c;
    (void)cmd;
    (void)p;
    return 0;
}

static const cmd_spec commands[] = {
    {"edit", "ID [DETAILS]", "Edit.", NULL, detail_opts, 0, 1, run_stub},
    {"assign", "ID USER [--role ROLE]", "Assign.", NULL, flag_opts, 2, 2, run_stub},
    {"import", "FILE", "Import.", NULL, NULL, 1, 1, run_stub},
    {"create", "[DETAILS]", "Create.", "More text.", detail_opts, 0, 0, run_stub},
    {"outbox", "[list]\nrequeue ID|all\npurge --before WHEN", "Outbox.", NULL, outbox_opts, 0, 2,
     run_stub},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    return devnull == NULL ? -1 : 0;
}

#define MAX_WORDS 64

/* Whether v is "" or lies inside one of the words. */
static int from_words(const char *v, char **words, int n)
{
    if (v[0] == '\0')
        return 1;
    for (int i = 0; i < n; i++)
        if (v >= words[i] && v <= words[i] + strlen(words[i]))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const cmd_spec *cmd = &commands[(data[0] & 0x7f) % NCOMMANDS];
    int help = (data[0] & 0x80) != 0;
    char *buf = malloc(size);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    char *words[MAX_WORDS + 1];
    int n = 0;
    for (char *p = buf, *start = buf; n < MAX_WORDS; p++) {
        if (*p == (char)0xFF || p == buf + size - 1) {
            int end = p == buf + size - 1;
            *p = '\0';
            words[n++] = start;
            start = p + 1;
            if (end)
                break;
        }
    }
    words[n] = NULL;
    if (size == 1)
        n = 0;

    parsed p;
    args_globals g = {NULL, NULL, NULL, NULL, 0};
    int rc = args_parse(cmd, n, words, &g, &p);
    FUZZ_CHECK(rc == 0 || rc == EXIT_USAGE, "args_parse returned %d", rc);
    if (rc == EXIT_USAGE) {
        FUZZ_CHECK(usage_message[0] != '\0', "a usage error without a message");
        usage_message[0] = '\0';
    } else {
        FUZZ_CHECK(p.npos >= 0 && p.npos <= cmd->max_pos && p.npos <= ARGS_MAX_POS,
                   "%d positionals, at most %d", p.npos, cmd->max_pos);
        FUZZ_CHECK(p.help || p.npos >= cmd->min_pos, "%d positionals, at least %d", p.npos,
                   cmd->min_pos);
        for (int i = 0; i < p.npos; i++) {
            int whole_word = 0;
            for (int w = 0; w < n; w++)
                whole_word |= p.pos[i] == words[w];
            FUZZ_CHECK(whole_word, "positional %d is not one of the words", i);
        }
        for (int k = 0; cmd->opts != NULL && cmd->opts[k].name != NULL; k++) {
            const opt_spec *o = &cmd->opts[k];
            FUZZ_CHECK(p.count[k] >= 0 && p.count[k] <= (o->repeat ? ARGS_MAX_REPEAT : 1),
                       "--%s counted %d times", o->name, p.count[k]);
            for (int j = 0; j < p.count[k]; j++) {
                FUZZ_CHECK(p.val[k][j] != NULL && from_words(p.val[k][j], words, n),
                           "--%s has a value from nowhere", o->name);
                if (o->metavar == NULL)
                    FUZZ_CHECK(p.val[k][j][0] == '\0', "flag --%s has a value", o->name);
            }
            const char *last = arg_get(cmd, &p, o->name);
            FUZZ_CHECK((last != NULL) == (p.count[k] > 0) &&
                           (last == NULL || last == p.val[k][p.count[k] - 1]),
                       "arg_get(--%s) disagrees", o->name);
            FUZZ_CHECK(arg_flag(cmd, &p, o->name) == (p.count[k] > 0), "arg_flag(--%s)",
                       o->name);
            const char *const *all = NULL;
            FUZZ_CHECK(arg_all(cmd, &p, o->name, &all) == p.count[k], "arg_all(--%s)", o->name);
        }
        FUZZ_CHECK(arg_get(cmd, &p, "no-such-option") == NULL, "an unknown option has a value");
    }
    if (help)
        args_help(cmd, devnull);
    free(buf);
    return 0;
}
