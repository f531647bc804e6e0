/* Capacity (engsched_capacity_open()) against a brute-force oracle: random
 * scenes of engagements on three clients (requested, approved, some
 * canceled), operators assigned on windows at shares and as holds (where
 * the backend keeps allocations), absences and a holiday; the oracle
 * recomputes every figure of every row day by day from what the test
 * itself created, for a manager of every client and for a planner of one
 * client, in weeks and in months, with and without the operator rows.
 * Then the refusals: bad options, dates and ranges, and an actor without
 * VIEW_AVAILABILITY.
 *
 * The fixture's today is Sunday 2026-03-01. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define MAX_PEOPLE 8
#define MAX_ENGAGEMENTS 18
#define MAX_ASSIGNED 2
#define MAX_ABSENCES 8
#define MEASURES 10

typedef struct person {
    engsched_id id;
    int all_clients;
    unsigned clients; /* bit per fixture client */
} person;

typedef struct staff {
    int who; /* index into people */
    int32_t from, to;
    int percent;
    int tentative;
} staff;

typedef struct engagement {
    engsched_id id;
    int client;
    int32_t start, end;
    staff staff[MAX_ASSIGNED];
    int staffed;
    engsched_status status; /* as the store derived it */
} engagement;

typedef struct absence {
    int who;
    int32_t from, to;
} absence;

typedef struct scene {
    person people[MAX_PEOPLE];
    int people_count;
    engagement e[MAX_ENGAGEMENTS];
    int e_count;
    absence away[MAX_ABSENCES];
    int away_count;
    int32_t holiday;
    engsched_id planner;
} scene;

/* The oracle's own calendar (Howard Hinnant's civil algorithms). */
static int32_t day_of(int y, int m, int d)
{
    y -= m <= 2;
    int era = y / 400, yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = z / 146097, doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static void text_of(int32_t day, char out[11])
{
    int y, m, d;
    civil(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int weekday(int32_t day) { return (int)((day % 7 + 7 + 3) % 7) + 1; }

static uint64_t rng;
static int pick(int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (int)(rng % (uint64_t)n);
}

static int can_staff(const person *p, int client)
{
    return p->all_clients || (p->clients >> client & 1);
}

static void add_person(scene *s, engsched_id id, int all_clients, unsigned clients)
{
    s->people[s->people_count++] = (person){id, all_clients, clients};
}

static void assign(fx *f, scene *s, engagement *e, int memory)
{
    int tries = 0;
    while (e->staffed < 1 + pick(MAX_ASSIGNED) && tries++ < 20) {
        int who = pick(s->people_count);
        int taken = !can_staff(&s->people[who], e->client);
        for (int k = 0; k < e->staffed; k++)
            taken |= e->staff[k].who == who;
        if (taken)
            continue;
        staff st = {who, e->start, e->end, 100, 0};
        engsched_assign_options opts = ENGSCHED_ASSIGN_OPTIONS_INIT;
        char from[11], to[11];
        if (!memory) {
            if (pick(2)) {
                st.from = e->start + pick(e->end - e->start + 1);
                st.to = st.from + pick(e->end - st.from + 1);
                text_of(st.from, from);
                text_of(st.to, to);
                opts.start = from;
                opts.end = to;
            }
            st.percent = opts.percent = 25 * (1 + pick(4));
            st.tentative = opts.tentative = pick(4) == 0;
        }
        fx_ok(f, engsched_assign_ex(f->db, f->manager, e->id, 0, s->people[who].id,
                                    ENGSCHED_OPROLE_TESTER, &opts, NULL));
        e->staff[e->staffed++] = st;
    }
}

static void stage(fx *f, scene *s)
{
    int memory = fx_backend_is_memory();
    memset(s, 0, sizeof *s);
    add_person(s, f->admin, 1, 0);
    add_person(s, f->manager, 1, 0);
    add_person(s, f->operator1, 0, 3);
    add_person(s, f->operator2, 0, 1);
    add_person(s, f->outsider, 0, 4);
    engsched_id op3 = fx_user(f, "operator3", ENGSCHED_ROLE_OPERATOR, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, op3, f->client[1]));
    add_person(s, op3, 0, 2);
    s->holiday = day_of(2026, 3, 20);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "holidays", "2026-03-20,2026-06-01"));
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Planner",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_VIEW_AVAILABILITY, &role));
    s->planner = fx_user(f, "planner", role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, s->planner, f->client[0]));
    int32_t first = day_of(2026, 3, 2);
    for (int i = 0; i < MAX_ENGAGEMENTS; i++) {
        engagement *e = &s->e[s->e_count++];
        e->client = pick(3);
        e->start = first + pick(60);
        e->end = e->start + pick(14);
        char name[32], from[11], to[11];
        snprintf(name, sizeof name, "Engagement %d", i);
        text_of(e->start, from);
        text_of(e->end, to);
        e->id = fx_request(f, f->manager, f->client[e->client], name, from, to);
        assign(f, s, e, memory);
        if (pick(2))
            fx_ok(f, engsched_approve(f->db, f->manager, e->id, 0, NULL));
        if (pick(6) == 0)
            fx_ok(f, engsched_cancel(f->db, f->manager, e->id, 0, "Dropped"));
    }
    for (int i = 0; i < MAX_ABSENCES; i++) {
        absence *a = &s->away[s->away_count++];
        a->who = pick(s->people_count);
        a->from = first + pick(60);
        a->to = a->from + pick(4);
        char from[11], to[11];
        text_of(a->from, from);
        text_of(a->to, to);
        fx_ok(f, engsched_unavailability_add(f->db, f->manager, s->people[a->who].id, from, to,
                                             "Leave", NULL));
    }
    for (int i = 0; i < s->e_count; i++)
        s->e[i].status = fx_status(f, s->e[i].id);
}

