/* Support files: attach within the tenant's limits, list, stream out in
 * chunks, delete. The bytes live in the storage backend. */
#include <string.h>

#include "core/engagement_store.h"
#include "core/events.h"
#include "core/settings.h"
#include "core/validate.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

typedef struct file_limits {
    int64_t max_bytes;
    int64_t max_count;
} file_limits;

static engsched_rc read_limits(engsched *db, file_limits *out)
{
    engsched_rc rc = es_setting_int(db, "file_max_bytes", &out->max_bytes);
    if (rc == ENGSCHED_OK)
        rc = es_setting_int(db, "file_max_count", &out->max_count);
    return rc;
}

static engsched_rc count_row(void *ctx, const engsched_rec_file *row)
{
    (void)row;
    (*(int64_t *)ctx)++;
    return ENGSCHED_OK;
}

static engsched_rc count_files(engsched *db, engsched_id engagement, int64_t *out)
{
    *out = 0;
    engsched_rc rc = db->storage->file_list(db->storage, engagement, count_row, out);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "counting files");
    return ENGSCHED_OK;
}

static engsched_rc store_file(engsched *db, const es_actor *actor, const es_engagement *e,
                              const file_limits *limits, int64_t existing, const char *name,
                              const char *media_type, const void *data, size_t size,
                              int64_t now, engsched_id *out_id)
{
    if ((uint64_t)size > (uint64_t)limits->max_bytes)
        return es_fail(db, ENGSCHED_ETOOBIG,
                       "file \"%s\": %zu bytes is over the limit of %lld (file_max_bytes)", name,
                       size, (long long)limits->max_bytes);
    if (existing >= limits->max_count)
        return es_fail(db, ENGSCHED_ETOOBIG,
                       "file \"%s\": engagement %lld already has %lld files (file_max_count)",
                       name, (long long)e->rec.id, (long long)existing);
    engsched_rec_file meta = {0,         e->rec.id, name, media_type, (int64_t)size,
                              actor->id, now};
    engsched_id id = 0;
    engsched_rc rc = db->storage->file_insert(db->storage, &meta, data, &id);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "storing a file");
    rc = es_emit(db, actor->id, e->rec.id, "file.attached", e->rec.status, e->rec.status,
                 json_pack("{s:I, s:s, s:s, s:I}", "file", (json_int_t)id, "name", name,
                           "media_type", media_type, "size", (json_int_t)size));
    if (rc == ENGSCHED_OK && out_id != NULL)
        *out_id = id;
    return rc;
}

engsched_rc es_attach_input_files(engsched *db, const es_actor *actor, const es_engagement *e,
                                  const engsched_input *in, int64_t now)
{
    if (in == NULL || in->file_count == 0)
        return ENGSCHED_OK;
    if (!actor->is_system && !(actor->permissions & ENGSCHED_PERM_FILES_UPLOAD))
        return es_fail(db, ENGSCHED_EDENIED, "user %lld may not attach files (needs files_upload)",
                       (long long)actor->id);
    file_limits limits;
    engsched_rc rc = read_limits(db, &limits);
    for (size_t i = 0; rc == ENGSCHED_OK && i < in->file_count; i++) {
        const es_input_file *f = &in->files[i];
        rc = store_file(db, actor, e, &limits, (int64_t)i, f->name, f->media_type, f->data,
                        f->size, now, NULL);
    }
    return rc;
}

engsched_rc engsched_file_attach(engsched *db, engsched_id actor, engsched_id engagement,
                                 const char *name, const char *media_type, const void *data,
                                 size_t size, engsched_id *out_file)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_check_file_name(db, "name", name);
    if (rc != ENGSCHED_OK)
        return rc;
    if (media_type != NULL && (rc = es_check_media_type(db, "media_type", media_type)) != 0)
        return rc;
    if (data == NULL && size != 0)
        return es_fail(db, ENGSCHED_EINVAL, "data: NULL with a size of %zu", size);
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    file_limits limits;
    int64_t existing = 0;
    rc = es_engagement_open(db, actor, engagement, ES_OP_FILE_ATTACH, 0, 0, &who, &e);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    if ((rc = read_limits(db, &limits)) == ENGSCHED_OK &&
        (rc = count_files(db, engagement, &existing)) == ENGSCHED_OK)
        rc = store_file(db, &who, &e, &limits, existing, name,
                        media_type ? media_type : "application/octet-stream", data, size,
                        es_now(db), out_file);
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}

/* The file's engagement, opened for op: the same visibility rules as the
 * engagement itself, so a file never outlives its client scoping. */
static engsched_rc open_file(engsched *db, engsched_id actor, engsched_id file, es_op op,
                             es_actor *who, es_engagement *e, engsched_rec_file *meta)
{
    /* The actor first, as everywhere: an unknown actor is named before the
     * file is looked at. */
    engsched_rc rc = es_actor_load(db, actor, who);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->file_get(db->storage, file, meta);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "file %lld not found", (long long)file);
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading a file");
    engsched_id engagement = meta->engagement;
    rc = es_engagement_open(db, actor, engagement, op, 0, 0, who, e);
    if (rc == ENGSCHED_ENOTFOUND)
        return es_fail(db, rc, "file %lld not found", (long long)file);
    if (rc != ENGSCHED_OK)
        return rc;
    /* Read again: the strings of the first read died with the next call. */
    rc = db->storage->file_get(db->storage, file, meta);
    if (rc != ENGSCHED_OK) {
        es_engagement_release(e);
        return es_storage_fail(db, rc, "reading a file");
    }
    return ENGSCHED_OK;
}

