/* The host model as a readable tree: see host-text.h.
 *
 * Three sections, each a table whose columns line up: Open vSwitch (bridge,
 * port, bond member, with the kernel link of each interface joined by name),
 * Linux bridges and their ports, and every kernel link not shown above.  A
 * kernel bond or team shown as a port lists its own slaves below it.  The
 * rows are built first, then printed with column widths that fit them all. */
#include "host-text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "guest-nic.h"
#include "host-json.h"
#include "host.h"
#include "util.h"

/* Columns of a table row. */
enum text_column {
    COL_LEAD,                   /* Indentation, "port NAME", "member NAME". */
    COL_WHAT,                   /* Role or kind. */
    COL_REQUEST,                /* OVS: "mtu_request N". */
    COL_OVS_MTU,                /* OVS: "ovs mtu N". */
    COL_MTU,                    /* Kernel MTU and its min..max. */
    COL_DRIVER,
    COL_PCI,
    N_COLUMNS
};

/* One line of output. */
struct text_row {
    char *cells[N_COLUMNS];     /* Owned, NULL if empty; unused if 'raw'. */
    char *tail;                 /* Owned: text after the columns, or NULL;
                                 * if 'raw', the whole line. */
    bool raw;                   /* Printed as is, outside the columns. */
};

/* A table of rows, printed together so that its columns line up. */
struct text_table {
    struct text_row *rows;
    size_t n, allocated;
};

/* A growable string of words. */
struct text_words {
    char *s;                    /* Owned, NULL while empty. */
    const char *sep;            /* Between words; NULL means two spaces. */
};

/* Identifying external_ids, shown in this order. */
static const char *const id_keys[] = {
    "xs-network-uuid", "xs-network-uuids", "xs-vif-uuid", "xs-vm-uuid",
    "iface-id", "vm-id", "vm-uuid", "attached-mac", "iface-status",
};

/* Returns a malloc()'d string formatted from 'fmt' and 'args'. */
static char * __attribute__((format(printf, 1, 0)))
format_va(const char *fmt, va_list args)
{
    va_list copy;
    char *s;
    int n;

    va_copy(copy, args);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    s = xmalloc(n + 1);
    vsnprintf(s, n + 1, fmt, args);
    return s;
}

static void __attribute__((format(printf, 2, 3)))
words_add(struct text_words *words, const char *fmt, ...)
{
    va_list args;
    char *word;

    va_start(args, fmt);
    word = format_va(fmt, args);
    va_end(args);
    if (words->s) {
        char *joined = xasprintf("%s%s%s", words->s,
                                 words->sep ? words->sep : "  ", word);

        free(words->s);
        free(word);
        words->s = joined;
    } else {
        words->s = word;
    }
}

/* Appends "key=value" for each identifying key of 'kvs' to 'words'. */
static void
words_add_ids(struct text_words *words, const struct host_kv *kvs, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(id_keys); i++) {
        const char *value = host_kv_get(kvs, n, id_keys[i]);

        if (value) {
            words_add(words, "%s=%s", id_keys[i], value);
        }
    }
}

static struct text_row *
table_add_row(struct text_table *table)
{
    struct text_row *row;

    grow_array((void **) &table->rows, &table->allocated, table->n + 1,
               sizeof *table->rows);
    row = &table->rows[table->n++];
    memset(row, 0, sizeof *row);
    return row;
}

/* Adds a line printed as is; takes ownership of 'words->s'. */
static void
table_add_raw(struct text_table *table, struct text_words *words)
{
    struct text_row *row = table_add_row(table);

    row->raw = true;
    row->tail = words->s ? words->s : xstrdup("");
    words->s = NULL;
}

static void __attribute__((format(printf, 2, 3)))
table_add_rawf(struct text_table *table, const char *fmt, ...)
{
    struct text_words words = { NULL, NULL };
    va_list args;

    va_start(args, fmt);
    words.s = format_va(fmt, args);
    va_end(args);
    table_add_raw(table, &words);
}

/* Replaces '*s' (which may be NULL) by its text escape (escape.h). */
static void
escape_in_place(char **s)
{
    if (*s) {
        char *escaped = escape_text(*s, true);

        free(*s);
        *s = escaped;
    }
}

/* Prints 'table' to 'stream', then empties it.  Names are bytes: every
 * cell is escaped first, so no control character reaches a terminal and
 * the columns line up on what is shown. */
