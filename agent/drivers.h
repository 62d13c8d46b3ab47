/* The driver-support table: which NIC drivers can carry jumbo frames.
 *
 * The table is data (etc/jumboagent/drivers.json, installed to the data
 * directory, overridable with --drivers).  drivers.c parses and validates
 * it, and judges one interface: driver name plus PCI vendor:device, which
 * gives a verdict, a maximum MTU, the reason and its source.  A "refuse" may
 * be limited to some kinds of host ("refuse_only_on": ["xen-dom0"]); on
 * other hosts it judges as "conditional".  The caller combines the verdict
 * with the kernel's runtime max_mtu (the smaller wins). */
#ifndef JUMBOAGENT_DRIVERS_H
#define JUMBOAGENT_DRIVERS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define DRIVERS_DEFAULT_FILE DATADIR "/drivers.json"

/* The driver table to read when none is named: DRIVERS_DEFAULT_FILE; a
 * program that runs from its build tree (tests, the demo) and finds none
 * installed reads its source tree's etc/jumboagent/drivers.json.  Returns
 * a static string. */
const char *drivers_default_file(void);

enum driver_verdict {
    DRIVER_SUPPORTED,           /* Jumbo works; the kernel limit applies. */
    DRIVER_CONDITIONAL,         /* Depends on chip/setup; check max_mtu. */
    DRIVER_REFUSE,              /* Never raise above 1500 on this driver. */
    DRIVER_VERDICT_MAX
};

/* "supported", "conditional", "refuse". */
const char *driver_verdict_to_string(enum driver_verdict);

/* Kinds of host that a "refuse" can be limited to ("refuse_only_on"). */
enum driver_host_kind {
    DRIVER_HOST_XEN_DOM0,       /* "xen-dom0": /proc/xen/capabilities says
                                 * control_d (struct host's xen_dom0). */
    DRIVER_HOST_KIND_MAX
};

/* "xen-dom0", as written in the table. */
const char *driver_host_kind_to_string(enum driver_host_kind);

/* A rule for specific chips of one driver, matched on PCI IDs. */
struct driver_rule {
    unsigned int pci_vendor;    /* 0x0000..0xffff. */
    unsigned int pci_device;    /* 0x0000..0xffff. */
    char *chip;                 /* Chip name, for messages (owned). */
    enum driver_verdict verdict;
    unsigned int max_mtu;       /* 0: the driver's limit applies. */
    char *reason;               /* Owned, may be NULL (driver's reason). */
    unsigned int refuse_only_on;    /* Bits 1u << DRIVER_HOST_*: 'verdict'
                                     * is DRIVER_REFUSE only on these hosts.
                                     * 0: on every host.  Not inherited from
                                     * the driver. */
};

struct driver_entry {
    char *name;                 /* ethtool driver name (owned). */
    enum driver_verdict verdict;
    unsigned int max_mtu;       /* 0: no table limit, trust the kernel. */
    char *reason;               /* Owned. */
    char *source;               /* Where the fact comes from (owned). */
    unsigned int refuse_only_on;    /* As in struct driver_rule. */
    char *reset_source;         /* "mtu_change_needs_reset": where it is
                                 * documented that the driver needs a link
                                 * reset (down, then up) to use a new MTU
                                 * (owned), or NULL: a new MTU works at
                                 * once, as on most drivers. */
    struct driver_rule *rules;  /* Owned array. */
    size_t n_rules;
};

struct name_index;

struct driver_table {
    char *file;                 /* Name used in messages (owned). */
    struct driver_entry *entries;   /* Owned array. */
    size_t n_entries;
    struct name_index *index;   /* Owned: driver name -> entry, or NULL
                                 * (then driver_table_find() scans). */
};

/* What the table says of one interface. */
struct driver_judgement {
    bool known;                 /* The driver is in the table. */
    enum driver_verdict verdict;
    unsigned int max_mtu;       /* 0: no table limit. */
    const char *rule;           /* "driver enic" or "e1000e PCI 8086:10b9
                                 * (82572EI)"; points into a static buffer
                                 * of the judgement itself. */
    const char *reason;         /* Borrowed from the table, or points into
                                 * 'reason_buf' (unknown driver, or a
                                 * refusal lifted on this host). */
    const char *source;         /* Borrowed from the table, or "". */
    bool refusal_lifted;        /* The table refuses, but only on other
                                 * kinds of host ("refuse_only_on"), so the
                                 * verdict is DRIVER_CONDITIONAL. */
    char rule_buf[128];
    char reason_buf[768];
};

/* Parses and validates the driver table in 'path'.  On success returns 0 and
 * stores a new table in '*tablep' (free with driver_table_destroy()).  On
 * failure returns a negative errno value, leaves '*tablep' untouched, and
 * describes the problem in 'err' as "FILE: PATH: what is wrong". */
int driver_table_parse_file(const char *path, struct driver_table **tablep,
                            struct error *err);

/* Like driver_table_parse_file() for the 'size' bytes at 'text'. */
int driver_table_parse_buffer(const char *name, const char *text,
                              size_t size, struct driver_table **tablep,
                              struct error *err);

/* Frees 'table'.  Accepts NULL. */
void driver_table_destroy(struct driver_table *table);

/* Returns the entry for 'driver', or NULL. */
const struct driver_entry *driver_table_find(const struct driver_table *,
                                             const char *driver);

/* Judges an interface driven by 'driver' (may be "" or NULL: unknown), with
 * PCI IDs 'vendor':'device' if 'has_pci', on a host that is a Xen dom0 if
 * 'xen_dom0'.  A matching PCI rule wins over the driver's own verdict.  A
 * "refuse" limited by "refuse_only_on" to host kinds this host is not judges
 * as "conditional" with the same max_mtu.  Fills '*out'; its pointers borrow
 * from 'table' and from '*out' itself. */
void driver_table_judge(const struct driver_table *table, const char *driver,
                        bool has_pci, unsigned int vendor,
                        unsigned int device, bool xen_dom0,
                        struct driver_judgement *out);

#endif /* drivers.h */
