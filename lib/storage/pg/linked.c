/* The PostgreSQL backend linked into the library itself: the static
 * libengsched.a and the white-box engsched_internal, which have no module
 * to load, and a build without libpq, which has no backend at all. The
 * shared library uses loader.c instead. */
#include "storage/pg/module.h"
#include "storage/pg/storage_pg.h"

engsched_rc es_pg_backend_new(const char *conninfo, unsigned int flags, engsched_storage **out)
{
#ifdef ENGSCHED_HAVE_POSTGRES
    return es_pg_new(conninfo, flags, out);
#else
    (void)conninfo;
    (void)flags;
    (void)out;
    engsched_storage_set_error(NULL, "postgresql: this libengsched was built without "
                                     "PostgreSQL support (libpq was not found)");
    return ENGSCHED_EUNSUPPORTED;
#endif
}