static void
table_flush(struct text_table *table, FILE *stream)
{
    size_t widths[N_COLUMNS] = { 0 };

    for (size_t r = 0; r < table->n; r++) {
        struct text_row *row = &table->rows[r];

        for (int c = 0; c < N_COLUMNS; c++) {
            escape_in_place(&row->cells[c]);
        }
        escape_in_place(&row->tail);
    }

    for (size_t r = 0; r < table->n; r++) {
        const struct text_row *row = &table->rows[r];

        for (int c = 0; !row->raw && c < N_COLUMNS; c++) {
            size_t len = row->cells[c] ? strlen(row->cells[c]) : 0;

            if (len > widths[c]) {
                widths[c] = len;
            }
        }
    }

    for (size_t r = 0; r < table->n; r++) {
        struct text_row *row = &table->rows[r];
        int last = -1;
        bool first = true;

        if (row->raw) {
            fprintf(stream, "%s\n", row->tail);
            free(row->tail);
            continue;
        }
        for (int c = 0; c < N_COLUMNS; c++) {
            if (row->cells[c] && row->cells[c][0]) {
                last = c;
            }
        }
        if (row->tail) {
            last = N_COLUMNS;
        }
        for (int c = 0; c < N_COLUMNS && c <= last; c++) {
            const char *cell = row->cells[c] ? row->cells[c] : "";

            if (!widths[c]) {
                continue;
            }
            fprintf(stream, "%s%-*s", first ? "" : "  ",
                    c < last ? (int) widths[c] : 0, cell);
            first = false;
        }
        if (row->tail) {
            fprintf(stream, "%s%s", first ? "" : "  ", row->tail);
        }
        fputc('\n', stream);
        for (int c = 0; c < N_COLUMNS; c++) {
            free(row->cells[c]);
        }
        free(row->tail);
    }
    free(table->rows);
    memset(table, 0, sizeof *table);
}

/* Returns "MTU (MIN..MAX)" for 'link', '?' for what is unknown.  The caller
 * frees the string. */
static char *
format_kernel_mtu(const char *label, const struct host_link *link)
{
    char mtu[16], min[16], max[16];

    snprintf(mtu, sizeof mtu, link->mtu ? "%u" : "?", link->mtu);
    if (!link->min_mtu && !link->max_mtu) {
        return xasprintf("%s %s", label, mtu);
    }
    snprintf(min, sizeof min, link->min_mtu ? "%u" : "?", link->min_mtu);
    snprintf(max, sizeof max, link->max_mtu ? "%u" : "?", link->max_mtu);
    return xasprintf("%s %s (%s..%s)", label, mtu, min, max);
}

static char *
format_pci(const struct host_link *link)
{
    return (link->has_pci
            ? xasprintf("pci %04x:%04x", link->pci_vendor, link->pci_device)
            : NULL);
}

/* Returns what a kernel link is, for the COL_WHAT column: its kind, marked
 * "vif" for a VM interface.  The caller frees the string. */
static char *
format_link_what(const struct host_link *link)
{
    const char *kind = (link->kind == LINK_KIND_OTHER && link->kind_name[0]
                        ? link->kind_name : link_kind_to_string(link->kind));

    if (host_link_is_vif(link)) {
        return (link->kind == LINK_KIND_XEN_VIF ? xstrdup("vif")
                : xasprintf("vif %s", kind));
    }
    return xstrdup(kind);
}

/* Adds the VM behind the tap 'link' and its guest NIC model, where libvirt
 * said: "vm NAME nic MODEL", and "(at most N)" after a model that cannot
 * use the tap's MTU (guest-nic.h). */
static void
words_add_guest(struct text_words *words, const struct host_link *link)
{
    const struct guest_nic_limit *limit = guest_nic_limit(link->nic_model);

    if (link->vm_name[0]) {
        words_add(words, "vm %s", link->vm_name);
    }
    if (limit && link->mtu > limit->max_mtu) {
        words_add(words, "nic %s (guest at most %u)", link->nic_model,
                  limit->max_mtu);
    } else if (link->nic_model[0]) {
        words_add(words, "nic %s", link->nic_model);
    }
}

/* Appends to 'words' what matters about 'link' beyond its columns; with
 * 'show_master', also its master. */
static void
words_add_link_notes(struct text_words *words, const struct host_link *link,
                     bool show_master)
{
    if (link->kind == LINK_KIND_VLAN) {
        words_add(words, "vlan %u", link->vlan_id);
    }
    if (link->lower[0]) {
        words_add(words, "on %s", link->lower);
    }
    if (link->tunnel_ipv6) {
        words_add(words, "ipv6 underlay");
    }
    if (link->tunnel_key) {
        words_add(words, "key");
    }
    if (show_master && link->master[0]) {
        words_add(words, "master %s", link->master);
    }
    if (!link->up) {
        words_add(words, "down");
    }
    if (link->lro == LRO_ON || link->lro == LRO_FIXED_ON) {
        words_add(words, "lro %s", lro_state_to_string(link->lro));
    }
    if (link->default_route) {
        words_add(words, "default route");
    }
    words_add_guest(words, link);
}

/* Adds a row for the kernel link 'link' with 'lead' (owned by the row); with
 * 'show_master', its notes include its master.  Marks it shown. */
