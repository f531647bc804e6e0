/**
 * @file storage.h
 * @brief The storage backend interface, for backend authors.
 *
 * Like libgit2's `sys/` headers, this is not needed to use the library; it
 * is needed to store its data somewhere other than the built-in SQLite
 * backend. A backend is a table of callbacks (::engsched_storage) led by a
 * version field. The core runs every rule, permission check, mapping and
 * format; a backend only keeps records and answers the queries below, with
 * filtering, ordering and paging done where the data is.
 *
 * Contract, for every callback:
 * - return ::ENGSCHED_OK, ::ENGSCHED_ENOTFOUND where documented, or an
 *   error (::ENGSCHED_EBUSY, ::ENGSCHED_ESTORAGE, ::ENGSCHED_ENOMEM,
 *   ::ENGSCHED_ECORRUPT, ::ENGSCHED_EEXISTS where documented) after
 *   describing it with engsched_storage_set_error();
 * - strings in records passed to the backend are valid during the call;
 *   strings in records the backend fills are valid until the next call on
 *   the same backend, and the core copies what it keeps;
 * - every data callback runs between begin() and commit()/rollback();
 *   a callback that fails leaves the transaction for the core to roll back;
 * - row callbacks (::engsched_storage_engagement_fn and the others) may return a
 *   non-OK code to stop the iteration; the backend then returns that code.
 *
 * Dates are day numbers: days since 1970-01-01 (negative before).
 *
 * @section storage_versions Versions: how the table and the records grow
 *
 * As with sqlite3_vfs and libgit2's backends, the table only grows, and a
 * backend written against an older header keeps working with a newer
 * library:
 * - Members are only appended, never removed, reordered or retyped. Each
 *   version's members follow a comment "version N adds: ..." in the
 *   struct, and ::ENGSCHED_STORAGE_VERSION rises with them. The records
 *   (::engsched_rec_engagement and the others) and ::engsched_storage_query
 *   grow the same way, only at their end and only with a new table
 *   version.
 * - A backend sets `version` to the version it implements, normally the
 *   ::ENGSCHED_STORAGE_VERSION of the header it is compiled with: start
 *   from ::ENGSCHED_STORAGE_INIT or engsched_storage_init(), which also
 *   make every member NULL, then set the callbacks.
 * - The core never reads a table past the members of the version it
 *   declares, so a table compiled against an older, shorter header is
 *   safe to pass. Members marked optional may be NULL; every other member
 *   of that version is required.
 * - A record the core passes to a backend of version N is never shorter
 *   than version N defined it; the backend reads the members it knows and
 *   ignores any others. A record member added by a later version has a
 *   default (0, NULL or "", given with the member) that means what the
 *   record meant before the member existed: the core fills in the defaults
 *   of the records it hands an older backend to fill, and takes them for
 *   the rows an older backend returns, so an old backend never has to
 *   fill a new member.
 * - A table of version 0, or of a version newer than the library's own
 *   ::ENGSCHED_STORAGE_VERSION, is refused: engsched_open_backend() returns
 *   ::ENGSCHED_EMISUSE having read nothing but `version`, says so in
 *   engsched_open_errmsg(), and leaves the table to the caller. A newer
 *   table is not taken as the older version it extends, since this library
 *   cannot know what the newer members ask of the core; build a backend
 *   against the oldest header of the libraries it must run with.
 *   engsched_storage_init() refuses those versions too, so a backend finds
 *   out before it opens anything.
 *
 * The versions so far:
 * - 1: every callback from free() to access_list(), all required;
 * - 2: savepoint(), release() and rollback_to(), optional (all three or
 *   none): what batches need (engsched_batch_begin() returns
 *   ::ENGSCHED_EUNSUPPORTED without them).
 * - 3: outbox_put() to outbox_purge() with ::engsched_rec_outbox, optional
 *   (all six or none): the durable outbox (engsched_deliver()). Without
 *   them invitations and events are handed to the host from memory after
 *   commit, once, and are lost if the process stops first.
 * - 4: invitation_find() to feed_token_delete() and the version 4 members
 *   of ::engsched_rec_invitation, optional (all five or none): invitation
 *   series that keep their UID and organizer (also across export/import),
 *   operators' replies and calendar feed tokens.
 * - 5: backup(), optional: engsched_backup() (::ENGSCHED_EUNSUPPORTED
 *   without it, as on PostgreSQL, whose tool is `pg_dump`).
 * - 6: recurring_due() and the version 6 members of
 *   ::engsched_rec_engagement, optional: recurring series
 *   (engsched_recurrence_set() returns ::ENGSCHED_EUNSUPPORTED without
 *   them, and the tick creates no occurrences).
 * - 7: range_staffing() and range_unavailability(), optional (both or
 *   none): a range's staffing in one read for capacity and candidates.
 * - 8: engagements_start_due(), optional: the tick moves each chunk of
 *   due engagements with one set-based statement instead of an
 *   engagement_update() per row (the row-by-row path stays for tables
 *   without it); outbox_mark(), optional: delivery marks a chunk's
 *   delivered items with one statement instead of an outbox_get() and an
 *   outbox_update() per item.
 */
#ifndef ENGSCHED_STORAGE_H
#define ENGSCHED_STORAGE_H

#include "engsched.h"
/* The built-in backends' constructors were declared here before they got
 * a header of their own; included so that code written then still builds. */
#include "backends.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The current version of ::engsched_storage, and the newest one
 *        this library takes.
 *
 * Version 2 appended the optional savepoint callbacks (savepoint, release,
 * rollback_to) that batches need; versions 3 to 5 appended the outbox,
 * the invitation series and backup(); version 6 allocations, skills and
 * recurring series; version 7 range_staffing() and range_unavailability();
 * version 8 engagements_start_due() and outbox_mark(). The library
 * accepts tables of every version from 1 to this one: an older table
 * (built against an older header, so shorter) is never read past its
 * last member, and what it
 * lacks returns ::ENGSCHED_EUNSUPPORTED (engsched_batch_begin() on a
 * version 1 table, engsched_backup() below version 5). See @ref
 * storage_versions for the rule.
 */
#define ENGSCHED_STORAGE_VERSION 8

