/* The VIEW rule of docs/design.md §3: every operation on an existing
 * engagement needs VIEW besides its own permission, so that a role without
 * VIEW never changes, reads files of, or learns the state of an engagement
 * whose detail it may not see. Walked over every permission mask × every
 * operation × every report target × access × system. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

#define PM(x) ENGSCHED_PERM_##x

/* The operations that act on an engagement that already exists, written
 * out here rather than asked of the library. */
static int acts_on_engagement(es_op op)
{
    switch (op) {
    case ES_OP_VIEW:
    case ES_OP_APPROVE:
    case ES_OP_EDIT:
    case ES_OP_CANCEL:
    case ES_OP_REPORT_STATUS:
    case ES_OP_ASSIGN:
    case ES_OP_FILE_ATTACH:
    case ES_OP_FILE_READ:
    case ES_OP_FILE_DELETE:
    case ES_OP_REPORT_VIEW:
        return 1;
    default:
        return 0;
    }
}

static void test_needs_view_table(void **state)
{
    (void)state;
    for (int op = -1; op <= ES_OP_COUNT + 1; op++)
        if (es_op_needs_view((es_op)op) != acts_on_engagement((es_op)op))
            fail_msg("es_op_needs_view(%d (%s))", op, es_op_name((es_op)op));
}

static void test_view_required_exhaustive(void **state)
{
    (void)state;
    long cases = 0;
    for (unsigned int mask = 0; mask <= PM(ALL); mask++) {
        for (int op = 0; op < ES_OP_COUNT; op++) {
            for (int target = -1; target <= 6; target++) {
                engsched_report_status t = (engsched_report_status)target;
                unsigned int own = es_op_permission((es_op)op, t);
                engsched_rc with = es_authorize(0, mask | PM(VIEW), 1, (es_op)op, t);
                engsched_rc without =
                    es_authorize(0, mask & ~(unsigned int)PM(VIEW), 1, (es_op)op, t);
                /* VIEW never takes away; with it the own bit decides */
                engsched_rc want_with =
                    own != 0 && ((mask | PM(VIEW)) & own) == own ? ENGSCHED_OK : ENGSCHED_EDENIED;
                if (with != want_with)
                    fail_msg("mask %#x + VIEW, op %s, target %d: %d, want %d", mask,
                             es_op_name((es_op)op), target, with, want_with);
                /* without VIEW: refused on an engagement, unchanged elsewhere */
                engsched_rc want_without = acts_on_engagement((es_op)op)     ? ENGSCHED_EDENIED
                                           : own != 0 && (mask & own) == own ? ENGSCHED_OK
                                                                             : ENGSCHED_EDENIED;
                if (without != want_without)
                    fail_msg("mask %#x - VIEW, op %s, target %d: %d, want %d", mask,
                             es_op_name((es_op)op), target, without, want_without);
                /* no access stays ENOTFOUND, the system passes, VIEW or not */
                if (es_authorize(0, mask, 0, (es_op)op, t) != ENGSCHED_ENOTFOUND ||
                    es_authorize(1, mask & ~(unsigned int)PM(VIEW), 0, (es_op)op, t) != ENGSCHED_OK)
                    fail_msg("mask %#x, op %s: access order", mask, es_op_name((es_op)op));
                /* the message names what is missing */
                const char *missing =
                    es_permission_missing(mask & ~(unsigned int)PM(VIEW), (es_op)op, t);
                if (acts_on_engagement((es_op)op) && own != 0 && strcmp(missing, "view") != 0)
                    fail_msg("op %s without VIEW: message names %s", es_op_name((es_op)op),
                             missing);
                cases++;
            }
        }
    }
    assert_int_equal(cases, 32768L * ES_OP_COUNT * 8);
}

/* A named operator: out of sight answers exactly as missing, whatever
 * else is true of them; in sight, the first reason in order. */
static void test_assignee_check_exhaustive(void **state)
{
    (void)state;
    for (int bits = 0; bits < 16; bits++) {
        int exists = bits & 1, seen = bits >> 1 & 1, op = bits >> 2 & 1, access = bits >> 3 & 1;
        es_assignee want = !exists || !seen ? ES_ASSIGNEE_NOT_FOUND
                           : !op            ? ES_ASSIGNEE_NOT_OPERATOR
                           : !access        ? ES_ASSIGNEE_NO_ACCESS
                                            : ES_ASSIGNEE_OK;
        if (es_assignee_check(exists, seen, op, access) != want)
            fail_msg("es_assignee_check(%d, %d, %d, %d)", exists, seen, op, access);
    }
}

/* Availability's status filter, over every status × every tab (and
 * every mask of tabs) × anonymity: a visible item follows the tab; an
 * anonymous one is shown exactly when its status occupies the operator,
 * the same on every tab, so no tab tells its status. */
static void test_availability_shows_exhaustive(void **state)
{
    (void)state;
    const unsigned int occupying = 0x3e; /* Pending … Complete, the library's bits 1-5 */
    for (int status = 1; status <= 6; status++) {
        unsigned int bit = 1u << status;
        for (unsigned int shown = 0; shown < 128; shown++) {
            int visible = es_availability_shows(0, bit, shown, occupying);
            if (visible != ((shown & bit) != 0))
                fail_msg("visible status %d, tabs 0x%x: %d", status, shown, visible);
            int busy = es_availability_shows(1, bit, shown, occupying);
            if (busy != ((occupying & bit) != 0) ||
                busy != es_availability_shows(1, bit, 0, occupying))
                fail_msg("anonymous status %d, tabs 0x%x: %d", status, shown, busy);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_view_table),
        cmocka_unit_test(test_view_required_exhaustive),
        cmocka_unit_test(test_assignee_check_exhaustive),
        cmocka_unit_test(test_availability_shows_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
