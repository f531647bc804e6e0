/* The PostgreSQL backend's connection: one libpq connection per backend,
 * for hosts that run several application servers against one shared
 * database (docs/design.md §7, include/engsched/storage.h): connecting,
 * transactions and the write lock (open.c fills the callback table).
 *
 * Design notes
 * - Every statement is a constant of statements.c, prepared once per
 *   connection (PQprepare) and run with PQexecPrepared (driver.c); input
 *   only ever travels as a parameter. engagement_query() variants are
 *   composed from the dialect's constant fragments by the SQL core. The
 *   migration scripts are constants too and run with PQexec (schema.c).
 * - Strings in records filled by a get callback point into the PGresult
 *   of that call, which the backend keeps ("held") and clears at the start
 *   of the next callback, matching the contract with no copies.
 * - Optional references are NULL in the store and 0 in records.
 * - Results come whole (no single-row mode), so a row callback may call
 *   back into the backend; queries that can be large are paged by the core
 *   (limit) or bounded by a date range.
 *
 * Concurrency: why write transactions take one advisory lock
 * ---------------------------------------------------------
 * begin(write) is BEGIN READ COMMITTED followed by
 * pg_advisory_xact_lock('ENGS', oid of the store's schema): write
 * transactions on one store run one at a time, across every connection
 * and every server, exactly like SQLite's BEGIN IMMEDIATE. The lock is
 * taken before the transaction reads anything, and under READ COMMITTED
 * every later statement takes a fresh snapshot, so a writer sees every
 * write committed before it got the lock. Hence:
 * - no lost update: two servers approving, editing or ticking the same
 *   engagement run their read-check-write one after the other; the second
 *   reads the first's result (and its version check refuses a stale edit);
 * - the hourly tick run on every server at once: the first tick moves each
 *   due engagement and appends its event; every later tick waits, then
 *   its engagements_due() finds nothing Scheduled and due, so each
 *   engagement moves exactly once with exactly one event;
 * - event sequence numbers are handed out in commit order, so a reader
 *   paging events by seq never skips one committed late.
 * Read transactions are REPEATABLE READ READ ONLY: a consistent snapshot
 * without any lock, and a write attempted outside begin(write) fails
 * instead of slipping past the lock.
 * The alternatives were weighed: row locks (SELECT … FOR UPDATE, SKIP
 * LOCKED) protect single rows, but the core checks rules across rows (an
 * operator's overlapping work, a key looked up and then inserted), which
 * row locks cannot protect; SERIALIZABLE would, but turns conflicts into
 * serialization failures at any statement or at commit, which the storage
 * interface cannot retry (the core would report EBUSY to hosts on every
 * contended tick). Writes are short, so one writer at a time costs little,
 * and the busy timeout (lock_timeout) bounds the wait: EBUSY past it.
 *
 * Connections: a lost connection fails the running callback with ESTORAGE
 * and the server discards the open transaction, so nothing half-written
 * survives. The next begin() reconnects (PQreset); a transaction is never
 * resumed on a new connection. Messages name the server as
 * host:port/database and the user, never the password.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/pg/storage_pg.h"
#include "util/alloc.h"

/* Seconds to wait for a server when the connection string does not say
 * (libpq's own default is to wait forever). */
#define DEFAULT_CONNECT_TIMEOUT "10"

static es_pg *backend_of(engsched_storage *s) { return es_pg_of(s); }

static engsched_rc enter(es_pg *b) { return b->sql.drv->enter(&b->sql); }

/* --- messages ---------------------------------------------------------- */

/* Blank out the quoted parts of a libpq parse error: they quote pieces of
 * the connection string, which may be a password. */
static void redact_quoted(char *msg)
{
    int inside = 0;
    char *w = msg;
    for (char *r = msg; *r != '\0'; r++) {
        if (*r == '"') {
            if (!inside) {
                memcpy(w, "\"...", 4);
                w += 4;
            } else {
                *w++ = '"';
            }
            inside = !inside;
            continue;
        }
        if (!inside)
            *w++ = *r;
    }
    *w = '\0';
}

