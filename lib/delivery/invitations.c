/* Invitation messages: built from the stored state (the engagement, the
 * operator, the invitation's SEQUENCE and the tenant settings) by the
 * calendar/ builders: into the outbox at the end of the change that
 * caused them (stage.c), or, with a backend without an outbox, after its
 * commit straight to the host's mail callback. */
#include <stdio.h>
#include <string.h>

#include "calendar/ics.h"
#include "calendar/imip.h"
#include "core/assignment_record.h"
#include "core/invitation_state.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "rules/rules.h"
#include "util/dates.h"

void es_invitation_release(es_invitation *inv)
{
    es_free(inv->ics);
    es_free(inv->mail);
    es_free(inv->recipient);
    memset(inv, 0, sizeof *inv);
}

/* Everything a message needs, copied out of the store. */
typedef struct invitation_data {
    es_engagement e;
    es_series series; /* its UID and the organizer it keeps */
    engsched_rec_invitation state;
    char *client_name;
    char *email;
    char *display_name;
    char *organizer_email;
    char *organizer_name;
    char *domain;
    char *store_id;
    char *engagement_url;
    char *report_url;
    engsched_rec_assignment allocation; /* the operator's window, share and hold */
} invitation_data;

static void data_release(invitation_data *d)
{
    es_engagement_release(&d->e);
    es_series_release(&d->series);
    es_free(d->client_name);
    es_free(d->email);
    es_free(d->display_name);
    es_free(d->organizer_email);
    es_free(d->organizer_name);
    es_free(d->domain);
    es_free(d->store_id);
    es_free(d->engagement_url);
    es_free(d->report_url);
}

static engsched_rc copy_text(engsched *db, char **slot, const char *value)
{
    if ((*slot = es_strdup(value ? value : "")) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory building an invitation");
    return ENGSCHED_OK;
}

typedef struct allocation_find {
    const engsched *db;
    const es_engagement *e;
    engsched_rec_assignment *out;
} allocation_find;

static engsched_rc find_allocation(void *ctx, const engsched_rec_assignment *row)
{
    allocation_find *f = ctx;
    if (row->user == f->out->user)
        es_assignment_read(f->db, row, f->e->rec.start_day, f->e->rec.end_day, f->out);
    return ENGSCHED_OK;
}

/* The operator's allocation; an operator no longer assigned (a cancel)
 * had the whole engagement, firm, as far as the message says. */
static engsched_rc load_allocation(engsched *db, engsched_id user, invitation_data *d)
{
    d->allocation = (engsched_rec_assignment){d->e.rec.id, user, 0, 0, 0, 0, d->e.rec.start_day,
                                              d->e.rec.end_day, 100, 0};
    allocation_find f = {db, &d->e, &d->allocation};
    engsched_rc rc = db->storage->assignment_list(db->storage, d->e.rec.id, find_allocation, &f);
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, "reading the operator's assignment");
}

static engsched_rc load_people(engsched *db, engsched_id user, invitation_data *d)
{
    engsched_rec_client client;
    engsched_rc rc = db->storage->client_get(db->storage, d->e.rec.client, &client);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the client");
    if ((rc = copy_text(db, &d->client_name, client.name)) != ENGSCHED_OK)
        return rc;
    engsched_rec_user u;
    if ((rc = db->storage->user_get(db->storage, user, &u)) != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the operator");
    if (u.email == NULL || u.email[0] == '\0')
        return es_fail(db, ENGSCHED_EINVAL, "operator: user %lld has no e-mail address",
                       (long long)user);
    if ((rc = copy_text(db, &d->email, u.email)) != ENGSCHED_OK)
        return rc;
    return copy_text(db, &d->display_name, u.display_name);
}

/* The organizer the series keeps, or (a series that has none yet: a
 * backend without table version 4, or one first built before an
 * organizer was set) the setting. */
static engsched_rc load_organizer(engsched *db, invitation_data *d)
{
    if (d->series.organizer_email[0] != '\0') {
        d->organizer_email = es_strdup(d->series.organizer_email);
        d->organizer_name = es_strdup(d->series.organizer_name);
        if (d->organizer_email == NULL || d->organizer_name == NULL)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory building an invitation");
        return ENGSCHED_OK;
    }
    engsched_rc rc = es_setting_read(db, "organizer_email", &d->organizer_email);
    return rc == ENGSCHED_OK ? es_setting_read(db, "organizer_name", &d->organizer_name) : rc;
}

static engsched_rc load_settings(engsched *db, invitation_data *d)
{
    engsched_rc rc = load_organizer(db, d);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "uid_domain", &d->domain);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "store_id", &d->store_id);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "engagement_url", &d->engagement_url);
    if (rc == ENGSCHED_OK)
        rc = es_setting_read(db, "report_url", &d->report_url);
    if (rc == ENGSCHED_OK && d->organizer_email[0] == '\0')
        rc = es_fail(db, ENGSCHED_EINVAL,
                     "organizer_email: the setting is not set, invitations need an organizer");
    return rc;
}

