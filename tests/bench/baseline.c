/* Baselines: the same results as the library's, by the minimal SQL a
 * person would write by hand against the same file (prepared once,
 * reused, on a connection of its own with SQLite's defaults), and the
 * same VEVENT built with bare libical. No rules, no permission checks, no
 * copies: the floor the library's figures are compared with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "bench.h"

sqlite3 *bench_raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        bench_die("cannot open %s with sqlite3", path);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

void bench_raw_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        bench_die("%s: %s", sql, err ? err : "?");
}

sqlite3_stmt *bench_raw_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        bench_die("%s: %s", sql, sqlite3_errmsg(db));
    return st;
}

int64_t bench_raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = bench_raw_prepare(db, sql);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

/* Reads every column of a row, as a view would. */
static long consume_rows(sqlite3_stmt *st)
{
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                (void)sqlite3_column_text(st, i);
            else
                (void)sqlite3_column_int64(st, i);
        }
        rows++;
    }
    if (rc != SQLITE_DONE)
        bench_die("baseline: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
    return rows;
}

/* "status = 3", "status <> 6" (every tab but Canceled) or "status IN
 * (...)", as one writes it by hand. */
static void status_sql(char *buf, size_t size, unsigned int statuses)
{
    if (statuses == 0x3eu) { /* 1–5 */
        snprintf(buf, size, "e.status <> 6");
        return;
    }
    int count = 0;
    char list[64] = "";
    for (int s = 1; s <= 6; s++) {
        if (statuses & (1u << s)) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%d", count ? ", " : "", s);
            count++;
        }
    }
    if (count == 1)
        snprintf(buf, size, "e.status = %s", list);
    else
        snprintf(buf, size, "e.status IN (%s)", list);
}

#define ROW_COLUMNS                                                                        \
    "SELECT e.id, e.client, e.name, e.start_day, e.end_day, e.status, e.version,"           \
    " e.updated_at, r.status FROM engagements AS e LEFT JOIN reports AS r"                  \
    " ON r.engagement = e.id "

long bench_list_base_count(sqlite3 *db, unsigned int statuses, int64_t user)
{
    char where[96], sql[512];
    status_sql(where, sizeof where, statuses);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM engagements AS e WHERE %s AND e.client IN"
             " (SELECT client FROM client_access WHERE user = %lld)",
             where, (long long)user);
    return (long)bench_raw_int(db, sql);
}

struct bench_list_base {
    sqlite3_stmt *first;
    sqlite3_stmt *after;
};

bench_list_base *bench_list_base_new(sqlite3 *db, unsigned int statuses)
{
    char where[96], sql[1024];
    status_sql(where, sizeof where, statuses);
    bench_list_base *b = calloc(1, sizeof *b);
    if (b == NULL)
        bench_die("out of memory");
    /* The client test is written "+e.client" as one tunes it by hand for
     * a user of 100 clients: SQLite then walks the start-date order (or
     * the status index) and stops after 50 rows, instead of reading every
     * row of the 100 clients and sorting them (a second, at 1,000,000). */
    snprintf(sql, sizeof sql,
             ROW_COLUMNS "WHERE %s AND +e.client IN (SELECT client FROM client_access"
                         " WHERE user = ?1) ORDER BY e.start_day, e.id LIMIT 50",
             where);
    b->first = bench_raw_prepare(db, sql);
    snprintf(sql, sizeof sql,
             ROW_COLUMNS "WHERE %s AND +e.client IN (SELECT client FROM client_access"
                         " WHERE user = ?1) AND (e.start_day, e.id) > (?2, ?3)"
                         " ORDER BY e.start_day, e.id LIMIT 50",
             where);
    b->after = bench_raw_prepare(db, sql);
    return b;
}

long bench_list_base_page(bench_list_base *b, int64_t user, int32_t after_start,
                          int64_t after_id)
{
    sqlite3_stmt *st = after_id != 0 ? b->after : b->first;
    sqlite3_bind_int64(st, 1, user);
    if (after_id != 0) {
        sqlite3_bind_int64(st, 2, after_start);
        sqlite3_bind_int64(st, 3, after_id);
    }
    return consume_rows(st);
}

void bench_list_base_free(bench_list_base *b)
{
    if (b == NULL)
        return;
    sqlite3_finalize(b->first);
    sqlite3_finalize(b->after);
    free(b);
}

/* Statements prepared once per connection, released by
 * bench_baseline_release() before the connection closes. */
static sqlite3 *prepared_for;
static sqlite3_stmt *calendar_st, *operators_st, *work_st, *away_st;

void bench_baseline_release(void)
{
    sqlite3_stmt *all[] = {calendar_st, operators_st, work_st, away_st};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    calendar_st = operators_st = work_st = away_st = NULL;
    prepared_for = NULL;
}

