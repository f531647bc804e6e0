/* The queries of both SQL backends: the views' engagement_query() with
 * its keyset paging, and every callback that passes rows on.
 *
 * engagement_query() statements: one per combination of sort key,
 * direction and query shape, composed from the dialect's constant
 * fragments (never from input) so that the database plans each with the
 * constraints it really has. Parameters have fixed numbers whatever the
 * variant, so binding does not depend on it: 1 statuses, 2 client,
 * 3 operator, 4 scope user, 5 range start, 6 range end, 7 name text,
 * 8 after key (integer), 9 after key (name), 10 after id, 11 limit;
 * 12 the one status, only in ES_QF_ONE_STATUS variants. Besides the
 * filters present, two bits choose the plan where SQLite cannot, in a
 * dialect that has their fragments:
 * - ES_QF_WIDE: the scope user can see many clients; the client test is
 *   written "+e.client IN (...)" so that SQLite walks the index of the
 *   sort key and stops after a page, instead of reading every row of
 *   every client in the scope and sorting them all for one page;
 * - ES_QF_ONE_STATUS: one status, by start date, with no narrow scope:
 *   "e.status = ?12", which walks engagements_due (status, start_day,
 *   id) in the very order of the page. */
#include <string.h>

#include "storage/sql/sql.h"

static engsched_rc enter(es_sql *b) { return b->drv->enter(b); }

static const char *const sort_column[ES_SQL_QUERY_SORTS] = {
    [ENGSCHED_SORT_START] = "e.start_day", [ENGSCHED_SORT_END] = "e.end_day",
    [ENGSCHED_SORT_NAME] = "e.name",       [ENGSCHED_SORT_STATUS] = "e.status",
    [ENGSCHED_SORT_UPDATED] = "e.updated_at",
};

#define QF(bit) (1u << ES_QF_##bit)

/* The one status of a status set with a single bit, or 0. */
static int single_status(unsigned int statuses)
{
    if (statuses == 0 || (statuses & (statuses - 1)) != 0)
        return 0;
    int status = 0;
    while ((statuses >>= 1) != 0)
        status++;
    return status;
}

int es_sql_query_shape_valid(const es_sql_dialect *d, int sort, unsigned int f)
{
    if ((f & QF(WIDE)) && (!(f & QF(SCOPE)) || d->q_scope_wide == NULL))
        return 0;
    if ((f & QF(ONE_STATUS)) &&
        (d->q_one_status == NULL || sort != ENGSCHED_SORT_START || (f & QF(CLIENT)) ||
         ((f & QF(SCOPE)) && !(f & QF(WIDE)))))
        return 0;
    return 1;
}

/* Which filters a query uses, and the plan bits. */
static unsigned int query_filters(const es_sql_dialect *d, const engsched_storage_query *q,
                                  int wide)
{
    unsigned int f = 0;
    if (q->client != 0)
        f |= QF(CLIENT);
    if (q->operator_user != 0)
        f |= QF(OPERATOR);
    if (q->scope_user != 0)
        f |= QF(SCOPE);
    if (q->has_range)
        f |= QF(RANGE);
    if (q->name_contains != NULL && q->name_contains[0] != '\0')
        f |= QF(TEXT);
    if (q->has_after)
        f |= QF(AFTER);
    if ((f & QF(SCOPE)) && wide && d->q_scope_wide != NULL)
        f |= QF(WIDE);
    if (single_status(q->statuses) != 0 && es_sql_query_shape_valid(d, q->sort, f | QF(ONE_STATUS)))
        f |= QF(ONE_STATUS);
    return f;
}

/* Append constant SQL @p parts (NULL-terminated); 0 if it did not fit. */
static int sql_append(char *buf, size_t size, const char *const *parts)
{
    size_t len = strlen(buf);
    for (; *parts != NULL; parts++) {
        size_t n = strlen(*parts);
        if (len + n >= size)
            return 0;
        memcpy(buf + len, *parts, n + 1);
        len += n;
    }
    return 1;
}

