/* The engagement input builder: every setter validates at once, so an
 * operation only checks what depends on the store. */
#include <string.h>

#include <jansson.h>

#include "util/dates.h"
#include "core/events.h"
#include "ops/ops.h"
#include "core/validate.h"
#include "ops/ops.h"

static const struct {
    unsigned int field;
    const char *name;
} field_names[] = {
    {ES_F_NAME, "name"},         {ES_F_CLIENT, "client"},
    {ES_F_DESCRIPTION, "description"}, {ES_F_TYPE, "type"},
    {ES_F_LOCATION, "location"}, {ES_F_CONTACTS, "contacts"},
    {ES_F_DATES, "dates"},       {ES_F_CUSTOM, "custom_fields"},
    {ES_F_REPORT_TITLE, "report_title"}, {ES_F_OPERATORS, "operators"},
    {ES_F_FILES, "files"},
};

static const char *first_field_name(unsigned int fields)
{
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        if (fields & field_names[i].field)
            return field_names[i].name;
    }
    return "?";
}

engsched_rc es_input_only(engsched *db, const engsched_input *in, unsigned int allowed,
                          const char *operation)
{
    unsigned int extra = in ? in->fields & ~allowed : 0;
    if (extra == 0)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EINVAL, "%s: cannot be set by %s", first_field_name(extra),
                   operation);
}

engsched_rc es_input_require(engsched *db, const engsched_input *in, unsigned int required,
                             const char *operation)
{
    unsigned int missing = required & ~(in ? in->fields : 0);
    if (missing == 0)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EINVAL, "%s: required to %s", first_field_name(missing),
                   operation);
}

engsched_rc engsched_input_new(engsched *db, engsched_input **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_input *in = es_calloc(1, sizeof *in);
    if (in == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory creating an input builder");
    in->db = db;
    *out = in;
    return es_ok(db);
}

void engsched_input_free(engsched_input *in)
{
    if (in == NULL)
        return;
    es_free(in->name);
    es_free(in->description);
    es_free(in->type);
    es_free(in->location);
    es_free(in->contacts);
    es_free(in->custom_fields);
    es_free(in->report_title);
    es_free(in->recurrence);
    es_free(in->operators);
    for (size_t i = 0; i < in->file_count; i++) {
        es_free(in->files[i].name);
        es_free(in->files[i].media_type);
    }
    es_free(in->files);
    es_free(in);
}

/* Validate, copy and store one text field; the old value is kept when
 * anything fails. */
static engsched_rc set_text(engsched_input *in, char **slot, unsigned int field,
                            const char *label, const char *value, size_t min_len,
                            size_t max_len, es_text_kind kind)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    engsched_rc rc = es_check_text(in->db, label, value, min_len, max_len, kind);
    if (rc != ENGSCHED_OK)
        return rc;
    char *copy = es_strdup(value);
    if (copy == NULL)
        return es_fail(in->db, ENGSCHED_ENOMEM, "out of memory setting %s", label);
    es_free(*slot);
    *slot = copy;
    in->fields |= field;
    return es_ok(in->db);
}

engsched_rc engsched_input_set_name(engsched_input *in, const char *name)
{
    return set_text(in, in ? &in->name : NULL, ES_F_NAME, "name", name, 1, ES_NAME_MAX,
                    ES_TEXT_LINE);
}

engsched_rc engsched_input_set_client(engsched_input *in, engsched_id client)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    if (client <= 0)
        return es_fail(in->db, ENGSCHED_EINVAL, "client: %lld is not a client id",
                       (long long)client);
    in->client = client;
    in->fields |= ES_F_CLIENT;
    return es_ok(in->db);
}

engsched_rc engsched_input_set_description(engsched_input *in, const char *text)
{
    return set_text(in, in ? &in->description : NULL, ES_F_DESCRIPTION, "description", text, 0,
                    ES_TEXT_MAX, ES_TEXT_MULTILINE);
}

engsched_rc engsched_input_set_type(engsched_input *in, const char *type)
{
    return set_text(in, in ? &in->type : NULL, ES_F_TYPE, "type", type, 0, ES_NAME_MAX,
                    ES_TEXT_LINE);
}

engsched_rc engsched_input_set_location(engsched_input *in, const char *location)
{
    return set_text(in, in ? &in->location : NULL, ES_F_LOCATION, "location", location, 0,
                    ES_NAME_MAX, ES_TEXT_LINE);
}

engsched_rc engsched_input_set_contacts(engsched_input *in, const char *contacts)
{
    return set_text(in, in ? &in->contacts : NULL, ES_F_CONTACTS, "contacts", contacts, 0,
                    ES_CONTACTS_MAX, ES_TEXT_MULTILINE);
}

