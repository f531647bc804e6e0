/* skills, require, candidates: the skills of users and engagements, and
 * the operators who may be assigned to an engagement, best first. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static json_t *tags_json(const engsched_tag_list *tags)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < engsched_tag_list_count(tags); i++)
        json_array_append_new(arr, json_string(engsched_tag_list_item(tags, i)));
    return arr;
}

static void print_tags(const engsched_tag_list *tags)
{
    for (size_t i = 0; i < engsched_tag_list_count(tags); i++)
        printf("%s%s", i ? " " : "", engsched_tag_list_item(tags, i));
    printf("\n");
}

/* Read a user's skills (engagement 0) or an engagement's, print them. */
static int show_tags(cli *c, engsched_id user, engsched_id engagement)
{
    engsched_tag_list *tags = NULL;
    engsched_rc rc = engagement != 0
                         ? engsched_required_skills(c->db, c->actor, engagement, &tags)
                         : engsched_user_skills(c->db, c->actor, user, &tags);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    int code = 0;
    if (c->json)
        code = out_json(tags_json(tags));
    else
        print_tags(tags);
    engsched_tag_list_free(tags);
    return code;
}

int cmd_skills(cli *c, const cmd_spec *cmd, const parsed *p)
{
    int clear = arg_flag(cmd, p, "clear"), code;
    engsched_id user = 0;
    if (clear && p->npos > 1)
        return cli_usage(cmd, "--clear takes no tags");
    if ((code = cli_open(c)) != 0 || (code = cli_user(c, p->pos[0], &user)) != 0)
        return code;
    if (p->npos == 1 && !clear)
        return show_tags(c, user, 0);
    engsched_rc rc =
        engsched_user_skills_set(c->db, c->actor, user, p->pos + 1, (size_t)(p->npos - 1));
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    return show_tags(c, user, 0);
}

int cmd_require(cli *c, const cmd_spec *cmd, const parsed *p)
{
    int clear = arg_flag(cmd, p, "clear"), code;
    engsched_id id = 0;
    if (clear && p->npos > 1)
        return cli_usage(cmd, "--clear takes no tags");
    if ((code = cli_engagement_id(p->pos[0], "ENGAGEMENT", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    if (p->npos == 1 && !clear)
        return show_tags(c, 0, id);
    engsched_rc rc =
        engsched_required_skills_set(c->db, c->actor, id, 0, p->pos + 1, (size_t)(p->npos - 1));
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    return show_tags(c, 0, id);
}

static json_t *candidate_json(cli *c, const engsched_candidates *cand)
{
    const engsched_work_list *work = engsched_candidates_work(cand);
    json_t *blocks = json_array();
    for (size_t i = 0; blocks != NULL && i < engsched_work_list_count(work); i++) {
        engsched_work_kind kind;
        engsched_id id;
        const char *label, *s, *e;
        if (engsched_work_list_item(work, i, &kind, &id, &label, &s, &e, NULL) != ENGSCHED_OK)
            break;
        int away = kind == ENGSCHED_WORK_UNAVAILABLE;
        json_array_append_new(blocks, json_pack("{s:s, s:o, s:s, s:s, s:s}", "kind",
                                                away ? "unavailable" : "engagement", "id",
                                                id && !away ? json_integer(id) : json_null(),
                                                "label", label, "start", s, "end", e));
    }
    return json_pack(
        "{s:i, s:I, s:o, s:s, s:i, s:i, s:i, s:i, s:o, s:b, s:o}", "rank",
        (int)engsched_candidates_rank(cand), "user", (json_int_t)engsched_candidates_user(cand),
        "user_key", out_user_key(c, engsched_candidates_user(cand)), "name",
        engsched_candidates_name(cand), "free_days", (int)engsched_candidates_free_days(cand),
        "conflict_days", (int)engsched_candidates_conflict_days(cand), "matched",
        (int)engsched_candidates_matched(cand), "missing", (int)engsched_candidates_missing(cand),
        "missing_tags", tags_json(engsched_candidates_missing_tags(cand)), "assigned",
        engsched_candidates_assigned(cand), "work", blocks ? blocks : json_array());
}

int cmd_candidates(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    engsched_id id = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ENGAGEMENT", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_candidates *cand = NULL;
    engsched_rc rc = engsched_candidates_open(c->db, c->actor, id, &cand);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    json_t *arr = c->json ? json_array() : NULL;
    int has = 0;
    while ((rc = engsched_candidates_next(cand, &has)) == ENGSCHED_OK && has) {
        if (arr != NULL) {
            json_array_append_new(arr, candidate_json(c, cand));
            continue;
        }
        /* One row per operator: rank, name, free and conflict days, the
         * required skills they lack, and whether they are on it. */
        printf("%3u %-20s free %2u  conflicts %2u  busy blocks %zu  missing %u",
               engsched_candidates_rank(cand), engsched_candidates_name(cand),
               engsched_candidates_free_days(cand), engsched_candidates_conflict_days(cand),
               engsched_work_list_count(engsched_candidates_work(cand)),
               engsched_candidates_missing(cand));
        const engsched_tag_list *missing = engsched_candidates_missing_tags(cand);
        for (size_t i = 0; i < engsched_tag_list_count(missing); i++)
            printf("%s%s", i ? "," : " (", engsched_tag_list_item(missing, i));
        printf("%s%s\n", engsched_tag_list_count(missing) ? ")" : "",
               engsched_candidates_assigned(cand) ? "  assigned" : "");
    }
    engsched_candidates_free(cand);
    if (rc != ENGSCHED_OK) {
        json_decref(arr);
        return cli_fail(c, rc);
    }
    return arr != NULL ? out_json(arr) : 0;
}
