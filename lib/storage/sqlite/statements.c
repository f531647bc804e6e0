/* The SQLite dialect: the text of every statement the backend runs,
 * the fragments of the engagement_query() variants, and the white-box
 * EXPLAIN of the views' statements.
 *
 * Every statement is prepared once, lazily, with
 * SQLITE_PREPARE_PERSISTENT and cached in the backend (driver.c); nothing
 * is ever built from input. */
#include <string.h>

#include "storage/sqlite/storage_sqlite.h"

#define UNAVAILABILITY_COLUMNS "id, user, start_day, end_day, reason, created_by, created_at"

/* The outbox columns sql/outbox.c reads, in its order; the insert binds
 * them from kind on. */
#define INVITATION_COLUMNS                                                                  \
    "engagement, user, sequence, canceled, updated_at, uid, organizer_email, organizer_name," \
    " response, responded_at, response_sequence"
#define FEED_TOKEN_COLUMNS "user, token_id, secret_hash, coalesce(issued_by, 0), created_at"
#define OUTBOX_COLUMNS                                                                      \
    "id, kind, state, engagement, user, event_seq, sequence, recipient, payload, attempts," \
    " next_attempt_at, claimed_until, claim, created_at, updated_at, reason"

/* The filters of outbox_list() but the state (sql/outbox.c binds ?1 the
 * state or mask, ?2 kinds, ?3 after id, ?4 max id, ?5 due at, ?6
 * engagement, ?7 limit): a 0 turns its filter off, so one statement
 * serves every filter set. Only id > ?3 bounds the scan; the others are
 * tested on the rows it reads, which the limit keeps to a page. */
#define OUTBOX_FILTERS                                                                      \
    " AND id > ?3 AND (?4 = 0 OR id <= ?4) AND (?2 = 0 OR ((?2 >> kind) & 1) = 1)"          \
    " AND (?5 = 0 OR (next_attempt_at <= ?5 AND claimed_until <= ?5))"                      \
    " AND (?6 = 0 OR engagement = ?6) ORDER BY id LIMIT ?7"

/* Where an operator's work is: assignments_dates (migration 2) finds the
 * range; the lower bound on start_day keeps the seek near it. */
#define OPERATOR_WORK_FROM                                                                  \
    " FROM assignments AS a JOIN engagements AS e ON e.id = a.engagement"                  \
    " WHERE a.user = ?1 AND a.start_day <= ?4 AND a.end_day >= ?3"                         \
    " AND a.start_day >= ?3 - (SELECT max(end_day - start_day) FROM engagements)"          \
    " AND ((?2 >> e.status) & 1) = 1 ORDER BY a.start_day, e.id"

#define RANGE_STAFFING_REST                                                                 \
    "e.start_day, e.end_day, e.status, " ES_SQL_ASSIGNMENT_COLUMNS_OF("user")               \
    " FROM engagements AS e INDEXED BY engagements_start"                                   \
    " LEFT JOIN assignments AS a ON a.engagement = e.id"                                    \
    " WHERE e.start_day <= ?3 AND e.end_day >= ?2"                                          \
    " AND e.start_day >= ?2 - (SELECT max(end_day - start_day) FROM engagements)"           \
    " AND ((?1 >> e.status) & 1) = 1 ORDER BY e.start_day, e.id"

