/* Files an attacker might touch: jumboagent runs as root, so each file it
 * reads or writes is checked before it is trusted.
 *
 * Inputs that steer a change (the policy, the driver table) get the
 * StrictModes check that sshd applies to authorized_keys: the file and every
 * directory above it (after symlinks are resolved) belong to root or to the
 * invoking user and are not writable by group or others.  A directory owned
 * by root with the sticky bit (/tmp) is accepted even if others may write it:
 * they can add names there but not rename or remove ours, and whatever is
 * below it is checked in turn.  Every input must be a regular file; it is
 * opened with O_NONBLOCK so that a FIFO or a device is refused at once
 * instead of hanging the run.
 *
 * The state directory (the apply journal) is opened once per operation as a
 * directory handle, checked the same way, and every file in it is reached
 * with openat() and friends relative to that handle, never through a path
 * that could be swapped in between. */
#ifndef JUMBOAGENT_SAFE_FILE_H
#define JUMBOAGENT_SAFE_FILE_H 1

#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"

/* How much an input is trusted. */
enum safe_file_trust {
    SAFE_FILE_REGULAR,          /* Only a regular file (the host model: it
                                 * changes nothing on the host). */
    SAFE_FILE_STRICT,           /* Regular, and StrictModes on the file and
                                 * every directory above it. */
};

/* Opens the input file 'path' read-only (or standard input, duplicated, if
 * 'path' is "-": then a pipe is allowed) and checks it as 'trust' says.
 * 'what' names the input in messages ("policy", "driver table") and 'option'
 * the option that chooses another file ("--policy FILE").
 *
 * On success returns 0 and stores the open descriptor in '*fdp' (the caller
 * closes it).  On failure returns a negative errno value and a message in
 * 'err' that says what is wrong and how to fix it: -ENOENT (the file does
 * not exist; 'err' is set too), -EISDIR, -EINVAL (not a regular file),
 * -EPERM (untrusted owner or mode of the file or a directory above it), or
 * the error of realpath(), open() or fstat(). */
int safe_file_open_input(const char *path, enum safe_file_trust trust,
                         const char *what, const char *option, int *fdp,
                         struct error *err);

/* Checks that 'st', the status of a file or directory at 'path', belongs to
 * root or to the effective user and is not writable by group or others
 * (a root-owned sticky directory may be).  Returns 0 or -EPERM with a
 * message in 'err' that names 'path', what is wrong and the command that
 * fixes it. */
int safe_file_check_owner(const char *path, const struct stat *st,
                          bool is_dir_sticky_ok, struct error *err);

/* Opens the directory 'dir' (creating it with mode 0700 if it is missing and
 * 'create' is true) without following a symlink at its last component, and
 * checks it and every directory above it as StrictModes does, except that
 * the directory itself may not be writable by others even if sticky.
 * Returns 0 and stores the descriptor in '*dfdp', or a negative errno value
 * with a message in 'err' (-ENOENT without a message if the directory does
 * not exist and 'create' is false). */
int safe_file_open_dir(const char *dir, bool create, int *dfdp,
                       struct error *err);

#endif /* safe-file.h */
