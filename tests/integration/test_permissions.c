/* The permission matrix, black-box (docs/design.md §2–§3): permission mask ×
 * operation × client access yes/no × engagement status. An operation
 * succeeds exactly when the design allows it; a refused one reports the
 * first rule it broke, in the order access (ENOTFOUND) → permission
 * (EDENIED) → status (ESTATE), and changes nothing: the store digest and
 * the event log position are compared before and after every refused call.
 * Without client access every operation says ENOTFOUND in the very words
 * used for an id that does not exist.
 *
 * Which masks. All 2^11 subsets of the eleven permissions these operations
 * use (VIEW, REQUEST, CREATE, APPROVE, EDIT, CANCEL, FILES_UPLOAD,
 * FILES_DOWNLOAD, REPORT_EDIT, REPORT_REVIEW, REPORT_PUBLISH) for every
 * operation would need a fresh set of engagements for every mask of every
 * operation that changes one (a success consumes it) and a store digest
 * after every refused call: ~30 000 stores and ~500 000 digests, minutes
 * under ASan, not seconds. So:
 *  - the read-only operations never consume their engagements and share
 *    one store: get and file read run over ALL 2^11 subsets of the eleven
 *    bits above; capabilities, the one answer that depends on many bits at
 *    once, over ALL 2^11 subsets of the bits its actions depend on (VIEW,
 *    APPROVE, EDIT, CANCEL, ASSIGN, FILES_UPLOAD, FILES_DOWNLOAD,
 *    REPORT_VIEW, REPORT_EDIT, REPORT_REVIEW, REPORT_PUBLISH); each also
 *    with the remaining bits alone and with everything;
 *  - every writing operation runs over every subset of {its own bit(s),
 *    VIEW, two neighbouring bits a wrong implementation would most likely
 *    ask for instead}, plus "everything but its own bit(s)", "everything",
 *    and the five built-in role masks. Together their own bits are exactly
 *    the eleven above (test_masks_cover_every_relevant_bit).
 * That is enough because the library reaches a permission decision in one
 * place only, es_authorize(mask, es_op_permission(op, target)), and the
 * unit test tests/unit/test_rules.c walks it over all 32 768 masks, every
 * operation and target, proving the answer depends on nothing but the
 * operation's own bit(s). What is left to show per entry point is that it
 * asks with the right operation and target, in the right order, and rolls
 * back: the own bit is necessary (subsets without it are refused, and so
 * is "everything but"), VIEW is necessary for every operation on an
 * existing engagement (not for request and create, which make one), the
 * two together are sufficient (the call succeeds whatever else is
 * missing), and no other bit matters (the neighbours toggle with no
 * effect). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#define P(x) ENGSCHED_PERM_##x
#define A(x) ENGSCHED_ACTION_##x

/* An id no object has: messages for it are the reference for "not found". */
#define MISSING INT64_C(987654321)
#define MISSING_TEXT "987654321"

#define FUTURE_START "2026-04-01"
#define FUTURE_END "2026-04-10"
#define PAST_START "2026-02-20" /* FX_T0 is 2026-03-01 */
#define PAST_END "2026-03-10"

static const char file_bytes[] = "scope: 10.0.0.0/24";

/* ------------------------------------------------------------------------ */
/* Engagements in every status                                              */
/* ------------------------------------------------------------------------ */
typedef struct fixture_def {
    const char *name;
    int past;      /* start date reached */
    int approve;   /* approved (has a report) */
    int moves;     /* report steps after Draft: 1 RFR … 4 Published */
    int cancel;    /* canceled at the end */
    engsched_status status;
    engsched_report_status report;
} fixture_def;

#define RS(x) ENGSCHED_REPORT_##x
#define ST(x) ENGSCHED_STATUS_##x
static const fixture_def defs[] = {
    {"Pending", 0, 0, 0, 0, ST(PENDING), RS(NONE)},
    {"Scheduled", 0, 1, 0, 0, ST(SCHEDULED), RS(DRAFT)},
    {"In Progress", 1, 1, 0, 0, ST(IN_PROGRESS), RS(DRAFT)},
    {"In Review (report Ready for Review)", 1, 1, 1, 0, ST(IN_REVIEW), RS(READY_FOR_REVIEW)},
    {"In Review (report In Review)", 1, 1, 2, 0, ST(IN_REVIEW), RS(IN_REVIEW)},
    {"In Review (report Approved)", 1, 1, 3, 0, ST(IN_REVIEW), RS(APPROVED)},
    {"Complete", 1, 1, 4, 0, ST(COMPLETE), RS(PUBLISHED)},
    {"Canceled (while Pending)", 0, 0, 0, 1, ST(CANCELED), RS(NONE)},
    {"Canceled (with a report)", 0, 1, 0, 1, ST(CANCELED), RS(DRAFT)},
};
#define NFIX (sizeof defs / sizeof defs[0])

