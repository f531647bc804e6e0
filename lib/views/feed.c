/* The per-user calendar feed (METHOD:PUBLISH) for calendar subscriptions:
 * every engagement the user may see, but the canceled ones. */
#include <stdio.h>
#include <string.h>

#include "util/dates.h"
#include "calendar/ics.h"
#include "core/settings.h"
#include "core/view_scope.h"

#define FEED_CHUNK 256
#define FEED_STATUSES                                                                       \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |                                          \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) |                                      \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

typedef struct feed_item {
    engsched_id id;
    engsched_id client;
    char *name;
    int32_t start_day;
    int32_t end_day;
    int status;
    int64_t version;
    char *client_name;
    char *uid;
    char *summary;
    char *description;
} feed_item;

typedef struct feed {
    feed_item *items;
    size_t count;
    size_t cap;
    size_t chunk_start; /* first item of the chunk being read */
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
    f->items[f->count++] = (feed_item){row->id, row->client,     name, row->start_day,
                                       row->end_day, row->status, row->version,
                                       NULL,         NULL,        NULL, NULL};
    return ENGSCHED_OK;
}

/* Texts of the chunk's items, read after the query: a backend is not
 * called from inside its own row callback. */
static engsched_rc describe_chunk(engsched *db, feed *f, const char *domain)
{
    for (size_t i = f->chunk_start; i < f->count; i++) {
        feed_item *it = &f->items[i];
        engsched_rec_client client;
        engsched_rc rc = db->storage->client_get(db->storage, it->client, &client);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading a client");
        it->client_name = es_strdup(client.name);
        it->uid = es_asprintf("engagement-%lld@%s", (long long)it->id, domain);
        it->summary = it->client_name ? es_asprintf("%s: %s", it->client_name, it->name) : NULL;
        it->description = es_asprintf(
            "%s for %s (%s)", it->name, it->client_name ? it->client_name : "",
            engsched_status_label((engsched_status)it->status));
        if (!it->client_name || !it->uid || !it->summary || !it->description)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
    }
    return ENGSCHED_OK;
}

static engsched_rc read_feed(engsched *db, engsched_id scope, const char *domain, feed *f)
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
        if ((rc = describe_chunk(db, f, domain)) != ENGSCHED_OK)
            return rc;
        if (f->count - f->chunk_start < FEED_CHUNK)
            return ENGSCHED_OK;
        const feed_item *last = &f->items[f->count - 1];
        q.has_after = 1;
        q.after_int = last->start_day;
        q.after_id = last->id;
    }
}

static engsched_rc render(engsched *db, const feed *f, const char *organizer_email,
                          const char *organizer_name, char **out)
{
    es_ics_event *events = es_calloc(f->count ? f->count : 1, sizeof *events);
    if (events == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory building the feed");
    int64_t now = es_now(db);
    for (size_t i = 0; i < f->count; i++) {
        const feed_item *it = &f->items[i];
        events[i] = (es_ics_event){it->uid, it->version - 1, now, it->start_day, it->end_day,
                                   it->summary, it->description, NULL,
                                   organizer_email[0] ? organizer_email : NULL,
                                   organizer_name, NULL, NULL, 0};
    }
    char err[256] = "";
    engsched_rc rc = es_ics_build(ES_ICS_PUBLISH, events, f->count, out, err, sizeof err);
    es_free(events);
    if (rc != ENGSCHED_OK)
        return es_fail(db, rc, "feed: %s", rc == ENGSCHED_ENOMEM ? "out of memory" : err);
    return ENGSCHED_OK;
}

static engsched_rc feed_for(engsched *db, engsched_id actor, engsched_id user, char **out)
{
    es_actor who, subject;
    engsched_id scope = 0;
    engsched_rc rc = es_actor_load(db, actor, &who);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!who.is_system && who.id != user && !(who.permissions & ENGSCHED_PERM_ADMIN))
        return es_fail(db, ENGSCHED_EDENIED, "user %lld may not read the feed of user %lld",
                       (long long)actor, (long long)user);
    if (user <= 0)
        return es_fail(db, ENGSCHED_EINVAL, "user: %lld is not a user id", (long long)user);
    if ((rc = es_view_scope(db, user, ES_OP_VIEW, &subject, &scope)) != ENGSCHED_OK)
        return rc;
    char *domain = NULL, *organizer_email = NULL, *organizer_name = NULL;
    feed f = {NULL, 0, 0, 0};
    if ((rc = es_setting_read(db, "uid_domain", &domain)) == ENGSCHED_OK &&
        (rc = es_setting_read(db, "organizer_email", &organizer_email)) == ENGSCHED_OK &&
        (rc = es_setting_read(db, "organizer_name", &organizer_name)) == ENGSCHED_OK &&
        (rc = read_feed(db, scope, domain, &f)) == ENGSCHED_OK)
        rc = render(db, &f, organizer_email, organizer_name, out);
    feed_release(&f);
    es_free(domain);
    es_free(organizer_email);
    es_free(organizer_name);
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
    rc = es_finish(db, feed_for(db, actor, user, &text));
    if (rc != ENGSCHED_OK) {
        es_free(text);
        return rc;
    }
    *out_ics = text;
    return ENGSCHED_OK;
}
