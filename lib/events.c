/* Event records, their JSON documents and the audit trail. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "rules.h"

/* json_dumps() cannot be trusted when memory runs out: jansson 2.14
 * ignores the result of writing an object key (dump.c, do_dump), so a key
 * its buffer could not grow for is left out and the rest written on, and
 * broken JSON comes back as a success. Written into our own buffer with a
 * failure that sticks, the next write fails too and the dump with it. */
typedef struct dump_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} dump_buf;

static int dump_append(const char *buffer, size_t size, void *data)
{
    dump_buf *b = data;
    if (!b->failed && b->len + size + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + size + 1 && cap <= SIZE_MAX / 2)
            cap *= 2;
        char *grown = cap >= b->len + size + 1 ? es_realloc(b->data, cap) : NULL;
        if (grown == NULL)
            b->failed = 1;
        else {
            b->data = grown;
            b->cap = cap;
        }
    }
    if (b->failed)
        return -1;
    memcpy(b->data + b->len, buffer, size);
    b->len += size;
    b->data[b->len] = '\0';
    return 0;
}

char *es_json_dump(const json_t *value, size_t flags)
{
    dump_buf b = {NULL, 0, 0, 0};
    if (json_dump_callback(value, dump_append, &b, flags) != 0 || b.failed ||
        (b.data == NULL && dump_append("", 0, &b) != 0)) {
        es_free(b.data);
        return NULL;
    }
    return b.data;
}

char *es_json_dump_canonical(const json_t *value)
{
    return es_json_dump(value, JSON_COMPACT | JSON_SORT_KEYS);
}

int es_json_load_oom(const json_error_t *error)
{
    /* The text first: json_error_code() reads the last byte of the text,
     * which jansson leaves uninitialised when it describes nothing. */
    return error->text[0] == '\0' || json_error_code(error) == json_error_out_of_memory;
}

static json_t *id_or_null(engsched_id id)
{
    return id != 0 ? json_integer(id) : json_null();
}

static json_t *status_or_null(int status)
{
    return es_status_valid(status) ? json_string(engsched_status_name((engsched_status)status))
                                   : json_null();
}

static void iso_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        strcpy(out, "1970-01-01T00:00:00Z");
}

static json_t *event_document_with(const engsched_rec_event *ev, json_t *details)
{
    char when[32];
    iso_time(ev->time, when);
    /* "o" steals each reference, also when json_pack fails. */
    return json_pack("{s:i, s:I, s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "schema_version",
                     ES_EVENT_SCHEMA_VERSION, "seq", (json_int_t)ev->seq, "time",
                     (json_int_t)ev->time, "time_iso", when, "actor", id_or_null(ev->actor),
                     "engagement", id_or_null(ev->engagement), "action", ev->action,
                     "status_before", status_or_null(ev->status_before), "status_after",
                     status_or_null(ev->status_after), "details", details);
}

json_t *es_event_document(const engsched_rec_event *ev, engsched_rc *rc)
{
    json_error_t error;
    json_t *details = json_loads(ev->details ? ev->details : "{}", 0, &error);
    if (details == NULL || !json_is_object(details)) {
        *rc = details == NULL && es_json_load_oom(&error) ? ENGSCHED_ENOMEM : ENGSCHED_ECORRUPT;
        json_decref(details);
        return NULL;
    }
    json_t *doc = event_document_with(ev, details);
    *rc = doc != NULL ? ENGSCHED_OK : ENGSCHED_ENOMEM;
    return doc;
}

static engsched_rc queue_json(engsched *db, char *json)
{
    if (db->pending_count == db->pending_cap) {
        size_t cap = db->pending_cap ? db->pending_cap * 2 : 8;
        es_pending_event *grown = es_realloc(db->pending, cap * sizeof *grown);
        if (grown == NULL)
            return ENGSCHED_ENOMEM;
        db->pending = grown;
        db->pending_cap = cap;
    }
    db->pending[db->pending_count++].json = json;
    return ENGSCHED_OK;
}

engsched_rc es_emit(engsched *db, engsched_id actor, engsched_id engagement, const char *action,
                    int status_before, int status_after, json_t *details)
{
    return es_emit_at(db, es_now(db), actor, engagement, action, status_before, status_after,
                      details);
}

engsched_rc es_emit_at(engsched *db, int64_t time, engsched_id actor, engsched_id engagement,
                       const char *action, int status_before, int status_after, json_t *details)
{
    engsched_rc rc = ENGSCHED_ENOMEM;
    char *details_text = NULL;
    char *document_text = NULL;
    json_t *document = NULL;

    /* NULL details means the caller's json_pack ran out of memory. */
    if (details == NULL)
        goto out;
    details_text = es_json_dump(details, JSON_COMPACT | JSON_SORT_KEYS);
    if (details_text == NULL)
        goto out;
    engsched_rec_event ev = {0,      time,          actor,        engagement,
                             action, status_before, status_after, details_text};
    rc = db->storage->event_append(db->storage, &ev, &ev.seq);
    if (rc != ENGSCHED_OK) {
        es_storage_fail(db, rc, "appending an event");
        goto out;
    }
    rc = ENGSCHED_ENOMEM;
    json_incref(details);
    document = event_document_with(&ev, details);
    if (document == NULL)
        goto out;
    document_text = es_json_dump(document, JSON_COMPACT);
    if (document_text == NULL)
        goto out;
    rc = queue_json(db, document_text);
    if (rc == ENGSCHED_OK)
        document_text = NULL;
out:
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory while recording the %s event", action);
    json_decref(document);
    json_decref(details);
    es_free(details_text);
    es_free(document_text);
    return rc;
}

engsched_rc engsched_events_last_seq(engsched *db, int64_t *out_seq)
{
    ES_CHECK_DB(db);
    if (out_seq == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_seq: must not be NULL");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    int64_t seq = 0;
    rc = db->storage->event_last_seq(db->storage, &seq);
    if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading the last event");
    rc = es_finish(db, rc);
    if (rc == ENGSCHED_OK)
        *out_seq = seq;
    return rc;
}
