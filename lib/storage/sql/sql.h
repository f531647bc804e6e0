/* storage/: backends and their shared SQL core; includes util/ and include/engsched/ only,
 * never core/ or above.
 *
 * The shared core of the two SQL backends (SQLite in sqlite/, PostgreSQL in
 * pg/), in the way curl's lib/vtls/ keeps one interface over several TLS
 * libraries: this header, the shared code in sql/ (by concern), and per
 * backend only its dialect and its driver calls.
 *
 * Why this shape
 * - Both backends are one design: every callback is "bind a record's
 *   fields, run a constant statement, read rows back into records", with
 *   the same messages. That is written once here, over a small driver
 *   vtable (es_sql_driver) that runs one statement: the backend's driver
 *   prepares and caches it as it always did (SQLite: a persistent
 *   sqlite3_stmt per statement; PostgreSQL: PQprepare once per
 *   connection), binds, steps and reads columns.
 * - A statement is named by a common id (es_sql_stmt); the backend's
 *   dialect gives its text (placeholders ?1 or $1, types, column names).
 *   A NULL text means the backend has no such statement, and the core
 *   leaves out what needs it (SQLite's state-only engagement update, its
 *   scope measure): the choice is data, not code.
 * - Parameters are collected in the cursor (es_sql_cur, on the caller's
 *   stack) as plain values and handed to the driver when it runs: binding
 *   needs no driver call, nothing allocates, and each callback keeps its
 *   one release path (es_sql_close()).
 * - Row strings stay where the driver keeps them: es_sql_hold() keeps the
 *   row of a filled record until the next callback (SQLite: the statement
 *   left un-reset; PostgreSQL: the PGresult), as storage.h allows.
 * - What is really one backend's (SQLite's settings cache, file blobs,
 *   opening files; PostgreSQL's connection, advisory lock, bytea) stays in
 *   that backend, which fills the rest of the callback table itself.
 */
#ifndef ENGSCHED_STORAGE_SQL_H
#define ENGSCHED_STORAGE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/storage.h>

/* Room for a message kept across a second call, and for one composed by
 * es_sql_error() (the core's buffer is 512 bytes as well). */
#define ES_SQL_MESSAGE_MAX 512

/* Statements both backends run. Each backend numbers its own from
 * ES_SQL_COMMON on. */
