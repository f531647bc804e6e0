/* The capabilities mask: every action checked with the same two rules the
 * operations use, so the buttons a UI draws never disagree with them. */
#include "rules/rules.h"

static int permitted(int is_system, unsigned int permissions, int has_access, es_op op,
                     engsched_report_status target, engsched_status status,
                     engsched_report_status report)
{
    return es_authorize(is_system, permissions, has_access, op, target) == ENGSCHED_OK &&
           es_op_allowed_in(op, status, report);
}

/* A report action is offered when at least one of its targets is a move
 * the workflow allows from here. */
static int report_move_permitted(int is_system, unsigned int permissions, int has_access,
                                 engsched_status status, engsched_report_status report,
                                 engsched_report_status a, engsched_report_status b)
{
    engsched_report_status targets[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        if (permitted(is_system, permissions, has_access, ES_OP_REPORT_STATUS, targets[i], status,
                      report) &&
            es_report_move_allowed(report, targets[i]))
            return 1;
    }
    return 0;
}

unsigned int es_capabilities_compute(int is_system, unsigned int permissions, int has_access,
                                     engsched_status status, engsched_report_status report)
{
    static const struct {
        es_op op;
        unsigned int action;
    } simple[] = {
        {ES_OP_VIEW, ENGSCHED_ACTION_VIEW},
        {ES_OP_APPROVE, ENGSCHED_ACTION_APPROVE},
        {ES_OP_EDIT, ENGSCHED_ACTION_EDIT},
        {ES_OP_CANCEL, ENGSCHED_ACTION_CANCEL},
        {ES_OP_ASSIGN, ENGSCHED_ACTION_ASSIGN},
        {ES_OP_FILE_ATTACH, ENGSCHED_ACTION_FILES_UPLOAD},
        {ES_OP_FILE_READ, ENGSCHED_ACTION_FILES_DOWNLOAD},
        {ES_OP_FILE_DELETE, ENGSCHED_ACTION_FILES_DELETE},
        {ES_OP_REPORT_VIEW, ENGSCHED_ACTION_REPORT_VIEW},
    };
    unsigned int actions = 0;
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        if (permitted(is_system, permissions, has_access, simple[i].op, ENGSCHED_REPORT_NONE,
                      status, report))
            actions |= simple[i].action;
    }
    if (report_move_permitted(is_system, permissions, has_access, status, report,
                              ENGSCHED_REPORT_DRAFT, ENGSCHED_REPORT_READY_FOR_REVIEW))
        actions |= ENGSCHED_ACTION_REPORT_EDIT;
    if (report_move_permitted(is_system, permissions, has_access, status, report,
                              ENGSCHED_REPORT_IN_REVIEW, ENGSCHED_REPORT_APPROVED))
        actions |= ENGSCHED_ACTION_REPORT_REVIEW;
    if (report_move_permitted(is_system, permissions, has_access, status, report,
                              ENGSCHED_REPORT_PUBLISHED, ENGSCHED_REPORT_PUBLISHED))
        actions |= ENGSCHED_ACTION_REPORT_PUBLISH;
    return actions;
}

static const char *const action_names[] = {
    "view",           "approve",        "edit",         "cancel",
    "assign",         "files_upload",   "files_download", "files_delete",
    "report_view",    "report_edit",    "report_review", "report_publish",
};

const char *engsched_action_name(unsigned int action)
{
    const unsigned int known = (1u << (sizeof action_names / sizeof action_names[0])) - 1;
    if (action == 0 || (action & (action - 1)) != 0 || (action & ~known) != 0)
        return NULL;
    unsigned int bit = 0;
    while ((1u << bit) != action)
        bit++;
    return action_names[bit];
}
