/* jansson's allocation failures while parsing JSON are ENGSCHED_ENOMEM.
 *
 * jansson 2.14's json_loads() never reports json_error_out_of_memory: when
 * an allocation fails it returns NULL with its error left undescribed
 * (empty text, json_error_unknown). Checking the code alone turned these
 * into EINVAL "line -1, column -1: " for a host's custom fields or import
 * document, and into ECORRUPT for custom fields read back from the store.
 * jansson's hooks are process-wide, so this test installs them in main()
 * before any JSON value exists. */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "invariants.h"

typedef union header {
    max_align_t align;
    size_t size;
} header;

static size_t counted; /* jansson allocations since the last arm() */
static size_t fail_at; /* the one that fails; 0: none */
static size_t failed;  /* failures injected */

static void *j_malloc(size_t size)
{
    if (++counted == fail_at) {
        failed++;
        return NULL;
    }
    header *h = malloc(sizeof *h + size);
    return h ? h + 1 : NULL;
}

static void j_free(void *ptr)
{
    if (ptr != NULL)
        free((header *)ptr - 1);
}

/* Fail the n-th jansson allocation from now on. */
static void arm(size_t n)
{
    counted = 0;
    failed = 0;
    fail_at = n;
}

static void disarm(void) { fail_at = 0; }

/* The library's own allocations, with the same one-shot failure. */
static size_t lib_counted, lib_fail_at, lib_failed;

static void *l_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (lib_fail_at != 0 && ++lib_counted == lib_fail_at) {
        lib_failed++;
        return NULL;
    }
    return malloc(size);
}

static void *l_realloc(void *ptr, size_t size, void *ctx)
{
    (void)ctx;
    if (lib_fail_at != 0 && ++lib_counted == lib_fail_at) {
        lib_failed++;
        return NULL;
    }
    return realloc(ptr, size);
}

static void l_free(void *ptr, void *ctx)
{
    (void)ctx;
    free(ptr);
}

static void test_custom_fields_out_of_memory_is_enomem(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    /* The first allocation of json_loads() is its lexer's buffer. */
    arm(1);
    engsched_rc rc = engsched_input_set_custom_fields(in, "{\"po\": \"4711\"}");
    disarm();
    assert_int_equal(failed, 1);
    if (rc != ENGSCHED_ENOMEM)
        fail_msg("returned %s: %s", engsched_rc_name(rc), engsched_errmsg(f.db));
    /* Nothing was set; with memory it works. */
    fx_ok(&f, engsched_input_set_custom_fields(in, "{\"po\": \"4711\"}"));
    engsched_input_free(in);
    fx_close(&f);
}

static void test_import_out_of_memory_is_enomem(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *doc = NULL;
    fx_ok(&f, engsched_export_json(f.db, f.admin, &doc));
    int64_t seq = 0, seq_after = 0;
    fx_ok(&f, engsched_events_last_seq(f.db, &seq));
    arm(1);
    engsched_rc rc = engsched_import_json(f.db, f.admin, doc, NULL);
    disarm();
    assert_int_equal(failed, 1);
    if (rc != ENGSCHED_ENOMEM)
        fail_msg("returned %s: %s", engsched_rc_name(rc), engsched_errmsg(f.db));
    fx_ok(&f, engsched_events_last_seq(f.db, &seq_after));
    assert_int_equal(seq_after, seq);
    engsched_free(doc);
    fx_close(&f);
}

/* Every jansson allocation of engsched_engagement_json() in turn, on an
 * engagement whose stored custom fields are "{}": the parse of them holds
 * no string token (the one allocation failure jansson misreports as a
 * syntax error), so every failure must come back as ENOMEM, never as a
 * store "not JSON" (ECORRUPT). */
