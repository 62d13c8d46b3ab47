/* Guest NIC models: which emulated NICs of a VM (as libvirt names them in
 * <model type>) cannot carry every MTU, and why.  Facts only; the audit
 * (plan-audit.c) and "show" (host-text.c) use them. */
#ifndef JUMBOAGENT_GUEST_NIC_H
#define JUMBOAGENT_GUEST_NIC_H 1

/* What is known of one guest NIC model's MTU. */
struct guest_nic_limit {
    const char *model;          /* libvirt's <model type>, "rtl8139". */
    unsigned int max_mtu;       /* Largest MTU the guest can use. */
    const char *why;            /* Where that limit comes from. */
};

/* Returns the limit of the guest NIC model 'model', or NULL if none is
 * known (virtio, an empty or unknown model). */
const struct guest_nic_limit *guest_nic_limit(const char *model);

#endif /* guest-nic.h */
