/* Assigning operators and recording unavailability, black-box.
 *
 * The strict conflict policy (the handle option, or the tenant setting
 * with the option left at TENANT) refuses an assignment over another
 * engagement or over unavailability with ECONFLICT and changes nothing;
 * the warn policy assigns and returns the conflicts. Only operators with
 * access to the client qualify. Conflicts leave out Canceled and Complete
 * engagements and the engagement itself; ranges that touch (end == other
 * start) overlap, adjacent ones (end + 1 == start) do not. Create and
 * approve assign through the same rules. Unavailability is one's own to
 * record, or anyone's with ASSIGN.
 *
 * Dates: the fixture's today is Sunday 2026-03-01; work is in April. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define MISSING INT64_C(987654)

static int64_t clock_of(void *ctx)
{
    return ((fx *)ctx)->now;
}

static void event_of(void *ctx, const char *json)
{
    fx *f = ctx;
    f->events_seen++;
    snprintf(f->last_event, sizeof f->last_event, "%s", json);
}

/* Replace the fixture's handle with one on the same file whose option
 * conflict_policy is @p policy. */
static void reopen_with_policy(fx *f, engsched_conflict_policy policy)
{
    assert_int_equal(engsched_close(f->db), ENGSCHED_OK);
    f->db = NULL;
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.clock = clock_of;
    opts.clock_ctx = f;
    opts.on_event = event_of;
    opts.event_ctx = f;
    opts.conflict_policy = (int)policy;
    engsched_rc rc = engsched_open(f->path, &opts, &f->db);
    if (rc != ENGSCHED_OK)
        fail_msg("reopen %s: %s", f->path, engsched_open_errmsg());
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    fx_open(f, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    fx_close(f);
    free(f);
    return 0;
}

/* Create directly as the manager, with up to two operators (0: none). */
static engsched_id create(fx *f, int client, const char *name, const char *start,
                          const char *end, engsched_id op_a, engsched_id op_b)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, name));
    fx_ok(f, engsched_input_set_client(in, f->client[client]));
    fx_ok(f, engsched_input_set_dates(in, start, end));
    if (op_a != 0)
        fx_ok(f, engsched_input_add_operator(in, op_a, ENGSCHED_OPROLE_LEAD));
    if (op_b != 0)
        fx_ok(f, engsched_input_add_operator(in, op_b, ENGSCHED_OPROLE_TESTER));
    fx_ok(f, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    return id;
}

/* A state to compare after a refusal: everything the fixture digests,
 * the event log position, and how many events the host was given. */
typedef struct snapshot {
    char *digest;
    int64_t seq;
    size_t events;
} snapshot;

static void snap(fx *f, snapshot *s)
{
    s->digest = fx_digest(f);
    fx_ok(f, engsched_events_last_seq(f->db, &s->seq));
    s->events = f->events_seen;
}

static void assert_unchanged(fx *f, snapshot *s)
{
    char *now = fx_digest(f);
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    assert_string_equal(now, s->digest);
    assert_int_equal(seq, s->seq);
    assert_int_equal(f->events_seen, s->events);
    free(now);
    free(s->digest);
    s->digest = NULL;
}

/* Whether user is among the engagement's operators. */
static int is_assigned(fx *f, engsched_id engagement, engsched_id user)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, engagement, &e));
    int found = 0;
    for (size_t i = 0; i < engsched_engagement_operator_count(e); i++) {
        engsched_id u = 0;
        fx_ok(f, engsched_engagement_operator(e, i, &u, NULL, NULL, NULL));
        found |= u == user;
    }
    engsched_engagement_free(e);
    return found;
}

/* An assignment the strict policy must refuse, twice: over another
 * engagement and over unavailability. */
