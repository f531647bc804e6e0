/* Keyset paging of the List view, black-box, on 10,000 engagements.
 *
 * Every sort key in both directions is walked in pages of 97 while new
 * engagements are inserted and existing ones edited between the pages.
 * Every engagement that existed before a walk, and whose sort key did not
 * move, comes back exactly once; the walk is strictly monotone in
 * (key, id); inserted rows come back at most once. A scoped user's walk
 * never leaves their clients. Page tokens are opaque and bound to their
 * query and user: a forged, truncated or foreign token is EINVAL and
 * yields no cursor; a genuine one resumes on another handle too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define ROWS 10000
#define PAGE 97
/* Ids are dense from 1: the initial rows plus what the walks insert. */
#define ID_CAP 20000
/* Mutations between two pages. */
#define INSERTS_PER_PAGE 2
#define EDITS_PER_PAGE 2

/* 2024-01-01 as a day number; rows start over the next 1,500 days, so the
 * fixture's "today" (2026-03-01) leaves some Scheduled, some In Progress. */
#define FIRST_DAY 19723
#define SPAN_DAYS 1500

#define ALL_STATUSES                                                                       \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |                                          \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) |                                      \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE) |                                         \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_CANCELED))

typedef struct world {
    fx f;
    uint32_t rng;
    engsched_id max_id;                /* the newest engagement */
    unsigned char client_of[ID_CAP];   /* index into f.client */
    unsigned char editable[ID_CAP];    /* not Complete or Canceled */
    /* Per walk. */
    unsigned short seen[ID_CAP];
    unsigned char edited[ID_CAP];      /* edits during the walk */
    engsched_id before_walk;           /* rows up to this id existed before it */
    int64_t clock_step;
} world;

static world *W; /* built once for the group: 10,000 rows take seconds */

static uint32_t next_rand(world *w)
{
    w->rng = w->rng * 1103515245u + 12345u;
    return (w->rng >> 8) & 0xffffffu;
}

static void day_text(int32_t day, char out[11])
{
    assert_int_equal(engsched_date_in_zone("UTC", (int64_t)day * FX_DAY + FX_DAY / 2, out),
                     ENGSCHED_OK);
}

/* Names with many collisions (the id breaks the ties), upper and lower
 * case and multi-byte UTF-8, so byte order is exercised. */
static void name_for(uint32_t n, char *out, size_t size)
{
    static const char *const prefixes[] = {"Alpha", "alpha", "Beta", "Zulu",
                                           "Z\xc3\xbcrich", "\xc3\x85ngstr\xc3\xb6m", "Omega"};
    snprintf(out, size, "%s %u", prefixes[n % 7], (n / 7) % 53);
}

static engsched_id create(world *w, int client, uint32_t n, int request)
{
    fx *f = &w->f;
    char name[64], start[11], end[11];
    int32_t first = FIRST_DAY + (int32_t)(n * 7919u % SPAN_DAYS);
    name_for(n, name, sizeof name);
    day_text(first, start);
    day_text(first + (int32_t)(n % 10), end);
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    fx_ok(f, request ? engsched_request(f->db, ENGSCHED_SYSTEM, in, &id)
                     : engsched_create(f->db, ENGSCHED_SYSTEM, in, &id));
    engsched_input_free(in);
    assert_true(id > 0 && id < ID_CAP);
    w->client_of[id] = (unsigned char)client;
    w->editable[id] = 1;
    if (id > w->max_id)
        w->max_id = id;
    return id;
}

static void report_to(fx *f, engsched_id id, engsched_report_status last)
{
    for (int s = ENGSCHED_REPORT_READY_FOR_REVIEW; s <= (int)last; s++)
        fx_ok(f, engsched_report_set_status(f->db, ENGSCHED_SYSTEM, id, 0,
                                            (engsched_report_status)s));
}

/* 10,000 rows over three clients in every status. updated_at repeats
 * (the clock cycles through 4,000 seconds of one morning), so the
 * "last change" order has ties too. */
static int setup_world(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return -1;
    fx *f = &w->f;
    fx_open(f, 1);
    w->rng = 20260301u;
    for (uint32_t i = 0; i < ROWS; i++) {
        f->now = FX_T0 - 30000 + (int64_t)(i % 4000);
        int kind = (int)(i % 10);
        engsched_id id = create(w, (int)(i % FX_CLIENTS), i, kind == 0);
        if (kind == 1) {
            fx_ok(f, engsched_cancel(f->db, ENGSCHED_SYSTEM, id, 0, NULL));
            w->editable[id] = 0;
        } else if (kind == 2) {
            report_to(f, id, ENGSCHED_REPORT_IN_REVIEW);
        } else if (kind == 3) {
            report_to(f, id, ENGSCHED_REPORT_PUBLISHED);
            w->editable[id] = 0;
        }
    }
    assert_int_equal(w->max_id, ROWS);
    f->now = FX_T0;
    W = w;
    *state = w;
    return 0;
}

