/* Client scoping, black-box: a user without access to a client is told
 * that its engagements, files, reports and events do not exist, in the
 * very words used for an id that really does not exist, by every read
 * path and every write operation, whatever the engagement's status. Access
 * granted later makes the engagement visible; revoked hides it again; the
 * "all clients" flag sees everything.
 *
 * List, Calendar, Availability, conflict previews, JSON, the export,
 * invitations and calendar feeds never show such an engagement, except as
 * an anonymous "Busy" block. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define MISSING INT64_C(987654)

typedef struct world {
    fx f;
    engsched_id pending, scheduled, canceled, complete;
    engsched_id file[4];   /* one per engagement above, same order */
    engsched_id report[4]; /* 0 for pending */
} world;

static engsched_id attach(fx *f, engsched_id engagement, const char *name)
{
    engsched_id id = 0;
    fx_ok(f, engsched_file_attach(f->db, ENGSCHED_SYSTEM, engagement, name, "text/plain",
                                  "secret", 6, &id));
    return id;
}

static engsched_id report_of(fx *f, engsched_id engagement)
{
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, ENGSCHED_SYSTEM, engagement, &e));
    engsched_id r = engsched_engagement_report(e);
    engsched_engagement_free(e);
    return r;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (w == NULL)
        return -1;
    fx *f = &w->f;
    fx_open(f, 0);
    engsched_id c0 = f->client[0];
    w->pending = fx_request(f, f->client_user, c0, "Acme pending", "2026-04-01", "2026-04-03");
    w->scheduled = fx_request(f, f->client_user, c0, "Acme scheduled", "2026-04-01", "2026-04-03");
    w->canceled = fx_request(f, f->client_user, c0, "Acme canceled", "2026-04-01", "2026-04-03");
    w->complete = fx_request(f, f->client_user, c0, "Acme complete", "2026-02-01", "2026-02-03");
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    for (int i = 0; i < 4; i++)
        w->file[i] = attach(f, all[i], "scope.txt");
    fx_approve(f, w->scheduled);
    fx_approve(f, w->canceled);
    fx_approve(f, w->complete);
    fx_ok(f, engsched_cancel(f->db, f->manager, w->canceled, 0, "no budget"));
    static const engsched_report_status path[] = {
        ENGSCHED_REPORT_READY_FOR_REVIEW, ENGSCHED_REPORT_IN_REVIEW, ENGSCHED_REPORT_APPROVED,
        ENGSCHED_REPORT_PUBLISHED};
    for (size_t i = 0; i < 4; i++)
        fx_ok(f, engsched_report_set_status(f->db, f->manager, w->complete, 0, path[i]));
    assert_int_equal(fx_status(f, w->pending), ENGSCHED_STATUS_PENDING);
    assert_int_equal(fx_status(f, w->scheduled), ENGSCHED_STATUS_SCHEDULED);
    assert_int_equal(fx_status(f, w->canceled), ENGSCHED_STATUS_CANCELED);
    assert_int_equal(fx_status(f, w->complete), ENGSCHED_STATUS_COMPLETE);
    for (int i = 0; i < 4; i++)
        w->report[i] = report_of(f, all[i]);
    assert_int_equal(w->report[0], 0);
    assert_true(w->report[1] > 0 && w->report[2] > 0 && w->report[3] > 0);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    fx_close(&w->f);
    free(w);
    return 0;
}

