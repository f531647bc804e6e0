/* The candidates of one engagement: every operator engsched_assign()
 * would accept, with their free working days in its dates, their
 * conflicts and the skills it requires, ranked (rules/skills_rules.c).
 * Ranking needs every row before the first, so open() reads them all in
 * one read transaction into a flat array of small records, each with its
 * work list (the few items overlapping the dates, which also give its
 * days) and its missing skills as a bit set over the required ones: next()
 * then reads nothing, and memory grows with operators and their work in
 * the dates only. */
#include <stdlib.h>
#include <string.h>

#include "util/ids.h"
#include "rules/skills_rules.h"
#include "core/assignment_record.h"
#include "core/engagement_store.h"
#include "views/tag_list.h"
#include "views/work_list.h"
#include "views/working_days.h"

/* Larger than the Availability view's 64: every operator is read before
 * the first row anyway, and each chunk is one sort of the users by name. */
#define OPERATOR_CHUNK 512
#define OPERATOR_PERMISSIONS (ENGSCHED_PERM_REPORT_VIEW | ENGSCHED_PERM_REPORT_EDIT)

typedef struct cand_row {
    es_candidate_key key; /* key.name is owned */
    unsigned matched;
    int assigned;
    uint64_t missing; /* bit i: lacks required tag i (ENGSCHED_TAGS_MAX is 64) */
    engsched_work_list *work;
} cand_row;

_Static_assert(ENGSCHED_TAGS_MAX <= 64, "missing skills are a 64-bit set");

struct engsched_candidates {
    engsched *db;
    es_actor viewer;
    engsched_id engagement;
    int32_t start_day;
    int32_t end_day;
    cand_row *rows;
    size_t count;
    size_t cap;
    size_t pos;
    const cand_row *current;
    engsched_tag_list *required;
    engsched_tag_list *missing;
};

/* What open() needs while reading, freed when it ends. */
typedef struct reading {
    engsched_candidates *c;
    engsched_id client;
    unsigned char *working; /* 1 = a working day of the dates */
    unsigned char *state;   /* per day: bit 0 busy, bit 1 away */
    es_ids assigned;
    engsched_tag_list *skills; /* the current operator's, reused */
    engsched_rec_user *chunk; /* OPERATOR_CHUNK of them */
    char **names;
    unsigned chunk_count;
} reading;

void engsched_candidates_free(engsched_candidates *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->count; i++) {
        es_free((char *)c->rows[i].key.name);
        engsched_work_list_free(c->rows[i].work);
    }
    es_free(c->rows);
    engsched_tag_list_free(c->required);
    engsched_tag_list_free(c->missing);
    es_free(c);
}

static void clear_chunk(reading *r)
{
    for (unsigned i = 0; i < r->chunk_count; i++)
        es_free(r->names[i]);
    r->chunk_count = 0;
}

static engsched_rc keep_operator(void *ctx, const engsched_rec_user *row)
{
    reading *r = ctx;
    if (r->chunk_count == OPERATOR_CHUNK)
        return ENGSCHED_OK;
    char *name = es_strdup(row->display_name);
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    r->names[r->chunk_count] = name;
    r->chunk[r->chunk_count] = *row;
    r->chunk[r->chunk_count++].display_name = name;
    return ENGSCHED_OK;
}

static engsched_rc keep_assignee(void *ctx, const engsched_rec_assignment *row)
{
    return es_ids_push(ctx, row->user) ? ENGSCHED_OK : ENGSCHED_ENOMEM;
}

static void mark(reading *r, int32_t from, int32_t to, unsigned char bit)
{
    const engsched_candidates *c = r->c;
    if (from < c->start_day)
        from = c->start_day;
    if (to > c->end_day)
        to = c->end_day;
    for (int32_t d = from; d <= to; d++)
        r->state[d - c->start_day] |= bit;
}

/* From the operator's work in the dates, their days: free working days
 * and days with any conflict. */
static void count_days(reading *r, cand_row *row)
{
    engsched_candidates *c = r->c;
    size_t span = (size_t)(c->end_day - c->start_day) + 1;
    memset(r->state, 0, span);
    /* Bits: 1 firm work, 2 absence, 4 a tentative hold (never a conflict,
     * but the day is not free either). */
    for (size_t i = 0; i < row->work->count; i++) {
        const es_work_item *item = &row->work->items[i];
        unsigned char bit = item->kind == ENGSCHED_WORK_UNAVAILABLE ? 2 : item->tentative ? 4 : 1;
        mark(r, item->start_day, item->end_day, bit);
    }
    for (size_t i = 0; i < span; i++) {
        row->key.free_days += r->working[i] && r->state[i] == 0;
        row->key.conflict_days += (r->state[i] & 3) != 0;
    }
}

