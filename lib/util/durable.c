/* Files written whole or not at all (durable.h). The final name is only
 * ever made with link(2), which fails if the name exists, so a file that
 * appeared meanwhile is never replaced; on file systems without hard
 * links the fallback is rename(2) after a last check. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/durable.h"
#include "util/fail.h"

#define TEMP_SUFFIX ".partial-XXXXXX"

int es_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 || errno != ENOENT;
}

engsched_rc es_durable_temp(const char *dest, char **out, char *err, size_t err_size)
{
    char *name = es_asprintf("%s%s", dest, TEMP_SUFFIX);
    if (name == NULL)
        return es_fail_text(err, err_size, ENGSCHED_ENOMEM, "out of memory naming a file");
    int fd = mkstemp(name); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        int e = errno;
        es_free(name);
        return es_fail_text(err, err_size, e == ENOENT ? ENGSCHED_ENOTFOUND : ENGSCHED_ESTORAGE,
                            "cannot create a file beside '%s': %s", dest, strerror(e));
    }
    close(fd);
    *out = name;
    return ENGSCHED_OK;
}

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return errno;
    int e = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return e;
}

/* Flush the directory holding @p path, so the new name survives a crash. */
static int sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return sync_path(".", O_RDONLY | O_DIRECTORY);
    char dir[PATH_MAX];
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    if (len >= sizeof dir)
        return ENAMETOOLONG;
    memcpy(dir, path, len);
    dir[len] = '\0';
    return sync_path(dir, O_RDONLY | O_DIRECTORY);
}

/* link(2), or rename(2) where the file system has no hard links. */
static int put_in_place(const char *tmp, const char *dest)
{
    if (link(tmp, dest) == 0) {
        unlink(tmp); /* the copy has its name; a stray second name is harmless */
        return 0;
    }
    int e = errno;
    if (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP && e != EMLINK)
        return e;
    if (es_path_exists(dest))
        return EEXIST;
    return rename(tmp, dest) == 0 ? 0 : errno;
}

engsched_rc es_durable_publish(const char *tmp, const char *dest, char *err, size_t err_size)
{
    int e = sync_path(tmp, O_RDONLY);
    if (e != 0)
        return es_fail_text(err, err_size, ENGSCHED_ESTORAGE, "cannot flush '%s': %s", tmp,
                            strerror(e));
    e = put_in_place(tmp, dest);
    if (e == EEXIST)
        return es_fail_text(err, err_size, ENGSCHED_EEXISTS,
                            "'%s' exists (it appeared while the copy was made); it was left "
                            "as it is",
                            dest);
    if (e != 0)
        return es_fail_text(err, err_size, ENGSCHED_ESTORAGE, "cannot move '%s' to '%s': %s", tmp,
                            dest, strerror(e));
    /* The copy is whole and on disk and has its name: from here the call
     * succeeds. A directory that cannot be flushed (some file systems
     * refuse fsync on one) only makes the name less durable. */
    (void)sync_directory(dest);
    return ENGSCHED_OK;
}

static void unlink_with_suffix(const char *path, const char *suffix)
{
    char name[PATH_MAX];
    size_t len = strlen(path), extra = strlen(suffix);
    if (len + extra >= sizeof name)
        return;
    memcpy(name, path, len);
    memcpy(name + len, suffix, extra + 1);
    unlink(name);
}

void es_durable_discard(const char *path)
{
    if (path == NULL)
        return;
    unlink(path);
    unlink_with_suffix(path, "-journal");
    unlink_with_suffix(path, "-wal");
    unlink_with_suffix(path, "-shm");
}
