/* The allocation cases of the storage conformance suite (table version
 * 6: assignment_update(), operator_allocations() and the version 6
 * members of engsched_rec_assignment; version 7: range_staffing() and
 * range_unavailability()). A backend without them skips the cases. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define EXPECT_RC(s, want, expr) \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

#define ALL_STATUSES 0x7eu

/* The backend of the case, or a skip when it stores no allocations. */
static engsched_storage *allocation_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 6 || s->assignment_update == NULL) {
        print_message("the backend stores no allocations (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    assert_non_null(s->operator_allocations);
    return s;
}

typedef struct seen {
    engsched_rec_assignment a[8];
    engsched_id engagement[8];
    int32_t engagement_start[8];
    size_t count;
} seen;

static engsched_rc on_assignment(void *ctx, const engsched_rec_assignment *row)
{
    seen *r = ctx;
    assert_true(r->count < 8);
    r->a[r->count++] = *row;
    return ENGSCHED_OK;
}

static engsched_rc on_allocation(void *ctx, const engsched_rec_assignment *a,
                                 const engsched_rec_engagement *e)
{
    seen *r = ctx;
    assert_true(r->count < 8);
    r->engagement[r->count] = e->id;
    r->engagement_start[r->count] = e->start_day;
    r->a[r->count++] = *a;
    return ENGSCHED_OK;
}

static engsched_rec_assignment allocation(engsched_id e, engsched_id user, int windowed,
                                          int32_t from, int32_t to, int percent, int tentative)
{
    engsched_rec_assignment a = {
        e, user, ENGSCHED_OPROLE_TESTER, 0, 1700000000, windowed, from, to, percent, tentative};
    return a;
}

static void assert_window(const engsched_rec_assignment *a, int windowed, int32_t from, int32_t to,
                          int percent, int tentative)
{
    assert_int_equal(a->windowed != 0, windowed);
    assert_int_equal(a->window_start, from);
    assert_int_equal(a->window_end, to);
    assert_int_equal(a->percent, percent);
    assert_int_equal(a->tentative != 0, tentative);
}

static seen list_of(engsched_storage *s, engsched_id e)
{
    seen r;
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->assignment_list(s, e, on_assignment, &r));
    return r;
}

/* Days 100-104 are both engagements' dates (conf_add_owners). */
void conf_allocations_round_trip(void **state)
{
    engsched_storage *s = allocation_backend(state);
    conf_owners o = conf_add_owners(s);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_assignment held = allocation(o.eng[0], o.user, 1, 101, 102, 40, 1);
    EXPECT_OK(s, s->assignment_insert(s, &held));
    /* Not windowed: the engagement's dates, whatever the window members say;
     * a share of 0 is the whole day. */
    engsched_rec_assignment whole = allocation(o.eng[1], o.user, 0, 7, 8, 0, 0);
    EXPECT_OK(s, s->assignment_insert(s, &whole));
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    seen r = list_of(s, o.eng[0]);
    assert_int_equal(r.count, 1);
    assert_window(&r.a[0], 1, 101, 102, 40, 1);
    r = list_of(s, o.eng[1]);
    assert_window(&r.a[0], 0, 100, 104, 100, 0);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_assignment firm = allocation(o.eng[0], o.user, 0, 0, 0, 75, 0);
    firm.role = ENGSCHED_OPROLE_LEAD;
    firm.assigned_at = 5; /* kept: not the update's to change */
    EXPECT_OK(s, s->assignment_update(s, &firm));
    engsched_rec_assignment missing = allocation(o.eng[1], o.user + 1000, 0, 0, 0, 100, 0);
    EXPECT_RC(s, ENGSCHED_ENOTFOUND, s->assignment_update(s, &missing));
    r = list_of(s, o.eng[0]);
    assert_window(&r.a[0], 0, 100, 104, 75, 0);
    assert_int_equal(r.a[0].role, ENGSCHED_OPROLE_LEAD);
    assert_int_equal(r.a[0].assigned_at, 1700000000);
    EXPECT_OK(s, s->rollback(s));

    /* Rolled back: the hold again. */
    EXPECT_OK(s, s->begin(s, 0));
    r = list_of(s, o.eng[0]);
    assert_window(&r.a[0], 1, 101, 102, 40, 1);
    EXPECT_OK(s, s->commit(s));
}

/* Give engagement @p id (of conf_add_owners(), named @p name) new dates.
 * A record's strings last only until the next call, so the text fields are
 * the ones conf_add_owners() wrote rather than the read record's. */
static void move_dates(engsched_storage *s, engsched_id id, const char *name, int32_t start,
                       int32_t end)
{
    engsched_rec_engagement e;
    EXPECT_OK(s, s->engagement_get(s, id, &e));
    e.name = name;
    e.description = e.type = e.location = e.contacts = e.cancel_reason = e.report_title = "";
    e.custom_fields = "{}";
    e.recurrence = "";
    e.start_day = start;
    e.end_day = end;
    engsched_id report = 0;
    EXPECT_OK(s, s->engagement_update(s, &e, &report));
}

