#include <engsched/engsched.h>

const char *engsched_version(void) { return ENGSCHED_VERSION; }

int engsched_version_number(void) { return ENGSCHED_VERSION_NUMBER; }
