/* Bad input, black-box: unknown ids, malformed or reversed dates, empty
 * or over-long fields, control characters and broken UTF-8, wrong-version
 * edits, fields an operation does not take, oversized files, bad settings
 * and directory entries, NULL handles and NULL out-pointers.
 *
 * Every refused call is checked the same way: the expected result code,
 * a message (engsched_errmsg) that names the field or the id, and a store
 * and event log exactly as they were (fx_digest, the last event sequence
 * number and the events delivered to the host's callback). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"

/* --- what a refused call must leave as it was ---------------------------- */

typedef struct baseline {
    char *digest;
    int64_t seq;
    size_t events;
} baseline;

/* The digest of the baseline in use, so that teardown can free it when
 * a failing assertion leaves the test early. */
static char *live_digest;

static void base_take(fx *f, baseline *b)
{
    free(b->digest);
    b->digest = live_digest = fx_digest(f);
    fx_ok(f, engsched_events_last_seq(f->db, &b->seq));
    b->events = f->events_seen;
}

static void base_free(baseline *b)
{
    free(b->digest);
    b->digest = live_digest = NULL;
}

static void refused_at(fx *f, const baseline *b, engsched_rc got, engsched_rc want,
                       const char *needle, const char *avoid, const char *expr,
                       const char *file, int line)
{
    /* Read the message first: the digest itself calls the library. */
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", engsched_errmsg(f->db));
    engsched_rc code = engsched_errcode(f->db);
    if (got != want)
        fail_msg("%s:%d: %s returned %s, expected %s (message: %s)", file, line, expr,
                 engsched_rc_name(got), engsched_rc_name(want), msg);
    if (needle != NULL) {
        if (code != want)
            fail_msg("%s:%d: %s: engsched_errcode is %s, expected %s", file, line, expr,
                     engsched_rc_name(code), engsched_rc_name(want));
        if (strstr(msg, needle) == NULL)
            fail_msg("%s:%d: %s: message \"%s\" does not name \"%s\"", file, line, expr, msg,
                     needle);
    }
    if (avoid != NULL && strstr(msg, avoid) != NULL)
        fail_msg("%s:%d: %s: message \"%s\" should not say \"%s\"", file, line, expr, msg,
                 avoid);
    char *now = fx_digest(f);
    if (strcmp(now, b->digest) != 0)
        fail_msg("%s:%d: %s changed the store:\n--- before\n%s--- after\n%s", file, line, expr,
                 b->digest, now);
    free(now);
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    if (seq != b->seq)
        fail_msg("%s:%d: %s moved the event log from %lld to %lld", file, line, expr,
                 (long long)b->seq, (long long)seq);
    if (f->events_seen != b->events)
        fail_msg("%s:%d: %s delivered %zu event(s) to the callback", file, line, expr,
                 f->events_seen - b->events);
}

