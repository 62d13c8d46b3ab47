/* xenstore adapter (xen-guest.h), with libxenstore. */
#include "xen-guest.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "host.h"
#include "util.h"

/* Where libxenstore connects: xenstored's socket, or the xenbus device.
 * Without any of them xs_open() can only fail; checking first means that
 * a host without Xen never waits on it. */
static const char *const xenstore_paths[] = {
    "/run/xenstored/socket",
    "/var/run/xenstored/socket",
    "/dev/xen/xenbus",
    "/proc/xen/xenbus",
};

static bool
xenstore_present(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(xenstore_paths); i++) {
        if (!access(xenstore_paths[i], F_OK)) {
            return true;
        }
    }
    return false;
}

int
xen_guest_parse_vif(const char *name, unsigned int *domidp,
                   unsigned int *devidp)
{
    unsigned long d, n;
    char *end;

    if (strncmp(name, "vif", 3) || name[3] < '0' || name[3] > '9') {
        return 0;
    }
    d = strtoul(name + 3, &end, 10);
    if (*end != '.' || end[1] < '0' || end[1] > '9' || d > 65535) {
        return 0;
    }
    n = strtoul(end + 1, &end, 10);
    if (*end || n > 65535) {
        return 0;
    }
    *domidp = d;
    *devidp = n;
    return 1;
}

/* Reads the string at 'path' into a new string (free it), or NULL. */
static char *
read_key(struct xs_handle *xs, const char *path)
{
    unsigned int len;
    char *value = xs_read(xs, XBT_NULL, path, &len);

    if (value && strlen(value) != len) {
        free(value);            /* A NUL inside: not a key we understand. */
        return NULL;
    }
    return value;
}

/* Fills the guest facts of 'link', the VIF of domain 'domid', device
 * 'devid'. */
static void
read_vif(struct xs_handle *xs, struct host_link *link, unsigned int domid,
         unsigned int devid)
{
    char path[256];
    char *frontend, *value;

    snprintf(path, sizeof path, "/local/domain/%u/name", domid);
    value = read_key(xs, path);
    if (value) {
        copy_string(link->vm_name, value, sizeof link->vm_name);
        free(value);
    }

    snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/%u/frontend",
             domid, devid);
    frontend = read_key(xs, path);
    if (!frontend || strncmp(frontend, "/local/domain/", 14)
        || strlen(frontend) > 200) {
        free(frontend);
        return;
    }
    snprintf(path, sizeof path, "%s/feature-sg", frontend);
    free(frontend);
    value = read_key(xs, path);
    /* netback's rule: absent, or anything but a nonzero number, is 0. */
    link->xen_feature_sg = value && strtoul(value, NULL, 10) ? 1 : 0;
    free(value);
}

void
xen_guest_read_host(struct host *host)
{
    struct xs_handle *xs;
    bool any = false;

    for (size_t i = 0; i < host->n_links && !any; i++) {
        unsigned int d, n;

        any = xen_guest_parse_vif(host->links[i].name, &d, &n);
    }
    if (!any || !xenstore_present()) {
        return;
    }
    xs = xs_open(XS_OPEN_READONLY);
    if (!xs) {
        return;
    }
    for (size_t i = 0; i < host->n_links; i++) {
        unsigned int d, n;

        if (xen_guest_parse_vif(host->links[i].name, &d, &n)) {
            read_vif(xs, &host->links[i], d, n);
        }
    }
    xs_close(xs);
}
