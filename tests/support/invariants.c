#include "invariants.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* Most violations a report lists before it only counts. */
#define MAX_LISTED 20

typedef struct chk {
    sqlite3 *db;
    char *msg;
    size_t size;
    size_t len;
    int violations;
} chk;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void violation(chk *c, const char *fmt, ...)
{
    c->violations++;
    if (c->violations > MAX_LISTED || c->msg == NULL || c->len + 1 >= c->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->msg + c->len, c->size - c->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    c->len += (size_t)n < c->size - c->len ? (size_t)n : c->size - c->len - 1;
    if (c->len + 2 < c->size) {
        c->msg[c->len++] = '\n';
        c->msg[c->len] = '\0';
    }
}

/* Prepare or record why not; NULL on failure. */
static sqlite3_stmt *prepare(chk *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        violation(c, "cannot prepare \"%s\": %s", sql, sqlite3_errmsg(c->db));
        return NULL;
    }
    return st;
}

/* Every row a query returns is a violation, described by its columns. */
static void expect_no_rows(chk *c, const char *what, const char *sql)
{
    sqlite3_stmt *st = prepare(c, sql);
    if (st == NULL)
        return;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        char row[256] = "";
        size_t len = 0;
        for (int i = 0; i < sqlite3_column_count(st) && len + 1 < sizeof row; i++) {
            const unsigned char *text = sqlite3_column_text(st, i);
            int n = snprintf(row + len, sizeof row - len, "%s%s", i ? " " : "",
                             text ? (const char *)text : "NULL");
            if (n < 0)
                break;
            len += (size_t)n < sizeof row - len ? (size_t)n : sizeof row - len - 1;
        }
        violation(c, "%s: %s", what, row);
    }
    if (src != SQLITE_DONE)
        violation(c, "%s: %s", what, sqlite3_errmsg(c->db));
    sqlite3_finalize(st);
}

static int64_t query_int(chk *c, const char *sql, int64_t otherwise)
{
    sqlite3_stmt *st = prepare(c, sql);
    int64_t value = otherwise;
    if (st != NULL && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
}

static void check_pragmas(chk *c)
{
    sqlite3_stmt *st = prepare(c, "PRAGMA integrity_check");
    if (st != NULL) {
        int rows = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *text = (const char *)sqlite3_column_text(st, 0);
            if (rows++ > 0 || text == NULL || strcmp(text, "ok") != 0)
                violation(c, "integrity_check: %s", text ? text : "NULL");
        }
        if (rows == 0)
            violation(c, "integrity_check returned no row");
        sqlite3_finalize(st);
    }
    expect_no_rows(c, "foreign_key_check", "PRAGMA foreign_key_check");
}

static void check_orphans(chk *c)
{
    expect_no_rows(c, "report without its engagement",
                   "SELECT id, engagement FROM reports"
                   " WHERE engagement NOT IN (SELECT id FROM engagements)");
    expect_no_rows(c, "report with an invalid status",
                   "SELECT id, status FROM reports WHERE status NOT BETWEEN 1 AND 5");
    expect_no_rows(c, "assignment without its engagement",
                   "SELECT engagement, user FROM assignments"
                   " WHERE engagement NOT IN (SELECT id FROM engagements)");
    expect_no_rows(c, "file without its engagement",
                   "SELECT id, engagement FROM files"
                   " WHERE engagement NOT IN (SELECT id FROM engagements)");
    expect_no_rows(c, "file_data without its file",
                   "SELECT file FROM file_data WHERE file NOT IN (SELECT id FROM files)");
    expect_no_rows(c, "file without its bytes, or with a wrong number of them",
                   "SELECT f.id, f.size, length(d.data) FROM files AS f"
                   " LEFT JOIN file_data AS d ON d.file = f.id"
                   " WHERE d.file IS NULL OR length(d.data) != f.size");
    expect_no_rows(c, "invitation without its engagement",
                   "SELECT engagement, user FROM invitations"
                   " WHERE engagement NOT IN (SELECT id FROM engagements)");
    expect_no_rows(c, "event of an engagement that does not exist",
                   "SELECT seq, engagement FROM events WHERE engagement IS NOT NULL"
                   " AND engagement NOT IN (SELECT id FROM engagements)");
    expect_no_rows(c, "engagement with an invalid status or dates",
                   "SELECT id, status, start_day, end_day FROM engagements"
                   " WHERE status NOT BETWEEN 1 AND 6 OR end_day < start_day OR version < 1");
    expect_no_rows(c, "custom fields that are not a JSON object",
                   "SELECT id FROM engagements"
                   " WHERE NOT json_valid(custom_fields) OR json_type(custom_fields) != 'object'");
    expect_no_rows(c, "cancel reason on an engagement that is not Canceled",
                   "SELECT id, status FROM engagements WHERE cancel_reason != '' AND status != 6");
}

