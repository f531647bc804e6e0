/* Views and client scoping, black-box: a viewer with access to 3 of 10
 * clients never sees a row, name or id of the other 7 in the List (every
 * tab, every page), the Calendar (366-day windows over everything), the
 * Availability view or a conflict preview. Availability shows their work
 * on the other clients as anonymous "Busy" blocks (id 0, client 0, status
 * 0: dates only) that still count toward utilisation.
 *
 * Every engagement name carries a marker "K<client>E<n>", so a leak of a
 * name shows up in any string; every id the views return is checked
 * against the engagements of the viewer's clients. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define CLIENTS 10
#define VISIBLE 3 /* the viewer's clients: 0, 1, 2 */
#define OPS 5
#define PER_CLIENT 7
#define MAX_ENG (CLIENTS * PER_CLIENT + 8)

enum { OP_A, OP_B, OP_C, OP_D, OP_E };

typedef struct eng {
    engsched_id id;
    int client;
    char name[64];
    char start[11];
    char end[11];
    engsched_status status;
    unsigned int ops; /* bit per OP_* assigned */
} eng;

typedef struct world {
    fx f;
    engsched_id client[CLIENTS];
    engsched_id op[OPS];
    engsched_id viewer; /* Manager without ALL_CLIENTS, clients 0-2 */
    eng e[MAX_ENG];
    size_t count;
    size_t special;     /* client 5, 2026-06-01..05, only OP_A */
    size_t overlap;     /* client 0, 2026-06-03..10, nobody yet */
} world;

/* Clients each operator may access (OP_D has ALL_CLIENTS). */
static const unsigned int op_clients[OPS] = {
    [OP_A] = 1u << 0 | 1u << 5,
    [OP_B] = 1u << 1 | 1u << 2 | 1u << 7 | 1u << 8,
    [OP_C] = 1u << 3 | 1u << 4,
    [OP_D] = (1u << CLIENTS) - 1,
    [OP_E] = 1u << 2,
};
static const char *const op_names[OPS] = {"Ann Able", "Bob Baker", "Cy Cole", "Di Dunn",
                                          "Ed Eve"};

static int visible_client(int c)
{
    return c < VISIBLE;
}

