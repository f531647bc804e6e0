/* util/: allocation, the text buffer, base64, dates, text predicates;
 * includes libc and include/engsched/ only. */
/* Internal allocation helpers: every allocation the library makes itself
 * goes through the hooks installed with engsched_set_allocator(), so hosts
 * and the allocation-failure tests see all of them. */
#ifndef ENGSCHED_ALLOC_H
#define ENGSCHED_ALLOC_H

#include <stddef.h>

void *es_malloc(size_t size);
void *es_calloc(size_t count, size_t size);
void *es_realloc(void *ptr, size_t size);
void es_free(void *ptr);
/* es_strdup(NULL) returns NULL without failing; callers that need to tell
 * the cases apart check the argument first. */
char *es_strdup(const char *s);
char *es_strndup(const char *s, size_t n);

/* Room for one more element in a growing array of @p count elements of
 * @p elem bytes with capacity *cap: @p array itself while there is room,
 * else the array moved to twice the capacity (16 at first), *cap updated.
 * NULL when out of memory (or the size would overflow); @p array is then
 * untouched and still owned by the caller. */
void *es_grow(void *array, size_t *cap, size_t count, size_t elem);

/* vasprintf into library memory; NULL when out of memory. */
char *es_asprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Open handles pin the allocator: it must not change under live memory. */
void es_alloc_pin(void);
void es_alloc_unpin(void);

#endif
