/* The integration story as a driver for fault injection: the steps of
 * tests/integration/test_story.c (request with files, approval with two
 * operators, the tick across Auckland's date line, the report to
 * Published, a refused cancel, a cancelled request, a direct create moved
 * by an edit), then a tour of the rest of the public API (invitations
 * mailed after commit, files, unavailability, List / Calendar /
 * Availability, ICS, JSON export and import, roles and settings, a batch
 * with a refused operation in it and one rolled back), each public call
 * checked against the result the story expects.
 *
 * Unlike the cmocka fixture it never asserts on a library result: the
 * first call that returns something else stops the story, so a test can
 * run it with an allocation or a storage call made to fail and look at
 * what the call returned and what the store holds. Hooks run around every
 * call. Only the public API is used. */
#ifndef ENGSCHED_TEST_STORY_DRIVER_H
#define ENGSCHED_TEST_STORY_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

#include "fixture.h"

/* story_run() results. */
#define STORY_DONE 0    /* every call returned what the story expects */
#define STORY_STOPPED 1 /* a call returned something else: see rc, call */
#define STORY_BROKEN 2  /* a call succeeded but its result was wrong: see broken */

typedef struct story story;

typedef struct story_hooks {
    void *ctx;
    /* Opens the handle with the options the story made; NULL: engsched_open
     * on s->f.path. Must leave *out NULL on failure. */
    engsched_rc (*open)(void *ctx, story *s, const engsched_options *opts, engsched **out);
    /* Before each call (s->step, s->call, s->line are set). */
    void (*before)(void *ctx, story *s);
    /* After a call returned what the story expects (s->rc is OK). */
    void (*after)(void *ctx, story *s, engsched_rc rc);
    /* After a call returned something else (s->rc, s->want set); set
     * s->retry to run the same call once more (its result in s->retry_rc)
     * before the story stops. */
    void (*failed)(void *ctx, story *s);
} story_hooks;

struct story {
    fx f;              /* handle, clock, directory ids, store path */
    story_hooks hooks;

    /* the current call */
    int step;          /* 1, 2, … in call order; the open is step 1 */
    const char *call;  /* its source text */
    int line;          /* its line in story_driver.c */

    /* how the story ended */
    engsched_rc rc;    /* what the stopping call returned; OK otherwise */
    engsched_rc want;  /* what the story expected of it */
    int retry;         /* set by the failed hook */
    engsched_rc retry_rc;
    char broken[512];

    int in_batch;      /* between a successful engsched_batch_begin() and its end */

    /* counted by the callbacks the story installs */
    size_t mails;      /* invitation mails delivered */
    size_t error_logs; /* ENGSCHED_LOG_ERROR messages */
    char last_error_log[512];

    /* objects the story holds between calls; story_finish() frees them */
    engsched_input *in;
    engsched_engagement *e;
    engsched_file_list *files;
    engsched_work_list *work;
    engsched_query *q;
    engsched_cursor *cur;
    engsched_availability *av;
    char *text;
    char *text2;

    /* ids the story made */
    engsched_id story_id, other_id, red_id, report_id, file_id, unavailability_id, role_id;
};

/* Prepare a story on a store file at path (removed first, with its -wal
 * and -shm). Nothing is opened yet. */
void story_init(story *s, const char *path, const story_hooks *hooks);
/* Run from the open to the end or the first unexpected result. The
 * handle stays open (s->f.db, NULL if the open failed). */
int story_run(story *s);
/* Free what the story holds and close the handle (without removing the
 * store file, which the caller may still check). */
void story_finish(story *s);
/* Remove the store file and its -wal and -shm. */
void story_remove_files(const char *path);

#endif
