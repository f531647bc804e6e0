/* The savepoint callbacks both SQL backends share: one statement each, in
 * the open write transaction. */
#include "storage/sql/sql.h"

engsched_rc es_sql_savepoint_run(engsched_storage *s, int id, const char *what,
                                 const char *hint)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = b->drv->enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!b->drv->in_transaction(b)) {
        es_sql_error(b, "%s: no transaction is open%s%s", what, hint != NULL ? " " : "",
                     hint != NULL ? hint : "");
        return ENGSCHED_ESTORAGE;
    }
    es_sql_cur c = es_sql_cur_on(b, id, what);
    return es_sql_exec(&c);
}