/** @brief A client record. */
typedef struct engsched_rec_client {
    engsched_id id;          /**< store id */
    const char *host_key;    /**< the host's key, unique */
    const char *name;        /**< display name */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_client;

/** @brief A user record. */
typedef struct engsched_rec_user {
    engsched_id id;          /**< store id */
    const char *host_key;    /**< the host's key, unique */
    const char *email;       /**< e-mail address, or NULL */
    const char *display_name;/**< display name */
    engsched_id role;        /**< role id */
    unsigned int flags;      /**< ::engsched_user_flags */
    unsigned int permissions;/**< filled by user_get: the role's mask */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_user;

/** @brief A role record. */
typedef struct engsched_rec_role {
    engsched_id id;          /**< store id */
    const char *name;        /**< unique name */
    unsigned int permissions;/**< ::engsched_permission mask */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_role;

/** @brief An engagement record, with its report's fields. */
typedef struct engsched_rec_engagement {
    engsched_id id;              /**< store id */
    engsched_id client;          /**< client id */
    engsched_id requested_by;    /**< user id */
    const char *name;            /**< name */
    const char *description;     /**< "" if none */
    const char *type;            /**< "" if none */
    const char *location;        /**< "" if none */
    const char *contacts;        /**< "" if none */
    const char *custom_fields;   /**< JSON object text, "{}" if none */
    const char *cancel_reason;   /**< "" if none */
    int32_t start_day;           /**< first day */
    int32_t end_day;             /**< last day, inclusive */
    int status;                  /**< ::engsched_status, derived by the core */
    int64_t version;             /**< raised by the core on every change */
    int64_t created_at;          /**< UTC seconds */
    int64_t updated_at;          /**< UTC seconds */
    engsched_id report;          /**< report id, 0 if none */
    int report_status;           /**< ::engsched_report_status, NONE if no report */
    const char *report_title;    /**< "" if no report */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
    /* version 6 adds: */
    /** The RFC 5545 RRULE value the engagement recurs by (without
     *  "RRULE:"); "" (the default) if it does not recur. */
    const char *recurrence;
    /** The series this engagement is an occurrence of; 0 (the default) if
     *  none. Unique with `start_day` among rows whose origin is not 0:
     *  engagement_insert() returns ::ENGSCHED_EEXISTS for a second
     *  occurrence of one series on one day, and changes nothing. */
    engsched_id origin;
    /** With a `recurrence`: the first day of the next occurrence the
     *  tick creates, INT32_MAX once the rule has no more; kept by the
     *  core. 0 (the default) when `recurrence` is "". */
    int32_t recurrence_next_day;
} engsched_rec_engagement;

/** @brief An assignment of an operator to an engagement. */
typedef struct engsched_rec_assignment {
    engsched_id engagement;  /**< engagement id */
    engsched_id user;        /**< operator's user id */
    int role;                /**< ::engsched_operator_role */
    engsched_id assigned_by; /**< user id, or 0 for the system */
    int64_t assigned_at;     /**< UTC seconds */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
    /* version 6 adds: the allocation (docs/design.md §4). */
    /** Nonzero: the assignment covers only [window_start, window_end] of
     *  its engagement's dates. 0 (the default): all of them, and the
     *  backend keeps the window equal to the engagement's dates. */
    int windowed;
    /** First day of the window; on rows the backend returns, the
     *  engagement's first day when not @ref windowed. */
    int32_t window_start;
    /** Last day of the window (inclusive), as @ref window_start. */
    int32_t window_end;
    /** Share of the operator's day, 1 to 100; 0 (the default) means 100. */
    int percent;
    /** Nonzero: a tentative hold; 0 (the default): firm. */
    int tentative;
} engsched_rec_assignment;

/** @brief Support-file metadata. */
typedef struct engsched_rec_file {
    engsched_id id;          /**< store id */
    engsched_id engagement;  /**< engagement id */
    const char *name;        /**< file name */
    const char *media_type;  /**< media type */
    int64_t size;            /**< bytes */
    engsched_id uploaded_by; /**< user id */
    int64_t uploaded_at;     /**< UTC seconds */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_file;

/** @brief An event record. */
typedef struct engsched_rec_event {
    int64_t seq;             /**< sequence number, assigned by the backend, rising */
    int64_t time;            /**< UTC seconds */
    engsched_id actor;       /**< user id, 0 for the system */
    engsched_id engagement;  /**< engagement id, 0 if none */
    const char *action;      /**< e.g. "engagement.approved" */
    int status_before;       /**< ::engsched_status, 0 if none */
    int status_after;        /**< ::engsched_status, 0 if none */
    const char *details;     /**< JSON object text */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_event;

/** @brief A period a user cannot work. */
typedef struct engsched_rec_unavailability {
    engsched_id id;          /**< store id */
    engsched_id user;        /**< whose time */
    int32_t start_day;       /**< first day */
    int32_t end_day;         /**< last day, inclusive */
    const char *reason;      /**< e.g. "Annual leave" */
    engsched_id created_by;  /**< user id, 0 for the system */
    int64_t created_at;      /**< UTC seconds */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_unavailability;

/** @brief The invitation state of one operator on one engagement. */
typedef struct engsched_rec_invitation {
    engsched_id engagement;  /**< engagement id */
    engsched_id user;        /**< operator's user id */
    int64_t sequence;        /**< iCalendar SEQUENCE of the last message */
    int canceled;            /**< nonzero once a CANCEL was sent */
    int64_t updated_at;      /**< UTC seconds */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
    /* version 4 adds: */
    /** The iCalendar UID of the invitation series, fixed when it is first
     *  sent and kept across export/import; "" (the default) means the
     *  UID of versions 1 to 3, `engagement-<id>-operator-<id>@<uid_domain>`.
     *  Unique among the invitations of a store (invitation_find()). */
    const char *uid;
    /** The ORGANIZER address the series was first sent with, kept for
     *  every update and cancel; "" (default): the organizer_email setting. */
    const char *organizer_email;
    /** The ORGANIZER CN of the series; "" (default): the organizer_name
     *  setting when @ref organizer_email is "", else none. */
    const char *organizer_name;
    /** The operator's answer, an ::engsched_response (calendar.h); 0 (default) none. */
    int response;
    /** UTC seconds of the answer; 0 (default) none. */
    int64_t responded_at;
    /** The SEQUENCE the answer replied to; 0 (default). */
    int64_t response_sequence;
} engsched_rec_invitation;

/**
 * @brief A calendar feed token (version 4): what the store keeps of the
 *        secret that lets a calendar client fetch one user's feed.
 *
 * Only a hash of the secret is stored; the token itself is shown once,
 * when it is issued. A user has at most one token.
 */
typedef struct engsched_rec_feed_token {
    engsched_id user;        /**< whose feed */
    const char *token_id;    /**< the public part of the token, unique (32 hex digits) */
    const char *secret_hash; /**< hex of the keyed hash of the secret part (64 digits) */
    engsched_id issued_by;   /**< the user who issued it; 0 for the system */
    int64_t created_at;      /**< UTC seconds */
    /* version 4: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_feed_token;

/**
 * @brief An outbox item (version 3): one invitation message or one event
 *        document a committed change owes the outside world.
 *
 * Written by the core in the same transaction as the change; the backend
 * only stores it. Strings are "" when absent, never NULL, in rows the
 * backend returns.
 */
typedef struct engsched_rec_outbox {
    int64_t id;              /**< assigned by outbox_put(), rising */
    int kind;                /**< ::engsched_outbox_kind */
    unsigned int state;      /**< one ::engsched_outbox_state bit */
    engsched_id engagement;  /**< the engagement, 0 if none */
    engsched_id user;        /**< mail: the operator; 0 for events */
    int64_t event_seq;       /**< events: the event's sequence number; 0 for mail */
    int64_t sequence;        /**< mail: the invitation SEQUENCE it carries; 0 for events */
    const char *recipient;   /**< mail: the address; "" otherwise */
    const char *payload;     /**< mail: the whole message (text, CRLF); "" for events
                                  (rendered from the stored event) and undeliverable mail */
    size_t payload_len;      /**< bytes of @ref payload, without a terminator */
    unsigned int attempts;   /**< deliveries tried and refused so far */
    int64_t next_attempt_at; /**< UTC seconds: a pending item is due from then */
    int64_t claimed_until;   /**< UTC seconds: claimed by a deliverer until then; 0 if not */
    int64_t claim;           /**< the deliverer's claim token; 0 if not claimed */
    int64_t created_at;      /**< UTC seconds */
    int64_t updated_at;      /**< UTC seconds */
    const char *reason;      /**< why it was refused, dead or undeliverable; "" if none */
    /* version 3: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_rec_outbox;

/**
 * @brief Which outbox items outbox_list() returns (version 3): every
 *        given filter holds, in id order, at most `limit`.
 */
typedef struct engsched_storage_outbox_filter {
    unsigned int states;     /**< mask of ::engsched_outbox_state; never 0 */
    unsigned int kinds;      /**< mask of (1 << ::engsched_outbox_kind); 0 for any */
    int64_t after_id;        /**< only id > after_id */
    int64_t max_id;          /**< only id <= max_id; 0 for no bound */
    int64_t due_at;          /**< nonzero: only next_attempt_at <= due_at and
                                  claimed_until <= due_at (due and not claimed) */
    engsched_id engagement;  /**< only this engagement; 0 for any */
    unsigned int limit;      /**< at most this many rows; never 0 */
    /* version 3: every member above. Later versions append theirs here. */
} engsched_storage_outbox_filter;

/**
 * @brief A List or Calendar query, pushed down to the backend.
 *
 * A row matches when every given filter holds. Rows come in the order of
 * (sort key, id), ascending or both descending; with `has_after` only
 * rows strictly after (after key, `after_id`) in that order.
 */
typedef struct engsched_storage_query {
    unsigned int statuses;      /**< mask of (1 << status); never 0 */
    engsched_id client;         /**< only this client; 0 for any */
    engsched_id operator_user;  /**< only engagements this user is assigned to; 0 for any */
    engsched_id scope_user;     /**< only clients granted to this user in access rows; 0 for every client */
    int has_range;              /**< nonzero: only rows overlapping the range */
    int32_t range_start;        /**< start_day <= range_end and end_day >= range_start */
    int32_t range_end;          /**< see `range_start` */
    const char *name_contains;  /**< ASCII case-insensitive substring of the name; NULL for any */
    int sort;                   /**< ::engsched_sort */
    int descending;             /**< nonzero: descending */
    int has_after;              /**< nonzero: resume after the key below */
    int64_t after_int;          /**< the sort key of the last row for integer keys */
    const char *after_text;     /**< the sort key of the last row for ENGSCHED_SORT_NAME */
    engsched_id after_id;       /**< the id of the last row */
    unsigned int limit;         /**< at most this many rows */
    /* version 1: every member above. Later versions append theirs here,
     * after "version N adds: ...", each with a default for older backends. */
} engsched_storage_query;

/** @brief Receives one engagement row of a query. */
typedef engsched_rc (*engsched_storage_engagement_fn)(void *ctx,
                                                      const engsched_rec_engagement *row);
/** @brief Receives one assignment row. */
typedef engsched_rc (*engsched_storage_assignment_fn)(void *ctx,
                                                      const engsched_rec_assignment *row);
/** @brief Receives one allocation of an operator: the assignment (with its
 *         version 6 members) and its engagement (the fields of
 *         engsched_storage::operator_work rows). From range_staffing()
 *         the assignment is NULL for an engagement without one. */
typedef engsched_rc (*engsched_storage_allocation_fn)(void *ctx,
                                                      const engsched_rec_assignment *assignment,
                                                      const engsched_rec_engagement *engagement);
/** @brief Receives one file row. */
typedef engsched_rc (*engsched_storage_file_fn)(void *ctx, const engsched_rec_file *row);
/** @brief Receives one user row. */
typedef engsched_rc (*engsched_storage_user_fn)(void *ctx, const engsched_rec_user *row);
/** @brief Receives one unavailability row. */
typedef engsched_rc (*engsched_storage_unavailability_fn)(void *ctx,
                                                          const engsched_rec_unavailability *row);
/** @brief Receives one client row. */
typedef engsched_rc (*engsched_storage_client_fn)(void *ctx, const engsched_rec_client *row);
/**
 * @brief Receives one tag (version 6: skills); the string is valid for
 *        the call only.
 */
typedef engsched_rc (*engsched_storage_tag_fn)(void *ctx, const char *tag);
/** @brief Receives one role row. */
typedef engsched_rc (*engsched_storage_role_fn)(void *ctx, const engsched_rec_role *row);
/** @brief Receives one event row. */
typedef engsched_rc (*engsched_storage_event_fn)(void *ctx, const engsched_rec_event *row);
/** @brief Receives one outbox row (version 3). */
typedef engsched_rc (*engsched_storage_outbox_fn)(void *ctx, const engsched_rec_outbox *row);

/**
 * @brief The backend callback table. Embed it as the first member of the
 *        backend's own structure, as libgit2 backends do.
 *
 * Start from ::ENGSCHED_STORAGE_INIT or engsched_storage_init(). Every
 * member is required unless marked optional. Members are only ever
 * appended, with a new ::ENGSCHED_STORAGE_VERSION (@ref storage_versions).
 */
struct engsched_storage {
    /** @brief The version this table implements, 1 to
     *         ::ENGSCHED_STORAGE_VERSION: which members exist. */
    unsigned int version;

    /* version 1: from free() to access_list(), every member required. */

    /** @brief Release the backend; called once by engsched_close(). */
    void (*free)(engsched_storage *s);

    /**
     * @brief Make the schema current (create or migrate forward).
     * Return ::ENGSCHED_EUNSUPPORTED if the store is newer than
     * @p supported_version. Called once, by the opener, outside a
     * transaction.
     *
     * @p supported_version is the version of the core's data model
     * (engsched_schema_version_supported()): what the records and
     * callbacks mean. A backend may change its own layout (indexes,
     * copies of columns kept for speed) without it; the built-in SQL
     * backends record such steps apart and report the model version
     * through @p out_version and schema_version().
     */
    engsched_rc (*prepare)(engsched_storage *s, int supported_version, int *out_version);

    /** @brief Set how long to wait for a lock before ::ENGSCHED_EBUSY. */
    engsched_rc (*set_busy_timeout)(engsched_storage *s, int milliseconds);

    /**
     * @brief Begin a transaction; @p write nonzero takes the write lock at
     * once (SQLite: BEGIN IMMEDIATE), so a writer never fails mid-way
     * on a lock upgrade.
     */
    engsched_rc (*begin)(engsched_storage *s, int write);
    /** @brief Commit. On failure the transaction is rolled back. */
    engsched_rc (*commit)(engsched_storage *s);
    /** @brief Roll back; must succeed when called after any failure. */
    engsched_rc (*rollback)(engsched_storage *s);

    /** @brief The stored schema version. */
    engsched_rc (*schema_version)(engsched_storage *s, int *out_version);

    /** @brief Read a setting; ::ENGSCHED_ENOTFOUND if never set. */
    engsched_rc (*setting_get)(engsched_storage *s, const char *key, const char **out_value);
    /** @brief Write a setting. */
    engsched_rc (*setting_set)(engsched_storage *s, const char *key, const char *value);

    /**
     * @brief Insert or update a client by host_key (rec->id ignored);
     * returns its id and whether it was created.
     */
    engsched_rc (*client_upsert)(engsched_storage *s, const engsched_rec_client *rec,
                                 engsched_id *out_id, int *out_created);
    /** @brief Read a client by id; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*client_get)(engsched_storage *s, engsched_id id, engsched_rec_client *out);
    /** @brief Find a client id by host_key; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*client_find)(engsched_storage *s, const char *host_key, engsched_id *out_id);

    /** @brief Insert or update a user by host_key (rec->id and permissions ignored). */
    engsched_rc (*user_upsert)(engsched_storage *s, const engsched_rec_user *rec,
                               engsched_id *out_id, int *out_created);
    /** @brief Read a user by id, with its role's permission mask; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*user_get)(engsched_storage *s, engsched_id id, engsched_rec_user *out);
    /** @brief Find a user id by host_key; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*user_find)(engsched_storage *s, const char *host_key, engsched_id *out_id);

    /**
     * @brief Insert a role (rec->id 0: the backend chooses; otherwise that
     * id, for the built-in roles); ::ENGSCHED_EEXISTS for a taken name or id.
     */
    engsched_rc (*role_insert)(engsched_storage *s, const engsched_rec_role *rec,
                               engsched_id *out_id);
    /** @brief Change a role's permission mask; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*role_update)(engsched_storage *s, engsched_id id, unsigned int permissions);
    /** @brief Read a role by id; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*role_get)(engsched_storage *s, engsched_id id, engsched_rec_role *out);
    /** @brief Find a role id by name; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*role_find)(engsched_storage *s, const char *name, engsched_id *out_id);

    /** @brief Grant a user access to a client (idempotent). */
    engsched_rc (*access_grant)(engsched_storage *s, engsched_id user, engsched_id client);
    /** @brief Revoke a user's access to a client (idempotent). */
    engsched_rc (*access_revoke)(engsched_storage *s, engsched_id user, engsched_id client);
    /** @brief Whether a grant row exists (ignores the all-clients flag). */
    engsched_rc (*access_check)(engsched_storage *s, engsched_id user, engsched_id client,
                                int *out_granted);

    /**
     * @brief Insert an engagement and, if rec->report_status is not NONE,
     * its report; returns both ids (report id 0 if none).
     */
    engsched_rc (*engagement_insert)(engsched_storage *s, const engsched_rec_engagement *rec,
                                     engsched_id *out_id, engsched_id *out_report);
    /**
     * @brief Overwrite every field of an engagement, and create or update
     * its report to match the report fields (creating it when rec->report
     * is 0 and rec->report_status is not NONE; the new id is returned in
     * @p out_report, which may be NULL otherwise).
     */
    engsched_rc (*engagement_update)(engsched_storage *s, const engsched_rec_engagement *rec,
                                     engsched_id *out_report);
    /** @brief Read an engagement with its report fields; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*engagement_get)(engsched_storage *s, engsched_id id,
                                  engsched_rec_engagement *out);
    /** @brief The engagement id of a report; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*report_engagement)(engsched_storage *s, engsched_id report,
                                     engsched_id *out_engagement);
    /**
     * @brief Engagements with status Scheduled and start_day ≤ @p day, in id
     * order, id > @p after_id, at most @p limit rows.
     */
    engsched_rc (*engagements_due)(engsched_storage *s, int32_t day, engsched_id after_id,
                                   unsigned int limit, engsched_storage_engagement_fn row,
                                   void *ctx);

    /** @brief Insert an assignment; ::ENGSCHED_EEXISTS if already assigned. */
    engsched_rc (*assignment_insert)(engsched_storage *s, const engsched_rec_assignment *rec);
    /** @brief Delete an assignment; ::ENGSCHED_ENOTFOUND if there was none. */
    engsched_rc (*assignment_delete)(engsched_storage *s, engsched_id engagement,
                                     engsched_id user);
    /** @brief The assignments of an engagement in assignment order. */
    engsched_rc (*assignment_list)(engsched_storage *s, engsched_id engagement,
                                   engsched_storage_assignment_fn row, void *ctx);

    /**
     * @brief Store a support file: metadata and @p meta->size bytes from
     * @p data (rec->id ignored).
     */
    engsched_rc (*file_insert)(engsched_storage *s, const engsched_rec_file *meta,
                               const void *data, engsched_id *out_id);
    /** @brief Read a file's metadata; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*file_get)(engsched_storage *s, engsched_id id, engsched_rec_file *out);
    /**
     * @brief Copy up to @p size bytes from @p offset into @p buf without
     * loading the whole file; *out_read is 0 at or past the end.
     */
    engsched_rc (*file_read)(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                             size_t size, size_t *out_read);
    /** @brief Delete a file; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*file_delete)(engsched_storage *s, engsched_id id);
    /** @brief The files of an engagement, oldest first. */
    engsched_rc (*file_list)(engsched_storage *s, engsched_id engagement,
                             engsched_storage_file_fn row, void *ctx);

    /** @brief Append an event; the backend assigns the next sequence number. */
    engsched_rc (*event_append)(engsched_storage *s, const engsched_rec_event *rec,
                                int64_t *out_seq);
    /**
     * @brief Events of one engagement (or of all when @p engagement is 0)
     * with seq > @p after_seq, oldest first, at most @p limit.
     */
    engsched_rc (*event_list)(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                              unsigned int limit, engsched_storage_event_fn row, void *ctx);
    /** @brief The newest sequence number, 0 if none. */
    engsched_rc (*event_last_seq)(engsched_storage *s, int64_t *out_seq);

    /** @brief The List and Calendar query (see ::engsched_storage_query). */
    engsched_rc (*engagement_query)(engsched_storage *s, const engsched_storage_query *q,
                                    engsched_storage_engagement_fn row, void *ctx);

    /**
     * @brief Users whose role holds every bit of @p permissions, ordered by
     * (display_name, id), after (@p after_name, @p after_id) when
     * @p after_name is not NULL, at most @p limit.
     *
     * With @p scope_user not 0, only users who share a client with it: the
     * scope user or the listed user has the all-clients flag, or both have
     * an access row for one client.
     */
    engsched_rc (*users_with_permissions)(engsched_storage *s, unsigned int permissions,
                                          engsched_id scope_user, const char *after_name,
                                          engsched_id after_id, unsigned int limit,
                                          engsched_storage_user_fn row, void *ctx);

    /**
     * @brief Engagements @p user is assigned to whose status is in the
     * mask @p statuses and that overlap [@p range_start, @p range_end],
     * ordered by (start_day, id).
     *
     * The core reads only id, client, name, start_day, end_day and status
     * of these rows (Availability and conflict checks run it once per
     * operator); a backend may leave the other fields empty ("" and 0,
     * custom_fields "{}") rather than read them.
     */
    engsched_rc (*operator_work)(engsched_storage *s, engsched_id user, unsigned int statuses,
                                 int32_t range_start, int32_t range_end,
                                 engsched_storage_engagement_fn row, void *ctx);

    /** @brief Insert unavailability (rec->id ignored). */
    engsched_rc (*unavailability_insert)(engsched_storage *s,
                                         const engsched_rec_unavailability *rec,
                                         engsched_id *out_id);
    /** @brief Read unavailability by id; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*unavailability_get)(engsched_storage *s, engsched_id id,
                                      engsched_rec_unavailability *out);
    /** @brief Delete unavailability; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*unavailability_delete)(engsched_storage *s, engsched_id id);
    /**
     * @brief A user's unavailability overlapping [@p range_start,
     * @p range_end], ordered by (start_day, id).
     */
    engsched_rc (*unavailability_list)(engsched_storage *s, engsched_id user,
                                       int32_t range_start, int32_t range_end,
                                       engsched_storage_unavailability_fn row, void *ctx);

    /** @brief Read an invitation; ::ENGSCHED_ENOTFOUND if none was ever sent. */
    engsched_rc (*invitation_get)(engsched_storage *s, engsched_id engagement, engsched_id user,
                                  engsched_rec_invitation *out);
    /** @brief Insert or replace an invitation. */
    engsched_rc (*invitation_put)(engsched_storage *s, const engsched_rec_invitation *rec);

    /** @brief Clients with id > @p after_id, in id order, at most @p limit. */
    engsched_rc (*client_list)(engsched_storage *s, engsched_id after_id, unsigned int limit,
                               engsched_storage_client_fn row, void *ctx);
    /** @brief Users with id > @p after_id, in id order, at most @p limit. */
    engsched_rc (*user_list)(engsched_storage *s, engsched_id after_id, unsigned int limit,
                             engsched_storage_user_fn row, void *ctx);
    /** @brief Every role, in id order. */
    engsched_rc (*role_list)(engsched_storage *s, engsched_storage_role_fn row, void *ctx);
    /** @brief The clients a user has access rows for, in id order. */
    engsched_rc (*access_list)(engsched_storage *s, engsched_id user,
                               engsched_storage_client_fn row, void *ctx);

    /*
     * The members above are version 1 of the table. Those below were added
     * by version 2; the core reads them only from a table whose version
     * is 2 or more.
     */

    /* version 2 adds: savepoint, release, rollback_to (optional: all three
     * or none). */

    /**
     * @brief Optional (version 2): open a savepoint in the open write
     *        transaction. Give all three savepoint callbacks or none.
     *
     * The core opens at most one at a time (nesting depth one), always
     * inside begin(s, 1) … commit()/rollback(), and ends it with release()
     * (after rollback_to() when the operation failed). On failure no
     * savepoint exists and the transaction must be as before; the core
     * fails that operation and goes on. If the transaction itself is lost
     * (an error the database undid it for), say so here and in release()
     * or rollback_to(), and make the later commit() fail: never start a
     * new transaction. SQL: `SAVEPOINT name`.
     */
    engsched_rc (*savepoint)(engsched_storage *s);
    /**
     * @brief Optional (version 2): end the savepoint, keeping its changes in
     *        the transaction. SQL: `RELEASE name`.
     */
    engsched_rc (*release)(engsched_storage *s);
    /**
     * @brief Optional (version 2): undo every change since savepoint(),
     *        leaving the savepoint open (the core releases it next) and the
     *        transaction usable, also after a failed callback.
     *
     * A failure here means the changes may still be in the transaction:
     * the core then rolls the whole transaction back. SQL: `ROLLBACK TO
     * name`.
     */
    engsched_rc (*rollback_to)(engsched_storage *s);

    /* version 3 adds: outbox_put, outbox_get, outbox_update, outbox_list,
     * outbox_count, outbox_purge (optional: all six or none). Without them
     * the core delivers after commit from memory, as versions 1 and 2 did:
     * nothing is kept for a later delivery. */

    /**
     * @brief Optional (version 3): store a new outbox item, in the write
     *        transaction of the change that owes it.
     *
     * @p rec->id is ignored; the new id, rising, goes to @p out_id.
     */
    engsched_rc (*outbox_put)(engsched_storage *s, const engsched_rec_outbox *rec,
                              int64_t *out_id);
    /** @brief Optional (version 3): read one item; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*outbox_get)(engsched_storage *s, int64_t id, engsched_rec_outbox *out);
    /**
     * @brief Optional (version 3): overwrite every member of item
     *        @p rec->id but kind, engagement, user, event_seq and
     *        created_at; ::ENGSCHED_ENOTFOUND.
     */
    engsched_rc (*outbox_update)(engsched_storage *s, const engsched_rec_outbox *rec);
    /** @brief Optional (version 3): the items the filter selects, in id order. */
    engsched_rc (*outbox_list)(engsched_storage *s, const engsched_storage_outbox_filter *f,
                               engsched_storage_outbox_fn row, void *ctx);
    /** @brief Optional (version 3): how many items are in any of the @p states. */
    engsched_rc (*outbox_count)(engsched_storage *s, unsigned int states, int64_t *out_count);
    /**
     * @brief Optional (version 3): delete the delivered items last updated
     *        before @p before (UTC seconds); how many to @p out_removed.
     */
    engsched_rc (*outbox_purge)(engsched_storage *s, int64_t before, int64_t *out_removed);

    /* version 4 adds: invitation_find, feed_token_put, feed_token_get,
     * feed_token_find, feed_token_delete (optional: all five or none), and
     * the members of ::engsched_rec_invitation after its "version 4 adds".
     * Without them an invitation keeps the UID and organizer of versions 1
     * to 3, engsched_invitation_reply() and the feed token calls return
     * ::ENGSCHED_EUNSUPPORTED. */

    /**
     * @brief Optional (version 4): the invitation whose @ref
     *        engsched_rec_invitation::uid is @p uid; ::ENGSCHED_ENOTFOUND.
     *        Never matches a row whose uid is "".
     */
    engsched_rc (*invitation_find)(engsched_storage *s, const char *uid,
                                   engsched_rec_invitation *out);
    /**
     * @brief Optional (version 4): store the token of @p rec->user,
     *        replacing the one the user had; ::ENGSCHED_EEXISTS if
     *        another user's token has the same token_id.
     */
    engsched_rc (*feed_token_put)(engsched_storage *s, const engsched_rec_feed_token *rec);
    /** @brief Optional (version 4): the token of @p user; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*feed_token_get)(engsched_storage *s, engsched_id user,
                                  engsched_rec_feed_token *out);
    /** @brief Optional (version 4): the token with @p token_id; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*feed_token_find)(engsched_storage *s, const char *token_id,
                                   engsched_rec_feed_token *out);
    /** @brief Optional (version 4): delete the token of @p user; ::ENGSCHED_ENOTFOUND. */
    engsched_rc (*feed_token_delete)(engsched_storage *s, engsched_id user);

    /* version 5 adds: backup (optional). Without it engsched_backup()
     * returns ::ENGSCHED_EUNSUPPORTED. */

    /**
     * @brief Optional (version 5): copy the whole store, as the open read
     *        transaction sees it, into the file @p dest_path.
     *
     * The core calls it between begin(s, 0) and commit(), so the copy is
     * that transaction's snapshot; the backend must make sure the snapshot
     * is taken (a deferred transaction may not have read yet) and keep it
     * to the end. @p dest_path names an empty file the core created (mode
     * 0600) beside the backup's final name; the backend fills it with a
     * store that engsched_open() takes and closes it. The core then
     * flushes it and links it into place, or removes it after a failure
     * (the backend removes any side files of its own, such as journals).
     * @p opts has every member of ::ENGSCHED_BACKUP_OPTIONS_VERSION, with
     * pages_per_step already defaulted (never 0): how much to copy at a
     * time and how long to pause between steps, for backends that copy in
     * steps.
     */
    engsched_rc (*backup)(engsched_storage *s, const char *dest_path,
                          const engsched_backup_options *opts);

    /* version 6 adds: assignment_update, operator_allocations (optional,
     * both or neither). Without them assignments cover their whole
     * engagement at 100 %, firm, and engsched_assign_ex() with a window,
     * a share or a hold returns ::ENGSCHED_EUNSUPPORTED. The version 6
     * members of ::engsched_rec_assignment are stored by assignment_insert
     * and returned by assignment_list of a version 6 backend. */

    /**
     * @brief Optional (version 6): change the role, window, share and hold
     *        of the assignment (@p rec's engagement and user) to @p rec's;
     *        ::ENGSCHED_ENOTFOUND when there is none. assigned_by and
     *        assigned_at are kept. A window that is not @ref
     *        engsched_rec_assignment::windowed follows the engagement's
     *        dates again.
     */
    engsched_rc (*assignment_update)(engsched_storage *s, const engsched_rec_assignment *rec);

    /**
     * @brief Optional (version 6): like operator_work, the assignments of
     *        @p user on engagements with a status in the mask @p statuses
     *        whose window overlaps [@p range_start, @p range_end], ordered
     *        by (window start, engagement id), each with its engagement.
     *
     * The window, not the engagement's dates, decides the overlap; the
     * engagement carries what operator_work rows carry.
     */
    engsched_rc (*operator_allocations)(engsched_storage *s, engsched_id user,
                                        unsigned int statuses, int32_t range_start,
                                        int32_t range_end, engsched_storage_allocation_fn row,
                                        void *ctx);

    /* version 6 also adds: user_skills_set, user_skills_list,
     * engagement_skills_set, engagement_skills_list (optional: all four
     * or none). Without them users and engagements have no skills, and
     * the skills calls return ::ENGSCHED_EUNSUPPORTED; candidates are
     * ranked as if no skill were required. */

    /**
     * @brief Optional (version 6): replace the skills of @p user by the
     *        @p count distinct, valid @p tags (the core checks and folds
     *        them; 0 clears the set). The user exists.
     */
    engsched_rc (*user_skills_set)(engsched_storage *s, engsched_id user,
                                   const char *const *tags, size_t count);
    /** @brief Optional (version 6): the skills of @p user, bytewise order. */
    engsched_rc (*user_skills_list)(engsched_storage *s, engsched_id user,
                                    engsched_storage_tag_fn row, void *ctx);
    /**
     * @brief Optional (version 6): replace the skills @p engagement
     *        requires, as user_skills_set(). The engagement exists.
     */
    engsched_rc (*engagement_skills_set)(engsched_storage *s, engsched_id engagement,
                                         const char *const *tags, size_t count);
    /** @brief Optional (version 6): the skills @p engagement requires, bytewise order. */
    engsched_rc (*engagement_skills_list)(engsched_storage *s, engsched_id engagement,
                                          engsched_storage_tag_fn row, void *ctx);
    /* version 6 also adds: recurring_due (optional), and the members of
     * ::engsched_rec_engagement after its "version 6 adds". Without it
     * engsched_recurrence_set() returns ::ENGSCHED_EUNSUPPORTED and the
     * tick creates no occurrences; the record's version 6 members are
     * then never read from the backend's rows and always their defaults. */

    /**
     * @brief Optional (version 6): the recurring series whose next
     *        occurrence is due: rows with a @ref
     *        engsched_rec_engagement::recurrence other than "", a @ref
     *        engsched_rec_engagement::recurrence_next_day at most
     *        @p until_day, a status in the mask @p statuses (of
     *        ::ENGSCHED_STATUS_BIT values) and id > @p after_id; in id
     *        order, at most @p limit.
     *
     * The hourly tick runs it on every tick, so it should cost nothing
     * much when no series is due (the SQL backends walk a partial index
     * over the recurring rows alone).
     */
    engsched_rc (*recurring_due)(engsched_storage *s, int32_t until_day, unsigned int statuses,
                                 engsched_id after_id, unsigned int limit,
                                 engsched_storage_engagement_fn row, void *ctx);

    /* version 7 adds: range_staffing and range_unavailability (optional,
     * both or neither). Without them capacity reads each operator's work
     * and each engagement's assignments with the version 1 and 6
     * callbacks, one query each. */

    /**
     * @brief Optional (version 7): every engagement with a status in the
     *        mask @p statuses whose dates overlap [@p range_start,
     *        @p range_end], each once per assignment (the rows of one
     *        engagement consecutive), or once with @p assignment NULL when
     *        it has none; engagements in (start_day, id) order.
     *
     * One set-based read for what capacity needs of a range: the load of
     * every operator and the staffing of every engagement (capacity), and
     * every operator's work in an engagement's dates (candidates). The
     * core reads only id, client, start_day, end_day and status of the
     * engagement, and its name when @p names is nonzero (a backend may
     * leave the rest "" and 0, custom_fields "{}": without names the SQL
     * backends read their date index alone); the
     * assignment carries its version 6 members, with a
     * window anywhere in the engagement's dates (the core clips it to the
     * range). Client access is not applied: the core decides what a
     * viewer may see.
     */
    engsched_rc (*range_staffing)(engsched_storage *s, unsigned int statuses, int32_t range_start,
                                  int32_t range_end, int names,
                                  engsched_storage_allocation_fn row, void *ctx);

    /**
     * @brief Optional (version 7, with range_staffing): the unavailability
     *        of every user overlapping [@p range_start, @p range_end], in
     *        any order.
     */
    engsched_rc (*range_unavailability)(engsched_storage *s, int32_t range_start,
                                        int32_t range_end,
                                        engsched_storage_unavailability_fn row, void *ctx);

    /* version 8 adds: engagements_start_due (optional). Without it the
     * tick reads the due rows with engagements_due() and writes each with
     * engagement_update(). Then outbox_mark (optional). Without it
     * delivery reads each item back with outbox_get() and writes it with
     * outbox_update(). */

    /**
     * @brief Optional (version 8): move the due engagements of one chunk
     *        to @p new_status in one statement, and pass each moved row
     *        to @p row.
     *
     * The rows are those engagements_due() would list with the same
     * @p day, @p after_id and @p limit: status ::ENGSCHED_STATUS_SCHEDULED,
     * start_day at most @p day, id > @p after_id, the first @p limit in id
     * order. Each gets status @p new_status, version one higher and
     * updated_at @p now, and nothing else changes (no other column, no
     * report): exactly what engagement_update() would store for the row
     * with those three members changed. The core derives @p new_status
     * from its rules (a Scheduled engagement whose first day has come);
     * the backend never decides it.
     *
     * Each moved row is passed once, in any order (the core sorts them),
     * with id, start_day, status (the new one), version and updated_at
     * (the new ones), report and report_status (the report is optional:
     * 0 and NONE without one); the other members may be "" and 0,
     * custom_fields "{}". A non-OK return from @p row stops the
     * iteration and is returned; the moves already made stay in the open
     * transaction, which the core then rolls back.
     */
    engsched_rc (*engagements_start_due)(engsched_storage *s, int32_t day, engsched_id after_id,
                                         unsigned int limit, int new_status, int64_t now,
                                         engsched_storage_engagement_fn row, void *ctx);

    /**
     * @brief Optional (version 8): mark many outbox items at once, each
     *        only if it is still pending and claimed by @p claim.
     *
     * Of the items whose ids are in @p ids (any order, @p n of them, 0
     * allowed), those with state ::ENGSCHED_OUTBOX_PENDING and claim
     * @p claim get state @p state, reason "" and updated_at
     * @p updated_at; nothing else changes (claim and claimed_until stay).
     * Others, and ids of no item, are left alone: a deliverer whose lease
     * ran out must not overwrite what its successor wrote. The same as
     * outbox_get() and, for each item that matches, outbox_update() with
     * those three members changed, but in as few statements as the
     * backend can (the built-in ones: one per 500 ids).
     * @param out_marked receives how many items changed (may be NULL)
     */
    engsched_rc (*outbox_mark)(engsched_storage *s, const engsched_id *ids, size_t n,
                               int64_t claim, int state, int64_t updated_at,
                               int64_t *out_marked);

    /*
     * The members above are versions 1 to 8. A new version appends its
     * members here, after "version 9 adds: ...", raises
     * ENGSCHED_STORAGE_VERSION, and adds a NULL per member to
     * ENGSCHED_STORAGE_INIT and the version's size to
     * engsched_storage_init() (lib/storage/storage.c).
     */
};

/**
 * @brief Static initialiser for ::engsched_storage: `version` is
 *        ::ENGSCHED_STORAGE_VERSION and every callback NULL.
 *
 * @code
 * static const engsched_storage my_table_template = ENGSCHED_STORAGE_INIT;
 * b->base = my_table_template;
 * b->base.free = my_free;
 * @endcode
 * It lists every member rather than using designated initialisers, so it
 * also compiles as C++ before C++20 and keeps -Wextra
 * (-Wmissing-field-initializers) quiet in the host's build. The same
 * table as engsched_storage_init(&table, ENGSCHED_STORAGE_VERSION).
 */
#define ENGSCHED_STORAGE_INIT                                                          \
    { ENGSCHED_STORAGE_VERSION,                                                         \
      /* version 1: free ... access_list */                                             \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                       \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                       \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                       \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                       \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,                       \
      NULL,                                                                             \
      /* version 2 adds: savepoint, release, rollback_to */                             \
      NULL, NULL, NULL,                                                                 \
      /* version 3 adds: outbox_put ... outbox_purge */                                 \
      NULL, NULL, NULL, NULL, NULL, NULL,                                               \
      /* version 4 adds: invitation_find ... feed_token_delete */                       \
      NULL, NULL, NULL, NULL, NULL,                                                     \
      /* version 5 adds: backup */                                                      \
      NULL,                                                                             \
      /* version 6 adds: assignment_update, operator_allocations, */                    \
      /* user_skills_set ... engagement_skills_list, recurring_due */                   \
      NULL, NULL, NULL, NULL, NULL, NULL, NULL,                                         \
      /* version 7 adds: range_staffing, range_unavailability */                        \
      NULL, NULL,                                                                       \
      /* version 8 adds: engagements_start_due, outbox_mark */                          \
      NULL, NULL }

/**
 * @brief Initialise a callback table of version @p version: `version`
 *        set and every member of that version NULL, like libgit2's
 *        git_odb_init_backend().
 *
 * Only the members of @p version are written, so a table compiled against
 * an older header (shorter) is safe to pass with the version of that
 * header. Called with ::ENGSCHED_STORAGE_VERSION it gives the same table as
 * ::ENGSCHED_STORAGE_INIT; unlike the macro, it also tells a backend built
 * against a newer header that the library it runs with is older.
 * @param backend the table to initialise (the first member of the
 *        backend's structure)
 * @param version the version the backend implements, normally
 *        ::ENGSCHED_STORAGE_VERSION
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL if @p backend is NULL;
 *         ::ENGSCHED_EUNSUPPORTED for version 0 or a version newer than
 *         this library's, the table unchanged. Failures are described in
 *         engsched_storage_errmsg().
 */
ENGSCHED_API engsched_rc engsched_storage_init(engsched_storage *backend, unsigned int version);

/**
 * @brief Describe the failure a callback is about to return; the core
 *        copies the text into the handle's error message.
 *
 * Backends call it with their own table. Never include secrets
 * (passwords) in the message.
 * @param s the backend
 * @param fmt printf-style format
 * @param ... arguments
 */
ENGSCHED_API void engsched_storage_set_error(engsched_storage *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/**
 * @brief The message set with engsched_storage_set_error() (for backends
 *        that wrap other backends).
 * @param s the backend
 * @return the message, "" if none
 */
ENGSCHED_API const char *engsched_storage_errmsg(const engsched_storage *s);

/**
 * @brief Open a handle on a custom backend.
 *
 * On success the handle owns @p backend and calls its free() on
 * engsched_close(); on failure the caller keeps it.
 * @param backend a filled callback table of version 1 to
 *        ::ENGSCHED_STORAGE_VERSION (the version field says which members
 *        exist)
 * @param opts options, or NULL for the defaults
 * @param[out] out the handle
 * @return ::ENGSCHED_OK, ::ENGSCHED_EMISUSE (an unknown version, a missing
 *         required callback, or only some of the savepoint callbacks), or
 *         what prepare() returned
 */
ENGSCHED_API engsched_rc engsched_open_backend(engsched_storage *backend,
                                               const engsched_options *opts, engsched **out);

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_STORAGE_H */