/* The message with every number equal to id replaced by "<id>". */
static void normalise(const char *msg, engsched_id id, char *out, size_t size)
{
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)id);
    size_t o = 0;
    for (const char *p = msg; *p && o + 8 < size;) {
        if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
            const char *q = p + 1;
            while (isdigit((unsigned char)*q))
                q++;
            size_t n = (size_t)(q - p);
            if (n == strlen(want) && strncmp(p, want, n) == 0) {
                o += (size_t)snprintf(out + o, size - o, "<id>");
            } else {
                size_t room = size - o - 1 < n ? size - o - 1 : n;
                memcpy(out + o, p, room);
                o += room;
            }
            p = q;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

/* One refusal pair: what the outsider got for a real id, and what anybody
 * gets for an id that does not exist. */
typedef struct probe {
    engsched_rc rc;
    char msg[600];
} probe;

static void capture(fx *f, probe *p, engsched_rc rc)
{
    p->rc = rc;
    snprintf(p->msg, sizeof p->msg, "%s", engsched_errmsg(f->db));
}

static void same_as_missing_at(const probe *hidden, engsched_id real, const probe *missing,
                               engsched_id missing_id, const char *what, const char *file,
                               int line)
{
    if (hidden->rc != ENGSCHED_ENOTFOUND)
        fail_msg("%s:%d: %s by an outsider returned %s, expected ENGSCHED_ENOTFOUND: %s", file,
                 line, what, engsched_rc_name(hidden->rc), hidden->msg);
    if (missing->rc != ENGSCHED_ENOTFOUND)
        fail_msg("%s:%d: %s on a missing id returned %s: %s", file, line, what,
                 engsched_rc_name(missing->rc), missing->msg);
    char a[700], b[700];
    normalise(hidden->msg, real, a, sizeof a);
    normalise(missing->msg, missing_id, b, sizeof b);
    if (strcmp(a, b) != 0)
        fail_msg("%s:%d: %s: the outsider's message differs from a missing id's:\n  hidden:  %s\n"
                 "  missing: %s",
                 file, line, what, hidden->msg, missing->msg);
    if (strstr(a, "<id>") == NULL)
        fail_msg("%s:%d: %s: the message \"%s\" does not name the id", file, line, what,
                 hidden->msg);
}

/* Run call twice, with id = real and id = MISSING, as actor; compare. */
#define SAME_AS_MISSING(f, real, call_with_id)                                                \
    do {                                                                                     \
        probe hidden_, missing_;                                                             \
        engsched_id id_ = (real);                                                            \
        capture((f), &hidden_, (call_with_id));                                              \
        id_ = MISSING;                                                                       \
        capture((f), &missing_, (call_with_id));                                             \
        same_as_missing_at(&hidden_, (real), &missing_, MISSING, #call_with_id, __FILE__,    \
                           __LINE__);                                                        \
    } while (0)

static void test_outsider_reads_see_nothing(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    char *before = fx_digest(f);
    int64_t seq_before = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq_before));

    for (int i = 0; i < 4; i++) {
        engsched_engagement *e = NULL;
        engsched_file_list *files = NULL;
        char *json = NULL;
        unsigned int actions = 0xdead;
        char buf[16] = "untouched";
        size_t got = 4242;
        engsched_id out = 4242;
        SAME_AS_MISSING(f, all[i], engsched_engagement_get(f->db, who, id_, &e));
        SAME_AS_MISSING(f, all[i], engsched_file_list_get(f->db, who, id_, &files));
        SAME_AS_MISSING(f, all[i], engsched_events_json(f->db, who, id_, &json));
        SAME_AS_MISSING(f, all[i], engsched_capabilities(f->db, who, id_, &actions));
        SAME_AS_MISSING(f, w->file[i],
                        engsched_file_read(f->db, who, id_, 0, buf, sizeof buf, &got));
        SAME_AS_MISSING(f, w->file[i], engsched_file_read(f->db, who, id_, 0, NULL, 0, &got));
        if (w->report[i] != 0)
            SAME_AS_MISSING(f, w->report[i],
                            engsched_report_engagement(f->db, who, id_, &out));
        assert_null(e);
        assert_null(files);
        assert_null(json);
        assert_int_equal(actions, 0xdead);
        assert_string_equal(buf, "untouched");
        assert_int_equal(got, 4242);
        assert_int_equal(out, 4242);
    }
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    int64_t seq_after = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq_after));
    assert_int_equal(seq_before, seq_after);
    free(before);
    free(after);
}

