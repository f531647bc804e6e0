/**
 * @file calendar.h
 * @brief Calendar feeds by secret token, and operators' answers to their
 *        invitations (iTIP REPLY).
 *
 * Included by <engsched/engsched.h>; it needs nothing else.
 *
 * Both need a store that keeps invitation series (the built-in backends,
 * or a custom backend whose table has the version 4 callbacks); elsewhere
 * the calls return ::ENGSCHED_EUNSUPPORTED.
 *
 * @section calendar_tokens Feed tokens
 *
 * A calendar client subscribing to a feed (engsched_feed_ics()) cannot log
 * in: it fetches a URL. A feed token is the secret in that URL. A user
 * issues their own (or an ADMIN issues one for them); issuing again
 * rotates it (the old token stops working at once) and revoking removes
 * it. The store keeps only a hash of the token's secret part, compared in
 * constant time, so a copy of the store gives nobody a working token. A
 * feed fetched by token is the feed of the token's owner, as that user
 * sees it now; when an ADMIN issued it, it shows only what both the owner
 * and the issuer may see.
 *
 * @section calendar_replies Replies
 *
 * An operator's calendar client answers an invitation with an iTIP REPLY
 * (RFC 5546 §3.2.3): an iCalendar object with `METHOD:REPLY`, mailed to
 * the organizer as a `text/calendar; method=REPLY` part. The host takes
 * that part out of the mail and passes it to engsched_invitation_reply(),
 * which records the answer on the assignment and emits
 * `operator.responded`.
 */
#ifndef ENGSCHED_CALENDAR_H
#define ENGSCHED_CALENDAR_H

