/* Calendar feed tokens: a secret in a subscription URL that opens one
 * user's feed. The token is `est1_<id>_<secret>`: the id finds the row,
 * the store keeps only a hash of the secret, compared in constant time,
 * so a copy of the store opens no feed. */
#include <string.h>

#include "core/events.h"
#include "delivery/delivery.h"
#include "util/crypto.h"
#include "views/feed.h"

#define TOKEN_PREFIX "est1_"
#define TOKEN_PREFIX_LEN 5
#define TOKEN_ID_BYTES 16
#define TOKEN_ID_LEN (2 * TOKEN_ID_BYTES)
#define TOKEN_SECRET_BYTES 32
#define TOKEN_SECRET_LEN (2 * TOKEN_SECRET_BYTES)
#define TOKEN_LEN (TOKEN_PREFIX_LEN + TOKEN_ID_LEN + 1 + TOKEN_SECRET_LEN)
/* One message for every refusal: which check failed is not told. */
#define TOKEN_DENIED "feed token: not valid"

static engsched_rc need_series(engsched *db)
{
    if (!db->series)
        return es_fail(db, ENGSCHED_EUNSUPPORTED, "feed tokens: the storage backend keeps none");
    return ENGSCHED_OK;
}

/* The actor may manage the user's token, and the user exists. */
static engsched_rc authorize(engsched *db, engsched_id actor, engsched_id user)
{
    es_actor subject;
    engsched_rc rc = es_feed_authorize(db, actor, user, "manage the feed token");
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_actor_load(db, user, &subject)) == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "user %lld not found", (long long)user);
    return rc;
}

