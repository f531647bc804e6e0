/* rules/: skills tags and the candidate rank (skills_rules.c); pure, no
 * I/O, no allocation; includes util/ and the public headers only. */
#ifndef ES_SKILLS_RULES_H
#define ES_SKILLS_RULES_H

#include <stddef.h>

#include <engsched/candidates.h>

/* Why a tag is refused, for the message; ES_TAG_OK if it is a tag. */
typedef enum es_tag_check {
    ES_TAG_OK = 0,
    ES_TAG_NULL,     /* no string at all */
    ES_TAG_EMPTY,    /* "" */
    ES_TAG_TOO_LONG, /* more than ENGSCHED_TAG_MAX_LEN bytes */
    ES_TAG_BAD_CHAR  /* a byte outside [a-z0-9-_.+] */
} es_tag_check;

/* Whether @p tag is a tag: 1 to ENGSCHED_TAG_MAX_LEN bytes of lowercase
 * [a-z0-9] and '-', '_', '.', '+'. Never reads past byte
 * ENGSCHED_TAG_MAX_LEN + 1, so an unterminated long string is safe. */
es_tag_check es_tag_check_one(const char *tag);
/* A short phrase for @p why ("is empty", ...), for messages; never NULL. */
const char *es_tag_problem(es_tag_check why);

/* Sort the @p count valid tags in place (bytewise, as the stores order
 * them) and fold duplicates; returns how many distinct tags remain at the
 * front. */
size_t es_tags_fold(const char **tags, size_t count);

/* How many of the @p nwant tags of @p want are in @p have (matched) and
 * not (missing). Both sets sorted bytewise and without duplicates. */
void es_tags_compare(const char *const *have, size_t nhave, const char *const *want, size_t nwant,
                     size_t *out_matched, size_t *out_missing);

/* What ranks one candidate (docs/design.md, "Candidates"). */
typedef struct es_candidate_key {
    engsched_id id;
    const char *name;       /* display name; NULL sorts as "" */
    unsigned missing;       /* required skills the operator lacks */
    unsigned free_days;     /* working days of the dates with no work, no absence */
    unsigned conflict_days; /* days of the dates with overlapping work or absence */
} es_candidate_key;

/* The rank order: fewer missing required skills first; then more free
 * working days; then fewer conflict days; then display name (bytewise),
 * then id, so that the order is total and stable. <0, 0 or >0. */
int es_candidate_cmp(const es_candidate_key *a, const es_candidate_key *b);

#endif
