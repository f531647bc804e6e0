/*
 * Writes iCalendar objects (es_ics_build) and iMIP messages (es_imip_build)
 * into a directory, for parsers that do not share the library's code:
 * tests/tools/check_ics_vobject.py (python3-vobject) and
 * tests/tools/check_mail.py (Python's email package).
 *
 *   ics_samples DIR
 *
 * For every NAME.ics or NAME.eml it also writes NAME.ics.json or
 * NAME.eml.json with the inputs
 * the file was built from, so the checkers compare against the inputs and
 * not against anything this program or the library computed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "util/alloc.h"
#include "util/dates.h"
#include "calendar/ics.h"
#include "calendar/imip.h"

static const char *dir;
static int failures;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "ics_samples: %s: %s\n", what, detail);
    exit(1);
}

static void write_file(const char *name, const char *ext, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        die(path, strerror(errno));
    if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die(path, "write failed");
}

static void write_json(const char *name, const char *ext, json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (text == NULL)
        die(name, "json_dumps failed");
    write_file(name, ext, text, strlen(text));
    free(text);
    json_decref(doc);
}

static json_t *str_or_null(const char *s) { return s != NULL ? json_string(s) : json_null(); }

static int32_t day(int y, int m, int d)
{
    int32_t out;
    if (!es_date_from_civil(y, m, d, &out))
        die("date", "invalid");
    return out;
}

static json_t *date_json(int32_t d)
{
    char text[ES_DATE_LEN];
    es_date_format(d, text);
    return json_string(text);
}

static const char *method_name(es_ics_method m)
{
    return m == ES_ICS_REQUEST ? "REQUEST" : m == ES_ICS_CANCEL ? "CANCEL" : "PUBLISH";
}

/* Builds the object, writes NAME.ics and NAME.json; returns the text
 * (es_free) for use in a message. */
static char *ics_sample(const char *name, es_ics_method method, const es_ics_event *events,
                        size_t count)
{
    char *text = NULL;
    char err[256] = "";
    engsched_rc rc = es_ics_build(method, events, count, &text, err, sizeof err);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "ics_samples: %s: %s: %s\n", name, engsched_rc_name(rc), err);
        failures++;
        return NULL;
    }
    write_file(name, "ics", text, strlen(text));

    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const es_ics_event *e = &events[i];
        json_t *ev = json_object();
        json_object_set_new(ev, "uid", json_string(e->uid));
        json_object_set_new(ev, "sequence", json_integer(e->sequence));
        json_object_set_new(ev, "dtstamp", json_integer(e->dtstamp));
        json_object_set_new(ev, "start_day", date_json(e->start_day));
        json_object_set_new(ev, "end_day", date_json(e->end_day));
        json_object_set_new(ev, "summary", json_string(e->summary));
        json_object_set_new(ev, "description", str_or_null(e->description));
        json_object_set_new(ev, "url", str_or_null(e->url));
        json_object_set_new(ev, "organizer_email", str_or_null(e->organizer_email));
        json_object_set_new(ev, "organizer_name", str_or_null(e->organizer_name));
        json_object_set_new(ev, "attendee_email", str_or_null(e->attendee_email));
        json_object_set_new(ev, "attendee_name", str_or_null(e->attendee_name));
        json_object_set_new(ev, "cancelled", json_boolean(e->cancelled));
        json_array_append_new(list, ev);
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "method", json_string(method_name(method)));
    json_object_set_new(doc, "events", list);
    write_json(name, "ics.json", doc);
    return text;
}

static void eml_sample(const char *name, const es_imip_message *m)
{
    if (m->ics == NULL)
        return; /* its ics already failed */
    char *text = NULL;
    size_t len = 0;
    char err[256] = "";
    engsched_rc rc = es_imip_build(m, &text, &len, err, sizeof err);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "ics_samples: %s: %s: %s\n", name, engsched_rc_name(rc), err);
        failures++;
        return;
    }
    write_file(name, "eml", text, len);
    es_free(text);

    json_t *doc = json_object();
    json_object_set_new(doc, "from_email", json_string(m->from_email));
    json_object_set_new(doc, "from_name", str_or_null(m->from_name));
    json_object_set_new(doc, "to_email", json_string(m->to_email));
    json_object_set_new(doc, "to_name", str_or_null(m->to_name));
    json_object_set_new(doc, "subject", json_string(m->subject));
    json_object_set_new(doc, "text", json_string(m->text));
    json_object_set_new(doc, "ics", json_string(m->ics));
    json_object_set_new(doc, "method", json_string(m->method));
    json_object_set_new(doc, "date", json_integer(m->date));
    json_object_set_new(doc, "message_id", json_string(m->message_id));
    json_object_set_new(doc, "domain", json_string(m->domain));
    write_json(name, "eml.json", doc);
}

static es_ics_event base_event(void)
{
    es_ics_event ev = {
        .uid = "eng-12-user-4@sched.example.org",
        .sequence = 3,
        .dtstamp = 1700000000,
        .start_day = day(2024, 3, 4),
        .end_day = day(2024, 3, 8),
        .summary = "Acme Corp: External pentest",
        .description = "Scope: web\nEngagement: https://sched.example.org/e/12\n"
                       "Report: https://sched.example.org/r/12",
        .url = "https://sched.example.org/e/12",
        .organizer_email = "scheduler@sched.example.org",
        .organizer_name = "Scheduling Office",
        .attendee_email = "pat@example.org",
        .attendee_name = "Pat Operator",
        .cancelled = 0,
    };
    return ev;
}

