/* The SQLite backend's support files: the metadata row is the SQL core's,
 * the bytes live in file_data, apart from files so that listing metadata
 * never reads a blob page, and move through incremental blob I/O. */
#include <stdio.h>

#include "storage/sqlite/storage_sqlite.h"

/* Incremental blob I/O moves file bytes in pieces of this size, so a large
 * upload never needs one huge SQLite call. */
#define FILE_CHUNK ((size_t)64 * 1024)

/* Reserve the blob with zeroblob() (no copy of the data in SQL), then
 * fill it through incremental blob I/O in FILE_CHUNK pieces. */
static engsched_rc file_data_write(es_sqlite *b, engsched_id id, const void *data, int64_t size)
{
    sqlite3_blob *blob = NULL;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_SQLITE_FILE_DATA_INSERT, "storing file data");
    es_sql_int(&c, id);
    es_sql_int(&c, size);
    engsched_rc rc = es_sql_exec(&c);
    if (rc != ENGSCHED_OK || size == 0)
        return rc;
    int src = sqlite3_blob_open(b->db, "main", "file_data", "data", id, 1, &blob);
    if (src != SQLITE_OK) {
        rc = es_sqlite_fail(b, src, "opening file data");
        goto out;
    }
    const unsigned char *bytes = data;
    for (int64_t off = 0; off < size; off += (int64_t)FILE_CHUNK) {
        int64_t n = size - off < (int64_t)FILE_CHUNK ? size - off : (int64_t)FILE_CHUNK;
        src = sqlite3_blob_write(blob, bytes + off, (int)n, (int)off);
        if (src != SQLITE_OK) {
            rc = es_sqlite_fail(b, src, "writing file data");
            goto out;
        }
    }
out:
    sqlite3_blob_close(blob);
    return rc;
}

engsched_rc es_sqlite_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                                  const void *data, engsched_id *out_id)
{
    es_sqlite *b = es_sqlite_of(s);
    engsched_id id = 0;
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc == ENGSCHED_OK)
        rc = es_sql_file_check(&b->sql, meta, data);
    if (rc == ENGSCHED_OK)
        rc = es_sql_file_meta_insert(&b->sql, meta, &id);
    if (rc == ENGSCHED_OK)
        rc = file_data_write(b, id, data, meta->size);
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

/* After a failed blob open (rc, already described): ENOTFOUND if the
 * file simply does not exist. SQLite reports a missing row as a generic
 * SQLITE_ERROR, so ask the files table rather than parse its message. */
static engsched_rc file_open_failure(es_sqlite *b, engsched_id id, engsched_rc rc)
{
    char message[ES_SQL_MESSAGE_MAX];
    snprintf(message, sizeof message, "%s", engsched_storage_errmsg(&b->sql.base));
    int64_t one = 0;
    int found = 1;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_SQLITE_FILE_EXISTS, "finding a file");
    es_sql_int(&c, id);
    if (es_sql_query_int(&c, &one, &found) == ENGSCHED_OK && !found)
        return es_sql_not_found(&b->sql, "file", id);
    engsched_storage_set_error(&b->sql.base, "%s", message);
    return rc;
}

engsched_rc es_sqlite_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                                size_t size, size_t *out_read)
{
    es_sqlite *b = es_sqlite_of(s);
    sqlite3_blob *blob = NULL;
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc != ENGSCHED_OK)
        return rc;
    if (offset < 0) {
        es_sql_error(&b->sql, "file %lld: negative offset %lld", (long long)id, (long long)offset);
        return ENGSCHED_EINVAL;
    }
    int src = sqlite3_blob_open(b->db, "main", "file_data", "data", id, 0, &blob);
    if (src != SQLITE_OK) {
        rc = file_open_failure(b, id, es_sqlite_fail(b, src, "opening file data"));
        goto out;
    }
    int64_t total = sqlite3_blob_bytes(blob);
    size_t n = 0;
    if (offset < total) {
        uint64_t left = (uint64_t)(total - offset);
        n = size < left ? size : (size_t)left; /* ≤ total, which fits an int */
    }
    if (n > 0 && (src = sqlite3_blob_read(blob, buf, (int)n, (int)offset)) != SQLITE_OK) {
        rc = es_sqlite_fail(b, src, "reading file data");
        goto out;
    }
    *out_read = n;
out:
    sqlite3_blob_close(blob);
    return rc;
}

/* The data row first (the child), although ON DELETE CASCADE would also
 * catch it: the backend does not depend on the pragma. */
engsched_rc es_sqlite_file_delete(engsched_storage *s, engsched_id id)
{
    es_sqlite *b = es_sqlite_of(s);
    engsched_rc rc = b->sql.drv->enter(&b->sql);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(&b->sql, ES_SQLITE_FILE_DATA_DELETE, "deleting file data");
    es_sql_int(&c, id);
    rc = es_sql_exec(&c);
    if (rc != ENGSCHED_OK)
        return rc;
    c = es_sql_cur_on(&b->sql, ES_SQLITE_FILE_DELETE, "file");
    es_sql_int(&c, id);
    return es_sql_exec_expect_row(&c, id);
}