static void prepare_views(sqlite3 *db)
{
    if (prepared_for == db)
        return;
    bench_baseline_release();
    prepared_for = db;
    /* Overlap, with the lower bound on start_day that the longest
     * engagement gives (as the library's backend writes it): without it
     * SQLite reads every engagement that started before the month. */
    calendar_st = bench_raw_prepare(db, ROW_COLUMNS "WHERE e.status <> 6"
                                               " AND e.start_day <= ?2 AND e.end_day >= ?1"
                                               " AND e.start_day >= ?1 - (SELECT"
                                               " max(end_day - start_day) FROM engagements)"
                                               " ORDER BY e.start_day, e.id");
    operators_st = bench_raw_prepare(
        db, "SELECT u.id, u.display_name FROM users AS u JOIN roles AS r ON r.id = u.role"
            " WHERE (r.permissions & 3072) = 3072 ORDER BY u.display_name, u.id");
    work_st = bench_raw_prepare(
        db, "SELECT e.id, e.client, e.name, e.start_day, e.end_day, e.status"
            " FROM assignments AS a JOIN engagements AS e ON e.id = a.engagement"
            " WHERE a.user = ?1 AND e.status IN (1, 2, 3, 4, 5)"
            " AND a.start_day <= ?3 AND a.end_day >= ?2"
            " AND a.start_day >= ?2 - (SELECT max(end_day - start_day) FROM engagements)"
            " ORDER BY a.start_day, e.id");
    away_st = bench_raw_prepare(
        db, "SELECT id, reason, start_day, end_day FROM unavailability"
            " WHERE user = ?1 AND start_day <= ?3 AND end_day >= ?2"
            " ORDER BY start_day, id");
}

long bench_calendar_base(sqlite3 *db, int32_t first, int32_t last)
{
    prepare_views(db);
    sqlite3_bind_int64(calendar_st, 1, first);
    sqlite3_bind_int64(calendar_st, 2, last);
    return consume_rows(calendar_st);
}

/* The operators by name; for each, their engagements and absences in the
 * range: the rows the Availability view shows. */
long bench_availability_base(sqlite3 *db, int32_t first, int32_t last)
{
    prepare_views(db);
    sqlite3_stmt *operators = operators_st, *work = work_st, *away = away_st;
    long rows = 0;
    while (sqlite3_step(operators) == SQLITE_ROW) {
        int64_t user = sqlite3_column_int64(operators, 0);
        (void)sqlite3_column_text(operators, 1);
        sqlite3_stmt *each[] = {work, away};
        for (int k = 0; k < 2; k++) {
            sqlite3_bind_int64(each[k], 1, user);
            sqlite3_bind_int64(each[k], 2, first);
            sqlite3_bind_int64(each[k], 3, last);
            rows += consume_rows(each[k]);
        }
    }
    sqlite3_reset(operators);
    return rows;
}

/* --- invitations ---------------------------------------------------------- */

struct bench_ics_base {
    sqlite3_stmt *fetch;
    int64_t now;
    char organizer[128], organizer_name[128], domain[128], engagement_url[256],
        report_url[256];
    /* the last fetched row */
    char name[256], client[128], email[128], display[128];
    int32_t start, end;
    int64_t sequence, report;
    int canceled;
};

