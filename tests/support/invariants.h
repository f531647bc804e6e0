/* Invariants of a libengsched SQLite store, checked from outside the
 * library: the file is opened read-only with the sqlite3 library, so a
 * bug in the library's own reading code cannot hide a bad store.
 *
 * What holds after every committed or rolled-back call:
 * - PRAGMA integrity_check is "ok" and PRAGMA foreign_key_check is empty;
 * - no report, assignment, file, file_data, invitation or event without
 *   its engagement (or file); every file has its bytes, of its size;
 * - every stored status is the docs/design.md §2 mapping of its report status,
 *   dates and cancellation: Pending / In Review / Complete exactly,
 *   Scheduled and In Progress only with a Draft report, and In Progress
 *   (Scheduled) only if the start day was (was not) reached on the day of
 *   the engagement's last write, in the tenant zone when it is known to be
 *   the zone of every write, else within the ±1 day any zone allows;
 * - every engagement starts with one creating event (requested, created
 *   or imported), its events chain (each status_before is the previous
 *   status_after), the last status_after is the stored status, and its
 *   version counts its writes (1 + one per status/detail-changing event);
 * - event seq rises 1, 2, 3, … without a gap; event details and custom
 *   fields are JSON objects; directory events carry no status;
 * - an invitation is live (not canceled) exactly while its operator is
 *   assigned to an engagement that is not Canceled, and every operator of
 *   an engagement that was not imported has an invitation.
 */
#ifndef ENGSCHED_TEST_INVARIANTS_H
#define ENGSCHED_TEST_INVARIANTS_H

#include <stddef.h>

#include "fixture.h"

/* Check the store file at path; 0 when every invariant holds, otherwise
 * the number of violations, described (up to size bytes) in msg. Never
 * fails the test itself, so it can run inside fault-injection loops. */
int fx_invariants_file(const char *path, char *msg, size_t size);

/* Fail the test unless fx_invariants_file() holds on f->path. A no-op
 * for stores with no file to open (":memory:", the in-memory backend). */
void fx_check_invariants(fx *f);

/* Whether text is one valid JSON object or array (SQLite's json_valid(),
 * independent of jansson and of the library). */
int fx_json_valid(const char *text);

/* Every row of every table of the store file, ordered, as text (blobs in
 * hex): equal texts mean equal stores. Read-only; release with free().
 * NULL (with a message in msg) if the file cannot be read. */
char *fx_store_dump(const char *path, char *msg, size_t size);

#endif
