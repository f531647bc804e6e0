/* iMIP messages (RFC 6047): an RFC 5322 message with MIME (RFC 2045–2049)
 * around an iCalendar object.
 *
 * Headers: nothing from the input reaches a header unless it is one line
 * without control characters. Addresses must be an addr-spec; display
 * names are written as atoms, as a quoted-string, or as RFC 2047 "B"
 * encoded-words (non-ASCII, "=?" in the text, or too long for a line);
 * the subject as words or encoded-words. Encoded-words hold whole UTF-8
 * characters and as many octets as let "Name: " and one word fit in 78
 * characters (45 in From and To, 42 in Subject; a word is then at most 72
 * of the 75 characters RFC 2047 allows). Header lines are folded at 78
 * characters between words. A value too long for one encoded-word is
 * split anywhere between characters, spaces included in the encoded text:
 * RFC 2047 §6.2 decoders ignore the white space between adjacent
 * encoded-words. (Python's email.headerregistry does not in display
 * names and shows a space at each split; compat32 decode_header, like
 * mail clients, follows the RFC.)
 *
 * Bodies: all three parts are base64 with 76-character lines, so no body
 * line can look like a boundary; the boundaries are derived from a hash of
 * the content, contain "=_" (outside the base64 alphabet) and are checked
 * against the encoded bodies anyway. The text part's line breaks are made
 * CRLF (the canonical form of text types, RFC 2046 §4.1.1). */
#include "calendar/imip.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/fail.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/dates.h"
#include <engsched/engsched.h>
#include "util/text.h"

#define HEADER_WIDTH 78     /* RFC 5322 §2.1.1: SHOULD */
#define WORD_OCTETS 45      /* UTF-8 octets per encoded-word, at most */
#define BODY_WIDTH 76       /* RFC 2045 §6.8 */
#define MESSAGE_ID_MAX 200  /* left side; the line stays far below 998 */
#define DOMAIN_MAX 253
#define MESSAGE_FIXED 1024  /* the message's own text: headers, boundaries */

/* Appends below ignore their result: a failure sticks in the buffer,
 * checked once when the message is taken. */
static void sb_add(es_buf *b, const char *s, size_t n) { (void)es_buf_add(b, s, n); }

static void sb_str(es_buf *b, const char *s) { (void)es_buf_str(b, s); }

/* --- validation --------------------------------------------------------- */

/* A value bound for a header: NULL only when optional, one line, UTF-8,
 * no control characters. */
static engsched_rc check_header_text(const char *field, const char *value, int required,
                                     char *err, size_t err_size)
{
    if (value == NULL)
        return required ? es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: required", field)
                        : ENGSCHED_OK;
    if (strpbrk(value, "\r\n") != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%s: contains CR or LF, which is never passed on", field);
    if (!es_utf8_valid(value, strlen(value)))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: not valid UTF-8", field);
    if (es_text_has_control(value, ES_TEXT_LINE))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: contains a control character",
                            field);
    return ENGSCHED_OK;
}

static engsched_rc check_address(const char *field, const char *email, char *err, size_t err_size)
{
    engsched_rc rc = check_header_text(field, email, 1, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    if (es_email_problem(email) != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: not an e-mail address (addr-spec)",
                            field);
    return ENGSCHED_OK;
}

static int atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 5322 dot-atom-text. */
static int dot_atom(const char *s)
{
    if (s[0] == '\0' || s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..") != NULL)
        return 0;
    for (; *s; s++) {
        if (*s != '.' && !atext(*s))
            return 0;
    }
    return 1;
}

/* Letters, digits and hyphens in dot-separated labels. */
static int domain_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > DOMAIN_MAX || s[0] == '.' || s[0] == '-' || s[len - 1] == '.' ||
        s[len - 1] == '-' || strstr(s, "..") != NULL)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (char)(y - 'a' + 'A');
        if (x != y)
            return 0;
    }
    return 1;
}

/* Up to cap octets of the unfolded content line at ics[i] go to line[];
 * *n is its full length, *next the index after its CRLF. Returns 0 on a
 * line end that is not CRLF. */
