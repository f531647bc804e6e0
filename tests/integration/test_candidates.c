/* Skills and the candidates of an engagement, black-box.
 *
 * Candidates are exactly the users engsched_assign() would accept (an
 * operator, with access to the engagement's client, in the actor's
 * sight); work on clients the actor cannot see comes back as "Busy" with
 * id 0; a fully free operator ranks above a busy one; absences count;
 * missing required skills rank first of all. Bad input is EINVAL or
 * ENOTFOUND and changes nothing; refusals follow the assignment rule.
 *
 * Dates: the fixture's today is Sunday 2026-03-01; the target engagement
 * runs Monday 2026-04-06 to Friday 04-10 (five working days). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define MISSING INT64_C(987654)

typedef struct world {
    fx f;
    engsched_id target; /* client 0, 04-06 .. 04-10, no operators */
    engsched_id secret; /* client 1, 04-07 .. 04-08, operator1 */
    engsched_id lead0;  /* Manager of client 0 only */
    engsched_id op_c1;  /* Operator of client 1 only */
    engsched_id op_c2;  /* Operator of client 2 only */
} world;

static engsched_id create(fx *f, int client, const char *name, const char *start, const char *end,
                          engsched_id op)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    if (op != 0)
        fx_ok(f, engsched_input_add_operator(in, op, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

static engsched_id user_on(fx *f, const char *key, engsched_id role, int client)
{
    engsched_id id = fx_user(f, key, role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, id, f->client[client]));
    return id;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return -1;
    fx *f = &w->f;
    fx_open(f, 1);
    w->lead0 = user_on(f, "lead0", ENGSCHED_ROLE_MANAGER, 0);
    w->op_c1 = user_on(f, "op-c1", ENGSCHED_ROLE_OPERATOR, 1);
    w->op_c2 = user_on(f, "op-c2", ENGSCHED_ROLE_OPERATOR, 2);
    w->target = create(f, 0, "Target", "2026-04-06", "2026-04-10", 0);
    w->secret = create(f, 1, "Secret", "2026-04-07", "2026-04-08", f->operator1);
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

/* One row as read back. */
typedef struct row {
    engsched_id user;
    unsigned rank, free_days, conflict_days, matched, missing;
    int assigned;
    size_t work;
} row;

/* Read every candidate (at most 16) as @p actor; returns how many. */
static size_t candidates(fx *f, engsched_id actor, engsched_id engagement, row *out)
{
    engsched_candidates *c = NULL;
    fx_ok(f, engsched_candidates_open(f->db, actor, engagement, &c));
    size_t n = 0;
    int has = 0;
    while (engsched_candidates_next(c, &has) == ENGSCHED_OK && has) {
        assert_true(n < 16);
        row *r = &out[n++];
        r->user = engsched_candidates_user(c);
        assert_non_null(engsched_candidates_name(c));
        r->rank = engsched_candidates_rank(c);
        r->free_days = engsched_candidates_free_days(c);
        r->conflict_days = engsched_candidates_conflict_days(c);
        r->matched = engsched_candidates_matched(c);
        r->missing = engsched_candidates_missing(c);
        assert_int_equal(engsched_tag_list_count(engsched_candidates_missing_tags(c)), r->missing);
        r->assigned = engsched_candidates_assigned(c);
        r->work = engsched_work_list_count(engsched_candidates_work(c));
        assert_int_equal(r->rank, n);
    }
    assert_int_equal(has, 0);
    assert_int_equal(engsched_candidates_user(c), 0);
    assert_null(engsched_candidates_work(c));
    engsched_candidates_free(c);
    return n;
}

static const row *find(const row *rows, size_t n, engsched_id user)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].user == user)
            return &rows[i];
    return NULL;
}

static void test_only_eligible_users(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    row rows[16];
    const engsched_id actors[] = {f->manager, w->lead0, ENGSCHED_SYSTEM};
    for (size_t a = 0; a < sizeof actors / sizeof actors[0]; a++) {
        size_t n = candidates(f, actors[a], w->target, rows);
        /* Everyone with report_view and report_edit who has client 0:
         * operator1 (clients 0, 1), operator2 (client 0), and the
         * managers and the administrator, whose roles hold both. */
        assert_int_equal(n, 5);
        const engsched_id all[] = {f->operator1, f->operator2, f->manager, f->admin, w->lead0};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            assert_non_null(find(rows, n, all[i]));
        /* Not operators, no access to client 0, out of sight. */
        const engsched_id never[] = {f->viewer, f->client_user, f->outsider, w->op_c1, w->op_c2};
        for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
            assert_null(find(rows, n, never[i]));
        /* Each one is what engsched_operator_conflicts() accepts. */
        for (size_t i = 0; i < n; i++) {
            engsched_work_list *list = NULL;
            fx_ok(f, engsched_operator_conflicts(f->db, actors[a], w->target, rows[i].user, &list));
            assert_int_equal(engsched_work_list_count(list), rows[i].work);
            engsched_work_list_free(list);
        }
    }
}

