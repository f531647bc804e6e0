/* The SQLite backend's backup and restore (backup.c), as the public entry
 * points (ops/backup.c) see them: no SQLite types. */
#ifndef ENGSCHED_STORAGE_SQLITE_BACKUP_H
#define ENGSCHED_STORAGE_SQLITE_BACKUP_H

#include <engsched/storage.h>

/* The table's backup() callback (storage.h, version 5). */
engsched_rc es_sqlite_backup(engsched_storage *s, const char *dest_path,
                             const engsched_backup_options *opts);

/* Check that @p backup_path is a sound libengsched store (opened
 * read-only, never written: its application id and PRAGMA
 * integrity_check) and copy it into the empty file @p dest_path with the
 * online backup API. The failure is described with
 * engsched_storage_set_error(). */
engsched_rc es_sqlite_restore_copy(const char *backup_path, const char *dest_path,
                                   const engsched_backup_options *opts);

#endif