static size_t add(world *w, int client, int n, const char *start, const char *end,
                  unsigned int ops, int request)
{
    fx *f = &w->f;
    assert_true(w->count < MAX_ENG);
    eng *e = &w->e[w->count];
    e->client = client;
    snprintf(e->name, sizeof e->name, "Secret K%02dE%d of client %d", client, n, client);
    snprintf(e->start, sizeof e->start, "%s", start);
    snprintf(e->end, sizeof e->end, "%s", end);
    e->ops = ops;
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, e->name));
    fx_ok(f, engsched_input_set_client(in, w->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    for (int o = 0; o < OPS; o++) {
        if (ops & (1u << o))
            fx_ok(f, engsched_input_add_operator(in, w->op[o], ENGSCHED_OPROLE_TESTER));
    }
    fx_ok(f, request ? engsched_request(f->db, ENGSCHED_SYSTEM, in, &e->id)
                     : engsched_create(f->db, ENGSCHED_SYSTEM, in, &e->id));
    engsched_input_free(in);
    return w->count++;
}

static void report_to(fx *f, engsched_id id, engsched_report_status last)
{
    for (int s = ENGSCHED_REPORT_READY_FOR_REVIEW; s <= (int)last; s++)
        fx_ok(f, engsched_report_set_status(f->db, ENGSCHED_SYSTEM, id, 0,
                                            (engsched_report_status)s));
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return -1;
    fx *f = &w->f;
    fx_open(f, 0);
    static const char *const client_names[CLIENTS] = {
        "Visible Alder", "Visible Birch", "Visible Cedar", "Hidden Dogwood", "Hidden Elm",
        "Hidden Fir",    "Hidden Gum",    "Hidden Hazel",  "Hidden Ivy",    "Hidden Juniper"};
    for (int c = 0; c < CLIENTS; c++) {
        char key[32];
        snprintf(key, sizeof key, "scoping-client-%d", c);
        fx_ok(f, engsched_client_upsert(f->db, ENGSCHED_SYSTEM, key, client_names[c],
                                        &w->client[c]));
    }
    for (int o = 0; o < OPS; o++) {
        char key[32];
        snprintf(key, sizeof key, "scoping-op-%d", o);
        fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, key, NULL, op_names[o],
                                      ENGSCHED_ROLE_OPERATOR,
                                      o == OP_D ? ENGSCHED_USER_ALL_CLIENTS : 0, &w->op[o]));
        for (int c = 0; o != OP_D && c < CLIENTS; c++) {
            if (op_clients[o] & (1u << c))
                fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, w->op[o], w->client[c]));
        }
    }
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "scoping-viewer", NULL,
                                  "Vera Viewer", ENGSCHED_ROLE_MANAGER, 0, &w->viewer));
    for (int c = 0; c < VISIBLE; c++)
        fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, w->viewer, w->client[c]));

    /* Per client: one engagement in each status, operators with access on
     * all but the pending one (a request has none). Today is 2026-03-01. */
    for (int c = 0; c < CLIENTS; c++) {
        unsigned int ops = 0;
        for (int o = 0; o < OPS; o++)
            ops |= op_clients[o] & (1u << c) ? 1u << o : 0;
        size_t i;
        i = add(w, c, 0, "2026-04-01", "2026-04-05", 0, 1);
        w->e[i].status = ENGSCHED_STATUS_PENDING;
        i = add(w, c, 1, "2026-05-04", "2026-05-08", ops, 0);
        w->e[i].status = ENGSCHED_STATUS_SCHEDULED;
        i = add(w, c, 2, "2026-02-20", "2026-03-10", ops, 0);
        w->e[i].status = ENGSCHED_STATUS_IN_PROGRESS;
        i = add(w, c, 3, "2026-01-05", "2026-01-09", ops, 0);
        report_to(f, w->e[i].id, ENGSCHED_REPORT_IN_REVIEW);
        w->e[i].status = ENGSCHED_STATUS_IN_REVIEW;
        i = add(w, c, 4, "2025-06-02", "2025-06-06", ops, 0);
        report_to(f, w->e[i].id, ENGSCHED_REPORT_PUBLISHED);
        w->e[i].status = ENGSCHED_STATUS_COMPLETE;
        i = add(w, c, 5, "2026-07-01", "2026-07-03", ops, 0);
        fx_ok(f, engsched_cancel(f->db, ENGSCHED_SYSTEM, w->e[i].id, 0, "scoping"));
        w->e[i].status = ENGSCHED_STATUS_CANCELED;
        i = add(w, c, 6, "2027-09-01", "2027-09-30", ops, 0);
        w->e[i].status = ENGSCHED_STATUS_SCHEDULED;
    }
    /* Ann's only work in the first half of June 2026 is on a hidden
     * client: Monday to Friday of the first week. */
    w->special = add(w, 5, 7, "2026-06-01", "2026-06-05", 1u << OP_A, 0);
    w->e[w->special].status = ENGSCHED_STATUS_SCHEDULED;
    w->overlap = add(w, 0, 8, "2026-06-03", "2026-06-10", 0, 0);
    w->e[w->overlap].status = ENGSCHED_STATUS_SCHEDULED;
    for (size_t i = 0; i < w->count; i++)
        assert_int_equal(fx_status(f, w->e[i].id), w->e[i].status);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    fx_close(&w->f);
    free(w);
    return 0;
}

static eng *find(world *w, engsched_id id)
{
    for (size_t i = 0; i < w->count; i++) {
        if (w->e[i].id == id)
            return &w->e[i];
    }
    return NULL;
}

/* No marker of a hidden client's engagement, nor a hidden client's name,
 * in a string the viewer was given. */
static void assert_no_leak(const char *text, const char *where)
{
    if (text == NULL)
        return;
    for (int c = VISIBLE; c < CLIENTS; c++) {
        char marker[16];
        snprintf(marker, sizeof marker, "K%02d", c);
        if (strstr(text, marker) != NULL)
            fail_msg("%s: \"%s\" names an engagement of hidden client %d", where, text, c);
    }
    if (strstr(text, "Hidden") != NULL)
        fail_msg("%s: \"%s\" names a hidden client", where, text);
}

/* A row the viewer was shown must be an engagement of their clients,
 * shown as it is. */
