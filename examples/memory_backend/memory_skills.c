/* Skills (table version 6): a user's tags and the tags an engagement
 * requires, each one table of (owner, tag) rows kept in (owner, tag)
 * order, so that a list is one contiguous run. */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

static void tag_release(void *item) { free(((mem_tag *)item)->tag); }

static int tag_copy(void *dst, const void *src)
{
    const mem_tag *from = src;
    mem_tag *to = dst;
    to->owner = from->owner;
    to->tag = mem_strdup(from->tag);
    return to->tag == NULL ? -1 : 0;
}

/* The first row of @p owner, or where it would be. */
static size_t first_of(const mem_table *t, engsched_id owner)
{
    const mem_tag *all = t->items;
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (all[mid].owner < owner)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t end_of(const mem_table *t, engsched_id owner, size_t from)
{
    const mem_tag *all = t->items;
    while (from < t->count && all[from].owner == owner)
        from++;
    return from;
}

static engsched_rc replace(mem_backend *b, mem_table *t, engsched_id owner, const char *const *tags,
                           size_t count, const char *what)
{
    /* The new rows are made first: on failure the table is unchanged. */
    mem_table fresh = {0};
    for (size_t i = 0; i < count; i++) {
        mem_tag row = {owner, mem_strdup(tags[i])};
        if (row.tag == NULL || mem_table_push(&fresh, &row, sizeof row) != 0) {
            free(row.tag);
            mem_table_free(&fresh, sizeof(mem_tag), tag_release);
            return mem_oom(b, what);
        }
    }
    mem_sort_tags(fresh.items, fresh.count);
    size_t at = first_of(t, owner);
    while (at < t->count && ((mem_tag *)t->items)[at].owner == owner)
        mem_table_remove(t, at, sizeof(mem_tag), tag_release);
    for (size_t i = 0; i < fresh.count; i++) {
        if (mem_table_insert(t, at + i, (mem_tag *)fresh.items + i, sizeof(mem_tag)) != 0) {
            /* The rest are freed; those inserted already belong to t,
             * and the core rolls the transaction back. */
            for (size_t j = i; j < fresh.count; j++)
                tag_release((mem_tag *)fresh.items + j);
            free(fresh.items);
            return mem_oom(b, what);
        }
    }
    free(fresh.items); /* the strings moved into t */
    return ENGSCHED_OK;
}

static engsched_rc list(const mem_table *t, engsched_id owner, engsched_storage_tag_fn row,
                        void *ctx)
{
    size_t from = first_of(t, owner), to = end_of(t, owner, from);
    const mem_tag *all = t->items;
    for (size_t i = from; i < to; i++) {
        engsched_rc rc = row(ctx, all[i].tag);
        if (rc != ENGSCHED_OK)
            return rc;
    }
    return ENGSCHED_OK;
}

engsched_rc mem_user_skills_set(engsched_storage *s, engsched_id user, const char *const *tags,
                                size_t count)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing user skills", &rc);
    if (st == NULL)
        return rc;
    return replace(b, &st->user_skills, user, tags, count, "writing user skills");
}

engsched_rc mem_user_skills_list(engsched_storage *s, engsched_id user, engsched_storage_tag_fn row,
                                 void *ctx)
{
    mem_state *st = mem_read(mem_of(s), "reading user skills");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    return list(&st->user_skills, user, row, ctx);
}

engsched_rc mem_engagement_skills_set(engsched_storage *s, engsched_id engagement,
                                      const char *const *tags, size_t count)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing required skills", &rc);
    if (st == NULL)
        return rc;
    return replace(b, &st->engagement_skills, engagement, tags, count, "writing required skills");
}

engsched_rc mem_engagement_skills_list(engsched_storage *s, engsched_id engagement,
                                       engsched_storage_tag_fn row, void *ctx)
{
    mem_state *st = mem_read(mem_of(s), "reading required skills");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    return list(&st->engagement_skills, engagement, row, ctx);
}

static int compare_tag_rows(const void *pa, const void *pb)
{
    const mem_tag *a = pa, *b = pb;
    return strcmp(a->tag, b->tag);
}

void mem_sort_tags(mem_tag *rows, size_t n)
{
    if (n > 1)
        qsort(rows, n, sizeof rows[0], compare_tag_rows);
}

int mem_skills_copy(mem_state *dst, const mem_state *src)
{
    if (mem_table_copy(&dst->user_skills, &src->user_skills, sizeof(mem_tag), tag_copy,
                       tag_release) != 0 ||
        mem_table_copy(&dst->engagement_skills, &src->engagement_skills, sizeof(mem_tag), tag_copy,
                       tag_release) != 0)
        return -1;
    return 0;
}

void mem_skills_free(mem_state *st)
{
    mem_table_free(&st->user_skills, sizeof(mem_tag), tag_release);
    mem_table_free(&st->engagement_skills, sizeof(mem_tag), tag_release);
}
