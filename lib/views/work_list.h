/* Lists of existing work: conflicts, unavailability and availability
 * rows share one shape. */
#ifndef ENGSCHED_WORK_LIST_H
#define ENGSCHED_WORK_LIST_H

#include "util/dates.h"
#include "core/internal.h"

/* Work that competes for an operator's days: what assigning reports as
 * conflicts and the candidates count as busy. */
#define ES_BUSY_STATUSES                                                                    \
    (ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_PENDING) |                                          \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_SCHEDULED) |                                        \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_PROGRESS) |                                      \
     ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_IN_REVIEW))

/* Work that loads an operator's days in utilisation and capacity: all
 * but Canceled, which never occupied anyone. */
#define ES_LOAD_STATUSES (ES_BUSY_STATUSES | ENGSCHED_STATUS_BIT(ENGSCHED_STATUS_COMPLETE))

typedef struct es_work_item {
    engsched_work_kind kind;
    engsched_id id;
    char *label;
    int32_t start_day;
    int32_t end_day;
    engsched_status status;
    engsched_id client; /* engagements: decides anonymity, never shown */
    char start[ES_DATE_LEN];
    char end[ES_DATE_LEN];
    engsched_response response; /* engagements: the operator's answer to their invitation */
    engsched_id user;           /* whose work it is */
    int anonymous;              /* a "Busy" block: status is 0 to the viewer */
    int percent;                /* engagements: the share of the day, 1..100 (else 100) */
    int tentative;              /* engagements: a hold */
    engsched_status hidden_status; /* a Busy block's real status, for filters, never shown */
} es_work_item;

struct engsched_work_list {
    es_work_item *items;
    size_t count;
    size_t cap;
};

engsched_work_list *es_work_list_new(void);
void es_work_list_clear(engsched_work_list *list);
/* Copies label; ENGSCHED_ENOMEM on failure. */
engsched_rc es_work_list_add(engsched_work_list *list, engsched_work_kind kind, engsched_id id,
                             const char *label, int32_t start_day, int32_t end_day,
                             engsched_status status);
/* Append copies of every item of @p src to @p dst (labels copied). */
engsched_rc es_work_list_append(engsched_work_list *dst, const engsched_work_list *src);
/* Keep only the conflicts of a firm assignment of @p percent on
 * [start_day, end_day]: the firm work and absences of the list that touch
 * a day their load and the share would take past 100 % (holds never
 * conflict). ENGSCHED_ENOMEM, the list unchanged, when the day map cannot
 * be had. */
engsched_rc es_work_list_keep_conflicts(engsched_work_list *list, int32_t start_day,
                                        int32_t end_day, int percent);
/* Stable order by start date, then kind, then id. */
void es_work_list_sort(engsched_work_list *list);

/* Append to list user's work overlapping [start_day, end_day] as viewer
 * may see it: engagements with a status in statuses other than skip (0
 * for none), anonymous when viewer lacks the client, and unavailability.
 * An engagement's item is the assignment's window at its share, firm or
 * held (the whole engagement, firm, on a backend without allocations). */
engsched_rc es_collect_work(engsched *db, const es_actor *viewer, engsched_id user,
                            unsigned int statuses, engsched_id skip, int32_t start_day,
                            int32_t end_day, engsched_work_list *list);

/* What es_collect_work() does to the rows of @p user it read: each
 * engagement's answer to its invitation, anonymity where @p viewer lacks
 * the client, and the order; for lists built from other reads. */
engsched_rc es_work_list_finish(engsched *db, const es_actor *viewer, engsched_id user,
                                engsched_work_list *list);

/* The rows alone of es_collect_work(), for figures that name nothing:
 * every engagement of @p statuses and every absence of @p user in the
 * range, with neither the answers to invitations nor anonymity, unsorted. */
engsched_rc es_collect_load(engsched *db, engsched_id user, unsigned int statuses,
                            int32_t start_day, int32_t end_day, engsched_work_list *list);

#endif
