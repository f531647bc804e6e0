/* The recurring-series members of an imported engagement (json/import.h):
 * "recurrence", an RRULE value, and "origin", the index in the document
 * of the series an occurrence was created from. Both optional: a document
 * without them (older, or a scoped export) imports with no rule and no
 * series. */
#include <string.h>

#include "calendar/recurrence.h"
#include "core/settings.h"
#include "json/import.h"
#include "rules/rules.h"

static engsched_rc read_rule(imp *im, const json_t *e, const char *base, size_t index,
                             engsched_rec_engagement *rec)
{
    char p[PATH_LEN], why[256];
    (void)index;
    engsched_rc rc = imp_get_text(im, e, base, "recurrence", OPTIONAL, 0, ES_RECURRENCE_MAX,
                                  ES_TEXT_LINE, "", &rec->recurrence);
    if (rc != ENGSCHED_OK || rec->recurrence[0] == '\0')
        return rc;
    imp_at(p, base, "recurrence");
    if (!im->db->recurrence)
        return es_fail(im->db, ENGSCHED_EUNSUPPORTED,
                       "%s: the storage backend has no recurring series", p);
    if (es_recurrence_check(rec->recurrence, why, sizeof why) != ENGSCHED_OK)
        return imp_bad(im->db, p, "%s", why);
    /* The next occurrence as engsched_recurrence_set() finds it: none of
     * those already past is created after the import either. */
    int32_t today = 0;
    if ((rc = es_today(im->db, es_now(im->db), &today)) != ENGSCHED_OK)
        return rc;
    int32_t after = rec->start_day > today - 1 ? rec->start_day : today - 1;
    return es_recurrence_next_after(rec->recurrence, rec->start_day, after,
                                    &rec->recurrence_next_day);
}

static engsched_rc read_origin(imp *im, const json_t *e, const char *base, size_t index,
                               engsched_rec_engagement *rec)
{
    char p[PATH_LEN];
    json_t *origin = NULL;
    rec->origin = 0;
    engsched_rc rc = imp_get_member(im, e, base, "origin", NULLABLE, &origin);
    if (rc != ENGSCHED_OK || origin == NULL || json_is_null(origin))
        return rc;
    imp_at(p, base, "origin");
    if (!json_is_integer(origin) || json_integer_value(origin) < 0 ||
        (size_t)json_integer_value(origin) >= index)
        return imp_bad(im->db, p, "must be the index of an earlier engagement, or null");
    /* While writing, the series is in the store already: its id. */
    size_t series = (size_t)json_integer_value(origin);
    rec->origin = im->writing ? im->engagement_ids[series] : 1;
    return ENGSCHED_OK;
}

engsched_rc imp_read_recurrence(imp *im, const json_t *e, const char *base, size_t index,
                                engsched_rec_engagement *rec)
{
    rec->recurrence = "";
    rec->recurrence_next_day = 0;
    engsched_rc rc = read_rule(im, e, base, index, rec);
    return rc != ENGSCHED_OK ? rc : read_origin(im, e, base, index, rec);
}