static es_imip_message base_message(const char *ics)
{
    es_imip_message m = {
        .from_email = "scheduler@sched.example.org",
        .from_name = "Scheduling Office",
        .to_email = "pat@example.org",
        .to_name = "Pat Operator",
        .subject = "Invitation: Acme Corp: External pentest",
        .text = "You are invited to an engagement.\n\nhttps://sched.example.org/e/12\n",
        .ics = ics,
        .method = "REQUEST",
        .date = 1700000000,
        .message_id = "eng-12-user-4-seq-3",
        .domain = "sched.example.org",
    };
    return m;
}

static const char *const nonascii_summary =
    "Zoë Ångström AB: 外部ペネトレーションテスト（第二四半期）東京本社 😀🚀👩‍💻 "
    "Penetrationstest der Außenstelle Köln";
static const char *const nonascii_name = "Zoë Ångström 山田太郎 👩‍💻";
static const char *const evil_summary = "x\r\nATTENDEE:mailto:evil@x";
static const char *const evil_description =
    "a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\rORGANIZER:mailto:evil@x\n;,\\:\"";
static const char *const evil_name = "O'Brien, \"Pat\"; the: operator \\ (x) <evil@x>";

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(dir, strerror(errno));

    /* --- iCalendar ---------------------------------------------------- */
    es_ics_event ev = base_event();
    char *request_ascii = ics_sample("request-ascii", ES_ICS_REQUEST, &ev, 1);

    ev = base_event();
    ev.summary = nonascii_summary;
    ev.description = "Zeile eins\nZeile zwei: ✓\n二行目";
    ev.organizer_name = "Scheduling Office Zürich";
    ev.attendee_name = nonascii_name;
    char *request_nonascii = ics_sample("request-nonascii", ES_ICS_REQUEST, &ev, 1);

    ev = base_event();
    ev.uid = "uid;with,specials\\and:colon@sched.example.org";
    ev.summary = evil_summary;
    ev.description = evil_description;
    ev.organizer_name = evil_name;
    ev.attendee_name = evil_name;
    ev.attendee_email = "o'brien+cal/x@example.org";
    ev.url = "https://sched.example.org/e/12?a=1&b=%20;x,y";
    char *request_evil = ics_sample("request-adversarial", ES_ICS_REQUEST, &ev, 1);

    ev = base_event();
    ev.start_day = day(2024, 2, 28);
    ev.end_day = day(2024, 2, 29);
    es_free(ics_sample("request-leapday", ES_ICS_REQUEST, &ev, 1));
    ev.start_day = ev.end_day = day(2024, 12, 31);
    es_free(ics_sample("request-yearend", ES_ICS_REQUEST, &ev, 1));

    ev = base_event();
    ev.sequence = 4;
    ev.cancelled = 1;
    char *cancel = ics_sample("cancel", ES_ICS_CANCEL, &ev, 1);

    es_ics_event feed[3] = {base_event(), base_event(), base_event()};
    for (size_t i = 0; i < 3; i++) {
        feed[i].attendee_email = NULL;
        feed[i].attendee_name = NULL;
    }
    feed[1].uid = "eng-13@sched.example.org";
    feed[1].summary = nonascii_summary;
    feed[1].cancelled = 1;
    feed[1].start_day = day(2024, 1, 31);
    feed[1].end_day = day(2024, 2, 1);
    feed[2].uid = "eng-14@sched.example.org";
    feed[2].summary = evil_summary;
    feed[2].description = NULL;
    feed[2].url = NULL;
    feed[2].organizer_name = NULL;
    es_free(ics_sample("publish-0", ES_ICS_PUBLISH, NULL, 0));
    es_free(ics_sample("publish-1", ES_ICS_PUBLISH, feed, 1));
    es_free(ics_sample("publish-3", ES_ICS_PUBLISH, feed, 3));

    /* --- iMIP ------------------------------------------------------------- */
    es_imip_message m = base_message(request_ascii);
    eml_sample("request-ascii", &m);

    m = base_message(request_nonascii);
    m.subject = "Einladung: Zoë Ångström AB: 外部ペネトレーションテスト（第二四半期）😀🚀👩‍💻";
    m.from_name = "Scheduling Office Zürich";
    m.to_name = "株式会社山田製作所 外部ペネトレーションテスト担当 山田太郎"; /* > 1 word */
    m.text = "Grüße!\nSie sind eingeladen: 招待されました ✓\n";
    eml_sample("request-nonascii", &m);

    m = base_message(request_evil);
    m.subject = "=?UTF-8?B?ZXZpbA==?= Invitation: \"quoted\", (comment) <angle>";
    m.from_name = evil_name;
    m.to_name = "=?UTF-8?B?ZXZpbA==?=";
    m.to_email = "o'brien+cal/x@example.org";
    m.text = "--=_mix_0000000000000000\n--=_alt_0000000000000000--\nContent-Type: text/html\n";
    eml_sample("request-adversarial", &m);

    m = base_message(request_ascii);
    m.subject = "Invitation: a rather long subject line that certainly needs folding somewhere "
                "because it goes on and on past seventy-eight characters, twice over, yes";
    m.from_name = NULL;
    m.to_name = "J. R. Operator";
    m.text = "";
    eml_sample("request-long-subject", &m);

    m = base_message(cancel);
    m.method = "CANCEL";
    m.subject = "Canceled: Acme Corp: External pentest";
    m.date = 1709251199; /* 2024-02-29T23:59:59Z */
    eml_sample("cancel", &m);

    es_free(request_ascii);
    es_free(request_nonascii);
    es_free(request_evil);
    es_free(cancel);
    return failures == 0 ? 0 : 1;
}
