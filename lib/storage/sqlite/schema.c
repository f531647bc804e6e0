/* Schema of the SQLite backend as a forward-only list of migrations.
 *
 * Rules for changing it: never edit a migration that has shipped (stores in
 * the field were built from its exact text); append a new script instead,
 * and raise the core's ES_SCHEMA_VERSION with it. A store is at version N
 * when migrations 1 … N have run, recorded in PRAGMA user_version. */
#include <stdio.h>

#include "storage/sqlite/storage_sqlite.h"

/* Version 1: every table of the storage interface.
 *
 * - STRICT tables, so a wrong type is an error instead of a silent
 *   conversion.
 * - Optional user references (requested_by, assigned_by, uploaded_by,
 *   actor) and an event's engagement and statuses are NULL when absent, so
 *   the foreign keys hold; records carry 0 for them.
 * - assignments keeps the order operators were assigned in through its
 *   explicit ordinal: an explicit INTEGER PRIMARY KEY survives VACUUM, which
 *   may renumber implicit rowids.
 * - files and unavailability use AUTOINCREMENT because their rows are
 *   deleted: a plain rowid could hand a deleted row's id (and an old link)
 *   to a new row.
 * - file_data is apart from files so that listing metadata never reads a
 *   blob page; the blob is written and read incrementally.
 * - Indexes serve the due query of the hourly job (status, start_day, id),
 *   the List view's sort keys (start, end, name, updated; status has the
 *   due index), the Calendar's date range (engagements_start: (start_day,
 *   id), so a page or a chunk that resumes after a (start_day, id) key
 *   seeks to it instead of stepping over the rows of that day before it),
 *   per-client and per-operator
 *   lookups, unavailability by user and dates, and per-engagement files
 *   and events. A secondary index ends in the rowid, which is the id, so
 *   (key, id) keyset paging walks it in order.
 * - The two indexes List pages walk in start order, engagements_start
 *   (any status set) and engagements_due (one status), also hold client:
 *   a page for a user of some of the clients skips the rows of the others
 *   in the index, without reading their table rows. engagements_start has
 *   no status, so a change of state alone (the tick) rewrites only the
 *   due and updated entries.
 * - engagements_span gives the longest engagement (end_day - start_day)
 *   in one index step: a date-range query bounds start_day from below by
 *   the range start minus that span, so it reads the engagements near the
 *   range instead of every one that started before its end. */
