/* Validation for setters: the text predicates of util/text.h with the
 * message that names the field written into the handle. */
#include <string.h>

#include "core/validate.h"
#include "util/dates.h"

engsched_rc es_check_text(engsched *db, const char *field, const char *value, size_t min_len,
                          size_t max_len, es_text_kind kind)
{
    if (value == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", field);
    size_t len = strlen(value);
    if (len < min_len)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be empty", field);
    if (len > max_len)
        return es_fail(db, ENGSCHED_EINVAL, "%s: %zu bytes is longer than the limit of %zu",
                       field, len, max_len);
    if (!es_utf8_valid(value, len))
        return es_fail(db, ENGSCHED_EINVAL, "%s: not valid UTF-8", field);
    long bad = es_text_control_at(value, len, kind);
    if (bad >= 0)
        return es_fail(db, ENGSCHED_EINVAL, "%s: control character at byte %ld", field, bad);
    return ENGSCHED_OK;
}

engsched_rc es_check_file_name(engsched *db, const char *field, const char *name)
{
    engsched_rc rc = es_check_text(db, field, name, 1, ES_NAME_MAX, ES_TEXT_LINE);
    if (rc != ENGSCHED_OK)
        return rc;
    if (es_file_name_has_separator(name))
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not contain a path separator", field);
    if (es_file_name_is_dots(name))
        return es_fail(db, ENGSCHED_EINVAL, "%s: \"%s\" is not a file name", field, name);
    return ENGSCHED_OK;
}

engsched_rc es_check_media_type(engsched *db, const char *field, const char *type)
{
    engsched_rc rc = es_check_text(db, field, type, 3, 127, ES_TEXT_LINE);
    if (rc != ENGSCHED_OK)
        return rc;
    if (!es_media_type_is_pair(type))
        return es_fail(db, ENGSCHED_EINVAL, "%s: \"%s\" is not type/subtype", field, type);
    if (!es_media_type_chars_ok(type))
        return es_fail(db, ENGSCHED_EINVAL, "%s: invalid character in \"%s\"", field, type);
    return ENGSCHED_OK;
}

engsched_rc es_check_email(engsched *db, const char *field, const char *email)
{
    if (email == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", field);
    const char *why = es_email_problem(email);
    if (why != NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: %s", field, why);
    return ENGSCHED_OK;
}

engsched_rc es_check_cn_name(engsched *db, const char *field, const char *name)
{
    if (name == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: must not be NULL", field);
    const char *why = es_cn_name_problem(name);
    if (why != NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: %s", field, why);
    return ENGSCHED_OK;
}

engsched_rc es_check_view_range(engsched *db, const char *start, const char *end,
                                int32_t *out_first, int32_t *out_last)
{
    int32_t first, last;
    if (!es_date_parse(start, &first))
        return es_fail(db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)",
                       start ? start : "(null)");
    if (!es_date_parse(end, &last))
        return es_fail(db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                       end ? end : "(null)");
    if (last < first)
        return es_fail(db, ENGSCHED_EINVAL, "end: %s is before the start %s", end, start);
    if (last - first + 1 > ENGSCHED_RANGE_MAX_DAYS)
        return es_fail(db, ENGSCHED_EINVAL, "range: %d days is longer than the limit of %d",
                       (int)(last - first + 1), ENGSCHED_RANGE_MAX_DAYS);
    *out_first = first;
    *out_last = last;
    return ENGSCHED_OK;
}