static eng *assert_visible_row(world *w, engsched_id id, engsched_id client, const char *name,
                               const char *where)
{
    eng *e = find(w, id);
    if (e == NULL)
        fail_msg("%s: unknown engagement id %lld", where, (long long)id);
    if (!visible_client(e->client))
        fail_msg("%s: engagement %lld of hidden client %d", where, (long long)id, e->client);
    if (client != 0)
        assert_int_equal(client, w->client[e->client]);
    if (name != NULL)
        assert_string_equal(name, e->name);
    assert_no_leak(name, where);
    return e;
}

static void test_list_every_tab(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    unsigned char shown[MAX_ENG] = {0};
    static const engsched_tab tabs[] = {
        ENGSCHED_TAB_ALL,       ENGSCHED_TAB_PENDING,  ENGSCHED_TAB_SCHEDULED,
        ENGSCHED_TAB_IN_PROGRESS, ENGSCHED_TAB_IN_REVIEW, ENGSCHED_TAB_COMPLETE,
        ENGSCHED_TAB_CANCELED};
    for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
        for (int sort = ENGSCHED_SORT_START; sort <= ENGSCHED_SORT_UPDATED; sort++) {
            engsched_query *q = NULL;
            fx_ok(f, engsched_query_new(f->db, &q));
            fx_ok(f, engsched_query_set_statuses(q, engsched_tab_statuses(tabs[t])));
            fx_ok(f, engsched_query_set_sort(q, (engsched_sort)sort, sort % 2));
            fx_ok(f, engsched_query_set_limit(q, 4)); /* several pages */
            char token[2048] = "";
            size_t rows = 0;
            unsigned char seen[MAX_ENG] = {0};
            for (int page = 0;; page++) {
                engsched_cursor *cur = NULL;
                fx_ok(f, engsched_list(f->db, w->viewer, q, page ? token : NULL, &cur));
                int has = 0;
                for (;;) {
                    fx_ok(f, engsched_cursor_next(cur, &has));
                    if (!has)
                        break;
                    eng *e = assert_visible_row(w, engsched_cursor_id(cur),
                                                engsched_cursor_client(cur),
                                                engsched_cursor_name(cur), "list");
                    assert_int_equal(engsched_cursor_status(cur), e->status);
                    assert_true(engsched_tab_statuses(tabs[t]) & ENGSCHED_STATUS_BIT(e->status));
                    size_t i = (size_t)(e - w->e);
                    assert_int_equal(seen[i], 0);
                    seen[i] = 1;
                    shown[i] = 1;
                    rows++;
                }
                const char *next = engsched_cursor_next_token(cur);
                if (next != NULL)
                    snprintf(token, sizeof token, "%s", next);
                engsched_cursor_free(cur);
                if (next == NULL)
                    break;
            }
            /* Exactly the viewer's engagements of the tab. */
            size_t expected = 0;
            for (size_t i = 0; i < w->count; i++) {
                if (visible_client(w->e[i].client) &&
                    (engsched_tab_statuses(tabs[t]) & ENGSCHED_STATUS_BIT(w->e[i].status))) {
                    expected++;
                    assert_int_equal(seen[i], 1);
                }
            }
            assert_int_equal(rows, expected);
            assert_true(rows > 0);
            engsched_query_free(q);
        }
    }
    for (size_t i = 0; i < w->count; i++)
        assert_int_equal(shown[i], visible_client(w->e[i].client));
}

