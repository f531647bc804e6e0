/* iTIP REPLY (RFC 5546 §3.2.3) read with libical's parser. The text comes
 * from outside (an operator's calendar client), so everything is checked
 * before and after libical sees it:
 *
 * - size, NUL bytes, UTF-8 and nesting depth before parsing: libical frees
 *   components recursively, so a deep nest would exhaust the stack;
 * - after parsing, libical's own complaints (X-LIC-ERROR properties) in
 *   the calendar and the VEVENT refuse the reply with libical's message;
 * - the fields are checked as the builder checks what it writes (a UID of
 *   one line, addresses that pass es_email_problem).
 *
 * libical allocates with its own allocator; only what is handed back uses
 * es_malloc. */
#include "calendar/ics_reply.h"

#include <limits.h>
#include <string.h>

#include <libical/ical.h>

#include "util/alloc.h"
#include "util/dates.h"
#include "util/fail.h"
#include "util/text.h"

#define REPLY_UID_MAX 255

void es_ics_reply_release(es_ics_reply *r)
{
    if (r == NULL)
        return;
    es_free(r->uid);
    es_free(r->attendee_email);
    es_free(r->organizer_email);
    memset(r, 0, sizeof *r);
}

static int starts_with_nocase(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != prefix[i])
            return 0;
    }
    return 1;
}

/* The deepest BEGIN: nesting of the text's lines (folded lines start with
 * white space, so they never count). */
static int nesting_depth(const char *text, size_t len)
{
    int depth = 0, deepest = 0;
    size_t i = 0;
    while (i < len) {
        const char *line = text + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl != NULL ? (size_t)(nl - line) : len - i;
        if (starts_with_nocase(line, n, "BEGIN:")) {
            if (++depth > deepest)
                deepest = depth;
        } else if (starts_with_nocase(line, n, "END:") && depth > 0) {
            depth--;
        }
        i += n + 1;
    }
    return deepest;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The addr-spec of a mailto: URI (RFC 6068: scheme in any case, %XX
 * decoded) in es_malloc memory. */
static engsched_rc mailto_address(const char *field, const char *uri, char **out, char *err,
                                  size_t err_size)
{
    if (uri == NULL || !starts_with_nocase(uri, strlen(uri), "MAILTO:"))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: not a mailto: URI", field);
    const char *p = uri + strlen("mailto:");
    char *addr = es_malloc(strlen(p) + 1);
    if (addr == NULL)
        return ENGSCHED_ENOMEM;
    engsched_rc rc = ENGSCHED_EINVAL;
    size_t k = 0;
    for (; *p; p++) {
        if (*p != '%') {
            addr[k++] = *p;
            continue;
        }
        int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) {
            es_fail_text(err, err_size, rc, "%s: bad percent-encoding in the mailto: URI", field);
            goto out;
        }
        addr[k++] = (char)(hi * 16 + lo);
        p += 2;
    }
    addr[k] = '\0';
    const char *why = es_email_problem(addr);
    if (why != NULL) {
        es_fail_text(err, err_size, rc, "%s: %s", field, why);
        goto out;
    }
    *out = addr;
    return ENGSCHED_OK;
out:
    es_free(addr);
    return rc;
}

/* libical 3.0 flags an empty value ("LOCATION:", as Google and Outlook
 * send it) with "No value for LOCATION property. Removing entire
 * property" although RFC 5545 allows empty TEXT; such a property is
 * dropped and the reply is fine, unless it is one read here. */
static int harmless_error(const char *why)
{
    static const char prefix[] = "No value for ";
    static const char *const read_here[] = {"UID",     "SEQUENCE",  "ATTENDEE",
                                            "DTSTAMP", "ORGANIZER", "METHOD"};
    if (strncmp(why, prefix, strlen(prefix)) != 0)
        return 0;
    const char *name = why + strlen(prefix);
    const char *end = strstr(name, " property. Removing entire property");
    if (end == NULL || end == name)
        return 0;
    for (size_t i = 0; i < sizeof read_here / sizeof read_here[0]; i++) {
        size_t n = strlen(read_here[i]);
        if ((size_t)(end - name) == n && strncmp(name, read_here[i], n) == 0)
            return 0;
    }
    return 1;
}

/* libical's first complaint in comp's own properties, or NULL. */
static const char *ical_error(icalcomponent *comp)
{
    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
        const char *why = icalproperty_get_xlicerror(p);
        if (why == NULL)
            return "unknown error";
        if (!harmless_error(why))
            return why;
    }
    return NULL;
}

/* The same for the VEVENT and the components it holds (VALARM). */
static const char *vevent_error(icalcomponent *vevent)
{
    const char *why = ical_error(vevent);
    for (icalcomponent *sub = icalcomponent_get_first_component(vevent, ICAL_ANY_COMPONENT);
         why == NULL && sub != NULL;
         sub = icalcomponent_get_next_component(vevent, ICAL_ANY_COMPONENT))
        why = ical_error(sub);
    return why;
}