const char *const es_sqlite_stmt_sql[ES_SQLITE_STMT_COUNT] = {
    [ES_SQLITE_BEGIN_READ] = "BEGIN DEFERRED",
    [ES_SQLITE_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [ES_SQLITE_COMMIT] = "COMMIT",
    [ES_SQLITE_ROLLBACK] = "ROLLBACK",
    [ES_SQL_SAVEPOINT] = "SAVEPOINT es_op",
    [ES_SQL_RELEASE] = "RELEASE es_op",
    [ES_SQL_ROLLBACK_TO] = "ROLLBACK TO es_op",
    [ES_SQLITE_APPLICATION_ID_PRAGMA] = "PRAGMA application_id",
    [ES_SQLITE_SCHEMA_OBJECTS] = "SELECT count(*) FROM sqlite_schema",
    [ES_SQLITE_USER_VERSION] = "PRAGMA user_version",
    [ES_SQLITE_SETTING_ALL] = "SELECT key, value FROM settings",
    [ES_SQLITE_DATA_VERSION] = "PRAGMA data_version",
    [ES_SQL_SETTING_SET] = "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [ES_SQL_CLIENT_FIND] = "SELECT id FROM clients WHERE host_key = ?1",
    [ES_SQL_CLIENT_INSERT] = "INSERT INTO clients(host_key, name) VALUES(?1, ?2)",
    [ES_SQL_CLIENT_UPDATE] = "UPDATE clients SET name = ?2 WHERE id = ?1",
    [ES_SQL_CLIENT_GET] = "SELECT id, host_key, name FROM clients WHERE id = ?1",
    [ES_SQL_USER_FIND] = "SELECT id FROM users WHERE host_key = ?1",
    [ES_SQL_USER_INSERT] = "INSERT INTO users(host_key, email, display_name, role, flags)"
                       " VALUES(?1, ?2, ?3, ?4, ?5)",
    [ES_SQL_USER_UPDATE] = "UPDATE users SET email = ?2, display_name = ?3, role = ?4, flags = ?5"
                       " WHERE id = ?1",
    [ES_SQL_USER_GET] = ES_SQL_USER_SELECT "WHERE u.id = ?1",
    [ES_SQL_ROLE_INSERT] = "INSERT INTO roles(id, name, permissions) VALUES(?1, ?2, ?3)",
    [ES_SQL_ROLE_UPDATE] = "UPDATE roles SET permissions = ?2 WHERE id = ?1",
    [ES_SQL_ROLE_GET] = "SELECT id, name, permissions FROM roles WHERE id = ?1",
    [ES_SQL_ROLE_FIND] = "SELECT id FROM roles WHERE name = ?1",
    [ES_SQL_ACCESS_GRANT] = "INSERT INTO client_access(user, client) VALUES(?1, ?2)"
                        " ON CONFLICT DO NOTHING",
    [ES_SQL_ACCESS_REVOKE] = "DELETE FROM client_access WHERE user = ?1 AND client = ?2",
    [ES_SQL_ACCESS_CHECK] = "SELECT 1 FROM client_access WHERE user = ?1 AND client = ?2",
    [ES_SQL_ENGAGEMENT_INSERT] = "INSERT INTO engagements(" ES_SQL_ENGAGEMENT_COLUMNS ")"
                             " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                             " ?14, ?15, ?16, ?17, ?18)",
    /* The columns an update of the state alone (status, version,
     * updated_at) keeps, in the order of the engagement columns but the three. */
    [ES_SQL_ENGAGEMENT_KEPT] = "SELECT client, requested_by, name, description, type, location,"
                           " contacts, custom_fields, cancel_reason, start_day, end_day,"
                           " created_at, recurrence, origin, recurrence_next_day"
                           " FROM engagements WHERE id = ?1",
    [ES_SQL_ENGAGEMENT_UPDATE_STATE] = "UPDATE engagements SET status = ?2, version = ?3,"
                                   " updated_at = ?4 WHERE id = ?1",
    [ES_SQL_ENGAGEMENT_UPDATE] = "UPDATE engagements SET (" ES_SQL_ENGAGEMENT_COLUMNS ")"
                             " = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                             " ?15, ?16, ?17, ?18, ?19) WHERE id = ?1",
    [ES_SQL_ENGAGEMENT_GET] = ES_SQL_ENGAGEMENT_SELECT "WHERE e.id = ?1",
    /* The ids first, from engagements_due alone (covering), then the rows
     * of just those: "ORDER BY e.id LIMIT" on the rows themselves reads and
     * sorts the whole row (report joined) of every due engagement for
     * each batch, which makes a large tick quadratic in row reads. */
    [ES_SQL_ENGAGEMENTS_DUE] = ES_SQL_ENGAGEMENT_SELECT
    "WHERE e.id IN (SELECT id FROM engagements WHERE status = ?1 AND start_day <= ?2"
    " AND id > ?3 ORDER BY id LIMIT ?4) ORDER BY e.id",
    /* The ids first from engagements_recurring (partial: recurring rows
     * only), as for the due query: a tick with nothing due reads one
     * index entry. ?1 until day, ?2 status mask, ?3 after id, ?4 limit. */
    [ES_SQL_RECURRING_DUE] = ES_SQL_ENGAGEMENT_SELECT
    "WHERE e.id IN (SELECT id FROM engagements WHERE recurrence <> ''"
    " AND recurrence_next_day <= ?1 AND ((?2 >> status) & 1) = 1 AND id > ?3"
    " ORDER BY id LIMIT ?4) ORDER BY e.id",
    /* The rows chosen as ES_SQL_ENGAGEMENTS_DUE chooses them (from
     * engagements_due alone), then moved; only the three state columns
     * are set, so only the indexes over them are rewritten. The order of
     * RETURNING rows is not defined: the core sorts them. ?1 status of the
     * due rows, ?2 day, ?3 after id, ?4 limit, ?5 new status, ?6 now. */
    /* The ids as a JSON array: SQLite has no array to bind, and carray is
     * an extension Debian's library lacks. */
    [ES_SQL_OUTBOX_MARK] = "UPDATE outbox SET state = ?2, reason = '', updated_at = ?3"
                           " WHERE id IN (SELECT value FROM json_each(?1))"
                           " AND state = ?4 AND claim = ?5",
    [ES_SQL_ENGAGEMENTS_START_DUE] =
        "UPDATE engagements SET status = ?5, version = version + 1, updated_at = ?6"
        " WHERE id IN (SELECT id FROM engagements WHERE status = ?1 AND start_day <= ?2"
        " AND id > ?3 ORDER BY id LIMIT ?4)"
        " RETURNING id, start_day, status, version, updated_at,"
        " (SELECT r.id FROM reports AS r WHERE r.engagement = engagements.id),"
        " (SELECT r.status FROM reports AS r WHERE r.engagement = engagements.id)",
    [ES_SQL_REPORT_INSERT] = "INSERT INTO reports(engagement, title, status) VALUES(?1, ?2, ?3)",
    [ES_SQL_REPORT_UPDATE] = "UPDATE reports SET title = ?3, status = ?4"
                         " WHERE id = ?1 AND engagement = ?2",
    [ES_SQL_REPORT_ENGAGEMENT] = "SELECT engagement FROM reports WHERE id = ?1",
    [ES_SQL_ASSIGNMENT_INSERT] = "INSERT INTO assignments(engagement, user, role, assigned_by,"
                             " assigned_at, windowed, start_day, end_day, percent, tentative)"
                             " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [ES_SQL_ASSIGNMENT_DELETE] = "DELETE FROM assignments WHERE engagement = ?1 AND user = ?2",
    [ES_SQL_ASSIGNMENT_LIST] = "SELECT " ES_SQL_ASSIGNMENT_COLUMNS_OF("user")
                           " FROM assignments AS a WHERE engagement = ?1 ORDER BY ord",
    /* Not windowed: the engagement's dates again (as the insert trigger). */
    [ES_SQL_ASSIGNMENT_UPDATE] =
        "UPDATE assignments SET role = ?3, windowed = ?4,"
        " start_day = CASE WHEN ?4 <> 0 THEN ?5"
        " ELSE (SELECT start_day FROM engagements WHERE id = ?1) END,"
        " end_day = CASE WHEN ?4 <> 0 THEN ?6"
        " ELSE (SELECT end_day FROM engagements WHERE id = ?1) END,"
        " percent = ?7, tentative = ?8 WHERE engagement = ?1 AND user = ?2",
    [ES_SQL_FILE_INSERT] = "INSERT INTO files(engagement, name, media_type, size, uploaded_by,"
                       " uploaded_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ES_SQLITE_FILE_DATA_INSERT] = "INSERT INTO file_data(file, data) VALUES(?1, zeroblob(?2))",
    [ES_SQL_FILE_GET] = "SELECT " ES_SQL_FILE_COLUMNS " FROM files WHERE id = ?1",
    [ES_SQLITE_FILE_EXISTS] = "SELECT 1 FROM files WHERE id = ?1",
    [ES_SQLITE_FILE_DATA_DELETE] = "DELETE FROM file_data WHERE file = ?1",
    [ES_SQLITE_FILE_DELETE] = "DELETE FROM files WHERE id = ?1",
    [ES_SQL_FILE_LIST] =
        "SELECT " ES_SQL_FILE_COLUMNS " FROM files WHERE engagement = ?1 ORDER BY id",
    [ES_SQL_EVENT_APPEND] = "INSERT INTO events(time, actor, engagement, action, status_before,"
                        " status_after, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ES_SQL_EVENT_LIST_ALL] = "SELECT " ES_SQL_EVENT_COLUMNS " FROM events WHERE seq > ?1"
                          " ORDER BY seq LIMIT ?2",
    [ES_SQL_EVENT_LIST_ONE] = "SELECT " ES_SQL_EVENT_COLUMNS " FROM events"
                          " WHERE engagement = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    [ES_SQL_EVENT_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    /* ?1 permissions, ?2 scope user (0: none), ?3 after name (NULL: from
     * the start), ?4 after id, ?5 limit, ?6 the all-clients flag bit. */
    [ES_SQL_USERS_WITH_PERMISSIONS] =
        ES_SQL_USER_SELECT "WHERE (r.permissions & ?1) = ?1"
        " AND (?2 = 0 OR (u.flags & ?6) != 0"
        " OR (SELECT s.flags & ?6 FROM users AS s WHERE s.id = ?2) != 0"
        " OR EXISTS (SELECT 1 FROM client_access AS mine"
        " JOIN client_access AS theirs ON theirs.client = mine.client"
        " WHERE mine.user = ?2 AND theirs.user = u.id))"
        " AND (?3 IS NULL OR (u.display_name, u.id) > (?3, ?4))"
        " ORDER BY u.display_name, u.id LIMIT ?5",
    /* assignments_dates (migration 2) finds the range; the lower bound
     * on start_day keeps the seek to the engagements near it. Only the
     * fields storage.h asks of work rows are read: no report lookup. */
    [ES_SQL_OPERATOR_WORK] =
        "SELECT e.id, e.client, 0, e.name, '', '', '', '', '{}', '', e.start_day, e.end_day,"
        " e.status, e.version, e.created_at, e.updated_at, 0, 0, '', '', 0, 0" OPERATOR_WORK_FROM,
    /* The same rows, each with its assignment after the engagement's
     * columns. A window lies inside its engagement's dates, so the bound on
     * start_day holds for windows too. */
    [ES_SQL_OPERATOR_ALLOCATIONS] =
        "SELECT e.id, e.client, 0, e.name, '', '', '', '', '{}', '', e.start_day, e.end_day,"
        " e.status, e.version, e.created_at, e.updated_at, 0, 0, '', '', 0, 0, "
        ES_SQL_ASSIGNMENT_COLUMNS_OF("user") OPERATOR_WORK_FROM,
    /* Every engagement of the range with each of its assignments, through
     * engagements_start in (start_day, id) order, which holds every column
     * of the unnamed variant: the bound on start_day by the longest
     * engagement keeps the walk to the range. */
    [ES_SQL_RANGE_STAFFING] = "SELECT e.id, e.client, '', " RANGE_STAFFING_REST,
    [ES_SQL_RANGE_STAFFING_NAMED] = "SELECT e.id, e.client, e.name, " RANGE_STAFFING_REST,
    [ES_SQL_UNAVAILABILITY_INSERT] = "INSERT INTO unavailability(user, start_day, end_day, reason,"
                                 " created_by, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ES_SQL_UNAVAILABILITY_GET] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                              " WHERE id = ?1",
    [ES_SQL_UNAVAILABILITY_DELETE] = "DELETE FROM unavailability WHERE id = ?1",
    [ES_SQL_UNAVAILABILITY_LIST] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                               " WHERE user = ?1 AND start_day <= ?3 AND end_day >= ?2"
                               " ORDER BY start_day, id",
    [ES_SQL_RANGE_UNAVAILABILITY] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                                    " WHERE start_day <= ?2 AND end_day >= ?1",
    [ES_SQL_INVITATION_GET] = "SELECT " INVITATION_COLUMNS " FROM invitations"
                          " WHERE engagement = ?1 AND user = ?2",
    [ES_SQL_INVITATION_FIND] = "SELECT " INVITATION_COLUMNS " FROM invitations"
                           " WHERE uid = ?1 AND uid <> ''",
    [ES_SQL_INVITATION_PUT] = "INSERT INTO invitations(engagement, user, sequence, canceled,"
                          " updated_at, uid, organizer_email, organizer_name, response,"
                          " responded_at, response_sequence)"
                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                          " ON CONFLICT(engagement, user) DO UPDATE SET"
                          " sequence = excluded.sequence, canceled = excluded.canceled,"
                          " updated_at = excluded.updated_at, uid = excluded.uid,"
                          " organizer_email = excluded.organizer_email,"
                          " organizer_name = excluded.organizer_name,"
                          " response = excluded.response, responded_at = excluded.responded_at,"
                          " response_sequence = excluded.response_sequence",
    [ES_SQL_FEED_TOKEN_PUT] = "INSERT INTO feed_tokens(user, token_id, secret_hash, issued_by,"
                          " created_at) VALUES(?1, ?2, ?3, ?4, ?5)"
                          " ON CONFLICT(user) DO UPDATE SET token_id = excluded.token_id,"
                          " secret_hash = excluded.secret_hash, issued_by = excluded.issued_by,"
                          " created_at = excluded.created_at",
    [ES_SQL_FEED_TOKEN_GET] = "SELECT " FEED_TOKEN_COLUMNS " FROM feed_tokens WHERE user = ?1",
    [ES_SQL_FEED_TOKEN_FIND] = "SELECT " FEED_TOKEN_COLUMNS " FROM feed_tokens"
                           " WHERE token_id = ?1",
    [ES_SQL_FEED_TOKEN_DELETE] = "DELETE FROM feed_tokens WHERE user = ?1",
    [ES_SQL_CLIENT_LIST] = "SELECT id, host_key, name FROM clients WHERE id > ?1"
                       " ORDER BY id LIMIT ?2",
    [ES_SQL_USER_LIST] = ES_SQL_USER_SELECT "WHERE u.id > ?1 ORDER BY u.id LIMIT ?2",
    [ES_SQL_ROLE_LIST] = "SELECT id, name, permissions FROM roles ORDER BY id",
    [ES_SQL_ACCESS_LIST] = "SELECT c.id, c.host_key, c.name FROM client_access AS ca"
                       " JOIN clients AS c ON c.id = ca.client WHERE ca.user = ?1"
                       " ORDER BY c.id",
    /* What the SQL core weighs for a scope (sql/queries.c): the user's clients, and the largest
     * client and engagement ids (the counts, near enough, in a few pages:
     * count(*) would read every page of clients, and the cache pages it
     * takes are those the page of rows that follows needs). */
    [ES_SQL_SCOPE_SIZE] = "SELECT (SELECT count(*) FROM client_access WHERE user = ?1),"
                      " (SELECT coalesce(max(id), 0) FROM clients),"
                      " (SELECT coalesce(max(id), 0) FROM engagements)",
    [ES_SQL_OUTBOX_PUT] = "INSERT INTO outbox(kind, state, engagement, user, event_seq, sequence,"
                      " recipient, payload, attempts, next_attempt_at, claimed_until, claim,"
                      " created_at, updated_at, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                      " ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [ES_SQL_OUTBOX_GET] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1",
    [ES_SQL_OUTBOX_UPDATE] = "UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4,"
                         " claimed_until = ?5, claim = ?6, updated_at = ?7, reason = ?8,"
                         " recipient = ?9, payload = ?10, sequence = ?11 WHERE id = ?1",
    /* state = ?1 and the id range: a seek of outbox_state, in id order. */
    [ES_SQL_OUTBOX_LIST_ONE] =
        "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = ?1" OUTBOX_FILTERS,
    /* A mask: the ids in order, each row tested (admin listings). */
    [ES_SQL_OUTBOX_LIST_ANY] =
        "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE (state & ?1) != 0" OUTBOX_FILTERS,
    /* The mask's four bits, one each (0 for an absent bit: no state is 0),
     * so that the count is a few seeks of outbox_state and no row read. */
    [ES_SQL_OUTBOX_COUNT] = "SELECT count(*) FROM outbox WHERE state IN (?1, ?2, ?3, ?4)",
    [ES_SQL_OUTBOX_PURGE] = "DELETE FROM outbox WHERE state = ?1 AND updated_at < ?2",
    [ES_SQL_USER_SKILLS_CLEAR] = "DELETE FROM user_skills WHERE user_id = ?1",
    [ES_SQL_USER_SKILL_ADD] = "INSERT INTO user_skills(user_id, tag) VALUES(?1, ?2)",
    [ES_SQL_USER_SKILLS_LIST] = "SELECT tag FROM user_skills WHERE user_id = ?1 ORDER BY tag",
    [ES_SQL_ENGAGEMENT_SKILLS_CLEAR] = "DELETE FROM engagement_skills WHERE engagement_id = ?1",
    [ES_SQL_ENGAGEMENT_SKILL_ADD] = "INSERT INTO engagement_skills(engagement_id, tag)"
                                " VALUES(?1, ?2)",
    [ES_SQL_ENGAGEMENT_SKILLS_LIST] = "SELECT tag FROM engagement_skills"
                                  " WHERE engagement_id = ?1 ORDER BY tag",
};

