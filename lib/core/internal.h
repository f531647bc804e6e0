/* core/: the handle (open, errors, transactions and batches, settings,
 * access, events, the engagement store); includes util/, rules/,
 * calendar/ and storage/, never views/ or above. */
/* The scheduler handle and the helpers every operation shares. Nothing
 * here is exported; the public contract is include/engsched/. */
#ifndef ENGSCHED_INTERNAL_H
#define ENGSCHED_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include <engsched/engsched.h>
#include <engsched/storage.h>

#include "storage/dispatch.h" /* the thread-local backend message */
#include "rules/rules.h"       /* es_assignee */
#include "util/alloc.h"
#include "util/crypto.h"

#define ES_ERRMSG_MAX 512

/* A committed event waiting for the host's callback. */
typedef struct es_pending_event {
    char *json;
    int64_t seq;
} es_pending_event;

/* Committed events past the in-memory queue, read back from the store
 * after commit (delivery/events.c): seq in (after, last]; last 0 if none. */
typedef struct es_event_range {
    int64_t after;
    int64_t last;
} es_event_range;

/* An invitation whose mail goes out after commit. */
typedef struct es_pending_mail {
    engsched_id engagement;
    engsched_id user;
} es_pending_mail;

/* The outbox ids a transaction wrote: (after, last]; last 0 if none. */
typedef struct es_id_range {
    int64_t after;
    int64_t last;
} es_id_range;

/* An outbox item claimed for delivery, with copies of what the callback
 * gets: kept by the transaction that wrote it (core/outbox.c) or read by
 * a claim (delivery/outbox_deliver.c). */
typedef struct es_claimed {
    engsched_rec_outbox rec; /* its strings point at the copies below */
    char *recipient;
    char *payload; /* mail: the message; events: the document */
    size_t length;
    char signature[ES_SIGNATURE_LEN];
    int is_signed;
    int accepted;
} es_claimed;

/* What committed transactions owe the host, handed from the commit
 * (core/txn.c) to delivery (delivery/deliver.c), which empties it. With an
 * outbox (table version 3) only the range of the items the commit wrote;
 * without one the events and mail themselves, from memory. */
typedef struct es_committed {
    es_pending_event *events;
    size_t event_count;
    size_t event_cap;
    es_event_range spilled;
    es_pending_mail *mail;
    size_t mail_count;
    size_t mail_cap;
    es_id_range outbox; /* items written pending, for the ordinary claim */
    es_claimed *own;    /* items written claimed by this handle */
    size_t own_count;
    size_t own_cap;
} es_committed;

/* A batch (core/txn.c): the handle's operations share one write transaction,
 * each write operation in a savepoint of its own. */
typedef enum es_batch_state {
    ES_BATCH_NONE = 0,
    ES_BATCH_OPEN,  /* the transaction is open; operations run inside it */
    ES_BATCH_BROKEN /* an operation could not be undone: all was rolled back */
} es_batch_state;

/* The operation running inside a batch, between es_begin and es_finish. */
typedef enum es_batch_op {
    ES_BATCH_OP_NONE = 0,
    ES_BATCH_OP_READ, /* reads the batch's transaction, no savepoint */
    ES_BATCH_OP_WRITE /* in a savepoint */
} es_batch_op;

struct engsched {
    engsched_storage *storage;
    engsched_options opts;
    engsched_rc errcode;
    char errmsg[ES_ERRMSG_MAX];
    int in_txn;
    int dispatching; /* inside the host's event callback */
    /* Inside a host callback (log, clock, events, mail, export writer,
     * import reader): every call on the handle returns EMISUSE and leaves
     * its code and message alone, so a callback that uses its handle can
     * neither recurse (log -> call -> log ...) nor overwrite the result of
     * the call that invoked it. A count: a log line from inside the clock. */
    int in_callback;
    int delivering;  /* after a commit: building mail, calling on_mail and on_event */
    int savepoints;  /* the backend has savepoint callbacks (table version 2) */
    int outbox;      /* the backend keeps an outbox (table version 3) */
    int series;      /* invitation series, replies, feed tokens (table version 4) */
    int backup;      /* the backend can copy itself: engsched_backup() (table version 5) */
    int allocations; /* windows, shares and holds of assignments (table version 6) */
    int skills;      /* user and engagement skills (table version 6) */
    int recurrence;  /* recurring series: recurring_due() and the v6 record members (6) */
    int range_staffing; /* a range's engagements with their assignments in one read (7) */
    int start_due;      /* the tick moves a chunk of due engagements in one statement (8) */
    int outbox_mark;    /* delivery marks a chunk's delivered items in one statement (8) */
    int64_t claim_token;       /* this handle's claims on outbox items */
    /* Page tokens' key when the store has none (a read-only handle of an
     * older store): random, made on first use, for this handle only. */
    unsigned char page_key[ES_SEAL_KEY_BYTES];
    int page_key_made;
    es_id_range txn_outbox;    /* items this transaction wrote pending for this handle */
    es_claimed *own;           /* ... and those it wrote claimed (core/outbox.h) */
    size_t own_count;
    size_t own_cap;
    size_t batch_own;          /* own_count when the write operation began */
    int64_t txn_lease_until;   /* the claims' end, read once per transaction; 0 unread */
    char *txn_secret;          /* the webhook secret, read once per transaction */
    int txn_events_outbox;     /* setting outbox_events: 1 on, 0 off, -1 unread */
    unsigned int undeliverable; /* invitations the last write operation could not build */
    es_pending_event *pending;
    size_t pending_count;
    size_t pending_cap;
    es_pending_mail *mail;
    size_t mail_count;
    size_t mail_cap;
    es_event_range spilled; /* this transaction's events not in pending */
    es_committed committed; /* committed, not yet delivered */
    /* What delivery holds while the callbacks run (delivery/): the commit
     * being handed over and the chunk of claimed items, kept on the handle
     * rather than the stack, so that a callback that never returns
     * (longjmp) leaves them owned by the handle, not leaked; what is
     * durable is in the outbox anyway. Empty between operations. */
    es_committed handing;
    void *handing_chunk;
    es_batch_state batch;
    es_batch_op batch_op;
    size_t batch_events;  /* pending_count when the write operation began */
    size_t batch_mail;    /* mail_count when the write operation began */
    engsched_rc batch_rc; /* why a broken batch was rolled back ... */
    char batch_why[ES_ERRMSG_MAX]; /* ... and the message that said so */
    es_event_range batch_spilled; /* spilled when the write operation began */
};

