/* A host callback that calls back into the handle that invoked it: the
 * log, the clock, on_event, deliver_event, on_mail, and the export writer
 * and import reader. The nested call returns EMISUSE and leaves the
 * handle's code and message alone; the outer call's result and message are
 * its own. Before the guard a log callback that used its handle recursed
 * until the stack ran out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/delivery.h>
#include <engsched/export.h>

#include "fixture.h"

typedef struct probe {
    fx f;
    int reenter;          /* the callbacks call into the handle */
    unsigned int calls;   /* nested calls made */
    unsigned int refused; /* ... that returned EMISUSE */
    unsigned int other;   /* ... that returned anything else */
    int depth;            /* how deep the callbacks are nested right now */
    int max_depth;
    unsigned int disturbed; /* nested calls that changed the handle's code or message */
} probe;

static probe P;

/* The nested call every callback makes: one that logs and reads the store. */
static void nested(probe *p)
{
    if (!p->reenter)
        return;
    p->depth++;
    if (p->depth > p->max_depth)
        p->max_depth = p->depth;
    if (p->depth < 50) { /* keeps the unguarded library from overflowing the stack */
        char *value = NULL;
        char before[600];
        engsched_rc code = engsched_errcode(p->f.db);
        snprintf(before, sizeof before, "%s", engsched_errmsg(p->f.db));
        engsched_rc rc = engsched_setting_get(p->f.db, "timezone", &value);
        engsched_free(value);
        if (engsched_errcode(p->f.db) != code || strcmp(engsched_errmsg(p->f.db), before) != 0)
            p->disturbed++;
        p->calls++;
        if (rc == ENGSCHED_EMISUSE)
            p->refused++;
        else
            p->other++;
    }
    p->depth--;
}

static void on_log(void *ctx, engsched_log_level level, const char *message)
{
    (void)level;
    (void)message;
    nested(ctx);
}

static int64_t on_clock(void *ctx)
{
    probe *p = ctx;
    nested(p);
    return p->f.now;
}

static void on_event(void *ctx, const char *json)
{
    (void)json;
    nested(ctx);
}

static int on_deliver(void *ctx, int64_t seq, const char *json, size_t length,
                      const char *signature)
{
    (void)seq;
    (void)json;
    (void)length;
    (void)signature;
    nested(ctx);
    return 0;
}

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    (void)engagement;
    (void)user;
    (void)recipient;
    (void)message;
    (void)length;
    nested(ctx);
    return 0;
}

enum { WITH_LOG = 1, WITH_CLOCK = 2, WITH_EVENT = 4, WITH_DELIVER = 8, WITH_MAIL = 16 };

/* The fixture's store, reopened with the callbacks in @p which. */
static void reopen(probe *p, unsigned int which)
{
    assert_int_equal(engsched_close(p->f.db), ENGSCHED_OK);
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = 0;
    o.clock = on_clock; /* the fixture's clock, silent unless reenter is set */
    o.clock_ctx = p;
    if (which & WITH_LOG) {
        o.log = on_log;
        o.log_ctx = p;
        o.log_level = ENGSCHED_LOG_DEBUG;
    }
    if (which & WITH_EVENT) {
        o.on_event = on_event;
        o.event_ctx = p;
    }
    if (which & WITH_DELIVER) {
        o.deliver_event = on_deliver;
        o.deliver_event_ctx = p;
    }
    if (which & WITH_MAIL) {
        o.on_mail = on_mail;
        o.mail_ctx = p;
    }
    engsched_rc rc = engsched_open(p->f.path, &o, &p->f.db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopen %s: %s", p->f.path, engsched_open_errmsg());
}

static int setup(void **state)
{
    memset(&P, 0, sizeof P);
    fx_open(&P.f, 1);
    fx_ok(&P.f, engsched_setting_set(P.f.db, ENGSCHED_SYSTEM, "organizer_email",
                                     "scheduling@example.com"));
    *state = &P;
    return 0;
}

static int teardown(void **state)
{
    probe *p = *state;
    p->reenter = 0;
    fx_close(&p->f);
    return 0;
}

static void assert_all_refused(const probe *p)
{
    assert_true(p->calls > 0);
    assert_int_equal(p->other, 0);
    assert_int_equal(p->refused, p->calls);
    assert_int_equal(p->max_depth, 1);
    assert_int_equal(p->disturbed, 0);
}

/* A request and its approval with one operator: events, mail, clock. */
static void request_and_approve(probe *p)
{
    engsched_id id =
        fx_request(&p->f, p->f.client_user, p->f.client[0], "Reentry", "2026-04-06", "2026-04-10");
    engsched_input *in = NULL;
    fx_ok(&p->f, engsched_input_new(p->f.db, &in));
    fx_ok(&p->f, engsched_input_add_operator(in, p->f.operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(&p->f, engsched_approve(p->f.db, p->f.manager, id, 0, in));
    engsched_input_free(in);
}

static void test_log_callback_using_its_handle(void **state)
{
    probe *p = *state;
    reopen(p, WITH_LOG);
    engsched_input *in = NULL;
    fx_ok(&p->f, engsched_input_new(p->f.db, &in));
    p->reenter = 1;
    engsched_rc rc = engsched_input_set_dates(in, "2024-02-30", "2024-03-01");
    p->reenter = 0;
    assert_int_equal(rc, ENGSCHED_EINVAL);
    /* The outer call's code and message, not the nested call's. */
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_EINVAL);
    assert_non_null(strstr(engsched_errmsg(p->f.db), "start: \"2024-02-30\""));
    assert_all_refused(p);
    engsched_input_free(in);

    /* A handle-level failure that logs: the same. */
    p->calls = p->refused = p->other = 0;
    p->reenter = 1;
    char *value = NULL;
    rc = engsched_setting_get(p->f.db, "no such setting", &value);
    p->reenter = 0;
    assert_int_not_equal(rc, ENGSCHED_OK);
    assert_int_not_equal(rc, ENGSCHED_EMISUSE);
    assert_int_equal(engsched_errcode(p->f.db), rc);
    assert_null(strstr(engsched_errmsg(p->f.db), "callback"));
    assert_true(p->calls > 0);
    assert_int_equal(p->other, 0);
    /* The handle works as before once the callback returned. */
    fx_ok(&p->f, engsched_setting_get(p->f.db, "timezone", &value));
    engsched_free(value);
}

static void test_clock_callback_using_its_handle(void **state)
{
    probe *p = *state;
    reopen(p, 0);
    p->reenter = 1;
    request_and_approve(p);
    p->reenter = 0;
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_OK);
    assert_all_refused(p);
}

static void test_event_callback_using_its_handle(void **state)
{
    probe *p = *state;
    reopen(p, WITH_EVENT);
    engsched_id id =
        fx_request(&p->f, p->f.client_user, p->f.client[0], "Events", "2026-04-06", "2026-04-10");
    p->reenter = 1;
    p->calls = p->refused = p->other = 0;
    fx_ok(&p->f, engsched_cancel(p->f.db, p->f.manager, id, 0, "not needed"));
    p->reenter = 0;
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_OK);
    assert_string_equal(engsched_errmsg(p->f.db), "not an error");
    assert_all_refused(p);
}