static void strict_refusals(fx *f)
{
    engsched_id busy = create(f, 0, "Busy week", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id target = create(f, 0, "Target", "2026-04-10", "2026-04-14", 0, 0);
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator2, "2026-04-14",
                                         "2026-04-15", "Training", NULL));
    snapshot s;
    snap(f, &s);
    engsched_work_list *list = NULL;
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_assign(f->db, f->manager, target, 0, f->operator1, ENGSCHED_OPROLE_LEAD,
                          &list));
    assert_null(list);
    assert_non_null(strstr(engsched_errmsg(f->db), "strict"));
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_assign(f->db, f->manager, target, 0, f->operator2, ENGSCHED_OPROLE_LEAD,
                          &list));
    assert_null(list);
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_assign(f->db, f->manager, target, 0, f->operator2, ENGSCHED_OPROLE_LEAD,
                          NULL));
    assert_unchanged(f, &s);
    assert_false(is_assigned(f, target, f->operator1));
    assert_false(is_assigned(f, target, f->operator2));
    /* The preview still shows what the refusal was about. */
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, target, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 1);
    engsched_id id = 0;
    fx_ok(f, engsched_work_list_item(list, 0, NULL, &id, NULL, NULL, NULL, NULL));
    assert_int_equal(id, busy);
    engsched_work_list_free(list);
    /* Without conflicts the strict policy assigns. */
    engsched_id free_week = create(f, 0, "Free week", "2026-04-20", "2026-04-24", 0, 0);
    fx_ok(f, engsched_assign(f->db, f->manager, free_week, 0, f->operator1,
                             ENGSCHED_OPROLE_LEAD, &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);
    assert_true(is_assigned(f, free_week, f->operator1));
}

static void test_strict_handle_option(void **state)
{
    fx *f = *state;
    reopen_with_policy(f, ENGSCHED_CONFLICTS_STRICT);
    /* The tenant setting says warn; the option wins. */
    char *policy = NULL;
    fx_ok(f, engsched_setting_get(f->db, "conflict_policy", &policy));
    assert_string_equal(policy, "warn");
    engsched_free(policy);
    strict_refusals(f);
}

static void test_strict_tenant_setting(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    strict_refusals(f);
}

/* The handle option WARN overrides a strict tenant. */
static void test_warn_option_overrides_strict_tenant(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    reopen_with_policy(f, ENGSCHED_CONFLICTS_WARN);
    create(f, 0, "Busy week", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id target = create(f, 0, "Target", "2026-04-10", "2026-04-14", 0, 0);
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_assign(f->db, f->manager, target, 0, f->operator1, ENGSCHED_OPROLE_LEAD,
                             &list));
    assert_int_equal(engsched_work_list_count(list), 1);
    engsched_work_list_free(list);
}

static void test_warn_returns_conflicts(void **state)
{
    fx *f = *state;
    engsched_id busy = create(f, 1, "Globex red team", "2026-04-06", "2026-04-10",
                              f->operator1, 0);
    engsched_id leave = 0;
    fx_ok(f, engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-04-13",
                                         "2026-04-14", "Annual leave", &leave));
    engsched_id target = create(f, 0, "Acme web app", "2026-04-08", "2026-04-20", 0, 0);
    int64_t seq = 0, after = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    int64_t version = fx_version(f, target);
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_assign(f->db, f->manager, target, version, f->operator1,
                             ENGSCHED_OPROLE_REVIEWER, &list));
    assert_true(is_assigned(f, target, f->operator1));
    fx_ok(f, engsched_events_last_seq(f->db, &after));
    assert_int_equal(after, seq + 1);
    assert_non_null(strstr(f->last_event, "\"operator.assigned\""));

    /* By start date: the engagement, then the leave. */
    assert_int_equal(engsched_work_list_count(list), 2);
    engsched_work_kind kind = 0;
    engsched_id id = 0;
    const char *label = NULL, *start = NULL, *end = NULL;
    engsched_status status = 0;
    fx_ok(f, engsched_work_list_item(list, 0, &kind, &id, &label, &start, &end, &status));
    assert_int_equal(kind, ENGSCHED_WORK_ENGAGEMENT);
    assert_int_equal(id, busy);
    assert_string_equal(label, "Globex red team");
    assert_string_equal(start, "2026-04-06");
    assert_string_equal(end, "2026-04-10");
    assert_int_equal(status, ENGSCHED_STATUS_SCHEDULED);
    fx_ok(f, engsched_work_list_item(list, 1, &kind, &id, &label, &start, &end, &status));
    assert_int_equal(kind, ENGSCHED_WORK_UNAVAILABLE);
    assert_int_equal(id, leave);
    assert_string_equal(label, "Annual leave");
    assert_string_equal(start, "2026-04-13");
    assert_string_equal(end, "2026-04-14");
    assert_int_equal(status, 0);
    fx_rc(f, ENGSCHED_EINVAL, engsched_work_list_item(list, 2, &kind, NULL, NULL, NULL, NULL,
                                                      NULL));
    engsched_work_list_free(list);

    /* The role is kept; no conflicts wanted: NULL is fine. */
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->manager, target, &e));
    assert_int_equal(engsched_engagement_operator_count(e), 1);
    engsched_operator_role role = 0;
    engsched_id by = 0;
    fx_ok(f, engsched_engagement_operator(e, 0, NULL, &role, &by, NULL));
    assert_int_equal(role, ENGSCHED_OPROLE_REVIEWER);
    assert_int_equal(by, f->manager);
    engsched_engagement_free(e);
    fx_ok(f, engsched_assign(f->db, f->manager, target, 0, f->operator2, ENGSCHED_OPROLE_TESTER,
                             NULL));
    assert_true(is_assigned(f, target, f->operator2));
}

