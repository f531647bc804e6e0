/* The storage conformance suite (tests/conformance) against the PostgreSQL
 * backend: every case on a backend of its own, in an empty schema of the
 * test database ($ENGSCHED_TEST_PG; skipped when unset). Black-box: only
 * the public callback table and engsched_storage_postgres_new(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <engsched/storage.h>

#include "../conformance/conformance.h"
#include "pg_scratch.h"

#define MAX_STORES 128 /* one per case, with room for more cases */
#define URI_MAX 1024

static char stores[MAX_STORES][URI_MAX];
static size_t store_count;

/* A fresh schema per case; all are dropped at the end. */
static engsched_rc make_postgres(void *ctx, engsched_storage **out)
{
    (void)ctx;
    if (store_count == MAX_STORES)
        return ENGSCHED_ETOOBIG;
    char *uri = stores[store_count++];
    fx_pg_scratch(uri, URI_MAX, NULL, 0);
    return engsched_storage_postgres_new(uri, ENGSCHED_OPEN_CREATE, out);
}

int main(void)
{
    fx_pg_require();
    int failed = engsched_conformance_run("conformance: postgres", make_postgres, NULL);
    for (size_t i = 0; i < store_count; i++)
        fx_pg_scratch_drop(stores[i]);
    return failed;
}
