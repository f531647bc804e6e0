/* Batches, black-box: engsched_batch_begin/commit/rollback run many write
 * operations in one transaction, each in a savepoint. A refused operation
 * changes nothing and the batch goes on; events and invitation mail come
 * after the commit, in order, and never for a refused operation, a rolled
 * back batch or a failed commit; reads in a batch see its writes, other
 * handles do not; misuse is EMISUSE with a message; a version 1 storage
 * table still opens and works, and batches on it are EUNSUPPORTED; a
 * storage failure that cannot undo an operation rolls the batch back.
 *
 * With ENGSCHED_TEST_BACKEND=memory (the example backend keeps its table
 * at version 1) each case checks that batch_begin is EUNSUPPORTED and is
 * skipped; with postgres the cases run on PostgreSQL. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <engsched/storage.h>

#include "fixture.h"
#include "storage_callbacks.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define HAVE_ASAN 1
#endif
#endif

/* --- what the host's callbacks saw ---------------------------------------- */

#define MAX_EVENTS 1024
#define MAX_MAILS 64

typedef struct recorder {
    size_t events;
    int64_t seq[MAX_EVENTS];
    engsched_id engagement[MAX_EVENTS];
    char action[MAX_EVENTS][40];
    size_t mails;
    engsched_id mail_engagement[MAX_MAILS];
    engsched_id mail_user[MAX_MAILS];
    /* A misbehaving host: the callbacks call the batch functions. */
    engsched *db;
    int misuse_from_event;
    int misuse_from_mail;
    engsched_rc from_callback[3]; /* begin, commit, rollback */
    char callback_message[512];
    size_t error_logs; /* e.g. "invitation not sent" for a mail it could not build */
} recorder;

static recorder rec;

static void try_batch_calls(void)
{
    rec.from_callback[0] = engsched_batch_begin(rec.db);
    snprintf(rec.callback_message, sizeof rec.callback_message, "%s", engsched_errmsg(rec.db));
    rec.from_callback[1] = engsched_batch_commit(rec.db);
    rec.from_callback[2] = engsched_batch_rollback(rec.db);
}

static void on_event(void *ctx, const char *json)
{
    (void)ctx;
    json_error_t error;
    json_t *doc = json_loads(json, 0, &error);
    assert_non_null(doc);
    assert_true(rec.events < MAX_EVENTS);
    rec.seq[rec.events] = json_integer_value(json_object_get(doc, "seq"));
    rec.engagement[rec.events] = json_integer_value(json_object_get(doc, "engagement"));
    snprintf(rec.action[rec.events], sizeof rec.action[0], "%s",
             json_string_value(json_object_get(doc, "action")));
    rec.events++;
    json_decref(doc);
    if (rec.misuse_from_event)
        try_batch_calls();
}

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    (void)ctx, (void)recipient, (void)message, (void)length;
    assert_true(rec.mails < MAX_MAILS);
    rec.mail_engagement[rec.mails] = engagement;
    rec.mail_user[rec.mails] = user;
    rec.mails++;
    if (rec.misuse_from_mail)
        try_batch_calls();
    return 0;
}

static void on_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)ctx, (void)message;
    if (level >= ENGSCHED_LOG_ERROR)
        rec.error_logs++;
}

static int64_t clock_of(void *ctx) { return ((fx *)ctx)->now; }

static void recorder_reset(void)
{
    engsched *db = rec.db;
    memset(&rec, 0, sizeof rec);
    rec.db = db;
}

static engsched_options options_for(fx *f)
{
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.clock = clock_of;
    opts.clock_ctx = f;
    opts.on_event = on_event;
    opts.on_mail = on_mail;
    opts.log = on_log;
    opts.log_level = ENGSCHED_LOG_ERROR;
    return opts;
}

/* The fixture's store reopened with the recording callbacks and an
 * organizer (invitations need one). On the in-memory backend, which has no
 * savepoints, checks that batches are refused and returns 0: the caller
 * closes the fixture and skips. */
static int open_store(fx *f)
{
    if (fx_backend_is_memory()) {
        fx_open(f, 0);
        fx_rc(f, ENGSCHED_EUNSUPPORTED, engsched_batch_begin(f->db));
        assert_non_null(strstr(engsched_errmsg(f->db), "no savepoints"));
        return 0;
    }
    fx_open(f, 1);
    assert_int_equal(engsched_close(f->db), ENGSCHED_OK);
    engsched_options opts = options_for(f);
    fx_ok(f, engsched_open(f->path, &opts, &f->db));
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_email",
                                  "scheduling@mssp.example"));
    rec.db = f->db;
    recorder_reset();
    return 1;
}

#define OPEN_OR_SKIP(f)                                                                     \
    do {                                                                                    \
        if (!open_store(f)) {                                                               \
            fx_close(f);                                                                    \
            skip();                                                                         \
        }                                                                                   \
    } while (0)

