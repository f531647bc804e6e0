/*
 * The pure rules of docs/design.md §2–§3 (lib/rules.h, status.c, permissions.c,
 * transitions.c, capabilities_rules.c), walked over their whole input space.
 *
 * Every expectation below comes from a table written out literally in this
 * file as the design states it; no expectation is computed by calling the
 * code under test. Where the design is silent about an input that cannot
 * occur through the public API (an unknown report target, an inconsistent
 * status/report pair), the test asks for the fail-closed answer and says so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

#define NSTATUS 6  /* ENGSCHED_STATUS_PENDING (1) … ENGSCHED_STATUS_CANCELED (6) */
#define NREPORT 6  /* ENGSCHED_REPORT_NONE (0) … ENGSCHED_REPORT_PUBLISHED (5) */

/* Values outside each enum that every function must treat as unknown. */
static const int bad_status[] = {-1, 0, 7, 100};
static const int bad_report[] = {-1, 6, 100};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Fail with a readable description of the first disagreement instead of
 * drowning in millions of assertions; every loop counts its cases so a
 * shrinking loop would be noticed too. */
#define EXPECT_EQ(got, want, ...)                                                            \
    do {                                                                                     \
        long long got_ = (long long)(got), want_ = (long long)(want);                        \
        if (got_ != want_) {                                                                 \
            char where_[512];                                                                \
            snprintf(where_, sizeof where_, __VA_ARGS__);                                    \
            fail_msg("%s: got %lld, expected %lld", where_, got_, want_);                    \
        }                                                                                    \
    } while (0)

/* ------------------------------------------------------------------------ */
/* docs/design.md §2, first table: engagement status from report status,         */
/* start reached, canceled. Written literally:                              */
/*                                                                          */
/*   Pending      | (none)                                                  */
/*   Scheduled    | Draft, start date not reached                           */
/*   In Progress  | Draft, start date reached                               */
/*   In Review    | Ready for Review, In Review, Approved                   */
/*   Complete     | Published                                               */
/*   Canceled     | (not applicable): canceled wins over everything         */
/*                                                                          */
/* Indexed [report + 1][start_reached][canceled], report -1 … 6; 0 for a   */
/* report status outside the enum (engsched.h).                             */
/* ------------------------------------------------------------------------ */
#define P_ ENGSCHED_STATUS_PENDING
#define S_ ENGSCHED_STATUS_SCHEDULED
#define I_ ENGSCHED_STATUS_IN_PROGRESS
#define R_ ENGSCHED_STATUS_IN_REVIEW
#define C_ ENGSCHED_STATUS_COMPLETE
#define X_ ENGSCHED_STATUS_CANCELED
static const int derive_table[8][2][2] = {
    /*                      not reached         reached     */
    /*                   live   canceled     live   canceled */
    /* -1 (unknown)  */ {{0, 0}, {0, 0}},
    /* NONE          */ {{P_, X_}, {P_, X_}},
    /* DRAFT         */ {{S_, X_}, {I_, X_}},
    /* READY_FOR_REV */ {{R_, X_}, {R_, X_}},
    /* IN_REVIEW     */ {{R_, X_}, {R_, X_}},
    /* APPROVED      */ {{R_, X_}, {R_, X_}},
    /* PUBLISHED     */ {{C_, X_}, {C_, X_}},
    /* 6 (unknown)   */ {{0, 0}, {0, 0}},
};

static void test_status_derive_table(void **state)
{
    (void)state;
    int cases = 0;
    for (int report = -1; report <= 6; report++) {
        for (int reached = 0; reached <= 1; reached++) {
            for (int canceled = 0; canceled <= 1; canceled++) {
                EXPECT_EQ(engsched_status_derive((engsched_report_status)report, reached, canceled),
                          derive_table[report + 1][reached][canceled],
                          "derive(report=%d, start_reached=%d, canceled=%d)", report, reached,
                          canceled);
                cases++;
            }
        }
    }
    assert_int_equal(cases, 8 * 2 * 2);
    /* "nonzero" means true for both flags, not just 1. */
    assert_int_equal(engsched_status_derive(ENGSCHED_REPORT_DRAFT, 7, 0), I_);
    assert_int_equal(engsched_status_derive(ENGSCHED_REPORT_DRAFT, -1, 0), I_);
    assert_int_equal(engsched_status_derive(ENGSCHED_REPORT_DRAFT, 0, 42), X_);
    assert_int_equal(engsched_status_derive(ENGSCHED_REPORT_NONE, 0, -1), X_);
    /* far outside the enum */
    assert_int_equal(engsched_status_derive((engsched_report_status)100, 1, 1), 0);
}

/* ------------------------------------------------------------------------ */
/* Labels, names, colours, parsing                                          */
/* ------------------------------------------------------------------------ */
static const struct {
    engsched_status status;
    const char *label;
    const char *name;
} status_table[NSTATUS] = {
    {ENGSCHED_STATUS_PENDING, "Pending", "pending"},
    {ENGSCHED_STATUS_SCHEDULED, "Scheduled", "scheduled"},
    {ENGSCHED_STATUS_IN_PROGRESS, "In Progress", "in_progress"},
    {ENGSCHED_STATUS_IN_REVIEW, "In Review", "in_review"},
    {ENGSCHED_STATUS_COMPLETE, "Complete", "complete"},
    {ENGSCHED_STATUS_CANCELED, "Canceled", "canceled"},
};

static const struct {
    engsched_report_status status;
    const char *label; /* NULL: the design gives none; only "known" is checked */
    const char *name;
} report_table[NREPORT] = {
    {ENGSCHED_REPORT_NONE, NULL, "none"},
    {ENGSCHED_REPORT_DRAFT, "Draft", "draft"},
    {ENGSCHED_REPORT_READY_FOR_REVIEW, "Ready for Review", "ready_for_review"},
    {ENGSCHED_REPORT_IN_REVIEW, "In Review", "in_review"},
    {ENGSCHED_REPORT_APPROVED, "Approved", "approved"},
    {ENGSCHED_REPORT_PUBLISHED, "Published", "published"},
};

