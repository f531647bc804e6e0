/* Assigning operators to engagements. Only operators (REPORT_VIEW and
 * REPORT_EDIT) with access to the engagement's client qualify; their
 * overlapping work is reported, or refused under the strict policy. */
#include <string.h>

#include "json/engagement_json.h"
#include "core/engagement_store.h"
#include "core/events.h"
#include "core/invitation_state.h"
#include "core/settings.h"
#include "util/dates.h"
#include "rules/allocation.h"
#include "views/work_list.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

engsched_rc es_strict_policy(engsched *db, int *out_strict)
{
    if (db->opts.conflict_policy != ENGSCHED_CONFLICTS_TENANT) {
        *out_strict = db->opts.conflict_policy == ENGSCHED_CONFLICTS_STRICT;
        return ENGSCHED_OK;
    }
    char *policy = NULL;
    engsched_rc rc = es_setting_read(db, "conflict_policy", &policy);
    if (rc == ENGSCHED_OK)
        *out_strict = strcmp(policy, "strict") == 0;
    es_free(policy);
    return rc;
}

static engsched_rc check_operator(engsched *db, const es_actor *actor, const es_engagement *e,
                                  engsched_id user)
{
    es_actor op = {.id = user};
    if (user <= 0)
        return es_fail(db, ENGSCHED_EINVAL, "operator: %lld is not a user id", (long long)user);
    engsched_rc rc = es_actor_load(db, user, &op);
    if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOTFOUND)
        return rc;
    /* A user the actor may not see is answered as one that does not exist. */
    es_assignee verdict;
    rc = es_assignee_of(db, actor, e->rec.client, rc == ENGSCHED_OK ? &op : NULL, &verdict);
    if (rc != ENGSCHED_OK)
        return rc;
    switch (verdict) {
    case ES_ASSIGNEE_OK:
        return ENGSCHED_OK;
    case ES_ASSIGNEE_NOT_FOUND:
        return es_fail(db, ENGSCHED_EINVAL, "operator: user %lld not found", (long long)user);
    case ES_ASSIGNEE_NOT_OPERATOR:
        return es_fail(db, ENGSCHED_EINVAL,
                       "operator: user %lld is not an operator (needs report_view and "
                       "report_edit)",
                       (long long)user);
    case ES_ASSIGNEE_NO_ACCESS:
        break;
    }
    return es_fail(db, ENGSCHED_EINVAL, "operator: user %lld has no access to client %lld",
                   (long long)user, (long long)e->rec.client);
}

/* The strict policy's refusal of an operator's overlapping work. */
static engsched_rc refuse_overlap(engsched *db, engsched_id user,
                                  const engsched_work_list *conflicts)
{
    /* Sorted by start; the latest end can be anywhere in the list. */
    const es_work_item *last = &conflicts->items[0];
    for (size_t i = 1; i < conflicts->count; i++) {
        if (conflicts->items[i].end_day > last->end_day)
            last = &conflicts->items[i];
    }
    return es_fail(db, ENGSCHED_ECONFLICT,
                   "operator: user %lld has %zu overlapping engagement(s) or absence(s) "
                   "from %s to %s (strict conflict policy)",
                   (long long)user, conflicts->count, conflicts->items[0].start, last->end);
}

engsched_rc es_allocation_check(engsched *db, const es_actor *actor, const es_engagement *e,
                                const engsched_rec_assignment *a, int strict,
                                engsched_work_list *conflicts)
{
    engsched_rc rc = es_collect_work(db, actor, a->user, ES_BUSY_STATUSES, e->rec.id,
                                     a->window_start, a->window_end, conflicts);
    if (rc != ENGSCHED_OK)
        return rc;
    if (es_work_list_keep_conflicts(conflicts, a->window_start, a->window_end, a->percent) !=
        ENGSCHED_OK)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory checking conflicts");
    /* A hold is never a conflict: it is made, with what confirming it
     * would meet. */
    if (strict && !a->tentative && conflicts->count > 0)
        return refuse_overlap(db, a->user, conflicts);
    return ENGSCHED_OK;
}

