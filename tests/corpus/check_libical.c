/*
 * corpus_libical DIR — the story corpus through libical itself.
 *
 * Every DIR/NNN-*.ics, and the text/calendar part of every DIR/NNN-*.eml
 * (its base64 body, decoded here without the library), must parse with
 * icalparser_parse_string() into one VCALENDAR with no X-LIC-ERROR
 * property anywhere, pass icalrestriction_check() (the RFC 5546 rules of
 * its METHOD), hold as many VEVENTs as the manifest NNN-*.json expects and
 * their SUMMARY values (in any order). Exit 0 when every file passes,
 * 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L /* scandir */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libical/ical.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            char *bigger = realloc(buf, cap);
            if (bigger == NULL)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int b64(int c)
{
    const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(set, c) : NULL;
    return p ? (int)(p - set) : -1;
}

/* The decoded body of the first text/calendar part of a MIME message, or
 * NULL (with *why set). */
static char *calendar_part(const char *mail, const char **why)
{
    const char *p = mail;
    while ((p = strstr(p, "\r\nContent-Type: text/calendar")) != NULL) {
        const char *body = strstr(p, "\r\n\r\n");
        if (body == NULL)
            break;
        body += 4;
        const char *end = strstr(body, "\r\n--");
        if (end == NULL)
            break;
        char *out = malloc((size_t)(end - body) + 1);
        size_t n = 0;
        unsigned int acc = 0, bits = 0;
        for (const char *q = body; out != NULL && q < end; q++) {
            if (*q == '\r' || *q == '\n' || *q == '=')
                continue;
            int v = b64((unsigned char)*q);
            if (v < 0) {
                free(out);
                *why = "a character outside base64 in the calendar part";
                return NULL;
            }
            acc = (acc << 6) | (unsigned int)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (char)((acc >> bits) & 0xff);
            }
        }
        if (out != NULL)
            out[n] = '\0';
        return out;
    }
    *why = "no text/calendar part";
    return NULL;
}

/* X-LIC-ERROR properties in @p c and below; the first one's text into
 * @p first when it is still empty. */
static int count_errors(icalcomponent *c, char *first, size_t size)
{
    int n = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY), n++) {
        if (first[0] == '\0')
            snprintf(first, size, "%s: %s", icalcomponent_kind_to_string(icalcomponent_isa(c)),
                     icalproperty_get_xlicerror(p));
    }
    for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        n += count_errors(k, first, size);
    return n;
}

/* The expected SUMMARY values, removed one by one as they are found. */
static int take_summary(json_t *wanted, const char *got)
{
    for (size_t i = 0; i < json_array_size(wanted); i++) {
        json_t *s = json_object_get(json_object_get(json_array_get(wanted, i), "texts"), "SUMMARY");
        if (s != NULL && strcmp(json_string_value(s), got) == 0) {
            json_array_remove(wanted, i);
            return 1;
        }
    }
    return 0;
}

static int check(const char *dir, const char *name, char *why, size_t why_size)
{
    char path[4096];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *raw = slurp(path, &len);
    if (raw == NULL)
        return snprintf(why, why_size, "cannot read it"), 0;
    const char *reason = NULL;
    char *ics = raw;
    if (strcmp(name + strlen(name) - 4, ".eml") == 0) {
        ics = calendar_part(raw, &reason);
        free(raw);
        if (ics == NULL)
            return snprintf(why, why_size, "%s", reason), 0;
    }
    snprintf(path, sizeof path, "%s/%.*s.json", dir, (int)strlen(name) - 4, name);
    json_error_t jerr;
    json_t *spec = json_load_file(path, 0, &jerr);
    if (spec == NULL) {
        free(ics);
        return snprintf(why, why_size, "manifest: %s", jerr.text), 0;
    }
    int good = 0;
    icalcomponent *cal = icalparser_parse_string(ics);
    char first[512] = "";
    if (cal == NULL) {
        snprintf(why, why_size, "icalparser_parse_string: %s", icalerror_strerror(icalerrno));
    } else if (icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
        snprintf(why, why_size, "not a VCALENDAR but %s",
                 icalcomponent_kind_to_string(icalcomponent_isa(cal)));
    } else if (count_errors(cal, first, sizeof first) > 0) {
        snprintf(why, why_size, "X-LIC-ERROR after parsing: %s", first);
    } else if (icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY) == NULL) {
        snprintf(why, why_size, "no METHOD");
    } else if (!icalrestriction_check(cal) || count_errors(cal, first, sizeof first) > 0) {
        snprintf(why, why_size, "icalrestriction_check (METHOD:%s): %s",
                 icalproperty_method_to_string(icalcomponent_get_method(cal)), first);
    } else {
        json_t *wanted = json_deep_copy(json_object_get(spec, "events"));
        int events = icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT);
        int expected = (int)json_integer_value(json_object_get(spec, "expect_events"));
        const char *method = json_string_value(json_object_get(spec, "method"));
        good = 1;
        if (events != expected) {
            snprintf(why, why_size, "%d VEVENTs, the story expects %d", events, expected);
            good = 0;
        } else if (icalcomponent_get_method(cal) != icalproperty_string_to_method(method)) {
            snprintf(why, why_size, "METHOD:%s, the story expects %s",
                     icalproperty_method_to_string(icalcomponent_get_method(cal)), method);
            good = 0;
        }
        for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
             good && ev; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
            const char *summary = icalcomponent_get_summary(ev);
            if (summary == NULL || !take_summary(wanted, summary)) {
                snprintf(why, why_size, "SUMMARY %s is none the story expects",
                         summary ? summary : "(none)");
                good = 0;
            }
        }
        json_decref(wanted);
    }
    if (cal != NULL)
        icalcomponent_free(cal);
    json_decref(spec);
    free(ics);
    return good;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int corpus_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return isdigit((unsigned char)d->d_name[0]) && n > 4 &&
           (strcmp(d->d_name + n - 4, ".ics") == 0 || strcmp(d->d_name + n - 4, ".eml") == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    struct dirent **names = NULL;
    int n = scandir(argv[1], &names, corpus_file, by_name);
    if (n <= 0) {
        fprintf(stderr, "corpus_libical: no .ics or .eml files in %s\n", argv[1]);
        return 1;
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char why[1024] = "";
        icalerror_clear_errno();
        if (check(argv[1], names[i]->d_name, why, sizeof why)) {
            printf("ok   %s\n", names[i]->d_name);
        } else {
            printf("FAIL %s: %s\n", names[i]->d_name, why);
            failed++;
        }
        free(names[i]);
    }
    free(names);
    printf("%d of %d files failed\n", failed, n);
    return failed ? 1 : 0;
}