static void test_outsider_writes_see_nothing(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    char *before = fx_digest(f);
    int64_t seq_before = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq_before));
    size_t events_before = f->events_seen;

    engsched_input *edit = NULL;
    fx_ok(f, engsched_input_new(f->db, &edit));
    fx_ok(f, engsched_input_set_name(edit, "Renamed by an outsider"));
    engsched_input *approve = NULL;
    fx_ok(f, engsched_input_new(f->db, &approve));
    fx_ok(f, engsched_input_set_report_title(approve, "Outsider report"));

    for (int i = 0; i < 4; i++) {
        int64_t v = fx_version(f, all[i]);
        engsched_id out = 0;
        /* Stale and current versions, allowed and refused statuses: the
         * answer is ENOTFOUND before any of that is looked at. */
        SAME_AS_MISSING(f, all[i], engsched_edit(f->db, who, id_, v, edit));
        SAME_AS_MISSING(f, all[i], engsched_edit(f->db, who, id_, v + 5, edit));
        SAME_AS_MISSING(f, all[i], engsched_approve(f->db, who, id_, 0, approve));
        SAME_AS_MISSING(f, all[i], engsched_approve(f->db, who, id_, v + 5, NULL));
        SAME_AS_MISSING(f, all[i], engsched_cancel(f->db, who, id_, 0, "outsider"));
        SAME_AS_MISSING(f, all[i], engsched_cancel(f->db, who, id_, v + 5, NULL));
        SAME_AS_MISSING(f, all[i],
                        engsched_report_set_status(f->db, who, id_, 0,
                                                   ENGSCHED_REPORT_READY_FOR_REVIEW));
        SAME_AS_MISSING(f, all[i],
                        engsched_report_set_status(f->db, who, id_, 0, ENGSCHED_REPORT_DRAFT));
        SAME_AS_MISSING(f, all[i],
                        engsched_file_attach(f->db, who, id_, "x.txt", NULL, "x", 1, &out));
        SAME_AS_MISSING(f, w->file[i], engsched_file_delete(f->db, who, id_));
        assert_int_equal(out, 0);
    }
    /* Request and create for a client the outsider cannot access read as
     * for a client that does not exist. */
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Sneaky"));
    fx_ok(f, engsched_input_set_dates(in, "2026-04-01", "2026-04-02"));
    probe hidden, missing;
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    capture(f, &hidden, engsched_request(f->db, who, in, NULL));
    fx_ok(f, engsched_input_set_client(in, MISSING));
    capture(f, &missing, engsched_request(f->db, who, in, NULL));
    same_as_missing_at(&hidden, f->client[0], &missing, MISSING, "request", __FILE__, __LINE__);
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    capture(f, &hidden, engsched_create(f->db, who, in, NULL));
    fx_ok(f, engsched_input_set_client(in, MISSING));
    capture(f, &missing, engsched_create(f->db, who, in, NULL));
    same_as_missing_at(&hidden, f->client[0], &missing, MISSING, "create", __FILE__, __LINE__);
    engsched_input_free(in);
    engsched_input_free(edit);
    engsched_input_free(approve);

    char *after = fx_digest(f);
    assert_string_equal(before, after);
    int64_t seq_after = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq_after));
    assert_int_equal(seq_before, seq_after);
    assert_int_equal(f->events_seen, events_before);
    free(before);
    free(after);
}

/* With access but without the permission the answer is EDENIED: the
 * engagement exists for that user. */