/* REFUSED(f, &base, code, "text the message must contain", call) */
#define REFUSED(f, b, want, needle, call)                                                   \
    refused_at((f), (b), (call), (want), (needle), NULL, #call, __FILE__, __LINE__)
/* The same, and the message must not contain avoid. */
#define REFUSED_NOT(f, b, want, needle, avoid, call)                                        \
    refused_at((f), (b), (call), (want), (needle), (avoid), #call, __FILE__, __LINE__)

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    fx_open(f, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    free(live_digest);
    live_digest = NULL;
    fx_close(f);
    free(f);
    return 0;
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static engsched_input *builder(fx *f)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    return in;
}

/* A complete request builder for client 0 (name, client, dates). */
static engsched_input *request_builder(fx *f, const char *name)
{
    engsched_input *in = builder(f);
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-10"));
    return in;
}

/* Broken text every validated field refuses, whatever its kind. */
static const char *const broken_utf8[] = {
    "\xc3\x28",         /* a lead byte followed by ASCII */
    "\xc0\xaf",         /* overlong "/" */
    "\xe0\x80\xaf",     /* overlong "/" in three bytes */
    "\xed\xa0\x80",     /* UTF-16 surrogate U+D800 */
    "\xf4\x90\x80\x80", /* above U+10FFFF */
    "ok\xe2\x82",       /* truncated sequence at the end */
    "\xff",             /* never valid */
};
#define N_BROKEN (sizeof broken_utf8 / sizeof broken_utf8[0])

/* Control characters a one-line field refuses. */
static const char *const line_controls[] = {
    "\x01", "a\nb", "a\rb", "a\tb", "x\x7f", "\xc2\x85" /* C1 NEL */, "\xc2\x9f",
};
#define N_LINE_CONTROLS (sizeof line_controls / sizeof line_controls[0])

/* ------------------------------------------------------------------------ */

static void test_name_refuses_empty_long_control_and_bad_utf8(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    char *long_name = repeat('n', 256);
    char *max_name = repeat('m', 255);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_input_set_name(in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_input_set_name(in, ""));
    REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_input_set_name(in, long_name));
    REFUSED(f, &b, ENGSCHED_EINVAL, "256", engsched_input_set_name(in, long_name));
    for (size_t i = 0; i < N_LINE_CONTROLS; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_input_set_name(in, line_controls[i]));
    for (size_t i = 0; i < N_BROKEN; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_input_set_name(in, broken_utf8[i]));

    /* The limits are inclusive and real UTF-8 is fine. */
    fx_ok(f, engsched_input_set_name(in, max_name));
    fx_ok(f, engsched_input_set_name(in, "Pr\xc3\xbc" "fung \xe2\x80\x93 \xf0\x9f\x94\x92"));
    free(long_name);
    free(max_name);
    engsched_input_free(in);
    base_free(&b);
}

static void test_failed_setter_keeps_the_previous_value(void **state)
{
    fx *f = *state;
    engsched_input *in = request_builder(f, "Kept name");
    fx_ok(f, engsched_input_set_description(in, "kept description"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_input_set_name(in, "bad\x01name"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_input_set_description(in, "bad\x01text"));
    fx_rc(f, ENGSCHED_EINVAL, engsched_input_set_dates(in, "2026-05-01", "2026-04-01"));
    engsched_id id = 0;
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    engsched_input_free(in);
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    assert_string_equal(engsched_engagement_name(e), "Kept name");
    assert_string_equal(engsched_engagement_description(e), "kept description");
    assert_string_equal(engsched_engagement_start(e), "2026-04-01");
    assert_string_equal(engsched_engagement_end(e), "2026-04-10");
    engsched_engagement_free(e);
}

static void test_one_line_fields_refuse_control_characters_and_length(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    char *long_text = repeat('t', 256);
    base_take(f, &b);

    typedef engsched_rc (*setter)(engsched_input *, const char *);
    static const struct {
        setter set;
        const char *field;
        int may_be_empty;
    } fields[] = {
        {engsched_input_set_type, "type", 1},
        {engsched_input_set_location, "location", 1},
        {engsched_input_set_report_title, "report_title", 0},
    };
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        const char *field = fields[k].field;
        REFUSED(f, &b, ENGSCHED_EINVAL, field, fields[k].set(in, NULL));
        REFUSED(f, &b, ENGSCHED_EINVAL, field, fields[k].set(in, long_text));
        for (size_t i = 0; i < N_LINE_CONTROLS; i++)
            REFUSED(f, &b, ENGSCHED_EINVAL, field, fields[k].set(in, line_controls[i]));
        for (size_t i = 0; i < N_BROKEN; i++)
            REFUSED(f, &b, ENGSCHED_EINVAL, field, fields[k].set(in, broken_utf8[i]));
        if (fields[k].may_be_empty)
            fx_ok(f, fields[k].set(in, ""));
        else
            REFUSED(f, &b, ENGSCHED_EINVAL, field, fields[k].set(in, ""));
        fx_ok(f, fields[k].set(in, "Web application"));
    }
    free(long_text);
    engsched_input_free(in);
    base_free(&b);
}

static void test_multiline_fields_take_newlines_but_not_controls_or_excess(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    char *desc_max = repeat('d', 65536);
    char *desc_over = repeat('d', 65537);
    char *contacts_max = repeat('c', 4096);
    char *contacts_over = repeat('c', 4097);
    base_take(f, &b);

    fx_ok(f, engsched_input_set_description(in, desc_max));
    fx_ok(f, engsched_input_set_description(in, "line 1\nline 2\r\n\tindented"));
    fx_ok(f, engsched_input_set_description(in, ""));
    REFUSED(f, &b, ENGSCHED_EINVAL, "description", engsched_input_set_description(in, desc_over));
    REFUSED(f, &b, ENGSCHED_EINVAL, "65537", engsched_input_set_description(in, desc_over));
    REFUSED(f, &b, ENGSCHED_EINVAL, "description", engsched_input_set_description(in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "description", engsched_input_set_description(in, "a\x01z"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "description", engsched_input_set_description(in, "a\x7fz"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "description",
            engsched_input_set_description(in, "a\xc2\x85z"));
    for (size_t i = 0; i < N_BROKEN; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, "description",
                engsched_input_set_description(in, broken_utf8[i]));

    fx_ok(f, engsched_input_set_contacts(in, contacts_max));
    fx_ok(f, engsched_input_set_contacts(in, "Jane <jane@acme.example>\nJoe"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "contacts", engsched_input_set_contacts(in, contacts_over));
    REFUSED(f, &b, ENGSCHED_EINVAL, "contacts", engsched_input_set_contacts(in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "contacts", engsched_input_set_contacts(in, "x\x1bz"));
    for (size_t i = 0; i < N_BROKEN; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, "contacts",
                engsched_input_set_contacts(in, broken_utf8[i]));

    free(desc_max);
    free(desc_over);
    free(contacts_max);
    free(contacts_over);
    engsched_input_free(in);
    base_free(&b);
}

static void test_dates_malformed_out_of_range_or_reversed(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    base_take(f, &b);
    static const char *const bad[] = {
        "2026-02-30", "2026-13-01", "26-01-01",   "2026-1-01",   " 2026-01-01",
        "2026-01-01T00:00", "1899-12-31", "2025-02-29", "2026-00-10", "2026-01-00",
        "2026-01-32", "10000-01-01", "2026/01/01", "2026-01-01 ", "",
        "2026-0a-01", "+026-01-01", "2026-01-1\xc2\xb9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        REFUSED(f, &b, ENGSCHED_EINVAL, "start", engsched_input_set_dates(in, bad[i], "2026-12-31"));
        REFUSED(f, &b, ENGSCHED_EINVAL, "end", engsched_input_set_dates(in, "2026-01-01", bad[i]));
        assert_int_equal(engsched_date_validate(bad[i]), ENGSCHED_EINVAL);
    }
    REFUSED(f, &b, ENGSCHED_EINVAL, "start", engsched_input_set_dates(in, NULL, "2026-01-01"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "end", engsched_input_set_dates(in, "2026-01-01", NULL));
    assert_int_equal(engsched_date_validate(NULL), ENGSCHED_EINVAL);
    /* Reversed: the message names the end and both dates. */
    REFUSED(f, &b, ENGSCHED_EINVAL, "end", engsched_input_set_dates(in, "2026-03-10", "2026-03-09"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "2026-03-09",
            engsched_input_set_dates(in, "2026-03-10", "2026-03-09"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "2026-03-10",
            engsched_input_set_dates(in, "2026-03-10", "2026-03-09"));

    /* What is valid stays valid: one day, a leap day, the range ends. */
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-10"));
    fx_ok(f, engsched_input_set_dates(in, "2024-02-29", "2024-03-01"));
    fx_ok(f, engsched_input_set_dates(in, "1900-01-01", "9999-12-30"));
    /* A last day needs a next one: the invitation's DTEND. */
    fx_rc(f, ENGSCHED_EINVAL, engsched_input_set_dates(in, "1900-01-01", "9999-12-31"));
    engsched_input_free(in);
    base_free(&b);
}

static void test_custom_fields_must_be_one_json_object(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    char *huge = malloc(65540);
    assert_non_null(huge);
    /* {"k":"xxxx…"} of 65537 bytes */
    size_t n = 65537;
    memcpy(huge, "{\"k\":\"", 6);
    memset(huge + 6, 'x', n - 8);
    memcpy(huge + n - 2, "\"}", 3);
    assert_int_equal(strlen(huge), n);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, "not json"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "line 1", engsched_input_set_custom_fields(in, "not json"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "column", engsched_input_set_custom_fields(in, "not json"));
    /* The error on the third line, in the fifth column (after "  x:"). */
    REFUSED(f, &b, ENGSCHED_EINVAL, "line 3",
            engsched_input_set_custom_fields(in, "{\n  \"a\": 1,\n  \"b\": }"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, "[1,2]"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "object", engsched_input_set_custom_fields(in, "[1,2]"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, "42"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, "\"text\""));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, "null"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields",
            engsched_input_set_custom_fields(in, "{\"a\":1,\"a\":2}"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "line 1",
            engsched_input_set_custom_fields(in, "{\"a\":1,\"a\":2}"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields",
            engsched_input_set_custom_fields(in, "{\"a\":1} {\"b\":2}"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, ""));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields", engsched_input_set_custom_fields(in, huge));
    REFUSED(f, &b, ENGSCHED_EINVAL, "custom_fields",
            engsched_input_set_custom_fields(in, "{\"a\":\"\xc3\x28\"}"));
    free(huge);

    /* A valid object is kept in canonical form (sorted, compact). */
    fx_ok(f, engsched_input_set_custom_fields(in, "{ \"b\": 1,\n \"a\": [true, null] }"));
    fx_ok(f, engsched_input_set_name(in, "Custom"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    engsched_id id = 0;
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    assert_string_equal(engsched_engagement_custom_fields(e), "{\"a\":[true,null],\"b\":1}");
    engsched_engagement_free(e);
    engsched_input_free(in);
    base_free(&b);
}

static void test_file_names_media_types_and_data(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    char *long_name = repeat('f', 256);
    char *max_name = repeat('f', 255);
    base_take(f, &b);
    static const char *const bad_names[] = {
        "a/b", "..", ".", "a\\b", "x\x7f", "", "a\nb", "\x01", "/etc/passwd", "dir\\file.txt",
        "\xc2\x85", "\xc3\x28", "\xed\xa0\x80",
    };
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        REFUSED(f, &b, ENGSCHED_EINVAL, "file name",
                engsched_input_add_file(in, bad_names[i], "text/plain", "x", 1));
        /* Attaching later validates the same way, before looking anything up. */
        REFUSED(f, &b, ENGSCHED_EINVAL, "name",
                engsched_file_attach(f->db, f->manager, 1, bad_names[i], NULL, "x", 1, NULL));
    }
    REFUSED(f, &b, ENGSCHED_EINVAL, "file name", engsched_input_add_file(in, NULL, NULL, "x", 1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "file name",
            engsched_input_add_file(in, long_name, NULL, "x", 1));

    static const char *const bad_types[] = {
        "text", "/plain", "text/", "text/plain; charset=utf-8", "text/pl ain", "te\x01xt/plain",
        "text/plain/x", "", "text/plain\r\nBcc: x@y", "t\xc3\xa9xt/plain",
    };
    for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
        REFUSED(f, &b, ENGSCHED_EINVAL, "media type",
                engsched_input_add_file(in, "ok.txt", bad_types[i], "x", 1));
        REFUSED(f, &b, ENGSCHED_EINVAL, "media_type",
                engsched_file_attach(f->db, f->manager, 1, "ok.txt", bad_types[i], "x", 1, NULL));
    }
    REFUSED(f, &b, ENGSCHED_EINVAL, "data", engsched_input_add_file(in, "ok.txt", NULL, NULL, 5));
    REFUSED(f, &b, ENGSCHED_EINVAL, "data",
            engsched_file_attach(f->db, f->manager, 1, "ok.txt", NULL, NULL, 5, NULL));

    /* Accepted: the longest name, UTF-8, no media type, no bytes. */
    fx_ok(f, engsched_input_add_file(in, max_name, "application/pdf", "x", 1));
    fx_ok(f, engsched_input_add_file(in, "Pr\xc3\xbc" "fbericht v1.2.pdf", NULL, "x", 1));
    fx_ok(f, engsched_input_add_file(in, "empty", "application/vnd.ms-excel", NULL, 0));
    free(long_name);
    free(max_name);
    engsched_input_free(in);
    base_free(&b);
}

static void test_operators_and_client_setters(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_input *in = builder(f);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EINVAL, "operator role",
            engsched_input_add_operator(in, f->operator1, (engsched_operator_role)4));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator role",
            engsched_input_add_operator(in, f->operator1, (engsched_operator_role)-1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator",
            engsched_input_add_operator(in, 0, ENGSCHED_OPROLE_LEAD));
    REFUSED(f, &b, ENGSCHED_EINVAL, "-7",
            engsched_input_add_operator(in, -7, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)f->operator1);
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator",
            engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_TESTER));
    REFUSED(f, &b, ENGSCHED_EINVAL, id,
            engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_REVIEWER));

    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_input_set_client(in, 0));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_input_set_client(in, -1));
    engsched_input_free(in);
    base_free(&b);
}

static void test_unknown_ids_in_operations(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id pending = fx_request(f, f->client_user, f->client[0], "Pending", "2026-04-01",
                                     "2026-04-02");
    const engsched_id missing = 987654;
    base_take(f, &b);

    engsched_input *in = builder(f);
    fx_ok(f, engsched_input_set_name(in, "Unknown client"));
    fx_ok(f, engsched_input_set_client(in, missing));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "client", engsched_request(f->db, f->client_user, in, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_request(f->db, f->client_user, in, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_create(f->db, f->manager, in, NULL));
    engsched_input_free(in);

    in = request_builder(f, "Unknown actor");
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "actor", engsched_request(f->db, missing, in, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_request(f->db, missing, in, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_create(f->db, missing, in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "actor", engsched_request(f->db, -3, in, NULL));
    engsched_input_free(in);

    /* An unknown engagement, for every operation that takes one. */
    in = builder(f);
    fx_ok(f, engsched_input_set_name(in, "Renamed"));
    unsigned int actions = 0;
    engsched_engagement *e = NULL;
    engsched_file_list *files = NULL;
    char *json = NULL;
    engsched_id out = 0;
    const char *want = "engagement 987654";
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want, engsched_approve(f->db, f->manager, missing, 0, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want, engsched_edit(f->db, f->manager, missing, 1, in));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want, engsched_cancel(f->db, f->manager, missing, 0, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want,
            engsched_report_set_status(f->db, f->manager, missing, 0, ENGSCHED_REPORT_READY_FOR_REVIEW));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want,
            engsched_file_attach(f->db, f->manager, missing, "a.txt", NULL, "x", 1, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want, engsched_engagement_get(f->db, f->manager, missing, &e));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want,
            engsched_file_list_get(f->db, f->manager, missing, &files));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want, engsched_events_json(f->db, f->manager, missing, &json));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, want,
            engsched_capabilities(f->db, f->manager, missing, &actions));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "engagement 0",
            engsched_engagement_get(f->db, f->manager, 0, &e));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "engagement -5",
            engsched_engagement_get(f->db, f->manager, -5, &e));
    assert_null(e);
    assert_null(files);
    assert_null(json);
    assert_int_equal(actions, 0);

    /* Unknown files and reports. */
    char buf[8];
    size_t got = 99;
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "file 987654",
            engsched_file_read(f->db, f->manager, missing, 0, buf, sizeof buf, &got));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "file 987654", engsched_file_delete(f->db, f->manager, missing));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "report 987654",
            engsched_report_engagement(f->db, f->manager, missing, &out));
    assert_int_equal(got, 99);
    assert_int_equal(out, 0);

    /* An unknown actor on a real engagement, for every operation. */
    fx_ok(f, engsched_file_attach(f->db, f->manager, pending, "a.txt", NULL, "a", 1, NULL));
    base_take(f, &b);
    const char *actor = "actor: user 987654";
    engsched_work_list *work = NULL;
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_edit(f->db, missing, pending, 1, in));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_approve(f->db, missing, pending, 0, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_cancel(f->db, missing, pending, 0, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_report_set_status(f->db, missing, pending, 0, ENGSCHED_REPORT_DRAFT));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_file_attach(f->db, missing, pending, "b.txt", NULL, "b", 1, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_file_list_get(f->db, missing, pending, &files));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_events_json(f->db, missing, pending, &json));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_engagement_get(f->db, missing, pending, &e));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_capabilities(f->db, missing, pending, &actions));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_assign(f->db, missing, pending, 0, f->operator1, ENGSCHED_OPROLE_NONE,
                            &work));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_unassign(f->db, missing, pending, 0, f->operator1));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_operator_conflicts(f->db, missing, pending, f->operator1, &work));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_setting_set(f->db, missing, "timezone", "UTC"));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_role_create(f->db, missing, "R", ENGSCHED_PERM_VIEW, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_access_grant(f->db, missing, f->viewer, f->client[1]));
    assert_null(e);
    assert_null(files);
    assert_null(json);
    assert_null(work);
    engsched_input_free(in);

    /* Operators that do not exist, or are not operators, roll an approval
     * back completely (its approved event included). */
    in = builder(f);
    fx_ok(f, engsched_input_add_operator(in, missing, ENGSCHED_OPROLE_LEAD));
    REFUSED(f, &b, ENGSCHED_EINVAL, "987654", engsched_approve(f->db, f->manager, pending, 0, in));
    engsched_input_free(in);
    in = builder(f);
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->viewer, ENGSCHED_OPROLE_TESTER));
    char viewer[32];
    snprintf(viewer, sizeof viewer, "user %lld", (long long)f->viewer);
    REFUSED(f, &b, ENGSCHED_EINVAL, viewer, engsched_approve(f->db, f->manager, pending, 0, in));
    engsched_input_free(in);
    base_free(&b);
}