#define APPEND(...) (ok = ok && sql_append(buf, size, (const char *const[]){__VA_ARGS__, NULL}))

int es_sql_query_compose(const es_sql_dialect *d, char *buf, size_t size, int sort, int desc,
                         unsigned int f)
{
    const char *col = sort_column[sort];
    const char *dir = desc ? " DESC" : " ASC";
    /* The resume key is a lower bound too when the page resumes by start
     * date, ascending: a dialect may give it with the range (q_range_resume). */
    int resume = sort == ENGSCHED_SORT_START && !desc && (f & QF(AFTER)) &&
                 d->q_range_resume != NULL;
    int ok = 1;
    buf[0] = '\0';
    APPEND(d->q_select, (f & QF(ONE_STATUS)) ? d->q_one_status : d->q_statuses);
    if (f & QF(CLIENT))
        APPEND(d->q_client);
    if (f & QF(OPERATOR))
        APPEND(d->q_operator);
    if (f & QF(SCOPE))
        APPEND((f & QF(WIDE)) ? d->q_scope_wide : d->q_scope);
    if (f & QF(RANGE))
        APPEND(resume ? d->q_range_resume : d->q_range);
    if (f & QF(TEXT))
        APPEND(d->q_text);
    if (f & QF(AFTER))
        APPEND(" AND (", col, ", e.id) ", desc ? "<" : ">", " (",
               sort == ENGSCHED_SORT_NAME ? d->q_after_text : d->q_after_int, d->q_after_id);
    APPEND(" ORDER BY ", col, dir, ", e.id", dir, d->q_limit);
    return ok;
}

/* Whether the scope user sees so many clients that walking the sort
 * order is cheaper than collecting the scope's rows: with k of C clients
 * and N engagements, a page of L rows costs about L*C/k rows walked, and
 * k*N/C rows collected and sorted; walk when k*k*N >= L*C*C. The counts
 * are cheap: a key range of client_access and the largest client and
 * engagement ids. Only for a dialect that measures (ES_SQL_SCOPE_SIZE). */
static engsched_rc scope_is_wide(es_sql *b, const engsched_storage_query *q, int *out)
{
    int found = 0;
    *out = 0;
    if (q->scope_user == 0 || b->dialect->stmts[ES_SQL_SCOPE_SIZE] == NULL)
        return ENGSCHED_OK;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_SCOPE_SIZE, "measuring a scope");
    es_sql_int(&c, q->scope_user);
    engsched_rc rc = es_sql_one(&c, &found);
    if (rc != ENGSCHED_OK || !found)
        return rc;
    double k = (double)es_sql_col_int(&c, 0);
    double n_clients = (double)es_sql_col_int(&c, 1);
    double n = (double)es_sql_col_int(&c, 2);
    es_sql_close(&c);
    *out = k > 0 && k * k * n >= (double)q->limit * n_clients * n_clients;
    return ENGSCHED_OK;
}

static void bind_query(es_sql_cur *c, const engsched_storage_query *q, unsigned int f)
{
    es_sql_int(c, q->statuses);
    es_sql_int(c, q->client);
    es_sql_int(c, q->operator_user);
    es_sql_int(c, q->scope_user);
    es_sql_int(c, q->range_start);
    es_sql_int(c, q->range_end);
    es_sql_text(c, q->name_contains);
    es_sql_int(c, q->after_int);
    es_sql_text(c, q->after_text);
    es_sql_int(c, q->after_id);
    es_sql_int(c, q->limit);
    if (f & QF(ONE_STATUS))
        es_sql_int(c, single_status(q->statuses));
}

/* --- row adapters ------------------------------------------------------ */

/* Function pointers cannot travel through void *, so the adapters receive
 * the callback wrapped in a struct. */