/* ---- the oracle ------------------------------------------------------ */

static int cap100(int v) { return v > 100 ? 100 : v; }

static int working(const scene *s, int32_t d) { return weekday(d) <= 5 && d != s->holiday; }

static void person_day(const scene *s, int who, int32_t d, int64_t *fig)
{
    if (!working(s, d))
        return;
    int firm = 0, held = 0, absent = 0;
    for (int i = 0; i < s->e_count; i++) {
        const engagement *e = &s->e[i];
        if (e->status == ENGSCHED_STATUS_CANCELED)
            continue;
        for (int k = 0; k < e->staffed; k++)
            if (e->staff[k].who == who && d >= e->staff[k].from && d <= e->staff[k].to)
                *(e->staff[k].tentative ? &held : &firm) += e->staff[k].percent;
    }
    for (int i = 0; i < s->away_count; i++)
        absent |= s->away[i].who == who && d >= s->away[i].from && d <= s->away[i].to;
    fig[ENGSCHED_CAPACITY_WORKING] += 100;
    if (absent) {
        fig[ENGSCHED_CAPACITY_ABSENT] += 100;
        fig[ENGSCHED_CAPACITY_OVERBOOKED] += firm;
        return;
    }
    fig[ENGSCHED_CAPACITY_AVAILABLE] += 100;
    fig[ENGSCHED_CAPACITY_FIRM] += cap100(firm);
    fig[ENGSCHED_CAPACITY_TENTATIVE] += cap100(firm + held) - cap100(firm);
    fig[ENGSCHED_CAPACITY_FREE] += 100 - cap100(firm + held);
    fig[ENGSCHED_CAPACITY_OVERBOOKED] += firm > 100 ? firm - 100 : 0;
}

static void demand_day(const scene *s, const person *viewer, int32_t d, int64_t *fig)
{
    if (!working(s, d))
        return;
    for (int i = 0; i < s->e_count; i++) {
        const engagement *e = &s->e[i];
        if ((e->status != ENGSCHED_STATUS_PENDING && e->status != ENGSCHED_STATUS_SCHEDULED) ||
            !can_staff(viewer, e->client) || d < e->start || d > e->end)
            continue;
        int firm = 0, held = 0;
        for (int k = 0; k < e->staffed; k++)
            if (d >= e->staff[k].from && d <= e->staff[k].to)
                *(e->staff[k].tentative ? &held : &firm) += e->staff[k].percent;
        fig[ENGSCHED_CAPACITY_DEMAND] += 100;
        fig[ENGSCHED_CAPACITY_UNSTAFFED] += 100 - cap100(firm);
        fig[ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS] += 100 - cap100(firm + held);
    }
}