static int is_hex_colour(const char *c)
{
    if (c == NULL || strlen(c) != 7 || c[0] != '#')
        return 0;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)c[i]) || isupper((unsigned char)c[i]))
            return 0;
    return 1;
}

static void test_status_labels_names_colours(void **state)
{
    (void)state;
    for (int i = 0; i < NSTATUS; i++) {
        engsched_status s = status_table[i].status;
        assert_string_equal(engsched_status_label(s), status_table[i].label);
        assert_string_equal(engsched_status_name(s), status_table[i].name);
        const char *colour = engsched_status_colour(s);
        if (!is_hex_colour(colour))
            fail_msg("colour of %s is \"%s\", not #rrggbb", status_table[i].name,
                     colour ? colour : "(null)");
        /* every view colour-codes statuses: no two may share a colour */
        for (int j = 0; j < i; j++)
            if (strcmp(colour, engsched_status_colour(status_table[j].status)) == 0)
                fail_msg("%s and %s share colour %s", status_table[i].name,
                         status_table[j].name, colour);
        /* round trip */
        engsched_status parsed = (engsched_status)0;
        assert_int_equal(engsched_status_parse(engsched_status_name(s), &parsed), ENGSCHED_OK);
        assert_int_equal(parsed, s);
    }
    for (size_t k = 0; k < COUNT(bad_status); k++) {
        engsched_status s = (engsched_status)bad_status[k];
        assert_string_equal(engsched_status_label(s), "Unknown");
        assert_string_equal(engsched_status_name(s), "unknown");
        const char *grey = engsched_status_colour(s);
        if (!is_hex_colour(grey) || strncmp(grey + 1, grey + 3, 2) != 0 ||
            strncmp(grey + 1, grey + 5, 2) != 0)
            fail_msg("colour of unknown status %d is \"%s\", not a neutral grey", bad_status[k],
                     grey ? grey : "(null)");
    }
}

static void test_status_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",           "unknown",     "Pending",   "PENDING",  "pending ",
        " pending",   "in progress", "In Progress", "inprogress", "pend",
        "pendingx",   "draft",       "published", "canceled\n",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        engsched_status out = (engsched_status)77;
        if (engsched_status_parse(bad[i], &out) != ENGSCHED_EINVAL)
            fail_msg("engsched_status_parse(\"%s\") accepted", bad[i]);
        assert_int_equal(out, 77); /* untouched on failure */
    }
    engsched_status out = (engsched_status)77;
    assert_int_equal(engsched_status_parse(NULL, &out), ENGSCHED_EINVAL);
    assert_int_equal(out, 77);
    assert_int_equal(engsched_status_parse("pending", NULL), ENGSCHED_EINVAL);
}

static void test_report_status_labels_names_parse(void **state)
{
    (void)state;
    for (int i = 0; i < NREPORT; i++) {
        engsched_report_status r = report_table[i].status;
        const char *label = engsched_report_status_label(r);
        assert_non_null(label);
        if (report_table[i].label != NULL)
            assert_string_equal(label, report_table[i].label);
        else
            assert_string_not_equal(label, "Unknown");
        assert_string_equal(engsched_report_status_name(r), report_table[i].name);
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(label,
                                    engsched_report_status_label(report_table[j].status));
            assert_string_not_equal(report_table[i].name,
                                    engsched_report_status_name(report_table[j].status));
        }
        engsched_report_status parsed = (engsched_report_status)77;
        assert_int_equal(engsched_report_status_parse(engsched_report_status_name(r), &parsed),
                         ENGSCHED_OK);
        assert_int_equal(parsed, r);
    }
    for (size_t k = 0; k < COUNT(bad_report); k++) {
        engsched_report_status r = (engsched_report_status)bad_report[k];
        assert_string_equal(engsched_report_status_label(r), "Unknown");
        assert_string_equal(engsched_report_status_name(r), "unknown");
    }
    static const char *const bad[] = {"",          "unknown",          "Draft",
                                      "DRAFT",     "ready for review", "Ready for Review",
                                      "draft ",    "in_progress",      "publish"};
    for (size_t i = 0; i < COUNT(bad); i++) {
        engsched_report_status out = (engsched_report_status)77;
        if (engsched_report_status_parse(bad[i], &out) != ENGSCHED_EINVAL)
            fail_msg("engsched_report_status_parse(\"%s\") accepted", bad[i]);
        assert_int_equal(out, 77);
    }
    engsched_report_status out = (engsched_report_status)77;
    assert_int_equal(engsched_report_status_parse(NULL, &out), ENGSCHED_EINVAL);
    assert_int_equal(out, 77);
    assert_int_equal(engsched_report_status_parse("draft", NULL), ENGSCHED_EINVAL);
}

static void test_status_valid(void **state)
{
    (void)state;
    for (int s = -3; s <= 10; s++)
        EXPECT_EQ(es_status_valid(s) != 0, s >= 1 && s <= 6, "es_status_valid(%d)", s);
    for (int r = -3; r <= 10; r++)
        EXPECT_EQ(es_report_status_valid(r) != 0, r >= 0 && r <= 5, "es_report_status_valid(%d)",
                  r);
}

/* ------------------------------------------------------------------------ */
/* docs/design.md §3: the permission each operation needs.                       */
/* ------------------------------------------------------------------------ */
#define PM(x) ENGSCHED_PERM_##x

