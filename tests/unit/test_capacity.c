/* The capacity arithmetic (rules/capacity.c) against oracles written here
 * day by day: every range of up to 75 days starting on any day of 2023-12
 * to 2024-03 (a leap February, a year end) split into weeks and months;
 * the worst case of a 366-day range over a whole 400-year cycle; and
 * every operator day and engagement day over a grid of loads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/dates.h"
#include "rules/capacity.h"

/* The oracle's bucket of a day: the Monday of its week, or year*12+month. */
static int32_t key_of(int kind, int32_t day)
{
    if (kind == ENGSCHED_BUCKET_WEEK) {
        int32_t monday = day;
        while (es_date_weekday(monday) != 1)
            monday--;
        return monday;
    }
    char text[ES_DATE_LEN];
    es_date_format(day, text);
    int year =
        (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int month = (text[5] - '0') * 10 + (text[6] - '0');
    return year * 12 + month;
}

static void check_split(int kind, int32_t first, int32_t last)
{
    es_capacity_bucket b[ES_CAPACITY_MAX_BUCKETS];
    size_t n = es_capacity_buckets(kind, first, last, b, ES_CAPACITY_MAX_BUCKETS);
    size_t keys = 1;
    for (int32_t d = first + 1; d <= last; d++)
        keys += key_of(kind, d) != key_of(kind, d - 1);
    if (n != keys)
        fail_msg("kind %d [%d, %d]: %zu buckets, oracle %zu", kind, first, last, n, keys);
    assert_int_equal(b[0].first, first);
    assert_int_equal(b[n - 1].last, last);
    for (size_t i = 0; i < n; i++) {
        assert_true(b[i].first <= b[i].last);
        if (i > 0) {
            assert_int_equal(b[i].first, b[i - 1].last + 1);
            assert_true(key_of(kind, b[i].first) != key_of(kind, b[i - 1].last));
        }
        for (int32_t d = b[i].first; d <= b[i].last; d++)
            assert_int_equal(key_of(kind, d), key_of(kind, b[i].first));
    }
}

static void test_buckets_partition_every_range(void **state)
{
    (void)state;
    int32_t from, to;
    assert_true(es_date_from_civil(2023, 12, 1, &from));
    assert_true(es_date_from_civil(2024, 3, 31, &to));
    for (int kind = ENGSCHED_BUCKET_WEEK; kind <= ENGSCHED_BUCKET_MONTH; kind++)
        for (int32_t first = from; first <= to; first++)
            for (int32_t len = 1; len <= 75; len++)
                check_split(kind, first, first + len - 1);
}

static void test_buckets_bound(void **state)
{
    (void)state;
    int32_t from;
    assert_true(es_date_from_civil(2000, 1, 1, &from));
    size_t most = 0;
    for (int32_t first = from; first < from + 146097; first++) {
        size_t n = es_capacity_buckets(ENGSCHED_BUCKET_WEEK, first,
                                       first + ENGSCHED_RANGE_MAX_DAYS - 1, NULL, 0);
        most = n > most ? n : most;
        assert_true(es_capacity_buckets(ENGSCHED_BUCKET_MONTH, first,
                                        first + ENGSCHED_RANGE_MAX_DAYS - 1, NULL, 0) <= 13);
    }
    assert_int_equal(most, ES_CAPACITY_MAX_BUCKETS);
    /* Truncated output still counts every bucket and writes only max. */
    es_capacity_bucket two[2] = {{-1, -1}, {-1, -1}};
    assert_int_equal(es_capacity_buckets(ENGSCHED_BUCKET_WEEK, from, from + 27, two, 1), 5);
    assert_int_equal(two[1].first, -1);
    assert_int_equal(es_capacity_buckets(ENGSCHED_BUCKET_WEEK, from, from - 1, two, 2), 0);
    assert_int_equal(es_capacity_buckets(7, from, from + 3, two, 2), 0);
    assert_false(es_capacity_bucket_valid(2));
    assert_false(es_capacity_bucket_valid(-1));
}

static int cap(int v) { return v > 100 ? 100 : v; }

static void test_operator_day(void **state)
{
    (void)state;
    for (int working = 0; working <= 1; working++)
        for (int absent = 0; absent <= 1; absent++)
            for (int firm = 0; firm <= 250; firm += 5)
                for (int held = 0; held <= 250; held += 5) {
                    int64_t got[ES_CAPACITY_MEASURES] = {0}, want[ES_CAPACITY_MEASURES] = {0};
                    es_day_load day = {firm, held, absent};
                    es_capacity_add_operator_day(working, &day, got);
                    if (working) {
                        want[ENGSCHED_CAPACITY_WORKING] = 100;
                        want[ENGSCHED_CAPACITY_ABSENT] = absent ? 100 : 0;
                        want[ENGSCHED_CAPACITY_AVAILABLE] = absent ? 0 : 100;
                        want[ENGSCHED_CAPACITY_FIRM] = absent ? 0 : cap(firm);
                        want[ENGSCHED_CAPACITY_TENTATIVE] =
                            absent ? 0 : cap(firm + held) - cap(firm);
                        want[ENGSCHED_CAPACITY_FREE] = absent ? 0 : 100 - cap(firm + held);
                        want[ENGSCHED_CAPACITY_OVERBOOKED] =
                            absent ? firm : (firm > 100 ? firm - 100 : 0);
                    }
                    for (int m = 0; m < ES_CAPACITY_MEASURES; m++)
                        if (got[m] != want[m])
                            fail_msg("working %d absent %d firm %d held %d: measure %d is %lld, "
                                     "oracle %lld",
                                     working, absent, firm, held, m, (long long)got[m],
                                     (long long)want[m]);
                }
}

static void test_demand_day(void **state)
{
    (void)state;
    for (int working = 0; working <= 1; working++)
        for (int firm = 0; firm <= 300; firm += 5)
            for (int held = 0; held <= 300; held += 5) {
                int64_t got[ES_CAPACITY_MEASURES] = {0};
                es_capacity_add_demand_day(working, firm, held, got);
                int64_t demand = working ? 100 : 0;
                assert_int_equal(got[ENGSCHED_CAPACITY_DEMAND], demand);
                assert_int_equal(got[ENGSCHED_CAPACITY_UNSTAFFED],
                                 working ? (firm >= 100 ? 0 : 100 - firm) : 0);
                assert_int_equal(got[ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS],
                                 working ? (firm + held >= 100 ? 0 : 100 - firm - held) : 0);
                for (int m = 0; m < ENGSCHED_CAPACITY_DEMAND; m++)
                    assert_int_equal(got[m], 0);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets_partition_every_range),
        cmocka_unit_test(test_buckets_bound),
        cmocka_unit_test(test_operator_day),
        cmocka_unit_test(test_demand_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
