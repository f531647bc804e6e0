/* The SQLite backend's online backup, and the copy a restore makes.
 *
 * Both copy with SQLite's backup API (sqlite3_backup_init/step/finish),
 * opts->pages_per_step pages at a time with opts->sleep_ms between steps.
 *
 * Why the snapshot is consistent while others write: sqlite3_backup_step()
 * opens a read transaction on the source for each step and closes it
 * after, unless one is already open; and when another connection has
 * changed the store since the last step, the source connection notices it
 * on taking its next read lock and the backup starts over from page 1. A
 * store written every few milliseconds would then never finish. The core
 * calls backup() inside a read transaction (begin(s, 0)), and
 * open_snapshot() makes SQLite actually take it (BEGIN DEFERRED takes no
 * snapshot until the first read). In WAL mode that transaction keeps one
 * snapshot for its whole life: every step reads the same state, the
 * source never sees a foreign change, the backup never restarts, and
 * other connections go on committing to the WAL meanwhile (a checkpoint
 * just cannot pass the snapshot until the transaction ends).
 * tests/integration/test_backup.c checks both halves: a writer commits
 * between steps, and the backup holds exactly what was there before.
 *
 * The copy is finally switched to rollback journal mode, so a backup is
 * one self-contained file that can be opened read-only anywhere. The
 * backend never prints, exits or aborts. */
#include <string.h>

#include "storage/sqlite/backup.h"
#include "storage/sqlite/storage_sqlite.h"
#include "util/alloc.h"
#include "util/durable.h"

/* Consecutive SQLITE_BUSY / SQLITE_LOCKED steps tolerated, BUSY_PAUSE_MS apart. */
#define BUSY_RETRIES 200
#define BUSY_PAUSE_MS 10

/* Describe a failure of @p db (or of code @p src when there is no
 * connection) and map it. */
static engsched_rc sqlite_fail(sqlite3 *db, int src, const char *what, const char *path)
{
    const char *detail = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(src);
    engsched_storage_set_error(NULL, "sqlite: %s '%s': %s", what, path, detail);
    return es_sqlite_map_rc(src);
}

static engsched_rc open_file(const char *path, int flags, sqlite3 **out)
{
    int src = sqlite3_open_v2(path, out, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
    if (src == SQLITE_OK)
        return ENGSCHED_OK;
    engsched_rc rc = sqlite_fail(*out, src, "cannot open", path);
    sqlite3_close(*out);
    *out = NULL;
    return rc;
}

/* One step at a time until done, pausing between steps; busy steps are
 * retried a bounded number of times. */
static int step_all(sqlite3_backup *bk, const engsched_backup_options *opts)
{
    int src, busy = 0;
    for (;;) {
        src = sqlite3_backup_step(bk, (int)opts->pages_per_step);
        if (src == SQLITE_DONE)
            return SQLITE_OK;
        if ((src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_LOCKED) {
            if (++busy > BUSY_RETRIES)
                return src;
            sqlite3_sleep(BUSY_PAUSE_MS);
            continue;
        }
        if (src != SQLITE_OK)
            return src;
        busy = 0;
        if (opts->sleep_ms > 0)
            sqlite3_sleep((int)opts->sleep_ms);
    }
}

/* Copy every page of @p src into @p dst, then make @p dst a rollback
 * journal file of its own. */
static engsched_rc copy_pages(sqlite3 *src, sqlite3 *dst, const char *dest_path,
                              const engsched_backup_options *opts)
{
    sqlite3_backup *bk = sqlite3_backup_init(dst, "main", src, "main");
    if (bk == NULL)
        return sqlite_fail(dst, sqlite3_errcode(dst), "cannot start copying into", dest_path);
    int step = step_all(bk, opts);
    int fin = sqlite3_backup_finish(bk); /* the step's code, or the finish's own */
    if (step != SQLITE_OK || fin != SQLITE_OK) {
        int code = step != SQLITE_OK ? step : fin;
        /* A failed step on the source leaves its message there. */
        sqlite3 *where = sqlite3_errcode(dst) != SQLITE_OK ? dst : src;
        return sqlite_fail(where, code, "copying into", dest_path);
    }
    int src_rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    if (src_rc != SQLITE_OK)
        return sqlite_fail(dst, src_rc, "finishing", dest_path);
    return ENGSCHED_OK;
}

/* Close the copy, reporting a failed close: its last write may be lost. */
static engsched_rc close_copy(sqlite3 *dst, engsched_rc rc, const char *dest_path)
{
    int src = sqlite3_close(dst);
    if (rc == ENGSCHED_OK && src != SQLITE_OK)
        return sqlite_fail(NULL, src, "closing", dest_path);
    return rc;
}

/* Make the deferred read transaction take its snapshot now, and check
 * that it did: the copy relies on it (see the top of this file). */
static engsched_rc open_snapshot(es_sqlite *b)
{
    int64_t version = 0;
    int found = 0;
    engsched_rc rc = es_sqlite_query_int(b, ES_SQLITE_USER_VERSION, "taking the backup's snapshot",
                                         &version, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (sqlite3_txn_state(b->db, "main") == SQLITE_TXN_NONE) {
        es_sql_error(&b->sql, "backup: no read transaction is open on the store");
        return ENGSCHED_EMISUSE;
    }
    return ENGSCHED_OK;
}

engsched_rc es_sqlite_backup(engsched_storage *s, const char *dest_path,
                             const engsched_backup_options *opts)
{
    es_sqlite *b = es_sqlite_of(s);
    sqlite3 *dst = NULL;
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc == ENGSCHED_OK)
        rc = open_snapshot(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = open_file(dest_path, SQLITE_OPEN_READWRITE, &dst)) != ENGSCHED_OK)
        goto out;
    rc = copy_pages(b->db, dst, dest_path, opts);
out:
    return dst != NULL ? close_copy(dst, rc, dest_path) : rc;
}

/* --- restoring ------------------------------------------------------------ */

static engsched_rc query_int(sqlite3 *db, const char *sql, const char *path, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        src = SQLITE_OK;
    }
    engsched_rc rc = src == SQLITE_OK ? ENGSCHED_OK : sqlite_fail(db, src, "cannot read", path);
    sqlite3_finalize(st);
    return rc;
}

