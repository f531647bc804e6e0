/* calendar/: iCalendar, line folding, iMIP/MIME and time zones, pure
 * builders over libical; includes util/ and rules/ only. */
/* iCalendar objects built with libical (never by string concatenation).
 * Pure: inputs in, text out; no storage, no settings. */
#ifndef ENGSCHED_ICS_H
#define ENGSCHED_ICS_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

typedef enum es_ics_method {
    ES_ICS_REQUEST, /* an invitation, or its update */
    ES_ICS_CANCEL,  /* unassigned or canceled */
    ES_ICS_PUBLISH  /* a subscription feed */
} es_ics_method;

/* Members are only ever appended, zero meaning the behaviour before they
 * were; callers name the members they set. */
typedef struct es_ics_event {
    const char *uid;             /* stable per engagement and operator (per engagement in feeds) */
    int64_t sequence;            /* SEQUENCE */
    int64_t dtstamp;             /* UTC seconds */
    int32_t start_day;           /* first day (day number) */
    int32_t end_day;             /* last day, inclusive: DTEND is the day after */
    const char *summary;         /* "<client>: <engagement name>" */
    const char *description;     /* free text, may hold newlines and links */
    const char *url;             /* the engagement link, or NULL */
    const char *organizer_email; /* required for REQUEST and CANCEL */
    const char *organizer_name;  /* CN, or NULL/"" */
    const char *attendee_email;  /* required for REQUEST and CANCEL; NULL in feeds */
    const char *attendee_name;   /* CN */
    int cancelled;               /* STATUS:CANCELLED (CANCEL), else STATUS:CONFIRMED */
    /* Appended members: zero keeps the behaviour of the 13 above. */
    int tentative;   /* STATUS:TENTATIVE, not CONFIRMED (REQUEST, PUBLISH; ignored when
                        cancelled; EINVAL with CANCEL): not yet approved */
    int transparent; /* TRANSP:TRANSPARENT, not OPAQUE: the time is not blocked */
} es_ics_event;

/* Build a VCALENDAR with one VEVENT per event (one for REQUEST/CANCEL).
 * PRODID "-//libengsched//engsched <version>//EN", VERSION 2.0, METHOD.
 * Every VEVENT: UID, SEQUENCE, DTSTAMP (UTC), DTSTART;VALUE=DATE,
 * DTEND;VALUE=DATE (last day + 1), SUMMARY, DESCRIPTION, URL when given,
 * TRANSP (OPAQUE or TRANSPARENT), STATUS; REQUEST/CANCEL add ORGANIZER
 * (mailto:, CN) and ATTENDEE (mailto:, CN, ROLE=REQ-PARTICIPANT,
 * PARTSTAT=NEEDS-ACTION, RSVP=TRUE); CN is es_ics_display_name() of the
 * name. Days run from 1900-01-01 to 9999-12-30 (DTEND, the day after, is
 * still a four-digit year), DTSTAMP from 1900 to the end of 9999. Text is
 * escaped by libical; lines are folded at 75 octets and end in CRLF. An e-mail address containing
 * anything but an addr-spec (CR, LF, spaces, quotes, colons…) is refused
 * with EINVAL.
 * On failure *out is untouched and err (if not NULL) says why. */
engsched_rc es_ics_build(es_ics_method method, const es_ics_event *events, size_t count,
                         char **out, char *err, size_t err_size);

/* A subscription feed's calendar properties. */
typedef struct es_ics_feed {
    const char *name;        /* X-WR-CALNAME and RFC 7986 NAME, required, one line */
    const char *description; /* X-WR-CALDESC and DESCRIPTION (RFC 7986), or NULL */
    int64_t refresh_seconds; /* RFC 7986 REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL,
                                1 to INT_MAX */
} es_ics_feed;

/* A METHOD:PUBLISH calendar like es_ics_build(ES_ICS_PUBLISH, ...) with
 * the feed's NAME, X-WR-CALNAME, DESCRIPTION, X-WR-CALDESC,
 * REFRESH-INTERVAL and X-PUBLISHED-TTL. RFC 5545 §3.6 wants at least one
 * component: a feed without events gets a VTIMEZONE "UTC" (offset 0),
 * which every client accepts and none shows; a feed with events gets no
 * VTIMEZONE (its dates are all-day). Errors as es_ics_build. */
engsched_rc es_ics_build_feed(const es_ics_feed *feed, const es_ics_event *events, size_t count,
                              char **out, char *err, size_t err_size);

/* The form of a name that a CN parameter carries: each ASCII '"' becomes
 * a typographic quote, U+201C and U+201D in turn, so `Ann "Red" Lee` is
 * `Ann “Red” Lee`. libical 3.0 would write '"' as the RFC 6868 escape ^',
 * which Outlook and Google show as it is; for a name that passes
 * es_cn_name_problem() nothing else is caret-escaped, so no RFC 6868
 * sequence reaches the wire. A name without quotes comes back byte for
 * byte. In es_malloc memory; NULL when out of memory (or name is NULL). */
char *es_ics_display_name(const char *name);

#endif