static int next_line(const char *ics, size_t len, size_t i, char *line, size_t cap, size_t *n,
                     size_t *next)
{
    size_t k = 0;
    while (i < len) {
        /* The run up to the next CR or LF in one library call (ics is
         * NUL-terminated at len). */
        size_t run = strcspn(ics + i, "\r\n");
        if (k < cap)
            memcpy(line + k, ics + i, run < cap - k ? run : cap - k);
        k += run;
        i += run;
        if (i >= len || ics[i] == '\n')
            return 0;
        if (i + 1 >= len || ics[i + 1] != '\n')
            return 0;
        if (i + 2 < len && (ics[i + 2] == ' ' || ics[i + 2] == '\t')) {
            i += 3;
            continue;
        }
        *n = k;
        *next = i + 2;
        return 1;
    }
    return 0; /* the last line has no CRLF */
}

/* The ics must be a VCALENDAR with CRLF lines and exactly one METHOD
 * property of its own (not inside a component), equal to method. */
static engsched_rc check_ics(const char *ics, const char *method, char *err, size_t err_size)
{
    size_t len = strlen(ics);
    if (!es_utf8_valid(ics, len))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: not valid UTF-8");
    char line[64];
    int depth = 0, methods = 0, first = 1;
    for (size_t i = 0; i < len;) {
        size_t n, next;
        if (!next_line(ics, len, i, line, sizeof line, &n, &next))
            return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: line ends must be CRLF");
        size_t shown = n < sizeof line ? n : sizeof line;
        const char *colon = memchr(line, ':', shown);
        const char *semi = memchr(line, ';', shown);
        size_t name_len = colon ? (size_t)(colon - line) : shown;
        if (semi != NULL && (size_t)(semi - line) < name_len)
            name_len = (size_t)(semi - line);
        const char *value = colon ? colon + 1 : line + shown;
        size_t value_len = n < sizeof line ? (size_t)(line + n - value) : 0;

        if (first && !(ascii_ieq(line, name_len, "BEGIN") && colon &&
                       ascii_ieq(value, value_len, "VCALENDAR")))
            return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: not a VCALENDAR");
        first = 0;
        if (ascii_ieq(line, name_len, "BEGIN")) {
            depth++;
        } else if (ascii_ieq(line, name_len, "END")) {
            depth--;
        } else if (depth == 1 && ascii_ieq(line, name_len, "METHOD")) {
            methods++;
            /* METHOD values are case-insensitive (RFC 5545 §2). */
            if (colon == NULL || semi != NULL || !ascii_ieq(value, value_len, method))
                return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                                    "method: %s does not match the METHOD inside ics", method);
        }
        i = next;
    }
    if (first)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: empty");
    if (methods != 1)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: %d METHOD properties, not one",
                            methods);
    return ENGSCHED_OK;
}

/* --- headers -------------------------------------------------------------- */

typedef struct header {
    es_buf *b;
    size_t col;
    size_t tokens;
} header;

static void header_start(header *h, es_buf *b, const char *name)
{
    h->b = b;
    sb_str(b, name);
    sb_str(b, ":");
    h->col = strlen(name) + 1;
    h->tokens = 0;
}

/* One token that must not be split, after a space or a fold. */
static void header_token(header *h, const char *tok, size_t n)
{
    if (h->tokens > 0 && h->col + 1 + n > HEADER_WIDTH) {
        sb_str(h->b, "\r\n ");
        h->col = 1;
    } else {
        sb_str(h->b, " ");
        h->col++;
    }
    sb_add(h->b, tok, n);
    h->col += n;
    h->tokens++;
}

static void header_end(header *h) { sb_str(h->b, "\r\n"); }

/* RFC 2047 "B" encoded-words for all of text, split between UTF-8
 * characters so that the first word still fits on the header's first line
 * (and so every other word on a continuation line). */
