/* The in-memory backend's engagements: engagements and their reports,
 * assignments, invitations, and the queries behind the views (List and
 * Calendar through engagement_query(), the hourly job's due list, an
 * operator's work).
 *
 * The core derives every status, checks every permission and applies
 * every rule; this file stores what it is given and answers the queries
 * with the filters, order and keyset paging storage.h describes. */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

/* --- engagements and their reports ------------------------------------- */

static void engagement_release(void *item)
{
    mem_engagement *x = item;
    free(x->name);
    free(x->description);
    free(x->type);
    free(x->location);
    free(x->contacts);
    free(x->custom_fields);
    free(x->cancel_reason);
    free(x->report_title);
    free(x->recurrence);
}

/* A record from an interface row, with our id and report id. Fields
 * documented as `"" if none` ("{}" for custom_fields) may come as NULL
 * and are stored as that default, so reads never return NULL for them. */
static int engagement_make(mem_engagement *out, engsched_id id, engsched_id report,
                           const engsched_rec_engagement *rec)
{
    *out = (mem_engagement){
        .id = id,
        .client = rec->client,
        .requested_by = rec->requested_by, /* 0: the system; read back as 0 */
        .name = mem_strdup(rec->name),
        .description = mem_strdup_or(rec->description, ""),
        .type = mem_strdup_or(rec->type, ""),
        .location = mem_strdup_or(rec->location, ""),
        .contacts = mem_strdup_or(rec->contacts, ""),
        .custom_fields = mem_strdup_or(rec->custom_fields, "{}"),
        .cancel_reason = mem_strdup_or(rec->cancel_reason, ""),
        .start_day = rec->start_day,
        .end_day = rec->end_day,
        .status = rec->status,
        .version = rec->version,
        .created_at = rec->created_at,
        .updated_at = rec->updated_at,
        .report = report,
        .report_status = report != 0 ? rec->report_status : ENGSCHED_REPORT_NONE,
        .report_title = mem_strdup_or(report != 0 ? rec->report_title : NULL, ""),
        .recurrence = mem_strdup_or(rec->recurrence, ""),
        .origin = rec->origin,
        .recurrence_next_day = rec->recurrence_next_day,
    };
    if (!out->name || !out->description || !out->type || !out->location || !out->contacts ||
        !out->custom_fields || !out->cancel_reason || !out->report_title || !out->recurrence) {
        engagement_release(out);
        return -1;
    }
    return 0;
}

/* The interface row; strings point into the record. No report reads as
 * id 0, status NONE and title "". */
static engsched_rec_engagement engagement_to_rec(const mem_engagement *e)
{
    return (engsched_rec_engagement){
        .id = e->id,
        .client = e->client,
        .requested_by = e->requested_by,
        .name = e->name,
        .description = e->description,
        .type = e->type,
        .location = e->location,
        .contacts = e->contacts,
        .custom_fields = e->custom_fields,
        .cancel_reason = e->cancel_reason,
        .start_day = e->start_day,
        .end_day = e->end_day,
        .status = e->status,
        .version = e->version,
        .created_at = e->created_at,
        .updated_at = e->updated_at,
        .report = e->report,
        .report_status = e->report_status,
        .report_title = e->report_title,
        .recurrence = e->recurrence,
        .origin = e->origin,
        .recurrence_next_day = e->recurrence_next_day,
    };
}

static int engagement_copy(void *dst, const void *src)
{
    const mem_engagement *from = src;
    engsched_rec_engagement rec = engagement_to_rec(from);
    return engagement_make(dst, from->id, from->report, &rec);
}

static mem_engagement *engagement_by_id(const mem_state *st, engsched_id id)
{
    mem_engagement *all = st->engagements.items;
    for (size_t i = 0; i < st->engagements.count; i++)
        if (all[i].id == id)
            return &all[i];
    return NULL;
}

/* Whether another engagement than @p self is the occurrence of series
 * @p origin on @p day (storage.h: unique among occurrences). */
static int occurrence_taken(const mem_state *st, engsched_id self, engsched_id origin, int32_t day)
{
    const mem_engagement *all = st->engagements.items;
    for (size_t i = 0; origin != 0 && i < st->engagements.count; i++)
        if (all[i].id != self && all[i].origin == origin && all[i].start_day == day)
            return 1;
    return 0;
}

