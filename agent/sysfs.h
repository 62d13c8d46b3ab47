/* sysfs/procfs adapter: PCI IDs of devices, sysctls that change what is
 * safe, Xen dom0 detection and the host name.  The only file that reads
 * /sys and /proc.  Reads go through a root prefix so that tests can point
 * it at a fixture tree. */
#ifndef JUMBOAGENT_SYSFS_H
#define JUMBOAGENT_SYSFS_H 1

struct host;

/* Sets the directory that stands for "/" ("" or NULL: the real root).  The
 * string is copied. */
void sysfs_set_root(const char *root);

/* Fills, for 'host': each link's has_pci/pci_vendor/pci_device (from
 * /sys/class/net/IF/device/{vendor,device} when the device is on PCI;
 * only links whose kind is LINK_KIND_ETHER or LINK_KIND_OTHER are looked
 * up, the others are virtual),
 * 'sysctls', 'xen_dom0' and 'hostname'.  What cannot be read stays unknown.
 * Never fails. */
void sysfs_read_host(struct host *host);

#endif /* sysfs.h */
