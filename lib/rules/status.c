/* The status table of docs/design.md §2: mapping, labels, names and colours. */
#include <string.h>

#include "rules/rules.h"

typedef struct status_info {
    const char *name;
    const char *label;
    const char *colour;
} status_info;

/* Indexed by engsched_status; colours chosen to stay distinct for the
 * common forms of colour blindness (Okabe–Ito palette). */
static const status_info statuses[] = {
    [ENGSCHED_STATUS_PENDING] = {"pending", "Pending", "#e69f00"},
    [ENGSCHED_STATUS_SCHEDULED] = {"scheduled", "Scheduled", "#56b4e9"},
    [ENGSCHED_STATUS_IN_PROGRESS] = {"in_progress", "In Progress", "#0072b2"},
    [ENGSCHED_STATUS_IN_REVIEW] = {"in_review", "In Review", "#cc79a7"},
    [ENGSCHED_STATUS_COMPLETE] = {"complete", "Complete", "#009e73"},
    [ENGSCHED_STATUS_CANCELED] = {"canceled", "Canceled", "#999999"},
};

static const status_info report_statuses[] = {
    [ENGSCHED_REPORT_NONE] = {"none", "None", NULL},
    [ENGSCHED_REPORT_DRAFT] = {"draft", "Draft", NULL},
    [ENGSCHED_REPORT_READY_FOR_REVIEW] = {"ready_for_review", "Ready for Review", NULL},
    [ENGSCHED_REPORT_IN_REVIEW] = {"in_review", "In Review", NULL},
    [ENGSCHED_REPORT_APPROVED] = {"approved", "Approved", NULL},
    [ENGSCHED_REPORT_PUBLISHED] = {"published", "Published", NULL},
};

int es_status_valid(int status)
{
    return status >= ENGSCHED_STATUS_PENDING && status <= ENGSCHED_STATUS_CANCELED;
}

int es_report_status_valid(int status)
{
    return status >= ENGSCHED_REPORT_NONE && status <= ENGSCHED_REPORT_PUBLISHED;
}

engsched_status engsched_status_derive(engsched_report_status report, int start_reached,
                                       int canceled)
{
    if (!es_report_status_valid((int)report))
        return (engsched_status)0;
    if (canceled)
        return ENGSCHED_STATUS_CANCELED;
    switch (report) {
    case ENGSCHED_REPORT_NONE:
        return ENGSCHED_STATUS_PENDING;
    case ENGSCHED_REPORT_DRAFT:
        return start_reached ? ENGSCHED_STATUS_IN_PROGRESS : ENGSCHED_STATUS_SCHEDULED;
    case ENGSCHED_REPORT_READY_FOR_REVIEW:
    case ENGSCHED_REPORT_IN_REVIEW:
    case ENGSCHED_REPORT_APPROVED:
        return ENGSCHED_STATUS_IN_REVIEW;
    case ENGSCHED_REPORT_PUBLISHED:
        return ENGSCHED_STATUS_COMPLETE;
    }
    return (engsched_status)0;
}

const char *engsched_status_label(engsched_status status)
{
    return es_status_valid((int)status) ? statuses[status].label : "Unknown";
}

const char *engsched_status_name(engsched_status status)
{
    return es_status_valid((int)status) ? statuses[status].name : "unknown";
}

const char *engsched_status_colour(engsched_status status)
{
    return es_status_valid((int)status) ? statuses[status].colour : "#777777";
}

engsched_rc engsched_status_parse(const char *name, engsched_status *out)
{
    if (name == NULL || out == NULL)
        return ENGSCHED_EINVAL;
    for (int s = ENGSCHED_STATUS_PENDING; s <= ENGSCHED_STATUS_CANCELED; s++) {
        if (strcmp(name, statuses[s].name) == 0) {
            *out = (engsched_status)s;
            return ENGSCHED_OK;
        }
    }
    return ENGSCHED_EINVAL;
}

const char *engsched_report_status_label(engsched_report_status status)
{
    return es_report_status_valid((int)status) ? report_statuses[status].label : "Unknown";
}

const char *engsched_report_status_name(engsched_report_status status)
{
    return es_report_status_valid((int)status) ? report_statuses[status].name : "unknown";
}

engsched_rc engsched_report_status_parse(const char *name, engsched_report_status *out)
{
    if (name == NULL || out == NULL)
        return ENGSCHED_EINVAL;
    for (int s = ENGSCHED_REPORT_NONE; s <= ENGSCHED_REPORT_PUBLISHED; s++) {
        if (strcmp(name, report_statuses[s].name) == 0) {
            *out = (engsched_report_status)s;
            return ENGSCHED_OK;
        }
    }
    return ENGSCHED_EINVAL;
}

/* The same numbers as es_partstat (calendar_rules.c): one name table. */
const char *engsched_response_name(engsched_response response)
{
    return es_partstat_name((int)response);
}