/* An unknown actor is named as such by the calls that start from a file
 * or a report id too, not reported as "file N not found" for a file that
 * exists. */
static void test_unknown_actor_on_file_and_report_calls(void **state)
{
    fx *f = *state;
    baseline b = {0};
    const engsched_id missing = 987654;
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Approved", "2026-04-01", "2026-04-02");
    engsched_id file = 0;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "a.txt", NULL, "a", 1, &file));
    fx_approve(f, id);
    engsched_engagement *snap = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &snap));
    engsched_id report = engsched_engagement_report(snap);
    engsched_engagement_free(snap);
    base_take(f, &b);
    char buf[4];
    size_t got = 0;
    engsched_id out = 0;
    const char *actor = "actor: user 987654";
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_file_read(f->db, missing, file, 0, buf, sizeof buf, &got));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor, engsched_file_delete(f->db, missing, file));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, actor,
            engsched_report_engagement(f->db, missing, report, &out));
    assert_int_equal(out, 0);
    base_free(&b);
}

static void test_versions_zero_negative_and_stale(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Versioned", "2026-04-01", "2026-04-02");
    engsched_input *in = builder(f);
    fx_ok(f, engsched_input_set_location(in, "Remote"));
    fx_ok(f, engsched_edit(f->db, f->manager, id, 1, in)); /* now version 2 */
    assert_int_equal(fx_version(f, id), 2);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EINVAL, "version", engsched_edit(f->db, f->manager, id, 0, in));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version", engsched_edit(f->db, f->manager, id, -1, in));
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version", engsched_edit(f->db, f->manager, id, 1, in));
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version", engsched_edit(f->db, f->manager, id, 3, in));
    char name[32];
    snprintf(name, sizeof name, "engagement %lld", (long long)id);
    REFUSED(f, &b, ENGSCHED_ECONFLICT, name, engsched_edit(f->db, f->manager, id, 1, in));
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version", engsched_approve(f->db, f->manager, id, 1, NULL));
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version", engsched_cancel(f->db, f->manager, id, 1, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version", engsched_approve(f->db, f->manager, id, -2, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version", engsched_cancel(f->db, f->manager, id, -2, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version",
            engsched_report_set_status(f->db, f->manager, id, -2, ENGSCHED_REPORT_DRAFT));

    fx_approve(f, id); /* version 3 after approval, more after the assignment */
    base_take(f, &b);
    int64_t v = fx_version(f, id);
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version",
            engsched_report_set_status(f->db, f->manager, id, v - 1,
                                       ENGSCHED_REPORT_READY_FOR_REVIEW));
    fx_ok(f, engsched_edit(f->db, f->manager, id, v, in));
    engsched_input_free(in);
    base_free(&b);
}

