/* The storage conformance suite (tests/conformance) against the example
 * in-memory backend (examples/memory_backend), the way a backend author
 * would run it: black-box, through the public callback table only. Every
 * case must pass; a backend that fails one fails this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "conformance.h"
#include "memory_backend.h"

/* One new, empty backend per case. */
static engsched_rc make_memory(void *ctx, engsched_storage **out)
{
    (void)ctx;
    return engsched_example_memory_backend_new(out);
}

int main(void)
{
    return engsched_conformance_run("conformance_memory", make_memory, NULL) == 0 ? 0 : 1;
}
