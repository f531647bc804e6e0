/* Skills: which strings are tags, tag sets, and the candidate rank. */
#include <stdlib.h>
#include <string.h>

#include "rules/skills_rules.h"

static int tag_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '+';
}

es_tag_check es_tag_check_one(const char *tag)
{
    if (tag == NULL)
        return ES_TAG_NULL;
    if (tag[0] == '\0')
        return ES_TAG_EMPTY;
    size_t i = 0;
    for (; tag[i] != '\0'; i++) {
        if (i == ENGSCHED_TAG_MAX_LEN)
            return ES_TAG_TOO_LONG;
        if (!tag_byte((unsigned char)tag[i]))
            return ES_TAG_BAD_CHAR;
    }
    return ES_TAG_OK;
}

const char *es_tag_problem(es_tag_check why)
{
    switch (why) {
    case ES_TAG_OK:
        return "is a tag";
    case ES_TAG_NULL:
        return "is NULL";
    case ES_TAG_EMPTY:
        return "is empty";
    case ES_TAG_TOO_LONG:
        return "is longer than 64 bytes";
    case ES_TAG_BAD_CHAR:
        break;
    }
    return "has a character outside a-z, 0-9, '-', '_', '.', '+'";
}

static int compare_tags(const void *pa, const void *pb)
{
    const char *const *a = pa, *const *b = pb;
    return strcmp(*a, *b);
}

size_t es_tags_fold(const char **tags, size_t count)
{
    if (count < 2)
        return count;
    qsort(tags, count, sizeof tags[0], compare_tags);
    size_t kept = 1;
    for (size_t i = 1; i < count; i++) {
        if (strcmp(tags[i], tags[kept - 1]) != 0)
            tags[kept++] = tags[i];
    }
    return kept;
}

void es_tags_compare(const char *const *have, size_t nhave, const char *const *want, size_t nwant,
                     size_t *out_matched, size_t *out_missing)
{
    size_t i = 0, matched = 0;
    /* A merge of two sorted sets: each want is found or passed once. */
    for (size_t j = 0; j < nwant; j++) {
        int c = 1;
        while (i < nhave && (c = strcmp(have[i], want[j])) < 0)
            i++;
        if (i < nhave && c == 0) {
            matched++;
            i++;
        }
    }
    *out_matched = matched;
    *out_missing = nwant - matched;
}

static int cmp_unsigned(unsigned a, unsigned b) { return (a > b) - (a < b); }

int es_candidate_cmp(const es_candidate_key *a, const es_candidate_key *b)
{
    int c = cmp_unsigned(a->missing, b->missing);
    if (c == 0)
        c = cmp_unsigned(b->free_days, a->free_days);
    if (c == 0)
        c = cmp_unsigned(a->conflict_days, b->conflict_days);
    if (c == 0)
        c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    if (c == 0)
        c = (a->id > b->id) - (a->id < b->id);
    return c < 0 ? -1 : c > 0;
}
