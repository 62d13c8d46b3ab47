/* The run lock: an flock() on a file under /run, so that two runs of
 * jumboagent (a cron job, the XAPI plugin, an operator) never interleave
 * their changes. */
#ifndef JUMBOAGENT_LOCK_H
#define JUMBOAGENT_LOCK_H 1

#include "error.h"

#define LOCK_DEFAULT_FILE "/run/jumboagent.lock"

/* Takes an exclusive lock on 'path' (created if missing), waiting at most
 * 'timeout_ms' for another run to release it.  On success returns 0 and
 * stores the open descriptor in '*fdp' (release with lock_release()).  On
 * failure returns a negative errno value (-ETIMEDOUT when another run held
 * it throughout) and says in 'err' which process holds it if known. */
int lock_acquire(const char *path, int timeout_ms, int *fdp,
                 struct error *err);

/* Releases a lock taken with lock_acquire().  Accepts -1. */
void lock_release(int fd);

#endif /* lock.h */
