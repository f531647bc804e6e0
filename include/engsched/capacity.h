/**
 * @file capacity.h
 * @brief Capacity over a range in week or month buckets: what the team can
 *        work, what is booked firm and held, and the demand nobody staffs.
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * engsched_capacity_open() (VIEW_AVAILABILITY) reads the operators of the
 * Availability view (every operator sharing a client with the actor) and
 * their work, and the Pending and Scheduled engagements of the clients the
 * actor can access. It streams, by default, one row per operator and
 * bucket (operators by display name and id, buckets in date order), then
 * one total row per bucket (user 0). Every figure is a count of
 * person-days in hundredths (::ENGSCHED_CAPACITY_UNIT is one whole day),
 * read with engsched_capacity_value(); they are exact integers, so a host
 * adds rows up without rounding.
 *
 * The rules, day by day, over the tenant's working days only (its working
 * week less its holidays; other days count nothing):
 * - ::ENGSCHED_CAPACITY_WORKING: a whole day per operator;
 * - ::ENGSCHED_CAPACITY_ABSENT: a whole day when an absence covers it;
 * - ::ENGSCHED_CAPACITY_AVAILABLE: working less absent;
 * - ::ENGSCHED_CAPACITY_FIRM: on an available day, the shares of the
 *   operator's firm work (Pending to Complete, as in the Availability
 *   view's utilisation), at most a whole day;
 * - ::ENGSCHED_CAPACITY_TENTATIVE: on an available day, what tentative
 *   holds add to the firm load, the sum again at most a whole day;
 * - ::ENGSCHED_CAPACITY_FREE: available less firm less tentative;
 * - ::ENGSCHED_CAPACITY_OVERBOOKED: the firm load past a whole day, an
 *   absence counting as a whole day (the strict policy's conflicts);
 * - ::ENGSCHED_CAPACITY_DEMAND (total rows only): a whole day for every
 *   Pending or Scheduled engagement whose dates cover it, since an
 *   engagement asks for one operator full time on each of its working
 *   days;
 * - ::ENGSCHED_CAPACITY_UNSTAFFED (total rows only): of that demand, what
 *   the engagement's firm assignments covering the day (their windows and
 *   shares, whoever the operator) leave uncovered;
 * - ::ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS (total rows only): the same
 *   with tentative holds counted as staff.
 *
 * A total row sums the operator rows of its bucket (whether or not they
 * are streamed) and carries the demand figures. Work on clients the actor
 * cannot access loads its operator like any other work, but is never
 * named: capacity shows no engagement at all. Each chunk of operators and
 * each chunk of engagements is read in its own read transaction, as the
 * Availability view reads; memory stays flat whatever the store holds.
 */