#include "engsched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Feed tokens and replies
 *  @{ */

/** @brief An operator's answer to an invitation (iCalendar PARTSTAT). */
typedef enum engsched_response {
    ENGSCHED_RESPONSE_NONE = 0,      /**< no answer yet (NEEDS-ACTION) */
    ENGSCHED_RESPONSE_ACCEPTED = 1,  /**< ACCEPTED */
    ENGSCHED_RESPONSE_DECLINED = 2,  /**< DECLINED */
    ENGSCHED_RESPONSE_TENTATIVE = 3  /**< TENTATIVE */
} engsched_response;

/**
 * @brief The stable name of an answer: "none", "accepted", "declined",
 *        "tentative".
 * @param response an ::engsched_response
 * @return the name, or NULL for an unknown value
 */
ENGSCHED_API const char *engsched_response_name(engsched_response response);

/**
 * @brief Issue a calendar feed token for @p user, replacing (rotating)
 *        the one the user had.
 *
 * The token is returned once and never stored; only a hash of its secret
 * part is kept.
 * @param db the handle
 * @param actor the user themselves, an ADMIN, or ::ENGSCHED_SYSTEM
 * @param user whose feed the token opens
 * @param[out] out_token the token, ASCII letters, digits and '_' (free
 *        with engsched_free())
 * @return ::ENGSCHED_OK; ::ENGSCHED_EDENIED (another user, not ADMIN);
 *         ::ENGSCHED_ENOTFOUND (no such user); ::ENGSCHED_EINVAL;
 *         ::ENGSCHED_EUNSUPPORTED (the backend keeps no tokens)
 */
ENGSCHED_API engsched_rc engsched_feed_token_issue(engsched *db, engsched_id actor,
                                                   engsched_id user, char **out_token);

/**
 * @brief Revoke the calendar feed token of @p user.
 * @param db the handle
 * @param actor the user themselves, an ADMIN, or ::ENGSCHED_SYSTEM
 * @param user whose token
 * @return ::ENGSCHED_OK; ::ENGSCHED_ENOTFOUND (the user has no token);
 *         ::ENGSCHED_EDENIED; ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_feed_token_revoke(engsched *db, engsched_id actor,
                                                    engsched_id user);

/**
 * @brief The calendar feed a token opens, as engsched_feed_ics() builds
 *        it for the token's owner.
 * @param db the handle
 * @param token the token from engsched_feed_token_issue()
 * @param[out] out_ics the feed (free with engsched_free())
 * @return ::ENGSCHED_OK; ::ENGSCHED_EDENIED for a token that is malformed,
 *         unknown, rotated or revoked (one code and one message for all,
 *         so a caller learns nothing about which); ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_feed_ics_by_token(engsched *db, const char *token,
                                                    char **out_ics);

/** @brief What engsched_invitation_reply() recorded (version 1). */
typedef struct engsched_reply_result {
    unsigned int version;        /**< ::ENGSCHED_REPLY_RESULT_VERSION, set by the caller */
    engsched_id engagement;      /**< the engagement answered */
    engsched_id user;            /**< the operator who answered */
    engsched_response response;  /**< the answer */
    int64_t sequence;            /**< the SEQUENCE it answers (the current one) */
    /* version 1: every member above; later versions append theirs here. */
} engsched_reply_result;

/** @brief The current version of ::engsched_reply_result. */
#define ENGSCHED_REPLY_RESULT_VERSION 1

/**
 * @brief Record an operator's answer to their invitation from the iTIP
 *        REPLY their calendar client sent.
 *
 * The reply must answer the current invitation: its UID is the series',
 * its SEQUENCE the last one sent, its one ATTENDEE the invited operator's
 * address, PARTSTAT ACCEPTED, DECLINED or TENTATIVE. The answer, with the
 * time, is kept on the assignment and shown by the engagement snapshot,
 * the JSON document and Availability; `operator.responded` is emitted.
 * Anything else is refused and changes nothing.
 * @param db the handle
 * @param actor ::ENGSCHED_SYSTEM (a host reading the organizer's mailbox),
 *        the operator, or an ADMIN
 * @param ics the iCalendar object (UTF-8, need not be NUL-terminated)
 * @param len its length in bytes (at most 1 MiB)
 * @param[out] out what was recorded, or NULL; its version member must be
 *        set by the caller
 * @return ::ENGSCHED_OK; ::ENGSCHED_EINVAL (malformed, not METHOD:REPLY,
 *         no or several attendees, an unknown PARTSTAT); ::ENGSCHED_ETOOBIG;
 *         ::ENGSCHED_ENOTFOUND (no invitation has that UID);
 *         ::ENGSCHED_ECONFLICT (a stale reply: a lower SEQUENCE than the
 *         last one sent); ::ENGSCHED_EDENIED (the attendee is not the
 *         invited operator, or the actor may not answer for them);
 *         ::ENGSCHED_ESTATE (the operator is no longer assigned, the
 *         invitation or the engagement is canceled);
 *         ::ENGSCHED_EUNSUPPORTED
 */
ENGSCHED_API engsched_rc engsched_invitation_reply(engsched *db, engsched_id actor,
                                                   const char *ics, size_t len,
                                                   engsched_reply_result *out);

/**
 * @brief An operator's last answer to their invitation to an engagement.
 * @param db the handle
 * @param actor who asks (as for engsched_invitation_ics())
 * @param engagement the engagement
 * @param user the operator
 * @param[out] out_response the answer, ::ENGSCHED_RESPONSE_NONE if none
 * @param[out] out_responded_at UTC seconds of the answer, 0 if none; may be NULL
 * @return ::ENGSCHED_OK; ::ENGSCHED_ENOTFOUND (no such invitation, or not
 *         visible); ::ENGSCHED_EDENIED; ::ENGSCHED_EINVAL
 */
ENGSCHED_API engsched_rc engsched_invitation_response(engsched *db, engsched_id actor,
                                                      engsched_id engagement, engsched_id user,
                                                      engsched_response *out_response,
                                                      int64_t *out_responded_at);

/**
 * @brief The answer of the operator at @p index of an engagement snapshot
 *        (the order of engsched_engagement_operator()), read with it.
 * @param e the snapshot
 * @param index 0 to engsched_engagement_operator_count() - 1
 * @param[out] out the answer, ::ENGSCHED_RESPONSE_NONE if none (or the
 *        store keeps no series); may be NULL
 * @param[out] out_at UTC seconds of the answer, 0 if none; may be NULL
 * @return ::ENGSCHED_OK; ::ENGSCHED_EMISUSE (@p e NULL); ::ENGSCHED_EINVAL
 *         (@p index out of range)
 */
ENGSCHED_API engsched_rc engsched_engagement_operator_response(const engsched_engagement *e,
                                                               size_t index,
                                                               engsched_response *out,
                                                               int64_t *out_at);

/**
 * @brief The answer of the listed operator to their invitation to the
 *        engagement at @p index of a work list (Availability, conflicts).
 *
 * Read from that operator's invitation to that engagement when the list
 * was built. An item that is no engagement, or an anonymous one ("Busy"),
 * has none.
 * @param list the list
 * @param index 0 to engsched_work_list_count() - 1
 * @return the answer; ::ENGSCHED_RESPONSE_NONE also for a NULL list or an
 *         index out of range
 */
ENGSCHED_API engsched_response engsched_work_list_item_response(const engsched_work_list *list,
                                                                size_t index);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ENGSCHED_CALENDAR_H */
