/* Files an attacker might touch: see safe-file.h. */
#include "safe-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Says who may own a trusted file. */
static const char *
owner_rule(void)
{
    return geteuid() ? "root or you" : "root";
}

int
safe_file_check_owner(const char *path, const struct stat *st,
                      bool is_dir_sticky_ok, struct error *err)
{
    if (st->st_uid != 0 && st->st_uid != geteuid()) {
        return error_set(err, -EPERM, "%s is owned by uid %ld, not by %s, so "
                         "another user could steer what jumboagent changes "
                         "as root; run 'chown root %s' (or use a file of "
                         "your own)", path, (long) st->st_uid, owner_rule(),
                         path);
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)
        && !(is_dir_sticky_ok && S_ISDIR(st->st_mode)
             && st->st_mode & S_ISVTX && st->st_uid == 0)) {
        return error_set(err, -EPERM, "%s is writable by %s (mode %04o), so "
                         "another user could steer what jumboagent changes "
                         "as root; run 'chmod go-w %s'", path,
                         (st->st_mode & (S_IWGRP | S_IWOTH))
                         == (S_IWGRP | S_IWOTH) ? "its group and others"
                         : st->st_mode & S_IWGRP ? "its group" : "others",
                         (unsigned int) (st->st_mode & 07777), path);
    }
    return 0;
}

/* Checks every directory above the absolute, resolved 'path' (not 'path'
 * itself) as StrictModes does.  'what' prefixes the message. */
static int
check_parents(const char *what, const char *path, struct error *err)
{
    char *dir = xstrdup(path);
    int error = 0;

    for (;;) {
        char *slash = strrchr(dir, '/');
        struct stat st;

        if (!slash) {
            break;
        }
        if (slash == dir) {
            slash[1] = '\0';
        } else {
            *slash = '\0';
        }
        if (lstat(dir, &st)) {
            error = error_set(err, -errno, "%s: cannot check the directory "
                              "%s: %s", what, dir, strerror(errno));
            break;
        }
        if (!S_ISDIR(st.st_mode)) {
            error = error_set(err, -ENOTDIR, "%s: %s is not a directory",
                              what, dir);
            break;
        }
        error = safe_file_check_owner(dir, &st, true, err);
        if (error) {
            error_prefix(err, error, "%s: the directory above it is not trusted",
                         what);
            break;
        }
        if (!strcmp(dir, "/")) {
            break;
        }
    }
    free(dir);
    return error;
}

static int
open_stdin(const char *what, int *fdp, struct error *err)
{
    struct stat st;
    int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);

    if (fd < 0 || fstat(fd, &st)) {
        int error = -errno;

        if (fd >= 0) {
            close(fd);
        }
        return error_set(err, error, "cannot read the %s from standard "
                         "input: %s", what, strerror(-error));
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)
        && !S_ISSOCK(st.st_mode)) {
        close(fd);
        return error_set(err, -EINVAL, "standard input is not a file or a "
                         "pipe; redirect the %s into it (< FILE)", what);
    }
    *fdp = fd;
    return 0;
}

/* Refuses 'st' of 'path' unless it is a regular file. */
static int
check_regular(const char *path, const struct stat *st, const char *what,
              const char *option, struct error *err)
{
    if (S_ISDIR(st->st_mode)) {
        return error_set(err, -EISDIR, "%s: is a directory; pass %s with "
                         "the %s file itself", path, option, what);
    }
    if (!S_ISREG(st->st_mode)) {
        return error_set(err, -EINVAL, "%s: is not a regular file (a FIFO, "
                         "a socket or a device), so it was not read; write "
                         "the %s to a file and pass %s", path, what, option);
    }
    return 0;
}

int
safe_file_open_input(const char *path, enum safe_file_trust trust,
                     const char *what, const char *option, int *fdp,
                     struct error *err)
{
    struct stat lst, st;
    char *real;
    int error, fd;

    if (!strcmp(path, "-")) {
        return open_stdin(what, fdp, err);
    }
    real = realpath(path, NULL);
    if (!real) {
        return error_set(err, -errno, "%s: cannot open the %s: %s; pass %s",
                         path, what, strerror(errno), option);
    }
    /* Look before opening, so that a device is never opened. */
    if (lstat(real, &lst)) {
        error = error_set(err, -errno, "%s: cannot open the %s: %s; pass %s",
                          path, what, strerror(errno), option);
        goto out;
    }
    error = check_regular(path, &lst, what, option, err);
    if (error) {
        goto out;
    }
    if (trust == SAFE_FILE_STRICT) {
        error = check_parents(path, real, err);
        if (error) {
            goto out;
        }
    }
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
              | O_CLOEXEC);
    if (fd < 0) {
        error = error_set(err, -errno, "%s: cannot open the %s: %s; make "
                          "it readable or pass %s", path, what,
                          strerror(errno), option);
        goto out;
    }
    if (fstat(fd, &st)) {
        error = error_set(err, -errno, "%s: cannot open the %s: %s", path,
                          what, strerror(errno));
    } else if (st.st_dev != lst.st_dev || st.st_ino != lst.st_ino) {
        error = error_set(err, -EAGAIN, "%s: the file was replaced while "
                          "it was opened; run again", path);
    } else {
        error = check_regular(path, &st, what, option, err);
    }
    if (!error && trust == SAFE_FILE_STRICT) {
        error = safe_file_check_owner(real, &st, false, err);
        if (error) {
            error_prefix(err, error, "%s: the %s is not trusted", path, what);
        }
    }
    if (!error && fcntl(fd, F_SETFL, 0)) {
        error = error_set(err, -errno, "%s: %s", path, strerror(errno));
    }
    if (error) {
        close(fd);
    } else {
        *fdp = fd;
    }
out:
    free(real);
    return error;
}

int
safe_file_open_dir(const char *dir, bool create, int *dfdp,
                   struct error *err)
{
    char *real = NULL;
    struct stat st;
    int dfd, error;

    if (create && mkdir(dir, 0700) && errno != EEXIST) {
        return error_set(err, -errno, "cannot create the state directory "
                         "%s: %s; create it (mode 0700, owned by root) or "
                         "pass --state-dir DIR", dir, strerror(errno));
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        error = -errno;
        if (error == -ENOENT && !create) {
            return error;
        }
        return error_set(err, error, "cannot open the state directory %s: "
                         "%s%s; nothing was changed; make it a directory "
                         "owned by root (mode 0700) or pass --state-dir DIR",
                         dir, strerror(-error),
                         error == -ELOOP || error == -ENOTDIR
                         ? " (a symlink or not a directory)" : "");
    }
    if (fstat(dfd, &st)) {
        error = error_set(err, -errno, "cannot check the state directory "
                          "%s: %s", dir, strerror(errno));
        goto fail;
    }
    error = safe_file_check_owner(dir, &st, false, err);
    if (!error) {
        real = realpath(dir, NULL);
        error = (real ? check_parents(dir, real, err)
                 : error_set(err, -errno, "cannot resolve %s: %s", dir,
                             strerror(errno)));
        free(real);
    }
    if (error) {
        error_prefix(err, error, "the state directory %s is not trusted, so "
                     "nothing was changed", dir);
        goto fail;
    }
    *dfdp = dfd;
    return 0;

fail:
    close(dfd);
    return error;
}