/* The acting user as the rules see it: the system passes every check. */
typedef struct es_actor {
    engsched_id id;
    int is_system;
    unsigned int permissions;
    unsigned int flags;
} es_actor;

/* --- errors (error.c) --- */
engsched_rc es_fail(engsched *db, engsched_rc rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
engsched_rc es_ok(engsched *db);
/* Copy the backend's message for a failed callback into the handle. */
engsched_rc es_storage_fail(engsched *db, engsched_rc rc, const char *what);
/* Report a failed open when there is no handle to hold the message. */
void es_open_fail_message(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void es_log(engsched *db, engsched_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* --- transactions and batches (txn.c) --- */
engsched_rc es_begin(engsched *db, int write);
/* Commit; on failure roll back. The events and mail the transaction
 * queued move to db->committed, for delivery/ to hand to the host: the
 * commit itself calls no callback. */
engsched_rc es_commit(engsched *db);
/* Roll back and drop queued events (ending a batch, if one is open);
 * keeps the handle's error as it is. */
void es_rollback(engsched *db);
/* Finish a transaction: commit if rc is OK, else roll back. Returns rc or
 * the commit failure. */
engsched_rc es_finish(engsched *db, engsched_rc rc);
int64_t es_now(engsched *db);
/* Drop the events queued after the first @p keep (a failed operation's). */
void es_drop_events_after(engsched *db, size_t keep);
/* Free what db->committed holds (closing the handle). */
void es_committed_release(es_committed *c);
void es_claimed_release(es_claimed *items, size_t count);
/* Fill @p it with a copy of @p rec, its recipient and @p text (the message,
 * or an event's document) of @p length bytes; its strings then point at
 * the copies, and the reason is "". ENOMEM leaves nothing to release. */
engsched_rc es_claimed_fill(es_claimed *it, const engsched_rec_outbox *rec, const char *text,
                            size_t length);
/* Forget what the transaction cached for its outbox items (the lease, the
 * webhook secret): a setting changed, or the transaction ended. */
void es_outbox_txn_forget(engsched *db);
/* Drop the kept outbox items after the first @p keep (a failed
 * operation's: its rows are rolled back). */
void es_outbox_drop_own_after(engsched *db, size_t keep);

/* --- batches (txn.c) --- */
/* es_begin and es_finish inside a batch: a write operation runs in a
 * savepoint, a read in the batch's transaction as it stands. */
engsched_rc es_batch_op_begin(engsched *db, int write);
engsched_rc es_batch_op_finish(engsched *db, engsched_rc rc);
/* For operations that run transactions of their own: EMISUSE in a batch. */
engsched_rc es_refuse_in_batch(engsched *db, const char *operation);

/* --- actor and access (access.c) --- */
engsched_rc es_actor_load(engsched *db, engsched_id actor, es_actor *out);
/* Whether the actor may see engagements of the client (flags or grant). */
engsched_rc es_actor_has_access(engsched *db, const es_actor *actor, engsched_id client,
                                int *out);
/* Require ADMIN or the system for directory and settings changes. */
engsched_rc es_require_admin(engsched *db, engsched_id actor_id, es_actor *out);
/* Whether @p actor may see @p user at all (the Availability view's rule:
 * all-clients users see and are seen by everyone, others see those who
 * share a client with them); *out 1 or 0. */
engsched_rc es_actor_sees_user(engsched *db, const es_actor *actor, const es_actor *user,
                               int *out);
/* What is told of @p user (NULL: no such user) named as an operator of an
 * engagement of @p client by @p actor: the one decision that assigning
 * and the candidates view share (es_assignee_check, with the facts it
 * needs read here). */
engsched_rc es_assignee_of(engsched *db, const es_actor *actor, engsched_id client,
                           const es_actor *user, es_assignee *out);

/* --- host callbacks --- */
/* Around every call of a host callback: while one runs, the handle is
 * closed to its callbacks (ES_CHECK_DB, es_begin, es_fail and es_ok). */
static inline void es_callback_enter(engsched *db) { db->in_callback++; }
static inline void es_callback_leave(engsched *db) { db->in_callback--; }

/* --- guards for public entry points --- */
/* A NULL handle, or one whose callback is running (the callback must not
 * re-enter it): EMISUSE without touching the handle's code and message. */
#define ES_CHECK_DB(db)                                                                   \
    do {                                                                                  \
        if ((db) == NULL || (db)->in_callback)                                            \
            return ENGSCHED_EMISUSE;                                                      \
    } while (0)

#endif