engsched_rc engsched_input_set_report_title(engsched_input *in, const char *title)
{
    return set_text(in, in ? &in->report_title : NULL, ES_F_REPORT_TITLE, "report_title", title,
                    1, ES_NAME_MAX, ES_TEXT_LINE);
}

engsched_rc engsched_input_set_dates(engsched_input *in, const char *start, const char *end)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    int32_t first, last;
    if (!es_date_parse(start, &first))
        return es_fail(in->db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)",
                       start ? start : "(null)");
    if (!es_date_parse(end, &last))
        return es_fail(in->db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                       end ? end : "(null)");
    if (last < first)
        return es_fail(in->db, ENGSCHED_EINVAL, "end: %s is before the start %s", end, start);
    if (!es_date_has_next(last))
        return es_fail(in->db, ENGSCHED_EINVAL,
                       "end: %s has no next day, which a calendar event needs (last: 9999-12-30)",
                       end);
    in->start_day = first;
    in->end_day = last;
    in->fields |= ES_F_DATES;
    return es_ok(in->db);
}

engsched_rc engsched_input_set_custom_fields(engsched_input *in, const char *json_object)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    engsched_rc rc = es_check_text(in->db, "custom_fields", json_object, 2, ES_TEXT_MAX,
                                   ES_TEXT_MULTILINE);
    if (rc != ENGSCHED_OK)
        return rc;
    json_error_t error;
    json_t *value = json_loads(json_object, JSON_REJECT_DUPLICATES, &error);
    if (value == NULL && es_json_load_oom(&error))
        return es_fail(in->db, ENGSCHED_ENOMEM, "out of memory reading custom_fields");
    if (value == NULL)
        return es_fail(in->db, ENGSCHED_EINVAL, "custom_fields: line %d, column %d: %s",
                       error.line, error.column, error.text);
    int is_object = json_is_object(value);
    /* Stored canonical (compact, sorted) so that equal objects compare equal. */
    char *canonical = is_object ? es_json_dump_canonical(value) : NULL;
    json_decref(value);
    if (!is_object)
        return es_fail(in->db, ENGSCHED_EINVAL, "custom_fields: must be a JSON object");
    if (canonical == NULL)
        return es_fail(in->db, ENGSCHED_ENOMEM, "out of memory setting custom_fields");
    es_free(in->custom_fields);
    in->custom_fields = canonical;
    in->fields |= ES_F_CUSTOM;
    return es_ok(in->db);
}

engsched_rc engsched_input_add_operator(engsched_input *in, engsched_id user,
                                        engsched_operator_role role)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    if (user <= 0)
        return es_fail(in->db, ENGSCHED_EINVAL, "operator: %lld is not a user id",
                       (long long)user);
    if ((int)role < ENGSCHED_OPROLE_NONE || (int)role > ENGSCHED_OPROLE_REVIEWER)
        return es_fail(in->db, ENGSCHED_EINVAL, "operator role: unknown value %d", (int)role);
    for (size_t i = 0; i < in->operator_count; i++) {
        if (in->operators[i].user == user)
            return es_fail(in->db, ENGSCHED_EINVAL, "operator: user %lld added twice",
                           (long long)user);
    }
    es_input_operator *grown =
        es_realloc(in->operators, (in->operator_count + 1) * sizeof *grown);
    if (grown == NULL)
        return es_fail(in->db, ENGSCHED_ENOMEM, "out of memory adding an operator");
    in->operators = grown;
    in->operators[in->operator_count++] = (es_input_operator){user, role};
    in->fields |= ES_F_OPERATORS;
    return es_ok(in->db);
}

engsched_rc engsched_input_add_file(engsched_input *in, const char *name, const char *media_type,
                                    const void *data, size_t size)
{
    if (in == NULL)
        return ENGSCHED_EMISUSE;
    engsched_rc rc = es_check_file_name(in->db, "file name", name);
    if (rc != ENGSCHED_OK)
        return rc;
    if (media_type != NULL && (rc = es_check_media_type(in->db, "media type", media_type)) !=
                                  ENGSCHED_OK)
        return rc;
    if (data == NULL && size != 0)
        return es_fail(in->db, ENGSCHED_EINVAL, "file data: NULL with a size of %zu", size);
    char *name_copy = es_strdup(name);
    char *type_copy = es_strdup(media_type ? media_type : "application/octet-stream");
    es_input_file *grown = NULL;
    if (name_copy != NULL && type_copy != NULL)
        grown = es_realloc(in->files, (in->file_count + 1) * sizeof *grown);
    if (grown == NULL) {
        es_free(name_copy);
        es_free(type_copy);
        return es_fail(in->db, ENGSCHED_ENOMEM, "out of memory adding a file");
    }
    in->files = grown;
    in->files[in->file_count++] = (es_input_file){name_copy, type_copy, data, size};
    in->fields |= ES_F_FILES;
    return es_ok(in->db);
}
