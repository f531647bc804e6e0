/* Assignment rows of any table version: see core/assignment_record.h. */
#include "core/assignment_record.h"

void es_assignment_read(const engsched *db, const engsched_rec_assignment *row, int32_t start_day,
                        int32_t end_day, engsched_rec_assignment *out)
{
    *out = (engsched_rec_assignment){
        row->engagement, row->user, row->role, row->assigned_by, row->assigned_at, 0, start_day,
        end_day,         100,       0};
    if (db->storage->version < 6)
        return;
    out->windowed = row->windowed != 0;
    if (out->windowed) {
        out->window_start = row->window_start;
        out->window_end = row->window_end;
    }
    out->percent = row->percent != 0 ? row->percent : 100;
    out->tentative = row->tentative != 0;
}
