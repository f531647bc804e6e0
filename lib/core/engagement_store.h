/* An engagement record owned by the core between reading and writing it,
 * and the one gate every operation on an existing engagement goes
 * through: visible → permitted → current version → allowed status. */
#ifndef ENGSCHED_ENGAGEMENT_STORE_H
#define ENGSCHED_ENGAGEMENT_STORE_H

#include "core/input.h"
#include "rules/rules.h"

typedef struct es_engagement {
    engsched_rec_engagement rec; /* every string owned (es_free) */
} es_engagement;

engsched_rc es_engagement_read(engsched *db, engsched_id id, es_engagement *out);
void es_engagement_release(es_engagement *e);
/* Copy a record (strings included) into an owned one. */
engsched_rc es_engagement_adopt(engsched *db, es_engagement *out,
                                const engsched_rec_engagement *rec);

/* Inside a transaction: load the actor and the engagement and apply the
 * rules for op in their reporting order. version 0 skips the version
 * check. On success the caller owns *out. */
engsched_rc es_engagement_open(engsched *db, engsched_id actor_id, engsched_id id, es_op op,
                               engsched_report_status target, int64_t version, es_actor *actor,
                               es_engagement *out);

/* Copy the detail fields an input set into the record (name, description,
 * type, location, contacts, dates, custom fields, report title). */
engsched_rc es_engagement_apply_input(engsched *db, es_engagement *e, const engsched_input *in);

/* Replace one owned string of the record. */
engsched_rc es_engagement_set_text(engsched *db, const char **slot, const char *value);

/* Re-derive the status from the report, dates and cancellation at now,
 * raise the version and write the record. */
engsched_rc es_engagement_save(engsched *db, es_engagement *e, int64_t now);
/* The same with the tenant's day already known (the tick saves many). */
engsched_rc es_engagement_save_on(engsched *db, es_engagement *e, int64_t now, int32_t today);
/* Derive the status of a record that is about to be inserted. */
engsched_rc es_engagement_derive(engsched *db, es_engagement *e, int64_t now);

#endif
