/**
 * @file delivery.h
 * @brief Durable delivery: the outbox of invitation mail and event
 *        documents, delivery with retries, and the event stream.
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * Every invitation message and every event document a change owes the
 * outside world is written to the store's outbox in the same transaction
 * as the change (with the built-in backends, and with a custom backend
 * whose table has the version 3 outbox callbacks). Delivery hands each
 * pending item to the host's callback and marks it delivered only when the
 * callback accepts it (returns 0):
 * - invitation mail to engsched_options.on_mail;
 * - event documents to engsched_options.deliver_event, or to the older
 *   engsched_options.on_event, which cannot refuse.
 *
 * By default a handle delivers what each of its commits wrote right after
 * the commit (::ENGSCHED_DELIVER_ON_COMMIT). Whatever that could not
 * deliver (a refusing callback, a process that stopped) stays pending, and
 * engsched_deliver() — from the hourly job, a worker, or any handle —
 * delivers it later. A refused item is retried with exponential backoff
 * (setting `delivery_retry_seconds`, doubling per attempt, at most a day)
 * and is dead after `delivery_max_attempts` refusals; dead items are
 * listed with their reason and can be re-queued by an ADMIN.
 *
 * Delivery is at least once. A retried message is byte-identical (same
 * Message-ID and DTSTAMP: it was built once, with the change), and every
 * event document carries its sequence number `seq` as the receiver's
 * idempotency key.
 *
 * Several handles, processes or servers may deliver from one store at
 * once: each item is claimed by one deliverer (for `delivery_lease_seconds`)
 * before its callback runs, so nobody who keeps running hands it over
 * twice.
 *
 * An invitation that cannot be built (no `organizer_email` setting, an
 * operator without an address, a date the calendar code cannot write) is
 * recorded as undeliverable with the reason, an `invitation.undeliverable`
 * event is emitted, and the operation that caused it still succeeds;
 * engsched_undeliverable_count() tells the caller right after it.
 *
 * Event items wait until a handle with an event callback delivers them;
 * a tenant that reads events only with engsched_event_stream() sets
 * `outbox_events` to "off", and events are then handed to the event
 * callback from memory after the commit, once, without outbox items.
 *
 * With a custom backend of table version 1 or 2 (no outbox), invitations
 * and events are handed to the callbacks from memory after the commit,
 * once: nothing is kept, engsched_deliver() delivers nothing, and the
 * outbox functions return ::ENGSCHED_EUNSUPPORTED.
 */
