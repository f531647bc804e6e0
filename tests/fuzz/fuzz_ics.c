/* Fuzz target: the iCalendar builder (lib/ics.h, es_ics_build) with
 * fuzzed text, parsed back with libical.
 *
 * The first byte picks the method and whether a URL is given; the rest is
 * cut at 0xFF into: summary, description, organizer name, attendee name,
 * attendee e-mail, URL, UID, and 12 bytes of sequence and dates. Missing
 * fields get plausible values, so most inputs reach libical.
 *
 * Oracles:
 * - es_ics_build returns OK or EINVAL (with a message) and nothing else;
 * - it does not refuse what the library lets into the store: a summary
 *   and description of valid text, names of valid one-line text without
 *   an RFC 6868 sequence, addresses engsched_user_upsert would keep, a
 *   URI, in-range dates must build;
 * - an OK text is well-formed bytes, checked here independently of
 *   es_ics_text_ok: CRLF line ends only, no physical line over 75 octets,
 *   every physical line valid UTF-8 (no character split by a fold), no
 *   control characters but tab, no empty line;
 * - libical parses it back, and SUMMARY, DESCRIPTION, UID, the CNs and
 *   the addresses come back exactly as given (line breaks as LF). */
#include <strings.h>

#include <libical/ical.h>

#include <engsched/engsched.h>

#include "util/dates.h"
#include "fuzz.h"
#include "calendar/ics.h"
#include "core/validate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int text_ok(const char *s, int multiline)
{
    size_t len = strlen(s);
    return fuzz_utf8_ok((const unsigned char *)s, len) &&
           !fuzz_has_control((const unsigned char *)s, len, multiline);
}

/* What the builder may refuse in a CN because libical would not read it
 * back (lib/ics.c): RFC 6868 sequences, '^' before '"', a final '\'. */
static int cn_ok(const char *s)
{
    size_t n = strlen(s);
    if (!text_ok(s, 0) || (n > 0 && s[n - 1] == '\\'))
        return 0;
    for (const char *p = strchr(s, '^'); p != NULL; p = strchr(p + 1, '^'))
        if (p[1] == '^' || p[1] == 'n' || p[1] == 'N' || p[1] == '\'' || p[1] == '"')
            return 0;
    return 1;
}

static int uri_ok(const char *s)
{
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon == s ||
        !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (const char *p = s; p < colon; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '+' || *p == '-' || *p == '.'))
            return 0;
    for (const char *p = colon; *p; p++) {
        if (*p == '%') {
            for (int k = 1; k <= 2; k++)
                if (!strchr("0123456789abcdefABCDEF", p[k]) || p[k] == '\0')
                    return 0;
            p += 2;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~:/?#[]@!$&'()*+,;=", *p))) {
            return 0;
        }
    }
    return 1;
}

/* Line breaks as libical gives them back: CRLF and lone CR become LF. */
static char *breaks_as_lf(const char *s)
{
    char *out = malloc(strlen(s) + 1), *q = out;
    if (out == NULL)
        abort();
    for (; *s; s++) {
        if (*s == '\r') {
            *q++ = '\n';
            if (s[1] == '\n')
                s++;
        } else {
            *q++ = *s;
        }
    }
    *q = '\0';
    return out;
}

/* Equal but for white space at either end: libical's parser drops spaces
 * and tabs around a value and after an unquoted parameter, which other
 * readers keep; that is how libical reads, not what the library wrote. */
static int same_text(const char *got, const char *want)
{
    if (got == NULL) /* libical gives no value for an empty one */
        got = "";
    while (*got == ' ' || *got == '\t')
        got++;
    while (*want == ' ' || *want == '\t')
        want++;
    size_t g = strlen(got), w = strlen(want);
    while (g > 0 && (got[g - 1] == ' ' || got[g - 1] == '\t'))
        g--;
    while (w > 0 && (want[w - 1] == ' ' || want[w - 1] == '\t'))
        w--;
    return g == w && memcmp(got, want, g) == 0;
}