static void test_free_operator_ranks_above_busy_one(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    row rows[16];
    size_t n = candidates(f, f->manager, w->target, rows);
    assert_int_equal(n, 5);
    const row *free_op = find(rows, n, f->operator2), *busy_op = find(rows, n, f->operator1);
    assert_true(free_op->rank < busy_op->rank);
    assert_int_equal(free_op->free_days, 5);
    assert_int_equal(free_op->conflict_days, 0);
    assert_int_equal(free_op->work, 0);
    assert_int_equal(busy_op->free_days, 3);
    assert_int_equal(busy_op->conflict_days, 2);
    assert_int_equal(busy_op->work, 1);
    /* The busy one is last: every other candidate is free all week. */
    assert_int_equal(busy_op->rank, 5);
    assert_int_equal(free_op->assigned, 0);
    /* Assigned already: still listed, and said so. */
    engsched_work_list *conflicts = NULL;
    fx_ok(f, engsched_assign(f->db, f->manager, w->target, 0, f->operator1, ENGSCHED_OPROLE_TESTER,
                             &conflicts));
    engsched_work_list_free(conflicts);
    n = candidates(f, f->manager, w->target, rows);
    assert_int_equal(n, 5);
    assert_int_equal(find(rows, n, f->operator1)->assigned, 1);
    assert_int_equal(find(rows, n, f->operator2)->assigned, 0);
}

static void test_out_of_sight_work_is_busy(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_candidates *c = NULL;
    fx_ok(f, engsched_candidates_open(f->db, w->lead0, w->target, &c));
    int has = 0, seen = 0;
    while (engsched_candidates_next(c, &has) == ENGSCHED_OK && has) {
        if (engsched_candidates_user(c) != f->operator1)
            continue;
        const engsched_work_list *list = engsched_candidates_work(c);
        assert_int_equal(engsched_work_list_count(list), 1);
        engsched_work_kind kind;
        engsched_id id = 1;
        const char *label, *start, *end;
        engsched_status status = 1;
        fx_ok(f, engsched_work_list_item(list, 0, &kind, &id, &label, &start, &end, &status));
        assert_int_equal(kind, ENGSCHED_WORK_ENGAGEMENT);
        assert_int_equal(id, 0);
        assert_string_equal(label, "Busy");
        assert_int_equal(status, 0);
        assert_string_equal(start, "2026-04-07");
        assert_string_equal(end, "2026-04-08");
        assert_null(strstr(label, "Secret"));
        seen = 1;
    }
    engsched_candidates_free(c);
    assert_true(seen);
    /* The manager of all clients sees the name. */
    fx_ok(f, engsched_candidates_open(f->db, f->manager, w->target, &c));
    while (engsched_candidates_next(c, &has) == ENGSCHED_OK && has) {
        if (engsched_candidates_user(c) != f->operator1)
            continue;
        const char *label = NULL;
        engsched_id id = 0;
        fx_ok(f, engsched_work_list_item(engsched_candidates_work(c), 0, NULL, &id, &label, NULL,
                                         NULL, NULL));
        assert_string_equal(label, "Secret");
        assert_int_equal(id, w->secret);
    }
    engsched_candidates_free(c);
}

static void test_absences_count(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    /* operator2 away Monday to Wednesday: 2 free days, below operator1's 3. */
    fx_ok(f, engsched_unavailability_add(f->db, f->operator2, f->operator2, "2026-04-06",
                                         "2026-04-08", "Leave", NULL));
    row rows[16];
    size_t n = candidates(f, f->manager, w->target, rows);
    assert_int_equal(n, 5);
    const row *away = find(rows, n, f->operator2), *busy = find(rows, n, f->operator1);
    assert_int_equal(away->rank, 5);
    assert_int_equal(busy->rank, 4);
    assert_int_equal(away->free_days, 2);
    assert_int_equal(away->conflict_days, 3);
    assert_int_equal(away->work, 1);
}

