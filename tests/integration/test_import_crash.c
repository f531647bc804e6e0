/* All-or-nothing across a crash: a process importing a large export into
 * an empty store file is killed with SIGKILL while the import's write
 * transaction is under way (its journal has grown past 1 MiB), and the
 * store it leaves behind opens and is still empty — no client, user,
 * engagement or event — and then takes the same import whole. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define ENGAGEMENTS 300
#define FILE_BYTES 60000

static char *big_export(void)
{
    fx f;
    fx_open(&f, 0);
    unsigned char *bytes = malloc(FILE_BYTES);
    assert_non_null(bytes);
    for (size_t i = 0; i < FILE_BYTES; i++)
        bytes[i] = (unsigned char)(i * 131 % 251);
    for (int i = 0; i < ENGAGEMENTS; i++) {
        engsched_input *in = NULL;
        char name[64];
        snprintf(name, sizeof name, "Engagement %d", i);
        fx_ok(&f, engsched_input_new(f.db, &in));
        fx_ok(&f, engsched_input_set_client(in, f.client[i % 2]));
        fx_ok(&f, engsched_input_set_name(in, name));
        fx_ok(&f, engsched_input_set_dates(in, "2026-06-01", "2026-06-05"));
        fx_ok(&f, engsched_input_add_file(in, "evidence.bin", NULL, bytes, FILE_BYTES));
        engsched_id id = 0;
        fx_ok(&f, engsched_request(f.db, f.manager, in, &id));
        engsched_input_free(in);
    }
    free(bytes);
    char *json = NULL;
    fx_ok(&f, engsched_export_json(f.db, ENGSCHED_SYSTEM, &json));
    fx_close(&f);
    return json;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void count_rows(const char *path, size_t *engagements, int64_t *events, char **users)
{
    engsched *db = NULL;
    engsched_options opts = ENGSCHED_OPTIONS_INIT;
    opts.flags = 0;
    assert_int_equal(engsched_open(path, &opts, &db), ENGSCHED_OK);
    char *json = NULL;
    assert_int_equal(engsched_export_json(db, ENGSCHED_SYSTEM, &json), ENGSCHED_OK);
    const char *e = strstr(json, "\"engagements\": [");
    assert_non_null(e);
    *engagements = 0;
    for (const char *p = strstr(e, "\"client\": "); p != NULL; p = strstr(p + 1, "\"client\": "))
        ++*engagements;
    const char *u = strstr(json, "\"users\": ");
    assert_non_null(u);
    *users = strndup(u, 11);
    assert_int_equal(engsched_events_last_seq(db, events), ENGSCHED_OK);
    engsched_free(json);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
}

static void test_sigkill_mid_import_leaves_the_store_empty(void **state)
{
    (void)state;
    char *json = big_export();
    char path[512], wal[600];
    fx_temp_path(path, sizeof path, "import-crash.db");
    snprintf(wal, sizeof wal, "%s-wal", path);
    engsched *db = NULL;
    assert_int_equal(engsched_open(path, NULL, &db), ENGSCHED_OK);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);

    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(ready[0]);
        engsched *cdb = NULL;
        if (engsched_open(path, NULL, &cdb) != ENGSCHED_OK)
            _exit(2);
        if (write(ready[1], "g", 1) != 1)
            _exit(2);
        engsched_rc rc = engsched_import_json(cdb, ENGSCHED_SYSTEM, json, NULL);
        _exit(rc == ENGSCHED_OK ? 0 : 3); /* finishing means the test came too late */
    }
    close(ready[1]);
    char go = 0;
    assert_int_equal(read(ready[0], &go, 1), 1);
    close(ready[0]);
    /* Kill once the transaction has written well into the journal. */
    int killed = 0;
    for (int i = 0; i < 200000 && !killed; i++) {
        if (file_size(wal) > (1 << 20)) {
            kill(child, SIGKILL);
            killed = 1;
            break;
        }
        int status = 0;
        if (waitpid(child, &status, WNOHANG) == child)
            fail_msg("the import finished (status %d) before it could be killed: make the "
                     "document larger",
                     status);
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    assert_true(killed);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    size_t engagements = 1;
    int64_t events = 1;
    char *users = NULL;
    count_rows(path, &engagements, &events, &users);
    assert_int_equal(engagements, 0);
    assert_int_equal(events, 0);
    assert_string_equal(users, "\"users\": []");
    free(users);

    /* The store is whole: the same import now goes through. */
    assert_int_equal(engsched_open(path, NULL, &db), ENGSCHED_OK);
    unsigned int count = 0;
    assert_int_equal(engsched_import_json(db, ENGSCHED_SYSTEM, json, &count), ENGSCHED_OK);
    assert_int_equal(count, ENGAGEMENTS);
    assert_int_equal(engsched_close(db), ENGSCHED_OK);
    engsched_free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_mid_import_leaves_the_store_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
