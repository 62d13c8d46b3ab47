/* The policy: which networks should run at which MTU.
 *
 * policy.c turns the JSON text of a policy file (documented in policy/) into
 * a validated 'struct policy', or into one error that names the file, the
 * JSON path ("networks[1].mtu"), what is wrong and what is allowed.  Nothing
 * else in jumboagent reads policy JSON. */
#ifndef JUMBOAGENT_POLICY_H
#define JUMBOAGENT_POLICY_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define POLICY_VERSION 1
#define POLICY_DEFAULT_FILE SYSCONFDIR "/jumboagent/policy.json"

/* Encapsulation of an overlay network. */
enum overlay_type {
    OVERLAY_VXLAN,              /* 50 bytes over IPv4, 70 over IPv6. */
    OVERLAY_GENEVE,             /* 50/70 plus options. */
    OVERLAY_GRE,                /* 24 (+4 with a key). */
    OVERLAY_GRETAP,             /* 38 (+4 with a key). */
    OVERLAY_IPSEC,              /* 'overhead' bytes, given in the policy. */
    OVERLAY_TYPE_MAX
};

const char *overlay_type_to_string(enum overlay_type);

struct policy_overlay {
    enum overlay_type type;
    char *underlay;             /* Name of the underlay network (owned). */
    bool ipv6;                  /* Underlay carries the tunnel over IPv6. */
    bool key;                   /* GRE key present (+4 bytes). */
    unsigned int options;       /* Geneve option bytes. */
    unsigned int overhead;      /* IPsec: bytes of overhead (required). */
};

/* Returns the bytes that 'overlay' adds to each packet. */
unsigned int policy_overlay_overhead(const struct policy_overlay *overlay);

struct policy_network {
    char *name;                 /* Unique. */
    char *bridge;               /* OVS or Linux bridge name; unique. */
    unsigned int mtu;           /* 68..65535, 1280+ with IPv6. */
    char **uplinks;             /* Interface names; NULL if not given. */
    size_t n_uplinks;
    bool has_uplinks;           /* False: the bridge's non-internal system ports. */
    char **vifs;                /* fnmatch() globs; NULL if not given. */
    size_t n_vifs;
    bool has_vifs;              /* False: ports marked as VM interfaces. */
    bool management;            /* Jumbo on the management path is intended. */
    bool replug;                /* Bounce changed uplinks and members. */
    bool ipv6;                  /* IPv6 is used on this network. */
    bool has_overlay;
    struct policy_overlay overlay;
    char **verify_peers;        /* Addresses for the on-wire check. */
    size_t n_verify_peers;
    char *verify_source;        /* Interface to probe from, NULL for the
                                 * bridge (owned). */
};

/* An operator's decision to allow a driver on one interface. */
struct policy_override {
    char *interface;            /* Interface name. */
    char *allow_driver;         /* Driver allowed despite the table. */
    char *reason;               /* Printed on every run. */
};

/* Which changed uplinks and bond members the plan bounces (down, then up)
 * after their MTU changed.  Never a link on the management path. */
enum policy_replug {
    POLICY_REPLUG_DEFAULT,      /* Those of networks with "replug": true,
                                 * and those whose driver the driver table
                                 * marks "mtu_change_needs_reset". */
    POLICY_REPLUG_ALL,          /* --replug: as if every network said
                                 * "replug": true. */
    POLICY_REPLUG_NEVER,        /* --no-replug: none at all. */
};

struct policy {
    char *file;                 /* Name used in messages. */
    int version;
    struct policy_network *networks;
    size_t n_networks;
    struct policy_override *overrides;
    size_t n_overrides;

    char digest[17];            /* FNV-1a of the parsed policy, in hex: the
                                 * journal's way to tell the same policy. */
    enum policy_replug replug;  /* Set by the caller (the command line),
                                 * never read from the file. */
};

/* Parses and validates the policy in the file 'path'.  On success returns 0
 * and stores a new policy in '*policyp', which the caller must free with
 * policy_destroy().  On failure returns a negative errno value (-ENOENT if the
 * file does not exist, -EFBIG if it is larger than 1 MiB, -EINVAL if it is not
 * a valid policy), leaves
 * '*policyp' untouched, and describes the problem in 'err' as
 * "FILE: PATH: what is wrong; what is allowed". */
int policy_parse_file(const char *path, struct policy **policyp,
                      struct error *err);

/* Like policy_parse_file() for the 'size' bytes at 'text', named 'name' in
 * messages.  'text' need not be NUL-terminated. */
int policy_parse_buffer(const char *name, const char *text, size_t size,
                        struct policy **policyp, struct error *err);

/* Returns NULL if the 'len' bytes at 's' (not necessarily NUL-terminated;
 * a NUL inside is a fault) form a Linux interface name as a policy accepts
 * it, else a static phrase that says what is wrong with it.  The policy's own
 * checks and the journal's use this one rule. */
const char *policy_ifname_problem(const char *s, size_t len);

/* Frees 'policy'.  Accepts NULL. */
void policy_destroy(struct policy *policy);

/* Returns the network named 'name', or NULL. */
const struct policy_network *policy_find_network(const struct policy *,
                                                 const char *name);

/* Returns the override for interface 'ifname', or NULL. */
const struct policy_override *policy_find_override(const struct policy *,
                                                   const char *ifname);

#endif /* policy.h */
