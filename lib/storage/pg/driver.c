/* The PostgreSQL driver of the SQL core (sql.h): every statement is
 * prepared once per connection (PQprepare) and run with PQexecPrepared;
 * parameters travel in text format (integers are written out here),
 * file bytes in binary. Results come whole (no single-row mode), so a
 * row callback may call back into the backend; the cursor owns its
 * result. Strings of a filled record point into the PGresult of that
 * call, which the backend keeps ("held") and clears at the start of the
 * next callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/pg/storage_pg.h"

/* Type OIDs of the parameters of engagement_query() variants (fixed by
 * PostgreSQL's catalog). */
#define OID_INT8 20
#define OID_INT4 23
#define OID_TEXT 25

/* --- messages ---------------------------------------------------------- */

/* Copy a libpq message into @p out on one line: the LOCATION and later
 * lines of a verbose message are dropped, other line breaks and tabs
 * become spaces, trailing space is trimmed. */
void es_pg_clean_message(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (in == NULL)
        in = "";
    for (; *in != '\0' && n + 1 < size; in++) {
        if (*in == '\n' && strncmp(in + 1, "LOCATION:", 9) == 0)
            break;
        char c = (*in == '\n' || *in == '\t' || *in == '\r') ? ' ' : *in;
        if (c == ' ' && n > 0 && out[n - 1] == ' ')
            continue;
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static engsched_rc map_sqlstate(const char *state)
{
    if (state == NULL)
        return ENGSCHED_ESTORAGE;
    if (strcmp(state, "23505") == 0) /* unique_violation */
        return ENGSCHED_EEXISTS;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || /* serialization, deadlock */
        strcmp(state, "55P03") == 0 ||                                /* lock_not_available */
        strcmp(state, "57014") == 0)                                  /* query_canceled: timeout */
        return ENGSCHED_EBUSY;
    if (strcmp(state, "53200") == 0) /* out_of_memory */
        return ENGSCHED_ENOMEM;
    if (strncmp(state, "54", 2) == 0) /* program_limit_exceeded: too large a value */
        return ENGSCHED_ETOOBIG;
    if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0) /* data/index corrupted */
        return ENGSCHED_ECORRUPT;
    if (strncmp(state, "28", 2) == 0 || strcmp(state, "42501") == 0) /* auth, privilege */
        return ENGSCHED_EDENIED;
    if (strcmp(state, "3F000") == 0) /* invalid_schema_name */
        return ENGSCHED_ENOTFOUND;
    return ENGSCHED_ESTORAGE;
}

/* Whether a failure means the connection is gone: libpq says so, or the
 * server ended the session (admin_shutdown, crash_shutdown, cannot
 * connect now) or the connection class 08. */
static int connection_lost(es_pg *b, const char *state)
{
    if (b->conn == NULL || PQstatus(b->conn) != CONNECTION_OK)
        return 1;
    return state != NULL && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0);
}

/* Describe a failed statement (its result @p r, which is cleared; NULL
 * when libpq could not even make one) and map it to a result code. */
engsched_rc es_pg_fail(es_pg *b, PGresult *r, const char *what)
{
    const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char detail[ES_PG_MESSAGE_MAX];
    es_pg_clean_message(primary != NULL ? primary : PQerrorMessage(b->conn), detail, sizeof detail);
    engsched_rc rc;
    if (connection_lost(b, state)) {
        es_sql_error(&b->sql, "%s: the connection to %s was lost (%s); the transaction was not "
                              "committed",
                     what, b->where, detail[0] ? detail : "no reply");
        rc = ENGSCHED_ESTORAGE;
    } else {
        rc = map_sqlstate(state);
        es_sql_error(&b->sql, "%s: %s (SQLSTATE %s)", what, detail,
                     state != NULL ? state : "none");
    }
    PQclear(r);
    return rc;
}

/* --- running statements ------------------------------------------------ */

/* The parameters of a cursor as libpq takes them. Text of a given length
 * (ES_SQL_TEXT_N) travels in binary format, as bytes do: the binary form
 * of text is its bytes, which need no terminator (the server still checks
 * their encoding). */
typedef struct pq_params {
    int n;
    const char *values[ES_SQL_MAX_PARAMS];
    int lengths[ES_SQL_MAX_PARAMS];
    int formats[ES_SQL_MAX_PARAMS];
    char text[ES_SQL_MAX_PARAMS][24];
} pq_params;

static void params_of(const es_sql_cur *c, pq_params *p)
{
    p->n = c != NULL ? c->n : 0;
    for (int i = 0; i < p->n; i++) {
        const es_sql_param *v = &c->params[i];
        int sized = v->type == ES_SQL_BYTES || v->type == ES_SQL_TEXT_N;
        p->lengths[i] = sized ? v->len : 0;
        p->formats[i] = sized;
        p->values[i] = v->data; /* NULL is SQL NULL */
        if (v->type == ES_SQL_INT) {
            snprintf(p->text[i], sizeof p->text[i], "%lld", (long long)v->i);
            p->values[i] = p->text[i];
        } else if (sized && v->len <= 0) {
            p->values[i] = "";
        }
    }
}