static engsched_rc store_new(engsched *db, engsched_id actor, engsched_id user, char *token)
{
    char id[ES_RANDOM_HEX_MAX], secret[ES_RANDOM_HEX_MAX], hash[ES_HASH_HEX_LEN];
    if (!es_random_hex(id, TOKEN_ID_BYTES) || !es_random_hex(secret, TOKEN_SECRET_BYTES) ||
        !es_hash_hex(secret, hash))
        return es_fail(db, ENGSCHED_ESTORAGE, "feed token: libsodium gave no random token");
    engsched_rec_feed_token rec = {user, id, hash, actor == ENGSCHED_SYSTEM ? 0 : actor,
                                   es_now(db)};
    engsched_rc rc = db->storage->feed_token_put(db->storage, &rec);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing the feed token");
    /* Pieces of known length: es_random_hex wrote each in full. */
    memcpy(token, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
    memcpy(token + TOKEN_PREFIX_LEN, id, TOKEN_ID_LEN);
    token[TOKEN_PREFIX_LEN + TOKEN_ID_LEN] = '_';
    memcpy(token + TOKEN_PREFIX_LEN + TOKEN_ID_LEN + 1, secret, TOKEN_SECRET_LEN + 1);
    return ENGSCHED_OK;
}

engsched_rc engsched_feed_token_issue(engsched *db, engsched_id actor, engsched_id user,
                                      char **out_token)
{
    ES_CHECK_DB(db);
    if (out_token == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_token: must not be NULL");
    engsched_rc rc = need_series(db);
    if (rc != ENGSCHED_OK)
        return rc;
    char *token = es_malloc(TOKEN_LEN + 1);
    if (token == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory issuing a feed token");
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        goto out;
    rc = authorize(db, actor, user);
    if (rc == ENGSCHED_OK)
        rc = store_new(db, actor, user, token);
    if (rc == ENGSCHED_OK)
        rc = es_emit(
            db, actor, 0, "feed_token.issued", 0, 0,
            json_pack("{s:I, s:I}", "user", (json_int_t)user, "issued_by", (json_int_t)actor));
    rc = es_finish_and_deliver(db, rc);
out:
    if (rc == ENGSCHED_OK) {
        *out_token = token;
        return rc;
    }
    es_free(token);
    return rc;
}

engsched_rc engsched_feed_token_revoke(engsched *db, engsched_id actor, engsched_id user)
{
    ES_CHECK_DB(db);
    engsched_rc rc = need_series(db);
    if (rc != ENGSCHED_OK || (rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    rc = authorize(db, actor, user);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->feed_token_delete(db->storage, user);
        if (rc == ENGSCHED_ENOTFOUND)
            es_fail(db, rc, "user %lld has no feed token", (long long)user);
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "deleting the feed token");
    }
    if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "feed_token.revoked", 0, 0,
                     json_pack("{s:I}", "user", (json_int_t)user));
    return es_finish_and_deliver(db, rc);
}

static int is_hex(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    }
    return 1;
}

/* Split a token into its id and secret; 0 unless it has exactly the form
 * engsched_feed_token_issue() writes. */
static int token_parse(const char *token, char id[TOKEN_ID_LEN + 1],
                       char secret[TOKEN_SECRET_LEN + 1])
{
    if (strnlen(token, TOKEN_LEN + 1) != TOKEN_LEN ||
        memcmp(token, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
        return 0;
    const char *p = token + TOKEN_PREFIX_LEN;
    if (!is_hex(p, TOKEN_ID_LEN) || p[TOKEN_ID_LEN] != '_' ||
        !is_hex(p + TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN))
        return 0;
    memcpy(id, p, TOKEN_ID_LEN);
    id[TOKEN_ID_LEN] = '\0';
    memcpy(secret, p + TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN);
    secret[TOKEN_SECRET_LEN] = '\0';
    return 1;
}

/* The owner and issuer of a valid token; EDENIED for anything else
 * (storage failures keep their code: the store, not the token, failed). */
static engsched_rc token_check(engsched *db, const char *token, engsched_id *owner,
                               engsched_id *issuer)
{
    char id[TOKEN_ID_LEN + 1], secret[TOKEN_SECRET_LEN + 1], hash[ES_HASH_HEX_LEN];
    if (!token_parse(token, id, secret))
        return es_fail(db, ENGSCHED_EDENIED, TOKEN_DENIED);
    if (!es_hash_hex(secret, hash))
        return es_fail(db, ENGSCHED_ESTORAGE, "feed token: libsodium gave no hash");
    engsched_rec_feed_token rec;
    engsched_rc rc = db->storage->feed_token_find(db->storage, id, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, ENGSCHED_EDENIED, TOKEN_DENIED);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the feed token");
    if (rec.secret_hash == NULL || !es_secret_equal(rec.secret_hash, hash))
        return es_fail(db, ENGSCHED_EDENIED, TOKEN_DENIED);
    *owner = rec.user;
    *issuer = es_feed_second_scope(rec.user, rec.issued_by);
    return ENGSCHED_OK;
}

/* The owner's feed; a token whose owner or issuer is gone (or may no
 * longer read a feed) is refused like any other invalid token. */
static engsched_rc feed_by_token(engsched *db, const char *token, char **out)
{
    engsched_id owner = 0, issuer = 0;
    engsched_rc rc = token_check(db, token, &owner, &issuer);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_feed_build(db, owner, owner, issuer, out);
    if (rc == ENGSCHED_EDENIED || rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, ENGSCHED_EDENIED, TOKEN_DENIED);
    return rc;
}

engsched_rc engsched_feed_ics_by_token(engsched *db, const char *token, char **out_ics)
{
    ES_CHECK_DB(db);
    if (out_ics == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_ics: must not be NULL");
    engsched_rc rc = need_series(db);
    if (rc != ENGSCHED_OK)
        return rc;
    if (token == NULL)
        return es_fail(db, ENGSCHED_EDENIED, TOKEN_DENIED);
    char *text = NULL;
    if ((rc = es_begin(db, 0)) != ENGSCHED_OK)
        return rc;
    rc = es_finish(db, feed_by_token(db, token, &text));
    if (rc != ENGSCHED_OK) {
        es_free(text);
        return rc;
    }
    *out_ics = text;
    return ENGSCHED_OK;
}
