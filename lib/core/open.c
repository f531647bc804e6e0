/* Opening and closing a scheduler handle on a storage backend. */
#include <stddef.h>
#include <string.h>

#include "core/internal.h"
#include "core/settings.h"
#include "storage/pg/storage_pg.h"
#include "util/crypto.h"

/* The schema version this library writes; backends migrate up to it. */
#define ES_SCHEMA_VERSION 1

int engsched_schema_version_supported(void) { return ES_SCHEMA_VERSION; }

static size_t options_size(unsigned int version);

engsched_rc engsched_options_init(engsched_options *opts, unsigned int version)
{
    if (opts == NULL || options_size(version) == 0)
        return ENGSCHED_EMISUSE;
    /* Only the members of @p version: a host compiled with an older
     * header passes a shorter structure. */
    static const engsched_options defaults = ENGSCHED_OPTIONS_INIT;
    memcpy(opts, &defaults, options_size(version));
    opts->version = version;
    return ENGSCHED_OK;
}

static int backend_complete(const engsched_storage *s)
{
    return s->free && s->prepare && s->set_busy_timeout && s->begin && s->commit &&
           s->rollback && s->schema_version && s->setting_get && s->setting_set &&
           s->client_upsert && s->client_get && s->client_find && s->user_upsert &&
           s->user_get && s->user_find && s->role_insert && s->role_update && s->role_get &&
           s->role_find && s->access_grant && s->access_revoke && s->access_check &&
           s->engagement_insert && s->engagement_update && s->engagement_get &&
           s->report_engagement && s->engagements_due && s->assignment_insert &&
           s->assignment_delete && s->assignment_list && s->file_insert && s->file_get &&
           s->file_read && s->file_delete && s->file_list && s->event_append && s->event_list &&
           s->event_last_seq && s->engagement_query && s->users_with_permissions &&
           s->operator_work && s->unavailability_insert && s->unavailability_get &&
           s->unavailability_delete && s->unavailability_list && s->invitation_get &&
           s->invitation_put && s->client_list && s->user_list && s->role_list &&
           s->access_list;
}

/* The savepoint callbacks are members of version 2 tables only: a
 * version 1 table, compiled before they existed, is shorter, so they are
 * never read there. Optional, but all three or none. */
static int backend_savepoints(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 2)
        return 1;
    int given = (s->savepoint != NULL) + (s->release != NULL) + (s->rollback_to != NULL);
    *out = given == 3;
    return given == 0 || given == 3;
}

/* The outbox callbacks: members of version 3 tables only, optional, all
 * six or none. */
static int backend_outbox(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 3)
        return 1;
    int given = (s->outbox_put != NULL) + (s->outbox_get != NULL) +
                (s->outbox_update != NULL) + (s->outbox_list != NULL) +
                (s->outbox_count != NULL) + (s->outbox_purge != NULL);
    *out = given == 6;
    return given == 0 || given == 6;
}

/* The invitation series and feed token callbacks: members of version 4
 * tables only, optional, all five or none. */
static int backend_series(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 4)
        return 1;
    int given = (s->invitation_find != NULL) + (s->feed_token_put != NULL) +
                (s->feed_token_get != NULL) + (s->feed_token_find != NULL) +
                (s->feed_token_delete != NULL);
    *out = given == 5;
    return given == 0 || given == 5;
}

/* The backup callback: a member of version 5 tables only, optional. */
static int backend_backup(const engsched_storage *s)
{
    return s->version >= 5 && s->backup != NULL;
}

/* The allocation callbacks: members of version 6 tables only, optional,
 * both or neither. */
static int backend_allocations(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 6)
        return 1;
    int given = (s->assignment_update != NULL) + (s->operator_allocations != NULL);
    *out = given == 2;
    return given == 0 || given == 2;
}

/* The skills callbacks: members of version 6 tables only, optional, all
 * four or none. */
static int backend_skills(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 6)
        return 1;
    int given = (s->user_skills_set != NULL) + (s->user_skills_list != NULL) +
                (s->engagement_skills_set != NULL) + (s->engagement_skills_list != NULL);
    *out = given == 4;
    return given == 0 || given == 4;
}

/* Recurring series: a member of version 6 tables only, optional. */
static int backend_recurrence(const engsched_storage *s)
{
    return s->version >= 6 && s->recurring_due != NULL;
}

/* The staffing of a range in one read: members of version 7 tables only,
 * optional, both or neither. */
static int backend_range_staffing(const engsched_storage *s, int *out)
{
    *out = 0;
    if (s->version < 7)
        return 1;
    int given = (s->range_staffing != NULL) + (s->range_unavailability != NULL);
    *out = given == 2;
    return given == 0 || given == 2;
}