static void check_events(chk *c)
{
    int64_t count = query_int(c, "SELECT count(*) FROM events", 0);
    int64_t first = query_int(c, "SELECT min(seq) FROM events", 1);
    int64_t last = query_int(c, "SELECT max(seq) FROM events", 0);
    if (count > 0 && (first != 1 || last != count))
        violation(c, "event seq is not 1 … %lld without a gap: min %lld, max %lld",
                  (long long)count, (long long)first, (long long)last);
    expect_no_rows(c, "event details that are not a JSON object",
                   "SELECT seq, action FROM events"
                   " WHERE NOT json_valid(details) OR json_type(details) != 'object'");
    expect_no_rows(c, "directory event with a status",
                   "SELECT seq, action FROM events WHERE engagement IS NULL"
                   " AND (status_before IS NOT NULL OR status_after IS NOT NULL)");
    expect_no_rows(c, "engagement event without the status it left the engagement in",
                   "SELECT seq, action FROM events WHERE engagement IS NOT NULL"
                   " AND status_after NOT BETWEEN 1 AND 6");
}

static void check_invitations(chk *c)
{
    expect_no_rows(c, "invitation live although its operator is gone or the engagement "
                      "canceled, or canceled although both hold",
                   "SELECT i.engagement, i.user, i.canceled, e.status, a.user FROM invitations AS i"
                   " JOIN engagements AS e ON e.id = i.engagement"
                   " LEFT JOIN assignments AS a ON a.engagement = i.engagement"
                   " AND a.user = i.user"
                   " WHERE (i.canceled = 0) != (a.user IS NOT NULL AND e.status != 6)"
                   " OR i.sequence < 0");
    expect_no_rows(c, "operator without an invitation",
                   "SELECT a.engagement, a.user FROM assignments AS a"
                   " WHERE NOT EXISTS (SELECT 1 FROM invitations AS i"
                   " WHERE i.engagement = a.engagement AND i.user = a.user)"
                   " AND NOT EXISTS (SELECT 1 FROM events AS ev"
                   " WHERE ev.engagement = a.engagement AND ev.action = 'engagement.imported')");
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The day number of an instant in a zone, through the library's own zone
 * code (the only IANA reader the tests have); -1 on failure. */
static int local_day(const char *zone, int64_t instant, int64_t *out)
{
    char date[11];
    unsigned y, m, d;
    if (engsched_date_in_zone(zone, instant, date) != ENGSCHED_OK ||
        sscanf(date, "%4u-%2u-%2u", &y, &m, &d) != 3)
        return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

static int is_creation(const char *action)
{
    return strcmp(action, "engagement.requested") == 0 ||
           strcmp(action, "engagement.created") == 0 ||
           strcmp(action, "engagement.imported") == 0;
}

/* Whether an event records a write of the engagement row (which raises
 * its version): every engagement.* and report.* action but creation.
 * Operators and files live in their own tables. */
static int is_write(const char *action)
{
    return (strncmp(action, "engagement.", 11) == 0 && !is_creation(action)) ||
           strncmp(action, "report.", 7) == 0;
}

typedef struct engagement_row {
    int64_t id;
    int status;
    int report;   /* 0: no report */
    int64_t start_day;
    int64_t updated_at;
    int64_t version;
} engagement_row;

typedef struct history {
    int64_t creation_seq; /* 0: none */
    int imported;
    int last_status;      /* status_after of the latest event, 0 if none */
    int64_t writes;
} history;

static void read_history(chk *c, sqlite3_stmt *events, const engagement_row *e, history *h)
{
    memset(h, 0, sizeof *h);
    sqlite3_reset(events);
    sqlite3_bind_int64(events, 1, e->id);
    int n = 0, src;
    while ((src = sqlite3_step(events)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(events, 0);
        const char *action = (const char *)sqlite3_column_text(events, 1);
        int has_before = sqlite3_column_type(events, 2) != SQLITE_NULL;
        int before = sqlite3_column_int(events, 2);
        int after = sqlite3_column_int(events, 3);
        if (action == NULL)
            action = "";
        if (n == 0) {
            if (!is_creation(action) || has_before)
                violation(c, "engagement %lld: first event %lld is %s, not its creation",
                          (long long)e->id, (long long)seq, action);
            h->creation_seq = seq;
            h->imported = strcmp(action, "engagement.imported") == 0;
        } else {
            if (is_creation(action))
                violation(c, "engagement %lld: a second creation event %lld (%s)",
                          (long long)e->id, (long long)seq, action);
            if (!has_before || before != h->last_status)
                violation(c, "engagement %lld: event %lld (%s) starts from status %d, the "
                             "previous event left %d",
                          (long long)e->id, (long long)seq, action, has_before ? before : 0,
                          h->last_status);
        }
        if (is_write(action))
            h->writes++;
        h->last_status = after;
        n++;
    }
    if (src != SQLITE_DONE)
        violation(c, "reading the events of engagement %lld: %s", (long long)e->id,
                  sqlite3_errmsg(c->db));
    if (n == 0)
        violation(c, "engagement %lld has no event at all", (long long)e->id);
}

/* Scheduled / In Progress against the start day and the day of the last
 * write. With the zone unknown for some write, only what every zone
 * (UTC-12 … UTC+14) allows: the local day is the UTC day ± 1. */
static void check_start(chk *c, const engagement_row *e, const char *zone, int zone_known)
{
    int64_t lo, hi;
    if (zone_known) {
        if (local_day(zone, e->updated_at, &lo) != 0) {
            violation(c, "engagement %lld: cannot compute the day of %lld in %s",
                      (long long)e->id, (long long)e->updated_at, zone);
            return;
        }
        hi = lo;
    } else {
        int64_t utc = floor_div(e->updated_at, 86400);
        lo = utc - 1;
        hi = utc + 1;
    }
    if (e->status == ENGSCHED_STATUS_IN_PROGRESS && e->start_day > hi)
        violation(c, "engagement %lld is In Progress but starts on day %lld, after day %lld of "
                     "its last write",
                  (long long)e->id, (long long)e->start_day, (long long)hi);
    if (e->status == ENGSCHED_STATUS_SCHEDULED && e->start_day <= lo)
        violation(c, "engagement %lld is Scheduled but started on day %lld, by day %lld of "
                     "its last write",
                  (long long)e->id, (long long)e->start_day, (long long)lo);
}

static void check_engagements(chk *c)
{
    char zone[256] = "UTC";
    sqlite3_stmt *st = prepare(c, "SELECT value FROM settings WHERE key = 'timezone'");
    if (st != NULL && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(zone, sizeof zone, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    /* The zone of every write of an engagement created after this event
     * is the current one. */
    int64_t last_zone_change = query_int(
        c,
        "SELECT max(seq) FROM events WHERE action = 'settings.changed'"
        " AND json_valid(details) AND json_extract(details, '$.key') = 'timezone'",
        0);

    sqlite3_stmt *events = prepare(c, "SELECT seq, action, status_before, status_after"
                                      " FROM events WHERE engagement = ?1 ORDER BY seq");
    st = prepare(c, "SELECT e.id, e.status, coalesce(r.status, 0), e.start_day, e.updated_at,"
                    " e.version FROM engagements AS e"
                    " LEFT JOIN reports AS r ON r.engagement = e.id ORDER BY e.id");
    if (st == NULL || events == NULL) {
        sqlite3_finalize(st);
        sqlite3_finalize(events);
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        engagement_row e = {sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                            sqlite3_column_int(st, 2),   sqlite3_column_int64(st, 3),
                            sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5)};
        history h;
        read_history(c, events, &e, &h);
        if (h.last_status != 0 && h.last_status != e.status)
            violation(c, "engagement %lld is %s but its latest event left it %s",
                      (long long)e.id, engsched_status_name((engsched_status)e.status),
                      engsched_status_name((engsched_status)h.last_status));
        if (!h.imported && e.version != 1 + h.writes)
            violation(c, "engagement %lld has version %lld after %lld recorded writes",
                      (long long)e.id, (long long)e.version, (long long)h.writes);
        if (e.status == ENGSCHED_STATUS_CANCELED)
            continue;
        engsched_report_status report = (engsched_report_status)e.report;
        engsched_status not_started = engsched_status_derive(report, 0, 0);
        engsched_status started = engsched_status_derive(report, 1, 0);
        if (e.status != (int)not_started && e.status != (int)started) {
            violation(c, "engagement %lld is %s with report status %s",
                      (long long)e.id, engsched_status_name((engsched_status)e.status),
                      engsched_report_status_name(report));
            continue;
        }
        /* An import stores the status it was given, whatever the dates;
         * the dates are checked again from the first write after it. */
        if (not_started != started && (!h.imported || h.writes > 0))
            check_start(c, &e, zone, h.creation_seq > last_zone_change);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(events);
}

int fx_invariants_file(const char *path, char *msg, size_t size)
{
    chk c = {NULL, msg, size, 0, 0};
    if (msg != NULL && size > 0)
        msg[0] = '\0';
    if (sqlite3_open_v2(path, &c.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        violation(&c, "cannot open %s: %s", path, c.db ? sqlite3_errmsg(c.db) : "out of memory");
        sqlite3_close(c.db);
        return c.violations;
    }
    sqlite3_busy_timeout(c.db, 5000);
    /* One read transaction: every check sees the same committed state. */
    if (sqlite3_exec(c.db, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
        SQLITE_OK) {
        violation(&c, "cannot read %s: %s", path, sqlite3_errmsg(c.db));
    } else {
        check_pragmas(&c);
        check_orphans(&c);
        check_events(&c);
        check_engagements(&c);
        check_invitations(&c);
        sqlite3_exec(c.db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_close(c.db);
    if (c.violations > MAX_LISTED && msg != NULL && c.len + 1 < size)
        snprintf(msg + c.len, size - c.len, "… %d violations in all\n", c.violations);
    return c.violations;
}

void fx_check_invariants(fx *f)
{
    if (f->path[0] == '\0' || strcmp(f->path, ":memory:") == 0 || f->path[0] == '(')
        return; /* no file: ":memory:" or the in-memory backend's "(…)" */
    char msg[4096];
    if (fx_invariants_file(f->path, msg, sizeof msg) != 0)
        fail_msg("store %s breaks its invariants:\n%s", f->path, msg);
}

int fx_json_valid(const char *text)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int valid = 0;
    if (text != NULL && sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT json_valid(?1) AND json_type(?1) IN ('object', 'array')",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        valid = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return valid;
}

/* --- dump ------------------------------------------------------------ */

typedef struct dump {
    char *data;
    size_t len, cap;
    int oom;
} dump;

static void put(dump *d, const char *text)
{
    size_t n = strlen(text);
    if (d->oom)
        return;
    if (d->len + n + 1 > d->cap) {
        size_t cap = (d->len + n + 1) * 2;
        char *grown = realloc(d->data, cap);
        if (grown == NULL) {
            d->oom = 1;
            return;
        }
        d->data = grown;
        d->cap = cap;
    }
    memcpy(d->data + d->len, text, n + 1);
    d->len += n;
}

/* SELECT quote(c1) || '|' || … FROM t ORDER BY c1, c2, …: the rows of
 * one table in a total order, whatever its key. */
static int dump_table(sqlite3 *db, const char *table, dump *d, char *msg, size_t size)
{
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid", table);
    sqlite3_stmt *st = NULL;
    int src = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (src != SQLITE_OK)
        goto fail;
    char select[3000] = "", order[512] = "";
    size_t slen = 0, olen = 0;
    int columns = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        int n = snprintf(select + slen, sizeof select - slen, "%squote(\"%s\")",
                         columns ? " || '|' || " : "", col);
        int m = snprintf(order + olen, sizeof order - olen, "%s\"%s\"", columns ? ", " : "",
                         col);
        if (n < 0 || m < 0 || (size_t)n >= sizeof select - slen ||
            (size_t)m >= sizeof order - olen) {
            sqlite3_finalize(st);
            snprintf(msg, size, "table %s has too many columns to dump", table);
            return -1;
        }
        slen += (size_t)n;
        olen += (size_t)m;
        columns++;
    }
    sqlite3_finalize(st);
    st = NULL;
    sql = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY %s", select, table, order);
    src = sql && columns > 0 ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_ERROR;
    sqlite3_free(sql);
    if (src != SQLITE_OK)
        goto fail;
    put(d, "== ");
    put(d, table);
    put(d, "\n");
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *row = sqlite3_column_text(st, 0);
        put(d, row ? (const char *)row : "NULL");
        put(d, "\n");
    }
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return 0;
    st = NULL;
fail:
    snprintf(msg, size, "dumping %s: %s", table, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
}

char *fx_store_dump(const char *path, char *msg, size_t size)
{
    sqlite3 *db = NULL;
    dump d = {NULL, 0, 0, 0};
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(msg, size, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *tables = NULL;
    int failed = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
                 sqlite3_prepare_v2(db,
                                    "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                    " ORDER BY name",
                                    -1, &tables, NULL) != SQLITE_OK;
    if (failed)
        snprintf(msg, size, "reading %s: %s", path, sqlite3_errmsg(db));
    /* Names first: dump_table() prepares statements of its own. */
    char names[64][128];
    size_t count = 0;
    while (!failed && count < 64 && sqlite3_step(tables) == SQLITE_ROW)
        snprintf(names[count++], sizeof names[0], "%s", sqlite3_column_text(tables, 0));
    sqlite3_finalize(tables);
    put(&d, "");
    for (size_t i = 0; !failed && i < count; i++)
        failed = dump_table(db, names[i], &d, msg, size) != 0;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (d.oom && !failed) {
        snprintf(msg, size, "out of memory dumping %s", path);
        failed = 1;
    }
    if (failed) {
        free(d.data);
        return NULL;
    }
    return d.data;
}