static int32_t bucket_key(engsched_bucket kind, int32_t d)
{
    if (kind == ENGSCHED_BUCKET_WEEK)
        return d - (weekday(d) - 1);
    int y, m, dd;
    civil(d, &y, &m, &dd);
    return y * 12 + m;
}

static int sees(const person *viewer, const person *p)
{
    return viewer->all_clients || p->all_clients || (viewer->clients & p->clients) != 0;
}

/* ---- the comparison -------------------------------------------------- */

static void expect_row(const engsched_capacity *c, const int64_t *want, const char *who,
                       const char *from)
{
    for (int m = 0; m < MEASURES; m++) {
        int64_t got = engsched_capacity_value(c, (engsched_capacity_measure)m);
        if (got != want[m])
            fail_msg("%s, bucket %s: measure %d is %lld, the oracle says %lld", who, from, m,
                     (long long)got, (long long)want[m]);
    }
}

static void compare(fx *f, const scene *s, engsched_id actor, const person *viewer,
                    engsched_bucket kind, int per_operator, int32_t first, int32_t last)
{
    engsched_capacity_options opts;
    fx_ok(f, engsched_capacity_options_init(&opts, ENGSCHED_CAPACITY_OPTIONS_VERSION));
    opts.bucket = kind;
    opts.per_operator = per_operator;
    char from[11], to[11];
    text_of(first, from);
    text_of(last, to);
    engsched_capacity *c = NULL;
    fx_ok(f, engsched_capacity_open(f->db, actor, from, to, &opts, &c));
    int seen[MAX_PEOPLE] = {0}, has = 0, rows = 0;
    int32_t d = first;
    engsched_id last_user = 0;
    /* The oracle walks the same rows: person by person, bucket by bucket. */
    while (engsched_capacity_next(c, &has) == ENGSCHED_OK && has) {
        engsched_id user = engsched_capacity_user(c);
        if (user != last_user || rows == 0)
            d = first;
        last_user = user;
        int32_t b_from = d, b_to = d;
        while (b_to + 1 <= last && bucket_key(kind, b_to + 1) == bucket_key(kind, b_from))
            b_to++;
        char want_from[11], want_to[11];
        text_of(b_from, want_from);
        text_of(b_to, want_to);
        assert_string_equal(engsched_capacity_bucket_start(c), want_from);
        assert_string_equal(engsched_capacity_bucket_end(c), want_to);
        int64_t want[MEASURES] = {0};
        if (user == 0) {
            assert_null(engsched_capacity_name(c));
            for (int p = 0; p < s->people_count; p++)
                for (int32_t x = b_from; x <= b_to; x++)
                    if (sees(viewer, &s->people[p]))
                        person_day(s, p, x, want);
            for (int32_t x = b_from; x <= b_to; x++)
                demand_day(s, viewer, x, want);
            expect_row(c, want, "total", want_from);
        } else {
            assert_true(per_operator);
            int who = -1;
            for (int p = 0; p < s->people_count; p++)
                if (s->people[p].id == user)
                    who = p;
            if (who < 0 || !sees(viewer, &s->people[who]))
                fail_msg("user %lld is no operator the viewer may see", (long long)user);
            assert_non_null(engsched_capacity_name(c));
            if (b_from == first)
                assert_int_equal(seen[who]++, 0);
            for (int32_t x = b_from; x <= b_to; x++)
                person_day(s, who, x, want);
            expect_row(c, want, engsched_capacity_name(c), want_from);
        }
        d = b_to + 1;
        rows++;
    }
    assert_int_equal(has, 0);
    /* Every bucket once per operator in sight, then once in total. */
    int nb = 1;
    for (int32_t x = first + 1; x <= last; x++)
        nb += bucket_key(kind, x) != bucket_key(kind, x - 1);
    int shown = 0;
    for (int p = 0; p < s->people_count; p++) {
        shown += sees(viewer, &s->people[p]);
        if (per_operator)
            assert_int_equal(seen[p], sees(viewer, &s->people[p]));
    }
    assert_int_equal(rows, nb * (1 + (per_operator ? shown : 0)));
    assert_null(engsched_capacity_bucket_start(c));
    assert_int_equal(engsched_capacity_value(c, ENGSCHED_CAPACITY_WORKING), -1);
    engsched_capacity_free(c);
}

