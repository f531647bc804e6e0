/* pg_module_probe MODE: the PostgreSQL module as a host of the shared
 * library sees it. Links libengsched.so only, never libpq.
 *   absent [TEXT]  the module cannot be found: engsched_storage_postgres_new()
 *           returns ENGSCHED_EUNSUPPORTED, naming the module (or TEXT), twice
 *           (the failed load is remembered, not retried into a crash)
 *   loads   the module loads: a server that cannot be reached (a socket
 *           directory that does not exist) is ENGSCHED_ESTORAGE, never
 *           ENGSCHED_EUNSUPPORTED; needs no server
 *   open    connects to $ENGSCHED_TEST_PG through the module (77 when
 *           unset) and checks the module and libpq were loaded, and that
 *           the backend the module allocated came from, and went back to,
 *           the allocator given to engsched_set_allocator()
 * Exit 0 on success, 1 on failure, 77 to skip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/backends.h>
#include <engsched/engsched.h>
#include <engsched/storage.h>

#define MODULE "libengsched-postgres.so.0"

static int check_absent(const char *expected)
{
    for (int i = 0; i < 2; i++) {
        engsched_storage *s = NULL;
        engsched_rc rc = engsched_storage_postgres_new("postgresql://localhost/none", 0, &s);
        const char *msg = engsched_storage_errmsg(NULL);
        printf("rc %s: %s\n", engsched_rc_name(rc), msg);
        if (rc != ENGSCHED_EUNSUPPORTED || s != NULL || strstr(msg, expected) == NULL)
            return 1;
    }
    return 0;
}

/* A counting allocator: how many blocks it handed out are live. */
static long live_blocks;

static void *count_malloc(size_t size, void *ctx)
{
    (void)ctx;
    void *p = malloc(size);
    live_blocks += p != NULL;
    return p;
}

static void *count_realloc(void *ptr, size_t size, void *ctx)
{
    (void)ctx;
    void *p = realloc(ptr, size);
    live_blocks += ptr == NULL && p != NULL;
    return p;
}

static void count_free(void *ptr, void *ctx)
{
    (void)ctx;
    live_blocks -= ptr != NULL;
    free(ptr);
}

/* Whether /proc/self/maps names @p file. */
static int mapped(const char *file)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, file) != NULL;
    fclose(f);
    return found;
}

static int check_loads(void)
{
    engsched_storage *s = NULL;
    engsched_rc rc = engsched_storage_postgres_new(
        "postgresql:///none?host=/nonexistent/engsched-probe&connect_timeout=2", 0, &s);
    printf("rc %s: %s\n", engsched_rc_name(rc), engsched_storage_errmsg(NULL));
    return rc == ENGSCHED_ESTORAGE && s == NULL && mapped(MODULE) ? 0 : 1;
}

static int check_open(void)
{
    const char *uri = getenv("ENGSCHED_TEST_PG");
    if (uri == NULL || uri[0] == '\0') {
        printf("ENGSCHED_TEST_PG unset: skipped\n");
        return 77;
    }
    if (mapped("libpq.so")) {
        printf("libpq was loaded before the first postgresql:// store\n");
        return 1;
    }
    const engsched_allocator counting = {ENGSCHED_ALLOCATOR_VERSION, count_malloc, count_realloc,
                                         count_free, NULL};
    if (engsched_set_allocator(&counting) != ENGSCHED_OK)
        return 1;
    engsched_storage *s = NULL;
    engsched_rc rc = engsched_storage_postgres_new(uri, ENGSCHED_OPEN_READONLY, &s);
    printf("rc %s: %s\n", engsched_rc_name(rc), rc ? engsched_storage_errmsg(NULL) : "");
    if (rc != ENGSCHED_OK || s == NULL)
        return 1;
    long held = live_blocks;
    s->free(s);
    printf("blocks from the host's allocator: %ld while open, %ld after free\n", held, live_blocks);
    if (held <= 0 || live_blocks != 0) {
        printf("the module's backend did not use the host's allocator\n");
        return 1;
    }
    if (!mapped(MODULE) || !mapped("libpq.so")) {
        printf("the store was opened without loading %s and libpq\n", MODULE);
        return 1;
    }
    printf("opened through %s\n", MODULE);
    return 0;
}

int main(int argc, char **argv)
{
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "absent") == 0)
        return check_absent(argc == 3 ? argv[2] : MODULE);
    if (argc == 2 && strcmp(argv[1], "loads") == 0)
        return check_loads();
    if (argc == 2 && strcmp(argv[1], "open") == 0)
        return check_open();
    fprintf(stderr, "usage: %s absent [TEXT] | loads | open\n", argv[0]);
    return 2;
}