/* Ours: the application id every libengsched store carries. */
static engsched_rc check_identity(sqlite3 *db, const char *path)
{
    int64_t app_id = 0;
    engsched_rc rc = query_int(db, "PRAGMA application_id", path, &app_id);
    if (rc == ENGSCHED_ECORRUPT)
        engsched_storage_set_error(NULL, "'%s' is not a database", path);
    if (rc != ENGSCHED_OK || app_id == (int64_t)ES_SQLITE_APPLICATION_ID)
        return rc;
    engsched_storage_set_error(NULL, "'%s' is not a libengsched store (application_id 0x%08llx)",
                               path, (unsigned long long)(uint32_t)app_id);
    return ENGSCHED_ECORRUPT;
}

/* PRAGMA integrity_check answers one row "ok", or the problems found. */
static engsched_rc check_integrity(sqlite3 *db, const char *path)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    engsched_rc rc = ENGSCHED_OK;
    if (src == SQLITE_ROW) {
        const char *answer = (const char *)sqlite3_column_text(st, 0);
        if (answer == NULL || strcmp(answer, "ok") != 0) {
            engsched_storage_set_error(NULL, "'%s' is damaged (integrity_check: %s)", path,
                                       answer != NULL ? answer : "no answer");
            rc = ENGSCHED_ECORRUPT;
        }
    } else {
        rc = sqlite_fail(db, src, "cannot check", path);
        if (rc == ENGSCHED_ECORRUPT)
            engsched_storage_set_error(NULL, "'%s' is damaged: %s", path, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* Whether @p path has a side file with @p suffix; -1 when out of memory. */
static int has_side_file(const char *path, const char *suffix)
{
    char *name = es_asprintf("%s%s", path, suffix);
    if (name == NULL)
        return -1;
    int found = es_path_exists(name);
    es_free(name);
    return found;
}

/* A `file:` URI naming @p path read-only and immutable; NULL when out of
 * memory. '%', '?' and '#' are the characters a URI path must escape. */
static char *immutable_uri(const char *path)
{
    size_t len = strlen(path), extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += strchr("%?#", path[i]) != NULL ? 2 : 0;
    static const char tail[] = "?mode=ro&immutable=1";
    char *uri = es_malloc(sizeof "file:" - 1 + len + extra + sizeof tail);
    if (uri == NULL)
        return NULL;
    char *o = uri + (sizeof "file:" - 1);
    memcpy(uri, "file:", sizeof "file:" - 1);
    for (size_t i = 0; i < len; i++) {
        if (strchr("%?#", path[i]) == NULL) {
            *o++ = path[i];
            continue;
        }
        static const char hex[] = "0123456789abcdef";
        *o++ = '%';
        *o++ = hex[(unsigned char)path[i] >> 4];
        *o++ = hex[(unsigned char)path[i] & 15];
    }
    memcpy(o, tail, sizeof tail);
    return uri;
}

/* Open the backup without ever writing beside it. A file with no -wal and
 * no -journal is complete in itself: it is opened immutable, so SQLite
 * takes no lock and makes no -shm or -wal even for a file in WAL mode (a
 * copy of a store, rather than a backup). Otherwise a plain read-only
 * open reads the side files that are there. */
static engsched_rc open_backup(const char *path, sqlite3 **out)
{
    int wal = has_side_file(path, "-wal"), journal = has_side_file(path, "-journal");
    if (wal < 0 || journal < 0) {
        engsched_storage_set_error(NULL, "out of memory opening '%s'", path);
        return ENGSCHED_ENOMEM;
    }
    if (wal || journal)
        return open_file(path, SQLITE_OPEN_READONLY, out);
    char *uri = immutable_uri(path);
    if (uri == NULL) {
        engsched_storage_set_error(NULL, "out of memory opening '%s'", path);
        return ENGSCHED_ENOMEM;
    }
    engsched_rc rc = open_file(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, out);
    es_free(uri);
    return rc;
}

engsched_rc es_sqlite_restore_copy(const char *backup_path, const char *dest_path,
                                   const engsched_backup_options *opts)
{
    sqlite3 *src = NULL, *dst = NULL;
    engsched_rc rc = open_backup(backup_path, &src);
    if (rc != ENGSCHED_OK)
        goto out;
    if ((rc = check_identity(src, backup_path)) != ENGSCHED_OK ||
        (rc = check_integrity(src, backup_path)) != ENGSCHED_OK)
        goto out;
    if ((rc = open_file(dest_path, SQLITE_OPEN_READWRITE, &dst)) != ENGSCHED_OK)
        goto out;
    rc = copy_pages(src, dst, dest_path, opts);
out:
    if (dst != NULL)
        rc = close_copy(dst, rc, dest_path);
    sqlite3_close(src);
    return rc;
}
