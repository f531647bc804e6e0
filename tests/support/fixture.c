#include "fixture.h"
#include "pg_scratch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <engsched/storage.h>

#ifdef ENGSCHED_TEST_MEMORY_BACKEND
#include "memory_backend.h"
#endif

static void (*storage_hook)(engsched_storage *s);

void fx_set_storage_hook(void (*hook)(engsched_storage *s)) { storage_hook = hook; }

/* Open @p backend (ours until it opens) after the storage hook. */
static engsched_rc open_table(fx *f, engsched_storage *backend, const engsched_options *opts)
{
    if (storage_hook != NULL)
        storage_hook(backend);
    engsched_rc rc = engsched_open_backend(backend, opts, &f->db);
    if (rc != ENGSCHED_OK)
        backend->free(backend);
    return rc;
}

/* A SQLite file (or ":memory:") or PostgreSQL URI, through the hook. */
static engsched_rc open_path_hooked(fx *f, const engsched_options *opts)
{
    engsched_storage *backend = NULL;
    engsched_rc rc = fx_pg_is_scratch(f->path)
                         ? engsched_storage_postgres_new(f->path, opts->flags, &backend)
                         : engsched_storage_sqlite_new(f->path, opts->flags, &backend);
    return rc != ENGSCHED_OK ? rc : open_table(f, backend, opts);
}

/* f->path of a store on the in-memory backend: it names no file, so a
 * test that reopens its store by path fails loudly instead of opening an
 * empty SQLite one. */
#define FX_MEMORY_PATH "(in-memory backend)"

static int64_t fx_clock(void *ctx)
{
    return ((fx *)ctx)->now;
}

static void fx_on_event(void *ctx, const char *json)
{
    fx *f = ctx;
    f->events_seen++;
    snprintf(f->last_event, sizeof f->last_event, "%s", json);
}

void fx_check_rc(fx *f, engsched_rc got, engsched_rc want, const char *expr, const char *file,
                 int line)
{
    if (got == want)
        return;
    fail_msg("%s:%d: %s returned %s, expected %s: %s", file, line, expr, engsched_rc_name(got),
             engsched_rc_name(want), f && f->db ? engsched_errmsg(f->db) : "");
}

void fx_temp_path(char *out, size_t size, const char *name)
{
    const char *dir = getenv("ENGSCHED_TEST_TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    mkdir(dir, 0700);
    snprintf(out, size, "%s/%s.%ld", dir, name, (long)getpid());
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", out, suffixes[i]);
        unlink(p);
    }
}

engsched_id fx_user(fx *f, const char *key, engsched_id role, unsigned int flags)
{
    char email[300];
    engsched_id id = 0;
    snprintf(email, sizeof email, "%s@example.com", key);
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, key, email, key, role, flags, &id));
    return id;
}

static void grant(fx *f, engsched_id user, int client)
{
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, user, f->client[client]));
}

int fx_backend_is_memory(void)
{
    const char *backend = getenv("ENGSCHED_TEST_BACKEND");
    if (backend == NULL || backend[0] == '\0' || strcmp(backend, "sqlite") == 0 ||
        strcmp(backend, "postgres") == 0)
        return 0;
    if (strcmp(backend, "memory") != 0)
        fail_msg("ENGSCHED_TEST_BACKEND=%s: expected sqlite, memory or postgres", backend);
    return 1;
}

/* The store on the example in-memory backend (examples/memory_backend),
 * opened through the public engsched_open_backend(). */
static engsched_rc open_memory(fx *f, const engsched_options *opts)
{
#ifdef ENGSCHED_TEST_MEMORY_BACKEND
    engsched_storage *backend = NULL;
    snprintf(f->path, sizeof f->path, "%s", FX_MEMORY_PATH);
    engsched_rc rc = engsched_example_memory_backend_new(&backend);
    if (rc != ENGSCHED_OK)
        return rc;
    return open_table(f, backend, opts); /* still ours when opening failed */
#else
    (void)f;
    (void)opts;
    fail_msg("ENGSCHED_TEST_BACKEND=memory, but the tests were built without the example "
             "backend (ENGSCHED_BUILD_EXAMPLES=OFF)");
    return ENGSCHED_EUNSUPPORTED;
#endif
}

void fx_open_empty(fx *f, int file)
{
    memset(f, 0, sizeof *f);
    f->now = FX_T0;
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.clock = fx_clock;
    opts.clock_ctx = f;
    opts.on_event = fx_on_event;
    opts.event_ctx = f;
    engsched_rc rc;
    if (fx_backend_is_memory()) {
        rc = open_memory(f, &opts); /* lives in the handle: `file` cannot apply */
    } else {
        /* ENGSCHED_TEST_BACKEND=postgres: every store is an empty schema
         * of $ENGSCHED_TEST_PG (the test skips without it), and f->path
         * its URI, so a test that opens a second handle on f->path shares
         * the store as with a file. */
        if (fx_pg_selected()) {
            fx_pg_require();
            fx_pg_scratch(f->path, sizeof f->path, NULL, 0);
        } else if (file)
            fx_temp_path(f->path, sizeof f->path, "fixture.db");
        else
            snprintf(f->path, sizeof f->path, ":memory:");
        rc = storage_hook != NULL ? open_path_hooked(f, &opts)
                                  : engsched_open(f->path, &opts, &f->db);
    }
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s: %s", f->path, engsched_rc_name(rc), engsched_open_errmsg());
}

