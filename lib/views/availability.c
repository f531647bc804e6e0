/* The Availability view: every operator the viewer may see, their work in
 * a range and their utilisation over working days. Operators come from
 * views/operators.c in chunks, so memory does not grow with their number. */
#include <string.h>

#include "core/settings.h"
#include "core/validate.h"
#include "core/view_scope.h"
#include "rules/allocation.h"
#include "rules/rules.h"
#include "views/operators.h"
#include "views/work_list.h"
#include "views/working_days.h"

/* Everything that occupies, occupied or may occupy the operator (pending
 * work counts as in conflict checks); canceled work never did. */
#define WORK_STATUSES ES_LOAD_STATUSES

struct engsched_availability {
    engsched *db;
    es_actor viewer;
    engsched_id scope;
    unsigned int shown; /* the tab's statuses */
    int32_t start_day;
    int32_t end_day;
    unsigned char working[ENGSCHED_RANGE_MAX_DAYS]; /* 1 = a working day of the range */
    es_operator_source operators;
    const es_operator *current;
    engsched_work_list *work;
    double utilisation; /* firm */
    double with_holds;
};

void engsched_availability_free(engsched_availability *av)
{
    if (av == NULL)
        return;
    es_operator_source_clear(&av->operators);
    engsched_work_list_free(av->work);
    es_free(av);
}

/* The tenant's working week and holidays, as a day map of the range. */
static engsched_rc load_working_days(engsched_availability *av)
{
    return es_working_days(av->db, av->start_day, av->end_day, av->working);
}

engsched_rc engsched_availability_options_init(engsched_availability_options *opts,
                                               unsigned int version)
{
    if (opts == NULL || version != ENGSCHED_AVAILABILITY_OPTIONS_VERSION)
        return ENGSCHED_EMISUSE;
    *opts = (engsched_availability_options)ENGSCHED_AVAILABILITY_OPTIONS_INIT;
    return ENGSCHED_OK;
}

static engsched_rc check_options(engsched *db, const engsched_availability_options *opts)
{
    if (opts == NULL)
        return ENGSCHED_OK;
    if (opts->version != ENGSCHED_AVAILABILITY_OPTIONS_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "opts: version %u is not %d", opts->version,
                       ENGSCHED_AVAILABILITY_OPTIONS_VERSION);
    if (engsched_tab_statuses(opts->tab) == 0)
        return es_fail(db, ENGSCHED_EINVAL, "tab: unknown tab %d", (int)opts->tab);
    return ENGSCHED_OK;
}

engsched_rc engsched_availability_open(engsched *db, engsched_id actor, const char *start,
                                       const char *end, engsched_availability **out)
{
    return engsched_availability_open_ex(db, actor, start, end, NULL, out);
}

engsched_rc engsched_availability_open_ex(engsched *db, engsched_id actor, const char *start,
                                          const char *end,
                                          const engsched_availability_options *opts,
                                          engsched_availability **out)
{
    ES_CHECK_DB(db);
    int32_t first, last;
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_rc rc = check_options(db, opts);
    if (rc != ENGSCHED_OK)
        return rc;
    if ((rc = es_check_view_range(db, start, end, &first, &last)) != ENGSCHED_OK)
        return rc;
    engsched_availability *av = es_calloc(1, sizeof *av);
    if (av == NULL || (av->work = es_work_list_new()) == NULL) {
        engsched_availability_free(av);
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory opening availability");
    }
    av->db = db;
    av->shown = engsched_tab_statuses(opts != NULL ? opts->tab : ENGSCHED_TAB_ALL);
    av->start_day = first;
    av->end_day = last;
    rc = es_begin(db, 0);
    if (rc == ENGSCHED_OK) {
        rc = es_view_scope(db, actor, ES_OP_VIEW_AVAILABILITY, &av->viewer, &av->scope);
        if (rc == ENGSCHED_OK)
            rc = load_working_days(av);
        rc = es_finish(db, rc);
    }
    es_operator_source_init(&av->operators, db, av->scope);
    if (rc != ENGSCHED_OK) {
        engsched_availability_free(av);
        return rc;
    }
    *out = av;
    return ENGSCHED_OK;
}

