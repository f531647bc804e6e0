/* Private interface of the built-in SQLite backend, shared by its files
 * (driver.c: the SQL core's driver; connection.c: opening, transactions;
 * schema.c: migrations; settings.c, files.c, statements.c) and the
 * white-box tests. Nothing here is exported. */
#ifndef ENGSCHED_STORAGE_SQLITE_H
#define ENGSCHED_STORAGE_SQLITE_H

#include <sqlite3.h>

#include <engsched/storage.h>

#include "storage/sql/sql.h"
#include "storage/sqlite/settings_cache.h"

/* PRAGMA application_id of every libengsched store: 'ENGS'. It tells our
 * files apart from other SQLite databases before anything is written. */
#define ES_SQLITE_APPLICATION_ID 0x454E4753

/* The migration list (schema.c; layout versions, see sql.h). */
extern const es_migrations es_sqlite_migrations;

/* The newest layout version the migration list can produce. */
static inline int es_sqlite_schema_latest(void)
{
    return es_migration_latest(&es_sqlite_migrations);
}

/* The layout prepare() migrates to when asked for data model @p model. */
static inline int es_sqlite_layout_for(int model)
{
    return es_migration_layout_for(&es_sqlite_migrations, model);
}

/* The data model version of a store at @p layout. */
static inline int es_sqlite_model_of(int layout)
{
    return es_migration_model_of(&es_sqlite_migrations, layout);
}

/* The SQL script that moves a store from version - 1 to @p version
 * (1 … es_sqlite_schema_latest()), or NULL outside that range. The runner
 * executes it in one BEGIN IMMEDIATE transaction together with the
 * application_id and user_version update; scripts never touch either. */
static inline const char *es_sqlite_migration(int version)
{
    return es_migration_script(&es_sqlite_migrations, version);
}

/* The connection of a SQLite backend, for white-box tests that inspect
 * pragmas. NULL once the backend has discarded a store it created. */
sqlite3 *es_sqlite_connection(engsched_storage *s);

/* Receives one line of a query plan: the statement as the backend runs it
 * and the plan line's detail text (e.g. "SEARCH e USING INDEX ..."). */
typedef void (*es_sqlite_plan_fn)(void *ctx, const char *sql, const char *detail);

/* Run EXPLAIN QUERY PLAN on every statement shape the views use: each
 * engagement_query() variant (sort x direction x filter set), the
 * operator, work, unavailability, due, assignment, file, event and
 * engagement reads, and the outbox's list, count and purge. For the
 * white-box plan test; the store must be at the latest schema. */
engsched_rc es_sqlite_explain_views(engsched_storage *s, es_sqlite_plan_fn cb, void *ctx);

/* --- inside the backend ------------------------------------------------ */

/* The backend's own statements, after the SQL core's. */
enum es_sqlite_stmt {
    ES_SQLITE_BEGIN_READ = ES_SQL_COMMON,
    ES_SQLITE_BEGIN_WRITE,
    ES_SQLITE_COMMIT,
    ES_SQLITE_ROLLBACK,
    ES_SQLITE_APPLICATION_ID_PRAGMA,
    ES_SQLITE_SCHEMA_OBJECTS,
    ES_SQLITE_USER_VERSION,
    ES_SQLITE_SETTING_ALL,
    ES_SQLITE_DATA_VERSION,
    ES_SQLITE_FILE_DATA_INSERT,
    ES_SQLITE_FILE_EXISTS,
    ES_SQLITE_FILE_DATA_DELETE,
    ES_SQLITE_FILE_DELETE,
    ES_SQLITE_STMT_COUNT
};

typedef struct es_sqlite {
    es_sql sql;  /* first: the core and the SQL core cast between them */
    sqlite3 *db; /* NULL once a store we created was discarded */
    sqlite3_stmt *stmts[ES_SQLITE_STMT_COUNT];
    sqlite3_stmt *queries[ES_SQL_QUERY_VARIANTS]; /* engagement_query() variants */
    sqlite3_stmt *held;         /* backs the strings of the last filled record */
    es_settings_cache settings; /* see settings.c */
    int settings_checked;       /* the settings were checked in this transaction */
    /* The file name and room for its "-journal", "-wal" and "-shm"
     * siblings, allocated up front so discarding never allocates. NULL
     * for :memory:. */
    char *path;
    size_t path_len;
    int created;  /* this backend created the file */
    int prepared; /* prepare() has succeeded once */
    int readonly; /* ENGSCHED_OPEN_READONLY: prepare() never writes */
} es_sqlite;

static inline es_sqlite *es_sqlite_of(engsched_storage *s) { return (es_sqlite *)s; }

/* statements.c: the dialect, and the SQL of the backend's own statements. */
extern const es_sql_dialect es_sqlite_dialect;
extern const char *const es_sqlite_stmt_sql[ES_SQLITE_STMT_COUNT];

/* driver.c */
extern const es_sql_driver es_sqlite_driver;
engsched_rc es_sqlite_map_rc(int src);
/* Describe a failed SQLite call and map its code. */
engsched_rc es_sqlite_fail(es_sqlite *b, int src, const char *what);
void es_sqlite_finalize_all(es_sqlite *b);
/* Run one of the backend's fixed statements (no parameters, no rows). */
engsched_rc es_sqlite_run_fixed(es_sqlite *b, int id, const char *what);
/* A query of one integer (a pragma, a count), by statement id. */
engsched_rc es_sqlite_query_int(es_sqlite *b, int id, const char *what, int64_t *out,
                                int *out_found);

/* connection.c */
engsched_rc es_sqlite_rollback_open(es_sqlite *b);
/* Close and remove a store this backend created, if still empty. */
void es_sqlite_discard_created(es_sqlite *b);
/* Set the connection's callbacks (transactions, savepoints, busy
 * timeout) in the table (connection.c). */
void es_sqlite_fill_connection(engsched_storage *t);

/* schema.c */
engsched_rc es_sqlite_prepare(engsched_storage *s, int supported_version, int *out_version);
engsched_rc es_sqlite_schema_version(engsched_storage *s, int *out_version);

/* settings.c */
void es_sqlite_settings_forget(es_sqlite *b);
engsched_rc es_sqlite_setting_get(engsched_storage *s, const char *key, const char **out_value);
engsched_rc es_sqlite_setting_set(engsched_storage *s, const char *key, const char *value);

/* files.c */
engsched_rc es_sqlite_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                                  const void *data, engsched_id *out_id);
engsched_rc es_sqlite_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                                size_t size, size_t *out_read);
engsched_rc es_sqlite_file_delete(engsched_storage *s, engsched_id id);

#endif
