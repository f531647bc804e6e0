/* iCalendar objects (RFC 5545, RFC 5546) built with libical's component
 * and property API, never by pasting text together. libical escapes TEXT
 * values and quotes parameters; what libical cannot make safe is refused
 * here before it is handed over:
 *
 * - e-mail addresses must be an addr-spec (es_email_problem); characters an
 *   addr-spec allows but a mailto: URI does not are percent-encoded
 *   (RFC 6068 §2);
 * - URL values are written raw by libical, so a URL must be an RFC 3986
 *   URI (ASCII, no spaces or controls);
 * - names (CN parameters) must pass es_cn_name_problem (util/text.h says
 *   which names libical cannot carry, and why); the setters refuse the
 *   same names, this is the last line of defence. The CN is the name's
 *   display form (es_ics_display_name): libical 3.0.16 caret-escapes '"'
 *   as ^' and a line break as ^n (RFC 6868) and nothing else, Outlook and
 *   Google show ^' as it is, and a name that passed has no line break, so
 *   with its quotes made typographic no RFC 6868 sequence is written;
 * - TEXT values may hold any UTF-8 with tabs and line breaks (CRLF or a
 *   lone CR become LF: libical drops a lone CR), no other controls.
 *
 * libical already folds at 75 octets without splitting UTF-8 characters
 * (3.0.16 does); its output is checked by es_ics_text_ok() and, should the
 * check fail, unfolded and folded again by es_ics_refold() and checked
 * once more, so the guarantee does not depend on the libical version
 * (re-folding every time cost a sixth of an invitation). libical allocates with its own
 * allocator; only the text handed back uses es_malloc. */
#include "calendar/ics.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "util/fail.h"
#include "util/dates.h"
#include "calendar/ics_fold.h"
#include <engsched/engsched.h>
#include "util/text.h"

#define ICS_PRODID "-//libengsched//engsched " ENGSCHED_VERSION "//EN"
#define ICS_UID_MAX 255

static int has_cr_or_lf(const char *s) { return strpbrk(s, "\r\n") != NULL; }

static engsched_rc check_text(const char *prefix, const char *field, const char *value,
                              int allow_breaks, char *err, size_t err_size)
{
    if (!es_utf8_valid(value, strlen(value)))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s%s: not valid UTF-8", prefix, field);
    if (!allow_breaks && has_cr_or_lf(value))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%s%s: contains CR or LF, which is never passed on", prefix, field);
    if (es_text_has_control(value, allow_breaks ? ES_TEXT_MULTILINE : ES_TEXT_LINE))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s%s: contains a control character",
                            prefix, field);
    return ENGSCHED_OK;
}

/* A CN parameter value: the rule the setters apply (validate.h). */
static engsched_rc check_name(const char *prefix, const char *field, const char *name,
                              char *err, size_t err_size)
{
    const char *why = es_cn_name_problem(name);
    if (why != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s%s: %s", prefix, field, why);
    return ENGSCHED_OK;
}

static engsched_rc check_email(const char *prefix, const char *field, const char *email, char *err,
                               size_t err_size)
{
    if (email == NULL || email[0] == '\0')
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s%s: required", prefix, field);
    if (has_cr_or_lf(email))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%s%s: contains CR or LF, which is never passed on", prefix, field);
    if (es_email_problem(email) != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%s%s: not an e-mail address (addr-spec)", prefix, field);
    return ENGSCHED_OK;
}

static int uri_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL);
}

static int hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986: scheme ":" and then only URI characters and %XX. */
static int uri_valid(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':')
        return 0;
    for (; *p; p++) {
        if (*p == '%') {
            if (!hex_digit(p[1]) || !hex_digit(p[2]))
                return 0;
            p += 2;
        } else if (!uri_char((unsigned char)*p)) {
            return 0;
        }
    }
    return 1;
}