engsched_rc engsched_file_read(engsched *db, engsched_id actor, engsched_id file, int64_t offset,
                               void *buf, size_t size, size_t *out_read)
{
    ES_CHECK_DB(db);
    if (out_read == NULL || (buf == NULL && size != 0))
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", out_read ? "buf" : "out_read");
    if (offset < 0)
        return es_fail(db, ENGSCHED_EINVAL, "offset: %lld is negative", (long long)offset);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    engsched_rec_file meta;
    size_t got = 0;
    rc = open_file(db, actor, file, ES_OP_FILE_READ, &who, &e, &meta);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    es_engagement_release(&e);
    if (size > 0) {
        rc = db->storage->file_read(db->storage, file, offset, buf, size, &got);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "reading file data");
    }
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK)
        *out_read = got;
    return rc;
}

engsched_rc engsched_file_delete(engsched *db, engsched_id actor, engsched_id file)
{
    ES_CHECK_DB(db);
    engsched_rc rc = es_begin(db, 1);
    if (rc != ENGSCHED_OK)
        return rc;
    es_actor who;
    es_engagement e;
    engsched_rec_file meta;
    rc = open_file(db, actor, file, ES_OP_FILE_DELETE, &who, &e, &meta);
    if (rc != ENGSCHED_OK)
        return es_finish_and_deliver(db, rc);
    json_t *details = json_pack("{s:I, s:s}", "file", (json_int_t)file, "name", meta.name);
    rc = db->storage->file_delete(db->storage, file);
    if (rc != ENGSCHED_OK) {
        json_decref(details);
        es_storage_fail(db, rc, "deleting a file");
    } else {
        rc = es_emit(db, actor, e.rec.id, "file.deleted", e.rec.status, e.rec.status, details);
    }
    es_engagement_release(&e);
    return es_finish_and_deliver(db, rc);
}

/* --- listing --- */

typedef struct file_item {
    engsched_id id;
    char *name;
    char *media_type;
    int64_t size;
    engsched_id uploaded_by;
    int64_t uploaded_at;
} file_item;

struct engsched_file_list {
    file_item *items;
    size_t count;
    size_t cap;
};

static engsched_rc collect_file(void *ctx, const engsched_rec_file *row)
{
    engsched_file_list *list = ctx;
    file_item *grown = es_grow(list->items, &list->cap, list->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    list->items = grown;
    file_item item = {row->id, es_strdup(row->name), es_strdup(row->media_type), row->size,
                      row->uploaded_by, row->uploaded_at};
    if (item.name == NULL || item.media_type == NULL) {
        es_free(item.name);
        es_free(item.media_type);
        return ENGSCHED_ENOMEM;
    }
    list->items[list->count++] = item;
    return ENGSCHED_OK;
}

void engsched_file_list_free(engsched_file_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++) {
        es_free(list->items[i].name);
        es_free(list->items[i].media_type);
    }
    es_free(list->items);
    es_free(list);
}

engsched_rc engsched_file_list_get(engsched *db, engsched_id actor, engsched_id engagement,
                                   engsched_file_list **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_file_list *list = es_calloc(1, sizeof *list);
    if (list == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory listing files");
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK) {
        engsched_file_list_free(list);
        return rc;
    }
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
    if (rc == ENGSCHED_OK) {
        es_engagement_release(&e);
        rc = db->storage->file_list(db->storage, engagement, collect_file, list);
        if (rc == ENGSCHED_ENOMEM)
            es_fail(db, rc, "out of memory listing files");
        else if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "listing files");
    }
    rc = es_finish_and_deliver(db, rc);
    if (rc != ENGSCHED_OK) {
        engsched_file_list_free(list);
        return rc;
    }
    *out = list;
    return ENGSCHED_OK;
}

size_t engsched_file_list_count(const engsched_file_list *list)
{
    return list ? list->count : 0;
}

engsched_rc engsched_file_list_item(const engsched_file_list *list, size_t index,
                                    engsched_id *out_id, const char **out_name,
                                    const char **out_media_type, int64_t *out_size,
                                    engsched_id *out_uploaded_by, int64_t *out_uploaded_at)
{
    if (list == NULL)
        return ENGSCHED_EMISUSE;
    if (index >= list->count)
        return ENGSCHED_EINVAL;
    const file_item *item = &list->items[index];
    if (out_id)
        *out_id = item->id;
    if (out_name)
        *out_name = item->name;
    if (out_media_type)
        *out_media_type = item->media_type;
    if (out_size)
        *out_size = item->size;
    if (out_uploaded_by)
        *out_uploaded_by = item->uploaded_by;
    if (out_uploaded_at)
        *out_uploaded_at = item->uploaded_at;
    return ENGSCHED_OK;
}