static void test_access_without_permission_is_denied_not_hidden(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    char buf[8];
    size_t got = 0;
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->viewer, w->scheduled, &e));
    engsched_engagement_free(e);
    fx_rc(f, ENGSCHED_EDENIED, engsched_file_read(f->db, f->viewer, w->file[1], 0, buf, 8, &got));
    fx_rc(f, ENGSCHED_EDENIED, engsched_cancel(f->db, f->viewer, w->scheduled, 0, NULL));
    engsched_id out = 0;
    fx_rc(f, ENGSCHED_EDENIED, engsched_report_engagement(f->db, f->viewer, w->report[1], &out));
    /* operator1 has client 0 and 1 but not 2; the outsider has client 2. */
    fx_ok(f, engsched_file_read(f->db, f->operator1, w->file[1], 0, buf, 8, &got));
    assert_int_equal(got, 6);
}

static void test_grant_shows_revoke_hides_all_clients_sees_all(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    engsched_engagement *e = NULL;
    unsigned int actions = 0;
    char buf[8];
    size_t got = 0;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f->db, who, w->scheduled, &e));

    fx_ok(f, engsched_access_grant(f->db, f->admin, who, f->client[0]));
    fx_ok(f, engsched_engagement_get(f->db, who, w->scheduled, &e));
    assert_string_equal(engsched_engagement_name(e), "Acme scheduled");
    engsched_engagement_free(e);
    e = NULL;
    fx_ok(f, engsched_capabilities(f->db, who, w->scheduled, &actions));
    assert_true(actions & ENGSCHED_ACTION_VIEW);
    assert_true(actions & ENGSCHED_ACTION_EDIT);
    fx_ok(f, engsched_file_read(f->db, who, w->file[1], 0, buf, sizeof buf, &got));
    assert_int_equal(got, 6);
    assert_memory_equal(buf, "secret", 6);

    fx_ok(f, engsched_access_revoke(f->db, f->admin, who, f->client[0]));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f->db, who, w->scheduled, &e));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_capabilities(f->db, who, w->scheduled, &actions));
    fx_rc(f, ENGSCHED_ENOTFOUND,
          engsched_file_read(f->db, who, w->file[1], 0, buf, sizeof buf, &got));
    assert_null(e);

    /* The same user mirrored again with "all clients" sees every client;
     * mirrored without it, the grant list rules again. */
    engsched_id same = 0;
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "outsider", "outsider@example.com",
                                  "outsider", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS,
                                  &same));
    assert_int_equal(same, who);
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    for (int i = 0; i < 4; i++) {
        fx_ok(f, engsched_engagement_get(f->db, who, all[i], &e));
        engsched_engagement_free(e);
        e = NULL;
    }
    fx_ok(f, engsched_user_upsert(f->db, ENGSCHED_SYSTEM, "outsider", "outsider@example.com",
                                  "outsider", ENGSCHED_ROLE_MANAGER, 0, &same));
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_get(f->db, who, w->pending, &e));
    /* The fixture's manager has the flag and sees everything. */
    fx_ok(f, engsched_engagement_get(f->db, f->manager, w->pending, &e));
    engsched_engagement_free(e);
}

/* An engagement of the outsider's own client is visible to them, and
 * invisible to the client-0 users. */
static void test_scoping_works_both_ways(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id theirs =
        fx_request(f, f->outsider, f->client[2], "Initech", "2026-04-01", "2026-04-02");
    engsched_engagement *e = NULL;
    fx_ok(f, engsched_engagement_get(f->db, f->outsider, theirs, &e));
    engsched_engagement_free(e);
    e = NULL;
    engsched_id users[] = {f->operator1, f->operator2, f->client_user, f->viewer};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        probe hidden, missing;
        capture(f, &hidden, engsched_engagement_get(f->db, users[i], theirs, &e));
        capture(f, &missing, engsched_engagement_get(f->db, users[i], MISSING, &e));
        same_as_missing_at(&hidden, theirs, &missing, MISSING, "engagement_get", __FILE__,
                           __LINE__);
    }
    assert_null(e);
}

