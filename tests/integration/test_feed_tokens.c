/* Calendar feed tokens end to end (issue, rotate, revoke, refuse every
 * bad token alike, the issuer's scope, nothing secret in the store) and
 * the feed itself (named, refreshed, valid when empty, Pending tentative,
 * the invitation's UID reused, a UID per store). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>
#include <sqlite3.h>

#include "fixture.h"

#define DENIED "feed token: not valid"

static int backend_is_sqlite(void)
{
    const char *b = getenv("ENGSCHED_TEST_BACKEND");
    return b == NULL || b[0] == '\0' || strcmp(b, "sqlite") == 0;
}

static char *issue(fx *f, engsched_id actor, engsched_id user)
{
    char *token = NULL;
    fx_ok(f, engsched_feed_token_issue(f->db, actor, user, &token));
    assert_non_null(token);
    assert_int_equal(strlen(token), 5 + 32 + 1 + 64);
    assert_memory_equal(token, "est1_", 5);
    return token;
}

static char *feed_of(fx *f, engsched_id user)
{
    char *ics = NULL;
    fx_ok(f, engsched_feed_ics(f->db, user, user, &ics));
    return ics;
}

/* The token is refused with the one message, and nothing comes out. */
static void assert_denied(fx *f, const char *token)
{
    char *ics = (char *)"untouched";
    assert_int_equal(engsched_feed_ics_by_token(f->db, token, &ics), ENGSCHED_EDENIED);
    assert_string_equal(engsched_errmsg(f->db), DENIED);
    assert_string_equal(ics, "untouched");
}

/* The feed but its DTSTAMP lines, which carry the time of the call. */
static void strip_dtstamp(char *ics)
{
    char *p;
    while ((p = strstr(ics, "DTSTAMP:")) != NULL) {
        char *end = strstr(p, "\r\n");
        assert_non_null(end);
        memmove(p, end + 2, strlen(end + 2) + 1);
    }
}

static void assert_same_feed(char *a, char *b)
{
    strip_dtstamp(a);
    strip_dtstamp(b);
    assert_string_equal(a, b);
}

static void test_issue_rotate_revoke(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id e = fx_request(&f, f.client_user, f.client[0], "Alpha", "2026-04-06", "2026-04-10");
    fx_approve(&f, e);
    char *token = issue(&f, f.operator1, f.operator1);
    char *by_token = NULL;
    fx_ok(&f, engsched_feed_ics_by_token(f.db, token, &by_token));
    char *direct = feed_of(&f, f.operator1);
    assert_non_null(strstr(by_token, "Alpha"));
    assert_same_feed(by_token, direct);
    engsched_free(by_token);
    engsched_free(direct);

    char *rotated = issue(&f, f.operator1, f.operator1);
    assert_string_not_equal(rotated, token);
    assert_denied(&f, token);
    fx_ok(&f, engsched_feed_ics_by_token(f.db, rotated, &by_token));
    engsched_free(by_token);

    fx_ok(&f, engsched_feed_token_revoke(f.db, f.operator1, f.operator1));
    assert_denied(&f, rotated);
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_feed_token_revoke(f.db, f.operator1, f.operator1));
    assert_non_null(strstr(f.last_event, "feed_token.revoked"));
    engsched_free(token);
    engsched_free(rotated);
    fx_close(&f);
}

static void test_bad_tokens_alike(void **state)
{
    (void)state;
    fx f, other;
    fx_open(&f, 0);
    fx_open(&other, 0);
    char *token = issue(&f, f.operator1, f.operator1);
    char *foreign = issue(&other, other.operator1, other.operator1);
    char bad[256];
    snprintf(bad, sizeof bad, "est2_%s", token + 5);
    assert_denied(&f, bad);
    snprintf(bad, sizeof bad, "%s0", token);
    assert_denied(&f, bad);
    snprintf(bad, sizeof bad, "%.*s", (int)strlen(token) - 1, token);
    assert_denied(&f, bad);
    snprintf(bad, sizeof bad, "%s", token);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0'; /* right id, wrong secret */
    assert_denied(&f, bad);
    snprintf(bad, sizeof bad, "%s", token);
    bad[10] = 'G'; /* not hex */
    assert_denied(&f, bad);
    assert_denied(&f, "");
    assert_denied(&f, NULL);
    assert_denied(&f, foreign);
    engsched_free(token);
    engsched_free(foreign);
    fx_close(&other);
    fx_close(&f);
}

static void test_who_may_issue(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *token = (char *)"untouched";
    fx_rc(&f, ENGSCHED_EDENIED, engsched_feed_token_issue(f.db, f.operator2, f.operator1, &token));
    assert_string_equal(token, "untouched");
    fx_rc(&f, ENGSCHED_EDENIED, engsched_feed_token_revoke(f.db, f.operator2, f.operator1));
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_feed_token_issue(f.db, f.admin, 9999, &token));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_feed_token_issue(f.db, f.admin, f.operator1, NULL));
    char *by_admin = issue(&f, f.admin, f.operator1);
    assert_non_null(strstr(f.last_event, "feed_token.issued"));
    assert_null(strstr(f.last_event, by_admin + 5));
    char *by_system = issue(&f, ENGSCHED_SYSTEM, f.operator2);
    engsched_free(by_admin);
    engsched_free(by_system);
    fx_close(&f);
}

