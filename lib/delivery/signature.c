/* Signatures of event documents under the tenant's webhook secret
 * (engsched_event_deliver_fn documents the scheme for receivers). */
#include <string.h>

#include "core/settings.h"
#include "delivery/delivery.h"

engsched_rc es_webhook_secret(engsched *db, char **out)
{
    return es_setting_read(db, "webhook_secret", out);
}

const char *es_event_sign(const char *secret, const char *json, size_t length,
                          char out[ES_SIGNATURE_LEN])
{
    if (secret == NULL || secret[0] == '\0')
        return NULL;
    if (!es_signature(secret, strlen(secret), json, length, out))
        return NULL;
    return out;
}