static void setting(sqlite3 *db, const char *key, char *out, size_t size)
{
    sqlite3_stmt *st = bench_raw_prepare(db, "SELECT value FROM settings WHERE key = ?1");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

bench_ics_base *bench_ics_base_new(sqlite3 *db, int64_t now)
{
    bench_ics_base *b = calloc(1, sizeof *b);
    if (b == NULL)
        bench_die("out of memory");
    b->now = now;
    setting(db, "organizer_email", b->organizer, sizeof b->organizer);
    setting(db, "organizer_name", b->organizer_name, sizeof b->organizer_name);
    setting(db, "uid_domain", b->domain, sizeof b->domain);
    setting(db, "engagement_url", b->engagement_url, sizeof b->engagement_url);
    setting(db, "report_url", b->report_url, sizeof b->report_url);
    b->fetch = bench_raw_prepare(
        db, "SELECT e.name, e.start_day, e.end_day, c.name, u.email, u.display_name,"
            " i.sequence, i.canceled, r.id FROM invitations AS i"
            " JOIN engagements AS e ON e.id = i.engagement JOIN clients AS c ON c.id = e.client"
            " JOIN users AS u ON u.id = i.user LEFT JOIN reports AS r ON r.engagement = e.id"
            " WHERE i.engagement = ?1 AND i.user = ?2");
    return b;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(out, size, "%s", v ? (const char *)v : "");
}

static struct icaltimetype date_of(int32_t day)
{
    char text[11];
    bench_date(day, text);
    struct icaltimetype t = icaltime_null_date();
    t.year = atoi(text);
    t.month = atoi(text + 5);
    t.day = atoi(text + 8);
    t.is_date = 1;
    return t;
}

static void replace_id(const char *pattern, int64_t id, char *out, size_t size)
{
    const char *p = strstr(pattern, "{id}");
    if (p == NULL)
        snprintf(out, size, "%s", pattern);
    else
        snprintf(out, size, "%.*s%lld%s", (int)(p - pattern), pattern, (long long)id, p + 4);
}

int bench_ics_base_one(bench_ics_base *b, int64_t engagement, int64_t user, int fetch)
{
    if (fetch) {
        sqlite3_stmt *st = b->fetch;
        sqlite3_bind_int64(st, 1, engagement);
        sqlite3_bind_int64(st, 2, user);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            fprintf(stderr, "baseline: no invitation %lld/%lld\n", (long long)engagement,
                    (long long)user);
            return -1;
        }
        copy_col(st, 0, b->name, sizeof b->name);
        b->start = sqlite3_column_int(st, 1);
        b->end = sqlite3_column_int(st, 2);
        copy_col(st, 3, b->client, sizeof b->client);
        copy_col(st, 4, b->email, sizeof b->email);
        copy_col(st, 5, b->display, sizeof b->display);
        b->sequence = sqlite3_column_int64(st, 6);
        b->canceled = sqlite3_column_int(st, 7);
        b->report = sqlite3_column_int64(st, 8);
        sqlite3_reset(st);
    }
    char uid[192], summary[400], link[300], report_link[300], text[1200], start[11], end[11];
    char organizer[160], attendee[160];
    snprintf(uid, sizeof uid, "engagement-%lld-operator-%lld@%s", (long long)engagement,
             (long long)user, b->domain);
    snprintf(summary, sizeof summary, "%s: %s", b->client, b->name);
    replace_id(b->engagement_url, engagement, link, sizeof link);
    replace_id(b->report_url, b->report, report_link, sizeof report_link);
    bench_date(b->start, start);
    bench_date(b->end, end);
    snprintf(text, sizeof text, "%s for %s, %s to %s.\nEngagement: %s\nReport: %s", b->name,
             b->client, start, end, link, report_link);
    snprintf(organizer, sizeof organizer, "mailto:%s", b->organizer);
    snprintf(attendee, sizeof attendee, "mailto:%s", b->email);

    icalcomponent *cal = icalcomponent_new_vcalendar();
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//bench//baseline//EN"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_method(b->canceled ? ICAL_METHOD_CANCEL
                                                                        : ICAL_METHOD_REQUEST));
    icalcomponent *ev = icalcomponent_new_vevent();
    icalcomponent_add_property(ev, icalproperty_new_uid(uid));
    icalcomponent_add_property(ev, icalproperty_new_sequence((int)b->sequence));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
                                       (time_t)b->now, 0, icaltimezone_get_utc_timezone())));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(date_of(b->start)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(date_of(b->end + 1)));
    icalcomponent_add_property(ev, icalproperty_new_summary(summary));
    icalcomponent_add_property(ev, icalproperty_new_description(text));
    icalcomponent_add_property(ev, icalproperty_new_url(link));
    icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
    icalcomponent_add_property(ev, icalproperty_new_status(b->canceled ? ICAL_STATUS_CANCELLED
                                                                       : ICAL_STATUS_CONFIRMED));
    icalproperty *org = icalproperty_new_organizer(organizer);
    icalproperty_add_parameter(org, icalparameter_new_cn(b->organizer_name));
    icalcomponent_add_property(ev, org);
    icalproperty *att = icalproperty_new_attendee(attendee);
    icalproperty_add_parameter(att, icalparameter_new_cn(b->display));
    icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
    icalproperty_add_parameter(att, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
    icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
    icalcomponent_add_property(ev, att);
    icalcomponent_add_component(cal, ev);
    char *ics = icalcomponent_as_ical_string_r(cal);
    int ok = ics != NULL && strstr(ics, "END:VCALENDAR") != NULL;
    icalmemory_free_buffer(ics);
    icalcomponent_free(cal);
    return ok ? 0 : -1;
}

void bench_ics_base_free(bench_ics_base *b)
{
    if (b == NULL)
        return;
    sqlite3_finalize(b->fetch);
    free(b);
}

/* --- the tick ------------------------------------------------------------- */

long bench_tick_base(sqlite3 *db, int32_t day, int64_t now)
{
    sqlite3_stmt *events = bench_raw_prepare(
        db, "INSERT INTO events(time, actor, engagement, action, status_before, status_after,"
            " details) SELECT ?2, NULL, e.id, 'engagement.started', 2, 3,"
            " json_object('report', r.id) FROM engagements AS e"
            " JOIN reports AS r ON r.engagement = e.id"
            " WHERE e.status = 2 AND e.start_day <= ?1 ORDER BY e.id");
    sqlite3_stmt *update = bench_raw_prepare(
        db, "UPDATE engagements SET status = 3, version = version + 1, updated_at = ?2"
            " WHERE status = 2 AND start_day <= ?1");
    bench_raw_exec(db, "BEGIN IMMEDIATE");
    sqlite3_stmt *both[] = {events, update};
    long moved = 0;
    for (int k = 0; k < 2; k++) {
        sqlite3_bind_int64(both[k], 1, day);
        sqlite3_bind_int64(both[k], 2, now);
        if (sqlite3_step(both[k]) != SQLITE_DONE)
            bench_die("baseline tick: %s", sqlite3_errmsg(db));
        moved = sqlite3_changes(db);
    }
    bench_raw_exec(db, "COMMIT");
    sqlite3_finalize(events);
    sqlite3_finalize(update);
    return moved;
}
