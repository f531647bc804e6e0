/* Event records, their JSON documents and the audit trail. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/events.h"
#include "core/outbox.h"
#include "rules/rules.h"
#include "util/buf.h"

/* json_dumps() cannot be trusted when memory runs out: jansson 2.14
 * ignores the result of writing an object key (dump.c, do_dump), so a key
 * its buffer could not grow for is left out and the rest written on, and
 * broken JSON comes back as a success. Written into our own buffer with a
 * failure that sticks, the next write fails too and the dump with it. */
char *es_json_dump(const json_t *value, size_t flags)
{
    es_buf b = ES_BUF_INIT;
    if (json_dump_callback(value, es_buf_json_writer, &b, flags) != 0) {
        es_buf_release(&b);
        return NULL;
    }
    return es_buf_take(&b);
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

/* --- the document as text ------------------------------------------------
 *
 * One renderer for every document: the callback's, those read back after a
 * large transaction (delivery/events.c) and the audit trail's (parsed from
 * it). Written directly rather than through jansson, which took a third of
 * the tick: the same compact text json_dumps() writes, keys in the
 * schema's order, strings escaped as jansson escapes them, and the stored
 * details text (compact JSON with sorted keys) inserted as it is. */

/* JSON string escaping as jansson 2.14 does it without flags: '"', '\\'
 * and the C0 controls; everything else, UTF-8 included, as it is. The
 * worst case is 6 characters per byte. */
static char *put_string(char *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c >= 0x20 && *c != '"' && *c != '\\') {
            *p++ = (char)*c;
            continue;
        }
        const char *short_form = *c == '"'    ? "\\\""
                                 : *c == '\\' ? "\\\\"
                                 : *c == '\b' ? "\\b"
                                 : *c == '\f' ? "\\f"
                                 : *c == '\n' ? "\\n"
                                 : *c == '\r' ? "\\r"
                                 : *c == '\t' ? "\\t"
                                              : NULL;
        if (short_form != NULL) {
            *p++ = short_form[0];
            *p++ = short_form[1];
        } else {
            memcpy(p, "\\u00", 4);
            p[4] = hex[*c >> 4];
            p[5] = hex[*c & 0x0F];
            p += 6;
        }
    }
    *p++ = '"';
    return p;
}

