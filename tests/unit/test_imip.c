/*
 * es_imip_build (lib/imip.c): headers (RFC 5322, RFC 2047), the MIME tree
 * (multipart/mixed { multipart/alternative { text/plain, text/calendar },
 * application/ics }), line lengths, refusal of CR/LF and other bad input,
 * allocation failures. The MIME walk here is a small independent parser;
 * tests/tools/check_mail.py checks the same messages with Python's email.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "alloc_fail.h"
#include "util/base64.h"
#include "util/dates.h"
#include "calendar/ics.h"
#include "calendar/imip.h"

/* --- fixtures ------------------------------------------------------------ */

static char *make_ics(es_ics_method method)
{
    int32_t first, last;
    assert_true(es_date_from_civil(2024, 3, 4, &first));
    assert_true(es_date_from_civil(2024, 3, 8, &last));
    es_ics_event ev = {
        .uid = "eng-12-user-4@sched.example.org",
        .sequence = 3,
        .dtstamp = 1700000000,
        .start_day = first,
        .end_day = last,
        .summary = "Acme Corp: External pentest",
        .description = "https://sched.example.org/e/12",
        .organizer_email = "scheduler@sched.example.org",
        .organizer_name = "Scheduling Office",
        .attendee_email = "pat@example.org",
        .attendee_name = "Pat Operator",
        .cancelled = method == ES_ICS_CANCEL,
    };
    char *out = NULL;
    assert_int_equal(es_ics_build(method, &ev, 1, &out, NULL, 0), ENGSCHED_OK);
    return out;
}

static char *request_ics;
static char *cancel_ics;

