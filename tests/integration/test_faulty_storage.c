/* Faulty storage: "a refused or failed operation changes nothing".
 *
 * A wrapper backend, written only against include/engsched/storage.h,
 * forwards every callback to the built-in SQLite backend
 * (engsched_storage_sqlite_new) and makes the n-th data callback fail,
 * after describing the failure with engsched_storage_set_error(). The
 * story (tests/support/story_driver.c) runs once for every n until it
 * completes with no failure injected, in three passes:
 *
 *   estorage  the n-th call fails with ENGSCHED_ESTORAGE before reaching
 *             SQLite (every data callback: all but free() and rollback(),
 *             which the contract says must succeed after any failure);
 *   ebusy     the same with ENGSCHED_EBUSY (a lock held past the timeout);
 *   lost      the n-th call that writes is forwarded, SQLite does the
 *             write, and then the wrapper reports ENGSCHED_ESTORAGE (an
 *             error after the effect: the transaction must undo it). Only
 *             writes: for a read, failing after is failing before, and a
 *             failed begin() or commit() must leave no transaction open or
 *             the write done (storage.h), which this wrapper could not
 *             honour.
 *
 * For each run: the failing call returns the injected code with the
 * backend's message in engsched_errmsg(); every other call returns what the
 * story expects (a failure the library swallows is accepted only where it
 * logs it at ERROR: the invitation mail built after a commit); the store,
 * dumped row by row with sqlite3, is the same before and after the failing
 * call; the call retried with the backend healthy returns what the story
 * expects (in the story's batch, or what batch_ended() says a batch must
 * answer); and the store passes tests/support/invariants.c. A failed open
 * leaves no file behind. The wrapper has the savepoint callbacks of a
 * version 2 table, which fail like any other. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <engsched/storage.h>

#include "fixture.h"
#include "invariants.h"
#include "storage_callbacks.h"
#include "story_driver.h"

/* --- the wrapper backend ------------------------------------------------- */

typedef enum fault_mode { FAIL_BEFORE, FAIL_AFTER_WRITE } fault_mode;

/* Outside the wrapper, which engsched_close() frees. */
typedef struct fault_state {
    int armed;
    fault_mode mode;
    engsched_rc code;
    size_t calls;          /* data callbacks counted while armed */
    size_t fail_at;        /* the counted call that fails; 0: none */
    size_t injected;
    const char *failed_cb; /* the callback that failed */
} fault_state;

static fault_state fault;

typedef struct faulty {
    engsched_storage base; /* first: the core sees an engsched_storage */
    engsched_storage *inner;
} faulty;

static engsched_storage *inner(engsched_storage *s) { return ((faulty *)s)->inner; }

/* The callbacks that change the store. */
static int is_write(const char *cb)
{
    static const char *const writes[] = {
        "setting_set",       "client_upsert",     "user_upsert",       "role_insert",
        "role_update",       "access_grant",      "access_revoke",     "engagement_insert",
        "engagement_update", "assignment_insert", "assignment_delete", "file_insert",
        "file_delete",       "event_append",      "unavailability_insert",
        "unavailability_delete", "invitation_put",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        if (strcmp(cb, writes[i]) == 0)
            return 1;
    }
    return 0;
}

/* Whether this call is the one to fail (counting it). */
static int chosen(const char *cb)
{
    if (!fault.armed)
        return 0;
    if (fault.mode == FAIL_AFTER_WRITE && !is_write(cb))
        return 0;
    return ++fault.calls == fault.fail_at;
}

static engsched_rc inject(engsched_storage *s, const char *cb)
{
    fault.injected++;
    fault.failed_cb = cb;
    engsched_storage_set_error(s, "injected fault in %s (call %zu)", cb, fault.fail_at);
    return fault.code;
}

/* A data callback: fail before forwarding, forward, or forward and then
 * report the failure. */
