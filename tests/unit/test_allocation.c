/* The partial-allocation arithmetic (rules/allocation.c) against a
 * brute-force oracle written here day by day: every combination of up to
 * three items (each any window of a 4-day calendar, partly outside it
 * too, at 25/50/75/100 %, firm or a hold, or an absence), every day, and
 * every share a new assignment could add; and the window rule over every
 * old range, new range and window of a 7-day span. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rules/allocation.h"

#define DAYS 4
#define FIRST 10

/* Windows from day 9 to day 14: some start before the calendar, end after it. */
static es_alloc_item windows[21];
static size_t window_count;

static void make_windows(void)
{
    window_count = 0;
    for (int32_t s = FIRST - 1; s <= FIRST + DAYS; s++)
        for (int32_t e = s; e <= FIRST + DAYS; e++)
            windows[window_count++] = (es_alloc_item){s, e, 0, 0, 0};
}

/* Item option k: a window, then one of 4 percents × firm/hold, or an absence. */
#define SHAPES 9
static es_alloc_item item_of(size_t k)
{
    es_alloc_item it = windows[k / SHAPES];
    int shape = (int)(k % SHAPES);
    if (shape == 8) {
        it.absence = 1;
        it.percent = 100;
    } else {
        it.percent = 25 * (shape % 4 + 1);
        it.tentative = shape / 4;
    }
    return it;
}

/* The oracle: what one item puts on day d. */
static void oracle_day(const es_alloc_item *items, size_t n, int32_t d, int *firm, int *held,
                       int *absent)
{
    *firm = *held = *absent = 0;
    for (size_t i = 0; i < n; i++) {
        if (d < items[i].start_day || d > items[i].end_day)
            continue;
        if (items[i].absence)
            *absent = 1;
        else if (items[i].tentative)
            *held += items[i].percent;
        else
            *firm += items[i].percent;
    }
}

static void check(const es_alloc_item *items, size_t n)
{
    es_day_load days[DAYS] = {{0, 0, 0}};
    es_alloc_accumulate(items, n, FIRST, DAYS, days);
    for (int32_t i = 0; i < DAYS; i++) {
        int firm, held, absent;
        oracle_day(items, n, FIRST + i, &firm, &held, &absent);
        const es_day_load *day = &days[i];
        if (day->firm != firm || day->tentative != held || (day->absent != 0) != absent)
            fail_msg("day %d: load %d/%d/%d, oracle %d/%d/%d", i, day->firm, day->tentative,
                     day->absent, firm, held, absent);
        int firm_load = firm + (absent ? 100 : 0);
        assert_int_equal(es_alloc_day_firm(day), firm_load);
        static const int adds[] = {1, 25, 50, 75, 100};
        for (size_t a = 0; a < sizeof adds / sizeof adds[0]; a++)
            if (es_alloc_day_overloaded(day, adds[a]) != (firm_load + adds[a] > 100))
                fail_msg("day %d adding %d%%: overloaded wrong", i, adds[a]);
        int busy = absent ? 0 : (firm > 100 ? 100 : firm);
        int with_holds = absent ? 0 : (firm + held > 100 ? 100 : firm + held);
        assert_int_equal(es_alloc_day_busy(day, 0), busy);
        assert_int_equal(es_alloc_day_busy(day, 1), with_holds);
    }
}

static void test_accumulate_exhaustive(void **state)
{
    (void)state;
    make_windows();
    size_t options = window_count * SHAPES;
    check(NULL, 0);
    for (size_t a = 0; a < options; a++) {
        es_alloc_item one[1] = {item_of(a)};
        check(one, 1);
        for (size_t b = 0; b < options; b++) {
            es_alloc_item two[2] = {item_of(a), item_of(b)};
            check(two, 2);
        }
    }
    /* Three at a time: every window with every shape for the first, a
     * stride through the others (the pairs above cover each pair). */
    for (size_t a = 0; a < options; a++)
        for (size_t b = 0; b < options; b += 7)
            for (size_t c = 0; c < options; c += 11) {
                es_alloc_item three[3] = {item_of(a), item_of(b), item_of(c)};
                check(three, 3);
            }
}

static void test_percent_and_window_validity(void **state)
{
    (void)state;
    for (int p = -5; p <= 105; p++)
        assert_int_equal(es_alloc_percent_valid(p), p >= 1 && p <= 100);
    for (int32_t ws = 0; ws < 8; ws++)
        for (int32_t we = 0; we < 8; we++)
            assert_int_equal(es_alloc_window_valid(2, 5, ws, we), ws <= we && ws >= 2 && we <= 5);
}

/* Days as bits of a 7-day span, 0..6 (and shifted windows off either end). */
static unsigned int bits_of(int32_t s, int32_t e)
{
    unsigned int m = 0;
    for (int32_t d = s; d <= e; d++)
        if (d >= 0 && d < 16)
            m |= 1u << d;
    return m;
}

static void test_window_follow_exhaustive(void **state)
{
    (void)state;
    for (int32_t os = 0; os < 7; os++)
        for (int32_t oe = os; oe < 7; oe++)
            for (int32_t ns = 0; ns < 7; ns++)
                for (int32_t ne = ns; ne < 7; ne++)
                    for (int32_t ws = os; ws <= oe; ws++)
                        for (int32_t we = ws; we <= oe; we++) {
                            int32_t shift = ne - ns == oe - os ? ns - os : 0;
                            unsigned int want = bits_of(ws + shift, we + shift) & bits_of(ns, ne);
                            int32_t s = -1, e = -1;
                            int kept = es_alloc_window_follow(os, oe, ns, ne, ws, we, &s, &e);
                            int want_kept = want != 0 && want != bits_of(ns, ne);
                            if (kept != want_kept || (kept && bits_of(s, e) != want))
                                fail_msg("old %d..%d new %d..%d window %d..%d: %d %d..%d", os, oe,
                                         ns, ne, ws, we, kept, s, e);
                        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accumulate_exhaustive),
        cmocka_unit_test(test_percent_and_window_validity),
        cmocka_unit_test(test_window_follow_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
