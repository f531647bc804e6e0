/* The PostgreSQL module's side of module.h: its one exported function, and
 * the few functions of the core that the backend and the SQL core call
 * (allocation, the storage message), forwarded to the table the core hands
 * over. Compiled into libengsched-postgres.so only; module.map keeps
 * everything but the entry point local, so these forwarders never
 * interpose on the core's own functions. */
#include <stdarg.h>
#include <stdio.h>

#include "storage/dispatch.h"
#include "storage/pg/module.h"
#include "storage/pg/storage_pg.h"
#include "util/alloc.h"

static const es_pg_host *host;

void *es_calloc(size_t count, size_t size) { return host->calloc_fn(count, size); }

void es_free(void *ptr) { host->free_fn(ptr); }

void engsched_storage_set_error(engsched_storage *s, const char *fmt, ...)
{
    (void)s;
    if (fmt == NULL) {
        host->set_message(NULL);
        return;
    }
    /* Formatted here, with the same bound as the core's buffer: a va_list
     * cannot cross the table portably. */
    char message[ES_STORAGE_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    host->set_message(message);
}

const char *engsched_storage_errmsg(const engsched_storage *s)
{
    (void)s;
    return host->message();
}

__attribute__((visibility("default"))) engsched_rc
engsched_postgres_module_init(const es_pg_host *h, es_pg_module *out)
{
    if (h == NULL || out == NULL || h->version != ES_PG_MODULE_VERSION)
        return ENGSCHED_EUNSUPPORTED;
    host = h;
    *out = (es_pg_module){ES_PG_MODULE_VERSION, es_pg_new};
    return ENGSCHED_OK;
}
