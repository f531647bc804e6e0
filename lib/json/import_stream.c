/* engsched_import(): an export document read from the host's callback.
 * A document that starts the way the export writes it ("format", then
 * "version" 2) is read one item at a time: each item is parsed, checked
 * and written before the next is read, inside one write transaction that
 * any failure rolls back, so memory holds the directory and one item,
 * whatever the number of engagements. Any other document (version 1, or
 * one a tool rewrote) is read whole and imported by engsched_import_json().
 * Only the structure between items is scanned here; every value is parsed
 * by jansson. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json/import.h"
#include "core/events.h"
#include "core/settings.h"
#include "delivery/delivery.h"
#include "util/buf.h"

#define READ_CHUNK 65536

typedef struct reader {
    engsched *db;
    engsched_read_fn read;
    void *ctx;
    char *buf;
    size_t pos, len;
    int eof;
    unsigned long long offset; /* bytes consumed */
    es_buf *record;            /* while set, what is consumed is kept here */
    engsched_rc rc;
} reader;

/* The next byte, -1 at the end, -2 when the reader failed. */
static int peek(reader *r)
{
    if (r->rc != ENGSCHED_OK)
        return -2;
    if (r->pos < r->len)
        return (unsigned char)r->buf[r->pos];
    if (r->eof)
        return -1;
    es_callback_enter(r->db);
    long got = r->read(r->ctx, r->buf, READ_CHUNK);
    es_callback_leave(r->db);
    if (got < 0 || got > READ_CHUNK) {
        r->rc = es_fail(r->db, ENGSCHED_ESTORAGE, "the reader failed at byte %llu of the document",
                        r->offset);
        return -2;
    }
    if (got == 0) {
        r->eof = 1;
        return -1;
    }
    r->pos = 0;
    r->len = (size_t)got;
    return (unsigned char)r->buf[0];
}

static int take(reader *r)
{
    int c = peek(r);
    if (c < 0)
        return c;
    r->pos++;
    r->offset++;
    if (r->record != NULL)
        es_buf_char(r->record, (char)c);
    return c;
}

