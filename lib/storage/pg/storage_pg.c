/* The PostgreSQL backend: one libpq connection per backend, for hosts that
 * run several application servers against one shared database
 * (DESIGN.md §7, include/engsched/storage.h).
 *
 * Design notes
 * - Every statement is a constant of this file, prepared once per
 *   connection (PQprepare) and run with PQexecPrepared; input only ever
 *   travels as a parameter. engagement_query() variants are composed from
 *   constant fragments, as in the SQLite backend. The migration scripts
 *   are constants too and run with PQexec (they are several statements).
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
#include "storage/pg/storage_pg.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "util/alloc.h"

/* Seconds to wait for a server when the connection string does not say
 * (libpq's own default is to wait forever). */
#define DEFAULT_CONNECT_TIMEOUT "10"

/* Default busy timeout until the core sets the handle's own. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* Room for a message kept across a second call, and for a cleaned-up
 * libpq message (the core's buffer is 512 bytes as well). */
#define MESSAGE_MAX 512

/* Type OIDs of the parameters of engagement_query() variants (fixed by
 * PostgreSQL's catalog). */
#define OID_INT8 20
#define OID_INT4 23
#define OID_TEXT 25

enum stmt_id {
    ST_LOCK,
    ST_SET_LOCK_TIMEOUT,
    ST_SCHEMA_VERSION,
    ST_SETTING_GET,
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
    ST_FILE_READ,
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
    ST_COUNT
};

/* The columns fill_engagement() reads, in its order. A report is optional:
 * LEFT JOIN gives NULLs, read back as id 0, status NONE and title "". */
#define ENGAGEMENT_SELECT                                                                   \
    "SELECT e.id, e.client, e.requested_by, e.name, e.description, e.type, e.location,"    \
    " e.contacts, e.custom_fields, e.cancel_reason, e.start_day, e.end_day, e.status,"     \
    " e.version, e.created_at, e.updated_at, r.id, r.status, r.title"                      \
    " FROM engagements AS e LEFT JOIN reports AS r ON r.engagement = e.id "

#define ENGAGEMENT_COLUMNS                                                                  \
    "client, requested_by, name, description, type, location, contacts, custom_fields,"    \
    " cancel_reason, start_day, end_day, status, version, created_at, updated_at"

/* The ENGAGEMENT_COLUMNS parameters in bind_engagement() order, from $1
 * on (insert) and from $2 on (update, where $1 is the id). */
#define ENGAGEMENT_PARAMS_1                                                                 \
    "$1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,"  \
    " $9::text, $10::integer, $11::integer, $12::integer, $13::bigint, $14::bigint,"       \
    " $15::bigint"
#define ENGAGEMENT_PARAMS_2                                                                 \
    "$2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,"  \
    " $10::text, $11::integer, $12::integer, $13::integer, $14::bigint, $15::bigint,"      \
    " $16::bigint"

/* The columns fill_user() reads, in its order (users u, roles r). */
#define USER_SELECT                                                                         \
    "SELECT u.id, u.host_key, u.email, u.display_name, u.role, u.flags, r.permissions"     \
    " FROM users AS u JOIN roles AS r ON r.id = u.role "

#define UNAVAILABILITY_COLUMNS                                                              \
    "id, user_id, start_day, end_day, reason, created_by, created_at"
#define FILE_COLUMNS "id, engagement, name, media_type, size, uploaded_by, uploaded_at"
#define EVENT_COLUMNS                                                                       \
    "seq, time, actor, engagement, action, status_before, status_after, details"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_LOCK] = "SELECT pg_advisory_xact_lock($1::integer, $2::integer)",
    [ST_SET_LOCK_TIMEOUT] = "SELECT set_config('lock_timeout', $1::text, false)",
    [ST_SCHEMA_VERSION] = "SELECT value FROM engsched_meta WHERE key = 'schema_version'",
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = $1::text",
    [ST_SETTING_SET] = "INSERT INTO settings(key, value) VALUES($1::text, $2::text)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [ST_CLIENT_FIND] = "SELECT id FROM clients WHERE host_key = $1::text",
    [ST_CLIENT_INSERT] = "INSERT INTO clients(host_key, name) VALUES($1::text, $2::text)"
                         " RETURNING id",
    [ST_CLIENT_UPDATE] = "UPDATE clients SET name = $2::text WHERE id = $1::bigint",
    [ST_CLIENT_GET] = "SELECT id, host_key, name FROM clients WHERE id = $1::bigint",
    [ST_USER_FIND] = "SELECT id FROM users WHERE host_key = $1::text",
    [ST_USER_INSERT] = "INSERT INTO users(host_key, email, display_name, role, flags)"
                       " VALUES($1::text, $2::text, $3::text, $4::bigint, $5::bigint)"
                       " RETURNING id",
    [ST_USER_UPDATE] = "UPDATE users SET email = $2::text, display_name = $3::text,"
                       " role = $4::bigint, flags = $5::bigint WHERE id = $1::bigint",
    [ST_USER_GET] = USER_SELECT "WHERE u.id = $1::bigint",
    /* No id: max + 1, safe under the write lock. A taken name or id
     * inserts nothing and returns no row (EEXISTS) without aborting the
     * transaction, as a failed statement would. */
    [ST_ROLE_INSERT] = "INSERT INTO roles(id, name, permissions)"
                       " VALUES(coalesce($1::bigint,"
                       " (SELECT coalesce(max(id), 0) + 1 FROM roles)), $2::text, $3::bigint)"
                       " ON CONFLICT DO NOTHING RETURNING id",
    [ST_ROLE_UPDATE] = "UPDATE roles SET permissions = $2::bigint WHERE id = $1::bigint",
    [ST_ROLE_GET] = "SELECT id, name, permissions FROM roles WHERE id = $1::bigint",
    [ST_ROLE_FIND] = "SELECT id FROM roles WHERE name = $1::text",
    [ST_ACCESS_GRANT] = "INSERT INTO client_access(user_id, client)"
                        " VALUES($1::bigint, $2::bigint) ON CONFLICT DO NOTHING",
    [ST_ACCESS_REVOKE] = "DELETE FROM client_access"
                         " WHERE user_id = $1::bigint AND client = $2::bigint",
    [ST_ACCESS_CHECK] = "SELECT 1 FROM client_access"
                        " WHERE user_id = $1::bigint AND client = $2::bigint",
    [ST_ENGAGEMENT_INSERT] = "INSERT INTO engagements(" ENGAGEMENT_COLUMNS ")"
                             " VALUES(" ENGAGEMENT_PARAMS_1 ") RETURNING id",
    [ST_ENGAGEMENT_UPDATE] = "UPDATE engagements SET (" ENGAGEMENT_COLUMNS ")"
                             " = (" ENGAGEMENT_PARAMS_2 ") WHERE id = $1::bigint",
    [ST_ENGAGEMENT_GET] = ENGAGEMENT_SELECT "WHERE e.id = $1::bigint",
    [ST_ENGAGEMENTS_DUE] = ENGAGEMENT_SELECT
    "WHERE e.status = $1::integer AND e.start_day <= $2::integer AND e.id > $3::bigint"
    " ORDER BY e.id LIMIT $4::bigint",
    [ST_REPORT_INSERT] = "INSERT INTO reports(engagement, title, status)"
                         " VALUES($1::bigint, $2::text, $3::integer) RETURNING id",
    [ST_REPORT_UPDATE] = "UPDATE reports SET title = $3::text, status = $4::integer"
                         " WHERE id = $1::bigint AND engagement = $2::bigint",
    [ST_REPORT_ENGAGEMENT] = "SELECT engagement FROM reports WHERE id = $1::bigint",
    [ST_ASSIGNMENT_INSERT] = "INSERT INTO assignments(engagement, user_id, role, assigned_by,"
                             " assigned_at) VALUES($1::bigint, $2::bigint, $3::integer,"
                             " $4::bigint, $5::bigint)"
                             " ON CONFLICT(engagement, user_id) DO NOTHING RETURNING ord",
    [ST_ASSIGNMENT_DELETE] = "DELETE FROM assignments"
                             " WHERE engagement = $1::bigint AND user_id = $2::bigint",
    [ST_ASSIGNMENT_LIST] = "SELECT engagement, user_id, role, assigned_by, assigned_at"
                           " FROM assignments WHERE engagement = $1::bigint ORDER BY ord",
    [ST_FILE_INSERT] = "INSERT INTO files(engagement, name, media_type, size, uploaded_by,"
                       " uploaded_at) VALUES($1::bigint, $2::text, $3::text, $4::bigint,"
                       " $5::bigint, $6::bigint) RETURNING id",
    /* $2 travels in binary format: the bytes as they are. */
    [ST_FILE_DATA_INSERT] = "INSERT INTO file_data(file, data) VALUES($1::bigint, $2::bytea)",
    [ST_FILE_GET] = "SELECT " FILE_COLUMNS " FROM files WHERE id = $1::bigint",
    /* One piece of a file, read with a binary result: substring() of an
     * uncompressed (STORAGE EXTERNAL) value fetches only the TOAST chunks
     * of that piece. $2 is 1-based. */
    [ST_FILE_READ] = "SELECT substring(data FROM $2::integer FOR $3::integer)"
                     " FROM file_data WHERE file = $1::bigint",
    /* file_data goes with it (ON DELETE CASCADE). */
    [ST_FILE_DELETE] = "DELETE FROM files WHERE id = $1::bigint",
    [ST_FILE_LIST] = "SELECT " FILE_COLUMNS " FROM files WHERE engagement = $1::bigint"
                     " ORDER BY id",
    [ST_EVENT_APPEND] = "INSERT INTO events(seq, time, actor, engagement, action,"
                        " status_before, status_after, details)"
                        " VALUES((SELECT coalesce(max(seq), 0) + 1 FROM events), $1::bigint,"
                        " $2::bigint, $3::bigint, $4::text, $5::integer, $6::integer, $7::text)"
                        " RETURNING seq",
    [ST_EVENT_LIST_ALL] = "SELECT " EVENT_COLUMNS " FROM events WHERE seq > $1::bigint"
                          " ORDER BY seq LIMIT $2::bigint",
    [ST_EVENT_LIST_ONE] = "SELECT " EVENT_COLUMNS " FROM events"
                          " WHERE engagement = $1::bigint AND seq > $2::bigint"
                          " ORDER BY seq LIMIT $3::bigint",
    [ST_EVENT_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    /* $1 permissions, $2 scope user (0: none), $3 after name (NULL: from
     * the start), $4 after id, $5 limit, $6 the all-clients flag bit. */
    [ST_USERS_WITH_PERMISSIONS] =
        USER_SELECT "WHERE (r.permissions & $1::bigint) = $1::bigint"
        " AND ($2::bigint = 0 OR (u.flags & $6::bigint) <> 0"
        " OR (SELECT s.flags & $6::bigint FROM users AS s WHERE s.id = $2::bigint) <> 0"
        " OR EXISTS (SELECT 1 FROM client_access AS mine"
        " JOIN client_access AS theirs ON theirs.client = mine.client"
        " WHERE mine.user_id = $2::bigint AND theirs.user_id = u.id))"
        " AND ($3::text IS NULL OR (u.display_name, u.id) > ($3::text, $4::bigint))"
        " ORDER BY u.display_name, u.id LIMIT $5::bigint",
    [ST_OPERATOR_WORK] = ENGAGEMENT_SELECT
        "JOIN assignments AS a ON a.engagement = e.id"
        " WHERE a.user_id = $1::bigint AND a.start_day <= $4::integer"
        " AND a.end_day >= $3::integer AND (($2::bigint >> e.status) & 1) = 1"
        " ORDER BY a.start_day, e.id",
    [ST_UNAVAILABILITY_INSERT] = "INSERT INTO unavailability(user_id, start_day, end_day,"
                                 " reason, created_by, created_at) VALUES($1::bigint,"
                                 " $2::integer, $3::integer, $4::text, $5::bigint, $6::bigint)"
                                 " RETURNING id",
    [ST_UNAVAILABILITY_GET] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                              " WHERE id = $1::bigint",
    [ST_UNAVAILABILITY_DELETE] = "DELETE FROM unavailability WHERE id = $1::bigint",
    [ST_UNAVAILABILITY_LIST] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                               " WHERE user_id = $1::bigint AND start_day <= $3::integer"
                               " AND end_day >= $2::integer ORDER BY start_day, id",
    [ST_INVITATION_GET] = "SELECT engagement, user_id, sequence, canceled, updated_at"
                          " FROM invitations WHERE engagement = $1::bigint"
                          " AND user_id = $2::bigint",
    [ST_INVITATION_PUT] = "INSERT INTO invitations(engagement, user_id, sequence, canceled,"
                          " updated_at) VALUES($1::bigint, $2::bigint, $3::bigint,"
                          " $4::boolean, $5::bigint)"
                          " ON CONFLICT(engagement, user_id) DO UPDATE SET"
                          " sequence = excluded.sequence, canceled = excluded.canceled,"
                          " updated_at = excluded.updated_at",
    [ST_CLIENT_LIST] = "SELECT id, host_key, name FROM clients WHERE id > $1::bigint"
                       " ORDER BY id LIMIT $2::bigint",
    [ST_USER_LIST] = USER_SELECT "WHERE u.id > $1::bigint ORDER BY u.id LIMIT $2::bigint",
    [ST_ROLE_LIST] = "SELECT id, name, permissions FROM roles ORDER BY id",
    [ST_ACCESS_LIST] = "SELECT c.id, c.host_key, c.name FROM client_access AS ca"
                       " JOIN clients AS c ON c.id = ca.client WHERE ca.user_id = $1::bigint"
                       " ORDER BY c.id",
};