static void check_bytes(const char *text)
{
    size_t len = strlen(text);
    FUZZ_CHECK(len >= 2 && text[len - 2] == '\r' && text[len - 1] == '\n', "no final CRLF");
    const char *line = text;
    while (*line) {
        const char *cr = strstr(line, "\r\n");
        FUZZ_CHECK(cr != NULL, "a line without CRLF");
        size_t n = (size_t)(cr - line);
        FUZZ_CHECK(n > 0, "an empty line");
        FUZZ_CHECK(n <= 75, "a line of %zu octets: %.*s", n, (int)n, line);
        FUZZ_CHECK(fuzz_utf8_ok((const unsigned char *)line, n), "a line not UTF-8: %.*s",
                   (int)n, line);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)line[i];
            FUZZ_CHECK(!(c < 0x20 && c != '\t') && c != 0x7F, "control 0x%02x in: %.*s", c,
                       (int)n, line);
        }
        line = cr + 2;
    }
}

/* The CN the builder writes: each '"' made U+201C and U+201D in turn
 * (es_ics_display_name), written here apart from the library's. */
static char *typographic(const char *s)
{
    char *out = malloc(strlen(s) * 3 + 1), *q = out;
    if (out == NULL)
        abort();
    int opening = 1;
    for (; *s; s++) {
        if (*s != '"') {
            *q++ = *s;
            continue;
        }
        memcpy(q, opening ? "\xE2\x80\x9C" : "\xE2\x80\x9D", 3);
        q += 3;
        opening = !opening;
    }
    *q = '\0';
    return out;
}

static const char *param_cn(icalproperty *p)
{
    icalparameter *cn = p ? icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER) : NULL;
    return cn ? icalparameter_get_cn(cn) : NULL;
}