/* 0 = the design names no permission: nobody but the system may do it. */
static unsigned int design_permission(es_op op, int target)
{
    switch (op) {
    case ES_OP_VIEW:          return PM(VIEW);
    case ES_OP_REQUEST:       return PM(REQUEST);
    case ES_OP_CREATE:        return PM(CREATE);
    case ES_OP_APPROVE:       return PM(APPROVE);
    case ES_OP_EDIT:          return PM(EDIT);
    case ES_OP_CANCEL:        return PM(CANCEL);
    case ES_OP_ASSIGN:        return PM(ASSIGN);
    case ES_OP_FILE_ATTACH:   return PM(FILES_UPLOAD);
    case ES_OP_FILE_READ:     return PM(FILES_DOWNLOAD);
    case ES_OP_FILE_DELETE:   return PM(EDIT); /* "EDIT: … delete support files" */
    case ES_OP_REPORT_VIEW:   return PM(REPORT_VIEW);
    case ES_OP_VIEW_AVAILABILITY: return PM(VIEW_AVAILABILITY); /* "the Availability view" */
    case ES_OP_TICK:          return 0;        /* "none (system)" */
    case ES_OP_REPORT_STATUS: /* "REPORT_EDIT, REPORT_REVIEW or REPORT_PUBLISH by target" */
        switch (target) {
        case ENGSCHED_REPORT_DRAFT:            return PM(REPORT_EDIT);
        case ENGSCHED_REPORT_READY_FOR_REVIEW: return PM(REPORT_EDIT);
        case ENGSCHED_REPORT_IN_REVIEW:        return PM(REPORT_REVIEW);
        case ENGSCHED_REPORT_APPROVED:         return PM(REPORT_REVIEW);
        case ENGSCHED_REPORT_PUBLISHED:        return PM(REPORT_PUBLISH);
        default:                               return 0; /* NONE or unknown: not a target */
        }
    case ES_OP_COUNT:
        break;
    }
    return 0;
}

static engsched_rc design_authorize(int is_system, unsigned int mask, int access, es_op op,
                                    int target)
{
    if (is_system)
        return ENGSCHED_OK;
    if (!access)
        return ENGSCHED_ENOTFOUND;
    unsigned int need = design_permission(op, target);
    /* docs/design.md §3: an operation on an existing engagement needs VIEW too */
    if (op != ES_OP_REQUEST && op != ES_OP_CREATE && op != ES_OP_TICK &&
        op != ES_OP_VIEW_AVAILABILITY)
        need |= need != 0 ? PM(VIEW) : 0;
    return need != 0 && (mask & need) == need ? ENGSCHED_OK : ENGSCHED_EDENIED;
}

/* Every operation, plus two values outside the enum. */
#define N_OPS_TESTED (ES_OP_COUNT + 2)
static es_op op_at(int i)
{
    if (i < ES_OP_COUNT)
        return (es_op)i;
    return i == ES_OP_COUNT ? ES_OP_COUNT : (es_op)(ES_OP_COUNT + 7);
}

/* The targets a report can be moved to; for every other operation the
 * target is ignored, so those are walked over every value including junk. */
static int target_in_range(es_op op, int target)
{
    if (op != ES_OP_REPORT_STATUS)
        return 1;
    return target >= ENGSCHED_REPORT_DRAFT && target <= ENGSCHED_REPORT_PUBLISHED;
}

static void test_authorize_exhaustive(void **state)
{
    (void)state;
    long cases = 0;
    for (unsigned int mask = 0; mask <= ENGSCHED_PERM_ALL; mask++) {
        for (int i = 0; i < N_OPS_TESTED; i++) {
            es_op op = op_at(i);
            for (int target = -1; target <= 6; target++) {
                if (!target_in_range(op, target))
                    continue; /* test_authorize_report_target_outside_workflow */
                for (int access = 0; access <= 1; access++) {
                    for (int sys = 0; sys <= 1; sys++) {
                        EXPECT_EQ(es_authorize(sys, mask, access, op,
                                               (engsched_report_status)target),
                                  design_authorize(sys, mask, access, op, target),
                                  "es_authorize(system=%d, mask=%#x, access=%d, op=%d (%s), "
                                  "target=%d)",
                                  sys, mask, access, (int)op, es_op_name(op), target);
                        cases++;
                    }
                }
            }
        }
    }
    /* every op but REPORT_STATUS × 8 targets, REPORT_STATUS × 5 targets */
    assert_int_equal(cases, 32768L * ((N_OPS_TESTED - 1) * 8 + 5) * 2 * 2);
}

/* docs/design.md §4: a user sees themselves, the system sees everyone, a user of
 * all clients sees and is seen by everyone, others see those who share a
 * client; every combination of the inputs, flags over unknown bits too. */
static void test_user_in_sight_exhaustive(void **state)
{
    (void)state;
    const unsigned int all = ENGSCHED_USER_ALL_CLIENTS;
    const unsigned int flags[] = {0, all, 0x80u, all | 0x80u};
    long cases = 0;
    for (int sys = 0; sys <= 1; sys++)
        for (int same = 0; same <= 1; same++)
            for (size_t a = 0; a < 4; a++)
                for (size_t u = 0; u < 4; u++)
                    for (int shares = 0; shares <= 1; shares++) {
                        int want = sys || same || (flags[a] & all) || (flags[u] & all) || shares;
                        EXPECT_EQ(!!es_user_in_sight(sys, same, flags[a], flags[u], shares), want,
                                  "es_user_in_sight(%d, %d, %#x, %#x, %d)", sys, same, flags[a],
                                  flags[u], shares);
                        cases++;
                    }
    assert_int_equal(cases, 2 * 2 * 4 * 4 * 2);
}

/* Personal records: out of sight is ENOTFOUND before anything else; then
 * own records and the system pass, others need any bit of the mask. */
