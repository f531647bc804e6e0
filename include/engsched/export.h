/**
 * @file export.h
 * @brief Export and import as a stream: the whole store (or what an actor
 *        may see) written to, or read from, a callback a piece at a time.
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * engsched_export_json() and engsched_import_json() hold the whole
 * document in memory. The functions here write and read the same document
 * (docs/json.md, format version 2) through callbacks, so a store of any
 * size goes to a file, a socket or a compressor, and comes back from one,
 * in memory that does not grow with the number of engagements. A
 * full export (ADMIN or the system) is a restore: importing it into an
 * empty store gives back the store it came from, its identity, settings,
 * unavailability and audit trail included.
 *
 * A callback runs inside the call, while the library holds a transaction
 * on the handle: it must not call the library with the same handle.
 */
#ifndef ENGSCHED_EXPORT_H
#define ENGSCHED_EXPORT_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Streaming export and import
 *  @{ */

/** @brief Include the store's secrets: settings `webhook_secret` and
 *         `page_token_key` in the export's `settings`, and `feed_tokens` (each user's feed token
 *         id and the hash of its secret, so subscriptions go on working
 *         after a restore). The document then holds a signing key in
 *         clear: store and move it as the secret it is. */
#define ENGSCHED_EXPORT_SECRETS (1u << 0)

/** @brief How to export (::ENGSCHED_EXPORT_OPTIONS_VERSION). */
typedef struct engsched_export_options {
    /** ::ENGSCHED_EXPORT_OPTIONS_VERSION as the caller was compiled with */
    unsigned int version;
    /** ::ENGSCHED_EXPORT_SECRETS or 0 (the default) */
    unsigned int flags;
    /* version 1: every member above. Later versions append theirs here. */
} engsched_export_options;

/** @brief The current version of ::engsched_export_options: 1. */
#define ENGSCHED_EXPORT_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_export_options with the
 *         defaults: no secrets. */
#define ENGSCHED_EXPORT_OPTIONS_INIT { ENGSCHED_EXPORT_OPTIONS_VERSION, 0 }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the structure to fill
 * @param version ::ENGSCHED_EXPORT_OPTIONS_VERSION as the caller was
 *        compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_export_options_init(engsched_export_options *opts,
                                                      unsigned int version);

/**
 * @brief Where an export goes: called with each next piece of the
 *        document, in order.
 * @param ctx the caller's pointer
 * @param data the bytes (not NUL-terminated)
 * @param len how many, at least 1
 * @return 0 to go on; anything else stops the export, which then returns
 *         ::ENGSCHED_ESTORAGE
 */
typedef int (*engsched_write_fn)(void *ctx, const char *data, size_t len);

/**
 * @brief Where an import comes from: fill @p buf with the next bytes of
 *        the document.
 * @param ctx the caller's pointer
 * @param buf where to put them
 * @param size room in @p buf, at least 1
 * @return how many bytes were put (1 to @p size); 0 at the end of the
 *         document; -1 when reading failed (the import then returns
 *         ::ENGSCHED_ESTORAGE and writes nothing)
 */
typedef long (*engsched_read_fn)(void *ctx, char *buf, size_t size);

/**
 * @brief Export everything @p actor may see, as engsched_export_json()
 *        does, written to @p write a piece at a time.
 *
 * One read transaction: the document is one consistent snapshot. Memory
 * holds one engagement (with its files) at a time, besides the directory
 * and, in a full export, 8 bytes per engagement (their ids, to write them in creation order).
 * @param db the handle
 * @param actor the acting user (VIEW; file contents need FILES_DOWNLOAD;
 *        the directory, settings, unavailability and trail need ADMIN)
 * @param opts options, or NULL for the defaults
 * @param write the writer
 * @param ctx passed to @p write
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL (NULL @p write);
 *         ::ENGSCHED_EMISUSE (bad @p opts version); ::ENGSCHED_EDENIED
 *         (::ENGSCHED_EXPORT_SECRETS without ADMIN); ::ENGSCHED_ENOTFOUND
 *         (unknown actor); ::ENGSCHED_ESTORAGE (the writer stopped, or
 *         the store failed); ::ENGSCHED_ENOMEM. On failure part of the
 *         document may have been written: the caller discards it.
 */
ENGSCHED_API engsched_rc engsched_export(engsched *db, engsched_id actor,
                                         const engsched_export_options *opts,
                                         engsched_write_fn write, void *ctx);

/**
 * @brief Import an export document read from @p read, as
 *        engsched_import_json() does.
 *
 * All or nothing, in one write transaction. A document that starts as the
 * export writes it (`"format"`, then `"version": 2`) is read one item at a
 * time: each is parsed, checked and written before the next is read, so
 * memory holds the directory and one item however many engagements follow.
 * Its members must then come in the export's order (`store`, `settings`,
 * `roles`, `clients`, `users`, `unavailability`, `engagements`, `events`,
 * `feed_tokens`; unknown ones anywhere), or ::ENGSCHED_EINVAL names the
 * one out of place. Any other document (version 1, or one a tool rewrote)
 * is read whole first and imported as engsched_import_json() imports it.
 * @param db the handle
 * @param actor the acting user or ::ENGSCHED_SYSTEM (ADMIN)
 * @param read the reader
 * @param ctx passed to @p read
 * @param[out] out_count how many engagements were imported, or NULL
 * @return as engsched_import_json(); ::ENGSCHED_EINVAL also for a NULL
 *         @p read; ::ENGSCHED_ESTORAGE when @p read failed
 */
ENGSCHED_API engsched_rc engsched_import(engsched *db, engsched_id actor, engsched_read_fn read,
                                         void *ctx, unsigned int *out_count);
/** @} */

#ifdef __cplusplus
}
#endif

#endif