static void test_fields_an_operation_does_not_take(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Fields", "2026-04-01", "2026-04-02");
    base_take(f, &b);

    engsched_input *in = builder(f);
    fx_ok(f, engsched_input_set_name(in, "x"));
    fx_ok(f, engsched_input_set_client(in, f->client[1]));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_edit(f->db, f->manager, id, 1, in));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_approve(f->db, f->manager, id, 0, in));
    engsched_input_free(in);

    in = builder(f);
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operators", engsched_edit(f->db, f->manager, id, 1, in));
    engsched_input_free(in);

    in = builder(f);
    fx_ok(f, engsched_input_add_file(in, "a.txt", NULL, "x", 1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "files", engsched_edit(f->db, f->manager, id, 1, in));
    REFUSED(f, &b, ENGSCHED_EINVAL, "files", engsched_approve(f->db, f->manager, id, 0, in));
    engsched_input_free(in);

    in = request_builder(f, "With operators");
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_LEAD));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operators", engsched_request(f->db, f->client_user, in, NULL));
    engsched_input_free(in);

    in = request_builder(f, "With a report title");
    fx_ok(f, engsched_input_set_report_title(in, "Report"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "report_title",
            engsched_request(f->db, f->client_user, in, NULL));
    /* A pending engagement has no report to title yet. */
    engsched_input_free(in);
    in = builder(f);
    fx_ok(f, engsched_input_set_report_title(in, "Report"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "report_title", engsched_edit(f->db, f->manager, id, 1, in));
    engsched_input_free(in);

    /* An edit that sets nothing, and missing required fields. */
    in = builder(f);
    REFUSED(f, &b, ENGSCHED_EINVAL, "input", engsched_edit(f->db, f->manager, id, 1, in));
    REFUSED(f, &b, ENGSCHED_EINVAL, "name", engsched_request(f->db, f->client_user, in, NULL));
    fx_ok(f, engsched_input_set_name(in, "No client"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_request(f->db, f->client_user, in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_create(f->db, f->manager, in, NULL));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    REFUSED(f, &b, ENGSCHED_EINVAL, "dates", engsched_request(f->db, f->client_user, in, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "dates", engsched_create(f->db, f->manager, in, NULL));
    engsched_input_free(in);

    REFUSED(f, &b, ENGSCHED_EINVAL, "input", engsched_request(f->db, f->client_user, NULL, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "input", engsched_create(f->db, f->manager, NULL, NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "input", engsched_edit(f->db, f->manager, id, 1, NULL));
    base_free(&b);
}

static void test_other_operation_arguments(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Arguments", "2026-04-01", "2026-04-02");
    engsched_id file = 0;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "a.txt", NULL, "abc", 3, &file));
    char *reason = repeat('r', 4097);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EINVAL, "reason", engsched_cancel(f->db, f->manager, id, 0, reason));
    REFUSED(f, &b, ENGSCHED_EINVAL, "reason", engsched_cancel(f->db, f->manager, id, 0, "a\x01"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "reason",
            engsched_cancel(f->db, f->manager, id, 0, "\xc3\x28"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "status",
            engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_NONE));
    REFUSED(f, &b, ENGSCHED_EINVAL, "status",
            engsched_report_set_status(f->db, f->manager, id, 0, (engsched_report_status)6));
    REFUSED(f, &b, ENGSCHED_EINVAL, "status",
            engsched_report_set_status(f->db, f->manager, id, 0, (engsched_report_status)-1));
    char buf[4];
    size_t got = 77;
    REFUSED(f, &b, ENGSCHED_EINVAL, "offset",
            engsched_file_read(f->db, f->manager, file, -1, buf, sizeof buf, &got));
    REFUSED(f, &b, ENGSCHED_EINVAL, "buf",
            engsched_file_read(f->db, f->manager, file, 0, NULL, 4, &got));
    assert_int_equal(got, 77);
    /* Refused in the current status: the message names the engagement,
     * its status and the operation. */
    REFUSED(f, &b, ENGSCHED_ESTATE, "Pending",
            engsched_report_set_status(f->db, f->manager, id, 0, ENGSCHED_REPORT_READY_FOR_REVIEW));
    fx_ok(f, engsched_cancel(f->db, f->manager, id, 0, "client withdrew"));
    base_take(f, &b);
    engsched_input *in = builder(f);
    fx_ok(f, engsched_input_set_name(in, "Too late"));
    char name[32];
    snprintf(name, sizeof name, "engagement %lld", (long long)id);
    REFUSED(f, &b, ENGSCHED_ESTATE, name, engsched_edit(f->db, f->manager, id, 2, in));
    REFUSED(f, &b, ENGSCHED_ESTATE, "Canceled", engsched_edit(f->db, f->manager, id, 2, in));
    REFUSED(f, &b, ENGSCHED_ESTATE, "edit", engsched_edit(f->db, f->manager, id, 2, in));
    REFUSED(f, &b, ENGSCHED_ESTATE, "cancel", engsched_cancel(f->db, f->manager, id, 0, NULL));
    REFUSED(f, &b, ENGSCHED_ESTATE, "approve", engsched_approve(f->db, f->manager, id, 0, NULL));
    engsched_input_free(in);
    free(reason);
    base_free(&b);
}

static void test_oversized_file_stores_nothing(void **state)
{
    fx *f = *state;
    baseline b = {0};
    static const char bytes[64] = "0123456789abcdef0123456789abcdef0123456789abcdef012345678";
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "file_max_bytes", "16"));
    engsched_id id = fx_request(f, f->client_user, f->client[0], "Files", "2026-04-01", "2026-04-02");
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "exact.bin", NULL, bytes, 16, NULL));
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_ETOOBIG, "file_max_bytes",
            engsched_file_attach(f->db, f->manager, id, "big.bin", NULL, bytes, 17, NULL));
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "big.bin",
            engsched_file_attach(f->db, f->manager, id, "big.bin", NULL, bytes, 17, NULL));

    /* A request whose second file is too big: neither the engagement nor
     * its first file is stored, and no event is delivered. */
    engsched_input *in = request_builder(f, "Request with a big file");
    fx_ok(f, engsched_input_add_file(in, "small.txt", "text/plain", bytes, 4));
    fx_ok(f, engsched_input_add_file(in, "big.bin", NULL, bytes, 17));
    engsched_id out = 0;
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "file_max_bytes",
            engsched_request(f->db, f->client_user, in, &out));
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "big.bin", engsched_create(f->db, f->manager, in, &out));
    assert_int_equal(out, 0);
    engsched_input_free(in);

    /* The count limit: one file is there, two are allowed. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "file_max_count", "2"));
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "second.bin", NULL, bytes, 2, NULL));
    base_take(f, &b);
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "file_max_count",
            engsched_file_attach(f->db, f->manager, id, "third.bin", NULL, bytes, 2, NULL));
    in = request_builder(f, "Request with three files");
    fx_ok(f, engsched_input_add_file(in, "1.txt", NULL, bytes, 1));
    fx_ok(f, engsched_input_add_file(in, "2.txt", NULL, bytes, 1));
    fx_ok(f, engsched_input_add_file(in, "3.txt", NULL, bytes, 1));
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "file_max_count",
            engsched_request(f->db, f->client_user, in, &out));
    REFUSED(f, &b, ENGSCHED_ETOOBIG, "file_max_count", engsched_create(f->db, f->manager, in, &out));
    assert_int_equal(out, 0);
    engsched_input_free(in);
    /* The count is per engagement: another one still takes two files. */
    engsched_id other =
        fx_request(f, f->client_user, f->client[0], "Other", "2026-04-01", "2026-04-02");
    fx_ok(f, engsched_file_attach(f->db, f->manager, other, "1.txt", NULL, bytes, 1, NULL));
    fx_ok(f, engsched_file_attach(f->db, f->manager, other, "2.txt", NULL, bytes, 1, NULL));
    base_free(&b);
}

static void test_settings_unknown_keys_and_bad_values(void **state)
{
    fx *f = *state;
    baseline b = {0};
    base_take(f, &b);
    static const struct {
        const char *key;
        const char *value;
    } bad[] = {
        {"timezone", "Mars/Olympus"},
        {"timezone", ""},
        {"timezone", "Europe/Berlin\n"},
        {"working_week", "8"},
        {"working_week", "0"},
        {"working_week", ""},
        {"working_week", "112"},
        {"working_week", "1-5"},
        {"holidays", "2026-02-30"},
        {"holidays", "2026-01-01,"},
        {"holidays", "2026-1-1"},
        {"holidays", "2026-01-01;2026-01-02"},
        {"conflict_policy", "maybe"},
        {"conflict_policy", "WARN"},
        {"file_max_bytes", "0"},
        {"file_max_bytes", "-1"},
        {"file_max_bytes", "1k"},
        {"file_max_bytes", ""},
        {"file_max_bytes", " 5"},
        {"file_max_bytes", "99999999999999999999999"},
        {"file_max_count", "0"},
        {"file_max_count", "1000001"},
        {"organizer_email", "a@b\r\nBcc: x@y"},
        {"organizer_email", "not an address"},
        {"organizer_name", "Ops\nBcc: x@y"},
        {"uid_domain", "bad domain"},
        {"uid_domain", ""},
        {"engagement_url", "https://x/{id}\r\n"},
        {"report_url", "\xc3\x28"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, bad[i].key,
                engsched_setting_set(f->db, ENGSCHED_SYSTEM, bad[i].key, bad[i].value));
    REFUSED(f, &b, ENGSCHED_EINVAL, "timezone",
            engsched_setting_set(f->db, ENGSCHED_SYSTEM, "timezone", NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "colour",
            engsched_setting_set(f->db, ENGSCHED_SYSTEM, "colour", "blue"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "key", engsched_setting_set(f->db, ENGSCHED_SYSTEM, NULL, "x"));
    char *value = NULL;
    REFUSED(f, &b, ENGSCHED_EINVAL, "colour", engsched_setting_get(f->db, "colour", &value));
    assert_null(value);
    /* Changing settings needs ADMIN: the message names the user. */
    char manager[32];
    snprintf(manager, sizeof manager, "%lld", (long long)f->manager);
    REFUSED(f, &b, ENGSCHED_EDENIED, manager,
            engsched_setting_set(f->db, f->manager, "timezone", "Europe/Berlin"));

    /* Each refused value left the default in place. */
    fx_ok(f, engsched_setting_get(f->db, "timezone", &value));
    assert_string_equal(value, "UTC");
    engsched_free(value);
    fx_ok(f, engsched_setting_get(f->db, "working_week", &value));
    assert_string_equal(value, "12345");
    engsched_free(value);
    /* And valid values are taken. */
    fx_ok(f, engsched_setting_set(f->db, f->admin, "timezone", "Europe/Berlin"));
    fx_ok(f, engsched_setting_set(f->db, f->admin, "holidays", "2026-12-25,2026-12-26"));
    fx_ok(f, engsched_setting_set(f->db, f->admin, "working_week", "1234567"));
    base_free(&b);
}

static void test_directory_bad_keys_emails_roles_and_masks(void **state)
{
    fx *f = *state;
    baseline b = {0};
    char *long_key = repeat('k', 256);
    base_take(f, &b);
    engsched_id out = 0;

    const char *bad_text[] = {NULL, "", long_key, "k\x01", "k\ny", "k\x7f", "\xc3\x28",
                              "\xc2\x85"};
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        REFUSED(f, &b, ENGSCHED_EINVAL, "host_key",
                engsched_client_upsert(f->db, ENGSCHED_SYSTEM, bad_text[i], "Name", &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "name",
                engsched_client_upsert(f->db, ENGSCHED_SYSTEM, "key", bad_text[i], &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "host_key",
                engsched_user_upsert(f->db, ENGSCHED_SYSTEM, bad_text[i], "a@example.com", "A",
                                     ENGSCHED_ROLE_VIEWER, 0, &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "display_name",
                engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", "a@example.com", bad_text[i],
                                     ENGSCHED_ROLE_VIEWER, 0, &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "name",
                engsched_role_create(f->db, ENGSCHED_SYSTEM, bad_text[i], ENGSCHED_PERM_VIEW,
                                     &out));
    }
    char local65[80];
    memset(local65, 'l', 65);
    snprintf(local65 + 65, sizeof local65 - 65, "@example.com");
    static const char *const bad_emails[] = {
        "",
        "plain",
        "@example.com",
        "a@",
        "a@b\r\nBcc: x@y",
        "a@example.com\r\n",
        "a\n@example.com",
        "a b@example.com",
        "a..b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a@-example.com",
        "a@example.com.",
        "a@exa mple.com",
        "a@exam_ple.com",
        "\"quoted\"@example.com",
        "a@example.com>, b@example.com",
        "a@b@example.com;",
    };
    for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++)
        REFUSED(f, &b, ENGSCHED_EINVAL, "email",
                engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", bad_emails[i], "U",
                                     ENGSCHED_ROLE_VIEWER, 0, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "email",
            engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", local65, "U", ENGSCHED_ROLE_VIEWER,
                                 0, &out));
    /* The same for an existing user: the row keeps its address. */
    REFUSED(f, &b, ENGSCHED_EINVAL, "email",
            engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "viewer", "v@x\r\nBcc: y@z", "viewer",
                                 ENGSCHED_ROLE_VIEWER, 0, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "flags",
            engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", NULL, "U", ENGSCHED_ROLE_VIEWER,
                                 0x2u, &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "role",
            engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", NULL, "U", 99, 0, &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "99",
            engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "u", NULL, "U", 99, 0, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "permissions",
            engsched_role_create(f->db, ENGSCHED_SYSTEM, "Weird", 0x8000u, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "permissions",
            engsched_role_create(f->db, ENGSCHED_SYSTEM, "Weird", ENGSCHED_PERM_ALL + 1u, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "permissions",
            engsched_role_set_permissions(f->db, ENGSCHED_SYSTEM, ENGSCHED_ROLE_VIEWER,
                                          0x80000000u));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "role",
            engsched_role_set_permissions(f->db, ENGSCHED_SYSTEM, 99, ENGSCHED_PERM_VIEW));
    REFUSED(f, &b, ENGSCHED_EEXISTS, "Manager",
            engsched_role_create(f->db, ENGSCHED_SYSTEM, "Manager", ENGSCHED_PERM_VIEW, &out));
    assert_int_equal(out, 0);

    /* Access changes name the unknown user or client. */
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "user",
            engsched_access_grant(f->db, ENGSCHED_SYSTEM, 987654, f->client[0]));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654",
            engsched_access_grant(f->db, ENGSCHED_SYSTEM, 987654, f->client[0]));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "client",
            engsched_access_grant(f->db, ENGSCHED_SYSTEM, f->viewer, 987654));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654",
            engsched_access_revoke(f->db, ENGSCHED_SYSTEM, f->viewer, 987654));
    REFUSED(f, &b, ENGSCHED_EINVAL, "user",
            engsched_access_grant(f->db, ENGSCHED_SYSTEM, ENGSCHED_SYSTEM, f->client[0]));

    /* Directory changes need ADMIN. */
    REFUSED(f, &b, ENGSCHED_EDENIED, "admin",
            engsched_client_upsert(f->db, f->manager, "new-client", "New", &out));
    REFUSED(f, &b, ENGSCHED_EDENIED, "admin",
            engsched_access_grant(f->db, f->manager, f->viewer, f->client[1]));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654",
            engsched_client_upsert(f->db, 987654, "new-client", "New", &out));

    /* Lookups of unknown keys. */
    char *name = NULL;
    unsigned int perms = 0;
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "no-such-client",
            engsched_client_find(f->db, "no-such-client", &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_client_name(f->db, 987654, &name));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "no-such-user",
            engsched_user_find(f->db, "no-such-user", &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "Nope", engsched_role_find(f->db, "Nope", &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_user_permissions(f->db, 987654, &perms));
    REFUSED(f, &b, ENGSCHED_EINVAL, "user",
            engsched_user_permissions(f->db, ENGSCHED_SYSTEM, &perms));
    assert_int_equal(out, 0);
    assert_null(name);
    assert_int_equal(perms, 0);

    /* The viewer was not changed by the refused upsert. */
    engsched_id viewer = 0;
    fx_ok(f, engsched_user_find(f->db, "viewer", &viewer));
    assert_int_equal(viewer, f->viewer);
    fx_ok(f, engsched_user_permissions(f->db, viewer, &perms));
    assert_int_equal(perms, ENGSCHED_PERM_VIEW);
    free(long_key);
    base_free(&b);
}

