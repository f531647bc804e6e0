/* The per-user calendar feed (METHOD:PUBLISH) for calendar subscriptions:
 * every engagement the user may see, but the canceled ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/ics.h"
#include "core/invitation_state.h"
#include "core/settings.h"
#include "core/view_scope.h"
#include "util/dates.h"
#include "views/feed.h"

#define FEED_CHUNK 256
#define FEED_STATUSES                                   \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |     \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |   \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) | \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |   \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

typedef struct feed_item {
    engsched_id id;
    engsched_id client;
    char *name;
    int32_t start_day;
    int32_t end_day;
    int status;
    int64_t version;
    int64_t sequence;
    int hidden; /* outside the second scope */
    char *client_name;
    char *uid;
    char *summary;
    char *description;
} feed_item;

typedef struct feed {
    feed_item *items;
    size_t count;
    size_t cap;
    size_t chunk_start;   /* first item of the chunk being read */
    engsched_id user;     /* whose feed */
    const es_actor *also; /* the second scope, or NULL */
    const char *domain;
    const char *store_id;
} feed;

static void feed_release(feed *f)
{
    for (size_t i = 0; i < f->count; i++) {
        es_free(f->items[i].name);
        es_free(f->items[i].client_name);
        es_free(f->items[i].uid);
        es_free(f->items[i].summary);
        es_free(f->items[i].description);
    }
    es_free(f->items);
}

