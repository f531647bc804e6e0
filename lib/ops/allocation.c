/* Changing an assignment's allocation: its window, share and hold
 * (docs/design.md §4). An edit of the allocation, the confirmation of a
 * hold and a change of the engagement's dates are checked as a new
 * assignment is (ops/assignment.c). */
#include <string.h>

#include "core/assignment_record.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "delivery/delivery.h"
#include "rules/allocation.h"
#include "views/work_list.h"
#include "ops/ops.h"

/* The engagement's assignments as the core reads them, in assignment
 * order; collected before they are checked, as a backend is not called
 * from inside its own row callback. */
typedef struct assignments {
    const engsched *db;
    int32_t start_day, end_day;
    engsched_rec_assignment *rows;
    size_t count;
    size_t cap;
} assignments;

static engsched_rc collect_assignment(void *ctx, const engsched_rec_assignment *row)
{
    assignments *all = ctx;
    engsched_rec_assignment *grown = es_grow(all->rows, &all->cap, all->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    all->rows = grown;
    es_assignment_read(all->db, row, all->start_day, all->end_day, &all->rows[all->count++]);
    return ENGSCHED_OK;
}

/* @p start_day, @p end_day: what a window that is not one stands for. */
static engsched_rc list_assignments(engsched *db, engsched_id engagement, int32_t start_day,
                                    int32_t end_day, assignments *out)
{
    *out = (assignments){db, start_day, end_day, NULL, 0, 0};
    engsched_rc rc = db->storage->assignment_list(db->storage, engagement, collect_assignment, out);
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(db, rc, "out of memory reading operators");
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading operators");
    return ENGSCHED_OK;
}

static engsched_rc store_allocation(engsched *db, const engsched_rec_assignment *a)
{
    engsched_rc rc = db->storage->assignment_update(db->storage, a);
    return rc == ENGSCHED_OK ? rc : es_storage_fail(db, rc, "changing an assignment");
}

/* Where a window goes when the dates move; the whole engagement again when
 * nothing of it is left. */
static void follow_dates(const es_engagement *e, int32_t old_start, int32_t old_end,
                         engsched_rec_assignment *a)
{
    int32_t from = 0, to = 0;
    a->windowed = es_alloc_window_follow(old_start, old_end, e->rec.start_day, e->rec.end_day,
                                         a->window_start, a->window_end, &from, &to);
    a->window_start = a->windowed ? from : e->rec.start_day;
    a->window_end = a->windowed ? to : e->rec.end_day;
}

engsched_rc es_recheck_operators(engsched *db, const es_actor *actor, const es_engagement *e,
                                 int32_t old_start, int32_t old_end, engsched_work_list *out)
{
    assignments all;
    engsched_work_list *conflicts = NULL;
    int strict = 0;
    engsched_rc rc = es_strict_policy(db, &strict);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = list_assignments(db, e->rec.id, e->rec.start_day, e->rec.end_day, &all)) !=
        ENGSCHED_OK)
        goto out;
    if ((conflicts = es_work_list_new()) == NULL) {
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory checking operators");
        goto out;
    }
    for (size_t i = 0; rc == ENGSCHED_OK && i < all.count; i++) {
        engsched_rec_assignment *a = &all.rows[i];
        if (a->windowed) {
            follow_dates(e, old_start, old_end, a);
            rc = store_allocation(db, a);
        }
        es_work_list_clear(conflicts);
        if (rc == ENGSCHED_OK)
            rc = es_allocation_check(db, actor, e, a, strict, conflicts);
        if (rc == ENGSCHED_OK && out != NULL && es_work_list_append(out, conflicts) != ENGSCHED_OK)
            rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory checking operators");
    }
out:
    engsched_work_list_free(conflicts);
    es_free(all.rows);
    return rc;
}

/* The assignment of @p user to e, or ENOTFOUND. */
static engsched_rc find_assignment(engsched *db, const es_engagement *e, engsched_id user,
                                   engsched_rec_assignment *out)
{
    assignments all;
    engsched_rc rc = list_assignments(db, e->rec.id, e->rec.start_day, e->rec.end_day, &all);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_fail(db, ENGSCHED_ENOTFOUND, "operator: user %lld is not assigned to engagement %lld",
                 (long long)user, (long long)e->rec.id);
    for (size_t i = 0; i < all.count; i++) {
        if (all.rows[i].user == user) {
            *out = all.rows[i];
            rc = ENGSCHED_OK;
            break;
        }
    }
    es_free(all.rows);
    return rc;
}

