/* The error helper of the layers without a handle (util/fail.h). */
#include "util/fail.h"

#include <stdarg.h>
#include <stdio.h>

engsched_rc es_fail_text(char *err, size_t err_size, engsched_rc rc, const char *fmt, ...)
{
    if (err != NULL && err_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return rc;
}