static int setup(void **state)
{
    (void)state;
    request_ics = make_ics(ES_ICS_REQUEST);
    cancel_ics = make_ics(ES_ICS_CANCEL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    es_free(request_ics);
    es_free(cancel_ics);
    return 0;
}

static es_imip_message base_message(void)
{
    es_imip_message m = {
        .from_email = "scheduler@sched.example.org",
        .from_name = "Scheduling Office",
        .to_email = "pat@example.org",
        .to_name = "Pat Operator",
        .subject = "Invitation: Acme Corp: External pentest",
        .text = "You are invited.\nhttps://sched.example.org/e/12\n",
        .ics = request_ics,
        .method = "REQUEST",
        .date = 1700000000, /* Tue, 14 Nov 2023 22:13:20 +0000 */
        .message_id = "eng-12-user-4-seq-3",
        .domain = "sched.example.org",
    };
    return m;
}

static char *build_ok(const es_imip_message *m, size_t *len)
{
    char *out = NULL;
    size_t out_len = 0;
    char err[256] = "";
    engsched_rc rc = es_imip_build(m, &out, &out_len, err, sizeof err);
    if (rc != ENGSCHED_OK)
        fail_msg("es_imip_build: %s: %s", engsched_rc_name(rc), err);
    assert_non_null(out);
    assert_int_equal(strlen(out), out_len);
    if (len != NULL)
        *len = out_len;
    return out;
}

static void expect_einval(const es_imip_message *m, const char *needle)
{
    char *out = (char *)"untouched";
    size_t len = 7;
    char err[256] = "";
    engsched_rc rc = es_imip_build(m, &out, &len, err, sizeof err);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("expected EINVAL (%s), got %s", needle, engsched_rc_name(rc));
    assert_string_equal(out, "untouched");
    assert_int_equal(len, 7);
    if (strstr(err, needle) == NULL)
        fail_msg("message \"%s\" does not mention \"%s\"", err, needle);
}

/* --- a small MIME reader -------------------------------------------------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

/* Headers and body of an entity. */
static void split_entity(span e, span *headers, span *body)
{
    for (size_t i = 0; i + 4 <= e.n; i++) {
        if (memcmp(e.p + i, "\r\n\r\n", 4) == 0) {
            *headers = (span){e.p, i + 2};
            *body = (span){e.p + i + 4, e.n - i - 4};
            return;
        }
    }
    fail_msg("no end of headers");
}

/* The unfolded value of a header (first occurrence, name case-insensitive),
 * malloc'd, or NULL. */
static char *header(span headers, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = headers.p, *end = headers.p + headers.n;
    while (p < end) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            char *v = malloc(headers.n + 1);
            assert_non_null(v);
            size_t k = 0;
            const char *q = p + nlen + 1;
            while (*q == ' ')
                q++;
            for (;;) {
                while (q < eol)
                    v[k++] = *q++;
                if (eol + 2 < end && (eol[2] == ' ' || eol[2] == '\t')) {
                    q = eol + 2; /* unfolding removes only the CRLF */
                    eol = strstr(q, "\r\n");
                    continue;
                }
                break;
            }
            v[k] = '\0';
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

static char *boundary_of(const char *content_type)
{
    const char *b = strstr(content_type, "boundary=\"");
    assert_non_null(b);
    b += strlen("boundary=\"");
    const char *e = strchr(b, '"');
    assert_non_null(e);
    char *out = malloc((size_t)(e - b) + 1);
    assert_non_null(out);
    memcpy(out, b, (size_t)(e - b));
    out[e - b] = '\0';
    return out;
}

/* The body parts of a multipart body (RFC 2046 §5.1.1). */
static size_t split_multipart(span body, const char *boundary, span *parts, size_t max)
{
    char delim[128];
    snprintf(delim, sizeof delim, "--%s", boundary);
    size_t dlen = strlen(delim);
    /* The first delimiter starts the body (no preamble is written). */
    assert_true(body.n > dlen && memcmp(body.p, delim, dlen) == 0);
    const char *p = body.p + dlen;
    const char *end = body.p + body.n;
    size_t count = 0;
    for (;;) {
        if (end - p >= 2 && memcmp(p, "--", 2) == 0) {
            /* the close delimiter, then only CRLF (epilogue) */
            assert_true(end - p == 4 || end - p == 2);
            break;
        }
        assert_true(end - p >= 2 && memcmp(p, "\r\n", 2) == 0);
        p += 2;
        const char *next = NULL;
        for (const char *q = p; q + 2 + dlen <= end; q++) {
            if (q[0] == '\r' && q[1] == '\n' && memcmp(q + 2, delim, dlen) == 0) {
                next = q;
                break;
            }
        }
        assert_non_null(next);
        assert_true(count < max);
        parts[count++] = (span){p, (size_t)(next - p)};
        p = next + 2 + dlen;
    }
    return count;
}

/* Decoded base64 body (CRLF line breaks removed first), malloc'd. */
static char *decode_body(span body, size_t *len)
{
    char *flat = malloc(body.n + 1);
    assert_non_null(flat);
    size_t k = 0;
    for (size_t i = 0; i < body.n; i++) {
        if (body.p[i] == '\r' || body.p[i] == '\n')
            continue;
        flat[k++] = body.p[i];
    }
    unsigned char *dec = NULL;
    size_t dec_len = 0;
    assert_int_equal(es_base64_decode(flat, k, &dec, &dec_len), ENGSCHED_OK);
    free(flat);
    char *out = malloc(dec_len + 1);
    assert_non_null(out);
    memcpy(out, dec, dec_len);
    out[dec_len] = '\0';
    es_free(dec);
    *len = dec_len;
    return out;
}

static int utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = p[i] < 0x80 ? 1 : p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC2 ? 2 : 0;
        if (len == 0 || p[i] > 0xF4 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
        }
        i += len;
    }
    return 1;
}

/* Decode a header text that is either plain words or RFC 2047 "B"
 * encoded-words separated by white space. Every encoded-word must be at
 * most 75 characters and hold whole UTF-8 characters. malloc'd. */
static char *decode_words(const char *v)
{
    if (strncmp(v, "=?", 2) != 0)
        return strdup(v);
    char *out = malloc(strlen(v) + 1);
    assert_non_null(out);
    size_t k = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        const char *e = strstr(p, "?=");
        assert_non_null(e);
        e += 2;
        size_t wlen = (size_t)(e - p);
        if (wlen > 75)
            fail_msg("encoded-word of %zu characters: %.*s", wlen, (int)wlen, p);
        assert_true(strncmp(p, "=?UTF-8?B?", 10) == 0);
        unsigned char *dec = NULL;
        size_t dec_len = 0;
        assert_int_equal(es_base64_decode(p + 10, wlen - 12, &dec, &dec_len), ENGSCHED_OK);
        if (!utf8_ok((char *)dec, dec_len))
            fail_msg("encoded-word splits a character: %.*s", (int)wlen, p);
        memcpy(out + k, dec, dec_len);
        k += dec_len;
        es_free(dec);
        p = e;
        assert_true(*p == '\0' || *p == ' ');
    }
    out[k] = '\0';
    return out;
}