static engsched_input *request_input(fx *f, const char *name, engsched_id client)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, client));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-06", "2026-04-10"));
    return in;
}

static engsched_input *operators_input(fx *f, engsched_id first, engsched_id second)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_add_operator(in, first, ENGSCHED_OPROLE_LEAD));
    if (second != 0)
        fx_ok(f, engsched_input_add_operator(in, second, ENGSCHED_OPROLE_TESTER));
    return in;
}

static int64_t last_seq(fx *f)
{
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    return seq;
}

static size_t operator_count(fx *f, engsched_id engagement)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, engagement, &e));
    size_t n = engsched_engagement_operator_count(e);
    engsched_engagement_free(e);
    return n;
}

/* A second handle on the store, read-only (a writable open would wait for
 * the batch's write lock to seed the built-in roles). */
static engsched *open_reader(fx *f)
{
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = ENGSCHED_OPEN_READONLY;
    engsched *db = NULL;
    if (engsched_open(f->path, &opts, &db) != ENGSCHED_OK)
        fail_msg("opening a reader on %s: %s", f->path, engsched_open_errmsg());
    return db;
}

/* The Calendar rows named like @p text: a cursor reads in chunks, each
 * its own read. */
static size_t calendar_count(fx *f, const char *text)
{
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    size_t rows = 0;
    int has_row = 0;
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_statuses(q, engsched_tab_statuses(ENGSCHED_TAB_ALL)));
    fx_ok(f, engsched_query_set_range(q, "2026-03-01", "2026-06-30"));
    fx_ok(f, engsched_query_set_text(q, text));
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    for (;;) {
        fx_ok(f, engsched_cursor_next(cur, &has_row));
        if (!has_row)
            break;
        rows++;
    }
    engsched_cursor_free(cur);
    engsched_query_free(q);
    return rows;
}

/* --- a batch commits together, events after the commit ------------------- */

#define BATCH_N 200

static void test_requests_commit_together(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    engsched_id ids[BATCH_N];
    int64_t seq0 = last_seq(&f);
    engsched_input *in = request_input(&f, "Batched web test", f.client[0]);
    fx_ok(&f, engsched_batch_begin(f.db));
    for (int i = 0; i < BATCH_N; i++) {
        fx_ok(&f, engsched_request(f.db, f.client_user, in, &ids[i]));
        assert_int_equal(rec.events, 0); /* nothing before the commit */
    }
    /* Reads in the batch see its writes (a cursor reads in several steps). */
    assert_int_equal(fx_status(&f, ids[BATCH_N - 1]), ENGSCHED_STATUS_PENDING);
    assert_int_equal(calendar_count(&f, "Batched web"), BATCH_N);
    assert_int_equal(last_seq(&f), seq0 + BATCH_N);
    /* Another handle sees nothing of it yet. */
    engsched *reader = open_reader(&f);
    engsched_engagement *e = NULL;
    assert_int_equal(engsched_engagement_get(reader, ENGSCHED_SYSTEM, ids[0], &e),
                     ENGSCHED_ENOTFOUND);
    assert_int_equal(rec.events, 0);
    fx_ok(&f, engsched_batch_commit(f.db));

    assert_int_equal(rec.events, BATCH_N);
    for (int i = 0; i < BATCH_N; i++) {
        assert_string_equal(rec.action[i], "engagement.requested");
        assert_int_equal(rec.engagement[i], ids[i]);
        assert_int_equal(rec.seq[i], seq0 + 1 + i);
    }
    fx_ok(&f, engsched_engagement_get(reader, ENGSCHED_SYSTEM, ids[BATCH_N - 1], &e));
    engsched_engagement_free(e);
    engsched_close(reader);
    /* The handle is back to one transaction per operation. */
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    assert_int_equal(rec.events, BATCH_N + 1);
    engsched_input_free(in);
    fx_close(&f);
}

static void test_batch_holds_the_write_lock(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    fx_ok(&f, engsched_batch_begin(f.db));
    /* A writer elsewhere waits for the batch; a writable open writes (the
     * built-in roles), so it is the writer here. */
    engsched_options opts;
    engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION);
    opts.flags = 0;
    opts.busy_timeout_ms = 100;
    engsched *peer = NULL;
    assert_int_equal(engsched_open(f.path, &opts, &peer), ENGSCHED_EBUSY);
    assert_null(peer);
    fx_ok(&f, engsched_batch_rollback(f.db));
    fx_ok(&f, engsched_open(f.path, &opts, &peer));
    engsched_close(peer);
    fx_close(&f);
}

/* --- refused operations in the middle ------------------------------------- */

