/* Assignment rows as the core reads them: a backend of table version 5
 * or older hands rows without the version 6 members (their struct is
 * shorter), so they are never read there and take their defaults. */
#ifndef ES_CORE_ASSIGNMENT_RECORD_H
#define ES_CORE_ASSIGNMENT_RECORD_H

#include "core/internal.h"

/* Copy @p row, as returned by db's backend, into @p out with every member:
 * an older backend's row covers the engagement [start_day, end_day] at
 * the whole day, firm; a share of 0 reads as 100. */
void es_assignment_read(const engsched *db, const engsched_rec_assignment *row, int32_t start_day,
                        int32_t end_day, engsched_rec_assignment *out);

#endif
