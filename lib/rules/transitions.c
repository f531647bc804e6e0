/* Which operation may run in which status (docs/design.md §2, "Operations and
 * the transitions they may cause"), and the report workflow. */
#include <stddef.h>

#include "rules/rules.h"

#define S(x) (1u << ENGSCHED_STATUS_##x)

static const char *const op_names[ES_OP_COUNT] = {
    [ES_OP_VIEW] = "view",
    [ES_OP_REQUEST] = "request",
    [ES_OP_CREATE] = "create",
    [ES_OP_APPROVE] = "approve",
    [ES_OP_EDIT] = "edit",
    [ES_OP_CANCEL] = "cancel",
    [ES_OP_REPORT_STATUS] = "set report status",
    [ES_OP_TICK] = "start (tick)",
    [ES_OP_ASSIGN] = "assign",
    [ES_OP_FILE_ATTACH] = "attach a file",
    [ES_OP_FILE_READ] = "read a file",
    [ES_OP_FILE_DELETE] = "delete a file",
    [ES_OP_REPORT_VIEW] = "view the report",
    [ES_OP_VIEW_AVAILABILITY] = "view availability",
};

const char *es_op_name(es_op op)
{
    return (unsigned)op < ES_OP_COUNT ? op_names[op] : "unknown operation";
}

/* The statuses each operation may start from. Request and create make a
 * new engagement, so no existing status qualifies. */
static unsigned int allowed_from(es_op op)
{
    const unsigned int open = S(PENDING) | S(SCHEDULED) | S(IN_PROGRESS) | S(IN_REVIEW);
    switch (op) {
    case ES_OP_VIEW:
    case ES_OP_FILE_READ:
    case ES_OP_REPORT_VIEW:
        return open | S(COMPLETE) | S(CANCELED);
    case ES_OP_APPROVE:
        return S(PENDING);
    case ES_OP_EDIT:
    case ES_OP_CANCEL:
    case ES_OP_ASSIGN:
    case ES_OP_FILE_ATTACH:
    case ES_OP_FILE_DELETE:
        return open;
    case ES_OP_REPORT_STATUS:
        return S(SCHEDULED) | S(IN_PROGRESS) | S(IN_REVIEW) | S(COMPLETE);
    case ES_OP_TICK:
        return S(SCHEDULED);
    case ES_OP_REQUEST:
    case ES_OP_CREATE:
    case ES_OP_VIEW_AVAILABILITY:
    case ES_OP_COUNT:
        break;
    }
    return 0;
}

int es_op_allowed_in(es_op op, engsched_status status, engsched_report_status report)
{
    if (!es_status_valid((int)status) || !es_report_status_valid((int)report))
        return 0;
    if ((allowed_from(op) & (1u << status)) == 0)
        return 0;
    if (op == ES_OP_REPORT_STATUS || op == ES_OP_REPORT_VIEW)
        return report != ENGSCHED_REPORT_NONE;
    return 1;
}

int es_report_move_allowed(engsched_report_status from, engsched_report_status to)
{
    if (!es_report_status_valid((int)from) || !es_report_status_valid((int)to))
        return 0;
    if (from == ENGSCHED_REPORT_NONE || to == ENGSCHED_REPORT_NONE)
        return 0;
    if (to == ENGSCHED_REPORT_DRAFT)
        return from != ENGSCHED_REPORT_DRAFT;
    return to == from + 1;
}

const char *es_status_change_action(engsched_status before, engsched_status after,
                                    const char *otherwise)
{
    if (before == after)
        return otherwise;
    switch (after) {
    case ENGSCHED_STATUS_IN_PROGRESS:
        return "engagement.started";
    case ENGSCHED_STATUS_IN_REVIEW:
        return "engagement.in_review";
    case ENGSCHED_STATUS_COMPLETE:
        return "engagement.completed";
    case ENGSCHED_STATUS_CANCELED:
        return "engagement.canceled";
    default:
        return otherwise;
    }
}
