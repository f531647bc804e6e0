/* Replies: an operator's answer to their invitation, from the iTIP REPLY
 * (RFC 5546 §3.2.3) their calendar client mailed to the organizer. The
 * answer is kept on the invitation series; it never raises the SEQUENCE,
 * since nothing the attendee sees has changed and nobody is re-sent. */
#include <stdio.h>
#include <string.h>

#include "calendar/ics_reply.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "delivery/delivery.h"

/* A series sent before table version 4 has no UID stored: its attendee
 * answers with the UID those versions derived. es_series_read() gives
 * such a series that UID, so an exact match means the stored one is ""
 * and the domain is the uid_domain setting; a stored UID that equals it
 * would have been found by invitation_find() already. */
static engsched_rc find_legacy(engsched *db, const char *uid, es_series *out)
{
    long long engagement = 0, user = 0;
    int at = 0;
    if (sscanf(uid, "engagement-%lld-operator-%lld@%n", &engagement, &user, &at) != 2 || at == 0 ||
        engagement <= 0 || user <= 0)
        return ENGSCHED_ENOTFOUND;
    engsched_rc rc = es_series_read(db, engagement, user, out);
    if (rc != ENGSCHED_OK)
        return rc;
    if (strcmp(out->uid, uid) == 0)
        return ENGSCHED_OK;
    es_series_release(out);
    return ENGSCHED_ENOTFOUND;
}

static engsched_rc find_series(engsched *db, const char *uid, es_series *out)
{
    engsched_rec_invitation row;
    memset(&row, 0, sizeof row);
    memset(out, 0, sizeof *out);
    engsched_rc rc = db->storage->invitation_find(db->storage, uid, &row);
    if (rc == ENGSCHED_OK)
        rc = es_series_read(db, row.engagement, row.user, out);
    else if (rc == ENGSCHED_ENOTFOUND)
        rc = find_legacy(db, uid, out);
    else
        return es_storage_fail(db, rc, "finding an invitation");
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "no invitation has the reply's UID");
    return rc;
}

static engsched_rc check_actor(engsched *db, engsched_id actor, engsched_id user)
{
    es_actor who;
    engsched_rc rc = es_actor_load(db, actor, &who);
    if (rc != ENGSCHED_OK)
        return rc;
    if (who.is_system || who.id == user || (who.permissions & ENGSCHED_PERM_ADMIN))
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EDENIED, "user %lld may not answer the invitation of user %lld",
                   (long long)actor, (long long)user);
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static int ascii_casecmp(const char *a, const char *b)
{
    for (; *a != '\0' && ascii_lower(*a) == ascii_lower(*b); a++, b++) {
    }
    return ascii_lower(*a) - ascii_lower(*b);
}

static const char *without_mailto(const char *address)
{
    static const char scheme[] = "mailto:";
    for (size_t i = 0; i < sizeof scheme - 1; i++) {
        if (ascii_lower(address[i]) != scheme[i])
            return address;
    }
    return address + sizeof scheme - 1;
}

/* The local part as written (RFC 5321 lets it be case-sensitive), the
 * domain in any case: clients and relays do change the domain's case. */
static int same_address(const char *a, const char *b)
{
    a = without_mailto(a);
    b = without_mailto(b);
    const char *at_a = strrchr(a, '@'), *at_b = strrchr(b, '@');
    if (at_a == NULL || at_b == NULL || at_a - a != at_b - b)
        return 0;
    return strncmp(a, b, (size_t)(at_a - a)) == 0 && ascii_casecmp(at_a, at_b) == 0;
}

static engsched_rc check_attendee(engsched *db, engsched_id user, const char *attendee)
{
    engsched_rec_user rec;
    memset(&rec, 0, sizeof rec);
    engsched_rc rc = db->storage->user_get(db->storage, user, &rec);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, ENGSCHED_EDENIED, "the reply's attendee is not the invited operator");
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the invited operator");
    if (rec.email == NULL || attendee == NULL || !same_address(rec.email, attendee))
        return es_fail(db, ENGSCHED_EDENIED, "the reply's attendee is not the invited operator");
    return ENGSCHED_OK;
}

static engsched_rc find_assigned(void *ctx, const engsched_rec_assignment *row)
{
    engsched_id *user = ctx;
    if (row->user == *user)
        *user = 0;
    return ENGSCHED_OK;
}

