#include "pg_scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef ENGSCHED_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#define SCHEMA_MARK "options=-csearch_path%3D"

#ifdef ENGSCHED_HAVE_POSTGRES
/* NOTICEs ("drop cascades to …") are noise in test output. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}
#endif

const char *fx_pg_uri(void)
{
#ifdef ENGSCHED_HAVE_POSTGRES
    const char *uri = getenv("ENGSCHED_TEST_PG");
    return uri != NULL && uri[0] != '\0' ? uri : NULL;
#else
    return NULL;
#endif
}

void fx_pg_require(void)
{
    if (fx_pg_uri() != NULL)
        return;
#ifdef ENGSCHED_HAVE_POSTGRES
    printf("SKIP: ENGSCHED_TEST_PG is not set (run under tests/postgres/with-cluster.sh)\n");
#else
    printf("SKIP: built without the PostgreSQL backend (libpq not found)\n");
#endif
    fflush(stdout);
    _exit(77);
}

int fx_pg_selected(void)
{
    const char *b = getenv("ENGSCHED_TEST_BACKEND");
    return b != NULL && strcmp(b, "postgres") == 0;
}

int fx_pg_is_scratch(const char *uri)
{
    return uri != NULL && strstr(uri, SCHEMA_MARK "es_t") != NULL;
}

char *fx_pg_query(const char *sql)
{
#ifdef ENGSCHED_HAVE_POSTGRES
    const char *uri = fx_pg_uri();
    if (uri == NULL)
        return NULL;
    PGconn *conn = PQconnectdb(uri);
    if (PQstatus(conn) != CONNECTION_OK) {
        print_error("fx_pg_query: cannot connect: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, quiet, NULL);
    PGresult *r = PQexec(conn, sql);
    char *out = NULL;
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        const char *v = PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        out = strdup(v);
    } else {
        print_error("fx_pg_query: %s: %s", sql, PQerrorMessage(conn));
    }
    PQclear(r);
    PQfinish(conn);
    return out;
#else
    (void)sql;
    return NULL;
#endif
}

static void exec_or_fail(const char *sql)
{
    char *v = fx_pg_query(sql);
    if (v == NULL)
        fail_msg("SQL failed: %s", sql);
    free(v);
}

void fx_pg_scratch(char *uri, size_t size, char *schema, size_t schema_size)
{
    static unsigned int counter;
    const char *base = fx_pg_uri();
    if (base == NULL)
        fail_msg("fx_pg_scratch: ENGSCHED_TEST_PG is not set");
    char name[64], sql[256];
    snprintf(name, sizeof name, "es_t%ld_%u", (long)getpid(), ++counter);
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
    exec_or_fail(sql);
    int n = snprintf(uri, size, "%s%s%s%s", base, strchr(base, '?') ? "&" : "?", SCHEMA_MARK,
                     name);
    if (n < 0 || (size_t)n >= size)
        fail_msg("fx_pg_scratch: URI too long");
    if (schema != NULL)
        snprintf(schema, schema_size, "%s", name);
}

void fx_pg_scratch_drop(const char *uri)
{
    const char *mark = uri != NULL ? strstr(uri, SCHEMA_MARK) : NULL;
    if (mark == NULL)
        return;
    const char *name = mark + strlen(SCHEMA_MARK);
    int n = (int)strcspn(name, "&");
    char sql[160];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %.*s CASCADE", n < 60 ? n : 60, name);
    exec_or_fail(sql);
}