static const char migration_1[] =
    "CREATE TABLE settings("
    " key TEXT NOT NULL PRIMARY KEY,"
    " value TEXT NOT NULL"
    ") WITHOUT ROWID, STRICT;"

    "CREATE TABLE clients("
    " id INTEGER PRIMARY KEY,"
    " host_key TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE roles("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " permissions INTEGER NOT NULL"
    ") STRICT;"

    "CREATE TABLE users("
    " id INTEGER PRIMARY KEY,"
    " host_key TEXT NOT NULL UNIQUE,"
    " email TEXT,"
    " display_name TEXT NOT NULL,"
    " role INTEGER NOT NULL REFERENCES roles(id),"
    " flags INTEGER NOT NULL"
    ") STRICT;"

    /* Availability lists operators by (display_name, id), 64 at a time. */
    "CREATE INDEX users_name ON users(display_name);"

    "CREATE TABLE client_access("
    " user INTEGER NOT NULL REFERENCES users(id),"
    " client INTEGER NOT NULL REFERENCES clients(id),"
    " PRIMARY KEY(user, client)"
    ") WITHOUT ROWID, STRICT;"

    "CREATE TABLE engagements("
    " id INTEGER PRIMARY KEY,"
    " client INTEGER NOT NULL REFERENCES clients(id),"
    " requested_by INTEGER REFERENCES users(id),"
    " name TEXT NOT NULL,"
    " description TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " location TEXT NOT NULL,"
    " contacts TEXT NOT NULL,"
    " custom_fields TEXT NOT NULL,"
    " cancel_reason TEXT NOT NULL,"
    " start_day INTEGER NOT NULL,"
    " end_day INTEGER NOT NULL,"
    " status INTEGER NOT NULL,"
    " version INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX engagements_due ON engagements(status, start_day, id, client);"
    "CREATE INDEX engagements_client ON engagements(client, start_day);"
    "CREATE INDEX engagements_start ON engagements(start_day, id, client);"
    "CREATE INDEX engagements_end ON engagements(end_day);"
    "CREATE INDEX engagements_name ON engagements(name);"
    "CREATE INDEX engagements_updated ON engagements(updated_at);"
    "CREATE INDEX engagements_span ON engagements(end_day - start_day);"

    "CREATE TABLE reports("
    " id INTEGER PRIMARY KEY,"
    " engagement INTEGER NOT NULL UNIQUE REFERENCES engagements(id),"
    " title TEXT NOT NULL,"
    " status INTEGER NOT NULL"
    ") STRICT;"

    "CREATE TABLE assignments("
    " ord INTEGER PRIMARY KEY,"
    " engagement INTEGER NOT NULL REFERENCES engagements(id),"
    " user INTEGER NOT NULL REFERENCES users(id),"
    " role INTEGER NOT NULL,"
    " assigned_by INTEGER REFERENCES users(id),"
    " assigned_at INTEGER NOT NULL,"
    " UNIQUE(engagement, user)"
    ") STRICT;"
    "CREATE INDEX assignments_user ON assignments(user, engagement);"

    "CREATE TABLE files("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " engagement INTEGER NOT NULL REFERENCES engagements(id),"
    " name TEXT NOT NULL,"
    " media_type TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " uploaded_by INTEGER REFERENCES users(id),"
    " uploaded_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX files_engagement ON files(engagement, id);"

    "CREATE TABLE file_data("
    " file INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,"
    " data BLOB NOT NULL"
    ") STRICT;"

    "CREATE TABLE events("
    " seq INTEGER PRIMARY KEY,"
    " time INTEGER NOT NULL,"
    " actor INTEGER REFERENCES users(id),"
    " engagement INTEGER REFERENCES engagements(id),"
    " action TEXT NOT NULL,"
    " status_before INTEGER,"
    " status_after INTEGER,"
    " details TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX events_engagement ON events(engagement, seq);"

    "CREATE TABLE unavailability("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user INTEGER NOT NULL REFERENCES users(id),"
    " start_day INTEGER NOT NULL,"
    " end_day INTEGER NOT NULL,"
    " reason TEXT NOT NULL,"
    " created_by INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX unavailability_user ON unavailability(user, start_day);"

    "CREATE TABLE invitations("
    " engagement INTEGER NOT NULL REFERENCES engagements(id),"
    " user INTEGER NOT NULL REFERENCES users(id),"
    " sequence INTEGER NOT NULL,"
    " canceled INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " PRIMARY KEY(engagement, user)"
    ") WITHOUT ROWID, STRICT;";

/* Version 2: the dates of each assignment's engagement, in the assignment.
 *
 * Availability and the conflict check ask for one operator's work in a
 * date range. Through assignments_user alone that means fetching every
 * engagement the operator ever had (thousands over a few years) to keep
 * the few in range; with the dates beside the user in assignments_dates
 * the range is one index seek, bounded below by the longest engagement
 * (engagements_span) as the date-range queries of engagements are.
 *
 * Triggers keep the copies right whoever writes the rows (the core, a
 * host's tool, an import): a new assignment takes its engagement's dates,
 * and a change of an engagement's dates (only then: a full-row update
 * names every column) reaches its assignments. coalesce() leaves a
 * missing engagement to the foreign key, which names the real fault. */
static const char migration_2[] =
    "ALTER TABLE assignments ADD COLUMN start_day INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE assignments ADD COLUMN end_day INTEGER NOT NULL DEFAULT 0;"
    "UPDATE assignments SET (start_day, end_day) ="
    " (SELECT start_day, end_day FROM engagements WHERE id = assignments.engagement);"
    "CREATE INDEX assignments_dates ON assignments(user, start_day, end_day, engagement);"

    "CREATE TRIGGER assignments_take_dates AFTER INSERT ON assignments BEGIN"
    " UPDATE assignments SET"
    " start_day = coalesce((SELECT start_day FROM engagements WHERE id = NEW.engagement), 0),"
    " end_day = coalesce((SELECT end_day FROM engagements WHERE id = NEW.engagement), 0)"
    " WHERE ord = NEW.ord;"
    " END;"

    "CREATE TRIGGER engagements_move_assignments AFTER UPDATE OF start_day, end_day"
    " ON engagements"
    " WHEN NEW.start_day != OLD.start_day OR NEW.end_day != OLD.end_day BEGIN"
    " UPDATE assignments SET start_day = NEW.start_day, end_day = NEW.end_day"
    " WHERE engagement = NEW.id;"
    " END;";