/* The operator's work in the dates, as the row will show it, one
 * operator at a time (a backend without range_staffing()). */
static engsched_rc read_work_of(reading *r, engsched_id user, cand_row *row)
{
    engsched_candidates *c = r->c;
    engsched_rc rc = es_collect_work(c->db, &c->viewer, user, ES_BUSY_STATUSES, c->engagement,
                                     c->start_day, c->end_day, row->work);
    if (rc == ENGSCHED_OK)
        count_days(r, row);
    return rc;
}

static engsched_rc count_skills(reading *r, engsched_id user, cand_row *row)
{
    const engsched_tag_list *want = r->c->required;
    if (want->count == 0)
        return ENGSCHED_OK;
    es_tag_list_clear(r->skills);
    engsched_rc rc = es_user_skills_read(r->c->db, user, r->skills);
    if (rc != ENGSCHED_OK)
        return rc;
    size_t matched, missing;
    es_tags_compare((const char *const *)r->skills->tags, r->skills->count,
                    (const char *const *)want->tags, want->count, &matched, &missing);
    row->matched = (unsigned)matched;
    row->key.missing = (unsigned)missing;
    /* Which ones, for missing_tags(): a merge of the two sorted sets. */
    const engsched_tag_list *have = r->skills;
    size_t i = 0;
    for (size_t j = 0; j < want->count; j++) {
        int cmp = 1;
        while (i < have->count && (cmp = strcmp(have->tags[i], want->tags[j])) < 0)
            i++;
        if (i >= have->count || cmp != 0)
            row->missing |= UINT64_C(1) << j;
    }
    return ENGSCHED_OK;
}

static int is_assigned(const es_ids *ids, engsched_id user)
{
    for (size_t i = 0; i < ids->count; i++)
        if (ids->ids[i] == user)
            return 1;
    return 0;
}

/* One operator of a chunk: eligible by the rule assigning applies, then
 * their days and skills. */
static engsched_rc consider(reading *r, const engsched_rec_user *user)
{
    engsched_candidates *c = r->c;
    es_actor op = {.id = user->id,
                   .permissions = user->permissions | OPERATOR_PERMISSIONS,
                   .flags = user->flags};
    es_assignee verdict;
    engsched_rc rc = es_assignee_of(c->db, &c->viewer, r->client, &op, &verdict);
    if (rc != ENGSCHED_OK || verdict != ES_ASSIGNEE_OK)
        return rc;
    cand_row row = {.key = {.id = user->id},
                    .assigned = is_assigned(&r->assigned, user->id),
                    .work = es_work_list_new()};
    char *name = es_strdup(user->display_name);
    cand_row *grown = es_grow(c->rows, &c->cap, c->count, sizeof *grown);
    if (grown != NULL)
        c->rows = grown;
    if (grown == NULL || name == NULL || row.work == NULL) {
        es_free(name);
        engsched_work_list_free(row.work);
        return es_fail(c->db, ENGSCHED_ENOMEM, "out of memory listing candidates");
    }
    /* Owned by the array from here, freed with it whatever follows. */
    row.key.name = name;
    c->rows[c->count] = row;
    cand_row *kept = &c->rows[c->count++];
    if (!c->db->range_staffing && (rc = read_work_of(r, user->id, kept)) != ENGSCHED_OK)
        return rc;
    return count_skills(r, user->id, kept);
}

/* Operators in (display name, id) chunks, as the Availability view reads
 * them; the rule decides who of them qualifies. */
static engsched_rc read_operators(reading *r)
{
    engsched_candidates *c = r->c;
    engsched *db = c->db;
    engsched_id scope =
        c->viewer.is_system || (c->viewer.flags & ENGSCHED_USER_ALL_CLIENTS) ? 0 : c->viewer.id;
    char *after_name = NULL;
    engsched_id after_id = 0;
    engsched_rc rc = ENGSCHED_OK;
    for (;;) {
        clear_chunk(r);
        rc = db->storage->users_with_permissions(db->storage, OPERATOR_PERMISSIONS, scope,
                                                 after_name, after_id, OPERATOR_CHUNK,
                                                 keep_operator, r);
        if (rc != ENGSCHED_OK) {
            rc = rc == ENGSCHED_ENOMEM ? es_fail(db, rc, "out of memory reading operators")
                                       : es_storage_fail(db, rc, "reading operators");
            break;
        }
        for (unsigned i = 0; rc == ENGSCHED_OK && i < r->chunk_count; i++)
            rc = consider(r, &r->chunk[i]);
        if (rc != ENGSCHED_OK || r->chunk_count < OPERATOR_CHUNK)
            break;
        es_free(after_name);
        after_name = es_strdup(r->names[r->chunk_count - 1]);
        after_id = r->chunk[r->chunk_count - 1].id;
        if (after_name == NULL) {
            rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory reading operators");
            break;
        }
    }
    clear_chunk(r);
    es_free(after_name);
    return rc;
}

