/* iMIP messages (RFC 6047): RFC 5322 + MIME around an iCalendar object.
 * Pure: inputs in, text out. The library never sends: the host's mail
 * callback gets the result. */
#ifndef ENGSCHED_IMIP_H
#define ENGSCHED_IMIP_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

typedef struct es_imip_message {
    const char *from_email;  /* the organizer (addr-spec) */
    const char *from_name;   /* display name, may be non-ASCII, or NULL */
    const char *to_email;    /* the attendee (addr-spec) */
    const char *to_name;     /* display name, may be non-ASCII, or NULL */
    const char *subject;     /* may be non-ASCII; encoded per RFC 2047 when needed */
    const char *text;        /* the text/plain part, UTF-8 */
    const char *ics;         /* the iCalendar object, CRLF lines */
    const char *method;      /* "REQUEST" or "CANCEL": the METHOD inside ics */
    int64_t date;            /* the Date header, UTC seconds */
    const char *message_id;  /* left side of Message-ID, e.g. "eng-12-user-4-seq-3" */
    const char *domain;      /* right side of Message-ID */
} es_imip_message;

/* A complete message with CRLF line ends and no line over 998 octets:
 * Date, From, To, Subject, Message-ID, MIME-Version: 1.0, then
 * multipart/mixed { multipart/alternative { text/plain; charset=UTF-8,
 * text/calendar; method=<method>; charset=UTF-8 }, application/ics
 * attachment "invite.ics" }; bodies base64 with 76-column lines. Header
 * values with CR or LF, or addresses that are not an addr-spec, are refused
 * with EINVAL. On failure *out is untouched and err (if not NULL) says why. */
engsched_rc es_imip_build(const es_imip_message *m, char **out, size_t *out_len, char *err,
                          size_t err_size);

#endif
