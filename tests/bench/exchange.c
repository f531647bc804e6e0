/* Export and import at scale: the whole store written with the streaming
 * export to a file, imported with the streaming import into an empty
 * store, and exported again, each in a child process of its own so that
 * its peak resident memory is its own (wait4's ru_maxrss). The same export
 * through engsched_export_json(), which holds the document in memory, is
 * the comparison. The second export must equal the first byte for byte. */
#define _DEFAULT_SOURCE /* wait4() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

typedef enum step { EXPORT_STREAM, EXPORT_WHOLE, IMPORT_STREAM } step;

static int write_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static long read_file(void *ctx, char *buf, size_t size)
{
    size_t n = fread(buf, 1, size, ctx);
    return n > 0 ? (long)n : (ferror(ctx) ? -1 : 0);
}

static engsched *open_store(const char *path, unsigned int flags)
{
    engsched_options o;
    engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION);
    o.flags = flags;
    o.delivery = ENGSCHED_DELIVER_EXPLICIT; /* the restore queues nothing; keep it so */
    engsched *db = NULL;
    if (engsched_open(path, &o, &db) != ENGSCHED_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, engsched_open_errmsg());
        _exit(2);
    }
    return db;
}

/* In the child: one step, then exit 0 or 1. */
static void run_step(step s, const char *store, const char *file)
{
    engsched *db = open_store(store, s == IMPORT_STREAM ? ENGSCHED_OPEN_CREATE : 0);
    FILE *f = fopen(file, s == IMPORT_STREAM ? "rb" : "wb");
    if (f == NULL)
        _exit(2);
    engsched_rc rc;
    if (s == EXPORT_STREAM) {
        rc = engsched_export(db, ENGSCHED_SYSTEM, NULL, write_file, f);
    } else if (s == EXPORT_WHOLE) {
        char *json = NULL;
        rc = engsched_export_json(db, ENGSCHED_SYSTEM, &json);
        if (rc == ENGSCHED_OK && fwrite(json, 1, strlen(json), f) != strlen(json))
            rc = ENGSCHED_ESTORAGE;
        engsched_free(json);
    } else {
        rc = engsched_import(db, ENGSCHED_SYSTEM, read_file, f, NULL);
    }
    if (rc != ENGSCHED_OK)
        fprintf(stderr, "step %d: %s\n", (int)s, engsched_errmsg(db));
    fclose(f);
    engsched_close(db);
    _exit(rc == ENGSCHED_OK ? 0 : 1);
}

/* Seconds and peak KiB of one step in a child. */
static void measure(step s, const char *store, const char *file, double *seconds, long *kib)
{
    fflush(NULL);
    double t0 = bench_now_s();
    pid_t pid = fork();
    if (pid < 0)
        bench_die("fork failed");
    if (pid == 0)
        run_step(s, store, file);
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_die("export/import step %d failed (status %d)", (int)s, status);
    *seconds = bench_now_s() - t0;
    *kib = ru.ru_maxrss;
}

static int same_files(const char *a, const char *b, long *bytes)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa != NULL && fb != NULL;
    *bytes = 0;
    for (int ca = 0, cb = 0; same && ca != EOF; (*bytes)++) {
        ca = getc(fa);
        cb = getc(fb);
        same = ca == cb;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}

static void add(bench_ctx *c, const char *key, const char *label, double seconds, long kib,
                const char *what)
{
    bench_result *res = bench_result_add(c->report, key, label);
    res->unit = "eng/s";
    res->lib.ms = malloc(sizeof(double));
    if (res->lib.ms == NULL)
        bench_die("out of memory");
    res->lib.ms[0] = seconds * 1e3;
    res->lib.n = res->lib.cap = 1;
    res->lib.wall_s = seconds;
    res->lib.items = (double)c->cfg->scale;
    res->lib.valid = 1;
    res->rows = (double)c->cfg->scale;
    /* The report keeps a pointer to the note until the program ends. */
    static char notes[3][200];
    static size_t used;
    char *note = notes[used++ % 3];
    snprintf(note, sizeof notes[0], "%s; peak RSS of the process %ld KiB", what, kib);
    res->note = note;
}

void bench_measure_exchange(bench_ctx *c)
{
    bench_log(c->cfg, "measuring export and import");
    const char *db = c->cfg->db_path;
    char first[4200], whole[4200], second[4200], restored[4200];
    snprintf(first, sizeof first, "%s.export.json", db);
    snprintf(whole, sizeof whole, "%s.export-whole.json", db);
    snprintf(second, sizeof second, "%s.export-again.json", db);
    snprintf(restored, sizeof restored, "%s.restored", db);
    remove(restored);
    double s;
    long kib, bytes = 0;
    measure(EXPORT_STREAM, db, first, &s, &kib);
    add(c, "export.stream", "Export, streamed to a file", s, kib, "engsched_export()");
    measure(EXPORT_WHOLE, db, whole, &s, &kib);
    add(c, "export.json", "Export as one string", s, kib, "engsched_export_json()");
    measure(IMPORT_STREAM, restored, first, &s, &kib);
    add(c, "import.stream", "Import (restore), streamed", s, kib,
        "engsched_import() into an empty store");
    measure(EXPORT_STREAM, restored, second, &s, &kib);
    if (!same_files(first, second, &bytes) || !same_files(first, whole, &bytes))
        bench_die("the export of the restored store differs from the first");
    bench_log(c->cfg, "export → import → export: %ld bytes, identical", bytes - 1);
    remove(first);
    remove(whole);
    remove(second);
    char side[4300];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", restored, suffixes[i]);
        remove(side);
    }
}
