/* The built-in storage backend: one SQLite connection per backend.
 *
 * Design notes (DESIGN.md §7, include/engsched/storage.h):
 * - Every statement is prepared once, lazily, with SQLITE_PREPARE_PERSISTENT
 *   and cached in the backend; nothing is ever built from input.
 * - Strings in records filled by a get callback point into the result row of
 *   the statement that produced them: that statement is "held" un-reset and
 *   is reset at the start of the next callback. This matches the contract
 *   ("valid until the next call on the same backend") with no copies and no
 *   allocation, so getters have no out-of-memory path. Settings are the
 *   exception: they are read whole and kept (settings_current()).
 * - Optional references (user ids, an event's engagement and statuses) are
 *   NULL in the store, so foreign keys hold, and 0 in records.
 * - The backend never prints, exits or aborts; failures are described with
 *   engsched_storage_set_error() and mapped to engsched_rc.
 * - No global state: one backend is used by one thread at a time.
 */
#include "storage/sqlite/storage_sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "storage/sqlite/settings_cache.h"

/* Incremental blob I/O moves file bytes in pieces of this size, so a large
 * upload never needs one huge SQLite call. */
#define FILE_CHUNK ((size_t)64 * 1024)

/* Default busy timeout until the core sets the handle's own. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* Room for a message kept across a second SQLite call (the core's buffer
 * is 512 bytes as well). */
#define MESSAGE_MAX 512

enum stmt_id {
    ST_BEGIN_READ,
    ST_BEGIN_WRITE,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_APPLICATION_ID,
    ST_SCHEMA_OBJECTS,
    ST_USER_VERSION,
    ST_SETTING_ALL,
    ST_DATA_VERSION,
    ST_SETTING_SET,
    ST_CLIENT_FIND,
    ST_CLIENT_INSERT,
    ST_CLIENT_UPDATE,
    ST_CLIENT_GET,
    ST_USER_FIND,
    ST_USER_INSERT,
    ST_USER_UPDATE,
    ST_USER_GET,
    ST_ROLE_INSERT,
    ST_ROLE_UPDATE,
    ST_ROLE_GET,
    ST_ROLE_FIND,
    ST_ACCESS_GRANT,
    ST_ACCESS_REVOKE,
    ST_ACCESS_CHECK,
    ST_ENGAGEMENT_INSERT,
    ST_ENGAGEMENT_UPDATE,
    ST_ENGAGEMENT_KEPT,
    ST_ENGAGEMENT_UPDATE_STATE,
    ST_ENGAGEMENT_GET,
    ST_ENGAGEMENTS_DUE,
    ST_REPORT_INSERT,
    ST_REPORT_UPDATE,
    ST_REPORT_ENGAGEMENT,
    ST_ASSIGNMENT_INSERT,
    ST_ASSIGNMENT_DELETE,
    ST_ASSIGNMENT_LIST,
    ST_FILE_INSERT,
    ST_FILE_DATA_INSERT,
    ST_FILE_GET,
    ST_FILE_EXISTS,
    ST_FILE_DATA_DELETE,
    ST_FILE_DELETE,
    ST_FILE_LIST,
    ST_EVENT_APPEND,
    ST_EVENT_LIST_ALL,
    ST_EVENT_LIST_ONE,
    ST_EVENT_LAST_SEQ,
    ST_USERS_WITH_PERMISSIONS,
    ST_OPERATOR_WORK,
    ST_UNAVAILABILITY_INSERT,
    ST_UNAVAILABILITY_GET,
    ST_UNAVAILABILITY_DELETE,
    ST_UNAVAILABILITY_LIST,
    ST_INVITATION_GET,
    ST_INVITATION_PUT,
    ST_CLIENT_LIST,
    ST_USER_LIST,
    ST_ROLE_LIST,
    ST_ACCESS_LIST,
    ST_SCOPE_SIZE,
    ST_COUNT
};

/* The columns fill_engagement() reads, in its order. A report is optional:
 * LEFT JOIN gives NULLs, read back as id 0, status NONE and title "". */
#define ENGAGEMENT_SELECT                                                                   \
    "SELECT e.id, e.client, e.requested_by, e.name, e.description, e.type, e.location,"    \
    " e.contacts, e.custom_fields, e.cancel_reason, e.start_day, e.end_day, e.status,"     \
    " e.version, e.created_at, e.updated_at, r.id, r.status, r.title"                      \
    " FROM engagements AS e LEFT JOIN reports AS r ON r.engagement = e.id "

/* The columns bind_engagement() binds, from its first index on. */
#define ENGAGEMENT_COLUMNS                                                                  \
    "client, requested_by, name, description, type, location, contacts, custom_fields,"    \
    " cancel_reason, start_day, end_day, status, version, created_at, updated_at"

/* The columns fill_user() reads, in its order (users u, roles r). */
#define USER_SELECT                                                                         \
    "SELECT u.id, u.host_key, u.email, u.display_name, u.role, u.flags, r.permissions"     \
    " FROM users AS u JOIN roles AS r ON r.id = u.role "

#define UNAVAILABILITY_COLUMNS "id, user, start_day, end_day, reason, created_by, created_at"

#define FILE_COLUMNS "id, engagement, name, media_type, size, uploaded_by, uploaded_at"
#define EVENT_COLUMNS                                                                       \
    "seq, time, actor, engagement, action, status_before, status_after, details"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN_READ] = "BEGIN DEFERRED",
    [ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT es_op",
    [ST_RELEASE] = "RELEASE es_op",
    [ST_ROLLBACK_TO] = "ROLLBACK TO es_op",
    [ST_APPLICATION_ID] = "PRAGMA application_id",
    [ST_SCHEMA_OBJECTS] = "SELECT count(*) FROM sqlite_schema",
    [ST_USER_VERSION] = "PRAGMA user_version",
    [ST_SETTING_ALL] = "SELECT key, value FROM settings",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_SETTING_SET] = "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [ST_CLIENT_FIND] = "SELECT id FROM clients WHERE host_key = ?1",
    [ST_CLIENT_INSERT] = "INSERT INTO clients(host_key, name) VALUES(?1, ?2)",
    [ST_CLIENT_UPDATE] = "UPDATE clients SET name = ?2 WHERE id = ?1",
    [ST_CLIENT_GET] = "SELECT id, host_key, name FROM clients WHERE id = ?1",
    [ST_USER_FIND] = "SELECT id FROM users WHERE host_key = ?1",
    [ST_USER_INSERT] = "INSERT INTO users(host_key, email, display_name, role, flags)"
                       " VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_USER_UPDATE] = "UPDATE users SET email = ?2, display_name = ?3, role = ?4, flags = ?5"
                       " WHERE id = ?1",
    [ST_USER_GET] = USER_SELECT "WHERE u.id = ?1",
    [ST_ROLE_INSERT] = "INSERT INTO roles(id, name, permissions) VALUES(?1, ?2, ?3)",
    [ST_ROLE_UPDATE] = "UPDATE roles SET permissions = ?2 WHERE id = ?1",
    [ST_ROLE_GET] = "SELECT id, name, permissions FROM roles WHERE id = ?1",
    [ST_ROLE_FIND] = "SELECT id FROM roles WHERE name = ?1",
    [ST_ACCESS_GRANT] = "INSERT INTO client_access(user, client) VALUES(?1, ?2)"
                        " ON CONFLICT DO NOTHING",
    [ST_ACCESS_REVOKE] = "DELETE FROM client_access WHERE user = ?1 AND client = ?2",
    [ST_ACCESS_CHECK] = "SELECT 1 FROM client_access WHERE user = ?1 AND client = ?2",
    [ST_ENGAGEMENT_INSERT] = "INSERT INTO engagements(" ENGAGEMENT_COLUMNS ")"
                             " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                             " ?14, ?15)",
    /* The columns an update of the state alone (status, version,
     * updated_at) keeps, in bind_engagement() order but the three. */
    [ST_ENGAGEMENT_KEPT] = "SELECT client, requested_by, name, description, type, location,"
                           " contacts, custom_fields, cancel_reason, start_day, end_day,"
                           " created_at FROM engagements WHERE id = ?1",
    [ST_ENGAGEMENT_UPDATE_STATE] = "UPDATE engagements SET status = ?2, version = ?3,"
                                   " updated_at = ?4 WHERE id = ?1",
    [ST_ENGAGEMENT_UPDATE] = "UPDATE engagements SET (" ENGAGEMENT_COLUMNS ")"
                             " = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                             " ?15, ?16) WHERE id = ?1",
    [ST_ENGAGEMENT_GET] = ENGAGEMENT_SELECT "WHERE e.id = ?1",
    /* The ids first, from engagements_due alone (covering), then the rows
     * of just those: "ORDER BY e.id LIMIT" on the rows themselves reads and
     * sorts the whole row (report joined) of every due engagement for
     * each batch, which makes a large tick quadratic in row reads. */
    [ST_ENGAGEMENTS_DUE] = ENGAGEMENT_SELECT
    "WHERE e.id IN (SELECT id FROM engagements WHERE status = ?1 AND start_day <= ?2"
    " AND id > ?3 ORDER BY id LIMIT ?4) ORDER BY e.id",
    [ST_REPORT_INSERT] = "INSERT INTO reports(engagement, title, status) VALUES(?1, ?2, ?3)",
    [ST_REPORT_UPDATE] = "UPDATE reports SET title = ?3, status = ?4"
                         " WHERE id = ?1 AND engagement = ?2",
    [ST_REPORT_ENGAGEMENT] = "SELECT engagement FROM reports WHERE id = ?1",
    [ST_ASSIGNMENT_INSERT] = "INSERT INTO assignments(engagement, user, role, assigned_by,"
                             " assigned_at) VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_ASSIGNMENT_DELETE] = "DELETE FROM assignments WHERE engagement = ?1 AND user = ?2",
    [ST_ASSIGNMENT_LIST] = "SELECT engagement, user, role, assigned_by, assigned_at"
                           " FROM assignments WHERE engagement = ?1 ORDER BY ord",
    [ST_FILE_INSERT] = "INSERT INTO files(engagement, name, media_type, size, uploaded_by,"
                       " uploaded_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_FILE_DATA_INSERT] = "INSERT INTO file_data(file, data) VALUES(?1, zeroblob(?2))",
    [ST_FILE_GET] = "SELECT " FILE_COLUMNS " FROM files WHERE id = ?1",
    [ST_FILE_EXISTS] = "SELECT 1 FROM files WHERE id = ?1",
    [ST_FILE_DATA_DELETE] = "DELETE FROM file_data WHERE file = ?1",
    [ST_FILE_DELETE] = "DELETE FROM files WHERE id = ?1",
    [ST_FILE_LIST] = "SELECT " FILE_COLUMNS " FROM files WHERE engagement = ?1 ORDER BY id",
    [ST_EVENT_APPEND] = "INSERT INTO events(time, actor, engagement, action, status_before,"
                        " status_after, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_EVENT_LIST_ALL] = "SELECT " EVENT_COLUMNS " FROM events WHERE seq > ?1"
                          " ORDER BY seq LIMIT ?2",
    [ST_EVENT_LIST_ONE] = "SELECT " EVENT_COLUMNS " FROM events"
                          " WHERE engagement = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    [ST_EVENT_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    /* ?1 permissions, ?2 scope user (0: none), ?3 after name (NULL: from
     * the start), ?4 after id, ?5 limit, ?6 the all-clients flag bit. */
    [ST_USERS_WITH_PERMISSIONS] =
        USER_SELECT "WHERE (r.permissions & ?1) = ?1"
        " AND (?2 = 0 OR (u.flags & ?6) != 0"
        " OR (SELECT s.flags & ?6 FROM users AS s WHERE s.id = ?2) != 0"
        " OR EXISTS (SELECT 1 FROM client_access AS mine"
        " JOIN client_access AS theirs ON theirs.client = mine.client"
        " WHERE mine.user = ?2 AND theirs.user = u.id))"
        " AND (?3 IS NULL OR (u.display_name, u.id) > (?3, ?4))"
        " ORDER BY u.display_name, u.id LIMIT ?5",
    /* assignments_dates (migration 2) finds the range; the lower bound
     * on start_day keeps the seek to the engagements near it. Only the
     * fields storage.h asks of work rows are read: no report lookup. */
    [ST_OPERATOR_WORK] =
        "SELECT e.id, e.client, 0, e.name, '', '', '', '', '{}', '', e.start_day, e.end_day,"
        " e.status, e.version, e.created_at, e.updated_at, 0, 0, ''"
        " FROM assignments AS a JOIN engagements AS e ON e.id = a.engagement"
        " WHERE a.user = ?1 AND a.start_day <= ?4 AND a.end_day >= ?3"
        " AND a.start_day >= ?3 - (SELECT max(end_day - start_day) FROM engagements)"
        " AND ((?2 >> e.status) & 1) = 1 ORDER BY a.start_day, e.id",
    [ST_UNAVAILABILITY_INSERT] = "INSERT INTO unavailability(user, start_day, end_day, reason,"
                                 " created_by, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_UNAVAILABILITY_GET] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                              " WHERE id = ?1",
    [ST_UNAVAILABILITY_DELETE] = "DELETE FROM unavailability WHERE id = ?1",
    [ST_UNAVAILABILITY_LIST] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                               " WHERE user = ?1 AND start_day <= ?3 AND end_day >= ?2"
                               " ORDER BY start_day, id",
    [ST_INVITATION_GET] = "SELECT engagement, user, sequence, canceled, updated_at"
                          " FROM invitations WHERE engagement = ?1 AND user = ?2",
    [ST_INVITATION_PUT] = "INSERT INTO invitations(engagement, user, sequence, canceled,"
                          " updated_at) VALUES(?1, ?2, ?3, ?4, ?5)"
                          " ON CONFLICT(engagement, user) DO UPDATE SET"
                          " sequence = excluded.sequence, canceled = excluded.canceled,"
                          " updated_at = excluded.updated_at",
    [ST_CLIENT_LIST] = "SELECT id, host_key, name FROM clients WHERE id > ?1"
                       " ORDER BY id LIMIT ?2",
    [ST_USER_LIST] = USER_SELECT "WHERE u.id > ?1 ORDER BY u.id LIMIT ?2",
    [ST_ROLE_LIST] = "SELECT id, name, permissions FROM roles ORDER BY id",
    [ST_ACCESS_LIST] = "SELECT c.id, c.host_key, c.name FROM client_access AS ca"
                       " JOIN clients AS c ON c.id = ca.client WHERE ca.user = ?1"
                       " ORDER BY c.id",
    /* What scope_is_wide() weighs: the user's clients, and the largest
     * client and engagement ids (the counts, near enough, in a few pages:
     * count(*) would read every page of clients, and the cache pages it
     * takes are those the page of rows that follows needs). */
    [ST_SCOPE_SIZE] = "SELECT (SELECT count(*) FROM client_access WHERE user = ?1),"
                      " (SELECT coalesce(max(id), 0) FROM clients),"
                      " (SELECT coalesce(max(id), 0) FROM engagements)",
};