/* engagement_query() statements: one per combination of sort key,
 * direction and present filters, composed from constant fragments (never
 * from input) so that each is planned with the constraints it really
 * has. 5 sort keys x 2 directions x 2^QF_COUNT filter sets. */
enum query_filter { QF_CLIENT, QF_OPERATOR, QF_SCOPE, QF_RANGE, QF_TEXT, QF_AFTER, QF_COUNT };
#define QUERY_SORTS 5
#define QUERY_VARIANTS (QUERY_SORTS * 2 * (1 << QF_COUNT))
#define QUERY_PARAMS 11
#define QUERY_SQL_MAX 2048

typedef struct es_pg {
    engsched_storage base; /* first: the core casts between the two */
    PGconn *conn;
    PGresult *held; /* backs the strings of the last filled record */
    unsigned char prepared[ST_COUNT];          /* prepared on this connection */
    unsigned char query_prepared[QUERY_VARIANTS];
    int32_t lock_key;  /* the store's schema OID, the advisory lock's second key */
    int have_lock_key; /* prepare() found the schema */
    int busy_ms;
    int readonly; /* ENGSCHED_OPEN_READONLY: prepare() never writes */
    int create;   /* ENGSCHED_OPEN_CREATE: prepare() may create the store */
    char schema[128];  /* the store's schema, for messages */
    char where[256];   /* host:port/database as user, for messages */
} es_pg;

static es_pg *backend_of(engsched_storage *s) { return (es_pg *)s; }

/* --- messages ---------------------------------------------------------- */

/* Copy a libpq message into @p out on one line: the LOCATION and later
 * lines of a verbose message are dropped, other line breaks and tabs
 * become spaces, trailing space is trimmed. */
static void clean_message(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (in == NULL)
        in = "";
    for (; *in != '\0' && n + 1 < size; in++) {
        if (*in == '\n' && strncmp(in + 1, "LOCATION:", 9) == 0)
            break;
        char c = (*in == '\n' || *in == '\t' || *in == '\r') ? ' ' : *in;
        if (c == ' ' && n > 0 && out[n - 1] == ' ')
            continue;
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

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

static engsched_rc map_sqlstate(const char *state)
{
    if (state == NULL)
        return ENGSCHED_ESTORAGE;
    if (strcmp(state, "23505") == 0) /* unique_violation */
        return ENGSCHED_EEXISTS;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || /* serialization, deadlock */
        strcmp(state, "55P03") == 0 ||                                /* lock_not_available */
        strcmp(state, "57014") == 0)                                  /* query_canceled: timeout */
        return ENGSCHED_EBUSY;
    if (strcmp(state, "53200") == 0) /* out_of_memory */
        return ENGSCHED_ENOMEM;
    if (strncmp(state, "54", 2) == 0) /* program_limit_exceeded: too large a value */
        return ENGSCHED_ETOOBIG;
    if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0) /* data/index corrupted */
        return ENGSCHED_ECORRUPT;
    if (strncmp(state, "28", 2) == 0 || strcmp(state, "42501") == 0) /* auth, privilege */
        return ENGSCHED_EDENIED;
    if (strcmp(state, "3F000") == 0) /* invalid_schema_name */
        return ENGSCHED_ENOTFOUND;
    return ENGSCHED_ESTORAGE;
}

/* Whether a failure means the connection is gone: libpq says so, or the
 * server ended the session (admin_shutdown, crash_shutdown, cannot
 * connect now) or the connection class 08. */
static int connection_lost(es_pg *b, const char *state)
{
    if (b->conn == NULL || PQstatus(b->conn) != CONNECTION_OK)
        return 1;
    return state != NULL && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0);
}

/* Describe a failed statement (its result @p r, which is cleared; NULL
 * when libpq could not even make one) and map it to a result code. */
static engsched_rc fail(es_pg *b, PGresult *r, const char *what)
{
    const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char detail[MESSAGE_MAX];
    clean_message(primary != NULL ? primary : PQerrorMessage(b->conn), detail, sizeof detail);
    engsched_rc rc;
    if (connection_lost(b, state)) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: %s: the connection to %s was lost (%s); the "
                                   "transaction was not committed",
                                   what, b->where, detail[0] ? detail : "no reply");
        rc = ENGSCHED_ESTORAGE;
    } else {
        rc = map_sqlstate(state);
        engsched_storage_set_error(&b->base, "postgresql: %s: %s (SQLSTATE %s)", what, detail,
                                   state != NULL ? state : "none");
    }
    PQclear(r);
    return rc;
}

static engsched_rc not_found(es_pg *b, const char *what, engsched_id id)
{
    engsched_storage_set_error(&b->base, "postgresql: %s %lld does not exist", what,
                               (long long)id);
    return ENGSCHED_ENOTFOUND;
}

/* --- parameters -------------------------------------------------------- */

#define MAX_PARAMS 16

/* Parameters in text format (integers are written out here), except
 * binary ones (file bytes). */