static void test_refused_operations_change_nothing(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    engsched_id kept = fx_request(&f, f.client_user, f.client[0], "Kept", "2026-04-01",
                                  "2026-04-05");
    engsched_id globex = fx_request(&f, f.manager, f.client[1], "Globex test", "2026-04-01",
                                    "2026-04-05");
    int64_t v0 = fx_version(&f, kept), vg = fx_version(&f, globex);
    recorder_reset();

    engsched_input *in = request_input(&f, "Batched", f.client[0]);
    engsched_input *undated = NULL, *rename = NULL, *stale = NULL;
    engsched_input *ops = operators_input(&f, f.operator1, f.operator2);
    fx_ok(&f, engsched_input_new(f.db, &undated));
    fx_ok(&f, engsched_input_set_name(undated, "No dates"));
    fx_ok(&f, engsched_input_set_client(undated, f.client[0]));
    fx_ok(&f, engsched_input_new(f.db, &rename));
    fx_ok(&f, engsched_input_set_name(rename, "Renamed in the batch"));
    fx_ok(&f, engsched_input_new(f.db, &stale));
    fx_ok(&f, engsched_input_set_name(stale, "Stale edit"));
    engsched_id first = 0, second = 0, denied = 0;

    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &first));
    /* Bad input, permission, a stale version: each refused as usual. */
    fx_rc(&f, ENGSCHED_EINVAL, engsched_request(f.db, f.client_user, undated, NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "dates"));
    fx_rc(&f, ENGSCHED_EDENIED, engsched_request(f.db, f.viewer, in, &denied));
    assert_int_equal(denied, 0);
    fx_ok(&f, engsched_edit(f.db, f.manager, kept, v0, rename));
    fx_rc(&f, ENGSCHED_ECONFLICT, engsched_edit(f.db, f.manager, kept, v0, stale));
    /* Fails after writing: the approval is saved, operator1 assigned with
     * an event and a mail queued, then operator2 (no access to Globex) is
     * refused. All of it goes. */
    engsched_rc rc = engsched_approve(f.db, f.manager, globex, 0, ops);
    assert_int_not_equal(rc, ENGSCHED_OK);
    assert_int_equal(engsched_errcode(f.db), rc);
    assert_non_null(strstr(engsched_errmsg(f.db), "operator"));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &second));
    assert_int_equal(rec.events, 0);
    fx_ok(&f, engsched_batch_commit(f.db));

    /* The operations before and after survive; the refused ones left nothing. */
    assert_int_equal(rec.events, 3);
    assert_string_equal(rec.action[0], "engagement.requested");
    assert_int_equal(rec.engagement[0], first);
    assert_string_equal(rec.action[1], "engagement.updated");
    assert_int_equal(rec.engagement[1], kept);
    assert_string_equal(rec.action[2], "engagement.requested");
    assert_int_equal(rec.engagement[2], second);
    assert_int_equal(rec.seq[1], rec.seq[0] + 1);
    assert_int_equal(rec.seq[2], rec.seq[1] + 1);
    assert_int_equal(rec.mails, 0);
    assert_int_equal(fx_version(&f, kept), v0 + 1);
    engsched_engagement *e = NULL;
    fx_ok(&f, engsched_engagement_get(f.db, ENGSCHED_SYSTEM, kept, &e));
    assert_string_equal(engsched_engagement_name(e), "Renamed in the batch");
    engsched_engagement_free(e);
    assert_int_equal(fx_status(&f, globex), ENGSCHED_STATUS_PENDING);
    assert_int_equal(fx_version(&f, globex), vg);
    assert_int_equal(operator_count(&f, globex), 0);
    char *trail = NULL;
    fx_ok(&f, engsched_events_json(f.db, f.manager, globex, &trail));
    assert_null(strstr(trail, "engagement.approved"));
    assert_null(strstr(trail, "operator.assigned"));
    engsched_free(trail);
    engsched_input_free(in);
    engsched_input_free(undated);
    engsched_input_free(rename);
    engsched_input_free(stale);
    engsched_input_free(ops);
    fx_close(&f);
}

/* --- rollback --------------------------------------------------------------- */

static void test_rollback_discards_everything(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    engsched_id pending = fx_request(&f, f.client_user, f.client[0], "To approve", "2026-04-01",
                                     "2026-04-05");
    recorder_reset();
    char *before = fx_digest(&f);
    int64_t seq0 = last_seq(&f);
    engsched_input *in = request_input(&f, "Rolled back", f.client[0]);
    engsched_input *ops = operators_input(&f, f.operator1, 0);
    engsched_id a = 0, b = 0;

    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &a));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &b));
    fx_ok(&f, engsched_approve(f.db, f.manager, pending, 0, ops));
    fx_ok(&f, engsched_cancel(f.db, f.manager, a, 0, "never mind"));
    fx_ok(&f, engsched_batch_rollback(f.db));

    assert_int_equal(rec.events, 0);
    assert_int_equal(rec.mails, 0);
    assert_int_equal(last_seq(&f), seq0);
    engsched_engagement *e = NULL;
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, ENGSCHED_SYSTEM, a, &e));
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, ENGSCHED_SYSTEM, b, &e));
    char *after = fx_digest(&f);
    assert_string_equal(before, after);
    free(after);
    /* The handle works on, alone and in a new batch. */
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    assert_int_equal(rec.events, 1);
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_approve(f.db, f.manager, pending, 0, ops));
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(rec.events, 3); /* approved, assigned */
    assert_int_equal(rec.mails, 1);
    free(before);
    engsched_input_free(in);
    engsched_input_free(ops);
    fx_close(&f);
}