/* The tick's set-based start of due engagements: a member of version 8
 * tables only, optional. */
static int backend_start_due(const engsched_storage *s)
{
    return s->version >= 8 && s->engagements_start_due != NULL;
}

/* Delivery's set-based mark of delivered items: a member of version 8
 * tables only, optional. */
static int backend_outbox_mark(const engsched_storage *s)
{
    return s->version >= 8 && s->outbox_mark != NULL;
}

/* What a backend's table offers beyond version 1. */
typedef struct backend_caps {
    int savepoints;
    int outbox;
    int series;
    int backup;
    int allocations;
    int skills;
    int recurrence;
    int range_staffing;
    int start_due;
    int outbox_mark;
} backend_caps;

/* Every version this library knows, back to 1 (like libcurl, an old
 * backend keeps working with a newer library). */
static int backend_usable(const engsched_storage *s, backend_caps *caps)
{
    if (!(s->version >= 1 && s->version <= ENGSCHED_STORAGE_VERSION && backend_complete(s) &&
          backend_savepoints(s, &caps->savepoints) && backend_outbox(s, &caps->outbox) &&
          backend_series(s, &caps->series) && backend_allocations(s, &caps->allocations) &&
          backend_skills(s, &caps->skills) && backend_range_staffing(s, &caps->range_staffing)))
        return 0;
    caps->backup = backend_backup(s);
    caps->recurrence = backend_recurrence(s);
    caps->start_due = backend_start_due(s);
    caps->outbox_mark = backend_outbox_mark(s);
    return 1;
}

/* Options of version 1 end where version 2's members begin; the rest keep
 * their defaults. */
static size_t options_size(unsigned int version)
{
    _Static_assert(ENGSCHED_OPTIONS_VERSION == 2, "a new options version: give its size here");
    switch (version) {
    case 1:
        return offsetof(engsched_options, deliver_event);
    case 2:
        return sizeof(engsched_options);
    default:
        return 0;
    }
}

static int options_valid(const engsched_options *opts)
{
    if (opts == NULL)
        return 1;
    if (options_size(opts->version) == 0) {
        es_open_fail_message("opts: unknown options version %u (this library takes 1 to %u)",
                             opts->version, (unsigned int)ENGSCHED_OPTIONS_VERSION);
        return 0;
    }
    if (opts->version >= 2 && opts->delivery > ENGSCHED_DELIVER_EXPLICIT) {
        es_open_fail_message("opts: unknown delivery mode %u", opts->delivery);
        return 0;
    }
    return 1;
}

static void options_copy(engsched_options *dst, const engsched_options *src)
{
    *dst = (engsched_options)ENGSCHED_OPTIONS_INIT;
    if (src != NULL)
        memcpy(dst, src, options_size(src->version));
    dst->version = ENGSCHED_OPTIONS_VERSION;
}

static const struct {
    engsched_id id;
    const char *name;
} builtin_roles[] = {
    {ENGSCHED_ROLE_ADMINISTRATOR, "Administrator"},
    {ENGSCHED_ROLE_MANAGER, "Manager"},
    {ENGSCHED_ROLE_OPERATOR, "Operator"},
    {ENGSCHED_ROLE_CLIENT, "Client"},
    {ENGSCHED_ROLE_VIEWER, "Viewer"},
};

/* The built-in roles are rows like any other, so hosts can edit them; a
 * new store gets them, its identity and its page token key on first
 * writable open (an older store gets the key on its next one). */
static engsched_rc seed_store(engsched *db)
{
    engsched_rc rc = es_begin(db, 1);
    if (rc == ENGSCHED_OK)
        rc = es_store_identity_seed(db);
    for (size_t i = 0; rc == ENGSCHED_OK && i < sizeof builtin_roles / sizeof builtin_roles[0];
         i++) {
        engsched_rec_role existing;
        rc = db->storage->role_get(db->storage, builtin_roles[i].id, &existing);
        if (rc == ENGSCHED_ENOTFOUND) {
            engsched_rec_role role = {builtin_roles[i].id, builtin_roles[i].name,
                                      engsched_builtin_role_permissions(builtin_roles[i].id)};
            engsched_id id;
            rc = db->storage->role_insert(db->storage, &role, &id);
        }
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "creating the built-in roles");
    }
    return es_finish(db, rc);
}

