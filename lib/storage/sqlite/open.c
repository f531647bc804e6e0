/* The SQLite backend's opening and lifetime: a file (or :memory:) checked
 * before SQLite runs, refused when it is not ours, and the callback table
 * filled from the SQL core, the connection, the schema, settings and files.
 * The backend never prints, exits or aborts. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "storage/sqlite/backup.h"
#include "storage/sqlite/storage_sqlite.h"
#include "util/alloc.h"

static es_sqlite *backend_of(engsched_storage *s) { return es_sqlite_of(s); }

/* Default busy timeout until the core sets the handle's own. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* --- lifetime ---------------------------------------------------------- */

static void sq_free(engsched_storage *s)
{
    es_sqlite *b = backend_of(s);
    if (b == NULL)
        return;
    if (b->held != NULL) {
        sqlite3_reset(b->held);
        sqlite3_clear_bindings(b->held);
    }
    b->held = NULL;
    /* Freed without a successful prepare (the opener failed before it):
     * a file created for nothing is removed. */
    es_sqlite_discard_created(b);
    es_sqlite_finalize_all(b);
    es_settings_cache_clear(&b->settings);
    sqlite3_close(b->db); /* rolls back a transaction left open */
    es_free(b->path);
    es_free(b);
}

/* The SQL core's callbacks, and the backend's own. */
static void table_init(engsched_storage *t)
{
    es_sql_fill_table(t);
    es_sqlite_fill_connection(t);
    t->free = sq_free;
    t->prepare = es_sqlite_prepare;
    t->schema_version = es_sqlite_schema_version;
    t->setting_get = es_sqlite_setting_get;
    t->setting_set = es_sqlite_setting_set;
    t->file_insert = es_sqlite_file_insert;
    t->file_read = es_sqlite_file_read;
    t->file_delete = es_sqlite_file_delete;
    t->backup = es_sqlite_backup;
}

/* --- opening ----------------------------------------------------------- */

/* Refuse a path whose directory is missing before SQLite runs, so the
 * message says so (SQLite only says "unable to open database file"). */
static engsched_rc check_directory(es_sqlite *b)
{
    char *slash = strrchr(b->path, '/');
    const char *dir = ".";
    int cut = slash != NULL && slash != b->path; /* "/x" lives in "/" */
    if (slash == b->path)
        dir = "/";
    if (cut) {
        *slash = '\0'; /* b->path is our copy: cut it to the directory */
        dir = b->path;
    }
    struct stat st;
    int ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (cut)
        *slash = '/';
    if (ok)
        return ENGSCHED_OK;
    engsched_storage_set_error(&b->sql.base, "cannot open '%s': directory does not exist", b->path);
    return ENGSCHED_ENOTFOUND;
}

/* Remember whether the file exists: only a file this backend created may
 * be removed when opening fails. */
static engsched_rc check_file(es_sqlite *b, unsigned int flags)
{
    struct stat st;
    if (stat(b->path, &st) == 0)
        return ENGSCHED_OK;
    if (errno != ENOENT) {
        engsched_storage_set_error(&b->sql.base, "cannot open '%s': %s", b->path, strerror(errno));
        return ENGSCHED_ESTORAGE;
    }
    if (!(flags & ENGSCHED_OPEN_CREATE)) {
        engsched_storage_set_error(&b->sql.base, "cannot open '%s': the file does not exist "
                                             "(and CREATE was not given)",
                                   b->path);
        return ENGSCHED_ENOTFOUND;
    }
    b->created = 1;
    return ENGSCHED_OK;
}