static void test_only_qualified_operators(void **state)
{
    fx *f = *state;
    engsched_id acme = create(f, 0, "Acme", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id globex = create(f, 1, "Globex", "2026-05-04", "2026-05-08", 0, 0);
    engsched_id report_only = 0, no_view = 0;
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Report reader",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW, &role));
    report_only = fx_user(f, "report-reader", role, ENGSCHED_USER_ALL_CLIENTS);
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Writer only",
                                  ENGSCHED_PERM_REPORT_VIEW | ENGSCHED_PERM_REPORT_EDIT, &role));
    no_view = fx_user(f, "writer-only", role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, no_view, f->client[1]));

    snapshot s;
    snap(f, &s);
    struct {
        engsched_id engagement, user;
        engsched_rc want;
        const char *says;
    } refused[] = {
        {acme, f->viewer, ENGSCHED_EINVAL, "not an operator"},
        {acme, f->client_user, ENGSCHED_EINVAL, "not an operator"},
        {acme, report_only, ENGSCHED_EINVAL, "not an operator"},
        {globex, f->operator2, ENGSCHED_EINVAL, "no access"},
        {acme, no_view, ENGSCHED_EINVAL, "no access"},
        {acme, MISSING, ENGSCHED_EINVAL, "not found"},
        {acme, ENGSCHED_SYSTEM, ENGSCHED_EINVAL, "operator"},
        {acme, -3, ENGSCHED_EINVAL, "operator"},
        {acme, f->operator1, ENGSCHED_EEXISTS, "already assigned"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        engsched_work_list *list = NULL;
        engsched_rc rc = engsched_assign(f->db, f->manager, refused[i].engagement, 0,
                                         refused[i].user, ENGSCHED_OPROLE_TESTER, &list);
        if (rc != refused[i].want)
            fail_msg("case %zu: %s, expected %s: %s", i, engsched_rc_name(rc),
                     engsched_rc_name(refused[i].want), engsched_errmsg(f->db));
        assert_null(list);
        if (strstr(engsched_errmsg(f->db), refused[i].says) == NULL)
            fail_msg("case %zu: message \"%s\" does not say \"%s\"", i, engsched_errmsg(f->db),
                     refused[i].says);
        /* The preview refuses the same candidates alike (not EEXISTS:
         * previewing an assigned operator is fine). */
        if (refused[i].want == ENGSCHED_EINVAL) {
            fx_rc(f, ENGSCHED_EINVAL,
                  engsched_operator_conflicts(f->db, f->manager, refused[i].engagement,
                                              refused[i].user, &list));
            assert_null(list);
        }
    }
    /* A bad role, a negative version, a stale one. */
    fx_rc(f, ENGSCHED_EINVAL, engsched_assign(f->db, f->manager, acme, 0, f->operator2,
                                              (engsched_operator_role)9, NULL));
    fx_rc(f, ENGSCHED_EINVAL, engsched_assign(f->db, f->manager, acme, -1, f->operator2,
                                              ENGSCHED_OPROLE_NONE, NULL));
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_assign(f->db, f->manager, acme, fx_version(f, acme) + 1, f->operator2,
                          ENGSCHED_OPROLE_NONE, NULL));
    /* Who may assign: ASSIGN needed; no access to the client → not found. */
    fx_rc(f, ENGSCHED_EDENIED, engsched_assign(f->db, f->operator1, acme, 0, f->operator2,
                                               ENGSCHED_OPROLE_NONE, NULL));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_assign(f->db, f->outsider, acme, 0, f->operator2,
                                                 ENGSCHED_OPROLE_NONE, NULL));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_assign(f->db, f->manager, MISSING, 0, f->operator2,
                                                 ENGSCHED_OPROLE_NONE, NULL));
    assert_unchanged(f, &s);

    /* Managers hold REPORT_VIEW and REPORT_EDIT: operators too. A user
     * with both and no VIEW is one as well. */
    fx_ok(f, engsched_assign(f->db, f->manager, acme, 0, f->manager, ENGSCHED_OPROLE_REVIEWER,
                             NULL));
    fx_ok(f, engsched_assign(f->db, f->manager, globex, 0, no_view, ENGSCHED_OPROLE_TESTER,
                             NULL));
}

