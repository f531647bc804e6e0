/* A List page is one snapshot, and a Calendar stream is one snapshot or
 * an error. The reader takes a 400-row page (more than one storage
 * chunk) while a second handle on the same store renames every row in one
 * batch between two reads: the page is every row once, all with their old
 * names. A Calendar stream of 1,500 rows across which the writer cancels
 * every row at once returns the rows before the change and then stops
 * with ENGSCHED_EBUSY: never a mix of two states passed off as complete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define PAGE_ROWS 400
#define CALENDAR_ROWS 1500

static void make_rows(fx *f, int n)
{
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "Eng %04d", i);
        fx_request(f, f->manager, f->client[0], name, "2026-04-01", "2026-04-03");
    }
}

static engsched *writer_of(fx *f)
{
    engsched *w = NULL;
    assert_int_equal(engsched_open(f->path, NULL, &w), ENGSCHED_OK);
    return w;
}

/* In one batch of the writer: rename every row, or cancel it. */
static void change_all(fx *f, engsched *w, int n, int cancel)
{
    assert_int_equal(engsched_batch_begin(w), ENGSCHED_OK);
    for (engsched_id id = 1; id <= n; id++) {
        engsched_rc rc;
        if (cancel) {
            rc = engsched_cancel(w, f->manager, id, 0, NULL);
        } else {
            char name[64];
            snprintf(name, sizeof name, "Zed %04lld", (long long)id);
            engsched_input *in = NULL;
            assert_int_equal(engsched_input_new(w, &in), ENGSCHED_OK);
            assert_int_equal(engsched_input_set_name(in, name), ENGSCHED_OK);
            engsched_engagement *e = NULL;
            assert_int_equal(engsched_engagement_get(w, f->manager, id, &e), ENGSCHED_OK);
            rc = engsched_edit(w, f->manager, id, engsched_engagement_version(e), in);
            engsched_engagement_free(e);
            engsched_input_free(in);
        }
        if (rc != ENGSCHED_OK)
            fail_msg("change %lld: %s: %s", (long long)id, engsched_rc_name(rc),
                     engsched_errmsg(w));
    }
    assert_int_equal(engsched_batch_commit(w), ENGSCHED_OK);
}

static void test_list_page_is_one_snapshot(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    if (fx_backend_is_memory()) { /* one handle only */
        fx_close(&f);
        skip();
    }
    make_rows(&f, PAGE_ROWS);
    engsched *w = writer_of(&f);
    engsched_query *q = NULL;
    fx_ok(&f, engsched_query_new(f.db, &q));
    fx_ok(&f, engsched_query_set_sort(q, ENGSCHED_SORT_NAME, 0));
    fx_ok(&f, engsched_query_set_limit(q, PAGE_ROWS));
    engsched_cursor *cur = NULL;
    fx_ok(&f, engsched_list(f.db, f.admin, q, NULL, &cur));
    int seen[PAGE_ROWS + 1] = {0}, rows = 0, has = 0;
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
        engsched_id id = engsched_cursor_id(cur);
        assert_true(id >= 1 && id <= PAGE_ROWS);
        seen[id]++;
        assert_int_equal(strncmp(engsched_cursor_name(cur), "Eng ", 4), 0);
        if (++rows == 1)
            change_all(&f, w, PAGE_ROWS, 0); /* after the first row is read */
    }
    fx_ok(&f, engsched_errcode(f.db));
    assert_int_equal(rows, PAGE_ROWS);
    for (int i = 1; i <= PAGE_ROWS; i++)
        assert_int_equal(seen[i], 1);
    assert_null(engsched_cursor_next_token(cur));
    engsched_cursor_free(cur);
    engsched_query_free(q);
    engsched_close(w);
    fx_close(&f);
}

static void test_calendar_is_one_snapshot_or_busy(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    if (fx_backend_is_memory()) {
        fx_close(&f);
        skip();
    }
    make_rows(&f, CALENDAR_ROWS);
    engsched *w = writer_of(&f);
    engsched_query *q = NULL;
    fx_ok(&f, engsched_query_new(f.db, &q));
    fx_ok(&f, engsched_query_set_range(q, "2026-04-01", "2026-04-30"));
    /* Undisturbed: every row. */
    engsched_cursor *cur = NULL;
    int rows = 0, has = 0;
    fx_ok(&f, engsched_calendar(f.db, f.admin, q, &cur));
    while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has)
        rows++;
    assert_int_equal(rows, CALENDAR_ROWS);
    engsched_cursor_free(cur);
    /* Cancelled all at once after the first row. */
    fx_ok(&f, engsched_calendar(f.db, f.admin, q, &cur));
    engsched_rc rc;
    rows = 0;
    while ((rc = engsched_cursor_next(cur, &has)) == ENGSCHED_OK && has) {
        assert_int_not_equal(engsched_cursor_status(cur), ENGSCHED_STATUS_CANCELED);
        if (++rows == 1)
            change_all(&f, w, CALENDAR_ROWS, 1);
    }
    if (rc == ENGSCHED_OK)
        assert_int_equal(rows, CALENDAR_ROWS); /* a snapshot: every row */
    else
        assert_int_equal(rc, ENGSCHED_EBUSY); /* or the reader is told */
    if (rc != ENGSCHED_OK)
        assert_non_null(strstr(engsched_errmsg(f.db), "changed"));
    engsched_cursor_free(cur);
    engsched_query_free(q);
    engsched_close(w);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_page_is_one_snapshot),
        cmocka_unit_test(test_calendar_is_one_snapshot_or_busy),
    };
    return cmocka_run_group_tests_name("page_snapshot", tests, NULL, NULL);
}