static char *put_text(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* Decimal, as jansson writes integers ("%lld"), without printf's cost:
 * four of them per document. */
static char *put_int(char *p, int64_t v)
{
    char digits[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

static char *put_id(char *p, engsched_id id)
{
    return id != 0 ? put_int(p, id) : put_text(p, "null");
}

static char *put_status(char *p, int status)
{
    if (!es_status_valid(status))
        return put_text(p, "null");
    return put_string(p, engsched_status_name((engsched_status)status));
}

/* n digits of v, zero-padded. */
static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

/* "%Y-%m-%dT%H:%M:%SZ" of UTC seconds; strftime() itself for years that
 * are not four digits. */
void es_iso_time(int64_t t, char out[ES_ISO_TIME_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL) {
        strcpy(out, "1970-01-01T00:00:00Z");
        return;
    }
    int year = tm.tm_year + 1900;
    if (year < 1000 || year > 9999) {
        if (strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            strcpy(out, "1970-01-01T00:00:00Z");
        return;
    }
    char *p = put_digits(out, year, 4);
    *p++ = '-';
    p = put_digits(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    *p++ = 'Z';
    *p = '\0';
}

/* Keys, punctuation, numbers, the time and the status names. */
#define DOCUMENT_FIXED 400

char *es_event_text(const engsched_rec_event *ev)
{
    const char *details = ev->details != NULL ? ev->details : "{}";
    size_t action_len = strlen(ev->action), details_len = strlen(details);
    if (action_len > (SIZE_MAX - DOCUMENT_FIXED) / 8 ||
        details_len > SIZE_MAX - DOCUMENT_FIXED - 6 * action_len)
        return NULL;
    char *text = es_malloc(DOCUMENT_FIXED + 6 * action_len + details_len);
    if (text == NULL)
        return NULL;
    char when[32];
    es_iso_time(ev->time, when);
    char *p = put_text(text, "{\"schema_version\":");
    p = put_int(p, ES_EVENT_SCHEMA_VERSION);
    p = put_int(put_text(p, ",\"seq\":"), ev->seq);
    p = put_int(put_text(p, ",\"time\":"), ev->time);
    p = put_string(put_text(p, ",\"time_iso\":"), when);
    p = put_id(put_text(p, ",\"actor\":"), ev->actor);
    p = put_id(put_text(p, ",\"engagement\":"), ev->engagement);
    p = put_string(put_text(p, ",\"action\":"), ev->action);
    p = put_status(put_text(p, ",\"status_before\":"), ev->status_before);
    p = put_status(put_text(p, ",\"status_after\":"), ev->status_after);
    p = put_text(put_text(p, ",\"details\":"), details);
    p = put_text(p, "}");
    *p = '\0';
    return text;
}

/* The document keys: a stored details text that is not one JSON object
 * would add keys, repeat them or break the document. */
#define DOCUMENT_KEYS 10

json_t *es_event_document(const engsched_rec_event *ev, engsched_rc *rc)
{
    char *text = es_event_text(ev);
    if (text == NULL) {
        *rc = ENGSCHED_ENOMEM;
        return NULL;
    }
    json_error_t error;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &error);
    es_free(text);
    if (doc == NULL || json_object_size(doc) != DOCUMENT_KEYS ||
        !json_is_object(json_object_get(doc, "details"))) {
        *rc = doc == NULL && es_json_load_oom(&error) ? ENGSCHED_ENOMEM : ENGSCHED_ECORRUPT;
        json_decref(doc);
        return NULL;
    }
    *rc = ENGSCHED_OK;
    return doc;
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
    /* NULL details means the caller's json_pack ran out of memory. */
    char *details_text = details != NULL ? es_json_dump_canonical(details) : NULL;
    json_decref(details);
    if (details_text == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory while recording the %s event",
                       action);
    engsched_rec_event ev = {0,      time,          actor,        engagement,
                             action, status_before, status_after, details_text};
    engsched_rc rc = es_emit_record(db, &ev);
    es_free(details_text);
    return rc;
}

/* The event's outbox item; its document only when this handle delivers
 * it itself after the commit (otherwise it is rendered when delivered). */
static engsched_rc outbox_event(engsched *db, const engsched_rec_event *ev)
{
    char *document = NULL;
    if (es_outbox_keeps(db, ENGSCHED_OUTBOX_EVENT) && (document = es_event_text(ev)) == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory while recording the %s event",
                       ev->action);
    engsched_rc rc = es_outbox_event(db, ev, document);
    es_free(document);
    return rc;
}

engsched_rc es_emit_record(engsched *db, engsched_rec_event *ev)
{
    engsched_rc rc = db->storage->event_append(db->storage, ev, &ev->seq);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "appending an event");
    int to_outbox = 0;
    if (db->outbox && (rc = es_outbox_takes_events(db, &to_outbox)) != ENGSCHED_OK)
        return rc;
    if (to_outbox)
        return outbox_event(db, ev);
    if (db->opts.on_event == NULL && db->opts.deliver_event == NULL)
        return ENGSCHED_OK; /* nobody to tell: no document */
    rc = es_event_queue(db, ev);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory while recording the %s event", ev->action);
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

/* Documents kept in memory per transaction: 1,024 documents of about
 * 250 bytes; past them the transaction notes the range of sequence numbers,
 * read back after commit (delivery/events.c says why). */
#define ES_EVENT_QUEUE_MAX 1024

engsched_rc es_event_queue(engsched *db, const engsched_rec_event *ev)
{
    if (db->spilled.last != 0 || db->pending_count >= ES_EVENT_QUEUE_MAX) {
        db->spilled.last = ev->seq; /* .after is the last seq queued */
        return ENGSCHED_OK;
    }
    es_pending_event *grown =
        es_grow(db->pending, &db->pending_cap, db->pending_count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    db->pending = grown;
    char *json = es_event_text(ev);
    if (json == NULL)
        return ENGSCHED_ENOMEM;
    db->pending[db->pending_count++] = (es_pending_event){json, ev->seq};
    db->spilled.after = ev->seq;
    return ENGSCHED_OK;
}