static int skip_space(reader *r)
{
    int c;
    while ((c = peek(r)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        take(r);
    return c;
}

static engsched_rc bad_at(reader *r, const char *what)
{
    if (r->rc != ENGSCHED_OK)
        return r->rc;
    return es_fail(r->db, ENGSCHED_EINVAL, "byte %llu: %s", r->offset, what);
}

static engsched_rc expect(reader *r, char want, const char *what)
{
    int c = skip_space(r);
    if (c != (unsigned char)want)
        return bad_at(r, c == -1 ? "the document ends too soon" : what);
    take(r);
    return ENGSCHED_OK;
}

/* The bytes of one value (string, number, literal, object or array), as
 * they are, into @p out. */
static engsched_rc scan_value(reader *r, es_buf *out)
{
    int c = skip_space(r), depth = 0, in_string = 0, escaped = 0;
    if (c < 0)
        return bad_at(r, "the document ends too soon");
    if (c != '"' && c != '{' && c != '[') { /* number or literal */
        while ((c = peek(r)) >= 0 && strchr(",]} \t\r\n", c) == NULL)
            es_buf_char(out, (char)take(r));
        return r->rc;
    }
    do {
        if ((c = take(r)) < 0)
            return bad_at(r, "the document ends too soon");
        es_buf_char(out, (char)c);
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    } while (depth > 0 || in_string);
    return r->rc;
}

/* One value, parsed. */
static engsched_rc parse_value(reader *r, json_t **out)
{
    es_buf text = ES_BUF_INIT;
    unsigned long long at = r->offset;
    engsched_rc rc = scan_value(r, &text);
    if (rc == ENGSCHED_OK && es_buf_failed(&text))
        rc = imp_oom(r->db);
    if (rc != ENGSCHED_OK) {
        es_buf_release(&text);
        return rc;
    }
    json_error_t error;
    *out = json_loadb(text.data ? text.data : "", text.len,
                      JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);
    es_buf_release(&text);
    if (*out != NULL)
        return ENGSCHED_OK;
    if (es_json_load_oom(&error))
        return imp_oom(r->db);
    return es_fail(r->db, ENGSCHED_EINVAL, "byte %llu: %s", at + (unsigned long long)error.position,
                   error.text);
}

/* A member's key and the ':' after it; *out to json_decref(). */
static engsched_rc read_key(reader *r, json_t **out)
{
    if (skip_space(r) != '"')
        return bad_at(r, "expected a member name");
    engsched_rc rc = parse_value(r, out);
    if (rc == ENGSCHED_OK && (rc = expect(r, ':', "expected ':'")) != ENGSCHED_OK)
        json_decref(*out);
    return rc;
}

/* --- the header: streamed, or read whole --- */

/* "format" then "version" 2, as the export writes them: then the rest can
 * be streamed (*out 1). Anything else (*out 0) is left to the
 * whole-document import, which explains what is wrong with it. Fails only
 * when the reader fails or memory runs out. */
static engsched_rc header_streams(reader *r, int *out)
{
    *out = 0;
    for (int member = 0; member < 2; member++) {
        json_t *key = NULL, *value = NULL;
        engsched_rc rc = member == 0 ? expect(r, '{', "") : expect(r, ',', "");
        if (rc == ENGSCHED_OK)
            rc = read_key(r, &key);
        if (rc == ENGSCHED_OK && (rc = parse_value(r, &value)) != ENGSCHED_OK)
            json_decref(key);
        if (rc != ENGSCHED_OK)
            return rc == ENGSCHED_EINVAL ? ENGSCHED_OK : rc; /* malformed: read whole */
        const char *name = json_string_value(key);
        int expected = name != NULL &&
                       (member == 0 ? strcmp(name, "format") == 0 && json_is_string(value) &&
                                          strcmp(json_string_value(value), "engsched-export") == 0
                                    : strcmp(name, "version") == 0 && json_is_integer(value) &&
                                          json_integer_value(value) == 2);
        json_decref(key);
        json_decref(value);
        if (!expected)
            return ENGSCHED_OK;
    }
    *out = 1;
    return ENGSCHED_OK;
}

static engsched_rc import_whole(reader *r, es_buf *text, engsched_id actor, unsigned int *out_count)
{
    r->record = NULL;
    while (r->rc == ENGSCHED_OK && peek(r) >= 0) {
        es_buf_add(text, r->buf + r->pos, r->len - r->pos);
        r->offset += r->len - r->pos;
        r->pos = r->len;
    }
    if (r->rc != ENGSCHED_OK)
        return r->rc;
    char *json = es_buf_take(text);
    if (json == NULL)
        return imp_oom(r->db);
    engsched_rc rc = engsched_import_json(r->db, actor, json, out_count);
    es_free(json);
    return rc;
}

/* --- the body, an item at a time --- */

/* The members after the header, in the order the export writes them. */
static const char *const members[] = {"store",       "settings", "roles",
                                      "clients",     "users",    "unavailability",
                                      "skills",      "engagements", "events",
                                      "feed_tokens"};
#define MEMBERS (sizeof members / sizeof members[0])
#define FIRST_SECTION 2 /* "roles": members from here on are arrays */

static int member_rank(const char *name)
{
    for (size_t i = 0; i < MEMBERS; i++)
        if (strcmp(members[i], name) == 0)
            return (int)i;
    return -1;
}

typedef struct stream {
    imp *im;
    reader *r;
    json_t *held; /* directory items: the key maps point into them */
    json_t *seen; /* every member name so far, as keys */
    int last;     /* rank of the last member read, -1 before any */
    int began;    /* the store and settings are dealt with */
} stream;

/* Before the first array: a restore needs the document's identity, and
 * writes it and the settings first. */
static engsched_rc begin_sections(stream *st)
{
    imp *im = st->im;
    st->began = 1;
    imp_settle_restore(im);
    return im->restore ? imp_write_store(im) : ENGSCHED_OK;
}

/* Checked, then written, before the next item is read. */
static engsched_rc item(stream *st, imp_section section, json_t *value, size_t i)
{
    imp *im = st->im;
    im->writing = 0;
    engsched_rc rc = imp_section_item(im, section, value, i);
    if (rc == ENGSCHED_OK) {
        im->writing = 1;
        rc = imp_section_item(im, section, value, i);
    }
    if (rc == ENGSCHED_OK && section == IMP_ENGAGEMENTS)
        im->engagement_count = i + 1;
    if (rc == ENGSCHED_OK && section <= IMP_USERS && json_array_append(st->held, value) != 0)
        rc = imp_oom(im->db);
    json_decref(value);
    return rc;
}

static engsched_rc section(stream *st, imp_section sec, const char *name)
{
    reader *r = st->r;
    engsched_rc rc = expect(r, '[', "expected an array");
    if (rc == ENGSCHED_OK && skip_space(r) == ']') {
        take(r);
        return ENGSCHED_OK;
    }
    for (size_t i = 0; rc == ENGSCHED_OK; i++) {
        json_t *value = NULL;
        if (sec == IMP_ENGAGEMENTS && i == UINT_MAX)
            return imp_bad(r->db, name, "more than %u engagements", UINT_MAX);
        if ((rc = parse_value(r, &value)) != ENGSCHED_OK ||
            (rc = item(st, sec, value, i)) != ENGSCHED_OK)
            return rc;
        int c = skip_space(r);
        if (c == ']') {
            take(r);
            return ENGSCHED_OK;
        }
        rc = expect(r, ',', "expected ',' or ']'");
    }
    return rc;
}

/* store or settings: whole, into the header object the readers look in. */
static engsched_rc header_member(stream *st, const char *name)
{
    json_t *value = NULL;
    engsched_rc rc = parse_value(st->r, &value);
    if (rc != ENGSCHED_OK)
        return rc;
    if (json_object_set_new(st->im->doc, name, value) != 0)
        return imp_oom(st->im->db);
    return strcmp(name, "store") == 0 ? imp_read_store(st->im) : imp_read_settings(st->im);
}

static engsched_rc member(stream *st, const char *name)
{
    /* As json_loads(JSON_REJECT_DUPLICATES) would for the whole document. */
    if (json_object_get(st->seen, name) != NULL)
        return imp_bad(st->im->db, name, "appears twice in the document");
    if (json_object_set_new(st->seen, name, json_true()) != 0)
        return imp_oom(st->im->db);
    int rank = member_rank(name);
    if (rank < 0) { /* a later library's: readers ignore what they do not know */
        json_t *skipped = NULL;
        engsched_rc rc = parse_value(st->r, &skipped);
        json_decref(skipped);
        return rc;
    }
    if (rank <= st->last)
        return imp_bad(st->im->db, name,
                       "comes after \"%s\": a version 2 document lists its members in the "
                       "order the export writes them",
                       members[st->last]);
    st->last = rank;
    if (rank < FIRST_SECTION)
        return header_member(st, name);
    engsched_rc rc = st->began ? ENGSCHED_OK : begin_sections(st);
    return rc == ENGSCHED_OK ? section(st, (imp_section)(rank - FIRST_SECTION), name) : rc;
}

static engsched_rc stream_body(stream *st)
{
    reader *r = st->r;
    engsched_rc rc = ENGSCHED_OK;
    for (;;) {
        int c = skip_space(r);
        if (c == '}') {
            take(r);
            break;
        }
        json_t *key = NULL;
        if ((rc = expect(r, ',', "expected ',' or '}'")) != ENGSCHED_OK ||
            (rc = read_key(r, &key)) != ENGSCHED_OK)
            return rc;
        rc = member(st, json_string_value(key));
        json_decref(key);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    if (skip_space(r) != -1)
        return bad_at(r, "more after the end of the document");
    /* The arrays every document has. */
    static const char *const required[] = {"roles", "clients", "users", "engagements"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (json_object_get(st->seen, required[i]) == NULL)
            return imp_bad(r->db, required[i], "missing");
    return ENGSCHED_OK;
}

static engsched_rc import_stream(imp *im, reader *r)
{
    engsched_rc rc = imp_prepare(im);
    if (rc != ENGSCHED_OK)
        return rc;
    im->version = 2;
    stream st = {im, r, json_array(), json_pack("{s:b, s:b}", "format", 1, "version", 1), -1, 0};
    im->doc = json_object();
    if (st.held == NULL || st.seen == NULL || im->doc == NULL)
        rc = imp_oom(im->db);
    else
        rc = stream_body(&st);
    json_decref(st.held); /* the key maps are not used after this */
    json_decref(st.seen);
    return rc;
}

engsched_rc engsched_import(engsched *db, engsched_id actor, engsched_read_fn read, void *ctx,
                            unsigned int *out_count)
{
    ES_CHECK_DB(db);
    if (read == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "read: must not be NULL");
    es_buf prefix = ES_BUF_INIT;
    reader r = {.db = db, .read = read, .ctx = ctx, .record = &prefix, .rc = ENGSCHED_OK};
    if ((r.buf = es_malloc(READ_CHUNK)) == NULL)
        return imp_oom(db);
    int streams = 0;
    engsched_rc rc = header_streams(&r, &streams);
    if (rc == ENGSCHED_OK && es_buf_failed(&prefix))
        rc = imp_oom(db); /* the bytes a whole-document import would need */
    if (rc != ENGSCHED_OK || !streams) {
        if (rc == ENGSCHED_OK)
            rc = import_whole(&r, &prefix, actor, out_count);
        goto out;
    }
    r.record = NULL;
    imp im;
    imp_init(&im, db, actor);
    if ((rc = es_begin(db, 1)) == ENGSCHED_OK)
        rc = es_finish_and_deliver(db, import_stream(&im, &r));
    if (rc == ENGSCHED_OK && out_count != NULL)
        *out_count = (unsigned int)im.engagement_count;
    json_decref(im.doc);
    imp_release(&im);
out:
    es_buf_release(&prefix);
    es_free(r.buf);
    return rc;
}