/* A change of the engagement's dates moves windows that are not
 * windowed, and leaves the others to the core. */
void conf_allocations_follow_dates(void **state)
{
    engsched_storage *s = allocation_backend(state);
    conf_owners o = conf_add_owners(s);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_assignment narrow = allocation(o.eng[0], o.user, 1, 101, 101, 100, 0);
    EXPECT_OK(s, s->assignment_insert(s, &narrow));
    engsched_rec_assignment whole = allocation(o.eng[1], o.user, 0, 0, 0, 100, 0);
    EXPECT_OK(s, s->assignment_insert(s, &whole));
    move_dates(s, o.eng[1], "second", 200, 210);
    move_dates(s, o.eng[0], "first", 300, 304);
    seen r = list_of(s, o.eng[1]);
    assert_window(&r.a[0], 0, 200, 210, 100, 0);
    r = list_of(s, o.eng[0]);
    assert_window(&r.a[0], 1, 101, 101, 100, 0);
    /* Made whole again: the engagement's dates at once. */
    engsched_rec_assignment again = allocation(o.eng[0], o.user, 0, 0, 0, 100, 0);
    EXPECT_OK(s, s->assignment_update(s, &again));
    r = list_of(s, o.eng[0]);
    assert_window(&r.a[0], 0, 300, 304, 100, 0);
    EXPECT_OK(s, s->commit(s));
}

/* The window decides the overlap, the mask the statuses; rows come by
 * (window start, engagement id), each with its engagement. */
void conf_operator_allocations(void **state)
{
    engsched_storage *s = allocation_backend(state);
    conf_owners o = conf_add_owners(s);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_assignment late = allocation(o.eng[0], o.user, 1, 103, 104, 50, 0);
    engsched_rec_assignment early = allocation(o.eng[1], o.user, 1, 100, 101, 25, 1);
    EXPECT_OK(s, s->assignment_insert(s, &late));
    EXPECT_OK(s, s->assignment_insert(s, &early));
    seen r;
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->operator_allocations(s, o.user, ALL_STATUSES, 90, 120, on_allocation, &r));
    assert_int_equal(r.count, 2);
    assert_int_equal(r.engagement[0], o.eng[1]);
    assert_int_equal(r.engagement_start[0], 100);
    assert_window(&r.a[0], 1, 100, 101, 25, 1);
    assert_int_equal(r.engagement[1], o.eng[0]);
    assert_window(&r.a[1], 1, 103, 104, 50, 0);
    /* Day 102 is inside both engagements and neither window. */
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->operator_allocations(s, o.user, ALL_STATUSES, 102, 102, on_allocation, &r));
    assert_int_equal(r.count, 0);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->operator_allocations(s, o.user, ALL_STATUSES, 104, 130, on_allocation, &r));
    assert_int_equal(r.count, 1);
    assert_int_equal(r.engagement[0], o.eng[0]);
    /* Scheduled is not in the mask: nothing. */
    memset(&r, 0, sizeof r);
    EXPECT_OK(s, s->operator_allocations(s, o.user, 1u << ENGSCHED_STATUS_PENDING, 90, 120,
                                         on_allocation, &r));
    assert_int_equal(r.count, 0);
    memset(&r, 0, sizeof r);
    EXPECT_OK(s,
              s->operator_allocations(s, o.user + 1000, ALL_STATUSES, 90, 120, on_allocation, &r));
    assert_int_equal(r.count, 0);
    EXPECT_OK(s, s->commit(s));
}

/* The backend of a version 7 case with conf_add_owners()'s owners and a
 * second operator (in *out_second), in a write transaction; or a skip. */
