/* The PostgreSQL backend's lifetime: the callback table filled from the
 * SQL core, the connection, the schema, settings and files, and the
 * connection made at once. */
#include <stdio.h>

#include <libpq-fe.h>

#include "storage/pg/storage_pg.h"
#include "util/alloc.h"

/* Default busy timeout until the core sets the handle's own. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

static es_pg *backend_of(engsched_storage *s) { return es_pg_of(s); }

/* --- lifetime ---------------------------------------------------------- */

/* Closing the connection ends its session: the server rolls back a
 * transaction left open. */
static void pg_free(engsched_storage *s)
{
    es_pg *b = backend_of(s);
    if (b == NULL)
        return;
    PQclear(b->held);
    b->held = NULL;
    if (b->conn != NULL)
        PQfinish(b->conn);
    es_free(b);
}

/* The SQL core's callbacks, and the backend's own. */
static void table_init(engsched_storage *t)
{
    es_sql_fill_table(t);
    es_pg_fill_connection(t);
    t->free = pg_free;
    t->prepare = es_pg_prepare;
    t->schema_version = es_pg_schema_version;
    t->setting_get = es_pg_setting_get;
    t->setting_set = es_pg_setting_set;
    t->file_insert = es_pg_file_insert;
    t->file_read = es_pg_file_read;
    t->file_delete = es_pg_file_delete;
}

engsched_rc es_pg_new(const char *conninfo, unsigned int flags, engsched_storage **out)
{
    es_pg *b = es_calloc(1, sizeof *b);
    if (b == NULL) {
        engsched_storage_set_error(NULL, "postgresql: out of memory opening the backend");
        return ENGSCHED_ENOMEM;
    }
    table_init(&b->sql.base);
    b->sql.drv = &es_pg_driver;
    b->sql.dialect = &es_pg_dialect;
    b->busy_ms = DEFAULT_BUSY_TIMEOUT_MS;
    b->readonly = (flags & ENGSCHED_OPEN_READONLY) != 0;
    b->create = (flags & ENGSCHED_OPEN_CREATE) != 0;
    snprintf(b->schema, sizeof b->schema, "(unknown)");
    engsched_rc rc = es_pg_connect(b, conninfo);
    if (rc != ENGSCHED_OK) {
        pg_free(&b->sql.base);
        return rc;
    }
    *out = &b->sql.base;
    return ENGSCHED_OK;
}