/* Overlap, plus a lower bound on start_day that overlap implies: no
 * engagement lasts longer than the longest one (engagements_span), so
 * none that started before ?5 minus that span reaches ?5. Without it the
 * range is open below and SQLite reads every engagement that started
 * before ?6. When the page resumes by start date, ascending, the resume
 * key is a lower bound too: the two are given as one, or SQLite may seek
 * to the span bound and step over every row before the key, in each
 * chunk of a Calendar. */
#define RANGE_HEAD " AND e.start_day <= ?6 AND e.end_day >= ?5 AND e.start_day >= "
#define SPAN_BOUND "?5 - (SELECT max(end_day - start_day) FROM engagements)"
#define SCOPE_TAIL " (SELECT ca.client FROM client_access AS ca WHERE ca.user = ?4)"

const es_sql_dialect es_sqlite_dialect = {
    .stmts = es_sqlite_stmt_sql,
    .q_select = ES_SQL_ENGAGEMENT_SELECT,
    .q_statuses = "WHERE ((?1 >> e.status) & 1) = 1",
    .q_one_status = "WHERE e.status = ?12",
    .q_client = " AND e.client = ?2",
    .q_operator = " AND EXISTS (SELECT 1 FROM assignments AS a"
                  " WHERE a.engagement = e.id AND a.user = ?3)",
    .q_scope = " AND e.client IN" SCOPE_TAIL,
    .q_scope_wide = " AND +e.client IN" SCOPE_TAIL,
    .q_range = RANGE_HEAD SPAN_BOUND,
    .q_range_resume = RANGE_HEAD "max(?8, ?5 - (SELECT max(end_day - start_day)"
                      " FROM engagements))",
    /* lower() folds ASCII only (no ICU), as the interface asks. */
    .q_text = " AND instr(lower(e.name), lower(?7)) > 0",
    .q_after_int = "?8",
    .q_after_text = "?9",
    .q_after_id = ", ?10)",
    .q_limit = " LIMIT ?11",
};

