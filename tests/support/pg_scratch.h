/* Scratch PostgreSQL schemas for the tests of the PostgreSQL backend.
 *
 * The server is the one named by $ENGSCHED_TEST_PG (a libpq URI to a
 * database the tests may create schemas in; tests/postgres/with-cluster.sh
 * starts a throw-away cluster and sets it). Each scratch store is an
 * empty schema of its own, named in the URI with
 * `options=-csearch_path%3D<schema>`, so tests can run side by side on one
 * database. Built with or without libpq: without it, or without the
 * variable, fx_pg_require() skips the test. */
#ifndef ENGSCHED_TEST_PG_SCRATCH_H
#define ENGSCHED_TEST_PG_SCRATCH_H

#include <stddef.h>

/* The URI of the test server, or NULL when tests must skip. */
const char *fx_pg_uri(void);

/* Exit with 77 (ctest's SKIP_RETURN_CODE) unless a test server is set. */
void fx_pg_require(void);

/* Whether $ENGSCHED_TEST_BACKEND asks for the PostgreSQL backend (the
 * integration tests' backend selector; see fixture.c). */
int fx_pg_selected(void);

/* Create an empty schema and write a URI to it into @p uri (fails the
 * test on error); the schema's name goes to @p schema when not NULL. */
void fx_pg_scratch(char *uri, size_t size, char *schema, size_t schema_size);

/* Whether @p uri was made by fx_pg_scratch(). */
int fx_pg_is_scratch(const char *uri);

/* Drop the schema of a URI made by fx_pg_scratch(), with everything in it. */
void fx_pg_scratch_drop(const char *uri);

/* Run SQL (no parameters, test-made text only) on the test database as
 * the admin; returns the first column of the first row as a newly
 * allocated string ("" for none), or NULL on error (message printed). */
char *fx_pg_query(const char *sql);

#endif