/* Filters that point at hidden things find nothing, and say nothing. */
static void test_list_filters_on_hidden_things(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    int has = 0;
    /* A hidden client: as if it did not exist. */
    for (int c = VISIBLE; c < CLIENTS; c++) {
        fx_ok(f, engsched_query_new(f->db, &q));
        fx_ok(f, engsched_query_set_client(q, w->client[c]));
        cur = NULL;
        fx_rc(f, ENGSCHED_ENOTFOUND, engsched_list(f->db, w->viewer, q, NULL, &cur));
        assert_null(cur);
        assert_no_leak(engsched_errmsg(f->db), "client filter message");
        fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2026-12-31"));
        fx_rc(f, ENGSCHED_ENOTFOUND, engsched_calendar(f->db, w->viewer, q, &cur));
        assert_null(cur);
        engsched_query_free(q);
    }
    /* The all-clients operator works everywhere: only the viewer's part. */
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_operator(q, w->op[OP_D]));
    fx_ok(f, engsched_query_set_statuses(q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                                ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED)));
    fx_ok(f, engsched_query_set_limit(q, ENGSCHED_PAGE_MAX));
    fx_ok(f, engsched_list(f->db, w->viewer, q, NULL, &cur));
    size_t rows = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        eng *e = assert_visible_row(w, engsched_cursor_id(cur), engsched_cursor_client(cur),
                                    engsched_cursor_name(cur), "operator filter");
        assert_true(e->ops & (1u << OP_D));
        rows++;
    }
    assert_int_equal(rows, VISIBLE * (PER_CLIENT - 1)); /* all but the pending ones */
    engsched_cursor_free(cur);
    /* An operator who works only for hidden clients: nothing. */
    fx_ok(f, engsched_query_set_operator(q, w->op[OP_C]));
    fx_ok(f, engsched_list(f->db, w->viewer, q, NULL, &cur));
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 0);
    assert_null(engsched_cursor_next_token(cur));
    engsched_cursor_free(cur);
    /* A hidden engagement's name: nothing. */
    fx_ok(f, engsched_query_set_operator(q, 0));
    fx_ok(f, engsched_query_set_text(q, "K05E"));
    fx_ok(f, engsched_list(f->db, w->viewer, q, NULL, &cur));
    fx_ok(f, engsched_cursor_next(cur, &has));
    assert_int_equal(has, 0);
    engsched_cursor_free(cur);
    /* Text common to every name: only the viewer's. */
    fx_ok(f, engsched_query_set_text(q, "secret"));
    fx_ok(f, engsched_list(f->db, w->viewer, q, NULL, &cur));
    rows = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        assert_visible_row(w, engsched_cursor_id(cur), engsched_cursor_client(cur),
                           engsched_cursor_name(cur), "text filter");
        rows++;
    }
    assert_int_equal(rows, VISIBLE * PER_CLIENT + 1); /* with the overlap engagement */
    engsched_cursor_free(cur);
    engsched_query_free(q);
}

static void day_text(int32_t day, char out[11])
{
    assert_int_equal(engsched_date_in_zone("UTC", (int64_t)day * FX_DAY + FX_DAY / 2, out),
                     ENGSCHED_OK);
}

#define WINDOW_FIRST 20089 /* 2025-01-01 */
#define WINDOWS 4          /* to 2028-12-31 and beyond */

static void test_calendar_windows(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    for (int with_canceled = 0; with_canceled < 2; with_canceled++) {
        unsigned char seen[MAX_ENG] = {0};
        for (int win = 0; win < WINDOWS; win++) {
            char start[11], end[11];
            day_text(WINDOW_FIRST + win * ENGSCHED_RANGE_MAX_DAYS, start);
            day_text(WINDOW_FIRST + (win + 1) * ENGSCHED_RANGE_MAX_DAYS - 1, end);
            engsched_query *q = NULL;
            engsched_cursor *cur = NULL;
            fx_ok(f, engsched_query_new(f->db, &q));
            fx_ok(f, engsched_query_set_range(q, start, end));
            if (with_canceled)
                fx_ok(f, engsched_query_set_statuses(
                             q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                                    ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED)));
            fx_ok(f, engsched_calendar(f->db, w->viewer, q, &cur));
            int has = 0;
            while (1) {
                fx_ok(f, engsched_cursor_next(cur, &has));
                if (!has)
                    break;
                eng *e = assert_visible_row(w, engsched_cursor_id(cur),
                                            engsched_cursor_client(cur),
                                            engsched_cursor_name(cur), "calendar");
                assert_true(strcmp(e->start, end) <= 0 && strcmp(e->end, start) >= 0);
                seen[e - w->e] = 1;
            }
            assert_null(engsched_cursor_next_token(cur));
            engsched_cursor_free(cur);
            engsched_query_free(q);
        }
        for (size_t i = 0; i < w->count; i++) {
            int want = visible_client(w->e[i].client) &&
                       (with_canceled || w->e[i].status != ENGSCHED_STATUS_CANCELED);
            assert_int_equal(seen[i], want);
        }
    }
}

/* Statuses that occupy an operator in the Availability view. */
static int occupies(engsched_status s)
{
    return s == ENGSCHED_STATUS_SCHEDULED || s == ENGSCHED_STATUS_IN_PROGRESS ||
           s == ENGSCHED_STATUS_IN_REVIEW || s == ENGSCHED_STATUS_COMPLETE;
}