static void test_outsider_staffing_calls_see_nothing(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    char *before = fx_digest(f);
    size_t events_before = f->events_seen;
    for (int i = 0; i < 4; i++) {
        engsched_work_list *list = NULL;
        SAME_AS_MISSING(f, all[i], engsched_assign(f->db, who, id_, 0, f->operator2,
                                                   ENGSCHED_OPROLE_TESTER, &list));
        SAME_AS_MISSING(f, all[i], engsched_unassign(f->db, who, id_, 0, f->operator1));
        SAME_AS_MISSING(f, all[i],
                        engsched_operator_conflicts(f->db, who, id_, f->operator1, &list));
        assert_null(list);
    }
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    assert_int_equal(f->events_seen, events_before);
    free(before);
    free(after);
}

/* Every row a List or Calendar cursor yields for actor. */
static size_t walk(fx *f, engsched_cursor *cur, engsched_id *ids, size_t max)
{
    size_t n = 0;
    int has = 0;
    while (1) {
        fx_ok(f, engsched_cursor_next(cur, &has));
        if (!has)
            break;
        assert_true(n < max);
        ids[n++] = engsched_cursor_id(cur);
    }
    engsched_cursor_free(cur);
    return n;
}

static size_t list_all(fx *f, engsched_id actor, engsched_query *q, engsched_id *ids, size_t max)
{
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_list(f->db, actor, q, NULL, &cur));
    return walk(f, cur, ids, max);
}

static size_t calendar_all(fx *f, engsched_id actor, engsched_query *q, engsched_id *ids,
                           size_t max)
{
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_calendar(f->db, actor, q, &cur));
    return walk(f, cur, ids, max);
}

static void test_list_and_calendar_never_show_hidden_engagements(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    engsched_id mine =
        fx_request(f, f->outsider, f->client[2], "Initech own", "2026-04-01", "2026-04-02");
    engsched_query *q = NULL;
    fx_ok(f, engsched_query_new(f->db, &q));
    fx_ok(f, engsched_query_set_statuses(
                 q, engsched_tab_statuses(ENGSCHED_TAB_ALL) |
                        engsched_tab_statuses(ENGSCHED_TAB_CANCELED)));
    fx_ok(f, engsched_query_set_range(q, "2026-01-01", "2026-12-31"));
    engsched_id ids[16];

    /* The control: operator1 (clients 0 and 1) sees all four. */
    assert_int_equal(list_all(f, f->operator1, q, ids, 16), 4);
    assert_int_equal(calendar_all(f, f->operator1, q, ids, 16), 4);
    /* The outsider sees only its own client's engagement. */
    assert_int_equal(list_all(f, f->outsider, q, ids, 16), 1);
    assert_int_equal(ids[0], mine);
    assert_int_equal(calendar_all(f, f->outsider, q, ids, 16), 1);
    assert_int_equal(ids[0], mine);
    /* Whatever the filter: a name, an operator, a sort. */
    fx_ok(f, engsched_query_set_text(q, "Acme"));
    assert_int_equal(list_all(f, f->outsider, q, ids, 16), 0);
    assert_int_equal(calendar_all(f, f->outsider, q, ids, 16), 0);
    fx_ok(f, engsched_query_set_text(q, NULL));
    fx_ok(f, engsched_query_set_operator(q, f->operator1));
    fx_ok(f, engsched_query_set_sort(q, ENGSCHED_SORT_UPDATED, 1));
    assert_int_equal(list_all(f, f->outsider, q, ids, 16), 0);
    fx_ok(f, engsched_query_set_operator(q, 0));

    /* Filtering by a client the outsider cannot access reads like a
     * client that does not exist. */
    probe hidden, missing;
    engsched_cursor *cur = NULL;
    fx_ok(f, engsched_query_set_client(q, f->client[0]));
    capture(f, &hidden, engsched_list(f->db, f->outsider, q, NULL, &cur));
    fx_ok(f, engsched_query_set_client(q, MISSING));
    capture(f, &missing, engsched_list(f->db, f->outsider, q, NULL, &cur));
    same_as_missing_at(&hidden, f->client[0], &missing, MISSING, "list by client", __FILE__,
                       __LINE__);
    fx_ok(f, engsched_query_set_client(q, f->client[0]));
    capture(f, &hidden, engsched_calendar(f->db, f->outsider, q, &cur));
    fx_ok(f, engsched_query_set_client(q, MISSING));
    capture(f, &missing, engsched_calendar(f->db, f->outsider, q, &cur));
    same_as_missing_at(&hidden, f->client[0], &missing, MISSING, "calendar by client",
                       __FILE__, __LINE__);
    assert_null(cur);
    engsched_query_free(q);
}