/* An ADMIN of client 0 only, issuing for operator1 (clients 0 and 1),
 * hands out client 0's engagements, not client 1's. */
static void test_issuer_scope(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id admin0 = fx_user(&f, "admin0", ENGSCHED_ROLE_ADMINISTRATOR, 0);
    fx_ok(&f, engsched_access_grant(f.db, ENGSCHED_SYSTEM, admin0, f.client[0]));
    fx_request(&f, f.manager, f.client[0], "Zero", "2026-04-06", "2026-04-10");
    fx_request(&f, f.manager, f.client[1], "One", "2026-04-13", "2026-04-17");
    char *direct = feed_of(&f, f.operator1);
    assert_non_null(strstr(direct, "Zero"));
    assert_non_null(strstr(direct, "One"));
    char *token = issue(&f, admin0, f.operator1);
    char *ics = NULL;
    fx_ok(&f, engsched_feed_ics_by_token(f.db, token, &ics));
    assert_non_null(strstr(ics, "Zero"));
    assert_null(strstr(ics, "One"));
    engsched_free(ics);
    engsched_free(token);
    /* Issued by an ADMIN of every client: the owner's whole feed. */
    token = issue(&f, f.admin, f.operator1);
    fx_ok(&f, engsched_feed_ics_by_token(f.db, token, &ics));
    assert_non_null(strstr(ics, "One"));
    engsched_free(ics);
    engsched_free(token);
    engsched_free(direct);
    fx_close(&f);
}

static int count_rows(void *ctx, int n, char **values, char **names)
{
    (void)names;
    char *secret = ctx;
    for (int i = 0; i < n; i++)
        assert_true(values[i] == NULL || strstr(values[i], secret) == NULL);
    return 0;
}

static void test_store_keeps_no_secret(void **state)
{
    (void)state;
    if (!backend_is_sqlite())
        skip();
    fx f;
    fx_open(&f, 1);
    char *token = issue(&f, f.operator1, f.operator1);
    sqlite3 *s = NULL; /* beside the handle: fx_close() removes the file */
    assert_int_equal(sqlite3_open_v2(f.path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char *secret = token + 5 + 32 + 1;
    assert_int_equal(sqlite3_exec(s, "SELECT * FROM feed_tokens", count_rows, secret, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(s, "SELECT count(*) FROM feed_tokens", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(s);
    engsched_free(token);
    fx_close(&f);
}

static void test_empty_feed(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *ics = feed_of(&f, f.operator2);
    icalcomponent *cal = icalparser_parse_string(ics);
    assert_non_null(cal);
    assert_non_null(icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT));
    icalcomponent_free(cal);
    assert_non_null(strstr(ics, "Engagements: operator2"));
    assert_non_null(strstr(ics, "REFRESH-INTERVAL"));
    assert_non_null(strstr(ics, "PT1H"));
    engsched_free(ics);
    fx_close(&f);
}

static void test_pending_tentative(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    fx_request(&f, f.client_user, f.client[0], "Pending one", "2026-04-06", "2026-04-10");
    char *ics = feed_of(&f, f.operator2);
    assert_non_null(strstr(ics, "STATUS:TENTATIVE"));
    assert_non_null(strstr(ics, "TRANSP:TRANSPARENT"));
    assert_null(strstr(ics, "STATUS:CONFIRMED"));
    engsched_free(ics);
    fx_close(&f);
}

static char *uid_of(const char *ics)
{
    const char *p = strstr(ics, "\r\nUID:");
    assert_non_null(p);
    p += 6;
    return strndup(p, strcspn(p, "\r"));
}

static void test_feed_uid(void **state)
{
    (void)state;
    fx f, other;
    fx_open(&f, 0);
    engsched_id e =
        fx_request(&f, f.client_user, f.client[0], "Shared", "2026-04-06", "2026-04-10");
    fx_approve(&f, e);
    char *invitation = NULL;
    fx_ok(&f, engsched_invitation_ics(f.db, f.operator1, e, f.operator1, &invitation));
    char *ics = feed_of(&f, f.operator1);
    char *a = uid_of(invitation), *b = uid_of(ics);
    assert_string_equal(a, b);
    free(a);
    free(b);
    engsched_free(ics);
    engsched_free(invitation);

    /* Not invited: the feed's own UID, which names the store. */
    fx_open(&other, 0);
    engsched_id e2 = fx_request(&other, other.client_user, other.client[0], "Shared", "2026-04-06",
                                "2026-04-10");
    assert_int_equal(e2, e);
    char *mine = feed_of(&f, f.operator2), *theirs = feed_of(&other, other.operator2);
    a = uid_of(mine);
    b = uid_of(theirs);
    assert_string_not_equal(a, b);
    assert_non_null(strstr(a, "engagement-"));
    free(a);
    free(b);
    engsched_free(mine);
    engsched_free(theirs);
    fx_close(&other);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_rotate_revoke),   cmocka_unit_test(test_bad_tokens_alike),
        cmocka_unit_test(test_who_may_issue),         cmocka_unit_test(test_issuer_scope),
        cmocka_unit_test(test_store_keeps_no_secret), cmocka_unit_test(test_empty_feed),
        cmocka_unit_test(test_pending_tentative),     cmocka_unit_test(test_feed_uid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