static engsched_rc occurrence_refuse(mem_backend *b, const engsched_rec_engagement *rec)
{
    return mem_fail(b, ENGSCHED_EEXISTS, "series %lld already has an occurrence on day %ld",
                    (long long)rec->origin, (long)rec->start_day);
}

/* Insert an engagement (rec->id ignored) and, unless rec->report_status
 * is NONE, its report; both ids come back (report 0 when none). */
engsched_rc mem_engagement_insert(engsched_storage *s, const engsched_rec_engagement *rec,
                                  engsched_id *out_id, engsched_id *out_report)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "inserting an engagement", &rc);
    if (st == NULL)
        return rc;
    if (rec->name == NULL)
        return mem_null_string(b, "engagement name");
    if (occurrence_taken(st, 0, rec->origin, rec->start_day))
        return occurrence_refuse(b, rec);
    engsched_id id = st->next_engagement;
    engsched_id report = rec->report_status != ENGSCHED_REPORT_NONE ? st->next_report : 0;
    mem_engagement fresh;
    if (engagement_make(&fresh, id, report, rec) != 0)
        return mem_oom(b, "inserting an engagement");
    if (mem_table_push(&st->engagements, &fresh, sizeof fresh) != 0) {
        engagement_release(&fresh);
        return mem_oom(b, "inserting an engagement");
    }
    /* The sequences move only once the record is in. */
    st->next_engagement++;
    if (report != 0)
        st->next_report++;
    if (out_id != NULL)
        *out_id = id;
    if (out_report != NULL)
        *out_report = report;
    return ENGSCHED_OK;
}

/* Overwrite every field, and bring the report in line with the record:
 *
 *   rec->report  rec->report_status  effect
 *   ≠ 0          not NONE            update that report (it must be this
 *                                    engagement's: otherwise ENOTFOUND)
 *   ≠ 0          NONE                EMISUSE: a report is never removed
 *   0            not NONE            create the report (EEXISTS if the
 *                                    engagement already has one)
 *   0            NONE                no report change
 *
 * The checks come before any change, so a refused update changes nothing
 * (the core rolls the transaction back anyway). */
engsched_rc mem_engagement_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                  engsched_id *out_report)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "updating an engagement", &rc);
    if (st == NULL)
        return rc;
    if (rec->name == NULL)
        return mem_null_string(b, "engagement name");
    mem_engagement *e = engagement_by_id(st, rec->id);
    if (e == NULL)
        return mem_not_found(b, "engagement", rec->id);
    if (occurrence_taken(st, rec->id, rec->origin, rec->start_day))
        return occurrence_refuse(b, rec);

    int has_status = rec->report_status != ENGSCHED_REPORT_NONE;
    engsched_id report = rec->report;
    int created = 0;
    if (report != 0 && !has_status)
        return mem_fail(b, ENGSCHED_EMISUSE,
                        "engagement %lld: report %lld cannot be set to status NONE",
                        (long long)rec->id, (long long)report);
    if (report != 0 && report != e->report)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "report %lld of engagement %lld does not exist",
                        (long long)report, (long long)rec->id);
    if (report == 0 && has_status) {
        if (e->report != 0)
            return mem_fail(b, ENGSCHED_EEXISTS, "engagement %lld already has report %lld",
                            (long long)rec->id, (long long)e->report);
        report = st->next_report;
        created = 1;
    }

    mem_engagement fresh;
    if (report == 0 && e->report != 0) {
        /* "No report change": keep the stored report's fields. */
        engsched_rec_engagement keep = *rec;
        keep.report_status = e->report_status;
        keep.report_title = e->report_title;
        rc = engagement_make(&fresh, e->id, e->report, &keep) != 0 ? ENGSCHED_ENOMEM
                                                                      : ENGSCHED_OK;
    } else {
        rc = engagement_make(&fresh, e->id, report, rec) != 0 ? ENGSCHED_ENOMEM : ENGSCHED_OK;
    }
    if (rc != ENGSCHED_OK)
        return mem_oom(b, "updating an engagement");
    /* Only now free the old strings: rec's strings may be ours (the core
     * often passes back the name it read). */
    engagement_release(e);
    *e = fresh;
    if (created)
        st->next_report++;
    if (out_report != NULL)
        *out_report = report;
    return ENGSCHED_OK;
}

engsched_rc mem_engagement_get(engsched_storage *s, engsched_id id,
                               engsched_rec_engagement *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading an engagement");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_engagement *e = engagement_by_id(st, id);
    if (e == NULL)
        return mem_not_found(b, "engagement", id);
    *out = engagement_to_rec(e);
    return ENGSCHED_OK;
}

