/* The audit trail: an engagement's events, read back as JSON. */
#include "core/engagement_store.h"
#include "core/events.h"
#include "delivery/delivery.h"

#define AUDIT_PAGE 256

typedef struct audit_page {
    json_t *array;
    int64_t last_seq;
    unsigned int count;
    int corrupt;
} audit_page;

static engsched_rc append_event(void *ctx, const engsched_rec_event *row)
{
    audit_page *page = ctx;
    engsched_rc rc;
    json_t *doc = es_event_document(row, &rc);
    if (doc == NULL) {
        page->corrupt = rc == ENGSCHED_ECORRUPT;
        return rc;
    }
    if (json_array_append_new(page->array, doc) != 0)
        return ENGSCHED_ENOMEM;
    page->last_seq = row->seq;
    page->count++;
    return ENGSCHED_OK;
}

static engsched_rc read_trail(engsched *db, engsched_id engagement, json_t *array)
{
    audit_page page = {array, 0, 0, 0};
    do {
        page.count = 0;
        engsched_rc rc = db->storage->event_list(db->storage, engagement, page.last_seq,
                                                 AUDIT_PAGE, append_event, &page);
        if (rc == ENGSCHED_ENOMEM)
            return es_fail(db, rc, "out of memory reading events");
        if (rc == ENGSCHED_ECORRUPT && page.corrupt)
            return es_fail(db, rc, "an event of engagement %lld has details that are not JSON",
                           (long long)engagement);
        if (rc != ENGSCHED_OK)
            return es_storage_fail(db, rc, "reading events");
    } while (page.count == AUDIT_PAGE);
    return ENGSCHED_OK;
}

engsched_rc engsched_events_json(engsched *db, engsched_id actor, engsched_id engagement,
                                 char **out_json)
{
    ES_CHECK_DB(db);
    if (out_json == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out_json: must not be NULL");
    json_t *array = json_array();
    if (array == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory reading events");
    char *text = NULL;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        goto out;
    es_actor who;
    es_engagement e;
    rc = es_engagement_open(db, actor, engagement, ES_OP_VIEW, 0, 0, &who, &e);
    if (rc == ENGSCHED_OK) {
        es_engagement_release(&e);
        rc = read_trail(db, engagement, array);
    }
    rc = es_finish_and_deliver(db, rc);
    if (rc == ENGSCHED_OK && (text = es_json_dump(array, JSON_COMPACT)) == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory rendering events");
    if (rc == ENGSCHED_OK)
        *out_json = text;
out:
    json_decref(array);
    return rc;
}
