/**
 * @file backends.h
 * @brief Constructors of the built-in storage backends (SQLite and
 *        PostgreSQL).
 *
 * engsched_open() picks one of these by the path it is given; a host calls
 * them itself to pass options engsched_open() does not take (a `key=value`
 * libpq string) or to wrap the backend in one of its own (a test wrapper
 * that injects faults, a cache). The result is opened with
 * engsched_open_backend() (<engsched/storage.h>), which takes it over.
 *
 * This header needs nothing from the backend authors' header: the table
 * (::engsched_storage) is only handed out by pointer here. storage.h
 * includes it, so code that found these declarations there still builds.
 */
#ifndef ENGSCHED_BACKENDS_H
#define ENGSCHED_BACKENDS_H

/* For engsched_open_flags, which both constructors take. */
#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Create the built-in SQLite backend on a file or `:memory:`,
 *        for hosts and wrappers (a test wrapper that injects faults).
 * @param path the file, or `:memory:`
 * @param flags ::engsched_open_flags
 * @param[out] out the backend, owned by the caller until passed to
 *        engsched_open_backend(); release it with its free() callback
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_ECORRUPT,
 *         ::ENGSCHED_ESTORAGE, ::ENGSCHED_ENOMEM; the message through
 *         engsched_open_errmsg()
 */
ENGSCHED_API engsched_rc engsched_storage_sqlite_new(const char *path, unsigned int flags,
                                                     engsched_storage **out);

/**
 * @brief Create the PostgreSQL backend (libpq), for hosts that run several
 *        application servers against one shared database.
 *
 * engsched_open() uses it for paths that start with `postgresql://` or
 * `postgres://`; call it directly for a `key=value` connection string or
 * to wrap the backend. It connects at once (waiting at most
 * `connect_timeout` seconds, 10 unless the string says otherwise); the
 * store lives in the first existing schema of the connection's
 * search_path (`?options=-csearch_path%3Dname` picks one), which must be
 * empty or hold a libengsched store. Write transactions of every server
 * take one advisory lock of that store, so they run one at a time, as on
 * SQLite. A connection lost mid-transaction fails that transaction
 * (nothing of it is kept); the next transaction connects again.
 * Messages name the server, database and user, never the password.
 * @param conninfo a libpq connection URI or `key=value` string
 * @param flags ::engsched_open_flags (CREATE: create the store's tables
 *        in an empty schema; READONLY: never write, migrations included)
 * @param[out] out the backend, owned by the caller until passed to
 *        engsched_open_backend(); release it with its free() callback
 * @return ::ENGSCHED_OK; ::ENGSCHED_ESTORAGE when the server cannot be
 *         reached or the connection fails; ::ENGSCHED_EDENIED when the
 *         server refuses the credentials (wrong or missing password,
 *         unknown role); ::ENGSCHED_ENOTFOUND when the database does not
 *         exist; ::ENGSCHED_EINVAL for a malformed connection string;
 *         ::ENGSCHED_EUNSUPPORTED when the library was built without
 *         libpq; ::ENGSCHED_ENOMEM; the message through
 *         engsched_open_errmsg() or engsched_storage_errmsg()
 */
ENGSCHED_API engsched_rc engsched_storage_postgres_new(const char *conninfo, unsigned int flags,
                                                       engsched_storage **out);

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_BACKENDS_H */
