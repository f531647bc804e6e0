/* The List and Calendar query builder and the List tabs. */
#include <string.h>

#include "util/dates.h"
#include "views/query.h"
#include "core/validate.h"

#define S(x) ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_##x)
#define ALL_STATUSES                                                                      \
    (S(PENDING) | S(SCHEDULED) | S(IN_PROGRESS) | S(IN_REVIEW) | S(COMPLETE) | S(CANCELED))

unsigned int engsched_tab_statuses(engsched_tab tab)
{
    switch (tab) {
    case ENGSCHED_TAB_ALL:
        return ALL_STATUSES & ~S(CANCELED);
    case ENGSCHED_TAB_PENDING:
        return S(PENDING);
    case ENGSCHED_TAB_SCHEDULED:
        return S(SCHEDULED);
    case ENGSCHED_TAB_IN_PROGRESS:
        return S(IN_PROGRESS);
    case ENGSCHED_TAB_IN_REVIEW:
        return S(IN_REVIEW);
    case ENGSCHED_TAB_COMPLETE:
        return S(COMPLETE);
    case ENGSCHED_TAB_CANCELED:
        return S(CANCELED);
    }
    return 0;
}

engsched_rc engsched_query_new(engsched *db, engsched_query **out)
{
    ES_CHECK_DB(db);
    if (out == NULL)
        return es_fail(db, ENGSCHED_EINVAL, "out: must not be NULL");
    engsched_query *q = es_calloc(1, sizeof *q);
    if (q == NULL)
        return es_fail(db, ENGSCHED_ENOMEM, "out of memory creating a query");
    q->db = db;
    q->statuses = engsched_tab_statuses(ENGSCHED_TAB_ALL);
    q->sort = ENGSCHED_SORT_START;
    q->limit = 50;
    *out = q;
    return es_ok(db);
}

void engsched_query_free(engsched_query *q)
{
    if (q == NULL)
        return;
    es_free(q->text);
    es_free(q);
}

engsched_rc engsched_query_set_statuses(engsched_query *q, unsigned int statuses)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if (statuses == 0 || (statuses & ~(unsigned int)ALL_STATUSES) != 0)
        return es_fail(q->db, ENGSCHED_EINVAL,
                       "statuses: 0x%x is not a non-empty set of status bits", statuses);
    q->statuses = statuses;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_client(engsched_query *q, engsched_id client)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if (client < 0)
        return es_fail(q->db, ENGSCHED_EINVAL, "client: %lld is not a client id",
                       (long long)client);
    q->client = client;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_operator(engsched_query *q, engsched_id user)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if (user < 0)
        return es_fail(q->db, ENGSCHED_EINVAL, "operator: %lld is not a user id",
                       (long long)user);
    q->operator_user = user;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_range(engsched_query *q, const char *start, const char *end)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if (start == NULL) {
        q->has_range = 0;
        return es_ok(q->db);
    }
    int32_t first, last;
    if (!es_date_parse(start, &first))
        return es_fail(q->db, ENGSCHED_EINVAL, "start: \"%s\" is not a date (YYYY-MM-DD)", start);
    if (!es_date_parse(end, &last))
        return es_fail(q->db, ENGSCHED_EINVAL, "end: \"%s\" is not a date (YYYY-MM-DD)",
                       end ? end : "(null)");
    if (last < first)
        return es_fail(q->db, ENGSCHED_EINVAL, "end: %s is before the start %s", end, start);
    q->has_range = 1;
    q->range_start = first;
    q->range_end = last;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_text(engsched_query *q, const char *text)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    char *copy = NULL;
    if (text != NULL) {
        engsched_rc rc = es_check_text(q->db, "text", text, 1, ES_NAME_MAX, ES_TEXT_LINE);
        if (rc != ENGSCHED_OK)
            return rc;
        if ((copy = es_strdup(text)) == NULL)
            return es_fail(q->db, ENGSCHED_ENOMEM, "out of memory setting text");
    }
    es_free(q->text);
    q->text = copy;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_sort(engsched_query *q, engsched_sort sort, int descending)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if ((int)sort < ENGSCHED_SORT_START || (int)sort > ENGSCHED_SORT_UPDATED)
        return es_fail(q->db, ENGSCHED_EINVAL, "sort: unknown key %d", (int)sort);
    q->sort = sort;
    q->descending = descending != 0;
    return es_ok(q->db);
}

engsched_rc engsched_query_set_limit(engsched_query *q, unsigned int limit)
{
    if (q == NULL)
        return ENGSCHED_EMISUSE;
    if (limit == 0 || limit > ENGSCHED_PAGE_MAX)
        return es_fail(q->db, ENGSCHED_EINVAL, "limit: %u is not between 1 and %d", limit,
                       ENGSCHED_PAGE_MAX);
    q->limit = limit;
    return es_ok(q->db);
}

/* FNV-1a: not a secret, only a fingerprint. Scoping is applied to every
 * page from the actor, so a forged token can only reposition a walk over
 * rows the actor may see anyway. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

uint64_t es_query_fingerprint(const engsched_query *q, engsched_id actor)
{
    int64_t fields[] = {q->statuses,      q->client,      q->operator_user, q->has_range,
                        q->range_start,   q->range_end,   (int64_t)q->sort, q->descending,
                        actor};
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        h = fnv(h, &fields[i], sizeof fields[i]);
    if (q->text != NULL)
        h = fnv(h, q->text, strlen(q->text) + 1);
    return h;
}