/* --- mail ------------------------------------------------------------------ */

static void test_mail_only_after_commit(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    engsched_id acme = fx_request(&f, f.client_user, f.client[0], "Acme", "2026-04-01",
                                  "2026-04-05");
    engsched_id globex = fx_request(&f, f.manager, f.client[1], "Globex", "2026-04-01",
                                    "2026-04-05");
    engsched_id later = fx_request(&f, f.client_user, f.client[0], "Later", "2026-05-01",
                                   "2026-05-05");
    recorder_reset();
    engsched_input *one = operators_input(&f, f.operator1, 0);
    engsched_input *two = operators_input(&f, f.operator1, f.operator2);

    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_approve(f.db, f.manager, acme, 0, one));
    assert_int_equal(rec.mails, 0);
    /* Refused after operator1's invitation was raised and its mail queued. */
    assert_int_not_equal(engsched_approve(f.db, f.manager, globex, 0, two), ENGSCHED_OK);
    assert_int_equal(rec.mails, 0);
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(rec.mails, 1);
    assert_int_equal(rec.error_logs, 0); /* no mail of the refused one was even tried */
    assert_int_equal(rec.mail_engagement[0], acme);
    assert_int_equal(rec.mail_user[0], f.operator1);
    /* The refused operation's invitation state went with it. */
    char *ics = NULL;
    fx_rc(&f, ENGSCHED_ENOTFOUND,
          engsched_invitation_ics(f.db, f.manager, globex, f.operator1, &ics));
    fx_ok(&f, engsched_invitation_ics(f.db, f.manager, acme, f.operator1, &ics));
    engsched_free(ics);

    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_approve(f.db, f.manager, later, 0, one));
    fx_ok(&f, engsched_batch_rollback(f.db));
    assert_int_equal(rec.mails, 1);
    fx_rc(&f, ENGSCHED_ENOTFOUND,
          engsched_invitation_ics(f.db, f.manager, later, f.operator1, &ics));
    engsched_input_free(one);
    engsched_input_free(two);
    fx_close(&f);
}

/* --- misuse ----------------------------------------------------------------- */

static void expect_misuse(fx *f, engsched_rc rc, const char *words)
{
    fx_rc(f, ENGSCHED_EMISUSE, rc);
    if (strstr(engsched_errmsg(f->db), words) == NULL)
        fail_msg("expected \"%s\" in the message: \"%s\"", words, engsched_errmsg(f->db));
}