/* engagement_query() statements: one per combination of sort key,
 * direction and query shape, composed from constant fragments (never
 * from input) so that SQLite plans each with the constraints it really
 * has. 5 sort keys x 2 directions x 2^QF_COUNT shapes (not all of them
 * possible, see query_shape_valid()). Besides the filters present, two
 * bits choose the plan where SQLite cannot (query_filters()):
 * - QF_WIDE: the scope user can see many clients; the client test is
 *   written "+e.client IN (...)" so that SQLite walks the index of the
 *   sort key and stops after a page, instead of reading every row of
 *   every client in the scope and sorting them all for one page;
 * - QF_ONE_STATUS: one status, by start date, with no narrow scope:
 *   "e.status = ?12", which walks engagements_due (status, start_day,
 *   id) in the very order of the page. */
enum query_filter {
    QF_CLIENT,
    QF_OPERATOR,
    QF_SCOPE,
    QF_RANGE,
    QF_TEXT,
    QF_AFTER,
    QF_WIDE,
    QF_ONE_STATUS,
    QF_COUNT
};
#define QUERY_SORTS 5
#define QUERY_VARIANTS (QUERY_SORTS * 2 * (1 << QF_COUNT))

typedef struct es_sqlite {
    engsched_storage base; /* first: the core casts between the two */
    sqlite3 *db;           /* NULL once a store we created was discarded */
    sqlite3_stmt *stmts[ST_COUNT];
    sqlite3_stmt *queries[QUERY_VARIANTS]; /* engagement_query() variants */
    sqlite3_stmt *held;    /* backs the strings of the last filled record */
    es_settings_cache settings; /* see settings_current() */
    int settings_checked;  /* settings_current() ran in this transaction */
    /* The file name and room for its "-journal", "-wal" and "-shm"
     * siblings, allocated up front so discarding never allocates. NULL
     * for :memory:. */
    char *path;
    size_t path_len;
    int created;  /* this backend created the file */
    int prepared; /* prepare() has succeeded once */
    int readonly; /* ENGSCHED_OPEN_READONLY: prepare() never writes */
} es_sqlite;

static es_sqlite *backend_of(engsched_storage *s) { return (es_sqlite *)s; }

/* --- errors ------------------------------------------------------------ */

static engsched_rc map_sqlite_rc(int src)
{
    switch (src & 0xff) {
    case SQLITE_OK:
        return ENGSCHED_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ENGSCHED_EBUSY;
    case SQLITE_NOMEM:
        return ENGSCHED_ENOMEM;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ENGSCHED_ECORRUPT;
    case SQLITE_TOOBIG:
        return ENGSCHED_ETOOBIG;
    case SQLITE_CONSTRAINT:
        if (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
            return ENGSCHED_EEXISTS;
        return ENGSCHED_ESTORAGE;
    default:
        return ENGSCHED_ESTORAGE;
    }
}

/* Describe a failed SQLite call and map its code. @p what says what the
 * backend was doing, in the words of the storage interface. */
static engsched_rc fail(es_sqlite *b, int src, const char *what)
{
    const char *detail = b->db != NULL ? sqlite3_errmsg(b->db) : sqlite3_errstr(src);
    engsched_storage_set_error(&b->base, "sqlite: %s: %s", what, detail);
    return map_sqlite_rc(src);
}

static engsched_rc not_found(es_sqlite *b, const char *what, engsched_id id)
{
    engsched_storage_set_error(&b->base, "sqlite: %s %lld does not exist", what,
                               (long long)id);
    return ENGSCHED_ENOTFOUND;
}

/* --- statements -------------------------------------------------------- */

/* Reset a statement and drop its bindings: bound strings are borrowed from
 * the caller (SQLITE_STATIC) and must not outlive the call. */
static void stmt_release(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Start of every callback: the previous call's record strings expire. */
static engsched_rc enter(es_sqlite *b)
{
    stmt_release(b->held);
    b->held = NULL;
    if (b->db == NULL) {
        engsched_storage_set_error(&b->base, "sqlite: the store was discarded after a "
                                             "failed open; free the backend");
        return ENGSCHED_EMISUSE;
    }
    return ENGSCHED_OK;
}

/* The statement cached in @p slot, prepared from @p sql on first use (so
 * nothing is prepared against tables a migration has yet to create). */
static engsched_rc stmt_cached(es_sqlite *b, sqlite3_stmt **slot, const char *sql,
                               sqlite3_stmt **out)
{
    sqlite3_stmt *st = *slot;
    if (st == NULL) {
        int src = sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (src != SQLITE_OK)
            return fail(b, src, "preparing a statement");
        *slot = st;
    } else if (sqlite3_stmt_busy(st)) {
        /* Only an iteration in progress leaves a statement running between
         * calls (held ones were reset by enter()): a row callback called
         * back into the backend with the query it is iterating. */
        engsched_storage_set_error(&b->base, "sqlite: a row callback re-entered the query "
                                             "it is iterating");
        return ENGSCHED_EMISUSE;
    }
    *out = st;
    return ENGSCHED_OK;
}

static engsched_rc stmt_get(es_sqlite *b, enum stmt_id id, sqlite3_stmt **out)
{
    return stmt_cached(b, &b->stmts[id], stmt_sql[id], out);
}

static void stmt_finalize_all(es_sqlite *b)
{
    b->held = NULL;
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(b->stmts[i]);
        b->stmts[i] = NULL;
    }
    for (int i = 0; i < QUERY_VARIANTS; i++) {
        sqlite3_finalize(b->queries[i]);
        b->queries[i] = NULL;
    }
}

/* Binding helpers keep the first failure in *src, so a run of binds is
 * checked once. Text is bound SQLITE_STATIC: it lives during the call and
 * stmt_release() unbinds it before the call returns. */
static void bind_text(sqlite3_stmt *st, int idx, const char *v, int *src)
{
    if (*src != SQLITE_OK)
        return;
    *src = v != NULL ? sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC)
                     : sqlite3_bind_null(st, idx);
}

/* Text fields documented as `"" if none` (or "{}"): NULL means the default. */
static void bind_text_or(sqlite3_stmt *st, int idx, const char *v, const char *dflt, int *src)
{
    bind_text(st, idx, v != NULL ? v : dflt, src);
}

static void bind_int(sqlite3_stmt *st, int idx, int64_t v, int *src)
{
    if (*src == SQLITE_OK)
        *src = sqlite3_bind_int64(st, idx, v);
}

/* Optional references: 0 in records is NULL in the store. */
static void bind_opt(sqlite3_stmt *st, int idx, int64_t v, int *src)
{
    if (*src != SQLITE_OK)
        return;
    *src = v != 0 ? sqlite3_bind_int64(st, idx, v) : sqlite3_bind_null(st, idx);
}

/* Required text columns are never NULL; a STRICT TEXT column in a UTF-8
 * database is returned without conversion, so no allocation can fail. */
static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v != NULL ? (const char *)v : "";
}

static const char *col_text_opt(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    return col_text(st, col);
}

/* Run a statement that returns no rows; releases it. */
static engsched_rc exec_stmt(es_sqlite *b, sqlite3_stmt *st, const char *what)
{
    int src = sqlite3_step(st);
    engsched_rc rc = src == SQLITE_DONE ? ENGSCHED_OK : fail(b, src, what);
    stmt_release(st);
    return rc;
}

/* Step a statement expected to return at most one row. On SQLITE_ROW the
 * statement is left positioned on the row (the caller reads and releases
 * or holds it); *out_found tells whether there was one. */
static engsched_rc step_one(es_sqlite *b, sqlite3_stmt *st, const char *what, int *out_found)
{
    int src = sqlite3_step(st);
    *out_found = src == SQLITE_ROW;
    if (src == SQLITE_ROW)
        return ENGSCHED_OK;
    engsched_rc rc = src == SQLITE_DONE ? ENGSCHED_OK : fail(b, src, what);
    stmt_release(st);
    return rc;
}

/* A query returning one integer (an id, a count, a pragma). *out_found is
 * 0 when there was no row. */
