/*
 * engsched-demo — placeholder for the end-to-end demo.
 *
 * Opens (creating if needed) the store at argv[1] (default engsched-demo.db),
 * prints the library and schema versions and closes it. Every result code
 * is checked; on failure the handle's message is printed and the exit
 * status is 1 (engsched_open_errmsg() explains a failed open, which returns
 * no handle).
 */
#include <engsched/engsched.h>

#include <stdio.h>

static int fail(const char *what, engsched_rc rc, const engsched *db)
{
    fprintf(stderr, "engsched-demo: %s failed: %s (%s): %s\n", what,
            engsched_rc_name(rc), engsched_rc_describe(rc),
            db ? engsched_errmsg(db) : engsched_open_errmsg());
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "engsched-demo.db";
    engsched *db = NULL;
    engsched_rc rc;
    int schema = 0;

    printf("libengsched %s (version number %d)\n",
           engsched_version(), engsched_version_number());

    rc = engsched_open(path, NULL, &db);
    if (rc != ENGSCHED_OK)
        return fail("engsched_open", rc, NULL); /* no handle: engsched_open_errmsg() */
    printf("store: %s\n", path);

    rc = engsched_schema_version(db, &schema);
    if (rc != ENGSCHED_OK) {
        int status = fail("engsched_schema_version", rc, db);
        engsched_close(db);
        return status;
    }
    printf("schema version %d\n", schema);

    rc = engsched_close(db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "engsched-demo: engsched_close failed: %s (%s)\n",
                engsched_rc_name(rc), engsched_rc_describe(rc));
        return 1;
    }
    return 0;
}