/* --- every candidate's work in one read of the dates ---------------------- */

typedef struct work_index {
    engsched_candidates *c;
    es_id_slot *users; /* the candidates' rows, by user id */
} work_index;

static cand_row *row_of(const work_index *w, engsched_id user)
{
    const es_id_slot *hit = es_id_slots_find(w->users, w->c->count, user);
    return hit == NULL ? NULL : &w->c->rows[hit->at];
}

/* A row of range_staffing(): work of a candidate overlapping the dates, as
 * operator_allocations() would give it. */
static engsched_rc add_engagement_work(void *ctx, const engsched_rec_assignment *row,
                                       const engsched_rec_engagement *e)
{
    work_index *w = ctx;
    const engsched_candidates *c = w->c;
    if (row == NULL || e->id == c->engagement)
        return ENGSCHED_OK;
    engsched_rec_assignment a;
    es_assignment_read(c->db, row, e->start_day, e->end_day, &a);
    cand_row *cand = row_of(w, a.user);
    if (cand == NULL || a.window_end < c->start_day || a.window_start > c->end_day)
        return ENGSCHED_OK;
    engsched_rc rc = es_work_list_add(cand->work, ENGSCHED_WORK_ENGAGEMENT, e->id, e->name,
                                      a.window_start, a.window_end, (engsched_status)e->status);
    if (rc != ENGSCHED_OK)
        return rc;
    es_work_item *item = &cand->work->items[cand->work->count - 1];
    item->client = e->client;
    item->percent = a.percent;
    item->tentative = a.tentative;
    item->user = a.user;
    return ENGSCHED_OK;
}

static engsched_rc add_absence(void *ctx, const engsched_rec_unavailability *row)
{
    work_index *w = ctx;
    cand_row *cand = row_of(w, row->user);
    if (cand == NULL)
        return ENGSCHED_OK;
    engsched_rc rc = es_work_list_add(cand->work, ENGSCHED_WORK_UNAVAILABLE, row->id, row->reason,
                                      row->start_day, row->end_day, (engsched_status)0);
    if (rc == ENGSCHED_OK)
        cand->work->items[cand->work->count - 1].user = row->user;
    return rc;
}

/* Every candidate's work in the dates with two reads of the backend, then
 * each list finished as es_collect_work() finishes its own. */
