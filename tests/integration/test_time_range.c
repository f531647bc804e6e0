/* Instants outside the dates the library keeps (1900–9999): a `now`
 * passed in or read from the clock is refused with EINVAL naming the
 * instant, never reported as a corrupt store, and nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* The first and last instant taken: a day's margin keeps the date in every
 * zone inside 1900-01-01 … 9999-12-31. */
#define FIRST INT64_C(-2208902400) /* 1900-01-02T00:00:00Z */
#define LAST INT64_C(253402214399) /* 9999-12-30T23:59:59Z */

static void test_tick_with_an_instant_out_of_range(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    const int64_t bad[] = {INT64_MAX, INT64_MIN, LAST + 1, FIRST - 1, INT64_C(-5000000000)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "now: %lld is outside", (long long)bad[i]);
        unsigned int moved = 7;
        fx_rc(&f, ENGSCHED_EINVAL, engsched_tick(f.db, bad[i], &moved));
        assert_int_equal(moved, 7);
        assert_non_null(strstr(engsched_errmsg(f.db), want));
    }
    unsigned int moved = 0;
    fx_ok(&f, engsched_tick(f.db, FIRST, &moved));
    fx_ok(&f, engsched_tick(f.db, LAST, &moved));
    fx_close(&f);
}

static void test_clock_out_of_range(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *before = fx_digest(&f);
    f.now = INT64_C(-3000000000); /* 1874 */
    engsched_input *in = NULL;
    fx_ok(&f, engsched_input_new(f.db, &in));
    fx_ok(&f, engsched_input_set_name(in, "Long ago"));
    fx_ok(&f, engsched_input_set_client(in, f.client[0]));
    fx_ok(&f, engsched_input_set_dates(in, "2026-04-06", "2026-04-10"));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_request(f.db, f.client_user, in, NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "now: -3000000000 is outside"));
    f.now = INT64_MAX;
    fx_rc(&f, ENGSCHED_EINVAL, engsched_request(f.db, f.client_user, in, NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "now: 9223372036854775807 is outside"));
    /* Writes that never ask for today's date stamp their records with the
     * clock too: refused alike, before anything is written. */
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_setting_set(f.db, ENGSCHED_SYSTEM, "organizer_name", "Clockless"));
    fx_rc(&f, ENGSCHED_EINVAL,
          engsched_unavailability_add(f.db, f.operator1, f.operator1, "2026-04-06", "2026-04-07",
                                      "Leave", NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "now: 9223372036854775807 is outside"));
    f.now = FX_T0;
    char *after = fx_digest(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    fx_ok(&f, engsched_request(f.db, f.client_user, in, NULL));
    engsched_input_free(in);
    fx_close(&f);
}

static void test_date_in_zone_out_of_range(void **state)
{
    (void)state;
    char date[11] = "unchanged";
    assert_int_equal(engsched_date_in_zone("UTC", INT64_MAX, date), ENGSCHED_EINVAL);
    assert_int_equal(engsched_date_in_zone("Europe/Paris", INT64_MIN, date), ENGSCHED_EINVAL);
    assert_int_equal(engsched_date_in_zone("UTC", LAST + 1, date), ENGSCHED_EINVAL);
    assert_int_equal(engsched_date_in_zone("UTC", FIRST - 1, date), ENGSCHED_EINVAL);
    assert_string_equal(date, "unchanged");
    assert_int_equal(engsched_date_in_zone("UTC", FIRST, date), ENGSCHED_OK);
    assert_string_equal(date, "1900-01-02");
    assert_int_equal(engsched_date_in_zone("UTC", LAST, date), ENGSCHED_OK);
    assert_string_equal(date, "9999-12-30");
    /* The margin: the far east is a day ahead, the far west a day behind. */
    assert_int_equal(engsched_date_in_zone("Pacific/Kiritimati", LAST, date), ENGSCHED_OK);
    assert_string_equal(date, "9999-12-31");
    assert_int_equal(engsched_date_in_zone("Pacific/Pago_Pago", FIRST, date), ENGSCHED_OK);
    assert_string_equal(date, "1900-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tick_with_an_instant_out_of_range),
        cmocka_unit_test(test_clock_out_of_range),
        cmocka_unit_test(test_date_in_zone_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