#define FWD(name, params, args)                                                             \
    static engsched_rc w_##name params                                                      \
    {                                                                                       \
        int fail_ = chosen(#name);                                                          \
        if (fail_ && fault.mode == FAIL_BEFORE)                                             \
            return inject(s, #name);                                                        \
        engsched_rc rc_ = inner(s)->name args;                                              \
        if (fail_ && rc_ == ENGSCHED_OK)                                                    \
            return inject(s, #name);                                                        \
        return rc_;                                                                         \
    }

FWD(prepare, (engsched_storage * s, int supported, int *out), (inner(s), supported, out))
FWD(set_busy_timeout, (engsched_storage * s, int ms), (inner(s), ms))
FWD(begin, (engsched_storage * s, int write), (inner(s), write))
FWD(commit, (engsched_storage * s), (inner(s)))
FWD(schema_version, (engsched_storage * s, int *out), (inner(s), out))
FWD(setting_get, (engsched_storage * s, const char *key, const char **out), (inner(s), key, out))
FWD(setting_set, (engsched_storage * s, const char *key, const char *value),
    (inner(s), key, value))
FWD(client_upsert,
    (engsched_storage * s, const engsched_rec_client *rec, engsched_id *out_id, int *created),
    (inner(s), rec, out_id, created))
FWD(client_get, (engsched_storage * s, engsched_id id, engsched_rec_client *out),
    (inner(s), id, out))
FWD(client_find, (engsched_storage * s, const char *key, engsched_id *out), (inner(s), key, out))
FWD(user_upsert,
    (engsched_storage * s, const engsched_rec_user *rec, engsched_id *out_id, int *created),
    (inner(s), rec, out_id, created))
FWD(user_get, (engsched_storage * s, engsched_id id, engsched_rec_user *out), (inner(s), id, out))
FWD(user_find, (engsched_storage * s, const char *key, engsched_id *out), (inner(s), key, out))
FWD(role_insert, (engsched_storage * s, const engsched_rec_role *rec, engsched_id *out),
    (inner(s), rec, out))
FWD(role_update, (engsched_storage * s, engsched_id id, unsigned int permissions),
    (inner(s), id, permissions))
FWD(role_get, (engsched_storage * s, engsched_id id, engsched_rec_role *out), (inner(s), id, out))
FWD(role_find, (engsched_storage * s, const char *name, engsched_id *out), (inner(s), name, out))
FWD(access_grant, (engsched_storage * s, engsched_id user, engsched_id client),
    (inner(s), user, client))
FWD(access_revoke, (engsched_storage * s, engsched_id user, engsched_id client),
    (inner(s), user, client))
FWD(access_check, (engsched_storage * s, engsched_id user, engsched_id client, int *out),
    (inner(s), user, client, out))
FWD(engagement_insert,
    (engsched_storage * s, const engsched_rec_engagement *rec, engsched_id *out_id,
     engsched_id *out_report),
    (inner(s), rec, out_id, out_report))
FWD(engagement_update,
    (engsched_storage * s, const engsched_rec_engagement *rec, engsched_id *out_report),
    (inner(s), rec, out_report))
FWD(engagement_get, (engsched_storage * s, engsched_id id, engsched_rec_engagement *out),
    (inner(s), id, out))
FWD(report_engagement, (engsched_storage * s, engsched_id report, engsched_id *out),
    (inner(s), report, out))
FWD(engagements_due,
    (engsched_storage * s, int32_t day, engsched_id after, unsigned int limit,
     engsched_storage_engagement_fn row, void *ctx),
    (inner(s), day, after, limit, row, ctx))
FWD(assignment_insert, (engsched_storage * s, const engsched_rec_assignment *rec),
    (inner(s), rec))
FWD(assignment_delete, (engsched_storage * s, engsched_id engagement, engsched_id user),
    (inner(s), engagement, user))
FWD(assignment_list,
    (engsched_storage * s, engsched_id engagement, engsched_storage_assignment_fn row,
     void *ctx),
    (inner(s), engagement, row, ctx))
FWD(file_insert,
    (engsched_storage * s, const engsched_rec_file *meta, const void *data, engsched_id *out),
    (inner(s), meta, data, out))
FWD(file_get, (engsched_storage * s, engsched_id id, engsched_rec_file *out), (inner(s), id, out))
FWD(file_read,
    (engsched_storage * s, engsched_id id, int64_t offset, void *buf, size_t size,
     size_t *out_read),
    (inner(s), id, offset, buf, size, out_read))
FWD(file_delete, (engsched_storage * s, engsched_id id), (inner(s), id))
FWD(file_list,
    (engsched_storage * s, engsched_id engagement, engsched_storage_file_fn row, void *ctx),
    (inner(s), engagement, row, ctx))
FWD(event_append, (engsched_storage * s, const engsched_rec_event *rec, int64_t *out_seq),
    (inner(s), rec, out_seq))
FWD(event_list,
    (engsched_storage * s, engsched_id engagement, int64_t after, unsigned int limit,
     engsched_storage_event_fn row, void *ctx),
    (inner(s), engagement, after, limit, row, ctx))
FWD(event_last_seq, (engsched_storage * s, int64_t *out), (inner(s), out))
FWD(engagement_query,
    (engsched_storage * s, const engsched_storage_query *q, engsched_storage_engagement_fn row,
     void *ctx),
    (inner(s), q, row, ctx))
FWD(users_with_permissions,
    (engsched_storage * s, unsigned int permissions, engsched_id scope, const char *after_name,
     engsched_id after_id, unsigned int limit, engsched_storage_user_fn row, void *ctx),
    (inner(s), permissions, scope, after_name, after_id, limit, row, ctx))
FWD(operator_work,
    (engsched_storage * s, engsched_id user, unsigned int statuses, int32_t start, int32_t end,
     engsched_storage_engagement_fn row, void *ctx),
    (inner(s), user, statuses, start, end, row, ctx))
FWD(unavailability_insert,
    (engsched_storage * s, const engsched_rec_unavailability *rec, engsched_id *out),
    (inner(s), rec, out))
FWD(unavailability_get, (engsched_storage * s, engsched_id id, engsched_rec_unavailability *out),
    (inner(s), id, out))
FWD(unavailability_delete, (engsched_storage * s, engsched_id id), (inner(s), id))
FWD(unavailability_list,
    (engsched_storage * s, engsched_id user, int32_t start, int32_t end,
     engsched_storage_unavailability_fn row, void *ctx),
    (inner(s), user, start, end, row, ctx))
FWD(invitation_get,
    (engsched_storage * s, engsched_id engagement, engsched_id user,
     engsched_rec_invitation *out),
    (inner(s), engagement, user, out))
FWD(invitation_put, (engsched_storage * s, const engsched_rec_invitation *rec), (inner(s), rec))
FWD(client_list,
    (engsched_storage * s, engsched_id after, unsigned int limit, engsched_storage_client_fn row,
     void *ctx),
    (inner(s), after, limit, row, ctx))
FWD(user_list,
    (engsched_storage * s, engsched_id after, unsigned int limit, engsched_storage_user_fn row,
     void *ctx),
    (inner(s), after, limit, row, ctx))
FWD(role_list, (engsched_storage * s, engsched_storage_role_fn row, void *ctx),
    (inner(s), row, ctx))
FWD(access_list,
    (engsched_storage * s, engsched_id user, engsched_storage_client_fn row, void *ctx),
    (inner(s), user, row, ctx))
/* Version 2: the savepoints of a batch. rollback_to() may fail too (the
 * core then rolls the whole batch back). */
FWD(savepoint, (engsched_storage * s), (inner(s)))
FWD(release, (engsched_storage * s), (inner(s)))
FWD(rollback_to, (engsched_storage * s), (inner(s)))

/* Never failed: the contract wants rollback() to succeed after any
 * failure, and free() is not a data callback. */
static engsched_rc w_rollback(engsched_storage *s) { return inner(s)->rollback(inner(s)); }

static void w_free(engsched_storage *s)
{
    inner(s)->free(inner(s));
    free(s);
}

static engsched_storage *faulty_new(engsched_storage *wrapped)
{
    faulty *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->inner = wrapped;
    engsched_storage *b = &w->base;
    b->version = ENGSCHED_STORAGE_VERSION;
    b->free = w_free;
    b->rollback = w_rollback;
#define SET(name) b->name = w_##name;
    ES_TEST_STORAGE_DATA_CALLBACKS(SET)
    ES_TEST_STORAGE_SAVEPOINT_CALLBACKS(SET)
#undef SET
    return b;
}

/* The story's open: SQLite inside the wrapper. */
static engsched_rc open_faulty(void *ctx, story *s, const engsched_options *opts, engsched **out)
{
    (void)ctx;
    engsched_storage *sqlite = NULL;
    engsched_rc rc = engsched_storage_sqlite_new(s->f.path, ENGSCHED_OPEN_CREATE, &sqlite);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_storage *w = faulty_new(sqlite);
    if (w == NULL) {
        sqlite->free(sqlite);
        return ENGSCHED_ENOMEM;
    }
    rc = engsched_open_backend(w, opts, out);
    if (rc != ENGSCHED_OK)
        w->free(w); /* still ours when opening failed */
    return rc;
}

/* --- one run --------------------------------------------------------------- */

#define MAX_STEPS 1024
#define MAX_REPORTED 30

typedef struct harness {
    const char *pass;
    size_t start[MAX_STEPS + 2]; /* counted calls when each step began (reference run) */
    int steps;
    int recording;
    int predicted;
    int dump_every_step;
    int mispredicted;
    char *before;
    size_t injected_at_begin;
    size_t logs_at_begin;
    int failed_step;
    int swallowed;
    int left_empty; /* a failed open left an empty store behind */
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
                     "%s n=%zu (%s) step %d (line %d) %s: %s\n", h->pass, h->n,
                     fault.failed_cb ? fault.failed_cb : "-", s ? s->step : 0, s ? s->line : 0,
                     s && s->call ? s->call : "", line);
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

/* A store file with its schema and not one row. */
static int empty_store(const char *path)
{
    char msg[256];
    char *dump = fx_store_dump(path, msg, sizeof msg);
    int empty = dump != NULL;
    for (const char *line = dump; empty && line != NULL && *line != '\0';) {
        empty = strncmp(line, "== ", 3) == 0;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    free(dump);
    return empty;
}

static void on_before(void *ctx, story *s)
{
    harness *h = ctx;
    if (h->recording && s->step <= MAX_STEPS) {
        h->start[s->step] = fault.calls;
        h->steps = s->step;
    }
    h->injected_at_begin = fault.injected;
    h->logs_at_begin = s->error_logs;
    free(h->before);
    h->before = NULL;
    if (s->f.db != NULL && (h->dump_every_step || s->step == h->predicted)) {
        char msg[256];
        h->before = fx_store_dump(s->f.path, msg, sizeof msg);
        if (h->before == NULL)
            problem(h, s, "cannot dump the store: %s", msg);
    }
}

static void on_after(void *ctx, story *s, engsched_rc rc)
{
    harness *h = ctx;
    (void)rc;
    if (fault.injected == h->injected_at_begin)
        return;
    /* Only the invitation mail, built after the commit, may swallow a
     * failure, and it logs it. */
    if (s->error_logs == h->logs_at_begin ||
        strncmp(s->last_error_log, "invitation not sent", 19) != 0)
        problem(h, s, "the injected failure was swallowed (last error log: \"%s\")",
                s->error_logs == h->logs_at_begin ? "" : s->last_error_log);
    else
        h->swallowed++;
}

static void on_failed(void *ctx, story *s)
{
    harness *h = ctx;
    h->failed_step = s->step;
    fault.armed = 0;
    const char *msg = s->f.db ? engsched_errmsg(s->f.db) : engsched_open_errmsg();
    if (fault.injected == h->injected_at_begin)
        problem(h, s, "returned %s (expected %s) although no fault was injected in it: %s",
                engsched_rc_name(s->rc), engsched_rc_name(s->want), msg);
    else if (s->rc != fault.code)
        problem(h, s, "returned %s, expected %s or the injected %s: %s", engsched_rc_name(s->rc),
                engsched_rc_name(s->want), engsched_rc_name(fault.code), msg);
    else if (strstr(msg, "injected fault") == NULL)
        problem(h, s, "returned %s without the backend's message: \"%s\"",
                engsched_rc_name(s->rc), msg);
    if (s->f.db != NULL && engsched_errcode(s->f.db) != s->rc)
        problem(h, s, "returned %s but engsched_errcode() says %s", engsched_rc_name(s->rc),
                engsched_rc_name(engsched_errcode(s->f.db)));
    if (s->f.db == NULL) {
        /* Known: a failure after prepare() (while the core seeds the
         * built-in roles) leaves the new store behind, schema and no row,
         * because the SQLite backend keeps any store it prepared. Counted
         * apart; anything else left behind is a problem. */
        if (file_exists(s->f.path) && empty_store(s->f.path))
            h->left_empty = 1;
        else if (file_exists(s->f.path))
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
        h->mispredicted = 1;
    }
    s->retry = 1;
}

/* A retry that cannot return what the story expects, by the contract of
 * batches (include/engsched/engsched.h): a failed engsched_batch_commit()
 * closed the batch, so committing again is EMISUSE; and a failure the
 * storage could not undo rolled the whole batch back, so the same call
 * fails again with that code until the batch ends. */
static int batch_ended(const story *s)
{
    if (!s->in_batch || s->f.db == NULL)
        return 0;
    if (strstr(s->call, "engsched_batch_commit") != NULL)
        return s->retry_rc == ENGSCHED_EMISUSE;
    return s->retry_rc == fault.code &&
           strstr(engsched_errmsg(s->f.db), "batch was rolled back") != NULL;
}

static int run_once(harness *h, const char *path, size_t n)
{
    story s;
    story_hooks k = {h, open_faulty, on_before, on_after, on_failed};
    h->n = n;
    h->failed_step = 0;
    h->swallowed = 0;
    h->left_empty = 0;
    h->mispredicted = 0;
    fault.calls = 0;
    fault.injected = 0;
    fault.failed_cb = NULL;
    fault.fail_at = n;
    story_init(&s, path, &k);
    fault.armed = 1;
    int result = story_run(&s);
    fault.armed = 0;
    if (result == STORY_BROKEN)
        problem(h, &s, "the story went wrong: %s", s.broken);
    if (result == STORY_STOPPED && s.retry && s.retry_rc != s.want && !batch_ended(&s))
        problem(h, &s, "retried with the backend healthy, returned %s (expected %s): %s",
                engsched_rc_name(s.retry_rc), engsched_rc_name(s.want),
                s.f.db ? engsched_errmsg(s.f.db) : engsched_open_errmsg());
    if (n == 0 && result != STORY_DONE) {
        char why[1024];
        snprintf(why, sizeof why, "%s: %s returned %s: %s", s.broken, s.call,
                 engsched_rc_name(s.rc), s.f.db ? engsched_errmsg(s.f.db) : engsched_open_errmsg());
        story_finish(&s);
        story_remove_files(path);
        fail_msg("the story fails without any injected fault: %s", why);
    }
    story_finish(&s);
    free(h->before);
    h->before = NULL;
    if (file_exists(path)) {
        char msg[4096];
        if (fx_invariants_file(path, msg, sizeof msg) != 0)
            problem(h, &s, "invariants broken:\n%s", msg);
    }
    story_remove_files(path);
    return fault.injected > 0;
}

static int predict(const harness *h, size_t n)
{
    int step = 0;
    for (int i = 1; i <= h->steps; i++) {
        if (h->start[i] < n)
            step = i;
    }
    return step;
}

/* ENGSCHED_TEST_FAULT_STRIDE=k fails only every k-th call, for slow runs
 * (tests/valgrind/run.sh); 1 (every one) by default. */
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

/* One pass: the reference run counts the calls the mode may fail, then
 * each of them fails in turn. */
static void run_pass(const char *pass, fault_mode mode, engsched_rc code)
{
    char path[512];
    fx_temp_path(path, sizeof path, "faulty-storage.db");
    harness *h = calloc(1, sizeof *h);
    assert_non_null(h);
    h->pass = pass;
    fault.mode = mode;
    fault.code = code;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    h->recording = 1;
    run_once(h, path, 0);
    h->recording = 0;
    if (h->steps >= MAX_STEPS)
        fail_msg("the story has more than %d calls; raise MAX_STEPS", MAX_STEPS);
    size_t total = fault.calls;
    h->start[h->steps + 1] = total;
    size_t runs = 0, stopped = 0, swallowed = 0, left_empty = 0, n = 1;
    int hit[MAX_STEPS + 2] = {0};
    for (size_t step = stride();; n += step) {
        h->predicted = predict(h, n);
        h->dump_every_step = 0;
        int injected = run_once(h, path, n);
        if (h->mispredicted) {
            h->dump_every_step = 1;
            injected = run_once(h, path, n);
        }
        if (getenv("ENGSCHED_TEST_VERBOSE") != NULL)
            fprintf(stderr, "%s n=%zu %s step %d\n", pass, n, fault.failed_cb ? fault.failed_cb : "-",
                    h->failed_step);
        if (!injected)
            break;
        runs++;
        if (h->failed_step > 0) {
            stopped++;
            if (h->failed_step <= MAX_STEPS)
                hit[h->failed_step] = 1;
        }
        swallowed += h->swallowed != 0;
        left_empty += h->left_empty != 0;
    }
    int distinct = 0;
    for (int i = 0; i < MAX_STEPS + 2; i++)
        distinct += hit[i];
    if (n <= total || n > total + stride())
        problem(h, NULL, "the run without a fault came at n=%zu; the reference run counted %zu",
                n, total);
    print_message("%s: %zu storage calls in the story failed one at a time (%s): %zu stopped "
                  "their call with %s in %d distinct calls, %zu were logged and survived after a "
                  "commit; %zu failed opens left an empty store behind (known); %.1f s\n",
                  pass, runs,
                  mode == FAIL_BEFORE ? "before reaching SQLite" : "writes, after SQLite did them",
                  stopped, engsched_rc_name(code), distinct, swallowed, left_empty,
                  seconds_since(&t0));
    int problems = h->problems;
    if (problems > 0)
        print_error("%d problem(s), the first %d:\n%s", problems,
                    problems < MAX_REPORTED ? problems : MAX_REPORTED, h->report);
    free(h);
    if (problems > 0)
        fail_msg("%d problem(s)", problems);
}

static void test_every_call_fails_with_estorage(void **state)
{
    (void)state;
    run_pass("estorage", FAIL_BEFORE, ENGSCHED_ESTORAGE);
}

static void test_every_call_fails_with_ebusy(void **state)
{
    (void)state;
    run_pass("ebusy", FAIL_BEFORE, ENGSCHED_EBUSY);
}

static void test_every_write_is_lost_after_it_was_done(void **state)
{
    (void)state;
    run_pass("lost", FAIL_AFTER_WRITE, ENGSCHED_ESTORAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_call_fails_with_estorage),
        cmocka_unit_test(test_every_call_fails_with_ebusy),
        cmocka_unit_test(test_every_write_is_lost_after_it_was_done),
    };
    return cmocka_run_group_tests_name("faulty_storage", tests, NULL, NULL);
}
