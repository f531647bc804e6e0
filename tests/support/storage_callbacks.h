/* The data callbacks of engsched_storage version 1 (all but free and
 * rollback, which wrappers tend to treat apart), as an X-macro: a test
 * wrapper that forwards every callback to an inner backend fills its
 * table with one line, and a callback added to the table is added here
 * once for every wrapper. */
#ifndef ENGSCHED_TEST_STORAGE_CALLBACKS_H
#define ENGSCHED_TEST_STORAGE_CALLBACKS_H

#define ES_TEST_STORAGE_DATA_CALLBACKS(X)                                                   \
    X(prepare) X(set_busy_timeout) X(begin) X(commit) X(schema_version) X(setting_get)      \
    X(setting_set) X(client_upsert) X(client_get) X(client_find) X(user_upsert)             \
    X(user_get) X(user_find) X(role_insert) X(role_update) X(role_get) X(role_find)          \
    X(access_grant) X(access_revoke) X(access_check) X(engagement_insert)                   \
    X(engagement_update) X(engagement_get) X(report_engagement) X(engagements_due)          \
    X(assignment_insert) X(assignment_delete) X(assignment_list) X(file_insert)             \
    X(file_get) X(file_read) X(file_delete) X(file_list) X(event_append) X(event_list)      \
    X(event_last_seq) X(engagement_query) X(users_with_permissions) X(operator_work)        \
    X(unavailability_insert) X(unavailability_get) X(unavailability_delete)                 \
    X(unavailability_list) X(invitation_get) X(invitation_put) X(client_list)               \
    X(user_list) X(role_list) X(access_list)

/* The savepoint callbacks of version 2. */
#define ES_TEST_STORAGE_SAVEPOINT_CALLBACKS(X) X(savepoint) X(release) X(rollback_to)

#endif