typedef struct params {
    int n;
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    char text[MAX_PARAMS][24];
} params;

static void p_int(params *p, int64_t v)
{
    snprintf(p->text[p->n], sizeof p->text[p->n], "%lld", (long long)v);
    p->values[p->n] = p->text[p->n];
    p->lengths[p->n] = 0;
    p->formats[p->n] = 0;
    p->n++;
}

/* Optional references: 0 in records is NULL in the store. */
static void p_opt(params *p, int64_t v)
{
    if (v != 0) {
        p_int(p, v);
        return;
    }
    p->values[p->n] = NULL;
    p->lengths[p->n] = 0;
    p->formats[p->n] = 0;
    p->n++;
}

static void p_text(params *p, const char *v)
{
    p->values[p->n] = v; /* NULL is SQL NULL */
    p->lengths[p->n] = 0;
    p->formats[p->n] = 0;
    p->n++;
}

/* Text fields documented as `"" if none` (or "{}"): NULL means the default. */
static void p_text_or(params *p, const char *v, const char *dflt)
{
    p_text(p, v != NULL ? v : dflt);
}

static void p_bytes(params *p, const void *data, int len)
{
    p->values[p->n] = len > 0 ? data : "";
    p->lengths[p->n] = len;
    p->formats[p->n] = 1;
    p->n++;
}

/* --- results ----------------------------------------------------------- */

static int64_t v_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Required text columns are never NULL (PQgetvalue gives "" for NULL). */
static const char *v_text(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col);
}

static const char *v_text_opt(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* --- statements -------------------------------------------------------- */

/* Start of every callback: the previous call's record strings expire. */
static engsched_rc enter(es_pg *b)
{
    PQclear(b->held);
    b->held = NULL;
    if (b->conn == NULL) {
        engsched_storage_set_error(&b->base, "postgresql: the backend has no connection");
        return ENGSCHED_EMISUSE;
    }
    return ENGSCHED_OK;
}

static int result_ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return r != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

/* Run the statement named @p name (prepared from @p sql on first use on
 * this connection, flag in *@p done) with @p p; @p binary asks for binary
 * results. On success *out is a result the caller clears or holds. */
static engsched_rc run_named(es_pg *b, const char *name, const char *sql, unsigned char *done,
                             int ntypes, const Oid *types, const params *p, int binary,
                             const char *what, PGresult **out)
{
    *out = NULL;
    if (!*done) {
        PGresult *r = PQprepare(b->conn, name, sql, ntypes, types);
        if (!result_ok(r))
            return fail(b, r, what);
        PQclear(r);
        *done = 1;
    }
    PGresult *r = PQexecPrepared(b->conn, name, p != NULL ? p->n : 0,
                                 p != NULL ? p->values : NULL, p != NULL ? p->lengths : NULL,
                                 p != NULL ? p->formats : NULL, binary);
    if (!result_ok(r))
        return fail(b, r, what);
    *out = r;
    return ENGSCHED_OK;
}

static engsched_rc run_bin(es_pg *b, enum stmt_id id, const params *p, int binary,
                           const char *what, PGresult **out)
{
    char name[32];
    snprintf(name, sizeof name, "engsched_%d", (int)id);
    return run_named(b, name, stmt_sql[id], &b->prepared[id], 0, NULL, p, binary, what, out);
}

static engsched_rc run(es_pg *b, enum stmt_id id, const params *p, const char *what,
                       PGresult **out)
{
    return run_bin(b, id, p, 0, what, out);
}

/* A statement whose result is not needed. */
static engsched_rc exec_stmt(es_pg *b, enum stmt_id id, const params *p, const char *what)
{
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, p, what, &r);
    PQclear(r);
    return rc;
}

/* A statement run once, not prepared: transaction control and the
 * queries of prepare(), which may run before the tables exist (a
 * statement prepared then would outlive a rolled-back migration). */
static engsched_rc run_once(es_pg *b, const char *sql, const params *p, const char *what,
                            PGresult **out)
{
    *out = NULL;
    PGresult *r = PQexecParams(b->conn, sql, p != NULL ? p->n : 0, NULL,
                               p != NULL ? p->values : NULL, p != NULL ? p->lengths : NULL,
                               p != NULL ? p->formats : NULL, 0);
    if (!result_ok(r))
        return fail(b, r, what);
    *out = r;
    return ENGSCHED_OK;
}

static engsched_rc exec_once(es_pg *b, const char *sql, const char *what)
{
    PGresult *r = NULL;
    engsched_rc rc = run_once(b, sql, NULL, what, &r);
    PQclear(r);
    return rc;
}

/* Rows changed by a write. */
static long long changed(PGresult *r) { return strtoll(PQcmdTuples(r), NULL, 10); }

/* A write that must touch one row, else ENOTFOUND. */
static engsched_rc exec_expect_row(es_pg *b, enum stmt_id id, const params *p,
                                   const char *what, engsched_id key)
{
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, p, what, &r);
    if (rc == ENGSCHED_OK && changed(r) == 0)
        rc = not_found(b, what, key);
    PQclear(r);
    return rc;
}

/* A query returning at most one row of one integer; *found says whether
 * there was a row. */
static engsched_rc query_int(es_pg *b, enum stmt_id id, const params *p, const char *what,
                             int64_t *out, int *found)
{
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, p, what, &r);
    if (rc != ENGSCHED_OK)
        return rc;
    *found = PQntuples(r) > 0;
    if (*found)
        *out = v_int(r, 0, 0);
    PQclear(r);
    return ENGSCHED_OK;
}

/* A by-id read of one row: on success the result is held and *out points
 * at it, so records may point into it until the next call. */
static engsched_rc get_row(es_pg *b, enum stmt_id id, int64_t key, const char *what,
                           PGresult **out)
{
    params p = {0};
    p_int(&p, key);
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, &p, what, &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return not_found(b, what, key);
    }
    b->held = r;
    *out = r;
    return ENGSCHED_OK;
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
    params p = {0};
    char value[32];
    snprintf(value, sizeof value, "%dms", b->busy_ms > 0 ? b->busy_ms : 1);
    p_text(&p, value);
    PGresult *r = NULL;
    engsched_rc rc = run(b, ST_SET_LOCK_TIMEOUT, &p, "setting the busy timeout", &r);
    PQclear(r);
    return rc;
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
    char detail[MESSAGE_MAX];
    const char *raw = PQerrorMessage(b->conn);
    clean_message(raw, detail, sizeof detail);
    if (timed_out) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: cannot connect to %s: no answer within %d s "
                                   "(connect_timeout)",
                                   b->where, timeout);
        return ENGSCHED_ESTORAGE;
    }
    if (PQconnectionNeedsPassword(b->conn)) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: cannot connect to %s: the server asks for a "
                                   "password and none was given",
                                   b->where);
        return ENGSCHED_EDENIED;
    }
    if (strstr(raw, " 28P01:") != NULL || strstr(raw, " 28000:") != NULL) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: cannot connect to %s: authentication failed "
                                   "(%s)",
                                   b->where, detail);
        return ENGSCHED_EDENIED;
    }
    if (strstr(raw, " 3D000:") != NULL) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: cannot connect to %s: the database does not "
                                   "exist (%s)",
                                   b->where, detail);
        return ENGSCHED_ENOTFOUND;
    }
    engsched_storage_set_error(&b->base, "postgresql: cannot connect to %s: %s", b->where,
                               detail[0] ? detail : "unknown error");
    return ENGSCHED_ESTORAGE;
}

