/* The PostgreSQL dialect: the text of every statement the backend runs
 * and the fragments of the engagement_query() variants. Every statement
 * is a constant of this file, prepared once per connection (driver.c);
 * input only ever travels as a parameter. */
#include "storage/pg/storage_pg.h"

/* The ES_SQL_ENGAGEMENT_COLUMNS parameters in the SQL core's order, from $1
 * on (insert) and from $2 on (update, where $1 is the id). */
#define ENGAGEMENT_PARAMS_1                                                                 \
    "$1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,"  \
    " $9::text, $10::integer, $11::integer, $12::integer, $13::bigint, $14::bigint,"       \
    " $15::bigint, $16::text, $17::bigint, $18::integer"
#define ENGAGEMENT_PARAMS_2                                                                 \
    "$2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,"  \
    " $10::text, $11::integer, $12::integer, $13::integer, $14::bigint, $15::bigint,"      \
    " $16::bigint, $17::text, $18::bigint, $19::integer"

#define UNAVAILABILITY_COLUMNS                                                              \
    "id, user_id, start_day, end_day, reason, created_by, created_at"

/* The outbox columns sql/outbox.c reads, in its order. */
#define INVITATION_COLUMNS                                                                  \
    "engagement, user_id, sequence, canceled::integer, updated_at, uid, organizer_email,"    \
    " organizer_name, response, responded_at, response_sequence"
#define FEED_TOKEN_COLUMNS "user_id, token_id, secret_hash, coalesce(issued_by, 0), created_at"
#define OUTBOX_COLUMNS                                                                      \
    "id, kind, state, engagement, user_id, event_seq, sequence, recipient, payload,"        \
    " attempts, next_attempt_at, claimed_until, claim, created_at, updated_at, reason"

/* outbox_list()'s filters but the state, numbered as in the SQLite
 * dialect (which says why they are written so). The server plans a
 * prepared statement for its values while that is cheaper than one plan
 * for any values: the scan of the few pending items then seeks
 * outbox_state (state = $1 AND id > $3), which a plan blind to $1 would
 * not choose over walking the ids. */
#define OUTBOX_FILTERS                                                                      \
    " AND id > $3::bigint AND ($4::bigint = 0 OR id <= $4::bigint)"                         \
    " AND ($2::bigint = 0 OR (($2::bigint >> kind) & 1) = 1)"                               \
    " AND ($5::bigint = 0 OR (next_attempt_at <= $5::bigint"                                \
    " AND claimed_until <= $5::bigint))"                                                    \
    " AND ($6::bigint = 0 OR engagement = $6::bigint) ORDER BY id LIMIT $7::bigint"

/* An operator's work in a range, through assignments_dates. */
#define OPERATOR_WORK_FROM                                                                  \
    "JOIN assignments AS a ON a.engagement = e.id"                                         \
    " WHERE a.user_id = $1::bigint AND a.start_day <= $4::integer"                         \
    " AND a.end_day >= $3::integer AND (($2::bigint >> e.status) & 1) = 1"                 \
    " ORDER BY a.start_day, e.id"

#define RANGE_STAFFING_REST                                                                 \
    "e.start_day, e.end_day, e.status, " ES_SQL_ASSIGNMENT_COLUMNS_OF("user_id")            \
    " FROM engagements AS e LEFT JOIN assignments AS a ON a.engagement = e.id"              \
    " WHERE e.start_day <= $3::integer AND e.end_day >= $2::integer"                        \
    " AND (($1::bigint >> e.status) & 1) = 1 ORDER BY e.start_day, e.id"

