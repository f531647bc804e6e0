/* ops/: the public entry points, one file per operation (request, create,
 * approve, edit, cancel, report status, tick, assignment, unavailability,
 * files, directory, settings, invitations, batches); includes every layer
 * below. This header holds what several entry points share. */
#ifndef ENGSCHED_OPS_H
#define ENGSCHED_OPS_H

#include "core/engagement_store.h"
#include "core/input.h"
#include "core/events.h"

/* The input builder's fields: only @p allowed may be set, every bit of
 * @p required must be (EINVAL naming the first field that breaks it). */
engsched_rc es_input_only(engsched *db, const engsched_input *in, unsigned int allowed,
                          const char *operation);
/* Require fields an operation needs, naming the first one missing. */
engsched_rc es_input_require(engsched *db, const engsched_input *in, unsigned int required,
                             const char *operation);

/* Assign the input's operators (create, approve): each must be an
 * operator with access to the engagement's client. */
engsched_rc es_assign_input_operators(engsched *db, const es_actor *actor, const es_engagement *e,
                                      const engsched_input *in, int64_t now);
/* Whether the strict conflict policy holds (the handle's option, else the
 * tenant setting). */
engsched_rc es_strict_policy(engsched *db, int *out_strict);
/* The allocation @p opts asks of an assignment to e (NULL: the defaults),
 * checked (window inside the dates, share 1..100, EUNSUPPORTED without a
 * backend that stores them), into a's version 6 members. */
engsched_rc es_allocation_of(engsched *db, const es_engagement *e,
                             const engsched_assign_options *opts, engsched_rec_assignment *a);
/* a's conflicts on e (its operator's firm work and absences that its
 * window and share overload) into @p conflicts; ECONFLICT when @p strict
 * and a is firm. */
engsched_rc es_allocation_check(engsched *db, const es_actor *actor, const es_engagement *e,
                                const engsched_rec_assignment *a, int strict,
                                engsched_work_list *conflicts);
/* Add a's window, share and hold to an event's details where they differ
 * from the defaults; takes @p details (NULL on failure). */
json_t *es_allocation_details(json_t *details, const engsched_rec_assignment *a);
/* One step on an engagement the actor may ASSIGN on (@p version 0: any),
 * in a transaction (@p write: a write one), with a conflict list it fills;
 * the list goes to @p out_conflicts (or is freed) when the step succeeds. */
typedef engsched_rc (*es_assignment_step)(engsched *db, const es_actor *who,
                                          const es_engagement *e, void *ctx,
                                          engsched_work_list *conflicts);
engsched_rc es_assignment_run(engsched *db, engsched_id actor, engsched_id engagement,
                              int64_t version, int write, es_assignment_step step, void *ctx,
                              engsched_work_list **out_conflicts);
/* After e's dates changed from [old_start, old_end]: windows follow them
 * (es_alloc_window_follow()) and every assigned operator is checked as an
 * assignment is (the strict policy refuses), the conflicts appended to
 * @p out (NULL: not kept). */
engsched_rc es_recheck_operators(engsched *db, const es_actor *actor, const es_engagement *e,
                                 int32_t old_start, int32_t old_end, engsched_work_list *out);
/* Store the input's files (request, create), within the size and count
 * limits. */
engsched_rc es_attach_input_files(engsched *db, const es_actor *actor, const es_engagement *e,
                                  const engsched_input *in, int64_t now);

/* Request and create: validate the input against the fields the operation
 * takes, check the actor against the input's client, insert the record
 * (with its report in Draft for create) and its event, then its files and
 * operators, all in one transaction. */
engsched_rc es_engagement_new(engsched *db, engsched_id actor, const engsched_input *in, es_op op,
                              unsigned int allowed_fields, engsched_id *out_id);

/* The access rule of a user's personal records (unavailability, skills):
 * their own always; with any bit of @p permissions, those of anyone the
 * actor may see; anyone else is ENOTFOUND. @p what ("record the
 * unavailability") is for the EDENIED message. */
engsched_rc es_authorize_personal_for(engsched *db, engsched_id actor_id, engsched_id user,
                                      unsigned int permissions, const char *what,
                                      es_actor *actor);

/* A builder made on another handle is a programming error. */
engsched_rc es_input_check_owner(engsched *db, const engsched_input *in);

#endif