static engsched_rc query_int(es_sqlite *b, sqlite3_stmt *st, const char *what, int64_t *out,
                             int *out_found)
{
    engsched_rc rc = step_one(b, st, what, out_found);
    if (rc != ENGSCHED_OK || !*out_found)
        return rc;
    *out = sqlite3_column_int64(st, 0);
    stmt_release(st);
    return ENGSCHED_OK;
}

/* Find an id by one text key (client, user, role lookups). */
static engsched_rc find_by_text(es_sqlite *b, enum stmt_id id, const char *key,
                                const char *what, int64_t *out, int *out_found)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, id, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_text(st, 1, key, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, what);
    }
    return query_int(b, st, what, out, out_found);
}

/* The cached statement @p id with its first parameter bound to @p first
 * (an id in most statements); the common first step of most callbacks. */
static engsched_rc stmt_with_int(es_sqlite *b, enum stmt_id id, int64_t first,
                                 sqlite3_stmt **out)
{
    engsched_rc rc = stmt_get(b, id, out);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(*out, 1, first, &src);
    if (src != SQLITE_OK) {
        stmt_release(*out);
        return fail(b, src, "binding a parameter");
    }
    return ENGSCHED_OK;
}

/* The same with two integer parameters (user and client, engagement and
 * user). */
static engsched_rc stmt_with_ints(es_sqlite *b, enum stmt_id id, int64_t first, int64_t second,
                                  sqlite3_stmt **out)
{
    engsched_rc rc = stmt_with_int(b, id, first, out);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(*out, 2, second, &src);
    if (src != SQLITE_OK) {
        stmt_release(*out);
        return fail(b, src, "binding a parameter");
    }
    return ENGSCHED_OK;
}

/* Run a by-id statement that returns one row; on success the statement is
 * held and positioned on it, so the caller may point records into it. */
static engsched_rc get_row(es_sqlite *b, enum stmt_id id, int64_t key, const char *what,
                           sqlite3_stmt **out)
{
    engsched_rc rc = stmt_with_int(b, id, key, out);
    if (rc != ENGSCHED_OK)
        return rc;
    int found;
    rc = step_one(b, *out, what, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found)
        return not_found(b, what, key);
    b->held = *out;
    return ENGSCHED_OK;
}

/* --- transactions ------------------------------------------------------ */

static engsched_rc run_fixed(es_sqlite *b, enum stmt_id id, const char *what)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, id, &st);
    return rc != ENGSCHED_OK ? rc : exec_stmt(b, st, what);
}

/* The kept settings (see settings_current()) after a write of this
 * connection that data_version would not show: a setting written, or a
 * transaction (or savepoint) rolled back that may have written one. */
static void settings_forget(es_sqlite *b)
{
    es_settings_cache_clear(&b->settings);
    b->settings_checked = 0;
}

static engsched_rc sq_begin(engsched_storage *s, int write)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    b->settings_checked = 0; /* a new snapshot */
    /* IMMEDIATE takes the write lock now, waiting up to the busy timeout,
     * so a writer never fails half-way on a lock upgrade. */
    return run_fixed(b, write ? ST_BEGIN_WRITE : ST_BEGIN_READ, "beginning a transaction");
}

static engsched_rc rollback_open(es_sqlite *b)
{
    settings_forget(b);
    if (sqlite3_get_autocommit(b->db))
        return ENGSCHED_OK; /* nothing open, or SQLite already rolled back */
    return run_fixed(b, ST_ROLLBACK, "rolling back");
}

static engsched_rc sq_commit(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    b->settings_checked = 0;
    rc = run_fixed(b, ST_COMMIT, "committing");
    if (rc != ENGSCHED_OK) {
        /* SQLite may keep the transaction open after a failed COMMIT (a
         * busy one can be retried); the contract says it is rolled back.
         * The commit failure is the message the caller needs. */
        char message[MESSAGE_MAX];
        snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->base));
        rollback_open(b);
        engsched_storage_set_error(&b->base, "%s", message);
    }
    return rc;
}

static engsched_rc sq_rollback(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    return rc != ENGSCHED_OK ? rc : rollback_open(b);
}

/* Savepoints live inside the core's transaction only. Outside one,
 * SAVEPOINT would start a transaction of its own and RELEASE would commit
 * it; and SQLite ends a transaction by itself after some errors (a full
 * disk, an I/O error, out of memory), which must surface as a failure. */
static engsched_rc run_in_transaction(engsched_storage *s, enum stmt_id id, const char *what)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (sqlite3_get_autocommit(b->db)) {
        engsched_storage_set_error(&b->base, "sqlite: %s: no transaction is open (SQLite "
                                             "rolled it back after an earlier error)",
                                   what);
        return ENGSCHED_ESTORAGE;
    }
    return run_fixed(b, id, what);
}

static engsched_rc sq_savepoint(engsched_storage *s)
{
    return run_in_transaction(s, ST_SAVEPOINT, "opening a savepoint");
}

static engsched_rc sq_release(engsched_storage *s)
{
    return run_in_transaction(s, ST_RELEASE, "releasing a savepoint");
}

/* Like a rollback, it may undo a setting the kept copy already holds. */
static engsched_rc sq_rollback_to(engsched_storage *s)
{
    settings_forget(backend_of(s));
    return run_in_transaction(s, ST_ROLLBACK_TO, "rolling back to a savepoint");
}

static engsched_rc sq_set_busy_timeout(engsched_storage *s, int milliseconds)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = sqlite3_busy_timeout(b->db, milliseconds > 0 ? milliseconds : 0);
    return src == SQLITE_OK ? ENGSCHED_OK : fail(b, src, "setting the busy timeout");
}

/* --- schema ------------------------------------------------------------ */

static engsched_rc read_user_version(es_sqlite *b, int *out)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, ST_USER_VERSION, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int64_t v = 0;
    int found;
    rc = query_int(b, st, "reading the schema version", &v, &found);
    *out = (int)v;
    return rc;
}

static engsched_rc sq_schema_version(engsched_storage *s, int *out_version)
{
    es_sqlite *b = backend_of(s);
    int layout = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = read_user_version(b, &layout);
    if (rc == ENGSCHED_OK)
        *out_version = es_sqlite_model_of(layout);
    return rc;
}

static engsched_rc refuse_newer(es_sqlite *b, int stored, int supported)
{
    engsched_storage_set_error(&b->base,
                               "sqlite: the store has schema version %d, newer than the "
                               "supported version %d; use a newer libengsched",
                               stored, supported);
    return ENGSCHED_EUNSUPPORTED;
}

/* Run one migration script plus the identification pragmas. Scripts are
 * constants of this library, never input, so sqlite3_exec is safe; the
 * pragmas take no parameters, hence the formatted integers. */
static engsched_rc apply_migration(es_sqlite *b, int version)
{
    char *errmsg = NULL;
    settings_forget(b); /* a script may write settings */
    int src = sqlite3_exec(b->db, es_sqlite_migration(version), NULL, NULL, &errmsg);
    sqlite3_free(errmsg); /* sqlite3_errmsg() still holds the text */
    if (src != SQLITE_OK)
        return fail(b, src, "migrating the schema");
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             (int)ES_SQLITE_APPLICATION_ID, version);
    src = sqlite3_exec(b->db, pragmas, NULL, NULL, NULL);
    return src == SQLITE_OK ? ENGSCHED_OK : fail(b, src, "recording the schema version");
}

/* One step forward, in its own write transaction. The version is read
 * again under the write lock: another process may have migrated since. */
static engsched_rc migrate_step(es_sqlite *b, int supported, int *version)
{
    engsched_rc rc = run_fixed(b, ST_BEGIN_WRITE, "beginning a migration");
    if (rc != ENGSCHED_OK)
        return rc;
    int current = 0;
    rc = read_user_version(b, &current);
    if (rc == ENGSCHED_OK && current > supported)
        rc = refuse_newer(b, current, supported);
    if (rc == ENGSCHED_OK && current < supported)
        rc = apply_migration(b, ++current);
    if (rc == ENGSCHED_OK)
        rc = run_fixed(b, ST_COMMIT, "committing a migration");
    if (rc != ENGSCHED_OK) {
        rollback_open(b);
        return rc;
    }
    *version = current;
    return ENGSCHED_OK;
}

/* Whether a file we created is still an empty database, i.e. nobody else
 * has put a schema into it since: only then may it be removed. */
static int still_empty(es_sqlite *b)
{
    sqlite3_stmt *st = NULL;
    if (stmt_get(b, ST_SCHEMA_OBJECTS, &st) != ENGSCHED_OK)
        return 0;
    int64_t n = 1;
    int found;
    if (query_int(b, st, "counting schema objects", &n, &found) != ENGSCHED_OK)
        return 0;
    return n == 0;
}

static void remove_with_suffix(es_sqlite *b, const char *suffix)
{
    strcpy(b->path + b->path_len, suffix);
    unlink(b->path);
    b->path[b->path_len] = '\0';
}

/* "Nothing is created when opening fails": close a store this backend
 * created and remove its files, unless another connection has begun using
 * it meanwhile (then it is theirs). The message of the failure is kept. */
static void discard_created(es_sqlite *b)
{
    if (!b->created || b->prepared)
        return;
    char message[MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->base));
    int keep = b->db != NULL && !still_empty(b);
    stmt_finalize_all(b);
    sqlite3_close(b->db);
    b->db = NULL;
    b->created = 0;
    if (!keep) {
        remove_with_suffix(b, "");
        remove_with_suffix(b, "-wal");
        remove_with_suffix(b, "-shm");
        remove_with_suffix(b, "-journal");
    }
    engsched_storage_set_error(&b->base, "%s", message);
}

static engsched_rc sq_prepare(engsched_storage *s, int supported_version, int *out_version)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    int version = 0;
    int known_model = es_sqlite_model_of(es_sqlite_schema_latest());
    if (supported_version > known_model) {
        engsched_storage_set_error(&b->base,
                                   "sqlite: schema version %d was asked for, but this "
                                   "backend only knows versions up to %d",
                                   supported_version, known_model);
        rc = ENGSCHED_EUNSUPPORTED;
        goto out;
    }
    /* From here on versions are layouts (PRAGMA user_version). */
    int target = es_sqlite_layout_for(supported_version);
    rc = read_user_version(b, &version);
    if (rc == ENGSCHED_OK && version > target)
        rc = refuse_newer(b, version, target);
    if (rc == ENGSCHED_OK && b->readonly && version < target) {
        /* A read-only open must not write, migrations included. */
        engsched_storage_set_error(&b->base,
                                   "sqlite: the store is at schema version %d and needs "
                                   "migrating to %d; open it once without read-only",
                                   version, target);
        rc = ENGSCHED_EUNSUPPORTED;
    }
    while (rc == ENGSCHED_OK && version < target)
        rc = migrate_step(b, target, &version);
out:
    if (rc != ENGSCHED_OK) {
        discard_created(b);
        return rc;
    }
    b->prepared = 1;
    if (out_version != NULL)
        *out_version = es_sqlite_model_of(version);
    return ENGSCHED_OK;
}

/* --- settings ---------------------------------------------------------- */

/* The settings table is read whole, in one statement, and kept between
 * transactions while PRAGMA data_version says that no other connection
 * has committed since; that is checked once per transaction, since the
 * snapshot a transaction reads cannot change under it. This connection's
 * own commits leave data_version as it was, so its own writes clear the
 * cache instead: setting_set(), and a rollback (which may undo one). */
