/* The recurring-series cases of the storage conformance suite (table
 * version 6: recurring_due() and the version 6 members of
 * engsched_rec_engagement). A backend without them skips every case. */
#include "conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define EXPECT_RC(s, want, expr) \
    engsched_conformance_check_rc((s), (expr), (want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(s, expr) EXPECT_RC((s), ENGSCHED_OK, (expr))

static engsched_storage *recurrence_backend(void **state)
{
    engsched_storage *s = engsched_conformance_backend(state);
    if (s->version < 6 || s->recurring_due == NULL) {
        print_message("the backend has no recurring series (table version %u): case skipped\n",
                      s->version);
        skip();
    }
    return s;
}

static engsched_rec_engagement row(engsched_id client, const char *name, int status, int32_t start,
                                   const char *rule, engsched_id origin, int32_t next)
{
    engsched_rec_engagement e = {
        .client = client,
        .name = name,
        .description = "",
        .type = "",
        .location = "",
        .contacts = "",
        .custom_fields = "{}",
        .cancel_reason = "",
        .start_day = start,
        .end_day = start + 1,
        .status = status,
        .version = 1,
        .created_at = 1700000000,
        .updated_at = 1700000000,
        .report_status = ENGSCHED_REPORT_NONE,
        .report_title = "",
        .recurrence = rule,
        .origin = origin,
        .recurrence_next_day = next,
    };
    return e;
}

static engsched_id client_of(engsched_storage *s, const conf_owners *o)
{
    engsched_rec_engagement e;
    EXPECT_OK(s, s->begin(s, 0));
    EXPECT_OK(s, s->engagement_get(s, o->eng[0], &e));
    engsched_id client = e.client;
    EXPECT_OK(s, s->commit(s));
    return client;
}

static engsched_id put(engsched_storage *s, const engsched_rec_engagement *e)
{
    engsched_id id = 0, report = 0;
    EXPECT_OK(s, s->engagement_insert(s, e, &id, &report));
    return id;
}

typedef struct seen {
    engsched_id ids[8];
    int32_t next[8];
    char rule[8][32];
    size_t count;
} seen;

static engsched_rc collect(void *ctx, const engsched_rec_engagement *r)
{
    seen *v = ctx;
    if (v->count == 8)
        return ENGSCHED_EINVAL;
    v->ids[v->count] = r->id;
    v->next[v->count] = r->recurrence_next_day;
    snprintf(v->rule[v->count], sizeof v->rule[0], "%s", r->recurrence);
    v->count++;
    return ENGSCHED_OK;
}

#define ALL_BUT_CANCELED (0x3fu & ~(1u << ENGSCHED_STATUS_CANCELED))

/* Rows with a rule, due by the day, in the status mask, in id order after
 * the given id, at most the limit; the members read back as written. */
void conf_recurring_due(void **state)
{
    engsched_storage *s = recurrence_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id client = client_of(s, &o);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_engagement a =
        row(client, "a", ENGSCHED_STATUS_PENDING, 100, "FREQ=YEARLY", 0, 465);
    engsched_rec_engagement b =
        row(client, "b", ENGSCHED_STATUS_COMPLETE, 50, "FREQ=WEEKLY", 0, 400);
    engsched_rec_engagement later =
        row(client, "later", ENGSCHED_STATUS_SCHEDULED, 10, "FREQ=DAILY", 0, 600);
    engsched_rec_engagement gone =
        row(client, "gone", ENGSCHED_STATUS_CANCELED, 10, "FREQ=DAILY", 0, 300);
    engsched_rec_engagement plain = row(client, "plain", ENGSCHED_STATUS_PENDING, 10, "", 0, 0);
    engsched_id ia = put(s, &a), ib = put(s, &b);
    put(s, &later);
    put(s, &gone);
    put(s, &plain);
    engsched_rec_engagement occ = row(client, "a", ENGSCHED_STATUS_PENDING, 465, "", ia, 0);
    engsched_id io = put(s, &occ);
    EXPECT_OK(s, s->commit(s));

    EXPECT_OK(s, s->begin(s, 0));
    engsched_rec_engagement got;
    EXPECT_OK(s, s->engagement_get(s, io, &got));
    assert_int_equal(got.origin, ia);
    assert_string_equal(got.recurrence, "");
    EXPECT_OK(s, s->engagement_get(s, ia, &got));
    assert_string_equal(got.recurrence, "FREQ=YEARLY");
    assert_int_equal(got.recurrence_next_day, 465);
    assert_int_equal(got.origin, 0);
    seen v;
    memset(&v, 0, sizeof v);
    EXPECT_OK(s, s->recurring_due(s, 500, ALL_BUT_CANCELED, 0, 10, collect, &v));
    assert_int_equal(v.count, 2);
    assert_int_equal(v.ids[0], ia < ib ? ia : ib);
    assert_int_equal(v.ids[1], ia < ib ? ib : ia);
    memset(&v, 0, sizeof v);
    EXPECT_OK(s, s->recurring_due(s, 500, ALL_BUT_CANCELED, ia < ib ? ia : ib, 10, collect, &v));
    assert_int_equal(v.count, 1);
    memset(&v, 0, sizeof v);
    EXPECT_OK(s, s->recurring_due(s, 500, ALL_BUT_CANCELED, 0, 1, collect, &v));
    assert_int_equal(v.count, 1);
    memset(&v, 0, sizeof v);
    EXPECT_OK(s, s->recurring_due(s, 399, ALL_BUT_CANCELED, 0, 10, collect, &v));
    assert_int_equal(v.count, 0);
    memset(&v, 0, sizeof v);
    EXPECT_OK(s, s->recurring_due(s, 1000, 1u << ENGSCHED_STATUS_CANCELED, 0, 10, collect, &v));
    assert_int_equal(v.count, 1);
    assert_string_equal(v.rule[0], "FREQ=DAILY");
    EXPECT_OK(s, s->commit(s));

    /* An update moves the next day (and keeps the rest). */
    EXPECT_OK(s, s->begin(s, 1));
    a.id = ia;
    a.recurrence_next_day = 830;
    EXPECT_OK(s, s->engagement_update(s, &a, NULL));
    EXPECT_OK(s, s->engagement_get(s, ia, &got));
    assert_int_equal(got.recurrence_next_day, 830);
    assert_string_equal(got.recurrence, "FREQ=YEARLY");
    EXPECT_OK(s, s->commit(s));
}

/* A second occurrence of one series on one day is EEXISTS; other days,
 * other series and rows of no series (origin 0) are not. */
void conf_occurrence_unique(void **state)
{
    engsched_storage *s = recurrence_backend(state);
    conf_owners o = conf_add_owners(s);
    engsched_id client = client_of(s, &o);
    EXPECT_OK(s, s->begin(s, 1));
    engsched_rec_engagement first = row(client, "o", ENGSCHED_STATUS_PENDING, 200, "", o.eng[0], 0);
    engsched_rec_engagement other_day = first;
    other_day.start_day = 201;
    other_day.end_day = 202;
    engsched_rec_engagement other_series = first;
    other_series.origin = o.eng[1];
    engsched_rec_engagement none = first;
    none.origin = 0;
    put(s, &first);
    put(s, &other_day);
    put(s, &other_series);
    put(s, &none);
    put(s, &none);
    EXPECT_OK(s, s->commit(s));
    engsched_id id = 0, report = 0;
    EXPECT_OK(s, s->begin(s, 1));
    EXPECT_RC(s, ENGSCHED_EEXISTS, s->engagement_insert(s, &first, &id, &report));
    EXPECT_OK(s, s->rollback(s));
}
