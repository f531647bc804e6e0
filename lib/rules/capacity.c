/* Capacity arithmetic: see rules/capacity.h. */
#include "util/dates.h"
#include "rules/capacity.h"

int es_capacity_bucket_valid(int kind)
{
    return kind == ENGSCHED_BUCKET_WEEK || kind == ENGSCHED_BUCKET_MONTH;
}

/* The last day of the bucket of @p kind that holds @p day. */
static int32_t bucket_last(int kind, int32_t day)
{
    if (kind == ENGSCHED_BUCKET_WEEK)
        return day + (7 - es_date_weekday(day));
    int year, month, mday;
    es_date_civil(day, &year, &month, &mday);
    int32_t next_first = 0;
    if (month == 12)
        (void)es_date_from_civil(year + 1, 1, 1, &next_first);
    else
        (void)es_date_from_civil(year, month + 1, 1, &next_first);
    return next_first - 1;
}

size_t es_capacity_buckets(int kind, int32_t first, int32_t last, es_capacity_bucket *out,
                           size_t max)
{
    if (!es_capacity_bucket_valid(kind) || last < first)
        return 0;
    size_t count = 0;
    for (int32_t day = first; day <= last; count++) {
        int32_t end = bucket_last(kind, day);
        if (end > last)
            end = last;
        if (count < max)
            out[count] = (es_capacity_bucket){day, end};
        day = end + 1;
    }
    return count;
}

static int at_most_a_day(int load) { return load > ES_ALLOC_FULL ? ES_ALLOC_FULL : load; }

void es_capacity_add_operator_day(int working, const es_day_load *day, int64_t *figures)
{
    if (!working)
        return;
    int available = day->absent ? 0 : ES_ALLOC_FULL;
    int firm = es_alloc_day_busy(day, 0);
    int held = es_alloc_day_busy(day, 1) - firm;
    int over = es_alloc_day_firm(day) - ES_ALLOC_FULL;
    figures[ENGSCHED_CAPACITY_WORKING] += ES_ALLOC_FULL;
    figures[ENGSCHED_CAPACITY_ABSENT] += ES_ALLOC_FULL - available;
    figures[ENGSCHED_CAPACITY_AVAILABLE] += available;
    figures[ENGSCHED_CAPACITY_FIRM] += firm;
    figures[ENGSCHED_CAPACITY_TENTATIVE] += held;
    figures[ENGSCHED_CAPACITY_FREE] += available - firm - held;
    figures[ENGSCHED_CAPACITY_OVERBOOKED] += over > 0 ? over : 0;
}

void es_capacity_add_demand_day(int working, int firm, int held, int64_t *figures)
{
    if (!working)
        return;
    figures[ENGSCHED_CAPACITY_DEMAND] += ES_ALLOC_FULL;
    figures[ENGSCHED_CAPACITY_UNSTAFFED] += ES_ALLOC_FULL - at_most_a_day(firm);
    figures[ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS] += ES_ALLOC_FULL - at_most_a_day(firm + held);
}