/* --- query plans (white-box tests) -------------------------------------- */

/* The statements the views, the per-engagement lists and delivery (the
 * outbox) run, apart from the engagement_query() variants, which are
 * composed below. */
static const int explained_stmts[] = {
    ES_SQL_USERS_WITH_PERMISSIONS, ES_SQL_OPERATOR_WORK,   ES_SQL_UNAVAILABILITY_LIST,
    ES_SQL_ENGAGEMENTS_DUE,        ES_SQL_ASSIGNMENT_LIST, ES_SQL_FILE_LIST,
    ES_SQL_OPERATOR_ALLOCATIONS,   ES_SQL_RANGE_STAFFING,  ES_SQL_RANGE_STAFFING_NAMED, ES_SQL_RANGE_UNAVAILABILITY,
    ES_SQL_ENGAGEMENT_GET,         ES_SQL_EVENT_LIST_ONE,  ES_SQL_OUTBOX_LIST_ONE,
    ES_SQL_OUTBOX_LIST_ANY,        ES_SQL_OUTBOX_COUNT,    ES_SQL_OUTBOX_PURGE,
};

#define EXPLAIN_PREFIX "EXPLAIN QUERY PLAN "

/* Run EXPLAIN QUERY PLAN on one statement and pass each plan line on. */
static engsched_rc explain_one(es_sqlite *b, const char *sql, es_sqlite_plan_fn cb, void *ctx)
{
    char text[sizeof EXPLAIN_PREFIX + ES_SQL_QUERY_MAX];
    size_t len = strlen(sql);
    if (len + sizeof EXPLAIN_PREFIX > sizeof text) {
        es_sql_error(&b->sql, "a statement exceeds %d bytes", ES_SQL_QUERY_MAX);
        return ENGSCHED_ESTORAGE;
    }
    memcpy(text, EXPLAIN_PREFIX, sizeof EXPLAIN_PREFIX - 1);
    memcpy(text + sizeof EXPLAIN_PREFIX - 1, sql, len + 1);
    int row = 0;
    es_sql_cur c = es_sql_cur_on(&b->sql, -1, "explaining a statement");
    c.sql = text;
    engsched_rc rc = b->sql.drv->run(&c);
    while (rc == ENGSCHED_OK && (rc = b->sql.drv->next(&c, &row)) == ENGSCHED_OK && row)
        cb(ctx, sql, es_sql_col_text(&c, 3));
    es_sql_close(&c);
    return rc;
}