static engsched_rc connect_server(es_pg *b, const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (opts == NULL) {
        char detail[MESSAGE_MAX];
        clean_message(err != NULL ? err : "out of memory", detail, sizeof detail);
        redact_quoted(detail);
        engsched_storage_set_error(&b->base, "postgresql: the connection string is not valid: %s",
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
        engsched_storage_set_error(&b->base, "postgresql: out of memory connecting");
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
static engsched_rc ensure_connected(es_pg *b)
{
    if (PQstatus(b->conn) == CONNECTION_OK)
        return ENGSCHED_OK;
    PQreset(b->conn);
    memset(b->prepared, 0, sizeof b->prepared);
    memset(b->query_prepared, 0, sizeof b->query_prepared);
    if (PQstatus(b->conn) != CONNECTION_OK) {
        char detail[MESSAGE_MAX];
        clean_message(PQerrorMessage(b->conn), detail, sizeof detail);
        engsched_storage_set_error(&b->base,
                                   "postgresql: the connection to %s was lost and could not "
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
    engsched_rc rc = exec_once(b, "ROLLBACK", "rolling back");
    if (rc != ENGSCHED_OK && PQstatus(b->conn) != CONNECTION_OK)
        return ENGSCHED_OK; /* lost while rolling back: discarded all the same */
    return rc;
}

/* Keep the message of the failure while cleaning up after it. */
static void rollback_keeping_message(es_pg *b)
{
    char message[MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->base));
    rollback_open(b);
    engsched_storage_set_error(&b->base, "%s", message);
}

/* The store's write lock (see the top of this file). */
static engsched_rc take_write_lock(es_pg *b)
{
    if (!b->have_lock_key) {
        engsched_storage_set_error(&b->base, "postgresql: begin() before prepare()");
        return ENGSCHED_EMISUSE;
    }
    params p = {0};
    p_int(&p, ES_PG_LOCK_CLASS);
    p_int(&p, b->lock_key);
    engsched_rc rc = exec_stmt(b, ST_LOCK, &p, "taking the write lock");
    if (rc == ENGSCHED_EBUSY)
        engsched_storage_set_error(&b->base,
                                   "postgresql: the store in schema %s stayed locked by "
                                   "another writer past the busy timeout (%d ms)",
                                   b->schema, b->busy_ms);
    return rc;
}

static engsched_rc pg_begin(engsched_storage *s, int write)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = ensure_connected(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQtransactionStatus(b->conn) != PQTRANS_IDLE) {
        engsched_storage_set_error(&b->base, "postgresql: a transaction is already open");
        return ENGSCHED_EMISUSE;
    }
    if (!write)
        return exec_once(b, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                         "beginning a transaction");
    rc = exec_once(b, "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE",
                   "beginning a transaction");
    if (rc == ENGSCHED_OK)
        rc = take_write_lock(b);
    /* The core does not roll back a begin() that failed. */
    if (rc != ENGSCHED_OK)
        rollback_keeping_message(b);
    return rc;
}

static engsched_rc pg_commit(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    PGresult *r = NULL;
    rc = run_once(b, "COMMIT", NULL, "committing", &r);
    if (rc == ENGSCHED_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        /* COMMIT of a transaction an error aborted rolls it back. */
        engsched_storage_set_error(&b->base, "postgresql: committing: an earlier statement "
                                             "failed; the transaction was rolled back");
        rc = ENGSCHED_ESTORAGE;
    }
    PQclear(r);
    if (rc != ENGSCHED_OK)
        rollback_keeping_message(b);
    return rc;
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
static engsched_rc run_in_transaction(engsched_storage *s, const char *sql, const char *what)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQstatus(b->conn) == CONNECTION_OK && PQtransactionStatus(b->conn) == PQTRANS_IDLE) {
        engsched_storage_set_error(&b->base, "postgresql: %s: no transaction is open", what);
        return ENGSCHED_ESTORAGE;
    }
    return exec_once(b, sql, what);
}

static engsched_rc pg_savepoint(engsched_storage *s)
{
    return run_in_transaction(s, "SAVEPOINT es_op", "opening a savepoint");
}

static engsched_rc pg_release(engsched_storage *s)
{
    return run_in_transaction(s, "RELEASE SAVEPOINT es_op", "releasing a savepoint");
}

static engsched_rc pg_rollback_to(engsched_storage *s)
{
    return run_in_transaction(s, "ROLLBACK TO SAVEPOINT es_op", "rolling back to a savepoint");
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

/* --- schema ------------------------------------------------------------ */

/* The schema the store lives in: the first existing schema of the
 * search_path, and its OID for the advisory lock. */
static engsched_rc locate_schema(es_pg *b)
{
    PGresult *r = NULL;
    engsched_rc rc = run_once(b,
                              "SELECT n.nspname, n.oid::bigint, current_setting('search_path')"
                              " FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_namespace AS n"
                              " ON n.nspname = current_schema()",
                              NULL, "finding the schema", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: %s: no schema of the search_path (%s) exists "
                                   "to hold the store; create it, or name one with "
                                   "options=-csearch_path%%3D<schema>",
                                   b->where, PQntuples(r) == 1 ? v_text(r, 0, 2) : "?");
        PQclear(r);
        return ENGSCHED_ENOTFOUND;
    }
    snprintf(b->schema, sizeof b->schema, "%s", v_text(r, 0, 0));
    b->lock_key = (int32_t)(uint32_t)v_int(r, 0, 1);
    b->have_lock_key = 1;
    PQclear(r);
    return ENGSCHED_OK;
}

/* What the store's schema holds: whether there is a store (engsched_meta)
 * and at which version, and how many relations there are. */
typedef struct schema_state {
    int has_store;
    int version;
    long long relations;
} schema_state;

static engsched_rc inspect_schema(es_pg *b, schema_state *out)
{
    PGresult *r = NULL;
    engsched_rc rc;
    params p = {0};
    p_int(&p, (int64_t)(uint32_t)b->lock_key);
    rc = run_once(b,
                  "SELECT count(*) FILTER (WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')),"
                  " count(*) FILTER (WHERE c.relname = 'engsched_meta' AND c.relkind = 'r')"
                  " FROM pg_catalog.pg_class AS c WHERE c.relnamespace = $1::bigint::oid",
                  &p, "inspecting the schema", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    out->relations = v_int(r, 0, 0);
    out->has_store = v_int(r, 0, 1) > 0;
    out->version = 0;
    PQclear(r);
    if (!out->has_store)
        return ENGSCHED_OK;
    rc = run_once(b, "SELECT value FROM engsched_meta WHERE key = 'schema_version'", NULL,
                  "reading the schema version", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) != 1) {
        PQclear(r);
        engsched_storage_set_error(&b->base,
                                   "postgresql: schema %s has an engsched_meta table without "
                                   "a schema_version row",
                                   b->schema);
        return ENGSCHED_ECORRUPT;
    }
    out->version = (int)v_int(r, 0, 0);
    PQclear(r);
    return ENGSCHED_OK;
}

static engsched_rc refuse_newer(es_pg *b, int stored, int supported)
{
    engsched_storage_set_error(&b->base,
                               "postgresql: the store in schema %s has schema version %d, "
                               "newer than the supported version %d; use a newer libengsched",
                               b->schema, stored, supported);
    return ENGSCHED_EUNSUPPORTED;
}

/* A schema with relations but no store belongs to someone else. */
static engsched_rc check_schema(es_pg *b, const schema_state *st, int supported)
{
    if (st->has_store && st->version > supported)
        return refuse_newer(b, st->version, supported);
    if (!st->has_store && st->relations > 0) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: schema %s of %s already holds %lld "
                                   "table(s) but no libengsched store; use an empty "
                                   "database or schema "
                                   "(options=-csearch_path%%3D<schema>)",
                                   b->schema, b->where, st->relations);
        return ENGSCHED_ECORRUPT;
    }
    if (!st->has_store && !b->create) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: schema %s of %s holds no libengsched store "
                                   "(and CREATE was not given)",
                                   b->schema, b->where);
        return ENGSCHED_ENOTFOUND;
    }
    if (b->readonly && st->version < supported) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: the store in schema %s is at schema version "
                                   "%d and needs migrating to %d; open it once without "
                                   "read-only",
                                   b->schema, st->version, supported);
        return ENGSCHED_EUNSUPPORTED;
    }
    return ENGSCHED_OK;
}

/* One step forward in its own transaction, under the store's write lock,
 * so two servers starting at once migrate once: the second waits, then
 * reads the version again and finds nothing to do. DDL is transactional
 * in PostgreSQL: a failed step leaves no table behind. */
static engsched_rc migrate_step(es_pg *b, int supported, int *version)
{
    schema_state st;
    engsched_rc rc = exec_once(b, "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE",
                               "beginning a migration");
    if (rc == ENGSCHED_OK)
        rc = take_write_lock(b);
    if (rc == ENGSCHED_OK)
        rc = inspect_schema(b, &st);
    if (rc == ENGSCHED_OK)
        rc = check_schema(b, &st, supported);
    int current = rc == ENGSCHED_OK ? st.version : 0;
    if (rc == ENGSCHED_OK && current < supported) {
        current++;
        PGresult *r = PQexec(b->conn, es_pg_migration(current));
        if (!result_ok(r)) {
            rc = fail(b, r, "migrating the schema");
        } else {
            PQclear(r);
            params p = {0};
            p_int(&p, current);
            rc = run_once(b,
                          "INSERT INTO engsched_meta(key, value)"
                          " VALUES('schema_version', $1::bigint)"
                          " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                          &p, "recording the schema version", &r);
            PQclear(r);
        }
    }
    if (rc == ENGSCHED_OK) {
        PGresult *r = NULL;
        rc = run_once(b, "COMMIT", NULL, "committing a migration", &r);
        if (rc == ENGSCHED_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
            engsched_storage_set_error(&b->base, "postgresql: a migration was rolled back");
            rc = ENGSCHED_ESTORAGE;
        }
        PQclear(r);
    }
    if (rc != ENGSCHED_OK) {
        rollback_keeping_message(b);
        return rc;
    }
    *version = current;
    return ENGSCHED_OK;
}

static engsched_rc pg_prepare(engsched_storage *s, int supported_version, int *out_version)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = ensure_connected(b);
    if (rc != ENGSCHED_OK)
        return rc;
    int known_model = es_pg_model_of(es_pg_schema_latest());
    if (supported_version > known_model) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: schema version %d was asked for, but this "
                                   "backend only knows versions up to %d",
                                   supported_version, known_model);
        return ENGSCHED_EUNSUPPORTED;
    }
    /* From here on versions are layouts (engsched_meta's schema_version). */
    int target = es_pg_layout_for(supported_version);
    schema_state st;
    rc = locate_schema(b);
    if (rc == ENGSCHED_OK)
        rc = inspect_schema(b, &st);
    if (rc == ENGSCHED_OK)
        rc = check_schema(b, &st, target);
    int version = rc == ENGSCHED_OK ? st.version : 0;
    while (rc == ENGSCHED_OK && version < target)
        rc = migrate_step(b, target, &version);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_version != NULL)
        *out_version = es_pg_model_of(version);
    return ENGSCHED_OK;
}