static engsched_rc check_live(engsched *db, const es_series *s, int *status)
{
    es_engagement e;
    engsched_rc rc = es_engagement_read(db, s->rec.engagement, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    *status = e.rec.status;
    es_engagement_release(&e);
    if (s->rec.canceled || *status == ENGSCHED_STATUS_CANCELED)
        return es_fail(db, ENGSCHED_ESTATE, "the invitation to engagement %lld is canceled",
                       (long long)s->rec.engagement);
    engsched_id missing = s->rec.user;
    rc = db->storage->assignment_list(db->storage, s->rec.engagement, find_assigned, &missing);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading operators");
    if (missing != 0)
        return es_fail(db, ENGSCHED_ESTATE, "user %lld is no longer assigned to engagement %lld",
                       (long long)s->rec.user, (long long)s->rec.engagement);
    return ENGSCHED_OK;
}

static engsched_rc check_sequence(engsched *db, const es_series *s, int64_t sequence)
{
    if (sequence < s->rec.sequence)
        return es_fail(db, ENGSCHED_ECONFLICT,
                       "a stale reply: it answers SEQUENCE %lld, the invitation is at %lld",
                       (long long)sequence, (long long)s->rec.sequence);
    if (sequence > s->rec.sequence)
        return es_fail(db, ENGSCHED_EINVAL,
                       "the reply answers SEQUENCE %lld, never sent (the "
                       "invitation is at %lld)",
                       (long long)sequence, (long long)s->rec.sequence);
    return ENGSCHED_OK;
}

/* In the write transaction: every check in the documented order, then
 * the answer and its event. */
static engsched_rc record(engsched *db, engsched_id actor, const es_ics_reply *reply,
                          engsched_reply_result *out)
{
    es_series s;
    int status = 0;
    engsched_rc rc = find_series(db, reply->uid, &s);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = check_actor(db, actor, s.rec.user)) != ENGSCHED_OK ||
        (rc = check_attendee(db, s.rec.user, reply->attendee_email)) != ENGSCHED_OK ||
        (rc = check_live(db, &s, &status)) != ENGSCHED_OK ||
        (rc = check_sequence(db, &s, reply->sequence)) != ENGSCHED_OK)
        goto out;
    s.rec.response = (int)reply->partstat;
    s.rec.responded_at = es_now(db);
    s.rec.response_sequence = reply->sequence;
    rc = db->storage->invitation_put(db->storage, &s.rec);
    if (rc != ENGSCHED_OK) {
        rc = es_storage_fail(db, rc, "writing an invitation");
        goto out;
    }
    const char *name = es_partstat_name((int)reply->partstat);
    rc = es_emit(db, actor, s.rec.engagement, "operator.responded", status, status,
                 json_pack("{s:I, s:s, s:I}", "user", (json_int_t)s.rec.user, "response", name,
                           "sequence", (json_int_t)reply->sequence));
    if (rc == ENGSCHED_OK && out != NULL) {
        out->engagement = s.rec.engagement;
        out->user = s.rec.user;
        out->response = (engsched_response)reply->partstat;
        out->sequence = reply->sequence;
    }
out:
    es_series_release(&s);
    return rc;
}

static engsched_rc check_reply_args(engsched *db, const char *ics, size_t len,
                                    const engsched_reply_result *out)
{
    if (ics == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "ics: must not be NULL");
    if (len > (size_t)ES_ICS_REPLY_MAX)
        return es_fail(db, ENGSCHED_ETOOBIG, "ics: %zu bytes, a reply is at most %zu", len,
                       (size_t)ES_ICS_REPLY_MAX);
    if (out != NULL && out->version != ENGSCHED_REPLY_RESULT_VERSION)
        return es_fail(db, ENGSCHED_EINVAL, "out: version %u, this library fills version %u",
                       out->version, ENGSCHED_REPLY_RESULT_VERSION);
    if (!db->series)
        return es_fail(db, ENGSCHED_EUNSUPPORTED, "the store keeps no invitation series");
    return ENGSCHED_OK;
}

engsched_rc engsched_invitation_reply(engsched *db, engsched_id actor, const char *ics, size_t len,
                                      engsched_reply_result *out)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_reply_args(db, ics, len, out);
    if (rc != ENGSCHED_OK)
        return rc;
    es_ics_reply reply;
    memset(&reply, 0, sizeof reply);
    char why[256] = "";
    rc = es_ics_reply_parse(ics, len, &reply, why, sizeof why);
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(db, rc, "out of memory reading a reply");
    if (rc != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_EINVAL, "ics: %s", why[0] ? why : "not an iTIP REPLY");
    if ((rc = es_begin(db, 1)) == ENGSCHED_OK)
        rc = es_finish_and_deliver(db, record(db, actor, &reply, out));
    es_ics_reply_release(&reply);
    return rc;
}

/* --- reading the answer ------------------------------------------------- */

/* Who may read it: whoever may read the invitation itself (its operator,
 * or ASSIGN on an engagement in sight), as engsched_invitation_ics(). */
static engsched_rc read_response(engsched *db, engsched_id actor, engsched_id engagement,
                                 engsched_id user, es_series *s)
{
    es_actor who;
    es_engagement e;
    engsched_rc rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    es_engagement_release(&e);
    if (es_authorize_personal(who.is_system, who.id == user, 1, who.permissions,
                              ENGSCHED_PERM_ASSIGN) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_EDENIED,
                       "user %lld may not read the invitation of user %lld (needs assign)",
                       (long long)actor, (long long)user);
    rc = es_series_read(db, engagement, user, s);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "user %lld was never invited to engagement %lld", (long long)user,
                       (long long)engagement);
    return rc;
}

engsched_rc engsched_invitation_response(engsched *db, engsched_id actor, engsched_id engagement,
                                         engsched_id user, engsched_response *out_response,
                                         int64_t *out_responded_at)
{
    ES_CHECK_DB(db);
    if (out_response == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_response: must not be NULL");
    if (!db->series)
        return es_fail(db, ENGSCHED_EUNSUPPORTED, "the store keeps no invitation series");
    es_series s;
    memset(&s, 0, sizeof s);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_finish_and_deliver(db, read_response(db, actor, engagement, user, &s));
    if (rc == ENGSCHED_OK) {
        *out_response = (engsched_response)s.rec.response;
        if (out_responded_at != NULL)
            *out_responded_at = s.rec.responded_at;
    }
    es_series_release(&s);
    return rc;
}
