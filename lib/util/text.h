/* Text predicates: what a valid text, file name, media type, e-mail
 * address or iCalendar CN name is, decided in one place. Pure: no handle,
 * no allocation; core/validate.h turns a refusal into the handle's error. */
#ifndef ENGSCHED_UTIL_TEXT_H
#define ENGSCHED_UTIL_TEXT_H

#include <stddef.h>

typedef enum es_text_kind {
    ES_TEXT_LINE,     /* one line: no control characters at all */
    ES_TEXT_MULTILINE /* tab, CR and LF allowed */
} es_text_kind;

/* UTF-8 well-formed (no overlongs, no surrogates). */
int es_utf8_valid(const char *s, size_t len);
/* The length (1-4) of the well-formed UTF-8 character at s, which has
 * len bytes left; 0 when it is malformed or cut short. */
size_t es_utf8_char(const char *s, size_t len);
/* The offset of the first control character that @p kind forbids, or -1.
 * C1 controls (U+0080-U+009F) count too: they break terminals and mail
 * headers. */
long es_text_control_at(const char *s, size_t len, es_text_kind kind);
/* The same for a NUL-terminated string: whether it holds one. */
int es_text_has_control(const char *s, es_text_kind kind);

/* File names: no '/' or '\\', and not "." or "..". */
int es_file_name_has_separator(const char *name);
int es_file_name_is_dots(const char *name);

/* Media types: RFC 6838 "type/subtype" of token characters. */
int es_media_type_is_pair(const char *type);
int es_media_type_chars_ok(const char *type);

/* IANA time-zone names ("Europe/Paris", "Etc/GMT+5"): components of
 * ASCII letters, digits, '_', '-' and '+', not starting with '-', joined by
 * single '/'; no leading or trailing '/', no "." or ".." (no '.' at all),
 * at most ES_ZONE_NAME_MAX bytes. A name of this shape cannot leave the
 * zone directory when a zone library turns it into a path. Says nothing
 * of whether the zone exists. */
#define ES_ZONE_NAME_MAX 64
int es_zone_name_valid(const char *name);

/* Why @p email is not an address the library writes into mail headers
 * and calendar properties, as a phrase; NULL when it is one. */
const char *es_email_problem(const char *email);

/* Names that go into an iCalendar CN parameter (a user's display name,
 * the organizer_name setting) are written by libical, which quotes them
 * but cannot carry every text:
 *
 * - no CR, LF or other control character (C0, DEL, C1), valid UTF-8;
 * - none of the RFC 6868 sequences "^^", "^n", "^N", "^'", nor '^'
 *   before '"': libical 3.0 encodes '"' and newlines as ^' and ^n but
 *   writes '^' itself unencoded, so those would come back as other text;
 * - no backslash at the end: libical writes such a name unquoted and
 *   reads "\:" back as an escaped colon, so name and address run
 *   together.
 *
 * Refused where a name enters the store and again by es_ics_build, so a
 * name taken in never makes an invitation fail after its change has
 * committed (a store written before the setters checked may still hold
 * one; es_ics_build then refuses it as before).
 * Why @name cannot be a CN value, as a phrase to follow "<field>: ", or
 * NULL when it can. Pure: no handle, no allocation. */
const char *es_cn_name_problem(const char *name);

#endif
