/* A mail outbox folder: each message in its own `<n>-<recipient>.eml`. */
#include "excommon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ex_mkdir(const char *dir)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
    }
    return -1;
}

/* The highest n of the `<n>-*.eml` files in @p dir (0 if none). */
static unsigned long highest_number(const char *dir)
{
    unsigned long high = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        size_t len = strlen(name);
        char *end;
        if (len < 5 || strcmp(name + len - 4, ".eml") != 0 || name[0] < '0' || name[0] > '9')
            continue;
        unsigned long n = strtoul(name, &end, 10);
        if (*end == '-' && n > high)
            high = n;
    }
    closedir(d);
    return high;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int ex_outbox_write(const char *dir, const char *recipient, const char *message, size_t length,
                    char *path_out, size_t path_size)
{
    char safe[256];
    size_t i = 0;
    for (const char *r = recipient; r != NULL && *r != '\0' && i + 1 < sizeof safe; r++) {
        char c = *r;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '@' || c == '.' || c == '_' || c == '+' || c == '-';
        safe[i++] = ok ? c : '_';
    }
    safe[i] = '\0';
    if (i == 0) {
        safe[0] = '_';
        safe[1] = '\0';
    } else if (safe[0] == '.') {
        safe[0] = '_';
    }

    for (int attempt = 0; attempt < 100; attempt++) {
        char path[4096];
        unsigned long n = highest_number(dir) + 1;
        int len = snprintf(path, sizeof path, "%s/%lu-%s.eml", dir, n, safe);
        if (len < 0 || (size_t)len >= sizeof path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            if (errno == EEXIST)
                continue; /* another writer took n: look again */
            return -1;
        }
        if (write_all(fd, message, length) != 0 || fsync(fd) != 0) {
            int saved = errno;
            close(fd);
            unlink(path);
            errno = saved;
            return -1;
        }
        if (close(fd) != 0) {
            int saved = errno;
            unlink(path);
            errno = saved;
            return -1;
        }
        if (path_out != NULL && path_size > 0)
            snprintf(path_out, path_size, "%s", path);
        return 0;
    }
    errno = EEXIST;
    return -1;
}