engsched_rc mem_report_engagement(engsched_storage *s, engsched_id report,
                                  engsched_id *out_engagement)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "finding a report");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_engagement *all = st->engagements.items;
    for (size_t i = 0; report != 0 && i < st->engagements.count; i++)
        if (all[i].report == report) {
            *out_engagement = all[i].id;
            return ENGSCHED_OK;
        }
    return mem_not_found(b, "report", report);
}

/* For the hourly job: Scheduled engagements with start_day <= @p day, in
 * id order after @p after_id, at most @p limit. The table is in id order. */
engsched_rc mem_engagements_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                unsigned int limit, engsched_storage_engagement_fn row,
                                void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing due engagements");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    unsigned int sent = 0;
    for (size_t i = 0; i < st->engagements.count && sent < limit; i++) {
        const mem_engagement *e = (const mem_engagement *)st->engagements.items + i;
        if (e->status != ENGSCHED_STATUS_SCHEDULED || e->start_day > day || e->id <= after_id)
            continue;
        engsched_rec_engagement rec = engagement_to_rec(e);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc; /* the row callback stopped us: its code is ours */
        sent++;
    }
    return ENGSCHED_OK;
}

/* For the tick (table version 6): recurring series whose next occurrence
 * starts by @p until_day and whose status is in @p statuses, in id order
 * after @p after_id, at most @p limit. */
engsched_rc mem_recurring_due(engsched_storage *s, int32_t until_day, unsigned int statuses,
                              engsched_id after_id, unsigned int limit,
                              engsched_storage_engagement_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing due recurring series");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    unsigned int sent = 0;
    for (size_t i = 0; i < st->engagements.count && sent < limit; i++) {
        const mem_engagement *e = (const mem_engagement *)st->engagements.items + i;
        if (e->recurrence[0] == '\0' || e->recurrence_next_day > until_day ||
            e->id <= after_id || e->status < 0 || e->status > 31 ||
            !(statuses & (1u << (unsigned int)e->status)))
            continue;
        engsched_rec_engagement rec = engagement_to_rec(e);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
        sent++;
    }
    return ENGSCHED_OK;
}

/* --- assignments ------------------------------------------------------- */

static int assignment_copy(void *dst, const void *src)
{
    memcpy(dst, src, sizeof(mem_assignment));
    return 0;
}

static size_t assignment_index(const mem_state *st, engsched_id engagement, engsched_id user)
{
    const mem_assignment *all = st->assignments.items;
    for (size_t i = 0; i < st->assignments.count; i++)
        if (all[i].engagement == engagement && all[i].user == user)
            return i;
    return (size_t)-1;
}

static int is_assigned(const mem_state *st, engsched_id engagement, engsched_id user)
{
    return assignment_index(st, engagement, user) != (size_t)-1;
}

/* Appended: assignment order is the order of these calls, and an operator
 * removed and assigned again comes last. */
engsched_rc mem_assignment_insert(engsched_storage *s, const engsched_rec_assignment *rec)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "inserting an assignment", &rc);
    if (st == NULL)
        return rc;
    if (is_assigned(st, rec->engagement, rec->user))
        return mem_fail(b, ENGSCHED_EEXISTS, "user %lld is already assigned to engagement %lld",
                        (long long)rec->user, (long long)rec->engagement);
    mem_assignment a = {rec->engagement, rec->user, rec->role, rec->assigned_by,
                        rec->assigned_at};
    if (mem_table_push(&st->assignments, &a, sizeof a) != 0)
        return mem_oom(b, "inserting an assignment");
    return ENGSCHED_OK;
}

engsched_rc mem_assignment_delete(engsched_storage *s, engsched_id engagement,
                                  engsched_id user)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "deleting an assignment", &rc);
    if (st == NULL)
        return rc;
    size_t i = assignment_index(st, engagement, user);
    if (i == (size_t)-1)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "user %lld is not assigned to engagement %lld",
                        (long long)user, (long long)engagement);
    mem_table_remove(&st->assignments, i, sizeof(mem_assignment), NULL);
    return ENGSCHED_OK;
}

