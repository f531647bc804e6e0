/* Partial allocation arithmetic: see rules/allocation.h. */
#include "rules/allocation.h"

void es_alloc_accumulate(const es_alloc_item *items, size_t count, int32_t first, int32_t span,
                         es_day_load *days)
{
    int32_t last = first + span - 1;
    for (size_t i = 0; i < count; i++) {
        const es_alloc_item *item = &items[i];
        int32_t from = item->start_day > first ? item->start_day : first;
        int32_t to = item->end_day < last ? item->end_day : last;
        for (int32_t d = from; d <= to; d++) {
            es_day_load *day = &days[d - first];
            if (item->absence)
                day->absent = 1;
            else if (item->tentative)
                day->tentative += item->percent;
            else
                day->firm += item->percent;
        }
    }
}

int es_alloc_day_firm(const es_day_load *day)
{
    return day->firm + (day->absent ? ES_ALLOC_FULL : 0);
}

int es_alloc_day_overloaded(const es_day_load *day, int percent)
{
    return es_alloc_day_firm(day) + percent > ES_ALLOC_FULL;
}

int es_alloc_day_busy(const es_day_load *day, int with_holds)
{
    if (day->absent)
        return 0;
    int load = day->firm + (with_holds ? day->tentative : 0);
    return load > ES_ALLOC_FULL ? ES_ALLOC_FULL : load;
}

int es_alloc_percent_valid(int percent) { return percent >= 1 && percent <= ES_ALLOC_FULL; }

int es_alloc_window_valid(int32_t start, int32_t end, int32_t win_start, int32_t win_end)
{
    return win_start <= win_end && win_start >= start && win_end <= end;
}

int es_alloc_window_follow(int32_t old_start, int32_t old_end, int32_t new_start, int32_t new_end,
                           int32_t win_start, int32_t win_end, int32_t *out_start, int32_t *out_end)
{
    int32_t from = win_start, to = win_end;
    if (new_end - new_start == old_end - old_start) {
        from += new_start - old_start;
        to += new_start - old_start;
    }
    if (from < new_start)
        from = new_start;
    if (to > new_end)
        to = new_end;
    if (from > to || (from == new_start && to == new_end))
        return 0;
    *out_start = from;
    *out_end = to;
    return 1;
}
