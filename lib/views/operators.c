/* The operators a viewer may see, in chunks: see views/operators.h. */
#include "views/operators.h"

void es_operator_source_init(es_operator_source *src, engsched *db, engsched_id scope)
{
    *src = (es_operator_source){.db = db, .scope = scope};
}

static void clear_rows(es_operator_source *src)
{
    for (unsigned int i = 0; i < src->count; i++)
        es_free(src->rows[i].name);
    src->count = src->pos = 0;
}

void es_operator_source_clear(es_operator_source *src)
{
    clear_rows(src);
    es_free(src->after_name);
    src->after_name = NULL;
}

static engsched_rc collect_operator(void *ctx, const engsched_rec_user *row)
{
    es_operator_source *src = ctx;
    if (src->count == ES_OPERATOR_CHUNK)
        return ENGSCHED_OK;
    char *name = es_strdup(row->display_name);
    if (name == NULL)
        return ENGSCHED_ENOMEM;
    src->rows[src->count++] = (es_operator){row->id, name};
    return ENGSCHED_OK;
}

/* The chunk after the last row of the current one. */
static engsched_rc refill(es_operator_source *src)
{
    engsched *db = src->db;
    if (src->count > 0) {
        char *name = es_strdup(src->rows[src->count - 1].name);
        if (name == NULL)
            return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading operators");
        es_free(src->after_name);
        src->after_name = name;
        src->after_id = src->rows[src->count - 1].id;
    }
    clear_rows(src);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = db->storage->users_with_permissions(db->storage, ES_OPERATOR_PERMISSIONS, src->scope,
                                             src->after_name, src->after_id, ES_OPERATOR_CHUNK,
                                             collect_operator, src);
    if (rc == ENGSCHED_ENOMEM)
        es_fail(db, rc, "out of memory reading operators");
    else if (rc != ENGSCHED_OK)
        es_storage_fail(db, rc, "reading operators");
    rc = es_finish(db, rc);
    if (rc != ENGSCHED_OK) {
        clear_rows(src);
        return rc;
    }
    src->done = src->count < ES_OPERATOR_CHUNK;
    return ENGSCHED_OK;
}

engsched_rc es_operator_source_next(es_operator_source *src, const es_operator **out)
{
    *out = NULL;
    if (src->pos >= src->count) {
        if (src->done)
            return ENGSCHED_OK;
        engsched_rc rc = refill(src);
        if (rc != ENGSCHED_OK)
            return rc;
        if (src->pos >= src->count)
            return ENGSCHED_OK;
    }
    *out = &src->rows[src->pos++];
    return ENGSCHED_OK;
}