static engsched_rc pg_schema_version(engsched_storage *s, int *out_version)
{
    es_pg *b = backend_of(s);
    int64_t v = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = query_int(b, ST_SCHEMA_VERSION, NULL, "reading the schema version", &v, &found);
    if (rc == ENGSCHED_OK)
        *out_version = es_pg_model_of(found ? (int)v : 0);
    return rc;
}

/* --- settings ---------------------------------------------------------- */

static engsched_rc pg_setting_get(engsched_storage *s, const char *key, const char **out_value)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_text(&p, key);
    PGresult *r = NULL;
    rc = run(b, ST_SETTING_GET, &p, "reading a setting", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        engsched_storage_set_error(&b->base, "postgresql: setting '%s' is not set",
                                   key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    b->held = r;
    *out_value = v_text(r, 0, 0);
    return ENGSCHED_OK;
}

static engsched_rc pg_setting_set(engsched_storage *s, const char *key, const char *value)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_text(&p, key);
    p_text(&p, value);
    return exec_stmt(b, ST_SETTING_SET, &p, "writing a setting");
}

/* --- clients and users -------------------------------------------------- */

/* Find an id by one text key (client, user, role lookups). */
static engsched_rc find_by_text(es_pg *b, enum stmt_id id, const char *key, const char *what,
                                int64_t *out, int *found)
{
    params p = {0};
    p_text(&p, key);
    return query_int(b, id, &p, what, out, found);
}

/* Shared by the three find-by-key callbacks. */
static engsched_rc find_callback(engsched_storage *s, enum stmt_id id, const char *key,
                                 const char *what, engsched_id *out_id)
{
    es_pg *b = backend_of(s);
    int64_t found_id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, id, key, what, &found_id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        engsched_storage_set_error(&b->base, "postgresql: no %s has the key '%s'", what,
                                   key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    *out_id = found_id;
    return ENGSCHED_OK;
}

/* Run an INSERT … RETURNING id. */
static engsched_rc insert_returning(es_pg *b, enum stmt_id id, const params *p,
                                    const char *what, int64_t *out)
{
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, p, what, &r);
    if (rc != ENGSCHED_OK)
        return rc;
    *out = PQntuples(r) > 0 ? v_int(r, 0, 0) : 0;
    PQclear(r);
    return ENGSCHED_OK;
}

/* Upserts look the key up first: that tells created from updated, and
 * the write lock keeps the two steps consistent across servers. */
static engsched_rc pg_client_upsert(engsched_storage *s, const engsched_rec_client *rec,
                                    engsched_id *out_id, int *out_created)
{
    es_pg *b = backend_of(s);
    int64_t id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, ST_CLIENT_FIND, rec->host_key, "finding a client", &id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    if (found) {
        p_int(&p, id);
        p_text(&p, rec->name);
        rc = exec_stmt(b, ST_CLIENT_UPDATE, &p, "writing a client");
    } else {
        p_text(&p, rec->host_key);
        p_text(&p, rec->name);
        rc = insert_returning(b, ST_CLIENT_INSERT, &p, "writing a client", &id);
    }
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_created != NULL)
        *out_created = !found;
    return ENGSCHED_OK;
}

static engsched_rc pg_client_get(engsched_storage *s, engsched_id id, engsched_rec_client *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_CLIENT_GET, id, "client", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    out->id = v_int(r, 0, 0);
    out->host_key = v_text(r, 0, 1);
    out->name = v_text(r, 0, 2);
    return ENGSCHED_OK;
}

static engsched_rc pg_client_find(engsched_storage *s, const char *host_key,
                                  engsched_id *out_id)
{
    return find_callback(s, ST_CLIENT_FIND, host_key, "client", out_id);
}

static engsched_rc pg_user_upsert(engsched_storage *s, const engsched_rec_user *rec,
                                  engsched_id *out_id, int *out_created)
{
    es_pg *b = backend_of(s);
    int64_t id = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = find_by_text(b, ST_USER_FIND, rec->host_key, "finding a user", &id, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    if (found)
        p_int(&p, id);
    else
        p_text(&p, rec->host_key);
    p_text(&p, rec->email);
    p_text(&p, rec->display_name);
    p_int(&p, rec->role);
    p_int(&p, rec->flags);
    if (found)
        rc = exec_stmt(b, ST_USER_UPDATE, &p, "writing a user");
    else
        rc = insert_returning(b, ST_USER_INSERT, &p, "writing a user", &id);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_created != NULL)
        *out_created = !found;
    return ENGSCHED_OK;
}

/* Reads a row of USER_SELECT. */
static void fill_user(const PGresult *r, int row, engsched_rec_user *out)
{
    out->id = v_int(r, row, 0);
    out->host_key = v_text(r, row, 1);
    out->email = v_text_opt(r, row, 2);
    out->display_name = v_text(r, row, 3);
    out->role = v_int(r, row, 4);
    out->flags = (unsigned int)v_int(r, row, 5);
    out->permissions = (unsigned int)v_int(r, row, 6);
}

static engsched_rc pg_user_get(engsched_storage *s, engsched_id id, engsched_rec_user *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_USER_GET, id, "user", &r);
    if (rc == ENGSCHED_OK)
        fill_user(r, 0, out);
    return rc;
}

static engsched_rc pg_user_find(engsched_storage *s, const char *host_key, engsched_id *out_id)
{
    return find_callback(s, ST_USER_FIND, host_key, "user", out_id);
}

/* --- roles ------------------------------------------------------------- */

static engsched_rc pg_role_insert(engsched_storage *s, const engsched_rec_role *rec,
                                  engsched_id *out_id)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_opt(&p, rec->id); /* NULL: the backend chooses */
    p_text(&p, rec->name);
    p_int(&p, rec->permissions);
    PGresult *r = NULL;
    rc = run(b, ST_ROLE_INSERT, &p, "inserting a role", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        engsched_storage_set_error(&b->base,
                                   "postgresql: a role named '%s' or with id %lld exists",
                                   rec->name != NULL ? rec->name : "(null)",
                                   (long long)rec->id);
        return ENGSCHED_EEXISTS;
    }
    if (out_id != NULL)
        *out_id = v_int(r, 0, 0);
    PQclear(r);
    return ENGSCHED_OK;
}

static engsched_rc pg_role_update(engsched_storage *s, engsched_id id, unsigned int permissions)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, id);
    p_int(&p, permissions);
    return exec_expect_row(b, ST_ROLE_UPDATE, &p, "role", id);
}

static engsched_rc pg_role_get(engsched_storage *s, engsched_id id, engsched_rec_role *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_ROLE_GET, id, "role", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    out->id = v_int(r, 0, 0);
    out->name = v_text(r, 0, 1);
    out->permissions = (unsigned int)v_int(r, 0, 2);
    return ENGSCHED_OK;
}

static engsched_rc pg_role_find(engsched_storage *s, const char *name, engsched_id *out_id)
{
    return find_callback(s, ST_ROLE_FIND, name, "role", out_id);
}

/* --- client access ----------------------------------------------------- */

static engsched_rc access_exec(engsched_storage *s, enum stmt_id id, engsched_id user,
                               engsched_id client, const char *what)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, user);
    p_int(&p, client);
    return exec_stmt(b, id, &p, what);
}

static engsched_rc pg_access_grant(engsched_storage *s, engsched_id user, engsched_id client)
{
    return access_exec(s, ST_ACCESS_GRANT, user, client, "granting client access");
}

static engsched_rc pg_access_revoke(engsched_storage *s, engsched_id user, engsched_id client)
{
    return access_exec(s, ST_ACCESS_REVOKE, user, client, "revoking client access");
}

static engsched_rc pg_access_check(engsched_storage *s, engsched_id user, engsched_id client,
                                   int *out_granted)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, user);
    p_int(&p, client);
    int64_t one = 0;
    int found = 0;
    rc = query_int(b, ST_ACCESS_CHECK, &p, "checking client access", &one, &found);
    if (rc == ENGSCHED_OK)
        *out_granted = found;
    return rc;
}

/* --- engagements and reports ------------------------------------------- */

/* Adds the ENGAGEMENT_COLUMNS parameters. */
static void bind_engagement(params *p, const engsched_rec_engagement *rec)
{
    p_int(p, rec->client);
    p_opt(p, rec->requested_by);
    p_text(p, rec->name);
    p_text_or(p, rec->description, "");
    p_text_or(p, rec->type, "");
    p_text_or(p, rec->location, "");
    p_text_or(p, rec->contacts, "");
    p_text_or(p, rec->custom_fields, "{}");
    p_text_or(p, rec->cancel_reason, "");
    p_int(p, rec->start_day);
    p_int(p, rec->end_day);
    p_int(p, rec->status);
    p_int(p, rec->version);
    p_int(p, rec->created_at);
    p_int(p, rec->updated_at);
}

