/* Skills of users and the skills engagements require (table version 6):
 * two child tables of (owner, tag), replaced as a whole and read in tag
 * order. */
#include "storage/sql/sql.h"

static engsched_rc enter(es_sql *b) { return b->drv->enter(b); }

/* Replace the owner's tags: clear, then one insert per tag, all inside
 * the core's write transaction, which a failure rolls back. */
static engsched_rc replace(engsched_storage *s, int clear, int add, const char *what,
                           engsched_id owner, const char *const *tags, size_t count)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    es_sql_cur c = es_sql_cur_on(b, clear, what);
    es_sql_int(&c, owner);
    rc = es_sql_exec(&c);
    for (size_t i = 0; rc == ENGSCHED_OK && i < count; i++) {
        es_sql_cur one = es_sql_cur_on(b, add, what);
        es_sql_int(&one, owner);
        es_sql_text(&one, tags[i]);
        rc = es_sql_exec(&one);
    }
    return rc;
}

struct tag_cb {
    engsched_storage_tag_fn fn;
};

static engsched_rc tag_row(const es_sql_cur *c, void *fn, void *ctx)
{
    return ((struct tag_cb *)fn)->fn(ctx, es_sql_col_text(c, 0));
}

static engsched_rc tags_of(engsched_storage *s, int id, const char *what, engsched_id owner,
                           engsched_storage_tag_fn row, void *ctx)
{
    es_sql *b = es_sql_of(s);
    engsched_rc rc = enter(b);
    if (rc != ENGSCHED_OK)
        return rc;
    struct tag_cb cb = {row};
    es_sql_cur c = es_sql_cur_on(b, id, what);
    es_sql_int(&c, owner);
    return es_sql_rows(&c, tag_row, &cb, ctx);
}

static engsched_rc sql_user_skills_set(engsched_storage *s, engsched_id user,
                                       const char *const *tags, size_t count)
{
    return replace(s, ES_SQL_USER_SKILLS_CLEAR, ES_SQL_USER_SKILL_ADD, "writing user skills", user,
                   tags, count);
}

static engsched_rc sql_user_skills_list(engsched_storage *s, engsched_id user,
                                        engsched_storage_tag_fn row, void *ctx)
{
    return tags_of(s, ES_SQL_USER_SKILLS_LIST, "reading user skills", user, row, ctx);
}

static engsched_rc sql_engagement_skills_set(engsched_storage *s, engsched_id engagement,
                                             const char *const *tags, size_t count)
{
    return replace(s, ES_SQL_ENGAGEMENT_SKILLS_CLEAR, ES_SQL_ENGAGEMENT_SKILL_ADD,
                   "writing required skills", engagement, tags, count);
}

static engsched_rc sql_engagement_skills_list(engsched_storage *s, engsched_id engagement,
                                              engsched_storage_tag_fn row, void *ctx)
{
    return tags_of(s, ES_SQL_ENGAGEMENT_SKILLS_LIST, "reading required skills", engagement, row,
                   ctx);
}

void es_sql_fill_skills(engsched_storage *t)
{
    t->user_skills_set = sql_user_skills_set;
    t->user_skills_list = sql_user_skills_list;
    t->engagement_skills_set = sql_engagement_skills_set;
    t->engagement_skills_list = sql_engagement_skills_list;
}