/* A user id that is not valid (negative) is named as the field it was
 * passed in, not as "actor": the actor of these calls is fine. */
static void test_bad_user_argument_is_named_user(void **state)
{
    fx *f = *state;
    baseline b = {0};
    base_take(f, &b);
    unsigned int perms = 0;
    REFUSED_NOT(f, &b, ENGSCHED_EINVAL, "user", "actor",
                engsched_access_grant(f->db, ENGSCHED_SYSTEM, -4, f->client[0]));
    REFUSED_NOT(f, &b, ENGSCHED_EINVAL, "user", "actor",
                engsched_access_revoke(f->db, ENGSCHED_SYSTEM, -4, f->client[0]));
    REFUSED_NOT(f, &b, ENGSCHED_EINVAL, "user", "actor",
                engsched_user_permissions(f->db, -4, &perms));
    REFUSED_NOT(f, &b, ENGSCHED_ENOTFOUND, "987654", "actor",
                engsched_user_permissions(f->db, 987654, &perms));
    base_free(&b);
}

static void test_staffing_and_view_arguments(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Staffing", "2026-04-01", "2026-04-02");
    fx_approve(f, id);
    char *reason = repeat('r', 256);
    base_take(f, &b);
    engsched_work_list *list = NULL;
    engsched_id out = 0;

    /* assign / unassign / conflicts */
    REFUSED(f, &b, ENGSCHED_EINVAL, "role",
            engsched_assign(f->db, f->manager, id, 0, f->operator2, (engsched_operator_role)9,
                            &list));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version",
            engsched_assign(f->db, f->manager, id, -1, f->operator2, ENGSCHED_OPROLE_NONE, &list));
    REFUSED(f, &b, ENGSCHED_ECONFLICT, "version",
            engsched_assign(f->db, f->manager, id, 1, f->operator2, ENGSCHED_OPROLE_NONE, &list));
    REFUSED(f, &b, ENGSCHED_EINVAL, "987654",
            engsched_assign(f->db, f->manager, id, 0, 987654, ENGSCHED_OPROLE_NONE, &list));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator",
            engsched_assign(f->db, f->manager, id, 0, f->viewer, ENGSCHED_OPROLE_NONE, &list));
    REFUSED(f, &b, ENGSCHED_EEXISTS, "operator",
            engsched_assign(f->db, f->manager, id, 0, f->operator1, ENGSCHED_OPROLE_NONE, &list));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "engagement 987654",
            engsched_assign(f->db, f->manager, 987654, 0, f->operator2, ENGSCHED_OPROLE_NONE,
                            &list));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "operator",
            engsched_unassign(f->db, f->manager, id, 0, f->operator2));
    REFUSED(f, &b, ENGSCHED_EINVAL, "version",
            engsched_unassign(f->db, f->manager, id, -3, f->operator1));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "engagement 987654",
            engsched_unassign(f->db, f->manager, 987654, 0, f->operator1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator",
            engsched_operator_conflicts(f->db, f->manager, id, f->viewer, &list));
    REFUSED(f, &b, ENGSCHED_EINVAL, "out",
            engsched_operator_conflicts(f->db, f->manager, id, f->operator1, NULL));
    assert_null(list);

    /* unavailability */
    REFUSED(f, &b, ENGSCHED_EINVAL, "start",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-02-30",
                                        "2026-03-02", "Leave", &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "end",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-03-02",
                                        "2026-03-01", "Leave", &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "end",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-01-01",
                                        "2027-12-31", "Sabbatical", &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "reason",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-03-02",
                                        "2026-03-03", "", &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "reason",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-03-02",
                                        "2026-03-03", reason, &out));
    REFUSED(f, &b, ENGSCHED_EINVAL, "reason",
            engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-03-02",
                                        "2026-03-03", "Leave\r\nBcc: x@y", &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654",
            engsched_unavailability_add(f->db, f->manager, 987654, "2026-03-02", "2026-03-03",
                                        "Leave", &out));
    REFUSED(f, &b, ENGSCHED_EDENIED, "unavailability",
            engsched_unavailability_add(f->db, f->operator2, f->operator1, "2026-03-02",
                                        "2026-03-03", "Leave", &out));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "unavailability 987654",
            engsched_unavailability_remove(f->db, f->manager, 987654));
    REFUSED(f, &b, ENGSCHED_EINVAL, "start",
            engsched_unavailability_list(f->db, f->manager, f->operator1, "tomorrow",
                                         "2026-03-03", &list));
    REFUSED(f, &b, ENGSCHED_EINVAL, "out",
            engsched_unavailability_list(f->db, f->manager, f->operator1, "2026-03-01",
                                         "2026-03-03", NULL));
    assert_int_equal(out, 0);
    assert_null(list);

    /* queries and views */
    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    REFUSED(f, &b, ENGSCHED_EINVAL, "statuses", engsched_query_set_statuses(q, 0));
    REFUSED(f, &b, ENGSCHED_EINVAL, "statuses", engsched_query_set_statuses(q, 1u << 9));
    REFUSED(f, &b, ENGSCHED_EINVAL, "client", engsched_query_set_client(q, -1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "operator", engsched_query_set_operator(q, -1));
    REFUSED(f, &b, ENGSCHED_EINVAL, "start", engsched_query_set_range(q, "2026-1-1", "2026-02-01"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "end", engsched_query_set_range(q, "2026-01-01", NULL));
    REFUSED(f, &b, ENGSCHED_EINVAL, "end",
            engsched_query_set_range(q, "2026-02-01", "2026-01-01"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "text", engsched_query_set_text(q, ""));
    REFUSED(f, &b, ENGSCHED_EINVAL, "text", engsched_query_set_text(q, "a\x01"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "text", engsched_query_set_text(q, reason));
    REFUSED(f, &b, ENGSCHED_EINVAL, "sort",
            engsched_query_set_sort(q, (engsched_sort)(ENGSCHED_SORT_UPDATED + 1), 0));
    REFUSED(f, &b, ENGSCHED_EINVAL, "limit", engsched_query_set_limit(q, 0));
    REFUSED(f, &b, ENGSCHED_EINVAL, "limit", engsched_query_set_limit(q, ENGSCHED_PAGE_MAX + 1));
    engsched_cursor *cur = NULL;
    REFUSED(f, &b, ENGSCHED_EINVAL, "range", engsched_calendar(f->db, f->manager, q, &cur));
    /* 366 days is the longest range; one day more is refused. */
    fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2027-01-01"));
    fx_ok(f, engsched_calendar(f->db, f->manager, q, &cur));
    engsched_cursor_free(cur);
    cur = NULL;
    fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2027-01-02"));
    REFUSED(f, &b, ENGSCHED_EINVAL, "range", engsched_calendar(f->db, f->manager, q, &cur));
    REFUSED(f, &b, ENGSCHED_EINVAL, "token",
            engsched_list(f->db, f->manager, q, "not-a-token", &cur));
    REFUSED(f, &b, ENGSCHED_EINVAL, "query", engsched_list(f->db, f->manager, NULL, NULL, &cur));
    REFUSED(f, &b, ENGSCHED_EINVAL, "out", engsched_list(f->db, f->manager, q, NULL, NULL));
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "987654", engsched_list(f->db, 987654, q, NULL, &cur));
    REFUSED(f, &b, ENGSCHED_EINVAL, "out",
            engsched_availability_open(f->db, f->manager, "2026-04-01", "2026-04-30", NULL));
    engsched_availability *av = NULL;
    REFUSED(f, &b, ENGSCHED_EDENIED, "view_availability",
            engsched_availability_open(f->db, f->viewer, "2026-04-01", "2026-04-30", &av));
    REFUSED(f, &b, ENGSCHED_EINVAL, "start",
            engsched_availability_open(f->db, f->manager, "2026-04-31", "2026-05-30", &av));
    REFUSED(f, &b, ENGSCHED_EINVAL, "range",
            engsched_availability_open(f->db, f->manager, "2026-01-01", "2027-01-02", &av));
    assert_null(cur);
    assert_null(av);

    /* A query of another handle. */
    engsched *other = NULL;
    fx_ok(f, engsched_open(":memory:", NULL, &other));
    engsched_query *foreign = NULL;
    assert_int_equal(engsched_query_new(other, &foreign), ENGSCHED_OK);
    REFUSED(f, &b, ENGSCHED_EMISUSE, "query",
            engsched_list(f->db, f->manager, foreign, NULL, &cur));
    engsched_query_free(foreign);
    assert_int_equal(engsched_close(other), ENGSCHED_OK);
    engsched_query_free(q);
    free(reason);
    base_free(&b);
}

/* An import is validated whole before anything is written: a refused one
 * leaves the target store exactly as it was (its own export unchanged). */
typedef struct import_target {
    engsched *db;
    char *before;
    int64_t seq;
} import_target;

static void import_refused_at(import_target *t, const char *json, engsched_rc want,
                              const char *needle, const char *what, int line)
{
    unsigned int count = 4242;
    engsched_rc rc = engsched_import_json(t->db, ENGSCHED_SYSTEM, json, &count);
    char msg[600];
    snprintf(msg, sizeof msg, "%s", engsched_errmsg(t->db));
    if (rc != want)
        fail_msg("line %d: import of %s returned %s, expected %s: %s", line, what,
                 engsched_rc_name(rc), engsched_rc_name(want), msg);
    if (needle != NULL && strstr(msg, needle) == NULL)
        fail_msg("line %d: import of %s: message \"%s\" does not name \"%s\"", line, what, msg,
                 needle);
    assert_int_equal(count, 4242);
    char *after = NULL;
    assert_int_equal(engsched_export_json(t->db, ENGSCHED_SYSTEM, &after), ENGSCHED_OK);
    if (strcmp(after, t->before) != 0)
        fail_msg("line %d: a refused import of %s changed the store", line, what);
    engsched_free(after);
    int64_t seq = -1;
    assert_int_equal(engsched_events_last_seq(t->db, &seq), ENGSCHED_OK);
    assert_int_equal(seq, t->seq);
}

/* The export with one value replaced (path: engagement index and key, or
 * a top-level key when index < 0), as text to free(). */
static char *mutated(const char *export, int index, const char *key, json_t *value)
{
    json_error_t error;
    json_t *doc = json_loads(export, 0, &error);
    assert_non_null(doc);
    json_t *target = index < 0 ? doc : json_array_get(json_object_get(doc, "engagements"),
                                                      (size_t)index);
    assert_non_null(target);
    assert_int_equal(json_object_set_new(target, key, value), 0);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_non_null(text);
    return text;
}

static void test_import_refuses_bad_documents_whole(void **state)
{
    fx *f = *state;
    engsched_id a = fx_request(f, f->client_user, f->client[0], "First", "2026-04-01",
                               "2026-04-02");
    fx_approve(f, a);
    engsched_id b2 = fx_request(f, f->client_user, f->client[0],
                                "Second", "2026-05-01", "2026-05-02");
    fx_ok(f, engsched_file_attach(f->db, f->manager, b2, "scope.txt", "text/plain", "in scope",
                                  8, NULL));
    char *export = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &export));

    import_target t = {NULL, NULL, 0};
    assert_int_equal(engsched_open(":memory:", NULL, &t.db), ENGSCHED_OK);
    assert_int_equal(engsched_export_json(t.db, ENGSCHED_SYSTEM, &t.before), ENGSCHED_OK);
    assert_int_equal(engsched_events_last_seq(t.db, &t.seq), ENGSCHED_OK);

#define IMPORT_REFUSED(json, want, needle) import_refused_at(&t, (json), (want), (needle), #json, __LINE__)
    IMPORT_REFUSED("{", ENGSCHED_EINVAL, "line 1");
    IMPORT_REFUSED("{\"format\":\"engsched-export\",\n\"format\":\"x\"}", ENGSCHED_EINVAL, "line 2");
    IMPORT_REFUSED("[]", ENGSCHED_EINVAL, NULL);
    IMPORT_REFUSED(NULL, ENGSCHED_EINVAL, "json");

    char *bad = mutated(export, 1, "start", json_string("2026-02-30"));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "engagements[1].start");
    free(bad);
    bad = mutated(export, 0, "name", json_string(""));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "engagements[0].name");
    free(bad);
    bad = mutated(export, 1, "name", json_string("bad\x01name"));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "engagements[1].name");
    free(bad);
    bad = mutated(export, 1, "custom_fields", json_pack("[i]", 1));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "engagements[1].custom_fields");
    free(bad);
    bad = mutated(export, -1, "format", json_string("something-else"));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "format");
    free(bad);
    bad = mutated(export, -1, "engagements", json_string("none"));
    IMPORT_REFUSED(bad, ENGSCHED_EINVAL, "engagements");
    free(bad);

    /* The same document, valid, imports; then the refused ones were not
     * refused for being valid elsewhere. */
    unsigned int count = 0;
    assert_int_equal(engsched_import_json(t.db, ENGSCHED_SYSTEM, export, &count), ENGSCHED_OK);
    assert_int_equal(count, 2);
    char *copy = NULL;
    assert_int_equal(engsched_export_json(t.db, ENGSCHED_SYSTEM, &copy), ENGSCHED_OK);
    assert_string_equal(copy, export);
    engsched_free(copy);

    /* Importing needs ADMIN. */
    baseline base = {0};
    base_take(f, &base);
    REFUSED(f, &base, ENGSCHED_EDENIED, "admin",
            engsched_import_json(f->db, f->manager, export, &count));
    base_free(&base);
