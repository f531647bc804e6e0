/* The backup entry points: engsched_backup() copies a live store through
 * its backend's backup() callback (storage.h, version 5) inside one read
 * transaction, and engsched_restore() checks a backup and copies it to a
 * new store. Both write a temporary file beside the destination and link
 * it into place only when it is complete and flushed (util/durable.h), so
 * the destination never holds half a copy. */
#include <string.h>

#include "core/internal.h"
#include "storage/pg/storage_pg.h"
#include "storage/sqlite/backup.h"
#include "util/durable.h"

#define PG_HINT "for PostgreSQL use pg_dump -Fc and pg_restore (docs/backup.md)"

static size_t options_size(unsigned int version)
{
    _Static_assert(ENGSCHED_BACKUP_OPTIONS_VERSION == 1,
                   "a new backup options version: give its size here");
    return version == 1 ? sizeof(engsched_backup_options) : 0;
}

engsched_rc engsched_backup_options_init(engsched_backup_options *opts, unsigned int version)
{
    if (opts == NULL)
        return ENGSCHED_EINVAL;
    size_t size = options_size(version);
    if (size == 0)
        return ENGSCHED_EUNSUPPORTED;
    static const engsched_backup_options defaults = ENGSCHED_BACKUP_OPTIONS_INIT;
    memcpy(opts, &defaults, size);
    opts->version = version;
    return ENGSCHED_OK;
}

/* The caller's options, or the defaults, as a whole current structure with
 * pages_per_step defaulted; 0 for an unknown version. */
static int options_resolve(const engsched_backup_options *in, engsched_backup_options *out)
{
    *out = (engsched_backup_options)ENGSCHED_BACKUP_OPTIONS_INIT;
    if (in != NULL) {
        size_t size = options_size(in->version);
        if (size == 0)
            return 0;
        memcpy(out, in, size);
        out->version = ENGSCHED_BACKUP_OPTIONS_VERSION;
    }
    if (out->pages_per_step == 0)
        out->pages_per_step = ENGSCHED_BACKUP_DEFAULT_PAGES_PER_STEP;
    return 1;
}

static engsched_rc check_dest(engsched *db, const char *dest_path)
{
    if (dest_path == NULL || dest_path[0] == '\0')
        return es_fail(db, ENGSCHED_EINVAL, "dest_path: must not be %s",
                       dest_path == NULL ? "NULL" : "empty");
    if (es_path_exists(dest_path))
        return es_fail(db, ENGSCHED_EEXISTS,
                       "'%s' exists; a backup never replaces a file (choose a new name)",
                       dest_path);
    return ENGSCHED_OK;
}

static engsched_rc check_backup_call(engsched *db, const char *dest_path,
                                     const engsched_backup_options *opts,
                                     engsched_backup_options *resolved)
{
    if (!options_resolve(opts, resolved))
        return es_fail(db, ENGSCHED_EUNSUPPORTED,
                       "opts: unknown backup options version %u (this library takes 1 to %u)",
                       opts->version, (unsigned int)ENGSCHED_BACKUP_OPTIONS_VERSION);
    engsched_rc rc = es_refuse_in_batch(db, "engsched_backup");
    if (rc != ENGSCHED_OK)
        return rc;
    if (!db->backup)
        return es_fail(db, ENGSCHED_EUNSUPPORTED,
                       "this store's backend has no online backup; " PG_HINT);
    return check_dest(db, dest_path);
}

/* The copy into @p tmp, in one read transaction: the snapshot. */
static engsched_rc copy_snapshot(engsched *db, engsched_id actor, const char *tmp,
                                 const engsched_backup_options *o)
{
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK) {
        es_storage_message_clear();
        rc = db->storage->backup(db->storage, tmp, o);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "backing up the store");
    }
    return es_finish(db, rc);
}

