/**
 * @file common.h
 * @brief Export macro, integer types and result codes shared by every
 *        libengsched header.
 *
 * Hosts include <engsched/engsched.h>, which includes this file; backend
 * authors include <engsched/storage.h>, and hosts that build a built-in
 * backend themselves <engsched/backends.h>, which do the same.
 */
#ifndef ENGSCHED_COMMON_H
#define ENGSCHED_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @def ENGSCHED_API
 * @brief Marks a function as part of the public, exported ABI.
 *
 * The library is built with -fvisibility=hidden; only declarations carrying
 * this macro are visible in the dynamic symbol table.
 */
#if defined(ENGSCHED_BUILDING) && defined(__GNUC__)
#define ENGSCHED_API __attribute__((visibility("default")))
#else
#define ENGSCHED_API
#endif

/** @brief A store-assigned identifier; 0 never names an object. */
typedef int64_t engsched_id;

/**
 * @brief A storage backend: a table of callbacks, defined in
 *        <engsched/storage.h>.
 *
 * Declared here, once, because two headers name it: storage.h (which
 * defines the table) and backends.h (whose constructors only hand out
 * pointers to one). Repeating the typedef in both is valid C11 but not
 * C99, and gcc -std=c99 -Wpedantic in a host's build would warn.
 */
typedef struct engsched_storage engsched_storage;

/**
 * @brief Result codes returned by every fallible function.
 *
 * Values are stable and append-only. engsched_rc_name() names each one and
 * engsched_errmsg() explains the last failure of a handle.
 */
typedef enum engsched_rc {
    ENGSCHED_OK = 0,           /**< Success. */
    ENGSCHED_EINVAL = 1,       /**< An argument or input field is invalid. */
    ENGSCHED_ENOMEM = 2,       /**< An allocation failed; nothing changed. */
    ENGSCHED_ENOTFOUND = 3,    /**< No such object, or not visible to the actor. */
    ENGSCHED_EDENIED = 4,      /**< The actor lacks the permission. */
    ENGSCHED_ESTATE = 5,       /**< The operation is not allowed in the current status. */
    ENGSCHED_ECONFLICT = 6,    /**< Stale version, or a refused scheduling conflict. */
    ENGSCHED_EEXISTS = 7,      /**< The object already exists. */
    ENGSCHED_ETOOBIG = 8,      /**< A size or count limit would be exceeded. */
    ENGSCHED_EBUSY = 9,        /**< The store stayed locked past the busy timeout. */
    ENGSCHED_ESTORAGE = 10,    /**< The storage backend failed (I/O, connection). */
    ENGSCHED_ECORRUPT = 11,    /**< The store is damaged or is not a libengsched store. */
    ENGSCHED_EUNSUPPORTED = 12,/**< Not supported (e.g. a schema newer than the library). */
    ENGSCHED_EMISUSE = 13      /**< The API was misused (NULL handle, wrong version field). */
} engsched_rc;

/**
 * @brief The symbolic name of a result code, e.g. "ENGSCHED_EINVAL".
 * @param rc any value
 * @return a static string; "ENGSCHED_UNKNOWN" for a value outside the enum
 */
ENGSCHED_API const char *engsched_rc_name(engsched_rc rc);

/**
 * @brief A short static English description of a result code.
 * @param rc any value
 * @return a static string, never NULL
 */
ENGSCHED_API const char *engsched_rc_describe(engsched_rc rc);

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_COMMON_H */
