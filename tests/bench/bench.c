/* engsched-bench: generate a data set, measure the operations of issue 9
 * through the public API against minimal SQL and bare libical, print a
 * table and write JSON.
 *
 *   engsched-bench [--scale N] [--db PATH] [--json FILE] [--seed N]
 *                  [--budget SECONDS] [--reuse | --overwrite] [--keep] [--quiet]
 *
 * Built with the project (target engsched-bench); not a timed test. The
 * ctest bench-smoke only runs a small scale and checks the JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void usage(FILE *f)
{
    fputs("usage: engsched-bench [options]\n"
          "  --scale N         engagements in the data set (default 1000000)\n"
          "  --db PATH         the SQLite store (default: a temporary file, removed after)\n"
          "  --json FILE       also write the results as JSON\n"
          "  --seed N          seed of the data set and the samples (default 42)\n"
          "  --budget SECONDS  time spent measuring each operation (default 2)\n"
          "  --reuse           use the store at --db from an earlier run as it is\n"
          "  --overwrite       replace an existing file at --db\n"
          "  --keep            keep the store at the end (default with --db)\n"
          "  --generate-only   write the data set to --db and stop\n"
          "  --only GROUPS     measure only these, comma-separated: list, calendar,\n"
          "                    availability, invitations, candidates, capacity, writes,\n"
          "                    delivery, exchange, tick\n"
          "  --quiet           no progress lines on stderr\n",
          f);
}

static long parse_long(const char *opt, const char *v)
{
    char *end = NULL;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (v == NULL || errno != 0 || end == v || *end != '\0' || n < 0)
        bench_die("%s: expected a whole number, got '%s'", opt, v ? v : "");
    return n;
}

static void parse_args(int argc, char **argv, bench_cfg *cfg)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--scale") == 0) {
            cfg->scale = parse_long(a, v), i++;
        } else if (strcmp(a, "--seed") == 0) {
            cfg->seed = (uint64_t)parse_long(a, v), i++;
        } else if (strcmp(a, "--db") == 0 && v) {
            cfg->db_path = v, cfg->keep = 1, i++;
        } else if (strcmp(a, "--json") == 0 && v) {
            cfg->json_path = v, i++;
        } else if (strcmp(a, "--budget") == 0 && v) {
            cfg->budget = atof(v), i++;
            if (cfg->budget <= 0)
                bench_die("--budget: expected a positive number of seconds");
        } else if (strcmp(a, "--reuse") == 0) {
            cfg->reuse = 1;
        } else if (strcmp(a, "--overwrite") == 0) {
            cfg->overwrite = 1;
        } else if (strcmp(a, "--keep") == 0) {
            cfg->keep = 1;
        } else if (strcmp(a, "--only") == 0 && v) {
            cfg->only = v, i++;
        } else if (strcmp(a, "--generate-only") == 0) {
            cfg->generate_only = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg->quiet = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else {
            usage(stderr);
            exit(2);
        }
    }
    if (cfg->scale < 1000)
        bench_die("--scale: at least 1000 engagements");
}

int bench_wanted(const bench_cfg *cfg, const char *group)
{
    if (cfg->only == NULL)
        return 1;
    size_t len = strlen(group);
    for (const char *p = cfg->only; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, group, len) == 0)
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void remove_store(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The generator runs in a child process: its page cache and buffers do
 * not count in the peak memory of the measured process. */
static void generate(const bench_cfg *cfg, bench_fixture *fx)
{
    double t0 = bench_now_s();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        bench_die("fork: %s", strerror(errno));
    if (pid == 0) {
        bench_generate(cfg, fx);
        fflush(NULL);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_die("the generator failed");
    fx->generate_s = bench_now_s() - t0;
}

static void copy_file(const char *from, const char *to)
{
    static char buf[1 << 20];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL)
        bench_die("cannot copy %s to %s: %s", from, to, strerror(errno));
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n)
            bench_die("cannot write %s: %s", to, strerror(errno));
    }
    fclose(in);
    if (fclose(out) != 0)
        bench_die("cannot write %s: %s", to, strerror(errno));
}

