/* The storage conformance suite: every callback of include/engsched/
 * storage.h, exercised through the public callback table only, so the same
 * cases run against the built-in SQLite backend, the PostgreSQL backend and
 * the example in-memory backend.
 *
 * Each case gets a fresh backend from the factory, prepares it to
 * engsched_schema_version_supported(), exercises it inside begin/commit and
 * frees it. Link with cmocka and the library; compile conformance.c into
 * the test program. */
#ifndef ENGSCHED_TESTS_CONFORMANCE_H
#define ENGSCHED_TESTS_CONFORMANCE_H

#include <engsched/storage.h>

/* Makes one new, empty, unprepared backend per call. */
typedef engsched_rc (*engsched_conformance_make_fn)(void *ctx, engsched_storage **out);

/* Run every case as a cmocka group named @p backend_name against backends
 * from @p make (called with @p ctx). Returns the number of failed cases. */
int engsched_conformance_run(const char *backend_name,
                             engsched_rc (*make)(void *ctx, engsched_storage **out), void *ctx);

#endif
