/* iTIP REPLY (RFC 5546 §3.2.3): an attendee's answer to an invitation,
 * read with libical. Pure: text in, fields out; the core decides what the
 * answer changes. */
#ifndef ENGSCHED_ICS_REPLY_H
#define ENGSCHED_ICS_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

#include "rules/rules.h"

#define ES_ICS_REPLY_MAX (1024 * 1024) /* bytes of text taken at most */
#define ES_ICS_REPLY_DEPTH 8           /* components nested at most (VCALENDAR is 1) */

typedef struct es_ics_reply {
    char *uid;             /* the invitation's UID, one line, at most 255 bytes */
    int64_t sequence;      /* SEQUENCE, 0 when absent */
    char *attendee_email;  /* the one ATTENDEE's mailto: address, decoded */
    es_partstat partstat;  /* ACCEPTED, DECLINED or TENTATIVE */
    int64_t dtstamp;       /* DTSTAMP in UTC seconds, 0 when absent */
    char *organizer_email; /* ORGANIZER's address, or NULL when absent */
} es_ics_reply;

/* Reads a REPLY from len bytes of text (no NUL needed, none allowed).
 * EINVAL: empty, not UTF-8, NUL bytes, components nested deeper than
 * ES_ICS_REPLY_DEPTH, not exactly one VCALENDAR, METHOD not REPLY, not
 * exactly one VEVENT (other components are ignored), any X-LIC-ERROR of
 * libical in the calendar or the VEVENT, a missing or malformed UID,
 * SEQUENCE outside 0..INT_MAX, not exactly one ATTENDEE, an address that
 * is not a mailto: URI of an addr-spec (scheme in any case, %XX decoded),
 * PARTSTAT other than ACCEPTED, DECLINED or TENTATIVE, a DTSTAMP not in
 * UTC. ETOOBIG: more than ES_ICS_REPLY_MAX bytes. ENOMEM. Strings are in
 * es_malloc memory, freed by es_ics_reply_release(). On failure *out is
 * zeroed, nothing is left allocated, and err (if not NULL) says why. */
engsched_rc es_ics_reply_parse(const char *text, size_t len, es_ics_reply *out, char *err,
                               size_t err_size);

/* Frees the strings and zeroes *r; NULL is fine. */
void es_ics_reply_release(es_ics_reply *r);

#endif