static engsched_rc collect(void *ctx, const engsched_rec_engagement *row)
{
    feed *f = ctx;
    feed_item *grown = es_grow(f->items, &f->cap, f->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    f->items = grown;
    char *name = es_strdup(row->name);
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    f->items[f->count++] = (feed_item){.id = row->id,
                                       .client = row->client,
                                       .name = name,
                                       .start_day = row->start_day,
                                       .end_day = row->end_day,
                                       .status = row->status,
                                       .version = row->version,
                                       .sequence = row->version - 1};
    return ENGSCHED_OK;
}

/* The event's UID: the user's live invitation series when there is one,
 * so that a calendar holding both the invitation and the feed shows one
 * event; else the feed's own, with the store identity so that two stores
 * (tenants) never share a UID. */
static engsched_rc item_uid(engsched *db, const feed *f, feed_item *it)
{
    es_series s;
    engsched_rc rc = db->series ? es_series_read(db, it->id, f->user, &s) : ENGSCHED_ENOTFOUND;
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return rc;
    if (rc == ENGSCHED_OK && !s.rec.canceled) {
        it->uid = es_strdup(s.uid);
        it->sequence = s.rec.sequence;
    } else if (f->store_id[0]) {
        it->uid = es_asprintf("engagement-%lld-%s@%s", (long long)it->id, f->store_id, f->domain);
    } else {
        it->uid = es_asprintf("engagement-%lld@%s", (long long)it->id, f->domain);
    }
    if (rc == ENGSCHED_OK)
        es_series_release(&s);
    return it->uid ? ENGSCHED_OK : es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
}

/* Texts of the chunk's items, read after the query: a backend is not
 * called from inside its own row callback. */
static engsched_rc describe_chunk(engsched *db, feed *f)
{
    for (size_t i = f->chunk_start; i < f->count; i++) {
        feed_item *it = &f->items[i];
        int visible = 1;
        engsched_rc rc =
            f->also ? es_actor_has_access(db, f->also, it->client, &visible) : ENGSCHED_OK;
        if (rc != ENGSCHED_OK)
            return rc;
        /* The second reader must be able to read the engagement itself,
         * by the rule engagement_get asks. */
        it->hidden = f->also && es_authorize(f->also->is_system, f->also->permissions, visible,
                                             ES_OP_VIEW, ENGSCHED_REPORT_NONE) != ENGSCHED_OK;
        if (it->hidden)
            continue;
        engsched_rec_client client;
        if ((rc = db->storage->client_get(db->storage, it->client, &client)) != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading a client");
        it->client_name = es_strdup(client.name);
        if ((rc = item_uid(db, f, it)) != ENGSCHED_OK)
            return rc;
        it->summary = it->client_name ? es_asprintf("%s: %s", it->client_name, it->name) : NULL;
        it->description =
            es_asprintf("%s for %s (%s)", it->name, it->client_name ? it->client_name : "",
                        engsched_status_label((engsched_status)it->status));
        if (!it->client_name || !it->uid || !it->summary || !it->description)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
    }
    return ENGSCHED_OK;
}

static engsched_rc read_feed(engsched *db, engsched_id scope, feed *f)
{
    engsched_storage_query q = {.statuses = FEED_STATUSES,
                                .scope_user = scope,
                                .sort = ENGSCHED_SORT_START,
                                .limit = FEED_CHUNK};
    for (;;) {
        f->chunk_start = f->count;
        engsched_rc rc = db->storage->engagement_query(db->storage, &q, collect, f);
        if (rc == ENGSCHED_ENOMEM)
            return es_fail(db, rc, "out of memory building the feed");
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading the feed");
        if ((rc = describe_chunk(db, f)) != ENGSCHED_OK)
            return rc;
        if (f->count - f->chunk_start < FEED_CHUNK)
            return ENGSCHED_OK;
        const feed_item *last = &f->items[f->count - 1];
        q.has_after = 1;
        q.after_int = last->start_day;
        q.after_id = last->id;
    }
}

static es_ics_event feed_event(const feed_item *it, int64_t now, const char *organizer_email,
                               const char *organizer_name)
{
    return (es_ics_event){.uid = it->uid,
                          .sequence = it->sequence,
                          .dtstamp = now,
                          .start_day = it->start_day,
                          .end_day = it->end_day,
                          .summary = it->summary,
                          .description = it->description,
                          .organizer_email = organizer_email[0] ? organizer_email : NULL,
                          .organizer_name = organizer_name,
                          .tentative = es_calendar_status(it->status, 0) == ES_CAL_TENTATIVE,
                          .transparent = es_calendar_transparent(it->status)};
}

typedef struct feed_texts {
    char *domain, *store_id, *organizer_email, *organizer_name, *refresh, *name;
} feed_texts;

static void texts_release(feed_texts *t)
{
    es_free(t->domain);
    es_free(t->store_id);
    es_free(t->organizer_email);
    es_free(t->organizer_name);
    es_free(t->refresh);
    es_free(t->name);
}

static engsched_rc render(engsched *db, const feed *f, const feed_texts *t, char **out)
{
    es_ics_event *events = es_calloc(f->count ? f->count : 1, sizeof *events);
    if (events == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
    int64_t now = es_now(db);
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++) {
        if (!f->items[i].hidden)
            events[n++] = feed_event(&f->items[i], now, t->organizer_email, t->organizer_name);
    }
    es_ics_feed meta = {t->name, "Engagements from libengsched", strtoll(t->refresh, NULL, 10)};
    char err[256] = "";
    engsched_rc rc = es_ics_build_feed(&meta, events, n, out, err, sizeof err);
    es_free(events);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "feed: %s", rc == ENGSCHED_ENOMEM ? "out of memory" : err);
    return ENGSCHED_OK;
}

/* The settings the feed shows, and its name after the user's. */
static engsched_rc read_texts(engsched *db, engsched_id user, feed_texts *t)
{
    engsched_rec_user u;
    engsched_rc rc = db->storage->user_get(db->storage, user, &u);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading the feed's user");
    if ((t->name = es_asprintf("Engagements: %s", u.display_name ? u.display_name : "")) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
    if ((rc = es_setting_read(db, "uid_domain", &t->domain)) == ENGSCHED_OK &&
        (rc = es_setting_read(db, "store_id", &t->store_id)) == ENGSCHED_OK &&
        (rc = es_setting_read(db, "organizer_email", &t->organizer_email)) == ENGSCHED_OK &&
        (rc = es_setting_read(db, "organizer_name", &t->organizer_name)) == ENGSCHED_OK)
        rc = es_setting_read(db, "feed_refresh_seconds", &t->refresh);
    return rc;
}

engsched_rc es_feed_authorize(engsched *db, engsched_id actor, engsched_id user,
                              const char *what)
{
    es_actor who;
    engsched_rc rc = es_actor_load(db, actor, &who);
    if (rc != ENGSCHED_OK)
        return rc;
    if (es_authorize_own_or_admin(who.is_system, who.id, who.permissions, user) != ENGSCHED_OK)
        return es_fail(db, ENGSCHED_EDENIED, "user %lld may not %s of user %lld",
                       (long long)actor, what, (long long)user);
    if (user <= 0)
        return es_fail(db, ENGSCHED_EINVAL, "user: %lld is not a user id", (long long)user);
    return ENGSCHED_OK;
}

engsched_rc es_feed_build(engsched *db, engsched_id actor, engsched_id user,
                          engsched_id also_visible_to, char **out)
{
    es_actor subject, also;
    engsched_id scope = 0;
    engsched_rc rc = es_feed_authorize(db, actor, user, "read the feed");
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_view_scope(db, user, ES_OP_VIEW, &subject, &scope)) != ENGSCHED_OK)
        return rc;
    if (also_visible_to && (rc = es_actor_load(db, also_visible_to, &also)) != ENGSCHED_OK)
        return rc;
    feed_texts t = {0};
    feed f = {.user = user, .also = also_visible_to ? &also : NULL};
    if ((rc = read_texts(db, user, &t)) == ENGSCHED_OK) {
        f.domain = t.domain;
        f.store_id = t.store_id;
        if ((rc = read_feed(db, scope, &f)) == ENGSCHED_OK)
            rc = render(db, &f, &t, out);
    }
    feed_release(&f);
    texts_release(&t);
    return rc;
}

engsched_rc engsched_feed_ics(engsched *db, engsched_id actor, engsched_id user, char **out_ics)
{
    ES_CHECK_DB(db);
    if (out_ics == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_ics: must not be NULL");
    char *text = NULL;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    /* Reading on another's behalf (an ADMIN) shows only what both see,
     * by the same rule as a token that ADMIN issued. */
    rc = es_finish(db, es_feed_build(db, actor, user, es_feed_second_scope(user, actor), &text));
    if (rc != ENGSCHED_OK) {
        es_free(text);
        return rc;
    }
    *out_ics = text;
    return ENGSCHED_OK;
}