static void assert_busy_only(fx *f, const engsched_work_list *list, size_t *busy)
{
    for (size_t i = 0; i < engsched_work_list_count(list); i++) {
        engsched_work_kind kind = 0;
        engsched_id id = -1;
        const char *label = NULL;
        fx_ok(f, engsched_work_list_item(list, i, &kind, &id, &label, NULL, NULL, NULL));
        if (kind != ENGSCHED_WORK_ENGAGEMENT)
            continue;
        if (strstr(label, "Acme") != NULL || id != 0)
            fail_msg("work of a hidden client shows as \"%s\" (id %lld)", label, (long long)id);
        assert_string_equal(label, "Busy");
        (*busy)++;
    }
}

/* Availability and conflict previews show work of hidden clients only as
 * anonymous "Busy" blocks. */
static void test_hidden_work_is_anonymous_busy(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    /* Share client 1 with operator1 so that the outsider sees them. */
    fx_ok(f, engsched_access_grant(f->db, f->admin, f->outsider, f->client[1]));
    engsched_id theirs =
        fx_request(f, f->outsider, f->client[1], "Globex", "2026-04-02", "2026-04-02");
    fx_ok(f, engsched_approve(f->db, f->outsider, theirs, 0, NULL));

    engsched_work_list *list = NULL;
    size_t busy = 0;
    fx_ok(f, engsched_operator_conflicts(f->db, f->outsider, theirs, f->operator1, &list));
    assert_busy_only(f, list, &busy);
    engsched_work_list_free(list);
    assert_int_equal(busy, 1); /* the scheduled engagement; canceled ones do not count */

    engsched_availability *av = NULL;
    fx_ok(f, engsched_availability_open(f->db, f->outsider, "2026-04-01", "2026-04-30", &av));
    int has = 0, saw_operator = 0;
    busy = 0;
    while (1) {
        fx_ok(f, engsched_availability_next(av, &has));
        if (!has)
            break;
        if (engsched_availability_user(av) == f->operator1)
            saw_operator = 1;
        assert_busy_only(f, engsched_availability_work(av), &busy);
    }
    engsched_availability_free(av);
    assert_true(saw_operator);
    assert_int_equal(busy, 1);

    /* With access, the same work is named. */
    fx_ok(f, engsched_operator_conflicts(f->db, f->manager, theirs, f->operator1, &list));
    assert_int_equal(engsched_work_list_count(list), 1);
    const char *label = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_work_list_item(list, 0, NULL, &id, &label, NULL, NULL, NULL));
    assert_int_equal(id, w->scheduled);
    assert_string_equal(label, "Acme scheduled");
    engsched_work_list_free(list);
}

/* The JSON paths: one engagement, and the export of everything the actor
 * may see. */
