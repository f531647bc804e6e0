/* Invitation state in the change's transaction: every assignment, change
 * an attendee would see, unassignment and cancellation raises the
 * operator's SEQUENCE, and the mail waits on the handle until the
 * operation ends: then it is written to the outbox (delivery/stage.c),
 * or, without one, delivered from memory after the commit.
 *
 * The UID of a new series is engagement-<id>-operator-<id>-<store id>@
 * <uid_domain>: the ids alone repeat across stores (every tenant has an
 * engagement 1) and after an import renumbers them; the store identity
 * (setting store_id, 128 random bits) does not. The UID is stored, so it
 * never changes after that, whatever happens to the ids, the domain or
 * the store. */
#include <stdio.h>
#include <string.h>

#include "core/invitation_state.h"
#include "core/settings.h"
#include "util/ids.h"

void es_series_release(es_series *s)
{
    es_free(s->uid);
    es_free(s->organizer_email);
    es_free(s->organizer_name);
    memset(s, 0, sizeof *s);
}

char *es_series_legacy_uid(engsched_id engagement, engsched_id user, const char *domain)
{
    return es_asprintf("engagement-%lld-operator-%lld@%s", (long long)engagement,
                       (long long)user, domain);
}

engsched_rc es_series_response(engsched *db, engsched_id engagement, engsched_id user,
                               engsched_response *out, int64_t *out_at)
{
    engsched_rec_invitation row;
    memset(&row, 0, sizeof row);
    engsched_rc rc = db->series ? db->storage->invitation_get(db->storage, engagement, user, &row)
                                : ENGSCHED_ENOTFOUND;
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return es_storage_fail(db, rc, "reading an invitation");
    *out = rc == ENGSCHED_OK ? (engsched_response)row.response : ENGSCHED_RESPONSE_NONE;
    *out_at = rc == ENGSCHED_OK ? row.responded_at : 0;
    return ENGSCHED_OK;
}

static char *copy_or_empty(const char *s) { return es_strdup(s != NULL ? s : ""); }