/* Statuses that conflict with an assignment. */
static int conflicts(engsched_status s)
{
    return s == ENGSCHED_STATUS_PENDING || s == ENGSCHED_STATUS_SCHEDULED ||
           s == ENGSCHED_STATUS_IN_PROGRESS || s == ENGSCHED_STATUS_IN_REVIEW;
}

static int op_index(world *w, engsched_id user)
{
    for (int o = 0; o < OPS; o++) {
        if (w->op[o] == user)
            return o;
    }
    return -1;
}

/* A work list as the viewer sees it: every item matches one expected
 * engagement of operator o overlapping [start, end] with a status that
 * counts (skip: one not to list); named when the viewer has its client,
 * anonymous otherwise; nothing expected is missing. Returns how many
 * anonymous blocks there were. */
static size_t check_work(world *w, const engsched_work_list *list, int o, const char *start,
                         const char *end, int (*counts)(engsched_status), engsched_id skip,
                         const char *where)
{
    unsigned char matched[MAX_ENG] = {0};
    size_t anonymous = 0;
    for (size_t i = 0; i < engsched_work_list_count(list); i++) {
        engsched_work_kind kind = 0;
        engsched_id id = 0;
        const char *label = NULL, *s = NULL, *e = NULL;
        engsched_status status = 0;
        assert_int_equal(engsched_work_list_item(list, i, &kind, &id, &label, &s, &e, &status),
                         ENGSCHED_OK);
        assert_no_leak(label, where);
        assert_int_equal(kind, ENGSCHED_WORK_ENGAGEMENT); /* no unavailability here */
        eng *hit = NULL;
        if (id != 0) {
            hit = assert_visible_row(w, id, 0, label, where);
        } else {
            assert_string_equal(label, "Busy");
            anonymous++;
            for (size_t k = 0; k < w->count && hit == NULL; k++) {
                eng *c = &w->e[k];
                if (!visible_client(c->client) && !matched[k] && o >= 0 &&
                    (c->ops & (1u << o)) && strcmp(c->start, s) == 0 &&
                    strcmp(c->end, e) == 0 && counts(c->status))
                    hit = c;
            }
            if (hit == NULL)
                fail_msg("%s: anonymous block %s..%s matches no hidden engagement", where, s,
                         e);
        }
        assert_true(o >= 0 && (hit->ops & (1u << o)));
        assert_true(counts(hit->status));
        /* a Busy block carries its dates only: no status (0) to tell
         * Pending from In Review, or a colour from it */
        assert_int_equal(status, id != 0 ? hit->status : 0);
        assert_string_equal(s, hit->start);
        assert_string_equal(e, hit->end);
        assert_int_equal(matched[hit - w->e], 0);
        matched[hit - w->e] = 1;
    }
    for (size_t k = 0; o >= 0 && k < w->count; k++) {
        eng *c = &w->e[k];
        int want = (c->ops & (1u << o)) && counts(c->status) && c->id != skip &&
                   strcmp(c->start, end) <= 0 && strcmp(c->end, start) >= 0;
        if (want != matched[k])
            fail_msg("%s: %s engagement %s of operator %d", where,
                     want ? "missing" : "unexpected", c->name, o);
    }
    return anonymous;
}

static void test_availability_shows_hidden_work_as_busy(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    size_t anonymous = 0;
    for (int win = 0; win < WINDOWS; win++) {
        char start[11], end[11];
        day_text(WINDOW_FIRST + win * ENGSCHED_RANGE_MAX_DAYS, start);
        day_text(WINDOW_FIRST + (win + 1) * ENGSCHED_RANGE_MAX_DAYS - 1, end);
        engsched_availability *av = NULL;
        fx_ok(f, engsched_availability_open(f->db, w->viewer, start, end, &av));
        unsigned int listed = 0;
        int has = 0;
        char prev[256] = "";
        while (1) {
            fx_ok(f, engsched_availability_next(av, &has));
            if (!has)
                break;
            engsched_id user = engsched_availability_user(av);
            const char *name = engsched_availability_name(av);
            assert_no_leak(name, "availability operator");
            assert_true(strcmp(prev, name) <= 0);
            snprintf(prev, sizeof prev, "%s", name);
            int o = op_index(w, user);
            if (o >= 0)
                listed |= 1u << o;
            /* Others listed are the fixture's all-clients administrator
             * and manager, and the viewer: no work of theirs exists. */
            anonymous += check_work(w, engsched_availability_work(av), o, start, end, occupies,
                                    0, "availability");
            double u = engsched_availability_utilisation(av);
            assert_true(u >= 0.0 && u <= 1.0);
            /* Never an operator who shares no client with the viewer. */
            assert_true(user != w->op[OP_C] && user != f->operator1 && user != f->operator2 &&
                        user != f->outsider && user != f->client_user && user != f->viewer);
        }
        engsched_availability_free(av);
        assert_int_equal(listed, 1u << OP_A | 1u << OP_B | 1u << OP_D | 1u << OP_E);
    }
    /* Ann, Bob and Di work on hidden clients in every year. */
    assert_true(anonymous >= 10);
}

