/* Two stores compared as text: the oracle tests that drive one store
 * through a set-based storage member and one through the per-row path
 * (integration_tick_paths, integration_outbox_paths) turn what they
 * observe into text and compare it, naming the first difference. */
#ifndef ENGSCHED_TEST_COMPARE_H
#define ENGSCHED_TEST_COMPARE_H

#include <stddef.h>

#include "fixture.h"

/* A growing text of lines; data is NULL until the first line. */
typedef struct fx_text {
    char *data;
    size_t len;
    size_t cap;
} fx_text;

/* Append @p length bytes of @p line and a newline. */
void fx_text_line(fx_text *t, const char *line, size_t length);

/* Every @p id (at least 5 characters) in @p text replaced by "STORE", in
 * place: a store's random identity, which two stores never share. */
void fx_mask_store_id(char *text, const char *id);

/* Every event of @p f's store, one document a line, @p id masked (NULL:
 * nothing masked); free() it. */
char *fx_events_text(fx *f, const char *id);

/* Fails the test, showing both sides around the first differing byte,
 * unless @p a and @p b are equal. */
void fx_assert_same_text(const char *what, const char *label_a, const char *label_b, const char *a,
                         const char *b);

#endif