/* Where the connection goes, from libpq's view of it (never the
 * connection string, which may carry a password). */
static void describe_server(es_pg *b)
{
    const char *host = b->conn != NULL ? PQhost(b->conn) : NULL;
    const char *port = b->conn != NULL ? PQport(b->conn) : NULL;
    const char *db = b->conn != NULL ? PQdb(b->conn) : NULL;
    const char *user = b->conn != NULL ? PQuser(b->conn) : NULL;
    snprintf(b->where, sizeof b->where, "%s:%s/%s as %s",
             host != NULL && host[0] != '\0' ? host : "(default host)",
             port != NULL && port[0] != '\0' ? port : "5432",
             db != NULL && db[0] != '\0' ? db : "(default database)",
             user != NULL && user[0] != '\0' ? user : "(default user)");
}

/* --- connection -------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Session settings, after connecting and after every reconnect. */
static engsched_rc apply_lock_timeout(es_pg *b)
{
    /* lock_timeout 0 would mean "wait forever"; SQLite's busy timeout 0
     * means "do not wait", which 1 ms comes closest to. */
    char value[32];
    snprintf(value, sizeof value, "%dms", b->busy_ms > 0 ? b->busy_ms : 1);
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_SET_LOCK_TIMEOUT, "setting the busy timeout");
    es_sql_text(&c, value);
    return es_sql_exec(&c);
}

/* Drive an asynchronous connection attempt to its end, waiting at most
 * @p timeout_s seconds (0: no limit, as in libpq). Verbose errors carry
 * the server's SQLSTATE, which tells authentication failures apart. */
static int connect_poll(PGconn *conn, int timeout_s, int *timed_out)
{
    int64_t deadline = timeout_s > 0 ? now_ms() + (int64_t)timeout_s * 1000 : 0;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    *timed_out = 0;
    for (;;) {
        if (st == PGRES_POLLING_OK)
            return 1;
        if (st == PGRES_POLLING_FAILED)
            return 0;
        struct pollfd pfd = {PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
        int wait = -1;
        if (deadline != 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                *timed_out = 1;
                return 0;
            }
            wait = left > INT_MAX ? INT_MAX : (int)left;
        }
        if (pfd.fd < 0)
            return 0;
        int n = poll(&pfd, 1, wait);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 0;
        if (n == 0)
            continue; /* the deadline check above ends the wait */
        st = PQconnectPoll(conn);
    }
}

/* The connect_timeout of the connection string, or our default. */
static int connect_timeout_of(const PQconninfoOption *opts)
{
    int timeout = atoi(DEFAULT_CONNECT_TIMEOUT);
    for (const PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++) {
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val != NULL && o->val[0] != '\0')
            timeout = atoi(o->val);
    }
    if (timeout > 0 && timeout < 2)
        timeout = 2; /* as libpq does */
    return timeout;
}

/* The result code and message of a failed connection attempt. */
static engsched_rc connect_failure(es_pg *b, int timed_out, int timeout)
{
    char detail[ES_PG_MESSAGE_MAX];
    const char *raw = PQerrorMessage(b->conn);
    es_pg_clean_message(raw, detail, sizeof detail);
    if (timed_out) {
        es_sql_error(&b->sql,
                                   "cannot connect to %s: no answer within %d s "
                                   "(connect_timeout)",
                                   b->where, timeout);
        return ENGSCHED_ESTORAGE;
    }
    if (PQconnectionNeedsPassword(b->conn)) {
        es_sql_error(&b->sql,
                                   "cannot connect to %s: the server asks for a "
                                   "password and none was given",
                                   b->where);
        return ENGSCHED_EDENIED;
    }
    if (strstr(raw, " 28P01:") != NULL || strstr(raw, " 28000:") != NULL) {
        es_sql_error(&b->sql,
                                   "cannot connect to %s: authentication failed "
                                   "(%s)",
                                   b->where, detail);
        return ENGSCHED_EDENIED;
    }
    if (strstr(raw, " 3D000:") != NULL) {
        es_sql_error(&b->sql,
                                   "cannot connect to %s: the database does not "
                                   "exist (%s)",
                                   b->where, detail);
        return ENGSCHED_ENOTFOUND;
    }
    es_sql_error(&b->sql, "cannot connect to %s: %s", b->where,
                               detail[0] ? detail : "unknown error");
    return ENGSCHED_ESTORAGE;
}

