/* The pool-wide MTU change of "jumboagent pool-set-mtu", as pure data.
 *
 * pool.c reads xapi's records and every host's plugin "check" result into a
 * 'struct pool_records'; pool_plan_compute() turns them into the preflight
 * refusals (host x reason) and, when there are none, the numbered steps of
 * the roll (docs: /work/shared/reference/xapi.md section 5(b)).  No I/O and
 * no logging here: tests/unit/test-pool-plan.c drives it directly. */
#ifndef JUMBOAGENT_POOL_PLAN_H
#define JUMBOAGENT_POOL_PLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct pool_host {
    char *ref;                  /* OpaqueRef of the host. */
    char *name;                 /* name_label. */
    bool coordinator;           /* The pool's master. */
    bool enabled;               /* host.enabled. */
    bool live;                  /* host_metrics.live: false if offline. */
};

struct pool_pif {
    char *ref;                  /* OpaqueRef of the PIF. */
    size_t host;                /* Index into 'hosts'. */
    char *device;               /* "eth0", "bond0". */
    bool management;            /* PIF.management. */
    bool bond_slave;            /* bond_slave_of is not OpaqueRef:NULL. */
    bool bond_master;           /* bond_master_of is not empty. */
    int vlan;                   /* VLAN tag, -1 if not a VLAN. */
    unsigned int vlan_base_mtu; /* VLAN: MTU of the tagged PIF's network. */
    unsigned int mtu;           /* PIF.MTU as xapi last synced it. */
    bool has_override;          /* other_config:mtu is set. */
};

struct pool_vif {
    char *ref;                  /* OpaqueRef of the VIF. */
    char *vm;                   /* name_label of its VM. */
    char *device;               /* VIF.device, "0". */
    unsigned int mtu;           /* VIF.MTU (as last plugged). */
    bool attached;              /* currently_attached (a running VM). */
};

/* One refusal of the plugin's "check" on a host, or of an xapi rule. */
struct pool_refusal {
    char *host;                 /* Host name, or "(pool)". */
    char *reason;               /* What is refused and what to do. */
};

/* Each host's "check" result, by host index. */
struct pool_check {
    bool called;                /* The plugin answered. */
    char *error;                /* The call failed: why (NULL if not). */
    size_t n_refusals;
    struct pool_refusal *refusals;  /* host is this host's name. */
};

struct pool_records {
    char *network_ref;          /* The network to change. */
    char *network_name;         /* Its name_label. */
    char *bridge;               /* Its bridge. */
    unsigned int network_mtu;   /* network.MTU now. */
    bool ha_enabled;            /* pool.ha_enabled. */
    struct pool_host *hosts;    /* Every host of the pool. */
    size_t n_hosts;
    struct pool_pif *pifs;      /* The PIFs on the network. */
    size_t n_pifs;
    struct pool_vif *vifs;      /* The VIFs on the network. */
    size_t n_vifs;
    struct pool_check *checks;  /* n_hosts entries, or NULL. */
};

enum pool_step_kind {
    POOL_STEP_SET_OVERRIDE,     /* PIF.add_to_other_config mtu=N. */
    POOL_STEP_PLUG,             /* PIF.plug: re-applies determine_mtu. */
    POOL_STEP_VERIFY,           /* Plugin "verify" on that host. */
    POOL_STEP_SET_NETWORK_MTU,  /* network.set_MTU N. */
    POOL_STEP_REMOVE_OVERRIDE,  /* PIF.remove_from_other_config mtu. */
    POOL_STEP_REPLUG_VIF,       /* VIF.unplug then VIF.plug. */
    POOL_STEP_MAX
};

struct pool_step {
    enum pool_step_kind kind;
    size_t host;                /* Host index (SET_NETWORK_MTU: unused). */
    size_t pif;                 /* PIF index (PIF steps). */
    size_t vif;                 /* VIF index (REPLUG_VIF). */
    unsigned int mtu;           /* The MTU the step sets or checks. */
};

struct pool_plan {
    unsigned int from_mtu, to_mtu;
    bool raising;               /* to_mtu > from_mtu. */
    struct pool_refusal *refusals;  /* Preflight: non-empty = refused. */
    size_t n_refusals;
    struct pool_step *steps;
    size_t n_steps, allocated;
    size_t *stale_vifs;         /* Attached VIFs that keep their MTU. */
    size_t n_stale_vifs;
};

/* Computes the plan that takes the network of 'records' to 'mtu'.  Pure.
 * Fills 'plan' (the caller frees it with pool_plan_destroy(), also on
 * failure); a refused change has refusals and no steps.  'replug_vifs' adds
 * VIF replug steps for the attached VIFs.  Returns 0, or a negative errno
 * value with 'err' saying why (a record that makes no sense). */
int pool_plan_compute(const struct pool_records *records, unsigned int mtu,
                      bool replug_vifs, struct pool_plan *plan,
                      struct error *err);

/* Frees what 'plan' holds (not 'plan' itself). */
void pool_plan_destroy(struct pool_plan *plan);

/* Writes the refusals of 'plan' as a host x reason table to 'stream'. */
void pool_plan_format_refusals(const struct pool_plan *plan, FILE *stream);

/* Writes step 'i' of 'plan' as one line "N. host: what" without newline. */
void pool_plan_format_step(const struct pool_records *records,
                           const struct pool_plan *plan, size_t i,
                           FILE *stream);

/* Writes the whole plan: the numbered steps and the VIFs that keep their
 * MTU until their next plug. */
void pool_plan_format(const struct pool_records *records,
                      const struct pool_plan *plan, FILE *stream);

/* Writes the attached VIFs that keep their old MTU until their next plug. */
void pool_plan_format_stale_vifs(const struct pool_records *records,
                                 const struct pool_plan *plan, FILE *stream);

/* Frees what 'records' holds (not 'records' itself). */
void pool_records_destroy(struct pool_records *records);

#endif /* pool-plan.h */
