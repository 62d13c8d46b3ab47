/* Least privilege: see privilege.h.
 *
 * Uses capget()/capset() and prctl() directly (no libcap): the kernel's
 * version 3 capability header carries two 32-bit words per set. */
#define _GNU_SOURCE 1
#include "privilege.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Capabilities beyond this one do not exist in any kernel we know of; the
 * loop over the bounding set stops at the first the kernel rejects. */
#define PRIVILEGE_MAX_CAP 63

uint64_t
privilege_keep_mask(enum privilege_need need)
{
    switch (need) {
    case PRIVILEGE_APPLY:
        return (UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_NET_RAW);
    case PRIVILEGE_READ:
    default:
        return 0;
    }
}

/* Reads this process's capability sets into 'data' (two words each). */
static int
caps_get(struct __user_cap_data_struct data[2], struct error *err)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
        .pid = 0,
    };

    memset(data, 0, 2 * sizeof *data);
    if (syscall(SYS_capget, &hdr, data)) {
        return error_set(err, -errno, "cannot read this process's "
                         "capabilities (capget): %s", strerror(errno));
    }
    return 0;
}

static uint64_t
mask_of(uint32_t low, uint32_t high)
{
    return ((uint64_t) high << 32) | low;
}

int
privilege_effective(uint64_t *effp, struct error *err)
{
    struct __user_cap_data_struct data[2];
    int error = caps_get(data, err);

    *effp = error ? 0 : mask_of(data[0].effective, data[1].effective);
    return error;
}

/* Drops from the bounding set every capability outside 'keep'.  Needs
 * CAP_SETPCAP; a process without it (not root) cannot gain capabilities by
 * exec either, once no_new_privs is set, and leaves the set alone. */
static int
drop_bounding(uint64_t keep, uint64_t had, struct error *err)
{
    if (!(had & (UINT64_C(1) << CAP_SETPCAP))) {
        return 0;
    }
    for (int cap = 0; cap <= PRIVILEGE_MAX_CAP; cap++) {
        int in_bounding = prctl(PR_CAPBSET_READ, (unsigned long) cap, 0, 0, 0);

        if (in_bounding < 0) {
            break;              /* Past the kernel's last capability. */
        }
        if (in_bounding && !(keep & (UINT64_C(1) << cap))
            && prctl(PR_CAPBSET_DROP, (unsigned long) cap, 0, 0, 0)) {
            return error_set(err, -errno, "cannot drop capability %d from "
                             "the bounding set: %s", cap, strerror(errno));
        }
    }
    return 0;
}

int
privilege_drop(enum privilege_need need, struct error *err)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
        .pid = 0,
    };
    struct __user_cap_data_struct data[2];
    uint64_t keep = privilege_keep_mask(need);
    uint64_t eff, perm, now;
    int error;

    error = caps_get(data, err);
    if (error) {
        return error;
    }
    eff = mask_of(data[0].effective, data[1].effective);
    perm = mask_of(data[0].permitted, data[1].permitted);

    /* Nothing this process could ever execute gains privileges. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
        return error_set(err, -errno, "cannot set no_new_privs: %s",
                         strerror(errno));
    }
    error = drop_bounding(keep, eff, err);
    if (error) {
        return error;
    }
    /* The ambient set does not exist before Linux 4.3: EINVAL there. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
        && errno != EINVAL) {
        return error_set(err, -errno, "cannot clear the ambient "
                         "capabilities: %s", strerror(errno));
    }

    perm &= keep;
    data[0].effective = data[0].permitted = (uint32_t) perm;
    data[1].effective = data[1].permitted = (uint32_t) (perm >> 32);
    data[0].inheritable = data[1].inheritable = 0;
    if (syscall(SYS_capset, &hdr, data)) {
        return error_set(err, -errno, "cannot drop capabilities (capset): "
                         "%s", strerror(errno));
    }

    /* Trust, but check. */
    error = caps_get(data, err);
    if (error) {
        return error;
    }
    now = mask_of(data[0].effective, data[1].effective)
          | mask_of(data[0].permitted, data[1].permitted)
          | mask_of(data[0].inheritable, data[1].inheritable);
    if (now & ~keep) {
        return error_set(err, -EPERM, "capabilities were not dropped: the "
                         "kernel still reports mask %#llx beyond %#llx",
                         (unsigned long long) now, (unsigned long long) keep);
    }
    return 0;
}