engsched_rc es_pg_connect(es_pg *b, const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (opts == NULL) {
        char detail[ES_PG_MESSAGE_MAX];
        es_pg_clean_message(err != NULL ? err : "out of memory", detail, sizeof detail);
        redact_quoted(detail);
        es_sql_error(&b->sql, "the connection string is not valid: %s",
                                   detail);
        PQfreemem(err);
        return err != NULL ? ENGSCHED_EINVAL : ENGSCHED_ENOMEM;
    }
    int timeout = connect_timeout_of(opts);
    PQconninfoFree(opts);
    /* Later keywords win over the expanded connection string: the default
     * timeout comes first (the string may change it), the encoding last
     * (the backend reads and writes UTF-8). */
    const char *const keywords[] = {"connect_timeout", "dbname", "fallback_application_name",
                                    "client_encoding", NULL};
    const char *const values[] = {DEFAULT_CONNECT_TIMEOUT, conninfo, "libengsched", "UTF8",
                                  NULL};
    b->conn = PQconnectStartParams(keywords, values, 1);
    if (b->conn == NULL) {
        es_sql_error(&b->sql, "out of memory connecting");
        return ENGSCHED_ENOMEM;
    }
    PQsetErrorVerbosity(b->conn, PQERRORS_VERBOSE);
    int timed_out = 0;
    int ok = PQstatus(b->conn) != CONNECTION_BAD && connect_poll(b->conn, timeout, &timed_out);
    describe_server(b);
    if (!ok || PQstatus(b->conn) != CONNECTION_OK) {
        engsched_rc rc = connect_failure(b, timed_out, timeout);
        PQfinish(b->conn);
        b->conn = NULL;
        return rc;
    }
    PQsetErrorVerbosity(b->conn, PQERRORS_DEFAULT);
    return apply_lock_timeout(b);
}

/* Before a transaction: a connection lost earlier (server restart,
 * network, administrator) is made again. Never inside a transaction. */
engsched_rc es_pg_ensure_connected(es_pg *b)
{
    if (PQstatus(b->conn) == CONNECTION_OK)
        return ENGSCHED_OK;
    PQreset(b->conn);
    memset(b->prepared, 0, sizeof b->prepared);
    memset(b->query_prepared, 0, sizeof b->query_prepared);
    if (PQstatus(b->conn) != CONNECTION_OK) {
        char detail[ES_PG_MESSAGE_MAX];
        es_pg_clean_message(PQerrorMessage(b->conn), detail, sizeof detail);
        es_sql_error(&b->sql,
                                   "the connection to %s was lost and could not "
                                   "be made again: %s",
                                   b->where, detail);
        return ENGSCHED_ESTORAGE;
    }
    return apply_lock_timeout(b);
}

/* --- transactions ------------------------------------------------------ */

static engsched_rc rollback_open(es_pg *b)
{
    if (b->conn == NULL || PQstatus(b->conn) != CONNECTION_OK)
        return ENGSCHED_OK; /* the server discards the transaction of a lost session */
    if (PQtransactionStatus(b->conn) == PQTRANS_IDLE)
        return ENGSCHED_OK;
    engsched_rc rc = es_pg_exec_once(b, "ROLLBACK", "rolling back");
    if (rc != ENGSCHED_OK && PQstatus(b->conn) != CONNECTION_OK)
        return ENGSCHED_OK; /* lost while rolling back: discarded all the same */
    return rc;
}

/* Keep the message of the failure while cleaning up after it. */
void es_pg_rollback_keeping_message(es_pg *b)
{
    char message[ES_PG_MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->sql.base));
    rollback_open(b);
    engsched_storage_set_error(&b->sql.base, "%s", message);
}