/* The display name of a From/To value: NULL when there is none. */
static char *display_name(const char *v, const char *email)
{
    char addr[300];
    snprintf(addr, sizeof addr, " <%s>", email);
    size_t n = strlen(v), alen = strlen(addr);
    if (strcmp(v, email) == 0)
        return NULL;
    assert_true(n > alen && strcmp(v + n - alen, addr) == 0);
    char *name = malloc(n + 1);
    assert_non_null(name);
    memcpy(name, v, n - alen);
    name[n - alen] = '\0';
    if (name[0] == '"') {
        size_t k = 0;
        assert_int_equal(name[n - alen - 1], '"');
        for (size_t i = 1; i < n - alen - 1; i++) {
            if (name[i] == '\\')
                i++;
            else
                assert_true(name[i] != '"');
            name[k++] = name[i];
        }
        name[k] = '\0';
        return name;
    }
    char *decoded = decode_words(name);
    free(name);
    return decoded;
}

static void assert_lines(const char *msg, size_t len)
{
    /* CRLF only; header lines at most 78, all other lines at most 76. */
    size_t start = 0;
    int in_headers = 1;
    while (start < len) {
        const char *eol = strstr(msg + start, "\r\n");
        assert_non_null(eol);
        size_t n = (size_t)(eol - (msg + start));
        assert_null(memchr(msg + start, '\n', n));
        assert_null(memchr(msg + start, '\r', n));
        assert_true(n <= 998);
        if (n == 0)
            in_headers = 0;
        if (in_headers && n > 78)
            fail_msg("header line of %zu: %.*s", n, (int)n, msg + start);
        if (!in_headers && n > 76)
            fail_msg("body line of %zu: %.*s", n, (int)n, msg + start);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)msg[start + i];
            assert_true(c >= 0x20 && c < 0x7F); /* 7bit */
        }
        start += n + 2;
    }
}