struct engagement_cb {
    engsched_storage_engagement_fn fn;
};
struct assignment_cb {
    engsched_storage_assignment_fn fn;
};
struct allocation_cb {
    engsched_storage_allocation_fn fn;
};
struct file_cb {
    engsched_storage_file_fn fn;
};
struct event_cb {
    engsched_storage_event_fn fn;
};
struct user_cb {
    engsched_storage_user_fn fn;
};
struct unavailability_cb {
    engsched_storage_unavailability_fn fn;
};
struct client_cb {
    engsched_storage_client_fn fn;
};
struct role_cb {
    engsched_storage_role_fn fn;
};

static engsched_rc engagement_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_engagement rec;
    es_sql_fill_engagement(c, &rec);
    return ((struct engagement_cb *)fn)->fn(ctx, &rec);
}

/* ES_SQL_ASSIGNMENT_COLUMNS_OF from column @p at on. */
static void fill_assignment(const es_sql_cur *c, int at, engsched_rec_assignment *out)
{
    *out = (engsched_rec_assignment){
        .engagement = es_sql_col_int(c, at),
        .user = es_sql_col_int(c, at + 1),
        .role = (int)es_sql_col_int(c, at + 2),
        .assigned_by = es_sql_col_int(c, at + 3),
        .assigned_at = es_sql_col_int(c, at + 4),
        .windowed = (int)es_sql_col_int(c, at + 5),
        .window_start = (int32_t)es_sql_col_int(c, at + 6),
        .window_end = (int32_t)es_sql_col_int(c, at + 7),
        .percent = (int)es_sql_col_int(c, at + 8),
        .tentative = (int)es_sql_col_int(c, at + 9),
    };
}

static engsched_rc assignment_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_assignment rec;
    fill_assignment(c, 0, &rec);
    return ((struct assignment_cb *)fn)->fn(ctx, &rec);
}

/* The engagement's columns, then its assignment's. */
static engsched_rc allocation_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_engagement e;
    engsched_rec_assignment a;
    es_sql_fill_engagement(c, &e);
    fill_assignment(c, ES_SQL_ENGAGEMENT_SELECT_COLUMNS, &a);
    return ((struct allocation_cb *)fn)->fn(ctx, &a, &e);
}

/* A row of range_staffing(): the ES_SQL_RANGE_COLUMNS engagement columns
 * it reads (id, client, name, start_day, end_day, status), then its
 * assignment, none when the user is NULL (a LEFT JOIN without a match). */
static engsched_rc staffing_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_engagement e = {
        .id = es_sql_col_int(c, 0),
        .client = es_sql_col_int(c, 1),
        .name = es_sql_col_text(c, 2),
        .description = "",
        .type = "",
        .location = "",
        .contacts = "",
        .custom_fields = "{}",
        .cancel_reason = "",
        .start_day = (int32_t)es_sql_col_int(c, 3),
        .end_day = (int32_t)es_sql_col_int(c, 4),
        .status = (int)es_sql_col_int(c, 5),
        .report_title = "",
        .recurrence = "",
    };
    engsched_rec_assignment a;
    if (c->b->drv->col_null(c, ES_SQL_RANGE_COLUMNS + 1))
        return ((struct allocation_cb *)fn)->fn(ctx, NULL, &e);
    fill_assignment(c, ES_SQL_RANGE_COLUMNS, &a);
    return ((struct allocation_cb *)fn)->fn(ctx, &a, &e);
}