/* The store's write lock (see the top of this file). */
engsched_rc es_pg_take_write_lock(es_pg *b)
{
    if (!b->have_lock_key) {
        es_sql_error(&b->sql, "begin() before prepare()");
        return ENGSCHED_EMISUSE;
    }
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_LOCK, "taking the write lock");
    es_sql_int(&c, ES_PG_LOCK_CLASS);
    es_sql_int(&c, b->lock_key);
    engsched_rc rc = es_sql_exec(&c);
    if (rc == ENGSCHED_EBUSY)
        es_sql_error(&b->sql,
                                   "the store in schema %s stayed locked by "
                                   "another writer past the busy timeout (%d ms)",
                                   b->schema, b->busy_ms);
    return rc;
}

static engsched_rc pg_begin(engsched_storage *s, int write)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = es_pg_ensure_connected(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQtransactionStatus(b->conn) != PQTRANS_IDLE) {
        es_sql_error(&b->sql, "a transaction is already open");
        return ENGSCHED_EMISUSE;
    }
    if (!write)
        return es_pg_exec_once(b, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                               "beginning a transaction");
    return es_pg_begin_write(b);
}

/* BEGIN of a write transaction, then the store's lock. The core does not
 * roll back a begin() that failed. */
engsched_rc es_pg_begin_write(es_pg *b)
{
    engsched_rc rc = es_pg_exec_once(b, "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE",
                                     "beginning a transaction");
    if (rc == ENGSCHED_OK)
        rc = es_pg_take_write_lock(b);
    if (rc != ENGSCHED_OK)
        es_pg_rollback_keeping_message(b);
    return rc;
}

/* COMMIT of a transaction an error aborted rolls it back: its reply says
 * ROLLBACK. On failure the transaction is rolled back. */
engsched_rc es_pg_commit(es_pg *b, const char *what, const char *aborted)
{
    PGresult *r = NULL;
    engsched_rc rc = es_pg_run_once(b, "COMMIT", NULL, what, &r);
    if (rc == ENGSCHED_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        es_sql_error(&b->sql, "%s", aborted);
        rc = ENGSCHED_ESTORAGE;
    }
    PQclear(r);
    if (rc != ENGSCHED_OK)
        es_pg_rollback_keeping_message(b);
    return rc;
}

static engsched_rc pg_commit(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    return es_pg_commit(b, "committing",
                        "committing: an earlier statement failed; the transaction was rolled "
                        "back");
}

static engsched_rc pg_rollback(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    return rc != ENGSCHED_OK ? rc : rollback_open(b);
}

/* Savepoints: constant statements, run only inside the core's write
 * transaction. Outside one PostgreSQL refuses them, and in a transaction
 * an error aborted every statement fails until the rollback, so no write
 * can slip past a lost transaction; the failure is mapped as any other. */
static engsched_rc pg_savepoint(engsched_storage *s)
{
    return es_sql_savepoint_run(s, ES_SQL_SAVEPOINT, "opening a savepoint", NULL);
}

static engsched_rc pg_release(engsched_storage *s)
{
    return es_sql_savepoint_run(s, ES_SQL_RELEASE, "releasing a savepoint", NULL);
}

static engsched_rc pg_rollback_to(engsched_storage *s)
{
    return es_sql_savepoint_run(s, ES_SQL_ROLLBACK_TO, "rolling back to a savepoint", NULL);
}

static engsched_rc pg_set_busy_timeout(engsched_storage *s, int milliseconds)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    b->busy_ms = milliseconds > 0 ? milliseconds : 0;
    if (PQstatus(b->conn) != CONNECTION_OK)
        return ENGSCHED_OK; /* applied when the connection is made again */
    return apply_lock_timeout(b);
}

int es_pg_backend_pid(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    return b->conn != NULL && PQstatus(b->conn) == CONNECTION_OK ? PQbackendPID(b->conn) : 0;
}

/* The connection's callbacks in the backend's table (open.c fills the rest). */
void es_pg_fill_connection(engsched_storage *t)
{
    t->set_busy_timeout = pg_set_busy_timeout;
    t->begin = pg_begin;
    t->commit = pg_commit;
    t->rollback = pg_rollback;
    t->savepoint = pg_savepoint;
    t->release = pg_release;
    t->rollback_to = pg_rollback_to;
}
