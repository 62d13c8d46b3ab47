/* Link fact cache: see link-cache.h. */
#include "link-cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool.h"
#include "host.h"
#include "sysfs.h"
#include "util.h"

/* What ethtool and sysfs told about one link. */
struct link_facts {
    int ifindex;
    char name[HOST_NAME_SIZE];
    enum link_kind netlink_kind;    /* The kind netlink gave before the
                                     * read (ethtool may turn an ether
                                     * link into a Xen VIF). */
    enum link_kind kind;            /* The kind after the read. */
    char driver[32];
    char bus_info[32];
    bool has_pci;
    unsigned int pci_vendor;
    unsigned int pci_device;
    enum lro_state lro;
    bool valid;                     /* False once forgotten. */
};

struct link_cache {
    struct link_facts *facts;       /* Owned; sorted by ifindex. */
    size_t n;
};

struct link_cache *
link_cache_create(void)
{
    return xzalloc(sizeof(struct link_cache));
}

void
link_cache_destroy(struct link_cache *cache)
{
    if (cache) {
        free(cache->facts);
        free(cache);
    }
}

static int
compare_ifindex(const void *a_, const void *b_)
{
    const struct link_facts *a = a_, *b = b_;

    return a->ifindex < b->ifindex ? -1 : a->ifindex > b->ifindex;
}

/* Returns the entry of 'cache' for 'ifindex', valid or not, or NULL. */
static struct link_facts *
find_facts(const struct link_cache *cache, int ifindex)
{
    struct link_facts key = { .ifindex = ifindex };

    if (!cache->n) {
        return NULL;
    }
    return bsearch(&key, cache->facts, cache->n, sizeof *cache->facts,
                   compare_ifindex);
}

void
link_cache_forget(struct link_cache *cache, int ifindex)
{
    struct link_facts *facts = cache ? find_facts(cache, ifindex) : NULL;

    if (facts) {
        facts->valid = false;
    }
}

void
link_cache_clear(struct link_cache *cache)
{
    if (cache) {
        free(cache->facts);
        cache->facts = NULL;
        cache->n = 0;
    }
}

/* Copies the facts of 'facts' into 'link'. */
static void
facts_to_link(const struct link_facts *facts, struct host_link *link)
{
    link->kind = facts->kind;
    memcpy(link->driver, facts->driver, sizeof link->driver);
    memcpy(link->bus_info, facts->bus_info, sizeof link->bus_info);
    link->has_pci = facts->has_pci;
    link->pci_vendor = facts->pci_vendor;
    link->pci_device = facts->pci_device;
    link->lro = facts->lro;
}

/* Fills 'facts' from 'link' after the read; 'netlink_kind' is the kind
 * the link had before it. */
static void
facts_from_link(struct link_facts *facts, const struct host_link *link,
                enum link_kind netlink_kind)
{
    memset(facts, 0, sizeof *facts);
    facts->ifindex = link->ifindex;
    copy_string(facts->name, link->name, sizeof facts->name);
    facts->netlink_kind = netlink_kind;
    facts->kind = link->kind;
    memcpy(facts->driver, link->driver, sizeof facts->driver);
    memcpy(facts->bus_info, link->bus_info, sizeof facts->bus_info);
    facts->has_pci = link->has_pci;
    facts->pci_vendor = link->pci_vendor;
    facts->pci_device = link->pci_device;
    facts->lro = link->lro;
    facts->valid = true;
}

/* Returns the valid entry of 'cache' that stands for 'link' as netlink
 * shows it now, or NULL. */
static const struct link_facts *
lookup(const struct link_cache *cache, const struct host_link *link)
{
    const struct link_facts *facts = find_facts(cache, link->ifindex);

    return (facts && facts->valid && !strcmp(facts->name, link->name)
            && facts->netlink_kind == link->kind ? facts : NULL);
}

size_t
link_cache_read_host(struct link_cache *cache, struct host *host)
{
    struct link_facts *facts = xzalloc((host->n_links ? host->n_links : 1)
                                       * sizeof *facts);
    struct host *fresh = host_create();
    size_t *fresh_of = xzalloc((host->n_links ? host->n_links : 1)
                               * sizeof *fresh_of);
    size_t n_fresh = 0;

    /* The links that the cache does not know are read on a host of their
     * own, so that ethtool.c and sysfs.c stay as the one-shot run has
     * them. */
    for (size_t i = 0; i < host->n_links; i++) {
        const struct link_facts *known = lookup(cache, &host->links[i]);

        if (known) {
            facts[i] = *known;
            facts_to_link(known, &host->links[i]);
        } else {
            *host_add_link(fresh, host->links[i].name) = host->links[i];
            fresh_of[n_fresh++] = i;
        }
    }
    ethtool_read_host(fresh);
    sysfs_read_host(fresh);
    for (size_t j = 0; j < n_fresh; j++) {
        struct host_link *link = &host->links[fresh_of[j]];

        facts_from_link(&facts[fresh_of[j]], &fresh->links[j], link->kind);
        *link = fresh->links[j];
    }
    memcpy(host->hostname, fresh->hostname, sizeof host->hostname);
    host->xen_dom0 = fresh->xen_dom0;
    host->sysctls = fresh->sysctls;

    free(cache->facts);
    cache->facts = facts;
    cache->n = host->n_links;
    qsort(cache->facts, cache->n, sizeof *cache->facts, compare_ifindex);
    free(fresh_of);
    host_destroy(fresh);
    return n_fresh;
}
