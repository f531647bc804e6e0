/* The PostgreSQL backend's public entry point, compiled in every build:
 * without libpq it reports ENGSCHED_EUNSUPPORTED, so the exported API does
 * not depend on how the library was configured. The backend itself is
 * the rest of pg/, compiled only when CMake finds libpq; how it is reached
 * (linked in, or the module loaded at run time) is es_pg_backend_new()'s
 * business (linked.c, loader.c). */
#include <string.h>

#include "storage/pg/module.h"
#include "storage/pg/storage_pg.h"

int es_pg_is_uri(const char *conninfo)
{
    return conninfo != NULL && (strncmp(conninfo, "postgresql://", 13) == 0 ||
                                strncmp(conninfo, "postgres://", 11) == 0);
}

engsched_rc engsched_storage_postgres_new(const char *conninfo, unsigned int flags,
                                          engsched_storage **out)
{
    if (conninfo == NULL || out == NULL) {
        engsched_storage_set_error(NULL, "%s: must not be NULL",
                                   conninfo == NULL ? "conninfo" : "out");
        return ENGSCHED_EMISUSE;
    }
    return es_pg_backend_new(conninfo, flags, out);
}
