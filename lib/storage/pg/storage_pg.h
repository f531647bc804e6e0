/* Private interface of the PostgreSQL backend, shared by its files
 * (driver.c: the SQL core's driver; connection.c: connecting,
 * transactions, the write lock; schema.c: migrations; statements.c;
 * files.c), the always-compiled entry point (postgres.c) and the
 * white-box tests. Nothing here is exported.
 *
 * Only the files of pg/ but postgres.c include libpq; they are compiled
 * when CMake finds it (ENGSCHED_HAVE_POSTGRES). */
#ifndef ENGSCHED_STORAGE_PG_H
#define ENGSCHED_STORAGE_PG_H

#include <stddef.h>

#include <engsched/storage.h>

/* The first key of every advisory lock the backend takes: 'ENGS'. The
 * second is the OID of the schema holding the store, so stores in
 * different schemas of one database never wait for each other. */
#define ES_PG_LOCK_CLASS 0x454E4753

/* The newest layout version the migration list can produce (the store
 * records layout versions; see migrations.h). */
int es_pg_schema_latest(void);

/* The layout prepare() migrates to when asked for data model @p model. */
int es_pg_layout_for(int model);

/* The data model version of a store at @p layout. */
int es_pg_model_of(int layout);

/* The SQL script that moves a store from version - 1 to @p version
 * (1 … es_pg_schema_latest()), or NULL outside that range. The runner
 * executes it in one transaction, under the store's advisory lock,
 * together with the update of engsched_meta's schema_version row. */
const char *es_pg_migration(int version);

/* Whether @p conninfo names a PostgreSQL server for engsched_open():
 * a "postgresql://" or "postgres://" URI. */
int es_pg_is_uri(const char *conninfo);

#ifdef ENGSCHED_HAVE_POSTGRES
/* The backend itself (pg/open.c); engsched_storage_postgres_new()
 * forwards to it. */
engsched_rc es_pg_new(const char *conninfo, unsigned int flags, engsched_storage **out);

/* The SQL of one engagement_query() variant (sort key, direction, mask
 * of present filters), for white-box tests that explain its plan; 0 if
 * it did not fit in @p size. */
int es_pg_query_sql(char *buf, size_t size, int sort, int desc, unsigned int filters);

/* The server process id of the backend's connection (for the test that
 * terminates it mid-transaction), 0 when not connected. */
int es_pg_backend_pid(engsched_storage *s);

/* --- inside the backend (libpq) ---------------------------------------- */

#include <libpq-fe.h>

#include "storage/sql/sql.h"

/* The backend's own statements, after the SQL core's. */
enum es_pg_stmt {
    ES_PG_LOCK = ES_SQL_COMMON,
    ES_PG_SET_LOCK_TIMEOUT,
    ES_PG_SCHEMA_VERSION,
    ES_PG_SETTING_GET,
    ES_PG_FILE_DATA_INSERT,
    ES_PG_FILE_READ,
    ES_PG_FILE_DELETE,
    ES_PG_STMT_COUNT
};

/* Room for a message kept across a second call, and for a cleaned-up
 * libpq message. */
#define ES_PG_MESSAGE_MAX ES_SQL_MESSAGE_MAX

typedef struct es_pg {
    es_sql sql; /* first: the core and the SQL core cast between them */
    PGconn *conn;
    PGresult *held; /* backs the strings of the last filled record */
    unsigned char prepared[ES_PG_STMT_COUNT]; /* prepared on this connection */
    unsigned char query_prepared[ES_SQL_QUERY_VARIANTS];
    int32_t lock_key;  /* the store's schema OID, the advisory lock's second key */
    int have_lock_key; /* prepare() found the schema */
    int busy_ms;
    int readonly; /* ENGSCHED_OPEN_READONLY: prepare() never writes */
    int create;   /* ENGSCHED_OPEN_CREATE: prepare() may create the store */
    char schema[128]; /* the store's schema, for messages */
    char where[256];  /* host:port/database as user, for messages */
} es_pg;

static inline es_pg *es_pg_of(engsched_storage *s) { return (es_pg *)s; }

/* statements.c */
extern const es_sql_dialect es_pg_dialect;
extern const char *const es_pg_stmt_sql[ES_PG_STMT_COUNT];

/* driver.c */
extern const es_sql_driver es_pg_driver;
/* Copy a libpq message into @p out on one line. */
void es_pg_clean_message(const char *in, char *out, size_t size);
/* Describe a failed statement (its result @p r, which is cleared; NULL
 * when libpq could not even make one) and map it to a result code. */
engsched_rc es_pg_fail(es_pg *b, PGresult *r, const char *what);
/* Whether a statement succeeded. */
int es_pg_result_ok(const PGresult *r);
/* Run text once, unprepared (transaction control, prepare()'s queries);
 * on success *out is the result, for the caller to clear. */
engsched_rc es_pg_run_once(es_pg *b, const char *sql, const es_sql_cur *params,
                           const char *what, PGresult **out);
engsched_rc es_pg_exec_once(es_pg *b, const char *sql, const char *what);

/* connection.c */
/* Connect to the server of @p conninfo, waiting at most its
 * connect_timeout; the message names server, database and user. */
engsched_rc es_pg_connect(es_pg *b, const char *conninfo);
/* Set the connection's callbacks (transactions, savepoints, busy
 * timeout) in the table (open.c fills the rest). */
void es_pg_fill_connection(engsched_storage *t);
engsched_rc es_pg_ensure_connected(es_pg *b);
engsched_rc es_pg_take_write_lock(es_pg *b);
void es_pg_rollback_keeping_message(es_pg *b);
/* BEGIN and the write lock (begin(s, 1), a migration step). */
engsched_rc es_pg_begin_write(es_pg *b);
/* COMMIT, and ESTORAGE with @p aborted when an error had aborted it. */
engsched_rc es_pg_commit(es_pg *b, const char *what, const char *aborted);

/* schema.c */
engsched_rc es_pg_prepare(engsched_storage *s, int supported_version, int *out_version);
engsched_rc es_pg_schema_version(engsched_storage *s, int *out_version);

/* files.c: files and settings, stored the PostgreSQL way */
engsched_rc es_pg_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                              const void *data, engsched_id *out_id);
engsched_rc es_pg_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                            size_t size, size_t *out_read);
engsched_rc es_pg_file_delete(engsched_storage *s, engsched_id id);
engsched_rc es_pg_setting_get(engsched_storage *s, const char *key, const char **out_value);
engsched_rc es_pg_setting_set(engsched_storage *s, const char *key, const char *value);
#endif

#endif