static engsched_rc file_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_file rec;
    es_sql_fill_file(c, &rec);
    return ((struct file_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc event_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_event rec = {
        .seq = es_sql_col_int(c, 0),
        .time = es_sql_col_int(c, 1),
        .actor = es_sql_col_int(c, 2),
        .engagement = es_sql_col_int(c, 3),
        .action = es_sql_col_text(c, 4),
        .status_before = (int)es_sql_col_int(c, 5),
        .status_after = (int)es_sql_col_int(c, 6),
        .details = es_sql_col_text(c, 7),
    };
    return ((struct event_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc user_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_user rec;
    es_sql_fill_user(c, &rec);
    return ((struct user_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc unavailability_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_unavailability rec;
    es_sql_fill_unavailability(c, &rec);
    return ((struct unavailability_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc client_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_client rec;
    es_sql_fill_client(c, &rec);
    return ((struct client_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc role_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_role rec;
    es_sql_fill_role(c, &rec);
    return ((struct role_cb *)fn)->fn(ctx, &rec);
}

/* A list callback: statement @p id with up to four integer parameters
 * (@p n of them), each row passed on through @p adapt. */
static engsched_rc list(engsched_storage *s, int id, const char *what, int n, int64_t p1,
                        int64_t p2, int64_t p3, int64_t p4, es_sql_row_fn adapt, void *fn,
                        void *ctx)
{
    es_sql *b = es_sql_of(s);
    const int64_t values[4] = {p1, p2, p3, p4};
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, id, what);
    for (int i = 0; i < n; i++)
        es_sql_int(&c, values[i]);
    return es_sql_rows(&c, adapt, fn, ctx);
}

/* --- the callbacks ----------------------------------------------------- */

static engsched_rc sql_engagement_query(engsched_storage *s, const engsched_storage_query *q,
                                        engsched_storage_engagement_fn row, void *ctx)
{
    es_sql *b = es_sql_of(s);
    int wide = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (q->sort < 0 || q->sort >= ES_SQL_QUERY_SORTS) {
        es_sql_error(b, "unknown sort key %d", q->sort);
        return ENGSCHED_EMISUSE;
    }
    int desc = q->descending != 0;
    rc = scope_is_wide(b, q, &wide);
    if (rc != ENGSCHED_OK)
        return rc;
    unsigned int f = query_filters(b->dialect, q, wide);
    long variant = ((long)(q->sort * 2 + desc) << ES_QF_COUNT) | (long)f;
    char sql[ES_SQL_QUERY_MAX];
    sql[0] = '\0'; /* composed only when the variant is not prepared yet */
    if (!b->drv->variant_ready(b, variant) &&
        !es_sql_query_compose(b->dialect, sql, sizeof sql, q->sort, desc, f)) {
        es_sql_error(b, "a query variant exceeds %d bytes", ES_SQL_QUERY_MAX);
        return ENGSCHED_ESTORAGE;
    }
    es_sql_cur c = es_sql_cur_on(b, -1, "querying engagements");
    c.variant = variant;
    c.sql = sql;
    bind_query(&c, q, f);
    struct engagement_cb cb = {row};
    return es_sql_rows(&c, engagement_row, &cb, ctx);
}

static engsched_rc sql_engagements_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                       unsigned int limit, engsched_storage_engagement_fn row,
                                       void *ctx)
{
    struct engagement_cb cb = {row};
    return list(s, ES_SQL_ENGAGEMENTS_DUE, "listing due engagements", 4,
                ENGSCHED_STATUS_SCHEDULED, day, after_id, limit, engagement_row, &cb, ctx);
}

/* A row moved by engagements_start_due(): the columns of its RETURNING
 * clause, the rest of the record "" and 0 as storage.h allows. */
static engsched_rc started_row(const es_sql_cur *c, void *fn, void *ctx)
{
    engsched_rec_engagement rec = {0};
    rec.name = rec.description = rec.type = rec.location = rec.contacts = "";
    rec.cancel_reason = rec.report_title = rec.recurrence = "";
    rec.custom_fields = "{}";
    rec.id = es_sql_col_int(c, 0);
    rec.start_day = (int32_t)es_sql_col_int(c, 1);
    rec.status = (int)es_sql_col_int(c, 2);
    rec.version = es_sql_col_int(c, 3);
    rec.updated_at = es_sql_col_int(c, 4);
    rec.report = es_sql_col_int(c, 5); /* NULL without a report: 0 */
    rec.report_status = rec.report != 0 ? (int)es_sql_col_int(c, 6) : ENGSCHED_REPORT_NONE;
    return ((struct engagement_cb *)fn)->fn(ctx, &rec);
}

static engsched_rc sql_engagements_start_due(engsched_storage *s, int32_t day,
                                             engsched_id after_id, unsigned int limit,
                                             int new_status, int64_t now,
                                             engsched_storage_engagement_fn row, void *ctx)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_ENGAGEMENTS_START_DUE, "starting due engagements");
    es_sql_int(&c, ENGSCHED_STATUS_SCHEDULED);
    es_sql_int(&c, day);
    es_sql_int(&c, after_id);
    es_sql_int(&c, limit);
    es_sql_int(&c, new_status);
    es_sql_int(&c, now);
    struct engagement_cb cb = {row};
    return es_sql_rows(&c, started_row, &cb, ctx);
}

static engsched_rc sql_recurring_due(engsched_storage *s, int32_t until_day, unsigned int statuses,
                                     engsched_id after_id, unsigned int limit,
                                     engsched_storage_engagement_fn row, void *ctx)
{
    struct engagement_cb cb = {row};
    return list(s, ES_SQL_RECURRING_DUE, "listing due recurring series", 4, until_day, statuses,
                after_id, limit, engagement_row, &cb, ctx);
}

static engsched_rc sql_operator_work(engsched_storage *s, engsched_id user, unsigned int statuses,
                                     int32_t range_start, int32_t range_end,
                                     engsched_storage_engagement_fn row, void *ctx)
{
    struct engagement_cb cb = {row};
    return list(s, ES_SQL_OPERATOR_WORK, "listing an operator's work", 4, user, statuses,
                range_start, range_end, engagement_row, &cb, ctx);
}

static engsched_rc sql_operator_allocations(engsched_storage *s, engsched_id user,
                                            unsigned int statuses, int32_t range_start,
                                            int32_t range_end, engsched_storage_allocation_fn row,
                                            void *ctx)
{
    struct allocation_cb cb = {row};
    return list(s, ES_SQL_OPERATOR_ALLOCATIONS, "listing an operator's allocations", 4, user,
                statuses, range_start, range_end, allocation_row, &cb, ctx);
}

static engsched_rc sql_range_staffing(engsched_storage *s, unsigned int statuses,
                                      int32_t range_start, int32_t range_end, int names,
                                      engsched_storage_allocation_fn row, void *ctx)
{
    struct allocation_cb cb = {row};
    return list(s, names ? ES_SQL_RANGE_STAFFING_NAMED : ES_SQL_RANGE_STAFFING,
                "listing the staffing of a range", 3, statuses, range_start, range_end, 0,
                staffing_row, &cb, ctx);
}

static engsched_rc sql_assignment_list(engsched_storage *s, engsched_id engagement,
                                       engsched_storage_assignment_fn row, void *ctx)
{
    struct assignment_cb cb = {row};
    return list(s, ES_SQL_ASSIGNMENT_LIST, "listing assignments", 1, engagement, 0, 0, 0,
                assignment_row, &cb, ctx);
}

static engsched_rc sql_file_list(engsched_storage *s, engsched_id engagement,
                                 engsched_storage_file_fn row, void *ctx)
{
    struct file_cb cb = {row};
    return list(s, ES_SQL_FILE_LIST, "listing files", 1, engagement, 0, 0, 0, file_row, &cb,
                ctx);
}

/* Two statements rather than "engagement = ?1 OR ?1 = 0", which would
 * keep the database from the events(engagement, seq) index. */
static engsched_rc sql_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                                  unsigned int limit, engsched_storage_event_fn row, void *ctx)
{
    struct event_cb cb = {row};
    if (engagement != 0)
        return list(s, ES_SQL_EVENT_LIST_ONE, "listing events", 3, engagement, after_seq, limit,
                    0, event_row, &cb, ctx);
    return list(s, ES_SQL_EVENT_LIST_ALL, "listing events", 2, after_seq, limit, 0, 0,
                event_row, &cb, ctx);
}

static engsched_rc sql_users_with_permissions(engsched_storage *s, unsigned int permissions,
                                              engsched_id scope_user, const char *after_name,
                                              engsched_id after_id, unsigned int limit,
                                              engsched_storage_user_fn row, void *ctx)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, ES_SQL_USERS_WITH_PERMISSIONS, "listing users by permission");
    es_sql_int(&c, permissions);
    es_sql_int(&c, scope_user);
    es_sql_text(&c, after_name);
    es_sql_int(&c, after_id);
    es_sql_int(&c, limit);
    es_sql_int(&c, ENGSCHED_USER_ALL_CLIENTS);
    struct user_cb cb = {row};
    return es_sql_rows(&c, user_row, &cb, ctx);
}

static engsched_rc sql_unavailability_list(engsched_storage *s, engsched_id user,
                                           int32_t range_start, int32_t range_end,
                                           engsched_storage_unavailability_fn row, void *ctx)
{
    struct unavailability_cb cb = {row};
    return list(s, ES_SQL_UNAVAILABILITY_LIST, "listing unavailability", 3, user, range_start,
                range_end, 0, unavailability_row, &cb, ctx);
}

static engsched_rc sql_range_unavailability(engsched_storage *s, int32_t range_start,
                                            int32_t range_end,
                                            engsched_storage_unavailability_fn row, void *ctx)
{
    struct unavailability_cb cb = {row};
    return list(s, ES_SQL_RANGE_UNAVAILABILITY, "listing the unavailability of a range", 2,
                range_start, range_end, 0, 0, unavailability_row, &cb, ctx);
}

static engsched_rc sql_client_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                   engsched_storage_client_fn row, void *ctx)
{
    struct client_cb cb = {row};
    return list(s, ES_SQL_CLIENT_LIST, "listing clients", 2, after_id, limit, 0, 0, client_row,
                &cb, ctx);
}

static engsched_rc sql_user_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                                 engsched_storage_user_fn row, void *ctx)
{
    struct user_cb cb = {row};
    return list(s, ES_SQL_USER_LIST, "listing users", 2, after_id, limit, 0, 0, user_row, &cb,
                ctx);
}

