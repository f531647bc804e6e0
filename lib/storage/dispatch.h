/* The storage dispatch (storage.c): what the core needs from it besides
 * the public table of <engsched/storage.h>. Like the rest of storage/, it
 * sees only include/engsched/ and util/, never core/: the core includes
 * this header, not the other way round. */
#ifndef ENGSCHED_STORAGE_DISPATCH_H
#define ENGSCHED_STORAGE_DISPATCH_H

#include <engsched/storage.h>

/* The longest backend message kept, terminator included; longer ones are
 * cut. The core copies it into a handle message of its own size. */
#define ES_STORAGE_MESSAGE_MAX 512

/* The thread-local message set with engsched_storage_set_error(). */
const char *es_storage_message(void);
void es_storage_message_clear(void);

#endif