engsched_rc es_allocation_of(engsched *db, const es_engagement *e,
                             const engsched_assign_options *opts, engsched_rec_assignment *a)
{
    a->windowed = 0;
    a->window_start = e->rec.start_day;
    a->window_end = e->rec.end_day;
    a->percent = 100;
    a->tentative = 0;
    if (opts == NULL)
        return ENGSCHED_OK;
    if (opts->version != ENGSCHED_ASSIGN_OPTIONS_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "opts: version %u is not %d", opts->version,
                       ENGSCHED_ASSIGN_OPTIONS_VERSION);
    if ((opts->start == NULL) != (opts->end == NULL))
        return es_fail(db, ENGSCHED_EINVAL, "window: give both start and end, or neither");
    if (opts->start != NULL) {
        int32_t from, to;
        if (!es_date_parse(opts->start, &from))
            return es_fail(db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)",
                           opts->start);
        if (!es_date_parse(opts->end, &to))
            return es_fail(db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                           opts->end);
        if (!es_alloc_window_valid(e->rec.start_day, e->rec.end_day, from, to)) {
            char first[ES_DATE_LEN], last[ES_DATE_LEN];
            es_date_format(e->rec.start_day, first);
            es_date_format(e->rec.end_day, last);
            return es_fail(db, ENGSCHED_EINVAL,
                           "window: %s to %s is not a window of the engagement's dates %s to %s",
                           opts->start, opts->end, first, last);
        }
        a->windowed = from != e->rec.start_day || to != e->rec.end_day;
        a->window_start = from;
        a->window_end = to;
    }
    if (opts->percent != 0 && !es_alloc_percent_valid(opts->percent))
        return es_fail(db, ENGSCHED_EINVAL, "percent: %d is not a share of a day (1 to 100)",
                       opts->percent);
    a->percent = opts->percent != 0 ? opts->percent : 100;
    a->tentative = opts->tentative != 0;
    if (!db->allocations && (a->windowed || a->percent != 100 || a->tentative))
        return es_fail(db, ENGSCHED_EUNSUPPORTED,
                       "allocation: this backend (table version %u) stores no windows, shares "
                       "or holds",
                       db->storage->version);
    return ENGSCHED_OK;
}

json_t *es_allocation_details(json_t *details, const engsched_rec_assignment *a)
{
    if (details == NULL)
        return NULL;
    char start[ES_DATE_LEN], end[ES_DATE_LEN];
    es_date_format(a->window_start, start);
    es_date_format(a->window_end, end);
    int failed = 0;
    if (a->windowed)
        failed |= json_object_set_new(details, "start", json_string(start)) != 0 ||
                  json_object_set_new(details, "end", json_string(end)) != 0;
    if (a->percent != 100)
        failed |= json_object_set_new(details, "percent", json_integer(a->percent)) != 0;
    if (a->tentative)
        failed |= json_object_set_new(details, "tentative", json_true()) != 0;
    if (failed) {
        json_decref(details);
        return NULL;
    }
    return details;
}

/* Check, collect conflicts, apply the policy, insert, announce. */
static engsched_rc assign_one(engsched *db, const es_actor *actor, const es_engagement *e,
                              engsched_id user, engsched_operator_role role,
                              const engsched_assign_options *opts, int64_t now,
                              engsched_work_list *conflicts)
{
    int strict = 0;
    engsched_rec_assignment rec = {e->rec.id, user, (int)role, actor->id, now, 0, 0, 0, 100, 0};
    engsched_rc rc = check_operator(db, actor, e, user);
    if (rc == ENGSCHED_OK)
        rc = es_allocation_of(db, e, opts, &rec);
    if (rc == ENGSCHED_OK)
        rc = es_strict_policy(db, &strict);
    if (rc != ENGSCHED_OK)
        return rc;
    /* Insert before applying the policy: an operator already on the
     * engagement is EEXISTS whatever their other work. Every caller runs
     * in a write transaction that a failure rolls back, insert included. */
    rc = db->storage->assignment_insert(db->storage, &rec);
    if (rc == ENGSCHED_EEXISTS)
        return es_fail(db, rc, "operator: user %lld is already assigned to engagement %lld",
                       (long long)user, (long long)e->rec.id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "assigning an operator");
    if ((rc = es_allocation_check(db, actor, e, &rec, strict, conflicts)) != ENGSCHED_OK)
        return rc;
    if ((rc = es_invitation_touch(db, e->rec.id, user, 0)) != ENGSCHED_OK)
        return rc;
    return es_emit(db, actor->id, e->rec.id, "operator.assigned", e->rec.status, e->rec.status,
                   es_allocation_details(json_pack("{s:I, s:s, s:I}", "user", (json_int_t)user,
                                                   "role", es_oprole_name((int)role),
                                                   "conflicts", (json_int_t)conflicts->count),
                                         &rec));
}

engsched_rc es_assign_input_operators(engsched *db, const es_actor *actor,
                                      const es_engagement *e, const engsched_input *in,
                                      int64_t now)
{
    if (in == NULL || in->operator_count == 0)
        return ENGSCHED_OK;
    engsched_work_list *conflicts = es_work_list_new();
    if (conflicts == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory assigning operators");
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; rc == ENGSCHED_OK && i < in->operator_count; i++) {
        es_work_list_clear(conflicts);
        rc = assign_one(db, actor, e, in->operators[i].user, in->operators[i].role, NULL, now,
                        conflicts);
    }
    engsched_work_list_free(conflicts);
    return rc;
}

