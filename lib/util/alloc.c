#include "util/alloc.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/engsched.h>

static void *default_malloc(size_t size, void *ctx)
{
    (void)ctx;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *ctx)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *ctx)
{
    (void)ctx;
    free(ptr);
}

static engsched_allocator current = {ENGSCHED_ALLOCATOR_VERSION, default_malloc, default_realloc,
                                     default_free, NULL};
static atomic_int open_handles;

engsched_rc engsched_set_allocator(const engsched_allocator *allocator)
{
    if (atomic_load(&open_handles) != 0)
        return ENGSCHED_EMISUSE;
    if (allocator == NULL) {
        current = (engsched_allocator){ENGSCHED_ALLOCATOR_VERSION, default_malloc,
                                       default_realloc, default_free, NULL};
        return ENGSCHED_OK;
    }
    if (allocator->version != ENGSCHED_ALLOCATOR_VERSION || allocator->malloc_fn == NULL ||
        allocator->realloc_fn == NULL || allocator->free_fn == NULL)
        return ENGSCHED_EMISUSE;
    current = *allocator;
    return ENGSCHED_OK;
}

void es_alloc_pin(void) { atomic_fetch_add(&open_handles, 1); }
void es_alloc_unpin(void) { atomic_fetch_sub(&open_handles, 1); }

void *es_malloc(size_t size)
{
    return current.malloc_fn(size ? size : 1, current.ctx);
}

void *es_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = es_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *es_realloc(void *ptr, size_t size)
{
    return current.realloc_fn(ptr, size ? size : 1, current.ctx);
}

void es_free(void *ptr)
{
    if (ptr != NULL)
        current.free_fn(ptr, current.ctx);
}

void engsched_free(void *ptr) { es_free(ptr); }

char *es_strndup(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *copy = es_malloc(n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *es_strdup(const char *s)
{
    return s == NULL ? NULL : es_strndup(s, strlen(s));
}

char *es_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *out = n < 0 ? NULL : es_malloc((size_t)n + 1);
    if (out == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

void *es_grow(void *array, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return array;
    size_t next = *cap ? *cap * 2 : 16;
    if (next < *cap || next > SIZE_MAX / elem)
        return NULL;
    void *grown = es_realloc(array, next * elem);
    if (grown != NULL)
        *cap = next;
    return grown;
}
