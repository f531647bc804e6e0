/* views/: what capacity reads: the day loads of a group of operators over
 * a range, and the demand of the range's Pending and Scheduled
 * engagements. With the backend's range_staffing() (table version 7) one
 * read gives every operator's load and every engagement's staffing; an
 * older backend is read one operator and one engagement at a time. */
#ifndef ES_VIEWS_CAPACITY_LOAD_H
#define ES_VIEWS_CAPACITY_LOAD_H

#include "util/ids.h"
#include "core/internal.h"
#include "rules/capacity.h"
#include "views/operators.h"
#include "views/work_list.h"

/* The most operators loaded at once: their day maps take at most
 * ES_CAPACITY_GROUP * ENGSCHED_RANGE_MAX_DAYS * sizeof(es_day_load), 4.5
 * MiB; a larger directory is read in several passes. */
#define ES_CAPACITY_GROUP 1024

typedef struct es_capacity_load {
    engsched *db;
    engsched_id scope; /* 0: the viewer sees every client */
    es_ids clients;    /* else the clients they may access, sorted */
    int32_t first;     /* the range */
    int32_t last;
    const unsigned char *working;           /* a day map of the range */
    const unsigned char *bucket_of;         /* the bucket of each day */
    int64_t (*total)[ES_CAPACITY_MEASURES]; /* where the demand goes */
    int demand_done;
    /* the current group, in the order the operator source gave it */
    es_operator *ops;
    es_day_load *days; /* count rows of (last - first + 1) days */
    size_t count;
    es_id_slot *slots;        /* the group's ids, sorted, each with its index */
    engsched_work_list *work; /* scratch of the one-by-one path */
    /* the staffing of the engagement being read */
    engsched_id staffing_id;
    int32_t staffing_start;
    int32_t staffing_end;
    int staffing_counts; /* Pending or Scheduled and in the viewer's sight */
    int firm[ENGSCHED_RANGE_MAX_DAYS];
    int held[ENGSCHED_RANGE_MAX_DAYS];
} es_capacity_load;

/* The caller fills db, scope, first, last, working, bucket_of and total;
 * the rest starts zeroed. Reads the viewer's clients when scope is set. */
engsched_rc es_capacity_load_init(es_capacity_load *load);
void es_capacity_load_clear(es_capacity_load *load);

/* The next group of operators from @p src with their day loads (absences
 * included) in load->ops, load->days and load->count; 0 operators at the
 * end. The first group's read may also add the demand to load->total. */
engsched_rc es_capacity_load_group(es_capacity_load *load, es_operator_source *src);

/* The day loads of operator @p i of the group (its ops[i]). */
const es_day_load *es_capacity_load_days(const es_capacity_load *load, size_t i);

/* Add the demand to load->total, unless a group's read did. */
engsched_rc es_capacity_load_demand(es_capacity_load *load);

#endif