static engsched_rc read_work_in_one(reading *r)
{
    engsched_candidates *c = r->c;
    engsched *db = c->db;
    work_index w = {c, es_malloc((c->count ? c->count : 1) * sizeof *w.users)};
    if (w.users == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory listing candidates");
    for (size_t i = 0; i < c->count; i++)
        w.users[i] = (es_id_slot){c->rows[i].key.id, i};
    es_id_slots_sort(w.users, c->count);
    engsched_rc rc = db->storage->range_staffing(db->storage, ES_BUSY_STATUSES, c->start_day,
                                                 c->end_day, 1, add_engagement_work, &w);
    if (rc == ENGSCHED_OK)
        rc = db->storage->range_unavailability(db->storage, c->start_day, c->end_day,
                                               add_absence, &w);
    if (rc == ENGSCHED_ENOMEM)
        rc = es_fail(db, rc, "out of memory listing work");
    else if (rc != ENGSCHED_OK)
        rc = es_storage_fail(db, rc, "listing work");
    for (size_t i = 0; rc == ENGSCHED_OK && i < c->count; i++) {
        cand_row *row = &c->rows[i];
        if ((rc = es_work_list_finish(db, &c->viewer, row->key.id, row->work)) == ENGSCHED_OK)
            count_days(r, row);
    }
    es_free(w.users);
    return rc;
}

static int compare_rows(const void *pa, const void *pb)
{
    const cand_row *a = pa, *b = pb;
    return es_candidate_cmp(&a->key, &b->key);
}

static engsched_rc read_all(engsched_candidates *c, engsched_id actor)
{
    engsched *db = c->db;
    es_engagement e;
    engsched_rc rc =
        es_engagement_open(db, actor, c->engagement, ES_OP_ASSIGN, 0, 0, &c->viewer, &e);
    if (rc != ENGSCHED_OK)
        return rc;
    reading r = {.c = c, .client = e.rec.client, .assigned = ES_IDS_INIT};
    c->start_day = e.rec.start_day;
    c->end_day = e.rec.end_day;
    es_engagement_release(&e);
    size_t span = (size_t)(c->end_day - c->start_day) + 1;
    r.working = es_malloc(span);
    r.state = es_malloc(span);
    r.skills = es_tag_list_new();
    r.chunk = es_malloc(OPERATOR_CHUNK * sizeof *r.chunk);
    r.names = es_malloc(OPERATOR_CHUNK * sizeof *r.names);
    if (r.working == NULL || r.state == NULL || r.skills == NULL || r.chunk == NULL ||
        r.names == NULL) {
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory listing candidates");
        goto out;
    }
    if ((rc = es_working_days(db, c->start_day, c->end_day, r.working)) != ENGSCHED_OK ||
        (rc = es_required_skills_read(db, c->engagement, c->required)) != ENGSCHED_OK)
        goto out;
    rc = db->storage->assignment_list(db->storage, c->engagement, keep_assignee, &r.assigned);
    if (rc != ENGSCHED_OK) {
        rc = es_storage_fail(db, rc, "reading assignments");
        goto out;
    }
    rc = read_operators(&r);
    if (rc == ENGSCHED_OK && db->range_staffing)
        rc = read_work_in_one(&r);
    if (rc == ENGSCHED_OK && c->count > 1)
        qsort(c->rows, c->count, sizeof c->rows[0], compare_rows);
out:
    es_free(r.working);
    es_free(r.state);
    engsched_tag_list_free(r.skills);
    es_free(r.chunk);
    es_free(r.names);
    es_ids_release(&r.assigned);
    return rc;
}

engsched_rc engsched_candidates_open(engsched *db, engsched_id actor, engsched_id engagement,
                                     engsched_candidates **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_candidates *c = es_calloc(1, sizeof *c);
    if (c == NULL || (c->required = es_tag_list_new()) == NULL ||
        (c->missing = es_tag_list_new()) == NULL) {
        engsched_candidates_free(c);
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening candidates");
    }
    c->db = db;
    c->engagement = engagement;
    engsched_rc rc = es_begin(db, 0);
    if (rc == ENGSCHED_OK)
        rc = es_finish(db, read_all(c, actor));
    if (rc != ENGSCHED_OK) {
        engsched_candidates_free(c);
        return rc;
    }
    *out = c;
    return ENGSCHED_OK;
}

engsched_rc engsched_candidates_next(engsched_candidates *c, int *out_has_row)
{
    if (c == NULL)
        return ENGSCHED_EMISUSE;
    if (out_has_row == NULL)
        return es_fail(c->db, ENGSCHED_EINVAL, "out_has_row: must not be NULL");
    c->current = NULL;
    es_tag_list_clear(c->missing);
    if (c->pos >= c->count) {
        *out_has_row = 0;
        return ENGSCHED_OK;
    }
    const cand_row *row = &c->rows[c->pos++];
    for (size_t j = 0; j < c->required->count; j++) {
        if ((row->missing >> j & 1) && es_tag_list_add(c->missing, c->required->tags[j]) != 0)
            return es_fail(c->db, ENGSCHED_ENOMEM, "out of memory listing candidates");
    }
    c->current = row;
    *out_has_row = 1;
    return ENGSCHED_OK;
}

engsched_id engsched_candidates_user(const engsched_candidates *c)
{
    return c && c->current ? c->current->key.id : 0;
}

const char *engsched_candidates_name(const engsched_candidates *c)
{
    return c && c->current ? c->current->key.name : NULL;
}

unsigned engsched_candidates_rank(const engsched_candidates *c)
{
    return c && c->current ? (unsigned)(c->current - c->rows) + 1 : 0;
}

unsigned engsched_candidates_free_days(const engsched_candidates *c)
{
    return c && c->current ? c->current->key.free_days : 0;
}

unsigned engsched_candidates_conflict_days(const engsched_candidates *c)
{
    return c && c->current ? c->current->key.conflict_days : 0;
}

unsigned engsched_candidates_matched(const engsched_candidates *c)
{
    return c && c->current ? c->current->matched : 0;
}

unsigned engsched_candidates_missing(const engsched_candidates *c)
{
    return c && c->current ? c->current->key.missing : 0;
}

const engsched_tag_list *engsched_candidates_missing_tags(const engsched_candidates *c)
{
    return c && c->current ? c->missing : NULL;
}

const engsched_work_list *engsched_candidates_work(const engsched_candidates *c)
{
    return c && c->current ? c->current->work : NULL;
}

int engsched_candidates_assigned(const engsched_candidates *c)
{
    return c && c->current ? c->current->assigned : 0;
}