static int teardown_world(void **state)
{
    world *w = *state;
    fx_close(&w->f);
    free(w);
    W = NULL;
    return 0;
}

/* The sort key of the cursor's row compared with a previous one. */
typedef struct key {
    char text[300];
    int64_t num;
    engsched_id id;
} key;

static void key_of(const engsched_cursor *cur, engsched_sort sort, key *k)
{
    k->id = engsched_cursor_id(cur);
    k->text[0] = '\0';
    k->num = 0;
    switch (sort) {
    case ENGSCHED_SORT_START:
        snprintf(k->text, sizeof k->text, "%s", engsched_cursor_start(cur));
        break;
    case ENGSCHED_SORT_END:
        snprintf(k->text, sizeof k->text, "%s", engsched_cursor_end(cur));
        break;
    case ENGSCHED_SORT_NAME:
        snprintf(k->text, sizeof k->text, "%s", engsched_cursor_name(cur));
        break;
    case ENGSCHED_SORT_STATUS:
        k->num = engsched_cursor_status(cur);
        break;
    case ENGSCHED_SORT_UPDATED:
        k->num = engsched_cursor_updated_at(cur);
        break;
    }
}

/* <0, 0, >0 as (a.key, a.id) is before, equal to, after (b.key, b.id) in
 * ascending order. ISO dates compare as text; names in byte order. */
static int key_cmp(const key *a, const key *b)
{
    int c = strcmp(a->text, b->text);
    if (c != 0)
        return c;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static engsched_query *make_query(fx *f, engsched_sort sort, int desc)
{
    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_statuses(q, ALL_STATUSES));
    fx_ok(f, engsched_query_set_sort(q, sort, desc));
    fx_ok(f, engsched_query_set_limit(q, PAGE));
    return q;
}

/* Between pages: new rows anywhere in the order, and description edits
 * of rows already passed and rows still ahead. */
static void mutate(world *w)
{
    fx *f = &w->f;
    for (int i = 0; i < INSERTS_PER_PAGE; i++) {
        f->now = FX_T0 + ++w->clock_step;
        create(w, (int)(next_rand(w) % FX_CLIENTS), next_rand(w), 0);
    }
    for (int i = 0; i < EDITS_PER_PAGE; i++) {
        engsched_id id;
        do
            id = 1 + (engsched_id)(next_rand(w) % (uint32_t)w->max_id);
        while (!w->editable[id]);
        char text[64];
        snprintf(text, sizeof text, "edited at step %lld", (long long)w->clock_step);
        engsched_input *in = NULL;
        fx_ok(f, engsched_input_new(f->db, &in));
        fx_ok(f, engsched_input_set_description(in, text));
        f->now = FX_T0 + ++w->clock_step;
        fx_ok(f, engsched_edit(f->db, ENGSCHED_SYSTEM, id, fx_version(f, id), in));
        engsched_input_free(in);
        if (w->edited[id] < 255)
            w->edited[id]++;
    }
}

/* Walk a query to its end as actor, mutating between pages. Returns the
 * number of pages; w->seen counts each id's appearances. The sequence of
 * rows must be strictly monotone in (key, id). allowed (a mask of client
 * indexes) limits the rows the actor may see. */
