/* Xen guest facts, from xenstore: the guest facts behind Xen netback VIFs.
 *
 * A netback VIF (vifD.N: domain D, device N) reports max_mtu 65517, but
 * netback takes an MTU above 1500 only when the guest's netfront announced
 * scatter-gather: it reads "feature-sg" from the frontend's xenstore
 * directory, 0 when absent (Linux drivers/net/xen-netback/xenbus.c,
 * read_xenbus_vif_flags(); interface.c, xenvif_change_mtu()).  This reads
 * the same key, and the VM's name, so that the planner can refuse such a
 * VIF up front instead of failing at apply time. */
#ifndef JUMBOAGENT_XEN_GUEST_H
#define JUMBOAGENT_XEN_GUEST_H 1

struct host;

/* For every link of 'host' named vifD.N (not vifD.N-emu, the emulated
 * tap), sets 'xen_feature_sg' from the frontend's "feature-sg" (the
 * backend's /local/domain/0/backend/vif/D/N/frontend names the frontend
 * directory) and 'vm_name' from /local/domain/D/name.  Where xenstore is
 * not there (no xenstored socket or xenbus device: not a Xen dom0), or a
 * key cannot be read, leaves the fields unknown: that is not an error. */
void xen_guest_read_host(struct host *host);

/* Parses 'name' as a netback VIF name "vifD.N" (decimal, no sign, no
 * suffix).  Returns 1 and stores D and N, else 0. */
int xen_guest_parse_vif(const char *name, unsigned int *domidp,
                       unsigned int *devidp);

#endif /* xenstore.h */
