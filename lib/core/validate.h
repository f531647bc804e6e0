/* Input validation shared by every setter: one place decides what a
 * valid name, text, file name or e-mail address is. On failure the
 * functions write a message naming the field into the handle. */
#ifndef ENGSCHED_VALIDATE_H
#define ENGSCHED_VALIDATE_H

#include <stddef.h>

#include "core/internal.h"

typedef enum es_text_kind {
    ES_TEXT_LINE,      /* one line: no control characters at all */
    ES_TEXT_MULTILINE  /* tab, CR and LF allowed */
} es_text_kind;

/* UTF-8 well-formed (no overlongs, no surrogates). */
int es_utf8_valid(const char *s, size_t len);
/* The length (1–4) of the well-formed UTF-8 character at s, which has
 * len bytes left; 0 when it is malformed or cut short. */
size_t es_utf8_char(const char *s, size_t len);

engsched_rc es_check_text(engsched *db, const char *field, const char *value, size_t min_len,
                          size_t max_len, es_text_kind kind);
engsched_rc es_check_file_name(engsched *db, const char *field, const char *name);
engsched_rc es_check_media_type(engsched *db, const char *field, const char *type);
engsched_rc es_check_email(engsched *db, const char *field, const char *email);

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
/* es_cn_name_problem for a setter: EINVAL naming @field in the handle. */
engsched_rc es_check_cn_name(engsched *db, const char *field, const char *name);

#define ES_NAME_MAX 255
#define ES_TEXT_MAX 65536
#define ES_CONTACTS_MAX 4096
#define ES_REASON_MAX 4096

#endif