/* ------------------------------------------------------------------------ */
/* The operations under test and what docs/design.md §2–§3 say about each           */
/* ------------------------------------------------------------------------ */
typedef enum op_id {
    OP_GET,
    OP_REQUEST,
    OP_REQUEST_FILE, /* a request with a support file: also FILES_UPLOAD */
    OP_CREATE,
    OP_APPROVE,
    OP_EDIT,
    OP_CANCEL,
    OP_REPORT_DRAFT,
    OP_REPORT_READY,
    OP_REPORT_IN_REVIEW,
    OP_REPORT_APPROVED,
    OP_REPORT_PUBLISHED,
    OP_FILE_ATTACH,
    OP_FILE_READ,
    OP_FILE_DELETE,
    OP_CAPABILITIES,
    N_OPS
} op_id;

typedef struct op_def {
    const char *name;
    unsigned int need;       /* docs/design.md §3: the permission(s) it needs */
    unsigned int neighbours; /* two bits a wrong implementation might ask for */
    int on_engagement;       /* takes an existing engagement (else makes one) */
    int writes;              /* a success changes the store */
} op_def;

static const op_def ops[N_OPS] = {
    [OP_GET] = {"get", P(VIEW), P(FILES_DOWNLOAD) | P(REPORT_VIEW), 1, 0},
    [OP_REQUEST] = {"request", P(REQUEST), P(CREATE) | P(FILES_UPLOAD), 0, 1},
    [OP_REQUEST_FILE] = {"request with a file", P(REQUEST) | P(FILES_UPLOAD),
                         P(CREATE) | P(FILES_DOWNLOAD), 0, 1},
    [OP_CREATE] = {"create", P(CREATE), P(REQUEST) | P(APPROVE), 0, 1},
    [OP_APPROVE] = {"approve", P(APPROVE), P(CREATE) | P(EDIT), 1, 1},
    [OP_EDIT] = {"edit", P(EDIT), P(APPROVE) | P(CANCEL), 1, 1},
    [OP_CANCEL] = {"cancel", P(CANCEL), P(EDIT) | P(APPROVE), 1, 1},
    [OP_REPORT_DRAFT] = {"report to Draft", P(REPORT_EDIT), P(REPORT_REVIEW) | P(EDIT), 1, 1},
    [OP_REPORT_READY] = {"report to Ready for Review", P(REPORT_EDIT),
                         P(REPORT_REVIEW) | P(REPORT_PUBLISH), 1, 1},
    [OP_REPORT_IN_REVIEW] = {"report to In Review", P(REPORT_REVIEW),
                             P(REPORT_EDIT) | P(REPORT_PUBLISH), 1, 1},
    [OP_REPORT_APPROVED] = {"report to Approved", P(REPORT_REVIEW),
                            P(REPORT_PUBLISH) | P(APPROVE), 1, 1},
    [OP_REPORT_PUBLISHED] = {"report to Published", P(REPORT_PUBLISH),
                             P(REPORT_REVIEW) | P(REPORT_EDIT), 1, 1},
    [OP_FILE_ATTACH] = {"file attach", P(FILES_UPLOAD), P(FILES_DOWNLOAD) | P(EDIT), 1, 1},
    [OP_FILE_READ] = {"file read", P(FILES_DOWNLOAD), P(FILES_UPLOAD) | P(REPORT_VIEW), 1, 0},
    [OP_FILE_DELETE] = {"file delete", P(EDIT), P(FILES_UPLOAD) | P(FILES_DOWNLOAD), 1, 1},
    [OP_CAPABILITIES] = {"capabilities", 0, 0, 1, 0},
};

static engsched_report_status op_target(op_id op)
{
    switch (op) {
    case OP_REPORT_DRAFT: return RS(DRAFT);
    case OP_REPORT_READY: return RS(READY_FOR_REVIEW);
    case OP_REPORT_IN_REVIEW: return RS(IN_REVIEW);
    case OP_REPORT_APPROVED: return RS(APPROVED);
    case OP_REPORT_PUBLISHED: return RS(PUBLISHED);
    default: return RS(NONE);
    }
}

/* The report workflow: one step forward, or back to Draft from later. */
static int report_move_ok(engsched_report_status from, engsched_report_status to)
{
    if (from == RS(NONE) || to == RS(NONE))
        return 0;
    if (to == RS(DRAFT))
        return from != RS(DRAFT);
    return to == from + 1;
}