int es_pg_result_ok(const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return r != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

engsched_rc es_pg_run_once(es_pg *b, const char *sql, const es_sql_cur *params,
                           const char *what, PGresult **out)
{
    pq_params p;
    params_of(params, &p);
    *out = NULL;
    PGresult *r = PQexecParams(b->conn, sql, p.n, NULL, p.values, p.lengths, p.formats, 0);
    if (!es_pg_result_ok(r))
        return es_pg_fail(b, r, what);
    *out = r;
    return ENGSCHED_OK;
}

engsched_rc es_pg_exec_once(es_pg *b, const char *sql, const char *what)
{
    PGresult *r = NULL;
    engsched_rc rc = es_pg_run_once(b, sql, NULL, what, &r);
    PQclear(r);
    return rc;
}

/* Parameter types of every variant: each variant is prepared with all
 * eleven, used or not, so binding does not depend on the variant. */
#define QUERY_PARAMS 11
static const Oid query_types[QUERY_PARAMS] = {
    OID_INT8, /* $1 statuses */
    OID_INT8, /* $2 client */
    OID_INT8, /* $3 operator */
    OID_INT8, /* $4 scope user */
    OID_INT4, /* $5 range start */
    OID_INT4, /* $6 range end */
    OID_TEXT, /* $7 name text */
    OID_INT8, /* $8 after key (integer) */
    OID_TEXT, /* $9 after key (name) */
    OID_INT8, /* $10 after id */
    OID_INT8, /* $11 limit */
};

/* Run the statement named @p name (prepared from @p sql on first use on
 * this connection, flag in *@p done). */
static engsched_rc run_named(es_pg *b, const char *name, const char *sql, unsigned char *done,
                             int ntypes, const Oid *types, es_sql_cur *c)
{
    if (!*done) {
        PGresult *r = PQprepare(b->conn, name, sql, ntypes, types);
        if (!es_pg_result_ok(r))
            return es_pg_fail(b, r, c->what);
        PQclear(r);
        *done = 1;
    }
    pq_params p;
    params_of(c, &p);
    PGresult *r = PQexecPrepared(b->conn, name, p.n, p.values, p.lengths, p.formats, c->binary);
    if (!es_pg_result_ok(r))
        return es_pg_fail(b, r, c->what);
    c->handle = r;
    return ENGSCHED_OK;
}

/* Savepoints run as constant text: in a transaction an error aborted,
 * ROLLBACK TO must still run, and never depends on a prepared statement. */
static int runs_once(int id)
{
    return id == ES_SQL_SAVEPOINT || id == ES_SQL_RELEASE || id == ES_SQL_ROLLBACK_TO;
}

static engsched_rc drv_run(es_sql_cur *c)
{
    es_pg *b = (es_pg *)c->b;
    char name[32];
    PGresult *r = NULL;
    engsched_rc rc;
    c->row = -1;
    if (!es_sql_params_ok(c))
        return ENGSCHED_ESTORAGE;
    if (c->variant >= 0) {
        snprintf(name, sizeof name, "engsched_q%ld", c->variant);
        return run_named(b, name, c->sql, &b->query_prepared[c->variant], QUERY_PARAMS,
                         query_types, c);
    }
    if (c->id >= 0 && !runs_once(c->id)) {
        snprintf(name, sizeof name, "engsched_%d", c->id);
        return run_named(b, name, es_pg_stmt_sql[c->id], &b->prepared[c->id], 0, NULL, c);
    }
    rc = es_pg_run_once(b, c->id >= 0 ? es_pg_stmt_sql[c->id] : c->sql, c, c->what, &r);
    c->handle = r;
    return rc;
}

static const PGresult *res(const es_sql_cur *c) { return c->handle; }

static engsched_rc drv_next(es_sql_cur *c, int *out_row)
{
    c->row++;
    *out_row = c->row < PQntuples(res(c));
    return ENGSCHED_OK;
}

static int64_t drv_col_int(const es_sql_cur *c, int col)
{
    if (PQgetisnull(res(c), c->row, col))
        return 0;
    return strtoll(PQgetvalue(res(c), c->row, col), NULL, 10);
}

static const char *drv_col_text(const es_sql_cur *c, int col)
{
    return PQgetisnull(res(c), c->row, col) ? NULL : PQgetvalue(res(c), c->row, col);
}

static int drv_col_null(const es_sql_cur *c, int col)
{
    return PQgetisnull(res(c), c->row, col);
}

static int64_t drv_changes(const es_sql_cur *c)
{
    return strtoll(PQcmdTuples((PGresult *)c->handle), NULL, 10);
}

/* Every INSERT here says RETURNING: no row means it inserted nothing. */
static int drv_last_id(const es_sql_cur *c, int64_t *out)
{
    (void)c;
    *out = 0;
    return 0;
}

static void drv_close(es_sql_cur *c)
{
    PQclear(c->handle);
    c->handle = NULL;
}

static void drv_hold(es_sql_cur *c) { ((es_pg *)c->b)->held = c->handle; }

static engsched_rc drv_enter(es_sql *s)
{
    es_pg *b = (es_pg *)s;
    PQclear(b->held);
    b->held = NULL;
    if (b->conn == NULL) {
        es_sql_error(s, "the backend has no connection");
        return ENGSCHED_EMISUSE;
    }
    return ENGSCHED_OK;
}

/* A lost connection counts as open: the statement then fails as lost. */
static int drv_in_transaction(es_sql *s)
{
    es_pg *b = (es_pg *)s;
    return PQstatus(b->conn) != CONNECTION_OK || PQtransactionStatus(b->conn) != PQTRANS_IDLE;
}

static int drv_variant_ready(es_sql *s, long variant)
{
    return ((es_pg *)s)->query_prepared[variant];
}

const es_sql_driver es_pg_driver = {
    .name = "postgresql",
    .enter = drv_enter,
    .in_transaction = drv_in_transaction,
    .variant_ready = drv_variant_ready,
    .run = drv_run,
    .next = drv_next,
    .col_int = drv_col_int,
    .col_text = drv_col_text,
    .col_null = drv_col_null,
    .changes = drv_changes,
    .last_id = drv_last_id,
    .close = drv_close,
    .hold = drv_hold,
};
