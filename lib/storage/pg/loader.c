/* The PostgreSQL backend of the shared library: the module
 * libengsched-postgres.so (module.h), loaded with dlopen() on first use,
 * so libengsched.so itself never needs libpq. Looked for first in the
 * directory libengsched.so was loaded from (an install keeps the two side
 * by side in one libdir, the build tree in build/lib), then by its SONAME
 * on the dynamic loader's search path. Loaded once per process and never
 * unloaded: backends it made hold pointers into it. */

/* dladdr() is a GNU extension, the one way to learn where this library
 * itself was loaded from; only this file asks for it. */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "storage/dispatch.h"
#include "storage/pg/module.h"
#include "util/alloc.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static es_pg_module module;
static char load_error[ES_STORAGE_MESSAGE_MAX];

static void host_set_message(const char *message)
{
    if (message == NULL)
        engsched_storage_set_error(NULL, NULL);
    else
        engsched_storage_set_error(NULL, "%s", message);
}

static const es_pg_host host = {ES_PG_MODULE_VERSION, es_calloc, es_free, host_set_message,
                                es_storage_message};

/* An object of this library, for dladdr(). */
static const char anchor;

/* ES_PG_MODULE_SONAME in the directory of libengsched.so, or "" when that
 * directory is unknown or the name does not fit. */
static void own_directory_candidate(char *path, size_t size)
{
    Dl_info info;
    path[0] = '\0';
    if (dladdr(&anchor, &info) == 0 || info.dli_fname == NULL)
        return;
    const char *slash = strrchr(info.dli_fname, '/');
    if (slash == NULL)
        return;
    int n = snprintf(path, size, "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname,
                     ES_PG_MODULE_SONAME);
    if (n < 0 || (size_t)n >= size)
        path[0] = '\0';
}

/* The module's handle; NULL with load_error set. A module next to the
 * library that fails to load (libpq missing) is the answer: its error
 * says why, where the search path's would only say "not found". */
static void *open_module(void)
{
    char path[4096];
    own_directory_candidate(path, sizeof path);
    if (path[0] != '\0') {
        void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL)
            return handle;
        if (access(path, F_OK) == 0) {
            snprintf(load_error, sizeof load_error, "%s", dlerror());
            return NULL;
        }
    }
    void *handle = dlopen(ES_PG_MODULE_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        snprintf(load_error, sizeof load_error, "%s", dlerror());
    return handle;
}

static void load(void)
{
    void *handle = open_module();
    if (handle == NULL)
        return;
    es_pg_module_init_fn init;
    /* POSIX's own idiom for a function from dlsym(): ISO C has no
     * conversion from an object pointer to a function pointer. */
    *(void **)&init = dlsym(handle, ES_PG_MODULE_ENTRY);
    if (init == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    es_pg_module m = {0};
    if (init(&host, &m) != ENGSCHED_OK || m.version != ES_PG_MODULE_VERSION ||
        m.backend_new == NULL) {
        snprintf(load_error, sizeof load_error,
                 "the module does not speak interface version %d (a stale install?)",
                 ES_PG_MODULE_VERSION);
        return;
    }
    module = m;
}

engsched_rc es_pg_backend_new(const char *conninfo, unsigned int flags, engsched_storage **out)
{
    pthread_once(&load_once, load);
    if (module.backend_new == NULL) {
        engsched_storage_set_error(NULL,
                                   "postgresql: cannot load the PostgreSQL module %s "
                                   "(libpq and the module are needed for postgresql:// "
                                   "stores): %s",
                                   ES_PG_MODULE_SONAME, load_error);
        return ENGSCHED_EUNSUPPORTED;
    }
    return module.backend_new(conninfo, flags, out);
}