#undef IMPORT_REFUSED
    engsched_free(t.before);
    assert_int_equal(engsched_close(t.db), ENGSCHED_OK);
    engsched_free(export);
}

/* Names that become an iCalendar CN parameter (a user's display name, the
 * organizer_name setting) and that libical cannot carry: refused where
 * they enter, not when an invitation is built after a later change. */
static const char *const cn_refused[] = {
    "A^nB", "A^NB", "A^^B", "A^'B", "A^\"B", "Name\\", "Ops\r\nBcc: x@y",
};
#define N_CN_REFUSED (sizeof cn_refused / sizeof cn_refused[0])

static void test_names_an_invitation_cannot_carry_are_refused(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_name", "Scheduling"));
    baseline b = {0};
    base_take(f, &b);
    engsched_id out = 0;
    for (size_t i = 0; i < N_CN_REFUSED; i++) {
        REFUSED(f, &b, ENGSCHED_EINVAL, "display_name",
                engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "newcomer", "n@example.com",
                                     cn_refused[i], ENGSCHED_ROLE_OPERATOR, 0, &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "display_name",
                engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "viewer", "viewer@example.com",
                                     cn_refused[i], ENGSCHED_ROLE_VIEWER, 0, &out));
        REFUSED(f, &b, ENGSCHED_EINVAL, "organizer_name",
                engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_name", cn_refused[i]));
    }
    assert_int_equal(out, 0);
    /* No user was created, the existing one kept its name, the setting its
     * value (the digest covers engagements, not the directory). */
    REFUSED(f, &b, ENGSCHED_ENOTFOUND, "newcomer", engsched_user_find(f->db, "newcomer", &out));
    char *name = NULL;
    fx_ok(f, engsched_user_info(f->db, f->viewer, NULL, NULL, &name, NULL, NULL));
    assert_string_equal(name, "viewer");
    engsched_free(name);
    fx_ok(f, engsched_setting_get(f->db, "organizer_name", &name));
    assert_string_equal(name, "Scheduling");
    engsched_free(name);
    base_free(&b);
}