/* A tentative hold makes a day not free but is no conflict. */
static void test_holds_are_no_conflict(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    if (fx_backend_is_memory())
        skip(); /* the memory backend stores no holds */
    engsched_id other = create(f, 0, "Held", "2026-04-09", "2026-04-10", 0);
    engsched_assign_options hold = ENGSCHED_ASSIGN_OPTIONS_INIT;
    hold.tentative = 1;
    fx_ok(f, engsched_assign_ex(f->db, f->manager, other, 0, f->operator2, ENGSCHED_OPROLE_LEAD,
                                &hold, NULL));
    row rows[16];
    size_t n = candidates(f, f->manager, w->target, rows);
    const row *held = find(rows, n, f->operator2);
    assert_int_equal(held->free_days, 3);
    assert_int_equal(held->conflict_days, 0);
    assert_int_equal(held->work, 1);
}

static void test_skills_change_the_rank(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const char *need[] = {"linux", "web.app", "linux"};
    fx_ok(f, engsched_required_skills_set(f->db, f->manager, w->target, fx_version(f, w->target),
                                          need, 3));
    const char *has1[] = {"web.app", "linux", "c++"};
    fx_ok(f, engsched_user_skills_set(f->db, f->manager, f->operator1, has1, 3));
    const char *has2[] = {"linux"};
    fx_ok(f, engsched_user_skills_set(f->db, f->operator2, f->operator2, has2, 1));
    row rows[16];
    size_t n = candidates(f, f->manager, w->target, rows);
    assert_int_equal(n, 5);
    /* operator1 is busier but has every required skill. */
    assert_int_equal(rows[0].user, f->operator1);
    assert_int_equal(rows[0].matched, 2);
    assert_int_equal(rows[0].missing, 0);
    assert_int_equal(rows[1].user, f->operator2);
    assert_int_equal(rows[1].matched, 1);
    assert_int_equal(rows[1].missing, 1);
    engsched_candidates *c = NULL;
    int has = 0;
    fx_ok(f, engsched_candidates_open(f->db, f->manager, w->target, &c));
    fx_ok(f, engsched_candidates_next(c, &has));
    fx_ok(f, engsched_candidates_next(c, &has));
    const engsched_tag_list *missing = engsched_candidates_missing_tags(c);
    assert_int_equal(engsched_tag_list_count(missing), 1);
    assert_string_equal(engsched_tag_list_item(missing, 0), "web.app");
    assert_null(engsched_tag_list_item(missing, 1));
    engsched_candidates_free(c);
    /* Read back sorted and folded. */
    engsched_tag_list *tags = NULL;
    fx_ok(f, engsched_user_skills(f->db, f->manager, f->operator1, &tags));
    assert_int_equal(engsched_tag_list_count(tags), 3);
    assert_string_equal(engsched_tag_list_item(tags, 0), "c++");
    assert_string_equal(engsched_tag_list_item(tags, 1), "linux");
    assert_string_equal(engsched_tag_list_item(tags, 2), "web.app");
    engsched_tag_list_free(tags);
    fx_ok(f, engsched_required_skills(f->db, f->manager, w->target, &tags));
    assert_int_equal(engsched_tag_list_count(tags), 2);
    engsched_tag_list_free(tags);
    /* Clearing. */
    fx_ok(f, engsched_user_skills_set(f->db, f->operator1, f->operator1, NULL, 0));
    fx_ok(f, engsched_user_skills(f->db, f->operator1, f->operator1, &tags));
    assert_int_equal(engsched_tag_list_count(tags), 0);
    engsched_tag_list_free(tags);
}

static void test_requirement_bumps_version_and_emits(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    int64_t v = fx_version(f, w->target), seq0 = 0, seq1 = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq0));
    const char *need[] = {"linux"};
    fx_ok(f, engsched_required_skills_set(f->db, f->manager, w->target, v, need, 1));
    assert_true(fx_version(f, w->target) > v);
    /* The old version is stale now. */
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_required_skills_set(f->db, f->manager, w->target, v, need, 1));
    fx_ok(f, engsched_user_skills_set(f->db, f->operator1, f->operator1, need, 1));
    fx_ok(f, engsched_events_last_seq(f->db, &seq1));
    assert_int_equal(seq1, seq0 + 2);
}