/* Assigning someone already on the engagement is EEXISTS whatever the
 * policy, also when the strict policy would find their other work. */
static void test_already_assigned_is_eexists_under_strict(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    engsched_id a = create(f, 0, "First", "2026-04-06", "2026-04-10", f->operator1, 0);
    (void)a;
    /* Strict: operator1 cannot be added to an overlapping one... */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));
    engsched_id b = create(f, 0, "Second", "2026-04-08", "2026-04-09", f->operator1, 0);
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    /* ...and adding them again to the one they are on is "already there". */
    snapshot s;
    snap(f, &s);
    fx_rc(f, ENGSCHED_EEXISTS, engsched_assign(f->db, f->manager, b, 0, f->operator1,
                                               ENGSCHED_OPROLE_LEAD, NULL));
    assert_non_null(strstr(engsched_errmsg(f->db), "already assigned"));
    assert_unchanged(f, &s);
}

static void test_unassign(void **state)
{
    fx *f = *state;
    engsched_id e = create(f, 0, "Acme", "2026-04-06", "2026-04-10", f->operator1,
                           f->operator2);
    snapshot s;
    snap(f, &s);
    fx_rc(f, ENGSCHED_EDENIED, engsched_unassign(f->db, f->operator1, e, 0, f->operator1));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unassign(f->db, f->outsider, e, 0, f->operator1));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unassign(f->db, f->manager, e, 0, f->viewer));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unassign(f->db, f->manager, e, 0, MISSING));
    fx_rc(f, ENGSCHED_ECONFLICT,
          engsched_unassign(f->db, f->manager, e, fx_version(f, e) + 1, f->operator1));
    assert_unchanged(f, &s);

    int64_t seq = 0, after = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    fx_ok(f, engsched_unassign(f->db, f->manager, e, fx_version(f, e), f->operator1));
    fx_ok(f, engsched_events_last_seq(f->db, &after));
    assert_int_equal(after, seq + 1);
    assert_non_null(strstr(f->last_event, "\"operator.unassigned\""));
    assert_false(is_assigned(f, e, f->operator1));
    assert_true(is_assigned(f, e, f->operator2));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unassign(f->db, f->manager, e, 0, f->operator1));
    assert_non_null(strstr(engsched_errmsg(f->db), "not assigned"));
    /* Gone from their work: a new overlapping assignment has no conflict. */
    engsched_id other = create(f, 0, "Other", "2026-04-06", "2026-04-06", 0, 0);
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, other, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);
    /* And back again. */
    fx_ok(f, engsched_assign(f->db, f->manager, e, 0, f->operator1, ENGSCHED_OPROLE_LEAD,
                             NULL));
    assert_true(is_assigned(f, e, f->operator1));
    /* Closed engagements keep their operators. */
    fx_ok(f, engsched_cancel(f->db, f->manager, e, 0, NULL));
    fx_rc(f, ENGSCHED_ESTATE, engsched_unassign(f->db, f->manager, e, 0, f->operator2));
    fx_rc(f, ENGSCHED_ESTATE, engsched_assign(f->db, f->manager, e, 0, f->manager,
                                              ENGSCHED_OPROLE_NONE, NULL));
}