#ifndef ENGSCHED_CAPACITY_H
#define ENGSCHED_CAPACITY_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Capacity
 *  @{ */

/** @brief One whole person-day in the figures of engsched_capacity_value(). */
#define ENGSCHED_CAPACITY_UNIT 100

/** @brief How capacity groups the days of its range. */
typedef enum engsched_bucket {
    /** ISO weeks, Monday to Sunday (the default) */
    ENGSCHED_BUCKET_WEEK = 0,
    /** Calendar months */
    ENGSCHED_BUCKET_MONTH = 1
} engsched_bucket;

/** @brief The figures of a capacity row (see capacity.h for each rule). */
typedef enum engsched_capacity_measure {
    ENGSCHED_CAPACITY_WORKING = 0,             /**< working days */
    ENGSCHED_CAPACITY_ABSENT = 1,              /**< working days lost to absences */
    ENGSCHED_CAPACITY_AVAILABLE = 2,           /**< working less absent */
    ENGSCHED_CAPACITY_FIRM = 3,                /**< firm load on available days */
    ENGSCHED_CAPACITY_TENTATIVE = 4,           /**< what holds add to the firm load */
    ENGSCHED_CAPACITY_FREE = 5,                /**< available less firm and tentative */
    ENGSCHED_CAPACITY_OVERBOOKED = 6,          /**< firm load past a whole day */
    ENGSCHED_CAPACITY_DEMAND = 7,              /**< days Pending and Scheduled work asks for */
    ENGSCHED_CAPACITY_UNSTAFFED = 8,           /**< demand no firm assignment covers */
    ENGSCHED_CAPACITY_UNSTAFFED_WITH_HOLDS = 9 /**< demand neither firm work nor holds cover */
} engsched_capacity_measure;

/** @brief Options of engsched_capacity_open() (::ENGSCHED_CAPACITY_OPTIONS_VERSION). */
typedef struct engsched_capacity_options {
    /** ::ENGSCHED_CAPACITY_OPTIONS_VERSION as the caller was compiled with */
    unsigned int version;
    /** Weeks (the default) or months. The first and the last bucket are
     *  cut to the range, so a row's dates are always inside it. */
    engsched_bucket bucket;
    /** Nonzero (the default): a row per operator and bucket before the
     *  total rows; 0: the total rows alone. */
    int per_operator;
    /* version 1: every member above. Later versions append theirs here. */
} engsched_capacity_options;

/** @brief The current version of ::engsched_capacity_options: 1. */
#define ENGSCHED_CAPACITY_OPTIONS_VERSION 1

/** @brief Static initialiser for ::engsched_capacity_options with the
 *         defaults: weeks, per operator. */
#define ENGSCHED_CAPACITY_OPTIONS_INIT { ENGSCHED_CAPACITY_OPTIONS_VERSION, ENGSCHED_BUCKET_WEEK, 1 }

/**
 * @brief Fill @p opts with the defaults of structure version @p version.
 * @param opts the options
 * @param version ::ENGSCHED_CAPACITY_OPTIONS_VERSION as the caller was
 *        compiled with
 * @return ::ENGSCHED_OK, or ::ENGSCHED_EMISUSE for NULL or an unknown version
 */
ENGSCHED_API engsched_rc engsched_capacity_options_init(engsched_capacity_options *opts,
                                                        unsigned int version);

/** @brief Opaque stream of capacity rows. */
typedef struct engsched_capacity engsched_capacity;

/**
 * @brief Open capacity over [@p start, @p end] (VIEW_AVAILABILITY).
 * @param db the handle
 * @param actor the acting user
 * @param start the first day `YYYY-MM-DD`
 * @param end the last day (at most ::ENGSCHED_RANGE_MAX_DAYS days on)
 * @param opts the options, or NULL for the defaults
 * @param[out] out the stream, to engsched_capacity_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (a bad date, range, bucket or
 *         NULL @p out), ::ENGSCHED_EDENIED, ::ENGSCHED_ENOTFOUND (no such
 *         actor), ::ENGSCHED_EMISUSE (an unknown options version)
 */
ENGSCHED_API engsched_rc engsched_capacity_open(engsched *db, engsched_id actor,
                                                const char *start, const char *end,
                                                const engsched_capacity_options *opts,
                                                engsched_capacity **out);

/**
 * @brief Advance to the next row.
 * @param c the stream
 * @param[out] out_has_row 1 if a row is current, 0 at the end
 * @return ::ENGSCHED_OK or an error (the handle's message explains)
 */
ENGSCHED_API engsched_rc engsched_capacity_next(engsched_capacity *c, int *out_has_row);

/**
 * @brief The current row's operator.
 * @param c the stream
 * @return the user id; 0 on a total row or when no row is current
 */
ENGSCHED_API engsched_id engsched_capacity_user(const engsched_capacity *c);

/**
 * @brief The current row's operator's display name.
 * @param c the stream
 * @return the name, valid until the next call to engsched_capacity_next();
 *         NULL on a total row or when no row is current
 */
ENGSCHED_API const char *engsched_capacity_name(const engsched_capacity *c);

/**
 * @brief The first day of the current row's bucket.
 * @param c the stream
 * @return `YYYY-MM-DD`, or NULL when no row is current
 */
ENGSCHED_API const char *engsched_capacity_bucket_start(const engsched_capacity *c);

/**
 * @brief The last day of the current row's bucket (inclusive).
 * @param c the stream
 * @return `YYYY-MM-DD`, or NULL when no row is current
 */
ENGSCHED_API const char *engsched_capacity_bucket_end(const engsched_capacity *c);

/**
 * @brief One figure of the current row, in hundredths of a person-day.
 * @param c the stream
 * @param measure which figure
 * @return the figure (0 or more), or -1 for an unknown measure or when no
 *         row is current
 */
ENGSCHED_API int64_t engsched_capacity_value(const engsched_capacity *c,
                                             engsched_capacity_measure measure);

/**
 * @brief Release a capacity stream.
 * @param c the stream; NULL is ignored
 */
ENGSCHED_API void engsched_capacity_free(engsched_capacity *c);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_CAPACITY_H */