#ifndef ENGSCHED_DELIVERY_H
#define ENGSCHED_DELIVERY_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Outbox
 *  @{ */

/** @brief What an outbox item carries. */
typedef enum engsched_outbox_kind {
    ENGSCHED_OUTBOX_MAIL = 1, /**< an invitation message for engsched_options.on_mail */
    ENGSCHED_OUTBOX_EVENT = 2 /**< an event document for the event callback */
} engsched_outbox_kind;

/** @brief Where an outbox item stands; bits, so that masks select several. */
typedef enum engsched_outbox_state {
    ENGSCHED_OUTBOX_PENDING = 1u << 0,      /**< waiting for delivery (or a retry) */
    ENGSCHED_OUTBOX_DELIVERED = 1u << 1,    /**< a callback accepted it */
    ENGSCHED_OUTBOX_DEAD = 1u << 2,         /**< refused `delivery_max_attempts` times */
    ENGSCHED_OUTBOX_UNDELIVERABLE = 1u << 3 /**< could not be built; see the reason */
} engsched_outbox_state;

/** @brief Every ::engsched_outbox_state bit. */
#define ENGSCHED_OUTBOX_ALL 15u

/**
 * @brief The name of one state bit ("pending", "delivered", "dead",
 *        "undeliverable").
 * @param state one ::engsched_outbox_state bit
 * @return a static string; NULL for anything else
 */
ENGSCHED_API const char *engsched_outbox_state_name(unsigned int state);

/**
 * @brief The name of a kind ("mail", "event").
 * @param kind an ::engsched_outbox_kind
 * @return a static string; NULL for anything else
 */
ENGSCHED_API const char *engsched_outbox_kind_name(int kind);

/** @brief How a handle delivers (engsched_options.delivery). */
typedef enum engsched_delivery_mode {
    ENGSCHED_DELIVER_ON_COMMIT = 0, /**< after each commit, what it wrote (the default) */
    ENGSCHED_DELIVER_EXPLICIT = 1   /**< only in engsched_deliver(): a worker delivers */
} engsched_delivery_mode;

/**
 * @brief What one engsched_deliver() call did. Set `version` to
 *        ::ENGSCHED_DELIVERY_RESULT_VERSION; members are only appended.
 */
typedef struct engsched_delivery_result {
    unsigned int version;   /**< ::ENGSCHED_DELIVERY_RESULT_VERSION */
    unsigned int delivered; /**< items a callback accepted */
    unsigned int retrying;  /**< items refused and scheduled for a retry */
    unsigned int dead;      /**< items refused for the last time */
} engsched_delivery_result;

/** @brief The current version of ::engsched_delivery_result. */
#define ENGSCHED_DELIVERY_RESULT_VERSION 1

/**
 * @brief Deliver pending items that are due to the handle's callbacks.
 *
 * Items are claimed a chunk at a time, in id order, and handed to the
 * callback of their kind; a kind without a callback on this handle is
 * left pending for another deliverer, untouched. Each accepted item is
 * marked delivered; a refused one is scheduled for a retry or is dead.
 * The callbacks may not use the handle.
 *
 * @param db the handle
 * @param limit at most this many items; 0 for every item that is due
 * @param[out] out what was done, or NULL
 * @return ::ENGSCHED_OK (also when callbacks refused);
 *         ::ENGSCHED_EMISUSE inside a batch or a callback;
 *         ::ENGSCHED_EUNSUPPORTED with a backend without an outbox;
 *         ::ENGSCHED_ENOMEM, ::ENGSCHED_EBUSY, ::ENGSCHED_ESTORAGE: an item
 *         being delivered when it failed stays pending (it may have reached
 *         its callback: delivery is at least once)
 */
ENGSCHED_API engsched_rc engsched_deliver(engsched *db, unsigned int limit,
                                          engsched_delivery_result *out);

/**
 * @brief How many invitations the last write operation on @p db recorded
 *        as undeliverable (engsched_outbox_list() with
 *        ::ENGSCHED_OUTBOX_UNDELIVERABLE gives the reasons).
 * @param db the handle, or NULL (0)
 * @return the count, 0 after any other call
 */
ENGSCHED_API unsigned int engsched_undeliverable_count(const engsched *db);

/**
 * @brief One outbox item, as engsched_outbox_list_get() shows it.
 *        Members are only appended.
 */
typedef struct engsched_outbox_entry {
    int64_t id;               /**< the item */
    int kind;                 /**< ::engsched_outbox_kind */
    unsigned int state;       /**< one ::engsched_outbox_state bit */
    engsched_id engagement;   /**< 0 if none */
    engsched_id user;         /**< mail: the operator; 0 for events */
    int64_t event_seq;        /**< events: the event's sequence number; 0 for mail */
    unsigned int attempts;    /**< refused deliveries so far */
    int64_t next_attempt_at;  /**< pending: UTC seconds from which it is due */
    int64_t created_at;       /**< UTC seconds */
    int64_t updated_at;       /**< UTC seconds */
    const char *recipient;    /**< mail: the address; "" otherwise */
    const char *reason;       /**< why it was refused, is dead or undeliverable; "" if none */
} engsched_outbox_entry;

/** @brief A snapshot of outbox items (engsched_outbox_list()). */
typedef struct engsched_outbox_list engsched_outbox_list;

/**
 * @brief The items in any of @p states after @p after_id, in id order.
 *
 * Needs ADMIN (the items describe every client's work) or
 * ::ENGSCHED_SYSTEM.
 * @param db the handle
 * @param actor ADMIN or ::ENGSCHED_SYSTEM
 * @param states a mask of ::engsched_outbox_state, not 0
 * @param after_id only items with a greater id (0 from the start)
 * @param limit at most this many, 1 to 1000
 * @param[out] out the snapshot, freed with engsched_outbox_list_free()
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL; ::ENGSCHED_EDENIED;
 *         ::ENGSCHED_ENOTFOUND (no such actor); ::ENGSCHED_EUNSUPPORTED;
 *         storage errors
 */
ENGSCHED_API engsched_rc engsched_outbox_list_get(engsched *db, engsched_id actor,
                                                  unsigned int states, int64_t after_id,
                                                  unsigned int limit,
                                                  engsched_outbox_list **out);

/**
 * @brief Free a snapshot.
 * @param list the snapshot; NULL is a no-op
 */
ENGSCHED_API void engsched_outbox_list_free(engsched_outbox_list *list);

/**
 * @brief The number of items in a snapshot.
 * @param list the snapshot, or NULL (0)
 * @return the count
 */
ENGSCHED_API size_t engsched_outbox_list_count(const engsched_outbox_list *list);

/**
 * @brief One item of a snapshot, valid as long as the snapshot.
 * @param list the snapshot
 * @param index 0 to engsched_outbox_list_count() - 1
 * @return the item, or NULL past the end or for a NULL list
 */
ENGSCHED_API const engsched_outbox_entry *
engsched_outbox_list_item(const engsched_outbox_list *list, size_t index);

/**
 * @brief How many items are in any of @p states.
 * @param db the handle
 * @param actor ADMIN or ::ENGSCHED_SYSTEM
 * @param states a mask of ::engsched_outbox_state, not 0
 * @param[out] out_count the number
 * @return as engsched_outbox_list_get()
 */
ENGSCHED_API engsched_rc engsched_outbox_count(engsched *db, engsched_id actor,
                                               unsigned int states, uint64_t *out_count);

/**
 * @brief Put dead and undeliverable items back to pending, due now, with
 *        no attempts.
 *
 * An undeliverable invitation is built again from the engagement as it
 * stands (after the organizer address was set, say); one that still cannot
 * be built stays undeliverable with the new reason. Needs ADMIN.
 * @param db the handle
 * @param actor ADMIN or ::ENGSCHED_SYSTEM
 * @param item the item, or 0 for every dead and undeliverable item
 * @param[out] out_requeued how many became pending, or NULL
 * @return ::ENGSCHED_OK; ::ENGSCHED_ENOTFOUND (no such item);
 *         ::ENGSCHED_ESTATE (the item is pending or delivered);
 *         ::ENGSCHED_EDENIED; ::ENGSCHED_EUNSUPPORTED; storage errors.
 *         What became pending is delivered on commit as usual.
 */
ENGSCHED_API engsched_rc engsched_outbox_requeue(engsched *db, engsched_id actor, int64_t item,
                                                 unsigned int *out_requeued);

/**
 * @brief Delete delivered items last updated before @p before; pending,
 *        dead and undeliverable items are kept. Needs ADMIN.
 * @param db the handle
 * @param actor ADMIN or ::ENGSCHED_SYSTEM
 * @param before UTC seconds
 * @param[out] out_removed how many were deleted, or NULL
 * @return as engsched_outbox_requeue()
 */
ENGSCHED_API engsched_rc engsched_outbox_purge(engsched *db, engsched_id actor, int64_t before,
                                               uint64_t *out_removed);
/** @} */

/** @name Event stream
 *  @{ */

/**
 * @brief Every event after sequence number @p after_seq, oldest first, for
 *        a system consumer such as a webhook forwarder.
 *
 * Each document is the one the event callback receives, with its
 * signature when the `webhook_secret` setting is set (see
 * engsched_event_deliver_fn). A forwarder that remembers the last `seq`
 * it forwarded resumes exactly there after a crash: the stream is read
 * from the store, not from the outbox, and never skips or repeats.
 * @param db the handle
 * @param actor ::ENGSCHED_SYSTEM (the stream spans every client)
 * @param after_seq 0 from the first event
 * @param limit at most this many, 1 to 10000
 * @param fn receives each event; a nonzero return stops the stream
 *        (that event counts as not taken)
 * @param ctx passed to @p fn
 * @param[out] out_last_seq the seq of the last event @p fn took
 *        (@p after_seq if none), or NULL
 * @return ::ENGSCHED_OK (also when @p fn stopped it); ::ENGSCHED_EINVAL;
 *         ::ENGSCHED_EDENIED (not the system actor); ::ENGSCHED_EMISUSE
 *         (in a callback); storage errors
 */
ENGSCHED_API engsched_rc engsched_event_stream(engsched *db, engsched_id actor,
                                               int64_t after_seq, unsigned int limit,
                                               engsched_event_deliver_fn fn, void *ctx,
                                               int64_t *out_last_seq);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_DELIVERY_H */
