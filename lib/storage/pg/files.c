/* The PostgreSQL backend's support files and settings: the metadata row
 * is the SQL core's; the bytes are one bytea value, sent as one binary
 * parameter and read back a piece at a time. Settings are read on each
 * call, the row held like any record. */
#include <limits.h>
#include <string.h>

#include "storage/pg/storage_pg.h"

static engsched_rc enter(es_pg *b) { return b->sql.drv->enter(&b->sql); }

/* libpq's length is an int; the server's limit for one value is 1 GB,
 * reported as ETOOBIG. */
static engsched_rc check_size(es_pg *b, const engsched_rec_file *meta)
{
    if (meta->size <= INT_MAX)
        return ENGSCHED_OK;
    es_sql_error(&b->sql, "file '%s' has %lld bytes; at most %d fit in one value",
                 meta->name != NULL ? meta->name : "(null)", (long long)meta->size, INT_MAX);
    return ENGSCHED_ETOOBIG;
}

engsched_rc es_pg_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                              const void *data, engsched_id *out_id)
{
    es_pg *b = es_pg_of(s);
    engsched_id id = 0;
    engsched_rc rc = enter(b);
    if (rc == ENGSCHED_OK)
        rc = es_sql_file_check(&b->sql, meta, data);
    if (rc == ENGSCHED_OK)
        rc = check_size(b, meta);
    if (rc == ENGSCHED_OK)
        rc = es_sql_file_meta_insert(&b->sql, meta, &id);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_FILE_DATA_INSERT, "storing file data");
    es_sql_int(&c, id);
    es_sql_bytes(&c, data, (int)meta->size);
    rc = es_sql_exec(&c);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

/* One piece per call, as asked: the server sends only that piece. */
engsched_rc es_pg_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                            size_t size, size_t *out_read)
{
    es_pg *b = es_pg_of(s);
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    if (offset < 0) {
        es_sql_error(&b->sql, "file %lld: negative offset %lld", (long long)id, (long long)offset);
        return ENGSCHED_EINVAL;
    }
    /* A value holds at most 1 GB, so an offset past INT_MAX is past the
     * end; the piece is asked for in int-sized bites. */
    int64_t count = size < (size_t)INT_MAX ? (int64_t)size : INT_MAX;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_FILE_READ, "reading file data");
    c.binary = 1;
    es_sql_int(&c, id);
    es_sql_int(&c, offset < INT_MAX ? offset + 1 : INT_MAX);
    es_sql_int(&c, offset < INT_MAX ? count : 0);
    rc = es_sql_one(&c, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found)
        return es_sql_not_found(&b->sql, "file", id);
    PGresult *r = c.handle;
    size_t n = (size_t)PQgetlength(r, 0, 0);
    if (n > size)
        n = size;
    if (n > 0)
        memcpy(buf, PQgetvalue(r, 0, 0), n);
    es_sql_close(&c);
    *out_read = n;
    return ENGSCHED_OK;
}

/* file_data goes with it (ON DELETE CASCADE). */
engsched_rc es_pg_file_delete(engsched_storage *s, engsched_id id)
{
    es_pg *b = es_pg_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_FILE_DELETE, "file");
    es_sql_int(&c, id);
    return es_sql_exec_expect_row(&c, id);
}

engsched_rc es_pg_setting_get(engsched_storage *s, const char *key, const char **out_value)
{
    es_pg *b = es_pg_of(s);
    int found = 0;
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_PG_SETTING_GET, "reading a setting");
    es_sql_text(&c, key);
    rc = es_sql_one(&c, &found);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!found) {
        es_sql_error(&b->sql, "setting '%s' is not set", key != NULL ? key : "(null)");
        return ENGSCHED_ENOTFOUND;
    }
    b->held = c.handle;
    *out_value = es_sql_col_text(&c, 0);
    return ENGSCHED_OK;
}

engsched_rc es_pg_setting_set(engsched_storage *s, const char *key, const char *value)
{
    es_pg *b = es_pg_of(s);
    engsched_rc rc = enter(b);
    return rc != ENGSCHED_OK ? rc : es_sql_setting_write(&b->sql, key, value);
}