/* Characters of an addr-spec that a mailto: URI must percent-encode
 * (RFC 6068 §2: '%', the gen-delims but '@' and ':', and what a URI
 * cannot hold). es_email_problem has admitted only atext, '.', '@' and
 * domain characters. */
static int mailto_escape(char c) { return c != '\0' && strchr("%/?#^`{|}", c) != NULL; }

/* "mailto:" and the address, in es_malloc memory. */
static char *mailto_uri(const char *email)
{
    size_t len = strlen("mailto:");
    for (const char *p = email; *p; p++)
        len += mailto_escape(*p) ? 3 : 1;
    char *uri = es_malloc(len + 1);
    if (uri == NULL)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    char *q = uri;
    memcpy(q, "mailto:", strlen("mailto:"));
    q += strlen("mailto:");
    for (const char *p = email; *p; p++) {
        if (mailto_escape(*p)) {
            *q++ = '%';
            *q++ = hex[(unsigned char)*p >> 4];
            *q++ = hex[(unsigned char)*p & 0x0F];
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return uri;
}

/* A copy of text with CRLF and lone CR turned into LF, or NULL with
 * *oom = 0 when text has no CR (use it as it is). */
static char *normalize_breaks(const char *text, int *oom)
{
    *oom = 0;
    if (strchr(text, '\r') == NULL)
        return NULL;
    char *copy = es_malloc(strlen(text) + 1);
    if (copy == NULL) {
        *oom = 1;
        return NULL;
    }
    char *q = copy;
    for (const char *p = text; *p; p++) {
        if (*p == '\r') {
            *q++ = '\n';
            if (p[1] == '\n')
                p++;
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return copy;
}

/* Every day es_date_parse accepts. libical 3.0 writes a time it builds
 * from fields only if icaltime_is_valid_time() passes, which refuses
 * years after 3000 ("00000000T000000" instead); a value parsed from its
 * text is kept as it is, so DTSTART, DTEND and DTSTAMP are handed over as
 * text (time_prop). DTEND, the day after the last day, must still be a
 * four-digit year: the last day is 9999-12-30. */
#define ICS_YEAR_MIN 1900
#define ICS_YEAR_MAX 9999

/* Day numbers for DTSTART and the last day. */
static int day_range(int32_t *first, int32_t *last)
{
    return es_date_from_civil(ICS_YEAR_MIN, 1, 1, first) &&
           es_date_from_civil(ICS_YEAR_MAX, 12, 30, last);
}

/* UTC seconds in the years the API accepts. */
static int utc_in_range(int64_t t)
{
    int32_t first, last;
    if (!es_date_from_civil(ICS_YEAR_MIN, 1, 1, &first) ||
        !es_date_from_civil(ICS_YEAR_MAX, 12, 31, &last))
        return 0;
    return t >= (int64_t)first * 86400 && t < ((int64_t)last + 1) * 86400;
}

/* "YYYYMMDD" (RFC 5545 DATE) of a day number in range. */
static void basic_date(int32_t day, char out[9])
{
    char text[ES_DATE_LEN];
    es_date_format(day, text);
    memcpy(out, text, 4);
    memcpy(out + 4, text + 5, 2);
    memcpy(out + 6, text + 8, 2);
    out[8] = '\0';
}

/* A property of kind whose value libical parses from text; NULL when it
 * cannot (out of memory: the text is always well-formed here). */
static icalproperty *time_prop(icalproperty_kind kind, icalvalue_kind value_kind,
                               const char *text)
{
    icalvalue *value = icalvalue_new_from_string(value_kind, text);
    if (value == NULL)
        return NULL;
    icalproperty *prop = icalproperty_new(kind);
    if (prop == NULL) {
        icalvalue_free(value);
        return NULL;
    }
    icalproperty_set_value(prop, value);
    return prop;
}

/* DTSTART or DTEND;VALUE=DATE. */
static icalproperty *date_prop(icalproperty_kind kind, int32_t day)
{
    char text[9];
    basic_date(day, text);
    return time_prop(kind, ICAL_DATE_VALUE, text);
}

/* A UTC DATE-TIME ("...Z") of t, which utc_in_range accepted. */
static icalproperty *utc_prop(icalproperty_kind kind, int64_t t)
{
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int secs = (int)(t - day * 86400);
    char date[9];
    basic_date((int32_t)day, date);
    char text[48];
    snprintf(text, sizeof text, "%sT%02d%02d%02dZ", date, secs / 3600, secs / 60 % 60, secs % 60);
    return time_prop(kind, ICAL_DATETIME_VALUE, text);
}

static engsched_rc check_event(es_ics_method method, const es_ics_event *ev, const char *prefix,
                               char *err, size_t err_size)
{
    engsched_rc rc;
    const int publish = method == ES_ICS_PUBLISH;

    if (ev->uid == NULL || ev->uid[0] == '\0')
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%suid: required", prefix);
    if (strlen(ev->uid) > ICS_UID_MAX)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%suid: longer than %d bytes", prefix,
                            ICS_UID_MAX);
    if ((rc = check_text(prefix, "uid", ev->uid, 0, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (ev->sequence < 0 || ev->sequence > INT_MAX)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%ssequence: %lld is out of range",
                            prefix, (long long)ev->sequence);
    if (!utc_in_range(ev->dtstamp))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%sdtstamp: out of range (years %d-%d)",
                            prefix, ICS_YEAR_MIN, ICS_YEAR_MAX);

    int32_t first, last;
    if (!day_range(&first, &last))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%sstart_day: no date range", prefix);
    if (ev->start_day < first || ev->start_day > last)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%sstart_day: out of range (%d-01-01 to %d-12-30)", prefix,
                            ICS_YEAR_MIN, ICS_YEAR_MAX);
    if (ev->end_day < first || ev->end_day > last)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%send_day: out of range (%d-01-01 to %d-12-30: DTEND, the day after, "
                            "must have a four-digit year)",
                            prefix, ICS_YEAR_MIN, ICS_YEAR_MAX);
    if (ev->end_day < ev->start_day)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%send_day: before start_day", prefix);

    if (ev->summary == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%ssummary: required", prefix);
    if ((rc = check_text(prefix, "summary", ev->summary, 1, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (ev->description != NULL &&
        (rc = check_text(prefix, "description", ev->description, 1, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (ev->url != NULL && ev->url[0] != '\0' && !uri_valid(ev->url))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%surl: not a URI (RFC 3986)", prefix);

    /* RFC 5546 §3.2.1 wants ORGANIZER in a PUBLISH VEVENT too (libical's
     * icalrestriction_check flags its absence); the core passes one, and
     * a feed without it is still readable, so it is optional here. */
    int want_organizer = !publish || (ev->organizer_email != NULL && ev->organizer_email[0]);
    if (want_organizer &&
        (rc = check_email(prefix, "organizer_email", ev->organizer_email, err, err_size)) !=
            ENGSCHED_OK)
        return rc;
    if (ev->organizer_name != NULL &&
        (rc = check_name(prefix, "organizer_name", ev->organizer_name, err, err_size)) !=
            ENGSCHED_OK)
        return rc;
    if (publish) {
        /* RFC 5546 §3.2.1: a PUBLISH VEVENT has no ATTENDEE. */
        if (ev->attendee_email != NULL && ev->attendee_email[0] != '\0')
            return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                                "%sattendee_email: METHOD:PUBLISH has no attendee", prefix);
    } else {
        if ((rc = check_email(prefix, "attendee_email", ev->attendee_email, err, err_size)) !=
            ENGSCHED_OK)
            return rc;
        if (ev->attendee_name != NULL &&
            (rc = check_name(prefix, "attendee_name", ev->attendee_name, err, err_size)) !=
                ENGSCHED_OK)
            return rc;
    }
    /* RFC 5546 §3.2.2 and §3.2.5: REQUEST is TENTATIVE or CONFIRMED, CANCEL
     * is CANCELLED; PUBLISH may be either. */
    if (method == ES_ICS_REQUEST && ev->cancelled)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%scancelled: METHOD:REQUEST cannot carry STATUS:CANCELLED", prefix);
    if (method == ES_ICS_CANCEL && !ev->cancelled)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%scancelled: METHOD:CANCEL requires STATUS:CANCELLED", prefix);
    if (method == ES_ICS_CANCEL && ev->tentative)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "%stentative: METHOD:CANCEL cannot carry STATUS:TENTATIVE", prefix);
    return ENGSCHED_OK;
}

/* Adds prop to comp; false (and prop freed) when libical failed to make it. */
static int add_prop(icalcomponent *comp, icalproperty *prop)
{
    if (prop == NULL)
        return 0;
    icalcomponent_add_property(comp, prop);
    return 1;
}

static int add_param(icalproperty *prop, icalparameter *param)
{
    if (param == NULL)
        return 0;
    icalproperty_add_parameter(prop, param);
    return 1;
}

char *es_ics_display_name(const char *name)
{
    if (name == NULL)
        return NULL;
    size_t quotes = 0;
    for (const char *p = strchr(name, '"'); p != NULL; p = strchr(p + 1, '"'))
        quotes++;
    /* Each '"' (1 byte) becomes U+201C or U+201D (3 bytes). */
    char *out = es_malloc(strlen(name) + 2 * quotes + 1);
    if (out == NULL)
        return NULL;
    char *q = out;
    int opening = 1;
    for (const char *p = name; *p; p++) {
        if (*p != '"') {
            *q++ = *p;
            continue;
        }
        memcpy(q, opening ? "\xE2\x80\x9C" : "\xE2\x80\x9D", 3);
        q += 3;
        opening = !opening;
    }
    *q = '\0';
    return out;
}

/* A CN parameter with the display form of name; NULL when out of memory. */
static icalparameter *new_cn(const char *name)
{
    char *display = es_ics_display_name(name);
    if (display == NULL)
        return NULL;
    icalparameter *cn = icalparameter_new_cn(display);
    es_free(display);
    return cn;
}

/* ORGANIZER or ATTENDEE with mailto: and CN; the attendee also gets ROLE,
 * PARTSTAT and RSVP. ENOMEM or OK. */
static engsched_rc add_address(icalcomponent *vevent, int attendee, const char *email,
                               const char *name)
{
    char *uri = mailto_uri(email);
    if (uri == NULL)
        return ENGSCHED_ENOMEM;
    icalproperty *prop = attendee ? icalproperty_new_attendee(uri) : icalproperty_new_organizer(uri);
    es_free(uri);
    if (prop == NULL)
        return ENGSCHED_ENOMEM;
    int ok = 1;
    if (name != NULL && name[0] != '\0')
        ok = add_param(prop, new_cn(name));
    if (ok && attendee) {
        ok = add_param(prop, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT)) &&
             add_param(prop, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION)) &&
             add_param(prop, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
    }
    if (!ok) {
        icalproperty_free(prop);
        return ENGSCHED_ENOMEM;
    }
    icalcomponent_add_property(vevent, prop);
    return ENGSCHED_OK;
}

/* A TEXT property (SUMMARY, DESCRIPTION) with line breaks made LF. */
static engsched_rc add_text(icalcomponent *vevent, icalproperty *(*make)(const char *),
                            const char *text)
{
    int oom;
    char *normal = normalize_breaks(text, &oom);
    if (oom)
        return ENGSCHED_ENOMEM;
    icalproperty *prop = make(normal != NULL ? normal : text);
    es_free(normal);
    return add_prop(vevent, prop) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

/* CANCELLED wins: a cancelled feed entry says so whether or not it had
 * been approved. */
static icalproperty_status event_status(const es_ics_event *ev)
{
    if (ev->cancelled)
        return ICAL_STATUS_CANCELLED;
    return ev->tentative ? ICAL_STATUS_TENTATIVE : ICAL_STATUS_CONFIRMED;
}

static engsched_rc add_event(icalcomponent *vcal, es_ics_method method, const es_ics_event *ev)
{
    icalcomponent *vevent = icalcomponent_new_vevent();
    if (vevent == NULL)
        return ENGSCHED_ENOMEM;
    engsched_rc rc = ENGSCHED_ENOMEM;
    if (!add_prop(vevent, icalproperty_new_uid(ev->uid)) ||
        !add_prop(vevent, icalproperty_new_sequence((int)ev->sequence)) ||
        !add_prop(vevent, utc_prop(ICAL_DTSTAMP_PROPERTY, ev->dtstamp)) ||
        !add_prop(vevent, date_prop(ICAL_DTSTART_PROPERTY, ev->start_day)) ||
        !add_prop(vevent, date_prop(ICAL_DTEND_PROPERTY, ev->end_day + 1)))
        goto done;
    if ((rc = add_text(vevent, icalproperty_new_summary, ev->summary)) != ENGSCHED_OK)
        goto done;
    if (ev->description != NULL && ev->description[0] != '\0' &&
        (rc = add_text(vevent, icalproperty_new_description, ev->description)) != ENGSCHED_OK)
        goto done;
    rc = ENGSCHED_ENOMEM;
    if (ev->url != NULL && ev->url[0] != '\0' && !add_prop(vevent, icalproperty_new_url(ev->url)))
        goto done;
    if (!add_prop(vevent, icalproperty_new_transp(ev->transparent ? ICAL_TRANSP_TRANSPARENT
                                                                  : ICAL_TRANSP_OPAQUE)) ||
        !add_prop(vevent, icalproperty_new_status(event_status(ev))))
        goto done;
    if (ev->organizer_email != NULL && ev->organizer_email[0] != '\0' &&
        (rc = add_address(vevent, 0, ev->organizer_email, ev->organizer_name)) != ENGSCHED_OK)
        goto done;
    if (method != ES_ICS_PUBLISH &&
        (rc = add_address(vevent, 1, ev->attendee_email, ev->attendee_name)) != ENGSCHED_OK)
        goto done;
    icalcomponent_add_component(vcal, vevent);
    return ENGSCHED_OK;
done:
    icalcomponent_free(vevent);
    return rc;
}

/* libical's text in library memory, checked: copied as it is when it
 * passes es_ics_text_ok() (libical 3.0.16 folds correctly, so it does),
 * re-folded and checked again when it does not. ENOMEM (err is left to
 * the caller), EINVAL with err set, or OK. */
static engsched_rc finish_text(const char *text, char **out, char *err, size_t err_size)
{
    size_t len = strlen(text);
    if (es_ics_text_ok(text, len, NULL)) {
        char *copy = es_malloc(len + 1);
        if (copy == NULL)
            return ENGSCHED_ENOMEM;
        memcpy(copy, text, len + 1);
        *out = copy;
        return ENGSCHED_OK;
    }
    char *folded = NULL;
    size_t folded_len = 0;
    engsched_rc rc = es_ics_refold(text, len, &folded, &folded_len);
    if (rc == ENGSCHED_ENOMEM)
        return rc;
    if (rc != ENGSCHED_OK)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "libical wrote malformed line ends");
    const char *why = NULL;
    if (!es_ics_text_ok(folded, folded_len, &why)) {
        es_free(folded);
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "the iCalendar text came out malformed: %s", why);
    }
    *out = folded;
    return ENGSCHED_OK;
}

/* RFC 7986 calendar properties and the X-WR- names clients read instead. */
static icalproperty *new_x_named(const char *x_name, const char *value)
{
    icalproperty *prop = icalproperty_new_x(value);
    if (prop == NULL)
        return NULL;
    icalproperty_set_x_name(prop, x_name);
    if (icalproperty_get_x_name(prop) == NULL) {
        icalproperty_free(prop);
        return NULL;
    }
    return prop;
}

static icalproperty *new_calname(const char *value) { return new_x_named("X-WR-CALNAME", value); }
static icalproperty *new_caldesc(const char *value) { return new_x_named("X-WR-CALDESC", value); }

/* X-PUBLISHED-TTL: the same duration as REFRESH-INTERVAL, as libical
 * writes it. */
static icalproperty *new_ttl(struct icaldurationtype refresh)
{
    char *text = icaldurationtype_as_ical_string_r(refresh);
    if (text == NULL)
        return NULL;
    icalproperty *prop = new_x_named("X-PUBLISHED-TTL", text);
    icalmemory_free_buffer(text);
    return prop;
}

static engsched_rc add_feed(icalcomponent *vcal, const es_ics_feed *feed)
{
    engsched_rc rc;
    if ((rc = add_text(vcal, icalproperty_new_name, feed->name)) != ENGSCHED_OK ||
        (rc = add_text(vcal, new_calname, feed->name)) != ENGSCHED_OK)
        return rc;
    if (feed->description != NULL && feed->description[0] != '\0' &&
        ((rc = add_text(vcal, icalproperty_new_description, feed->description)) != ENGSCHED_OK ||
         (rc = add_text(vcal, new_caldesc, feed->description)) != ENGSCHED_OK))
        return rc;
    /* libical adds VALUE=DURATION, which RFC 7986 requires. */
    struct icaldurationtype refresh = icaldurationtype_from_int((int)feed->refresh_seconds);
    if (!add_prop(vcal, icalproperty_new_refreshinterval(refresh)) ||
        !add_prop(vcal, new_ttl(refresh)))
        return ENGSCHED_ENOMEM;
    return ENGSCHED_OK;
}

/* RFC 5545 §3.6: a calendar holds at least one component. A VTIMEZONE
 * for UTC is one that every client accepts and none shows. */
static engsched_rc add_utc_timezone(icalcomponent *vcal)
{
    icalcomponent *tz = icalcomponent_new_vtimezone();
    icalcomponent *standard = icalcomponent_new_xstandard();
    engsched_rc rc = ENGSCHED_ENOMEM;
    if (tz == NULL || standard == NULL)
        goto out;
    struct icaltimetype epoch = icaltime_null_time(); /* 19700101T000000, floating */
    epoch.year = 1970;
    epoch.month = 1;
    epoch.day = 1;
    if (!add_prop(tz, icalproperty_new_tzid("UTC")) ||
        !add_prop(standard, icalproperty_new_dtstart(epoch)) ||
        !add_prop(standard, icalproperty_new_tzoffsetfrom(0)) ||
        !add_prop(standard, icalproperty_new_tzoffsetto(0)) ||
        !add_prop(standard, icalproperty_new_tzname("UTC")))
        goto out;
    icalcomponent_add_component(tz, standard);
    icalcomponent_add_component(vcal, tz);
    return ENGSCHED_OK;
out:
    if (standard != NULL)
        icalcomponent_free(standard);
    if (tz != NULL)
        icalcomponent_free(tz);
    return rc;
}

static const struct {
    const char *name;
    icalproperty_method ical;
} methods[] = {
    [ES_ICS_REQUEST] = {"REQUEST", ICAL_METHOD_REQUEST},
    [ES_ICS_CANCEL] = {"CANCEL", ICAL_METHOD_CANCEL},
    [ES_ICS_PUBLISH] = {"PUBLISH", ICAL_METHOD_PUBLISH},
};

static int method_known(es_ics_method method)
{
    return (unsigned int)method < sizeof methods / sizeof methods[0];
}

/* The arguments es_ics_build and es_ics_build_feed share. */
static engsched_rc check_call(es_ics_method method, const es_ics_event *events, size_t count,
                              char **out, char *err, size_t err_size)
{
    if (!method_known(method))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "method: unknown (%d)", (int)method);
    if (out == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "out: must not be NULL");
    if (count != 0 && events == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "events: must not be NULL");
    if (method != ES_ICS_PUBLISH && count != 1)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "count: METHOD:%s takes one event, not %zu",
                            methods[method].name, count);
    for (size_t i = 0; i < count; i++) {
        char prefix[48] = "";
        if (method == ES_ICS_PUBLISH)
            snprintf(prefix, sizeof prefix, "events[%zu].", i);
        engsched_rc rc = check_event(method, &events[i], prefix, err, err_size);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

static engsched_rc check_feed(const es_ics_feed *feed, char *err, size_t err_size)
{
    engsched_rc rc;
    if (feed == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "feed: must not be NULL");
    if (feed->name == NULL || feed->name[0] == '\0')
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "feed.name: required");
    if ((rc = check_text("feed.", "name", feed->name, 0, err, err_size)) != ENGSCHED_OK)
        return rc;
    if (feed->description != NULL &&
        (rc = check_text("feed.", "description", feed->description, 1, err, err_size)) !=
            ENGSCHED_OK)
        return rc;
    /* libical's durations are int seconds. */
    if (feed->refresh_seconds <= 0 || feed->refresh_seconds > INT_MAX)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "feed.refresh_seconds: %lld is out of range (1 to %d)",
                            (long long)feed->refresh_seconds, INT_MAX);
    return ENGSCHED_OK;
}

/* The VCALENDAR of checked arguments; feed (PUBLISH only) or NULL. */
static engsched_rc build_calendar(es_ics_method method, const es_ics_feed *feed,
                                  const es_ics_event *events, size_t count, char **out,
                                  char *err, size_t err_size)
{
    icalcomponent *vcal = icalcomponent_new_vcalendar();
    if (vcal == NULL)
        return es_fail_text(err, err_size, ENGSCHED_ENOMEM, "out of memory");
    engsched_rc rc = ENGSCHED_ENOMEM;
    if (!add_prop(vcal, icalproperty_new_prodid(ICS_PRODID)) ||
        !add_prop(vcal, icalproperty_new_version("2.0")) ||
        !add_prop(vcal, icalproperty_new_method(methods[method].ical)))
        goto done;
    if (feed != NULL && (rc = add_feed(vcal, feed)) != ENGSCHED_OK)
        goto done;
    if (feed != NULL && count == 0 && (rc = add_utc_timezone(vcal)) != ENGSCHED_OK)
        goto done;
    for (size_t i = 0; i < count; i++) {
        if ((rc = add_event(vcal, method, &events[i])) != ENGSCHED_OK)
            goto done;
    }

    char *text = icalcomponent_as_ical_string_r(vcal);
    if (text == NULL) {
        rc = ENGSCHED_ENOMEM;
        goto done;
    }
    rc = finish_text(text, out, err, err_size);
    icalmemory_free_buffer(text);
done:
    icalcomponent_free(vcal);
    if (rc == ENGSCHED_ENOMEM)
        es_fail_text(err, err_size, ENGSCHED_ENOMEM, "out of memory");
    return rc;
}

engsched_rc es_ics_build(es_ics_method method, const es_ics_event *events, size_t count,
                         char **out, char *err, size_t err_size)
{
    engsched_rc rc = check_call(method, events, count, out, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    return build_calendar(method, NULL, events, count, out, err, err_size);
}

engsched_rc es_ics_build_feed(const es_ics_feed *feed, const es_ics_event *events, size_t count,
                              char **out, char *err, size_t err_size)
{
    engsched_rc rc = check_feed(feed, err, err_size);
    if (rc == ENGSCHED_OK)
        rc = check_call(ES_ICS_PUBLISH, events, count, out, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    return build_calendar(ES_ICS_PUBLISH, feed, events, count, out, err, err_size);
}