enum es_sql_stmt {
    ES_SQL_SAVEPOINT,
    ES_SQL_RELEASE,
    ES_SQL_ROLLBACK_TO,
    ES_SQL_SETTING_SET,
    ES_SQL_CLIENT_FIND,
    ES_SQL_CLIENT_INSERT,
    ES_SQL_CLIENT_UPDATE,
    ES_SQL_CLIENT_GET,
    ES_SQL_USER_FIND,
    ES_SQL_USER_INSERT,
    ES_SQL_USER_UPDATE,
    ES_SQL_USER_GET,
    ES_SQL_ROLE_INSERT,
    ES_SQL_ROLE_UPDATE,
    ES_SQL_ROLE_GET,
    ES_SQL_ROLE_FIND,
    ES_SQL_ACCESS_GRANT,
    ES_SQL_ACCESS_REVOKE,
    ES_SQL_ACCESS_CHECK,
    ES_SQL_ENGAGEMENT_INSERT,
    ES_SQL_ENGAGEMENT_UPDATE,
    ES_SQL_ENGAGEMENT_KEPT,         /* optional: see es_sql_engagement_update() */
    ES_SQL_ENGAGEMENT_UPDATE_STATE, /* optional, with ENGAGEMENT_KEPT */
    ES_SQL_ENGAGEMENT_GET,
    ES_SQL_ENGAGEMENTS_DUE,
    ES_SQL_REPORT_INSERT,
    ES_SQL_REPORT_UPDATE,
    ES_SQL_REPORT_ENGAGEMENT,
    ES_SQL_ASSIGNMENT_INSERT,
    ES_SQL_ASSIGNMENT_DELETE,
    ES_SQL_ASSIGNMENT_LIST,
    ES_SQL_ASSIGNMENT_UPDATE,
    ES_SQL_OPERATOR_ALLOCATIONS,
    ES_SQL_RANGE_STAFFING,
    ES_SQL_RANGE_STAFFING_NAMED,
    ES_SQL_RANGE_UNAVAILABILITY,
    ES_SQL_FILE_INSERT,
    ES_SQL_FILE_GET,
    ES_SQL_FILE_LIST,
    ES_SQL_EVENT_APPEND,
    ES_SQL_EVENT_LIST_ALL,
    ES_SQL_EVENT_LIST_ONE,
    ES_SQL_EVENT_LAST_SEQ,
    ES_SQL_USERS_WITH_PERMISSIONS,
    ES_SQL_OPERATOR_WORK,
    ES_SQL_UNAVAILABILITY_INSERT,
    ES_SQL_UNAVAILABILITY_GET,
    ES_SQL_UNAVAILABILITY_DELETE,
    ES_SQL_UNAVAILABILITY_LIST,
    ES_SQL_INVITATION_GET,
    ES_SQL_INVITATION_PUT,
    ES_SQL_INVITATION_FIND,
    ES_SQL_FEED_TOKEN_PUT,
    ES_SQL_FEED_TOKEN_GET,
    ES_SQL_FEED_TOKEN_FIND,
    ES_SQL_FEED_TOKEN_DELETE,
    ES_SQL_CLIENT_LIST,
    ES_SQL_USER_LIST,
    ES_SQL_ROLE_LIST,
    ES_SQL_ACCESS_LIST,
    ES_SQL_SCOPE_SIZE, /* optional: see es_sql_engagement_query() */
    ES_SQL_OUTBOX_PUT,
    ES_SQL_OUTBOX_GET,
    ES_SQL_OUTBOX_UPDATE,
    ES_SQL_OUTBOX_LIST_ONE, /* one state: walks outbox_state in id order */
    ES_SQL_OUTBOX_LIST_ANY, /* several states: walks the ids */
    ES_SQL_OUTBOX_COUNT,
    ES_SQL_OUTBOX_PURGE,
    /* version 6: skills (sql/skills.c) */
    ES_SQL_USER_SKILLS_CLEAR,
    ES_SQL_USER_SKILL_ADD,
    ES_SQL_USER_SKILLS_LIST,
    ES_SQL_ENGAGEMENT_SKILLS_CLEAR,
    ES_SQL_ENGAGEMENT_SKILL_ADD,
    ES_SQL_ENGAGEMENT_SKILLS_LIST,
    ES_SQL_RECURRING_DUE,
    /* version 8: the tick's set-based start (sql/queries.c) */
    ES_SQL_ENGAGEMENTS_START_DUE,
    ES_SQL_OUTBOX_MARK, /* ?1 the ids as a JSON array (sql/outbox.c) */
    ES_SQL_COMMON
};

/* --- the column lists of both dialects --------------------------------- */

/* The columns es_sql_fill_engagement() reads, in its order. A report is
 * optional: LEFT JOIN gives NULLs, read back as id 0, status NONE and
 * title "". */
#define ES_SQL_ENGAGEMENT_SELECT                                                            \
    "SELECT e.id, e.client, e.requested_by, e.name, e.description, e.type, e.location,"    \
    " e.contacts, e.custom_fields, e.cancel_reason, e.start_day, e.end_day, e.status,"     \
    " e.version, e.created_at, e.updated_at, r.id, r.status, r.title, e.recurrence,"       \
    " e.origin, e.recurrence_next_day"                                                     \
    " FROM engagements AS e LEFT JOIN reports AS r ON r.engagement = e.id "

/* The assignment columns the SQL core reads (assignments a, the user
 * column `user` in SQLite and `user_id` in PostgreSQL, given as @p u), in
 * its order; start_day and end_day are the window, the engagement's dates
 * when not windowed. */
#define ES_SQL_ASSIGNMENT_COLUMNS_OF(u)                                                     \
    "a.engagement, a." u ", a.role, a.assigned_by, a.assigned_at, a.windowed, a.start_day," \
    " a.end_day, a.percent, a.tentative"

/* The engagement columns of a range_staffing() row, before its
 * assignment's: id, client, name ('' unless asked), start_day, end_day,
 * status. */
#define ES_SQL_RANGE_COLUMNS 6

/* How many columns es_sql_fill_engagement() reads: a row with more
 * (operator_allocations) carries them after these. */
#define ES_SQL_ENGAGEMENT_SELECT_COLUMNS 22

/* The engagement columns the SQL core binds, in its order. */
#define ES_SQL_ENGAGEMENT_COLUMNS                                                           \
    "client, requested_by, name, description, type, location, contacts, custom_fields,"    \
    " cancel_reason, start_day, end_day, status, version, created_at, updated_at,"         \
    " recurrence, origin, recurrence_next_day"

/* The columns es_sql_fill_user() reads, in its order (users u, roles r). */
#define ES_SQL_USER_SELECT                                                                  \
    "SELECT u.id, u.host_key, u.email, u.display_name, u.role, u.flags, r.permissions"     \
    " FROM users AS u JOIN roles AS r ON r.id = u.role "