/* Ann's first half of June 2026: ten working days, five of them on the
 * hidden client's engagement, which is anonymous and still counts. */
static void test_anonymous_work_counts_toward_utilisation(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, w->viewer, "2026-06-01", "2026-06-14", &av));
    int has = 0, found = 0;
    while (engsched_availability_next(av, &has) == ENGSCHED_OK && has) {
        if (engsched_availability_user(av) != w->op[OP_A])
            continue;
        found = 1;
        assert_string_equal(engsched_availability_name(av), op_names[OP_A]);
        const engsched_work_list *list = engsched_availability_work(av);
        assert_int_equal(engsched_work_list_count(list), 1);
        engsched_id id = 1;
        const char *label = NULL, *s = NULL, *e = NULL;
        fx_ok(f, engsched_work_list_item(list, 0, NULL, &id, &label, &s, &e, NULL));
        assert_int_equal(id, 0);
        assert_string_equal(label, "Busy");
        assert_string_equal(s, "2026-06-01");
        assert_string_equal(e, "2026-06-05");
        assert_true(engsched_availability_utilisation(av) > 0.5 - 1e-9 &&
                    engsched_availability_utilisation(av) < 0.5 + 1e-9);
    }
    engsched_availability_free(av);
    assert_true(found);

    /* The same block seen by someone with the client is named. */
    fx_ok(f, engsched_availability_open(f->db, f->admin, "2026-06-01", "2026-06-14", &av));
    found = 0;
    while (engsched_availability_next(av, &has) == ENGSCHED_OK && has) {
        if (engsched_availability_user(av) != w->op[OP_A])
            continue;
        found = 1;
        engsched_id id = 0;
        const char *label = NULL;
        fx_ok(f, engsched_work_list_item(engsched_availability_work(av), 0, NULL, &id, &label,
                                         NULL, NULL, NULL));
        assert_int_equal(id, w->e[w->special].id);
        assert_string_equal(label, w->e[w->special].name);
        assert_true(engsched_availability_utilisation(av) > 0.5 - 1e-9 &&
                    engsched_availability_utilisation(av) < 0.5 + 1e-9);
    }
    engsched_availability_free(av);
    assert_true(found);
}

/* Conflict previews of every open engagement of the viewer's clients for
 * every operator who may work on it: hidden work is anonymous. */
static void test_conflicts_anonymous(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    size_t anonymous = 0, previews = 0;
    for (size_t i = 0; i < w->count; i++) {
        eng *e = &w->e[i];
        if (!visible_client(e->client) || !conflicts(e->status))
            continue;
        for (int o = 0; o < OPS; o++) {
            engsched_work_list *list = NULL;
            if (!(op_clients[o] & (1u << e->client))) {
                /* No access to the client: refused, without a word about
                 * the operator's other work. */
                fx_rc(f, ENGSCHED_EINVAL,
                      engsched_operator_conflicts(f->db, w->viewer, e->id, w->op[o], &list));
                assert_null(list);
                assert_no_leak(engsched_errmsg(f->db), "conflicts message");
                continue;
            }
            fx_ok(f, engsched_operator_conflicts(f->db, w->viewer, e->id, w->op[o], &list));
            anonymous += check_work(w, list, o, e->start, e->end, conflicts, e->id, "conflicts");
            engsched_work_list_free(list);
            previews++;
        }
    }
    assert_true(previews > 10);
    assert_true(anonymous > 0);
    /* Hidden engagements themselves: not found, in the words used for an
     * id that does not exist. */
    engsched_work_list *list = NULL;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_operator_conflicts(f->db, w->viewer,
                                                             w->e[w->special].id,
                                                             w->op[OP_A], &list));
    assert_null(list);
    assert_no_leak(engsched_errmsg(f->db), "conflicts message");
}

