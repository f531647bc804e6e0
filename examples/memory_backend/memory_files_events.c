/* The in-memory backend's support files and event log.
 *
 * File bytes live in a reference-counted mem_blob. Nothing in the
 * interface changes a stored file, so the rollback copy of a transaction
 * shares the blob with the live state instead of copying megabytes. */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

/* --- files ------------------------------------------------------------- */

static mem_blob *blob_new(const void *data, size_t size)
{
    mem_blob *blob = malloc(sizeof *blob + size);
    if (blob == NULL)
        return NULL;
    blob->refs = 1;
    blob->size = size;
    if (size > 0)
        memcpy(blob->bytes, data, size);
    return blob;
}

static void blob_unref(mem_blob *blob)
{
    if (blob != NULL && --blob->refs == 0)
        free(blob);
}

static void file_release(void *item)
{
    mem_file *x = item;
    free(x->name);
    free(x->media_type);
    blob_unref(x->data);
}

static int file_copy(void *dst, const void *src)
{
    const mem_file *from = src;
    mem_file *to = dst;
    *to = *from;
    to->name = mem_strdup(from->name);
    to->media_type = mem_strdup(from->media_type);
    if (to->name == NULL || to->media_type == NULL) {
        free(to->name);
        free(to->media_type);
        return -1;
    }
    to->data->refs++; /* shared, not copied: the bytes never change */
    return 0;
}

static engsched_rec_file file_to_rec(const mem_file *f)
{
    return (engsched_rec_file){f->id,
                               f->engagement,
                               f->name,
                               f->media_type,
                               (int64_t)f->data->size,
                               f->uploaded_by,
                               f->uploaded_at};
}

static size_t file_index(const mem_state *st, engsched_id id)
{
    const mem_file *all = st->files.items;
    for (size_t i = 0; i < st->files.count; i++)
        if (all[i].id == id)
            return i;
    return (size_t)-1;
}

/* Store the metadata and meta->size bytes of @p data (meta->id ignored).
 * A zero-byte file may come with data NULL. */
engsched_rc mem_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                            const void *data, engsched_id *out_id)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "inserting a file", &rc);
    if (st == NULL)
        return rc;
    if (meta->name == NULL || meta->media_type == NULL)
        return mem_null_string(b, meta->name == NULL ? "file name" : "file media_type");
    if (meta->size < 0 || (meta->size > 0 && data == NULL))
        return mem_fail(b, ENGSCHED_EMISUSE, "file '%s': size %lld without data", meta->name,
                        (long long)meta->size);
    if ((uint64_t)meta->size > (uint64_t)(SIZE_MAX - sizeof(mem_blob)))
        return mem_fail(b, ENGSCHED_ETOOBIG, "file '%s': %lld bytes do not fit in memory",
                        meta->name, (long long)meta->size);
    mem_file fresh = {st->next_file,        meta->engagement,
                      mem_strdup(meta->name), mem_strdup(meta->media_type),
                      meta->uploaded_by,    meta->uploaded_at,
                      blob_new(data, (size_t)meta->size)};
    if (fresh.name == NULL || fresh.media_type == NULL || fresh.data == NULL ||
        mem_table_push(&st->files, &fresh, sizeof fresh) != 0) {
        file_release(&fresh);
        return mem_oom(b, "inserting a file");
    }
    st->next_file++;
    if (out_id != NULL)
        *out_id = fresh.id;
    return ENGSCHED_OK;
}

engsched_rc mem_file_get(engsched_storage *s, engsched_id id, engsched_rec_file *out)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading a file");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    size_t i = file_index(st, id);
    if (i == (size_t)-1)
        return mem_not_found(b, "file", id);
    *out = file_to_rec((const mem_file *)st->files.items + i);
    return ENGSCHED_OK;
}

/* Up to @p size bytes from @p offset; *out_read is 0 at or past the end
 * (not an error: that is how a reader learns it is done). */
engsched_rc mem_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                          size_t size, size_t *out_read)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading file data");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    if (offset < 0)
        return mem_fail(b, ENGSCHED_EINVAL, "file %lld: negative offset %lld", (long long)id,
                        (long long)offset);
    size_t i = file_index(st, id);
    if (i == (size_t)-1)
        return mem_not_found(b, "file", id);
    const mem_blob *blob = ((const mem_file *)st->files.items + i)->data;
    size_t n = 0;
    if ((uint64_t)offset < (uint64_t)blob->size) {
        size_t left = blob->size - (size_t)offset;
        n = size < left ? size : left;
        memcpy(buf, blob->bytes + offset, n);
    }
    *out_read = n;
    return ENGSCHED_OK;
}