/* @p opened, when not NULL, is the engagement as the caller read it in
 * this transaction: it is taken over (and left empty) instead of being
 * read a second time. */
static engsched_rc load_data(engsched *db, engsched_id engagement, engsched_id user,
                             es_engagement *opened, invitation_data *d)
{
    memset(d, 0, sizeof *d);
    engsched_rc rc = es_series_read(db, engagement, user, &d->series);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "no invitation of user %lld to engagement %lld", (long long)user,
                       (long long)engagement);
    if (rc != ENGSCHED_OK)
        return rc;
    d->state = d->series.rec;
    if (opened != NULL) {
        d->e = *opened;
        memset(opened, 0, sizeof *opened);
    } else if ((rc = es_engagement_read(db, engagement, &d->e)) != ENGSCHED_OK) {
        return rc;
    }
    if ((rc = load_people(db, user, d)) == ENGSCHED_OK &&
        (rc = load_allocation(db, user, d)) == ENGSCHED_OK)
        rc = load_settings(db, d);
    return rc;
}

/* Replace every "{id}" of a URL template; "" when no template is set. */
static char *expand_url(const char *pattern, engsched_id id)
{
    char number[24];
    snprintf(number, sizeof number, "%lld", (long long)id);
    size_t count = 0;
    for (const char *p = strstr(pattern, "{id}"); p; p = strstr(p + 4, "{id}"))
        count++;
    size_t len = strlen(pattern) + count * strlen(number);
    char *out = es_malloc(len + 1);
    if (out == NULL)
        return NULL;
    char *w = out;
    for (const char *p = pattern; *p;) {
        if (strncmp(p, "{id}", 4) == 0) {
            memcpy(w, number, strlen(number));
            w += strlen(number);
            p += 4;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return out;
}

static char *describe(const invitation_data *d, const char *engagement_link,
                      const char *report_link)
{
    char start[ES_DATE_LEN], end[ES_DATE_LEN], share[40] = "";
    es_date_format(d->allocation.window_start, start);
    es_date_format(d->allocation.window_end, end);
    if (d->allocation.percent != 100)
        snprintf(share, sizeof share, " (%d %% of each day)", d->allocation.percent);
    /* The operator's name exactly, which a CN may only approximate
     * (es_ics_display_name). */
    return es_asprintf("%s for %s, %s to %s%s.\nOperator: %s%s%s%s%s%s%s", d->e.rec.name,
                       d->client_name, start, end, share, d->display_name,
                       d->allocation.tentative ? "\nThis is a tentative hold." : "",
                       d->state.canceled ? "\nThis invitation is canceled." : "",
                       engagement_link[0] ? "\nEngagement: " : "", engagement_link,
                       report_link[0] ? "\nReport: " : "", report_link);
}

/* The left side of a Message-ID: unique to this message. The store
 * identity sets it apart from other stores (which have the same ids),
 * the SEQUENCE from the series' other messages, and the time the SEQUENCE
 * was raised from a message a restored copy of the store raises again to
 * the same SEQUENCE. Nothing random: a message built again (a download,
 * engsched_invitation_mail()) is the one that was sent, and the outbox
 * keeps the bytes, so a retry has the same Message-ID. */
static engsched_rc message_id_of(engsched *db, const invitation_data *d, char *out, size_t size)
{
    /* Half the store identity (64 bits) keeps the header within 78
     * columns (RFC 5322 §2.1.1) and still sets stores apart. */
    int n = snprintf(out, size, "engsched-%lld-%lld-%lld-%llx%s%.16s", (long long)d->e.rec.id,
                     (long long)d->state.user, (long long)d->state.sequence,
                     (unsigned long long)d->state.updated_at, d->store_id[0] ? "-" : "",
                     d->store_id);
    if (n < 0 || (size_t)n >= size)
        return es_fail(db, ENGSCHED_EINVAL, "a Message-ID would be longer than %zu bytes", size);
    return ENGSCHED_OK;
}

static engsched_rc render(engsched *db, const invitation_data *d, engsched_id user,
                          es_invitation *out)
{
    char message_id[160], err[256] = "";
    engsched_rc rc = message_id_of(db, d, message_id, sizeof message_id);
    if (rc != ENGSCHED_OK)
        return rc;
    const char *uid = d->series.uid;
    char *engagement_link = expand_url(d->engagement_url, d->e.rec.id);
    char *report_link = d->e.rec.report && d->report_url[0]
                            ? expand_url(d->report_url, d->e.rec.report)
                            : es_strdup("");
    char *summary = es_asprintf("%s: %s", d->client_name, d->e.rec.name);
    char *text = engagement_link && report_link ? describe(d, engagement_link, report_link) : NULL;
    const char *prefix = d->state.canceled        ? "Canceled: "
                         : d->state.sequence == 0 ? "Invitation: "
                                                  : "Updated invitation: ";
    char *subject = summary ? es_asprintf("%s%s", prefix, summary) : NULL;
    rc = ENGSCHED_ENOMEM;
    if (engagement_link == NULL || report_link == NULL || summary == NULL || text == NULL ||
        subject == NULL) {
        es_fail(db, rc, "out of memory building an invitation");
        goto out;
    }
    int64_t now = es_now(db);
    /* Pending work and holds are TENTATIVE, never CONFIRMED
     * (rules/calendar_rules.c); the operator's days are their window. */
    es_cal_status shown =
        es_assignment_calendar_status(d->e.rec.status, d->state.canceled, d->allocation.tentative);
    es_ics_event ev = {.uid = uid,
                       .sequence = d->state.sequence,
                       .dtstamp = now,
                       .start_day = d->allocation.window_start,
                       .end_day = d->allocation.window_end,
                       .summary = summary,
                       .description = text,
                       .url = engagement_link[0] ? engagement_link : NULL,
                       .organizer_email = d->organizer_email,
                       .organizer_name = d->organizer_name,
                       .attendee_email = d->email,
                       .attendee_name = d->display_name,
                       .cancelled = d->state.canceled,
                       .tentative = !d->state.canceled && shown == ES_CAL_TENTATIVE};
    es_ics_method method = d->state.canceled ? ES_ICS_CANCEL : ES_ICS_REQUEST;
    rc = es_ics_build(method, &ev, 1, &out->ics, err, sizeof err);
    if (rc != ENGSCHED_OK) {
        es_fail(db, rc, "invitation of user %lld to engagement %lld: %s", (long long)user,
                (long long)d->e.rec.id, err);
        goto out;
    }
    es_imip_message m = {d->organizer_email,
                         d->organizer_name,
                         d->email,
                         d->display_name,
                         subject,
                         text,
                         out->ics,
                         d->state.canceled ? "CANCEL" : "REQUEST",
                         now,
                         message_id,
                         d->domain};
    rc = es_imip_build(&m, &out->mail, &out->mail_len, err, sizeof err);
    if (rc == ENGSCHED_OK && (out->recipient = es_strdup(d->email)) == NULL)
        rc = ENGSCHED_ENOMEM;
    out->sequence = d->state.sequence;
    if (rc != ENGSCHED_OK)
        es_fail(db, rc, "invitation mail of user %lld to engagement %lld: %s", (long long)user,
                (long long)d->e.rec.id, rc == ENGSCHED_ENOMEM ? "out of memory" : err);
out:
    es_free(engagement_link);
    es_free(report_link);
    es_free(summary);
    es_free(text);
    es_free(subject);
    if (rc != ENGSCHED_OK)
        es_invitation_release(out);
    return rc;
}

/* In a transaction: the invitation as it stands in the store. @p opened
 * as for load_data(). */
engsched_rc es_invitation_build(engsched *db, engsched_id engagement, engsched_id user,
                                es_engagement *opened, es_invitation *out)
{
    invitation_data d;
    memset(out, 0, sizeof *out);
    engsched_rc rc = load_data(db, engagement, user, opened, &d);
    if (rc == ENGSCHED_OK)
        rc = render(db, &d, user, out);
    data_release(&d);
    return rc;
}

void es_invitation_deliver(engsched *db, const es_pending_mail *queue, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        es_invitation inv;
        memset(&inv, 0, sizeof inv);
        engsched_rc rc = es_begin(db, 0);
        if (rc == ENGSCHED_OK)
            rc = es_finish(db,
                           es_invitation_build(db, queue[i].engagement, queue[i].user, NULL, &inv));
        if (rc != ENGSCHED_OK) {
            es_invitation_release(&inv);
            es_log(db, ENGSCHED_LOG_ERROR, "invitation not sent: %s", db->errmsg);
            continue;
        }
        es_callback_enter(db);
        int refused = db->opts.on_mail(db->opts.mail_ctx, queue[i].engagement, queue[i].user,
                                       inv.recipient, inv.mail, inv.mail_len) != 0;
        es_callback_leave(db);
        if (refused)
            es_log(db, ENGSCHED_LOG_ERROR,
                   "the mail callback refused the invitation of user %lld to engagement %lld; "
                   "engsched_invitation_mail() rebuilds it for a retry",
                   (long long)queue[i].user, (long long)queue[i].engagement);
        es_invitation_release(&inv);
    }
}