/* The one property of kind, NULL when absent; EINVAL when repeated. */
static engsched_rc single(icalcomponent *comp, icalproperty_kind kind, const char *field,
                          icalproperty **out, char *err, size_t err_size)
{
    *out = NULL;
    int n = icalcomponent_count_properties(comp, kind);
    if (n > 1)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "%s: %d times, at most once allowed",
                            field, n);
    *out = icalcomponent_get_first_property(comp, kind);
    return ENGSCHED_OK;
}

static engsched_rc read_uid(icalcomponent *vevent, es_ics_reply *r, char *err, size_t err_size)
{
    icalproperty *p = NULL;
    engsched_rc rc = single(vevent, ICAL_UID_PROPERTY, "uid", &p, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    const char *uid = p != NULL ? icalproperty_get_uid(p) : NULL;
    if (uid == NULL || uid[0] == '\0')
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "uid: required");
    if (strlen(uid) > REPLY_UID_MAX)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "uid: longer than %d bytes",
                            REPLY_UID_MAX);
    if (es_text_has_control(uid, ES_TEXT_LINE))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "uid: not one line of text (a control character)");
    r->uid = es_strdup(uid);
    return r->uid != NULL ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

/* libical reads SEQUENCE with atoi: text that is not a number is 0, and
 * one past INT_MAX comes back wrapped, mostly negative; what it gives is
 * all there is to check. */
static engsched_rc read_sequence(icalcomponent *vevent, es_ics_reply *r, char *err, size_t err_size)
{
    icalproperty *p = NULL;
    engsched_rc rc = single(vevent, ICAL_SEQUENCE_PROPERTY, "sequence", &p, err, err_size);
    if (rc != ENGSCHED_OK || p == NULL)
        return rc;
    int v = icalproperty_get_sequence(p);
    if (v < 0)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "sequence: %d is not in 0..%d", v,
                            INT_MAX);
    r->sequence = v;
    return ENGSCHED_OK;
}

static engsched_rc read_partstat(icalproperty *attendee, es_ics_reply *r, char *err,
                                 size_t err_size)
{
    icalparameter *param = icalproperty_get_first_parameter(attendee, ICAL_PARTSTAT_PARAMETER);
    if (param == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "partstat: absent (ACCEPTED, DECLINED or TENTATIVE expected)");
    switch (icalparameter_get_partstat(param)) {
    case ICAL_PARTSTAT_ACCEPTED:
        r->partstat = ES_PARTSTAT_ACCEPTED;
        return ENGSCHED_OK;
    case ICAL_PARTSTAT_DECLINED:
        r->partstat = ES_PARTSTAT_DECLINED;
        return ENGSCHED_OK;
    case ICAL_PARTSTAT_TENTATIVE:
        r->partstat = ES_PARTSTAT_TENTATIVE;
        return ENGSCHED_OK;
    default:
        break;
    }
    /* "PARTSTAT=NEEDS-ACTION" as libical writes it. */
    const char *text = icalparameter_as_ical_string(param);
    const char *eq = text != NULL ? strchr(text, '=') : NULL;
    return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                        "partstat: %.64s is not an answer (ACCEPTED, DECLINED or TENTATIVE)",
                        eq != NULL ? eq + 1 : "?");
}

static engsched_rc read_attendee(icalcomponent *vevent, es_ics_reply *r, char *err, size_t err_size)
{
    int n = icalcomponent_count_properties(vevent, ICAL_ATTENDEE_PROPERTY);
    if (n != 1)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "attendee: %d, a REPLY has exactly one",
                            n);
    icalproperty *p = icalcomponent_get_first_property(vevent, ICAL_ATTENDEE_PROPERTY);
    engsched_rc rc =
        mailto_address("attendee", icalproperty_get_attendee(p), &r->attendee_email, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    return read_partstat(p, r, err, err_size);
}

static engsched_rc read_organizer(icalcomponent *vevent, es_ics_reply *r, char *err,
                                  size_t err_size)
{
    icalproperty *p = NULL;
    engsched_rc rc = single(vevent, ICAL_ORGANIZER_PROPERTY, "organizer", &p, err, err_size);
    if (rc != ENGSCHED_OK || p == NULL)
        return rc;
    return mailto_address("organizer", icalproperty_get_organizer(p), &r->organizer_email, err,
                          err_size);
}

/* DTSTAMP is UTC (RFC 5545 §3.8.7.2); its seconds from the civil date, as
 * libical's icaltime_as_timet stops short of the years the API takes. */
