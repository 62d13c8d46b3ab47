/* The run lock: an open file description lock (F_OFD_SETLK) on a file under
 * /run, so that two runs of jumboagent (a cron job, the XAPI plugin, an
 * operator) never interleave their changes.
 *
 * The lock file is trusted only if it is a regular file owned by root (or
 * the invoking user), mode 0600, not a symlink: nobody else can open it, so
 * nobody else can hold a lock on it and block every apply.  Nothing is ever
 * written to it.  The holder is named from the kernel, never from the file:
 * besides the OFD lock on byte 0 (the exclusion) the holder keeps a
 * process-owned fcntl() lock on byte 1, which F_GETLK reports with the
 * holder's pid. */
#ifndef JUMBOAGENT_LOCK_H
#define JUMBOAGENT_LOCK_H 1

#include <stdbool.h>

#include "error.h"

#define LOCK_DEFAULT_FILE "/run/jumboagent.lock"

/* Takes an exclusive lock on 'path' (created with mode 0600 if missing),
 * waiting at most 'timeout_ms' for another run to release it.  On success
 * returns 0 and stores the open descriptor in '*fdp' (release with
 * lock_release()).  On failure returns a negative errno value (-ETIMEDOUT
 * when another run held it throughout, -EPERM for a lock file that is not
 * trusted) and says in 'err' what happened, which process holds it if
 * known, and what to do. */
int lock_acquire(const char *path, int timeout_ms, int *fdp,
                 struct error *err);

/* Releases a lock taken with lock_acquire().  Accepts -1. */
void lock_release(int fd);

/* Returns true if another run holds the lock on 'path' now.  Never creates
 * 'path' and never follows a symlink there. */
bool lock_probe(const char *path);

#endif /* lock.h */
