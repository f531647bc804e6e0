/* Private interface of the built-in SQLite backend (storage_sqlite.c),
 * shared with its schema (storage_sqlite_schema.c) and the white-box
 * tests. Nothing here is exported. */
#ifndef ENGSCHED_STORAGE_SQLITE_H
#define ENGSCHED_STORAGE_SQLITE_H

#include <sqlite3.h>

#include <engsched/storage.h>

/* PRAGMA application_id of every libengsched store: 'ENGS'. It tells our
 * files apart from other SQLite databases before anything is written. */
#define ES_SQLITE_APPLICATION_ID 0x454E4753

/* The newest layout version the migration list can produce (the store
 * records layout versions; see migrations.h). */
int es_sqlite_schema_latest(void);

/* The layout prepare() migrates to when asked for data model @p model. */
int es_sqlite_layout_for(int model);

/* The data model version of a store at @p layout. */
int es_sqlite_model_of(int layout);

/* The SQL script that moves a store from version - 1 to @p version
 * (1 … es_sqlite_schema_latest()), or NULL outside that range. The runner
 * executes it in one BEGIN IMMEDIATE transaction together with the
 * application_id and user_version update; scripts never touch either. */
const char *es_sqlite_migration(int version);

/* The connection of a SQLite backend, for white-box tests that inspect
 * pragmas. NULL once the backend has discarded a store it created. */
sqlite3 *es_sqlite_connection(engsched_storage *s);

/* Receives one line of a query plan: the statement as the backend runs it
 * and the plan line's detail text (e.g. "SEARCH e USING INDEX ..."). */
typedef void (*es_sqlite_plan_fn)(void *ctx, const char *sql, const char *detail);

/* Run EXPLAIN QUERY PLAN on every statement shape the views use: each
 * engagement_query() variant (sort x direction x filter set), the
 * operator, work, unavailability, due, assignment, file, event and
 * engagement reads. For the white-box plan test; the store must be at
 * the latest schema. */
engsched_rc es_sqlite_explain_views(engsched_storage *s, es_sqlite_plan_fn cb, void *ctx);

#endif