static void test_authorize_personal_exhaustive(void **state)
{
    (void)state;
    const unsigned int needed[] = {ENGSCHED_PERM_ASSIGN,
                                   ENGSCHED_PERM_ASSIGN | ENGSCHED_PERM_VIEW_AVAILABILITY};
    long cases = 0;
    for (unsigned int mask = 0; mask <= ENGSCHED_PERM_ALL; mask++)
        for (size_t n = 0; n < 2; n++)
            for (int sys = 0; sys <= 1; sys++)
                for (int own = 0; own <= 1; own++)
                    for (int seen = 0; seen <= 1; seen++) {
                        engsched_rc want = !seen ? ENGSCHED_ENOTFOUND
                                           : sys || own || (mask & needed[n]) ? ENGSCHED_OK
                                                                              : ENGSCHED_EDENIED;
                        EXPECT_EQ(es_authorize_personal(sys, own, seen, mask, needed[n]), want,
                                  "es_authorize_personal(%d, %d, %d, %#x, %#x)", sys, own, seen,
                                  mask, needed[n]);
                        cases++;
                    }
    assert_int_equal(cases, 32768L * 2 * 2 * 2 * 2);
}

/* NONE (no report) and values outside the enum are not targets: docs/design.md §2
 * names a permission only for the five workflow stages, so no user mask
 * may authorise a "move" to anything else (fail closed, like the unknown
 * operation, which es_op_permission() already maps to "nobody holds this").
 * engsched_report_set_status() rejects these targets with EINVAL before it
 * asks, so this is the rule's own contract, not yet reachable via the API. */
static void test_authorize_report_target_outside_workflow(void **state)
{
    (void)state;
    static const int targets[] = {ENGSCHED_REPORT_NONE, -1, 6, 100};
    for (size_t t = 0; t < COUNT(targets); t++) {
        for (unsigned int mask = 0; mask <= ENGSCHED_PERM_ALL; mask++) {
            EXPECT_EQ(es_authorize(0, mask, 1, ES_OP_REPORT_STATUS,
                                   (engsched_report_status)targets[t]),
                      ENGSCHED_EDENIED,
                      "es_authorize(mask=%#x, set report status, target=%d)", mask, targets[t]);
            EXPECT_EQ(es_authorize(0, mask, 0, ES_OP_REPORT_STATUS,
                                   (engsched_report_status)targets[t]),
                      ENGSCHED_ENOTFOUND, "es_authorize(no access, target=%d)", targets[t]);
            EXPECT_EQ(es_authorize(1, mask, 0, ES_OP_REPORT_STATUS,
                                   (engsched_report_status)targets[t]),
                      ENGSCHED_OK, "es_authorize(system, target=%d)", targets[t]);
        }
    }
}

/* Bits above ENGSCHED_PERM_ALL grant nothing: not a known operation, not
 * the tick, not an unknown operation. A store written by a later minor
 * version may hold the next (append-only) bit, 1 << 15; it must not open
 * anything this version does not know about. */
static void test_authorize_unknown_bits_grant_nothing(void **state)
{
    (void)state;
    static const unsigned int junk[] = {
        1u << 15, 1u << 16, 1u << 31, ~(unsigned int)ENGSCHED_PERM_ALL, ~0u & ~PM(VIEW)};
    for (size_t j = 0; j < COUNT(junk); j++) {
        for (int i = 0; i < N_OPS_TESTED; i++) {
            es_op op = op_at(i);
            for (int target = ENGSCHED_REPORT_DRAFT; target <= ENGSCHED_REPORT_PUBLISHED;
                 target++) {
                engsched_rc want = design_authorize(0, junk[j], 1, op, target);
                EXPECT_EQ(es_authorize(0, junk[j], 1, op, (engsched_report_status)target), want,
                          "es_authorize(mask=%#x, op=%d (%s), target=%d)", junk[j], (int)op,
                          es_op_name(op), target);
            }
        }
    }
}

/* The permission each operation needs, one bit or none; the tick and
 * unknown operations need something no user can hold. */
static void test_op_permission_table(void **state)
{
    (void)state;
    for (int i = 0; i < ES_OP_COUNT; i++) {
        es_op op = (es_op)i;
        for (int target = 1; target <= 5; target++) {
            unsigned int want = design_permission(op, target);
            unsigned int got = es_op_permission(op, (engsched_report_status)target);
            if (op == ES_OP_TICK)
                EXPECT_EQ(got, 0, "es_op_permission(tick)");
            else
                EXPECT_EQ(got, want, "es_op_permission(op=%s, target=%d)", es_op_name(op),
                          target);
        }
        assert_non_null(es_op_name(op));
        assert_string_not_equal(es_op_name(op), "unknown operation");
    }
    assert_string_equal(es_op_name(ES_OP_COUNT), "unknown operation");
    unsigned int unknown = es_op_permission(ES_OP_COUNT, ENGSCHED_REPORT_NONE);
    assert_true((unknown & ~(unsigned int)ENGSCHED_PERM_ALL) != 0 || unknown == 0);
}

/* ------------------------------------------------------------------------ */
/* docs/design.md §2, operations table, "from" column.                           */
/* ------------------------------------------------------------------------ */
#define ST(x) (1u << ENGSCHED_STATUS_##x)
#define OPEN_SET (ST(PENDING) | ST(SCHEDULED) | ST(IN_PROGRESS) | ST(IN_REVIEW))
#define ANY_SET (OPEN_SET | ST(COMPLETE) | ST(CANCELED))

/* A report exists when the record says so; a Pending engagement has none by
 * definition ("Pending | (none)"), so a Pending record claiming one is
 * inconsistent and a report operation on it must be refused. */