/* Everything a refused call must leave as it was. */
static char *state_of(world *w)
{
    fx *f = &w->f;
    char *digest = fx_digest(f);
    engsched_tag_list *a = NULL, *b = NULL;
    fx_ok(f, engsched_user_skills(f->db, ENGSCHED_SYSTEM, f->operator1, &a));
    fx_ok(f, engsched_required_skills(f->db, ENGSCHED_SYSTEM, w->target, &b));
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    size_t len = strlen(digest) + 64 * 70 * 2 + 64;
    char *out = malloc(len);
    assert_non_null(out);
    size_t at = (size_t)snprintf(out, len, "%s|%lld|", digest, (long long)seq);
    for (size_t i = 0; i < engsched_tag_list_count(a); i++)
        at += (size_t)snprintf(out + at, len - at, "%s,", engsched_tag_list_item(a, i));
    for (size_t i = 0; i < engsched_tag_list_count(b); i++)
        at += (size_t)snprintf(out + at, len - at, "%s;", engsched_tag_list_item(b, i));
    engsched_tag_list_free(a);
    engsched_tag_list_free(b);
    free(digest);
    return out;
}

static void test_bad_input_changes_nothing(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const char *ok[] = {"linux"};
    fx_ok(f, engsched_user_skills_set(f->db, f->operator1, f->operator1, ok, 1));
    fx_ok(f, engsched_required_skills_set(f->db, f->manager, w->target, 0, ok, 1));
    char *before = state_of(w);
    engsched_candidates *c = NULL;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_candidates_open(f->db, f->manager, MISSING, &c));
    assert_null(c);
    fx_rc(f, ENGSCHED_EINVAL, engsched_candidates_open(f->db, f->manager, w->target, NULL));
    const char *bad[][2] = {{"linux", "Linux"}, {"linux", ""},    {"linux", "a b"},
                            {"linux", "é"},     {"linux", "x/y"}, {"linux", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_rc(f, ENGSCHED_EINVAL,
              engsched_user_skills_set(f->db, f->operator1, f->operator1, bad[i], 2));
        fx_rc(f, ENGSCHED_EINVAL,
              engsched_required_skills_set(f->db, f->manager, w->target, 0, bad[i], 2));
    }
    char longest[ENGSCHED_TAG_MAX_LEN + 2];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    const char *too_long[] = {longest};
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_user_skills_set(f->db, f->operator1, f->operator1, too_long, 1));
    /* 65 distinct tags: one too many; 65 copies of one tag fold to one. */
    char names[ENGSCHED_TAGS_MAX + 1][8];
    const char *many[ENGSCHED_TAGS_MAX + 1], *same[ENGSCHED_TAGS_MAX + 1];
    for (int i = 0; i <= ENGSCHED_TAGS_MAX; i++) {
        snprintf(names[i], sizeof names[i], "t%d", i);
        many[i] = names[i];
        same[i] = "linux";
    }
    fx_rc(f, ENGSCHED_EINVAL,
          engsched_user_skills_set(f->db, f->operator1, f->operator1, many, ENGSCHED_TAGS_MAX + 1));
    fx_rc(
        f, ENGSCHED_EINVAL,
        engsched_required_skills_set(f->db, f->manager, w->target, 0, many, ENGSCHED_TAGS_MAX + 1));
    fx_rc(f, ENGSCHED_EINVAL, engsched_user_skills_set(f->db, f->operator1, f->operator1, NULL, 1));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_user_skills_set(f->db, f->manager, MISSING, ok, 1));
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_required_skills_set(f->db, f->manager, MISSING, 0, ok, 1));
    char *after = state_of(w);
    assert_string_equal(before, after);
    free(after);
    /* Folding is not a refusal: the same set again, one more event. */
    fx_ok(f,
          engsched_user_skills_set(f->db, f->operator1, f->operator1, same, ENGSCHED_TAGS_MAX + 1));
    fx_ok(f, engsched_user_skills_set(f->db, f->operator1, f->operator1, many, ENGSCHED_TAGS_MAX));
    free(before);
}

