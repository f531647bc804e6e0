/* Shared fixture for the integration tests: a store with a controlled
 * clock, a small directory, and a digest of everything a refused
 * operation must leave unchanged. Uses only the public API. */
#ifndef ENGSCHED_TEST_FIXTURE_H
#define ENGSCHED_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <engsched/engsched.h>

#define FX_CLIENTS 3

typedef struct fx {
    engsched *db;
    int64_t now;            /* the clock the handle sees */
    engsched_id client[FX_CLIENTS];
    engsched_id admin;      /* Administrator, all clients */
    engsched_id manager;    /* Manager, all clients */
    engsched_id operator1;  /* Operator, client 0 and 1 */
    engsched_id operator2;  /* Operator, client 0 */
    engsched_id client_user;/* Client role, client 0 */
    engsched_id viewer;     /* Viewer, client 0 */
    engsched_id outsider;   /* Manager, client 2 only */
    size_t events_seen;     /* committed events delivered to the callback */
    char last_event[4096];
    char path[512];
} fx;

/* 2026-03-01T12:00:00Z, a Sunday. */
#define FX_T0 INT64_C(1772366400)
#define FX_DAY INT64_C(86400)

/* Open a fresh store (":memory:" when file is 0) and seed the directory.
 * With ENGSCHED_TEST_BACKEND=memory in the environment the store is the
 * example in-memory backend instead (examples/memory_backend), whatever
 * `file` says, and f->path names no file. */
void fx_open(fx *f, int file);
/* The same store, empty: built-in roles only, no clients, users or
 * settings (a restore's target). */
void fx_open_empty(fx *f, int file);
/* Change the storage table of every store fx_open() and fx_open_empty()
 * open from now on, before the handle opens on it (NULL: no change); the
 * store is then opened through engsched_open_backend() on the backend the
 * environment selects. For tests that compare a backend's optional
 * members with the core's fallbacks, or inject failures. */
struct engsched_storage;
void fx_set_storage_hook(void (*hook)(struct engsched_storage *s));
/* Whether ENGSCHED_TEST_BACKEND selects the in-memory backend ("memory";
 * unset, "" or "sqlite" select SQLite; anything else fails the test). */
int fx_backend_is_memory(void);
void fx_close(fx *f);
/* A scratch path under $ENGSCHED_TEST_TMPDIR, removed first. */
void fx_temp_path(char *out, size_t size, const char *name);

/* Fail the test with the handle's message unless rc is OK. */
#define fx_ok(f, expr) fx_check_rc((f), (expr), ENGSCHED_OK, #expr, __FILE__, __LINE__)
#define fx_rc(f, want, expr) fx_check_rc((f), (expr), (want), #expr, __FILE__, __LINE__)
void fx_check_rc(fx *f, engsched_rc got, engsched_rc want, const char *expr, const char *file,
                 int line);

engsched_id fx_user(fx *f, const char *key, engsched_id role, unsigned int flags);
/* A request by actor for client with the given dates; returns its id. */
engsched_id fx_request(fx *f, engsched_id actor, engsched_id client, const char *name,
                       const char *start, const char *end);
/* Approve as the manager with operator1; returns nothing, asserts OK. */
void fx_approve(fx *f, engsched_id engagement);
int64_t fx_version(fx *f, engsched_id engagement);
engsched_status fx_status(fx *f, engsched_id engagement);

/* Everything observable about the store through the system actor:
 * every engagement snapshot with operators and files, and the event log
 * position. Release with free(). */
char *fx_digest(fx *f);

#endif