static int design_allowed_in(es_op op, int status, int report)
{
    if (status < 1 || status > 6 || report < 0 || report > 5)
        return 0;
    unsigned int s = 1u << status;
    int has_report = report != ENGSCHED_REPORT_NONE;
    switch (op) {
    case ES_OP_VIEW:
    case ES_OP_FILE_READ:
        return (ANY_SET & s) != 0;
    case ES_OP_APPROVE:
        return s == ST(PENDING);
    case ES_OP_EDIT:
    case ES_OP_CANCEL:
    case ES_OP_ASSIGN:
    case ES_OP_FILE_ATTACH:
    case ES_OP_FILE_DELETE:
        return (OPEN_SET & s) != 0;
    case ES_OP_REPORT_STATUS: /* "any with a report, not Canceled" */
        return has_report && s != ST(CANCELED) && s != ST(PENDING);
    case ES_OP_REPORT_VIEW: /* a report can be seen wherever there is one */
        return has_report;
    case ES_OP_TICK:
        return s == ST(SCHEDULED);
    case ES_OP_REQUEST: /* make a new engagement: no existing status qualifies */
    case ES_OP_CREATE:
    case ES_OP_VIEW_AVAILABILITY: /* a view, not an operation on one engagement */
    case ES_OP_COUNT:
        return 0;
    }
    return 0;
}

static void test_op_allowed_in_exhaustive(void **state)
{
    (void)state;
    int cases = 0;
    for (int i = 0; i < N_OPS_TESTED; i++) {
        es_op op = op_at(i);
        for (int status = -1; status <= 8; status++) {
            for (int report = -1; report <= 7; report++) {
                EXPECT_EQ(es_op_allowed_in(op, (engsched_status)status,
                                           (engsched_report_status)report) != 0,
                          design_allowed_in(op, status, report),
                          "es_op_allowed_in(op=%d (%s), status=%d, report=%d)", (int)op,
                          es_op_name(op), status, report);
                cases++;
            }
        }
    }
    assert_int_equal(cases, N_OPS_TESTED * 10 * 9);
}

/* ------------------------------------------------------------------------ */
/* Report workflow: one step forward, or back to Draft from any later stage.*/
/* ------------------------------------------------------------------------ */
#define RN ENGSCHED_REPORT_NONE
#define RD ENGSCHED_REPORT_DRAFT
#define RF ENGSCHED_REPORT_READY_FOR_REVIEW
#define RI ENGSCHED_REPORT_IN_REVIEW
#define RA ENGSCHED_REPORT_APPROVED
#define RP ENGSCHED_REPORT_PUBLISHED

/* [from][to], NONE … PUBLISHED */
static const int move_table[NREPORT][NREPORT] = {
    /*            NONE DRAFT RFR  IR  APPR PUBL */
    /* NONE  */ {0, 0, 0, 0, 0, 0},
    /* DRAFT */ {0, 0, 1, 0, 0, 0},
    /* RFR   */ {0, 1, 0, 1, 0, 0},
    /* IR    */ {0, 1, 0, 0, 1, 0},
    /* APPR  */ {0, 1, 0, 0, 0, 1},
    /* PUBL  */ {0, 1, 0, 0, 0, 0},
};

static int design_move(int from, int to)
{
    if (from < 0 || from > 5 || to < 0 || to > 5)
        return 0;
    return move_table[from][to];
}

static void test_report_move_exhaustive(void **state)
{
    (void)state;
    int cases = 0, allowed = 0;
    for (int from = -2; from <= 7; from++) {
        for (int to = -2; to <= 7; to++) {
            int want = design_move(from, to);
            EXPECT_EQ(es_report_move_allowed((engsched_report_status)from,
                                             (engsched_report_status)to) != 0,
                      want, "es_report_move_allowed(%d → %d)", from, to);
            cases++;
            allowed += want;
        }
    }
    assert_int_equal(cases, 100);
    assert_int_equal(allowed, 8); /* 4 forward steps + 4 returns to Draft */
}

