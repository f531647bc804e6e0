/* The delivery rules: when a refused item is tried again, when it is dead,
 * which items an administrator may put back. Pure arithmetic on the
 * item's counters; the outbox itself is storage's. */
#include "rules/rules.h"

/* No retry waits longer than a day, however many refusals came before:
 * a receiver that is back the next morning gets its backlog then. */
#define ES_RETRY_MAX_SECONDS 86400

int64_t es_retry_delay(unsigned int attempts, int64_t base)
{
    if (base < 1)
        base = 1;
    if (base >= ES_RETRY_MAX_SECONDS)
        return ES_RETRY_MAX_SECONDS;
    int64_t delay = base;
    for (unsigned int i = 1; i < attempts && delay < ES_RETRY_MAX_SECONDS; i++)
        delay *= 2;
    return delay < ES_RETRY_MAX_SECONDS ? delay : ES_RETRY_MAX_SECONDS;
}

unsigned int es_delivery_refused(unsigned int attempts, unsigned int max_attempts, int64_t now,
                                 int64_t base, int64_t *out_next_at)
{
    if (attempts >= max_attempts) {
        *out_next_at = 0;
        return ENGSCHED_OUTBOX_DEAD;
    }
    int64_t delay = es_retry_delay(attempts, base);
    *out_next_at = now > INT64_MAX - delay ? INT64_MAX : now + delay;
    return ENGSCHED_OUTBOX_PENDING;
}

int es_outbox_requeueable(unsigned int state)
{
    return state == ENGSCHED_OUTBOX_DEAD || state == ENGSCHED_OUTBOX_UNDELIVERABLE;
}

engsched_rc es_authorize_unscoped_read(int is_system)
{
    return is_system ? ENGSCHED_OK : ENGSCHED_EDENIED;
}

const char *engsched_outbox_state_name(unsigned int state)
{
    switch (state) {
    case ENGSCHED_OUTBOX_PENDING:
        return "pending";
    case ENGSCHED_OUTBOX_DELIVERED:
        return "delivered";
    case ENGSCHED_OUTBOX_DEAD:
        return "dead";
    case ENGSCHED_OUTBOX_UNDELIVERABLE:
        return "undeliverable";
    default:
        return NULL;
    }
}

const char *engsched_outbox_kind_name(int kind)
{
    switch (kind) {
    case ENGSCHED_OUTBOX_MAIL:
        return "mail";
    case ENGSCHED_OUTBOX_EVENT:
        return "event";
    default:
        return NULL;
    }
}
