/* The benchmark's data set.
 *
 * *** THIS GENERATOR WRITES THE SQLITE STORE DIRECTLY. ***
 *
 * A million engagements through the public API, one transaction each,
 * would take far longer than the measurements, and the API has no way to
 * batch operations in one transaction yet. So the store is created and
 * its tenant settings written through the public API (engsched_open,
 * engsched_setting_set: the schema, its migrations and the built-in roles
 * are the library's own), and then every directory and engagement row is
 * inserted with the sqlite3 library, in large transactions, following
 * lib/storage_sqlite_schema.c (migration 1) column for column:
 *
 * - engagements keep the derived status consistent with their report, as
 *   engsched_status_derive() would (Pending: no report; Scheduled / In
 *   Progress: Draft, by start date against "today"; In Review: Ready for
 *   Review, In Review or Approved; Complete: Published; Canceled: with or
 *   without a report);
 * - every engagement with a report has 2–3 operators (assignments), each
 *   with its invitation state (sequence 0, or 1 and canceled for canceled
 *   engagements), as engsched_approve() would leave them;
 * - one event per engagement (engagement.requested or .created, details
 *   as the library writes them); the further events of its history are
 *   left out to keep the file small, which no measured operation reads;
 * - optional references are NULL, never 0, so the foreign keys hold
 *   (checked with PRAGMA foreign_key_check on runs up to 100,000).
 *
 * Everything the benchmark measures then goes through the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void bench_fixture_init(const bench_cfg *cfg, bench_fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->day0 = bench_day(2021, 1, 4);
    fx->today = fx->day0 + BENCH_TODAY_OFFSET;
    fx->now = (int64_t)fx->today * 86400 + 12 * 3600;
    /* The calendar month of "today". */
    char date[11];
    bench_date(fx->today, date);
    int y = atoi(date), m = atoi(date + 5);
    fx->month_first = bench_day(y, m, 1);
    fx->month_last = (m == 12 ? bench_day(y + 1, 1, 1) : bench_day(y, m + 1, 1)) - 1;
    fx->tick_target = cfg->scale / 10;
}

static const char *const first_names[] = {
    "Ada",    "Ben",    "Chloe",  "Dmitri", "Elena", "Farid",  "Grace", "Hiro",   "Ines",
    "Jonas",  "Keiko",  "Liam",   "Maya",   "Nils",  "Olga",   "Pavel", "Quinn",  "Rosa",
    "Sven",   "Tara",   "Uma",    "Victor", "Wen",   "Ximena", "Yusuf", "Zoe",    "Amir",
    "Bianca", "Carlos", "Daria",  "Emil",   "Freya", "Goran",  "Hana",  "Ivo",    "Jana",
};
static const char *const last_names[] = {
    "Abbott", "Berg",    "Costa",  "Dahl",    "Eriksen", "Fischer", "Garcia", "Horvat",
    "Ito",    "Jansen",  "Kowal",  "Lindqvist", "Moreau", "Novak",  "Okafor", "Petrov",
    "Quist",  "Rossi",   "Silva",  "Tanaka",  "Ulrich",  "Varga",   "Weber",  "Xu",
    "Young",  "Zimmer",  "Andersen", "Brandt", "Castro", "Duarte",  "Engel",  "Fontaine",
};
static const char *const client_words[] = {
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure", "Wingtip",
    "Proseware", "Lucerne",  "Margie",   "Trey",     "Woodgrove", "Alpine",  "Coho",
    "Blue Yonder", "Humongous", "Graphic", "Datum",  "Relecloud", "Fourth Coffee",
};
static const char *const client_kinds[] = {"Bank", "Insurance", "Health", "Retail", "Energy",
                                           "Logistics", "Telecom", "Software", "Media", "Foods"};