static int is_open(engsched_status s) /* Pending, Scheduled, In Progress, In Review */
{
    return s == ST(PENDING) || s == ST(SCHEDULED) || s == ST(IN_PROGRESS) ||
           s == ST(IN_REVIEW);
}

/* docs/design.md §2, "from" column. */
static int allowed_in(op_id op, const fixture_def *d)
{
    switch (op) {
    case OP_GET:
    case OP_FILE_READ:
    case OP_CAPABILITIES:
        return 1;
    case OP_APPROVE:
        return d->status == ST(PENDING);
    case OP_EDIT:
    case OP_CANCEL:
    case OP_FILE_ATTACH:
    case OP_FILE_DELETE:
        return is_open(d->status);
    case OP_REPORT_DRAFT:
    case OP_REPORT_READY:
    case OP_REPORT_IN_REVIEW:
    case OP_REPORT_APPROVED:
    case OP_REPORT_PUBLISHED: /* any with a report, not Canceled; a legal move */
        return d->report != RS(NONE) && d->status != ST(CANCELED) &&
               report_move_ok(d->report, op_target(op));
    default:
        return 1; /* request, create: no engagement */
    }
}

static engsched_rc expected_rc(op_id op, unsigned int mask, int access, const fixture_def *d)
{
    if (!access)
        return ENGSCHED_ENOTFOUND;
    unsigned int need = ops[op].need;
    if (ops[op].on_engagement && need != 0)
        need |= P(VIEW); /* §3: acting on an engagement needs seeing it */
    if ((mask & need) != need)
        return ENGSCHED_EDENIED;
    if (d != NULL && !allowed_in(op, d))
        return ENGSCHED_ESTATE;
    return ENGSCHED_OK;
}

/* The capabilities mask as docs/design.md §2–§3 define it, for a user with access. */
static unsigned int expected_actions(unsigned int mask, const fixture_def *d)
{
    const int open = is_open(d->status);
    const int report_ops = d->report != RS(NONE) && d->status != ST(CANCELED);
    const engsched_report_status r = d->report;
    unsigned int a = 0;
    if (!(mask & P(VIEW)))
        return 0; /* §3: nothing on an engagement without seeing it */
    a |= A(VIEW);
    if ((mask & P(APPROVE)) && d->status == ST(PENDING)) a |= A(APPROVE);
    if ((mask & P(EDIT)) && open) a |= A(EDIT) | A(FILES_DELETE);
    if ((mask & P(CANCEL)) && open) a |= A(CANCEL);
    if ((mask & P(ASSIGN)) && open) a |= A(ASSIGN);
    if ((mask & P(FILES_UPLOAD)) && open) a |= A(FILES_UPLOAD);
    if (mask & P(FILES_DOWNLOAD)) a |= A(FILES_DOWNLOAD);
    if ((mask & P(REPORT_VIEW)) && r != RS(NONE)) a |= A(REPORT_VIEW);
    if ((mask & P(REPORT_EDIT)) && report_ops &&
        (report_move_ok(r, RS(DRAFT)) || report_move_ok(r, RS(READY_FOR_REVIEW))))
        a |= A(REPORT_EDIT);
    if ((mask & P(REPORT_REVIEW)) && report_ops &&
        (report_move_ok(r, RS(IN_REVIEW)) || report_move_ok(r, RS(APPROVED))))
        a |= A(REPORT_REVIEW);
    if ((mask & P(REPORT_PUBLISH)) && report_ops && report_move_ok(r, RS(PUBLISHED)))
        a |= A(REPORT_PUBLISH);
    return a;
}

/* ------------------------------------------------------------------------ */
/* A store with a probe role, two probe users and one engagement per def    */
/* ------------------------------------------------------------------------ */
typedef struct world {
    fx f;
    engsched_id role;   /* the probe role; its mask is the case's mask */
    engsched_id inside; /* probe user with access to client 0 */
    engsched_id outside;/* probe user with access to client 1 only */
    engsched_id eng[NFIX];
    engsched_id file[NFIX];
    char *digest;       /* of the store as it is now */
    int64_t seq;
    char missing[N_OPS][512]; /* per operation: the message for MISSING, or "" */
    long calls, refused;
} world;

static void refresh(world *w)
{
    free(w->digest);
    w->digest = fx_digest(&w->f);
    fx_ok(&w->f, engsched_events_last_seq(w->f.db, &w->seq));
}

