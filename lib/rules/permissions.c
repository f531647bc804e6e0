/* The permission table of docs/design.md §3: built-in roles, what each
 * operation needs, and the order in which refusals are reported. */
#include "rules/rules.h"

#define P(x) ENGSCHED_PERM_##x

unsigned int engsched_builtin_role_permissions(engsched_id role)
{
    switch (role) {
    case ENGSCHED_ROLE_ADMINISTRATOR:
        return ENGSCHED_PERM_ALL;
    case ENGSCHED_ROLE_MANAGER:
        return ENGSCHED_PERM_ALL & ~(unsigned int)P(ADMIN);
    case ENGSCHED_ROLE_OPERATOR:
        return P(VIEW) | P(REQUEST) | P(FILES_UPLOAD) | P(FILES_DOWNLOAD) | P(REPORT_VIEW) |
               P(REPORT_EDIT);
    case ENGSCHED_ROLE_CLIENT:
        return P(VIEW) | P(REQUEST) | P(FILES_UPLOAD) | P(FILES_DOWNLOAD);
    case ENGSCHED_ROLE_VIEWER:
        return P(VIEW);
    default:
        return 0;
    }
}

static const char *const permission_names[] = {
    "view",          "request",     "create",        "approve",        "edit",
    "cancel",        "assign",      "view_availability", "files_upload", "files_download",
    "report_view",   "report_edit", "report_review", "report_publish", "admin",
};

const char *engsched_permission_name(unsigned int permission)
{
    if (permission == 0 || (permission & (permission - 1)) != 0 ||
        (permission & ~(unsigned int)ENGSCHED_PERM_ALL) != 0)
        return NULL;
    unsigned int bit = 0;
    while ((1u << bit) != permission)
        bit++;
    return permission_names[bit];
}

int engsched_permissions_are_operator(unsigned int permissions)
{
    const unsigned int need = P(REPORT_VIEW) | P(REPORT_EDIT);
    return (permissions & need) == need;
}

static unsigned int report_target_permission(engsched_report_status target)
{
    switch (target) {
    case ENGSCHED_REPORT_DRAFT:
    case ENGSCHED_REPORT_READY_FOR_REVIEW:
        return P(REPORT_EDIT);
    case ENGSCHED_REPORT_IN_REVIEW:
    case ENGSCHED_REPORT_APPROVED:
        return P(REPORT_REVIEW);
    case ENGSCHED_REPORT_PUBLISHED:
        return P(REPORT_PUBLISH);
    default:
        return 0; /* not a workflow stage: no user may move a report there */
    }
}

unsigned int es_op_permission(es_op op, engsched_report_status target)
{
    switch (op) {
    case ES_OP_VIEW:
        return P(VIEW);
    case ES_OP_REQUEST:
        return P(REQUEST);
    case ES_OP_CREATE:
        return P(CREATE);
    case ES_OP_APPROVE:
        return P(APPROVE);
    case ES_OP_EDIT:
        return P(EDIT);
    case ES_OP_CANCEL:
        return P(CANCEL);
    case ES_OP_REPORT_STATUS:
        return report_target_permission(target);
    case ES_OP_TICK:
        return 0;
    case ES_OP_ASSIGN:
        return P(ASSIGN);
    case ES_OP_FILE_ATTACH:
        return P(FILES_UPLOAD);
    case ES_OP_FILE_READ:
        return P(FILES_DOWNLOAD);
    case ES_OP_FILE_DELETE:
        return P(EDIT);
    case ES_OP_REPORT_VIEW:
        return P(REPORT_VIEW);
    case ES_OP_VIEW_AVAILABILITY:
        return P(VIEW_AVAILABILITY);
    case ES_OP_COUNT:
        break;
    }
    return 0; /* unknown operation: nobody but the system */
}

const char *es_permission_needed(es_op op, engsched_report_status target)
{
    const char *name = engsched_permission_name(es_op_permission(op, target));
    return name != NULL ? name : "a permission no user holds";
}

int es_op_needs_view(es_op op)
{
    /* Request and create make an engagement rather than act on one; the
     * Availability view has its own permission and scope; the tick is the
     * system's. Everything else reads or changes an existing engagement. */
    switch (op) {
    case ES_OP_VIEW:
    case ES_OP_APPROVE:
    case ES_OP_EDIT:
    case ES_OP_CANCEL:
    case ES_OP_REPORT_STATUS:
    case ES_OP_ASSIGN:
    case ES_OP_FILE_ATTACH:
    case ES_OP_FILE_READ:
    case ES_OP_FILE_DELETE:
    case ES_OP_REPORT_VIEW:
        return 1;
    default:
        return 0;
    }
}

const char *es_permission_missing(unsigned int permissions, es_op op, engsched_report_status target)
{
    if (es_op_needs_view(op) && es_op_permission(op, target) != 0 && !(permissions & P(VIEW)))
        return engsched_permission_name(P(VIEW));
    return es_permission_needed(op, target);
}

engsched_rc es_authorize(int is_system, unsigned int permissions, int has_access, es_op op,
                         engsched_report_status target)
{
    if (is_system)
        return ENGSCHED_OK;
    if (!has_access)
        return ENGSCHED_ENOTFOUND;
    unsigned int need = es_op_permission(op, target);
    /* 0 marks system-only or unknown operations; a bit this version does
     * not know (a newer store, a custom backend) never grants anything. */
    if (need == 0 || (need & ~(unsigned int)ENGSCHED_PERM_ALL) != 0)
        return ENGSCHED_EDENIED;
    /* Acting on an engagement one may not see would let a role without
     * VIEW learn (and change) what its detail hides. */
    if (es_op_needs_view(op))
        need |= P(VIEW);
    return (permissions & need) == need ? ENGSCHED_OK : ENGSCHED_EDENIED;
}

int es_user_in_sight(int is_system, int same_user, unsigned int actor_flags,
                     unsigned int user_flags, int shares_client)
{
    return is_system || same_user || ((actor_flags | user_flags) & ENGSCHED_USER_ALL_CLIENTS) ||
           shares_client;
}

engsched_rc es_authorize_personal(int is_system, int own, int in_sight, unsigned int permissions,
                                  unsigned int needed)
{
    if (!in_sight)
        return ENGSCHED_ENOTFOUND;
    if (is_system || own || (permissions & needed) != 0)
        return ENGSCHED_OK;
    return ENGSCHED_EDENIED;
}

engsched_rc es_authorize_own_or_admin(int is_system, engsched_id actor, unsigned int permissions,
                                      engsched_id user)
{
    if (is_system || actor == user || (permissions & ENGSCHED_PERM_ADMIN))
        return ENGSCHED_OK;
    return ENGSCHED_EDENIED;
}

engsched_id es_feed_second_scope(engsched_id owner, engsched_id issued_by)
{
    return issued_by > 0 && issued_by != owner ? issued_by : 0;
}

es_assignee es_assignee_check(int exists, int in_sight, int is_operator, int has_access)
{
    if (!exists || !in_sight)
        return ES_ASSIGNEE_NOT_FOUND;
    if (!is_operator)
        return ES_ASSIGNEE_NOT_OPERATOR;
    return has_access ? ES_ASSIGNEE_OK : ES_ASSIGNEE_NO_ACCESS;
}

int es_availability_shows(int anonymous, unsigned int status_bit, unsigned int shown,
                          unsigned int occupying)
{
    return (status_bit & (anonymous ? occupying : shown)) != 0;
}