static engsched_storage *range_backend(void **state, conf_owners *o, engsched_id *out_second)
{
    engsched_storage *s = allocation_backend(state);
    if (s->version < 7 || s->range_staffing == NULL || s->range_unavailability == NULL) {
        print_message("the backend has no range callbacks (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    *o = conf_add_owners(s);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_user other = {0, "op2", "op2@example.com", "Op 2", 0, 0, 0};
    engsched_rec_user me;
    int created = 0;
    EXPECT_OK(s, s->user_get(s, o->user, &me));
    other.role = me.role;
    EXPECT_OK(s, s->user_upsert(s, &other, out_second, &created));
    return s;
}

typedef struct staffing_seen {
    engsched_id engagement[8];
    int32_t start[8];
    int has_assignment[8];
    char name[8][16];
    engsched_rec_assignment a[8];
    size_t count;
} staffing_seen;

static engsched_rc on_staffing(void *ctx, const engsched_rec_assignment *a,
                               const engsched_rec_engagement *e)
{
    staffing_seen *r = ctx;
    assert_true(r->count < 8);
    r->engagement[r->count] = e->id;
    r->start[r->count] = e->start_day;
    r->has_assignment[r->count] = a != NULL;
    snprintf(r->name[r->count], sizeof r->name[0], "%s", e->name != NULL ? e->name : "");
    if (a != NULL)
        r->a[r->count] = *a;
    r->count++;
    return ENGSCHED_OK;
}

static staffing_seen staffing_of(engsched_storage *s, unsigned int statuses, int32_t from,
                                 int32_t to)
{
    staffing_seen r, named;
    memset(&r, 0, sizeof r);
    memset(&named, 0, sizeof named);
    EXPECT_OK(s, s->range_staffing(s, statuses, from, to, 0, on_staffing, &r));
    /* With names: the same rows, each with its engagement's name. */
    EXPECT_OK(s, s->range_staffing(s, statuses, from, to, 1, on_staffing, &named));
    assert_int_equal(named.count, r.count);
    for (size_t i = 0; i < r.count; i++) {
        assert_int_equal(named.engagement[i], r.engagement[i]);
        assert_int_equal(named.has_assignment[i], r.has_assignment[i]);
        assert_true(strcmp(named.name[i], "first") == 0 || strcmp(named.name[i], "second") == 0);
    }
    return r;
}

/* Version 7: every engagement whose dates overlap the range, once per
 * assignment (consecutive) or once without one, by (start_day, id); the
 * window does not decide, the dates and the mask do. */
void conf_range_staffing(void **state)
{
    conf_owners o;
    engsched_id second_user = 0;
    engsched_storage *s = range_backend(state, &o, &second_user);
    engsched_rec_assignment held = allocation(o.eng[0], o.user, 1, 101, 102, 50, 1);
    engsched_rec_assignment whole = allocation(o.eng[0], second_user, 0, 0, 0, 100, 0);
    EXPECT_OK(s, s->assignment_insert(s, &held));
    EXPECT_OK(s, s->assignment_insert(s, &whole));
    move_dates(s, o.eng[1], "second", 110, 112);

    staffing_seen r = staffing_of(s, ALL_STATUSES, 90, 120);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.engagement[0], o.eng[0]);
    assert_int_equal(r.engagement[1], o.eng[0]);
    assert_true(r.has_assignment[0] && r.has_assignment[1]);
    int held_first = r.a[0].user == o.user;
    const engsched_rec_assignment *h = &r.a[held_first ? 0 : 1], *w = &r.a[held_first ? 1 : 0];
    assert_window(h, 1, 101, 102, 50, 1);
    assert_int_equal(w->user, second_user);
    assert_window(w, 0, 100, 104, 100, 0);
    assert_int_equal(r.engagement[2], o.eng[1]);
    assert_int_equal(r.start[2], 110);
    assert_false(r.has_assignment[2]);
    /* The dates decide: day 104 is outside the hold's window. */
    r = staffing_of(s, ALL_STATUSES, 104, 104);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.engagement[0], o.eng[0]);
    r = staffing_of(s, ALL_STATUSES, 105, 109);
    assert_int_equal(r.count, 0);
    r = staffing_of(s, 1u << ENGSCHED_STATUS_PENDING, 90, 120);
    assert_int_equal(r.count, 0);
    /* By start date: the first engagement moved after the second. */
    move_dates(s, o.eng[0], "first", 130, 131);
    r = staffing_of(s, ALL_STATUSES, 90, 140);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.engagement[0], o.eng[1]);
    assert_int_equal(r.engagement[1], o.eng[0]);
    assert_int_equal(r.engagement[2], o.eng[0]);
    EXPECT_OK(s, s->commit(s));
}

static engsched_rc on_absence(void *ctx, const engsched_rec_unavailability *row)
{
    staffing_seen *r = ctx;
    assert_true(r->count < 8);
    r->engagement[r->count] = row->user;
    r->start[r->count++] = row->start_day;
    return ENGSCHED_OK;
}

static size_t absences_of(engsched_storage *s, int32_t from, int32_t to, staffing_seen *r)
{
    memset(r, 0, sizeof *r);
    EXPECT_OK(s, s->range_unavailability(s, from, to, on_absence, r));
    return r->count;
}

/* Version 7: every user's unavailability overlapping the range, with its
 * user, in any order. */
void conf_range_unavailability(void **state)
{
    conf_owners o;
    engsched_id second_user = 0, id = 0;
    engsched_storage *s = range_backend(state, &o, &second_user);
    engsched_rec_unavailability mine = {0, o.user, 100, 102, "Leave", 0, 1700000000};
    engsched_rec_unavailability theirs = {0, second_user, 105, 105, "Training", 0, 1700000000};
    EXPECT_OK(s, s->unavailability_insert(s, &mine, &id));
    EXPECT_OK(s, s->unavailability_insert(s, &theirs, &id));
    staffing_seen r;
    assert_int_equal(absences_of(s, 90, 120, &r), 2);
    int mine_first = r.engagement[0] == o.user;
    assert_int_equal(r.engagement[mine_first ? 1 : 0], second_user);
    assert_int_equal(r.start[mine_first ? 0 : 1], 100);
    assert_int_equal(absences_of(s, 102, 104, &r), 1);
    assert_int_equal(r.engagement[0], o.user);
    assert_int_equal(absences_of(s, 105, 200, &r), 1);
    assert_int_equal(r.engagement[0], second_user);
    assert_int_equal(absences_of(s, 103, 104, &r), 0);
    EXPECT_OK(s, s->commit(s));
}