static void test_permission_refusals(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    char *before = state_of(w);
    engsched_candidates *c = NULL;
    /* Without ASSIGN on the engagement: the client user and a viewer see
     * it but may not staff it; an outsider does not see it at all. */
    fx_rc(f, ENGSCHED_EDENIED, engsched_candidates_open(f->db, f->client_user, w->target, &c));
    fx_rc(f, ENGSCHED_EDENIED, engsched_candidates_open(f->db, f->viewer, w->target, &c));
    fx_rc(f, ENGSCHED_EDENIED, engsched_candidates_open(f->db, f->operator1, w->target, &c));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_candidates_open(f->db, f->outsider, w->target, &c));
    const char *tags[] = {"linux"};
    /* Another's skills need ASSIGN; a user out of sight does not exist. */
    fx_rc(f, ENGSCHED_EDENIED,
          engsched_user_skills_set(f->db, f->operator2, f->operator1, tags, 1));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_user_skills_set(f->db, w->lead0, w->op_c2, tags, 1));
    fx_rc(f, ENGSCHED_EDENIED,
          engsched_required_skills_set(f->db, f->operator1, w->target, 0, tags, 1));
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_required_skills_set(f->db, f->outsider, w->target, 0, tags, 1));
    engsched_tag_list *list = NULL;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_required_skills(f->db, f->outsider, w->target, &list));
    char *after = state_of(w);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* The skills of users go with a full export and come back from it, by
 * the whole-document and the streaming import alike. */
typedef struct source {
    const char *text;
    size_t pos, len;
} source;

static long source_read(void *ctx, char *buf, size_t size)
{
    source *src = ctx;
    size_t n = src->len - src->pos < size ? src->len - src->pos : size;
    if (n > 7)
        n = 7; /* small pieces: items cross reads */
    memcpy(buf, src->text + src->pos, n);
    src->pos += n;
    return (long)n;
}

static void test_json_round_trip(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const char *tags[] = {"web.app", "linux"};
    fx_ok(f, engsched_user_skills_set(f->db, f->manager, f->operator1, tags, 2));
    const char *need[] = {"pentest"};
    fx_ok(f, engsched_required_skills_set(f->db, f->manager, w->target, 0, need, 1));
    char *first = NULL;
    fx_ok(f, engsched_export_json(f->db, ENGSCHED_SYSTEM, &first));
    assert_non_null(strstr(first, "\"skills\""));
    assert_non_null(strstr(first, "\"required_skills\""));
    for (int streaming = 0; streaming <= 1; streaming++) {
        fx t;
        fx_open_empty(&t, 1);
        unsigned int count = 0;
        if (streaming) {
            source src = {first, 0, strlen(first)};
            fx_ok(&t, engsched_import(t.db, ENGSCHED_SYSTEM, source_read, &src, &count));
        } else {
            fx_ok(&t, engsched_import_json(t.db, ENGSCHED_SYSTEM, first, &count));
        }
        char *second = NULL;
        fx_ok(&t, engsched_export_json(t.db, ENGSCHED_SYSTEM, &second));
        assert_string_equal(first, second);
        engsched_free(second);
        fx_close(&t);
    }
    /* A bad tag in the document: EINVAL, and the store stays empty. */
    char *bad = malloc(strlen(first) + 1);
    assert_non_null(bad);
    strcpy(bad, first);
    char *at = strstr(bad, "\"web.app\"");
    assert_non_null(at);
    memcpy(at + 1, "Web.app", 7);
    fx t;
    fx_open_empty(&t, 1);
    char *empty = NULL, *after = NULL;
    fx_ok(&t, engsched_export_json(t.db, ENGSCHED_SYSTEM, &empty));
    unsigned int count = 0;
    fx_rc(&t, ENGSCHED_EINVAL, engsched_import_json(t.db, ENGSCHED_SYSTEM, bad, &count));
    assert_non_null(strstr(engsched_errmsg(t.db), "skills"));
    source src = {bad, 0, strlen(bad)};
    fx_rc(&t, ENGSCHED_EINVAL, engsched_import(t.db, ENGSCHED_SYSTEM, source_read, &src, &count));
    fx_ok(&t, engsched_export_json(t.db, ENGSCHED_SYSTEM, &after));
    assert_string_equal(empty, after);
    /* A bad required tag too. */
    strcpy(bad, first);
    at = strstr(bad, "\"pentest\"");
    assert_non_null(at);
    memcpy(at + 1, "pen/est", 7);
    fx_rc(&t, ENGSCHED_EINVAL, engsched_import_json(t.db, ENGSCHED_SYSTEM, bad, &count));
    assert_non_null(strstr(engsched_errmsg(t.db), "required_skills"));
    engsched_free(after);
    fx_ok(&t, engsched_export_json(t.db, ENGSCHED_SYSTEM, &after));
    assert_string_equal(empty, after);
    engsched_free(empty);
    engsched_free(after);
    fx_close(&t);
    free(bad);
    engsched_free(first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_only_eligible_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_operator_ranks_above_busy_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_sight_work_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absences_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holds_are_no_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skills_change_the_rank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requirement_bumps_version_and_emits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permission_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