engsched_rc engsched_assign_options_init(engsched_assign_options *opts, unsigned int version)
{
    if (opts == NULL || version != ENGSCHED_ASSIGN_OPTIONS_VERSION)
        return ENGSCHED_EMISUSE;
    *opts = (engsched_assign_options)ENGSCHED_ASSIGN_OPTIONS_INIT;
    return ENGSCHED_OK;
}

engsched_rc es_assignment_run(engsched *db, engsched_id actor, engsched_id engagement,
                              int64_t version, int write, es_assignment_step step, void *ctx,
                              engsched_work_list **out_conflicts)
{
    engsched_work_list *conflicts = es_work_list_new();
    if (conflicts == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory checking an operator's work");
    engsched_rc rc = es_begin(db, write);
    if (rc == ENGSCHED_OK) {
        es_actor who;
        es_engagement e;
        rc = es_engagement_open(db, actor, engagement, ES_OP_ASSIGN, 0, version, &who, &e);
        if (rc == ENGSCHED_OK) {
            rc = step(db, &who, &e, ctx, conflicts);
            es_engagement_release(&e);
        }
        rc = es_finish_and_deliver(db, rc);
    }
    if (rc == ENGSCHED_OK && out_conflicts != NULL) {
        *out_conflicts = conflicts;
        return ENGSCHED_OK;
    }
    engsched_work_list_free(conflicts);
    return rc;
}

typedef struct assign_args {
    engsched_id user;
    engsched_operator_role role;
    const engsched_assign_options *opts;
} assign_args;

static engsched_rc assign_step(engsched *db, const es_actor *who, const es_engagement *e,
                               void *ctx, engsched_work_list *conflicts)
{
    const assign_args *a = ctx;
    return assign_one(db, who, e, a->user, a->role, a->opts, es_now(db), conflicts);
}

engsched_rc engsched_assign_ex(engsched *db, engsched_id actor, engsched_id engagement,
                               int64_t version, engsched_id user, engsched_operator_role role,
                               const engsched_assign_options *opts,
                               engsched_work_list **out_conflicts)
{
    ES_CHECK_DB(db);
    if ((int)role < ENGSCHED_OPROLE_NONE || (int)role > ENGSCHED_OPROLE_REVIEWER)
        return es_fail(db, ENGSCHED_EINVAL, "role: unknown operator role %d", (int)role);
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    assign_args args = {user, role, opts};
    return es_assignment_run(db, actor, engagement, version, 1, assign_step, &args,
                             out_conflicts);
}

engsched_rc engsched_assign(engsched *db, engsched_id actor, engsched_id engagement,
                            int64_t version, engsched_id user, engsched_operator_role role,
                            engsched_work_list **out_conflicts)
{
    return engsched_assign_ex(db, actor, engagement, version, user, role, NULL, out_conflicts);
}

engsched_rc engsched_unassign(engsched *db, engsched_id actor, engsched_id engagement,
                              int64_t version, engsched_id user)
{
    ES_CHECK_DB(db);
    if (version < 0)
        return es_fail(db, ENGSCHED_EINVAL, "version: %lld is negative", (long long)version);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_ASSIGN, 0, version, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    rc = db->storage->assignment_delete(db->storage, engagement, user);
    if (rc == ENGSCHED_ENOTFOUND)
        es_fail(db, rc, "operator: user %lld is not assigned to engagement %lld",
                (long long)user, (long long)engagement);
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "unassigning an operator");
    else if ((rc = es_invitation_touch(db, engagement, user, 1)) == ENGSCHED_OK)
        rc = es_emit(db, actor, engagement, "operator.unassigned", e.rec.status, e.rec.status,
                     json_pack("{s:I}", "user", (json_int_t)user));
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}

/* The conflicts a whole-engagement, whole-day, firm assignment would have. */
static engsched_rc preview_step(engsched *db, const es_actor *who, const es_engagement *e,
                                void *ctx, engsched_work_list *conflicts)
{
    engsched_id user = *(const engsched_id *)ctx;
    engsched_rec_assignment a = {e->rec.id, user, 0, 0, 0, 0, e->rec.start_day,
                                 e->rec.end_day, 100, 0};
    engsched_rc rc = check_operator(db, who, e, user);
    return rc == ENGSCHED_OK ? es_allocation_check(db, who, e, &a, 0, conflicts) : rc;
}

engsched_rc engsched_operator_conflicts(engsched *db, engsched_id actor, engsched_id engagement,
                                        engsched_id user, engsched_work_list **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    return es_assignment_run(db, actor, engagement, 0, 0, preview_step, &user, out);
}