static void
add_link_row(struct text_table *table, const struct host *host,
             bool *shown, char *lead, const struct host_link *link,
             bool show_master)
{
    struct text_row *row = table_add_row(table);
    struct text_words words = { NULL, NULL };

    row->cells[COL_LEAD] = lead;
    row->cells[COL_WHAT] = format_link_what(link);
    row->cells[COL_MTU] = format_kernel_mtu("mtu", link);
    if (link->driver[0]) {
        row->cells[COL_DRIVER] = xasprintf("driver %s", link->driver);
    }
    row->cells[COL_PCI] = format_pci(link);
    words_add_link_notes(&words, link, show_master);
    row->tail = words.s;
    shown[link - host->links] = true;
}

/* If 'link' is a bond or team, adds a row for each of its slaves, indented
 * by 'indent' spaces. */
static void
add_slave_rows(struct text_table *table, const struct host *host,
               bool *shown, const struct host_link *link, int indent)
{
    if (link->kind != LINK_KIND_BOND && link->kind != LINK_KIND_TEAM) {
        return;
    }
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *slave = &host->links[i];

        if (!shown[i] && !strcmp(slave->master, link->name)) {
            add_link_row(table, host, shown,
                         xasprintf("%*sslave %s", indent, "", slave->name),
                         slave, false);
        }
    }
}

/* Adds the row of OVS interface 'iface' of 'port' on the bridge named
 * 'bridge' with 'lead' (owned by the row).  'tail' holds notes that come
 * first (taken over). */
static void
add_iface_row(struct text_table *table, const struct host *host,
              bool *shown, char *lead, const char *bridge,
              const struct host_ovs_port *port,
              const struct host_ovs_iface *iface, struct text_words *tail,
              int indent)
{
    const char *type = iface->type[0] ? iface->type : "system";
    const char *role = host_json_iface_role(bridge, port, iface);
    const struct host_link *link = host_find_link(host, iface->name);
    struct text_row *row = table_add_row(table);

    row->cells[COL_LEAD] = lead;
    if (port->n_ifaces > 1
        || !strcmp(role, "internal") || !strcmp(role, "patch")
        || !strcmp(type, "system")) {
        row->cells[COL_WHAT] = xstrdup(port->n_ifaces > 1 ? type : role);
    } else {
        row->cells[COL_WHAT] = xasprintf("%s %s", role, type);
    }
    row->cells[COL_REQUEST] = (iface->has_mtu_request
                               ? xasprintf("mtu_request %u",
                                           iface->mtu_request)
                               : xstrdup("mtu_request -"));
    row->cells[COL_OVS_MTU] = (iface->has_mtu
                               ? xasprintf("ovs mtu %u", iface->mtu)
                               : xstrdup("ovs mtu -"));
    if (link) {
        row->cells[COL_MTU] = format_kernel_mtu("kernel", link);
        row->cells[COL_DRIVER] = xasprintf("driver %s", link->driver[0]
                                           ? link->driver : "-");
        row->cells[COL_PCI] = format_pci(link);
        shown[link - host->links] = true;
    } else {
        row->cells[COL_MTU] = xstrdup("kernel -");
    }
    if (iface->error[0]) {
        words_add(tail, "error: %s", iface->error);
    } else if (iface->has_ofport && iface->ofport < 0) {
        words_add(tail, "ofport -1 (not in the datapath)");
    }
    if (link && !link->up) {
        words_add(tail, "down");
    }
    if (link) {
        words_add_guest(tail, link);
    }
    words_add_ids(tail, iface->external_ids, iface->n_external_ids);
    row->tail = tail->s;
    tail->s = NULL;

    if (link) {
        add_slave_rows(table, host, shown, link, indent + 2);
    }
}

static void
add_ovs_port(struct text_table *table, const struct host *host, bool *shown,
             const char *bridge, const struct host_ovs_port *port)
{
    struct text_words words = { NULL, NULL };

    if (port->n_ifaces == 1) {
        const struct host_ovs_iface *iface = &port->ifaces[0];
        char *lead = (strcmp(iface->name, port->name)
                      ? xasprintf("    port %s (interface %s)", port->name,
                                  iface->name)
                      : xasprintf("    port %s", port->name));

        if (port->tag) {
            words_add(&words, "tag %u", port->tag);
        }
        words_add_ids(&words, port->external_ids, port->n_external_ids);
        add_iface_row(table, host, shown, lead, bridge, port, iface, &words,
                      4);
        return;
    }

    words_add(&words, "    port %s", port->name);
    if (!port->n_ifaces) {
        words_add(&words, "no interfaces");
    } else if (port->bond_mode[0]) {
        words_add(&words, "bond %s", port->bond_mode);
    } else {
        words_add(&words, "bond");
    }
    if (port->tag) {
        words_add(&words, "tag %u", port->tag);
    }
    words_add_ids(&words, port->external_ids, port->n_external_ids);
    table_add_raw(table, &words);

    for (size_t i = 0; i < port->n_ifaces; i++) {
        const struct host_ovs_iface *iface = &port->ifaces[i];

        add_iface_row(table, host, shown,
                      xasprintf("      member %s", iface->name),
                      bridge, port, iface, &words, 6);
    }
}