engsched_rc engsched_open_backend(engsched_storage *backend, const engsched_options *opts,
                                  engsched **out)
{
    if (out == NULL || backend == NULL) {
        es_open_fail_message("%s: must not be NULL", out == NULL ? "out" : "backend");
        return ENGSCHED_EMISUSE;
    }
    if (!options_valid(opts))
        return ENGSCHED_EMISUSE;
    backend_caps caps = {0};
    if (!backend_usable(backend, &caps)) {
        es_open_fail_message("backend: version %u or a missing callback (this library takes "
                             "versions 1 to %u with every required callback, with all "
                             "three savepoint callbacks or none, all six outbox "
                             "callbacks or none, all five invitation series "
                             "callbacks or none, both allocation callbacks or none, "
                             "all four skills callbacks or none, and both range "
                             "callbacks or none)",
                             backend->version, ENGSCHED_STORAGE_VERSION);
        return ENGSCHED_EMISUSE;
    }
    int64_t token = es_random_token();
    if (token == 0) {
        es_open_fail_message("libsodium could not be initialised (no random source)");
        return ENGSCHED_ESTORAGE;
    }
    engsched *db = es_calloc(1, sizeof *db);
    if (db == NULL) {
        es_open_fail_message("out of memory opening the store");
        return ENGSCHED_ENOMEM;
    }
    options_copy(&db->opts, opts);
    db->storage = backend;
    db->savepoints = caps.savepoints;
    db->outbox = caps.outbox;
    db->series = caps.series;
    db->backup = caps.backup;
    db->allocations = caps.allocations;
    db->skills = caps.skills;
    db->range_staffing = caps.range_staffing;
    db->start_due = caps.start_due;
    db->outbox_mark = caps.outbox_mark;
    db->recurrence = caps.recurrence;
    db->claim_token = token;
    db->txn_events_outbox = -1;
    if (db->opts.busy_timeout_ms < 0)
        db->opts.busy_timeout_ms = 0;
    es_storage_message_clear();
    int version = 0;
    engsched_rc rc = backend->set_busy_timeout(backend, db->opts.busy_timeout_ms);
    if (rc == ENGSCHED_OK)
        rc = backend->prepare(backend, ES_SCHEMA_VERSION, &version);
    if (rc != ENGSCHED_OK) {
        es_storage_fail(db, rc, "preparing the store");
        goto fail;
    }
    if (!(db->opts.flags & ENGSCHED_OPEN_READONLY) && (rc = seed_store(db)) != ENGSCHED_OK)
        goto fail;
    es_alloc_pin();
    es_ok(db);
    *out = db;
    return ENGSCHED_OK;
fail:
    es_open_fail_message("%s", db->errmsg);
    es_free(db);
    return rc;
}

engsched_rc engsched_open(const char *path, const engsched_options *opts, engsched **out)
{
    if (path == NULL || out == NULL) {
        es_open_fail_message("%s: must not be NULL", path == NULL ? "path" : "out");
        return ENGSCHED_EMISUSE;
    }
    if (!options_valid(opts))
        return ENGSCHED_EMISUSE;
    unsigned int flags = opts ? opts->flags : (unsigned int)ENGSCHED_OPEN_CREATE;
    engsched_storage *backend = NULL;
    es_storage_message_clear();
    /* PostgreSQL URIs go to that backend (storage/pg/); anything else
     * is a SQLite file name. */
    engsched_rc rc = es_pg_is_uri(path) ? engsched_storage_postgres_new(path, flags, &backend)
                                        : engsched_storage_sqlite_new(path, flags, &backend);
    if (rc != ENGSCHED_OK) {
        const char *detail = es_storage_message();
        es_open_fail_message("%s", detail[0] ? detail : engsched_rc_describe(rc));
        return rc;
    }
    rc = engsched_open_backend(backend, opts, out);
    if (rc != ENGSCHED_OK)
        backend->free(backend);
    return rc;
}

engsched_rc engsched_close(engsched *db)
{
    if (db == NULL)
        return ENGSCHED_OK;
    if (db->in_callback) /* the handle is in use by the call that invoked the callback */
        return ENGSCHED_EMISUSE;
    es_rollback(db);
    db->storage->free(db->storage);
    es_free(db->pending);
    es_free(db->mail);
    es_committed_release(&db->committed);
    es_committed_release(&db->handing);
    es_free(db->own);
    es_wipe(db->page_key, sizeof db->page_key);
    es_free(db);
    es_alloc_unpin();
    return ENGSCHED_OK;
}

engsched_rc engsched_schema_version(engsched *db, int *out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    int version = 0;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->schema_version(db->storage, &version);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading the schema version");
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK)
        *out = version;
    return rc;
}
