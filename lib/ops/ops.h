/* ops/: the public entry points, one file per operation (request, create,
 * approve, edit, cancel, report status, tick, assignment, unavailability,
 * files, directory, settings, invitations, batches); includes every layer
 * below. This header holds what several entry points share. */
#ifndef ENGSCHED_OPS_H
#define ENGSCHED_OPS_H

#include "core/engagement_store.h"
#include "core/input.h"

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