static engsched_rc read_dtstamp(icalcomponent *vevent, es_ics_reply *r, char *err, size_t err_size)
{
    icalproperty *p = NULL;
    engsched_rc rc = single(vevent, ICAL_DTSTAMP_PROPERTY, "dtstamp", &p, err, err_size);
    if (rc != ENGSCHED_OK || p == NULL)
        return rc;
    struct icaltimetype t = icalproperty_get_dtstamp(p);
    if (t.is_date || !icaltime_is_utc(t))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "dtstamp: not a UTC date-time");
    int32_t day;
    if (!es_date_from_civil(t.year, t.month, t.day, &day) || t.hour < 0 || t.hour > 23 ||
        t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 60)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "dtstamp: out of range");
    r->dtstamp = (int64_t)day * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
    return ENGSCHED_OK;
}

static engsched_rc read_vevent(icalcomponent *vevent, es_ics_reply *r, char *err, size_t err_size)
{
    const char *why = vevent_error(vevent);
    if (why != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "VEVENT: libical: %s", why);
    engsched_rc rc;
    if ((rc = read_uid(vevent, r, err, err_size)) != ENGSCHED_OK ||
        (rc = read_sequence(vevent, r, err, err_size)) != ENGSCHED_OK ||
        (rc = read_attendee(vevent, r, err, err_size)) != ENGSCHED_OK ||
        (rc = read_dtstamp(vevent, r, err, err_size)) != ENGSCHED_OK)
        return rc;
    return read_organizer(vevent, r, err, err_size);
}

static engsched_rc read_calendar(icalcomponent *vcal, es_ics_reply *r, char *err, size_t err_size)
{
    const char *why = ical_error(vcal);
    if (why != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "VCALENDAR: libical: %s", why);
    icalproperty *method = NULL;
    engsched_rc rc = single(vcal, ICAL_METHOD_PROPERTY, "method", &method, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    if (method == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "method: absent, not REPLY");
    if (icalproperty_get_method(method) != ICAL_METHOD_REPLY) {
        const char *name = icalproperty_get_value_as_string(method);
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "method: %.32s, not REPLY",
                            name != NULL ? name : "?");
    }
    int n = icalcomponent_count_components(vcal, ICAL_VEVENT_COMPONENT);
    if (n != 1)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "VEVENT: %d, a REPLY has exactly one",
                            n);
    return read_vevent(icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT), r, err,
                       err_size);
}

/* The one VCALENDAR of what libical parsed: itself, or the only one
 * under the XROOT that libical makes of several top-level objects. */
static icalcomponent *only_vcalendar(icalcomponent *root, int *count)
{
    *count = 0;
    if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
        *count = 1;
        return root;
    }
    if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)
        return NULL;
    *count = icalcomponent_count_components(root, ICAL_VCALENDAR_COMPONENT);
    if (*count != 1 || icalcomponent_count_components(root, ICAL_ANY_COMPONENT) != 1)
        return NULL;
    return icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
}

static engsched_rc check_text(const char *text, size_t len, char *err, size_t err_size)
{
    if (text == NULL || len == 0)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: empty");
    if (len > ES_ICS_REPLY_MAX)
        return es_fail_text(err, err_size, ENGSCHED_ETOOBIG, "text: %zu bytes, more than %d", len,
                            ES_ICS_REPLY_MAX);
    if (memchr(text, '\0', len) != NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: contains a NUL byte");
    if (!es_utf8_valid(text, len))
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: not valid UTF-8");
    if (nesting_depth(text, len) > ES_ICS_REPLY_DEPTH)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL,
                            "text: components nested deeper than %d", ES_ICS_REPLY_DEPTH);
    return ENGSCHED_OK;
}

engsched_rc es_ics_reply_parse(const char *text, size_t len, es_ics_reply *out, char *err,
                               size_t err_size)
{
    if (out == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "out: must not be NULL");
    memset(out, 0, sizeof *out);
    engsched_rc rc = check_text(text, len, err, err_size);
    if (rc != ENGSCHED_OK)
        return rc;
    /* libical's parser wants a NUL-terminated string. */
    char *copy = es_strndup(text, len);
    if (copy == NULL)
        return es_fail_text(err, err_size, ENGSCHED_ENOMEM, "out of memory");
    icalcomponent *root = icalparser_parse_string(copy);
    es_free(copy);
    if (root == NULL)
        return es_fail_text(err, err_size, ENGSCHED_EINVAL, "text: not an iCalendar object");
    int count;
    icalcomponent *vcal = only_vcalendar(root, &count);
    if (vcal == NULL)
        rc = es_fail_text(err, err_size, ENGSCHED_EINVAL,
                          "text: %d VCALENDAR objects; a REPLY is one and nothing else", count);
    else
        rc = read_calendar(vcal, out, err, err_size);
    icalcomponent_free(root);
    if (rc == ENGSCHED_ENOMEM)
        es_fail_text(err, err_size, rc, "out of memory");
    if (rc != ENGSCHED_OK)
        es_ics_reply_release(out);
    return rc;
}
