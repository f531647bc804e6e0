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

/* A text builder under test: one call, the text in *out (library memory). */
typedef engsched_rc (*alloc_fail_build_fn)(void *ctx, char **out, char *err, size_t err_size);

/* Lets the first, second, ... allocation fail until the builder succeeds:
 * each failure must be ENOMEM, "out of memory", *out NULL and nothing left
 * allocated. Uses cmocka's asserts: include cmocka.h first. */
static inline void alloc_fail_each(alloc_fail_build_fn build, void *ctx)
{
    alloc_fail a;
    int succeeded = 0;
    for (long n = 1; n < 1000 && !succeeded; n++) {
        assert_true(alloc_fail_install(&a, n));
        char *out = NULL;
        char err[128] = "";
        engsched_rc rc = build(ctx, &out, err, sizeof err);
        if (rc == ENGSCHED_OK) {
            assert_non_null(out);
            engsched_free(out);
            succeeded = 1;
        } else {
            assert_int_equal(rc, ENGSCHED_ENOMEM);
            assert_null(out);
            assert_string_equal(err, "out of memory");
        }
        assert_int_equal(a.live, 0);
        alloc_fail_remove();
    }
    assert_true(succeeded);
}

#endif