static unsigned int walk(world *w, engsched_id actor, engsched_query *q, engsched_sort sort,
                         int desc, unsigned int allowed, int mutating)
{
    fx *f = &w->f;
    memset(w->seen, 0, sizeof w->seen);
    memset(w->edited, 0, sizeof w->edited);
    w->before_walk = w->max_id;
    char token[2048] = "";
    key prev, cur_key;
    int have_prev = 0;
    unsigned int pages = 0;
    for (;;) {
        engsched_cursor *cur = NULL;
        fx_ok(f, engsched_list(f->db, actor, q, pages == 0 ? NULL : token, &cur));
        pages++;
        unsigned int rows = 0;
        int has = 0;
        for (;;) {
            fx_ok(f, engsched_cursor_next(cur, &has));
            if (!has)
                break;
            rows++;
            engsched_id id = engsched_cursor_id(cur);
            assert_true(id > 0 && id <= w->max_id);
            if (!(allowed & (1u << w->client_of[id])))
                fail_msg("user %lld saw engagement %lld of client %lld", (long long)actor,
                         (long long)id, (long long)engsched_cursor_client(cur));
            assert_int_equal(engsched_cursor_client(cur), f->client[w->client_of[id]]);
            key_of(cur, sort, &cur_key);
            if (have_prev) {
                int c = key_cmp(&prev, &cur_key);
                if (desc ? c <= 0 : c >= 0)
                    fail_msg("sort %d%s: row %lld (%s/%lld) does not follow row %lld "
                             "(%s/%lld) on page %u",
                             (int)sort, desc ? " desc" : "", (long long)id, cur_key.text,
                             (long long)cur_key.num, (long long)prev.id, prev.text,
                             (long long)prev.num, pages);
            }
            prev = cur_key;
            have_prev = 1;
            w->seen[id]++;
        }
        assert_true(rows <= PAGE);
        const char *next = engsched_cursor_next_token(cur);
        if (next == NULL) {
            engsched_cursor_free(cur);
            break;
        }
        /* A token comes only with a full page. */
        assert_int_equal(rows, PAGE);
        assert_true(strlen(next) < sizeof token);
        snprintf(token, sizeof token, "%s", next);
        engsched_cursor_free(cur);
        if (mutating)
            mutate(w);
    }
    return pages;
}

/* What a walk must have returned: every row of an allowed client that
 * existed before it exactly once, except rows whose key an edit moved;
 * every row inserted during it at most once. */
static void check_walk(world *w, engsched_sort sort, unsigned int allowed)
{
    size_t expected = 0;
    for (engsched_id id = 1; id <= w->before_walk; id++) {
        if (!(allowed & (1u << w->client_of[id]))) {
            assert_int_equal(w->seen[id], 0);
            continue;
        }
        expected++;
        /* An edit sets updated_at to now: under SORT_UPDATED it moves the
         * row from where it was to the newest end of the order. A walk
         * that already passed the old position meets it again at the new
         * one (ascending; once more after each further edit, since the
         * walk is still running at the newest end); a walk that had not
         * reached it yet finds it gone from there and past already
         * (descending: possibly never). Keyset paging promises nothing
         * more for a row whose key moves during the walk, so for those
         * only "at most once per position it had" is checked. Edits under
         * the other sorts leave the key where it was. */
        if (sort == ENGSCHED_SORT_UPDATED && w->edited[id]) {
            if (w->seen[id] > w->edited[id] + 1)
                fail_msg("engagement %lld edited %u times seen %u times", (long long)id,
                         w->edited[id], w->seen[id]);
            continue;
        }
        if (w->seen[id] != 1)
            fail_msg("sort %d: engagement %lld (existing before the walk%s) seen %u times",
                     (int)sort, (long long)id, w->edited[id] ? ", edited during it" : "",
                     w->seen[id]);
    }
    assert_true(expected > 0);
    for (engsched_id id = w->before_walk + 1; id <= w->max_id; id++)
        assert_true(w->seen[id] <= 1);
}

static void test_every_sort_both_directions_exactly_once(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    for (int sort = ENGSCHED_SORT_START; sort <= ENGSCHED_SORT_UPDATED; sort++) {
        for (int desc = 0; desc < 2; desc++) {
            engsched_query *q = make_query(f, (engsched_sort)sort, desc);
            unsigned int pages =
                walk(w, f->admin, q, (engsched_sort)sort, desc, (1u << FX_CLIENTS) - 1, 1);
            engsched_query_free(q);
            /* 10,000 rows and more in pages of 97. */
            assert_true(pages >= ROWS / PAGE);
            check_walk(w, (engsched_sort)sort, (1u << FX_CLIENTS) - 1);
        }
    }
}

/* Without mutations the walk is the whole table, exactly once, and the
 * last page is the only short one. */
static void test_quiet_walk_returns_every_row(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_query *q = make_query(f, ENGSCHED_SORT_NAME, 1);
    unsigned int pages =
        walk(w, ENGSCHED_SYSTEM, q, ENGSCHED_SORT_NAME, 1, (1u << FX_CLIENTS) - 1, 0);
    engsched_query_free(q);
    size_t total = 0;
    for (engsched_id id = 1; id <= w->max_id; id++) {
        assert_int_equal(w->seen[id], 1);
        total++;
    }
    assert_int_equal(pages, (total + PAGE - 1) / PAGE);
}

/* operator1 sees clients 0 and 1, outsider client 2: rows being inserted
 * into every client meanwhile, neither ever sees another client's row,
 * and each sees all of their own. */