static engsched_rc open_connection(es_sqlite *b, const char *path, unsigned int flags)
{
    int is_memory = strcmp(path, ":memory:") == 0;
    if (!is_memory) {
        b->path_len = strlen(path);
        b->path = es_malloc(b->path_len + sizeof "-journal");
        if (b->path == NULL) {
            engsched_storage_set_error(&b->sql.base, "out of memory opening '%s'", path);
            return ENGSCHED_ENOMEM;
        }
        memcpy(b->path, path, b->path_len + 1);
        engsched_rc rc = check_directory(b);
        if (rc == ENGSCHED_OK)
            rc = check_file(b, flags);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (flags & ENGSCHED_OPEN_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    int src = sqlite3_open_v2(path, &b->db, oflags, NULL);
    /* The busy timeout before the first read: the identity check reads
     * the header, which another connection's lock (or its WAL recovery,
     * when several processes open the store at once) makes SQLITE_BUSY;
     * without a busy handler that fails the open at once. */
    if (src == SQLITE_OK)
        src = sqlite3_busy_timeout(b->db, DEFAULT_BUSY_TIMEOUT_MS);
    if (src == SQLITE_OK)
        return ENGSCHED_OK;
    engsched_storage_set_error(&b->sql.base, "cannot open '%s': %s", path,
                               b->db != NULL ? sqlite3_errmsg(b->db) : sqlite3_errstr(src));
    sqlite3_close(b->db);
    b->db = NULL;
    return es_sqlite_map_rc(src) == ENGSCHED_ENOMEM ? ENGSCHED_ENOMEM : ENGSCHED_ESTORAGE;
}

/* Read a one-integer pragma or query during open; a file that is not a
 * database fails here, on the first read of its header. */
static engsched_rc open_query(es_sqlite *b, int id, const char *path, int64_t *out)
{
    int found;
    engsched_rc rc = es_sqlite_query_int(b, id, "reading the store header", out, &found);
    if (rc == ENGSCHED_ECORRUPT)
        engsched_storage_set_error(&b->sql.base, "'%s' is not a database", path);
    return rc;
}

/* A store is ours (our application_id), or new (no id and no tables).
 * Anything else belongs to someone else and is refused untouched. A new
 * one (an empty file, an empty database) becomes a store only with CREATE:
 * without it the file is left as it is, like a missing one. */
static engsched_rc check_identity(es_sqlite *b, const char *path, unsigned int flags)
{
    int64_t app_id = 0, objects = 0;
    engsched_rc rc = open_query(b, ES_SQLITE_APPLICATION_ID_PRAGMA, path, &app_id);
    if (rc != ENGSCHED_OK || app_id == (int64_t)ES_SQLITE_APPLICATION_ID)
        return rc;
    if (app_id == 0 &&
        (rc = open_query(b, ES_SQLITE_SCHEMA_OBJECTS, path, &objects)) != ENGSCHED_OK)
        return rc;
    if (app_id == 0 && objects == 0 && (b->path == NULL || (flags & ENGSCHED_OPEN_CREATE)))
        return ENGSCHED_OK; /* ":memory:" is always new */
    if (app_id == 0 && objects == 0) {
        engsched_storage_set_error(&b->sql.base, "cannot open '%s': the file holds no store "
                                             "(and CREATE was not given)",
                                   path);
        return ENGSCHED_ENOTFOUND;
    }
    engsched_storage_set_error(&b->sql.base, "'%s' is not a libengsched store (application_id "
                                         "0x%08llx, %lld schema objects)",
                               path, (unsigned long long)(uint32_t)app_id, (long long)objects);
    return ENGSCHED_ECORRUPT;
}

/* Per-connection settings; WAL is a property of the file, set only once
 * the file is known to be ours, so a refused file is never changed. */
static engsched_rc configure(es_sqlite *b)
{
    int src = sqlite3_exec(b->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", NULL,
                           NULL, NULL);
    if (src == SQLITE_OK && b->path != NULL)
        src = sqlite3_exec(b->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    return src == SQLITE_OK ? ENGSCHED_OK : es_sqlite_fail(b, src, "configuring the connection");
}

engsched_rc engsched_storage_sqlite_new(const char *path, unsigned int flags,
                                        engsched_storage **out)
{
    if (path == NULL || out == NULL) {
        engsched_storage_set_error(NULL, "%s: must not be NULL", path == NULL ? "path" : "out");
        return ENGSCHED_EMISUSE;
    }
    if (path[0] == '\0') {
        engsched_storage_set_error(NULL, "path: must not be empty");
        return ENGSCHED_EINVAL;
    }
    es_sqlite *b = es_calloc(1, sizeof *b);
    if (b == NULL) {
        engsched_storage_set_error(NULL, "out of memory opening '%s'", path);
        return ENGSCHED_ENOMEM;
    }
    table_init(&b->sql.base);
    b->sql.drv = &es_sqlite_driver;
    b->sql.dialect = &es_sqlite_dialect;
    b->readonly = (flags & ENGSCHED_OPEN_READONLY) != 0;
    engsched_rc rc = open_connection(b, path, flags);
    if (rc == ENGSCHED_OK)
        rc = check_identity(b, path, flags);
    if (rc == ENGSCHED_OK)
        rc = configure(b);
    if (rc != ENGSCHED_OK) {
        sq_free(&b->sql.base); /* removes the file if this call created it */
        return rc;
    }
    *out = &b->sql.base;
    return ENGSCHED_OK;
}

sqlite3 *es_sqlite_connection(engsched_storage *s) { return backend_of(s)->db; }