static void test_unavailability_permissions(void **state)
{
    fx *f = *state;
    engsched_id own = 0, by_manager = 0, id = 0;
    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "Planner",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_VIEW_AVAILABILITY, &role));
    engsched_id planner = fx_user(f, "planner", role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, planner, f->client[0]));

    /* Own: anyone, even a viewer. */
    fx_ok(f, engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-04-06",
                                         "2026-04-07", "Dentist", &own));
    fx_ok(f, engsched_unavailability_add(f->db, f->viewer, f->viewer, "2026-04-06",
                                         "2026-04-06", "Holiday", &id));
    /* Others': ASSIGN. */
    fx_ok(f, engsched_unavailability_add(f->db, f->manager, f->operator1, "2026-04-20",
                                         "2026-04-24", "Training", &by_manager));
    snapshot s;
    snap(f, &s);
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_add(f->db, f->operator2, f->operator1,
                                                           "2026-04-08", "2026-04-08", "No",
                                                           &id));
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_add(f->db, planner, f->operator1,
                                                           "2026-04-08", "2026-04-08", "No",
                                                           &id));
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_remove(f->db, f->operator2, own));
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_remove(f->db, planner, own));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_remove(f->db, f->manager, MISSING));
    /* ASSIGN reaches only the users one may see: the outsider (client 2)
     * shares no client with operator1 (clients 0 and 1). */
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_add(f->db, f->outsider, f->operator1,
                                                             "2026-04-08", "2026-04-08", "No",
                                                             &id));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_remove(f->db, f->outsider, own));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_add(f->db, f->manager, MISSING,
                                                             "2026-04-08", "2026-04-08", "No",
                                                             &id));
    fx_rc(f, ENGSCHED_EINVAL, engsched_unavailability_add(f->db, f->manager, ENGSCHED_SYSTEM,
                                                          "2026-04-08", "2026-04-08", "No",
                                                          &id));
    assert_unchanged(f, &s);

    /* Listing: own; anyone's with ASSIGN or VIEW_AVAILABILITY; else denied. */
    engsched_id readers[] = {f->operator1, f->manager, planner, ENGSCHED_SYSTEM};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        engsched_work_list *list = NULL;
        fx_ok(f, engsched_unavailability_list(f->db, readers[i], f->operator1, "2026-04-01",
                                              "2026-04-30", &list));
        assert_int_equal(engsched_work_list_count(list), 2);
        engsched_work_kind kind = 0;
        const char *label = NULL;
        fx_ok(f, engsched_work_list_item(list, 0, &kind, &id, &label, NULL, NULL, NULL));
        assert_int_equal(kind, ENGSCHED_WORK_UNAVAILABLE);
        assert_int_equal(id, own);
        assert_string_equal(label, "Dentist");
        fx_ok(f, engsched_work_list_item(list, 1, &kind, &id, &label, NULL, NULL, NULL));
        assert_int_equal(id, by_manager);
        assert_string_equal(label, "Training");
        engsched_work_list_free(list);
    }
    engsched_work_list *list = NULL;
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_list(f->db, f->operator2, f->operator1,
                                                            "2026-04-01", "2026-04-30", &list));
    assert_null(list);
    fx_rc(f, ENGSCHED_EDENIED, engsched_unavailability_list(f->db, f->viewer, f->operator1,
                                                            "2026-04-01", "2026-04-30", &list));
    assert_null(list);
    /* Only what overlaps the range, boundaries included. */
    fx_ok(f, engsched_unavailability_list(f->db, f->operator1, f->operator1, "2026-04-07",
                                          "2026-04-20", &list));
    assert_int_equal(engsched_work_list_count(list), 2);
    engsched_work_list_free(list);
    fx_ok(f, engsched_unavailability_list(f->db, f->operator1, f->operator1, "2026-04-08",
                                          "2026-04-19", &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);

    /* Removing: own (also what the manager recorded for them); anyone's
     * with ASSIGN. */
    fx_ok(f, engsched_unavailability_remove(f->db, f->operator1, by_manager));
    fx_ok(f, engsched_unavailability_remove(f->db, f->manager, own));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_unavailability_remove(f->db, f->manager, own));
    fx_ok(f, engsched_unavailability_list(f->db, f->operator1, f->operator1, "2026-01-01",
                                          "2026-12-31", &list));
    assert_int_equal(engsched_work_list_count(list), 0);
    engsched_work_list_free(list);
}