static void test_scoped_walk_stays_in_scope(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    struct {
        engsched_id user;
        unsigned int allowed;
        engsched_sort sort;
        int desc;
    } walks[] = {
        {f->operator1, 1u << 0 | 1u << 1, ENGSCHED_SORT_START, 0},
        {f->operator1, 1u << 0 | 1u << 1, ENGSCHED_SORT_NAME, 1},
        {f->outsider, 1u << 2, ENGSCHED_SORT_STATUS, 0},
        {f->outsider, 1u << 2, ENGSCHED_SORT_END, 1},
    };
    for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
        engsched_query *q = make_query(f, walks[i].sort, walks[i].desc);
        walk(w, walks[i].user, q, walks[i].sort, walks[i].desc, walks[i].allowed, 1);
        engsched_query_free(q);
        check_walk(w, walks[i].sort, walks[i].allowed);
    }
}

/* The first page's token of a query, copied. */
static char *first_token(fx *f, engsched_id actor, const engsched_query *q)
{
    engsched_cursor *cur = NULL;
    int has = 0;
    fx_ok(f, engsched_list(f->db, actor, q, NULL, &cur));
    do
        fx_ok(f, engsched_cursor_next(cur, &has));
    while (has);
    const char *t = engsched_cursor_next_token(cur);
    assert_non_null(t);
    char *copy = strdup(t);
    assert_non_null(copy);
    engsched_cursor_free(cur);
    return copy;
}

/* A refused token: EINVAL naming the token, and no cursor. */
static void refused(fx *f, engsched_id actor, const engsched_query *q, const char *token)
{
    engsched_cursor *cur = NULL;
    engsched_rc rc = engsched_list(f->db, actor, q, token, &cur);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("token \"%s\" gave %s, expected EINVAL", token, engsched_rc_name(rc));
    assert_null(cur);
    assert_int_equal(engsched_errcode(f->db), ENGSCHED_EINVAL);
    assert_non_null(strstr(engsched_errmsg(f->db), "token"));
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void test_forged_tokens_refused(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    /* An integer key (start) and a text key (name). */
    engsched_sort sorts[] = {ENGSCHED_SORT_START, ENGSCHED_SORT_NAME};
    for (size_t s = 0; s < 2; s++) {
        engsched_query *q = make_query(f, sorts[s], 0);
        char *token = first_token(f, f->admin, q);
        size_t len = strlen(token);
        char *forged = malloc(len + 1);
        assert_non_null(forged);
        /* Every character changed, one at a time, the prefix too; a
         * letter in the other case is not the same token either. */
        size_t flipped = 0;
        for (size_t i = 0; i < len; i++) {
            memcpy(forged, token, len + 1);
            forged[i] = forged[i] == 'A' ? 'B' : 'A';
            refused(f, f->admin, q, forged);
            if (is_letter(token[i])) {
                forged[i] = (char)(token[i] ^ 0x20);
                refused(f, f->admin, q, forged);
            }
            flipped++;
        }
        assert_true(flipped >= 48);
        /* Every truncation, the empty string included. */
        for (size_t cut = 0; cut < len; cut++) {
            memcpy(forged, token, cut);
            forged[cut] = '\0';
            refused(f, f->admin, q, forged);
        }
        /* Extended: a character more, or a field more. */
        char *longer = malloc(len + 3);
        assert_non_null(longer);
        snprintf(longer, len + 3, "%s0", token);
        refused(f, f->admin, q, longer);
        snprintf(longer, len + 3, "%s.0", token);
        refused(f, f->admin, q, longer);
        free(longer);
        free(forged);
        free(token);
        engsched_query_free(q);
    }
    /* Random text. */
    engsched_query *q = make_query(f, ENGSCHED_SORT_START, 0);
    static const char *const garbage[] = {
        "",
        "not-a-token",
        "es1.",
        "es1....",
        "es1.0000000000000000.0000000000000000.0000000000000001.0000000000000000",
        "es2.0000000000000000.0000000000000000.0000000000000001.0000000000000000",
        "ES1.0000000000000000.0000000000000000.0000000000000001.0000000000000000",
        "es1.0000000000000000.0000000000000000.-000000000000001.0000000000000000",
        "\xff\xfe\xfd",
        "es1.\n",
        "' OR 1=1 --",
    };
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        refused(f, f->admin, q, garbage[i]);
    char huge[5000];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    refused(f, f->admin, q, huge);
    memcpy(huge, "es1.", 4);
    refused(f, f->admin, q, huge);
    engsched_query_free(q);
}

/* A token only resumes the query and the user it came from. */
static void test_tokens_of_other_queries_refused(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_query *q = make_query(f, ENGSCHED_SORT_START, 0);
    char *token = first_token(f, f->admin, q);
    /* The same query accepts it. */
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_list(f->db, f->admin, q, token, &cur));
    engsched_cursor_free(cur);

    engsched_query *other = NULL;
    /* Another sort key, another direction. */
    other = make_query(f, ENGSCHED_SORT_END, 0);
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_START, 1);
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_UPDATED, 0);
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    /* Another filter: statuses, client, operator, range, text. */
    other = make_query(f, ENGSCHED_SORT_START, 0);
    fx_ok(f, engsched_query_set_statuses(other, engsched_tab_statuses(ENGSCHED_TAB_ALL)));
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_START, 0);
    fx_ok(f, engsched_query_set_client(other, f->client[0]));
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_START, 0);
    fx_ok(f, engsched_query_set_operator(other, f->operator1));
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_START, 0);
    fx_ok(f, engsched_query_set_range(other, "2024-01-01", "2030-12-31"));
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    other = make_query(f, ENGSCHED_SORT_START, 0);
    fx_ok(f, engsched_query_set_text(other, "a"));
    refused(f, f->admin, other, token);
    engsched_query_free(other);
    /* Another user with the same view of everything. */
    refused(f, f->manager, q, token);
    refused(f, ENGSCHED_SYSTEM, q, token);
    /* A scoped user cannot take over the admin's walk: the token names
     * the actor, so it is refused before any row is read. */
    refused(f, f->operator1, q, token);
    refused(f, f->outsider, q, token);
    free(token);

    /* And the other way: a scoped user's own token works for them only. */
    token = first_token(f, f->outsider, q);
    fx_ok(f, engsched_list(f->db, f->outsider, q, token, &cur));
    int has = 0;
    do {
        fx_ok(f, engsched_cursor_next(cur, &has));
        if (has)
            assert_int_equal(engsched_cursor_client(cur), f->client[2]);
    } while (has);
    engsched_cursor_free(cur);
    refused(f, f->operator1, q, token);
    refused(f, f->admin, q, token);
    free(token);
    engsched_query_free(q);
}

