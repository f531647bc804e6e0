/**
 * @file engsched.h
 * @brief The public API of libengsched: engagement scheduling for
 *        penetration-test reporting platforms.
 *
 * A host opens a scheduler handle on a store, mirrors its users and clients
 * into it, and then drives the engagement lifecycle: request, create,
 * approve, edit, cancel, report status and the hourly tick. Every operation
 * takes the acting user and obeys the permission and client-scoping rules of
 * docs/design.md §3.
 *
 * Conventions, as in sqlite3.h and libgit2:
 * - every fallible function returns an ::engsched_rc and writes its results
 *   through pointer arguments, which are left untouched on failure;
 * - a NULL handle gives ::ENGSCHED_EMISUSE; a NULL output pointer gives
 *   ::ENGSCHED_EINVAL naming the parameter;
 * - engsched_errmsg() explains the last failure of a handle;
 * - strings the caller keeps are released with engsched_free(); strings
 *   returned by getters of a snapshot live as long as the snapshot;
 * - dates are ISO 8601 calendar dates, `YYYY-MM-DD`; instants are UTC
 *   seconds since the Unix epoch;
 * - one handle is used by one thread at a time.
 */
#ifndef ENGSCHED_ENGSCHED_H
#define ENGSCHED_ENGSCHED_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Version
 *  @{ */
/** @brief Major version; also the SONAME suffix (libengsched.so.MAJOR). */
#define ENGSCHED_VERSION_MAJOR 0
/** @brief Minor version; raised when functions are added. */
#define ENGSCHED_VERSION_MINOR 1
/** @brief Patch version; raised for fixes. */
#define ENGSCHED_VERSION_PATCH 0
/** @brief The version as a string. */
#define ENGSCHED_VERSION "0.1.0"
/** @brief MAJOR*1000000 + MINOR*1000 + PATCH, for compile-time checks. */
#define ENGSCHED_VERSION_NUMBER 1000

/**
 * @brief The version of the library linked at run time, e.g. "0.1.0".
 * @return a static string
 */
ENGSCHED_API const char *engsched_version(void);

/**
 * @brief The run-time version as MAJOR*1000000 + MINOR*1000 + PATCH.
 * @return the version number; compare with ::ENGSCHED_VERSION_NUMBER
 */
ENGSCHED_API int engsched_version_number(void);
/** @} */

/** @name Memory
 *  @{ */

/**
 * @brief Allocator hooks, installed process-wide with engsched_set_allocator().
 *
 * The functions follow the contracts of malloc(3), realloc(3) and free(3)
 * and receive `ctx` as their last argument.
 */
typedef struct engsched_allocator {
    unsigned int version;                          /**< ::ENGSCHED_ALLOCATOR_VERSION */
    void *(*malloc_fn)(size_t size, void *ctx);    /**< allocate */
    void *(*realloc_fn)(void *ptr, size_t size, void *ctx); /**< resize */
    void (*free_fn)(void *ptr, void *ctx);         /**< release */
    void *ctx;                                     /**< passed to every hook */
} engsched_allocator;

/** @brief The current version of ::engsched_allocator. */
#define ENGSCHED_ALLOCATOR_VERSION 1

/**
 * @brief Replace the allocator used for every allocation the library makes
 *        itself (not those of SQLite, libical or jansson).
 *
 * Call it before opening any handle, like sqlite3_config(). Passing NULL
 * restores malloc/realloc/free.
 *
 * @param allocator the hooks, copied; NULL for the C library's
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE if a handle is open, a hook is
 *         missing or the version field is unknown
 */
ENGSCHED_API engsched_rc engsched_set_allocator(const engsched_allocator *allocator);

/**
 * @brief Release memory the library returned to the caller (strings, JSON).
 * @param ptr what to release; NULL is ignored
 */
ENGSCHED_API void engsched_free(void *ptr);
/** @} */

/** @name Opening a store
 *  @{ */

/** @brief An open scheduler: one store, one thread at a time. */
typedef struct engsched engsched;

/** @brief Severity of a diagnostic passed to the log callback. */
typedef enum engsched_log_level {
    ENGSCHED_LOG_DEBUG = 0, /**< tracing */
    ENGSCHED_LOG_INFO = 1,  /**< normal but notable */
    ENGSCHED_LOG_WARN = 2,  /**< something the host may want to look at */
    ENGSCHED_LOG_ERROR = 3  /**< an operation failed */
} engsched_log_level;

/**
 * @brief Receives the library's diagnostics; the library never prints.
 *
 * What every callback of the handle (this one, the clock, on_event,
 * deliver_event, on_mail, the export writer and import reader of export.h)
 * may do: anything with its context and other handles, then return. It
 * must not use the handle that invoked it — every call on that handle,
 * engsched_close() included, returns ::ENGSCHED_EMISUSE while a callback
 * runs, without logging and without changing the handle's code and
 * message, so the call that invoked the callback keeps its result. It
 * must not leave by longjmp() or a C++ exception: the handle would stay
 * inside the callback for good, refusing every call; with an outbox the
 * mail or event being handed over stays pending and is delivered by a
 * later engsched_deliver() once its lease runs out (docs/design.md §8).
 *
 * @param ctx the options' log_ctx
 * @param level severity
 * @param message a NUL-terminated line without a newline, valid during the call
 */
typedef void (*engsched_log_fn)(void *ctx, engsched_log_level level, const char *message);

/**
 * @brief Receives each committed event as a JSON document (docs/events.md).
 *
 * Called after the transaction that wrote the event committed, in event
 * order. The callback must not use the handle that invoked it (calls on
 * it return ::ENGSCHED_EMISUSE) and must return (see ::engsched_log_fn).
 *
 * @param ctx the options' event_ctx
 * @param json the event, UTF-8 JSON, valid during the call
 */
typedef void (*engsched_event_fn)(void *ctx, const char *json);

/**
 * @brief Receives one event document for delivery (options version 2),
 *        and says whether it was taken.
 *
 * Used by delivery (engsched_deliver(), and after each commit by default)
 * and by engsched_event_stream(). The callback must not use the handle
 * that invoked it (calls on it return ::ENGSCHED_EMISUSE) and must return:
 * to refuse a document it returns nonzero (see ::engsched_log_fn).
 *
 * Signature: when the `webhook_secret` setting is set, @p signature is
 * `sha256=` followed by the 64 lower-case hex digits of
 * HMAC-SHA256(key = the secret's bytes, message = the @p length bytes of
 * @p json), to send with the document (say, as an `X-Engsched-Signature`
 * header). A receiver computes the same HMAC over the body it received,
 * compares in constant time, and drops documents whose `seq` it has seen.
 *
 * @param ctx the options' deliver_event_ctx (or engsched_event_stream()'s)
 * @param seq the event's sequence number, its idempotency key
 * @param json the document, UTF-8 JSON (docs/events.md), valid during the call
 * @param length bytes of @p json, without the terminator
 * @param signature as above, or NULL when no secret is set
 * @return 0 when the host took the document; nonzero to refuse it (it is
 *         retried later)
 */
typedef int (*engsched_event_deliver_fn)(void *ctx, int64_t seq, const char *json,
                                         size_t length, const char *signature);

/**
 * @brief Returns the current time in UTC seconds; lets hosts and tests
 *        control the clock. Must return and must not use the handle
 *        (see ::engsched_log_fn).
 * @param ctx the options' clock_ctx
 * @return seconds since the Unix epoch, 1900-01-02T00:00:00Z to
 *         9999-12-30T23:59:59Z: an operation that needs today's date
 *         under a clock outside that range fails with ::ENGSCHED_EINVAL
 *         naming the instant, and changes nothing
 */
typedef int64_t (*engsched_clock_fn)(void *ctx);

/**
 * @brief Receives one complete iMIP message (RFC 5322 + MIME) to deliver.
 *
 * Called after the transaction that caused it committed. The library opens
 * no socket: the host sends the message, queues it or writes it to disk.
 * The callback must not use the handle that invoked it (calls on it return
 * ::ENGSCHED_EMISUSE) and must return — nonzero to refuse the message —
 * never longjmp() or throw through the library (see ::engsched_log_fn).
 * @param ctx the options' mail_ctx
 * @param engagement the engagement the invitation is for
 * @param user the operator it is for; with @p engagement, what
 *        engsched_invitation_mail() takes to rebuild it for a retry
 * @param recipient the bare address (addr-spec) to deliver to
 * @param message the message with CRLF line ends, valid during the call
 * @param length the message length in bytes
 * @return 0 when the host took the message; nonzero makes the library log
 *         the failure (the assignment stays; see engsched_invitation_mail())
 */
typedef int (*engsched_mail_fn)(void *ctx, engsched_id engagement, engsched_id user,
                                const char *recipient, const char *message, size_t length);

/** @brief What assigning an operator over existing work does. */
typedef enum engsched_conflict_policy {
    ENGSCHED_CONFLICTS_TENANT = 0, /**< follow the tenant setting `conflict_policy` */
    ENGSCHED_CONFLICTS_WARN = 1,   /**< assign and report the overlapping work */
    ENGSCHED_CONFLICTS_STRICT = 2  /**< refuse with ::ENGSCHED_ECONFLICT, change nothing */
} engsched_conflict_policy;

/** @brief Open flags (bit mask). */
typedef enum engsched_open_flags {
    ENGSCHED_OPEN_CREATE = 1u << 0,  /**< create the store if it does not exist */
    ENGSCHED_OPEN_READONLY = 1u << 1 /**< refuse every write (EMISUSE) */
} engsched_open_flags;

/**
 * @brief Per-handle options; never stored. Initialise with
 *        engsched_options_init() or ::ENGSCHED_OPTIONS_INIT, then set fields.
 */
typedef struct engsched_options {
    unsigned int version;       /**< ::ENGSCHED_OPTIONS_VERSION */
    unsigned int flags;         /**< ::engsched_open_flags; default CREATE */
    int busy_timeout_ms;        /**< how long to wait for a locked store; default 5000 */
    engsched_log_fn log;        /**< diagnostics, or NULL */
    void *log_ctx;              /**< passed to @ref log */
    engsched_log_level log_level; /**< least severity passed to @ref log */
    engsched_event_fn on_event; /**< committed events as JSON, or NULL */
    void *event_ctx;            /**< passed to @ref on_event */
    engsched_clock_fn clock;    /**< current time, or NULL for time(2) */
    void *clock_ctx;            /**< passed to @ref clock */
    int conflict_policy;        /**< ::engsched_conflict_policy; default: the tenant setting */
    engsched_mail_fn on_mail;   /**< invitation mail, or NULL to send none */
    void *mail_ctx;             /**< passed to @ref on_mail */
    /* version 2 adds: deliver_event, deliver_event_ctx, delivery. */
    /** Event documents for delivery, which may refuse them; takes the
     *  place of @ref on_event when both are set (delivery.h). */
    engsched_event_deliver_fn deliver_event;
    void *deliver_event_ctx;    /**< passed to @ref deliver_event */
    unsigned int delivery;      /**< ::engsched_delivery_mode; default ON_COMMIT */
} engsched_options;

/** @brief The current version of ::engsched_options: 2. A host compiled
 *         with version 1 passes the shorter structure with version 1. */
#define ENGSCHED_OPTIONS_VERSION 2

/** @brief Static initialiser for ::engsched_options with every default. */
#define ENGSCHED_OPTIONS_INIT                                                     \
    { ENGSCHED_OPTIONS_VERSION, ENGSCHED_OPEN_CREATE, 5000, NULL, NULL,            \
      ENGSCHED_LOG_WARN, NULL, NULL, NULL, NULL, ENGSCHED_CONFLICTS_TENANT, NULL, NULL, \
      NULL, NULL, 0 }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the structure to fill
 * @param version ::ENGSCHED_OPTIONS_VERSION as the caller was compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_options_init(engsched_options *opts, unsigned int version);

/**
 * @brief Open a store with the built-in SQLite backend.
 *
 * @p path is a file name or `:memory:`. The schema is created on first
 * open and migrated forward on later ones; a store written by a newer
 * library is refused. Nothing is created when opening fails.
 *
 * A @p path starting with `postgresql://` or `postgres://` opens the
 * PostgreSQL backend instead (see engsched_storage_postgres_new() in
 * storage.h), e.g. `postgresql://app@db.example.com/engsched`; it adds
 * ::ENGSCHED_EDENIED for credentials the server refuses.
 *
 * @param path the SQLite file, or `:memory:`, or a PostgreSQL URI
 * @param opts options, or NULL for the defaults
 * @param[out] out the new handle; set only on success
 * @return ::ENGSCHED_OK;
 *         ::ENGSCHED_ENOTFOUND (without CREATE: the file does not exist,
 *         or holds no store, as an empty file or a database without
 *         tables, which is then left as it is; with or without it: the
 *         directory does not exist);
 *         ::ENGSCHED_ECORRUPT (the file is not a libengsched store);
 *         ::ENGSCHED_EUNSUPPORTED (the schema is newer than this library);
 *         ::ENGSCHED_EBUSY, ::ENGSCHED_ESTORAGE, ::ENGSCHED_ENOMEM,
 *         ::ENGSCHED_EMISUSE
 */
ENGSCHED_API engsched_rc engsched_open(const char *path, const engsched_options *opts,
                                       engsched **out);

/**
 * @brief The message explaining an open failure, when engsched_open() could
 *        not return a handle to ask.
 *
 * Kept per thread, overwritten by the next failed open on that thread.
 * @return a NUL-terminated string, never NULL
 */
ENGSCHED_API const char *engsched_open_errmsg(void);

/**
 * @brief Close a handle and release everything it owns.
 *
 * Snapshots, builders and cursors made from the handle must be freed first.
 * An open batch is rolled back: nothing of it is stored or delivered.
 * @param db the handle; NULL is a no-op returning ::ENGSCHED_OK
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE from a callback of @p db
 *         (the handle stays open)
 */
ENGSCHED_API engsched_rc engsched_close(engsched *db);

/**
 * @brief The message explaining the last failure on @p db.
 * @param db the handle, or NULL
 * @return a NUL-terminated string valid until the next call on @p db;
 *         "not an error" after success, a fixed text for NULL
 */
ENGSCHED_API const char *engsched_errmsg(const engsched *db);

/**
 * @brief The result code of the last failure on @p db (::ENGSCHED_OK if the
 *        last call succeeded).
 * @param db the handle
 * @return the code; ::ENGSCHED_EMISUSE for NULL
 */
ENGSCHED_API engsched_rc engsched_errcode(const engsched *db);

/**
 * @brief The schema version of the open store.
 * @param db the handle
 * @param[out] out the version
 * @return ::ENGSCHED_OK, ::ENGSCHED_EMISUSE or a storage error
 */
ENGSCHED_API engsched_rc engsched_schema_version(engsched *db, int *out);

/**
 * @brief The newest schema version this library knows.
 * @return the version number
 */
ENGSCHED_API int engsched_schema_version_supported(void);
/** @} */

/** @name Statuses and colours
 *  Pure functions of their inputs; usable without a handle.
 *  @{ */

/** @brief Engagement status (docs/design.md §2). Stable values. */
typedef enum engsched_status {
    ENGSCHED_STATUS_PENDING = 1,     /**< requested, not approved */
    ENGSCHED_STATUS_SCHEDULED = 2,   /**< approved; start date not reached */
    ENGSCHED_STATUS_IN_PROGRESS = 3, /**< approved; start date reached */
    ENGSCHED_STATUS_IN_REVIEW = 4,   /**< report in a review stage */
    ENGSCHED_STATUS_COMPLETE = 5,    /**< report published */
    ENGSCHED_STATUS_CANCELED = 6     /**< terminated, final */
} engsched_status;

/** @brief Report status. Stable values; NONE means there is no report. */
typedef enum engsched_report_status {
    ENGSCHED_REPORT_NONE = 0,             /**< no report (pending engagement) */
    ENGSCHED_REPORT_DRAFT = 1,            /**< being written */
    ENGSCHED_REPORT_READY_FOR_REVIEW = 2, /**< submitted for review */
    ENGSCHED_REPORT_IN_REVIEW = 3,        /**< a reviewer is on it */
    ENGSCHED_REPORT_APPROVED = 4,         /**< review passed */
    ENGSCHED_REPORT_PUBLISHED = 5         /**< delivered */
} engsched_report_status;

/**
 * @brief The status mapping of docs/design.md §2 as one pure function.
 * @param report the report status (::ENGSCHED_REPORT_NONE if none)
 * @param start_reached nonzero if the start date is today or past in the
 *        tenant time zone
 * @param canceled nonzero if the engagement was canceled
 * @return the engagement status; 0 for a report status outside the enum
 */
ENGSCHED_API engsched_status engsched_status_derive(engsched_report_status report,
                                                    int start_reached, int canceled);

/**
 * @brief The display label, e.g. "In Progress".
 * @param status a status
 * @return a static string; "Unknown" outside the enum
 */
ENGSCHED_API const char *engsched_status_label(engsched_status status);

/**
 * @brief The machine name used in JSON and the CLI, e.g. "in_progress".
 * @param status a status
 * @return a static string; "unknown" outside the enum
 */
ENGSCHED_API const char *engsched_status_name(engsched_status status);

/**
 * @brief The colour every view uses for a status, as "#rrggbb".
 * @param status a status
 * @return a static string; a neutral grey outside the enum
 */
ENGSCHED_API const char *engsched_status_colour(engsched_status status);

/**
 * @brief Parse a machine name ("in_progress") into a status.
 * @param name the name
 * @param[out] out the status
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_status_parse(const char *name, engsched_status *out);

/**
 * @brief The display label of a report status, e.g. "Ready for Review".
 * @param status a report status
 * @return a static string; "Unknown" outside the enum
 */
ENGSCHED_API const char *engsched_report_status_label(engsched_report_status status);

/**
 * @brief The machine name of a report status, e.g. "ready_for_review".
 * @param status a report status
 * @return a static string; "unknown" outside the enum
 */
ENGSCHED_API const char *engsched_report_status_name(engsched_report_status status);

/**
 * @brief Parse a report status machine name.
 * @param name the name
 * @param[out] out the report status
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_report_status_parse(const char *name,
                                                      engsched_report_status *out);
/** @} */

/** @name Permissions and roles
 *  @{ */

/** @brief Permission bits (docs/design.md §3). Append-only. */
typedef enum engsched_permission {
    ENGSCHED_PERM_VIEW = 1u << 0,              /**< see engagements of accessible clients */
    ENGSCHED_PERM_REQUEST = 1u << 1,           /**< request (Pending) */
    ENGSCHED_PERM_CREATE = 1u << 2,            /**< create directly, scheduled */
    ENGSCHED_PERM_APPROVE = 1u << 3,           /**< approve a pending engagement */
    ENGSCHED_PERM_EDIT = 1u << 4,              /**< edit; delete support files */
    ENGSCHED_PERM_CANCEL = 1u << 5,            /**< cancel */
    ENGSCHED_PERM_ASSIGN = 1u << 6,            /**< assign operators; others' unavailability */
    ENGSCHED_PERM_VIEW_AVAILABILITY = 1u << 7, /**< the Availability view */
    ENGSCHED_PERM_FILES_UPLOAD = 1u << 8,      /**< attach support files */
    ENGSCHED_PERM_FILES_DOWNLOAD = 1u << 9,    /**< download support files */
    ENGSCHED_PERM_REPORT_VIEW = 1u << 10,      /**< see reports */
    ENGSCHED_PERM_REPORT_EDIT = 1u << 11,      /**< write reports (Draft, Ready for Review) */
    ENGSCHED_PERM_REPORT_REVIEW = 1u << 12,    /**< In Review, Approved */
    ENGSCHED_PERM_REPORT_PUBLISH = 1u << 13,   /**< Published */
    ENGSCHED_PERM_ADMIN = 1u << 14             /**< clients, users, roles, access, settings */
} engsched_permission;

/** @brief Every permission bit this version knows. */
#define ENGSCHED_PERM_ALL 0x7fffu

/** @brief Stable ids of the built-in roles (editable like custom ones). */
typedef enum engsched_builtin_role {
    ENGSCHED_ROLE_ADMINISTRATOR = 1, /**< all permissions */
    ENGSCHED_ROLE_MANAGER = 2,       /**< all but ADMIN */
    ENGSCHED_ROLE_OPERATOR = 3,      /**< VIEW, REQUEST, FILES_*, REPORT_VIEW, REPORT_EDIT */
    ENGSCHED_ROLE_CLIENT = 4,        /**< VIEW, REQUEST, FILES_UPLOAD, FILES_DOWNLOAD */
    ENGSCHED_ROLE_VIEWER = 5         /**< VIEW */
} engsched_builtin_role;

/**
 * @brief The actor id the host uses for its own trusted calls (mirroring
 *        its directory, the hourly job). It passes every permission check.
 */
#define ENGSCHED_SYSTEM ((engsched_id)0)

/**
 * @brief The default permission mask of a built-in role.
 * @param role a built-in role id
 * @return the mask; 0 for an id that is not built in
 */
ENGSCHED_API unsigned int engsched_builtin_role_permissions(engsched_id role);

/**
 * @brief The machine name of a permission bit, e.g. "report_edit".
 * @param permission exactly one bit
 * @return a static string; NULL if not exactly one known bit
 */
ENGSCHED_API const char *engsched_permission_name(unsigned int permission);

/**
 * @brief Whether a permission mask makes its holder an operator
 *        (REPORT_VIEW and REPORT_EDIT).
 * @param permissions a mask
 * @return 1 or 0
 */
ENGSCHED_API int engsched_permissions_are_operator(unsigned int permissions);
/** @} */

/** @name Directory: clients, users, roles and client access
 *  Every call needs ADMIN, or the actor ::ENGSCHED_SYSTEM.
 *  @{ */

/**
 * @brief Create or update a client keyed by the host's own key.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param host_key the host's identifier for the client (1–255 bytes)
 * @param name the display name (1–255 bytes)
 * @param[out] out_id the client id, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ENOTFOUND (unknown actor), storage errors
 */
ENGSCHED_API engsched_rc engsched_client_upsert(engsched *db, engsched_id actor,
                                                const char *host_key, const char *name,
                                                engsched_id *out_id);

/**
 * @brief Find a client by the host's key.
 * @param db the handle
 * @param host_key the host's identifier
 * @param[out] out_id the client id
 * @return ::ENGSCHED_OK or ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_client_find(engsched *db, const char *host_key,
                                              engsched_id *out_id);

/**
 * @brief The display name of a client, as a string to engsched_free().
 * @param db the handle
 * @param client the client id
 * @param[out] out_name the name
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_client_name(engsched *db, engsched_id client, char **out_name);

/** @brief Flags of a user. */
typedef enum engsched_user_flags {
    ENGSCHED_USER_ALL_CLIENTS = 1u << 0 /**< may access every client */
} engsched_user_flags;

/**
 * @brief Create or update a user keyed by the host's own key.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param host_key the host's identifier for the user (1–255 bytes)
 * @param email the user's e-mail address (addr-spec, no CR/LF), or NULL
 * @param display_name the name shown in invitations (1–255 bytes, one
 *        line). It becomes the CN of the invitation's ATTENDEE, so names
 *        libical cannot carry there are refused with ::ENGSCHED_EINVAL:
 *        the RFC 6868 sequences `^^`, `^n`, `^N`, `^'`, a `^` before `"`,
 *        and a backslash at the end. A lone `^` (as in `A^B`) and a
 *        backslash elsewhere in the name are fine.
 * @param role a role id
 * @param flags ::engsched_user_flags
 * @param[out] out_id the user id, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ENOTFOUND (unknown role or actor), storage errors
 */
ENGSCHED_API engsched_rc engsched_user_upsert(engsched *db, engsched_id actor,
                                              const char *host_key, const char *email,
                                              const char *display_name, engsched_id role,
                                              unsigned int flags, engsched_id *out_id);

/**
 * @brief A user's directory entry; each string to engsched_free().
 * @param db the handle
 * @param user the user id
 * @param[out] out_host_key the host's key, or NULL
 * @param[out] out_email the e-mail address ("" if none), or NULL
 * @param[out] out_display_name the display name, or NULL
 * @param[out] out_role the role id, or NULL
 * @param[out] out_flags ::engsched_user_flags, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_user_info(engsched *db, engsched_id user, char **out_host_key,
                                            char **out_email, char **out_display_name,
                                            engsched_id *out_role, unsigned int *out_flags);

/**
 * @brief Find a user by the host's key.
 * @param db the handle
 * @param host_key the host's identifier
 * @param[out] out_id the user id
 * @return ::ENGSCHED_OK or ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_user_find(engsched *db, const char *host_key,
                                            engsched_id *out_id);

/**
 * @brief The effective permission mask of a user (their role's mask).
 * @param db the handle
 * @param user the user id
 * @param[out] out_permissions the mask
 * @return ::ENGSCHED_OK or ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_user_permissions(engsched *db, engsched_id user,
                                                   unsigned int *out_permissions);

/**
 * @brief Give a user access to a client's engagements.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param user the user id
 * @param client the client id
 * @return ::ENGSCHED_OK (also if already granted), ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_access_grant(engsched *db, engsched_id actor, engsched_id user,
                                               engsched_id client);

/**
 * @brief Take a user's access to a client away.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param user the user id
 * @param client the client id
 * @return ::ENGSCHED_OK (also if there was none), ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_access_revoke(engsched *db, engsched_id actor, engsched_id user,
                                                engsched_id client);

/**
 * @brief Create a custom role.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param name a unique name (1–255 bytes)
 * @param permissions any mask within ::ENGSCHED_PERM_ALL
 * @param[out] out_id the role id, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EEXISTS, ::ENGSCHED_EINVAL,
 *         ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_role_create(engsched *db, engsched_id actor, const char *name,
                                              unsigned int permissions, engsched_id *out_id);

/**
 * @brief Change the permission mask of any role, built-in or custom.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param role the role id
 * @param permissions any mask within ::ENGSCHED_PERM_ALL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_role_set_permissions(engsched *db, engsched_id actor,
                                                       engsched_id role, unsigned int permissions);

/**
 * @brief The permission mask of a role, built-in or custom.
 * @param db the handle
 * @param role the role id
 * @param[out] out_permissions the mask
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_role_permissions(engsched *db, engsched_id role,
                                                   unsigned int *out_permissions);

/**
 * @brief Find a role by name.
 * @param db the handle
 * @param name the role name
 * @param[out] out_id the role id
 * @return ::ENGSCHED_OK or ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_role_find(engsched *db, const char *name, engsched_id *out_id);
/** @} */

/** @name Tenant settings
 *  Stored in the store, shared by every handle. Keys and formats:
 *  - `timezone`: an IANA zone name of a zone libical knows, of the shape
 *    engsched_date_in_zone() takes (default `UTC`);
 *  - `organizer_email`, `organizer_name`: the invitation organizer;
 *    `organizer_name` is the ORGANIZER CN and follows the display-name
 *    rule of engsched_user_upsert() (no `^^`, `^n`, `^N`, `^'`, `^"`,
 *    no backslash at the end);
 *  - `uid_domain`: the domain of invitation UIDs (default `engsched.invalid`);
 *  - `engagement_url`, `report_url`: URL templates where `{id}` is replaced;
 *  - `working_week`: ISO weekday digits, default `12345`;
 *  - `holidays`: comma-separated dates;
 *  - `file_max_bytes` (default 26214400), `file_max_count` (default 20);
 *  - `conflict_policy`: `warn` (default) or `strict`.
 *  @{ */

/**
 * @brief Change a tenant setting (ADMIN); writes a settings.changed event.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param key a key listed above
 * @param value the new value, validated for the key
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (unknown key or bad value),
 *         ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_setting_set(engsched *db, engsched_id actor, const char *key,
                                              const char *value);

/**
 * @brief Read a tenant setting (its default if never set).
 * @param db the handle
 * @param key a key listed above
 * @param[out] out_value the value, to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (unknown key)
 */
ENGSCHED_API engsched_rc engsched_setting_get(engsched *db, const char *key, char **out_value);
/** @} */

/** @name Engagement input builder
 *  An opaque set of fields for request, create, approve and edit. Only the
 *  fields that were set are used: an edit changes exactly those. Setters
 *  validate their value at once and name the field in the message.
 *  @{ */

/** @brief Opaque builder of engagement fields. */
typedef struct engsched_input engsched_input;

/** @brief Opaque list of operators' existing work overlapping some dates
 *         (conflicts, Availability rows, unavailability). */
typedef struct engsched_work_list engsched_work_list;

/** @brief Role of an operator on one engagement. Stable values. */
typedef enum engsched_operator_role {
    ENGSCHED_OPROLE_NONE = 0,     /**< no particular role */
    ENGSCHED_OPROLE_LEAD = 1,     /**< leads the engagement */
    ENGSCHED_OPROLE_TESTER = 2,   /**< tests */
    ENGSCHED_OPROLE_REVIEWER = 3  /**< reviews the report */
} engsched_operator_role;

/**
 * @brief Make an empty builder.
 * @param db the handle (for the error message and allocator)
 * @param[out] out the builder
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOMEM, ::ENGSCHED_EINVAL (NULL @p out),
 *         ::ENGSCHED_EMISUSE (NULL @p db)
 */
ENGSCHED_API engsched_rc engsched_input_new(engsched *db, engsched_input **out);

/**
 * @brief Release a builder.
 * @param in the builder; NULL is ignored
 */
ENGSCHED_API void engsched_input_free(engsched_input *in);

/**
 * @brief Set the engagement name (1–255 bytes, UTF-8, no control characters).
 * @param in the builder
 * @param name the name
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_name(engsched_input *in, const char *name);

/**
 * @brief Set the client the engagement is for (request and create only).
 * @param in the builder
 * @param client the client id
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_input_set_client(engsched_input *in, engsched_id client);

/**
 * @brief Set the description / scope (UTF-8, at most 65536 bytes; tabs
 *        and newlines allowed). An empty string clears it.
 * @param in the builder
 * @param text the text
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_description(engsched_input *in, const char *text);

/**
 * @brief Set the engagement type, e.g. "Web application" (≤ 255 bytes, one line).
 * @param in the builder
 * @param type the type; empty clears it
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_type(engsched_input *in, const char *type);

/**
 * @brief Set the location, e.g. "Remote" (≤ 255 bytes, one line).
 * @param in the builder
 * @param location the location; empty clears it
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_location(engsched_input *in, const char *location);

/**
 * @brief Set the client contacts (≤ 4096 bytes; newlines allowed).
 * @param in the builder
 * @param contacts the contacts; empty clears them
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_contacts(engsched_input *in, const char *contacts);

/**
 * @brief Set the inclusive start and end dates, `YYYY-MM-DD`.
 * @param in the builder
 * @param start the first day
 * @param end the last day, not before @p start and at most 9999-12-30 (an
 *        all-day calendar event ends on the day after its last)
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (malformed or reversed)
 */
ENGSCHED_API engsched_rc engsched_input_set_dates(engsched_input *in, const char *start,
                                                  const char *end);

/**
 * @brief Set the custom fields: a JSON object (≤ 65536 bytes).
 * @param in the builder
 * @param json_object the object text, e.g. `{"po":"4711"}`
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (not an object; the message gives
 *         line and column), ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_custom_fields(engsched_input *in,
                                                          const char *json_object);

/**
 * @brief Set the report title (create and approve; default: the engagement name).
 * @param in the builder
 * @param title the title (1–255 bytes, one line)
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_set_report_title(engsched_input *in, const char *title);

/**
 * @brief Add an operator to assign (create and approve only).
 * @param in the builder
 * @param user the operator's user id
 * @param role their role on the engagement
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (bad role, duplicate),
 *         ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_add_operator(engsched_input *in, engsched_id user,
                                                     engsched_operator_role role);

/**
 * @brief Add a support file to attach with a request or create.
 *
 * The bytes are not copied: @p data must stay valid until the operation
 * using the builder returns.
 *
 * @param in the builder
 * @param name the file name (UTF-8, no path separators or control
 *        characters, 1–255 bytes)
 * @param media_type e.g. "application/pdf"; NULL for application/octet-stream
 * @param data the bytes (may be NULL when @p size is 0)
 * @param size the number of bytes
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_input_add_file(engsched_input *in, const char *name,
                                                 const char *media_type, const void *data,
                                                 size_t size);
/** @} */

/** @name Engagement lifecycle
 *  Each operation runs in one transaction with its event (inside a batch,
 *  in a savepoint of the batch's transaction). A refused or failed
 *  operation changes nothing. Checks run in this order: arguments
 *  (EINVAL/EMISUSE), the actor and the engagement's client access
 *  (ENOTFOUND), permission (EDENIED), version (ECONFLICT), status (ESTATE).
 *  An operation that puts operators' work on days (create and approve
 *  with operators, and any change of an engagement's dates, by approve or
 *  edit) checks those days as engsched_assign() does: under the strict
 *  conflict policy overlapping work or unavailability is ::ENGSCHED_ECONFLICT
 *  too.
 *  @{ */

/**
 * @brief Request an engagement: it starts Pending (REQUEST; files need
 *        FILES_UPLOAD too).
 * @param db the handle
 * @param actor the requesting user
 * @param in name, client and dates required; description, type, location,
 *        contacts, custom fields and files optional; no operators or report
 * @param[out] out_id the new engagement id, or NULL
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_request(engsched *db, engsched_id actor,
                                          const engsched_input *in, engsched_id *out_id);

/**
 * @brief Create an engagement directly with its report: Scheduled, or In
 *        Progress if the start date is reached (CREATE).
 * @param db the handle
 * @param actor the acting user
 * @param in as for engsched_request(), plus report title and operators
 * @param[out] out_id the new engagement id, or NULL
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_create(engsched *db, engsched_id actor,
                                         const engsched_input *in, engsched_id *out_id);

/**
 * @brief Approve a pending engagement ("Schedule & create report") (APPROVE).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param in optional changes: any detail, dates, report title, operators; may be NULL
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_approve(engsched *db, engsched_id actor, engsched_id engagement,
                                          int64_t version, const engsched_input *in);

/**
 * @brief Edit details, dates or custom fields (EDIT); not on Complete or
 *        Canceled engagements. Moving dates re-derives the status.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw (required, ≥ 1)
 * @param in the fields to change; client, operators and files are refused
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_edit(engsched *db, engsched_id actor, engsched_id engagement,
                                       int64_t version, const engsched_input *in);

/**
 * @brief engsched_edit(), also reporting the overlaps a change of dates
 *        gives the engagement's operators.
 *
 * When the dates change, every assigned operator's other work (not
 * Canceled or Complete) and unavailability on the new dates is checked:
 * under the strict conflict policy any is ::ENGSCHED_ECONFLICT and nothing
 * changes; under warn the edit is made and the overlaps returned, each
 * naming its operator (engsched_work_list_item_user()), as out-of-sight
 * work only dates (engsched_work_list_item()). An edit that keeps the
 * dates checks nothing and returns an empty list.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw (required, ≥ 1)
 * @param in the fields to change, as for engsched_edit()
 * @param[out] out_conflicts the overlaps (possibly empty), to
 *        engsched_work_list_free(); or NULL. Left unset on failure.
 * @return as engsched_edit(); ::ENGSCHED_ECONFLICT also for the strict policy
 */
ENGSCHED_API engsched_rc engsched_edit_ex(engsched *db, engsched_id actor,
                                          engsched_id engagement, int64_t version,
                                          const engsched_input *in,
                                          engsched_work_list **out_conflicts);

/**
 * @brief Cancel an engagement, for good (CANCEL).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param reason an optional reason (≤ 4096 bytes), or NULL
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_cancel(engsched *db, engsched_id actor, engsched_id engagement,
                                         int64_t version, const char *reason);

/**
 * @brief Move the engagement's report to another status and re-derive the
 *        engagement status.
 *
 * Allowed moves: one step forward (Draft → Ready for Review → In Review →
 * Approved → Published) or back to Draft from any later stage. The
 * permission depends on the target: REPORT_EDIT for Draft and Ready for
 * Review, REPORT_REVIEW for In Review and Approved, REPORT_PUBLISH for
 * Published.
 *
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param status the target report status
 * @return ::ENGSCHED_OK or a code listed in the group description
 */
ENGSCHED_API engsched_rc engsched_report_set_status(engsched *db, engsched_id actor,
                                                    engsched_id engagement, int64_t version,
                                                    engsched_report_status status);

/**
 * @brief The hourly job: move every Scheduled engagement whose start date
 *        is reached in the tenant time zone at @p now to In Progress.
 *
 * Idempotent; runs as the system. Each move writes an engagement.started
 * event. It runs in a transaction of its own, never in a batch.
 * @param db the handle
 * @param now the current instant, UTC seconds, in the range
 *        engsched_date_in_zone() takes
 * @param[out] out_moved how many engagements moved, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (@p now out of range, named in
 *         the message), a storage error, or ::ENGSCHED_EMISUSE inside a
 *         batch (engsched_batch_begin())
 */
ENGSCHED_API engsched_rc engsched_tick(engsched *db, int64_t now, unsigned int *out_moved);

/** @brief What one tick did (::ENGSCHED_TICK_REPORT_VERSION). */
typedef struct engsched_tick_report {
    /** ::ENGSCHED_TICK_REPORT_VERSION as the caller was compiled with */
    unsigned int version;
    /** how many Scheduled engagements moved to In Progress */
    unsigned int moved;
    /** how many occurrences of recurring series were created */
    unsigned int occurrences_created;
} engsched_tick_report;

/** @brief The current version of ::engsched_tick_report: 1. */
#define ENGSCHED_TICK_REPORT_VERSION 1

/** @brief Static initialiser for ::engsched_tick_report: every count 0. */
#define ENGSCHED_TICK_REPORT_INIT { ENGSCHED_TICK_REPORT_VERSION, 0, 0 }

/**
 * @brief Fill @p report with the empty report of structure version @p version.
 * @param report the structure to fill
 * @param version ::ENGSCHED_TICK_REPORT_VERSION as the caller was compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_tick_report_init(engsched_tick_report *report,
                                                   unsigned int version);

/**
 * @brief The hourly job with its full report: what engsched_tick() does,
 *        and the occurrences of recurring series (engsched_recurrence_set()).
 *
 * Every series not Canceled whose next occurrence starts at most the
 * setting `recurrence_lead_days` (default 30) days after today gets it as
 * a new Pending request: the series' client, requester, name,
 * description, type, location, contacts and custom fields, its length,
 * and engsched_engagement_origin() the series; no operators, files or
 * report. Each with an engagement.occurrence_created event (details:
 * origin, start), in the tick's transaction. Each occurrence is created
 * once, also when several processes tick at once; a rule that has ended
 * (COUNT, UNTIL) creates nothing more.
 * @param db the handle
 * @param now the current instant, UTC seconds, as for engsched_tick()
 * @param[out] out the report (its version set by the caller, e.g. with
 *        ::ENGSCHED_TICK_REPORT_INIT), or NULL
 * @return as engsched_tick(); ::ENGSCHED_EMISUSE for a report of an
 *         unknown version (nothing done)
 */
ENGSCHED_API engsched_rc engsched_tick_ex(engsched *db, int64_t now, engsched_tick_report *out);

/**
 * @brief Give an engagement a recurrence rule, or clear it (EDIT, as
 *        engsched_edit()).
 *
 * The rule is an RFC 5545 RRULE value without "RRULE:", e.g.
 * "FREQ=YEARLY" or "FREQ=MONTHLY;BYDAY=1MO;COUNT=6", expanded by libical
 * from the engagement's first day (its occurrence 1). Rules that recur
 * more often than daily (FREQ=HOURLY, MINUTELY, SECONDLY), name hours,
 * minutes or seconds (BYHOUR, BYMINUTE, BYSECOND) or a calendar scale
 * (RSCALE) are refused: engagements are whole days. The tick
 * (engsched_tick_ex()) creates the occurrences that start today or
 * later, never those already past. Raises the version and emits
 * engagement.recurrence_changed (details: recurrence, next: the next
 * occurrence's first day or null).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param rrule the rule; NULL or "" clears it
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (a rule refused, with libical's
 *         reason), ::ENGSCHED_EUNSUPPORTED (a storage backend without
 *         recurring series), or a code of engsched_edit()
 */
ENGSCHED_API engsched_rc engsched_recurrence_set(engsched *db, engsched_id actor,
                                                 engsched_id engagement, int64_t version,
                                                 const char *rrule);

/** @brief engsched_clone() flag: copy the source's dates. */
#define ENGSCHED_CLONE_DATES (1u << 0)
/** @brief engsched_clone() flag: copy the source's operators (checked as
 *         engsched_create() checks them). */
#define ENGSCHED_CLONE_OPERATORS (1u << 1)
/** @brief engsched_clone() flag: copy the source's recurrence rule. */
#define ENGSCHED_CLONE_RECURRENCE (1u << 2)

/** @brief How to clone (::ENGSCHED_CLONE_OPTIONS_VERSION). */
typedef struct engsched_clone_options {
    /** ::ENGSCHED_CLONE_OPTIONS_VERSION as the caller was compiled with */
    unsigned int version;
    /** ::ENGSCHED_CLONE_DATES, ::ENGSCHED_CLONE_OPERATORS,
     *  ::ENGSCHED_CLONE_RECURRENCE, or 0 (the default) */
    unsigned int flags;
    /** the clone's first day, `YYYY-MM-DD`, with @ref end; NULL (the
     *  default) with ::ENGSCHED_CLONE_DATES */
    const char *start;
    /** the clone's last day, `YYYY-MM-DD`; NULL (the default) */
    const char *end;
} engsched_clone_options;

/** @brief The current version of ::engsched_clone_options: 1. */
#define ENGSCHED_CLONE_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_clone_options: no flags, no dates. */
#define ENGSCHED_CLONE_OPTIONS_INIT { ENGSCHED_CLONE_OPTIONS_VERSION, 0, NULL, NULL }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the structure to fill
 * @param version ::ENGSCHED_CLONE_OPTIONS_VERSION as the caller was compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_clone_options_init(engsched_clone_options *opts,
                                                     unsigned int version);

/**
 * @brief Copy an engagement's details into a new request.
 *
 * The clone has the source's client, name, description, type, location,
 * contacts and custom fields; its dates are @p opts start/end, or the
 * source's with ::ENGSCHED_CLONE_DATES; its operators and rule only with
 * ::ENGSCHED_CLONE_OPERATORS and ::ENGSCHED_CLONE_RECURRENCE. Never the
 * report, files or events. It is created the way engsched_create()
 * creates one when the actor has the create permission, else the way
 * engsched_request() requests one (Pending; operators are then refused),
 * with the same checks, and an engagement.cloned event (details: from)
 * after the creation's own event, in one transaction.
 * @param db the handle
 * @param actor the acting user; must see the source (VIEW)
 * @param engagement the source engagement
 * @param opts the options, or NULL for the defaults (then the call is
 *        ::ENGSCHED_EINVAL: a clone needs dates)
 * @param[out] out_id the new engagement's id, or NULL
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL (no dates, bad dates, unknown
 *         flags, operators a request cannot take); ::ENGSCHED_EMISUSE (an
 *         unknown options version); the codes of engsched_engagement_get()
 *         for the source and of engsched_request() / engsched_create()
 */
ENGSCHED_API engsched_rc engsched_clone(engsched *db, engsched_id actor, engsched_id engagement,
                                        const engsched_clone_options *opts,
                                        engsched_id *out_id);

/**
 * @brief Find the engagement a report belongs to.
 * @param db the handle
 * @param actor the acting user (needs REPORT_VIEW and client access)
 * @param report the report id
 * @param[out] out_engagement the engagement id
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_report_engagement(engsched *db, engsched_id actor,
                                                    engsched_id report,
                                                    engsched_id *out_engagement);
/** @} */

/** @name Batches
 *  Many write operations of one handle in one storage transaction.
 *
 *  Between engsched_batch_begin() and engsched_batch_commit() every write
 *  operation of the handle runs in its own savepoint of the batch's write
 *  transaction: one that succeeds is kept; one that is refused or fails
 *  (bad input, permission, a stale version, a storage error) is undone
 *  with its events and mail, returns its code and message as usual, and
 *  the batch goes on. Reads in a batch see the batch's uncommitted writes.
 *  Nothing is visible to other handles before the commit.
 *
 *  Events (the `on_event` callback) and invitation mail (`on_mail`) of
 *  the kept operations are delivered after engsched_batch_commit(), as
 *  after a single operation: events in order, one mail per operator and
 *  engagement carrying the state at commit. Nothing is delivered for a
 *  failed operation, a rolled-back batch or a failed commit.
 *
 *  One batch at a time per handle. engsched_tick() runs in a transaction
 *  of its own and returns ::ENGSCHED_EMISUSE inside a batch;
 *  engsched_import_json() runs in a savepoint like any other write, so it
 *  stays all-or-nothing. engsched_close() rolls an open batch back.
 *
 *  If the storage cannot undo a failed operation (its rollback to the
 *  savepoint fails), the whole batch is rolled back at once, that call
 *  returns the storage error, and every later call on the handle returns
 *  it too until engsched_batch_rollback() (or engsched_batch_commit(),
 *  which then reports it) ends the batch: an operation meant for the
 *  batch never runs in a transaction of its own.
 *
 *  Batches need a storage table of version 2 with savepoints (the SQLite
 *  and PostgreSQL backends have them); on an older custom backend
 *  engsched_batch_begin() returns ::ENGSCHED_EUNSUPPORTED.
 *  @{ */

/**
 * @brief Open a batch: take the store's write lock and run the following
 *        write operations of this handle in one transaction, each in its
 *        own savepoint.
 * @param db the handle
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE if a batch is already open,
 *         the handle is read-only or a callback of the handle calls it;
 *         ::ENGSCHED_EUNSUPPORTED if the storage backend has no savepoints;
 *         ::ENGSCHED_EBUSY if another writer holds the store past the busy
 *         timeout; ::ENGSCHED_ESTORAGE
 */
ENGSCHED_API engsched_rc engsched_batch_begin(engsched *db);

/**
 * @brief Commit the batch, then deliver its events and mail.
 *
 * The batch is closed whatever the result. If the commit fails, nothing of
 * the batch is stored and nothing is delivered.
 * @param db the handle
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE if no batch is open or a
 *         callback of the handle calls it; the storage error of a failed
 *         commit, or of the failure that rolled the batch back earlier
 *         (::ENGSCHED_EBUSY, ::ENGSCHED_ESTORAGE, ::ENGSCHED_ENOMEM)
 */
ENGSCHED_API engsched_rc engsched_batch_commit(engsched *db);

/**
 * @brief Roll the batch back: nothing of it is stored, no event or mail
 *        of it is delivered.
 * @param db the handle
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE if no batch is open or a
 *         callback of the handle calls it
 */
ENGSCHED_API engsched_rc engsched_batch_rollback(engsched *db);
/** @} */

/** @name Engagement snapshots
 *  An immutable copy of one engagement as the actor may see it.
 *  @{ */

/** @brief Opaque, immutable engagement snapshot. */
typedef struct engsched_engagement engsched_engagement;

/**
 * @brief Read one engagement (VIEW and client access).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out the snapshot, to engsched_engagement_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_engagement_get(engsched *db, engsched_id actor,
                                                 engsched_id engagement,
                                                 engsched_engagement **out);

/**
 * @brief Release a snapshot.
 * @param e the snapshot; NULL is ignored
 */
ENGSCHED_API void engsched_engagement_free(engsched_engagement *e);

/** @brief The engagement id. @param e the snapshot @return the id */
ENGSCHED_API engsched_id engsched_engagement_id(const engsched_engagement *e);
/** @brief The client id. @param e the snapshot @return the id */
ENGSCHED_API engsched_id engsched_engagement_client(const engsched_engagement *e);
/** @brief The user who requested or created it. @param e the snapshot @return the id */
ENGSCHED_API engsched_id engsched_engagement_requested_by(const engsched_engagement *e);
/** @brief The name. @param e the snapshot @return the name */
ENGSCHED_API const char *engsched_engagement_name(const engsched_engagement *e);
/** @brief The description or "". @param e the snapshot @return the text */
ENGSCHED_API const char *engsched_engagement_description(const engsched_engagement *e);
/** @brief The type or "". @param e the snapshot @return the text */
ENGSCHED_API const char *engsched_engagement_type(const engsched_engagement *e);
/** @brief The location or "". @param e the snapshot @return the text */
ENGSCHED_API const char *engsched_engagement_location(const engsched_engagement *e);
/** @brief The contacts or "". @param e the snapshot @return the text */
ENGSCHED_API const char *engsched_engagement_contacts(const engsched_engagement *e);
/** @brief The custom fields as a JSON object text. @param e the snapshot @return the JSON */
ENGSCHED_API const char *engsched_engagement_custom_fields(const engsched_engagement *e);
/** @brief The first day, `YYYY-MM-DD`. @param e the snapshot @return the date */
ENGSCHED_API const char *engsched_engagement_start(const engsched_engagement *e);
/** @brief The last day (inclusive), `YYYY-MM-DD`. @param e the snapshot @return the date */
ENGSCHED_API const char *engsched_engagement_end(const engsched_engagement *e);
/** @brief The status. @param e the snapshot @return the status */
ENGSCHED_API engsched_status engsched_engagement_status(const engsched_engagement *e);
/** @brief The cancellation reason or "". @param e the snapshot @return the text */
ENGSCHED_API const char *engsched_engagement_cancel_reason(const engsched_engagement *e);
/**
 * @brief The version counter: raised by every change of the engagement's own
 *        fields, dates, report or status (assignments and files are records
 *        of their own and leave it as it is).
 * @param e the snapshot
 * @return the version
 */
ENGSCHED_API int64_t engsched_engagement_version(const engsched_engagement *e);
/** @brief Creation instant, UTC seconds. @param e the snapshot @return the instant */
ENGSCHED_API int64_t engsched_engagement_created_at(const engsched_engagement *e);
/** @brief Last change instant, UTC seconds. @param e the snapshot @return the instant */
ENGSCHED_API int64_t engsched_engagement_updated_at(const engsched_engagement *e);
/** @brief The report id, 0 if none. @param e the snapshot @return the id */
ENGSCHED_API engsched_id engsched_engagement_report(const engsched_engagement *e);
/** @brief The report status (NONE if no report). @param e the snapshot @return the status */
ENGSCHED_API engsched_report_status engsched_engagement_report_status(const engsched_engagement *e);
/** @brief The report title, "" if none. @param e the snapshot @return the title */
ENGSCHED_API const char *engsched_engagement_report_title(const engsched_engagement *e);
/** @brief The recurrence rule (RRULE value), "" if none. @param e the snapshot @return the rule */
ENGSCHED_API const char *engsched_engagement_recurrence(const engsched_engagement *e);
/**
 * @brief The series this engagement is an occurrence of, 0 if none.
 * @param e the snapshot
 * @return the series' engagement id
 */
ENGSCHED_API engsched_id engsched_engagement_origin(const engsched_engagement *e);
/** @brief How many operators are assigned. @param e the snapshot @return the count */
ENGSCHED_API size_t engsched_engagement_operator_count(const engsched_engagement *e);

/**
 * @brief One assigned operator.
 * @param e the snapshot
 * @param index 0 … count-1, in assignment order
 * @param[out] out_user the operator's user id, or NULL
 * @param[out] out_role their role, or NULL
 * @param[out] out_assigned_by who assigned them, or NULL
 * @param[out] out_assigned_at when, UTC seconds, or NULL
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL for an index out of range
 */
ENGSCHED_API engsched_rc engsched_engagement_operator(const engsched_engagement *e, size_t index,
                                                      engsched_id *out_user,
                                                      engsched_operator_role *out_role,
                                                      engsched_id *out_assigned_by,
                                                      int64_t *out_assigned_at);

/**
 * @brief One assigned operator's allocation (engsched_assign_ex()).
 * @param e the snapshot
 * @param index 0 … count-1, in assignment order
 * @param[out] out_start first day of their window `YYYY-MM-DD` (the
 *             engagement's first day when they cover it all), or NULL; the
 *             text lives as long as the snapshot
 * @param[out] out_end last day of their window, or NULL
 * @param[out] out_percent share of the day, 1 to 100, or NULL
 * @param[out] out_tentative nonzero for a tentative hold, or NULL
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL for an index out of range
 */
ENGSCHED_API engsched_rc engsched_engagement_operator_allocation(const engsched_engagement *e,
                                                                 size_t index,
                                                                 const char **out_start,
                                                                 const char **out_end,
                                                                 int *out_percent,
                                                                 int *out_tentative);
/** @} */

/** @name Capabilities
 *  @{ */

/** @brief Actions a user may take on one engagement now. */
typedef enum engsched_action {
    ENGSCHED_ACTION_VIEW = 1u << 0,           /**< see it */
    ENGSCHED_ACTION_APPROVE = 1u << 1,        /**< approve it */
    ENGSCHED_ACTION_EDIT = 1u << 2,           /**< edit details and dates */
    ENGSCHED_ACTION_CANCEL = 1u << 3,         /**< cancel it */
    ENGSCHED_ACTION_ASSIGN = 1u << 4,         /**< assign or unassign operators */
    ENGSCHED_ACTION_FILES_UPLOAD = 1u << 5,   /**< attach files */
    ENGSCHED_ACTION_FILES_DOWNLOAD = 1u << 6, /**< download files */
    ENGSCHED_ACTION_FILES_DELETE = 1u << 7,   /**< delete files */
    ENGSCHED_ACTION_REPORT_VIEW = 1u << 8,    /**< see the report */
    ENGSCHED_ACTION_REPORT_EDIT = 1u << 9,    /**< move the report to Draft / Ready for Review */
    ENGSCHED_ACTION_REPORT_REVIEW = 1u << 10, /**< move it to In Review / Approved */
    ENGSCHED_ACTION_REPORT_PUBLISH = 1u << 11 /**< publish it */
} engsched_action;

/**
 * @brief The machine name of an action bit, e.g. "files_upload".
 * @param action exactly one ::engsched_action bit
 * @return a static string; NULL if not exactly one known bit
 */
ENGSCHED_API const char *engsched_action_name(unsigned int action);

/**
 * @brief Which actions @p actor may take on @p engagement now (permissions
 *        and status together). ::ENGSCHED_ACTION_VIEW alone means "view only".
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out_actions a mask of ::engsched_action
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND (no such engagement or no
 *         client access)
 */
ENGSCHED_API engsched_rc engsched_capabilities(engsched *db, engsched_id actor,
                                               engsched_id engagement, unsigned int *out_actions);
/** @} */

/** @name Support files
 *  @{ */

/**
 * @brief Attach a support file to an engagement (FILES_UPLOAD); not on
 *        Complete or Canceled engagements.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param name the file name (validated as in engsched_input_add_file())
 * @param media_type the media type, or NULL for application/octet-stream
 * @param data the bytes (NULL allowed when @p size is 0)
 * @param size the number of bytes
 * @param[out] out_file the file id, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_ETOOBIG (size or count limit),
 *         ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED,
 *         ::ENGSCHED_ESTATE
 */
ENGSCHED_API engsched_rc engsched_file_attach(engsched *db, engsched_id actor,
                                              engsched_id engagement, const char *name,
                                              const char *media_type, const void *data,
                                              size_t size, engsched_id *out_file);

/** @brief Opaque list of support-file metadata of one engagement. */
typedef struct engsched_file_list engsched_file_list;

/**
 * @brief List the support files of an engagement (VIEW).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out the list, to engsched_file_list_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_file_list_get(engsched *db, engsched_id actor,
                                                engsched_id engagement,
                                                engsched_file_list **out);

/**
 * @brief Release a file list.
 * @param list the list; NULL is ignored
 */
ENGSCHED_API void engsched_file_list_free(engsched_file_list *list);

/**
 * @brief How many files the list holds.
 * @param list the list
 * @return the count
 */
ENGSCHED_API size_t engsched_file_list_count(const engsched_file_list *list);

/**
 * @brief One file's metadata; strings live as long as the list.
 * @param list the list
 * @param index 0 … count-1, oldest first
 * @param[out] out_id the file id, or NULL
 * @param[out] out_name the name, or NULL
 * @param[out] out_media_type the media type, or NULL
 * @param[out] out_size the size in bytes, or NULL
 * @param[out] out_uploaded_by the uploader, or NULL
 * @param[out] out_uploaded_at the upload instant, or NULL
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL for an index out of range
 */
ENGSCHED_API engsched_rc engsched_file_list_item(const engsched_file_list *list, size_t index,
                                                 engsched_id *out_id, const char **out_name,
                                                 const char **out_media_type, int64_t *out_size,
                                                 engsched_id *out_uploaded_by,
                                                 int64_t *out_uploaded_at);

/**
 * @brief Read part of a support file (FILES_DOWNLOAD), streamed from the
 *        store without loading the whole file.
 * @param db the handle
 * @param actor the acting user
 * @param file the file id
 * @param offset where to start reading
 * @param buf where to write
 * @param size the room in @p buf
 * @param[out] out_read bytes written (0 at or past the end)
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED, ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_file_read(engsched *db, engsched_id actor, engsched_id file,
                                            int64_t offset, void *buf, size_t size,
                                            size_t *out_read);

/**
 * @brief Delete a support file (EDIT); not on Complete or Canceled engagements.
 * @param db the handle
 * @param actor the acting user
 * @param file the file id
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED, ::ENGSCHED_ESTATE
 */
ENGSCHED_API engsched_rc engsched_file_delete(engsched *db, engsched_id actor, engsched_id file);
/** @} */

/** @name Events and audit trail
 *  @{ */

/**
 * @brief The audit trail of one engagement as a JSON array of event
 *        documents (schema in docs/events.md), oldest first (VIEW).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out_json the array, to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_events_json(engsched *db, engsched_id actor,
                                              engsched_id engagement, char **out_json);

/**
 * @brief The sequence number of the newest event in the store (0 if none).
 * @param db the handle
 * @param[out] out_seq the sequence number
 * @return ::ENGSCHED_OK or a storage error
 */
ENGSCHED_API engsched_rc engsched_events_last_seq(engsched *db, int64_t *out_seq);
/** @} */

/** @name Operators and unavailability
 *  @{ */

/** @brief Kind of an item of existing work. */
typedef enum engsched_work_kind {
    ENGSCHED_WORK_ENGAGEMENT = 1,    /**< another engagement the operator is on */
    ENGSCHED_WORK_UNAVAILABLE = 2    /**< leave, training, holiday */
} engsched_work_kind;


/**
 * @brief Assign an operator to an engagement (ASSIGN); not on Complete or
 *        Canceled engagements.
 *
 * The operator must hold REPORT_VIEW and REPORT_EDIT and have access to the
 * engagement's client. Their other engagements (not Canceled or Complete)
 * and unavailability overlapping the dates are the conflicts: under the
 * warn policy the assignment is made and the conflicts returned; under the
 * strict policy ::ENGSCHED_ECONFLICT is returned and nothing changes.
 *
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param user the operator's user id
 * @param role their role on the engagement
 * @param[out] out_conflicts the overlapping work (possibly empty), to
 *        engsched_work_list_free(); or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (not an operator, no access to
 *         the client), ::ENGSCHED_EEXISTS (already assigned),
 *         ::ENGSCHED_ECONFLICT (strict policy), ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_ESTATE
 */
ENGSCHED_API engsched_rc engsched_assign(engsched *db, engsched_id actor, engsched_id engagement,
                                         int64_t version, engsched_id user,
                                         engsched_operator_role role,
                                         engsched_work_list **out_conflicts);

/** @brief How an operator is assigned (::ENGSCHED_ASSIGN_OPTIONS_VERSION):
 *         a window of the engagement's dates, a share of the day, firm or
 *         a tentative hold (docs/design.md §4). */
typedef struct engsched_assign_options {
    /** ::ENGSCHED_ASSIGN_OPTIONS_VERSION as the caller was compiled with */
    unsigned int version;
    /** First day of the window `YYYY-MM-DD`, with @ref end; NULL (the
     *  default) for the whole engagement. The window lies inside the
     *  engagement's dates and follows them when they change: a move (same
     *  length) shifts it by as many days; a change of length keeps its days
     *  and clamps them to the new dates, and a window with nothing left,
     *  or covering all the new dates, becomes the whole engagement. */
    const char *start;
    /** Last day of the window (inclusive), with @ref start; or NULL. */
    const char *end;
    /** Share of the operator's day, 1 to 100; 0 (the default) means 100. A
     *  day conflicts only when the operator's firm work (absences count as
     *  100) and this share pass 100. */
    int percent;
    /** Nonzero: a tentative hold, shown apart and never a conflict under
     *  the strict policy; its invitation says STATUS:TENTATIVE until
     *  engsched_hold_confirm(). 0 (the default): firm. */
    int tentative;
    /* version 1: every member above. Later versions append theirs here. */
} engsched_assign_options;

/** @brief The current version of ::engsched_assign_options: 1. */
#define ENGSCHED_ASSIGN_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_assign_options with the
 *         defaults: the whole engagement, the whole day, firm. */
#define ENGSCHED_ASSIGN_OPTIONS_INIT { ENGSCHED_ASSIGN_OPTIONS_VERSION, NULL, NULL, 0, 0 }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the options
 * @param version ::ENGSCHED_ASSIGN_OPTIONS_VERSION as the caller was
 *        compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_assign_options_init(engsched_assign_options *opts,
                                                      unsigned int version);

/**
 * @brief engsched_assign() with a window, a share of the day and a hold.
 *
 * The conflicts are the operator's firm work and absences on the days of
 * the window that the share would take past 100 % (holds never count);
 * under the strict policy any is ::ENGSCHED_ECONFLICT for a firm
 * assignment, while a hold is made and its conflicts returned as those
 * it would have once confirmed. Emits "operator.assigned" with the
 * allocation.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param user the operator's user id
 * @param role their role on the engagement
 * @param opts the allocation, or NULL for the defaults (as engsched_assign())
 * @param[out] out_conflicts the conflicts (possibly empty), to
 *        engsched_work_list_free(); or NULL
 * @return as engsched_assign(); ::ENGSCHED_EINVAL also for a window outside
 *         the dates or a share outside 1 to 100; ::ENGSCHED_EMISUSE for an
 *         unknown options version; ::ENGSCHED_EUNSUPPORTED for a window,
 *         share or hold on a backend without allocations (table version 5
 *         or older)
 */
ENGSCHED_API engsched_rc engsched_assign_ex(engsched *db, engsched_id actor,
                                            engsched_id engagement, int64_t version,
                                            engsched_id user, engsched_operator_role role,
                                            const engsched_assign_options *opts,
                                            engsched_work_list **out_conflicts);

/**
 * @brief Change an assigned operator's window, share or hold (ASSIGN); not
 *        on Complete or Canceled engagements.
 *
 * Checked as engsched_assign_ex() checks a new assignment; the invitation
 * is sent again when what it shows changes. Emits "assignment.changed".
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param user the operator's user id
 * @param opts the new allocation (NULL: the whole engagement, whole day, firm)
 * @param[out] out_conflicts as for engsched_assign_ex(), or NULL
 * @return as engsched_assign_ex(); ::ENGSCHED_ENOTFOUND also when @p user
 *         is not assigned
 */
ENGSCHED_API engsched_rc engsched_assignment_update(engsched *db, engsched_id actor,
                                                    engsched_id engagement, int64_t version,
                                                    engsched_id user,
                                                    const engsched_assign_options *opts,
                                                    engsched_work_list **out_conflicts);

/**
 * @brief Confirm a tentative hold (ASSIGN): the assignment becomes firm,
 *        its conflicts are checked again (the strict policy refuses them
 *        with ::ENGSCHED_ECONFLICT, nothing changed) and the invitation is
 *        sent again without STATUS:TENTATIVE. Emits "assignment.confirmed".
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param user the operator's user id
 * @param[out] out_conflicts the conflicts under warn, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND (also: not assigned),
 *         ::ENGSCHED_ESTATE (not a hold, or a closed engagement),
 *         ::ENGSCHED_ECONFLICT, ::ENGSCHED_EDENIED, ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_hold_confirm(engsched *db, engsched_id actor,
                                               engsched_id engagement, int64_t version,
                                               engsched_id user,
                                               engsched_work_list **out_conflicts);

/**
 * @brief Remove an operator from an engagement (ASSIGN); not on Complete or
 *        Canceled engagements.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param user the operator's user id
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND (also: not assigned),
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_ESTATE, ::ENGSCHED_ECONFLICT
 */
ENGSCHED_API engsched_rc engsched_unassign(engsched *db, engsched_id actor,
                                           engsched_id engagement, int64_t version,
                                           engsched_id user);

/**
 * @brief Preview the conflicts assigning @p user to @p engagement would
 *        have, without assigning (ASSIGN).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param user the operator's user id
 * @param[out] out the overlapping work, to engsched_work_list_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_operator_conflicts(engsched *db, engsched_id actor,
                                                     engsched_id engagement, engsched_id user,
                                                     engsched_work_list **out);

/**
 * @brief Release a work list.
 * @param list the list; NULL is ignored
 */
ENGSCHED_API void engsched_work_list_free(engsched_work_list *list);

/**
 * @brief How many items the list holds.
 * @param list the list
 * @return the count
 */
ENGSCHED_API size_t engsched_work_list_count(const engsched_work_list *list);

/**
 * @brief One item of existing work; strings live as long as the list.
 *
 * Engagements of clients the actor cannot access are anonymous: id 0,
 * client 0, status 0 and the label "Busy" (their dates only).
 * @param list the list
 * @param index 0 … count-1, by start date
 * @param[out] out_kind the kind, or NULL
 * @param[out] out_id the engagement or unavailability id (0 if anonymous), or NULL
 * @param[out] out_label the engagement name, the unavailability reason, or "Busy"; or NULL
 * @param[out] out_start the first day `YYYY-MM-DD`, or NULL
 * @param[out] out_end the last day `YYYY-MM-DD`, or NULL
 * @param[out] out_status the engagement status (0 for unavailability and
 *             anonymous blocks), or NULL
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL for an index out of range
 */
ENGSCHED_API engsched_rc engsched_work_list_item(const engsched_work_list *list, size_t index,
                                                 engsched_work_kind *out_kind,
                                                 engsched_id *out_id, const char **out_label,
                                                 const char **out_start, const char **out_end,
                                                 engsched_status *out_status);

/**
 * @brief The allocation of the engagement at @p index of a work list: its
 *        item's dates are the assignment's window.
 * @param list the list
 * @param index 0 … count-1
 * @param[out] out_percent the share of the day, 1 to 100; 0 for
 *             unavailability and anonymous "Busy" blocks (only their dates
 *             are told); or NULL
 * @param[out] out_tentative nonzero for a tentative hold; or NULL
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL for an index out of range
 */
ENGSCHED_API engsched_rc engsched_work_list_item_allocation(const engsched_work_list *list,
                                                            size_t index, int *out_percent,
                                                            int *out_tentative);

/**
 * @brief Whose work the item at @p index is: the operator a conflict,
 *        Availability row or unavailability list is about. Lists that
 *        gather several operators (engsched_edit_ex()) tell them apart
 *        by it.
 * @param list the list
 * @param index 0 … count-1
 * @return the user id; 0 for a NULL list or an index out of range
 */
ENGSCHED_API engsched_id engsched_work_list_item_user(const engsched_work_list *list,
                                                      size_t index);

/**
 * @brief Record dates a user cannot work. A user sets their own; ASSIGN
 *        sets those of anyone the actor may see (who shares a client with
 *        them; everyone for a user of all clients). Anyone else does not
 *        exist for the actor: ::ENGSCHED_ENOTFOUND.
 * @param db the handle
 * @param actor the acting user
 * @param user whose time it is
 * @param start the first day
 * @param end the last day (inclusive)
 * @param reason e.g. "Annual leave" (1–255 bytes, one line)
 * @param[out] out_id the unavailability id, or NULL
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_unavailability_add(engsched *db, engsched_id actor,
                                                     engsched_id user, const char *start,
                                                     const char *end, const char *reason,
                                                     engsched_id *out_id);

/**
 * @brief Remove recorded unavailability (own, or with ASSIGN that of
 *        anyone the actor may see, as for engsched_unavailability_add()).
 * @param db the handle
 * @param actor the acting user
 * @param unavailability the id
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_unavailability_remove(engsched *db, engsched_id actor,
                                                        engsched_id unavailability);

/**
 * @brief A user's unavailability overlapping a range, by start date (own,
 *        or with ASSIGN or VIEW_AVAILABILITY that of anyone the actor may
 *        see, as for engsched_unavailability_add(): the operators the
 *        Availability view shows them).
 * @param db the handle
 * @param actor the acting user
 * @param user whose time
 * @param start the first day of the range
 * @param end the last day of the range
 * @param[out] out a list of ::ENGSCHED_WORK_UNAVAILABLE items, to
 *        engsched_work_list_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_unavailability_list(engsched *db, engsched_id actor,
                                                      engsched_id user, const char *start,
                                                      const char *end, engsched_work_list **out);
/** @} */

/** @name List and Calendar views
 *  A query builder describes the filter and order; a cursor streams the
 *  matching engagements the actor may see, a bounded number at a time, so
 *  memory stays flat however many rows match. Pages resume from an opaque
 *  token (keyset pagination, never OFFSET).
 *  @{ */

/** @brief Opaque description of a List or Calendar query. */
typedef struct engsched_query engsched_query;

/** @brief Opaque stream of engagement rows. */
typedef struct engsched_cursor engsched_cursor;

/** @brief Sort keys of the List view; the id breaks ties. */
typedef enum engsched_sort {
    ENGSCHED_SORT_START = 0,   /**< start date */
    ENGSCHED_SORT_END = 1,     /**< end date */
    ENGSCHED_SORT_NAME = 2,    /**< name, byte order */
    ENGSCHED_SORT_STATUS = 3,  /**< status value */
    ENGSCHED_SORT_UPDATED = 4  /**< last change */
} engsched_sort;

/** @brief The tabs of the List view. */
typedef enum engsched_tab {
    ENGSCHED_TAB_ALL = 0,         /**< every status but Canceled */
    ENGSCHED_TAB_PENDING = 1,     /**< Pending */
    ENGSCHED_TAB_SCHEDULED = 2,   /**< Scheduled */
    ENGSCHED_TAB_IN_PROGRESS = 3, /**< In Progress */
    ENGSCHED_TAB_IN_REVIEW = 4,   /**< In Review */
    ENGSCHED_TAB_COMPLETE = 5,    /**< Complete */
    ENGSCHED_TAB_CANCELED = 6     /**< Canceled (only when asked) */
} engsched_tab;

/** @brief The bit of a status in a status set: `1u << status`. */
#define ENGSCHED_STATUS_BIT(status) (1u << (unsigned int)(status))

/** @brief The largest page a cursor returns. */
#define ENGSCHED_PAGE_MAX 500

/** @brief The longest range, in days, a Calendar or Availability query may span. */
#define ENGSCHED_RANGE_MAX_DAYS 366

/**
 * @brief The status set of a List tab.
 * @param tab a tab
 * @return a mask of ::ENGSCHED_STATUS_BIT values; 0 for an unknown tab
 */
ENGSCHED_API unsigned int engsched_tab_statuses(engsched_tab tab);

/**
 * @brief Make a query: every status but Canceled, sorted by start date
 *        ascending, pages of 50.
 * @param db the handle
 * @param[out] out the query, to engsched_query_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOMEM, ::ENGSCHED_EINVAL (NULL @p out),
 *         ::ENGSCHED_EMISUSE (NULL @p db)
 */
ENGSCHED_API engsched_rc engsched_query_new(engsched *db, engsched_query **out);

/**
 * @brief Release a query.
 * @param q the query; NULL is ignored
 */
ENGSCHED_API void engsched_query_free(engsched_query *q);

/**
 * @brief Restrict to a set of statuses.
 * @param q the query
 * @param statuses a non-empty mask of ::ENGSCHED_STATUS_BIT values
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_statuses(engsched_query *q, unsigned int statuses);

/**
 * @brief Restrict to one client.
 * @param q the query
 * @param client the client id, or 0 for any
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_client(engsched_query *q, engsched_id client);

/**
 * @brief Restrict to engagements an operator is assigned to.
 * @param q the query
 * @param user the operator's user id, or 0 for any
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_operator(engsched_query *q, engsched_id user);

/**
 * @brief Restrict to engagements overlapping a date range.
 * @param q the query
 * @param start the first day, or NULL to clear the range
 * @param end the last day (inclusive); at most ::ENGSCHED_RANGE_MAX_DAYS
 *        days after @p start for Calendar queries
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL (malformed, inverted)
 */
ENGSCHED_API engsched_rc engsched_query_set_range(engsched_query *q, const char *start,
                                                  const char *end);

/**
 * @brief Restrict to names containing a text (ASCII case-insensitive).
 * @param q the query
 * @param text 1–255 bytes, or NULL to clear
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_text(engsched_query *q, const char *text);

/**
 * @brief Choose the order.
 * @param q the query
 * @param sort the key
 * @param descending nonzero for descending (the id tie-break follows)
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_sort(engsched_query *q, engsched_sort sort,
                                                 int descending);

/**
 * @brief Choose the page size.
 * @param q the query
 * @param limit 1 … ::ENGSCHED_PAGE_MAX
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_query_set_limit(engsched_query *q, unsigned int limit);

/**
 * @brief Open one page of the List view (VIEW).
 *
 * Yields at most the query's limit rows the actor may see, after the row
 * the token names, read with one storage query when the first row is
 * asked for: the page is one snapshot of the store (docs/views.md).
 * @param db the handle
 * @param actor the acting user
 * @param q the query
 * @param token NULL for the first page, or engsched_cursor_next_token() of
 *        the previous page of the same query
 * @param[out] out the cursor, to engsched_cursor_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (a token that was altered or
 *         truncated, is of the old "es1." form, or belongs to another
 *         store, query or user), ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_list(engsched *db, engsched_id actor, const engsched_query *q,
                                       const char *token, engsched_cursor **out);

/**
 * @brief Open the Calendar view (VIEW): every engagement the actor may see
 *        overlapping the query's range (required), by start date, streamed
 *        without a page limit.
 *
 * Rows come in chunks, each one read transaction; the stream is one
 * snapshot, or engsched_cursor_next() returns ::ENGSCHED_EBUSY once a
 * change has been committed to the store since it began.
 * @param db the handle
 * @param actor the acting user
 * @param q the query; its range is required, its sort and limit are ignored
 * @param[out] out the cursor, to engsched_cursor_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (no range, range too long),
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_calendar(engsched *db, engsched_id actor,
                                           const engsched_query *q, engsched_cursor **out);

/**
 * @brief Advance to the next row.
 *
 * The row's getters below read the current row until the next call.
 * @param cur the cursor
 * @param[out] out_has_row 1 if a row is current, 0 at the end
 * @return ::ENGSCHED_OK, ::ENGSCHED_EBUSY (a Calendar whose store changed
 *         during the stream: open it again) or a storage error (the
 *         handle's message explains)
 */
ENGSCHED_API engsched_rc engsched_cursor_next(engsched_cursor *cur, int *out_has_row);

/**
 * @brief The token that resumes a List after the last row returned, or
 *        NULL when the last page has been read.
 * @param cur the cursor
 * @return a string valid until the cursor is freed, or NULL
 */
ENGSCHED_API const char *engsched_cursor_next_token(const engsched_cursor *cur);

/**
 * @brief Release a cursor.
 * @param cur the cursor; NULL is ignored
 */
ENGSCHED_API void engsched_cursor_free(engsched_cursor *cur);

/** @brief The current row's engagement id. @param cur the cursor @return the id */
ENGSCHED_API engsched_id engsched_cursor_id(const engsched_cursor *cur);
/** @brief The current row's client id. @param cur the cursor @return the id */
ENGSCHED_API engsched_id engsched_cursor_client(const engsched_cursor *cur);
/** @brief The current row's name. @param cur the cursor @return the name */
ENGSCHED_API const char *engsched_cursor_name(const engsched_cursor *cur);
/** @brief The current row's first day. @param cur the cursor @return `YYYY-MM-DD` */
ENGSCHED_API const char *engsched_cursor_start(const engsched_cursor *cur);
/** @brief The current row's last day. @param cur the cursor @return `YYYY-MM-DD` */
ENGSCHED_API const char *engsched_cursor_end(const engsched_cursor *cur);
/** @brief The current row's status. @param cur the cursor @return the status */
ENGSCHED_API engsched_status engsched_cursor_status(const engsched_cursor *cur);
/** @brief The current row's report status. @param cur the cursor @return the status */
ENGSCHED_API engsched_report_status engsched_cursor_report_status(const engsched_cursor *cur);
/** @brief The current row's version. @param cur the cursor @return the version */
ENGSCHED_API int64_t engsched_cursor_version(const engsched_cursor *cur);
/** @brief The current row's last change. @param cur the cursor @return UTC seconds */
ENGSCHED_API int64_t engsched_cursor_updated_at(const engsched_cursor *cur);
/** @}
 */

/** @name Availability view
 *  @{ */

/** @brief Opaque stream of operators with their work in a range. */
typedef struct engsched_availability engsched_availability;

/**
 * @brief Open the Availability view (VIEW_AVAILABILITY): every operator
 *        sharing a client with the actor, by display name, each with their
 *        engagements and unavailability overlapping the range.
 *
 * Engagements of clients the actor cannot access appear as anonymous
 * "Busy" blocks with no id, name or client.
 * @param db the handle
 * @param actor the acting user
 * @param start the first day
 * @param end the last day (at most ::ENGSCHED_RANGE_MAX_DAYS days on)
 * @param[out] out the stream, to engsched_availability_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_availability_open(engsched *db, engsched_id actor,
                                                    const char *start, const char *end,
                                                    engsched_availability **out);

/** @brief Options of engsched_availability_open_ex()
 *         (::ENGSCHED_AVAILABILITY_OPTIONS_VERSION). */
typedef struct engsched_availability_options {
    /** ::ENGSCHED_AVAILABILITY_OPTIONS_VERSION as the caller was compiled with */
    unsigned int version;
    /** The status tab (the List's, engsched_tab_statuses()): the operators'
     *  engagements shown. ::ENGSCHED_TAB_ALL (the default) shows every
     *  status but Canceled. Anonymous "Busy" blocks are shown on every tab
     *  while their engagement occupies the operator (not Canceled), so a
     *  tab never tells their status; utilisation counts all the work,
     *  whatever the tab. */
    engsched_tab tab;
    /* version 1: every member above. Later versions append theirs here. */
} engsched_availability_options;

/** @brief The current version of ::engsched_availability_options: 1. */
#define ENGSCHED_AVAILABILITY_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_availability_options with the
 *         defaults: the All tab. */
#define ENGSCHED_AVAILABILITY_OPTIONS_INIT { ENGSCHED_AVAILABILITY_OPTIONS_VERSION, ENGSCHED_TAB_ALL }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the options
 * @param version ::ENGSCHED_AVAILABILITY_OPTIONS_VERSION as the caller was
 *        compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_availability_options_init(engsched_availability_options *opts,
                                                            unsigned int version);

/**
 * @brief engsched_availability_open() with options: the status tab
 *        ("Visible engagements can be filtered by clicking a status value").
 * @param db the handle
 * @param actor the acting user
 * @param start the first day
 * @param end the last day (at most ::ENGSCHED_RANGE_MAX_DAYS days on)
 * @param opts the options, or NULL for the defaults
 * @param[out] out the stream, to engsched_availability_free()
 * @return as engsched_availability_open(); ::ENGSCHED_EINVAL also for an
 *         unknown tab, ::ENGSCHED_EMISUSE for an unknown options version
 */
ENGSCHED_API engsched_rc engsched_availability_open_ex(engsched *db, engsched_id actor,
                                                       const char *start, const char *end,
                                                       const engsched_availability_options *opts,
                                                       engsched_availability **out);

/**
 * @brief Advance to the next operator.
 * @param av the stream
 * @param[out] out_has_row 1 if an operator is current, 0 at the end
 * @return ::ENGSCHED_OK or an error (the handle's message explains)
 */
ENGSCHED_API engsched_rc engsched_availability_next(engsched_availability *av, int *out_has_row);

/** @brief The current operator's user id. @param av the stream @return the id */
ENGSCHED_API engsched_id engsched_availability_user(const engsched_availability *av);
/** @brief The current operator's display name. @param av the stream @return the name */
ENGSCHED_API const char *engsched_availability_name(const engsched_availability *av);

/**
 * @brief The current operator's utilisation: the firm share of their
 *        working days in the range they are not unavailable (each day
 *        counts the shares of its engagements, at most a whole day).
 * @param av the stream
 * @return a fraction from 0 to 1 (0 when no working day remains)
 */
ENGSCHED_API double engsched_availability_utilisation(const engsched_availability *av);

/**
 * @brief The current operator's load over the working days of the range
 *        they are available: firm work alone, and with tentative holds.
 *
 * Each day counts its share of the day (capped at a whole day), so an
 * operator on two half-day engagements is fully loaded.
 * engsched_availability_utilisation() is the firm figure.
 * @param av the stream
 * @param[out] out_firm firm load, 0 to 1; or NULL
 * @param[out] out_with_holds firm and held load, 0 to 1; or NULL
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EINVAL when no operator is current
 */
ENGSCHED_API engsched_rc engsched_availability_load(const engsched_availability *av,
                                                    double *out_firm, double *out_with_holds);

/**
 * @brief The current operator's work in the range (engagements, anonymous
 *        blocks and unavailability), by start date.
 * @param av the stream
 * @return a list owned by the stream, valid until the next call to
 *         engsched_availability_next()
 */
ENGSCHED_API const engsched_work_list *engsched_availability_work(const engsched_availability *av);

/**
 * @brief Release an availability stream.
 * @param av the stream; NULL is ignored
 */
ENGSCHED_API void engsched_availability_free(engsched_availability *av);
/** @} */

/** @name Invitations, calendar feeds and JSON
 *  @{ */

/**
 * @brief The invitation of one operator to one engagement as an iCalendar
 *        object (`METHOD:REQUEST`, or `METHOD:CANCEL` once the operator was
 *        unassigned or the engagement canceled), for a download button.
 *
 * The actor needs VIEW and client access, and must be the operator or hold
 * ASSIGN.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param user the operator
 * @param[out] out_ics the text (CRLF lines), to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND (no invitation, or not
 *         visible), ::ENGSCHED_EDENIED, ::ENGSCHED_EINVAL (a setting or
 *         address the invitation needs is missing or invalid)
 */
ENGSCHED_API engsched_rc engsched_invitation_ics(engsched *db, engsched_id actor,
                                                 engsched_id engagement, engsched_id user,
                                                 char **out_ics);

/**
 * @brief The complete iMIP message of an invitation, as it was last sent,
 *        for a host that retries delivery after its mail callback failed.
 * @param db the handle
 * @param actor the acting user (as for engsched_invitation_ics())
 * @param engagement the engagement id
 * @param user the operator
 * @param[out] out_message the RFC 5322 message, to engsched_free()
 * @return as engsched_invitation_ics()
 */
ENGSCHED_API engsched_rc engsched_invitation_mail(engsched *db, engsched_id actor,
                                                  engsched_id engagement, engsched_id user,
                                                  char **out_message);

/**
 * @brief A calendar feed (`METHOD:PUBLISH`) of every engagement @p user may
 *        see, for calendar subscriptions. Canceled engagements are left out.
 *
 * The actor must be @p user, or hold ADMIN. An ADMIN reading another
 * user's feed gets only the engagements both may see (the intersection of
 * the two scopes), like a feed token that ADMIN issued.
 * @param db the handle
 * @param actor the acting user
 * @param user whose feed
 * @param[out] out_ics the text, to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND
 */
ENGSCHED_API engsched_rc engsched_feed_ics(engsched *db, engsched_id actor, engsched_id user,
                                           char **out_ics);

/**
 * @brief One engagement as a JSON object (docs/json.md) (VIEW).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out_json the text, to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND, ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_engagement_json(engsched *db, engsched_id actor,
                                                  engsched_id engagement, char **out_json);

/**
 * @brief Export everything @p actor may see as one JSON document
 *        (docs/json.md): the directory entries the engagements refer to,
 *        and every engagement with its report, operators and files.
 * @param db the handle
 * @param actor the acting user (VIEW; file contents need FILES_DOWNLOAD)
 * @param[out] out_json the document, to engsched_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND (unknown
 *         actor), ::ENGSCHED_EINVAL, ::ENGSCHED_ENOMEM
 */
ENGSCHED_API engsched_rc engsched_export_json(engsched *db, engsched_id actor, char **out_json);

/**
 * @brief Import an export document (ADMIN). Every field is validated
 *        before anything is written; the import is all-or-nothing (inside
 *        a batch it runs in one savepoint, like any write operation).
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM
 * @param json the document
 * @param[out] out_count how many engagements were imported, or NULL
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL for malformed JSON (the message
 *         gives line and column) or an invalid field (the message gives
 *         its path); ::ENGSCHED_ETOOBIG (a file over the tenant's limits);
 *         ::ENGSCHED_EDENIED; ::ENGSCHED_ENOTFOUND (unknown actor, or an
 *         engagement of a client the actor cannot access, in the words of
 *         engsched_create()); ::ENGSCHED_ENOMEM; ::ENGSCHED_EMISUSE
 *         (read-only handle)
 */
ENGSCHED_API engsched_rc engsched_import_json(engsched *db, engsched_id actor, const char *json,
                                              unsigned int *out_count);
/** @} */

/** @name Dates
 *  @{ */

/**
 * @brief Validate an ISO 8601 calendar date `YYYY-MM-DD` (years 1900–9999).
 * @param date the text
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_date_validate(const char *date);

/**
 * @brief The calendar date of an instant in an IANA time zone.
 *
 * Computed by libical's built-in zone rules (the same as the tenant's
 * `timezone` setting uses for "today"). A limit: after 2037 libical
 * extends some zones' rules differently from the IANA data, e.g.
 * America/St_Johns, where for an hour of each summer day the date is a
 * day ahead of the system's (docs/design.md, Time zones).
 * @param zone an IANA zone name such as "Pacific/Auckland": components of
 *        letters, digits, '_', '-' and '+' joined by single '/', no "." or
 *        "..", at most 64 bytes, of a zone that exists
 * @param instant UTC seconds, 1900-01-02T00:00:00Z to 9999-12-30T23:59:59Z
 *        (-2208902400 to 253402214399), so that the date is 1900–9999 in
 *        every zone
 * @param[out] out_date 11 bytes receiving `YYYY-MM-DD`; unchanged on failure
 * @return ::ENGSCHED_OK or ::ENGSCHED_EINVAL (unknown zone, or @p instant
 *         out of range)
 */
ENGSCHED_API engsched_rc engsched_date_in_zone(const char *zone, int64_t instant,
                                               char out_date[11]);
/** @} */

#ifdef __cplusplus
}
#endif

/* The outbox, delivery and the event stream. */
#include "delivery.h"
/* Calendar feed tokens and replies to invitations. */
#include "calendar.h"
/* Export and import as a stream. */
#include "export.h"
/* An online backup of a store, and restoring one. */
#include "backup.h"
/* Skills, and the candidates of an engagement. */
#include "candidates.h"
/* Capacity in week or month buckets. */
#include "capacity.h"

#endif /* ENGSCHED_ENGSCHED_H */
