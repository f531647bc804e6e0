/* The invitation series and feed token cases of the storage conformance
 * suite (table version 4: invitation_find() to feed_token_delete() and
 * the version 4 members of engsched_rec_invitation). A backend without
 * them skips every case here. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define EXPECT_RC(s, want, expr) \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

/* The backend of the case, or a skip when it has no invitation series. */
static engsched_storage *series_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 4 || s->invitation_find == NULL) {
        print_message("the backend has no invitation series (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    assert_non_null(s->feed_token_put);
    assert_non_null(s->feed_token_get);
    assert_non_null(s->feed_token_find);
    assert_non_null(s->feed_token_delete);
    return s;
}

static engsched_rec_invitation series(engsched_id engagement, engsched_id user, const char *uid)
{
    engsched_rec_invitation inv = {
        .engagement = engagement,
        .user = user,
        .sequence = 4,
        .canceled = 0,
        .updated_at = 1700000000,
        .uid = uid,
        .organizer_email = "first@example.com",
        .organizer_name = "Zoë \"First\" Organizer",
        .response = 2,
        .responded_at = 1700000500,
        .response_sequence = 3,
    };
    return inv;
}

static void assert_series(const engsched_rec_invitation *got, const engsched_rec_invitation *want)
{
    assert_int_equal(got->engagement, want->engagement);
    assert_int_equal(got->user, want->user);
    assert_int_equal(got->sequence, want->sequence);
    assert_int_equal(got->canceled != 0, want->canceled != 0);
    assert_int_equal(got->updated_at, want->updated_at);
    assert_string_equal(got->uid, want->uid);
    assert_string_equal(got->organizer_email, want->organizer_email);
    assert_string_equal(got->organizer_name, want->organizer_name);
    assert_int_equal(got->response, want->response);
    assert_int_equal(got->responded_at, want->responded_at);
    assert_int_equal(got->response_sequence, want->response_sequence);
}

void conf_series_round_trip(void **state)
{
    engsched_storage *s = series_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_invitation want = series(o.eng[0], o.user, "engagement-1-operator-1-ab@x.test");
    engsched_rec_invitation got;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->invitation_put(s, &want));
    EXPECT_OK(s, s->invitation_get(s, o.eng[0], o.user, &got));
    assert_series(&got, &want);
    /* A replacement overwrites every member, the answer too. */
    want.sequence = 5;
    want.canceled = 1;
    want.response = 0;
    want.responded_at = 0;
    want.response_sequence = 0;
    want.organizer_name = "";
    EXPECT_OK(s, s->invitation_put(s, &want));
    EXPECT_OK(s, s->invitation_get(s, o.eng[0], o.user, &got));
    assert_series(&got, &want);
    EXPECT_OK(s, s->commit(s));
}

void conf_series_find(void **state)
{
    engsched_storage *s = series_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_invitation a = series(o.eng[0], o.user, "series-a@x.test");
    engsched_rec_invitation b = series(o.eng[1], o.user, "series-b@x.test");
    /* Rows of before version 4 have no UID: "" is never found. */
    engsched_rec_invitation old = {o.eng[1], o.user, 0, 0, 1, "", "", "", 0, 0, 0};
    engsched_rec_invitation got;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->invitation_put(s, &a));
    EXPECT_OK(s, s->invitation_find(s, "series-a@x.test", &got));
    assert_series(&got, &a);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_find(s, "series-b@x.test", &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_find(s, "SERIES-A@x.test", &got));
    EXPECT_OK(s, s->invitation_put(s, &old));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_find(s, "", &got));
    EXPECT_OK(s, s->invitation_put(s, &b));
    EXPECT_OK(s, s->invitation_find(s, "series-b@x.test", &got));
    assert_series(&got, &b);
    EXPECT_OK(s, s->commit(s));
}

void conf_series_rollback(void **state)
{
    engsched_storage *s = series_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_invitation a = series(o.eng[0], o.user, "kept@x.test");
    engsched_rec_invitation got;
    engsched_rec_feed_token t = {o.user, "0123456789abcdef0123456789abcdef",
                                 "aa", 0, 1700000000};
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->invitation_put(s, &a));
    EXPECT_OK(s, s->feed_token_put(s, &t));
    EXPECT_OK(s, s->rollback(s));
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->invitation_find(s, "kept@x.test", &got));
    engsched_rec_feed_token token;
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_get(s, o.user, &token));
    EXPECT_OK(s, s->commit(s));
}

static void assert_token(const engsched_rec_feed_token *got, const engsched_rec_feed_token *want)
{
    assert_int_equal(got->user, want->user);
    assert_string_equal(got->token_id, want->token_id);
    assert_string_equal(got->secret_hash, want->secret_hash);
    assert_int_equal(got->issued_by, want->issued_by);
    assert_int_equal(got->created_at, want->created_at);
}

void conf_feed_tokens(void **state)
{
    engsched_storage *s = series_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_feed_token first = {o.user, "11111111111111111111111111111111",
                                     "hash-one", 0, 1700000000};
    engsched_rec_feed_token second = {o.user, "22222222222222222222222222222222",
                                      "hash-two", o.user, 1700000100};
    engsched_rec_feed_token got;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_get(s, o.user, &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_delete(s, o.user));
    EXPECT_OK(s, s->feed_token_put(s, &first));
    EXPECT_OK(s, s->feed_token_get(s, o.user, &got));
    assert_token(&got, &first);
    EXPECT_OK(s, s->feed_token_find(s, first.token_id, &got));
    assert_token(&got, &first);
    /* A user has one token: a new one replaces it, the old id is gone. */
    EXPECT_OK(s, s->feed_token_put(s, &second));
    EXPECT_OK(s, s->feed_token_get(s, o.user, &got));
    assert_token(&got, &second);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_find(s, first.token_id, &got));
    EXPECT_OK(s, s->feed_token_find(s, second.token_id, &got));
    assert_token(&got, &second);
    EXPECT_OK(s, s->feed_token_delete(s, o.user));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_find(s, second.token_id, &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_get(s, o.user, &got));
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->feed_token_delete(s, o.user));
    EXPECT_OK(s, s->commit(s));
}

/* Two users cannot hold one token id (the id is how a token is found). */
void conf_feed_token_unique(void **state)
{
    engsched_storage *s = series_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_rec_role role = {0, "Other", 0};
    engsched_rec_user other = {0, "other", "other@example.com", "Other", 0, 0, 0};
    engsched_id other_id = 0;
    int created = 0;
    engsched_rec_feed_token mine = {o.user, "33333333333333333333333333333333", "h", 0, 1};
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_OK(s, s->role_insert(s, &role, &other.role));
    EXPECT_OK(s, s->user_upsert(s, &other, &other_id, &created));
    EXPECT_OK(s, s->feed_token_put(s, &mine));
    EXPECT_OK(s, s->commit(s));
    engsched_rec_feed_token theirs = mine;
    theirs.user = other_id;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->feed_token_put(s, &theirs));
    EXPECT_OK(s, s->rollback(s));
}
