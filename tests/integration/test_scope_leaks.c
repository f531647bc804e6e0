/* Reads and refusals that must not reach beyond the actor's scope,
 * black-box:
 *  - an ADMIN reading another user's feed sees the intersection of both
 *    scopes, as engagement_get, the List and export do;
 *  - a user out of the actor's sight is answered exactly as a missing id
 *    when assigned or named as an operator on approval;
 *  - an ADMIN without access to a client cannot import into it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/export.h>

#include "fixture.h"

#define MISSING INT64_C(987654321)
#define MISSING_TEXT "987654321"

/* The message for MISSING with the id replaced by real. */
static void as_missing(const char *ref, engsched_id real, char *out, size_t size)
{
    const char *at = strstr(ref, MISSING_TEXT);
    if (at == NULL)
        fail_msg("the not-found message does not name the id: %s", ref);
    snprintf(out, size, "%.*s%lld%s", (int)(at - ref), ref, (long long)real,
             at + strlen(MISSING_TEXT));
}

/* An ADMIN of client 0 only. */
static engsched_id scoped_admin(fx *f)
{
    engsched_id a = fx_user(f, "scoped-admin", ENGSCHED_ROLE_ADMINISTRATOR, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, a, f->client[0]));
    return a;
}

static void test_admin_reads_feed_within_own_scope(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id admin = scoped_admin(&f);
    /* operator1 sees clients 0 and 1; the admin only client 0 */
    engsched_id shared =
        fx_request(&f, ENGSCHED_SYSTEM, f.client[0], "SHARED-K0", "2026-04-01", "2026-04-03");
    engsched_id hidden =
        fx_request(&f, ENGSCHED_SYSTEM, f.client[1], "SECRET-K1", "2026-04-06", "2026-04-08");
    engsched_engagement *e = NULL;
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f.db, admin, hidden, &e));
    char *ics = NULL;
    fx_ok(&f, engsched_feed_ics(f.db, admin, f.operator1, &ics));
    assert_non_null(strstr(ics, "SHARED-K0"));
    if (strstr(ics, "SECRET-K1") != NULL)
        fail_msg("the admin read an engagement of a client it cannot access:\n%s", ics);
    char uid[64];
    snprintf(uid, sizeof uid, "engagement-%lld", (long long)hidden);
    assert_null(strstr(ics, uid));
    engsched_free(ics);
    /* the user themself still sees both, the system too */
    fx_ok(&f, engsched_feed_ics(f.db, f.operator1, f.operator1, &ics));
    assert_non_null(strstr(ics, "SECRET-K1"));
    engsched_free(ics);
    fx_ok(&f, engsched_feed_ics(f.db, ENGSCHED_SYSTEM, f.operator1, &ics));
    assert_non_null(strstr(ics, "SECRET-K1"));
    engsched_free(ics);
    (void)shared;
    fx_close(&f);
}

/* The outsider (Manager of client 2) shares no client with operator2
 * (client 0) nor with the viewer (client 0, not an operator). */
static void test_assign_out_of_sight_is_not_found(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id eng =
        fx_request(&f, ENGSCHED_SYSTEM, f.client[2], "K2 work", "2026-04-01", "2026-04-03");
    fx_ok(&f, engsched_approve(f.db, ENGSCHED_SYSTEM, eng, 0, NULL));
    engsched_rc want =
        engsched_assign(f.db, f.outsider, eng, 0, MISSING, ENGSCHED_OPROLE_LEAD, NULL);
    char ref[512];
    snprintf(ref, sizeof ref, "%s", engsched_errmsg(f.db));
    assert_int_not_equal(want, ENGSCHED_OK);
    const engsched_id unseen[] = {f.operator2, f.viewer, f.client_user};
    for (size_t i = 0; i < sizeof unseen / sizeof unseen[0]; i++) {
        char expect[512];
        as_missing(ref, unseen[i], expect, sizeof expect);
        char *before = fx_digest(&f);
        engsched_rc rc =
            engsched_assign(f.db, f.outsider, eng, 0, unseen[i], ENGSCHED_OPROLE_LEAD, NULL);
        if (rc != want || strcmp(engsched_errmsg(f.db), expect) != 0)
            fail_msg("assign user %lld out of sight: %s \"%s\", a missing id: %s \"%s\"",
                     (long long)unseen[i], engsched_rc_name(rc), engsched_errmsg(f.db),
                     engsched_rc_name(want), expect);
        char *after = fx_digest(&f);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
    /* in sight the reasons are still told: the manager (all clients)
     * sees everyone */
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_assign(f.db, f.manager, eng, 0, f.operator2, ENGSCHED_OPROLE_LEAD, NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "no access to client"));
    fx_close(&f);
}

