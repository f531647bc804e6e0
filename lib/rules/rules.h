/* rules/: the pure rules (status, transitions, permissions, capabilities);
 * no I/O, no allocation; includes util/ only. */
/* The rules of docs/design.md §2–§3 as pure functions of their inputs: no
 * storage, no allocation, no clock. Every entry point asks these and only
 * these; tests/unit/test_rules.c walks their whole input space. */
#ifndef ENGSCHED_RULES_H
#define ENGSCHED_RULES_H

#include <engsched/engsched.h>

/* The operations of docs/design.md §2 plus the reads and file actions that need
 * a permission of their own. */
typedef enum es_op {
    ES_OP_VIEW = 0,
    ES_OP_REQUEST,
    ES_OP_CREATE,
    ES_OP_APPROVE,
    ES_OP_EDIT,
    ES_OP_CANCEL,
    ES_OP_REPORT_STATUS,
    ES_OP_TICK,
    ES_OP_ASSIGN,
    ES_OP_FILE_ATTACH,
    ES_OP_FILE_READ,
    ES_OP_FILE_DELETE,
    ES_OP_REPORT_VIEW,
    ES_OP_VIEW_AVAILABILITY, /* a view, not an engagement operation */
    ES_OP_COUNT
} es_op;

const char *es_op_name(es_op op);

/* status.c */
int es_status_valid(int status);
int es_report_status_valid(int status);

/* permissions.c: the permission an operation needs. For ES_OP_REPORT_STATUS
 * the target report status decides; elsewhere it is ignored. 0 means no
 * user may (the system-only tick, a target outside the workflow). */
unsigned int es_op_permission(es_op op, engsched_report_status target);

/* The name of the permission op needs, for messages; never NULL. */
const char *es_permission_needed(es_op op, engsched_report_status target);

/* Whether op acts on an existing engagement and so needs VIEW besides its
 * own permission (all but request, create, the Availability view and the
 * system-only tick). */
int es_op_needs_view(es_op op);
/* The name of the permission that @p permissions lack for op, for
 * messages: "view" when VIEW is missing, else es_permission_needed. */
const char *es_permission_missing(unsigned int permissions, es_op op,
                                  engsched_report_status target);

/* The access decision, in the order every entry point reports it:
 * no client access → ENOTFOUND; no permission (or, for an operation on
 * an engagement, no VIEW) → EDENIED; else OK. The system actor passes. */
engsched_rc es_authorize(int is_system, unsigned int permissions, int has_access, es_op op,
                         engsched_report_status target);

/* Whether a user sees another user at all (docs/design.md §4: the operators the
 * Availability view lists): themselves; the system sees everyone; a user
 * of all clients sees, and is seen by, everyone; others see those they
 * share a client with. */
int es_user_in_sight(int is_system, int same_user, unsigned int actor_flags,
                     unsigned int user_flags, int shares_client);
/* The access decision on a user's personal records (unavailability), in
 * es_authorize's order: a user out of sight (or missing) → ENOTFOUND;
 * another's records without any bit of @p needed → EDENIED; else OK.
 * Own records and the system pass. */
engsched_rc es_authorize_personal(int is_system, int own, int in_sight, unsigned int permissions,
                                  unsigned int needed);
/* What is told of a user named as an operator (assign, approve or create
 * with operators), in this order: missing or out of the actor's sight
 * (es_user_in_sight) → NOT_FOUND, the very answer for both, so that a
 * refusal never tells an unseen user exists; then not an operator; then
 * no access to the engagement's client. */
typedef enum es_assignee {
    ES_ASSIGNEE_OK = 0,
    ES_ASSIGNEE_NOT_FOUND,
    ES_ASSIGNEE_NOT_OPERATOR,
    ES_ASSIGNEE_NO_ACCESS
} es_assignee;
es_assignee es_assignee_check(int exists, int in_sight, int is_operator, int has_access);
/* Whether the Availability view shows an engagement of an operator with
 * status bit @p status_bit: one in the viewer's sight when the bit is in
 * the tab's @p shown set; an anonymous "Busy" block whenever its status
 * still @p occupying the operator, on every tab, because filtering it by
 * a status the viewer may not learn would tell that status. */
int es_availability_shows(int anonymous, unsigned int status_bit, unsigned int shown,
                          unsigned int occupying);
/* transitions.c: whether an operation may run on an engagement in this
 * state (ESTATE otherwise). */