engsched_rc engsched_backup(engsched *db, engsched_id actor, const char *dest_path,
                            const engsched_backup_options *opts)
{
    ES_CHECK_DB(db);
    engsched_backup_options o;
    char *tmp = NULL;
    char err[ES_ERRMSG_MAX];
    engsched_rc rc = check_backup_call(db, dest_path, opts, &o);
    if (rc != ENGSCHED_OK)
        goto out;
    if ((rc = es_durable_temp(dest_path, &tmp, err, sizeof err)) != ENGSCHED_OK) {
        es_fail(db, rc, "%s", err);
        goto out;
    }
    if ((rc = copy_snapshot(db, actor, tmp, &o)) != ENGSCHED_OK)
        goto out;
    if ((rc = es_durable_publish(tmp, dest_path, err, sizeof err)) != ENGSCHED_OK) {
        es_fail(db, rc, "%s", err);
        goto out;
    }
    es_free(tmp);
    tmp = NULL;
    es_ok(db);
out:
    es_durable_discard(tmp);
    es_free(tmp);
    return rc;
}

/* --- restore ---------------------------------------------------------------- */

static engsched_rc restore_fail(engsched_rc rc, const char *what)
{
    const char *detail = es_storage_message();
    if (rc == ENGSCHED_ENOMEM)
        es_open_fail_message("out of memory while %s", what);
    else
        es_open_fail_message("%s: %s", what, detail[0] ? detail : engsched_rc_describe(rc));
    return rc;
}

static engsched_rc check_path(const char *name, const char *path)
{
    if (path != NULL && path[0] != '\0' && !es_pg_is_uri(path))
        return ENGSCHED_OK;
    if (path == NULL || path[0] == '\0')
        es_open_fail_message("%s: must not be %s", name, path == NULL ? "NULL" : "empty");
    else
        es_open_fail_message("%s: a PostgreSQL database is restored with pg_restore, not "
                             "engsched_restore (docs/backup.md)",
                             name);
    return ENGSCHED_EINVAL;
}

static engsched_rc check_restore_call(const char *backup_path, const char *dest_path,
                                      const engsched_backup_options *opts,
                                      engsched_backup_options *resolved)
{
    engsched_rc rc = check_path("backup_path", backup_path);
    if (rc == ENGSCHED_OK)
        rc = check_path("dest_path", dest_path);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!options_resolve(opts, resolved)) {
        es_open_fail_message("opts: unknown backup options version %u (this library takes 1 "
                             "to %u)",
                             opts->version, (unsigned int)ENGSCHED_BACKUP_OPTIONS_VERSION);
        return ENGSCHED_EUNSUPPORTED;
    }
    if (!es_path_exists(backup_path)) {
        es_open_fail_message("backup_path: '%s' does not exist", backup_path);
        return ENGSCHED_ENOTFOUND;
    }
    if (es_path_exists(dest_path)) {
        es_open_fail_message("dest_path: '%s' exists; a restore never replaces a file", dest_path);
        return ENGSCHED_EEXISTS;
    }
    return ENGSCHED_OK;
}

/* Open the copy as a store, as a host will: its schema version is checked
 * (and an older one migrated) before it gets its final name. */
static engsched_rc open_copy(const char *tmp)
{
    engsched_options o = ENGSCHED_OPTIONS_INIT;
    o.flags = 0; /* never create: the copy is there */
    engsched *db = NULL;
    engsched_rc rc = engsched_open(tmp, &o, &db);
    if (rc != ENGSCHED_OK)
        return rc; /* engsched_open() described it */
    return engsched_close(db);
}

engsched_rc engsched_restore(const char *backup_path, const char *dest_path,
                             const engsched_backup_options *opts)
{
    engsched_backup_options o;
    char *tmp = NULL;
    char err[ES_ERRMSG_MAX];
    engsched_rc rc = check_restore_call(backup_path, dest_path, opts, &o);
    if (rc != ENGSCHED_OK)
        goto out;
    if ((rc = es_durable_temp(dest_path, &tmp, err, sizeof err)) != ENGSCHED_OK) {
        es_open_fail_message("%s", err);
        goto out;
    }
    es_storage_message_clear();
    if ((rc = es_sqlite_restore_copy(backup_path, tmp, &o)) != ENGSCHED_OK) {
        restore_fail(rc, "restoring the backup");
        goto out;
    }
    if ((rc = open_copy(tmp)) != ENGSCHED_OK)
        goto out;
    if ((rc = es_durable_publish(tmp, dest_path, err, sizeof err)) != ENGSCHED_OK) {
        es_open_fail_message("%s", err);
        goto out;
    }
    es_free(tmp);
    tmp = NULL;
    es_open_fail_message("%s", "");
out:
    es_durable_discard(tmp);
    es_free(tmp);
    return rc;
}
