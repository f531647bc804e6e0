/* A counting allocator for allocation-failure tests of internal builders:
 * install it, let the n-th allocation fail, and check that nothing stays
 * allocated. Header-only (static inline) so each test file gets its own. */
#ifndef ENGSCHED_TEST_ALLOC_FAIL_H
#define ENGSCHED_TEST_ALLOC_FAIL_H

#include <stdlib.h>

#include <engsched/engsched.h>

typedef struct alloc_fail {
    long calls;   /* malloc and realloc calls so far */
    long fail_at; /* the call that fails (1-based), 0 for none */
    long live;    /* blocks allocated and not freed */
} alloc_fail;

static inline void *alloc_fail_malloc(size_t size, void *ctx)
{
    alloc_fail *a = ctx;
    if (++a->calls == a->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p != NULL)
        a->live++;
    return p;
}

static inline void *alloc_fail_realloc(void *ptr, size_t size, void *ctx)
{
    alloc_fail *a = ctx;
    if (++a->calls == a->fail_at)
        return NULL;
    void *p = realloc(ptr, size);
    if (p != NULL && ptr == NULL)
        a->live++;
    return p;
}

static inline void alloc_fail_free(void *ptr, void *ctx)
{
    alloc_fail *a = ctx;
    if (ptr != NULL)
        a->live--;
    free(ptr);
}

/* Install a fresh counter that fails call number fail_at (0: never). */
static inline int alloc_fail_install(alloc_fail *a, long fail_at)
{
    a->calls = 0;
    a->fail_at = fail_at;
    a->live = 0;
    engsched_allocator hooks = {ENGSCHED_ALLOCATOR_VERSION, alloc_fail_malloc,
                                alloc_fail_realloc, alloc_fail_free, a};
    return engsched_set_allocator(&hooks) == ENGSCHED_OK;
}

static inline void alloc_fail_remove(void) { (void)engsched_set_allocator(NULL); }

#endif