static engsched_rc settings_load(es_sqlite *b, int64_t version)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, ST_SETTING_ALL, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    es_settings_cache_clear(&b->settings);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (es_settings_cache_add(&b->settings, col_text(st, 0), col_text(st, 1)) != ENGSCHED_OK) {
            stmt_release(st);
            engsched_storage_set_error(&b->base, "sqlite: out of memory reading the settings");
            return ENGSCHED_ENOMEM;
        }
    }
    if (src != SQLITE_DONE) {
        rc = fail(b, src, "reading the settings");
        es_settings_cache_clear(&b->settings);
    }
    stmt_release(st);
    if (rc == ENGSCHED_OK) {
        b->settings.version = version;
        b->settings.valid = 1;
    }
    return rc;
}

static engsched_rc settings_current(es_sqlite *b)
{
    if (b->settings_checked && b->settings.valid)
        return ENGSCHED_OK;
    sqlite3_stmt *st = NULL;
    int64_t version = 0;
    int found = 0;
    engsched_rc rc = stmt_get(b, ST_DATA_VERSION, &st);
    if (rc == ENGSCHED_OK)
        rc = query_int(b, st, "reading the data version", &version, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!b->settings.valid || b->settings.version != version)
        rc = settings_load(b, version);
    b->settings_checked = rc == ENGSCHED_OK;
    return rc;
}

static engsched_rc sq_setting_get(engsched_storage *s, const char *key, const char **out_value)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = settings_current(b);
    if (rc != ENGSCHED_OK)
        return rc;
    const char *value = key != NULL ? es_settings_cache_find(&b->settings, key) : NULL;
    if (value == NULL) {
        engsched_storage_set_error(&b->base, "sqlite: setting '%s' is not set",
                                   key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    *out_value = value;
    return ENGSCHED_OK;
}

static engsched_rc sq_setting_set(engsched_storage *s, const char *key, const char *value)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    settings_forget(b);
    rc = stmt_get(b, ST_SETTING_SET, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_text(st, 1, key, &src);
    bind_text(st, 2, value, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "writing a setting");
    }
    return exec_stmt(b, st, "writing a setting");
}

/* --- clients ----------------------------------------------------------- */

/* Upserts look the key up first: that tells created from updated, which
 * INSERT … ON CONFLICT cannot, and the transaction keeps the two steps
 * consistent. */
static engsched_rc client_write(es_sqlite *b, const engsched_rec_client *rec, int64_t id,
                                int found)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, found ? ST_CLIENT_UPDATE : ST_CLIENT_INSERT, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    if (found) {
        bind_int(st, 1, id, &src);
        bind_text(st, 2, rec->name, &src);
    } else {
        bind_text(st, 1, rec->host_key, &src);
        bind_text(st, 2, rec->name, &src);
    }
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "writing a client");
    }
    return exec_stmt(b, st, "writing a client");
}

static engsched_rc sq_client_upsert(engsched_storage *s, const engsched_rec_client *rec,
                                    engsched_id *out_id, int *out_created)
{
    es_sqlite *b = backend_of(s);
    int64_t id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, ST_CLIENT_FIND, rec->host_key, "finding a client", &id, &found);
    if (rc == ENGSCHED_OK)
        rc = client_write(b, rec, id, found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = found ? id : sqlite3_last_insert_rowid(b->db);
    if (out_created != NULL)
        *out_created = !found;
    return ENGSCHED_OK;
}

static engsched_rc sq_client_get(engsched_storage *s, engsched_id id, engsched_rec_client *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_CLIENT_GET, id, "client", &st);
    if (rc != ENGSCHED_OK)
        return rc;
    out->id = sqlite3_column_int64(st, 0);
    out->host_key = col_text(st, 1);
    out->name = col_text(st, 2);
    return ENGSCHED_OK;
}

/* Shared by the three find-by-key callbacks. */
static engsched_rc find_callback(engsched_storage *s, enum stmt_id id, const char *key,
                                 const char *what, engsched_id *out_id)
{
    es_sqlite *b = backend_of(s);
    int64_t found_id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, id, key, what, &found_id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        engsched_storage_set_error(&b->base, "sqlite: no %s has the key '%s'", what,
                                   key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    *out_id = found_id;
    return ENGSCHED_OK;
}

static engsched_rc sq_client_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    return find_callback(s, ST_CLIENT_FIND, host_key, "client", out_id);
}

/* --- users ------------------------------------------------------------- */

static engsched_rc user_write(es_sqlite *b, const engsched_rec_user *rec, int64_t id,
                              int found)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_get(b, found ? ST_USER_UPDATE : ST_USER_INSERT, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    if (found)
        bind_int(st, 1, id, &src);
    else
        bind_text(st, 1, rec->host_key, &src);
    bind_text(st, 2, rec->email, &src);
    bind_text(st, 3, rec->display_name, &src);
    bind_int(st, 4, rec->role, &src);
    bind_int(st, 5, rec->flags, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "writing a user");
    }
    return exec_stmt(b, st, "writing a user");
}

static engsched_rc sq_user_upsert(engsched_storage *s, const engsched_rec_user *rec,
                                  engsched_id *out_id, int *out_created)
{
    es_sqlite *b = backend_of(s);
    int64_t id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, ST_USER_FIND, rec->host_key, "finding a user", &id, &found);
    if (rc == ENGSCHED_OK)
        rc = user_write(b, rec, id, found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = found ? id : sqlite3_last_insert_rowid(b->db);
    if (out_created != NULL)
        *out_created = !found;
    return ENGSCHED_OK;
}

/* Reads a row of USER_SELECT. */
static void fill_user(sqlite3_stmt *st, engsched_rec_user *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->host_key = col_text(st, 1);
    out->email = col_text_opt(st, 2);
    out->display_name = col_text(st, 3);
    out->role = sqlite3_column_int64(st, 4);
    out->flags = (unsigned int)sqlite3_column_int64(st, 5);
    out->permissions = (unsigned int)sqlite3_column_int64(st, 6);
}

static engsched_rc sq_user_get(engsched_storage *s, engsched_id id, engsched_rec_user *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_USER_GET, id, "user", &st);
    if (rc != ENGSCHED_OK)
        return rc;
    fill_user(st, out);
    return ENGSCHED_OK;
}

static engsched_rc sq_user_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    return find_callback(s, ST_USER_FIND, host_key, "user", out_id);
}

/* --- roles ------------------------------------------------------------- */

static engsched_rc sq_role_insert(engsched_storage *s, const engsched_rec_role *rec,
                                  engsched_id *out_id)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_get(b, ST_ROLE_INSERT, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_opt(st, 1, rec->id, &src); /* NULL: SQLite chooses the id */
    bind_text(st, 2, rec->name, &src);
    bind_int(st, 3, rec->permissions, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting a role");
    }
    rc = exec_stmt(b, st, "inserting a role");
    if (rc == ENGSCHED_EEXISTS)
        engsched_storage_set_error(&b->base, "sqlite: a role named '%s' or with id %lld exists",
                                   rec->name != NULL ? rec->name : "(null)",
                                   (long long)rec->id);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = sqlite3_last_insert_rowid(b->db);
    return rc;
}

/* Run a by-id write and report ENOTFOUND when it touched no row. */
static engsched_rc exec_expect_row(es_sqlite *b, sqlite3_stmt *st, const char *what,
                                   engsched_id id)
{
    engsched_rc rc = exec_stmt(b, st, what);
    if (rc == ENGSCHED_OK && sqlite3_changes(b->db) == 0)
        return not_found(b, what, id);
    return rc;
}

static engsched_rc sq_role_update(engsched_storage *s, engsched_id id, unsigned int permissions)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ROLE_UPDATE, id, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 2, permissions, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "updating a role");
    }
    return exec_expect_row(b, st, "role", id);
}

static engsched_rc sq_role_get(engsched_storage *s, engsched_id id, engsched_rec_role *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_ROLE_GET, id, "role", &st);
    if (rc != ENGSCHED_OK)
        return rc;
    out->id = sqlite3_column_int64(st, 0);
    out->name = col_text(st, 1);
    out->permissions = (unsigned int)sqlite3_column_int64(st, 2);
    return ENGSCHED_OK;
}

static engsched_rc sq_role_find(engsched_storage *s, const char *name, engsched_id *out_id)
{
    return find_callback(s, ST_ROLE_FIND, name, "role", out_id);
}

/* --- client access ----------------------------------------------------- */

static engsched_rc access_stmt(es_sqlite *b, enum stmt_id id, engsched_id user,
                               engsched_id client, sqlite3_stmt **out)
{
    engsched_rc rc = enter(b);
    return rc != ENGSCHED_OK ? rc : stmt_with_ints(b, id, user, client, out);
}

static engsched_rc sq_access_grant(engsched_storage *s, engsched_id user, engsched_id client)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = access_stmt(b, ST_ACCESS_GRANT, user, client, &st);
    return rc != ENGSCHED_OK ? rc : exec_stmt(b, st, "granting client access");
}

static engsched_rc sq_access_revoke(engsched_storage *s, engsched_id user, engsched_id client)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = access_stmt(b, ST_ACCESS_REVOKE, user, client, &st);
    return rc != ENGSCHED_OK ? rc : exec_stmt(b, st, "revoking client access");
}

static engsched_rc sq_access_check(engsched_storage *s, engsched_id user, engsched_id client,
                                   int *out_granted)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = access_stmt(b, ST_ACCESS_CHECK, user, client, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int64_t one = 0;
    int found = 0;
    rc = query_int(b, st, "checking client access", &one, &found);
    if (rc == ENGSCHED_OK)
        *out_granted = found;
    return rc;
}

/* --- engagements and reports ------------------------------------------- */

/* Binds the ENGAGEMENT_COLUMNS from index @p first on. */
static int bind_engagement(sqlite3_stmt *st, int first, const engsched_rec_engagement *rec)
{
    int src = SQLITE_OK, i = first;
    bind_int(st, i++, rec->client, &src);
    bind_opt(st, i++, rec->requested_by, &src);
    bind_text(st, i++, rec->name, &src);
    bind_text_or(st, i++, rec->description, "", &src);
    bind_text_or(st, i++, rec->type, "", &src);
    bind_text_or(st, i++, rec->location, "", &src);
    bind_text_or(st, i++, rec->contacts, "", &src);
    bind_text_or(st, i++, rec->custom_fields, "{}", &src);
    bind_text_or(st, i++, rec->cancel_reason, "", &src);
    bind_int(st, i++, rec->start_day, &src);
    bind_int(st, i++, rec->end_day, &src);
    bind_int(st, i++, rec->status, &src);
    bind_int(st, i++, rec->version, &src);
    bind_int(st, i++, rec->created_at, &src);
    bind_int(st, i, rec->updated_at, &src);
    return src;
}

/* Reads a row of ENGAGEMENT_SELECT. */
static void fill_engagement(sqlite3_stmt *st, engsched_rec_engagement *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->client = sqlite3_column_int64(st, 1);
    out->requested_by = sqlite3_column_int64(st, 2);
    out->name = col_text(st, 3);
    out->description = col_text(st, 4);
    out->type = col_text(st, 5);
    out->location = col_text(st, 6);
    out->contacts = col_text(st, 7);
    out->custom_fields = col_text(st, 8);
    out->cancel_reason = col_text(st, 9);
    out->start_day = (int32_t)sqlite3_column_int64(st, 10);
    out->end_day = (int32_t)sqlite3_column_int64(st, 11);
    out->status = sqlite3_column_int(st, 12);
    out->version = sqlite3_column_int64(st, 13);
    out->created_at = sqlite3_column_int64(st, 14);
    out->updated_at = sqlite3_column_int64(st, 15);
    out->report = sqlite3_column_int64(st, 16);
    out->report_status = sqlite3_column_int(st, 17);
    out->report_title = col_text(st, 18);
}