static void test_misuse(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    assert_int_equal(engsched_batch_begin(NULL), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_batch_commit(NULL), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_batch_rollback(NULL), ENGSCHED_EMISUSE);
    expect_misuse(&f, engsched_batch_commit(f.db), "no batch");
    expect_misuse(&f, engsched_batch_rollback(f.db), "no batch");

    /* Twice: refused, and the batch that is open goes on. */
    engsched_input *in = request_input(&f, "Misuse", f.client[0]);
    engsched_id id = 0;
    fx_ok(&f, engsched_batch_begin(f.db));
    expect_misuse(&f, engsched_batch_begin(f.db), "already open");
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &id));
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(rec.events, 1);

    /* The tick runs in a transaction of its own. */
    engsched_id due = fx_request(&f, f.client_user, f.client[0], "Due", "2026-03-05",
                                 "2026-03-06");
    fx_approve(&f, due);
    assert_int_equal(fx_status(&f, due), ENGSCHED_STATUS_SCHEDULED);
    int64_t seq = last_seq(&f);
    size_t events = rec.events;
    unsigned int moved = 77;
    fx_ok(&f, engsched_batch_begin(f.db));
    expect_misuse(&f, engsched_tick(f.db, FX_T0 + 5 * FX_DAY, &moved), "batch");
    assert_int_equal(moved, 77);
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(last_seq(&f), seq);
    assert_int_equal(rec.events, events);
    assert_int_equal(fx_status(&f, due), ENGSCHED_STATUS_SCHEDULED);
    fx_ok(&f, engsched_tick(f.db, FX_T0 + 5 * FX_DAY, &moved));
    assert_int_equal(moved, 1);

    /* A read-only handle. */
    engsched *reader = open_reader(&f);
    assert_int_equal(engsched_batch_begin(reader), ENGSCHED_EMISUSE);
    assert_non_null(strstr(engsched_errmsg(reader), "read-only"));
    engsched_close(reader);

    /* From the event callback, after a single operation and after a batch. */
    rec.misuse_from_event = 1;
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    for (int i = 0; i < 3; i++)
        assert_int_equal(rec.from_callback[i], ENGSCHED_EMISUSE);
    /* Refused without a word in the handle: its message stays the outer call's. */
    assert_null(strstr(rec.callback_message, "delivering"));
    memset(rec.from_callback, 0, sizeof rec.from_callback);
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    fx_ok(&f, engsched_batch_commit(f.db));
    for (int i = 0; i < 3; i++)
        assert_int_equal(rec.from_callback[i], ENGSCHED_EMISUSE);
    rec.misuse_from_event = 0;

    /* From the mail callback. */
    rec.misuse_from_mail = 1;
    memset(rec.from_callback, 0, sizeof rec.from_callback);
    engsched_id mailed = fx_request(&f, f.client_user, f.client[0], "Mailed", "2026-04-01",
                                    "2026-04-02");
    size_t mails = rec.mails;
    fx_approve(&f, mailed);
    assert_int_equal(rec.mails, mails + 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rec.from_callback[i], ENGSCHED_EMISUSE);
    /* Refused without a word in the handle: its message stays the outer call's. */
    assert_null(strstr(rec.callback_message, "delivering"));
    rec.misuse_from_mail = 0;

    /* None of it left a batch open. */
    expect_misuse(&f, engsched_batch_commit(f.db), "no batch");
    engsched_input_free(in);
    fx_close(&f);
}

/* --- closing with a batch open -------------------------------------------- */

static void test_close_rolls_back(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    engsched_id pending = fx_request(&f, f.client_user, f.client[0], "Pending", "2026-04-01",
                                     "2026-04-05");
    recorder_reset();
    int64_t seq0 = last_seq(&f);
    engsched_input *in = request_input(&f, "Never stored", f.client[0]);
    engsched_input *ops = operators_input(&f, f.operator1, 0);
    engsched_id a = 0;
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &a));
    fx_ok(&f, engsched_approve(f.db, f.manager, pending, 0, ops));
    engsched_input_free(in);
    engsched_input_free(ops);
    /* Events and mail are queued on the handle: closing frees them
     * (the sanitizer run checks for leaks) and delivers none. */
    assert_int_equal(engsched_close(f.db), ENGSCHED_OK);
    assert_int_equal(rec.events, 0);
    assert_int_equal(rec.mails, 0);

    engsched_options opts = options_for(&f);
    fx_ok(&f, engsched_open(f.path, &opts, &f.db));
    rec.db = f.db;
    engsched_engagement *e = NULL;
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, ENGSCHED_SYSTEM, a, &e));
    assert_int_equal(fx_status(&f, pending), ENGSCHED_STATUS_PENDING);
    assert_int_equal(last_seq(&f), seq0);
    fx_close(&f);
}

/* --- import runs in a savepoint ------------------------------------------- */

static void test_import_in_a_batch(void **state)
{
    (void)state;
    fx f;
    OPEN_OR_SKIP(&f);
    fx_request(&f, f.client_user, f.client[0], "Exported", "2026-04-01", "2026-04-05");
    char *doc = NULL;
    fx_ok(&f, engsched_export_json(f.db, f.admin, &doc));
    engsched_input *in = request_input(&f, "Beside the import", f.client[0]);
    engsched_id id = 0;
    unsigned int count = 0;
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, &id));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_import_json(f.db, f.admin, "{\"engagements\": 1}",
                                                    &count));
    fx_ok(&f, engsched_import_json(f.db, f.admin, doc, &count));
    assert_int_equal(count, 1);
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_PENDING);
    assert_int_equal(calendar_count(&f, "Exported"), 2);
    engsched_free(doc);
    engsched_input_free(in);
    fx_close(&f);
}

/* --- tables of other versions, and a failing rollback_to ------------------ */

/* A backend that forwards to the SQLite one. Declared as version 1 it is
 * what a backend compiled before version 2 looks like: under ASan the
 * members past version 1 are poisoned, as if the struct ended there, so
 * the library reading one fails the test; without ASan they hold a
 * callback that fails it when called. */
static struct wrap_state {
    engsched_storage *inner;
    int fail_rollback_to;
} wrap;

#define W(name, params, args)                                                               \
    static engsched_rc w_##name params                                                      \
    {                                                                                       \
        (void)s;                                                                            \
        return wrap.inner->name args;                                                       \
    }