/* Version 3 (data model 2): the outbox, what committed changes owe the
 * outside world (storage table version 3; sql/outbox.c).
 *
 * - id is AUTOINCREMENT: purge deletes delivered rows, the newest among
 *   them too, and a plain rowid would then hand a purged item's id to the
 *   next one; ids must keep rising for as long as the store lives.
 * - engagement and user are NULL when absent (0 in records) and reference
 *   their tables, as every other such column does: an item naming a row
 *   that does not exist is a fault the foreign key reports where it
 *   happens. No ON DELETE: nothing deletes engagements or users today, and
 *   if that ever changes, dropping the mail owed for them silently is not
 *   a choice to make in advance (and would need an index on the column,
 *   paid by every insert). event_seq is a plain number: the core writes it
 *   with the event in the same transaction.
 * - One index, outbox_state (state, then the rowid, which is the id): the
 *   deliverer's scan of one state walks it in id order and stops after a
 *   page; count() reads it alone. An item is written on the hot path of
 *   every change (approve, edit), so there is no other index to keep: a
 *   list of several states (an administrator's) walks the ids, and purge
 *   seeks the delivered items in outbox_state and tests updated_at on
 *   each, reading the ones it keeps too. Those are the delivered items of
 *   the retention period, and purges are rare; an index on updated_at
 *   would be rewritten by every delivery instead. */
static const char migration_3[] =
    "CREATE TABLE outbox("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind INTEGER NOT NULL,"
    " state INTEGER NOT NULL,"
    " engagement INTEGER REFERENCES engagements(id),"
    " user INTEGER REFERENCES users(id),"
    " event_seq INTEGER NOT NULL DEFAULT 0,"
    " sequence INTEGER NOT NULL DEFAULT 0,"
    " recipient TEXT NOT NULL DEFAULT '',"
    " payload TEXT NOT NULL DEFAULT '',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER NOT NULL DEFAULT 0,"
    " claimed_until INTEGER NOT NULL DEFAULT 0,"
    " claim INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " reason TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE INDEX outbox_state ON outbox(state);";

/* Version 4: invitation series and calendar feed tokens (storage table
 * version 4; sql/invitations.c).
 *
 * - The new invitation columns default to what a row meant before them:
 *   uid '' is the UID rows of versions 1 to 3 were sent with (the core
 *   derives it), organizer '' the organizer setting, response 0 none. So a
 *   store migrates without rewriting a row, and the calendars that hold
 *   its invitations keep recognising them.
 * - invitations_uid is partial: the '' of old rows is not a UID, and a
 *   reply is found through the index by its UID alone.
 * - feed_tokens has one row per user (the primary key): issuing a token
 *   replaces the last. The token's public part is unique and indexed, the
 *   secret is kept only as a hash. */
static const char migration_4[] =
    "ALTER TABLE invitations ADD COLUMN uid TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE invitations ADD COLUMN organizer_email TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE invitations ADD COLUMN organizer_name TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE invitations ADD COLUMN response INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE invitations ADD COLUMN responded_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE invitations ADD COLUMN response_sequence INTEGER NOT NULL DEFAULT 0;"
    "CREATE UNIQUE INDEX invitations_uid ON invitations(uid) WHERE uid <> '';"
    "CREATE TABLE feed_tokens("
    " user INTEGER PRIMARY KEY REFERENCES users(id),"
    " token_id TEXT NOT NULL UNIQUE,"
    " secret_hash TEXT NOT NULL,"
    " issued_by INTEGER REFERENCES users(id),"
    " created_at INTEGER NOT NULL"
    ") STRICT;";