static void test_json_and_export_show_nothing_hidden(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    for (int i = 0; i < 4; i++) {
        char *json = NULL;
        SAME_AS_MISSING(f, all[i], engsched_engagement_json(f->db, who, id_, &json));
        assert_null(json);
    }
    engsched_id mine =
        fx_request(f, who, f->client[2], "Initech own", "2026-04-01", "2026-04-02");
    char *doc = NULL;
    fx_ok(f, engsched_export_json(f->db, who, &doc));
    static const char *const hidden[] = {"Acme", "client-0", "scope.txt", "c2VjcmV0" /* "secret" */,
                                         "no budget"};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
        if (strstr(doc, hidden[i]) != NULL)
            fail_msg("the outsider's export contains \"%s\":\n%s", hidden[i], doc);
    }
    assert_non_null(strstr(doc, "Initech own"));
    engsched_free(doc);
    /* The control: with access, the same export names them. */
    fx_ok(f, engsched_export_json(f->db, f->operator1, &doc));
    assert_non_null(strstr(doc, "Acme scheduled"));
    assert_null(strstr(doc, "Initech own"));
    engsched_free(doc);
    char *one = NULL;
    fx_ok(f, engsched_engagement_json(f->db, f->operator1, w->scheduled, &one));
    assert_non_null(strstr(one, "Acme scheduled"));
    engsched_free(one);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_engagement_json(f->db, f->operator1, mine, &one));
}

/* Invitations and calendar feeds. */
static void test_invitations_and_feeds_show_nothing_hidden(void **state)
{
    world *w = *state;
    fx *f = &w->f;
    const engsched_id who = f->outsider;
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_email", "pmo@example.com"));
    fx_ok(f, engsched_setting_set(f->db, ENGSCHED_SYSTEM, "organizer_name", "PMO"));
    engsched_id all[4] = {w->pending, w->scheduled, w->canceled, w->complete};
    for (int i = 0; i < 4; i++) {
        char *out = NULL;
        SAME_AS_MISSING(f, all[i],
                        engsched_invitation_ics(f->db, who, id_, f->operator1, &out));
        SAME_AS_MISSING(f, all[i],
                        engsched_invitation_mail(f->db, who, id_, f->operator1, &out));
        assert_null(out);
    }
    fx_ok(f, engsched_access_grant(f->db, f->admin, who, f->client[1]));
    engsched_id mine =
        fx_request(f, who, f->client[1], "Globex own", "2026-04-06", "2026-04-07");
    fx_ok(f, engsched_approve(f->db, who, mine, 0, NULL));
    char *feed = NULL;
    fx_ok(f, engsched_feed_ics(f->db, who, who, &feed));
    assert_non_null(strstr(feed, "BEGIN:VCALENDAR"));
    assert_non_null(strstr(feed, "Globex own"));
    if (strstr(feed, "Acme") != NULL)
        fail_msg("the outsider's feed shows an engagement of a hidden client:\n%s", feed);
    engsched_free(feed);
    feed = NULL;
    fx_rc(f, ENGSCHED_EDENIED, engsched_feed_ics(f->db, who, f->operator1, &feed));
    assert_null(feed);
    /* The control: operator1's own feed and invitation name the engagement. */
    fx_ok(f, engsched_feed_ics(f->db, f->operator1, f->operator1, &feed));
    assert_non_null(strstr(feed, "Acme scheduled"));
    engsched_free(feed);
    char *ics = NULL;
    fx_ok(f, engsched_invitation_ics(f->db, f->operator1, w->scheduled, f->operator1, &ics));
    assert_non_null(strstr(ics, "Acme scheduled"));
    engsched_free(ics);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_outsider_reads_see_nothing),
        T(test_outsider_writes_see_nothing),
        T(test_outsider_staffing_calls_see_nothing),
        T(test_list_and_calendar_never_show_hidden_engagements),
        T(test_hidden_work_is_anonymous_busy),
        T(test_json_and_export_show_nothing_hidden),
        T(test_invitations_and_feeds_show_nothing_hidden),
        T(test_access_without_permission_is_denied_not_hidden),
        T(test_grant_shows_revoke_hides_all_clients_sees_all),
        T(test_scoping_works_both_ways),
    };
    return cmocka_run_group_tests_name("visibility", tests, NULL, NULL);
}