/* Assigning Ann to the viewer's engagement overlapping her hidden work:
 * the warning lists it as Busy; under the strict policy the refusal's
 * message gives no name either. */
static void test_assign_reports_hidden_work_as_busy(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    eng *target = &w->e[w->overlap];
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_assign(f->db, w->viewer, target->id, 0, w->op[OP_A], ENGSCHED_OPROLE_LEAD,
                          &list));
    assert_null(list);
    assert_no_leak(engsched_errmsg(f->db), "strict refusal");
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));
    fx_ok(f, engsched_assign(f->db, w->viewer, target->id, 0, w->op[OP_A], ENGSCHED_OPROLE_LEAD,
                             &list));
    assert_int_equal(check_work(w, list, OP_A, target->start, target->end, conflicts,
                                target->id, "assign"),
                     1);
    engsched_work_list_free(list);
    /* The event of the assignment names no hidden engagement either. */
    assert_no_leak(f->last_event, "assign event");
}

/* Absences are personal: the viewer, with ASSIGN and VIEW_AVAILABILITY
 * over three clients, reads and records those of the operators they may
 * see (who share a client with them, or work for all clients), and for
 * anyone else the user or the period does not exist. */
static void test_unavailability_of_unseen_users(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_work_list *list = NULL;
    engsched_id id = 0, hidden = 0;

    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_unavailability_add(f->db, w->viewer, w->op[OP_C], "2026-08-03", "2026-08-07",
                                      "Annual leave", &id));
    assert_non_null(strstr(engsched_errmsg(f->db), "not found"));
    fx_ok(f, engsched_unavailability_add(f->db, ENGSCHED_SYSTEM, w->op[OP_C], "2026-08-10",
                                         "2026-08-14", "Medical leave", &hidden));
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_unavailability_list(f->db, w->viewer, w->op[OP_C], "2026-08-01",
                                       "2026-08-31", &list));
    assert_null(list);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_remove(f->db, w->viewer, hidden));
    char expected[64];
    snprintf(expected, sizeof expected, "unavailability %lld not found", (long long)hidden);
    assert_non_null(strstr(engsched_errmsg(f->db), expected));
    assert_null(strstr(engsched_errmsg(f->db), "Medical"));
    /* Only the system's period is there, untouched. */
    fx_ok(f, engsched_unavailability_list(f->db, ENGSCHED_SYSTEM, w->op[OP_C], "2026-08-01",
                                          "2026-08-31", &list));
    assert_int_equal(engsched_work_list_count(list), 1);
    engsched_work_list_free(list);

    /* Ann shares client 0 with the viewer; Di works for every client. */
    const engsched_id seen[2] = {w->op[OP_A], w->op[OP_D]};
    for (size_t i = 0; i < 2; i++) {
        fx_ok(f, engsched_unavailability_add(f->db, w->viewer, seen[i], "2026-08-03",
                                             "2026-08-07", "Training", &id));
        fx_ok(f, engsched_unavailability_list(f->db, w->viewer, seen[i], "2026-08-01",
                                              "2026-08-31", &list));
        assert_int_equal(engsched_work_list_count(list), 1);
        engsched_work_list_free(list);
        fx_ok(f, engsched_unavailability_remove(f->db, w->viewer, id));
    }
    /* Cy, out of sight, still records and reads their own. */
    fx_ok(f, engsched_unavailability_list(f->db, w->op[OP_C], w->op[OP_C], "2026-08-01",
                                          "2026-08-31", &list));
    assert_int_equal(engsched_work_list_count(list), 1);
    engsched_work_list_free(list);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list_every_tab),
        T(test_list_filters_on_hidden_things),
        T(test_calendar_windows),
        T(test_availability_shows_hidden_work_as_busy),
        T(test_anonymous_work_counts_toward_utilisation),
        T(test_conflicts_anonymous),
        T(test_assign_reports_hidden_work_as_busy),
        T(test_unavailability_of_unseen_users),
    };
    return cmocka_run_group_tests_name("views_scoping", tests, NULL, NULL);
}
