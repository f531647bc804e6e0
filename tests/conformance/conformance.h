/* The storage conformance suite: every callback of include/engsched/
 * storage.h, exercised through the public callback table only, so the same
 * cases run against the built-in SQLite backend, the PostgreSQL backend and
 * the example in-memory backend.
 *
 * Each case gets a fresh backend from the factory, prepares it to
 * engsched_schema_version_supported(), exercises it inside begin/commit and
 * frees it. Link with cmocka and the library; compile conformance.c into
 * the test program. */
#ifndef ENGSCHED_TESTS_CONFORMANCE_H
#define ENGSCHED_TESTS_CONFORMANCE_H

#include <engsched/storage.h>

/* Makes one new, empty, unprepared backend per call. */
typedef engsched_rc (*engsched_conformance_make_fn)(void *ctx, engsched_storage **out);

/* Run every case as a cmocka group named @p backend_name against backends
 * from @p make (called with @p ctx). Returns the number of failed cases. */
int engsched_conformance_run(const char *backend_name,
                             engsched_rc (*make)(void *ctx, engsched_storage **out), void *ctx);

/* --- between the suite's own files --------------------------------------- */

/* The backend a running case was given (from its cmocka state). */
engsched_storage *engsched_conformance_backend(void **state);

/* Fail the running case when @p got is not @p want, with the backend's
 * message. */
void engsched_conformance_check_rc(engsched_storage *s, engsched_rc got, engsched_rc want,
                                   const char *expr, const char *file, int line);

/* Rows that outbox items and invitations hang on (they reference
 * engagements and users, which a backend may check): one operator, two
 * engagements of one client, one event. Made in a transaction of its own
 * (outbox.c). */
typedef struct conf_owners {
    engsched_id user;
    engsched_id eng[2];
    int64_t event_seq;
} conf_owners;
conf_owners conf_add_owners(engsched_storage *s);

/* The outbox cases (outbox.c, table version 3), run with the others; each
 * is skipped on a backend without the outbox callbacks. */
void conf_outbox_round_trip(void **state);
void conf_outbox_payload_length(void **state);
void conf_outbox_ids_rise(void **state);
void conf_outbox_update(void **state);
void conf_outbox_missing(void **state);
void conf_outbox_list_filters(void **state);
void conf_outbox_list_refuses(void **state);
void conf_outbox_list_stops(void **state);
void conf_outbox_count(void **state);
void conf_outbox_purge(void **state);
void conf_outbox_rollback(void **state);
void conf_outbox_savepoint(void **state);
void conf_outbox_nul_refused(void **state);

/* The invitation series and feed token cases (series.c, table version 4),
 * skipped on a backend without those callbacks. */
void conf_series_round_trip(void **state);
void conf_series_find(void **state);
void conf_series_rollback(void **state);
void conf_feed_tokens(void **state);
void conf_feed_token_unique(void **state);

/* The allocation cases (allocations.c, table version 6), skipped on a
 * backend without those callbacks. */
void conf_allocations_round_trip(void **state);
void conf_allocations_follow_dates(void **state);
void conf_operator_allocations(void **state);
void conf_range_staffing(void **state);
void conf_range_unavailability(void **state);

/* The recurring-series cases (recurrence.c, table version 6), skipped on
 * a backend without recurring_due(). */
void conf_recurring_due(void **state);
void conf_occurrence_unique(void **state);

/* The set-based tick cases (start_due.c, table version 8), skipped on a
 * backend without engagements_start_due(). */
void conf_start_due_empty(void **state);
void conf_start_due_one_chunk(void **state);
void conf_start_due_chunk_and_one(void **state);
void conf_start_due_untouched(void **state);
void conf_start_due_stops(void **state);

/* The set-based mark cases (outbox_mark.c, table version 8), skipped on a
 * backend without outbox_mark(). */
void conf_outbox_mark_empty(void **state);
void conf_outbox_mark_token(void **state);
void conf_outbox_mark_many(void **state);

#endif