static engsched_rc report_insert(es_sqlite *b, engsched_id engagement,
                                 const engsched_rec_engagement *rec, engsched_id *out_report)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_with_int(b, ST_REPORT_INSERT, engagement, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_text_or(st, 2, rec->report_title, "", &src);
    bind_int(st, 3, rec->report_status, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting a report");
    }
    rc = exec_stmt(b, st, "inserting a report");
    if (rc == ENGSCHED_OK)
        *out_report = sqlite3_last_insert_rowid(b->db);
    return rc;
}

static engsched_rc sq_engagement_insert(engsched_storage *s, const engsched_rec_engagement *rec,
                                        engsched_id *out_id, engsched_id *out_report)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_get(b, ST_ENGAGEMENT_INSERT, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = bind_engagement(st, 1, rec);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting an engagement");
    }
    rc = exec_stmt(b, st, "inserting an engagement");
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_id id = sqlite3_last_insert_rowid(b->db), report = 0;
    if (rec->report_status != ENGSCHED_REPORT_NONE)
        rc = report_insert(b, id, rec, &report);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_report != NULL)
        *out_report = report;
    return ENGSCHED_OK;
}

static engsched_rc report_update(es_sqlite *b, const engsched_rec_engagement *rec)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_with_int(b, ST_REPORT_UPDATE, rec->report, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 2, rec->id, &src);
    bind_text_or(st, 3, rec->report_title, "", &src);
    bind_int(st, 4, rec->report_status, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "updating a report");
    }
    rc = exec_stmt(b, st, "updating a report");
    if (rc == ENGSCHED_OK && sqlite3_changes(b->db) == 0) {
        engsched_storage_set_error(&b->base, "sqlite: report %lld of engagement %lld does "
                                             "not exist",
                                   (long long)rec->report, (long long)rec->id);
        return ENGSCHED_ENOTFOUND;
    }
    return rc;
}

/* Bring the report in line with the record's report fields. A report is
 * never removed (no status leads back to "no report"), so NONE with a
 * report id is refused instead of guessed at. */
static engsched_rc report_sync(es_sqlite *b, const engsched_rec_engagement *rec,
                               engsched_id *out_report)
{
    engsched_id report = rec->report;
    engsched_rc rc = ENGSCHED_OK;
    if (report != 0 && rec->report_status == ENGSCHED_REPORT_NONE) {
        engsched_storage_set_error(&b->base, "sqlite: engagement %lld: report %lld cannot be "
                                             "set to status NONE",
                                   (long long)rec->id, (long long)report);
        return ENGSCHED_EMISUSE;
    }
    if (report != 0)
        rc = report_update(b, rec);
    else if (rec->report_status != ENGSCHED_REPORT_NONE)
        rc = report_insert(b, rec->id, rec, &report);
    if (rc == ENGSCHED_OK && out_report != NULL)
        *out_report = report;
    return rc;
}

static int same_text(sqlite3_stmt *st, int col, const char *v, const char *dflt)
{
    return strcmp(col_text(st, col), v != NULL ? v : dflt) == 0;
}

/* Whether the stored row already holds every column of rec but status,
 * version and updated_at (what the tick, approval and report moves
 * change). *out_kept is 0 when the row is missing. */
static engsched_rc only_state_changes(es_sqlite *b, const engsched_rec_engagement *rec,
                                      int *out_kept)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    *out_kept = 0;
    engsched_rc rc = stmt_with_int(b, ST_ENGAGEMENT_KEPT, rec->id, &st);
    if (rc == ENGSCHED_OK)
        rc = step_one(b, st, "reading an engagement", &found);
    if (rc != ENGSCHED_OK || !found)
        return rc;
    *out_kept = sqlite3_column_int64(st, 0) == rec->client &&
                sqlite3_column_int64(st, 1) == rec->requested_by &&
                same_text(st, 2, rec->name, "") && same_text(st, 3, rec->description, "") &&
                same_text(st, 4, rec->type, "") && same_text(st, 5, rec->location, "") &&
                same_text(st, 6, rec->contacts, "") &&
                same_text(st, 7, rec->custom_fields, "{}") &&
                same_text(st, 8, rec->cancel_reason, "") &&
                sqlite3_column_int64(st, 9) == rec->start_day &&
                sqlite3_column_int64(st, 10) == rec->end_day &&
                sqlite3_column_int64(st, 11) == rec->created_at;
    stmt_release(st);
    return ENGSCHED_OK;
}

/* An UPDATE rewrites the entry of every index over a column it sets,
 * changed or not: when only the state changes, only status, version and
 * updated_at are set, so the tick (and report moves) touch two of the
 * engagement indexes instead of all of them. */
static engsched_rc sq_engagement_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                        engsched_id *out_report)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    int kept = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK && rec->name != NULL)
        rc = only_state_changes(b, rec, &kept);
    if (rc == ENGSCHED_OK && kept) {
        rc = stmt_with_int(b, ST_ENGAGEMENT_UPDATE_STATE, rec->id, &st);
        if (rc != ENGSCHED_OK)
            return rc;
        int src = SQLITE_OK;
        bind_int(st, 2, rec->status, &src);
        bind_int(st, 3, rec->version, &src);
        bind_int(st, 4, rec->updated_at, &src);
        if (src != SQLITE_OK) {
            stmt_release(st);
            return fail(b, src, "updating an engagement");
        }
        rc = exec_expect_row(b, st, "engagement", rec->id);
        return rc != ENGSCHED_OK ? rc : report_sync(b, rec, out_report);
    }
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ENGAGEMENT_UPDATE, rec->id, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = bind_engagement(st, 2, rec);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "updating an engagement");
    }
    rc = exec_expect_row(b, st, "engagement", rec->id);
    return rc != ENGSCHED_OK ? rc : report_sync(b, rec, out_report);
}

static engsched_rc sq_engagement_get(engsched_storage *s, engsched_id id,
                                     engsched_rec_engagement *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_ENGAGEMENT_GET, id, "engagement", &st);
    if (rc == ENGSCHED_OK)
        fill_engagement(st, out);
    return rc;
}

static engsched_rc sq_report_engagement(engsched_storage *s, engsched_id report,
                                        engsched_id *out_engagement)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_REPORT_ENGAGEMENT, report, "report", &st);
    if (rc != ENGSCHED_OK)
        return rc;
    *out_engagement = sqlite3_column_int64(st, 0);
    return ENGSCHED_OK;
}

/* --- row iteration ----------------------------------------------------- */

/* Adapts one query to its row type: fills a record from the current row
 * and hands it to the core's callback. */
typedef engsched_rc (*row_adapter)(sqlite3_stmt *st, void *fn, void *ctx);

/* Step through a bound query, passing each row on; stops at the first
 * non-OK code of the callback and returns it. Always releases @p st. */
static engsched_rc iterate(es_sqlite *b, sqlite3_stmt *st, const char *what,
                           row_adapter adapt, void *fn, void *ctx)
{
    engsched_rc rc = ENGSCHED_OK;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        rc = adapt(st, fn, ctx);
        if (rc != ENGSCHED_OK)
            goto out;
    }
    if (src != SQLITE_DONE)
        rc = fail(b, src, what);
out:
    stmt_release(st);
    return rc;
}

/* Function pointers cannot travel through void *, so the adapters receive
 * the callback wrapped in a struct. */
struct engagement_cb {
    engsched_storage_engagement_fn fn;
};
struct assignment_cb {
    engsched_storage_assignment_fn fn;
};
struct file_cb {
    engsched_storage_file_fn fn;
};
struct event_cb {
    engsched_storage_event_fn fn;
};

static engsched_rc engagement_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_engagement rec;
    fill_engagement(st, &rec);
    return ((struct engagement_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_engagements_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                      unsigned int limit, engsched_storage_engagement_fn row,
                                      void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ENGAGEMENTS_DUE, ENGSCHED_STATUS_SCHEDULED, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 2, day, &src);
    bind_int(st, 3, after_id, &src);
    bind_int(st, 4, limit, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "listing due engagements");
    }
    struct engagement_cb cb = {row};
    return iterate(b, st, "listing due engagements", engagement_row, &cb, ctx);
}

/* --- assignments ------------------------------------------------------- */

static engsched_rc sq_assignment_insert(engsched_storage *s, const engsched_rec_assignment *rec)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ASSIGNMENT_INSERT, rec->engagement, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 2, rec->user, &src);
    bind_int(st, 3, rec->role, &src);
    bind_opt(st, 4, rec->assigned_by, &src);
    bind_int(st, 5, rec->assigned_at, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting an assignment");
    }
    rc = exec_stmt(b, st, "inserting an assignment");
    if (rc == ENGSCHED_EEXISTS)
        engsched_storage_set_error(&b->base, "sqlite: user %lld is already assigned to "
                                             "engagement %lld",
                                   (long long)rec->user, (long long)rec->engagement);
    return rc;
}

static engsched_rc sq_assignment_delete(engsched_storage *s, engsched_id engagement,
                                        engsched_id user)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_ASSIGNMENT_DELETE, engagement, user, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = exec_stmt(b, st, "deleting an assignment");
    if (rc == ENGSCHED_OK && sqlite3_changes(b->db) == 0) {
        engsched_storage_set_error(&b->base, "sqlite: user %lld is not assigned to "
                                             "engagement %lld",
                                   (long long)user, (long long)engagement);
        return ENGSCHED_ENOTFOUND;
    }
    return rc;
}

static engsched_rc assignment_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_assignment rec = {
        .engagement = sqlite3_column_int64(st, 0),
        .user = sqlite3_column_int64(st, 1),
        .role = sqlite3_column_int(st, 2),
        .assigned_by = sqlite3_column_int64(st, 3),
        .assigned_at = sqlite3_column_int64(st, 4),
    };
    return ((struct assignment_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_assignment_list(engsched_storage *s, engsched_id engagement,
                                      engsched_storage_assignment_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ASSIGNMENT_LIST, engagement, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct assignment_cb cb = {row};
    return iterate(b, st, "listing assignments", assignment_row, &cb, ctx);
}

/* --- files ------------------------------------------------------------- */

static engsched_rc file_meta_insert(es_sqlite *b, const engsched_rec_file *meta,
                                    engsched_id *out_id)
{
    sqlite3_stmt *st = NULL;
    engsched_rc rc = stmt_with_int(b, ST_FILE_INSERT, meta->engagement, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_text(st, 2, meta->name, &src);
    bind_text(st, 3, meta->media_type, &src);
    bind_int(st, 4, meta->size, &src);
    bind_opt(st, 5, meta->uploaded_by, &src);
    bind_int(st, 6, meta->uploaded_at, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting a file");
    }
    rc = exec_stmt(b, st, "inserting a file");
    if (rc == ENGSCHED_OK)
        *out_id = sqlite3_last_insert_rowid(b->db);
    return rc;
}

/* Reserve the blob with zeroblob() (no copy of the data in SQL), then
 * fill it through incremental blob I/O in FILE_CHUNK pieces. */
static engsched_rc file_data_write(es_sqlite *b, engsched_id id, const void *data, int64_t size)
{
    sqlite3_stmt *st = NULL;
    sqlite3_blob *blob = NULL;
    engsched_rc rc = stmt_with_int(b, ST_FILE_DATA_INSERT, id, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 2, size, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "storing file data");
    }
    rc = exec_stmt(b, st, "storing file data");
    if (rc != ENGSCHED_OK || size == 0)
        return rc;
    src = sqlite3_blob_open(b->db, "main", "file_data", "data", id, 1, &blob);
    if (src != SQLITE_OK) {
        rc = fail(b, src, "opening file data");
        goto out;
    }
    const unsigned char *bytes = data;
    for (int64_t off = 0; off < size; off += (int64_t)FILE_CHUNK) {
        int64_t n = size - off < (int64_t)FILE_CHUNK ? size - off : (int64_t)FILE_CHUNK;
        src = sqlite3_blob_write(blob, bytes + off, (int)n, (int)off);
        if (src != SQLITE_OK) {
            rc = fail(b, src, "writing file data");
            goto out;
        }
    }
out:
    sqlite3_blob_close(blob);
    return rc;
}

static engsched_rc sq_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                                  const void *data, engsched_id *out_id)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (meta->size < 0 || (meta->size > 0 && data == NULL)) {
        engsched_storage_set_error(&b->base, "sqlite: file '%s': size %lld without data",
                                   meta->name != NULL ? meta->name : "(null)",
                                   (long long)meta->size);
        return ENGSCHED_EMISUSE;
    }
    engsched_id id = 0;
    rc = file_meta_insert(b, meta, &id);
    if (rc == ENGSCHED_OK)
        rc = file_data_write(b, id, data, meta->size);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

static void fill_file(sqlite3_stmt *st, engsched_rec_file *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->engagement = sqlite3_column_int64(st, 1);
    out->name = col_text(st, 2);
    out->media_type = col_text(st, 3);
    out->size = sqlite3_column_int64(st, 4);
    out->uploaded_by = sqlite3_column_int64(st, 5);
    out->uploaded_at = sqlite3_column_int64(st, 6);
}

static engsched_rc sq_file_get(engsched_storage *s, engsched_id id, engsched_rec_file *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_FILE_GET, id, "file", &st);
    if (rc == ENGSCHED_OK)
        fill_file(st, out);
    return rc;
}

