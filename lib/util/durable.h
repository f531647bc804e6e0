/* util/: files written whole or not at all: a temporary file beside the
 * final name, flushed, then linked into place without ever replacing
 * what is there. No handle: failures are an engsched_rc and a message in
 * the caller's buffer (util/fail.h). */
#ifndef ENGSCHED_UTIL_DURABLE_H
#define ENGSCHED_UTIL_DURABLE_H

#include <stddef.h>

#include <engsched/engsched.h>

/* Whether anything (a file, a link, a directory) is at @p path. */
int es_path_exists(const char *path);

/* Create an empty file `<dest>.partial-XXXXXX` (mode 0600) beside @p dest;
 * its name, in library memory, to *out. ENOTFOUND when the directory does
 * not exist, ENOMEM, ESTORAGE. */
engsched_rc es_durable_temp(const char *dest, char **out, char *err, size_t err_size);

/* Flush @p tmp to disk, link it to @p dest (EEXISTS, atomically, if
 * something is there), remove the temporary name and flush the directory.
 * On failure @p tmp is left for the caller to remove and nothing is at
 * @p dest. */
engsched_rc es_durable_publish(const char *tmp, const char *dest, char *err, size_t err_size);

/* Remove @p path and the SQLite side files `-journal`, `-wal`, `-shm` a
 * connection on it may have left; NULL is a no-op. Never allocates. */
void es_durable_discard(const char *path);

#endif
