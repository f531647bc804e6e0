/* Private interface of the PostgreSQL backend (storage_pg.c), shared with
 * its schema (storage_pg_schema.c), the always-compiled entry point
 * (postgres.c) and the white-box tests. Nothing here is exported.
 *
 * Only storage_pg*.c include libpq; they are compiled when CMake finds it
 * (ENGSCHED_HAVE_POSTGRES). */
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
/* The backend itself (storage_pg.c); engsched_storage_postgres_new()
 * forwards to it. */
engsched_rc es_pg_new(const char *conninfo, unsigned int flags, engsched_storage **out);

/* The SQL of one engagement_query() variant (sort key, direction, mask
 * of present filters), for white-box tests that explain its plan; 0 if
 * it did not fit in @p size. */
int es_pg_query_sql(char *buf, size_t size, int sort, int desc, unsigned int filters);

/* The server process id of the backend's connection (for the test that
 * terminates it mid-transaction), 0 when not connected. */
int es_pg_backend_pid(engsched_storage *s);
#endif

#endif
