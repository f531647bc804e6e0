/* iCalendar content lines (RFC 5545 §3.1): folding at 75 octets without
 * splitting a UTF-8 character, and a check of finished text. Used by
 * ics.c on libical's output and by the tests. */
#ifndef ENGSCHED_ICS_FOLD_H
#define ENGSCHED_ICS_FOLD_H

#include <stddef.h>

#include <engsched/engsched.h>

#define ES_ICS_LINE_MAX 75 /* octets, not counting the CRLF */

/* Unfold text (CRLF followed by one space or tab joins lines) and fold
 * every content line again so that no line exceeds 75 octets and no UTF-8
 * sequence is split: a continuation line is a space and at most 74
 * octets. Line ends in the input must be CRLF; the result ends in CRLF.
 * *out is NUL-terminated and freed with es_free; *out_len (if not NULL)
 * excludes the NUL. A fold that libical 3.0 put between a line's CR and
 * LF (CR CRLF SP LF) is read as that line's end. EINVAL for any other
 * bare CR or LF, ENOMEM. */
engsched_rc es_ics_refold(const char *text, size_t len, char **out, size_t *out_len);

/* 1 when text is well-formed at the byte level: CRLF line ends only (and
 * one at the end), no physical line longer than 75 octets, every physical
 * line valid UTF-8 (so no character split by a fold), no control
 * characters except horizontal tab, no empty lines. Otherwise 0, with
 * *why (if not NULL) set to a static description. */
int es_ics_text_ok(const char *text, size_t len, const char **why);

#endif
