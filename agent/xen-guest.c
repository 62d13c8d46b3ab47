/* xenstore adapter (xen-guest.h), with libxenstore, loaded only on a host
 * that has xenstore and VIFs (dynlib.h). */
#include "xen-guest.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "dynlib.h"
#include "error.h"
#include "host.h"
#include "log.h"
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

/* libxenstore's functions (dynlib.h). */
static struct {
    struct xs_handle *(*open)(unsigned long flags);
    void *(*read)(struct xs_handle *, xs_transaction_t, const char *path,
                  unsigned int *len);
    void (*close)(struct xs_handle *);
} xs_lib;

/* Loads libxenstore into 'xs_lib' if it is not yet.  Returns false, with
 * the reason on standard error once, if it cannot be loaded. */
static bool
xs_lib_load(void)
{
    static int state;           /* 0: not tried, 1: loaded, -1: failed. */
    const struct dynlib_sym syms[] = {
        { "xs_open", &xs_lib.open, false },
        { "xs_read", &xs_lib.read, false },
        { "xs_close", &xs_lib.close, false },
    };

    if (!state) {
        struct error err;

        error_clear(&err);
        state = dynlib_load("libxenstore.so.4", "libxenstore4 (for the "
                            "scatter-gather check of Xen VIFs)", syms,
                            ARRAY_SIZE(syms), &err) ? -1 : 1;
        if (state < 0) {
            log_warn("%s; the VIFs' feature-sg is not checked", err.msg);
        }
    }
    return state > 0;
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
    unsigned int len = 0;
    char *value;

    value = xs_lib.read(xs, XBT_NULL, path, &len);
    if (value && strlen(value) != len) {
        free(value);            /* A NUL inside: not a key we understand. */
        return NULL;
    }
    /* cppcheck takes xs_read()'s value, through a pointer it cannot see
     * into, for one that points at 'len'. */
    /* cppcheck-suppress returnDanglingLifetime */
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
    if (!any || !xenstore_present() || !xs_lib_load()) {
        return;
    }
    xs = xs_lib.open(XS_OPEN_READONLY);
    if (!xs) {
        return;
    }
    for (size_t i = 0; i < host->n_links; i++) {
        unsigned int d, n;

        if (xen_guest_parse_vif(host->links[i].name, &d, &n)) {
            read_vif(xs, &host->links[i], d, n);
        }
    }
    xs_lib.close(xs);
}
