/* An in-memory storage backend for libengsched, written only against the
 * public callback header <engsched/storage.h>: an example of a custom
 * backend and a second implementation the conformance suite runs against.
 *
 * Not for production: the data lives in this process and is gone when the
 * handle is closed, and one backend serves one thread of one process (see
 * README.md next to this file). */
#ifndef ENGSCHED_EXAMPLE_MEMORY_BACKEND_H
#define ENGSCHED_EXAMPLE_MEMORY_BACKEND_H

#include <engsched/storage.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Create an empty, unprepared in-memory backend.
 *
 * Pass it to engsched_open_backend(), which then owns it and frees it in
 * engsched_close(); if opening fails, release it with (*out)->free(*out).
 * Returns ENGSCHED_OK, ENGSCHED_EMISUSE (out is NULL) or ENGSCHED_ENOMEM. */
engsched_rc engsched_example_memory_backend_new(engsched_storage **out);

#ifdef __cplusplus
}
#endif

#endif