static void test_status_change_action(void **state)
{
    (void)state;
    for (int before = 1; before <= 6; before++) {
        for (int after = 1; after <= 6; after++) {
            const char *want = "x.other";
            if (before != after) {
                if (after == ENGSCHED_STATUS_IN_PROGRESS)
                    want = "engagement.started";
                else if (after == ENGSCHED_STATUS_IN_REVIEW)
                    want = "engagement.in_review";
                else if (after == ENGSCHED_STATUS_COMPLETE)
                    want = "engagement.completed";
                else if (after == ENGSCHED_STATUS_CANCELED)
                    want = "engagement.canceled";
            }
            const char *got = es_status_change_action((engsched_status)before,
                                                      (engsched_status)after, "x.other");
            if (got == NULL || strcmp(got, want) != 0)
                fail_msg("es_status_change_action(%d → %d) = %s, expected %s", before, after,
                         got ? got : "(null)", want);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Capabilities                                                              */
/* ------------------------------------------------------------------------ */
#define AC(x) ENGSCHED_ACTION_##x

/* The action mask recomputed from this file's own tables. */
static unsigned int design_capabilities(int sys, unsigned int mask, int access, int status,
                                        int report)
{
    static const struct {
        es_op op;
        unsigned int action;
    } simple[] = {
        {ES_OP_VIEW, AC(VIEW)},
        {ES_OP_APPROVE, AC(APPROVE)},
        {ES_OP_EDIT, AC(EDIT)},
        {ES_OP_CANCEL, AC(CANCEL)},
        {ES_OP_ASSIGN, AC(ASSIGN)},
        {ES_OP_FILE_ATTACH, AC(FILES_UPLOAD)},
        {ES_OP_FILE_READ, AC(FILES_DOWNLOAD)},
        {ES_OP_FILE_DELETE, AC(FILES_DELETE)},
        {ES_OP_REPORT_VIEW, AC(REPORT_VIEW)},
    };
    static const struct {
        int target;
        unsigned int action;
    } moves[] = {
        {RD, AC(REPORT_EDIT)},   {RF, AC(REPORT_EDIT)},    {RI, AC(REPORT_REVIEW)},
        {RA, AC(REPORT_REVIEW)}, {RP, AC(REPORT_PUBLISH)},
    };
    unsigned int actions = 0;
    for (size_t i = 0; i < COUNT(simple); i++)
        if (design_authorize(sys, mask, access, simple[i].op, RN) == ENGSCHED_OK &&
            design_allowed_in(simple[i].op, status, report))
            actions |= simple[i].action;
    for (size_t i = 0; i < COUNT(moves); i++)
        if (design_authorize(sys, mask, access, ES_OP_REPORT_STATUS, moves[i].target) ==
                ENGSCHED_OK &&
            design_allowed_in(ES_OP_REPORT_STATUS, status, report) &&
            design_move(report, moves[i].target))
            actions |= moves[i].action;
    return actions;
}

/* The same mask from the library's individual rules: the capabilities
 * answer must never disagree with what the operations themselves decide. */
static unsigned int rules_capabilities(int sys, unsigned int mask, int access, int status,
                                       int report)
{
    static const struct {
        es_op op;
        int target;
        unsigned int action;
    } each[] = {
        {ES_OP_VIEW, RN, AC(VIEW)},
        {ES_OP_APPROVE, RN, AC(APPROVE)},
        {ES_OP_EDIT, RN, AC(EDIT)},
        {ES_OP_CANCEL, RN, AC(CANCEL)},
        {ES_OP_ASSIGN, RN, AC(ASSIGN)},
        {ES_OP_FILE_ATTACH, RN, AC(FILES_UPLOAD)},
        {ES_OP_FILE_READ, RN, AC(FILES_DOWNLOAD)},
        {ES_OP_FILE_DELETE, RN, AC(FILES_DELETE)},
        {ES_OP_REPORT_VIEW, RN, AC(REPORT_VIEW)},
        {ES_OP_REPORT_STATUS, RD, AC(REPORT_EDIT)},
        {ES_OP_REPORT_STATUS, RF, AC(REPORT_EDIT)},
        {ES_OP_REPORT_STATUS, RI, AC(REPORT_REVIEW)},
        {ES_OP_REPORT_STATUS, RA, AC(REPORT_REVIEW)},
        {ES_OP_REPORT_STATUS, RP, AC(REPORT_PUBLISH)},
    };
    unsigned int actions = 0;
    for (size_t i = 0; i < COUNT(each); i++) {
        engsched_report_status t = (engsched_report_status)each[i].target;
        if (es_authorize(sys, mask, access, each[i].op, t) != ENGSCHED_OK ||
            !es_op_allowed_in(each[i].op, (engsched_status)status,
                              (engsched_report_status)report))
            continue;
        if (each[i].op == ES_OP_REPORT_STATUS &&
            !es_report_move_allowed((engsched_report_status)report, t))
            continue;
        actions |= each[i].action;
    }
    return actions;
}

static void test_capabilities_exhaustive(void **state)
{
    (void)state;
    long cases = 0;
    for (unsigned int mask = 0; mask <= ENGSCHED_PERM_ALL; mask++) {
        for (int access = 0; access <= 1; access++) {
            for (int sys = 0; sys <= 1; sys++) {
                for (int status = 1; status <= NSTATUS; status++) {
                    for (int report = 0; report < NREPORT; report++) {
                        unsigned int got = es_capabilities_compute(
                            sys, mask, access, (engsched_status)status,
                            (engsched_report_status)report);
                        EXPECT_EQ(got, design_capabilities(sys, mask, access, status, report),
                                  "capabilities vs the design (system=%d, mask=%#x, access=%d, "
                                  "status=%d, report=%d)",
                                  sys, mask, access, status, report);
                        EXPECT_EQ(got, rules_capabilities(sys, mask, access, status, report),
                                  "capabilities vs the rules (system=%d, mask=%#x, access=%d, "
                                  "status=%d, report=%d)",
                                  sys, mask, access, status, report);
                        cases++;
                    }
                }
            }
        }
    }
    assert_int_equal(cases, 32768L * 2 * 2 * NSTATUS * NREPORT);
    /* Unknown statuses offer nothing, not even VIEW. */
    for (size_t k = 0; k < COUNT(bad_status); k++)
        for (size_t j = 0; j < COUNT(bad_report); j++)
            EXPECT_EQ(es_capabilities_compute(1, ENGSCHED_PERM_ALL, 1,
                                              (engsched_status)bad_status[k],
                                              (engsched_report_status)bad_report[j]),
                      0, "capabilities(status=%d, report=%d)", bad_status[k], bad_report[j]);
}

/* The states an engagement is really found in (docs/design.md §2 table, plus a
 * cancellation from every stage). */
static const struct {
    int status, report;
} reachable[] = {
    {P_, RN}, {S_, RD}, {I_, RD}, {R_, RF}, {R_, RI}, {R_, RA}, {C_, RP},
    {X_, RN}, {X_, RD}, {X_, RF}, {X_, RI}, {X_, RA},
};

static void test_capabilities_viewer_is_view_only(void **state)
{
    (void)state;
    const unsigned int viewer = engsched_builtin_role_permissions(ENGSCHED_ROLE_VIEWER);
    assert_int_equal(viewer, ENGSCHED_PERM_VIEW);
    for (size_t i = 0; i < COUNT(reachable); i++) {
        EXPECT_EQ(es_capabilities_compute(0, viewer, 1, (engsched_status)reachable[i].status,
                                          (engsched_report_status)reachable[i].report),
                  AC(VIEW), "viewer capabilities on status %d, report %d", reachable[i].status,
                  reachable[i].report);
        EXPECT_EQ(es_capabilities_compute(0, viewer, 0, (engsched_status)reachable[i].status,
                                          (engsched_report_status)reachable[i].report),
                  0, "viewer without access on status %d, report %d", reachable[i].status,
                  reachable[i].report);
    }
}

/* Spot values written out by hand, so that a shared misreading of the
 * design in design_capabilities() would not go unnoticed. */
static void test_capabilities_spot_values(void **state)
{
    (void)state;
    const unsigned int all = ENGSCHED_PERM_ALL;
    const unsigned int files = AC(FILES_UPLOAD) | AC(FILES_DOWNLOAD) | AC(FILES_DELETE);
    const unsigned int open_common =
        AC(VIEW) | AC(EDIT) | AC(CANCEL) | AC(ASSIGN) | files;
    assert_int_equal(es_capabilities_compute(0, all, 1, P_, RN), open_common | AC(APPROVE));
    assert_int_equal(es_capabilities_compute(0, all, 1, S_, RD),
                     open_common | AC(REPORT_VIEW) | AC(REPORT_EDIT));
    assert_int_equal(es_capabilities_compute(0, all, 1, I_, RD),
                     open_common | AC(REPORT_VIEW) | AC(REPORT_EDIT));
    assert_int_equal(es_capabilities_compute(0, all, 1, R_, RF),
                     open_common | AC(REPORT_VIEW) | AC(REPORT_EDIT) | AC(REPORT_REVIEW));
    assert_int_equal(es_capabilities_compute(0, all, 1, R_, RI),
                     open_common | AC(REPORT_VIEW) | AC(REPORT_EDIT) | AC(REPORT_REVIEW));
    assert_int_equal(es_capabilities_compute(0, all, 1, R_, RA),
                     open_common | AC(REPORT_VIEW) | AC(REPORT_EDIT) | AC(REPORT_PUBLISH));
    assert_int_equal(es_capabilities_compute(0, all, 1, C_, RP),
                     AC(VIEW) | AC(FILES_DOWNLOAD) | AC(REPORT_VIEW) | AC(REPORT_EDIT));
    assert_int_equal(es_capabilities_compute(0, all, 1, X_, RN), AC(VIEW) | AC(FILES_DOWNLOAD));
    assert_int_equal(es_capabilities_compute(0, all, 1, X_, RA),
                     AC(VIEW) | AC(FILES_DOWNLOAD) | AC(REPORT_VIEW));
    assert_int_equal(es_capabilities_compute(0, all, 0, S_, RD), 0);
    assert_int_equal(es_capabilities_compute(1, 0, 0, P_, RN), open_common | AC(APPROVE));
    /* The Operator role on a drafting engagement. */
    const unsigned int op_mask = engsched_builtin_role_permissions(ENGSCHED_ROLE_OPERATOR);
    assert_int_equal(es_capabilities_compute(0, op_mask, 1, I_, RD),
                     AC(VIEW) | AC(FILES_UPLOAD) | AC(FILES_DOWNLOAD) | AC(REPORT_VIEW) |
                         AC(REPORT_EDIT));
}

/* ------------------------------------------------------------------------ */
/* Built-in roles, the operator predicate, permission names                 */
/* ------------------------------------------------------------------------ */
static void test_builtin_roles_literal(void **state)
{
    (void)state;
    const unsigned int every = PM(VIEW) | PM(REQUEST) | PM(CREATE) | PM(APPROVE) | PM(EDIT) |
                               PM(CANCEL) | PM(ASSIGN) | PM(VIEW_AVAILABILITY) |
                               PM(FILES_UPLOAD) | PM(FILES_DOWNLOAD) | PM(REPORT_VIEW) |
                               PM(REPORT_EDIT) | PM(REPORT_REVIEW) | PM(REPORT_PUBLISH) |
                               PM(ADMIN);
    assert_int_equal(every, ENGSCHED_PERM_ALL);
    /* Administrator (all) */
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_ADMINISTRATOR), every);
    /* Manager (all but ADMIN) */
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_MANAGER),
                     PM(VIEW) | PM(REQUEST) | PM(CREATE) | PM(APPROVE) | PM(EDIT) | PM(CANCEL) |
                         PM(ASSIGN) | PM(VIEW_AVAILABILITY) | PM(FILES_UPLOAD) |
                         PM(FILES_DOWNLOAD) | PM(REPORT_VIEW) | PM(REPORT_EDIT) |
                         PM(REPORT_REVIEW) | PM(REPORT_PUBLISH));
    /* Operator (VIEW, REQUEST, FILES_*, REPORT_VIEW, REPORT_EDIT) */
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_OPERATOR),
                     PM(VIEW) | PM(REQUEST) | PM(FILES_UPLOAD) | PM(FILES_DOWNLOAD) |
                         PM(REPORT_VIEW) | PM(REPORT_EDIT));
    /* Client (VIEW, REQUEST, FILES_UPLOAD, FILES_DOWNLOAD) */
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_CLIENT),
                     PM(VIEW) | PM(REQUEST) | PM(FILES_UPLOAD) | PM(FILES_DOWNLOAD));
    /* Viewer (VIEW) */
    assert_int_equal(engsched_builtin_role_permissions(ENGSCHED_ROLE_VIEWER), PM(VIEW));
    /* stable ids */
    assert_int_equal(ENGSCHED_ROLE_ADMINISTRATOR, 1);
    assert_int_equal(ENGSCHED_ROLE_MANAGER, 2);
    assert_int_equal(ENGSCHED_ROLE_OPERATOR, 3);
    assert_int_equal(ENGSCHED_ROLE_CLIENT, 4);
    assert_int_equal(ENGSCHED_ROLE_VIEWER, 5);
    /* not built in */
    static const engsched_id none[] = {0, 6, 7, -1, 1000, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < COUNT(none); i++)
        EXPECT_EQ(engsched_builtin_role_permissions(none[i]), 0,
                  "engsched_builtin_role_permissions(%lld)", (long long)none[i]);
    /* Only Administrator and Manager hold REPORT_VIEW+REPORT_EDIT besides Operator. */
    assert_true(engsched_permissions_are_operator(
        engsched_builtin_role_permissions(ENGSCHED_ROLE_OPERATOR)));
    assert_false(engsched_permissions_are_operator(
        engsched_builtin_role_permissions(ENGSCHED_ROLE_CLIENT)));
    assert_false(engsched_permissions_are_operator(
        engsched_builtin_role_permissions(ENGSCHED_ROLE_VIEWER)));
}