static engsched_rc sql_role_list(engsched_storage *s, engsched_storage_role_fn row, void *ctx)
{
    struct role_cb cb = {row};
    return list(s, ES_SQL_ROLE_LIST, "listing roles", 0, 0, 0, 0, 0, role_row, &cb, ctx);
}

static engsched_rc sql_access_list(engsched_storage *s, engsched_id user,
                                   engsched_storage_client_fn row, void *ctx)
{
    struct client_cb cb = {row};
    return list(s, ES_SQL_ACCESS_LIST, "listing client access", 1, user, 0, 0, 0, client_row,
                &cb, ctx);
}

void es_sql_fill_queries(engsched_storage *t)
{
    t->engagement_query = sql_engagement_query;
    t->engagements_due = sql_engagements_due;
    t->recurring_due = sql_recurring_due;
    t->engagements_start_due = sql_engagements_start_due;
    t->operator_work = sql_operator_work;
    t->operator_allocations = sql_operator_allocations;
    t->range_staffing = sql_range_staffing;
    t->range_unavailability = sql_range_unavailability;
    t->assignment_list = sql_assignment_list;
    t->file_list = sql_file_list;
    t->event_list = sql_event_list;
    t->users_with_permissions = sql_users_with_permissions;
    t->unavailability_list = sql_unavailability_list;
    t->client_list = sql_client_list;
    t->user_list = sql_user_list;
    t->role_list = sql_role_list;
    t->access_list = sql_access_list;
}

/* The built-in backends implement every member of the current version;
 * a header that raises it must not make them claim members they lack. */
_Static_assert(ENGSCHED_STORAGE_VERSION == 8,
               "the SQL core fills the members of table version 8 (backup is optional and "
               "per backend): implement the new version's "
               "members before the built-in backends claim it");

void es_sql_fill_table(engsched_storage *t)
{
    t->version = ENGSCHED_STORAGE_VERSION;
    es_sql_fill_records(t);
    es_sql_fill_queries(t);
    es_sql_fill_outbox(t);
    es_sql_fill_invitations(t);
    es_sql_fill_skills(t);
}
