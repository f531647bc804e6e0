/* What an engagement's state says to a calendar (rules/rules.h). Pure. */
#include <stddef.h>

#include "rules/rules.h"

es_cal_status es_calendar_status(int engagement_status, int invitation_canceled)
{
    /* A withdrawn invitation is cancelled whatever the engagement does. */
    if (invitation_canceled)
        return ES_CAL_CANCELLED;
    switch (engagement_status) {
    case ENGSCHED_STATUS_SCHEDULED:
    case ENGSCHED_STATUS_IN_PROGRESS:
    case ENGSCHED_STATUS_IN_REVIEW:
    case ENGSCHED_STATUS_COMPLETE:
        return ES_CAL_CONFIRMED;
    case ENGSCHED_STATUS_CANCELED:
        return ES_CAL_CANCELLED;
    default: /* Pending, and what this version does not know */
        return ES_CAL_TENTATIVE;
    }
}

es_cal_status es_assignment_calendar_status(int engagement_status, int invitation_canceled,
                                            int hold)
{
    es_cal_status shown = es_calendar_status(engagement_status, invitation_canceled);
    return shown == ES_CAL_CONFIRMED && hold ? ES_CAL_TENTATIVE : shown;
}

int es_calendar_transparent(int engagement_status)
{
    /* Only approved work blocks an operator's time; the Canceled entry is
     * opaque like the booking it cancels, so clients match it up. */
    switch (engagement_status) {
    case ENGSCHED_STATUS_SCHEDULED:
    case ENGSCHED_STATUS_IN_PROGRESS:
    case ENGSCHED_STATUS_IN_REVIEW:
    case ENGSCHED_STATUS_COMPLETE:
    case ENGSCHED_STATUS_CANCELED:
        return 0;
    default:
        return 1;
    }
}

const char *es_partstat_name(int partstat)
{
    static const char *const names[] = {
        [ES_PARTSTAT_NONE] = "none",
        [ES_PARTSTAT_ACCEPTED] = "accepted",
        [ES_PARTSTAT_DECLINED] = "declined",
        [ES_PARTSTAT_TENTATIVE] = "tentative",
    };
    if (partstat < 0 || (size_t)partstat >= sizeof names / sizeof names[0])
        return NULL;
    return names[partstat];
}