int main(int argc, char **argv)
{
    bench_cfg cfg = {.scale = 1000000, .seed = 42, .budget = 2.0};
    parse_args(argc, argv, &cfg);
    char temp_path[512];
    if (cfg.db_path == NULL) {
        const char *dir = getenv("TMPDIR");
        snprintf(temp_path, sizeof temp_path, "%s/engsched-bench-%ld.db",
                 dir && dir[0] ? dir : "/tmp", (long)getpid());
        cfg.db_path = temp_path;
        if (cfg.generate_only)
            bench_die("--generate-only needs --db");
    }

    bench_fixture fx;
    bench_fixture_init(&cfg, &fx);
    int reused = 0;
    if (exists(cfg.db_path)) {
        if (cfg.reuse)
            reused = 1;
        else if (cfg.overwrite)
            remove_store(cfg.db_path);
        else
            bench_die("%s exists: pass --reuse to measure it as it is, or --overwrite",
                      cfg.db_path);
    }
    if (!reused) {
        bench_log(&cfg, "generating %ld engagements into %s (written directly with sqlite3)",
                  cfg.scale, cfg.db_path);
        generate(&cfg, &fx);
        bench_log(&cfg, "generated in %.1f s, %.1f MiB", fx.generate_s,
                  (double)file_size(cfg.db_path) / 1048576.0);
    }
    if (cfg.generate_only)
        return 0;

    bench_report *report = calloc(1, sizeof *report);
    if (report == NULL)
        bench_die("out of memory");
    bench_ctx c = {&cfg, &fx, report, NULL, NULL, cfg.seed ^ UINT64_C(0x5eed), 0, 0};
    c.raw = bench_raw_open(cfg.db_path);
    if (bench_raw_int(c.raw, "SELECT count(*) FROM engagements") < cfg.scale)
        bench_die("%s holds fewer than %ld engagements", cfg.db_path, cfg.scale);
    c.db = bench_open_library(&c, cfg.db_path);

    bench_measure_reads(&c);
    report->rss_after_reads_kib = bench_peak_rss_kib();
    if (bench_wanted(&cfg, "candidates")) {
        bench_log(&cfg, "measuring candidates");
        bench_measure_candidates(&c);
    }
    if (bench_wanted(&cfg, "capacity")) {
        bench_log(&cfg, "measuring capacity");
        bench_measure_capacity(&c);
    }
    if (bench_wanted(&cfg, "writes"))
        bench_measure_writes(&c);
    if (bench_wanted(&cfg, "delivery"))
        bench_measure_delivery(&c);
    if (bench_wanted(&cfg, "exchange"))
        bench_measure_exchange(&c);
    report->rss_after_writes_kib = bench_peak_rss_kib();

    engsched_close(c.db);
    bench_baseline_release();
    bench_raw_exec(c.raw, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (sqlite3_close(c.raw) != SQLITE_OK)
        bench_die("closing the baseline connection");

    /* The tick changes what it moves: it runs on two fresh copies, one
     * for the library and one for the SQL. */
    if (bench_wanted(&cfg, "tick")) {
        char lib_copy[4200], sql_copy[4200];
        snprintf(lib_copy, sizeof lib_copy, "%s.tick-lib", cfg.db_path);
        snprintf(sql_copy, sizeof sql_copy, "%s.tick-sql", cfg.db_path);
        copy_file(cfg.db_path, lib_copy);
        copy_file(cfg.db_path, sql_copy);
        bench_measure_tick(&c, lib_copy, sql_copy);
        remove_store(lib_copy);
        remove_store(sql_copy);
    }

    report->peak_rss_kib = bench_peak_rss_kib();
    bench_print_table(&cfg, &fx, report);
    int rc = 0;
    if (cfg.json_path != NULL && bench_write_json(&cfg, &fx, report, cfg.json_path) != 0) {
        fprintf(stderr, "engsched-bench: cannot write %s\n", cfg.json_path);
        rc = 1;
    }
    for (size_t i = 0; i < report->count; i++) {
        bench_series_free(&report->results[i].lib);
        bench_series_free(&report->results[i].base);
    }
    free(report);
    if (!cfg.keep)
        remove_store(cfg.db_path);
    return rc;
}
