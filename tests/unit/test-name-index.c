/* Unit tests of name-index.c, and of the host model's look-ups that use
 * it (host.c): first value wins, misses, growth, and an index that follows
 * the host as it grows. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "name-index.h"
#include "testlib.h"

static void
test_basic(void)
{
    struct name_index *index = name_index_create();

    test_report(name_index_find(index, "eth0") == NAME_INDEX_NONE, NULL,
                "empty: eth0 is missing");
    test_report(name_index_add(index, "eth0", 7), NULL, "adds eth0");
    test_report(name_index_add(index, "eth1", 8), NULL, "adds eth1");
    test_report(!name_index_add(index, "eth0", 9), NULL,
                "a second eth0 is not added");
    test_report(name_index_find(index, "eth0") == 7, NULL,
                "eth0 keeps its first value");
    test_report(name_index_find(index, "eth1") == 8, NULL, "eth1 is 8");
    test_report(name_index_find(index, "eth") == NAME_INDEX_NONE
                && name_index_find(index, "eth00") == NAME_INDEX_NONE, NULL,
                "prefixes and extensions are missing");
    test_report(name_index_add(index, "", 3)
                && name_index_find(index, "") == 3, NULL,
                "the empty name is a name");
    test_report(name_index_count(index) == 3, NULL, "3 names");
    name_index_destroy(index);
    name_index_destroy(NULL);
}

/* The index copies names: the caller's buffer may change after the add. */
static void
test_copies(void)
{
    struct name_index *index = name_index_create();
    char buf[16] = "vif1.0";

    name_index_add(index, buf, 1);
    strcpy(buf, "vif2.0");
    test_report(name_index_find(index, "vif1.0") == 1
                && name_index_find(index, "vif2.0") == NAME_INDEX_NONE,
                NULL, "names are copied");
    name_index_destroy(index);
}

/* Many names: every one found with its value after the table grew many
 * times, none lost, none invented. */
static void
test_growth(void)
{
    struct name_index *index = name_index_create();
    size_t n = 100000, bad = 0;
    char name[32];

    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "vif%zu.%zu", i / 16, i % 16);
        bad += !name_index_add(index, name, i);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "vif%zu.%zu", i / 16, i % 16);
        bad += name_index_find(index, name) != i;
        bad += !!name_index_add(index, name, i + 1);
        snprintf(name, sizeof name, "tap%zu.%zu", i / 16, i % 16);
        bad += name_index_find(index, name) != NAME_INDEX_NONE;
    }
    test_report(!bad && name_index_count(index) == n, NULL,
                "%zu names: all found, no duplicates, no false hits", n);
    name_index_destroy(index);
}

static bool
any_port(const struct host_ovs_port *port)
{
    return port != NULL;
}

static bool
is_p1(const struct host_ovs_port *port)
{
    return !strcmp(port->name, "p1");
}

/* host.c: look-ups by name return the first element of a name, and the
 * index follows links and bridges added after a look-up. */
static void
test_host(void)
{
    struct host *host = host_create();
    const struct host_ovs_bridge *brp;
    const struct host_ovs_port *portp;
    struct host_ovs_bridge *br;
    struct host_ovs_port *port;

    host_add_link(host, "eth0")->mtu = 1500;
    host_add_link(host, "eth0")->mtu = 9000;
    test_report(host_find_link(host, "eth0")
                && host_find_link(host, "eth0")->mtu == 1500, NULL,
                "host: the first eth0");
    test_report(!host_find_link(host, "eth1"), NULL, "host: no eth1");
    host_add_link(host, "eth1");
    test_report(host_find_link(host, "eth1") == &host->links[2], NULL,
                "host: eth1 added after a look-up is found");

    br = host_add_bridge(host, "br0");
    port = host_bridge_add_port(br, "p0");
    host_port_add_iface(port, "p0");
    test_report(host_find_bridge(host, "br0") == &host->bridges[0], NULL,
                "host: bridge br0");
    test_report(host_find_ovs_iface(host, "p0", &brp, &portp)
                == &host->bridges[0].ports[0].ifaces[0]
                && brp == &host->bridges[0]
                && portp == &host->bridges[0].ports[0], NULL,
                "host: interface p0 with its bridge and port");
    br = &host->bridges[0];
    port = host_bridge_add_port(br, "p1");
    host_port_add_iface(port, "p1");
    host_reindex(host);
    test_report(host_find_ovs_iface(host, "p1", NULL, NULL)
                == &br->ports[1].ifaces[0], NULL,
                "host: p1 added and reindexed is found");

    /* Tagged ports: the first for which the predicate holds. */
    br->ports[0].tag = 5;
    br->ports[1].tag = 5;
    port = host_bridge_add_port(br, "p2");
    port->tag = 6;
    test_report(host_bridge_find_tagged(br, 5, any_port) == &br->ports[0],
                NULL, "host: the first port of tag 5");
    test_report(host_bridge_find_tagged(br, 5, is_p1) == &br->ports[1],
                NULL, "host: the first port of tag 5 named p1");
    test_report(host_bridge_find_tagged(br, 6, is_p1) == NULL
                && host_bridge_find_tagged(br, 6, any_port) == &br->ports[2]
                && host_bridge_find_tagged(br, 7, any_port) == NULL, NULL,
                "host: tags 6 and 7");
    port = host_bridge_add_port(br, "p3");
    port->tag = 4;
    test_report(host_bridge_find_tagged(br, 4, any_port) == &br->ports[3],
                NULL, "host: a port added after a look-up is found");
    host_destroy(host);
}

int
main(void)
{
    test_basic();
    test_copies();
    test_growth();
    test_host();
    return test_exit_status();
}
