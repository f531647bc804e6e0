/* The storage dispatch: initialising callback tables, and backend error
 * messages. The messages are a thread-local buffer, like libgit2's
 * git_error_set: a handle is used by one thread at a time, and the core
 * copies the text into the handle right after the failing callback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

/* The size of a table of @p version, as a backend compiled against that
 * version's header has it: a version 1 table ends where version 2's
 * members begin. 0 for a version this library does not know. */
static size_t storage_table_size(unsigned int version)
{
    _Static_assert(ENGSCHED_STORAGE_VERSION == 8,
                   "a new table version: give its size here and extend ENGSCHED_STORAGE_INIT");
    switch (version) {
    case 1:
        return offsetof(engsched_storage, savepoint);
    case 2:
        return offsetof(engsched_storage, outbox_put);
    case 3:
        return offsetof(engsched_storage, invitation_find);
    case 4:
        return offsetof(engsched_storage, backup);
    case 5:
        return offsetof(engsched_storage, assignment_update);
    case 6:
        return offsetof(engsched_storage, range_staffing);
    case 7:
        return offsetof(engsched_storage, engagements_start_due);
    case 8:
        return sizeof(engsched_storage);
    default:
        return 0;
    }
}

engsched_rc engsched_storage_init(engsched_storage *backend, unsigned int version)
{
    if (backend == NULL) {
        engsched_storage_set_error(NULL, "engsched_storage_init: backend must not be NULL");
        return ENGSCHED_EINVAL;
    }
    size_t size = storage_table_size(version);
    if (size == 0) {
        engsched_storage_set_error(backend,
                                   "engsched_storage_init: table version %u is unknown "
                                   "(this library takes versions 1 to %u)",
                                   version, (unsigned int)ENGSCHED_STORAGE_VERSION);
        return ENGSCHED_EUNSUPPORTED;
    }
    /* From the macro's table, so the two can never disagree; and only the
     * first `size` bytes, never the whole current struct: a table
     * compiled against an older header is shorter. */
    static const engsched_storage template_table = ENGSCHED_STORAGE_INIT;
    memcpy(backend, &template_table, size);
    backend->version = version;
    return ENGSCHED_OK;
}