static void test_permission_bits_stable(void **state)
{
    (void)state;
    /* docs/design.md §8: permission bits are append-only; these values are ABI. */
    static const unsigned int bits[15] = {
        PM(VIEW),         PM(REQUEST),        PM(CREATE),         PM(APPROVE),
        PM(EDIT),         PM(CANCEL),         PM(ASSIGN),         PM(VIEW_AVAILABILITY),
        PM(FILES_UPLOAD), PM(FILES_DOWNLOAD), PM(REPORT_VIEW),    PM(REPORT_EDIT),
        PM(REPORT_REVIEW), PM(REPORT_PUBLISH), PM(ADMIN),
    };
    for (unsigned int i = 0; i < 15; i++)
        EXPECT_EQ(bits[i], 1u << i, "permission bit %u", i);
    assert_int_equal(ENGSCHED_PERM_ALL, 0x7fff);
}

static void test_permissions_are_operator_exhaustive(void **state)
{
    (void)state;
    const unsigned int need = PM(REPORT_VIEW) | PM(REPORT_EDIT);
    for (unsigned int mask = 0; mask <= 0xffffu; mask++)
        EXPECT_EQ(engsched_permissions_are_operator(mask),
                  (mask & need) == need ? 1 : 0, "engsched_permissions_are_operator(%#x)", mask);
    assert_int_equal(engsched_permissions_are_operator(~0u), 1);
    assert_int_equal(engsched_permissions_are_operator(~need), 0);
}

