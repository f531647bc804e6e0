/* Fuzz target: the iTIP REPLY parser (lib/calendar/ics_reply.h,
 * es_ics_reply_parse) on any bytes, as a calendar client could send them.
 *
 * The input is the text itself (no NUL added: the parser reads len bytes
 * and copies what libical needs). Seeds: replies as Thunderbird, Google
 * Calendar and Outlook write them, and a REQUEST; reply.dict holds the
 * names the parser looks for.
 *
 * Oracles:
 * - es_ics_reply_parse returns OK, EINVAL or ETOOBIG and nothing else,
 *   with a message unless OK; ETOOBIG exactly past 1 MiB;
 * - on failure the reply is all zero (and LeakSanitizer finds nothing);
 * - an OK reply has a UID of 1..255 bytes without control characters,
 *   an attendee address and an organizer address (when there is one)
 *   with one '@' and no space or control, PARTSTAT accepted, declined or
 *   tentative, SEQUENCE in 0..INT_MAX, and es_ics_reply_release zeroes it. */
#include <limits.h>

#include <engsched/engsched.h>

#include "fuzz.h"
#include "calendar/ics_reply.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int zeroed(const es_ics_reply *r)
{
    return r->uid == NULL && r->attendee_email == NULL && r->organizer_email == NULL &&
           r->sequence == 0 && r->dtstamp == 0 && r->partstat == ES_PARTSTAT_NONE;
}

/* One '@' with text either side, nothing at or below space, no DEL. */
static int address_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7F)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    es_ics_reply r;
    memset(&r, 0xA5, sizeof r);
    char err[256] = "";
    engsched_rc rc = es_ics_reply_parse((const char *)data, size, &r, err, sizeof err);
    FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL || rc == ENGSCHED_ETOOBIG,
               "es_ics_reply_parse: %s: %s", engsched_rc_name(rc), err);
    FUZZ_CHECK((rc == ENGSCHED_ETOOBIG) == (size > ES_ICS_REPLY_MAX), "ETOOBIG for %zu bytes",
               size);
    if (rc != ENGSCHED_OK) {
        FUZZ_CHECK(err[0] != '\0', "%s without a message", engsched_rc_name(rc));
        FUZZ_CHECK(zeroed(&r), "a refused reply is not zeroed: %s", err);
        return 0;
    }
    size_t uid_len = r.uid != NULL ? strlen(r.uid) : 0;
    FUZZ_CHECK(uid_len >= 1 && uid_len <= 255, "UID of %zu bytes", uid_len);
    FUZZ_CHECK(!fuzz_has_control((const unsigned char *)r.uid, uid_len, 0),
               "control character in UID");
    FUZZ_CHECK(r.attendee_email != NULL && address_ok(r.attendee_email),
               "attendee address \"%s\"", r.attendee_email ? r.attendee_email : "(null)");
    FUZZ_CHECK(r.organizer_email == NULL || address_ok(r.organizer_email),
               "organizer address \"%s\"", r.organizer_email);
    FUZZ_CHECK(r.partstat == ES_PARTSTAT_ACCEPTED || r.partstat == ES_PARTSTAT_DECLINED ||
                   r.partstat == ES_PARTSTAT_TENTATIVE,
               "PARTSTAT %d", (int)r.partstat);
    FUZZ_CHECK(r.sequence >= 0 && r.sequence <= INT_MAX, "SEQUENCE %lld", (long long)r.sequence);
    es_ics_reply_release(&r);
    FUZZ_CHECK(zeroed(&r), "released reply not zeroed");
    return 0;
}
