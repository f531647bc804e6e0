/* Allocation failure, docs/design.md §8: "every allocation failure returns
 * ENOMEM, leaks nothing and leaves the store unchanged".
 *
 * A counting allocator is installed with engsched_set_allocator() before
 * any handle opens. The whole story (tests/support/story_driver.c: the
 * story of test_story.c and a tour of the rest of the API) runs once
 * without failures, counting allocations, and then once for every n with
 * the n-th allocation failing, until a run completes with no failure
 * injected. For each run:
 * - the call that met the failure returns ENGSCHED_ENOMEM, with errcode()
 *   saying so; every other call returns what the story expects. A failure
 *   the call swallowed is accepted only where the library logs it at
 *   ERROR (delivery after the commit, which cannot be undone and leaves
 *   the rest pending in the outbox);
 * - the store file, dumped row by row with sqlite3, is the same before and
 *   after the failing call;
 * - the same call, retried with the allocator healthy, returns what the
 *   story expects (no handle or builder is left half-changed);
 * - after engsched_close() no allocation of the library is live;
 * - the store passes tests/support/invariants.c.
 *
 * jansson allocates through its own process-wide hooks
 * (json_set_alloc_funcs), installed here in main() before any JSON value
 * exists. A sample of its allocations is failed the same way: the library
 * must treat NULL from json_pack(), json_dumps() and json_loads() as
 * ENOMEM (except where jansson's lexer itself calls a failed allocation a
 * syntax error; see jansson_misreport()). libical 3.0.16 has no allocator hooks (icalmemory_set_mem_alloc_
 * funcs came with 3.1), so its allocations are not failed here; SQLite's
 * are outside the library's hooks by contract (engsched_set_allocator).
 *
 * The stores are files, so that the dump and the invariant checker can
 * read them; the test takes its scratch directory from
 * $ENGSCHED_TEST_TMPDIR. A run is a whole story on a new file (about a
 * thousand allocations, 0.05–0.1 s in a Debug+ASan build), so failing
 * every allocation takes about a minute; ENGSCHED_TEST_FAULT_STRIDE=k
 * fails only every k-th one (valgrind). The store is dumped only before
 * the call the reference run says will meet the failure; if it does not,
 * that n runs again with a dump before every call. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "fixture.h"
#include "invariants.h"
#include "story_driver.h"

/* --- counting allocators ------------------------------------------------- */

typedef struct counter {
    const char *name;
    size_t live;       /* blocks allocated and not freed */
    size_t live_bytes;
    size_t counted;    /* allocations (malloc and realloc) while armed */
    size_t fail_at;    /* the counted allocation that fails; 0: none */
    size_t injected;   /* failures injected */
    int armed;
} counter;

/* A size header in front of every block keeps live bytes exact. */
typedef union header {
    max_align_t align;
    size_t size;
} header;

static int should_fail(counter *c)
{
    if (!c->armed)
        return 0;
    c->counted++;
    if (c->counted != c->fail_at)
        return 0;
    c->injected++;
    return 1;
}

static void *counted_malloc(counter *c, size_t size)
{
    if (should_fail(c))
        return NULL;
    header *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    c->live++;
    c->live_bytes += size;
    return h + 1;
}