int es_op_allowed_in(es_op op, engsched_status status, engsched_report_status report);
/* Allowed report moves: one step forward, or back to Draft. */
int es_report_move_allowed(engsched_report_status from, engsched_report_status to);
/* The event action that a change of status is announced as. */
const char *es_status_change_action(engsched_status before, engsched_status after,
                                    const char *otherwise);

/* delivery_rules.c: the wait before retry number @p attempts + 1 after
 * @p attempts refusals (1 or more): @p base seconds doubled per earlier
 * refusal, at most a day. */
int64_t es_retry_delay(unsigned int attempts, int64_t base);
/* What an item becomes after its @p attempts-th refusal: DEAD once
 * @p attempts reaches @p max_attempts (*out_next_at 0), else PENDING and
 * due at *out_next_at. */
unsigned int es_delivery_refused(unsigned int attempts, unsigned int max_attempts, int64_t now,
                                 int64_t base, int64_t *out_next_at);
/* Whether an administrator may put an item in @p state back to pending. */
int es_outbox_requeueable(unsigned int state);
/* A read that spans every client with no scoping (the event stream):
 * the system only, EDENIED for any user, whatever their permissions. */
engsched_rc es_authorize_unscoped_read(int is_system);
/* A user's own records that an ADMIN may also manage (the calendar feed
 * and its token): the system, the user themself or an ADMIN; else EDENIED. */
engsched_rc es_authorize_own_or_admin(int is_system, engsched_id actor, unsigned int permissions,
                                      engsched_id user);
/* Whose visibility a token's feed must pass besides its owner's: the
 * issuer when another user issued it (an ADMIN must not hand out more
 * than they see themselves), else 0 (the system or the owner). */
engsched_id es_feed_second_scope(engsched_id owner, engsched_id issued_by);

/* capabilities.c: the ::engsched_action mask for one user and engagement. */
unsigned int es_capabilities_compute(int is_system, unsigned int permissions, int has_access,
                                     engsched_status status, engsched_report_status report);

/* calendar_rules.c: what an engagement's state says to a calendar. */
typedef enum es_cal_status {
    ES_CAL_CONFIRMED = 0,
    ES_CAL_TENTATIVE = 1,
    ES_CAL_CANCELLED = 2
} es_cal_status;

/* The STATUS of an invitation or feed entry: Pending is TENTATIVE (asked
 * for, not approved), the approved states CONFIRMED, Canceled or a
 * withdrawn invitation CANCELLED. An unknown status is TENTATIVE: the
 * calendar must never claim confirmed what the library does not know. */
es_cal_status es_calendar_status(int engagement_status, int invitation_canceled);
/* The STATUS of one operator's invitation: the engagement's, but a
 * tentative hold (@p hold) on approved work is TENTATIVE until confirmed. */
es_cal_status es_assignment_calendar_status(int engagement_status, int invitation_canceled,
                                            int hold);
/* 1 for TRANSP:TRANSPARENT (the time is not blocked: Pending, or an
 * unknown status), 0 for OPAQUE. */
int es_calendar_transparent(int engagement_status);

/* An attendee's answer in an iTIP REPLY (RFC 5546 §3.2.3). */
typedef enum es_partstat {
    ES_PARTSTAT_NONE = 0,
    ES_PARTSTAT_ACCEPTED = 1,
    ES_PARTSTAT_DECLINED = 2,
    ES_PARTSTAT_TENTATIVE = 3
} es_partstat;

/* "none", "accepted", "declined", "tentative"; NULL for any other value. */
const char *es_partstat_name(int partstat);

/* recurrence_rules.c: when a recurring series owes its next occurrence. */

/* The next start of a series whose rule has no more occurrences. */
#define ES_RECURRENCE_ENDED INT32_MAX
/* The setting recurrence_lead_days: 0 to this many days. */
#define ES_RECURRENCE_LEAD_MAX 366

/* Whether the occurrence starting on @p next_start is due on @p today with
 * @p lead_days of lead: it starts at most that many days ahead (or has
 * started). Never for ES_RECURRENCE_ENDED; a lead outside 0 to
 * ES_RECURRENCE_LEAD_MAX counts as 0. */
int es_recurrence_due(int32_t next_start, int lead_days, int32_t today);
/* The last next start that is due on @p today (the due query's bound):
 * es_recurrence_due(d, lead, today) == (d <= es_recurrence_due_until(lead,
 * today)) for every d. */
int32_t es_recurrence_due_until(int lead_days, int32_t today);

#endif