static void encoded_words(header *h, const char *text)
{
    static const size_t overhead = sizeof "=?UTF-8?B?" - 1 + sizeof "?=" - 1;
    size_t room = HEADER_WIDTH - h->col - 1 - overhead; /* after "Name: " */
    size_t max = room / 4 * 3;
    if (max > WORD_OCTETS)
        max = WORD_OCTETS;
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    for (size_t pos = 0; pos < len;) {
        size_t end = pos + max;
        if (end >= len) {
            end = len;
        } else {
            while (end > pos + 1 && (s[end] & 0xC0) == 0x80)
                end--;
        }
        char word[16 + ES_BASE64_SIZE(WORD_OCTETS)];
        size_t n = 0;
        memcpy(word, "=?UTF-8?B?", 10);
        n = 10;
        n += es_base64_encode_to(s + pos, end - pos, word + n);
        memcpy(word + n, "?=", 2);
        n += 2;
        header_token(h, word, n);
        pos = end;
    }
}

static int printable_ascii(const char *s)
{
    for (; *s; s++) {
        if (*s < 0x20 || *s > 0x7E)
            return 0;
    }
    return 1;
}

/* Words separated by single spaces, no space at either end, each word of
 * the given kind (atext only when atoms) and at most max_word long. */
static int simple_words(const char *s, int atoms, size_t max_word)
{
    if (s[0] == '\0' || s[0] == ' ' || s[strlen(s) - 1] == ' ' || strstr(s, "  ") != NULL)
        return 0;
    size_t word = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            word = 0;
            continue;
        }
        if (atoms && !atext(*s))
            return 0;
        if (++word > max_word)
            return 0;
    }
    return 1;
}

static void words(header *h, const char *s)
{
    while (*s) {
        const char *space = strchr(s, ' ');
        size_t n = space ? (size_t)(space - s) : strlen(s);
        header_token(h, s, n);
        s += n;
        if (*s == ' ')
            s++;
    }
}

/* The longest display name written as atoms or a quoted-string (quotes
 * and backslashes included): "From: " and the name fit in 78. */
#define PLAIN_NAME_MAX 70

static void mailbox(es_buf *b, const char *field, const char *name, const char *email)
{
    header h;
    header_start(&h, b, field);
    if (name != NULL && name[0] != '\0') {
        int ascii = printable_ascii(name) && strstr(name, "=?") == NULL;
        size_t quoted_len = strlen(name) + 2;
        for (const char *p = name; *p; p++)
            quoted_len += *p == '"' || *p == '\\';
        if (ascii && strlen(name) <= PLAIN_NAME_MAX && simple_words(name, 1, PLAIN_NAME_MAX)) {
            words(&h, name);
        } else if (ascii && quoted_len <= PLAIN_NAME_MAX) {
            char quoted[PLAIN_NAME_MAX + 1];
            size_t n = 0;
            quoted[n++] = '"';
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\')
                    quoted[n++] = '\\';
                quoted[n++] = *p;
            }
            quoted[n++] = '"';
            header_token(&h, quoted, n);
        } else {
            encoded_words(&h, name);
        }
        char addr[260];
        size_t n = (size_t)snprintf(addr, sizeof addr, "<%s>", email);
        header_token(&h, addr, n);
    } else {
        header_token(&h, email, strlen(email));
    }
    header_end(&h);
}

static void subject(es_buf *b, const char *text)
{
    header h;
    header_start(&h, b, "Subject");
    size_t first_room = HEADER_WIDTH - strlen("Subject: ");
    if (text[0] == '\0')
        ; /* "Subject:" with nothing after it */
    else if (printable_ascii(text) && strstr(text, "=?") == NULL &&
             simple_words(text, 0, first_room))
        words(&h, text);
    else
        encoded_words(&h, text);
    header_end(&h);
}

static int date_in_range(int64_t t)
{
    int32_t first, last;
    if (!es_date_from_civil(1900, 1, 1, &first) || !es_date_from_civil(9999, 12, 31, &last))
        return 0;
    return t >= (int64_t)first * 86400 && t < ((int64_t)last + 1) * 86400;
}

