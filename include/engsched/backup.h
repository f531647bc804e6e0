/**
 * @file backup.h
 * @brief An online backup of a live store, and restoring one.
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * engsched_backup() copies a SQLite store into a new file while other
 * handles and processes go on reading and writing it; engsched_restore()
 * checks such a file and copies it to a new store. Both write a temporary
 * file beside the destination and rename it into place only once it is
 * complete and on disk, so the destination path either does not exist or
 * holds a whole, checked copy.
 *
 * @section backup_snapshot The snapshot
 *
 * The backup runs in one read transaction on the handle's own connection,
 * opened before the first page is copied and held to the last. A SQLite
 * store is in WAL mode, so that transaction sees the store as it was when
 * the backup began, whatever other connections commit meanwhile, and
 * never blocks them: their writes go to the write-ahead log, which is not
 * checkpointed past the backup's snapshot until the backup ends (the log
 * grows for that long). Because the source connection never sees another
 * connection's change, SQLite's backup never restarts: it finishes in
 * about pages / ::engsched_backup_options::pages_per_step steps however
 * busy the store is. The copy is a consistent snapshot, never a mixture
 * of two states.
 *
 * PostgreSQL stores have no online backup here: use `pg_dump -Fc` and
 * `pg_restore` (docs/backup.md). engsched_export_json() is a different
 * thing: a portable document for moving engagements between stores, not
 * a copy of the store.
 */
#ifndef ENGSCHED_BACKUP_H
#define ENGSCHED_BACKUP_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Backup and restore
 *  @{ */

/** @brief Pages copied per step when ::engsched_backup_options::pages_per_step is 0. */
#define ENGSCHED_BACKUP_DEFAULT_PAGES_PER_STEP 256u
/** @brief The pause between steps engsched_backup_options_init() sets. */
#define ENGSCHED_BACKUP_DEFAULT_SLEEP_MS 5u

/**
 * @brief How a backup or restore copies. Initialise with
 *        engsched_backup_options_init() or ::ENGSCHED_BACKUP_OPTIONS_INIT,
 *        then set fields; or pass NULL for the defaults.
 */
typedef struct engsched_backup_options {
    unsigned int version; /**< ::ENGSCHED_BACKUP_OPTIONS_VERSION */
    /** Database pages (4 KiB by default) copied in one step; 0 (the
     *  default): ::ENGSCHED_BACKUP_DEFAULT_PAGES_PER_STEP. */
    unsigned int pages_per_step;
    /** Milliseconds to pause between steps, leaving the disk and the CPU to
     *  other connections; 0 for none. Default
     *  ::ENGSCHED_BACKUP_DEFAULT_SLEEP_MS. */
    unsigned int sleep_ms;
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...". */
} engsched_backup_options;

/** @brief The current version of ::engsched_backup_options: 1. */
#define ENGSCHED_BACKUP_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_backup_options with every default. */
#define ENGSCHED_BACKUP_OPTIONS_INIT                                         \
    {                                                                        \
        ENGSCHED_BACKUP_OPTIONS_VERSION, 0, ENGSCHED_BACKUP_DEFAULT_SLEEP_MS \
    }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 *
 * Only the members of @p version are written, so a host compiled with an
 * older header passes its shorter structure with its version.
 * @param opts the structure to fill
 * @param version ::ENGSCHED_BACKUP_OPTIONS_VERSION as the caller was
 *        compiled with
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL if @p opts is NULL;
 *         ::ENGSCHED_EUNSUPPORTED for an unknown version (@p opts unchanged)
 */
ENGSCHED_API engsched_rc engsched_backup_options_init(engsched_backup_options *opts,
                                                      unsigned int version);

/**
 * @brief Copy the store, online, into the new file @p dest_path (ADMIN).
 *
 * The copy is the store as it was when the call began (@ref
 * backup_snapshot); other handles and processes may read and write it
 * throughout. The copy goes to a temporary file `<dest_path>.partial-XXXXXX`
 * beside @p dest_path, is flushed to disk, and is then linked to
 * @p dest_path, which must not exist: the call never replaces a file and
 * never leaves part of a backup at @p dest_path. A process killed during
 * the backup may leave the temporary file. The backup is a single SQLite
 * file (rollback journal mode, mode 0600) that engsched_open() and
 * engsched_restore() take.
 *
 * The handle is busy until the call returns, and it runs in a transaction
 * of its own: not inside a batch.
 * @param db the handle
 * @param actor an ADMIN user or ::ENGSCHED_SYSTEM
 * @param dest_path where the backup goes; its directory must exist
 * @param opts how to copy, or NULL for the defaults
 * @return ::ENGSCHED_OK;
 *         ::ENGSCHED_EINVAL (@p dest_path NULL or empty);
 *         ::ENGSCHED_EEXISTS (@p dest_path exists; it is left as it was);
 *         ::ENGSCHED_EDENIED (not ADMIN); ::ENGSCHED_ENOTFOUND (unknown
 *         actor, or the directory of @p dest_path does not exist);
 *         ::ENGSCHED_EUNSUPPORTED (the backend has no backup, as
 *         PostgreSQL: use `pg_dump`; or an unknown @p opts version);
 *         ::ENGSCHED_EMISUSE (NULL handle, or inside a batch);
 *         ::ENGSCHED_EBUSY, ::ENGSCHED_ESTORAGE (e.g. the disk is full),
 *         ::ENGSCHED_ENOMEM; on every failure nothing is left at
 *         @p dest_path nor beside it
 */
ENGSCHED_API engsched_rc engsched_backup(engsched *db, engsched_id actor, const char *dest_path,
                                         const engsched_backup_options *opts);

/**
 * @brief Check a backup and copy it to the new store @p dest_path.
 *
 * The backup is opened read-only: it is never written and nothing is made
 * beside it (a file without `-wal` or `-journal` is opened immutable, so
 * a closed store file in WAL mode serves as a backup too); it must not be
 * in use while it is restored. It must be a
 * libengsched SQLite store (its application id) that passes SQLite's
 * `PRAGMA integrity_check`; it is copied to a temporary file beside
 * @p dest_path, which is then opened as a store (so its schema version is
 * checked, and an older schema migrated), flushed to disk and linked to
 * @p dest_path, which must not exist. Open the restored store with
 * engsched_open(). No handle is involved: failures are described in
 * engsched_open_errmsg().
 * @param backup_path the backup, e.g. written by engsched_backup()
 * @param dest_path the new store; its directory must exist
 * @param opts how to copy, or NULL for the defaults
 * @return ::ENGSCHED_OK;
 *         ::ENGSCHED_EINVAL (a path NULL or empty, or a PostgreSQL URI:
 *         use `pg_restore`);
 *         ::ENGSCHED_ENOTFOUND (no file at @p backup_path, or the
 *         directory of @p dest_path does not exist);
 *         ::ENGSCHED_EEXISTS (@p dest_path exists; left as it was);
 *         ::ENGSCHED_ECORRUPT (not a libengsched store, or damaged);
 *         ::ENGSCHED_EUNSUPPORTED (a schema newer than this library, or
 *         an unknown @p opts version);
 *         ::ENGSCHED_ESTORAGE, ::ENGSCHED_ENOMEM; on every failure
 *         nothing is left at @p dest_path nor beside it
 */
ENGSCHED_API engsched_rc engsched_restore(const char *backup_path, const char *dest_path,
                                          const engsched_backup_options *opts);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_BACKUP_H */