/* What the scenes held, so that a scene that tests nothing fails. */
static int features[5]; /* holds, windows, canceled with staff, pending, scheduled */

static void count_features(const scene *s)
{
    for (int i = 0; i < s->e_count; i++) {
        const engagement *e = &s->e[i];
        for (int k = 0; k < e->staffed; k++) {
            features[0] += e->staff[k].tentative;
            features[1] += e->staff[k].from != e->start || e->staff[k].to != e->end;
        }
        features[2] += e->status == ENGSCHED_STATUS_CANCELED && e->staffed > 0;
        features[3] += e->status == ENGSCHED_STATUS_PENDING;
        features[4] += e->status == ENGSCHED_STATUS_SCHEDULED;
    }
}

static void test_capacity_matches_the_oracle(void **state)
{
    (void)state;
    static const uint64_t seeds[] = {0x9e3779b97f4a7c15u, 42, 0xdeadbeefu};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        fx f;
        fx_open(&f, 0);
        rng = seeds[i];
        scene s;
        stage(&f, &s);
        count_features(&s);
        person manager = {f.manager, 1, 0}, planner = {s.planner, 0, 1};
        for (int kind = ENGSCHED_BUCKET_WEEK; kind <= ENGSCHED_BUCKET_MONTH; kind++)
            for (int per = 0; per <= 1; per++) {
                compare(&f, &s, f.manager, &manager, (engsched_bucket)kind, per, day_of(2026, 3, 4),
                        day_of(2026, 5, 10));
                compare(&f, &s, s.planner, &planner, (engsched_bucket)kind, per,
                        day_of(2026, 2, 25), day_of(2026, 4, 30));
            }
        fx_close(&f);
    }
    for (int k = fx_backend_is_memory() ? 2 : 0; k < 5; k++)
        if (features[k] == 0)
            fail_msg("the scenes hold no instance of feature %d", k);
}

/* More operators than one group holds (views/capacity_load.h reads 1,024
 * at a time): every operator once, their loads in the right rows, and the
 * demand counted once, not once per group. */
static void test_capacity_many_operators(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    enum { BULK = 1030 };
    engsched_id bulk[BULK];
    for (int i = 0; i < BULK; i++) {
        char key[16];
        snprintf(key, sizeof key, "bulk%04d", i);
        bulk[i] = fx_user(&f, key, ENGSCHED_ROLE_OPERATOR, 0);
        fx_ok(&f, engsched_access_grant(f.db, ENGSCHED_SYSTEM, bulk[i], f.client[0]));
    }
    /* By name: admin, bulk0000 … bulk1029, manager, operator1, operator2,
     * outsider; the first group ends inside the bulk users. */
    engsched_id e = fx_request(&f, f.manager, f.client[0], "E", "2026-03-09", "2026-03-13");
    engsched_id g = fx_request(&f, f.manager, f.client[0], "G", "2026-03-09", "2026-03-13");
    engsched_id on[3] = {bulk[1], bulk[1027], f.operator2};
    for (int i = 0; i < 3; i++)
        fx_ok(&f, engsched_assign(f.db, f.manager, i < 2 ? e : g, 0, on[i],
                                  ENGSCHED_OPROLE_TESTER, NULL));
    engsched_capacity *c = NULL;
    fx_ok(&f, engsched_capacity_open(f.db, f.manager, "2026-03-09", "2026-03-15", NULL, &c));
    int has = 0, rows = 0, totals = 0;
    int64_t firm = 0;
    while (engsched_capacity_next(c, &has) == ENGSCHED_OK && has) {
        engsched_id user = engsched_capacity_user(c);
        int64_t mine = engsched_capacity_value(c, ENGSCHED_CAPACITY_FIRM);
        if (user == 0) {
            totals++;
            assert_int_equal(engsched_capacity_value(c, ENGSCHED_CAPACITY_WORKING),
                             (BULK + 5) * 500);
            assert_int_equal(mine, 1500);
            assert_int_equal(engsched_capacity_value(c, ENGSCHED_CAPACITY_DEMAND), 1000);
            assert_int_equal(engsched_capacity_value(c, ENGSCHED_CAPACITY_UNSTAFFED), 0);
            continue;
        }
        rows++;
        int staffed = user == on[0] || user == on[1] || user == on[2];
        if (mine != (staffed ? 500 : 0))
            fail_msg("%s: firm %lld", engsched_capacity_name(c), (long long)mine);
        firm += mine;
    }
    assert_int_equal(has, 0);
    assert_int_equal(rows, BULK + 5);
    assert_int_equal(totals, 1);
    assert_int_equal(firm, 1500);
    engsched_capacity_free(c);
    fx_close(&f);
}

