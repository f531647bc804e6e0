/* The export's sink: the document written as it is made, laid out as
 * jansson lays out a whole document with JSON_INDENT(2) and sorted keys
 * inside every item, but with the top-level members in the order an
 * import reads them (docs/json.md), so a reader can stream it too. */
#include <stdlib.h>
#include <string.h>

#include "json/export.h"

static engsched_rc sink_fail(es_sink *s, engsched_rc rc, const char *what)
{
    if (s->rc != ENGSCHED_OK)
        return s->rc;
    s->rc = rc;
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(s->db, rc, "out of memory exporting");
    return es_fail(s->db, rc, "%s at byte %llu of the export", what, s->offset);
}

static int raw(es_sink *s, const char *data, size_t len)
{
    if (s->rc != ENGSCHED_OK)
        return -1;
    if (len == 0)
        return 0;
    es_callback_enter(s->db);
    int stopped = s->write(s->ctx, data, len) != 0;
    es_callback_leave(s->db);
    if (stopped) {
        sink_fail(s, ENGSCHED_ESTORAGE, "the writer stopped");
        return -1;
    }
    s->offset += len;
    return 0;
}

static int text(es_sink *s, const char *t) { return raw(s, t, strlen(t)); }

/* A value's own lines, each after the first indented by `indent`. */
typedef struct indented {
    es_sink *s;
    const char *indent;
} indented;

static int write_indented(const char *buffer, size_t size, void *data)
{
    indented *in = data;
    size_t from = 0;
    for (size_t i = 0; i < size; i++) {
        if (buffer[i] != '\n')
            continue;
        if (raw(in->s, buffer + from, i + 1 - from) != 0 || text(in->s, in->indent) != 0)
            return -1;
        from = i + 1;
    }
    return raw(in->s, buffer + from, size - from);
}

/* Takes @p value. */
static engsched_rc value(es_sink *s, json_t *v, const char *indent)
{
    if (v == NULL)
        return sink_fail(s, ENGSCHED_ENOMEM, NULL);
    indented in = {s, indent};
    int failed = json_dump_callback(v, write_indented, &in,
                                    JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(v);
    if (failed && s->rc == ENGSCHED_OK)
        return sink_fail(s, ENGSCHED_ENOMEM, NULL); /* jansson's own allocation */
    return s->rc;
}

static engsched_rc key(es_sink *s, const char *name)
{
    if (text(s, s->members++ ? ",\n  \"" : "\n  \"") != 0 || text(s, name) != 0 ||
        text(s, "\": ") != 0)
        return s->rc;
    return ENGSCHED_OK;
}

engsched_rc es_sink_open(es_sink *s)
{
    s->members = 0;
    s->rc = ENGSCHED_OK;
    if (text(s, "{") != 0)
        return s->rc;
    engsched_rc rc = es_sink_member(s, "format", json_string(ES_EXPORT_FORMAT));
    return rc != ENGSCHED_OK ? rc : es_sink_member(s, "version", json_integer(ES_EXPORT_VERSION));
}

engsched_rc es_sink_member(es_sink *s, const char *name, json_t *v)
{
    if (key(s, name) != ENGSCHED_OK) {
        json_decref(v);
        return s->rc;
    }
    return value(s, v, "  ");
}

engsched_rc es_sink_array_open(es_sink *s, const char *name)
{
    s->items = 0;
    if (key(s, name) != ENGSCHED_OK || text(s, "[") != 0)
        return s->rc;
    return ENGSCHED_OK;
}

engsched_rc es_sink_item(es_sink *s, json_t *v)
{
    if (text(s, s->items++ ? ",\n    " : "\n    ") != 0) {
        json_decref(v);
        return s->rc;
    }
    return value(s, v, "    ");
}

engsched_rc es_sink_array_close(es_sink *s)
{
    text(s, s->items ? "\n  ]" : "]");
    return s->rc;
}

engsched_rc es_sink_close(es_sink *s)
{
    text(s, "\n}\n");
    return s->rc;
}

/* --- the engagements' indexes --- */

engsched_rc es_index_map_add(es_index_map *m, engsched_id id)
{
    engsched_id *grown = es_grow(m->ids, &m->cap, m->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    m->ids = grown;
    m->ids[m->count++] = id;
    return ENGSCHED_OK;
}

static int by_id(const void *a, const void *b)
{
    engsched_id x = *(const engsched_id *)a, y = *(const engsched_id *)b;
    return (x > y) - (x < y);
}

void es_index_map_sort(es_index_map *m)
{
    if (m->count > 1)
        qsort(m->ids, m->count, sizeof *m->ids, by_id);
}

long es_index_map_find(const es_index_map *m, engsched_id id)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->ids[mid] == id)
            return (long)mid;
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void es_index_map_release(es_index_map *m)
{
    es_free(m->ids);
    memset(m, 0, sizeof *m);
}