typedef enum change_kind { CHANGE_ALLOCATION, CHANGE_CONFIRM } change_kind;

static int same_allocation(const engsched_rec_assignment *a, const engsched_rec_assignment *b)
{
    return a->windowed == b->windowed && a->window_start == b->window_start &&
           a->window_end == b->window_end && a->percent == b->percent &&
           a->tentative == b->tentative;
}

/* The new allocation of the change, from @p old. */
static engsched_rc changed_allocation(engsched *db, const es_engagement *e, change_kind kind,
                                      const engsched_assign_options *opts,
                                      const engsched_rec_assignment *old,
                                      engsched_rec_assignment *out)
{
    *out = *old;
    if (kind == CHANGE_ALLOCATION)
        return es_allocation_of(db, e, opts, out);
    if (!old->tentative)
        return es_fail(db, ENGSCHED_ESTATE,
                       "operator: user %lld holds no tentative assignment on engagement %lld",
                       (long long)old->user, (long long)e->rec.id);
    out->tentative = 0;
    return ENGSCHED_OK;
}

static engsched_rc change_in(engsched *db, const es_actor *who, const es_engagement *e,
                             engsched_id user, change_kind kind,
                             const engsched_assign_options *opts, engsched_work_list *conflicts)
{
    engsched_rec_assignment old, now;
    int strict = 0;
    engsched_rc rc = find_assignment(db, e, user, &old);
    if (rc == ENGSCHED_OK)
        rc = changed_allocation(db, e, kind, opts, &old, &now);
    if (rc == ENGSCHED_OK)
        rc = es_strict_policy(db, &strict);
    if (rc == ENGSCHED_OK)
        rc = es_allocation_check(db, who, e, &now, strict, conflicts);
    if (rc != ENGSCHED_OK || same_allocation(&old, &now))
        return rc;
    if (!db->allocations)
        return es_fail(db, ENGSCHED_EUNSUPPORTED,
                       "allocation: this backend (table version %u) stores no windows, shares "
                       "or holds",
                       db->storage->version);
    if ((rc = store_allocation(db, &now)) != ENGSCHED_OK ||
        (rc = es_invitation_touch(db, e->rec.id, user, 0)) != ENGSCHED_OK)
        return rc;
    const char *action = kind == CHANGE_CONFIRM ? "assignment.confirmed" : "assignment.changed";
    return es_emit(db, who->id, e->rec.id, action, e->rec.status, e->rec.status,
                   es_allocation_details(json_pack("{s:I, s:I}", "user", (json_int_t)user,
                                                   "conflicts", (json_int_t)conflicts->count),
                                         &now));
}

typedef struct change_args {
    engsched_id user;
    change_kind kind;
    const engsched_assign_options *opts;
} change_args;

static engsched_rc change_step(engsched *db, const es_actor *who, const es_engagement *e,
                               void *ctx, engsched_work_list *conflicts)
{
    const change_args *a = ctx;
    return change_in(db, who, e, a->user, a->kind, a->opts, conflicts);
}

static engsched_rc change(engsched *db, engsched_id actor, engsched_id engagement, int64_t version,
                          engsched_id user, change_kind kind, const engsched_assign_options *opts,
                          engsched_work_list **out_conflicts)
{
    ES_CHECK_DB(db);
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    change_args args = {user, kind, opts};
    return es_assignment_run(db, actor, engagement, version, 1, change_step, &args,
                             out_conflicts);
}

engsched_rc engsched_assignment_update(engsched *db, engsched_id actor, engsched_id engagement,
                                       int64_t version, engsched_id user,
                                       const engsched_assign_options *opts,
                                       engsched_work_list **out_conflicts)
{
    return change(db, actor, engagement, version, user, CHANGE_ALLOCATION, opts, out_conflicts);
}

engsched_rc engsched_hold_confirm(engsched *db, engsched_id actor, engsched_id engagement,
                                  int64_t version, engsched_id user,
                                  engsched_work_list **out_conflicts)
{
    return change(db, actor, engagement, version, user, CHANGE_CONFIRM, NULL, out_conflicts);
}