/* Version 5: allocations (storage table version 6; docs/design.md §4).
 *
 * - start_day and end_day of an assignment become its window: still the
 *   engagement's dates, kept by the triggers, unless windowed, when the
 *   core sets them and moves them with the engagement's dates
 *   (es_alloc_window_follow()), which the triggers then leave alone. So
 *   assignments_dates finds windows as it found dates, and the operator
 *   work queries need no change of plan.
 * - percent and tentative default to what a row meant before them: the
 *   whole day, firm. */
static const char migration_5[] =
    "ALTER TABLE assignments ADD COLUMN windowed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE assignments ADD COLUMN percent INTEGER NOT NULL DEFAULT 100;"
    "ALTER TABLE assignments ADD COLUMN tentative INTEGER NOT NULL DEFAULT 0;"
    "DROP TRIGGER assignments_take_dates;"
    "CREATE TRIGGER assignments_take_dates AFTER INSERT ON assignments"
    " WHEN NEW.windowed = 0 BEGIN"
    " UPDATE assignments SET"
    " start_day = coalesce((SELECT start_day FROM engagements WHERE id = NEW.engagement), 0),"
    " end_day = coalesce((SELECT end_day FROM engagements WHERE id = NEW.engagement), 0)"
    " WHERE ord = NEW.ord;"
    " END;"
    "DROP TRIGGER engagements_move_assignments;"
    "CREATE TRIGGER engagements_move_assignments AFTER UPDATE OF start_day, end_day"
    " ON engagements"
    " WHEN NEW.start_day != OLD.start_day OR NEW.end_day != OLD.end_day BEGIN"
    " UPDATE assignments SET start_day = NEW.start_day, end_day = NEW.end_day"
    " WHERE engagement = NEW.id AND windowed = 0;"
    " END;";
/* Version 6: skills (storage table version 6; sql/skills.c). A user's
 * tags and an engagement's required tags, one row per tag; the primary
 * key folds duplicates and serves the per-owner read in tag order (WITHOUT
 * ROWID: the key is the row). Rows go with their owner, as file_data
 * does with its file. */
static const char migration_6[] =
    "CREATE TABLE user_skills("
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL,"
    " PRIMARY KEY(user_id, tag)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE engagement_skills("
    " engagement_id INTEGER NOT NULL REFERENCES engagements(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL,"
    " PRIMARY KEY(engagement_id, tag)"
    ") STRICT, WITHOUT ROWID;";
/* Version 7: recurring series (storage table version 6).
 *
 * - The columns default to what a row meant before them: no rule, no
 *   series (origin 0), so a store migrates without rewriting a row.
 * - engagements_occurrence is the guard against two tickers creating one
 *   occurrence: unique (origin, start_day) among occurrences only, so
 *   the 0 of every other row does not collide.
 * - engagements_recurring is partial over the recurring rows: the tick's
 *   due query costs one index seek when nothing is due, however many
 *   engagements the store holds. */
static const char migration_7[] =
    "ALTER TABLE engagements ADD COLUMN recurrence TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE engagements ADD COLUMN origin INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE engagements ADD COLUMN recurrence_next_day INTEGER NOT NULL DEFAULT 0;"
    "CREATE UNIQUE INDEX engagements_occurrence ON engagements(origin, start_day)"
    " WHERE origin <> 0;"
    "CREATE INDEX engagements_recurring ON engagements(recurrence_next_day, id)"
    " WHERE recurrence <> '';";

/* Migration 8: engagements_start also holds end_day and status, so that
 * a date range read (capacity, candidates, the Calendar) finds in the
 * index whether a row overlaps and counts, and reads no table row for
 * what it does not show. A change of status now rewrites its entry too. */
static const char migration_8[] =
    "DROP INDEX engagements_start;"
    "CREATE INDEX engagements_start ON engagements(start_day, id, client, end_day, status);";

/* Index i holds the script producing layout i + 1, and the data model
 * version that layout has (migrations.h). Append only. */
static const es_migration migrations[] = {
    {migration_1, 1},
    {migration_2, 1}, /* layout only */
    {migration_3, 1}, /* the outbox: a capability of table version 3, not a model change */
    {migration_4, 1}, /* invitation series, feed tokens: table version 4, defaults keep rows */
    {migration_5, 1}, /* allocations: table version 6, defaults keep rows */
    {migration_6, 1}, /* skills: table version 6, new tables only */
    {migration_7, 1}, /* recurring series: table version 6, defaults keep rows */
    {migration_8, 1}, /* layout only: a covering date index */
};