W(prepare, (engsched_storage * s, int v, int *out), (wrap.inner, v, out))
W(set_busy_timeout, (engsched_storage * s, int ms), (wrap.inner, ms))
W(begin, (engsched_storage * s, int write), (wrap.inner, write))
W(commit, (engsched_storage * s), (wrap.inner))
W(rollback, (engsched_storage * s), (wrap.inner))
W(schema_version, (engsched_storage * s, int *out), (wrap.inner, out))
W(setting_get, (engsched_storage * s, const char *k, const char **out), (wrap.inner, k, out))
W(setting_set, (engsched_storage * s, const char *k, const char *v), (wrap.inner, k, v))
W(client_upsert,
  (engsched_storage * s, const engsched_rec_client *r, engsched_id *id, int *created),
  (wrap.inner, r, id, created))
W(client_get, (engsched_storage * s, engsched_id id, engsched_rec_client *out),
  (wrap.inner, id, out))
W(client_find, (engsched_storage * s, const char *k, engsched_id *out), (wrap.inner, k, out))
W(user_upsert,
  (engsched_storage * s, const engsched_rec_user *r, engsched_id *id, int *created),
  (wrap.inner, r, id, created))
W(user_get, (engsched_storage * s, engsched_id id, engsched_rec_user *out),
  (wrap.inner, id, out))
W(user_find, (engsched_storage * s, const char *k, engsched_id *out), (wrap.inner, k, out))
W(role_insert, (engsched_storage * s, const engsched_rec_role *r, engsched_id *out),
  (wrap.inner, r, out))
W(role_update, (engsched_storage * s, engsched_id id, unsigned int p), (wrap.inner, id, p))
W(role_get, (engsched_storage * s, engsched_id id, engsched_rec_role *out),
  (wrap.inner, id, out))
W(role_find, (engsched_storage * s, const char *n, engsched_id *out), (wrap.inner, n, out))
W(access_grant, (engsched_storage * s, engsched_id u, engsched_id c), (wrap.inner, u, c))
W(access_revoke, (engsched_storage * s, engsched_id u, engsched_id c), (wrap.inner, u, c))
W(access_check, (engsched_storage * s, engsched_id u, engsched_id c, int *out),
  (wrap.inner, u, c, out))
W(engagement_insert,
  (engsched_storage * s, const engsched_rec_engagement *r, engsched_id *id,
   engsched_id *report),
  (wrap.inner, r, id, report))
W(engagement_update,
  (engsched_storage * s, const engsched_rec_engagement *r, engsched_id *report),
  (wrap.inner, r, report))
W(engagement_get, (engsched_storage * s, engsched_id id, engsched_rec_engagement *out),
  (wrap.inner, id, out))
W(report_engagement, (engsched_storage * s, engsched_id r, engsched_id *out),
  (wrap.inner, r, out))
W(engagements_due,
  (engsched_storage * s, int32_t day, engsched_id after, unsigned int limit,
   engsched_storage_engagement_fn row, void *ctx),
  (wrap.inner, day, after, limit, row, ctx))
W(assignment_insert, (engsched_storage * s, const engsched_rec_assignment *r),
  (wrap.inner, r))
W(assignment_delete, (engsched_storage * s, engsched_id e, engsched_id u), (wrap.inner, e, u))
W(assignment_list,
  (engsched_storage * s, engsched_id e, engsched_storage_assignment_fn row, void *ctx),
  (wrap.inner, e, row, ctx))
W(file_insert,
  (engsched_storage * s, const engsched_rec_file *m, const void *data, engsched_id *out),
  (wrap.inner, m, data, out))
W(file_get, (engsched_storage * s, engsched_id id, engsched_rec_file *out),
  (wrap.inner, id, out))
W(file_read,
  (engsched_storage * s, engsched_id id, int64_t off, void *buf, size_t size, size_t *out),
  (wrap.inner, id, off, buf, size, out))
W(file_delete, (engsched_storage * s, engsched_id id), (wrap.inner, id))
W(file_list, (engsched_storage * s, engsched_id e, engsched_storage_file_fn row, void *ctx),
  (wrap.inner, e, row, ctx))
W(event_append, (engsched_storage * s, const engsched_rec_event *r, int64_t *out),
  (wrap.inner, r, out))
W(event_list,
  (engsched_storage * s, engsched_id e, int64_t after, unsigned int limit,
   engsched_storage_event_fn row, void *ctx),
  (wrap.inner, e, after, limit, row, ctx))
W(event_last_seq, (engsched_storage * s, int64_t *out), (wrap.inner, out))
W(engagement_query,
  (engsched_storage * s, const engsched_storage_query *q, engsched_storage_engagement_fn row,
   void *ctx),
  (wrap.inner, q, row, ctx))
W(users_with_permissions,
  (engsched_storage * s, unsigned int p, engsched_id scope, const char *after_name,
   engsched_id after_id, unsigned int limit, engsched_storage_user_fn row, void *ctx),
  (wrap.inner, p, scope, after_name, after_id, limit, row, ctx))