static void
add_ovs_section(struct text_table *table, const struct host *host,
                bool *shown)
{
    const char *version = (host->ovs_version[0] ? host->ovs_version
                           : "(version unknown)");
    const char *remote = (host->ovs_remote[0] ? host->ovs_remote
                          : "(unknown remote)");
    struct text_words words = { NULL, NULL };

    if (!host->ovs_reachable) {
        if (!host->ovs_remote[0] && !host->ovs_error[0]) {
            table_add_rawf(table, "OVS: not read");
        } else {
            table_add_rawf(table, "OVS: not reachable%s%s%s%s",
                           host->ovs_remote[0] ? " at " : "",
                           host->ovs_remote,
                           host->ovs_error[0] ? ": " : "", host->ovs_error);
        }
        return;
    }

    if (host->ovs_next_cfg != host->ovs_cur_cfg) {
        table_add_rawf(table, "OVS %s at %s (cur_cfg %lld, next_cfg %lld: "
                       "ovs-vswitchd has not applied the last change yet)",
                       version, remote, host->ovs_cur_cfg,
                       host->ovs_next_cfg);
    } else {
        table_add_rawf(table, "OVS %s at %s (cur_cfg %lld)", version, remote,
                       host->ovs_cur_cfg);
    }
    if (!host->n_bridges) {
        table_add_rawf(table, "  no bridges");
    }

    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        words_add(&words, "  bridge %s (datapath %s)", br->name,
                  br->datapath_type[0] ? br->datapath_type : "system");
        words_add_ids(&words, br->external_ids, br->n_external_ids);
        table_add_raw(table, &words);
        if (!br->n_ports) {
            table_add_rawf(table, "    no ports");
        }
        for (size_t p = 0; p < br->n_ports; p++) {
            add_ovs_port(table, host, shown, br->name, &br->ports[p]);
        }
    }
}

static void
add_linux_bridges(struct text_table *table, const struct host *host,
                  bool *shown)
{
    bool any = false;

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *br = &host->links[i];

        if (br->kind != LINK_KIND_BRIDGE || shown[i]) {
            continue;
        }
        if (!any) {
            table_add_rawf(table, "Linux bridges");
            any = true;
        }
        add_link_row(table, host, shown, xasprintf("  bridge %s", br->name),
                     br, false);
        for (size_t j = 0; j < host->n_links; j++) {
            const struct host_link *port = &host->links[j];

            if (!shown[j] && !strcmp(port->master, br->name)) {
                add_link_row(table, host, shown,
                             xasprintf("    port %s", port->name), port,
                             false);
                add_slave_rows(table, host, shown, port, 6);
            }
        }
    }
}

static void
add_other_links(struct text_table *table, const struct host *host,
                bool *shown)
{
    bool any = false;

    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];

        if (shown[i]) {
            continue;
        }
        if (!any) {
            table_add_rawf(table, "Other links");
            any = true;
        }
        add_link_row(table, host, shown, xasprintf("  %s", link->name), link,
                     true);
    }
}

void
host_text_write(const struct host *host, FILE *stream)
{
    struct text_table table = { NULL, 0, 0 };
    struct text_words words = { NULL, NULL };
    bool *shown = xzalloc(host->n_links * sizeof *shown);
    const struct host_sysctls *s = &host->sysctls;
    const struct {
        const char *name;
        int value;
    } sysctls[] = {
        { "ip_forward", s->ip_forward },
        { "ipv6_forwarding", s->ipv6_forwarding },
        { "tcp_mtu_probing", s->tcp_mtu_probing },
        { "disable_ipv6", s->ipv6_disabled },
    };
    struct text_words settings = { NULL, " " };

    if (host->xen_dom0) {
        words_add(&settings, "xen dom0");
    }
    for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
        if (sysctls[i].value >= 0) {
            words_add(&settings, "%s=%d", sysctls[i].name, sysctls[i].value);
        }
    }
    words_add(&words, "host %s", host->hostname[0] ? host->hostname : "-");
    if (settings.s) {
        words_add(&words, "(%s)", settings.s);
        free(settings.s);
    }
    table_add_raw(&table, &words);

    /* The OVS section has columns of its own; the Linux bridges and the
     * other links share one set. */
    add_ovs_section(&table, host, shown);
    table_flush(&table, stream);
    add_linux_bridges(&table, host, shown);
    add_other_links(&table, host, shown);
    table_flush(&table, stream);
    free(shown);
}