engsched_rc mem_file_delete(engsched_storage *s, engsched_id id)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "deleting a file", &rc);
    if (st == NULL)
        return rc;
    size_t i = file_index(st, id);
    if (i == (size_t)-1)
        return mem_not_found(b, "file", id);
    /* The bytes go when the last reference does: the rollback copy may
     * still hold them. */
    mem_table_remove(&st->files, i, sizeof(mem_file), file_release);
    return ENGSCHED_OK;
}

/* An engagement's files, oldest first (ids rise with time: id order). */
engsched_rc mem_file_list(engsched_storage *s, engsched_id engagement,
                          engsched_storage_file_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing files");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    for (size_t i = 0; i < st->files.count; i++) {
        const mem_file *f = (const mem_file *)st->files.items + i;
        if (f->engagement != engagement)
            continue;
        engsched_rec_file rec = file_to_rec(f);
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

/* --- events ------------------------------------------------------------ */

static void event_release(void *item)
{
    mem_event *x = item;
    free(x->action);
    free(x->details);
}

static int event_copy(void *dst, const void *src)
{
    const mem_event *from = src;
    mem_event *to = dst;
    *to = *from;
    to->action = mem_strdup(from->action);
    to->details = mem_strdup(from->details);
    if (to->action == NULL || to->details == NULL) {
        event_release(to);
        return -1;
    }
    return 0;
}

/* Append with the next sequence number. Sequence numbers rise and are
 * never reused; a rolled-back append gives its number back, which is
 * fine: nobody outside the transaction saw it. NULL details are "{}". */
engsched_rc mem_event_append(engsched_storage *s, const engsched_rec_event *rec,
                             int64_t *out_seq)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "appending an event", &rc);
    if (st == NULL)
        return rc;
    if (rec->action == NULL)
        return mem_null_string(b, "event action");
    mem_event fresh = {st->next_seq,         rec->time,          rec->actor,
                       rec->engagement,      mem_strdup(rec->action), rec->status_before,
                       rec->status_after,    mem_strdup_or(rec->details, "{}")};
    if (fresh.action == NULL || fresh.details == NULL ||
        mem_table_push(&st->events, &fresh, sizeof fresh) != 0) {
        event_release(&fresh);
        return mem_oom(b, "appending an event");
    }
    st->next_seq++;
    if (out_seq != NULL)
        *out_seq = fresh.seq;
    return ENGSCHED_OK;
}

/* Events of one engagement (all when @p engagement is 0) with seq >
 * @p after_seq, oldest first, at most @p limit. */
engsched_rc mem_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                           unsigned int limit, engsched_storage_event_fn row, void *ctx)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "listing events");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    unsigned int sent = 0;
    for (size_t i = 0; i < st->events.count && sent < limit; i++) {
        const mem_event *e = (const mem_event *)st->events.items + i;
        if (e->seq <= after_seq || (engagement != 0 && e->engagement != engagement))
            continue;
        engsched_rec_event rec = {e->seq,    e->time,          e->actor,
                                  e->engagement, e->action,    e->status_before,
                                  e->status_after, e->details};
        engsched_rc rc = row(ctx, &rec);
        if (rc != ENGSCHED_OK)
            return rc;
        sent++;
    }
    return ENGSCHED_OK;
}

engsched_rc mem_event_last_seq(engsched_storage *s, int64_t *out_seq)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading the last event");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    const mem_event *all = st->events.items;
    *out_seq = st->events.count > 0 ? all[st->events.count - 1].seq : 0;
    return ENGSCHED_OK;
}

/* --- the rollback copy ------------------------------------------------- */

int mem_files_events_copy(mem_state *dst, const mem_state *src)
{
    if (mem_table_copy(&dst->files, &src->files, sizeof(mem_file), file_copy, file_release) !=
            0 ||
        mem_table_copy(&dst->events, &src->events, sizeof(mem_event), event_copy,
                       event_release) != 0)
        return -1;
    return 0;
}

void mem_files_events_free(mem_state *st)
{
    mem_table_free(&st->files, sizeof(mem_file), file_release);
    mem_table_free(&st->events, sizeof(mem_event), event_release);
}