W(operator_work,
  (engsched_storage * s, engsched_id u, unsigned int st, int32_t a, int32_t b,
   engsched_storage_engagement_fn row, void *ctx),
  (wrap.inner, u, st, a, b, row, ctx))
W(unavailability_insert,
  (engsched_storage * s, const engsched_rec_unavailability *r, engsched_id *out),
  (wrap.inner, r, out))
W(unavailability_get, (engsched_storage * s, engsched_id id, engsched_rec_unavailability *out),
  (wrap.inner, id, out))
W(unavailability_delete, (engsched_storage * s, engsched_id id), (wrap.inner, id))
W(unavailability_list,
  (engsched_storage * s, engsched_id u, int32_t a, int32_t b,
   engsched_storage_unavailability_fn row, void *ctx),
  (wrap.inner, u, a, b, row, ctx))
W(invitation_get,
  (engsched_storage * s, engsched_id e, engsched_id u, engsched_rec_invitation *out),
  (wrap.inner, e, u, out))
W(invitation_put, (engsched_storage * s, const engsched_rec_invitation *r), (wrap.inner, r))
W(client_list,
  (engsched_storage * s, engsched_id after, unsigned int limit, engsched_storage_client_fn row,
   void *ctx),
  (wrap.inner, after, limit, row, ctx))
W(user_list,
  (engsched_storage * s, engsched_id after, unsigned int limit, engsched_storage_user_fn row,
   void *ctx),
  (wrap.inner, after, limit, row, ctx))
W(role_list, (engsched_storage * s, engsched_storage_role_fn row, void *ctx),
  (wrap.inner, row, ctx))
W(access_list,
  (engsched_storage * s, engsched_id u, engsched_storage_client_fn row, void *ctx),
  (wrap.inner, u, row, ctx))
W(savepoint, (engsched_storage * s), (wrap.inner))
W(release, (engsched_storage * s), (wrap.inner))

static engsched_rc w_rollback_to(engsched_storage *s)
{
    if (wrap.fail_rollback_to) {
        engsched_storage_set_error(s, "wrapper: rollback_to refused on purpose");
        return ENGSCHED_ESTORAGE;
    }
    return wrap.inner->rollback_to(wrap.inner);
}

/* What a version 1 table holds past its end, without ASan. */
static engsched_rc w_never(engsched_storage *s)
{
    (void)s;
    fail_msg("the library called a member past the end of a version 1 table");
    return ENGSCHED_ESTORAGE;
}

#define V2_TAIL (sizeof(engsched_storage) - offsetof(engsched_storage, savepoint))

static void w_free(engsched_storage *s)
{
    wrap.inner->free(wrap.inner);
    wrap.inner = NULL;
#ifdef HAVE_ASAN
    ASAN_UNPOISON_MEMORY_REGION(&s->savepoint, V2_TAIL);
#endif
    free(s);
}

static engsched_storage *wrapper_new(unsigned int version, const char *path)
{
    assert_null(wrap.inner);
    assert_int_equal(engsched_storage_sqlite_new(path, ENGSCHED_OPEN_CREATE, &wrap.inner),
                     ENGSCHED_OK);
    wrap.fail_rollback_to = 0;
    engsched_storage *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->version = version;
    b->free = w_free;
#define SET(name) b->name = w_##name;
    SET(rollback)
    ES_TEST_STORAGE_DATA_CALLBACKS(SET)
#undef SET
    if (version >= 2) {
        b->savepoint = w_savepoint;
        b->release = w_release;
        b->rollback_to = w_rollback_to;
        return b;
    }
    b->savepoint = b->release = b->rollback_to = w_never;
#ifdef HAVE_ASAN
    ASAN_POISON_MEMORY_REGION(&b->savepoint, V2_TAIL);
#endif
    return b;
}

/* Opened through the wrapper, with the fixture's directory seeded. */
static void open_wrapped(fx *f, unsigned int version)
{
    memset(f, 0, sizeof *f);
    f->now = FX_T0;
    fx_temp_path(f->path, sizeof f->path, "batch-wrapped.db");
    engsched_storage *b = wrapper_new(version, f->path);
    engsched_options opts = options_for(f);
    engsched_rc rc = engsched_open_backend(b, &opts, &f->db);
    if (rc != ENGSCHED_OK) {
        b->free(b);
        fail_msg("open_backend: %s: %s", engsched_rc_name(rc), engsched_open_errmsg());
    }
    rec.db = f->db;
    recorder_reset();
    f->client_user = fx_user(f, "client", ENGSCHED_ROLE_CLIENT, ENGSCHED_USER_ALL_CLIENTS);
    f->manager = fx_user(f, "manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS);
    fx_ok(f, engsched_client_upsert(f->db, ENGSCHED_SYSTEM, "c0", "Acme", &f->client[0]));
}

static void test_version_1_table(void **state)
{
    (void)state;
    fx f;
    open_wrapped(&f, 1);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "On a version 1 table",
                                "2026-04-01", "2026-04-05");
    assert_int_equal(fx_status(&f, id), ENGSCHED_STATUS_PENDING);
    fx_rc(&f, ENGSCHED_EUNSUPPORTED, engsched_batch_begin(f.db));
    assert_non_null(strstr(engsched_errmsg(f.db), "version 1"));
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_batch_commit(f.db));
    fx_request(&f, f.client_user, f.client[0], "Still working", "2026-04-01", "2026-04-05");
    fx_close(&f);
}

