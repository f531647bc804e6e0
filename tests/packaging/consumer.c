/*
 * A program outside the project, built against an *installed* libengsched
 * (pkg-config and find_package), to prove the installed headers, library,
 * engsched.pc and CMake package are usable on their own.
 */
#include <engsched/engsched.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    engsched *db = NULL;
    engsched_rc rc;

    printf("consumer: libengsched %s (%d), built against headers %s\n",
           engsched_version(), engsched_version_number(), ENGSCHED_VERSION);
    if (strcmp(engsched_version(), ENGSCHED_VERSION) != 0) {
        fprintf(stderr, "consumer: runtime version %s != header version %s\n",
                engsched_version(), ENGSCHED_VERSION);
        return 1;
    }

    rc = engsched_open(":memory:", NULL, &db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_open(:memory:) failed: %s: %s\n",
                engsched_rc_name(rc), engsched_open_errmsg());
        return 1;
    }
    rc = engsched_close(db);
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "consumer: engsched_close failed: %s\n", engsched_rc_name(rc));
        return 1;
    }
    printf("consumer: opened and closed :memory: OK\n");
    return 0;
}