static void *counted_realloc(counter *c, void *ptr, size_t size)
{
    if (ptr == NULL)
        return counted_malloc(c, size);
    if (should_fail(c))
        return NULL; /* the old block stays, as realloc(3) leaves it */
    header *old = (header *)ptr - 1;
    size_t old_size = old->size;
    header *h = realloc(old, sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    c->live_bytes = c->live_bytes - old_size + size;
    return h + 1;
}

static void counted_free(counter *c, void *ptr)
{
    if (ptr == NULL)
        return;
    header *h = (header *)ptr - 1;
    c->live--;
    c->live_bytes -= h->size;
    free(h);
}

static counter lib = {"libengsched", 0, 0, 0, 0, 0, 0};
static counter jan = {"jansson", 0, 0, 0, 0, 0, 0};

static void *lib_malloc(size_t size, void *ctx) { return counted_malloc(ctx, size); }
static void *lib_realloc(void *ptr, size_t size, void *ctx) { return counted_realloc(ctx, ptr, size); }
static void lib_free(void *ptr, void *ctx) { counted_free(ctx, ptr); }
static void *jan_malloc(size_t size) { return counted_malloc(&jan, size); }
static void jan_free(void *ptr) { counted_free(&jan, ptr); }

static void arm(int on)
{
    lib.armed = on;
    jan.armed = on;
}

/* --- one run --------------------------------------------------------------- */

#define MAX_STEPS 1024
#define MAX_REPORTED 30

typedef struct harness {
    counter *target;           /* the allocator whose failures are injected */
    /* From the reference run: each counter's count when each step began. */
    size_t lib_start[MAX_STEPS + 2];
    size_t jan_start[MAX_STEPS + 2];
    int steps;
    int recording;
    int predicted;             /* the step the failing allocation falls in */
    int dump_every_step;
    int mispredicted;
    char *before;              /* the store before the current step */
    size_t injected_at_begin;
    size_t logs_at_begin;
    int failed_step;           /* the step that met the failure, 0 if none */
    int swallowed;             /* a failure the call logged and survived */
    int misreported;           /* a failure jansson reported as bad JSON */
    /* problems found, reported after the loop */
    int problems;
    char report[8192];
    size_t report_len;
    size_t n;
} harness;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void problem(harness *h, story *s, const char *fmt, ...)
{
    h->problems++;
    if (h->problems > MAX_REPORTED || h->report_len + 2 >= sizeof h->report)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    int n = snprintf(h->report + h->report_len, sizeof h->report - h->report_len,
                     "%s n=%zu step %d (line %d) %s: %s\n", h->target ? h->target->name : "-",
                     h->n, s ? s->step : 0, s ? s->line : 0, s && s->call ? s->call : "", line);
    if (n > 0)
        h->report_len += (size_t)n < sizeof h->report - h->report_len
                             ? (size_t)n
                             : sizeof h->report - h->report_len - 1;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void on_before(void *ctx, story *s)
{
    harness *h = ctx;
    if (h->recording && s->step <= MAX_STEPS) {
        h->lib_start[s->step] = lib.counted;
        h->jan_start[s->step] = jan.counted;
        h->steps = s->step;
    }
    h->injected_at_begin = h->target ? h->target->injected : 0;
    h->logs_at_begin = s->error_logs;
    free(h->before);
    h->before = NULL;
    if (s->f.db != NULL && (h->dump_every_step || s->step == h->predicted)) {
        char msg[256];
        arm(0);
        h->before = fx_store_dump(s->f.path, msg, sizeof msg);
        arm(1);
        if (h->before == NULL)
            problem(h, s, "cannot dump the store: %s", msg);
    }
}

static void on_after(void *ctx, story *s, engsched_rc rc)
{
    harness *h = ctx;
    (void)rc;
    if (h->target == NULL || h->target->injected == h->injected_at_begin)
        return;
    /* The call met the failure and still returned what the story expects:
     * only acceptable where the library could not undo its work and said
     * so: delivery after a commit, which leaves what it could not deliver
     * pending in the outbox (test_outbox_alloc.c checks that nothing is
     * marked delivered that was not). */
    static const char delivery_stopped[] = "delivery after commit stopped";
    if (s->error_logs == h->logs_at_begin ||
        strncmp(s->last_error_log, delivery_stopped, sizeof delivery_stopped - 1) != 0)
        problem(h, s, "the failed allocation was swallowed (last error log: \"%s\")",
                s->error_logs == h->logs_at_begin ? "" : s->last_error_log);
    else
        h->swallowed++;
}

/* jansson 2.14's lexer turns a failed copy of a string token into a syntax
 * error ("string or '}' expected", "invalid token"; load.c,
 * lex_scan_string: "this is not very nice, since TOKEN_INVALID is
 * returned"), which no caller can tell from bad input. The library then
 * says EINVAL with jansson's text (a host's JSON) or ECORRUPT "… not JSON"
 * (JSON it stored itself, which the invariant checker finds valid). Those
 * are counted apart; everything else about the run is checked as usual. */
static int jansson_misreport(engsched_rc rc, const char *msg)
{
    if (rc == ENGSCHED_EINVAL)
        return strstr(msg, "expected") != NULL || strstr(msg, "invalid token") != NULL ||
               strstr(msg, "unexpected token") != NULL;
    return rc == ENGSCHED_ECORRUPT && strstr(msg, "not JSON") != NULL;
}

static void on_failed(void *ctx, story *s)
{
    harness *h = ctx;
    h->failed_step = s->step;
    arm(0);
    const char *msg = s->f.db ? engsched_errmsg(s->f.db) : engsched_open_errmsg();
    if (h->target == &jan && jansson_misreport(s->rc, msg))
        h->misreported = 1;
    else if (s->rc != ENGSCHED_ENOMEM)
        problem(h, s, "returned %s, expected %s or ENGSCHED_ENOMEM: %s",
                engsched_rc_name(s->rc), engsched_rc_name(s->want),
                s->f.db ? engsched_errmsg(s->f.db) : engsched_open_errmsg());
    if (h->target == NULL || h->target->injected == h->injected_at_begin)
        problem(h, s, "returned %s although no allocation failed in it",
                engsched_rc_name(s->rc));
    if (s->f.db != NULL && engsched_errcode(s->f.db) != s->rc)
        problem(h, s, "returned %s but engsched_errcode() says %s", engsched_rc_name(s->rc),
                engsched_rc_name(engsched_errcode(s->f.db)));
    if (s->f.db == NULL) {
        /* A failed open creates nothing. */
        if (file_exists(s->f.path))
            problem(h, s, "the failed open left %s behind", s->f.path);
    } else if (h->before != NULL) {
        char why[256];
        char *after = fx_store_dump(s->f.path, why, sizeof why);
        if (after == NULL)
            problem(h, s, "cannot dump the store: %s", why);
        else if (strcmp(after, h->before) != 0)
            problem(h, s, "the store changed although the call returned %s",
                    engsched_rc_name(s->rc));
        free(after);
    } else {
        h->mispredicted = 1; /* run again with a dump before every step */
    }
    s->retry = 1;
}

static const story_hooks hooks = {NULL, NULL, on_before, on_after, on_failed};

/* Run the story once with the target's fail_at set; 0 if no failure was
 * injected (the loop is over). */
static int run_once(harness *h, const char *path, size_t n)
{
    story s;
    story_hooks k = hooks;
    k.ctx = h;
    h->n = n;
    h->failed_step = 0;
    h->swallowed = 0;
    h->misreported = 0;
    h->mispredicted = 0;
    lib.fail_at = jan.fail_at = 0;
    lib.injected = jan.injected = 0;
    lib.counted = jan.counted = 0;
    if (h->target != NULL)
        h->target->fail_at = n;
    story_init(&s, path, &k);
    arm(1);
    int result = story_run(&s);
    arm(0);
    if (result == STORY_BROKEN)
        problem(h, &s, "the story went wrong: %s", s.broken);
    if (result == STORY_STOPPED && s.retry && s.retry_rc != s.want)
        problem(h, &s, "retried with memory, returned %s (expected %s): %s",
                engsched_rc_name(s.retry_rc), engsched_rc_name(s.want),
                s.f.db ? engsched_errmsg(s.f.db) : engsched_open_errmsg());
    if (h->target == NULL && result != STORY_DONE) {
        char why[1024];
        snprintf(why, sizeof why, "%s: %s returned %s: %s", s.broken, s.call,
                 engsched_rc_name(s.rc), s.f.db ? engsched_errmsg(s.f.db) : engsched_open_errmsg());
        story_finish(&s);
        story_remove_files(path);
        fail_msg("the story fails without any injected failure: %s", why);
    }
    story_finish(&s);
    free(h->before);
    h->before = NULL;
    if (lib.live != 0)
        problem(h, &s, "%zu library allocations (%zu bytes) live after engsched_close()",
                lib.live, lib.live_bytes);
    if (jan.live != 0)
        problem(h, &s, "%zu jansson allocations (%zu bytes) live after engsched_close()",
                jan.live, jan.live_bytes);
    lib.live = lib.live_bytes = 0;
    jan.live = jan.live_bytes = 0;
    if (file_exists(path)) {
        char msg[4096];
        if (fx_invariants_file(path, msg, sizeof msg) != 0)
            problem(h, &s, "invariants broken:\n%s", msg);
    }
    story_remove_files(path);
    return h->target != NULL && h->target->injected > 0;
}

/* The step whose allocations include the n-th (by the reference run). */
static int predict(const harness *h, const size_t *start, size_t n)
{
    int step = 0;
    for (int i = 1; i <= h->steps; i++) {
        if (start[i] < n)
            step = i;
    }
    return step;
}

typedef struct tally {
    size_t runs;
    size_t failed;     /* runs where the failing call returned ENOMEM */
    size_t swallowed;  /* runs where it was logged and survived */
    size_t misreported; /* runs where jansson called it bad JSON */
    int steps_hit[MAX_STEPS + 2];
} tally;

/* Run with the target's n-th allocation failing; 0 once no failure was
 * injected (n is past the story's allocations). */
static int run_n(harness *h, const char *path, size_t n, tally *t)
{
    const size_t *start = h->target == &lib ? h->lib_start : h->jan_start;
    h->predicted = predict(h, start, n);
    h->dump_every_step = 0;
    int injected = run_once(h, path, n);
    if (h->mispredicted) {
        /* The allocations did not follow the reference run: compare the
         * store around every call instead. */
        h->dump_every_step = 1;
        injected = run_once(h, path, n);
    }
    if (getenv("ENGSCHED_TEST_VERBOSE") != NULL)
        fprintf(stderr, "%s n=%zu step %d predicted %d%s\n", h->target->name, n,
                h->failed_step, h->predicted, h->mispredicted ? " (mispredicted)" : "");
    if (!injected)
        return 0;
    t->runs++;
    if (h->failed_step > 0) {
        t->failed++;
        if (h->failed_step <= MAX_STEPS)
            t->steps_hit[h->failed_step] = 1;
    }
    if (h->swallowed)
        t->swallowed++;
    if (h->misreported)
        t->misreported++;
    return 1;
}

static int distinct_steps(const tally *t)
{
    int count = 0;
    for (int i = 0; i <= MAX_STEPS + 1; i++)
        count += t->steps_hit[i];
    return count;
}

static void reference_run(harness *h, const char *path)
{
    h->target = NULL;
    h->recording = 1;
    h->predicted = 0;
    run_once(h, path, 0);
    h->recording = 0;
    if (h->steps >= MAX_STEPS)
        fail_msg("the story has more than %d calls; raise MAX_STEPS", MAX_STEPS);
    h->lib_start[h->steps + 1] = lib.counted;
    h->jan_start[h->steps + 1] = jan.counted;
}

/* ENGSCHED_TEST_FAULT_STRIDE=k fails only every k-th allocation, for slow
 * runs (tests/valgrind/run.sh); 1 (every one) by default. */
static size_t stride(void)
{
    const char *text = getenv("ENGSCHED_TEST_FAULT_STRIDE");
    long k = text ? strtol(text, NULL, 10) : 1;
    return k > 1 ? (size_t)k : 1;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Report what the runs found and release the harness; fails the test
 * after the release, so that nothing leaks through cmocka's longjmp. */
static void finish(harness *h, tally *t)
{
    int problems = h->problems;
    if (problems > 0)
        print_error("%d problem(s), the first %d:\n%s", problems,
                    problems < MAX_REPORTED ? problems : MAX_REPORTED, h->report);
    free(t);
    free(h);
    if (problems > 0)
        fail_msg("%d problem(s)", problems);
}

/* Every allocation of the library, failed one at a time. */
static void test_every_library_allocation(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "alloc-failure.db");
    harness *h = calloc(1, sizeof *h);
    tally *t = calloc(1, sizeof *t);
    assert_non_null(h);
    assert_non_null(t);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    reference_run(h, path);
    size_t total = lib.counted;
    assert_true(total > 0);
    print_message("reference run: %d calls, %zu library allocations, %.2f s\n", h->steps, total,
                  seconds_since(&t0));
    h->target = &lib;
    size_t n = 1, step = stride();
    while (run_n(h, path, n, t))
        n += step;
    print_message("libengsched allocations: %zu in the story (%d calls); failed one at a time "
                  "in %zu runs: %zu returned ENGSCHED_ENOMEM from %d distinct calls, %zu were "
                  "logged and survived after a commit; %.1f s\n",
                  total, h->steps, t->runs, t->failed, distinct_steps(t), t->swallowed,
                  seconds_since(&t0));
    if (n <= total || n > total + step)
        problem(h, NULL, "the run without a failure came at n=%zu, the reference run counted "
                         "%zu allocations",
                n, total);
    finish(h, t);
}

/* jansson's allocations, a sample: in every call of the story that
 * allocates through jansson, its first and last allocation and three
 * between (at a quarter, half and three quarters). Each call builds its
 * JSON in one sequence (pack the details, dump them, pack the document,
 * dump it; or load, check and dump), so the first and last failures reach
 * the call's first and last jansson use and the others the uses between;
 * failing every one of them (thousands, each a whole story) would take
 * many minutes more for the same code paths. */
static void test_sample_of_jansson_allocations(void **state)
{
    (void)state;
    char path[512];
    fx_temp_path(path, sizeof path, "alloc-failure-json.db");
    harness *h = calloc(1, sizeof *h);
    tally *t = calloc(1, sizeof *t);
    assert_non_null(h);
    assert_non_null(t);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    reference_run(h, path);
    size_t total = jan.counted;
    assert_true(total > 0);
    h->target = &jan;
    size_t sampled = 0;
    size_t every = stride(), calls = 0; /* every k-th such call only, when asked */
    for (int step = 1; step <= h->steps; step++) {
        size_t first = h->jan_start[step] + 1, last = h->jan_start[step + 1];
        if (last < first || calls++ % every != 0)
            continue; /* no jansson allocation in this call, or not sampled */
        size_t span = last - first;
        size_t picks[5] = {first, first + span / 4, first + span / 2, first + 3 * span / 4, last};
        for (int i = 0; i < 5; i++) {
            if (i > 0 && picks[i] == picks[i - 1])
                continue;
            sampled++;
            if (!run_n(h, path, picks[i], t))
                problem(h, NULL, "no failure injected at jansson allocation %zu", picks[i]);
        }
    }
    /* Past the last one, nothing fails. */
    if (run_n(h, path, total + 1, t))
        problem(h, NULL, "a failure was injected past the %zu jansson allocations", total);
    print_message("jansson allocations: %zu in the story; a sample of %zu failed one at a "
                  "time: %zu stopped their call (%zu as ENGSCHED_ENOMEM, %zu misreported by "
                  "jansson's lexer as bad JSON) in %d distinct calls, %zu were logged and "
                  "survived after a commit; %.1f s\n",
                  total, sampled, t->failed, t->failed - t->misreported, t->misreported,
                  distinct_steps(t), t->swallowed, seconds_since(&t0));
    finish(h, t);
}

int main(void)
{
    /* Before any JSON value exists: blocks must be freed by the hooks
     * that allocated them. */
    json_set_alloc_funcs(jan_malloc, jan_free);
    engsched_allocator a = {ENGSCHED_ALLOCATOR_VERSION, lib_malloc, lib_realloc, lib_free, &lib};
    if (engsched_set_allocator(&a) != ENGSCHED_OK) {
        fprintf(stderr, "engsched_set_allocator failed\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_library_allocation),
        cmocka_unit_test(test_sample_of_jansson_allocations),
    };
    int failed = cmocka_run_group_tests_name("alloc_failure", tests, NULL, NULL);
    engsched_set_allocator(NULL);
    return failed;
}