/* RFC 5322 §3.3 in UTC: "Tue, 14 Nov 2023 22:13:20 +0000". */
static void date_header(es_buf *b, int64_t t)
{
    static const char *const wday[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - day * 86400;
    char ymd[ES_DATE_LEN];
    es_date_format((int32_t)day, ymd);
    int month = (ymd[5] - '0') * 10 + (ymd[6] - '0');
    int mday = (ymd[8] - '0') * 10 + (ymd[9] - '0');
    char line[64];
    snprintf(line, sizeof line, "Date: %s, %d %s %.4s %02d:%02d:%02d +0000\r\n",
             wday[es_date_weekday((int32_t)day) - 1], mday, mon[month - 1], ymd,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    sb_str(b, line);
}

/* --- bodies and boundaries ------------------------------------------------ */

/* text with every line break (CRLF, CR, LF) made CRLF, in es_ memory. */
static char *crlf_text(const char *text, size_t *out_len)
{
    size_t len = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            p++;
        len += (*p == '\r' || *p == '\n') ? 2 : 1;
    }
    char *copy = es_malloc(len + 1);
    if (copy == NULL)
        return NULL;
    char *q = copy;
    for (const char *p = text; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            if (*p == '\r' && p[1] == '\n')
                p++;
            *q++ = '\r';
            *q++ = '\n';
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    *out_len = len;
    return copy;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    h ^= 0xFF; /* separates the fields */
    h *= 0x100000001b3ULL;
    return h;
}

static void part_body(es_buf *b, const char *base64)
{
    sb_str(b, "Content-Transfer-Encoding: base64\r\n\r\n");
    sb_str(b, base64);
    /* The CRLF before a delimiter belongs to it (RFC 2046 §5.1.1); a
     * base64 body already ends in one unless it is empty. */
    if (base64[0] == '\0')
        sb_str(b, "\r\n");
}

engsched_rc es_imip_build(const es_imip_message *m, char **out, size_t *out_len, char *err,
                          size_t err_size)
{
    if (m == NULL || out == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: must not be NULL",
                            m == NULL ? "m" : "out");
    engsched_rc rc;
    if ((rc = check_header_text("method", m->method, 1, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (strcmp(m->method, "REQUEST") != 0 && strcmp(m->method, "CANCEL") != 0)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "method: must be REQUEST or CANCEL");
    if ((rc = check_address("from_email", m->from_email, err, err_size)) != ENGSCHED_OK ||
        (rc = check_header_text("from_name", m->from_name, 0, err, err_size)) != ENGSCHED_OK ||
        (rc = check_address("to_email", m->to_email, err, err_size)) != ENGSCHED_OK ||
        (rc = check_header_text("to_name", m->to_name, 0, err, err_size)) != ENGSCHED_OK ||
        (rc = check_header_text("subject", m->subject, 1, err, err_size)) != ENGSCHED_OK ||
        (rc = check_header_text("message_id", m->message_id, 1, err, err_size)) != ENGSCHED_OK ||
        (rc = check_header_text("domain", m->domain, 1, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (strlen(m->message_id) > MESSAGE_ID_MAX || !dot_atom(m->message_id))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "message_id: not a dot-atom");
    if (!domain_name(m->domain))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "domain: not a domain name");
    if (m->text == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: required");
    if (!es_utf8_valid(m->text, strlen(m->text)))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: not valid UTF-8");
    if (es_text_has_control(m->text, ES_TEXT_MULTILINE))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: contains a control character");
    if (m->ics == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "ics: required");
    if ((rc = check_ics(m->ics, m->method, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (!date_in_range(m->date))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "date: out of range");

    es_buf b = ES_BUF_INIT;
    char *text = NULL, *text64 = NULL, *ics64 = NULL;
    size_t text_len = 0, text64_len = 0, ics64_len = 0;

    if ((text = crlf_text(m->text, &text_len)) == NULL ||
        es_base64_encode(text, text_len, BODY_WIDTH, &text64, &text64_len) != ENGSCHED_OK ||
        es_base64_encode(m->ics, strlen(m->ics), BODY_WIDTH, &ics64, &ics64_len) !=
            ENGSCHED_OK) {
        b.failed = 1;
        goto done;
    }
    /* One allocation for the message: the bodies (the ics twice) and the
     * headers, whose encoded names and subject take at most twice their
     * length, within the fixed part's allowance. */
    es_buf_reserve(&b, text64_len + 2 * ics64_len + MESSAGE_FIXED +
                    2 * (strlen(m->from_email) + strlen(m->to_email) + strlen(m->subject) +
                         (m->from_name ? strlen(m->from_name) : 0) +
                         (m->to_name ? strlen(m->to_name) : 0) + strlen(m->message_id) +
                         strlen(m->domain)));
    date_header(&b, m->date);

    /* Boundaries: "=_" cannot occur in base64, and the two differ before
     * either ends, so neither is a prefix of the other. */
    char mixed[32], alt[32];
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, m->from_email);
    h = fnv1a(h, m->to_email);
    h = fnv1a(h, m->subject);
    h = fnv1a(h, m->message_id);
    h = fnv1a(h, text64);
    h = fnv1a(h, ics64);
    for (unsigned salt = 0;; salt++) {
        snprintf(mixed, sizeof mixed, "=_mix_%016llx", (unsigned long long)(h + salt));
        snprintf(alt, sizeof alt, "=_alt_%016llx", (unsigned long long)(h + salt));
        if (strstr(text64, mixed) == NULL && strstr(ics64, mixed) == NULL &&
            strstr(text64, alt) == NULL && strstr(ics64, alt) == NULL)
            break;
        if (salt == 64) {
            rc = es_fail_text(err, err_size, ENGSCHED_EINVAL, "no boundary avoids the content");
            goto done;
        }
    }

    mailbox(&b, "From", m->from_name, m->from_email);
    mailbox(&b, "To", m->to_name, m->to_email);
    subject(&b, m->subject);
    sb_str(&b, "Message-ID: <");
    sb_str(&b, m->message_id);
    sb_str(&b, "@");
    sb_str(&b, m->domain);
    sb_str(&b, ">\r\nMIME-Version: 1.0\r\n");
    sb_str(&b, "Content-Type: multipart/mixed; boundary=\"");
    sb_str(&b, mixed);
    sb_str(&b, "\"\r\n\r\n");

    sb_str(&b, "--");
    sb_str(&b, mixed);
    sb_str(&b, "\r\nContent-Type: multipart/alternative; boundary=\"");
    sb_str(&b, alt);
    sb_str(&b, "\"\r\n\r\n");

    sb_str(&b, "--");
    sb_str(&b, alt);
    sb_str(&b, "\r\nContent-Type: text/plain; charset=UTF-8\r\n");
    part_body(&b, text64);

    sb_str(&b, "--");
    sb_str(&b, alt);
    sb_str(&b, "\r\nContent-Type: text/calendar; method=");
    sb_str(&b, m->method);
    sb_str(&b, "; charset=UTF-8\r\n");
    part_body(&b, ics64);
    sb_str(&b, "--");
    sb_str(&b, alt);
    sb_str(&b, "--\r\n");

    sb_str(&b, "\r\n--");
    sb_str(&b, mixed);
    sb_str(&b, "\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
               "Content-Disposition: attachment; filename=\"invite.ics\"\r\n");
    part_body(&b, ics64);
    sb_str(&b, "--");
    sb_str(&b, mixed);
    sb_str(&b, "--\r\n");
    rc = ENGSCHED_OK;

done:
    es_free(text);
    es_free(text64);
    es_free(ics64);
    if (es_buf_failed(&b)) {
        es_buf_release(&b);
        return es_fail_text(err, err_size, ENGSCHED_ENOMEM, "out of memory");
    }
    if (rc != ENGSCHED_OK) {
        es_buf_release(&b);
        return rc;
    }
    size_t len = b.len;
    *out = es_buf_take(&b);
    if (out_len != NULL)
        *out_len = len;
    return ENGSCHED_OK;
}
