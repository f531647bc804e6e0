/* The SQLite driver of the SQL core (sql.h): statements prepared once,
 * lazily, with SQLITE_PREPARE_PERSISTENT and cached in the backend, so
 * nothing is prepared against tables a migration has yet to create.
 *
 * Strings in records filled by a get callback point into the result row
 * of the statement that produced them: that statement is "held" un-reset
 * and is reset at the start of the next callback (enter). Text is bound
 * SQLITE_STATIC: it lives during the call, and close unbinds it before
 * the call returns. */
#include "storage/sqlite/storage_sqlite.h"

engsched_rc es_sqlite_map_rc(int src)
{
    switch (src & 0xff) {
    case SQLITE_OK:
        return ENGSCHED_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ENGSCHED_EBUSY;
    case SQLITE_NOMEM:
        return ENGSCHED_ENOMEM;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ENGSCHED_ECORRUPT;
    case SQLITE_TOOBIG:
        return ENGSCHED_ETOOBIG;
    case SQLITE_CONSTRAINT:
        if (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
            return ENGSCHED_EEXISTS;
        return ENGSCHED_ESTORAGE;
    default:
        return ENGSCHED_ESTORAGE;
    }
}

/* @p what says what the backend was doing, in the words of the storage
 * interface. */
engsched_rc es_sqlite_fail(es_sqlite *b, int src, const char *what)
{
    const char *detail = b->db != NULL ? sqlite3_errmsg(b->db) : sqlite3_errstr(src);
    es_sql_error(&b->sql, "%s: %s", what, detail);
    return es_sqlite_map_rc(src);
}

static es_sqlite *backend(const es_sql_cur *c) { return (es_sqlite *)c->b; }
static sqlite3_stmt *stmt(const es_sql_cur *c) { return c->handle; }

/* Reset a statement and drop its bindings: bound strings are borrowed from
 * the caller and must not outlive the call. */
static void stmt_release(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static engsched_rc drv_enter(es_sql *s)
{
    es_sqlite *b = (es_sqlite *)s;
    stmt_release(b->held);
    b->held = NULL;
    if (b->db == NULL) {
        es_sql_error(s, "the store was discarded after a failed open; free the backend");
        return ENGSCHED_EMISUSE;
    }
    return ENGSCHED_OK;
}

static int drv_in_transaction(es_sql *s) { return !sqlite3_get_autocommit(((es_sqlite *)s)->db); }

static int drv_variant_ready(es_sql *s, long variant)
{
    return ((es_sqlite *)s)->queries[variant] != NULL;
}

/* The statement cached in @p slot, prepared from @p sql on first use. */
static engsched_rc stmt_cached(es_sqlite *b, sqlite3_stmt **slot, const char *sql,
                               sqlite3_stmt **out)
{
    sqlite3_stmt *st = *slot;
    if (st == NULL) {
        int src = sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (src != SQLITE_OK)
            return es_sqlite_fail(b, src, "preparing a statement");
        *slot = st;
    } else if (sqlite3_stmt_busy(st)) {
        /* Only an iteration in progress leaves a statement running between
         * calls (held ones were reset by enter()): a row callback called
         * back into the backend with the query it is iterating. */
        es_sql_error(&b->sql, "a row callback re-entered the query it is iterating");
        return ENGSCHED_EMISUSE;
    }
    *out = st;
    return ENGSCHED_OK;
}

/* The cursor's statement: cached by id or variant, or one-off text
 * (finalized by close: c->row < 0 marks it). */
static engsched_rc cursor_stmt(es_sql_cur *c, sqlite3_stmt **out)
{
    es_sqlite *b = backend(c);
    if (c->variant >= 0)
        return stmt_cached(b, &b->queries[c->variant], c->sql, out);
    if (c->id >= 0)
        return stmt_cached(b, &b->stmts[c->id], es_sqlite_stmt_sql[c->id], out);
    int src = sqlite3_prepare_v2(b->db, c->sql, -1, out, NULL);
    if (src != SQLITE_OK)
        return es_sqlite_fail(b, src, c->what);
    c->row = -1;
    return ENGSCHED_OK;
}

static int bind_one(sqlite3_stmt *st, int idx, const es_sql_param *p)
{
    switch (p->type) {
    case ES_SQL_INT:
        return sqlite3_bind_int64(st, idx, p->i);
    case ES_SQL_TEXT:
        return sqlite3_bind_text(st, idx, p->data, -1, SQLITE_STATIC);
    case ES_SQL_BYTES:
        return sqlite3_bind_blob(st, idx, p->data, p->len, SQLITE_STATIC);
    case ES_SQL_TEXT_N:
        return sqlite3_bind_text(st, idx, p->data, p->len, SQLITE_STATIC);
    default:
        return sqlite3_bind_null(st, idx);
    }
}

static engsched_rc drv_run(es_sql_cur *c)
{
    sqlite3_stmt *st = NULL;
    if (!es_sql_params_ok(c))
        return ENGSCHED_ESTORAGE;
    engsched_rc rc = cursor_stmt(c, &st);
    if (rc != ENGSCHED_OK)
        return rc;
    c->handle = st;
    int src = SQLITE_OK;
    for (int i = 0; src == SQLITE_OK && i < c->n; i++)
        src = bind_one(st, i + 1, &c->params[i]);
    return src == SQLITE_OK ? ENGSCHED_OK : es_sqlite_fail(backend(c), src, c->what);
}

static engsched_rc drv_next(es_sql_cur *c, int *out_row)
{
    int src = sqlite3_step(stmt(c));
    *out_row = src == SQLITE_ROW;
    if (src == SQLITE_ROW || src == SQLITE_DONE)
        return ENGSCHED_OK;
    return es_sqlite_fail(backend(c), src, c->what);
}

static int64_t drv_col_int(const es_sql_cur *c, int col)
{
    return sqlite3_column_int64(stmt(c), col);
}

/* A STRICT TEXT column in a UTF-8 database is returned without
 * conversion, so no allocation can fail. */
static const char *drv_col_text(const es_sql_cur *c, int col)
{
    return (const char *)sqlite3_column_text(stmt(c), col);
}

static int drv_col_null(const es_sql_cur *c, int col)
{
    return sqlite3_column_type(stmt(c), col) == SQLITE_NULL;
}

static int64_t drv_changes(const es_sql_cur *c) { return sqlite3_changes(backend(c)->db); }

static int drv_last_id(const es_sql_cur *c, int64_t *out)
{
    *out = sqlite3_last_insert_rowid(backend(c)->db);
    return 1;
}

static void drv_close(es_sql_cur *c)
{
    if (c->row < 0)
        sqlite3_finalize(stmt(c));
    else
        stmt_release(stmt(c));
    c->handle = NULL;
}

static void drv_hold(es_sql_cur *c)
{
    backend(c)->held = stmt(c);
}

const es_sql_driver es_sqlite_driver = {
    .name = "sqlite",
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

void es_sqlite_finalize_all(es_sqlite *b)
{
    b->held = NULL;
    for (int i = 0; i < ES_SQLITE_STMT_COUNT; i++) {
        sqlite3_finalize(b->stmts[i]);
        b->stmts[i] = NULL;
    }
    for (int i = 0; i < ES_SQL_QUERY_VARIANTS; i++) {
        sqlite3_finalize(b->queries[i]);
        b->queries[i] = NULL;
    }
}

engsched_rc es_sqlite_run_fixed(es_sqlite *b, int id, const char *what)
{
    es_sql_cur c = es_sql_cur_on(&b->sql, id, what);
    return es_sql_exec(&c);
}

engsched_rc es_sqlite_query_int(es_sqlite *b, int id, const char *what, int64_t *out,
                                int *out_found)
{
    es_sql_cur c = es_sql_cur_on(&b->sql, id, what);
    return es_sql_query_int(&c, out, out_found);
}
