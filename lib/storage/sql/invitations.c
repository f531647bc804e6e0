/* Invitations and calendar feed tokens in both SQL backends: the
 * invitation state of version 1 with the series members of storage table
 * version 4 (UID, organizer, the operator's answer), found by UID for
 * replies, and one feed token per user.
 *
 * As in records.c, each callback binds a record in the order of its
 * statement's parameters and reads rows in the order of the dialects'
 * INVITATION_COLUMNS and FEED_TOKEN_COLUMNS. Strings of a filled record
 * point into the row the driver holds (hold()), valid until the next
 * callback. */
#include <stdio.h>

#include "storage/sql/sql.h"

static engsched_rc enter(es_sql *b) { return b->drv->enter(b); }

/* The strings of a filled record point into the row: the driver keeps it
 * until the next callback. */
static void hold(es_sql_cur *c)
{
    c->b->drv->hold(c);
    c->held = 1;
}

static void fill_invitation(const es_sql_cur *c, engsched_rec_invitation *out)
{
    out->engagement = es_sql_col_int(c, 0);
    out->user = es_sql_col_int(c, 1);
    out->sequence = es_sql_col_int(c, 2);
    out->canceled = (int)es_sql_col_int(c, 3);
    out->updated_at = es_sql_col_int(c, 4);
    out->uid = es_sql_col_text(c, 5);
    out->organizer_email = es_sql_col_text(c, 6);
    out->organizer_name = es_sql_col_text(c, 7);
    out->response = (int)es_sql_col_int(c, 8);
    out->responded_at = es_sql_col_int(c, 9);
    out->response_sequence = es_sql_col_int(c, 10);
}

/* Run a query of at most one invitation row; ENOTFOUND described with
 * @p missing when there is none. The row is read and released here. */
static engsched_rc one_invitation(es_sql_cur *c, engsched_rec_invitation *out,
                                  const char *missing)
{
    int found = 0;
    engsched_rc rc = es_sql_one(c, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        es_sql_error(c->b, "%s", missing);
        return ENGSCHED_ENOTFOUND;
    }
    fill_invitation(c, out);
    hold(c);
    return ENGSCHED_OK;
}

static engsched_rc sql_invitation_get(engsched_storage *s, engsched_id engagement,
                                      engsched_id user, engsched_rec_invitation *out)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_INVITATION_GET, "reading an invitation");
    es_sql_int(&c, engagement);
    es_sql_int(&c, user);
    char missing[96];
    snprintf(missing, sizeof missing, "no invitation of user %lld for engagement %lld",
             (long long)user, (long long)engagement);
    return one_invitation(&c, out, missing);
}

static engsched_rc sql_invitation_find(engsched_storage *s, const char *uid,
                                       engsched_rec_invitation *out)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_INVITATION_FIND, "finding an invitation");
    es_sql_text_or(&c, uid, "");
    return one_invitation(&c, out, "no invitation has that UID");
}

static engsched_rc sql_invitation_put(engsched_storage *s, const engsched_rec_invitation *rec)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_INVITATION_PUT, "writing an invitation");
    es_sql_int(&c, rec->engagement);
    es_sql_int(&c, rec->user);
    es_sql_int(&c, rec->sequence);
    es_sql_int(&c, rec->canceled != 0);
    es_sql_int(&c, rec->updated_at);
    es_sql_text_or(&c, rec->uid, "");
    es_sql_text_or(&c, rec->organizer_email, "");
    es_sql_text_or(&c, rec->organizer_name, "");
    es_sql_int(&c, rec->response);
    es_sql_int(&c, rec->responded_at);
    es_sql_int(&c, rec->response_sequence);
    return es_sql_exec(&c);
}

/* --- feed tokens -------------------------------------------------------- */

static engsched_rc sql_feed_token_put(engsched_storage *s, const engsched_rec_feed_token *rec)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_FEED_TOKEN_PUT, "writing a feed token");
    es_sql_int(&c, rec->user);
    es_sql_text_or(&c, rec->token_id, "");
    es_sql_text_or(&c, rec->secret_hash, "");
    es_sql_opt(&c, rec->issued_by);
    es_sql_int(&c, rec->created_at);
    return es_sql_exec(&c);
}

/* Run a query of at most one token row; ENOTFOUND if there is none. */
static engsched_rc one_token(es_sql_cur *c, engsched_rec_feed_token *out)
{
    int found = 0;
    engsched_rc rc = es_sql_one(c, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        es_sql_error(c->b, "no such feed token");
        return ENGSCHED_ENOTFOUND;
    }
    out->user = es_sql_col_int(c, 0);
    out->token_id = es_sql_col_text(c, 1);
    out->secret_hash = es_sql_col_text(c, 2);
    out->issued_by = es_sql_col_int(c, 3);
    out->created_at = es_sql_col_int(c, 4);
    hold(c);
    return ENGSCHED_OK;
}

static engsched_rc sql_feed_token_get(engsched_storage *s, engsched_id user,
                                      engsched_rec_feed_token *out)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_FEED_TOKEN_GET, "reading a feed token");
    es_sql_int(&c, user);
    return one_token(&c, out);
}

static engsched_rc sql_feed_token_find(engsched_storage *s, const char *token_id,
                                       engsched_rec_feed_token *out)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_FEED_TOKEN_FIND, "finding a feed token");
    es_sql_text_or(&c, token_id, "");
    return one_token(&c, out);
}

static engsched_rc sql_feed_token_delete(engsched_storage *s, engsched_id user)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_FEED_TOKEN_DELETE, "feed token of user");
    es_sql_int(&c, user);
    return es_sql_exec_expect_row(&c, user);
}

void es_sql_fill_invitations(engsched_storage *t)
{
    t->invitation_get = sql_invitation_get;
    t->invitation_put = sql_invitation_put;
    t->invitation_find = sql_invitation_find;
    t->feed_token_put = sql_feed_token_put;
    t->feed_token_get = sql_feed_token_get;
    t->feed_token_find = sql_feed_token_find;
    t->feed_token_delete = sql_feed_token_delete;
}