static engsched_status real_status(const es_work_item *item)
{
    return item->anonymous ? item->hidden_status : item->status;
}

/* The firm and the held load of the operator's working days in the range
 * that they are available (es_alloc_day_busy()), as fractions of those
 * days: all the operator's work, whatever the tab shows. */
static void load_of(engsched_availability *av)
{
    es_day_load days[ENGSCHED_RANGE_MAX_DAYS];
    int32_t span = av->end_day - av->start_day + 1;
    memset(days, 0, sizeof days);
    for (size_t i = 0; i < av->work->count; i++) {
        const es_work_item *item = &av->work->items[i];
        if (item->kind == ENGSCHED_WORK_ENGAGEMENT &&
            !(ENGSCHED_STATUS_BIT(real_status(item)) & WORK_STATUSES))
            continue;
        es_alloc_item one = {item->start_day, item->end_day, item->percent, item->tentative,
                             item->kind == ENGSCHED_WORK_UNAVAILABLE};
        es_alloc_accumulate(&one, 1, av->start_day, span, days);
    }
    long available = 0, firm = 0, held = 0;
    for (int32_t i = 0; i < span; i++) {
        if (!av->working[i] || days[i].absent)
            continue;
        available += ES_ALLOC_FULL;
        firm += es_alloc_day_busy(&days[i], 0);
        held += es_alloc_day_busy(&days[i], 1);
    }
    av->utilisation = available == 0 ? 0.0 : (double)firm / (double)available;
    av->with_holds = available == 0 ? 0.0 : (double)held / (double)available;
}

/* Drop the engagements the tab does not show, keeping the order. */
static void apply_tab(engsched_availability *av)
{
    engsched_work_list *work = av->work;
    size_t kept = 0;
    for (size_t i = 0; i < work->count; i++) {
        es_work_item *item = &work->items[i];
        if (item->kind == ENGSCHED_WORK_ENGAGEMENT &&
            !es_availability_shows(item->anonymous, ENGSCHED_STATUS_BIT(real_status(item)),
                                   av->shown, WORK_STATUSES)) {
            es_free(item->label);
            continue;
        }
        work->items[kept++] = *item;
    }
    work->count = kept;
}

engsched_rc engsched_availability_next(engsched_availability *av, int *out_has_row)
{
    if (av == NULL)
        return ENGSCHED_EMISUSE;
    if (out_has_row == NULL)
        return es_fail(av->db, ENGSCHED_EINVAL, "out_has_row: must not be NULL");
    av->current = NULL;
    es_work_list_clear(av->work);
    const es_operator *row = NULL;
    engsched_rc rc = es_operator_source_next(&av->operators, &row);
    if (rc != ENGSCHED_OK)
        return rc;
    if (row == NULL) {
        *out_has_row = 0;
        return ENGSCHED_OK;
    }
    rc = es_begin(av->db, 0);
    if (rc == ENGSCHED_OK)
        rc = es_finish(av->db,
                       es_collect_work(av->db, &av->viewer, row->id, WORK_STATUSES | av->shown,
                                       0, av->start_day, av->end_day, av->work));
    if (rc != ENGSCHED_OK)
        return rc;
    av->current = row;
    load_of(av);
    apply_tab(av);
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

engsched_rc engsched_availability_load(const engsched_availability *av, double *out_firm,
                                       double *out_with_holds)
{
    if (av == NULL || av->current == NULL)
        return ENGSCHED_EINVAL;
    if (out_firm)
        *out_firm = av->utilisation;
    if (out_with_holds)
        *out_with_holds = av->with_holds;
    return ENGSCHED_OK;
}