static engsched_id build_one(fx *f, const fixture_def *d, int index, engsched_id *out_file)
{
    char name[64];
    snprintf(name, sizeof name, "fixture %d: %s", index, d->name);
    engsched_id id = fx_request(f, ENGSCHED_SYSTEM, f->client[0], name,
                                d->past ? PAST_START : FUTURE_START,
                                d->past ? PAST_END : FUTURE_END);
    fx_ok(f, engsched_file_attach(f->db, ENGSCHED_SYSTEM, id, "scope.txt", "text/plain",
                                  file_bytes, sizeof file_bytes - 1, out_file));
    if (d->approve)
        fx_ok(f, engsched_approve(f->db, ENGSCHED_SYSTEM, id, 0, NULL));
    for (int step = 1; step <= d->moves; step++)
        fx_ok(f, engsched_report_set_status(f->db, ENGSCHED_SYSTEM, id, 0,
                                            (engsched_report_status)(RS(DRAFT) + step)));
    if (d->cancel)
        fx_ok(f, engsched_cancel(f->db, ENGSCHED_SYSTEM, id, 0, "fixture"));
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, id, &e));
    if (engsched_engagement_status(e) != d->status ||
        engsched_engagement_report_status(e) != d->report)
        fail_msg("fixture %s: status %d report %d", d->name, (int)engsched_engagement_status(e),
                 (int)engsched_engagement_report_status(e));
    engsched_engagement_free(e);
    return id;
}

static void world_open(world *w, unsigned int mask)
{
    memset(w, 0, sizeof *w);
    fx *f = &w->f;
    fx_open(f, 0);
    fx_ok(f, engsched_role_create(f->db, ENGSCHED_SYSTEM, "probe", mask, &w->role));
    w->inside = fx_user(f, "probe-inside", w->role, 0);
    w->outside = fx_user(f, "probe-outside", w->role, 0);
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, w->inside, f->client[0]));
    fx_ok(f, engsched_access_grant(f->db, ENGSCHED_SYSTEM, w->outside, f->client[1]));
    for (size_t i = 0; i < NFIX; i++)
        w->eng[i] = build_one(f, &defs[i], (int)i, &w->file[i]);
    refresh(w);
}

static void world_close(world *w)
{
    free(w->digest);
    w->digest = NULL;
    fx_close(&w->f);
}

static void set_mask(world *w, unsigned int mask)
{
    fx_ok(&w->f, engsched_role_set_permissions(w->f.db, ENGSCHED_SYSTEM, w->role, mask));
    unsigned int got = 0;
    fx_ok(&w->f, engsched_user_permissions(w->f.db, w->inside, &got));
    assert_int_equal(got, mask);
    refresh(w);
}

/* ------------------------------------------------------------------------ */
/* Running one operation                                                    */
/* ------------------------------------------------------------------------ */
typedef struct outcome {
    engsched_rc rc;
    char msg[512];
    engsched_id made;       /* request/create: the new engagement */
    unsigned int actions;   /* capabilities */
} outcome;

static engsched_input *new_input(fx *f, engsched_id client)
{
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "probe engagement"));
    fx_ok(f, engsched_input_set_client(in, client));
    fx_ok(f, engsched_input_set_dates(in, FUTURE_START, FUTURE_END));
    return in;
}

/* target: the engagement (or, for file read/delete, the file; for request
 * and create, the client). */
