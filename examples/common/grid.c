/* The Calendar view as a month grid for a terminal: one block of lines per
 * week, seven day columns; each engagement gets a lane in a week and is
 * drawn in every day cell it covers, in its status colour. */
#include "excommon.h"

#include <stdlib.h>
#include <string.h>

#define CELL 12 /* columns of a day cell, plus one separating space */

void ex_grid_range(int year, int month, char first[11], char last[11])
{
    long d1 = ex_days_from_civil(year, month, 1);
    long dn = d1 + ex_month_days(year, month) - 1;
    ex_date_format(d1 - ex_weekday(d1), first);
    ex_date_format(dn + (6 - ex_weekday(dn)), last);
}

typedef struct span {
    long start, end; /* clipped to the month, day numbers */
    size_t item;
} span;

static void print_item_cell(FILE *f, const ex_grid_item *it, int colour)
{
    char text[300];
    snprintf(text, sizeof text, "#%lld %s", (long long)it->id, it->name ? it->name : "");
    if (colour)
        ex_colour_on(f, engsched_status_colour(it->status));
    ex_print_cell(f, text, CELL);
    if (colour)
        ex_colour_off(f);
}

int ex_grid_print(FILE *f, int year, int month, const ex_grid_item *items, size_t count,
                  int colour)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    long first = ex_days_from_civil(year, month, 1);
    long last = first + ex_month_days(year, month) - 1;
    span *spans = calloc(count ? count : 1, sizeof *spans);
    long *lane_end = calloc(count ? count : 1, sizeof *lane_end);
    size_t *lane_of = calloc(count ? count : 1, sizeof *lane_of);
    if (spans == NULL || lane_end == NULL || lane_of == NULL) {
        free(spans);
        free(lane_end);
        free(lane_of);
        return -1;
    }

    /* Clip every engagement to the month; skip the malformed. */
    size_t nspans = 0;
    for (size_t i = 0; i < count; i++) {
        long s, e;
        if (ex_date_parse(items[i].start, &s) != 0 || ex_date_parse(items[i].end, &e) != 0)
            continue;
        if (e < first || s > last)
            continue;
        spans[nspans].start = s < first ? first : s;
        spans[nspans].end = e > last ? last : e;
        spans[nspans].item = i;
        nspans++;
    }

    fprintf(f, "%s %d\n", ex_month_name(month), year);
    for (int d = 0; d < 7; d++) {
        fputc(' ', f);
        ex_print_cell(f, days[d], CELL);
    }
    fputc('\n', f);
    for (int i = 0; i < 7 * (CELL + 1); i++)
        fputc('-', f);
    fputc('\n', f);

    for (long week = first - ex_weekday(first); week <= last; week += 7) {
        /* Day numbers. */
        for (int d = 0; d < 7; d++) {
            long day = week + d;
            char num[24] = "";
            if (day >= first && day <= last)
                snprintf(num, sizeof num, "%ld", day - first + 1);
            fputc(' ', f);
            ex_print_cell(f, num, CELL);
        }
        fputc('\n', f);
        /* Lanes: spans are in start order (the Calendar cursor's order);
         * each takes the first lane free before its first day this week. */
        size_t lanes = 0;
        for (size_t i = 0; i < nspans; i++) {
            lane_of[i] = (size_t)-1;
            if (spans[i].end < week || spans[i].start > week + 6)
                continue;
            long s = spans[i].start < week ? week : spans[i].start;
            size_t l = 0;
            while (l < lanes && lane_end[l] >= s)
                l++;
            if (l == lanes)
                lanes++;
            lane_end[l] = spans[i].end;
            lane_of[i] = l;
        }
        for (size_t l = 0; l < lanes; l++) {
            for (int d = 0; d < 7; d++) {
                long day = week + d;
                size_t hit = nspans;
                for (size_t i = 0; i < nspans; i++) {
                    if (lane_of[i] == l && spans[i].start <= day && spans[i].end >= day) {
                        hit = i;
                        break;
                    }
                }
                fputc(' ', f);
                if (hit == nspans)
                    ex_print_cell(f, "", CELL);
                else
                    print_item_cell(f, &items[spans[hit].item], colour);
            }
            fputc('\n', f);
        }
        for (int i = 0; i < 7 * (CELL + 1); i++)
            fputc('-', f);
        fputc('\n', f);
    }

    /* The key: what each short name stands for, with its status. */
    for (size_t i = 0; i < nspans; i++) {
        const ex_grid_item *it = &items[spans[i].item];
        fprintf(f, "  #%-4lld ", (long long)it->id);
        if (colour)
            ex_colour_on(f, engsched_status_colour(it->status));
        ex_print_cell(f, engsched_status_label(it->status), 12);
        if (colour)
            ex_colour_off(f);
        fprintf(f, " %s .. %s  %s\n", it->start, it->end, it->name ? it->name : "");
    }
    if (nspans == 0)
        fputs("  (no engagements this month)\n", f);

    free(spans);
    free(lane_end);
    free(lane_of);
    return 0;
}