/* The columns es_sql_fill_file() and the event rows read. */
#define ES_SQL_FILE_COLUMNS "id, engagement, name, media_type, size, uploaded_by, uploaded_at"
#define ES_SQL_EVENT_COLUMNS                                                                \
    "seq, time, actor, engagement, action, status_before, status_after, details"

/* --- the cursor: one statement run by one callback ---------------------- */

/* ES_SQL_TEXT_N is text of a given length, not NUL-terminated there
 * (the outbox payload, whose record gives its length). */
enum es_sql_type { ES_SQL_NULL, ES_SQL_INT, ES_SQL_TEXT, ES_SQL_BYTES, ES_SQL_TEXT_N };

typedef struct es_sql_param {
    int type;          /* es_sql_type */
    int64_t i;         /* ES_SQL_INT */
    const void *data;  /* ES_SQL_TEXT (NUL-terminated), ES_SQL_BYTES, ES_SQL_TEXT_N */
    int len;           /* ES_SQL_BYTES, ES_SQL_TEXT_N */
} es_sql_param;

#define ES_SQL_MAX_PARAMS 20

typedef struct es_sql es_sql;

/* Strings and bytes are borrowed from the caller for the call only. The
 * statement is a cached one (id), a query variant (variant >= 0, with its
 * text in sql, "" when the driver has it already), or one-off text (id
 * < 0: run once, not cached). */
typedef struct es_sql_cur {
    es_sql *b;
    int id;
    long variant;
    const char *sql;
    const char *what; /* what the callback is doing, for messages */
    int binary;       /* results in binary format, where the driver has one */
    int n;
    es_sql_param params[ES_SQL_MAX_PARAMS];
    int held;     /* es_sql_get_row() left the row to the driver */
    void *handle; /* the driver's: its statement or result */
    int row;      /* the driver's: the current row */
} es_sql_cur;

/* The driver of one backend. Every failing member describes the failure
 * (with c->what) and returns its code. */
typedef struct es_sql_driver {
    const char *name; /* the prefix of messages: "sqlite", "postgresql" */
    /* Start of every callback: the previous call's record strings expire. */
    engsched_rc (*enter)(es_sql *b);
    /* Whether a transaction is open (SQLite may have ended it by itself). */
    int (*in_transaction)(es_sql *b);
    /* Whether query variant @p variant is prepared already. */
    int (*variant_ready)(es_sql *b, long variant);
    /* Run c's statement with its parameters, before its first row. */
    engsched_rc (*run)(es_sql_cur *c);
    /* Step to the next row; *out_row 0 past the last. */
    engsched_rc (*next)(es_sql_cur *c, int *out_row);
    int64_t (*col_int)(const es_sql_cur *c, int col);
    /* NULL for SQL NULL (and where the driver has no text). */
    const char *(*col_text)(const es_sql_cur *c, int col);
    int (*col_null)(const es_sql_cur *c, int col);
    /* Rows the finished write changed. */
    int64_t (*changes)(const es_sql_cur *c);
    /* After an INSERT that returned no row: 1 and the new row's id if it
     * inserted one (SQLite's rowid), 0 if it did not (a conflict). */
    int (*last_id)(const es_sql_cur *c, int64_t *out);
    /* Release c's statement or result; a no-op once closed. */
    void (*close)(es_sql_cur *c);
    /* Keep c's current row until the next callback (see enter); the
     * cursor still reads it, and closing it does nothing. */
    void (*hold)(es_sql_cur *c);
} es_sql_driver;

/* The dialect's SQL by es_sql_stmt id; NULL: the backend has none. */
typedef struct es_sql_dialect {
    const char *const *stmts;
    /* engagement_query() fragments (see sql/queries.c). */
    const char *q_select;       /* the engagement SELECT, up to WHERE */
    const char *q_statuses;     /* WHERE on the status mask */
    const char *q_one_status;   /* WHERE on one status; NULL: none */
    const char *q_client;
    const char *q_operator;
    const char *q_scope;
    const char *q_scope_wide;   /* NULL: never */
    const char *q_range;
    const char *q_range_resume; /* ascending start with a resume key; NULL: q_range */
    const char *q_text;
    const char *q_after_int;    /* the resume key's placeholder */
    const char *q_after_text;
    const char *q_after_id;     /* ", <after id>)" */
    const char *q_limit;        /* " LIMIT <limit>" */
} es_sql_dialect;

/* The head of both backends' structures. */
struct es_sql {
    engsched_storage base; /* first: the core casts between the two */
    const es_sql_driver *drv;
    const es_sql_dialect *dialect;
};