static outcome run(world *w, op_id op, engsched_id actor, engsched_id target)
{
    fx *f = &w->f;
    outcome o;
    memset(&o, 0, sizeof o);
    engsched_input *in = NULL;
    switch (op) {
    case OP_GET: {
        engsched_engagement *e = NULL;
        o.rc = engsched_engagement_get(f->db, actor, target, &e);
        if (o.rc == ENGSCHED_OK) {
            assert_non_null(e);
            assert_int_equal(engsched_engagement_id(e), target);
        } else {
            assert_null(e);
        }
        engsched_engagement_free(e);
        break;
    }
    case OP_REQUEST:
    case OP_REQUEST_FILE:
        in = new_input(f, target);
        if (op == OP_REQUEST_FILE)
            fx_ok(f, engsched_input_add_file(in, "brief.txt", "text/plain", file_bytes,
                                             sizeof file_bytes - 1));
        o.rc = engsched_request(f->db, actor, in, &o.made);
        break;
    case OP_CREATE:
        in = new_input(f, target);
        o.rc = engsched_create(f->db, actor, in, &o.made);
        break;
    case OP_APPROVE:
        o.rc = engsched_approve(f->db, actor, target, 0, NULL);
        break;
    case OP_EDIT: {
        int64_t version = target == MISSING ? 1 : fx_version(f, target);
        fx_ok(f, engsched_input_new(f->db, &in));
        fx_ok(f, engsched_input_set_description(in, "edited by the probe"));
        o.rc = engsched_edit(f->db, actor, target, version, in);
        break;
    }
    case OP_CANCEL:
        o.rc = engsched_cancel(f->db, actor, target, 0, "probe");
        break;
    case OP_REPORT_DRAFT:
    case OP_REPORT_READY:
    case OP_REPORT_IN_REVIEW:
    case OP_REPORT_APPROVED:
    case OP_REPORT_PUBLISHED:
        o.rc = engsched_report_set_status(f->db, actor, target, 0, op_target(op));
        break;
    case OP_FILE_ATTACH:
        o.rc = engsched_file_attach(f->db, actor, target, "probe.txt", "text/plain", "probe", 5,
                                    NULL);
        break;
    case OP_FILE_READ: {
        char buf[64];
        size_t got = 12345;
        o.rc = engsched_file_read(f->db, actor, target, 0, buf, sizeof buf, &got);
        if (o.rc == ENGSCHED_OK) {
            assert_int_equal(got, sizeof file_bytes - 1);
            assert_memory_equal(buf, file_bytes, got);
        } else {
            assert_int_equal(got, 12345); /* untouched on failure */
        }
        break;
    }
    case OP_FILE_DELETE:
        o.rc = engsched_file_delete(f->db, actor, target);
        break;
    case OP_CAPABILITIES:
        o.actions = 0xdeadu;
        o.rc = engsched_capabilities(f->db, actor, target, &o.actions);
        if (o.rc != ENGSCHED_OK)
            assert_int_equal(o.actions, 0xdeadu); /* untouched on failure */
        break;
    case N_OPS:
        fail();
    }
    engsched_input_free(in);
    snprintf(o.msg, sizeof o.msg, "%s", engsched_errmsg(f->db));
    w->calls++;
    return o;
}

static void check_unchanged(world *w, const char *what);

/* The message for an id that does not exist (asked once per store and
 * operation, by the user without access), with that id replaced by the
 * real one: what a user without access must read, word for word. */
static void missing_message(world *w, op_id op, engsched_id actor, engsched_id real,
                            char *out, size_t size)
{
    char *ref = w->missing[op];
    if (ref[0] == '\0') {
        outcome o = run(w, op, actor, MISSING);
        if (o.rc != ENGSCHED_ENOTFOUND)
            fail_msg("%s on missing id %s gave %s: %s", ops[op].name, MISSING_TEXT,
                     engsched_rc_name(o.rc), o.msg);
        check_unchanged(w, "the missing-id reference call");
        snprintf(ref, sizeof w->missing[op], "%s", o.msg);
    }
    const char *at = strstr(ref, MISSING_TEXT);
    if (at == NULL)
        fail_msg("%s: the not-found message does not name the id: %s", ops[op].name, ref);
    snprintf(out, size, "%.*s%lld%s", (int)(at - ref), ref, (long long)real,
             at + strlen(MISSING_TEXT));
}

/* The event log has not moved. */
static void check_no_event(world *w, const char *what)
{
    int64_t seq = -1;
    fx_ok(&w->f, engsched_events_last_seq(w->f.db, &seq));
    if (seq != w->seq)
        fail_msg("%s: the event log moved from %lld to %lld", what, (long long)w->seq,
                 (long long)seq);
}

static void check_unchanged(world *w, const char *what)
{
    check_no_event(w, what);
    char *now = fx_digest(&w->f);
    if (strcmp(now, w->digest) != 0) {
        fprintf(stderr, "before:\n%s\nafter:\n%s\n", w->digest, now);
        free(now);
        fail_msg("%s: the store changed", what);
    }
    free(now);
}