static char *crlf(const char *text)
{
    char *out = malloc(2 * strlen(text) + 1);
    assert_non_null(out);
    size_t k = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            if (*p == '\r' && p[1] == '\n')
                p++;
            out[k++] = '\r';
            out[k++] = '\n';
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

/* Check the whole message against its inputs. */
static void check_message(const es_imip_message *m, const char *msg, size_t len)
{
    assert_lines(msg, len);
    span headers, body;
    split_entity((span){msg, len}, &headers, &body);

    static const char *const order[] = {"Date", "From", "To", "Subject", "Message-ID",
                                        "MIME-Version", "Content-Type"};
    const char *p = headers.p;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        size_t n = strlen(order[i]);
        if (strncmp(p, order[i], n) != 0 || p[n] != ':')
            fail_msg("header %zu is not %s: %.20s", i, order[i], p);
        do
            p = strstr(p, "\r\n") + 2;
        while (*p == ' ');
    }
    assert_ptr_equal(p, headers.p + headers.n);

    char *v = header(headers, "From");
    char *name = display_name(v, m->from_email);
    if (m->from_name == NULL || m->from_name[0] == '\0')
        assert_null(name);
    else
        assert_string_equal(name, m->from_name);
    free(name);
    free(v);
    v = header(headers, "To");
    name = display_name(v, m->to_email);
    if (m->to_name == NULL || m->to_name[0] == '\0')
        assert_null(name);
    else
        assert_string_equal(name, m->to_name);
    free(name);
    free(v);
    v = header(headers, "Subject");
    char *subject = decode_words(v);
    assert_string_equal(subject, m->subject);
    free(subject);
    free(v);
    v = header(headers, "Message-ID");
    char want[512];
    snprintf(want, sizeof want, "<%s@%s>", m->message_id, m->domain);
    assert_string_equal(v, want);
    free(v);
    v = header(headers, "MIME-Version");
    assert_string_equal(v, "1.0");
    free(v);

    char *ct = header(headers, "Content-Type");
    assert_true(strncmp(ct, "multipart/mixed; boundary=\"", 27) == 0);
    char *mixed = boundary_of(ct);
    free(ct);
    span outer[4];
    assert_int_equal(split_multipart(body, mixed, outer, 4), 2);

    span h1, b1;
    split_entity(outer[0], &h1, &b1);
    ct = header(h1, "Content-Type");
    assert_true(strncmp(ct, "multipart/alternative; boundary=\"", 33) == 0);
    char *alt = boundary_of(ct);
    free(ct);
    assert_string_not_equal(alt, mixed);
    assert_true(strncmp(alt, mixed, strlen(mixed)) != 0 && strncmp(mixed, alt, strlen(alt)) != 0);
    span inner[4];
    assert_int_equal(split_multipart(b1, alt, inner, 4), 2);

    span h, b;
    size_t dlen;
    split_entity(inner[0], &h, &b);
    ct = header(h, "Content-Type");
    assert_string_equal(ct, "text/plain; charset=UTF-8");
    free(ct);
    ct = header(h, "Content-Transfer-Encoding");
    assert_string_equal(ct, "base64");
    free(ct);
    char *text = decode_body(b, &dlen);
    char *want_text = crlf(m->text);
    assert_string_equal(text, want_text);
    free(want_text);
    free(text);

    split_entity(inner[1], &h, &b);
    ct = header(h, "Content-Type");
    snprintf(want, sizeof want, "text/calendar; method=%s; charset=UTF-8", m->method);
    assert_string_equal(ct, want);
    free(ct);
    ct = header(h, "Content-Transfer-Encoding");
    assert_string_equal(ct, "base64");
    free(ct);
    char *cal = decode_body(b, &dlen);
    assert_string_equal(cal, m->ics);
    snprintf(want, sizeof want, "\r\nMETHOD:%s\r\n", m->method);
    assert_non_null(strstr(cal, want));
    free(cal);

    split_entity(outer[1], &h, &b);
    ct = header(h, "Content-Type");
    assert_string_equal(ct, "application/ics; name=\"invite.ics\"");
    free(ct);
    ct = header(h, "Content-Disposition");
    assert_string_equal(ct, "attachment; filename=\"invite.ics\"");
    free(ct);
    ct = header(h, "Content-Transfer-Encoding");
    assert_string_equal(ct, "base64");
    free(ct);
    cal = decode_body(b, &dlen);
    assert_string_equal(cal, m->ics);
    free(cal);

    /* Neither boundary occurs anywhere but on its delimiter lines. */
    size_t count = 0;
    for (const char *q = strstr(msg, mixed); q; q = strstr(q + 1, mixed))
        count++;
    assert_int_equal(count, 1 + 3); /* Content-Type, 2 delimiters, close */
    count = 0;
    for (const char *q = strstr(msg, alt); q; q = strstr(q + 1, alt))
        count++;
    assert_int_equal(count, 1 + 3);
    free(mixed);
    free(alt);
}

/* --- tests ------------------------------------------------------------------ */

static void test_ascii_request(void **state)
{
    (void)state;
    es_imip_message m = base_message();
    size_t len;
    char *msg = build_ok(&m, &len);
    check_message(&m, msg, len);
    const char *head = "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                       "From: Scheduling Office <scheduler@sched.example.org>\r\n"
                       "To: Pat Operator <pat@example.org>\r\n"
                       "Subject: Invitation: Acme Corp: External pentest\r\n"
                       "Message-ID: <eng-12-user-4-seq-3@sched.example.org>\r\n"
                       "MIME-Version: 1.0\r\n"
                       "Content-Type: multipart/mixed; boundary=\"=_";
    assert_memory_equal(msg, head, strlen(head));
    /* The same input gives the same message. */
    char *again = build_ok(&m, NULL);
    assert_string_equal(again, msg);
    es_free(again);
    /* out_len may be NULL. */
    char *out = NULL;
    assert_int_equal(es_imip_build(&m, &out, NULL, NULL, 0), ENGSCHED_OK);
    assert_string_equal(out, msg);
    es_free(out);
    es_free(msg);
}