/* Take the strings of a backend's row into @p out. */
static engsched_rc series_keep(engsched *db, const engsched_rec_invitation *row, es_series *out)
{
    out->rec = *row;
    out->uid = copy_or_empty(row->uid);
    out->organizer_email = copy_or_empty(row->organizer_email);
    out->organizer_name = copy_or_empty(row->organizer_name);
    if (out->uid == NULL || out->organizer_email == NULL || out->organizer_name == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading an invitation");
    out->rec.uid = out->uid;
    out->rec.organizer_email = out->organizer_email;
    out->rec.organizer_name = out->organizer_name;
    return ENGSCHED_OK;
}

/* Replace one owned string of @p s (and the record's pointer to it). */
static engsched_rc series_set(engsched *db, char **slot, const char **member, char *value)
{
    if (value == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory writing an invitation");
    es_free(*slot);
    *slot = value;
    *member = value;
    return ENGSCHED_OK;
}

/* A series read from before version 4 has no UID stored: it was sent
 * with the derived one, which is the one its attendee's calendar holds. */
static engsched_rc effective_uid(engsched *db, es_series *s)
{
    if (s->uid[0] != '\0')
        return ENGSCHED_OK;
    char *domain = NULL;
    engsched_rc rc = es_setting_read(db, "uid_domain", &domain);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = series_set(db, &s->uid, &s->rec.uid,
                    es_series_legacy_uid(s->rec.engagement, s->rec.user, domain));
    es_free(domain);
    return rc;
}

engsched_rc es_series_read(engsched *db, engsched_id engagement, engsched_id user, es_series *out)
{
    memset(out, 0, sizeof *out);
    /* Zeroed in full: a backend older than version 4 fills only the
     * members it knows, and the rest must read as their defaults. */
    engsched_rec_invitation row;
    memset(&row, 0, sizeof row);
    engsched_rc rc = db->storage->invitation_get(db->storage, engagement, user, &row);
    if (rc == ENGSCHED_ENOTFOUND)
        return rc;
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading an invitation");
    if ((rc = series_keep(db, &row, out)) == ENGSCHED_OK)
        rc = effective_uid(db, out);
    if (rc != ENGSCHED_OK)
        es_series_release(out);
    return rc;
}

/* The UID of a new series: with the store identity when the backend
 * keeps UIDs (table version 4) and the store has one (every writable
 * store does, from its first open). Without version 4 nothing would keep
 * a new UID, so the series keeps the one older versions derive. */
static engsched_rc new_series_uid(engsched *db, engsched_id engagement, engsched_id user,
                                  char **out)
{
    char *domain = NULL, *store = NULL;
    engsched_rc rc = es_setting_read(db, "uid_domain", &domain);
    if (rc == ENGSCHED_OK)
        rc = db->series ? es_setting_read(db, "store_id", &store)
                        : ((store = es_strdup("")) != NULL
                               ? ENGSCHED_OK
                               : es_fail(db, ENGSCHED_ENOMEM, "out of memory"));
    if (rc == ENGSCHED_OK) {
        *out = store[0] != '\0'
                   ? es_asprintf("engagement-%lld-operator-%lld-%s@%s", (long long)engagement,
                                 (long long)user, store, domain)
                   : es_series_legacy_uid(engagement, user, domain);
        if (*out == NULL)
            rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory naming an invitation");
    }
    es_free(domain);
    es_free(store);
    return rc;
}

/* The organizer the series keeps from now on, when it has none yet: the
 * setting as it is when the series is (first) sent. */
static engsched_rc fix_organizer(engsched *db, es_series *s)
{
    if (s->organizer_email[0] != '\0')
        return ENGSCHED_OK;
    char *email = NULL, *name = NULL;
    engsched_rc rc = es_setting_read(db, "organizer_email", &email);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "organizer_name", &name);
    if (rc == ENGSCHED_OK && email[0] != '\0') {
        rc = series_set(db, &s->organizer_email, &s->rec.organizer_email, email);
        email = NULL;
        if (rc == ENGSCHED_OK)
            rc = series_set(db, &s->organizer_name, &s->rec.organizer_name, name);
        name = NULL;
    }
    es_free(email);
    es_free(name);
    return rc;
}

/* Whether another series of this store already has @p uid. */
static engsched_rc uid_taken(engsched *db, const char *uid, int *out)
{
    engsched_rec_invitation other;
    memset(&other, 0, sizeof other);
    engsched_rc rc = db->storage->invitation_find(db->storage, uid, &other);
    *out = rc == ENGSCHED_OK;
    if (rc == ENGSCHED_OK || rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK;
    return es_storage_fail(db, rc, "finding an invitation");
}

engsched_rc es_series_import(engsched *db, const engsched_rec_invitation *from)
{
    if (!db->series)
        return ENGSCHED_OK;
    engsched_rec_invitation rec = *from;
    char *fresh = NULL;
    int taken = 1;
    engsched_rc rc = rec.uid != NULL && rec.uid[0] != '\0' ? uid_taken(db, rec.uid, &taken)
                                                           : ENGSCHED_OK;
    if (rc == ENGSCHED_OK && taken) {
        rc = new_series_uid(db, rec.engagement, rec.user, &fresh);
        rec.uid = fresh;
    }
    if (rc == ENGSCHED_OK && (rc = db->storage->invitation_put(db->storage, &rec)) != ENGSCHED_OK)
        es_storage_fail(db, rc, "writing an imported invitation");
    es_free(fresh);
    return rc;
}

static engsched_rc queue_mail(engsched *db, engsched_id engagement, engsched_id user)
{
    for (size_t i = 0; i < db->mail_count; i++) {
        if (db->mail[i].engagement == engagement && db->mail[i].user == user)
            return ENGSCHED_OK; /* one message per commit carries the last state */
    }
    es_pending_mail *grown = es_grow(db->mail, &db->mail_cap, db->mail_count, sizeof *grown);
    if (grown == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory queueing an invitation");
    db->mail = grown;
    db->mail[db->mail_count++] = (es_pending_mail){engagement, user};
    return ENGSCHED_OK;
}

/* A first invitation: SEQUENCE -1 before the raise, and its UID. */
static engsched_rc series_new(engsched *db, engsched_id engagement, engsched_id user,
                              es_series *s)
{
    memset(s, 0, sizeof *s);
    s->rec.engagement = engagement;
    s->rec.user = user;
    s->rec.sequence = -1;
    s->organizer_email = es_strdup("");
    s->organizer_name = es_strdup("");
    engsched_rc rc = s->organizer_email && s->organizer_name
                         ? ENGSCHED_OK
                         : es_fail(db, ENGSCHED_ENOMEM, "out of memory writing an invitation");
    if (rc == ENGSCHED_OK)
        rc = new_series_uid(db, engagement, user, &s->uid);
    s->rec.uid = s->uid;
    s->rec.organizer_email = s->organizer_email;
    s->rec.organizer_name = s->organizer_name;
    return rc;
}

/* Write the raised state, with what the series keeps, and queue the mail. */
static engsched_rc series_raise(engsched *db, es_series *s, int cancel)
{
    s->rec.sequence++;
    s->rec.canceled = cancel != 0;
    s->rec.updated_at = es_now(db);
    engsched_rc rc = db->series ? fix_organizer(db, s) : ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->invitation_put(db->storage, &s->rec);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "writing an invitation");
    /* With an outbox every message is kept for whoever delivers it; from
     * memory only for this handle's own callback. */
    return db->outbox || db->opts.on_mail != NULL
               ? queue_mail(db, s->rec.engagement, s->rec.user)
               : ENGSCHED_OK;
}

engsched_rc es_invitation_touch(engsched *db, engsched_id engagement, engsched_id user, int cancel)
{
    es_series s;
    engsched_rc rc = es_series_read(db, engagement, user, &s);
    if (rc == ENGSCHED_ENOTFOUND) {
        if (cancel)
            return ENGSCHED_OK; /* never invited: nothing to cancel */
        rc = series_new(db, engagement, user, &s);
    } else if (rc == ENGSCHED_OK && cancel && s.rec.canceled) {
        es_series_release(&s);
        return ENGSCHED_OK;
    }
    if (rc == ENGSCHED_OK)
        rc = series_raise(db, &s, cancel);
    es_series_release(&s);
    return rc;
}

static engsched_rc collect_user(void *ctx, const engsched_rec_assignment *row)
{
    return es_ids_push(ctx, row->user) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

engsched_rc es_invitation_touch_all(engsched *db, engsched_id engagement, int cancel)
{
    es_ids users = ES_IDS_INIT;
    /* Collected first: the backend is not called from its own row callback. */
    engsched_rc rc = db->storage->assignment_list(db->storage, engagement, collect_user, &users);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory listing operators");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "listing operators");
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++)
        rc = es_invitation_touch(db, engagement, users.ids[i], cancel);
    es_ids_release(&users);
    return rc;
}

/* --- re-sending after a rename ------------------------------------------ */

#define RESEND_PAGE 256
#define RESEND_STATUSES                                                                     \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |                                          \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) |                                      \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

typedef struct engagement_page {
    es_ids ids;
    int32_t last_start;
} engagement_page;

static engsched_rc collect_engagement(void *ctx, const engsched_rec_engagement *row)
{
    engagement_page *p = ctx;
    p->last_start = row->start_day;
    return es_ids_push(&p->ids, row->id) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

/* Every engagement the query selects (not canceled), in pages. */
static engsched_rc engagements_of(engsched *db, engsched_storage_query q, es_ids *out)
{
    q.statuses = RESEND_STATUSES;
    q.sort = ENGSCHED_SORT_START;
    q.limit = RESEND_PAGE;
    engagement_page page = {ES_IDS_INIT, 0};
    for (;;) {
        size_t before = page.ids.count;
        engsched_rc rc = db->storage->engagement_query(db->storage, &q, collect_engagement, &page);
        if (rc != ENGSCHED_OK) {
            *out = page.ids;
            return rc == ENGSCHED_ENOMEM ? es_fail(db, rc, "out of memory listing engagements")
                                         : es_storage_fail(db, rc, "listing engagements");
        }
        if (page.ids.count - before < RESEND_PAGE)
            break;
        q.has_after = 1;
        q.after_int = page.last_start;
        q.after_id = page.ids.ids[page.ids.count - 1];
    }
    *out = page.ids;
    return ENGSCHED_OK;
}

/* Raise a live invitation; one never sent or canceled stays as it is. */
static engsched_rc resend(engsched *db, engsched_id engagement, engsched_id user)
{
    es_series s;
    engsched_rc rc = es_series_read(db, engagement, user, &s);
    if (rc == ENGSCHED_ENOTFOUND)
        return ENGSCHED_OK;
    if (rc == ENGSCHED_OK && !s.rec.canceled)
        rc = series_raise(db, &s, 0);
    es_series_release(&s);
    return rc;
}

static engsched_rc resend_assigned(engsched *db, engsched_id engagement)
{
    es_ids users = ES_IDS_INIT;
    engsched_rc rc = db->storage->assignment_list(db->storage, engagement, collect_user, &users);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "listing operators");
    for (size_t i = 0; rc == ENGSCHED_OK && i < users.count; i++)
        rc = resend(db, engagement, users.ids[i]);
    es_ids_release(&users);
    return rc;
}

engsched_rc es_invitation_resend_client(engsched *db, engsched_id client)
{
    engsched_storage_query q = {.client = client};
    es_ids engagements = ES_IDS_INIT;
    engsched_rc rc = engagements_of(db, q, &engagements);
    for (size_t i = 0; rc == ENGSCHED_OK && i < engagements.count; i++)
        rc = resend_assigned(db, engagements.ids[i]);
    es_ids_release(&engagements);
    return rc;
}

engsched_rc es_invitation_resend_operator(engsched *db, engsched_id user)
{
    engsched_storage_query q = {.operator_user = user};
    es_ids engagements = ES_IDS_INIT;
    engsched_rc rc = engagements_of(db, q, &engagements);
    for (size_t i = 0; rc == ENGSCHED_OK && i < engagements.count; i++)
        rc = resend(db, engagements.ids[i], user);
    es_ids_release(&engagements);
    return rc;
}