const char *const es_pg_stmt_sql[ES_PG_STMT_COUNT] = {
    /* Run as constant text, never prepared (driver.c): in a transaction
     * an error aborted, only these still run. */
    [ES_SQL_SAVEPOINT] = "SAVEPOINT es_op",
    [ES_SQL_RELEASE] = "RELEASE SAVEPOINT es_op",
    [ES_SQL_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT es_op",
    [ES_PG_LOCK] = "SELECT pg_advisory_xact_lock($1::integer, $2::integer)",
    [ES_PG_SET_LOCK_TIMEOUT] = "SELECT set_config('lock_timeout', $1::text, false)",
    [ES_PG_SCHEMA_VERSION] = "SELECT value FROM engsched_meta WHERE key = 'schema_version'",
    [ES_PG_SETTING_GET] = "SELECT value FROM settings WHERE key = $1::text",
    [ES_SQL_SETTING_SET] = "INSERT INTO settings(key, value) VALUES($1::text, $2::text)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [ES_SQL_CLIENT_FIND] = "SELECT id FROM clients WHERE host_key = $1::text",
    [ES_SQL_CLIENT_INSERT] = "INSERT INTO clients(host_key, name) VALUES($1::text, $2::text)"
                         " RETURNING id",
    [ES_SQL_CLIENT_UPDATE] = "UPDATE clients SET name = $2::text WHERE id = $1::bigint",
    [ES_SQL_CLIENT_GET] = "SELECT id, host_key, name FROM clients WHERE id = $1::bigint",
    [ES_SQL_USER_FIND] = "SELECT id FROM users WHERE host_key = $1::text",
    [ES_SQL_USER_INSERT] = "INSERT INTO users(host_key, email, display_name, role, flags)"
                       " VALUES($1::text, $2::text, $3::text, $4::bigint, $5::bigint)"
                       " RETURNING id",
    [ES_SQL_USER_UPDATE] = "UPDATE users SET email = $2::text, display_name = $3::text,"
                       " role = $4::bigint, flags = $5::bigint WHERE id = $1::bigint",
    [ES_SQL_USER_GET] = ES_SQL_USER_SELECT "WHERE u.id = $1::bigint",
    /* No id: max + 1, safe under the write lock. A taken name or id
     * inserts nothing and returns no row (EEXISTS) without aborting the
     * transaction, as a failed statement would. */
    [ES_SQL_ROLE_INSERT] = "INSERT INTO roles(id, name, permissions)"
                       " VALUES(coalesce($1::bigint,"
                       " (SELECT coalesce(max(id), 0) + 1 FROM roles)), $2::text, $3::bigint)"
                       " ON CONFLICT DO NOTHING RETURNING id",
    [ES_SQL_ROLE_UPDATE] = "UPDATE roles SET permissions = $2::bigint WHERE id = $1::bigint",
    [ES_SQL_ROLE_GET] = "SELECT id, name, permissions FROM roles WHERE id = $1::bigint",
    [ES_SQL_ROLE_FIND] = "SELECT id FROM roles WHERE name = $1::text",
    [ES_SQL_ACCESS_GRANT] = "INSERT INTO client_access(user_id, client)"
                        " VALUES($1::bigint, $2::bigint) ON CONFLICT DO NOTHING",
    [ES_SQL_ACCESS_REVOKE] = "DELETE FROM client_access"
                         " WHERE user_id = $1::bigint AND client = $2::bigint",
    [ES_SQL_ACCESS_CHECK] = "SELECT 1 FROM client_access"
                        " WHERE user_id = $1::bigint AND client = $2::bigint",
    [ES_SQL_ENGAGEMENT_INSERT] = "INSERT INTO engagements(" ES_SQL_ENGAGEMENT_COLUMNS ")"
                             " VALUES(" ENGAGEMENT_PARAMS_1 ") RETURNING id",
    [ES_SQL_ENGAGEMENT_UPDATE] = "UPDATE engagements SET (" ES_SQL_ENGAGEMENT_COLUMNS ")"
                             " = (" ENGAGEMENT_PARAMS_2 ") WHERE id = $1::bigint",
    [ES_SQL_ENGAGEMENT_GET] = ES_SQL_ENGAGEMENT_SELECT "WHERE e.id = $1::bigint",
    [ES_SQL_ENGAGEMENTS_DUE] = ES_SQL_ENGAGEMENT_SELECT
    "WHERE e.status = $1::integer AND e.start_day <= $2::integer AND e.id > $3::bigint"
    " ORDER BY e.id LIMIT $4::bigint",
    /* engagements_recurring is partial (recurring rows only): a tick with
     * nothing due reads one index entry. */
    [ES_SQL_RECURRING_DUE] = ES_SQL_ENGAGEMENT_SELECT
    "WHERE e.recurrence <> '' AND e.recurrence_next_day <= $1::integer"
    " AND (($2::bigint >> e.status) & 1) = 1 AND e.id > $3::bigint"
    " ORDER BY e.id LIMIT $4::bigint",
    /* The rows of ES_SQL_ENGAGEMENTS_DUE, moved in one statement; the
     * order of RETURNING rows is not defined (the core sorts them). */
    /* The same JSON array as SQLite's, the core binding one text for both. */
    [ES_SQL_OUTBOX_MARK] = "UPDATE outbox SET state = $2::bigint, reason = '',"
                           " updated_at = $3::bigint"
                           " WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)"
                           "::bigint)) AND state = $4::bigint AND claim = $5::bigint",
    [ES_SQL_ENGAGEMENTS_START_DUE] =
        "UPDATE engagements AS e SET status = $5::integer, version = e.version + 1,"
        " updated_at = $6::bigint"
        " WHERE e.id IN (SELECT d.id FROM engagements AS d WHERE d.status = $1::integer"
        " AND d.start_day <= $2::integer AND d.id > $3::bigint ORDER BY d.id LIMIT $4::bigint)"
        " RETURNING e.id, e.start_day, e.status, e.version, e.updated_at,"
        " (SELECT r.id FROM reports AS r WHERE r.engagement = e.id),"
        " (SELECT r.status FROM reports AS r WHERE r.engagement = e.id)",
    [ES_SQL_REPORT_INSERT] = "INSERT INTO reports(engagement, title, status)"
                         " VALUES($1::bigint, $2::text, $3::integer) RETURNING id",
    [ES_SQL_REPORT_UPDATE] = "UPDATE reports SET title = $3::text, status = $4::integer"
                         " WHERE id = $1::bigint AND engagement = $2::bigint",
    [ES_SQL_REPORT_ENGAGEMENT] = "SELECT engagement FROM reports WHERE id = $1::bigint",
    [ES_SQL_ASSIGNMENT_INSERT] = "INSERT INTO assignments(engagement, user_id, role, assigned_by,"
                             " assigned_at, windowed, start_day, end_day, percent, tentative)"
                             " VALUES($1::bigint, $2::bigint, $3::integer,"
                             " $4::bigint, $5::bigint, $6::integer, $7::integer, $8::integer,"
                             " $9::integer, $10::integer)"
                             " ON CONFLICT(engagement, user_id) DO NOTHING RETURNING ord",
    [ES_SQL_ASSIGNMENT_DELETE] = "DELETE FROM assignments"
                             " WHERE engagement = $1::bigint AND user_id = $2::bigint",
    [ES_SQL_ASSIGNMENT_LIST] = "SELECT " ES_SQL_ASSIGNMENT_COLUMNS_OF("user_id")
                           " FROM assignments AS a WHERE engagement = $1::bigint ORDER BY ord",
    /* Not windowed: the engagement's dates again (as the insert trigger). */
    [ES_SQL_ASSIGNMENT_UPDATE] =
        "UPDATE assignments SET role = $3::integer, windowed = $4::integer,"
        " start_day = CASE WHEN $4::integer <> 0 THEN $5::integer"
        " ELSE (SELECT start_day FROM engagements WHERE id = $1::bigint) END,"
        " end_day = CASE WHEN $4::integer <> 0 THEN $6::integer"
        " ELSE (SELECT end_day FROM engagements WHERE id = $1::bigint) END,"
        " percent = $7::integer, tentative = $8::integer"
        " WHERE engagement = $1::bigint AND user_id = $2::bigint",
    [ES_SQL_FILE_INSERT] = "INSERT INTO files(engagement, name, media_type, size, uploaded_by,"
                       " uploaded_at) VALUES($1::bigint, $2::text, $3::text, $4::bigint,"
                       " $5::bigint, $6::bigint) RETURNING id",
    /* $2 travels in binary format: the bytes as they are. */
    [ES_PG_FILE_DATA_INSERT] = "INSERT INTO file_data(file, data) VALUES($1::bigint, $2::bytea)",
    [ES_SQL_FILE_GET] = "SELECT " ES_SQL_FILE_COLUMNS " FROM files WHERE id = $1::bigint",
    /* One piece of a file, read with a binary result: substring() of an
     * uncompressed (STORAGE EXTERNAL) value fetches only the TOAST chunks
     * of that piece. $2 is 1-based. */
    [ES_PG_FILE_READ] = "SELECT substring(data FROM $2::integer FOR $3::integer)"
                     " FROM file_data WHERE file = $1::bigint",
    /* file_data goes with it (ON DELETE CASCADE). */
    [ES_PG_FILE_DELETE] = "DELETE FROM files WHERE id = $1::bigint",
    [ES_SQL_FILE_LIST] = "SELECT " ES_SQL_FILE_COLUMNS " FROM files WHERE engagement = $1::bigint"
                     " ORDER BY id",
    [ES_SQL_EVENT_APPEND] = "INSERT INTO events(seq, time, actor, engagement, action,"
                        " status_before, status_after, details)"
                        " VALUES((SELECT coalesce(max(seq), 0) + 1 FROM events), $1::bigint,"
                        " $2::bigint, $3::bigint, $4::text, $5::integer, $6::integer, $7::text)"
                        " RETURNING seq",
    [ES_SQL_EVENT_LIST_ALL] = "SELECT " ES_SQL_EVENT_COLUMNS " FROM events WHERE seq > $1::bigint"
                          " ORDER BY seq LIMIT $2::bigint",
    [ES_SQL_EVENT_LIST_ONE] = "SELECT " ES_SQL_EVENT_COLUMNS " FROM events"
                          " WHERE engagement = $1::bigint AND seq > $2::bigint"
                          " ORDER BY seq LIMIT $3::bigint",
    [ES_SQL_EVENT_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    /* $1 permissions, $2 scope user (0: none), $3 after name (NULL: from
     * the start), $4 after id, $5 limit, $6 the all-clients flag bit. */
    [ES_SQL_USERS_WITH_PERMISSIONS] =
        ES_SQL_USER_SELECT "WHERE (r.permissions & $1::bigint) = $1::bigint"
        " AND ($2::bigint = 0 OR (u.flags & $6::bigint) <> 0"
        " OR (SELECT s.flags & $6::bigint FROM users AS s WHERE s.id = $2::bigint) <> 0"
        " OR EXISTS (SELECT 1 FROM client_access AS mine"
        " JOIN client_access AS theirs ON theirs.client = mine.client"
        " WHERE mine.user_id = $2::bigint AND theirs.user_id = u.id))"
        " AND ($3::text IS NULL OR (u.display_name, u.id) > ($3::text, $4::bigint))"
        " ORDER BY u.display_name, u.id LIMIT $5::bigint",
    [ES_SQL_OPERATOR_WORK] = ES_SQL_ENGAGEMENT_SELECT OPERATOR_WORK_FROM,
    /* The same rows, each with its assignment after the engagement's columns. */
    [ES_SQL_OPERATOR_ALLOCATIONS] =
        "SELECT e.id, e.client, e.requested_by, e.name, e.description, e.type, e.location,"
        " e.contacts, e.custom_fields, e.cancel_reason, e.start_day, e.end_day, e.status,"
        " e.version, e.created_at, e.updated_at, r.id, r.status, r.title, e.recurrence,"
        " e.origin, e.recurrence_next_day, " ES_SQL_ASSIGNMENT_COLUMNS_OF("user_id")
        " FROM engagements AS e LEFT JOIN reports AS r ON r.engagement = e.id "
        OPERATOR_WORK_FROM,
    /* Every engagement of the range with each of its assignments; the
     * unnamed variant's engagement columns are all in engagements_start. */
    [ES_SQL_RANGE_STAFFING] = "SELECT e.id, e.client, '', " RANGE_STAFFING_REST,
    [ES_SQL_RANGE_STAFFING_NAMED] = "SELECT e.id, e.client, e.name, " RANGE_STAFFING_REST,
    [ES_SQL_UNAVAILABILITY_INSERT] = "INSERT INTO unavailability(user_id, start_day, end_day,"
                                 " reason, created_by, created_at) VALUES($1::bigint,"
                                 " $2::integer, $3::integer, $4::text, $5::bigint, $6::bigint)"
                                 " RETURNING id",
    [ES_SQL_UNAVAILABILITY_GET] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                              " WHERE id = $1::bigint",
    [ES_SQL_UNAVAILABILITY_DELETE] = "DELETE FROM unavailability WHERE id = $1::bigint",
    [ES_SQL_UNAVAILABILITY_LIST] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                               " WHERE user_id = $1::bigint AND start_day <= $3::integer"
                               " AND end_day >= $2::integer ORDER BY start_day, id",
    [ES_SQL_RANGE_UNAVAILABILITY] = "SELECT " UNAVAILABILITY_COLUMNS " FROM unavailability"
                                    " WHERE start_day <= $2::integer AND end_day >= $1::integer",
    [ES_SQL_INVITATION_GET] = "SELECT " INVITATION_COLUMNS " FROM invitations"
                          " WHERE engagement = $1::bigint AND user_id = $2::bigint",
    [ES_SQL_INVITATION_FIND] = "SELECT " INVITATION_COLUMNS " FROM invitations"
                           " WHERE uid = $1::text AND uid <> ''",
    [ES_SQL_INVITATION_PUT] = "INSERT INTO invitations(engagement, user_id, sequence, canceled,"
                          " updated_at, uid, organizer_email, organizer_name, response,"
                          " responded_at, response_sequence)"
                          " VALUES($1::bigint, $2::bigint, $3::bigint, $4::boolean, $5::bigint,"
                          " $6::text, $7::text, $8::text, $9::integer, $10::bigint, $11::bigint)"
                          " ON CONFLICT(engagement, user_id) DO UPDATE SET"
                          " sequence = excluded.sequence, canceled = excluded.canceled,"
                          " updated_at = excluded.updated_at, uid = excluded.uid,"
                          " organizer_email = excluded.organizer_email,"
                          " organizer_name = excluded.organizer_name,"
                          " response = excluded.response, responded_at = excluded.responded_at,"
                          " response_sequence = excluded.response_sequence",
    [ES_SQL_FEED_TOKEN_PUT] = "INSERT INTO feed_tokens(user_id, token_id, secret_hash, issued_by,"
                          " created_at) VALUES($1::bigint, $2::text, $3::text, $4::bigint,"
                          " $5::bigint)"
                          " ON CONFLICT(user_id) DO UPDATE SET token_id = excluded.token_id,"
                          " secret_hash = excluded.secret_hash, issued_by = excluded.issued_by,"
                          " created_at = excluded.created_at",
    [ES_SQL_FEED_TOKEN_GET] = "SELECT " FEED_TOKEN_COLUMNS " FROM feed_tokens"
                          " WHERE user_id = $1::bigint",
    [ES_SQL_FEED_TOKEN_FIND] = "SELECT " FEED_TOKEN_COLUMNS " FROM feed_tokens"
                           " WHERE token_id = $1::text",
    [ES_SQL_FEED_TOKEN_DELETE] = "DELETE FROM feed_tokens WHERE user_id = $1::bigint",
    [ES_SQL_CLIENT_LIST] = "SELECT id, host_key, name FROM clients WHERE id > $1::bigint"
                       " ORDER BY id LIMIT $2::bigint",
    [ES_SQL_USER_LIST] =
        ES_SQL_USER_SELECT "WHERE u.id > $1::bigint ORDER BY u.id LIMIT $2::bigint",
    [ES_SQL_ROLE_LIST] = "SELECT id, name, permissions FROM roles ORDER BY id",
    [ES_SQL_ACCESS_LIST] = "SELECT c.id, c.host_key, c.name FROM client_access AS ca"
                       " JOIN clients AS c ON c.id = ca.client WHERE ca.user_id = $1::bigint"
                       " ORDER BY c.id",
    /* The payload ($8 here, $10 in the update) arrives in binary format,
     * with its length (driver.c). */
    [ES_SQL_OUTBOX_PUT] = "INSERT INTO outbox(kind, state, engagement, user_id, event_seq,"
                      " sequence, recipient, payload, attempts, next_attempt_at, claimed_until,"
                      " claim, created_at, updated_at, reason) VALUES($1::integer, $2::bigint,"
                      " $3::bigint, $4::bigint, $5::bigint, $6::bigint, $7::text, $8::text,"
                      " $9::bigint, $10::bigint, $11::bigint, $12::bigint, $13::bigint,"
                      " $14::bigint, $15::text) RETURNING id",
    [ES_SQL_OUTBOX_GET] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1::bigint",
    [ES_SQL_OUTBOX_UPDATE] = "UPDATE outbox SET state = $2::bigint, attempts = $3::bigint,"
                         " next_attempt_at = $4::bigint, claimed_until = $5::bigint,"
                         " claim = $6::bigint, updated_at = $7::bigint, reason = $8::text,"
                         " recipient = $9::text, payload = $10::text, sequence = $11::bigint"
                         " WHERE id = $1::bigint",
    [ES_SQL_OUTBOX_LIST_ONE] = "SELECT " OUTBOX_COLUMNS " FROM outbox"
                           " WHERE state = $1::bigint" OUTBOX_FILTERS,
    [ES_SQL_OUTBOX_LIST_ANY] = "SELECT " OUTBOX_COLUMNS " FROM outbox"
                           " WHERE (state & $1::bigint) <> 0" OUTBOX_FILTERS,
    [ES_SQL_OUTBOX_COUNT] = "SELECT count(*) FROM outbox"
                        " WHERE state IN ($1::bigint, $2::bigint, $3::bigint, $4::bigint)",
    [ES_SQL_OUTBOX_PURGE] = "DELETE FROM outbox WHERE state = $1::bigint"
                        " AND updated_at < $2::bigint",
    [ES_SQL_USER_SKILLS_CLEAR] = "DELETE FROM user_skills WHERE user_id = $1::bigint",
    [ES_SQL_USER_SKILL_ADD] = "INSERT INTO user_skills(user_id, tag) VALUES($1::bigint, $2)",
    [ES_SQL_USER_SKILLS_LIST] = "SELECT tag FROM user_skills WHERE user_id = $1::bigint"
                            " ORDER BY tag",
    [ES_SQL_ENGAGEMENT_SKILLS_CLEAR] = "DELETE FROM engagement_skills"
                                   " WHERE engagement_id = $1::bigint",
    [ES_SQL_ENGAGEMENT_SKILL_ADD] = "INSERT INTO engagement_skills(engagement_id, tag)"
                                " VALUES($1::bigint, $2)",
    [ES_SQL_ENGAGEMENT_SKILLS_LIST] = "SELECT tag FROM engagement_skills"
                                  " WHERE engagement_id = $1::bigint ORDER BY tag",
};

const es_sql_dialect es_pg_dialect = {
    .stmts = es_pg_stmt_sql,
    .q_select = ES_SQL_ENGAGEMENT_SELECT,
    .q_statuses = "WHERE (($1 >> e.status) & 1) = 1",
    .q_client = " AND e.client = $2",
    .q_operator = " AND EXISTS (SELECT 1 FROM assignments AS a WHERE a.engagement = e.id"
                  " AND a.user_id = $3)",
    .q_scope = " AND e.client IN (SELECT ca.client FROM client_access AS ca"
               " WHERE ca.user_id = $4)",
    .q_range = " AND e.start_day <= $6 AND e.end_day >= $5",
    /* Under COLLATE "C", lower() folds ASCII only, as the interface asks. */
    .q_text = " AND strpos(lower(e.name), lower($7 COLLATE \"C\")) > 0",
    .q_after_int = "$8",
    .q_after_text = "$9",
    .q_after_id = ", $10)",
    .q_limit = " LIMIT $11",
};

int es_pg_query_sql(char *buf, size_t size, int sort, int desc, unsigned int filters)
{
    return es_sql_query_compose(&es_pg_dialect, buf, size, sort, desc, filters);
}