static void test_tables_the_library_refuses(void **state)
{
    (void)state;
    struct {
        unsigned int version;
        int drop_release;
    } cases[] = {{0, 0}, {ENGSCHED_STORAGE_VERSION + 1, 0}, {2, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        fx_temp_path(path, sizeof path, "batch-refused.db");
        engsched_storage *b = wrapper_new(2, path);
        b->version = cases[i].version;
        if (cases[i].drop_release)
            b->release = NULL; /* savepoints given only in part */
        engsched *db = NULL;
        assert_int_equal(engsched_open_backend(b, NULL, &db), ENGSCHED_EMISUSE);
        assert_null(db);
        assert_non_null(strstr(engsched_open_errmsg(), "version"));
        b->free(b);
        unlink(path);
    }
}

static void test_undo_failure_rolls_the_batch_back(void **state)
{
    (void)state;
    fx f;
    open_wrapped(&f, 2);
    engsched_id kept = fx_request(&f, f.client_user, f.client[0], "Before", "2026-04-01",
                                  "2026-04-05");
    int64_t seq0 = last_seq(&f);
    recorder_reset();
    engsched_input *in = request_input(&f, "Lost with the batch", f.client[0]);
    engsched_input *stale = NULL;
    fx_ok(&f, engsched_input_new(f.db, &stale));
    fx_ok(&f, engsched_input_set_name(stale, "Stale"));
    engsched_id lost = 0;

    for (int end_with_commit = 0; end_with_commit < 2; end_with_commit++) {
        fx_ok(&f, engsched_batch_begin(f.db));
        fx_ok(&f, engsched_request(f.db, f.client_user, in, &lost));
        wrap.fail_rollback_to = 1;
        fx_rc(&f, ENGSCHED_ESTORAGE, engsched_edit(f.db, f.manager, kept, 99, stale));
        wrap.fail_rollback_to = 0;
        assert_non_null(strstr(engsched_errmsg(f.db), "refused on purpose"));
        assert_non_null(strstr(engsched_errmsg(f.db), "whole batch was rolled back"));
        /* Every call fails until the batch ends: nothing meant for the
         * batch runs in a transaction of its own. */
        fx_rc(&f, ENGSCHED_ESTORAGE, engsched_request(f.db, f.client_user, in, NULL));
        assert_non_null(strstr(engsched_errmsg(f.db), "batch was rolled back"));
        engsched_engagement *e = NULL;
        fx_rc(&f, ENGSCHED_ESTORAGE, engsched_engagement_get(f.db, f.manager, kept, &e));
        fx_rc(&f, ENGSCHED_EMISUSE, engsched_batch_begin(f.db));
        if (end_with_commit) {
            fx_rc(&f, ENGSCHED_ESTORAGE, engsched_batch_commit(f.db));
            assert_non_null(strstr(engsched_errmsg(f.db), "nothing of it was stored"));
        } else {
            fx_ok(&f, engsched_batch_rollback(f.db));
        }
        fx_rc(&f, ENGSCHED_EMISUSE, engsched_batch_commit(f.db));
        fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, f.manager, lost, &e));
        assert_int_equal(last_seq(&f), seq0);
        assert_int_equal(rec.events, 0);
    }
    /* The handle works on. */
    fx_ok(&f, engsched_batch_begin(f.db));
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    fx_ok(&f, engsched_batch_commit(f.db));
    assert_int_equal(rec.events, 1);
    engsched_input_free(in);
    engsched_input_free(stale);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_commit_together),
        cmocka_unit_test(test_batch_holds_the_write_lock),
        cmocka_unit_test(test_refused_operations_change_nothing),
        cmocka_unit_test(test_rollback_discards_everything),
        cmocka_unit_test(test_mail_only_after_commit),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_close_rolls_back),
        cmocka_unit_test(test_import_in_a_batch),
        cmocka_unit_test(test_version_1_table),
        cmocka_unit_test(test_tables_the_library_refuses),
        cmocka_unit_test(test_undo_failure_rolls_the_batch_back),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
