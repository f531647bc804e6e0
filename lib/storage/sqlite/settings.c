/* The SQLite backend's settings: the table is read whole, in one
 * statement, and kept between transactions while PRAGMA data_version
 * says that no other connection has committed since; that is checked
 * once per transaction, since the snapshot a transaction reads cannot
 * change under it. This connection's own commits leave data_version as it
 * was, so its own writes clear the cache instead: setting_set(), and a
 * rollback (which may undo one). */
#include "storage/sqlite/storage_sqlite.h"

/* The kept settings after a write of this connection that data_version
 * would not show: a setting written, or a transaction (or savepoint)
 * rolled back that may have written one. */
void es_sqlite_settings_forget(es_sqlite *b)
{
    es_settings_cache_clear(&b->settings);
    b->settings_checked = 0;
}

static engsched_rc settings_load(es_sqlite *b, int64_t version)
{
    int row = 0;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_SQLITE_SETTING_ALL, "reading the settings");
    engsched_rc rc = b->sql.drv->run(&c);
    if (rc != ENGSCHED_OK)
        return rc;
    es_settings_cache_clear(&b->settings);
    while ((rc = b->sql.drv->next(&c, &row)) == ENGSCHED_OK && row) {
        if (es_settings_cache_add(&b->settings, es_sql_col_text(&c, 0),
                                  es_sql_col_text(&c, 1)) != ENGSCHED_OK) {
            es_sql_close(&c);
            es_sql_error(&b->sql, "out of memory reading the settings");
            return ENGSCHED_ENOMEM;
        }
    }
    if (rc != ENGSCHED_OK)
        es_settings_cache_clear(&b->settings);
    es_sql_close(&c);
    if (rc == ENGSCHED_OK) {
        b->settings.version = version;
        b->settings.valid = 1;
    }
    return rc;
}

static engsched_rc settings_current(es_sqlite *b)
{
    if (b->settings_checked && b->settings.valid)
        return ENGSCHED_OK;
    int64_t version = 0;
    int found = 0;
    engsched_rc rc = es_sqlite_query_int(b, ES_SQLITE_DATA_VERSION, "reading the data version",
                                         &version, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!b->settings.valid || b->settings.version != version)
        rc = settings_load(b, version);
    b->settings_checked = rc == ENGSCHED_OK;
    return rc;
}

engsched_rc es_sqlite_setting_get(engsched_storage *s, const char *key, const char **out_value)
{
    es_sqlite *b = es_sqlite_of(s);
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc == ENGSCHED_OK)
        rc = settings_current(b);
    if (rc != ENGSCHED_OK)
        return rc;
    const char *value = key != NULL ? es_settings_cache_find(&b->settings, key) : NULL;
    if (value == NULL) {
        es_sql_error(&b->sql, "setting '%s' is not set", key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    *out_value = value;
    return ENGSCHED_OK;
}

engsched_rc es_sqlite_setting_set(engsched_storage *s, const char *key, const char *value)
{
    es_sqlite *b = es_sqlite_of(s);
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sqlite_settings_forget(b);
    return es_sql_setting_write(&b->sql, key, value);
}
