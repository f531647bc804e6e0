/* A mail callback that never returns (it longjmps out, as a host's error
 * handling might): nothing durable is lost. The invitation was written to
 * the outbox in the operation's transaction, so it stays pending, claimed
 * by the abandoned handle until the lease runs out, and a later
 * engsched_deliver() hands it over. The abandoned handle refuses every
 * later call: it is still inside its callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/delivery.h>

#include "fixture.h"

typedef struct jumper {
    fx f;
    jmp_buf out;
    int jump;            /* the mail callback longjmps instead of returning */
    unsigned int jumped; /* ... how often it did */
    unsigned int taken;  /* messages accepted */
    engsched_id last_engagement;
    /* The handle left inside its callback: it cannot be closed, and is
     * kept here so that what it holds stays reachable (LeakSanitizer). */
    engsched *abandoned;
} jumper;

static jumper J;

static int64_t clock_fn(void *ctx) { return ((jumper *)ctx)->f.now; }

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    jumper *j = ctx;
    (void)user;
    (void)recipient;
    (void)message;
    (void)length;
    if (j->jump) {
        j->jumped++;
        longjmp(j->out, 1);
    }
    j->taken++;
    j->last_engagement = engagement;
    return 0;
}

static engsched *open_handle(jumper *j)
{
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = 0;
    o.clock = clock_fn;
    o.clock_ctx = j;
    o.on_mail = on_mail;
    o.mail_ctx = j;
    engsched *db = NULL;
    if (engsched_open(j->f.path, &o, &db) != ENGSCHED_OK)
        fail_msg("open %s: %s", j->f.path, engsched_open_errmsg());
    return db;
}

/* Pending mail items (events the handle has no callback for stay pending). */
static uint64_t pending(engsched *db, jumper *j)
{
    engsched_outbox_list *list = NULL;
    fx_ok(&j->f, engsched_outbox_list_get(db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, 0, 1000,
                                          &list));
    uint64_t n = 0;
    for (size_t i = 0; i < engsched_outbox_list_count(list); i++)
        n += engsched_outbox_list_item(list, i)->kind == ENGSCHED_OUTBOX_MAIL;
    engsched_outbox_list_free(list);
    return n;
}

static void test_mail_callback_that_longjmps(void **state)
{
    (void)state;
    if (fx_backend_is_memory())
        skip(); /* a second handle opens the store by its path */
    jumper *j = &J;
    memset(j, 0, sizeof *j);
    fx_open(&j->f, 1);
    fx_ok(&j->f, engsched_setting_set(j->f.db, ENGSCHED_SYSTEM, "organizer_email",
                                      "scheduling@example.com"));
    engsched_id id = fx_request(&j->f, j->f.client_user, j->f.client[0], "Jumped", "2026-04-06",
                                "2026-04-10");
    fx_ok(&j->f, engsched_close(j->f.db));
    j->f.db = open_handle(j);
    j->abandoned = j->f.db;
    engsched *abandoned = j->abandoned;
    uint64_t before = pending(abandoned, j);

    engsched_input *in = NULL;
    fx_ok(&j->f, engsched_input_new(abandoned, &in));
    fx_ok(&j->f, engsched_input_add_operator(in, j->f.operator1, ENGSCHED_OPROLE_LEAD));
    j->jump = 1;
    if (setjmp(j->out) == 0) {
        engsched_approve(abandoned, j->f.manager, id, 0, in);
        fail_msg("the mail callback was not called");
    }
    j->jump = 0;
    engsched_input_free(in);
    assert_int_equal(j->jumped, 1);

    /* The approval committed; its invitation is durable and pending. */
    engsched *other = open_handle(j);
    j->f.db = other;
    assert_int_equal(fx_status(&j->f, id), ENGSCHED_STATUS_SCHEDULED);
    assert_int_equal(pending(other, j), before + 1);

    /* The abandoned handle is still inside its callback: it refuses. */
    engsched_delivery_result r = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    assert_int_equal(engsched_deliver(abandoned, 0, &r), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_close(abandoned), ENGSCHED_EMISUSE);

    /* Claimed by the abandoned handle until the lease ends; then delivered. */
    fx_ok(&j->f, engsched_deliver(other, 0, &r));
    assert_int_equal(r.delivered, 0);
    j->f.now += 301;
    fx_ok(&j->f, engsched_deliver(other, 0, &r));
    assert_int_equal(r.delivered, 1);
    assert_int_equal(j->taken, 1);
    assert_int_equal(j->last_engagement, id);
    assert_int_equal(pending(other, j), before);
    fx_close(&j->f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mail_callback_that_longjmps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