static inline es_sql *es_sql_of(engsched_storage *s) { return (es_sql *)s; }

/* --- sql/cursor.c: running statements ----------------------------------- */

/* A cursor on statement @p id, for @p what. */
es_sql_cur es_sql_cur_on(es_sql *b, int id, const char *what);

void es_sql_int(es_sql_cur *c, int64_t v);
/* Optional references: 0 in records is NULL in the store. */
void es_sql_opt(es_sql_cur *c, int64_t v);
void es_sql_text(es_sql_cur *c, const char *v); /* NULL is SQL NULL */
/* Text fields documented as `"" if none` (or "{}"): NULL means @p dflt. */
void es_sql_text_or(es_sql_cur *c, const char *v, const char *dflt);
void es_sql_bytes(es_sql_cur *c, const void *data, int len);
/* Text of @p len bytes holding no NUL byte (the caller checks); @p v is
 * not NULL. */
void es_sql_text_n(es_sql_cur *c, const char *v, int len);
/* For drivers, before running: 0 (described, ESTORAGE) when a statement
 * was given more parameters than a cursor holds. */
int es_sql_params_ok(es_sql_cur *c);

int64_t es_sql_col_int(const es_sql_cur *c, int col);
/* Required text columns: "" for NULL. */
const char *es_sql_col_text(const es_sql_cur *c, int col);
const char *es_sql_col_text_opt(const es_sql_cur *c, int col);

void es_sql_close(es_sql_cur *c);

/* Run a statement that returns no rows needed; closes it. */
engsched_rc es_sql_exec(es_sql_cur *c);
/* Run a write; *out_changes the rows it changed. Closes it. */
engsched_rc es_sql_exec_changes(es_sql_cur *c, int64_t *out_changes);
/* Run it and ENOTFOUND ("<what> <key> does not exist") if no row changed. */
engsched_rc es_sql_exec_expect_row(es_sql_cur *c, int64_t key);
/* Run an INSERT: the id it returned (RETURNING) or made (rowid);
 * *out_inserted 0 when a conflict inserted nothing. Closes it. */
engsched_rc es_sql_insert(es_sql_cur *c, int64_t *out_id, int *out_inserted);
/* Run a query of at most one row: on a row the cursor stays on it
 * (*out_found 1; the caller reads, then closes or holds it). */
engsched_rc es_sql_one(es_sql_cur *c, int *out_found);
/* A query of one integer; *out_found 0 without a row. Closes it. */
engsched_rc es_sql_query_int(es_sql_cur *c, int64_t *out, int *out_found);
/* A by-id read of one row (the first parameter is bound to @p key here):
 * ENOTFOUND ("<what> <key> does not exist") or the row, held. */
engsched_rc es_sql_get_row(es_sql_cur *c, int64_t key);

/* Passes the current row of a query on, as its record type. */
typedef engsched_rc (*es_sql_row_fn)(const es_sql_cur *c, void *fn, void *ctx);
/* Run a query and pass each row on; stops at the first non-OK code of the
 * callback and returns it. Closes it. */
engsched_rc es_sql_rows(es_sql_cur *c, es_sql_row_fn adapt, void *fn, void *ctx);

/* --- sql/errors.c: messages -------------------------------------------- */