/* After a failed blob open (rc, already described): ENOTFOUND if the
 * file simply does not exist. SQLite reports a missing row as a generic
 * SQLITE_ERROR, so ask the files table rather than parse its message. */
static engsched_rc file_open_failure(es_sqlite *b, engsched_id id, engsched_rc rc)
{
    char message[MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->base));
    sqlite3_stmt *st = NULL;
    int64_t one = 0;
    int found = 1;
    if (stmt_with_int(b, ST_FILE_EXISTS, id, &st) == ENGSCHED_OK &&
        query_int(b, st, "finding a file", &one, &found) == ENGSCHED_OK && !found)
        return not_found(b, "file", id);
    engsched_storage_set_error(&b->base, "%s", message);
    return rc;
}

static engsched_rc sq_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                                size_t size, size_t *out_read)
{
    es_sqlite *b = backend_of(s);
    sqlite3_blob *blob = NULL;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (offset < 0) {
        engsched_storage_set_error(&b->base, "sqlite: file %lld: negative offset %lld",
                                   (long long)id, (long long)offset);
        return ENGSCHED_EINVAL;
    }
    int src = sqlite3_blob_open(b->db, "main", "file_data", "data", id, 0, &blob);
    if (src != SQLITE_OK) {
        rc = file_open_failure(b, id, fail(b, src, "opening file data"));
        goto out;
    }
    int64_t total = sqlite3_blob_bytes(blob);
    size_t n = 0;
    if (offset < total) {
        uint64_t left = (uint64_t)(total - offset);
        n = size < left ? size : (size_t)left; /* ≤ total, which fits an int */
    }
    if (n > 0 && (src = sqlite3_blob_read(blob, buf, (int)n, (int)offset)) != SQLITE_OK) {
        rc = fail(b, src, "reading file data");
        goto out;
    }
    *out_read = n;
out:
    sqlite3_blob_close(blob);
    return rc;
}

static engsched_rc sq_file_delete(engsched_storage *s, engsched_id id)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    /* The data row first (the child), although ON DELETE CASCADE would
     * also catch it: the backend does not depend on the pragma. */
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_FILE_DATA_DELETE, id, &st);
    if (rc == ENGSCHED_OK)
        rc = exec_stmt(b, st, "deleting file data");
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_FILE_DELETE, id, &st);
    return rc != ENGSCHED_OK ? rc : exec_expect_row(b, st, "file", id);
}

static engsched_rc file_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_file rec;
    fill_file(st, &rec);
    return ((struct file_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_file_list(engsched_storage *s, engsched_id engagement,
                                engsched_storage_file_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_FILE_LIST, engagement, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct file_cb cb = {row};
    return iterate(b, st, "listing files", file_row, &cb, ctx);
}

/* --- events ------------------------------------------------------------ */

static engsched_rc sq_event_append(engsched_storage *s, const engsched_rec_event *rec,
                                   int64_t *out_seq)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_EVENT_APPEND, rec->time, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_opt(st, 2, rec->actor, &src);
    bind_opt(st, 3, rec->engagement, &src);
    bind_text(st, 4, rec->action, &src);
    bind_opt(st, 5, rec->status_before, &src);
    bind_opt(st, 6, rec->status_after, &src);
    bind_text_or(st, 7, rec->details, "{}", &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "appending an event");
    }
    /* seq is the INTEGER PRIMARY KEY: max + 1, so it rises as long as
     * events are never deleted, which nothing in the interface can do. */
    rc = exec_stmt(b, st, "appending an event");
    if (rc == ENGSCHED_OK && out_seq != NULL)
        *out_seq = sqlite3_last_insert_rowid(b->db);
    return rc;
}

static engsched_rc event_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_event rec = {
        .seq = sqlite3_column_int64(st, 0),
        .time = sqlite3_column_int64(st, 1),
        .actor = sqlite3_column_int64(st, 2),
        .engagement = sqlite3_column_int64(st, 3),
        .action = col_text(st, 4),
        .status_before = sqlite3_column_int(st, 5),
        .status_after = sqlite3_column_int(st, 6),
        .details = col_text(st, 7),
    };
    return ((struct event_cb *)fn)->fn(ctx, &rec);
}

/* Two statements rather than "engagement = ?1 OR ?1 = 0", which would
 * stop SQLite from using the events(engagement, seq) index. */
static engsched_rc sq_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                                 unsigned int limit, engsched_storage_event_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK, i = 1;
    if (engagement != 0) {
        rc = stmt_with_int(b, ST_EVENT_LIST_ONE, engagement, &st);
        i = 2;
    } else {
        rc = stmt_get(b, ST_EVENT_LIST_ALL, &st);
    }
    if (rc != ENGSCHED_OK)
        return rc;
    bind_int(st, i, after_seq, &src);
    bind_int(st, i + 1, limit, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "listing events");
    }
    struct event_cb cb = {row};
    return iterate(b, st, "listing events", event_row, &cb, ctx);
}

static engsched_rc sq_event_last_seq(engsched_storage *s, int64_t *out_seq)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_get(b, ST_EVENT_LAST_SEQ, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int found;
    int64_t seq = 0;
    rc = query_int(b, st, "reading the last event", &seq, &found);
    if (rc == ENGSCHED_OK)
        *out_seq = seq;
    return rc;
}

/* --- views: List, Calendar, Availability -------------------------------- */

static const char *const sort_column[QUERY_SORTS] = {
    [ENGSCHED_SORT_START] = "e.start_day", [ENGSCHED_SORT_END] = "e.end_day",
    [ENGSCHED_SORT_NAME] = "e.name",       [ENGSCHED_SORT_STATUS] = "e.status",
    [ENGSCHED_SORT_UPDATED] = "e.updated_at",
};

/* The SQL of a query variant is at most the engagement SELECT plus every
 * fragment below; this leaves ample room. */
#define QUERY_SQL_MAX 2048

/* The one status of a status set with a single bit, or 0. */
static int single_status(unsigned int statuses)
{
    if (statuses == 0 || (statuses & (statuses - 1)) != 0)
        return 0;
    int status = 0;
    while ((statuses >>= 1) != 0)
        status++;
    return status;
}

/* Whether the scope user sees so many clients that walking the sort
 * order is cheaper than collecting the scope's rows: with k of C clients
 * and N engagements, a page of L rows costs about L*C/k rows walked, and
 * k*N/C rows collected and sorted; walk when k*k*N >= L*C*C. The counts
 * are cheap: a key range of client_access and the largest client and
 * engagement ids. */
static engsched_rc scope_is_wide(es_sqlite *b, const engsched_storage_query *q, int *out)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    engsched_rc rc = stmt_with_int(b, ST_SCOPE_SIZE, q->scope_user, &st);
    if (rc == ENGSCHED_OK)
        rc = step_one(b, st, "measuring a scope", &found);
    if (rc != ENGSCHED_OK || !found)
        return rc;
    double k = (double)sqlite3_column_int64(st, 0);
    double c = (double)sqlite3_column_int64(st, 1);
    double n = (double)sqlite3_column_int64(st, 2);
    stmt_release(st);
    *out = k > 0 && k * k * n >= (double)q->limit * c * c;
    return ENGSCHED_OK;
}

/* Shapes query_filters() can produce; the others are never composed. */
static int query_shape_valid(int sort, unsigned int f)
{
    if ((f & (1u << QF_WIDE)) && !(f & (1u << QF_SCOPE)))
        return 0;
    if ((f & (1u << QF_ONE_STATUS)) &&
        (sort != ENGSCHED_SORT_START || (f & (1u << QF_CLIENT)) ||
         ((f & (1u << QF_SCOPE)) && !(f & (1u << QF_WIDE)))))
        return 0;
    return 1;
}

/* Which filters a query uses, and the plan bits, as QF_* bits. */
static unsigned int query_filters(const engsched_storage_query *q, int wide)
{
    unsigned int f = 0;
    if (q->client != 0)
        f |= 1u << QF_CLIENT;
    if (q->operator_user != 0)
        f |= 1u << QF_OPERATOR;
    if (q->scope_user != 0)
        f |= 1u << QF_SCOPE;
    if (q->has_range)
        f |= 1u << QF_RANGE;
    if (q->name_contains != NULL && q->name_contains[0] != '\0')
        f |= 1u << QF_TEXT;
    if (q->has_after)
        f |= 1u << QF_AFTER;
    if ((f & (1u << QF_SCOPE)) && wide)
        f |= 1u << QF_WIDE;
    if (single_status(q->statuses) != 0 &&
        query_shape_valid(q->sort, f | (1u << QF_ONE_STATUS)))
        f |= 1u << QF_ONE_STATUS;
    return f;
}

/* Append constant SQL @p parts (NULL-terminated); 0 if it did not fit. */
static int sql_append(char *buf, size_t size, const char *const *parts)
{
    size_t len = strlen(buf);
    for (; *parts != NULL; parts++) {
        size_t n = strlen(*parts);
        if (len + n >= size)
            return 0;
        memcpy(buf + len, *parts, n + 1);
        len += n;
    }
    return 1;
}

/* Compose a variant. Parameters have fixed numbers whatever the variant,
 * so binding does not depend on it: ?1 statuses, ?2 client, ?3 operator,
 * ?4 scope user, ?5 range start, ?6 range end, ?7 name text, ?8 after key
 * (integer), ?9 after key (name), ?10 after id, ?11 limit; ?12 the one
 * status, only in QF_ONE_STATUS variants. */
