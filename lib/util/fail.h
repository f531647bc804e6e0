/* The one error helper of the layers that have no handle (rules/,
 * calendar/): the message goes into the caller's buffer, and the handle's
 * own helper (es_fail, core/) copies it from there. */
#ifndef ENGSCHED_UTIL_FAIL_H
#define ENGSCHED_UTIL_FAIL_H

#include <stddef.h>

#include <engsched/engsched.h>

/* Write the printf-style message into @p err (when it is not NULL and
 * @p err_size is not 0) and return @p rc. */
engsched_rc es_fail_text(char *err, size_t err_size, engsched_rc rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