static void test_cancel(void **state)
{
    (void)state;
    es_imip_message m = base_message();
    m.ics = cancel_ics;
    m.method = "CANCEL";
    m.subject = "Canceled: Acme Corp: External pentest";
    m.from_name = NULL;
    m.to_name = "";
    size_t len;
    char *msg = build_ok(&m, &len);
    check_message(&m, msg, len);
    assert_non_null(strstr(msg, "\r\nFrom: scheduler@sched.example.org\r\n"));
    assert_non_null(strstr(msg, "\r\nTo: pat@example.org\r\n"));
    es_free(msg);
}

static void test_non_ascii(void **state)
{
    (void)state;
    static const char *texts[] = {
        "Zoë Ångström",
        "Einladung: Müller & Söhne GmbH: Penetrationstest der Außenstelle Köln-Ehrenfeld",
        "山田太郎",
        "招待: 株式会社山田製作所: 外部ペネトレーションテスト（第二四半期）東京本社および大阪支社",
        "😀🚀👩‍💻 emoji 😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻😀🚀👩‍💻",
        "ASCII then ümlaut",
        "x",
        "ü",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        for (size_t shift = 0; shift < 4; shift++) {
            char subject[512];
            snprintf(subject, sizeof subject, "%.*s%s", (int)shift, "abc ", texts[i]);
            es_imip_message m = base_message();
            m.subject = subject;
            m.from_name = texts[i];
            m.to_name = subject;
            m.text = texts[i];
            size_t len;
            char *msg = build_ok(&m, &len);
            check_message(&m, msg, len);
            for (const char *c = subject; *c; c++) {
                if ((unsigned char)*c >= 0x80) {
                    assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?"));
                    break;
                }
            }
            es_free(msg);
        }
    }
}

static void test_ascii_forms(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *written; /* the From value */
    } names[] = {
        {"Pat Operator", "Pat Operator <scheduler@sched.example.org>"},
        {"O'Brien", "O'Brien <scheduler@sched.example.org>"},
        {"O'Brien, \"Pat\"", "\"O'Brien, \\\"Pat\\\"\" <scheduler@sched.example.org>"},
        {"J. Doe", "\"J. Doe\" <scheduler@sched.example.org>"},
        {"back\\slash", "\"back\\\\slash\" <scheduler@sched.example.org>"},
        {"Pat <pat@evil.example>", "\"Pat <pat@evil.example>\" <scheduler@sched.example.org>"},
        {"two  spaces", "\"two  spaces\" <scheduler@sched.example.org>"},
        {" lead", "\" lead\" <scheduler@sched.example.org>"},
        {"(comment)", "\"(comment)\" <scheduler@sched.example.org>"},
        {"=?UTF-8?B?ZXZpbA==?=", NULL}, /* would be decoded: encoded instead */
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        es_imip_message m = base_message();
        m.from_name = names[i].name;
        size_t len;
        char *msg = build_ok(&m, &len);
        check_message(&m, msg, len);
        span headers, body;
        split_entity((span){msg, len}, &headers, &body);
        char *v = header(headers, "From");
        if (names[i].written != NULL)
            assert_string_equal(v, names[i].written);
        else
            assert_true(strncmp(v, "=?UTF-8?B?", 10) == 0);
        free(v);
        es_free(msg);
    }

    static const char *subjects[] = {
        "",
        "One",
        ("Invitation: a rather long subject line that certainly needs folding somewhere "
         "because it goes on and on and on past seventy-eight characters"),
        "=?UTF-8?B?ZXZpbA==?= literal",
        "  leading and  double spaces ",
        "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces",
    };
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        es_imip_message m = base_message();
        m.subject = subjects[i];
        size_t len;
        char *msg = build_ok(&m, &len);
        check_message(&m, msg, len);
        es_free(msg);
    }
    /* A long ASCII name of one word is encoded rather than left too long. */
    es_imip_message m = base_message();
    m.to_name = "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongname";
    size_t len;
    char *msg = build_ok(&m, &len);
    check_message(&m, msg, len);
    es_free(msg);
}