/* A token is plain text a host hands to a browser and gets back on the
 * next request, likely served by another handle: it resumes there, at
 * the same place. */
static void test_token_resumes_on_another_handle(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_query *q = make_query(f, ENGSCHED_SORT_NAME, 0);
    char *token = first_token(f, f->admin, q);
    /* The second page on this handle. */
    engsched_id here[PAGE];
    size_t n_here = 0;
    engsched_cursor *cur = NULL;
    int has = 0;
    fx_ok(f, engsched_list(f->db, f->admin, q, token, &cur));
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has)
        here[n_here++] = engsched_cursor_id(cur);
    engsched_cursor_free(cur);
    engsched_query_free(q);
    assert_int_equal(n_here, PAGE);

    engsched *other = NULL;
    assert_int_equal(engsched_open(f->path, NULL, &other), ENGSCHED_OK);
    engsched_query *q2 = NULL;
    assert_int_equal(engsched_query_new(other, &q2), ENGSCHED_OK);
    assert_int_equal(engsched_query_set_statuses(q2, ALL_STATUSES), ENGSCHED_OK);
    assert_int_equal(engsched_query_set_sort(q2, ENGSCHED_SORT_NAME, 0), ENGSCHED_OK);
    assert_int_equal(engsched_query_set_limit(q2, PAGE), ENGSCHED_OK);
    assert_int_equal(engsched_list(other, f->admin, q2, token, &cur), ENGSCHED_OK);
    size_t n_there = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        assert_true(n_there < n_here);
        assert_int_equal(engsched_cursor_id(cur), here[n_there]);
        n_there++;
    }
    assert_int_equal(n_there, n_here);
    engsched_cursor_free(cur);
    /* A query of the other handle is not usable on this one. */
    cur = NULL;
    assert_int_equal(engsched_list(f->db, f->admin, q2, token, &cur), ENGSCHED_EMISUSE);
    assert_null(cur);
    engsched_query_free(q2);
    assert_int_equal(engsched_close(other), ENGSCHED_OK);
    free(token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_walk_returns_every_row),
        cmocka_unit_test(test_every_sort_both_directions_exactly_once),
        cmocka_unit_test(test_scoped_walk_stays_in_scope),
        cmocka_unit_test(test_forged_tokens_refused),
        cmocka_unit_test(test_tokens_of_other_queries_refused),
        cmocka_unit_test(test_token_resumes_on_another_handle),
    };
    return cmocka_run_group_tests_name("paging", tests, setup_world, teardown_world);
}
