/* The settings entry points: an administrator changes a tenant setting
 * (validated by the core's table of keys) and the change is an event. */
#include <string.h>

#include "core/events.h"
#include "core/settings.h"
#include "delivery/delivery.h"

engsched_rc engsched_setting_set(engsched *db, engsched_id actor, const char *key,
                                 const char *value)
{
    ES_CHECK_DB(db);
    if (key == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "key: must not be NULL");
    engsched_rc rc = es_setting_check(db, key, value);
    if (rc != ENGSCHED_OK)
        return rc;
    if (strcmp(key, "store_id") == 0)
        return es_fail(db, ENGSCHED_EDENIED,
                       "store_id: the store's identity is made with the store and never changes");
    if (strcmp(key, "page_token_key") == 0)
        return es_fail(db, ENGSCHED_EDENIED,
                       "page_token_key: the library makes the page token key with the store");
    if ((rc = es_begin(db, 1)) != ENGSCHED_OK)
        return rc;
    es_actor who;
    rc = es_require_admin(db, actor, &who);
    if (rc == ENGSCHED_OK) {
        rc = db->storage->setting_set(db->storage, key, value);
        if (rc != ENGSCHED_OK)
            es_storage_fail(db, rc, "writing a setting");
        es_outbox_txn_forget(db); /* a batch's later items read it anew */
    }
    /* A secret is never written where others read: the event says only
     * whether one is set. */
    if (rc == ENGSCHED_OK && es_setting_is_secret(key))
        rc = es_emit(db, actor, 0, "settings.changed", 0, 0,
                     json_pack("{s:s, s:b}", "key", key, "set", value[0] != '\0'));
    else if (rc == ENGSCHED_OK)
        rc = es_emit(db, actor, 0, "settings.changed", 0, 0,
                     json_pack("{s:s, s:s}", "key", key, "value", value));
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_setting_get(engsched *db, const char *key, char **out_value)
{
    ES_CHECK_DB(db);
    if (key == NULL || out_value == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", key ? "out_value" : "key");
    if (!es_setting_known(key))
        return es_fail(db, ENGSCHED_EINVAL, "key: unknown setting \"%s\"", key);
    if (es_setting_is_secret(key))
        return es_fail(db, ENGSCHED_EDENIED,
                       "%s: a secret is write-only (set it again to change it)", key);
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    char *value = NULL;
    rc = es_finish_and_deliver(db, es_setting_read(db, key, &value));
    if (rc == ENGSCHED_OK)
        *out_value = value;
    else
        es_free(value);
    return rc;
}
