/* The directory read side: user entries, role masks, and the names of
 * permission and action bits, as hosts and the CLI print them. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static void test_user_info(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *key = NULL, *email = NULL, *name = NULL;
    engsched_id role = 0;
    unsigned int flags = 99;
    fx_ok(&f, engsched_user_info(f.db, f.operator1, &key, &email, &name, &role, &flags));
    assert_string_equal(key, "operator1");
    assert_string_equal(email, "operator1@example.com");
    assert_string_equal(name, "operator1");
    assert_int_equal(role, ENGSCHED_ROLE_OPERATOR);
    assert_int_equal(flags, 0);
    engsched_free(key);
    engsched_free(email);
    engsched_free(name);
    /* Only what is asked for is returned. */
    fx_ok(&f, engsched_user_info(f.db, f.manager, NULL, NULL, NULL, NULL, &flags));
    assert_int_equal(flags, ENGSCHED_USER_ALL_CLIENTS);
    char *untouched = (char *)"x";
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_user_info(f.db, 4242, &untouched, NULL, NULL, NULL, NULL));
    assert_string_equal(untouched, "x");
    assert_non_null(strstr(engsched_errmsg(f.db), "4242"));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_user_info(f.db, 0, NULL, NULL, NULL, NULL, NULL));
    assert_int_equal(engsched_user_info(NULL, 1, NULL, NULL, NULL, NULL, NULL), ENGSCHED_EMISUSE);
    fx_close(&f);
}

static void test_role_permissions(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    unsigned int mask = 0;
    fx_ok(&f, engsched_role_permissions(f.db, ENGSCHED_ROLE_MANAGER, &mask));
    assert_int_equal(mask, engsched_builtin_role_permissions(ENGSCHED_ROLE_MANAGER));
    engsched_id custom = 0;
    fx_ok(&f, engsched_role_create(f.db, f.admin, "Auditor",
                                   ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW, &custom));
    fx_ok(&f, engsched_role_permissions(f.db, custom, &mask));
    assert_int_equal(mask, ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REPORT_VIEW);
    fx_ok(&f, engsched_role_set_permissions(f.db, f.admin, ENGSCHED_ROLE_VIEWER, 0));
    fx_ok(&f, engsched_role_permissions(f.db, ENGSCHED_ROLE_VIEWER, &mask));
    assert_int_equal(mask, 0);
    fx_rc(&f, ENGSCHED_ENOTFOUND, engsched_role_permissions(f.db, 999, &mask));
    fx_rc(&f, ENGSCHED_EINVAL, engsched_role_permissions(f.db, custom, NULL));
    fx_close(&f);
}

static void test_action_names(void **state)
{
    (void)state;
    const char *expected[] = {"view",        "approve",        "edit",          "cancel",
                              "assign",      "files_upload",   "files_download", "files_delete",
                              "report_view", "report_edit",    "report_review", "report_publish"};
    for (unsigned int bit = 0; bit < 12; bit++)
        assert_string_equal(engsched_action_name(1u << bit), expected[bit]);
    assert_null(engsched_action_name(0));
    assert_null(engsched_action_name(3));
    assert_null(engsched_action_name(1u << 12));
    assert_string_equal(engsched_action_name(ENGSCHED_ACTION_REPORT_PUBLISH), "report_publish");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_info),
        cmocka_unit_test(test_role_permissions),
        cmocka_unit_test(test_action_names),
    };
    return cmocka_run_group_tests_name("directory", tests, NULL, NULL);
}
