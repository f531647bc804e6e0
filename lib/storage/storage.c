/* Backend error messages. A thread-local buffer, like libgit2's
 * git_error_set: a handle is used by one thread at a time, and the core
 * copies the text into the handle right after the failing callback. */
#include <stdarg.h>
#include <stdio.h>

#include "storage/dispatch.h"

static _Thread_local char storage_message[ES_STORAGE_MESSAGE_MAX];

void engsched_storage_set_error(engsched_storage *s, const char *fmt, ...)
{
    (void)s;
    if (fmt == NULL) {
        storage_message[0] = '\0';
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(storage_message, sizeof storage_message, fmt, ap);
    va_end(ap);
}

const char *engsched_storage_errmsg(const engsched_storage *s)
{
    (void)s;
    return storage_message;
}

const char *es_storage_message(void) { return storage_message; }

void es_storage_message_clear(void) { storage_message[0] = '\0'; }