static const char *const types[] = {
    "Web application", "External network", "Internal network", "Mobile application",
    "Cloud configuration review", "Red team", "Phishing simulation", "API", "Wireless",
    "Source code review",
};
static const char *const codenames[] = {
    "Falcon", "Harbour", "Granite", "Aurora", "Juniper", "Cobalt", "Meridian", "Sable",
    "Tundra", "Beacon", "Lantern", "Orchid",  "Quartz",  "Summit", "Willow",   "Zephyr",
};
static const char *const locations[] = {"Remote", "On site", "Hybrid"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct gen {
    sqlite3 *db;
    uint64_t rng;
    sqlite3_stmt *client, *user, *access, *engagement, *report, *assignment, *invitation,
        *event, *unavailability;
    char client_names[BENCH_CLIENTS + 1][48];
} gen;

static void step(gen *g, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        bench_die("generator: %s", sqlite3_errmsg(g->db));
    sqlite3_reset(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v != 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void directory(gen *g)
{
    char key[32], name[96], email[96];
    for (int c = 1; c <= BENCH_CLIENTS; c++) {
        snprintf(g->client_names[c], sizeof g->client_names[c], "%s %s %d",
                 client_words[bench_below(&g->rng, N_OF(client_words))],
                 client_kinds[bench_below(&g->rng, N_OF(client_kinds))], c);
        snprintf(key, sizeof key, "client-%04d", c);
        sqlite3_bind_int64(g->client, 1, c);
        bind_text(g->client, 2, key);
        bind_text(g->client, 3, g->client_names[c]);
        step(g, g->client);
    }
    for (int u = 1; u <= BENCH_USERS; u++) {
        const char *first = first_names[bench_below(&g->rng, N_OF(first_names))];
        const char *last = last_names[bench_below(&g->rng, N_OF(last_names))];
        int role, flags = 0;
        if (u == BENCH_ADMIN)
            role = ENGSCHED_ROLE_ADMINISTRATOR, flags = ENGSCHED_USER_ALL_CLIENTS;
        else if (u <= BENCH_MANAGER_LAST)
            role = ENGSCHED_ROLE_MANAGER, flags = ENGSCHED_USER_ALL_CLIENTS;
        else if (u <= BENCH_OPERATOR_LAST)
            role = ENGSCHED_ROLE_OPERATOR, flags = ENGSCHED_USER_ALL_CLIENTS;
        else if (u <= BENCH_ACCOUNT_LAST)
            role = ENGSCHED_ROLE_VIEWER;
        else
            role = ENGSCHED_ROLE_CLIENT;
        snprintf(key, sizeof key, "user-%05d", u);
        snprintf(name, sizeof name, "%s %s", first, last);
        snprintf(email, sizeof email, "%s.%s.%d@bench.example", first, last, u);
        for (char *p = email; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        sqlite3_bind_int64(g->user, 1, u);
        bind_text(g->user, 2, key);
        bind_text(g->user, 3, email);
        bind_text(g->user, 4, name);
        sqlite3_bind_int64(g->user, 5, role);
        sqlite3_bind_int64(g->user, 6, flags);
        step(g, g->user);
        if (u >= BENCH_ACCOUNT_FIRST && u <= BENCH_ACCOUNT_LAST) {
            /* 100 distinct clients, spread over the range. */
            int k = u - BENCH_ACCOUNT_FIRST;
            for (int j = 0; j < BENCH_ACCOUNT_CLIENTS; j++) {
                sqlite3_bind_int64(g->access, 1, u);
                sqlite3_bind_int64(g->access, 2,
                                   (k * 7 + j * (BENCH_CLIENTS / BENCH_ACCOUNT_CLIENTS)) %
                                           BENCH_CLIENTS + 1);
                step(g, g->access);
            }
        } else if (u >= BENCH_CLIENT_USER_FIRST) {
            sqlite3_bind_int64(g->access, 1, u);
            sqlite3_bind_int64(g->access, 2, (u - BENCH_CLIENT_USER_FIRST) % BENCH_CLIENTS + 1);
            step(g, g->access);
        }
    }
}

/* The client user who requests for client c (has access to it). */
static int64_t requester_of(int64_t client)
{
    return BENCH_CLIENT_USER_FIRST + (client - 1);
}

typedef struct plan {
    int status;
    int report;         /* report status, 0 for none */
} plan;

/* A realistic mix by where the engagement lies against "today". */
static plan choose_status(gen *g, const bench_fixture *fx, int32_t start, int32_t end)
{
    uint32_t r = bench_below(&g->rng, 1000);
    plan p = {0, 0};
    if (start > fx->today) { /* future */
        if (r < 150)
            p = (plan){ENGSCHED_STATUS_PENDING, 0};
        else if (r < 180)
            p = (plan){ENGSCHED_STATUS_CANCELED, 0};
        else if (r < 200)
            p = (plan){ENGSCHED_STATUS_CANCELED, ENGSCHED_REPORT_DRAFT};
        else
            p = (plan){ENGSCHED_STATUS_SCHEDULED, ENGSCHED_REPORT_DRAFT};
    } else if (end >= fx->today) { /* under way */
        if (r < 30)
            p = (plan){ENGSCHED_STATUS_PENDING, 0};
        else if (r < 60)
            p = (plan){ENGSCHED_STATUS_CANCELED, ENGSCHED_REPORT_DRAFT};
        else if (r < 800)
            p = (plan){ENGSCHED_STATUS_IN_PROGRESS, ENGSCHED_REPORT_DRAFT};
        else
            p = (plan){ENGSCHED_STATUS_IN_REVIEW, ENGSCHED_REPORT_READY_FOR_REVIEW};
    } else if (end >= fx->today - 45) { /* just finished: reports being written */
        if (r < 100)
            p = (plan){ENGSCHED_STATUS_IN_PROGRESS, ENGSCHED_REPORT_DRAFT};
        else if (r < 500)
            p = (plan){ENGSCHED_STATUS_IN_REVIEW,
                       ENGSCHED_REPORT_READY_FOR_REVIEW + (int)bench_below(&g->rng, 3)};
        else if (r < 950)
            p = (plan){ENGSCHED_STATUS_COMPLETE, ENGSCHED_REPORT_PUBLISHED};
        else
            p = (plan){ENGSCHED_STATUS_CANCELED, ENGSCHED_REPORT_DRAFT};
    } else { /* history */
        if (r < 8)
            p = (plan){ENGSCHED_STATUS_PENDING, 0}; /* a request nobody answered */
        else if (r < 18)
            p = (plan){ENGSCHED_STATUS_IN_PROGRESS, ENGSCHED_REPORT_DRAFT};
        else if (r < 40)
            p = (plan){ENGSCHED_STATUS_IN_REVIEW,
                       ENGSCHED_REPORT_READY_FOR_REVIEW + (int)bench_below(&g->rng, 3)};
        else if (r < 70)
            p = (plan){ENGSCHED_STATUS_CANCELED, (int)bench_below(&g->rng, 2)};
        else
            p = (plan){ENGSCHED_STATUS_COMPLETE, ENGSCHED_REPORT_PUBLISHED};
    }
    return p;
}

static int version_of(plan p)
{
    switch (p.status) {
    case ENGSCHED_STATUS_PENDING:
        return 1;
    case ENGSCHED_STATUS_SCHEDULED:
        return 2;
    case ENGSCHED_STATUS_IN_PROGRESS:
        return 3;
    case ENGSCHED_STATUS_IN_REVIEW:
        return 3 + p.report - ENGSCHED_REPORT_DRAFT;
    case ENGSCHED_STATUS_COMPLETE:
        return 7;
    default:
        return p.report ? 3 : 2;
    }
}

static void engagements(gen *g, const bench_cfg *cfg, const bench_fixture *fx)
{
    char name[160], description[512], contacts[160], custom[64], details[320];
    char start_text[11], end_text[11];
    int64_t report_id = 0;
    for (long i = 0; i < cfg->scale; i++) {
        int64_t id = i + 1;
        int64_t client = 1 + bench_below(&g->rng, BENCH_CLIENTS);
        int32_t base = fx->day0 + (int32_t)((int64_t)i * BENCH_SPAN_DAYS / cfg->scale);
        int32_t start = base + (int32_t)bench_below(&g->rng, 46);
        int32_t length = 1 + (int32_t)bench_below(&g->rng, 10);
        if (bench_below(&g->rng, 3) == 0)
            length += (int32_t)bench_below(&g->rng, 11);
        int32_t end = start + length - 1;
        plan p = choose_status(g, fx, start, end);
        const char *type = types[bench_below(&g->rng, N_OF(types))];
        int64_t created = (int64_t)base * 86400 + 8 * 3600 + bench_below(&g->rng, 9 * 3600);
        int64_t updated = p.status == ENGSCHED_STATUS_PENDING
                              ? created
                              : (int64_t)(start < fx->today ? start : fx->today) * 86400 +
                                    9 * 3600 + bench_below(&g->rng, 8 * 3600);
        if (updated < created)
            updated = created;
        int64_t requested_by =
            p.status == ENGSCHED_STATUS_PENDING || p.report == 0
                ? requester_of(client)
                : BENCH_MANAGER_FIRST + bench_below(&g->rng, BENCH_MANAGER_LAST - 1);
        snprintf(name, sizeof name, "%s %s %ld", type,
                 codenames[bench_below(&g->rng, N_OF(codenames))], (long)id);
        snprintf(description, sizeof description,
                 "Scope: %s assessment for %s, covering authentication, authorisation, "
                 "session handling and data exposure. Rules of engagement agreed; testing "
                 "windows 09:00-17:00 local time.",
                 type, g->client_names[client]);
        snprintf(contacts, sizeof contacts, "Security team <security@client-%04lld.example>",
                 (long long)client);
        if (bench_below(&g->rng, 2))
            snprintf(custom, sizeof custom, "{\"po\":\"PO-%06ld\"}", (long)id);
        else
            snprintf(custom, sizeof custom, "{}");
        sqlite3_stmt *st = g->engagement;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, client);
        bind_opt(st, 3, requested_by);
        bind_text(st, 4, name);
        bind_text(st, 5, description);
        bind_text(st, 6, type);
        bind_text(st, 7, locations[bench_below(&g->rng, N_OF(locations))]);
        bind_text(st, 8, contacts);
        bind_text(st, 9, custom);
        bind_text(st, 10, p.status == ENGSCHED_STATUS_CANCELED ? "Postponed by the client" : "");
        sqlite3_bind_int64(st, 11, start);
        sqlite3_bind_int64(st, 12, end);
        sqlite3_bind_int64(st, 13, p.status);
        sqlite3_bind_int64(st, 14, version_of(p));
        sqlite3_bind_int64(st, 15, created);
        sqlite3_bind_int64(st, 16, updated);
        step(g, st);

        int64_t report = 0;
        if (p.report != 0) {
            report = ++report_id;
            sqlite3_bind_int64(g->report, 1, report);
            sqlite3_bind_int64(g->report, 2, id);
            bind_text(g->report, 3, name);
            sqlite3_bind_int64(g->report, 4, p.report);
            step(g, g->report);

            /* 2 or 3 distinct operators; the first leads. */
            int64_t ops[3];
            int count = bench_below(&g->rng, 5) < 3 ? 2 : 3;
            for (int k = 0; k < count; k++) {
                int64_t u;
                int again;
                do {
                    u = BENCH_OPERATOR_FIRST +
                        bench_below(&g->rng, BENCH_OPERATOR_LAST - BENCH_OPERATOR_FIRST + 1);
                    again = 0;
                    for (int j = 0; j < k; j++)
                        again |= ops[j] == u;
                } while (again);
                ops[k] = u;
                int canceled = p.status == ENGSCHED_STATUS_CANCELED;
                sqlite3_bind_int64(g->assignment, 1, id);
                sqlite3_bind_int64(g->assignment, 2, u);
                sqlite3_bind_int64(g->assignment, 3,
                                   k == 0 ? ENGSCHED_OPROLE_LEAD
                                          : k == 1 ? ENGSCHED_OPROLE_TESTER
                                                   : ENGSCHED_OPROLE_REVIEWER);
                bind_opt(g->assignment, 4, requested_by);
                sqlite3_bind_int64(g->assignment, 5, created + 3600);
                step(g, g->assignment);
                sqlite3_bind_int64(g->invitation, 1, id);
                sqlite3_bind_int64(g->invitation, 2, u);
                sqlite3_bind_int64(g->invitation, 3, canceled);
                sqlite3_bind_int64(g->invitation, 4, canceled);
                sqlite3_bind_int64(g->invitation, 5, canceled ? updated : created + 3600);
                step(g, g->invitation);
            }
        }

        /* The creation event, with the details the library writes
         * (compact, keys sorted). */
        int pending = p.report == 0;
        bench_date(start, start_text);
        bench_date(end, end_text);
        snprintf(details, sizeof details,
                 "{\"client\":%lld,\"end\":\"%s\",\"name\":\"%s\",\"report\":%lld,"
                 "\"start\":\"%s\"}",
                 (long long)client, end_text, name, (long long)report, start_text);
        sqlite3_stmt *ev = g->event;
        sqlite3_bind_int64(ev, 1, created);
        bind_opt(ev, 2, requested_by);
        sqlite3_bind_int64(ev, 3, id);
        bind_text(ev, 4, pending ? "engagement.requested" : "engagement.created");
        sqlite3_bind_null(ev, 5);
        sqlite3_bind_int64(ev, 6,
                           pending ? ENGSCHED_STATUS_PENDING
                                   : start <= base ? ENGSCHED_STATUS_IN_PROGRESS
                                                   : ENGSCHED_STATUS_SCHEDULED);
        bind_text(ev, 7, details);
        step(g, ev);

        if ((i + 1) % 50000 == 0) {
            if (sqlite3_exec(g->db, "COMMIT; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
                bench_die("generator: %s", sqlite3_errmsg(g->db));
            bench_log(cfg, "generated %ld engagements", i + 1);
        }
    }
}

/* About two absences a year per operator. */
static void absences(gen *g, const bench_fixture *fx)
{
    static const char *const reasons[] = {"Annual leave", "Training", "Conference",
                                          "Sick leave"};
    for (int u = BENCH_MANAGER_FIRST; u <= BENCH_OPERATOR_LAST; u++) {
        for (int k = 0; k < 10; k++) {
            int32_t start = fx->day0 + k * (BENCH_SPAN_DAYS / 10) +
                            (int32_t)bench_below(&g->rng, BENCH_SPAN_DAYS / 10 - 14);
            int32_t end = start + (int32_t)bench_below(&g->rng, 10);
            sqlite3_stmt *st = g->unavailability;
            sqlite3_bind_int64(st, 1, u);
            sqlite3_bind_int64(st, 2, start);
            sqlite3_bind_int64(st, 3, end);
            bind_text(st, 4, reasons[bench_below(&g->rng, N_OF(reasons))]);
            bind_opt(st, 5, u);
            sqlite3_bind_int64(st, 6, (int64_t)(start - 30) * 86400);
            step(g, st);
        }
    }
}

/* Schema, built-in roles and tenant settings: the library's own. */
static void create_store(const bench_cfg *cfg, const bench_fixture *fx)
{
    engsched *db = NULL;
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    if (engsched_open(cfg->db_path, &opts, &db) != ENGSCHED_OK)
        bench_die("cannot create %s: %s", cfg->db_path, engsched_open_errmsg());
    static const char *const settings[][2] = {
        {"timezone", "UTC"},
        {"organizer_email", BENCH_ORGANIZER},
        {"organizer_name", "Scheduling Desk"},
        {"uid_domain", "bench.example"},
        {"engagement_url", "https://portal.bench.example/engagements/{id}"},
        {"report_url", "https://portal.bench.example/reports/{id}"},
    };
    for (size_t i = 0; i < N_OF(settings); i++) {
        if (engsched_setting_set(db, ENGSCHED_SYSTEM, settings[i][0], settings[i][1]) !=
            ENGSCHED_OK)
            bench_die("setting %s: %s", settings[i][0], engsched_errmsg(db));
    }
    (void)fx;
    engsched_close(db);
}

static sqlite3_stmt *prep(gen *g, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
        bench_die("generator: %s: %s", sql, sqlite3_errmsg(g->db));
    return st;
}

int bench_generate(const bench_cfg *cfg, const bench_fixture *fx)
{
    create_store(cfg, fx);
    gen g;
    memset(&g, 0, sizeof g);
    g.rng = cfg->seed;
    if (sqlite3_open_v2(cfg->db_path, &g.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        bench_die("generator: cannot open %s", cfg->db_path);
    /* A large cache and no syncing while the fixture is written; the
     * generator runs in a process of its own, so neither counts in the
     * measured process. */
    bench_raw_exec(g.db, "PRAGMA cache_size = -262144; PRAGMA synchronous = OFF;"
                         " PRAGMA foreign_keys = OFF");
    g.client = prep(&g, "INSERT INTO clients(id, host_key, name) VALUES(?1, ?2, ?3)");
    g.user = prep(&g, "INSERT INTO users(id, host_key, email, display_name, role, flags)"
                      " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    g.access = prep(&g, "INSERT INTO client_access(user, client) VALUES(?1, ?2)");
    g.engagement = prep(&g, "INSERT INTO engagements(id, client, requested_by, name,"
                            " description, type, location, contacts, custom_fields,"
                            " cancel_reason, start_day, end_day, status, version, created_at,"
                            " updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                            " ?12, ?13, ?14, ?15, ?16)");
    g.report = prep(&g, "INSERT INTO reports(id, engagement, title, status)"
                        " VALUES(?1, ?2, ?3, ?4)");
    g.assignment = prep(&g, "INSERT INTO assignments(engagement, user, role, assigned_by,"
                            " assigned_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    g.invitation = prep(&g, "INSERT INTO invitations(engagement, user, sequence, canceled,"
                            " updated_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    g.event = prep(&g, "INSERT INTO events(time, actor, engagement, action, status_before,"
                       " status_after, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    g.unavailability = prep(&g, "INSERT INTO unavailability(user, start_day, end_day, reason,"
                                " created_by, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    bench_raw_exec(g.db, "BEGIN");
    directory(&g);
    absences(&g, fx);
    engagements(&g, cfg, fx);
    bench_raw_exec(g.db, "COMMIT");
    sqlite3_stmt *all[] = {g.client,  g.user,       g.access, g.engagement,    g.report,
                           g.assignment, g.invitation, g.event, g.unavailability};
    for (size_t i = 0; i < N_OF(all); i++)
        sqlite3_finalize(all[i]);
    if (cfg->scale <= 100000) {
        sqlite3_stmt *check = prep(&g, "PRAGMA foreign_key_check");
        if (sqlite3_step(check) == SQLITE_ROW)
            bench_die("generator: a foreign key does not hold in table %s",
                      (const char *)sqlite3_column_text(check, 0));
        sqlite3_finalize(check);
    }
    bench_raw_exec(g.db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(g.db);
    return 0;
}