static void test_approve_with_out_of_sight_operator_is_not_found(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id eng[4];
    for (int i = 0; i < 4; i++)
        eng[i] =
            fx_request(&f, ENGSCHED_SYSTEM, f.client[2], "K2 pending", "2026-04-01", "2026-04-03");
    const engsched_id who[4] = {MISSING, f.operator2, f.viewer, f.client_user};
    char ref[512] = "";
    engsched_rc want = ENGSCHED_OK;
    for (int i = 0; i < 4; i++) {
        engsched_input *in = NULL;
        fx_ok(&f, engsched_input_new(f.db, &in));
        fx_ok(&f, engsched_input_add_operator(in, who[i], ENGSCHED_OPROLE_LEAD));
        engsched_rc rc = engsched_approve(f.db, f.outsider, eng[i], 0, in);
        engsched_input_free(in);
        if (i == 0) {
            want = rc;
            snprintf(ref, sizeof ref, "%s", engsched_errmsg(f.db));
            assert_int_not_equal(want, ENGSCHED_OK);
            continue;
        }
        char expect[512];
        as_missing(ref, who[i], expect, sizeof expect);
        if (rc != want || strcmp(engsched_errmsg(f.db), expect) != 0)
            fail_msg("approve naming user %lld out of sight: %s \"%s\", a missing id: \"%s\"",
                     (long long)who[i], engsched_rc_name(rc), engsched_errmsg(f.db), expect);
        assert_int_equal(fx_status(&f, eng[i]), ENGSCHED_STATUS_PENDING);
    }
    fx_close(&f);
}

/* A system export of a store with one engagement on client 0 and, if
 * with_hidden, one on client 1. */
static char *export_of(int with_hidden)
{
    fx a;
    fx_open(&a, 0);
    fx_request(&a, ENGSCHED_SYSTEM, a.client[0], "IMPORTED-K0", "2026-04-01", "2026-04-03");
    if (with_hidden)
        fx_request(&a, ENGSCHED_SYSTEM, a.client[1], "IMPORTED-K1", "2026-04-06", "2026-04-08");
    char *doc = NULL;
    fx_ok(&a, engsched_export_json(a.db, ENGSCHED_SYSTEM, &doc));
    char *copy = strdup(doc);
    engsched_free(doc);
    fx_close(&a);
    return copy;
}

typedef struct stream_src {
    const char *p;
    size_t left;
} stream_src;

/* Small pieces, so that the engagements arrive after the clients. */
static long stream_read(void *ctx, char *buf, size_t size)
{
    stream_src *src = ctx;
    size_t n = src->left < size ? src->left : size;
    if (n > 97)
        n = 97;
    memcpy(buf, src->p, n);
    src->p += n;
    src->left -= n;
    return (long)n;
}

static void test_scoped_admin_imports_only_into_its_clients(void **state)
{
    (void)state;
    char *both = export_of(1), *own = export_of(0);
    fx f;
    fx_open(&f, 0);
    engsched_id admin = scoped_admin(&f);
    /* what create says for the client the admin cannot access */
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_name(in, "direct"));
    fx_ok(&f, engsched_input_set_client(in, f.client[1]));
    fx_ok(&f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_create(f.db, admin, in, NULL));
    engsched_input_free(in);
    char create_msg[256];
    snprintf(create_msg, sizeof create_msg, "client %lld not found", (long long)f.client[1]);
    assert_non_null(strstr(engsched_errmsg(f.db), create_msg));

    char *before = fx_digest(&f);
    unsigned int count = 99;
    engsched_rc rc = engsched_import_json(f.db, admin, both, &count);
    if (rc != ENGSCHED_ENOTFOUND || strstr(engsched_errmsg(f.db), create_msg) == NULL)
        fail_msg("import into a client the admin cannot access: %s: %s", engsched_rc_name(rc),
                 engsched_errmsg(f.db));
    char *after = fx_digest(&f);
    assert_string_equal(before, after);
    free(after);
    /* the streaming import decides the same, in the same words */
    stream_src src = {both, strlen(both)};
    rc = engsched_import(f.db, admin, stream_read, &src, &count);
    if (rc != ENGSCHED_ENOTFOUND || strstr(engsched_errmsg(f.db), create_msg) == NULL)
        fail_msg("streamed import into a client the admin cannot access: %s: %s",
                 engsched_rc_name(rc), engsched_errmsg(f.db));
    after = fx_digest(&f);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* its own client imports; the system and an all-clients admin import all */
    fx_ok(&f, engsched_import_json(f.db, admin, own, &count));
    assert_int_equal(count, 1);
    fx_ok(&f, engsched_import_json(f.db, f.admin, both, &count));
    assert_int_equal(count, 2);
    fx_ok(&f, engsched_import_json(f.db, ENGSCHED_SYSTEM, both, &count));
    assert_int_equal(count, 2);
    fx_close(&f);
    free(both);
    free(own);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_reads_feed_within_own_scope),
        cmocka_unit_test(test_assign_out_of_sight_is_not_found),
        cmocka_unit_test(test_approve_with_out_of_sight_operator_is_not_found),
        cmocka_unit_test(test_scoped_admin_imports_only_into_its_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