/* The count of conflicts assigning operator1 to target would have. */
static size_t preview(fx *f, engsched_id target)
{
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, target, f->operator1, &list));
    size_t n = engsched_work_list_count(list);
    engsched_work_list_free(list);
    return n;
}

static void test_conflicts_leave_out_closed_and_self(void **state)
{
    fx *f = *state;
    /* Four engagements of operator1 on the same days, then closed ones. */
    engsched_id open = create(f, 0, "Open", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id canceled = create(f, 0, "Canceled", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id complete = create(f, 1, "Complete", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id review = create(f, 1, "Review", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id pending = fx_request(f, f->client_user, f->client[0], "Pending", "2026-04-06",
                                     "2026-04-10");
    fx_ok(f, engsched_assign(f->db, f->manager, pending, 0, f->operator1, ENGSCHED_OPROLE_NONE,
                             NULL));
    fx_ok(f, engsched_cancel(f->db, f->manager, canceled, 0, NULL));
    for (int s = ENGSCHED_REPORT_READY_FOR_REVIEW; s <= ENGSCHED_REPORT_PUBLISHED; s++)
        fx_ok(f, engsched_report_set_status(f->db, f->manager, complete, 0,
                                            (engsched_report_status)s));
    fx_ok(f, engsched_report_set_status(f->db, f->manager, review, 0,
                                        ENGSCHED_REPORT_READY_FOR_REVIEW));
    assert_int_equal(fx_status(f, canceled), ENGSCHED_STATUS_CANCELED);
    assert_int_equal(fx_status(f, complete), ENGSCHED_STATUS_COMPLETE);
    assert_int_equal(fx_status(f, review), ENGSCHED_STATUS_IN_REVIEW);

    /* From the open one: the in-review and the pending one; not itself,
     * not the canceled or complete ones. */
    engsched_work_list *list = NULL;
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, open, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 2);
    for (size_t i = 0; i < 2; i++) {
        engsched_id id = 0;
        engsched_status status = 0;
        fx_ok(f, engsched_work_list_item(list, i, NULL, &id, NULL, NULL, NULL, &status));
        assert_true(id == review || id == pending);
        assert_true(status == ENGSCHED_STATUS_IN_REVIEW || status == ENGSCHED_STATUS_PENDING);
    }
    engsched_work_list_free(list);
    /* Each open engagement sees the other two open ones. */
    assert_int_equal(preview(f, review), 2);
    assert_int_equal(preview(f, pending), 2);
    /* Closed engagements cannot be previewed (nobody may be assigned). */
    fx_rc(f, ENGSCHED_ESTATE,
          engsched_operator_conflicts(f->db, f->manager, canceled, f->operator1, &list));
    fx_rc(f, ENGSCHED_ESTATE,
          engsched_operator_conflicts(f->db, f->manager, complete, f->operator1, &list));
    /* Strict: a new engagement over the closed ones alone is accepted. */
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    fx_ok(f, engsched_cancel(f->db, f->manager, open, 0, NULL));
    fx_ok(f, engsched_cancel(f->db, f->manager, review, 0, NULL));
    fx_ok(f, engsched_cancel(f->db, f->manager, pending, 0, NULL));
    create(f, 0, "Over closed work", "2026-04-06", "2026-04-10", f->operator1, 0);
}

static void test_touching_overlaps_adjacent_does_not(void **state)
{
    fx *f = *state;
    /* operator1 is on 04-06..04-10 and away 04-20..04-22. */
    create(f, 0, "Existing", "2026-04-06", "2026-04-10", f->operator1, 0);
    fx_ok(f, engsched_unavailability_add(f->db, f->operator1, f->operator1, "2026-04-20",
                                         "2026-04-22", "Leave", NULL));
    struct {
        const char *start, *end;
        size_t conflicts;
    } cases[] = {
        {"2026-04-10", "2026-04-12", 1}, /* starts on the last day */
        {"2026-04-02", "2026-04-06", 1}, /* ends on the first day */
        {"2026-04-11", "2026-04-15", 0}, /* starts the day after */
        {"2026-04-01", "2026-04-05", 0}, /* ends the day before */
        {"2026-04-08", "2026-04-08", 1}, /* one day inside */
        {"2026-04-01", "2026-04-30", 2}, /* around both */
        {"2026-04-22", "2026-04-24", 1}, /* starts on the last day away */
        {"2026-04-16", "2026-04-20", 1}, /* ends on the first day away */
        {"2026-04-23", "2026-04-24", 0}, /* the day after the leave */
        {"2026-04-13", "2026-04-19", 0}, /* between both, adjacent to the leave */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "Case %zu", i);
        engsched_id target = create(f, 0, name, cases[i].start, cases[i].end, 0, 0);
        size_t n = preview(f, target);
        if (n != cases[i].conflicts)
            fail_msg("%s..%s: %zu conflicts, expected %zu", cases[i].start, cases[i].end, n,
                     cases[i].conflicts);
        /* The assignment returns the same, and strict agrees. */
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
        engsched_work_list *list = NULL;
        engsched_rc rc = engsched_assign(f->db, f->manager, target, 0, f->operator1,
                                         ENGSCHED_OPROLE_NONE, &list);
        assert_int_equal(rc, cases[i].conflicts ? ENGSCHED_ECONFLICT : ENGSCHED_OK);
        engsched_work_list_free(list);
        fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "warn"));
        if (rc == ENGSCHED_OK) {
            /* Undo, so later cases see only the two fixed items. */
            fx_ok(f, engsched_unassign(f->db, f->manager, target, 0, f->operator1));
        }
    }
}