/* Check the effect of a successful writing operation on fixture d. */
static void check_success(world *w, op_id op, const fixture_def *d, engsched_id target,
                          const outcome *o, const char *what)
{
    fx *f = &w->f;
    int64_t seq = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq));
    if (seq <= w->seq)
        fail_msg("%s: succeeded without an event", what);
    engsched_id eid = o->made ? o->made : target;
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, eid, &e));
    engsched_status status = engsched_engagement_status(e);
    engsched_report_status report = engsched_engagement_report_status(e);
    const char *description = engsched_engagement_description(e);
    int desc_ok = strcmp(description, "edited by the probe") == 0;
    engsched_engagement_free(e);
    engsched_file_list *files = NULL;
    fx_ok(f, engsched_file_list_get(f->db, ENGSCHED_SYSTEM, eid, &files));
    size_t nfiles = engsched_file_list_count(files);
    engsched_file_list_free(files);
    engsched_status want = d ? d->status : ST(PENDING);
    switch (op) {
    case OP_REQUEST:
        want = ST(PENDING);
        assert_int_equal(nfiles, 0);
        break;
    case OP_REQUEST_FILE:
        want = ST(PENDING);
        assert_int_equal(nfiles, 1);
        break;
    case OP_CREATE:
        want = ST(SCHEDULED);
        assert_int_equal(report, RS(DRAFT));
        break;
    case OP_APPROVE:
        want = d->past ? ST(IN_PROGRESS) : ST(SCHEDULED);
        assert_int_equal(report, RS(DRAFT));
        break;
    case OP_EDIT:
        if (!desc_ok)
            fail_msg("%s: the edit did not land", what);
        break;
    case OP_CANCEL:
        want = ST(CANCELED);
        break;
    case OP_REPORT_DRAFT:
        want = d->past ? ST(IN_PROGRESS) : ST(SCHEDULED);
        assert_int_equal(report, RS(DRAFT));
        break;
    case OP_REPORT_READY:
    case OP_REPORT_IN_REVIEW:
    case OP_REPORT_APPROVED:
        want = ST(IN_REVIEW);
        assert_int_equal(report, op_target(op));
        break;
    case OP_REPORT_PUBLISHED:
        want = ST(COMPLETE);
        assert_int_equal(report, RS(PUBLISHED));
        break;
    case OP_FILE_ATTACH:
        assert_int_equal(nfiles, 2);
        break;
    case OP_FILE_DELETE:
        assert_int_equal(nfiles, 0);
        break;
    default:
        fail_msg("%s: not a writing operation", what);
    }
    if (status != want)
        fail_msg("%s: status %s afterwards, expected %s", what, engsched_status_label(status),
                 engsched_status_label(want));
}

/* One call, judged. d is NULL for request/create. */
static void probe(world *w, op_id op, unsigned int mask, int access, size_t fix)
{
    const fixture_def *d = ops[op].on_engagement ? &defs[fix] : NULL;
    engsched_id actor = access ? w->inside : w->outside;
    engsched_id target = !ops[op].on_engagement ? w->f.client[0]
                         : (op == OP_FILE_READ || op == OP_FILE_DELETE) ? w->file[fix]
                                                                         : w->eng[fix];
    char what[256];
    snprintf(what, sizeof what, "%s by a user %s access, mask %#x, on %s", ops[op].name,
             access ? "with" : "without", mask, d ? d->name : "client 0");
    char notfound[512] = "";
    if (!access)
        missing_message(w, op, actor, target, notfound, sizeof notfound);
    engsched_rc want = expected_rc(op, mask, access, d);
    outcome o = run(w, op, actor, target);
    if (o.rc != want)
        fail_msg("%s: got %s, expected %s: %s", what, engsched_rc_name(o.rc),
                 engsched_rc_name(want), o.msg);
    if (o.rc != ENGSCHED_OK) {
        w->refused++;
        if (!access && strcmp(o.msg, notfound) != 0)
            fail_msg("%s: the message \"%s\" is not the one for a missing id: \"%s\"", what,
                     o.msg, notfound);
        if (o.rc == ENGSCHED_ENOTFOUND && access)
            fail_msg("%s: ENOTFOUND although the user has access", what);
        if (o.rc == ENGSCHED_EDENIED && ops[op].on_engagement && !(mask & P(VIEW)) &&
            (mask & ops[op].need) == ops[op].need && strstr(o.msg, "needs view") == NULL)
            fail_msg("%s: refused for lack of VIEW, but the message says: %s", what, o.msg);
        check_unchanged(w, what);
        return;
    }
    if (op == OP_CAPABILITIES) {
        unsigned int want_actions = expected_actions(mask, d);
        if (o.actions != want_actions)
            fail_msg("%s: actions %#x, expected %#x", what, o.actions, want_actions);
    }
    if (!ops[op].writes) {
        check_no_event(w, what); /* a read writes nothing either */
        return;
    }
    check_success(w, op, d, target, &o, what);
    refresh(w);
}

/* ------------------------------------------------------------------------ */
/* Mask sets                                                                */
/* ------------------------------------------------------------------------ */
#define RELEVANT                                                                            \
    (P(VIEW) | P(REQUEST) | P(CREATE) | P(APPROVE) | P(EDIT) | P(CANCEL) | P(FILES_UPLOAD) |  \
     P(FILES_DOWNLOAD) | P(REPORT_EDIT) | P(REPORT_REVIEW) | P(REPORT_PUBLISH))
#define ACTION_BITS                                                                         \
    (P(VIEW) | P(APPROVE) | P(EDIT) | P(CANCEL) | P(ASSIGN) | P(FILES_UPLOAD) |              \
     P(FILES_DOWNLOAD) | P(REPORT_VIEW) | P(REPORT_EDIT) | P(REPORT_REVIEW) | P(REPORT_PUBLISH))

