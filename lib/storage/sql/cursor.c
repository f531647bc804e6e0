/* Running one statement through the backend's driver (sql.h): the
 * parameters a callback collects, and the few ways a callback uses a
 * statement. Each helper closes the cursor on every path but the ones
 * that leave it on a row for the caller. */
#include "storage/sql/sql.h"

es_sql_cur es_sql_cur_on(es_sql *b, int id, const char *what)
{
    es_sql_cur c = {.b = b, .id = id, .variant = -1, .what = what};
    return c;
}

/* The statements of the interface have at most 19 parameters; a 21st
 * would be a bug of this library: it is counted but not kept, and the
 * drivers refuse to run a cursor with too many (es_sql_params_ok()). */
static void param_add(es_sql_cur *c, int type, int64_t i, const void *data, int len)
{
    if (c->n < ES_SQL_MAX_PARAMS)
        c->params[c->n] = (es_sql_param){type, i, data, len};
    c->n++;
}

int es_sql_params_ok(es_sql_cur *c)
{
    if (c->n <= ES_SQL_MAX_PARAMS)
        return 1;
    es_sql_error(c->b, "%s: more than %d parameters", c->what, ES_SQL_MAX_PARAMS);
    return 0;
}

void es_sql_int(es_sql_cur *c, int64_t v) { param_add(c, ES_SQL_INT, v, NULL, 0); }

void es_sql_opt(es_sql_cur *c, int64_t v)
{
    param_add(c, v != 0 ? ES_SQL_INT : ES_SQL_NULL, v, NULL, 0);
}

void es_sql_text(es_sql_cur *c, const char *v)
{
    param_add(c, v != NULL ? ES_SQL_TEXT : ES_SQL_NULL, 0, v, 0);
}

void es_sql_text_or(es_sql_cur *c, const char *v, const char *dflt)
{
    es_sql_text(c, v != NULL ? v : dflt);
}

void es_sql_bytes(es_sql_cur *c, const void *data, int len)
{
    param_add(c, ES_SQL_BYTES, 0, data, len);
}

void es_sql_text_n(es_sql_cur *c, const char *v, int len)
{
    param_add(c, ES_SQL_TEXT_N, 0, v, len);
}

int64_t es_sql_col_int(const es_sql_cur *c, int col) { return c->b->drv->col_int(c, col); }

const char *es_sql_col_text(const es_sql_cur *c, int col)
{
    const char *v = c->b->drv->col_text(c, col);
    return v != NULL ? v : "";
}

const char *es_sql_col_text_opt(const es_sql_cur *c, int col)
{
    if (c->b->drv->col_null(c, col))
        return NULL;
    return es_sql_col_text(c, col);
}

void es_sql_close(es_sql_cur *c)
{
    if (!c->held)
        c->b->drv->close(c);
}

/* Run, and step once: the first row, or the end of a write. */
static engsched_rc run_step(es_sql_cur *c, int *out_row)
{
    *out_row = 0;
    engsched_rc rc = c->b->drv->run(c);
    return rc != ENGSCHED_OK ? rc : c->b->drv->next(c, out_row);
}

engsched_rc es_sql_exec(es_sql_cur *c)
{
    int row;
    engsched_rc rc = run_step(c, &row);
    es_sql_close(c);
    return rc;
}

engsched_rc es_sql_exec_changes(es_sql_cur *c, int64_t *out_changes)
{
    int row;
    engsched_rc rc = run_step(c, &row);
    *out_changes = rc == ENGSCHED_OK ? c->b->drv->changes(c) : 0;
    es_sql_close(c);
    return rc;
}

engsched_rc es_sql_exec_expect_row(es_sql_cur *c, int64_t key)
{
    int64_t changed = 0;
    engsched_rc rc = es_sql_exec_changes(c, &changed);
    if (rc == ENGSCHED_OK && changed == 0)
        rc = es_sql_not_found(c->b, c->what, key);
    return rc;
}

engsched_rc es_sql_insert(es_sql_cur *c, int64_t *out_id, int *out_inserted)
{
    int row;
    engsched_rc rc = run_step(c, &row);
    *out_id = 0;
    *out_inserted = 0;
    if (rc == ENGSCHED_OK && row) {
        *out_id = c->b->drv->col_int(c, 0);
        *out_inserted = 1;
    } else if (rc == ENGSCHED_OK) {
        *out_inserted = c->b->drv->last_id(c, out_id);
    }
    es_sql_close(c);
    return rc;
}

engsched_rc es_sql_one(es_sql_cur *c, int *out_found)
{
    engsched_rc rc = run_step(c, out_found);
    if (rc != ENGSCHED_OK || !*out_found)
        es_sql_close(c);
    return rc;
}

engsched_rc es_sql_query_int(es_sql_cur *c, int64_t *out, int *out_found)
{
    engsched_rc rc = es_sql_one(c, out_found);
    if (rc != ENGSCHED_OK || !*out_found)
        return rc;
    *out = es_sql_col_int(c, 0);
    es_sql_close(c);
    return ENGSCHED_OK;
}

engsched_rc es_sql_get_row(es_sql_cur *c, int64_t key)
{
    int found;
    es_sql_int(c, key);
    engsched_rc rc = es_sql_one(c, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found)
        return es_sql_not_found(c->b, c->what, key);
    c->b->drv->hold(c);
    c->held = 1;
    return ENGSCHED_OK;
}

engsched_rc es_sql_rows(es_sql_cur *c, es_sql_row_fn adapt, void *fn, void *ctx)
{
    int row = 0;
    engsched_rc rc = c->b->drv->run(c);
    while (rc == ENGSCHED_OK && (rc = c->b->drv->next(c, &row)) == ENGSCHED_OK && row)
        rc = adapt(c, fn, ctx);
    es_sql_close(c);
    return rc;
}