static void test_date_header(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        const char *text;
    } dates[] = {
        {0, "Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"},
        {-1, "Date: Wed, 31 Dec 1969 23:59:59 +0000\r\n"},
        {1709251199, "Date: Thu, 29 Feb 2024 23:59:59 +0000\r\n"},
        {1735689599, "Date: Tue, 31 Dec 2024 23:59:59 +0000\r\n"},
        {-2208988800, "Date: Mon, 1 Jan 1900 00:00:00 +0000\r\n"},
        {253402300799, "Date: Fri, 31 Dec 9999 23:59:59 +0000\r\n"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        es_imip_message m = base_message();
        m.date = dates[i].t;
        char *msg = build_ok(&m, NULL);
        assert_memory_equal(msg, dates[i].text, strlen(dates[i].text));
        es_free(msg);
    }
    es_imip_message m = base_message();
    m.date = -2208988801;
    expect_einval(&m, "date");
    m.date = 253402300800;
    expect_einval(&m, "date");
    m.date = INT64_MIN;
    expect_einval(&m, "date");
    m.date = INT64_MAX;
    expect_einval(&m, "date");
}

static void test_method(void **state)
{
    (void)state;
    es_imip_message m = base_message();
    m.method = "CANCEL"; /* ics says REQUEST */
    expect_einval(&m, "method");
    m = base_message();
    m.ics = cancel_ics;
    expect_einval(&m, "method");
    m.method = "PUBLISH";
    expect_einval(&m, "method");
    m.method = "request";
    expect_einval(&m, "method");
    m.method = "";
    expect_einval(&m, "method");
    m.method = NULL;
    expect_einval(&m, "method");

    static const char *bad_ics[] = {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", /* no METHOD */
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD;X=1:REQUEST\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nMETHOD:REQUEST\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETH\r\n OD:CANCEL\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST2\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\nMETHOD:REQUEST\nEND:VCALENDAR\n", /* LF only */
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR",  /* no final CRLF */
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\rEND:VCALENDAR\r\n",
        "METHOD:REQUEST\r\n",                                 /* not a VCALENDAR */
        "",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:\xff\r\nEND:VCALENDAR\r\n",
    };
    for (size_t i = 0; i < sizeof bad_ics / sizeof bad_ics[0]; i++) {
        m = base_message();
        m.ics = bad_ics[i];
        expect_einval(&m, i < 7 ? "METHOD" : "ics");
    }
    /* METHOD values are case-insensitive, and a fold may be anywhere. */
    m = base_message();
    m.ics = "BEGIN:VCALENDAR\r\nMETH\r\n OD:req\r\n uest\r\nEND:VCALENDAR\r\n";
    es_free(build_ok(&m, NULL));
}

static void test_line_breaks_in_headers(void **state)
{
    (void)state;
    static const char *breaks[] = {"\r\n", "\n", "\r"};
    for (size_t i = 0; i < 3; i++) {
        char email[64], name[64], text[128];
        snprintf(email, sizeof email, "pat@example.org%sBcc: evil@x", breaks[i]);
        snprintf(name, sizeof name, "Pat%sBcc: evil@x", breaks[i]);
        snprintf(text, sizeof text, "Hello%sBcc: evil@x", breaks[i]);
        es_imip_message m;
        const struct {
            const char **field;
            const char *value;
            const char *name;
        } cases[7] = {
            {&m.from_email, email, "from_email"}, {&m.from_name, name, "from_name"},
            {&m.to_email, email, "to_email"},     {&m.to_name, name, "to_name"},
            {&m.subject, text, "subject"},        {&m.message_id, text, "message_id"},
            {&m.domain, text, "domain"},
        };
        for (size_t c = 0; c < 7; c++) {
            m = base_message();
            *cases[c].field = cases[c].value;
            char needle[64];
            snprintf(needle, sizeof needle, "%s: contains CR or LF", cases[c].name);
            expect_einval(&m, needle);
        }
        m = base_message();
        m.method = i == 0 ? "REQUEST\r\n" : i == 1 ? "REQUEST\n" : "REQUEST\r";
        expect_einval(&m, "method: contains CR or LF");
    }
}