static engsched_rc explain_variants(es_sqlite *b, es_sqlite_plan_fn cb, void *ctx)
{
    const es_sql_dialect *d = &es_sqlite_dialect;
    char sql[ES_SQL_QUERY_MAX];
    engsched_rc rc = ENGSCHED_OK;
    for (int v = 0; rc == ENGSCHED_OK && v < ES_SQL_QUERY_SORTS * 2; v++) {
        for (unsigned int f = 0; rc == ENGSCHED_OK && f < (1u << ES_QF_COUNT); f++) {
            if (!es_sql_query_shape_valid(d, v / 2, f))
                continue;
            if (!es_sql_query_compose(d, sql, sizeof sql, v / 2, v % 2, f)) {
                es_sql_error(&b->sql, "a query variant exceeds %d bytes", ES_SQL_QUERY_MAX);
                return ENGSCHED_ESTORAGE;
            }
            rc = explain_one(b, sql, cb, ctx);
        }
    }
    return rc;
}

engsched_rc es_sqlite_explain_views(engsched_storage *s, es_sqlite_plan_fn cb, void *ctx)
{
    es_sqlite *b = es_sqlite_of(s);
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    for (size_t i = 0; rc == ENGSCHED_OK && i < sizeof explained_stmts / sizeof explained_stmts[0];
         i++)
        rc = explain_one(b, es_sqlite_stmt_sql[explained_stmts[i]], cb, ctx);
    return rc != ENGSCHED_OK ? rc : explain_variants(b, cb, ctx);
}