static void test_deliver_event_callback_using_its_handle(void **state)
{
    probe *p = *state;
    reopen(p, WITH_DELIVER);
    p->reenter = 1;
    fx_request(&p->f, p->f.client_user, p->f.client[0], "Deliver", "2026-04-06", "2026-04-10");
    p->reenter = 0;
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_OK);
    assert_all_refused(p);
}

static void test_mail_callback_using_its_handle(void **state)
{
    probe *p = *state;
    reopen(p, WITH_MAIL);
    engsched_id id =
        fx_request(&p->f, p->f.client_user, p->f.client[0], "Mail", "2026-04-06", "2026-04-10");
    engsched_input *in = NULL;
    fx_ok(&p->f, engsched_input_new(p->f.db, &in));
    fx_ok(&p->f, engsched_input_add_operator(in, p->f.operator1, ENGSCHED_OPROLE_LEAD));
    p->reenter = 1;
    p->calls = p->refused = p->other = 0;
    fx_ok(&p->f, engsched_approve(p->f.db, p->f.manager, id, 0, in));
    p->reenter = 0;
    engsched_input_free(in);
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_OK);
    assert_all_refused(p);
}

static int writer(void *ctx, const char *data, size_t len)
{
    (void)data;
    (void)len;
    nested(ctx);
    return 0;
}

static long reader(void *ctx, char *buf, size_t size)
{
    (void)buf;
    (void)size;
    nested(ctx);
    return 0; /* an empty document */
}

static void test_export_writer_and_import_reader_using_their_handle(void **state)
{
    probe *p = *state;
    reopen(p, 0);
    fx_request(&p->f, p->f.client_user, p->f.client[0], "Export", "2026-04-06", "2026-04-10");
    p->reenter = 1;
    fx_ok(&p->f, engsched_export(p->f.db, ENGSCHED_SYSTEM, NULL, writer, p));
    p->reenter = 0;
    assert_int_equal(engsched_errcode(p->f.db), ENGSCHED_OK);
    assert_all_refused(p);

    p->calls = p->refused = p->other = 0;
    p->reenter = 1;
    engsched_rc rc = engsched_import(p->f.db, ENGSCHED_SYSTEM, reader, p, NULL);
    p->reenter = 0;
    assert_int_not_equal(rc, ENGSCHED_OK);
    assert_int_not_equal(rc, ENGSCHED_EMISUSE); /* the empty document's own failure */
    assert_int_equal(engsched_errcode(p->f.db), rc);
    assert_all_refused(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_callback_using_its_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_callback_using_its_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_callback_using_its_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deliver_event_callback_using_its_handle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mail_callback_using_its_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_writer_and_import_reader_using_their_handle,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
