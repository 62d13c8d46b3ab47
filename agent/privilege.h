/* Least privilege: the capabilities a run keeps once it has read its inputs.
 *
 * jumboagent runs as root, but an apply only needs to change links
 * (CAP_NET_ADMIN: MTU, LRO, up/down) and to send probes (CAP_NET_RAW); an
 * audit (--dry-run) only reads, which needs no capability at all.  The
 * state directory and the lock file are owned by root, which, as their
 * owner, needs no capability to use them.  privilege_drop() gives up every
 * other capability, for good: from the effective, permitted and inheritable
 * sets, the ambient set and the bounding set, and sets no_new_privs, so
 * that nothing the process does later (nor anything it could exec) gets
 * them back. */
#ifndef JUMBOAGENT_PRIVILEGE_H
#define JUMBOAGENT_PRIVILEGE_H 1

#include <stdint.h>

#include "error.h"

/* What a run still needs after its inputs are read. */
enum privilege_need {
    PRIVILEGE_APPLY,            /* CAP_NET_ADMIN and CAP_NET_RAW. */
    PRIVILEGE_READ,             /* Nothing. */
};

/* Returns the capability mask (bit N is capability N) that 'need' keeps. */
uint64_t privilege_keep_mask(enum privilege_need need);

/* Drops every capability but those of 'need' from this process, and checks
 * that the kernel agrees.  A process that holds none of the others (not
 * root) has nothing to drop and succeeds.  Returns 0 or a negative errno
 * value with a message in 'err' that says which step failed; the caller
 * must then stop before changing anything. */
int privilege_drop(enum privilege_need need, struct error *err);

/* Stores this process's effective capability mask in '*effp'.  Returns 0
 * or a negative errno value with a message in 'err'. */
int privilege_effective(uint64_t *effp, struct error *err);

#endif /* privilege.h */
