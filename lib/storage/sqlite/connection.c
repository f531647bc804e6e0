/* The SQLite backend's connection: transactions and savepoints, the busy
 * timeout, and discarding a store that failed to open (open.c opens it
 * and fills the callback table). One connection per backend; no global
 * state: one backend is used by one thread at a time. The backend never
 * prints, exits or aborts; failures are described and mapped to
 * engsched_rc. */
#include <string.h>
#include <unistd.h>

#include "storage/sqlite/storage_sqlite.h"
#include "util/alloc.h"

static es_sqlite *backend_of(engsched_storage *s) { return es_sqlite_of(s); }

static engsched_rc enter(es_sqlite *b) { return b->sql.drv->enter(&b->sql); }

/* --- transactions ------------------------------------------------------ */

static engsched_rc sq_begin(engsched_storage *s, int write)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    b->settings_checked = 0; /* a new snapshot */
    /* IMMEDIATE takes the write lock now, waiting up to the busy timeout,
     * so a writer never fails half-way on a lock upgrade. */
    return es_sqlite_run_fixed(b, write ? ES_SQLITE_BEGIN_WRITE : ES_SQLITE_BEGIN_READ,
                               "beginning a transaction");
}

engsched_rc es_sqlite_rollback_open(es_sqlite *b)
{
    es_sqlite_settings_forget(b);
    if (sqlite3_get_autocommit(b->db))
        return ENGSCHED_OK; /* nothing open, or SQLite already rolled back */
    return es_sqlite_run_fixed(b, ES_SQLITE_ROLLBACK, "rolling back");
}

static void rollback_quietly(es_sql *s) { es_sqlite_rollback_open((es_sqlite *)s); }

static engsched_rc sq_commit(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    b->settings_checked = 0;
    rc = es_sqlite_run_fixed(b, ES_SQLITE_COMMIT, "committing");
    /* SQLite may keep the transaction open after a failed COMMIT (a busy
     * one can be retried); the contract says it is rolled back. The
     * commit failure is the message the caller needs. */
    if (rc != ENGSCHED_OK)
        es_sql_keeping_message(&b->sql, rollback_quietly);
    return rc;
}

static engsched_rc sq_rollback(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    return rc != ENGSCHED_OK ? rc : es_sqlite_rollback_open(b);
}

/* Savepoints live inside the core's transaction only. Outside one,
 * SAVEPOINT would start a transaction of its own and RELEASE would commit
 * it; and SQLite ends a transaction by itself after some errors (a full
 * disk, an I/O error, out of memory), which must surface as a failure. */
#define NO_TRANSACTION_HINT "(SQLite rolled it back after an earlier error)"

static engsched_rc sq_savepoint(engsched_storage *s)
{
    return es_sql_savepoint_run(s, ES_SQL_SAVEPOINT, "opening a savepoint", NO_TRANSACTION_HINT);
}

static engsched_rc sq_release(engsched_storage *s)
{
    return es_sql_savepoint_run(s, ES_SQL_RELEASE, "releasing a savepoint", NO_TRANSACTION_HINT);
}

/* Like a rollback, it may undo a setting the kept copy already holds. */
static engsched_rc sq_rollback_to(engsched_storage *s)
{
    es_sqlite_settings_forget(backend_of(s));
    return es_sql_savepoint_run(s, ES_SQL_ROLLBACK_TO, "rolling back to a savepoint",
                                NO_TRANSACTION_HINT);
}

static engsched_rc sq_set_busy_timeout(engsched_storage *s, int milliseconds)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = sqlite3_busy_timeout(b->db, milliseconds > 0 ? milliseconds : 0);
    return src == SQLITE_OK ? ENGSCHED_OK : es_sqlite_fail(b, src, "setting the busy timeout");
}

/* --- discarding a store that failed to open ------------------------------ */

/* Whether a file we created is still an empty database, i.e. nobody else
 * has put a schema into it since: only then may it be removed. */
static int still_empty(es_sqlite *b)
{
    int64_t n = 1;
    int found;
    if (es_sqlite_query_int(b, ES_SQLITE_SCHEMA_OBJECTS, "counting schema objects", &n,
                            &found) != ENGSCHED_OK)
        return 0;
    return n == 0;
}

static void remove_with_suffix(es_sqlite *b, const char *suffix)
{
    strcpy(b->path + b->path_len, suffix);
    unlink(b->path);
    b->path[b->path_len] = '\0';
}

static void discard(es_sql *s)
{
    es_sqlite *b = (es_sqlite *)s;
    int keep = b->db != NULL && !still_empty(b);
    es_sqlite_finalize_all(b);
    sqlite3_close(b->db);
    b->db = NULL;
    b->created = 0;
    if (keep)
        return;
    remove_with_suffix(b, "");
    remove_with_suffix(b, "-wal");
    remove_with_suffix(b, "-shm");
    remove_with_suffix(b, "-journal");
}

/* "Nothing is created when opening fails": close a store this backend
 * created and remove its files, unless another connection has begun using
 * it meanwhile (then it is theirs). The message of the failure is kept. */
void es_sqlite_discard_created(es_sqlite *b)
{
    if (b->created && !b->prepared)
        es_sql_keeping_message(&b->sql, discard);
}

/* The connection's callbacks in the backend's table (open.c fills the rest). */
void es_sqlite_fill_connection(engsched_storage *t)
{
    t->set_busy_timeout = sq_set_busy_timeout;
    t->begin = sq_begin;
    t->commit = sq_commit;
    t->rollback = sq_rollback;
    t->savepoint = sq_savepoint;
    t->release = sq_release;
    t->rollback_to = sq_rollback_to;
}
