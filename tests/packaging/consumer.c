/*
 * A program outside the project, built against an *installed* libengsched
 * (pkg-config and find_package), to prove the installed headers, library,
 * engsched.pc and CMake package are usable on their own: the host API
 * (engsched.h), the built-in backends' constructors (backends.h) and the
 * backend authors' header (storage.h).
 */
#include <engsched/engsched.h>
#include <engsched/backends.h>
#include <engsched/storage.h>

#include <stdio.h>
#include <string.h>

/* A built-in backend made through backends.h and opened through storage.h,
 * as a host that wraps or configures a backend does. */
static int open_built_in_backend(void)
{
    engsched_storage *backend = NULL;
    engsched *db = NULL;
    engsched_rc rc = engsched_storage_sqlite_new(":memory:", ENGSCHED_OPEN_CREATE, &backend);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_storage_sqlite_new failed: %s: %s\n",
                engsched_rc_name(rc), engsched_open_errmsg());
        return 1;
    }
    rc = engsched_open_backend(backend, NULL, &db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_open_backend failed: %s: %s\n",
                engsched_rc_name(rc), engsched_open_errmsg());
        backend->free(backend);
        return 1;
    }
    engsched_close(db);
    printf("consumer: opened and closed a backend from backends.h OK\n");
    return 0;
}

int main(void)
{
    engsched *db = NULL;
    engsched_rc rc;

    printf("consumer: libengsched %s (%d), built against headers %s\n",
           engsched_version(), engsched_version_number(), ENGSCHED_VERSION);
    if (strcmp(engsched_version(), ENGSCHED_VERSION) != 0) {
        fprintf(stderr, "consumer: runtime version %s != header version %s\n",
                engsched_version(), ENGSCHED_VERSION);
        return 1;
    }

    rc = engsched_open(":memory:", NULL, &db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_open(:memory:) failed: %s: %s\n",
                engsched_rc_name(rc), engsched_open_errmsg());
        return 1;
    }
    rc = engsched_close(db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_close failed: %s\n", engsched_rc_name(rc));
        return 1;
    }
    printf("consumer: opened and closed :memory: OK\n");
    return open_built_in_backend();
}