/* Reads a row of ENGAGEMENT_SELECT. */
static void fill_engagement(const PGresult *r, int row, engsched_rec_engagement *out)
{
    out->id = v_int(r, row, 0);
    out->client = v_int(r, row, 1);
    out->requested_by = v_int(r, row, 2);
    out->name = v_text(r, row, 3);
    out->description = v_text(r, row, 4);
    out->type = v_text(r, row, 5);
    out->location = v_text(r, row, 6);
    out->contacts = v_text(r, row, 7);
    out->custom_fields = v_text(r, row, 8);
    out->cancel_reason = v_text(r, row, 9);
    out->start_day = (int32_t)v_int(r, row, 10);
    out->end_day = (int32_t)v_int(r, row, 11);
    out->status = (int)v_int(r, row, 12);
    out->version = v_int(r, row, 13);
    out->created_at = v_int(r, row, 14);
    out->updated_at = v_int(r, row, 15);
    out->report = v_int(r, row, 16);
    out->report_status = (int)v_int(r, row, 17);
    out->report_title = v_text(r, row, 18);
}

static engsched_rc report_insert(es_pg *b, engsched_id engagement,
                                 const engsched_rec_engagement *rec, engsched_id *out_report)
{
    params p = {0};
    p_int(&p, engagement);
    p_text_or(&p, rec->report_title, "");
    p_int(&p, rec->report_status);
    int64_t id = 0;
    engsched_rc rc = insert_returning(b, ST_REPORT_INSERT, &p, "inserting a report", &id);
    if (rc == ENGSCHED_OK)
        *out_report = id;
    return rc;
}

static engsched_rc pg_engagement_insert(engsched_storage *s, const engsched_rec_engagement *rec,
                                        engsched_id *out_id, engsched_id *out_report)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    bind_engagement(&p, rec);
    int64_t id = 0;
    engsched_id report = 0;
    rc = insert_returning(b, ST_ENGAGEMENT_INSERT, &p, "inserting an engagement", &id);
    if (rc == ENGSCHED_OK && rec->report_status != ENGSCHED_REPORT_NONE)
        rc = report_insert(b, id, rec, &report);
    if (rc != ENGSCHED_OK)
        return rc;
    if (out_id != NULL)
        *out_id = id;
    if (out_report != NULL)
        *out_report = report;
    return ENGSCHED_OK;
}

static engsched_rc report_update(es_pg *b, const engsched_rec_engagement *rec)
{
    params p = {0};
    p_int(&p, rec->report);
    p_int(&p, rec->id);
    p_text_or(&p, rec->report_title, "");
    p_int(&p, rec->report_status);
    PGresult *r = NULL;
    engsched_rc rc = run(b, ST_REPORT_UPDATE, &p, "updating a report", &r);
    if (rc == ENGSCHED_OK && changed(r) == 0) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: report %lld of engagement %lld does not exist",
                                   (long long)rec->report, (long long)rec->id);
        rc = ENGSCHED_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

/* Bring the report in line with the record's report fields. A report is
 * never removed (no status leads back to "no report"), so NONE with a
 * report id is refused instead of guessed at. */
static engsched_rc report_sync(es_pg *b, const engsched_rec_engagement *rec,
                               engsched_id *out_report)
{
    engsched_id report = rec->report;
    engsched_rc rc = ENGSCHED_OK;
    if (report != 0 && rec->report_status == ENGSCHED_REPORT_NONE) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: engagement %lld: report %lld cannot be set to "
                                   "status NONE",
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

static engsched_rc pg_engagement_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                        engsched_id *out_report)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, rec->id);
    bind_engagement(&p, rec);
    rc = exec_expect_row(b, ST_ENGAGEMENT_UPDATE, &p, "engagement", rec->id);
    return rc != ENGSCHED_OK ? rc : report_sync(b, rec, out_report);
}

static engsched_rc pg_engagement_get(engsched_storage *s, engsched_id id,
                                     engsched_rec_engagement *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_ENGAGEMENT_GET, id, "engagement", &r);
    if (rc == ENGSCHED_OK)
        fill_engagement(r, 0, out);
    return rc;
}

static engsched_rc pg_report_engagement(engsched_storage *s, engsched_id report,
                                        engsched_id *out_engagement)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_REPORT_ENGAGEMENT, report, "report", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    *out_engagement = v_int(r, 0, 0);
    return ENGSCHED_OK;
}

/* --- row iteration ----------------------------------------------------- */

/* Adapts one query to its row type: fills a record from a row and hands
 * it to the core's callback. */
typedef engsched_rc (*row_adapter)(const PGresult *r, int row, void *fn, void *ctx);

/* Pass each row of @p r on; stops at the first non-OK code of the
 * callback and returns it. Always clears @p r. */
static engsched_rc iterate(PGresult *r, row_adapter adapt, void *fn, void *ctx)
{
    engsched_rc rc = ENGSCHED_OK;
    int n = PQntuples(r);
    for (int i = 0; rc == ENGSCHED_OK && i < n; i++)
        rc = adapt(r, i, fn, ctx);
    PQclear(r);
    return rc;
}

/* Run a query and iterate its rows. */
static engsched_rc run_rows(es_pg *b, enum stmt_id id, const params *p, const char *what,
                            row_adapter adapt, void *fn, void *ctx)
{
    PGresult *r = NULL;
    engsched_rc rc = run(b, id, p, what, &r);
    return rc != ENGSCHED_OK ? rc : iterate(r, adapt, fn, ctx);
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
struct user_cb {
    engsched_storage_user_fn fn;
};
struct unavailability_cb {
    engsched_storage_unavailability_fn fn;
};
struct client_cb {
    engsched_storage_client_fn fn;
};
struct role_cb {
    engsched_storage_role_fn fn;
};

static engsched_rc engagement_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_engagement rec;
    fill_engagement(r, row, &rec);
    return ((struct engagement_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_engagements_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                      unsigned int limit, engsched_storage_engagement_fn row,
                                      void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, ENGSCHED_STATUS_SCHEDULED);
    p_int(&p, day);
    p_int(&p, after_id);
    p_int(&p, limit);
    struct engagement_cb cb = {row};
    return run_rows(b, ST_ENGAGEMENTS_DUE, &p, "listing due engagements", engagement_row, &cb,
                    ctx);
}

/* --- assignments ------------------------------------------------------- */

static engsched_rc pg_assignment_insert(engsched_storage *s, const engsched_rec_assignment *rec)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, rec->engagement);
    p_int(&p, rec->user);
    p_int(&p, rec->role);
    p_opt(&p, rec->assigned_by);
    p_int(&p, rec->assigned_at);
    PGresult *r = NULL;
    rc = run(b, ST_ASSIGNMENT_INSERT, &p, "inserting an assignment", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: user %lld is already assigned to engagement %lld",
                                   (long long)rec->user, (long long)rec->engagement);
        rc = ENGSCHED_EEXISTS;
    }
    PQclear(r);
    return rc;
}

static engsched_rc pg_assignment_delete(engsched_storage *s, engsched_id engagement,
                                        engsched_id user)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, engagement);
    p_int(&p, user);
    PGresult *r = NULL;
    rc = run(b, ST_ASSIGNMENT_DELETE, &p, "deleting an assignment", &r);
    if (rc == ENGSCHED_OK && changed(r) == 0) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: user %lld is not assigned to engagement %lld",
                                   (long long)user, (long long)engagement);
        rc = ENGSCHED_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

static engsched_rc assignment_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_assignment rec = {
        .engagement = v_int(r, row, 0),
        .user = v_int(r, row, 1),
        .role = (int)v_int(r, row, 2),
        .assigned_by = v_int(r, row, 3),
        .assigned_at = v_int(r, row, 4),
    };
    return ((struct assignment_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_assignment_list(engsched_storage *s, engsched_id engagement,
                                      engsched_storage_assignment_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, engagement);
    struct assignment_cb cb = {row};
    return run_rows(b, ST_ASSIGNMENT_LIST, &p, "listing assignments", assignment_row, &cb, ctx);
}

/* --- files ------------------------------------------------------------- */

/* The bytes go in one binary parameter (libpq's length is an int; the
 * server's limit for one value is 1 GB, reported as ETOOBIG). */
static engsched_rc pg_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                                  const void *data, engsched_id *out_id)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (meta->size < 0 || (meta->size > 0 && data == NULL)) {
        engsched_storage_set_error(&b->base, "postgresql: file '%s': size %lld without data",
                                   meta->name != NULL ? meta->name : "(null)",
                                   (long long)meta->size);
        return ENGSCHED_EMISUSE;
    }
    if (meta->size > INT_MAX) {
        engsched_storage_set_error(&b->base,
                                   "postgresql: file '%s' has %lld bytes; at most %d fit in "
                                   "one value",
                                   meta->name != NULL ? meta->name : "(null)",
                                   (long long)meta->size, INT_MAX);
        return ENGSCHED_ETOOBIG;
    }
    params p = {0};
    p_int(&p, meta->engagement);
    p_text(&p, meta->name);
    p_text(&p, meta->media_type);
    p_int(&p, meta->size);
    p_opt(&p, meta->uploaded_by);
    p_int(&p, meta->uploaded_at);
    int64_t id = 0;
    rc = insert_returning(b, ST_FILE_INSERT, &p, "inserting a file", &id);
    if (rc != ENGSCHED_OK)
        return rc;
    params d = {0};
    p_int(&d, id);
    p_bytes(&d, data, (int)meta->size);
    rc = exec_stmt(b, ST_FILE_DATA_INSERT, &d, "storing file data");
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

static void fill_file(const PGresult *r, int row, engsched_rec_file *out)
{
    out->id = v_int(r, row, 0);
    out->engagement = v_int(r, row, 1);
    out->name = v_text(r, row, 2);
    out->media_type = v_text(r, row, 3);
    out->size = v_int(r, row, 4);
    out->uploaded_by = v_int(r, row, 5);
    out->uploaded_at = v_int(r, row, 6);
}

