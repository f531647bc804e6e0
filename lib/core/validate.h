/* Input validation shared by every setter. What a valid name, text, file
 * name or e-mail address is, util/text.h decides (pure predicates); these
 * wrappers write a message naming the field into the handle. */
#ifndef ENGSCHED_VALIDATE_H
#define ENGSCHED_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "util/text.h"

engsched_rc es_check_text(engsched *db, const char *field, const char *value, size_t min_len,
                          size_t max_len, es_text_kind kind);
engsched_rc es_check_file_name(engsched *db, const char *field, const char *name);
engsched_rc es_check_media_type(engsched *db, const char *field, const char *type);
engsched_rc es_check_email(engsched *db, const char *field, const char *email);

/* es_cn_name_problem for a setter: EINVAL naming @field in the handle. */
engsched_rc es_check_cn_name(engsched *db, const char *field, const char *name);

/* The dates of a view's range: both valid, in order, and at most
 * ENGSCHED_RANGE_MAX_DAYS days; EINVAL naming the one at fault. */
engsched_rc es_check_view_range(engsched *db, const char *start, const char *end,
                                int32_t *out_first, int32_t *out_last);

#define ES_NAME_MAX 255
#define ES_TEXT_MAX 65536
#define ES_CONTACTS_MAX 4096
#define ES_REASON_MAX 4096

#endif
