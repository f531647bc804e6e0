/* rules/capacity: the arithmetic of the capacity view (docs/design.md §4)
 * as pure functions: how a range splits into week or month buckets, and
 * what one operator's day and one engagement's day add to a bucket's
 * figures. No I/O, no allocation. */
#ifndef ES_RULES_CAPACITY_H
#define ES_RULES_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/engsched.h>

#include "rules/allocation.h"

/* How many figures a row carries: the engsched_capacity_measure values. */
#define ES_CAPACITY_MEASURES 10

/* The most buckets a range of ENGSCHED_RANGE_MAX_DAYS days splits into:
 * 366 days touch at most 54 ISO weeks (and 13 months). */
#define ES_CAPACITY_MAX_BUCKETS 54

/* A bucket: [first, last], both inside the range. */
typedef struct es_capacity_bucket {
    int32_t first;
    int32_t last;
} es_capacity_bucket;

/* The statuses whose engagements ask for staff: requested or approved,
 * not yet started. */
#define ES_CAPACITY_DEMAND_STATUSES                                                             \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) | ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED))

/* Whether @p kind is a bucket kind (engsched_bucket). */
int es_capacity_bucket_valid(int kind);

/* Split [first, last] into buckets of @p kind, in date order, each cut to
 * the range; at most @p max are written. Returns how many the range
 * splits into (more than @p max when they did not fit), 0 for an empty
 * range or an unknown kind. */
size_t es_capacity_buckets(int kind, int32_t first, int32_t last, es_capacity_bucket *out,
                           size_t max);

/* Add what one operator's day adds to @p figures (ES_CAPACITY_MEASURES
 * values, hundredths of a day): nothing unless it is a working day. */
void es_capacity_add_operator_day(int working, const es_day_load *day, int64_t *figures);

/* Add what one day of a Pending or Scheduled engagement adds to
 * @p figures: on a working day, a whole day of demand, less the shares of
 * its firm assignments (@p firm) covering the day, and of its firm and
 * held ones (@p held) for the figure with holds. */
void es_capacity_add_demand_day(int working, int firm, int held, int64_t *figures);

#endif
