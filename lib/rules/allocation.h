/* rules/allocation: the arithmetic of partial allocation (docs/design.md
 * §4) as pure functions: how an operator's assignments and absences load
 * each day, when a day is overloaded, and where an assignment's window
 * goes when its engagement's dates change. No I/O, no allocation. */
#ifndef ES_RULES_ALLOCATION_H
#define ES_RULES_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>

/* A whole day of an operator, in percent. */
#define ES_ALLOC_FULL 100

/* One piece of an operator's time: an assignment's window at a share of
 * the day, firm or a tentative hold, or an absence (a whole day each). */
typedef struct es_alloc_item {
    int32_t start_day;
    int32_t end_day; /* inclusive */
    int percent;     /* 1..100; ignored for an absence */
    int tentative;   /* a hold: loads "with holds" only, never conflicts */
    int absence;     /* leave, training: the whole day */
} es_alloc_item;

/* What one day carries. */
typedef struct es_day_load {
    int firm;      /* percent of firm assignments (may pass 100) */
    int tentative; /* percent of holds */
    int absent;    /* nonzero: an absence covers the day */
} es_day_load;

/* Add each item's load to days[0 .. span-1], day i being first + i; items
 * outside the span add nothing there. The caller zeroes days first. */
void es_alloc_accumulate(const es_alloc_item *items, size_t count, int32_t first, int32_t span,
                         es_day_load *days);

/* The day's firm load with absences at 100 %. */
int es_alloc_day_firm(const es_day_load *day);

/* Whether adding a firm @p percent to the day passes 100 %: the one rule
 * of a conflict. Holds never count. */
int es_alloc_day_overloaded(const es_day_load *day, int percent);

/* The share of the day an operator works, capped at a whole day: firm
 * only, or firm plus holds (@p with_holds); 0 on an absent day. */
int es_alloc_day_busy(const es_day_load *day, int with_holds);

/* Whether @p percent is an allocation (1..100). */
int es_alloc_percent_valid(int percent);

/* Whether [win_start, win_end] is a window of an engagement on
 * [start, end]: non-empty and inside its dates. */
int es_alloc_window_valid(int32_t start, int32_t end, int32_t win_start, int32_t win_end);

/* Where a window goes when its engagement moves from [old_start, old_end]
 * to [new_start, new_end]: a move (same length) shifts it by the same
 * number of days; any other change keeps its days and clamps them to the
 * new dates. Returns 1 with the new window in *out_start, *out_end, or 0
 * when nothing of it remains (or it would cover all the new dates): the
 * assignment then covers the whole engagement again. */
int es_alloc_window_follow(int32_t old_start, int32_t old_end, int32_t new_start, int32_t new_end,
                           int32_t win_start, int32_t win_end, int32_t *out_start,
                           int32_t *out_end);

#endif