static void test_engagement_json_out_of_memory_is_enomem(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    engsched_id id = fx_request(&f, f.client_user, f.client[0], "Web", "2026-04-01", "2026-04-03");
    size_t n = 1;
    for (;; n++) {
        char *json = NULL;
        arm(n);
        engsched_rc rc = engsched_engagement_json(f.db, f.manager, id, &json);
        disarm();
        if (failed == 0) {
            fx_ok(&f, rc);
            engsched_free(json);
            break;
        }
        if (rc != ENGSCHED_ENOMEM)
            fail_msg("jansson allocation %zu failed: returned %s: %s", n, engsched_rc_name(rc),
                     engsched_errmsg(f.db));
        assert_null(json);
    }
    assert_true(n > 2);
    fx_close(&f);
}

/* Event details dumped while jansson runs out of memory are whole JSON or
 * not written at all. jansson 2.14 ignores a failed write of an object key
 * (dump.c, do_dump); json_dumps() then returned {"client":7,":5} as a
 * success and the library stored it as the details of an event. */
static void test_event_details_stay_json(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    size_t n = 1;
    for (;; n++) {
        arm(n);
        engsched_rc rc = engsched_access_grant(f.db, ENGSCHED_SYSTEM, f.viewer, f.client[1]);
        disarm();
        if (failed == 0) {
            fx_ok(&f, rc);
            break;
        }
        if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOMEM)
            fail_msg("jansson allocation %zu failed: returned %s: %s", n, engsched_rc_name(rc),
                     engsched_errmsg(f.db));
    }
    assert_true(n > 2);
    fx_check_invariants(&f); /* every event's details a JSON object */
    fx_close(&f);
}

/* The same for a text the library returns: engsched_engagement_json()
 * with each of its own allocations failing, on descriptions of many
 * lengths so that its buffer grows in the middle of a key for some of
 * them. Each result is ENOMEM or valid JSON. */
static void test_engagement_json_text_stays_json(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char description[1200];
    size_t failures = 0;
    for (size_t len = 700; len < 1100; len += 3) {
        memset(description, 'x', len);
        description[len] = '\0';
        engsched_input *in = NULL;
        engsched_id id = 0;
        fx_ok(&f, engsched_input_new(f.db, &in));
        fx_ok(&f, engsched_input_set_name(in, "Web"));
        fx_ok(&f, engsched_input_set_client(in, f.client[0]));
        fx_ok(&f, engsched_input_set_dates(in, "2026-04-01", "2026-04-03"));
        fx_ok(&f, engsched_input_set_description(in, description));
        fx_ok(&f, engsched_request(f.db, f.client_user, in, &id));
        engsched_input_free(in);
        for (size_t n = 1;; n++) {
            char *json = NULL;
            lib_counted = lib_failed = 0;
            lib_fail_at = n;
            engsched_rc rc = engsched_engagement_json(f.db, f.manager, id, &json);
            lib_fail_at = 0;
            if (lib_failed == 0) {
                fx_ok(&f, rc);
                assert_true(fx_json_valid(json));
                engsched_free(json);
                break;
            }
            failures++;
            if (rc == ENGSCHED_OK && !fx_json_valid(json))
                fail_msg("description of %zu bytes, allocation %zu failed: returned OK with "
                         "broken JSON:\n%s",
                         len, n, json);
            if (rc != ENGSCHED_OK && rc != ENGSCHED_ENOMEM)
                fail_msg("returned %s: %s", engsched_rc_name(rc), engsched_errmsg(f.db));
            engsched_free(json);
        }
    }
    assert_true(failures > 0);
    fx_close(&f);
}

int main(void)
{
    json_set_alloc_funcs(j_malloc, j_free);
    engsched_allocator a = {ENGSCHED_ALLOCATOR_VERSION, l_malloc, l_realloc, l_free, NULL};
    if (engsched_set_allocator(&a) != ENGSCHED_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_fields_out_of_memory_is_enomem),
        cmocka_unit_test(test_import_out_of_memory_is_enomem),
        cmocka_unit_test(test_engagement_json_out_of_memory_is_enomem),
        cmocka_unit_test(test_event_details_stay_json),
        cmocka_unit_test(test_engagement_json_text_stays_json),
    };
    return cmocka_run_group_tests_name("json_alloc", tests, NULL, NULL);
}