/* The export with the display name of the user with key @key replaced, as
 * text to free(); the user's index in "users" goes to *index. */
static char *with_user_name(const char *export, const char *key, const char *name,
                            size_t *index)
{
    json_error_t error;
    json_t *doc = json_loads(export, 0, &error);
    assert_non_null(doc);
    json_t *users = json_object_get(doc, "users");
    json_t *user = NULL;
    size_t i;
    json_array_foreach(users, i, user)
    {
        if (strcmp(json_string_value(json_object_get(user, "key")), key) == 0)
            break;
    }
    assert_true(i < json_array_size(users));
    assert_non_null(json_object_get(user, "role")); /* a full entry, written on import */
    assert_int_equal(json_object_set_new(user, "display_name", json_string(name)), 0);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_non_null(text);
    *index = i;
    return text;
}

static void test_import_refuses_names_an_invitation_cannot_carry(void **state)
{
    fx *f = *state;
    char *export = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &export));
    import_target t = {NULL, NULL, 0};
    assert_int_equal(engsched_open(":memory:", NULL, &t.db), ENGSCHED_OK);
    assert_int_equal(engsched_export_json(t.db, ENGSCHED_SYSTEM, &t.before), ENGSCHED_OK);
    assert_int_equal(engsched_events_last_seq(t.db, &t.seq), ENGSCHED_OK);
    /* Into its own store the user is updated; into an empty one, created. */
    import_target self = {f->db, export, 0};
    assert_int_equal(engsched_events_last_seq(f->db, &self.seq), ENGSCHED_OK);
    for (size_t i = 0; i < N_CN_REFUSED; i++) {
        size_t index = 0;
        char *bad = with_user_name(export, "operator1", cn_refused[i], &index);
        char needle[64];
        snprintf(needle, sizeof needle, "users[%zu].display_name", index);
        import_refused_at(&t, bad, ENGSCHED_EINVAL, needle, cn_refused[i], __LINE__);
        import_refused_at(&self, bad, ENGSCHED_EINVAL, needle, cn_refused[i], __LINE__);
        free(bad);
    }
    engsched_free(t.before);
    assert_int_equal(engsched_close(t.db), ENGSCHED_OK);
    engsched_free(export);
}

static void test_null_handle_is_misuse_everywhere(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Null handle", "2026-04-01", "2026-04-02");
    base_take(f, &b);
    engsched_input *in = NULL;
    engsched_engagement *e = NULL;
    engsched_file_list *files = NULL;
    char *text = NULL;
    engsched_id out = 0;
    unsigned int mask = 0, moved = 0;
    int64_t seq = 0;
    int version = 0;
    char buf[4];
    size_t got = 0;

    const char *null_msg = engsched_errmsg(NULL);
    assert_non_null(null_msg);
    assert_true(strlen(null_msg) > 0);
    assert_int_equal(engsched_errcode(NULL), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_close(NULL), ENGSCHED_OK);

#define MISUSE(call) REFUSED(f, &b, ENGSCHED_EMISUSE, NULL, call)
    MISUSE(engsched_schema_version(NULL, &version));
    MISUSE(engsched_client_upsert(NULL, ENGSCHED_SYSTEM, "k", "n", &out));
    MISUSE(engsched_client_find(NULL, "k", &out));
    MISUSE(engsched_client_name(NULL, f->client[0], &text));
    MISUSE(engsched_user_upsert(NULL, ENGSCHED_SYSTEM, "k", NULL, "n", ENGSCHED_ROLE_VIEWER, 0,
                                &out));
    MISUSE(engsched_user_find(NULL, "k", &out));
    MISUSE(engsched_user_permissions(NULL, f->viewer, &mask));
    MISUSE(engsched_access_grant(NULL, ENGSCHED_SYSTEM, f->viewer, f->client[1]));
    MISUSE(engsched_access_revoke(NULL, ENGSCHED_SYSTEM, f->viewer, f->client[0]));
    MISUSE(engsched_role_create(NULL, ENGSCHED_SYSTEM, "R", ENGSCHED_PERM_VIEW, &out));
    MISUSE(engsched_role_set_permissions(NULL, ENGSCHED_SYSTEM, ENGSCHED_ROLE_VIEWER, 0));
    MISUSE(engsched_role_find(NULL, "Manager", &out));
    MISUSE(engsched_setting_set(NULL, ENGSCHED_SYSTEM, "timezone", "UTC"));
    MISUSE(engsched_setting_get(NULL, "timezone", &text));
    MISUSE(engsched_input_new(NULL, &in));
    MISUSE(engsched_request(NULL, f->client_user, NULL, &out));
    MISUSE(engsched_create(NULL, f->manager, NULL, &out));
    MISUSE(engsched_approve(NULL, f->manager, id, 0, NULL));
    MISUSE(engsched_edit(NULL, f->manager, id, 1, NULL));
    MISUSE(engsched_cancel(NULL, f->manager, id, 0, NULL));
    MISUSE(engsched_report_set_status(NULL, f->manager, id, 0, ENGSCHED_REPORT_DRAFT));
    MISUSE(engsched_tick(NULL, FX_T0, &moved));
    MISUSE(engsched_report_engagement(NULL, f->manager, 1, &out));
    MISUSE(engsched_engagement_get(NULL, f->manager, id, &e));
    MISUSE(engsched_capabilities(NULL, f->manager, id, &mask));
    MISUSE(engsched_file_attach(NULL, f->manager, id, "a.txt", NULL, "x", 1, &out));
    MISUSE(engsched_file_list_get(NULL, f->manager, id, &files));
    MISUSE(engsched_file_read(NULL, f->manager, 1, 0, buf, sizeof buf, &got));
    MISUSE(engsched_file_delete(NULL, f->manager, 1));
    MISUSE(engsched_events_json(NULL, f->manager, id, &text));
    MISUSE(engsched_events_last_seq(NULL, &seq));
    engsched_work_list *work = NULL;
    engsched_query *query = NULL;
    engsched_cursor *cursor = NULL;
    engsched_availability *avail = NULL;
    int has = 0;
    MISUSE(engsched_assign(NULL, f->manager, id, 0, f->operator1, ENGSCHED_OPROLE_LEAD, &work));
    MISUSE(engsched_unassign(NULL, f->manager, id, 0, f->operator1));
    MISUSE(engsched_operator_conflicts(NULL, f->manager, id, f->operator1, &work));
    MISUSE(engsched_unavailability_add(NULL, f->operator1, f->operator1, "2026-04-01",
                                       "2026-04-02", "Leave", &out));
    MISUSE(engsched_unavailability_remove(NULL, f->manager, 1));
    MISUSE(engsched_unavailability_list(NULL, f->manager, f->operator1, "2026-04-01",
                                        "2026-04-02", &work));
    MISUSE(engsched_query_new(NULL, &query));
    MISUSE(engsched_list(NULL, f->manager, NULL, NULL, &cursor));
    MISUSE(engsched_calendar(NULL, f->manager, NULL, &cursor));
    MISUSE(engsched_availability_open(NULL, f->manager, "2026-04-01", "2026-04-02", &avail));
    MISUSE(engsched_query_set_statuses(NULL, 1u << ENGSCHED_STATUS_PENDING));
    MISUSE(engsched_query_set_client(NULL, 0));
    MISUSE(engsched_query_set_operator(NULL, 0));
    MISUSE(engsched_query_set_range(NULL, NULL, NULL));
    MISUSE(engsched_query_set_text(NULL, NULL));
    MISUSE(engsched_query_set_sort(NULL, ENGSCHED_SORT_NAME, 0));
    MISUSE(engsched_query_set_limit(NULL, 10));
    MISUSE(engsched_cursor_next(NULL, &has));
    MISUSE(engsched_availability_next(NULL, &has));
    MISUSE(engsched_work_list_item(NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL));
    unsigned int imported = 0;
    MISUSE(engsched_engagement_json(NULL, f->manager, id, &text));
    MISUSE(engsched_export_json(NULL, f->manager, &text));
    MISUSE(engsched_import_json(NULL, ENGSCHED_SYSTEM, "{}", &imported));
    MISUSE(engsched_invitation_ics(NULL, f->manager, id, f->operator1, &text));
    MISUSE(engsched_invitation_mail(NULL, f->manager, id, f->operator1, &text));
    MISUSE(engsched_feed_ics(NULL, f->operator1, f->operator1, &text));
    assert_int_equal(imported, 0);
    assert_null(work);
    assert_null(query);
    assert_null(cursor);
    assert_null(avail);
    assert_int_equal(has, 0);
    assert_int_equal(engsched_work_list_count(NULL), 0);
    assert_null(engsched_cursor_next_token(NULL));
    assert_null(engsched_availability_work(NULL));
    engsched_work_list_free(NULL);
    engsched_query_free(NULL);
    engsched_cursor_free(NULL);
    engsched_availability_free(NULL);

    /* A NULL builder, snapshot or list. */
    MISUSE(engsched_input_set_name(NULL, "x"));
    MISUSE(engsched_input_set_client(NULL, f->client[0]));
    MISUSE(engsched_input_set_description(NULL, "x"));
    MISUSE(engsched_input_set_type(NULL, "x"));
    MISUSE(engsched_input_set_location(NULL, "x"));
    MISUSE(engsched_input_set_contacts(NULL, "x"));
    MISUSE(engsched_input_set_dates(NULL, "2026-01-01", "2026-01-02"));
    MISUSE(engsched_input_set_custom_fields(NULL, "{}"));
    MISUSE(engsched_input_set_report_title(NULL, "x"));
    MISUSE(engsched_input_add_operator(NULL, f->operator1, ENGSCHED_OPROLE_LEAD));
    MISUSE(engsched_input_add_file(NULL, "a.txt", NULL, "x", 1));
    MISUSE(engsched_engagement_operator(NULL, 0, &out, NULL, NULL, NULL));
    MISUSE(engsched_file_list_item(NULL, 0, &out, NULL, NULL, NULL, NULL, NULL));
#undef MISUSE
    assert_int_equal(engsched_file_list_count(NULL), 0);
    assert_int_equal(engsched_engagement_operator_count(NULL), 0);
    engsched_input_free(NULL);
    engsched_engagement_free(NULL);
    engsched_file_list_free(NULL);
    engsched_free(NULL);

    /* Nothing was written through the NULL out-pointers' neighbours. */
    assert_null(in);
    assert_null(e);
    assert_null(files);
    assert_null(text);
    assert_int_equal(out, 0);
    assert_int_equal(seq, 0);
    base_free(&b);
}

