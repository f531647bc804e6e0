/* The PostgreSQL backend's public entry point, compiled in every build:
 * without libpq it reports ENGSCHED_EUNSUPPORTED, so the exported API does
 * not depend on how the library was configured. The backend itself is
 * the rest of pg/, compiled only when CMake finds libpq. */
#include <string.h>

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
#ifdef ENGSCHED_HAVE_POSTGRES
    return es_pg_new(conninfo, flags, out);
#else
    (void)flags;
    engsched_storage_set_error(NULL, "postgresql: this libengsched was built without "
                                     "PostgreSQL support (libpq was not found)");
    return ENGSCHED_EUNSUPPORTED;
#endif
}