static void test_other_refusals(void **state)
{
    (void)state;
    es_imip_message m;
    static const char *bad_addresses[] = {"pat", "pat @example.org", "\"pat\"@example.org",
                                          "Pat <pat@example.org>", "pat@example.org>", "",
                                          "pät@example.org"};
    for (size_t i = 0; i < sizeof bad_addresses / sizeof bad_addresses[0]; i++) {
        m = base_message();
        m.from_email = bad_addresses[i];
        expect_einval(&m, "from_email");
        m = base_message();
        m.to_email = bad_addresses[i];
        expect_einval(&m, "to_email");
    }
    m = base_message();
    m.to_email = NULL;
    expect_einval(&m, "to_email");

    static const char *bad_text[] = {"a\tb", "a\x01", "a\x7f", "a\xc2\x85", "\xff", "\xc3"};
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        m = base_message();
        m.from_name = bad_text[i];
        expect_einval(&m, "from_name");
        m = base_message();
        m.to_name = bad_text[i];
        expect_einval(&m, "to_name");
        m = base_message();
        m.subject = bad_text[i];
        expect_einval(&m, "subject");
        if (i > 0) { /* tabs are fine in the text part */
            m = base_message();
            m.text = bad_text[i];
            expect_einval(&m, "text");
        }
    }
    m = base_message();
    m.subject = NULL;
    expect_einval(&m, "subject");
    m = base_message();
    m.text = NULL;
    expect_einval(&m, "text");
    m = base_message();
    m.ics = NULL;
    expect_einval(&m, "ics");

    static const char *bad_ids[] = {"", "a b", "a@b", "<a>", ".a", "a.", "a..b", "a\"b",
                                    "a(b)", "ä"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        m = base_message();
        m.message_id = bad_ids[i];
        expect_einval(&m, "message_id");
    }
    static const char *bad_domains[] = {"", "a b", "a@b", "-a.org", "a.org.", "a..org",
                                        "a_b.org", "ä.org", "[127.0.0.1]"};
    for (size_t i = 0; i < sizeof bad_domains / sizeof bad_domains[0]; i++) {
        m = base_message();
        m.domain = bad_domains[i];
        expect_einval(&m, "domain");
    }
    m = base_message();
    char *out = NULL;
    assert_int_equal(es_imip_build(NULL, &out, NULL, NULL, 0), ENGSCHED_EINVAL);
    assert_int_equal(es_imip_build(&m, NULL, NULL, NULL, 0), ENGSCHED_EINVAL);
}

static void test_text_part(void **state)
{
    (void)state;
    static const char *texts[] = {"", "a\nb\rc\r\nd\n\n", "\r\n", "tab\there ✓",
                                  "line with -- and --=_mix_ and =_alt_ inside\n--=_mix_0\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        es_imip_message m = base_message();
        m.text = texts[i];
        size_t len;
        char *msg = build_ok(&m, &len);
        check_message(&m, msg, len);
        es_free(msg);
    }
    /* The boundary depends on the content. */
    es_imip_message m = base_message();
    char *a = build_ok(&m, NULL);
    m.text = "something else";
    char *b = build_ok(&m, NULL);
    const char *ba = strstr(a, "boundary=\""), *bb = strstr(b, "boundary=\"");
    assert_true(strncmp(ba, bb, 32) != 0);
    es_free(a);
    es_free(b);
}

static engsched_rc build_with(void *ctx, char **out, char *err, size_t err_size)
{
    size_t len = 0;
    return es_imip_build(ctx, out, &len, err, err_size);
}

static void run_alloc_failures(const es_imip_message *m) { alloc_fail_each(build_with, (void *)m); }

static void test_allocation_failures(void **state)
{
    (void)state;
    es_imip_message m = base_message();
    run_alloc_failures(&m);
    /* A large message makes the buffer grow several times. */
    size_t big = 100000;
    char *text = malloc(big + 1);
    assert_non_null(text);
    for (size_t i = 0; i < big; i++)
        text[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
    text[big] = '\0';
    m.text = text;
    m.subject = "Zoë Ångström: 山田太郎";
    m.from_name = "Zoë Ångström";
    run_alloc_failures(&m);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_request),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_non_ascii),
        cmocka_unit_test(test_ascii_forms),
        cmocka_unit_test(test_date_header),
        cmocka_unit_test(test_method),
        cmocka_unit_test(test_line_breaks_in_headers),
        cmocka_unit_test(test_other_refusals),
        cmocka_unit_test(test_text_part),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