void fx_open(fx *f, int file)
{
    fx_open_empty(f, file);
    static const char *const names[FX_CLIENTS] = {"Acme Corp", "Globex", "Initech"};
    for (int i = 0; i < FX_CLIENTS; i++) {
        char key[32];
        snprintf(key, sizeof key, "client-%d", i);
        fx_ok(f, engsched_client_upsert(f->db, ENGSCHED_SYSTEM, key, names[i], &f->client[i]));
    }
    /* A configured tenant: invitations can be built and sent. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_email",
                                  "scheduling@example.com"));
    f->admin = fx_user(f, "admin", ENGSCHED_ROLE_ADMINISTRATOR, ENGSCHED_USER_ALL_CLIENTS);
    f->manager = fx_user(f, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS);
    f->operator1 = fx_user(f, "operator1", ENGSCHED_ROLE_OPERATOR, 0);
    f->operator2 = fx_user(f, "operator2", ENGSCHED_ROLE_OPERATOR, 0);
    f->client_user = fx_user(f, "client", ENGSCHED_ROLE_CLIENT, 0);
    f->viewer = fx_user(f, "viewer", ENGSCHED_ROLE_VIEWER, 0);
    f->outsider = fx_user(f, "outsider", ENGSCHED_ROLE_MANAGER, 0);
    grant(f, f->operator1, 0);
    grant(f, f->operator1, 1);
    grant(f, f->operator2, 0);
    grant(f, f->client_user, 0);
    grant(f, f->viewer, 0);
    grant(f, f->outsider, 2);
}

void fx_close(fx *f)
{
    assert_int_equal(engsched_close(f->db), ENGSCHED_OK);
    f->db = NULL;
    if (fx_pg_is_scratch(f->path)) {
        fx_pg_scratch_drop(f->path);
    } else if (strcmp(f->path, ":memory:") != 0 && strcmp(f->path, FX_MEMORY_PATH) != 0) {
        const char *suffixes[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
            unlink(p);
        }
    }
}

engsched_id fx_request(fx *f, engsched_id actor, engsched_id client, const char *name,
                       const char *start, const char *end)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, client));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    fx_ok(f, engsched_request(f->db, actor, in, &id));
    engsched_input_free(in);
    return id;
}

void fx_approve(fx *f, engsched_id engagement)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_approve(f->db, f->manager, engagement, 0, in));
    engsched_input_free(in);
}

static engsched_engagement *get(fx *f, engsched_id engagement)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, engagement, &e));
    return e;
}

int64_t fx_version(fx *f, engsched_id engagement)
{
    engsched_engagement *e = get(f, engagement);
    int64_t v = engsched_engagement_version(e);
    engsched_engagement_free(e);
    return v;
}

engsched_status fx_status(fx *f, engsched_id engagement)
{
    engsched_engagement *e = get(f, engagement);
    engsched_status s = engsched_engagement_status(e);
    engsched_engagement_free(e);
    return s;
}

/* A growing string for the digest. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

#if defined(__GNUC__)
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *fx_digest(fx *f)
{
    sbuf b = {0};
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    sb_printf(&b, "seq=%lld\n", (long long)seq);
    /* Ids are dense from 1; stop after a run of misses. */
    for (engsched_id id = 1, misses = 0; misses < 8; id++) {
        engsched_engagement *e = NULL;
        engsched_rc rc = engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e);
        if (rc == ENGSCHED_ENOTFOUND) {
            misses++;
            continue;
        }
        fx_ok(f, rc);
        misses = 0;
        sb_printf(&b, "%lld|%lld|%s|%s|%s|%s|%s|%s|%s|%s|%d|%d|%lld|%lld|%s|%s\n", (long long)id,
                  (long long)engsched_engagement_client(e), engsched_engagement_name(e),
                  engsched_engagement_description(e), engsched_engagement_type(e),
                  engsched_engagement_location(e), engsched_engagement_contacts(e),
                  engsched_engagement_custom_fields(e), engsched_engagement_start(e),
                  engsched_engagement_end(e), (int)engsched_engagement_status(e),
                  (int)engsched_engagement_report_status(e),
                  (long long)engsched_engagement_version(e),
                  (long long)engsched_engagement_updated_at(e),
                  engsched_engagement_report_title(e), engsched_engagement_cancel_reason(e));
        for (size_t i = 0; i < engsched_engagement_operator_count(e); i++) {
            engsched_id user = 0;
            engsched_operator_role role = 0;
            engsched_response response = ENGSCHED_RESPONSE_NONE;
            int64_t at = 0;
            fx_ok(f, engsched_engagement_operator(e, i, &user, &role, NULL, NULL));
            fx_ok(f, engsched_engagement_operator_response(e, i, &response, &at));
            sb_printf(&b, "  op %lld %d %d %lld\n", (long long)user, (int)role, (int)response,
                      (long long)at);
        }
        engsched_engagement_free(e);
        engsched_file_list *files = NULL;
        fx_ok(f, engsched_file_list_get(f->db, ENGSCHED_SYSTEM, id, &files));
        for (size_t i = 0; i < engsched_file_list_count(files); i++) {
            engsched_id fid = 0;
            const char *name = NULL;
            int64_t size = 0;
            fx_ok(f, engsched_file_list_item(files, i, &fid, &name, NULL, &size, NULL, NULL));
            sb_printf(&b, "  file %lld %s %lld\n", (long long)fid, name, (long long)size);
        }
        engsched_file_list_free(files);
    }
    return b.data;
}
