#include "compare.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void fx_text_line(fx_text *t, const char *line, size_t length)
{
    if (t->len + length + 2 > t->cap) {
        t->cap = (t->len + length + 2) * 2;
        t->data = realloc(t->data, t->cap);
        assert_non_null(t->data);
    }
    memcpy(t->data + t->len, line, length);
    t->len += length;
    t->data[t->len++] = '\n';
    t->data[t->len] = '\0';
}

void fx_mask_store_id(char *text, const char *id)
{
    size_t n = strlen(id);
    char *at;
    while (n >= 5 && (at = strstr(text, id)) != NULL) {
        memcpy(at, "STORE", 5);
        memmove(at + 5, at + n, strlen(at + n) + 1);
    }
}

static int take_event(void *ctx, int64_t seq, const char *json, size_t length,
                      const char *signature)
{
    (void)seq;
    (void)signature;
    fx_text_line(ctx, json, length);
    return 0;
}

char *fx_events_text(fx *f, const char *id)
{
    fx_text t = {NULL, 0, 0};
    int64_t after = 0, last = -1;
    while (last != after) {
        last = after;
        fx_ok(f,
              engsched_event_stream(f->db, ENGSCHED_SYSTEM, last, 10000, take_event, &t, &after));
    }
    if (t.data == NULL)
        return strdup("");
    if (id != NULL)
        fx_mask_store_id(t.data, id);
    return t.data;
}

void fx_assert_same_text(const char *what, const char *label_a, const char *label_b, const char *a,
                         const char *b)
{
    if (strcmp(a, b) == 0)
        return;
    size_t i = 0;
    while (a[i] == b[i])
        i++;
    size_t from = i > 80 ? i - 80 : 0;
    fail_msg("%s differ at byte %zu:\n %s: %.160s\n %s: %.160s", what, i, label_a, a + from,
             label_b, b + from);
}