static int query_sql(char *buf, size_t size, int sort, int desc, unsigned int f)
{
    const char *col = sort_column[sort];
    const char *after_key = sort == ENGSCHED_SORT_NAME ? "?9" : "?8";
    const char *dir = desc ? " DESC" : " ASC";
    int ok = 1;
    buf[0] = '\0';
    ok = ok && sql_append(buf, size,
                          (const char *const[]){ENGAGEMENT_SELECT,
                                                (f & (1u << QF_ONE_STATUS))
                                                    ? "WHERE e.status = ?12"
                                                    : "WHERE ((?1 >> e.status) & 1) = 1",
                                                NULL});
    if (f & (1u << QF_CLIENT))
        ok = ok && sql_append(buf, size, (const char *const[]){" AND e.client = ?2", NULL});
    if (f & (1u << QF_OPERATOR))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND EXISTS (SELECT 1 FROM assignments AS a"
                                                    " WHERE a.engagement = e.id AND a.user = ?3)",
                                                    NULL});
    if (f & (1u << QF_SCOPE))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){(f & (1u << QF_WIDE)) ? " AND +e.client IN"
                                                                          : " AND e.client IN",
                                                    " (SELECT ca.client FROM client_access AS ca"
                                                    " WHERE ca.user = ?4)",
                                                    NULL});
    /* Overlap, plus a lower bound on start_day that overlap implies: no
     * engagement lasts longer than the longest one (engagements_span), so
     * none that started before ?5 minus that span reaches ?5. Without it
     * the range is open below and SQLite reads every engagement that
     * started before ?6. When the page resumes by start date, ascending,
     * the resume key is a lower bound too: the two are given as one, or
     * SQLite may seek to the span bound and step over every row before
     * the key, in each chunk of a Calendar. */
    if (f & (1u << QF_RANGE))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){
                                  " AND e.start_day <= ?6 AND e.end_day >= ?5 AND e.start_day >= ",
                                  sort == ENGSCHED_SORT_START && !desc && (f & (1u << QF_AFTER))
                                      ? "max(?8, ?5 - (SELECT max(end_day - start_day)"
                                        " FROM engagements))"
                                      : "?5 - (SELECT max(end_day - start_day) FROM engagements)",
                                  NULL});
    /* lower() folds ASCII only (no ICU), as the interface asks. */
    if (f & (1u << QF_TEXT))
        ok = ok && sql_append(buf, size, (const char *const[]){
                                             " AND instr(lower(e.name), lower(?7)) > 0", NULL});
    if (f & (1u << QF_AFTER))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND (", col, ", e.id) ", desc ? "<" : ">",
                                                    " (", after_key, ", ?10)", NULL});
    ok = ok && sql_append(buf, size, (const char *const[]){" ORDER BY ", col, dir, ", e.id", dir,
                                                          " LIMIT ?11", NULL});
    return ok;
}

static engsched_rc query_stmt(es_sqlite *b, const engsched_storage_query *q, sqlite3_stmt **out,
                              unsigned int *out_filters)
{
    if (q->sort < 0 || q->sort >= QUERY_SORTS) {
        engsched_storage_set_error(&b->base, "sqlite: unknown sort key %d", q->sort);
        return ENGSCHED_EMISUSE;
    }
    int desc = q->descending != 0;
    int wide = 0;
    engsched_rc rc = q->scope_user != 0 ? scope_is_wide(b, q, &wide) : ENGSCHED_OK;
    if (rc != ENGSCHED_OK)
        return rc;
    unsigned int f = query_filters(q, wide);
    *out_filters = f;
    size_t variant = ((size_t)(q->sort * 2 + desc) << QF_COUNT) | f;
    char sql[QUERY_SQL_MAX];
    sql[0] = '\0'; /* composed only when the variant is not cached yet */
    if (b->queries[variant] == NULL && !query_sql(sql, sizeof sql, q->sort, desc, f)) {
        engsched_storage_set_error(&b->base, "sqlite: a query variant exceeds %d bytes",
                                   QUERY_SQL_MAX);
        return ENGSCHED_ESTORAGE;
    }
    return stmt_cached(b, &b->queries[variant], sql, out);
}

static int bind_query(sqlite3_stmt *st, const engsched_storage_query *q, unsigned int f)
{
    int src = SQLITE_OK;
    bind_int(st, 1, q->statuses, &src);
    bind_int(st, 2, q->client, &src);
    bind_int(st, 3, q->operator_user, &src);
    bind_int(st, 4, q->scope_user, &src);
    bind_int(st, 5, q->range_start, &src);
    bind_int(st, 6, q->range_end, &src);
    bind_text(st, 7, q->name_contains, &src);
    bind_int(st, 8, q->after_int, &src);
    bind_text(st, 9, q->after_text, &src);
    bind_int(st, 10, q->after_id, &src);
    bind_int(st, 11, q->limit, &src);
    if (f & (1u << QF_ONE_STATUS))
        bind_int(st, 12, single_status(q->statuses), &src);
    return src;
}

static engsched_rc sq_engagement_query(engsched_storage *s, const engsched_storage_query *q,
                                       engsched_storage_engagement_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    unsigned int f = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = query_stmt(b, q, &st, &f);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = bind_query(st, q, f);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "querying engagements");
    }
    struct engagement_cb cb = {row};
    return iterate(b, st, "querying engagements", engagement_row, &cb, ctx);
}

struct user_cb {
    engsched_storage_user_fn fn;
};

static engsched_rc user_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_user rec;
    fill_user(st, &rec);
    return ((struct user_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_users_with_permissions(engsched_storage *s, unsigned int permissions,
                                             engsched_id scope_user, const char *after_name,
                                             engsched_id after_id, unsigned int limit,
                                             engsched_storage_user_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_USERS_WITH_PERMISSIONS, permissions, scope_user, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_text(st, 3, after_name, &src);
    bind_int(st, 4, after_id, &src);
    bind_int(st, 5, limit, &src);
    bind_int(st, 6, ENGSCHED_USER_ALL_CLIENTS, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "listing users by permission");
    }
    struct user_cb cb = {row};
    return iterate(b, st, "listing users by permission", user_row, &cb, ctx);
}

static engsched_rc sq_operator_work(engsched_storage *s, engsched_id user, unsigned int statuses,
                                    int32_t range_start, int32_t range_end,
                                    engsched_storage_engagement_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_OPERATOR_WORK, user, statuses, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 3, range_start, &src);
    bind_int(st, 4, range_end, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "listing an operator's work");
    }
    struct engagement_cb cb = {row};
    return iterate(b, st, "listing an operator's work", engagement_row, &cb, ctx);
}

/* --- unavailability ---------------------------------------------------- */

static engsched_rc sq_unavailability_insert(engsched_storage *s,
                                            const engsched_rec_unavailability *rec,
                                            engsched_id *out_id)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_UNAVAILABILITY_INSERT, rec->user, rec->start_day, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 3, rec->end_day, &src);
    bind_text_or(st, 4, rec->reason, "", &src);
    bind_opt(st, 5, rec->created_by, &src);
    bind_int(st, 6, rec->created_at, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "inserting unavailability");
    }
    rc = exec_stmt(b, st, "inserting unavailability");
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = sqlite3_last_insert_rowid(b->db);
    return rc;
}

static void fill_unavailability(sqlite3_stmt *st, engsched_rec_unavailability *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->user = sqlite3_column_int64(st, 1);
    out->start_day = (int32_t)sqlite3_column_int64(st, 2);
    out->end_day = (int32_t)sqlite3_column_int64(st, 3);
    out->reason = col_text(st, 4);
    out->created_by = sqlite3_column_int64(st, 5);
    out->created_at = sqlite3_column_int64(st, 6);
}

static engsched_rc sq_unavailability_get(engsched_storage *s, engsched_id id,
                                         engsched_rec_unavailability *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_UNAVAILABILITY_GET, id, "unavailability", &st);
    if (rc == ENGSCHED_OK)
        fill_unavailability(st, out);
    return rc;
}

static engsched_rc sq_unavailability_delete(engsched_storage *s, engsched_id id)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_UNAVAILABILITY_DELETE, id, &st);
    return rc != ENGSCHED_OK ? rc : exec_expect_row(b, st, "unavailability", id);
}

struct unavailability_cb {
    engsched_storage_unavailability_fn fn;
};

static engsched_rc unavailability_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_unavailability rec;
    fill_unavailability(st, &rec);
    return ((struct unavailability_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_unavailability_list(engsched_storage *s, engsched_id user,
                                          int32_t range_start, int32_t range_end,
                                          engsched_storage_unavailability_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_UNAVAILABILITY_LIST, user, range_start, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 3, range_end, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "listing unavailability");
    }
    struct unavailability_cb cb = {row};
    return iterate(b, st, "listing unavailability", unavailability_row, &cb, ctx);
}

/* --- invitations ------------------------------------------------------- */

static engsched_rc sq_invitation_get(engsched_storage *s, engsched_id engagement,
                                     engsched_id user, engsched_rec_invitation *out)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_INVITATION_GET, engagement, user, &st);
    if (rc == ENGSCHED_OK)
        rc = step_one(b, st, "reading an invitation", &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        engsched_storage_set_error(&b->base, "sqlite: no invitation of user %lld for "
                                             "engagement %lld",
                                   (long long)user, (long long)engagement);
        return ENGSCHED_ENOTFOUND;
    }
    out->engagement = sqlite3_column_int64(st, 0);
    out->user = sqlite3_column_int64(st, 1);
    out->sequence = sqlite3_column_int64(st, 2);
    out->canceled = sqlite3_column_int(st, 3);
    out->updated_at = sqlite3_column_int64(st, 4);
    stmt_release(st);
    return ENGSCHED_OK;
}

static engsched_rc sq_invitation_put(engsched_storage *s, const engsched_rec_invitation *rec)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_INVITATION_PUT, rec->engagement, rec->user, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    int src = SQLITE_OK;
    bind_int(st, 3, rec->sequence, &src);
    bind_int(st, 4, rec->canceled != 0, &src);
    bind_int(st, 5, rec->updated_at, &src);
    if (src != SQLITE_OK) {
        stmt_release(st);
        return fail(b, src, "writing an invitation");
    }
    return exec_stmt(b, st, "writing an invitation");
}

/* --- directory lists --------------------------------------------------- */

struct client_cb {
    engsched_storage_client_fn fn;
};
struct role_cb {
    engsched_storage_role_fn fn;
};

