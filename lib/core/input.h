/* The engagement input builder, as the operations read it. */
#ifndef ENGSCHED_INPUT_H
#define ENGSCHED_INPUT_H

#include "core/internal.h"

typedef enum es_field {
    ES_F_NAME = 1u << 0,
    ES_F_CLIENT = 1u << 1,
    ES_F_DESCRIPTION = 1u << 2,
    ES_F_TYPE = 1u << 3,
    ES_F_LOCATION = 1u << 4,
    ES_F_CONTACTS = 1u << 5,
    ES_F_DATES = 1u << 6,
    ES_F_CUSTOM = 1u << 7,
    ES_F_REPORT_TITLE = 1u << 8,
    ES_F_OPERATORS = 1u << 9,
    ES_F_FILES = 1u << 10
} es_field;

typedef struct es_input_operator {
    engsched_id user;
    engsched_operator_role role;
} es_input_operator;

typedef struct es_input_file {
    char *name;
    char *media_type;
    const void *data; /* the caller's bytes, not copied */
    size_t size;
} es_input_file;

struct engsched_input {
    engsched *db;
    unsigned int fields; /* es_field bits that were set */
    char *name;
    engsched_id client;
    char *description;
    char *type;
    char *location;
    char *contacts;
    char *custom_fields;
    char *report_title;
    int32_t start_day;
    int32_t end_day;
    es_input_operator *operators;
    size_t operator_count;
    es_input_file *files;
    size_t file_count;
    /* Set by engsched_clone() alone, never by a setter (no field bit):
     * the rule the new engagement recurs by (NULL: none) and the
     * engagement it was cloned from (0: none, no engagement.cloned). */
    char *recurrence;
    engsched_id cloned_from;
};

/* Refuse fields an operation does not take, naming the first one. */
#endif