static engsched_rc pg_file_get(engsched_storage *s, engsched_id id, engsched_rec_file *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_FILE_GET, id, "file", &r);
    if (rc == ENGSCHED_OK)
        fill_file(r, 0, out);
    return rc;
}

/* One piece per call, as asked: the server sends only that piece. */
static engsched_rc pg_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                                size_t size, size_t *out_read)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (offset < 0) {
        engsched_storage_set_error(&b->base, "postgresql: file %lld: negative offset %lld",
                                   (long long)id, (long long)offset);
        return ENGSCHED_EINVAL;
    }
    /* A value holds at most 1 GB, so an offset past INT_MAX is past the
     * end; the piece is asked for in int-sized bites. */
    int64_t from = offset < INT_MAX ? offset + 1 : INT_MAX;
    int64_t count = size < (size_t)INT_MAX ? (int64_t)size : INT_MAX;
    params p = {0};
    p_int(&p, id);
    p_int(&p, from);
    p_int(&p, offset < INT_MAX ? count : 0);
    PGresult *r = NULL;
    rc = run_bin(b, ST_FILE_READ, &p, 1, "reading file data", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return not_found(b, "file", id);
    }
    size_t n = (size_t)PQgetlength(r, 0, 0);
    if (n > size)
        n = size;
    if (n > 0)
        memcpy(buf, PQgetvalue(r, 0, 0), n);
    PQclear(r);
    *out_read = n;
    return ENGSCHED_OK;
}

static engsched_rc pg_file_delete(engsched_storage *s, engsched_id id)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, id);
    return exec_expect_row(b, ST_FILE_DELETE, &p, "file", id);
}

static engsched_rc file_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_file rec;
    fill_file(r, row, &rec);
    return ((struct file_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_file_list(engsched_storage *s, engsched_id engagement,
                                engsched_storage_file_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, engagement);
    struct file_cb cb = {row};
    return run_rows(b, ST_FILE_LIST, &p, "listing files", file_row, &cb, ctx);
}

/* --- events ------------------------------------------------------------ */

/* seq is max + 1, as SQLite's INTEGER PRIMARY KEY gives: every event is
 * appended under the write lock (read transactions are READ ONLY), so no
 * two transactions can take the same number, numbers are handed out in
 * commit order, and a rolled-back transaction leaves no gap. */
static engsched_rc pg_event_append(engsched_storage *s, const engsched_rec_event *rec,
                                   int64_t *out_seq)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, rec->time);
    p_opt(&p, rec->actor);
    p_opt(&p, rec->engagement);
    p_text(&p, rec->action);
    p_opt(&p, rec->status_before);
    p_opt(&p, rec->status_after);
    p_text_or(&p, rec->details, "{}");
    int64_t seq = 0;
    rc = insert_returning(b, ST_EVENT_APPEND, &p, "appending an event", &seq);
    if (rc == ENGSCHED_OK && out_seq != NULL)
        *out_seq = seq;
    return rc;
}

static engsched_rc event_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_event rec = {
        .seq = v_int(r, row, 0),
        .time = v_int(r, row, 1),
        .actor = v_int(r, row, 2),
        .engagement = v_int(r, row, 3),
        .action = v_text(r, row, 4),
        .status_before = (int)v_int(r, row, 5),
        .status_after = (int)v_int(r, row, 6),
        .details = v_text(r, row, 7),
    };
    return ((struct event_cb *)fn)->fn(ctx, &rec);
}

/* Two statements rather than "engagement = $1 OR $1 = 0", which would
 * keep the planner from the events(engagement, seq) index. */
static engsched_rc pg_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                                 unsigned int limit, engsched_storage_event_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    if (engagement != 0)
        p_int(&p, engagement);
    p_int(&p, after_seq);
    p_int(&p, limit);
    struct event_cb cb = {row};
    return run_rows(b, engagement != 0 ? ST_EVENT_LIST_ONE : ST_EVENT_LIST_ALL, &p,
                    "listing events", event_row, &cb, ctx);
}

static engsched_rc pg_event_last_seq(engsched_storage *s, int64_t *out_seq)
{
    es_pg *b = backend_of(s);
    int64_t seq = 0;
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = query_int(b, ST_EVENT_LAST_SEQ, NULL, "reading the last event", &seq, &found);
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

/* Which optional filters a query uses, as QF_* bits. */
static unsigned int query_filters(const engsched_storage_query *q)
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

/* Parameter types of every variant: each variant is prepared with all
 * eleven, used or not, so binding does not depend on the variant. */
static const Oid query_types[QUERY_PARAMS] = {
    OID_INT8, /* $1 statuses */
    OID_INT8, /* $2 client */
    OID_INT8, /* $3 operator */
    OID_INT8, /* $4 scope user */
    OID_INT4, /* $5 range start */
    OID_INT4, /* $6 range end */
    OID_TEXT, /* $7 name text */
    OID_INT8, /* $8 after key (integer) */
    OID_TEXT, /* $9 after key (name) */
    OID_INT8, /* $10 after id */
    OID_INT8, /* $11 limit */
};

/* Compose a variant (parameters as in query_types). */
int es_pg_query_sql(char *buf, size_t size, int sort, int desc, unsigned int f)
{
    const char *col = sort_column[sort];
    const char *after_key = sort == ENGSCHED_SORT_NAME ? "$9" : "$8";
    const char *dir = desc ? " DESC" : " ASC";
    int ok = 1;
    buf[0] = '\0';
    ok = ok && sql_append(buf, size, (const char *const[]){ENGAGEMENT_SELECT,
                                                          "WHERE (($1 >> e.status) & 1) = 1",
                                                          NULL});
    if (f & (1u << QF_CLIENT))
        ok = ok && sql_append(buf, size, (const char *const[]){" AND e.client = $2", NULL});
    if (f & (1u << QF_OPERATOR))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND EXISTS (SELECT 1 FROM assignments AS a"
                                                    " WHERE a.engagement = e.id"
                                                    " AND a.user_id = $3)",
                                                    NULL});
    if (f & (1u << QF_SCOPE))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND e.client IN (SELECT ca.client FROM"
                                                    " client_access AS ca WHERE ca.user_id = $4)",
                                                    NULL});
    if (f & (1u << QF_RANGE))
        ok = ok && sql_append(buf, size, (const char *const[]){
                                             " AND e.start_day <= $6 AND e.end_day >= $5", NULL});
    /* Under COLLATE "C", lower() folds ASCII only, as the interface asks. */
    if (f & (1u << QF_TEXT))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND strpos(lower(e.name),"
                                                    " lower($7 COLLATE \"C\")) > 0",
                                                    NULL});
    if (f & (1u << QF_AFTER))
        ok = ok && sql_append(buf, size,
                              (const char *const[]){" AND (", col, ", e.id) ", desc ? "<" : ">",
                                                    " (", after_key, ", $10)", NULL});
    ok = ok && sql_append(buf, size, (const char *const[]){" ORDER BY ", col, dir, ", e.id", dir,
                                                          " LIMIT $11", NULL});
    return ok;
}

static engsched_rc pg_engagement_query(engsched_storage *s, const engsched_storage_query *q,
                                       engsched_storage_engagement_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (q->sort < 0 || q->sort >= QUERY_SORTS) {
        engsched_storage_set_error(&b->base, "postgresql: unknown sort key %d", q->sort);
        return ENGSCHED_EMISUSE;
    }
    int desc = q->descending != 0;
    unsigned int f = query_filters(q);
    size_t variant = ((size_t)(q->sort * 2 + desc) << QF_COUNT) | f;
    char sql[QUERY_SQL_MAX];
    sql[0] = '\0'; /* composed only when the variant is not prepared yet */
    if (!b->query_prepared[variant] && !es_pg_query_sql(sql, sizeof sql, q->sort, desc, f)) {
        engsched_storage_set_error(&b->base, "postgresql: a query variant exceeds %d bytes",
                                   QUERY_SQL_MAX);
        return ENGSCHED_ESTORAGE;
    }
    params p = {0};
    p_int(&p, q->statuses);
    p_int(&p, q->client);
    p_int(&p, q->operator_user);
    p_int(&p, q->scope_user);
    p_int(&p, q->range_start);
    p_int(&p, q->range_end);
    p_text(&p, q->name_contains);
    p_int(&p, q->after_int);
    p_text(&p, q->after_text);
    p_int(&p, q->after_id);
    p_int(&p, q->limit);
    char name[32];
    snprintf(name, sizeof name, "engsched_q%zu", variant);
    PGresult *r = NULL;
    rc = run_named(b, name, sql, &b->query_prepared[variant], QUERY_PARAMS, query_types, &p, 0,
                   "querying engagements", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    struct engagement_cb cb = {row};
    return iterate(r, engagement_row, &cb, ctx);
}

static engsched_rc user_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_user rec;
    fill_user(r, row, &rec);
    return ((struct user_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_users_with_permissions(engsched_storage *s, unsigned int permissions,
                                             engsched_id scope_user, const char *after_name,
                                             engsched_id after_id, unsigned int limit,
                                             engsched_storage_user_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, permissions);
    p_int(&p, scope_user);
    p_text(&p, after_name);
    p_int(&p, after_id);
    p_int(&p, limit);
    p_int(&p, ENGSCHED_USER_ALL_CLIENTS);
    struct user_cb cb = {row};
    return run_rows(b, ST_USERS_WITH_PERMISSIONS, &p, "listing users by permission", user_row,
                    &cb, ctx);
}

static engsched_rc pg_operator_work(engsched_storage *s, engsched_id user, unsigned int statuses,
                                    int32_t range_start, int32_t range_end,
                                    engsched_storage_engagement_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, user);
    p_int(&p, statuses);
    p_int(&p, range_start);
    p_int(&p, range_end);
    struct engagement_cb cb = {row};
    return run_rows(b, ST_OPERATOR_WORK, &p, "listing an operator's work", engagement_row, &cb,
                    ctx);
}

/* --- unavailability ---------------------------------------------------- */

static engsched_rc pg_unavailability_insert(engsched_storage *s,
                                            const engsched_rec_unavailability *rec,
                                            engsched_id *out_id)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, rec->user);
    p_int(&p, rec->start_day);
    p_int(&p, rec->end_day);
    p_text_or(&p, rec->reason, "");
    p_opt(&p, rec->created_by);
    p_int(&p, rec->created_at);
    int64_t id = 0;
    rc = insert_returning(b, ST_UNAVAILABILITY_INSERT, &p, "inserting unavailability", &id);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