/* Create and approve assign through the same policy: a strict conflict
 * refuses the whole operation, the first, valid operator included. */
static void test_strict_create_and_approve(void **state)
{
    fx *f = *state;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "conflict_policy", "strict"));
    create(f, 0, "Existing", "2026-04-06", "2026-04-10", f->operator1, 0);
    engsched_id pending = fx_request(f, f->client_user, f->client[0], "Request", "2026-04-09",
                                     "2026-04-13");
    snapshot s;
    snap(f, &s);

    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Refused"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-10", "2026-04-11"));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_TESTER));
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_create(f->db, f->manager, in, &id));
    assert_int_equal(id, 0);
    engsched_input_free(in);

    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_LEAD));
    fx_ok(f, engsched_input_add_operator(in, f->operator1, ENGSCHED_OPROLE_TESTER));
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_approve(f->db, f->manager, pending, 0, in));
    assert_unchanged(f, &s);
    assert_int_equal(fx_status(f, pending), ENGSCHED_STATUS_PENDING);
    /* Moving the dates clear of the conflict in the same approval works. */
    fx_ok(f, engsched_input_set_dates(in, "2026-04-11", "2026-04-13"));
    fx_ok(f, engsched_approve(f->db, f->manager, pending, 0, in));
    engsched_input_free(in);
    assert_int_equal(fx_status(f, pending), ENGSCHED_STATUS_SCHEDULED);
    assert_true(is_assigned(f, pending, f->operator1));
    assert_true(is_assigned(f, pending, f->operator2));

    /* Unavailability counts the same for create. */
    fx_ok(f, engsched_unavailability_add(f->db, f->operator2, f->operator2, "2026-05-04",
                                         "2026-05-04", "Moving house", NULL));
    snap(f, &s);
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Over leave"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-05-01", "2026-05-04"));
    fx_ok(f, engsched_input_add_operator(in, f->operator2, ENGSCHED_OPROLE_LEAD));
    fx_rc(f, ENGSCHED_ECONFLICT, engsched_create(f->db, f->manager, in, &id));
    engsched_input_free(in);
    assert_unchanged(f, &s);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_strict_handle_option),
        T(test_strict_tenant_setting),
        T(test_warn_option_overrides_strict_tenant),
        T(test_warn_returns_conflicts),
        T(test_only_qualified_operators),
        T(test_already_assigned_is_eexists_under_strict),
        T(test_unassign),
        T(test_unavailability_permissions),
        T(test_conflicts_leave_out_closed_and_self),
        T(test_touching_overlaps_adjacent_does_not),
        T(test_strict_create_and_approve),
    };
    return cmocka_run_group_tests_name("assignment", tests, NULL, NULL);
}
