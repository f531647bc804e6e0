/* The Availability view: every operator the viewer may see, their work in
 * a range and their utilisation over working days. Operators come from
 * the backend in chunks, so memory does not grow with their number. */
#include <string.h>

#include "core/settings.h"
#include "core/view_scope.h"
#include "views/work_list.h"
#include "views/working_days.h"

#define OPERATOR_CHUNK 64
#define OPERATOR_PERMISSIONS (ENGSCHED_PERM_REPORT_VIEW | ENGSCHED_PERM_REPORT_EDIT)
/* Everything that occupies, occupied or may occupy the operator (pending
 * work counts as in conflict checks); canceled work never did. */
#define WORK_STATUSES                                                                      \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |                                          \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) |                                      \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

typedef struct operator_row {
    engsched_id id;
    char *name;
} operator_row;

struct engsched_availability {
    engsched *db;
    es_actor viewer;
    engsched_id scope;
    int32_t start_day;
    int32_t end_day;
    unsigned char working[ENGSCHED_RANGE_MAX_DAYS]; /* 1 = a working day of the range */
    operator_row rows[OPERATOR_CHUNK];
    unsigned int count;
    unsigned int pos;
    int source_done;
    char *after_name;
    engsched_id after_id;
    const operator_row *current;
    engsched_work_list *work;
    double utilisation;
};

static void clear_rows(engsched_availability *av)
{
    for (unsigned int i = 0; i < av->count; i++)
        es_free(av->rows[i].name);
    av->count = av->pos = 0;
}

void engsched_availability_free(engsched_availability *av)
{
    if (av == NULL)
        return;
    clear_rows(av);
    es_free(av->after_name);
    engsched_work_list_free(av->work);
    es_free(av);
}

/* The tenant's working week and holidays, as a day map of the range. */
static engsched_rc load_working_days(engsched_availability *av)
{
    return es_working_days(av->db, av->start_day, av->end_day, av->working);
}

engsched_rc engsched_availability_open(engsched *db, engsched_id actor, const char *start,
                                       const char *end, engsched_availability **out)
{
    ES_CHECK_DB(db);
    int32_t first, last;
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    if (!es_date_parse(start, &first))
        return es_fail(db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)",
                       start ? start : "(null)");
    if (!es_date_parse(end, &last))
        return es_fail(db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                       end ? end : "(null)");
    if (last < first)
        return es_fail(db, ENGSCHED_EINVAL, "end: %s is before the start %s", end, start);
    if (last - first + 1 > ENGSCHED_RANGE_MAX_DAYS)
        return es_fail(db, ENGSCHED_EINVAL, "range: %d days is longer than the limit of %d",
                       (int)(last - first + 1), ENGSCHED_RANGE_MAX_DAYS);
    engsched_availability *av = es_calloc(1, sizeof *av);
    if (av == NULL || (av->work = es_work_list_new()) == NULL) {
        engsched_availability_free(av);
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening availability");
    }
    av->db = db;
    av->start_day = first;
    av->end_day = last;
    engsched_rc rc = es_begin(db, 0);
    if (rc == ENGSCHED_OK) {
        rc = es_view_scope(db, actor, ES_OP_VIEW_AVAILABILITY, &av->viewer, &av->scope);
        if (rc == ENGSCHED_OK)
            rc = load_working_days(av);
        rc = es_finish(db, rc);
    }
    if (rc != ENGSCHED_OK) {
        engsched_availability_free(av);
        return rc;
    }
    *out = av;
    return ENGSCHED_OK;
}

static engsched_rc collect_operator(void *ctx, const engsched_rec_user *row)
{
    engsched_availability *av = ctx;
    if (av->count == OPERATOR_CHUNK)
        return ENGSCHED_OK;
    char *name = es_strdup(row->display_name);
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    av->rows[av->count++] = (operator_row){row->id, name};
    return ENGSCHED_OK;
}

static engsched_rc refill(engsched_availability *av)
{
    engsched *db = av->db;
    if (av->count > 0) {
        char *name = es_strdup(av->rows[av->count - 1].name);
        if (name == NULL)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading operators");
        es_free(av->after_name);
        av->after_name = name;
        av->after_id = av->rows[av->count - 1].id;
    }
    clear_rows(av);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->users_with_permissions(db->storage, OPERATOR_PERMISSIONS, av->scope,
                                             av->after_name, av->after_id, OPERATOR_CHUNK,
                                             collect_operator, av);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory reading operators");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading operators");
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK) {
        clear_rows(av);
        return rc;
    }
    av->source_done = av->count < OPERATOR_CHUNK;
    return ENGSCHED_OK;
}

/* Working days covered by an engagement ÷ working days not unavailable. */
static double utilisation_of(const engsched_availability *av)
{
    unsigned char state[ENGSCHED_RANGE_MAX_DAYS] = {0}; /* bit 0 busy, bit 1 away */
    int32_t span = av->end_day - av->start_day + 1;
    for (size_t i = 0; i < av->work->count; i++) {
        const es_work_item *item = &av->work->items[i];
        unsigned char bit = item->kind == ENGSCHED_WORK_UNAVAILABLE ? 2 : 1;
        int32_t from = item->start_day > av->start_day ? item->start_day : av->start_day;
        int32_t to = item->end_day < av->end_day ? item->end_day : av->end_day;
        for (int32_t d = from; d <= to; d++)
            state[d - av->start_day] |= bit;
    }
    int available = 0, busy = 0;
    for (int32_t i = 0; i < span; i++) {
        if (!av->working[i] || (state[i] & 2))
            continue;
        available++;
        busy += state[i] & 1;
    }
    return available == 0 ? 0.0 : (double)busy / available;
}

engsched_rc engsched_availability_next(engsched_availability *av, int *out_has_row)
{
    if (av == NULL)
        return ENGSCHED_EMISUSE;
    if (out_has_row == NULL)
        return es_fail(av->db, ENGSCHED_EINVAL, "out_has_row: must not be NULL");
    av->current = NULL;
    es_work_list_clear(av->work);
    if (av->pos >= av->count) {
        engsched_rc rc = av->source_done ? ENGSCHED_OK : refill(av);
        if (rc != ENGSCHED_OK)
            return rc;
        if (av->count == 0 || av->pos >= av->count) {
            *out_has_row = 0;
            return ENGSCHED_OK;
        }
    }
    const operator_row *row = &av->rows[av->pos++];
    engsched_rc rc = es_begin(av->db, 0);
    if (rc == ENGSCHED_OK)
        rc = es_finish(av->db, es_collect_work(av->db, &av->viewer, row->id, WORK_STATUSES, 0,
                                               av->start_day, av->end_day, av->work));
    if (rc != ENGSCHED_OK)
        return rc;
    av->current = row;
    av->utilisation = utilisation_of(av);
    *out_has_row = 1;
    return ENGSCHED_OK;
}

engsched_id engsched_availability_user(const engsched_availability *av)
{
    return av && av->current ? av->current->id : 0;
}

const char *engsched_availability_name(const engsched_availability *av)
{
    return av && av->current ? av->current->name : NULL;
}

double engsched_availability_utilisation(const engsched_availability *av)
{
    return av && av->current ? av->utilisation : 0.0;
}

const engsched_work_list *engsched_availability_work(const engsched_availability *av)
{
    return av && av->current ? av->work : NULL;
}
