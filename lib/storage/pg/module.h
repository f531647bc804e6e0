/* The interface between libengsched.so and its PostgreSQL module,
 * libengsched-postgres.so.N (docs/storage-backends.md, "The PostgreSQL
 * module"). The shared library dlopen()s the module on first use, so a
 * host that only uses SQLite never needs libpq; the module exports one
 * function, ES_PG_MODULE_ENTRY, and calls nothing of the core but what
 * it is handed here.
 *
 * Both sides are built from this one header. A change to either struct
 * bumps ES_PG_MODULE_VERSION, and the module refuses a version it does
 * not know, so a stale module next to a newer library fails cleanly. */
#ifndef ENGSCHED_STORAGE_PG_MODULE_H
#define ENGSCHED_STORAGE_PG_MODULE_H

#include <stddef.h>

#include <engsched/storage.h>

/* The file name, also its SONAME: the number is the interface's major,
 * not the library's version. */
#define ES_PG_MODULE_SONAME "libengsched-postgres.so.0"
#define ES_PG_MODULE_ENTRY "engsched_postgres_module_init"
#define ES_PG_MODULE_VERSION 1

/* What the core hands the module. Memory the module allocates is freed by
 * the core and the other way round (the backend table, messages), so both
 * go through the process-wide allocator of engsched_set_allocator(); the
 * message is the core's thread-local storage message. */
typedef struct es_pg_host {
    unsigned int version; /* ES_PG_MODULE_VERSION */
    void *(*calloc_fn)(size_t count, size_t size);
    void (*free_fn)(void *ptr);
    /* Sets the storage message to @p message verbatim (NULL clears it). */
    void (*set_message)(const char *message);
    const char *(*message)(void);
} es_pg_host;

/* What the module gives back. */
typedef struct es_pg_module {
    unsigned int version; /* ES_PG_MODULE_VERSION */
    /* es_pg_new(): the backend, allocated through the host's allocator. */
    engsched_rc (*backend_new)(const char *conninfo, unsigned int flags, engsched_storage **out);
} es_pg_module;

/* The type of ES_PG_MODULE_ENTRY: keeps @p host (which must outlive the
 * module) and fills @p out; ENGSCHED_EUNSUPPORTED for a version it does
 * not know. */
typedef engsched_rc (*es_pg_module_init_fn)(const es_pg_host *host, es_pg_module *out);

/* The entry point itself, defined in the module only (module.c). */
engsched_rc engsched_postgres_module_init(const es_pg_host *host, es_pg_module *out);

/* The backend's constructor as the core sees it: linked.c (the backend
 * compiled in, or none) or loader.c (the module). postgres.c forwards
 * engsched_storage_postgres_new() to it. */
engsched_rc es_pg_backend_new(const char *conninfo, unsigned int flags, engsched_storage **out);

#endif /* ENGSCHED_STORAGE_PG_MODULE_H */