static void test_permission_names(void **state)
{
    (void)state;
    static const struct {
        unsigned int bit;
        const char *name;
    } names[] = {
        {PM(VIEW), "view"},
        {PM(REQUEST), "request"},
        {PM(CREATE), "create"},
        {PM(APPROVE), "approve"},
        {PM(EDIT), "edit"},
        {PM(CANCEL), "cancel"},
        {PM(ASSIGN), "assign"},
        {PM(VIEW_AVAILABILITY), "view_availability"},
        {PM(FILES_UPLOAD), "files_upload"},
        {PM(FILES_DOWNLOAD), "files_download"},
        {PM(REPORT_VIEW), "report_view"},
        {PM(REPORT_EDIT), "report_edit"},
        {PM(REPORT_REVIEW), "report_review"},
        {PM(REPORT_PUBLISH), "report_publish"},
        {PM(ADMIN), "admin"},
    };
    unsigned int covered = 0;
    for (size_t i = 0; i < COUNT(names); i++) {
        const char *got = engsched_permission_name(names[i].bit);
        if (got == NULL || strcmp(got, names[i].name) != 0)
            fail_msg("engsched_permission_name(%#x) = %s, expected %s", names[i].bit,
                     got ? got : "(null)", names[i].name);
        covered |= names[i].bit;
    }
    assert_int_equal(covered, ENGSCHED_PERM_ALL);
    /* 0, two or more bits, bits beyond ALL: no name */
    assert_null(engsched_permission_name(0));
    assert_null(engsched_permission_name(PM(VIEW) | PM(REQUEST)));
    assert_null(engsched_permission_name(PM(REPORT_EDIT) | PM(ADMIN)));
    assert_null(engsched_permission_name(ENGSCHED_PERM_ALL));
    assert_null(engsched_permission_name(ENGSCHED_PERM_ALL + 1u));
    assert_null(engsched_permission_name(1u << 20));
    assert_null(engsched_permission_name(1u << 31));
    assert_null(engsched_permission_name(~0u));
    /* every value with more than one bit set, up to 16 bits */
    for (unsigned int m = 1; m <= 0xffffu; m++)
        if ((m & (m - 1)) != 0 && engsched_permission_name(m) != NULL)
            fail_msg("engsched_permission_name(%#x) named a mask of several bits", m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_derive_table),
        cmocka_unit_test(test_status_labels_names_colours),
        cmocka_unit_test(test_status_parse_rejects),
        cmocka_unit_test(test_report_status_labels_names_parse),
        cmocka_unit_test(test_status_valid),
        cmocka_unit_test(test_authorize_exhaustive),
        cmocka_unit_test(test_authorize_report_target_outside_workflow),
        cmocka_unit_test(test_authorize_unknown_bits_grant_nothing),
        cmocka_unit_test(test_user_in_sight_exhaustive),
        cmocka_unit_test(test_authorize_personal_exhaustive),
        cmocka_unit_test(test_op_permission_table),
        cmocka_unit_test(test_op_allowed_in_exhaustive),
        cmocka_unit_test(test_report_move_exhaustive),
        cmocka_unit_test(test_status_change_action),
        cmocka_unit_test(test_capabilities_exhaustive),
        cmocka_unit_test(test_capabilities_viewer_is_view_only),
        cmocka_unit_test(test_capabilities_spot_values),
        cmocka_unit_test(test_builtin_roles_literal),
        cmocka_unit_test(test_permission_bits_stable),
        cmocka_unit_test(test_permissions_are_operator_exhaustive),
        cmocka_unit_test(test_permission_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
