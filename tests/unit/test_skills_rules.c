/*
 * The skills rules (lib/rules/skills_rules.c): which strings are tags,
 * folding a tag set, matched and missing counts, and the candidate rank,
 * walked over their whole small input spaces. Expectations are written
 * from the rule's text (docs/design.md, "Candidates"), not computed by the
 * code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rules/skills_rules.h"

static int allowed_byte(int c)
{
    return strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.+", c) != NULL && c != 0;
}

static void every_single_byte(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        char tag[2] = {(char)c, 0};
        es_tag_check want = allowed_byte(c) ? ES_TAG_OK : ES_TAG_BAD_CHAR;
        if (es_tag_check_one(tag) != want)
            fail_msg("byte 0x%02x: got %d, expected %d", c, es_tag_check_one(tag), want);
        /* The same byte after a valid prefix and before a valid suffix. */
        char mid[4] = {'a', (char)c, 'b', 0};
        assert_int_equal(es_tag_check_one(mid), want);
    }
    assert_int_equal(es_tag_check_one(NULL), ES_TAG_NULL);
    assert_int_equal(es_tag_check_one(""), ES_TAG_EMPTY);
}

static void every_length(void **state)
{
    (void)state;
    char buf[200];
    for (size_t len = 1; len < sizeof buf; len++) {
        memset(buf, 'k', len);
        buf[len] = '\0';
        es_tag_check want = len <= 64 ? ES_TAG_OK : ES_TAG_TOO_LONG;
        assert_int_equal(es_tag_check_one(buf), want);
    }
    /* Unterminated past the limit: stops at byte 65. */
    char unterminated[ENGSCHED_TAG_MAX_LEN + 1];
    memset(unterminated, 'x', sizeof unterminated);
    assert_int_equal(es_tag_check_one(unterminated), ES_TAG_TOO_LONG);
    for (int why = ES_TAG_OK; why <= ES_TAG_BAD_CHAR; why++)
        assert_non_null(es_tag_problem((es_tag_check)why));
}

/* A universe of 5 tags, already in bytewise order. */
static const char *const universe[] = {"a", "a+b", "b", "c.d", "z9"};
#define NU 5

static size_t from_mask(unsigned mask, const char **out)
{
    size_t n = 0;
    for (int i = 0; i < NU; i++)
        if (mask & (1u << i))
            out[n++] = universe[i];
    return n;
}

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* Every multiset of up to 3 copies of each tag, in every rotation: folds
 * to the set, sorted. */
static void fold_every_multiset(void **state)
{
    (void)state;
    for (unsigned mask = 0; mask < (1u << NU); mask++) {
        for (unsigned copies = 1; copies <= 3; copies++) {
            for (size_t rot = 0; rot < 7; rot++) {
                const char *in[NU * 3], *set[NU];
                size_t n = 0, want = from_mask(mask, set);
                for (unsigned k = 0; k < copies; k++)
                    for (size_t i = 0; i < want; i++)
                        in[n++] = set[(i + k) % want];
                /* rotate the whole input */
                const char *rotated[NU * 3];
                for (size_t i = 0; i < n; i++)
                    rotated[i] = in[(i + rot) % n];
                size_t got = es_tags_fold(rotated, n);
                assert_int_equal(got, want);
                for (size_t i = 0; i < got; i++)
                    assert_string_equal(rotated[i], set[i]);
            }
        }
    }
    assert_int_equal(es_tags_fold(NULL, 0), 0);
}

static void compare_every_pair(void **state)
{
    (void)state;
    for (unsigned have = 0; have < (1u << NU); have++) {
        for (unsigned want = 0; want < (1u << NU); want++) {
            const char *h[NU], *w[NU];
            size_t nh = from_mask(have, h), nw = from_mask(want, w);
            size_t matched = 99, missing = 99;
            es_tags_compare(h, nh, w, nw, &matched, &missing);
            assert_int_equal(matched, popcount(have & want));
            assert_int_equal(missing, popcount(want & ~have));
        }
    }
}

/* The literal rule, one key at a time. */
static void rank_each_key(void **state)
{
    (void)state;
    es_candidate_key base = {
        .id = 5, .name = "m", .missing = 1, .free_days = 3, .conflict_days = 2};
    es_candidate_key k = base;
    k.missing = 0;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* fewer missing first */
    k = base;
    k.missing = 0;
    k.free_days = 0;
    k.conflict_days = 9;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* missing outranks days */
    k = base;
    k.free_days = 4;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* more free first */
    k = base;
    k.free_days = 4;
    k.conflict_days = 9;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* free outranks conflicts */
    k = base;
    k.conflict_days = 1;
    assert_true(es_candidate_cmp(&k, &base) < 0);
    k = base;
    k.name = "a";
    k.id = 99;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* name before id */
    k = base;
    k.id = 4;
    assert_true(es_candidate_cmp(&k, &base) < 0);
    assert_int_equal(es_candidate_cmp(&base, &base), 0);
    k = base;
    k.name = NULL;
    assert_true(es_candidate_cmp(&k, &base) < 0); /* NULL is "" */
}

/* Over a grid of keys: a total order (antisymmetric, transitive), and
 * the lexicographic order of (missing, -free, conflicts, name, id). */
#define GRID 2
static void rank_is_a_total_order(void **state)
{
    (void)state;
    static const char *const names[] = {"", "b", "bb"};
    es_candidate_key keys[GRID * GRID * GRID * 3 * 2];
    size_t n = 0;
    for (unsigned m = 0; m < GRID; m++)
        for (unsigned f = 0; f < GRID; f++)
            for (unsigned c = 0; c < GRID; c++)
                for (unsigned nm = 0; nm < 3; nm++)
                    for (int id = 1; id <= 2; id++)
                        keys[n++] = (es_candidate_key){id, names[nm], m, f, c};
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            const es_candidate_key *a = &keys[i], *b = &keys[j];
            int got = es_candidate_cmp(a, b);
            assert_int_equal(got, -es_candidate_cmp(b, a));
            assert_true(got >= -1 && got <= 1);
            long long ta[] = {a->missing, -(long long)a->free_days, a->conflict_days};
            long long tb[] = {b->missing, -(long long)b->free_days, b->conflict_days};
            int want = 0;
            for (int t = 0; t < 3 && want == 0; t++)
                want = (ta[t] > tb[t]) - (ta[t] < tb[t]);
            if (want == 0) {
                int s = strcmp(a->name, b->name);
                want = (s > 0) - (s < 0);
            }
            if (want == 0)
                want = (a->id > b->id) - (a->id < b->id);
            if (got != want)
                fail_msg("keys %zu, %zu: got %d, expected %d", i, j, got, want);
            for (size_t k = 0; k < n; k++) {
                if (got < 0 && es_candidate_cmp(b, &keys[k]) < 0)
                    assert_true(es_candidate_cmp(a, &keys[k]) < 0);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_single_byte),   cmocka_unit_test(every_length),
        cmocka_unit_test(fold_every_multiset), cmocka_unit_test(compare_every_pair),
        cmocka_unit_test(rank_each_key),       cmocka_unit_test(rank_is_a_total_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
