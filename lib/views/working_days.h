/* views/: the tenant's working days (working week, less holidays), shared
 * by the Availability view and the candidates. */
#ifndef ES_WORKING_DAYS_H
#define ES_WORKING_DAYS_H

#include <stdint.h>

#include "core/internal.h"

/* Fill map[0 … last - first] with 1 for a working day of [first, last]
 * and 0 for any other, from the working_week and holidays settings; in
 * the caller's transaction. */
engsched_rc es_working_days(engsched *db, int32_t first, int32_t last, unsigned char *map);

#endif