#define MAX_MASKS 2100

/* Every subset of `bits` (the standard sub-mask walk), in out[]. */
static size_t subsets(unsigned int bits, unsigned int *out, size_t n)
{
    unsigned int m = 0;
    do {
        out[n++] = m;
        m = (m - bits) & bits;
    } while (m != 0);
    return n;
}

static size_t masks_for(op_id op, unsigned int *out)
{
    size_t n = 0;
    if (op == OP_CAPABILITIES) {
        /* every combination of the bits any action depends on, and the
         * ones no action depends on, alone and with everything */
        n = subsets(ACTION_BITS, out, 0);
        out[n++] = ENGSCHED_PERM_ALL & ~(unsigned int)ACTION_BITS;
        out[n++] = ENGSCHED_PERM_ALL;
        return n;
    }
    if (!ops[op].writes) {
        /* get, file read: read-only, one store for all masks */
        n = subsets(RELEVANT, out, 0);
        out[n++] = ENGSCHED_PERM_ALL & ~(unsigned int)RELEVANT;
        out[n++] = ENGSCHED_PERM_ALL;
        return n;
    }
    n = subsets(ops[op].need | P(VIEW) | ops[op].neighbours, out, 0);
    out[n++] = ENGSCHED_PERM_ALL & ~ops[op].need;
    out[n++] = ENGSCHED_PERM_ALL;
    for (engsched_id r = ENGSCHED_ROLE_ADMINISTRATOR; r <= ENGSCHED_ROLE_VIEWER; r++)
        out[n++] = engsched_builtin_role_permissions(r);
    return n;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */
static long total_cases;

static void run_op(op_id op)
{
    static unsigned int masks[MAX_MASKS];
    size_t n = masks_for(op, masks);
    world w;
    const size_t nfix = ops[op].on_engagement ? NFIX : 1;
    long cases = 0, calls = 0;
    clock_t t0 = clock();
    if (!ops[op].writes) {
        /* Reads: one store, the role's mask changed per case. */
        world_open(&w, 0);
        for (size_t m = 0; m < n; m++) {
            set_mask(&w, masks[m]);
            for (size_t i = 0; i < nfix; i++) {
                for (int access = 0; access <= 1; access++) {
                    probe(&w, op, masks[m], access, i);
                    cases++;
                }
            }
        }
        calls = w.calls;
        world_close(&w);
    } else {
        /* Writes: a success consumes its engagement, so every mask gets
         * fresh ones; the user without access goes first. */
        for (size_t m = 0; m < n; m++) {
            world_open(&w, masks[m]);
            for (size_t i = 0; i < nfix; i++) {
                for (int access = 0; access <= 1; access++) {
                    probe(&w, op, masks[m], access, i);
                    cases++;
                }
            }
            calls += w.calls;
            world_close(&w);
        }
    }
    assert_int_equal(cases, (long)(n * nfix * 2));
    total_cases += cases;
    fprintf(stderr, "    %-28s %5zu masks x %zu statuses x 2 = %6ld cases (%ld calls) %.2fs\n",
            ops[op].name, n, nfix, cases, calls, (double)(clock() - t0) / CLOCKS_PER_SEC);
}

#define OP_TEST(fn, op)                                                                     \
    static void fn(void **state)                                                            \
    {                                                                                       \
        (void)state;                                                                        \
        run_op(op);                                                                         \
    }
OP_TEST(test_get, OP_GET)
OP_TEST(test_request, OP_REQUEST)
OP_TEST(test_request_with_file, OP_REQUEST_FILE)
OP_TEST(test_create, OP_CREATE)
OP_TEST(test_approve, OP_APPROVE)
OP_TEST(test_edit, OP_EDIT)
OP_TEST(test_cancel, OP_CANCEL)
OP_TEST(test_report_to_draft, OP_REPORT_DRAFT)
OP_TEST(test_report_to_ready_for_review, OP_REPORT_READY)
OP_TEST(test_report_to_in_review, OP_REPORT_IN_REVIEW)
OP_TEST(test_report_to_approved, OP_REPORT_APPROVED)
OP_TEST(test_report_to_published, OP_REPORT_PUBLISHED)
OP_TEST(test_file_attach, OP_FILE_ATTACH)
OP_TEST(test_file_read, OP_FILE_READ)
OP_TEST(test_file_delete, OP_FILE_DELETE)
OP_TEST(test_capabilities, OP_CAPABILITIES)

static void test_masks_cover_every_relevant_bit(void **state)
{
    (void)state;
    unsigned int own = 0;
    for (int op = 0; op < N_OPS; op++) {
        own |= ops[op].need;
        /* neighbours are two other bits, never the op's own */
        if (op != OP_CAPABILITIES) {
            unsigned int nb = ops[op].neighbours & ~(unsigned int)P(VIEW);
            assert_int_equal(ops[op].neighbours & ops[op].need, 0);
            assert_true(nb != 0);
        }
    }
    assert_int_equal(own, RELEVANT);
    unsigned int masks[MAX_MASKS];
    assert_int_equal(masks_for(OP_CAPABILITIES, masks), 2048 + 2);
    assert_int_equal(masks_for(OP_GET, masks), 2048 + 2);
    assert_int_equal(masks_for(OP_FILE_READ, masks), 2048 + 2);
    assert_int_equal(masks_for(OP_EDIT, masks), 16 + 2 + 5);          /* EDIT, VIEW, 2 */
    assert_int_equal(masks_for(OP_REQUEST_FILE, masks), 32 + 2 + 5);  /* 2 own, VIEW, 2 */
    /* every mask of a writing operation is distinct (the role masks aside) */
    for (int op = 0; op < N_OPS; op++) {
        size_t n = masks_for((op_id)op, masks);
        for (size_t i = 0; i + 5 < n; i++)
            for (size_t j = 0; j < i; j++)
                assert_int_not_equal(masks[i], masks[j]);
    }
}

/* The built-in Viewer role: VIEW only, so "view only" on every status. */
static void test_viewer_capabilities_are_view_only(void **state)
{
    (void)state;
    world w;
    world_open(&w, 0);
    unsigned int viewer_mask = 0;
    fx_ok(&w.f, engsched_user_permissions(w.f.db, w.f.viewer, &viewer_mask));
    assert_int_equal(viewer_mask, P(VIEW));
    for (size_t i = 0; i < NFIX; i++) {
        unsigned int actions = 0;
        fx_ok(&w.f, engsched_capabilities(w.f.db, w.f.viewer, w.eng[i], &actions));
        if (actions != A(VIEW))
            fail_msg("Viewer on %s: actions %#x, expected exactly VIEW (%#x)", defs[i].name,
                     actions, (unsigned int)A(VIEW));
    }
    /* and a custom role whose mask is VIEW alone */
    set_mask(&w, P(VIEW));
    for (size_t i = 0; i < NFIX; i++) {
        unsigned int actions = 0;
        fx_ok(&w.f, engsched_capabilities(w.f.db, w.inside, w.eng[i], &actions));
        if (actions != A(VIEW))
            fail_msg("VIEW-only role on %s: actions %#x, expected exactly VIEW", defs[i].name,
                     actions);
    }
    check_unchanged(&w, "capabilities");
    world_close(&w);
}

/* Assigning acts on an engagement too: ASSIGN without VIEW is refused
 * (EDENIED, naming view) and changes nothing; with VIEW it succeeds. */
static void test_assign_needs_view(void **state)
{
    (void)state;
    world w;
    world_open(&w, P(ASSIGN));
    engsched_id eng = w.eng[1]; /* Scheduled */
    engsched_id op = w.f.operator2;
    engsched_rc rc = engsched_assign(w.f.db, w.inside, eng, 0, op, ENGSCHED_OPROLE_LEAD, NULL);
    if (rc != ENGSCHED_EDENIED || strstr(engsched_errmsg(w.f.db), "needs view") == NULL)
        fail_msg("assign without VIEW: %s: %s", engsched_rc_name(rc), engsched_errmsg(w.f.db));
    check_unchanged(&w, "assign without VIEW");
    set_mask(&w, P(ASSIGN) | P(VIEW));
    fx_ok(&w.f, engsched_assign(w.f.db, w.inside, eng, 0, op, ENGSCHED_OPROLE_LEAD, NULL));
    world_close(&w);
}

static int report_total(void **state)
{
    (void)state;
    fprintf(stderr, "    total: %ld cases\n", total_cases);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masks_cover_every_relevant_bit),
        cmocka_unit_test(test_viewer_capabilities_are_view_only),
        cmocka_unit_test(test_assign_needs_view),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_request_with_file),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_approve),
        cmocka_unit_test(test_edit),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_report_to_draft),
        cmocka_unit_test(test_report_to_ready_for_review),
        cmocka_unit_test(test_report_to_in_review),
        cmocka_unit_test(test_report_to_approved),
        cmocka_unit_test(test_report_to_published),
        cmocka_unit_test(test_file_attach),
        cmocka_unit_test(test_file_read),
        cmocka_unit_test(test_file_delete),
        cmocka_unit_test(test_capabilities),
    };
    return cmocka_run_group_tests(tests, NULL, report_total);
}