static engsched_rc client_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_client rec = {sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2)};
    return ((struct client_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc role_row(sqlite3_stmt *st, void *fn, void *ctx)
{
    engsched_rec_role rec = {sqlite3_column_int64(st, 0), col_text(st, 1),
                             (unsigned int)sqlite3_column_int64(st, 2)};
    return ((struct role_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sq_client_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                  engsched_storage_client_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_CLIENT_LIST, after_id, limit, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct client_cb cb = {row};
    return iterate(b, st, "listing clients", client_row, &cb, ctx);
}

static engsched_rc sq_user_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                engsched_storage_user_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_ints(b, ST_USER_LIST, after_id, limit, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct user_cb cb = {row};
    return iterate(b, st, "listing users", user_row, &cb, ctx);
}

static engsched_rc sq_role_list(engsched_storage *s, engsched_storage_role_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_get(b, ST_ROLE_LIST, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct role_cb cb = {row};
    return iterate(b, st, "listing roles", role_row, &cb, ctx);
}

static engsched_rc sq_access_list(engsched_storage *s, engsched_id user,
                                  engsched_storage_client_fn row, void *ctx)
{
    es_sqlite *b = backend_of(s);
    sqlite3_stmt *st = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = stmt_with_int(b, ST_ACCESS_LIST, user, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    struct client_cb cb = {row};
    return iterate(b, st, "listing client access", client_row, &cb, ctx);
}

/* --- lifetime ---------------------------------------------------------- */

static void sq_free(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    if (b == NULL)
        return;
    stmt_release(b->held);
    b->held = NULL;
    /* Freed without a successful prepare (the opener failed before it):
     * a file created for nothing is removed. */
    discard_created(b);
    stmt_finalize_all(b);
    es_settings_cache_clear(&b->settings);
    sqlite3_close(b->db); /* rolls back a transaction left open */
    es_free(b->path);
    es_free(b);
}

static const engsched_storage sqlite_table = {
    .version = ENGSCHED_STORAGE_VERSION,
    .free = sq_free,
    .prepare = sq_prepare,
    .set_busy_timeout = sq_set_busy_timeout,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .schema_version = sq_schema_version,
    .setting_get = sq_setting_get,
    .setting_set = sq_setting_set,
    .client_upsert = sq_client_upsert,
    .client_get = sq_client_get,
    .client_find = sq_client_find,
    .user_upsert = sq_user_upsert,
    .user_get = sq_user_get,
    .user_find = sq_user_find,
    .role_insert = sq_role_insert,
    .role_update = sq_role_update,
    .role_get = sq_role_get,
    .role_find = sq_role_find,
    .access_grant = sq_access_grant,
    .access_revoke = sq_access_revoke,
    .access_check = sq_access_check,
    .engagement_insert = sq_engagement_insert,
    .engagement_update = sq_engagement_update,
    .engagement_get = sq_engagement_get,
    .report_engagement = sq_report_engagement,
    .engagements_due = sq_engagements_due,
    .assignment_insert = sq_assignment_insert,
    .assignment_delete = sq_assignment_delete,
    .assignment_list = sq_assignment_list,
    .file_insert = sq_file_insert,
    .file_get = sq_file_get,
    .file_read = sq_file_read,
    .file_delete = sq_file_delete,
    .file_list = sq_file_list,
    .event_append = sq_event_append,
    .event_list = sq_event_list,
    .event_last_seq = sq_event_last_seq,
    .engagement_query = sq_engagement_query,
    .users_with_permissions = sq_users_with_permissions,
    .operator_work = sq_operator_work,
    .unavailability_insert = sq_unavailability_insert,
    .unavailability_get = sq_unavailability_get,
    .unavailability_delete = sq_unavailability_delete,
    .unavailability_list = sq_unavailability_list,
    .invitation_get = sq_invitation_get,
    .invitation_put = sq_invitation_put,
    .client_list = sq_client_list,
    .user_list = sq_user_list,
    .role_list = sq_role_list,
    .access_list = sq_access_list,
    .savepoint = sq_savepoint,
    .release = sq_release,
    .rollback_to = sq_rollback_to,
};

/* --- opening ----------------------------------------------------------- */

/* Refuse a path whose directory is missing before SQLite runs, so the
 * message says so (SQLite only says "unable to open database file"). */
static engsched_rc check_directory(es_sqlite *b)
{
    char *slash = strrchr(b->path, '/');
    const char *dir = ".";
    int cut = slash != NULL && slash != b->path; /* "/x" lives in "/" */
    if (slash == b->path)
        dir = "/";
    if (cut) {
        *slash = '\0'; /* b->path is our copy: cut it to the directory */
        dir = b->path;
    }
    struct stat st;
    int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (cut)
        *slash = '/';
    if (ok)
        return ENGSCHED_OK;
    engsched_storage_set_error(&b->base, "cannot open '%s': directory does not exist", b->path);
    return ENGSCHED_ENOTFOUND;
}

/* Remember whether the file exists: only a file this backend created may
 * be removed when opening fails. */
static engsched_rc check_file(es_sqlite *b, unsigned int flags)
{
    struct stat st;
    if (stat(b->path, &st) == 0)
        return ENGSCHED_OK;
    if (errno != ENOENT) {
        engsched_storage_set_error(&b->base, "cannot open '%s': %s", b->path, strerror(errno));
        return ENGSCHED_ESTORAGE;
    }
    if (!(flags & ENGSCHED_OPEN_CREATE)) {
        engsched_storage_set_error(&b->base, "cannot open '%s': the file does not exist "
                                             "(and CREATE was not given)",
                                   b->path);
        return ENGSCHED_ENOTFOUND;
    }
    b->created = 1;
    return ENGSCHED_OK;
}

static engsched_rc open_connection(es_sqlite *b, const char *path, unsigned int flags)
{
    int is_memory = strcmp(path, ":memory:") == 0;
    if (!is_memory) {
        b->path_len = strlen(path);
        b->path = es_malloc(b->path_len + sizeof "-journal");
        if (b->path == NULL) {
            engsched_storage_set_error(&b->base, "out of memory opening '%s'", path);
            return ENGSCHED_ENOMEM;
        }
        memcpy(b->path, path, b->path_len + 1);
        engsched_rc rc = check_directory(b);
        if (rc == ENGSCHED_OK)
            rc = check_file(b, flags);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (flags & ENGSCHED_OPEN_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    int src = sqlite3_open_v2(path, &b->db, oflags, NULL);
    if (src == SQLITE_OK)
        return ENGSCHED_OK;
    engsched_storage_set_error(&b->base, "cannot open '%s': %s", path,
                               b->db != NULL ? sqlite3_errmsg(b->db) : sqlite3_errstr(src));
    sqlite3_close(b->db);
    b->db = NULL;
    return map_sqlite_rc(src) == ENGSCHED_ENOMEM ? ENGSCHED_ENOMEM : ENGSCHED_ESTORAGE;
}

/* Read a one-integer pragma or query during open; a file that is not a
 * database fails here, on the first read of its header. */
static engsched_rc open_query(es_sqlite *b, enum stmt_id id, const char *path, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int found;
    engsched_rc rc = stmt_get(b, id, &st);
    if (rc == ENGSCHED_OK)
        rc = query_int(b, st, "reading the store header", out, &found);
    if (rc == ENGSCHED_ECORRUPT)
        engsched_storage_set_error(&b->base, "'%s' is not a database", path);
    return rc;
}

/* A store is ours (our application_id), or new (no id and no tables).
 * Anything else belongs to someone else and is refused untouched. */
static engsched_rc check_identity(es_sqlite *b, const char *path)
{
    int64_t app_id = 0, objects = 0;
    engsched_rc rc = open_query(b, ST_APPLICATION_ID, path, &app_id);
    if (rc != ENGSCHED_OK || app_id == (int64_t)ES_SQLITE_APPLICATION_ID)
        return rc;
    if (app_id == 0 && (rc = open_query(b, ST_SCHEMA_OBJECTS, path, &objects)) != ENGSCHED_OK)
        return rc;
    if (app_id == 0 && objects == 0)
        return ENGSCHED_OK;
    engsched_storage_set_error(&b->base, "'%s' is not a libengsched store (application_id "
                                         "0x%08llx, %lld schema objects)",
                               path, (unsigned long long)(uint32_t)app_id, (long long)objects);
    return ENGSCHED_ECORRUPT;
}

/* Per-connection settings; WAL is a property of the file, set only once
 * the file is known to be ours, so a refused file is never changed. */
static engsched_rc configure(es_sqlite *b)
{
    int src = sqlite3_busy_timeout(b->db, DEFAULT_BUSY_TIMEOUT_MS);
    if (src == SQLITE_OK)
        src = sqlite3_exec(b->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
                           NULL, NULL, NULL);
    if (src == SQLITE_OK && b->path != NULL)
        src = sqlite3_exec(b->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    return src == SQLITE_OK ? ENGSCHED_OK : fail(b, src, "configuring the connection");
}

engsched_rc engsched_storage_sqlite_new(const char *path, unsigned int flags,
                                        engsched_storage **out)
{
    if (path == NULL || out == NULL) {
        engsched_storage_set_error(NULL, "%s: must not be NULL", path == NULL ? "path" : "out");
        return ENGSCHED_EMISUSE;
    }
    if (path[0] == '\0') {
        engsched_storage_set_error(NULL, "path: must not be empty");
        return ENGSCHED_EINVAL;
    }
    es_sqlite *b = es_calloc(1, sizeof *b);
    if (b == NULL) {
        engsched_storage_set_error(NULL, "out of memory opening '%s'", path);
        return ENGSCHED_ENOMEM;
    }
    b->base = sqlite_table;
    b->readonly = (flags & ENGSCHED_OPEN_READONLY) != 0;
    engsched_rc rc = open_connection(b, path, flags);
    if (rc == ENGSCHED_OK)
        rc = check_identity(b, path);
    if (rc == ENGSCHED_OK)
        rc = configure(b);
    if (rc != ENGSCHED_OK) {
        sq_free(&b->base); /* removes the file if this call created it */
        return rc;
    }
    *out = &b->base;
    return ENGSCHED_OK;
}

sqlite3 *es_sqlite_connection(engsched_storage *s) { return backend_of(s)->db; }

/* --- query plans (white-box tests) -------------------------------------- */

/* The statements the views and the per-engagement lists run, apart from
 * the engagement_query() variants, which are composed below. */
static const enum stmt_id explained_stmts[] = {
    ST_USERS_WITH_PERMISSIONS, ST_OPERATOR_WORK, ST_UNAVAILABILITY_LIST, ST_ENGAGEMENTS_DUE,
    ST_ASSIGNMENT_LIST,        ST_FILE_LIST,     ST_ENGAGEMENT_GET,      ST_EVENT_LIST_ONE,
};

#define EXPLAIN_PREFIX "EXPLAIN QUERY PLAN "

/* Run EXPLAIN QUERY PLAN on one statement and pass each plan line on. */
static engsched_rc explain_one(es_sqlite *b, const char *sql, es_sqlite_plan_fn cb, void *ctx)
{
    char text[sizeof EXPLAIN_PREFIX + QUERY_SQL_MAX];
    size_t len = strlen(sql);
    if (len + sizeof EXPLAIN_PREFIX > sizeof text) {
        engsched_storage_set_error(&b->base, "sqlite: a statement exceeds %d bytes",
                                   QUERY_SQL_MAX);
        return ENGSCHED_ESTORAGE;
    }
    memcpy(text, EXPLAIN_PREFIX, sizeof EXPLAIN_PREFIX - 1);
    memcpy(text + sizeof EXPLAIN_PREFIX - 1, sql, len + 1);
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(b->db, text, -1, &st, NULL);
    if (src != SQLITE_OK)
        return fail(b, src, "explaining a statement");
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        cb(ctx, sql, col_text(st, 3));
    engsched_rc rc = src == SQLITE_DONE ? ENGSCHED_OK : fail(b, src, "explaining a statement");
    sqlite3_finalize(st);
    return rc;
}

engsched_rc es_sqlite_explain_views(engsched_storage *s, es_sqlite_plan_fn cb, void *ctx)
{
    es_sqlite *b = backend_of(s);
    engsched_rc rc = enter(b);
    for (size_t i = 0; rc == ENGSCHED_OK && i < sizeof explained_stmts / sizeof explained_stmts[0];
         i++)
        rc = explain_one(b, stmt_sql[explained_stmts[i]], cb, ctx);
    char sql[QUERY_SQL_MAX];
    for (int sort = 0; rc == ENGSCHED_OK && sort < QUERY_SORTS; sort++) {
        for (int desc = 0; rc == ENGSCHED_OK && desc < 2; desc++) {
            for (unsigned int f = 0; rc == ENGSCHED_OK && f < (1u << QF_COUNT); f++) {
                if (!query_shape_valid(sort, f))
                    continue;
                if (!query_sql(sql, sizeof sql, sort, desc, f)) {
                    engsched_storage_set_error(&b->base, "sqlite: a query variant exceeds %d bytes",
                                               QUERY_SQL_MAX);
                    return ENGSCHED_ESTORAGE;
                }
                rc = explain_one(b, sql, cb, ctx);
            }
        }
    }
    return rc;
}
