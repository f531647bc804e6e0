/* Messages of the SQL core, in the backend's words: every one starts with
 * the driver's name, as the backends' own messages always have. */
#include <stdarg.h>
#include <stdio.h>

#include "storage/sql/sql.h"

void es_sql_error(es_sql *b, const char *fmt, ...)
{
    char text[ES_SQL_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    engsched_storage_set_error(&b->base, "%s: %s", b->drv->name, text);
}

engsched_rc es_sql_not_found(es_sql *b, const char *what, engsched_id id)
{
    es_sql_error(b, "%s %lld does not exist", what, (long long)id);
    return ENGSCHED_ENOTFOUND;
}

void es_sql_keeping_message(es_sql *b, void (*cleanup)(es_sql *b))
{
    char message[ES_SQL_MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->base));
    cleanup(b);
    engsched_storage_set_error(&b->base, "%s", message);
}