engsched_rc mem_assignment_list(engsched_storage *s, engsched_id engagement,
                                engsched_storage_assignment_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing assignments");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    for (size_t i = 0; i < st->assignments.count; i++) {
        const mem_assignment *a = (const mem_assignment *)st->assignments.items + i;
        if (a->engagement != engagement)
            continue;
        /* A version 1 table: the library reads no later member of the row. */
        engsched_rec_assignment rec = {.engagement = a->engagement,
                                       .user = a->user,
                                       .role = a->role,
                                       .assigned_by = a->assigned_by,
                                       .assigned_at = a->assigned_at};
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

/* --- invitations ------------------------------------------------------- */

static int invitation_copy(void *dst, const void *src)
{
    memcpy(dst, src, sizeof(mem_invitation));
    return 0;
}

static mem_invitation *invitation_find(const mem_state *st, engsched_id engagement,
                                       engsched_id user)
{
    mem_invitation *all = st->invitations.items;
    for (size_t i = 0; i < st->invitations.count; i++)
        if (all[i].engagement == engagement && all[i].user == user)
            return &all[i];
    return NULL;
}

engsched_rc mem_invitation_get(engsched_storage *s, engsched_id engagement, engsched_id user,
                               engsched_rec_invitation *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading an invitation");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_invitation *inv = invitation_find(st, engagement, user);
    if (inv == NULL)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "no invitation of user %lld for engagement %lld",
                        (long long)user, (long long)engagement);
    *out = (engsched_rec_invitation){.engagement = inv->engagement,
                                     .user = inv->user,
                                     .sequence = inv->sequence,
                                     .canceled = inv->canceled,
                                     .updated_at = inv->updated_at};
    return ENGSCHED_OK;
}

/* Insert or replace the (engagement, user) row. */
engsched_rc mem_invitation_put(engsched_storage *s, const engsched_rec_invitation *rec)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing an invitation", &rc);
    if (st == NULL)
        return rc;
    mem_invitation fresh = {rec->engagement, rec->user, rec->sequence, rec->canceled != 0,
                            rec->updated_at};
    mem_invitation *inv = invitation_find(st, rec->engagement, rec->user);
    if (inv != NULL)
        *inv = fresh;
    else if (mem_table_push(&st->invitations, &fresh, sizeof fresh) != 0)
        return mem_oom(b, "writing an invitation");
    return ENGSCHED_OK;
}

/* --- the List and Calendar query --------------------------------------- */