/* "mailto:" with RFC 6068 percent-decoding, compared with the address. */
static int mailto_is(const char *uri, const char *email)
{
    if (uri == NULL || strncasecmp(uri, "mailto:", 7) != 0)
        return 0;
    char decoded[600];
    size_t n = 0;
    for (const char *p = uri + 7; *p && n + 1 < sizeof decoded; p++) {
        unsigned int v;
        if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
            decoded[n++] = (char)v;
            p += 2;
        } else {
            decoded[n++] = *p;
        }
    }
    decoded[n] = '\0';
    return strcmp(decoded, email) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fuzz_fields ff;
    if (!fuzz_split(data + 1, size - 1, &ff))
        return 0;
    es_ics_method method = (es_ics_method)(data[0] % 3);
    int with_url = (data[0] & 4) != 0;
    const char *summary = ff.n > 0 ? ff.f[0] : "Acme Corp: Web test";
    const char *description = ff.n > 1 ? ff.f[1] : "Scope";
    const char *organizer_name = ff.n > 2 ? ff.f[2] : "Lead";
    const char *attendee_name = ff.n > 3 ? ff.f[3] : "Alice";
    const char *attendee = ff.n > 4 && ff.len[4] > 0 ? ff.f[4] : "alice@example.com";
    const char *url = with_url ? (ff.n > 5 ? ff.f[5] : "https://example.com/e/1") : NULL;
    const char *uid = ff.n > 6 && ff.len[6] > 0 ? ff.f[6] : "engagement-1-operator-2@x.invalid";
    uint64_t nums = fuzz_u64(ff.f[7], ff.len[7]);
    int64_t sequence = (int64_t)(nums & 0xFFFF);
    int32_t start = 20000 + (int32_t)((nums >> 16) & 0x3FFF);
    int32_t end = start + (int32_t)((nums >> 32) & 0x3F);
    if (ff.len[7] > 8) /* out-of-range dates too */
        end = (int32_t)fuzz_u64(ff.f[7] + 8, ff.len[7] - 8);

    es_ics_event ev = {
        .uid = uid,
        .sequence = sequence,
        .dtstamp = INT64_C(1772366400),
        .start_day = start,
        .end_day = end,
        .summary = summary,
        .description = description,
        .url = url,
        .organizer_email = "lead@example.com",
        .organizer_name = organizer_name,
        .attendee_email = method == ES_ICS_PUBLISH ? NULL : attendee,
        .attendee_name = method == ES_ICS_PUBLISH ? NULL : attendee_name,
        .cancelled = method == ES_ICS_CANCEL,
    };
    char *text = NULL, err[256] = "";
    engsched_rc rc = es_ics_build(method, &ev, 1, &text, err, sizeof err);
    FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL, "es_ics_build: %s",
               engsched_rc_name(rc));

    int32_t first = 0, last = 0;
    es_date_from_civil(1900, 1, 1, &first);
    es_date_from_civil(9999, 12, 30, &last);
    int storable = text_ok(summary, 1) && text_ok(description, 1) && cn_ok(organizer_name) &&
                   strlen(uid) <= 255 && text_ok(uid, 0) &&
                   (method == ES_ICS_PUBLISH ||
                    (cn_ok(attendee_name) && es_check_email(NULL, "e", attendee) == ENGSCHED_OK)) &&
                   (url == NULL || url[0] == '\0' || uri_ok(url)) && start <= end &&
                   end <= last && start >= first;
    if (rc != ENGSCHED_OK) {
        FUZZ_CHECK(err[0] != '\0', "EINVAL without a message");
        FUZZ_CHECK(!storable, "refused valid input: %s", err);
        fuzz_fields_free(&ff);
        return 0;
    }
    check_bytes(text);

    icalcomponent *cal = icalparser_parse_string(text);
    FUZZ_CHECK(cal != NULL, "libical cannot parse:\n%s", text);
    icalcomponent *vevent = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    FUZZ_CHECK(vevent != NULL, "no VEVENT:\n%s", text);
    char *want = breaks_as_lf(summary);
    const char *got = icalcomponent_get_summary(vevent);
    FUZZ_CHECK(same_text(got, want), "SUMMARY came back as \"%s\", not \"%s\"",
               got ? got : "(none)", want);
    free(want);
    if (description[0] != '\0') {
        want = breaks_as_lf(description);
        got = icalcomponent_get_description(vevent);
        FUZZ_CHECK(same_text(got, want), "DESCRIPTION came back as \"%s\", not \"%s\"",
                   got ? got : "(none)", want);
        free(want);
    }
    got = icalcomponent_get_uid(vevent);
    FUZZ_CHECK(same_text(got, uid), "UID came back as \"%s\"", got ? got : "");
    icalproperty *org = icalcomponent_get_first_property(vevent, ICAL_ORGANIZER_PROPERTY);
    FUZZ_CHECK(org != NULL, "ORGANIZER lost");
    FUZZ_CHECK(mailto_is(icalproperty_get_organizer(org), "lead@example.com"),
               "ORGANIZER came back as \"%s\"", icalproperty_get_organizer(org));
    want = typographic(organizer_name);
    if (organizer_name[0] != '\0')
        FUZZ_CHECK(same_text(param_cn(org), want), "organizer CN came back as \"%s\", not \"%s\"",
                   param_cn(org) ? param_cn(org) : "(none)", want);
    free(want);
    icalproperty *att = icalcomponent_get_first_property(vevent, ICAL_ATTENDEE_PROPERTY);
    if (method == ES_ICS_PUBLISH) {
        FUZZ_CHECK(att == NULL, "an ATTENDEE in a PUBLISH");
    } else {
        FUZZ_CHECK(att != NULL, "ATTENDEE lost");
        FUZZ_CHECK(mailto_is(icalproperty_get_attendee(att), attendee),
                   "ATTENDEE came back as \"%s\", not %s", icalproperty_get_attendee(att),
                   attendee);
        want = typographic(attendee_name);
        if (attendee_name[0] != '\0')
            FUZZ_CHECK(same_text(param_cn(att), want),
                       "attendee CN came back as \"%s\", not \"%s\"",
                       param_cn(att) ? param_cn(att) : "(none)", want);
        free(want);
    }
    icalcomponent_free(cal);
    engsched_free(text);
    fuzz_fields_free(&ff);
    return 0;
}
