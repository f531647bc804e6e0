/* A PostgreSQL store backed up and restored with PostgreSQL's own tools,
 * as docs/backup.md says: a store with data in a scratch schema of the
 * test database is dumped with `pg_dump -Fc -n <schema>`, restored with
 * `pg_restore` into a new database, and opened there with engsched_open():
 * engsched_export_json() of the two is the same. engsched_backup() on the
 * store is EUNSUPPORTED and names pg_dump.
 *
 * Needs $ENGSCHED_TEST_PG (tests/postgres/with-cluster.sh), and pg_dump
 * and pg_restore from $ENGSCHED_TEST_PG_BINDIR (which with-cluster.sh
 * sets) or the PATH; skips (77) without them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "pg_scratch.h"

static char tool[2][600]; /* pg_dump, pg_restore */

/* The tool in $ENGSCHED_TEST_PG_BINDIR, or on the PATH; 0 if neither. */
static int find_tool(const char *name, char *out, size_t size)
{
    const char *bindir = getenv("ENGSCHED_TEST_PG_BINDIR");
    if (bindir != NULL && bindir[0] != '\0') {
        snprintf(out, size, "%s/%s", bindir, name);
        return access(out, X_OK) == 0;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    snprintf(out, size, "%s", name);
    return system(cmd) == 0;
}

/* @p uri with its database name replaced by @p db. */
static void uri_with_db(const char *uri, const char *db, char *out, size_t size)
{
    const char *p = strstr(uri, "://");
    assert_non_null(p);
    const char *slash = strchr(p + 3, '/');
    assert_non_null(slash);
    const char *end = slash + 1 + strcspn(slash + 1, "?");
    snprintf(out, size, "%.*s%s%s", (int)(slash + 1 - uri), uri, db, end);
}

static void run(const char *cmd)
{
    int status = system(cmd);
    if (status != 0)
        fail_msg("`%s` exited with %d", cmd, status);
}

static char *export_of(engsched *db)
{
    char *json = NULL;
    engsched_rc rc = engsched_export_json(db, ENGSCHED_SYSTEM, &json);
    if (rc != ENGSCHED_OK)
        fail_msg("export: %s: %s", engsched_rc_name(rc), engsched_errmsg(db));
    return json;
}

static void test_pg_dump_and_restore(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1); /* a scratch schema (ENGSCHED_TEST_BACKEND=postgres) */
    fx_ok(&f, engsched_batch_begin(f.db));
    for (int i = 0; i < 40; i++) {
        char name[64];
        snprintf(name, sizeof name, "Engagement %d", i);
        engsched_id id =
            fx_request(&f, f.manager, f.client[i % FX_CLIENTS], name, "2026-04-01", "2026-04-03");
        if (i % FX_CLIENTS == 0) /* client 0, which the operator works for */
            fx_approve(&f, id);
    }
    fx_ok(&f, engsched_batch_commit(f.db));
    char *want = export_of(f.db);

    /* No online backup through the library here: pg_dump is the tool. */
    fx_rc(&f, ENGSCHED_EUNSUPPORTED, engsched_backup(f.db, f.admin, "/nonexistent/x.db", NULL));
    assert_non_null(strstr(engsched_errmsg(f.db), "pg_dump"));

    char schema[128];
    const char *opt = strstr(f.path, "search_path%3D");
    assert_non_null(opt);
    snprintf(schema, sizeof schema, "%.*s", (int)strcspn(opt + 14, "&"), opt + 14);

    char dump[600], cmd[4096], db[64], restored[1024], base_new[1024];
    const char *tmp = getenv("ENGSCHED_TEST_TMPDIR");
    snprintf(dump, sizeof dump, "%s/pg_backup.%ld.dump", tmp ? tmp : "/tmp", (long)getpid());
    snprintf(cmd, sizeof cmd, "'%s' -Fc -n '%s' -f '%s' -d '%s'", tool[0], schema, dump,
             fx_pg_uri());
    run(cmd); /* while the handle is open: pg_dump does not block it */

    snprintf(db, sizeof db, "engsched_restored_%ld", (long)getpid());
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
    free(fx_pg_query(sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    char *r = fx_pg_query(sql);
    assert_non_null(r);
    free(r);
    uri_with_db(fx_pg_uri(), db, base_new, sizeof base_new);
    snprintf(cmd, sizeof cmd, "'%s' --no-owner -d '%s' '%s'", tool[1], base_new, dump);
    run(cmd);

    /* The restored store: the same schema, in the new database. */
    uri_with_db(f.path, db, restored, sizeof restored);
    engsched_options o;
    assert_int_equal(engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    o.flags = 0;
    engsched *copy = NULL;
    engsched_rc rc = engsched_open(restored, &o, &copy);
    if (rc != ENGSCHED_OK)
        fail_msg("open %s: %s: %s", restored, engsched_rc_name(rc), engsched_open_errmsg());
    char *got = export_of(copy);
    assert_string_equal(got, want);
    assert_non_null(strstr(got, "Engagement 39"));
    engsched_close(copy);
    engsched_free(got);
    engsched_free(want);
    fx_close(&f);

    snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
    free(fx_pg_query(sql));
    unlink(dump);
}

int main(void)
{
    fx_pg_require();
    if (!find_tool("pg_dump", tool[0], sizeof tool[0]) ||
        !find_tool("pg_restore", tool[1], sizeof tool[1])) {
        fprintf(stderr, "pg_dump or pg_restore not found: skipped\n");
        return 77;
    }
    setenv("ENGSCHED_TEST_BACKEND", "postgres", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg_dump_and_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