const es_migrations es_sqlite_migrations = {migrations,
                                            (int)(sizeof migrations / sizeof migrations[0])};

/* --- running them ------------------------------------------------------ */

static engsched_rc read_user_version(es_sqlite *b, int *out)
{
    int64_t v = 0;
    int found;
    engsched_rc rc = es_sqlite_query_int(b, ES_SQLITE_USER_VERSION, "reading the schema version",
                                         &v, &found);
    *out = (int)v;
    return rc;
}

engsched_rc es_sqlite_schema_version(engsched_storage *s, int *out_version)
{
    es_sqlite *b = es_sqlite_of(s);
    int layout = 0;
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc == ENGSCHED_OK)
        rc = read_user_version(b, &layout);
    if (rc == ENGSCHED_OK)
        *out_version = es_sqlite_model_of(layout);
    return rc;
}

/* Run one migration script plus the identification pragmas. Scripts are
 * constants of this library, never input, so sqlite3_exec is safe; the
 * pragmas take no parameters, hence the formatted integers. */
static engsched_rc apply_migration(es_sqlite *b, int version)
{
    char *errmsg = NULL;
    es_sqlite_settings_forget(b); /* a script may write settings */
    int src = sqlite3_exec(b->db, es_sqlite_migration(version), NULL, NULL, &errmsg);
    sqlite3_free(errmsg); /* sqlite3_errmsg() still holds the text */
    if (src != SQLITE_OK)
        return es_sqlite_fail(b, src, "migrating the schema");
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             (int)ES_SQLITE_APPLICATION_ID, version);
    src = sqlite3_exec(b->db, pragmas, NULL, NULL, NULL);
    return src == SQLITE_OK ? ENGSCHED_OK : es_sqlite_fail(b, src, "recording the schema version");
}

/* One step forward, in its own write transaction. The version is read
 * again under the write lock: another process may have migrated since. */
static engsched_rc migrate_step(es_sqlite *b, int supported, int *version)
{
    engsched_rc rc = es_sqlite_run_fixed(b, ES_SQLITE_BEGIN_WRITE, "beginning a migration");
    if (rc != ENGSCHED_OK)
        return rc;
    int current = 0;
    rc = read_user_version(b, &current);
    if (rc == ENGSCHED_OK && current > supported)
        rc = es_migration_refuse_newer(&b->sql, "", current, supported);
    if (rc == ENGSCHED_OK && current < supported)
        rc = apply_migration(b, ++current);
    if (rc == ENGSCHED_OK)
        rc = es_sqlite_run_fixed(b, ES_SQLITE_COMMIT, "committing a migration");
    if (rc != ENGSCHED_OK) {
        es_sqlite_rollback_open(b);
        return rc;
    }
    *version = current;
    return ENGSCHED_OK;
}

static engsched_rc migrate(es_sqlite *b, int supported_version, int *out_version)
{
    int target = 0, version = 0;
    engsched_rc rc = es_migration_target(&b->sql, &es_sqlite_migrations, supported_version,
                                         &target);
    if (rc == ENGSCHED_OK)
        rc = read_user_version(b, &version);
    if (rc == ENGSCHED_OK && version > target)
        rc = es_migration_refuse_newer(&b->sql, "", version, target);
    /* A read-only open must not write, migrations included. */
    if (rc == ENGSCHED_OK && b->readonly && version < target)
        rc = es_migration_refuse_readonly(&b->sql, "", version, target);
    while (rc == ENGSCHED_OK && version < target)
        rc = migrate_step(b, target, &version);
    *out_version = version;
    return rc;
}

engsched_rc es_sqlite_prepare(engsched_storage *s, int supported_version, int *out_version)
{
    es_sqlite *b = es_sqlite_of(s);
    int version = 0;
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = migrate(b, supported_version, &version);
    if (rc != ENGSCHED_OK) {
        es_sqlite_discard_created(b);
        return rc;
    }
    b->prepared = 1;
    if (out_version != NULL)
        *out_version = es_sqlite_model_of(version);
    return ENGSCHED_OK;
}