static int has_status(unsigned int statuses, int status)
{
    return status >= 0 && status < 32 && ((statuses >> status) & 1u) != 0;
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* ASCII case-insensitive substring test: only A-Z fold, as the interface
 * says; other bytes (UTF-8 included) must match exactly. */
static int name_contains(const char *name, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = name;; p++) {
        size_t i = 0;
        while (i < n && p[i] != '\0' &&
               ascii_lower((unsigned char)p[i]) == ascii_lower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
        if (*p == '\0')
            return 0;
    }
}

/* Every filter of the query but the keyset position. */
static int query_matches(const mem_state *st, const engsched_storage_query *q,
                         const mem_engagement *e)
{
    if (!has_status(q->statuses, e->status))
        return 0;
    if (q->client != 0 && e->client != q->client)
        return 0;
    if (q->operator_user != 0 && !is_assigned(st, e->id, q->operator_user))
        return 0;
    /* The scope is the access rows only: the core handles the all-clients
     * flag by passing scope_user 0. */
    if (q->scope_user != 0 && !mem_has_access(st, q->scope_user, e->client))
        return 0;
    if (q->has_range && !(e->start_day <= q->range_end && e->end_day >= q->range_start))
        return 0;
    if (q->name_contains != NULL && !name_contains(e->name, q->name_contains))
        return 0;
    return 1;
}

/* The row's sort key as a mem_sort_item (text for the name). */
static mem_sort_item sort_key(const mem_engagement *e, int sort, size_t index)
{
    mem_sort_item it = {0, NULL, e->id, index};
    switch (sort) {
    case ENGSCHED_SORT_START:
        it.key = e->start_day;
        break;
    case ENGSCHED_SORT_END:
        it.key = e->end_day;
        break;
    case ENGSCHED_SORT_NAME:
        it.text = e->name;
        break;
    case ENGSCHED_SORT_STATUS:
        it.key = e->status;
        break;
    default: /* ENGSCHED_SORT_UPDATED */
        it.key = e->updated_at;
        break;
    }
    return it;
}

/* Rows in (sort key, id) order, both ascending or both descending; with
 * has_after only rows strictly after (after key, after_id) in that order
 * (keyset paging: the next page starts after the last row seen, however
 * the table changed meanwhile); at most q->limit rows.
 *
 * This sorts every matching row for each page: fine for an example. A
 * real backend walks an index in order and stops after q->limit rows. */
engsched_rc mem_engagement_query(engsched_storage *s, const engsched_storage_query *q,
                                 engsched_storage_engagement_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "querying engagements");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    if (q->sort < ENGSCHED_SORT_START || q->sort > ENGSCHED_SORT_UPDATED)
        return mem_fail(b, ENGSCHED_EMISUSE, "unknown sort key %d", q->sort);
    if (q->has_after && q->sort == ENGSCHED_SORT_NAME && q->after_text == NULL)
        return mem_fail(b, ENGSCHED_EMISUSE, "has_after with the name sort needs after_text");
    const mem_sort_item after = {q->after_int,
                                 q->sort == ENGSCHED_SORT_NAME ? q->after_text : NULL,
                                 q->after_id, 0};
    mem_sort_item *items = malloc((st->engagements.count + 1) * sizeof *items);
    if (items == NULL)
        return mem_oom(b, "querying engagements");
    size_t n = 0;
    const mem_engagement *all = st->engagements.items;
    for (size_t i = 0; i < st->engagements.count; i++) {
        if (!query_matches(st, q, &all[i]))
            continue;
        mem_sort_item it = sort_key(&all[i], q->sort, i);
        if (q->has_after) {
            int c = mem_sort_cmp(&it, &after);
            if (q->descending ? c >= 0 : c <= 0)
                continue; /* not strictly after the cursor */
        }
        items[n++] = it;
    }
    /* Sort ascending; a descending query reads the result from the end
     * (ties on the key then come by descending id, as required). */
    mem_sort(items, n);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; i < n && i < q->limit && rc == ENGSCHED_OK; i++) {
        size_t at = q->descending ? n - 1 - i : i;
        const mem_engagement *e = (const mem_engagement *)st->engagements.items + items[at].index;
        engsched_rec_engagement rec = engagement_to_rec(e);
        rc = row(ctx, &rec);
    }
    free(items);
    return rc;
}

/* The engagements @p user is assigned to, with a status in @p statuses,
 * overlapping [range_start, range_end], by (start_day, id). */
engsched_rc mem_operator_work(engsched_storage *s, engsched_id user, unsigned int statuses,
                              int32_t range_start, int32_t range_end,
                              engsched_storage_engagement_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing an operator's work");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    mem_sort_item *items = malloc((st->engagements.count + 1) * sizeof *items);
    if (items == NULL)
        return mem_oom(b, "listing an operator's work");
    size_t n = 0;
    const mem_engagement *all = st->engagements.items;
    for (size_t i = 0; i < st->engagements.count; i++) {
        const mem_engagement *e = &all[i];
        if (has_status(statuses, e->status) && e->start_day <= range_end &&
            e->end_day >= range_start && is_assigned(st, e->id, user))
            items[n++] = sort_key(e, ENGSCHED_SORT_START, i);
    }
    mem_sort(items, n);
    engsched_rc rc = ENGSCHED_OK;
    for (size_t i = 0; i < n && rc == ENGSCHED_OK; i++) {
        const mem_engagement *e = (const mem_engagement *)st->engagements.items + items[i].index;
        engsched_rec_engagement rec = engagement_to_rec(e);
        rc = row(ctx, &rec);
    }
    free(items);
    return rc;
}

/* --- the rollback copy ------------------------------------------------- */

int mem_engagements_copy(mem_state *dst, const mem_state *src)
{
    if (mem_table_copy(&dst->engagements, &src->engagements, sizeof(mem_engagement),
                       engagement_copy, engagement_release) != 0 ||
        mem_table_copy(&dst->assignments, &src->assignments, sizeof(mem_assignment),
                       assignment_copy, NULL) != 0 ||
        mem_table_copy(&dst->invitations, &src->invitations, sizeof(mem_invitation),
                       invitation_copy, NULL) != 0)
        return -1;
    return 0;
}

void mem_engagements_free(mem_state *st)
{
    mem_table_free(&st->engagements, sizeof(mem_engagement), engagement_release);
    mem_table_free(&st->assignments, sizeof(mem_assignment), NULL);
    mem_table_free(&st->invitations, sizeof(mem_invitation), NULL);
}
