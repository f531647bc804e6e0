/* Folding and byte-level checks of iCalendar text (RFC 5545 §3.1). */
#include "calendar/ics_fold.h"

#include <stdint.h>

#include "util/alloc.h"
#include "util/text.h"

/* Length of the content line starting at text[i] once unfolded, and the
 * index just past its CRLF. Returns 0 on a bare CR or LF. */
static int logical_line(const char *text, size_t len, size_t i, size_t *content, size_t *next)
{
    size_t n = 0;
    while (i < len) {
        if (text[i] == '\n')
            return 0;
        if (text[i] == '\r') {
            /* libical 3.0 counts a line's own CR as content when it folds,
             * and may put the fold between that CR and its LF: CR, CRLF,
             * white space, LF. No CR stands in content otherwise (libical
             * escapes line breaks), so this is the line's end. */
            if (i + 4 < len && text[i + 1] == '\r' && text[i + 2] == '\n' &&
                (text[i + 3] == ' ' || text[i + 3] == '\t') && text[i + 4] == '\n') {
                i += 5;
                break;
            }
            if (i + 1 >= len || text[i + 1] != '\n')
                return 0;
            if (i + 2 < len && (text[i + 2] == ' ' || text[i + 2] == '\t')) {
                i += 3; /* a fold: CRLF and one white space character vanish */
                continue;
            }
            i += 2;
            break;
        }
        n++;
        i++;
    }
    *content = n;
    *next = i;
    return 1;
}

static int continuation_byte(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Where to end a physical line that may hold up to room octets of line[],
 * starting at offset pos of n: the last UTF-8 character boundary that
 * fits. A character is at most 4 octets and room is at least 74, so there
 * is always one. */
static size_t fold_end(const unsigned char *line, size_t n, size_t pos, size_t room)
{
    size_t end = pos + room;
    if (end >= n)
        return n;
    while (end > pos + 1 && continuation_byte(line[end]))
        end--;
    return end;
}

/* Copy the unfolded content line at text[i] into dst (which has room for
 * it), skipping fold sequences. */
static void copy_unfolded(const char *text, size_t i, size_t content, unsigned char *dst)
{
    size_t n = 0;
    while (n < content) {
        if (text[i] == '\r') {
            i += 3;
            continue;
        }
        dst[n++] = (unsigned char)text[i++];
    }
}

engsched_rc es_ics_refold(const char *text, size_t len, char **out, size_t *out_len)
{
    if (text == NULL || out == NULL)
        return ENGSCHED_EINVAL;

    /* Pass 1: the size of the result and of the longest content line. An
     * upper bound for a line of n octets: n, a CRLF, and per fold (at most
     * one every 70 octets, since a boundary is never more than 3 octets
     * back) three more. */
    size_t total = 0, longest = 0;
    for (size_t i = 0; i < len;) {
        size_t content, next;
        if (!logical_line(text, len, i, &content, &next))
            return ENGSCHED_EINVAL;
        size_t folds = content / 70 + 1;
        if (content > SIZE_MAX / 2 || total > SIZE_MAX / 2 - content - 3 * folds - 2)
            return ENGSCHED_ENOMEM;
        total += content + 3 * folds + 2;
        if (content > longest)
            longest = content;
        i = next;
    }

    char *buf = es_malloc(total + 1);
    if (buf == NULL)
        return ENGSCHED_ENOMEM;
    unsigned char *line = es_malloc(longest + 1);
    if (line == NULL) {
        es_free(buf);
        return ENGSCHED_ENOMEM;
    }

    char *p = buf;
    for (size_t i = 0; i < len;) {
        size_t content, next;
        (void)logical_line(text, len, i, &content, &next);
        copy_unfolded(text, i, content, line);
        size_t pos = 0;
        size_t room = ES_ICS_LINE_MAX;
        do {
            size_t end = fold_end(line, content, pos, room);
            if (pos != 0)
                *p++ = ' ';
            for (size_t k = pos; k < end; k++)
                *p++ = (char)line[k];
            *p++ = '\r';
            *p++ = '\n';
            pos = end;
            room = ES_ICS_LINE_MAX - 1;
        } while (pos < content);
        i = next;
    }
    *p = '\0';
    es_free(line);
    *out = buf;
    if (out_len != NULL)
        *out_len = (size_t)(p - buf);
    return ENGSCHED_OK;
}

/* One pass over the bytes: printable ASCII, the common case, costs one
 * comparison; a line end checks the line just ended; anything else is a
 * tab, a control character or the start of a UTF-8 character. A
 * character split by a fold is malformed where the fold's CR comes. */
int es_ics_text_ok(const char *text, size_t len, const char **why)
{
    const char *reason = NULL;
    if (text == NULL || len == 0) {
        reason = "empty";
        goto bad;
    }
    if (len < 2 || text[len - 2] != '\r' || text[len - 1] != '\n') {
        reason = "does not end in CRLF";
        goto bad;
    }
    size_t start = 0; /* of the physical line */
    for (size_t k = 0; k < len;) {
        unsigned char c = (unsigned char)text[k];
        if (c >= 0x20 && c < 0x7F) {
            k++;
        } else if (c == '\r' || c == '\n') {
            if (c != '\r' || k + 1 >= len || text[k + 1] != '\n') {
                reason = "a line end is not CRLF";
                goto bad;
            }
            if (k == start) {
                reason = "empty line";
                goto bad;
            }
            if (k - start > ES_ICS_LINE_MAX) {
                reason = "a line is longer than 75 octets";
                goto bad;
            }
            k += 2;
            start = k;
        } else if (c == '\t') {
            k++;
        } else if (c < 0x80) {
            reason = "control character";
            goto bad;
        } else {
            size_t n = es_utf8_char(text + k, len - k);
            if (n == 0) {
                reason = "a line is not valid UTF-8 (or a fold splits a character)";
                goto bad;
            }
            if (c == 0xC2 && (unsigned char)text[k + 1] <= 0x9F) {
                reason = "control character"; /* C1 */
                goto bad;
            }
            k += n;
        }
    }
    return 1;
bad:
    if (why != NULL)
        *why = reason;
    return 0;
}