/* A NULL out-pointer is an error (never a crash), the message names the
 * parameter, and nothing changes. */
#define NULL_OUT(f, b, needle, call)                                                        \
    do {                                                                                     \
        engsched_rc rc_ = (call);                                                            \
        if (rc_ != ENGSCHED_EINVAL && rc_ != ENGSCHED_EMISUSE)                               \
            fail_msg("%s:%d: %s returned %s for a NULL out-pointer", __FILE__, __LINE__,     \
                     #call, engsched_rc_name(rc_));                                          \
        refused_at((f), (b), rc_, rc_, (needle), NULL, #call, __FILE__, __LINE__);           \
    } while (0)

static void test_null_out_pointers_are_errors(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Null out", "2026-04-01", "2026-04-02");
    engsched_id file = 0;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "a.txt", NULL, "abc", 3, &file));
    base_take(f, &b);
    engsched_id out = 0;
    char *text = NULL;

    NULL_OUT(f, &b, "out", engsched_input_new(f->db, NULL));
    NULL_OUT(f, &b, "out", engsched_engagement_get(f->db, f->manager, id, NULL));
    NULL_OUT(f, &b, "out", engsched_file_list_get(f->db, f->manager, id, NULL));
    NULL_OUT(f, &b, "out_json", engsched_events_json(f->db, f->manager, id, NULL));
    NULL_OUT(f, &b, "out_seq", engsched_events_last_seq(f->db, NULL));
    NULL_OUT(f, &b, "out_actions", engsched_capabilities(f->db, f->manager, id, NULL));
    NULL_OUT(f, &b, "out_engagement", engsched_report_engagement(f->db, f->manager, 1, NULL));
    NULL_OUT(f, &b, "out", engsched_schema_version(f->db, NULL));
    NULL_OUT(f, &b, "out_id", engsched_client_find(f->db, "client-0", NULL));
    NULL_OUT(f, &b, "host_key", engsched_client_find(f->db, NULL, &out));
    NULL_OUT(f, &b, "out_name", engsched_client_name(f->db, f->client[0], NULL));
    NULL_OUT(f, &b, "out_id", engsched_user_find(f->db, "viewer", NULL));
    NULL_OUT(f, &b, "out_permissions", engsched_user_permissions(f->db, f->viewer, NULL));
    NULL_OUT(f, &b, "out_id", engsched_role_find(f->db, "Manager", NULL));
    NULL_OUT(f, &b, "name", engsched_role_find(f->db, NULL, &out));
    NULL_OUT(f, &b, "out_value", engsched_setting_get(f->db, "timezone", NULL));
    NULL_OUT(f, &b, "key", engsched_setting_get(f->db, NULL, &text));
    NULL_OUT(f, &b, "out_read", engsched_file_read(f->db, f->manager, file, 0, NULL, 0, NULL));
    NULL_OUT(f, &b, "out_json", engsched_engagement_json(f->db, f->manager, id, NULL));
    NULL_OUT(f, &b, "out_json", engsched_export_json(f->db, f->manager, NULL));
    NULL_OUT(f, &b, "out", engsched_invitation_ics(f->db, f->manager, id, f->operator1, NULL));
    NULL_OUT(f, &b, "out", engsched_invitation_mail(f->db, f->manager, id, f->operator1, NULL));
    NULL_OUT(f, &b, "out_ics", engsched_feed_ics(f->db, f->operator1, f->operator1, NULL));
    assert_int_equal(out, 0);
    assert_null(text);

    /* Handle-less functions. */
    engsched_status status = ENGSCHED_STATUS_PENDING;
    engsched_report_status report = ENGSCHED_REPORT_DRAFT;
    assert_int_not_equal(engsched_status_parse("pending", NULL), ENGSCHED_OK);
    assert_int_not_equal(engsched_status_parse(NULL, &status), ENGSCHED_OK);
    assert_int_not_equal(engsched_report_status_parse("draft", NULL), ENGSCHED_OK);
    assert_int_not_equal(engsched_report_status_parse(NULL, &report), ENGSCHED_OK);
    assert_int_not_equal(engsched_date_in_zone("UTC", FX_T0, NULL), ENGSCHED_OK);
    char date[11] = "unchanged";
    assert_int_equal(engsched_date_in_zone("Mars/Olympus", FX_T0, date), ENGSCHED_EINVAL);
    assert_int_equal(engsched_date_in_zone(NULL, FX_T0, date), ENGSCHED_EINVAL);
    assert_string_equal(date, "unchanged");
    assert_int_equal(engsched_options_init(NULL, ENGSCHED_OPTIONS_VERSION), ENGSCHED_EMISUSE);
    assert_int_equal(engsched_open(":memory:", NULL, NULL), ENGSCHED_EMISUSE);
    assert_int_equal(status, ENGSCHED_STATUS_PENDING);
    assert_int_equal(report, ENGSCHED_REPORT_DRAFT);
    base_free(&b);
}

static void test_builder_of_another_handle_is_misuse(void **state)
{
    fx *f = *state;
    baseline b = {0};
    engsched_id id =
        fx_request(f, f->client_user, f->client[0], "Two handles", "2026-04-01", "2026-04-02");
    engsched *other = NULL;
    fx_ok(f, engsched_open(":memory:", NULL, &other));
    engsched_input *in = NULL;
    assert_int_equal(engsched_input_new(other, &in), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_name(in, "Foreign"), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_client(in, f->client[0]), ENGSCHED_OK);
    assert_int_equal(engsched_input_set_dates(in, "2026-04-01", "2026-04-02"), ENGSCHED_OK);
    int64_t other_seq = -1;
    assert_int_equal(engsched_events_last_seq(other, &other_seq), ENGSCHED_OK);
    base_take(f, &b);

    REFUSED(f, &b, ENGSCHED_EMISUSE, "handle", engsched_request(f->db, f->client_user, in, NULL));
    REFUSED(f, &b, ENGSCHED_EMISUSE, "input", engsched_create(f->db, f->manager, in, NULL));
    REFUSED(f, &b, ENGSCHED_EMISUSE, "handle", engsched_approve(f->db, f->manager, id, 0, in));
    REFUSED(f, &b, ENGSCHED_EMISUSE, "handle", engsched_edit(f->db, f->manager, id, 1, in));

    int64_t seq = -1;
    assert_int_equal(engsched_events_last_seq(other, &seq), ENGSCHED_OK);
    assert_int_equal(seq, other_seq);
    engsched_input_free(in);
    assert_int_equal(engsched_close(other), ENGSCHED_OK);
    base_free(&b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_name_refuses_empty_long_control_and_bad_utf8),
        T(test_failed_setter_keeps_the_previous_value),
        T(test_one_line_fields_refuse_control_characters_and_length),
        T(test_multiline_fields_take_newlines_but_not_controls_or_excess),
        T(test_dates_malformed_out_of_range_or_reversed),
        T(test_custom_fields_must_be_one_json_object),
        T(test_file_names_media_types_and_data),
        T(test_operators_and_client_setters),
        T(test_unknown_ids_in_operations),
        T(test_unknown_actor_on_file_and_report_calls),
        T(test_versions_zero_negative_and_stale),
        T(test_fields_an_operation_does_not_take),
        T(test_other_operation_arguments),
        T(test_oversized_file_stores_nothing),
        T(test_settings_unknown_keys_and_bad_values),
        T(test_directory_bad_keys_emails_roles_and_masks),
        T(test_bad_user_argument_is_named_user),
        T(test_staffing_and_view_arguments),
        T(test_import_refuses_bad_documents_whole),
        T(test_names_an_invitation_cannot_carry_are_refused),
        T(test_import_refuses_names_an_invitation_cannot_carry),
        T(test_null_handle_is_misuse_everywhere),
        T(test_null_out_pointers_are_errors),
        T(test_builder_of_another_handle_is_misuse),
    };
    return cmocka_run_group_tests_name("bad_input", tests, NULL, NULL);
}
