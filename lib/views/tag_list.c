/* Tag lists: the skills of a user, the skills an engagement requires. */
#include <string.h>

#include "rules/skills_rules.h"
#include "views/tag_list.h"

engsched_tag_list *es_tag_list_new(void) { return es_calloc(1, sizeof(engsched_tag_list)); }

void es_tag_list_clear(engsched_tag_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        es_free(list->tags[i]);
    list->count = 0;
}

void engsched_tag_list_free(engsched_tag_list *list)
{
    if (list == NULL)
        return;
    es_tag_list_clear(list);
    es_free(list->tags);
    es_free(list);
}

engsched_rc es_tag_list_add(engsched_tag_list *list, const char *tag)
{
    char **grown = es_grow(list->tags, &list->cap, list->count, sizeof *grown);
    if (grown == NULL)
        return ENGSCHED_ENOMEM;
    list->tags = grown;
    char *copy = es_strdup(tag);
    if (copy == NULL)
        return ENGSCHED_ENOMEM;
    list->tags[list->count++] = copy;
    return ENGSCHED_OK;
}

size_t engsched_tag_list_count(const engsched_tag_list *list) { return list ? list->count : 0; }

const char *engsched_tag_list_item(const engsched_tag_list *list, size_t index)
{
    return list != NULL && index < list->count ? list->tags[index] : NULL;
}

engsched_rc es_skills_supported(engsched *db)
{
    if (db->skills)
        return ENGSCHED_OK;
    return es_fail(db, ENGSCHED_EUNSUPPORTED,
                   "the storage backend keeps no skills (its table is version %u; skills "
                   "need version 6 with the four skills callbacks)",
                   db->storage->version);
}

static engsched_rc add_tag(void *ctx, const char *tag) { return es_tag_list_add(ctx, tag); }

static engsched_rc read_tags(engsched *db, int engagement, engsched_id owner,
                             engsched_tag_list *list)
{
    if (!db->skills)
        return ENGSCHED_OK;
    engsched_storage *s = db->storage;
    engsched_rc rc = engagement ? s->engagement_skills_list(s, owner, add_tag, list)
                                : s->user_skills_list(s, owner, add_tag, list);
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(db, rc, "out of memory reading skills");
    if (rc != ENGSCHED_OK)
        return es_storage_fail(db, rc, "reading skills");
    return ENGSCHED_OK;
}

engsched_rc es_user_skills_read(engsched *db, engsched_id user, engsched_tag_list *list)
{
    return read_tags(db, 0, user, list);
}

engsched_rc es_required_skills_read(engsched *db, engsched_id engagement, engsched_tag_list *list)
{
    return read_tags(db, 1, engagement, list);
}

engsched_rc es_tags_checked(engsched *db, const char *field, const char *const *tags, size_t count,
                            const char ***out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    if (count > 0 && tags == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "%s: NULL with a count of %zu", field, count);
    for (size_t i = 0; i < count; i++) {
        es_tag_check why = es_tag_check_one(tags[i]);
        if (why != ES_TAG_OK)
            return es_fail(db, ENGSCHED_EINVAL, "%s: tag %zu %s", field, i, es_tag_problem(why));
    }
    if (count == 0)
        return ENGSCHED_OK;
    const char **copy = es_malloc(count * sizeof *copy);
    if (copy == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory checking %s", field);
    memcpy(copy, tags, count * sizeof *copy);
    size_t kept = es_tags_fold(copy, count);
    if (kept > ENGSCHED_TAGS_MAX) {
        es_free(copy);
        return es_fail(db, ENGSCHED_EINVAL, "%s: %zu distinct tags, more than the limit of %d",
                       field, kept, ENGSCHED_TAGS_MAX);
    }
    *out = copy;
    *out_count = kept;
    return ENGSCHED_OK;
}