static void test_capacity_refuses_bad_input(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_capacity *c = NULL;
    engsched_capacity_options opts = ENGSCHED_CAPACITY_OPTIONS_INIT;
    opts.bucket = (engsched_bucket)7;
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, "2026-03-01", "2026-03-31", &opts, &c));
    assert_non_null(strstr(engsched_errmsg(f.db), "bucket"));
    opts = (engsched_capacity_options)ENGSCHED_CAPACITY_OPTIONS_INIT;
    opts.version = 99;
    fx_rc(&f, ENGSCHED_EMISUSE,
          engsched_capacity_open(f.db, f.manager, "2026-03-01", "2026-03-31", &opts, &c));
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_capacity_options_init(&opts, 99));
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_capacity_options_init(NULL, 1));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, "2026-03-31", "2026-03-01", NULL, &c));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, "2026-03-01", "2027-03-31", NULL, &c));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, "2026-02-30", "2026-03-31", NULL, &c));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, NULL, "2026-03-31", NULL, &c));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_capacity_open(f.db, f.manager, "2026-03-01", "2026-03-31", NULL, NULL));
    fx_rc(&f, ENGSCHED_EDENIED,
          engsched_capacity_open(f.db, f.viewer, "2026-03-01", "2026-03-31", NULL, &c));
    fx_rc(&f, ENGSCHED_ENOTFOUND,
          engsched_capacity_open(f.db, 9999, "2026-03-01", "2026-03-31", NULL, &c));
    assert_null(c);
    fx_rc(&f, ENGSCHED_EMISUSE, engsched_capacity_next(NULL, NULL));
    fx_ok(&f, engsched_capacity_open(f.db, f.manager, "2026-03-01", "2026-03-01", NULL, &c));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_capacity_next(c, NULL));
    int has = 0;
    fx_ok(&f, engsched_capacity_next(c, &has));
    assert_true(has);
    assert_int_equal(engsched_capacity_value(c, (engsched_capacity_measure)10), -1);
    assert_int_equal(engsched_capacity_value(c, (engsched_capacity_measure)-1), -1);
    /* Sunday: no working day, nothing to count. */
    assert_int_equal(engsched_capacity_value(c, ENGSCHED_CAPACITY_WORKING), 0);
    engsched_capacity_free(c);
    engsched_capacity_free(NULL);
    assert_int_equal(engsched_capacity_user(NULL), 0);
    assert_null(engsched_capacity_name(NULL));
    assert_null(engsched_capacity_bucket_end(NULL));
    assert_int_equal(engsched_capacity_value(NULL, ENGSCHED_CAPACITY_WORKING), -1);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_matches_the_oracle),
        cmocka_unit_test(test_capacity_many_operators),
        cmocka_unit_test(test_capacity_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
