/* views/: lists of skills tags (the public engsched_tag_list), reading
 * them from the backend, and checking tags given to a setter. */
#ifndef ES_TAG_LIST_H
#define ES_TAG_LIST_H

#include <engsched/candidates.h>

#include "core/internal.h"

struct engsched_tag_list {
    char **tags;
    size_t count;
    size_t cap;
};

engsched_tag_list *es_tag_list_new(void);
void es_tag_list_clear(engsched_tag_list *list);
/* Copies tag; ENGSCHED_ENOMEM on failure. */
engsched_rc es_tag_list_add(engsched_tag_list *list, const char *tag);

/* ENGSCHED_EUNSUPPORTED, described, when the backend keeps no skills. */
engsched_rc es_skills_supported(engsched *db);
/* Append the skills of @p user (or those @p engagement requires) to
 * @p list, in the caller's transaction; a backend without skills gives
 * none. */
engsched_rc es_user_skills_read(engsched *db, engsched_id user, engsched_tag_list *list);
engsched_rc es_required_skills_read(engsched *db, engsched_id engagement, engsched_tag_list *list);

/* Check @p count tags given for @p field (every one a tag, at most
 * ENGSCHED_TAGS_MAX distinct ones) and hand back a sorted, folded copy of
 * the pointers (es_free; the strings stay the caller's) and its length.
 * EINVAL or ENOMEM with a message otherwise. */
engsched_rc es_tags_checked(engsched *db, const char *field, const char *const *tags, size_t count,
                            const char ***out, size_t *out_count);

#endif