static void fill_unavailability(const PGresult *r, int row, engsched_rec_unavailability *out)
{
    out->id = v_int(r, row, 0);
    out->user = v_int(r, row, 1);
    out->start_day = (int32_t)v_int(r, row, 2);
    out->end_day = (int32_t)v_int(r, row, 3);
    out->reason = v_text(r, row, 4);
    out->created_by = v_int(r, row, 5);
    out->created_at = v_int(r, row, 6);
}

static engsched_rc pg_unavailability_get(engsched_storage *s, engsched_id id,
                                         engsched_rec_unavailability *out)
{
    es_pg *b = backend_of(s);
    PGresult *r = NULL;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = get_row(b, ST_UNAVAILABILITY_GET, id, "unavailability", &r);
    if (rc == ENGSCHED_OK)
        fill_unavailability(r, 0, out);
    return rc;
}

static engsched_rc pg_unavailability_delete(engsched_storage *s, engsched_id id)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, id);
    return exec_expect_row(b, ST_UNAVAILABILITY_DELETE, &p, "unavailability", id);
}

static engsched_rc unavailability_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_unavailability rec;
    fill_unavailability(r, row, &rec);
    return ((struct unavailability_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_unavailability_list(engsched_storage *s, engsched_id user,
                                          int32_t range_start, int32_t range_end,
                                          engsched_storage_unavailability_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, user);
    p_int(&p, range_start);
    p_int(&p, range_end);
    struct unavailability_cb cb = {row};
    return run_rows(b, ST_UNAVAILABILITY_LIST, &p, "listing unavailability", unavailability_row,
                    &cb, ctx);
}

/* --- invitations ------------------------------------------------------- */

static engsched_rc pg_invitation_get(engsched_storage *s, engsched_id engagement,
                                     engsched_id user, engsched_rec_invitation *out)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, engagement);
    p_int(&p, user);
    PGresult *r = NULL;
    rc = run(b, ST_INVITATION_GET, &p, "reading an invitation", &r);
    if (rc != ENGSCHED_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        engsched_storage_set_error(&b->base,
                                   "postgresql: no invitation of user %lld for engagement %lld",
                                   (long long)user, (long long)engagement);
        return ENGSCHED_ENOTFOUND;
    }
    out->engagement = v_int(r, 0, 0);
    out->user = v_int(r, 0, 1);
    out->sequence = v_int(r, 0, 2);
    out->canceled = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
    out->updated_at = v_int(r, 0, 4);
    PQclear(r);
    return ENGSCHED_OK;
}

static engsched_rc pg_invitation_put(engsched_storage *s, const engsched_rec_invitation *rec)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, rec->engagement);
    p_int(&p, rec->user);
    p_int(&p, rec->sequence);
    p_text(&p, rec->canceled != 0 ? "true" : "false");
    p_int(&p, rec->updated_at);
    return exec_stmt(b, ST_INVITATION_PUT, &p, "writing an invitation");
}

/* --- directory lists --------------------------------------------------- */

static engsched_rc client_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_client rec = {v_int(r, row, 0), v_text(r, row, 1), v_text(r, row, 2)};
    return ((struct client_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc role_row(const PGresult *r, int row, void *fn, void *ctx)
{
    engsched_rec_role rec = {v_int(r, row, 0), v_text(r, row, 1),
                             (unsigned int)v_int(r, row, 2)};
    return ((struct role_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc pg_client_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                  engsched_storage_client_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, after_id);
    p_int(&p, limit);
    struct client_cb cb = {row};
    return run_rows(b, ST_CLIENT_LIST, &p, "listing clients", client_row, &cb, ctx);
}

static engsched_rc pg_user_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                engsched_storage_user_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, after_id);
    p_int(&p, limit);
    struct user_cb cb = {row};
    return run_rows(b, ST_USER_LIST, &p, "listing users", user_row, &cb, ctx);
}

static engsched_rc pg_role_list(engsched_storage *s, engsched_storage_role_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    struct role_cb cb = {row};
    return run_rows(b, ST_ROLE_LIST, NULL, "listing roles", role_row, &cb, ctx);
}

static engsched_rc pg_access_list(engsched_storage *s, engsched_id user,
                                  engsched_storage_client_fn row, void *ctx)
{
    es_pg *b = backend_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    params p = {0};
    p_int(&p, user);
    struct client_cb cb = {row};
    return run_rows(b, ST_ACCESS_LIST, &p, "listing client access", client_row, &cb, ctx);
}

/* --- lifetime ---------------------------------------------------------- */

/* Closing the connection ends its session: the server rolls back a
 * transaction left open. */
static void pg_free(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    if (b == NULL)
        return;
    PQclear(b->held);
    b->held = NULL;
    if (b->conn != NULL)
        PQfinish(b->conn);
    es_free(b);
}

static const engsched_storage postgres_table = {
    .version = ENGSCHED_STORAGE_VERSION,
    .free = pg_free,
    .prepare = pg_prepare,
    .set_busy_timeout = pg_set_busy_timeout,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .schema_version = pg_schema_version,
    .setting_get = pg_setting_get,
    .setting_set = pg_setting_set,
    .client_upsert = pg_client_upsert,
    .client_get = pg_client_get,
    .client_find = pg_client_find,
    .user_upsert = pg_user_upsert,
    .user_get = pg_user_get,
    .user_find = pg_user_find,
    .role_insert = pg_role_insert,
    .role_update = pg_role_update,
    .role_get = pg_role_get,
    .role_find = pg_role_find,
    .access_grant = pg_access_grant,
    .access_revoke = pg_access_revoke,
    .access_check = pg_access_check,
    .engagement_insert = pg_engagement_insert,
    .engagement_update = pg_engagement_update,
    .engagement_get = pg_engagement_get,
    .report_engagement = pg_report_engagement,
    .engagements_due = pg_engagements_due,
    .assignment_insert = pg_assignment_insert,
    .assignment_delete = pg_assignment_delete,
    .assignment_list = pg_assignment_list,
    .file_insert = pg_file_insert,
    .file_get = pg_file_get,
    .file_read = pg_file_read,
    .file_delete = pg_file_delete,
    .file_list = pg_file_list,
    .event_append = pg_event_append,
    .event_list = pg_event_list,
    .event_last_seq = pg_event_last_seq,
    .engagement_query = pg_engagement_query,
    .users_with_permissions = pg_users_with_permissions,
    .operator_work = pg_operator_work,
    .unavailability_insert = pg_unavailability_insert,
    .unavailability_get = pg_unavailability_get,
    .unavailability_delete = pg_unavailability_delete,
    .unavailability_list = pg_unavailability_list,
    .invitation_get = pg_invitation_get,
    .invitation_put = pg_invitation_put,
    .client_list = pg_client_list,
    .user_list = pg_user_list,
    .role_list = pg_role_list,
    .access_list = pg_access_list,
    .savepoint = pg_savepoint,
    .release = pg_release,
    .rollback_to = pg_rollback_to,
};

engsched_rc es_pg_new(const char *conninfo, unsigned int flags, engsched_storage **out)
{
    es_pg *b = es_calloc(1, sizeof *b);
    if (b == NULL) {
        engsched_storage_set_error(NULL, "postgresql: out of memory opening the backend");
        return ENGSCHED_ENOMEM;
    }
    b->base = postgres_table;
    b->busy_ms = DEFAULT_BUSY_TIMEOUT_MS;
    b->readonly = (flags & ENGSCHED_OPEN_READONLY) != 0;
    b->create = (flags & ENGSCHED_OPEN_CREATE) != 0;
    snprintf(b->schema, sizeof b->schema, "(unknown)");
    engsched_rc rc = connect_server(b, conninfo);
    if (rc != ENGSCHED_OK) {
        pg_free(&b->base);
        return rc;
    }
    *out = &b->base;
    return ENGSCHED_OK;
}

int es_pg_backend_pid(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    return b->conn != NULL && PQstatus(b->conn) == CONNECTION_OK ? PQbackendPID(b->conn) : 0;
}