/* Describe a failure as "<backend>: <text>". */
void es_sql_error(es_sql *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
engsched_rc es_sql_not_found(es_sql *b, const char *what, engsched_id id);
/* Run @p cleanup on @p b while keeping the message of the failure. */
void es_sql_keeping_message(es_sql *b, void (*cleanup)(es_sql *b));

/* --- sql/errors.c: savepoints ----------------------------------------- */

/* Savepoints live inside the core's transaction only (storage.h): refused
 * with ESTORAGE when none is open, "no transaction is open" followed by
 * @p hint when given. */
engsched_rc es_sql_savepoint_run(engsched_storage *s, int id, const char *what,
                                 const char *hint);

/* --- sql/records.c, sql/queries.c, sql/outbox.c: the callback table ------- */

/* Fill every callback the SQL core implements; the backend adds its own
 * (free, prepare, transactions, settings, files) afterwards. */
void es_sql_fill_table(engsched_storage *t);
void es_sql_fill_records(engsched_storage *t); /* sql/records.c's part */
void es_sql_fill_queries(engsched_storage *t); /* sql/queries.c's part */
void es_sql_fill_outbox(engsched_storage *t);  /* sql/outbox.c's part (version 3) */
void es_sql_fill_invitations(engsched_storage *t); /* sql/invitations.c's part (1 and 4) */
void es_sql_fill_skills(engsched_storage *t);      /* sql/skills.c's part (version 6) */

/* Read the current row into a record, in the column order of the
 * dialect's SELECTs (the engagement one has 22 columns: the report, then the version 6 ones). */
void es_sql_fill_engagement(const es_sql_cur *c, engsched_rec_engagement *out);
void es_sql_fill_file(const es_sql_cur *c, engsched_rec_file *out);
void es_sql_fill_client(const es_sql_cur *c, engsched_rec_client *out);
void es_sql_fill_user(const es_sql_cur *c, engsched_rec_user *out);
void es_sql_fill_role(const es_sql_cur *c, engsched_rec_role *out);
void es_sql_fill_unavailability(const es_sql_cur *c, engsched_rec_unavailability *out);

/* setting_set()'s statement (the backend forgets what it keeps first). */
engsched_rc es_sql_setting_write(es_sql *b, const char *key, const char *value);

/* file_insert(): the argument check and the metadata row; the backend
 * stores the bytes its own way. */
engsched_rc es_sql_file_check(es_sql *b, const engsched_rec_file *meta, const void *data);
engsched_rc es_sql_file_meta_insert(es_sql *b, const engsched_rec_file *meta,
                                    engsched_id *out_id);

/* --- sql/queries.c: engagement_query() variants ------------------------- */

/* Bits of a query variant: the filters present, and two plan choices
 * only a dialect with q_scope_wide and q_one_status makes (see
 * sql/queries.c). */
enum es_sql_query_filter {
    ES_QF_CLIENT,
    ES_QF_OPERATOR,
    ES_QF_SCOPE,
    ES_QF_RANGE,
    ES_QF_TEXT,
    ES_QF_AFTER,
    ES_QF_WIDE,
    ES_QF_ONE_STATUS,
    ES_QF_COUNT
};
#define ES_SQL_QUERY_SORTS 5
#define ES_SQL_QUERY_VARIANTS (ES_SQL_QUERY_SORTS * 2 * (1 << ES_QF_COUNT))
/* The SQL of a variant is at most the engagement SELECT plus every
 * fragment; this leaves ample room. */
#define ES_SQL_QUERY_MAX 2048

/* Shapes es_sql_engagement_query() can compose; the others never are. */
int es_sql_query_shape_valid(const es_sql_dialect *d, int sort, unsigned int f);
/* Compose a variant into @p buf; 0 if it did not fit. */
int es_sql_query_compose(const es_sql_dialect *d, char *buf, size_t size, int sort, int desc,
                         unsigned int f);

/* --- sql/migrate.c: forward-only migration lists ------------------------ */

/* A backend's migrations each move its store one step (the layout
 * version, what the store records); each also names the version of the
 * core's data model the store has once it has run (the schema version of
 * engsched_schema_version(), what prepare() is asked for). Most
 * migrations change the model. Some change only the layout (an index, a
 * copy of a column kept for speed): the core and custom backends never
 * see them, so a library that adds one still asks for the model version
 * every other backend knows, and a host's own backend keeps working. */
typedef struct es_migration {
    const char *script; /* the SQL that makes layout i + 1 from layout i */
    int model;          /* the data model version of layout i + 1 */
} es_migration;

typedef struct es_migrations {
    const es_migration *list;
    int count;
} es_migrations;

/* The newest layout the list can produce. */
int es_migration_latest(const es_migrations *m);
/* The script that makes @p layout (1 … latest), or NULL outside. */
const char *es_migration_script(const es_migrations *m, int layout);
/* The newest layout whose model is at most @p model: where prepare()
 * asked for @p model migrates to. 0 when none is. */
int es_migration_layout_for(const es_migrations *m, int model);
/* The model version of a store at @p layout (0 for an empty one); a
 * layout beyond the list counts as the newest model it knows. */
int es_migration_model_of(const es_migrations *m, int layout);

/* The checks of prepare() before any migration, with their messages:
 * EUNSUPPORTED when @p supported is beyond the list; *out_target the
 * layout to migrate to. */
engsched_rc es_migration_target(es_sql *b, const es_migrations *m, int supported,
                                int *out_target);
/* EUNSUPPORTED: the store (in @p where, "" or " in schema x") is newer. */
engsched_rc es_migration_refuse_newer(es_sql *b, const char *where, int stored, int supported);
/* EUNSUPPORTED: a read-only open would have to migrate. */
engsched_rc es_migration_refuse_readonly(es_sql *b, const char *where, int stored,
                                         int target);

#endif
