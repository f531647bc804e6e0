/**
 * @file candidates.h
 * @brief Skills of users and engagements, and the candidates of an
 *        engagement: every operator who may be assigned, ranked by fit.
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * A skill is a tag: 1 to ::ENGSCHED_TAG_MAX_LEN bytes of lowercase a-z,
 * 0-9, '-', '_', '.' and '+'. A user has a set of at most
 * ::ENGSCHED_TAGS_MAX tags, an engagement a set of at most as many
 * required tags; duplicates given to a setter are folded, sets are read
 * back sorted bytewise.
 *
 * engsched_candidates_open() lists, for one engagement, every operator who
 * could be assigned to it (what engsched_assign() would accept: an
 * operator, with access to the engagement's client, whom the actor may
 * see), with their work overlapping its dates, their free working days
 * and a rank. Work on clients the actor cannot access is an anonymous
 * "Busy" block, as in the Availability view.
 *
 * The rank orders, in turn: fewer missing required skills; more free
 * working days; fewer conflict days; display name; user id.
 */
#ifndef ENGSCHED_CANDIDATES_H
#define ENGSCHED_CANDIDATES_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Skills and candidates
 *  @{ */

/** @brief The longest tag, in bytes. */
#define ENGSCHED_TAG_MAX_LEN 64
/** @brief The most tags one user or one engagement holds. */
#define ENGSCHED_TAGS_MAX 64

/** @brief Opaque, sorted list of tags. */
typedef struct engsched_tag_list engsched_tag_list;

/**
 * @brief How many tags the list holds.
 * @param list the list
 * @return the count (0 for NULL)
 */
ENGSCHED_API size_t engsched_tag_list_count(const engsched_tag_list *list);

/**
 * @brief One tag; it lives as long as the list.
 * @param list the list
 * @param index 0 … count-1, bytewise order
 * @return the tag, or NULL for an index out of range
 */
ENGSCHED_API const char *engsched_tag_list_item(const engsched_tag_list *list, size_t index);

/**
 * @brief Release a tag list.
 * @param list the list; NULL is ignored
 */
ENGSCHED_API void engsched_tag_list_free(engsched_tag_list *list);

/**
 * @brief Replace a user's skills. A user sets their own; ASSIGN sets
 *        those of anyone the actor may see (the rule of
 *        engsched_unavailability_add()). Emits "skills.changed" (no
 *        engagement).
 * @param db the handle
 * @param actor the acting user
 * @param user whose skills they are
 * @param tags the tags (duplicates folded); may be NULL when @p count is 0,
 *        which clears the set
 * @param count how many
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL (a bad tag, more than
 *         ::ENGSCHED_TAGS_MAX distinct tags), ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_EUNSUPPORTED (the backend keeps no
 *         skills)
 */
ENGSCHED_API engsched_rc engsched_user_skills_set(engsched *db, engsched_id actor,
                                                  engsched_id user, const char *const *tags,
                                                  size_t count);

/**
 * @brief A user's skills, sorted; the same access as
 *        engsched_user_skills_set() but for reading (any user the actor
 *        may see).
 * @param db the handle
 * @param actor the acting user
 * @param user whose skills
 * @param[out] out the tags, to engsched_tag_list_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_user_skills(engsched *db, engsched_id actor, engsched_id user,
                                              engsched_tag_list **out);

/**
 * @brief Replace the skills an engagement requires (EDIT or ASSIGN on
 *        it); bumps its version and emits "requirement.changed".
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param version the version the caller saw, or 0 to skip the check
 * @param tags the tags (duplicates folded); may be NULL when @p count is 0
 * @param count how many
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_ESTATE, ::ENGSCHED_ECONFLICT (an
 *         older version), ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_required_skills_set(engsched *db, engsched_id actor,
                                                      engsched_id engagement, int64_t version,
                                                      const char *const *tags, size_t count);

/**
 * @brief The skills an engagement requires, sorted (VIEW on it).
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out the tags, to engsched_tag_list_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EDENIED, ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_required_skills(engsched *db, engsched_id actor,
                                                  engsched_id engagement,
                                                  engsched_tag_list **out);

/** @brief Opaque stream of the candidates of one engagement. */
typedef struct engsched_candidates engsched_candidates;

/**
 * @brief Open the candidates of an engagement (ASSIGN on it), best first.
 *
 * Every row is read and ranked here, in one read transaction; the stream
 * then holds one small record per operator, and each row's work list is
 * read when it becomes current.
 * @param db the handle
 * @param actor the acting user
 * @param engagement the engagement id
 * @param[out] out the stream, to engsched_candidates_free()
 * @return ::ENGSCHED_OK, ::ENGSCHED_EINVAL, ::ENGSCHED_ENOTFOUND,
 *         ::ENGSCHED_EDENIED
 */
ENGSCHED_API engsched_rc engsched_candidates_open(engsched *db, engsched_id actor,
                                                  engsched_id engagement,
                                                  engsched_candidates **out);

/**
 * @brief Advance to the next candidate.
 * @param c the stream
 * @param[out] out_has_row 1 if a candidate is current, 0 at the end
 * @return ::ENGSCHED_OK or an error (the handle's message explains)
 */
ENGSCHED_API engsched_rc engsched_candidates_next(engsched_candidates *c, int *out_has_row);

/** @brief The current candidate's user id. @param c the stream @return the id, 0 if none */
ENGSCHED_API engsched_id engsched_candidates_user(const engsched_candidates *c);
/** @brief The current candidate's display name. @param c the stream @return the name, or NULL */
ENGSCHED_API const char *engsched_candidates_name(const engsched_candidates *c);
/** @brief The current candidate's rank. @param c the stream @return 1 for the best, 0 if none */
ENGSCHED_API unsigned engsched_candidates_rank(const engsched_candidates *c);
/**
 * @brief Working days of the engagement's dates (the tenant's working
 *        week, less holidays) with neither work (firm or a tentative
 *        hold) nor absence.
 * @param c the stream
 * @return the count
 */
ENGSCHED_API unsigned engsched_candidates_free_days(const engsched_candidates *c);
/**
 * @brief Days of the engagement's dates (working or not) with overlapping
 *        firm work (at any share of the day) or absence; a tentative hold
 *        is no conflict.
 * @param c the stream
 * @return the count
 */
ENGSCHED_API unsigned engsched_candidates_conflict_days(const engsched_candidates *c);
/** @brief Required skills the candidate has. @param c the stream @return the count */
ENGSCHED_API unsigned engsched_candidates_matched(const engsched_candidates *c);
/** @brief Required skills the candidate lacks. @param c the stream @return the count */
ENGSCHED_API unsigned engsched_candidates_missing(const engsched_candidates *c);
/**
 * @brief The required skills the current candidate lacks.
 * @param c the stream
 * @return a list owned by the stream, valid until the next call to
 *         engsched_candidates_next(); NULL if no row is current
 */
ENGSCHED_API const engsched_tag_list *engsched_candidates_missing_tags(
    const engsched_candidates *c);
/**
 * @brief The current candidate's work overlapping the engagement's dates
 *        (other engagements, anonymous "Busy" blocks, unavailability), by
 *        start date; the engagement itself is left out.
 * @param c the stream
 * @return a list owned by the stream, valid until the next call to
 *         engsched_candidates_next(); NULL if no row is current
 */
ENGSCHED_API const engsched_work_list *engsched_candidates_work(const engsched_candidates *c);
/** @brief Whether the candidate is on the engagement already. @param c the stream @return 1 or 0 */
ENGSCHED_API int engsched_candidates_assigned(const engsched_candidates *c);

/**
 * @brief Release a candidates stream.
 * @param c the stream; NULL is ignored
 */
ENGSCHED_API void engsched_candidates_free(engsched_candidates *c);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_CANDIDATES_H */
