/* ethtool adapter: see ethtool.h.
 *
 * Speaks the SIOCETHTOOL ioctl on an AF_INET datagram socket.  LRO is the
 * feature named "rx-lro" in the ETH_SS_FEATURES string set; its bit in the
 * ETHTOOL_GFEATURES blocks tells whether it is on and whether the driver lets
 * it change.  Kernels or drivers without that string set fall back to the
 * old ETH_FLAG_LRO of ETHTOOL_GFLAGS/SFLAGS, which cannot say "fixed". */
#include "ethtool.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "util.h"

#define LRO_FEATURE_NAME "rx-lro"

/* Where LRO lives in the features bitmap of one device. */
struct lro_feature {
    unsigned int n_words;       /* 32-bit blocks of the features bitmap. */
    unsigned int word;          /* Block that holds LRO. */
    uint32_t mask;              /* LRO's bit in that block. */
};

/* Runs ethtool command 'data' (whose first member is the command) on
 * 'ifname' through socket 'fd'.  Returns the ioctl's nonnegative result or a
 * negative errno value. */
static int
ethtool_ioctl(int fd, const char *ifname, void *data)
{
    struct ifreq ifr;
    int retval;

    memset(&ifr, 0, sizeof ifr);
    copy_string(ifr.ifr_name, ifname, sizeof ifr.ifr_name);
    ifr.ifr_data = data;
    retval = ioctl(fd, SIOCETHTOOL, &ifr);
    return retval < 0 ? -errno : retval;
}

/* Opens the socket that carries the ioctls.  Returns it or a negative errno
 * value. */
static int
open_socket(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    return fd < 0 ? -errno : fd;
}

/* Finds LRO in the features of 'ifname'.  Returns 0 and fills '*feature', or
 * -EOPNOTSUPP if the device has no features string set or no "rx-lro" in it,
 * or another negative errno value. */
static int
find_lro_feature(int fd, const char *ifname, struct lro_feature *feature)
{
    struct ethtool_sset_info *info;
    struct ethtool_gstrings *strings;
    uint32_t n_strings;
    int error;

    info = xzalloc(sizeof *info + sizeof info->data[0]);
    info->cmd = ETHTOOL_GSSET_INFO;
    info->sset_mask = UINT64_C(1) << ETH_SS_FEATURES;
    error = ethtool_ioctl(fd, ifname, info);
    n_strings = info->data[0];
    if (error >= 0 && !(info->sset_mask & (UINT64_C(1) << ETH_SS_FEATURES))) {
        error = -EOPNOTSUPP;
    }
    free(info);
    if (error < 0) {
        return error;
    }
    if (!n_strings || n_strings > 4096) {
        return -EOPNOTSUPP;
    }

    strings = xzalloc(sizeof *strings + (size_t) n_strings * ETH_GSTRING_LEN);
    strings->cmd = ETHTOOL_GSTRINGS;
    strings->string_set = ETH_SS_FEATURES;
    strings->len = n_strings;
    error = ethtool_ioctl(fd, ifname, strings);
    if (error >= 0) {
        error = -EOPNOTSUPP;
        for (uint32_t i = 0; i < strings->len && i < n_strings; i++) {
            const char *name = (const char *) strings->data
                               + (size_t) i * ETH_GSTRING_LEN;

            if (!strncmp(name, LRO_FEATURE_NAME, ETH_GSTRING_LEN)) {
                feature->n_words = (n_strings + 31) / 32;
                feature->word = i / 32;
                feature->mask = UINT32_C(1) << (i % 32);
                error = 0;
                break;
            }
        }
    }
    free(strings);
    return error;
}

/* Reads the LRO state of 'ifname' through ETHTOOL_GFEATURES, LRO being
 * where 'feature' says.  Returns 0 and stores the state in '*statep', or a
 * negative errno value. */
static int
get_lro_features(int fd, const char *ifname,
                 const struct lro_feature *feature, enum lro_state *statep)
{
    struct ethtool_gfeatures *gf;
    int error;

    gf = xzalloc(sizeof *gf + feature->n_words * sizeof gf->features[0]);
    gf->cmd = ETHTOOL_GFEATURES;
    gf->size = feature->n_words;
    error = ethtool_ioctl(fd, ifname, gf);
    if (error >= 0) {
        const struct ethtool_get_features_block *block
            = &gf->features[feature->word];
        bool on = (block->active & feature->mask) != 0;
        bool changeable = ((block->available & feature->mask)
                           && !(block->never_changed & feature->mask));

        if (changeable) {
            *statep = on ? LRO_ON : LRO_OFF;
        } else {
            *statep = on ? LRO_FIXED_ON : LRO_FIXED_OFF;
        }
        error = 0;
    }
    free(gf);
    return error;
}

/* Reads the LRO state of 'ifname' through ETHTOOL_GFLAGS.  Returns 0 and
 * stores LRO_ON or LRO_OFF in '*statep', or a negative errno value. */
static int
get_lro_flags(int fd, const char *ifname, enum lro_state *statep)
{
    struct ethtool_value value = { .cmd = ETHTOOL_GFLAGS };
    int error = ethtool_ioctl(fd, ifname, &value);

    if (error < 0) {
        return error;
    }
    *statep = (value.data & ETH_FLAG_LRO) ? LRO_ON : LRO_OFF;
    return 0;
}

/* Reads the LRO state of 'ifname' on 'fd' into '*statep', and where LRO
 * lives into '*feature' (n_words 0 if only the flags know it).  Returns 0 or
 * a negative errno value. */
static int
get_lro(int fd, const char *ifname, enum lro_state *statep,
        struct lro_feature *feature)
{
    int error;

    memset(feature, 0, sizeof *feature);
    error = find_lro_feature(fd, ifname, feature);
    if (!error) {
        return get_lro_features(fd, ifname, feature, statep);
    } else if (error == -EOPNOTSUPP) {
        feature->n_words = 0;
        return get_lro_flags(fd, ifname, statep);
    }
    return error;
}

/* Copies the ethtool string 'src' of 'src_size' bytes, which need not be
 * NUL-terminated, into 'dst' of 'dst_size' bytes. */
static void
copy_fixed_string(char *dst, size_t dst_size, const char *src,
                  size_t src_size)
{
    size_t len = strnlen(src, src_size);

    if (len >= dst_size) {
        len = dst_size - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* True if 'bus_info' names a xenbus frontend device ("vif-0"); backends in
 * dom0 are "vif-DOMID-DEVID". */
static bool
is_xen_frontend(const char *bus_info)
{
    const char *p;

    if (strncmp(bus_info, "vif-", 4) || !bus_info[4]) {
        return false;
    }
    for (p = bus_info + 4; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
    }
    return true;
}

/* Reads the LRO state of 'ifname' on 'fd' into '*statep' for
 * ethtool_read_host(), which reads every link: the kernel's features string
 * set is one table for all devices (netdev_features_strings), so where LRO
 * lives is looked up on the first device that answers and kept in '*cache'
 * for the others ('*have_cache' says whether it is filled), which saves
 * two of the four ioctls per link.  Devices without that string set fall
 * back to the flags, as get_lro() does.  Returns 0 or a negative errno
 * value. */
static int
get_lro_cached(int fd, const char *ifname, struct lro_feature *cache,
               bool *have_cache, enum lro_state *statep)
{
    struct lro_feature feature;
    int error;

    if (*have_cache && !get_lro_features(fd, ifname, cache, statep)) {
        return 0;
    }
    /* No cache yet, or a device that refused the cached request: look it
     * up for this device. */
    error = get_lro(fd, ifname, statep, &feature);
    if (!error && !*have_cache && feature.n_words) {
        *cache = feature;
        *have_cache = true;
    }
    return error;
}

void
ethtool_read_host(struct host *host)
{
    struct lro_feature lro_cache;
    bool have_lro_cache = false;
    int fd = open_socket();

    if (fd < 0) {
        return;
    }
    memset(&lro_cache, 0, sizeof lro_cache);
    for (size_t i = 0; i < host->n_links; i++) {
        struct host_link *link = &host->links[i];
        struct ethtool_drvinfo drvinfo;
        enum lro_state lro;

        memset(&drvinfo, 0, sizeof drvinfo);
        drvinfo.cmd = ETHTOOL_GDRVINFO;
        if (ethtool_ioctl(fd, link->name, &drvinfo) >= 0) {
            copy_fixed_string(link->driver, sizeof link->driver,
                              drvinfo.driver, sizeof drvinfo.driver);
            copy_fixed_string(link->bus_info, sizeof link->bus_info,
                              drvinfo.bus_info, sizeof drvinfo.bus_info);
        }
        if (!get_lro_cached(fd, link->name, &lro_cache, &have_lro_cache,
                            &lro)) {
            link->lro = lro;
        }

        /* xen-netback has no rtnl kind and no get_drvinfo, so the core
         * reports the xenbus driver's name; a domU's netfront looks the
         * same, but its bus id has no domain id. */
        if (!strcmp(link->driver, "vif") && link->kind == LINK_KIND_ETHER
            && !is_xen_frontend(link->bus_info)) {
            link->kind = LINK_KIND_XEN_VIF;
        }
    }
    close(fd);
}

int
ethtool_get_lro(const char *ifname, enum lro_state *statep,
                struct error *err)
{
    struct lro_feature feature;
    enum lro_state state;
    int fd, error;

    fd = open_socket();
    if (fd < 0) {
        return error_set(err, fd, "Cannot read LRO state of '%s': cannot "
                         "open a socket: %s", ifname, strerror(-fd));
    }
    error = get_lro(fd, ifname, &state, &feature);
    close(fd);
    if (error) {
        return error_set(err, error, "Cannot read LRO state of '%s': %s%s",
                         ifname, strerror(-error),
                         error == -EOPNOTSUPP
                         ? " (the driver reports no offload features)" : "");
    }
    *statep = state;
    return 0;
}

/* Sets LRO of 'ifname' to 'on' through ETHTOOL_SFEATURES, LRO being where
 * 'feature' says.  Returns 0 or a negative errno value. */
static int
set_lro_features(int fd, const char *ifname,
                 const struct lro_feature *feature, bool on)
{
    struct ethtool_sfeatures *sf;
    int retval;

    sf = xzalloc(sizeof *sf + feature->n_words * sizeof sf->features[0]);
    sf->cmd = ETHTOOL_SFEATURES;
    sf->size = feature->n_words;
    sf->features[feature->word].valid = feature->mask;
    sf->features[feature->word].requested = on ? feature->mask : 0;
    retval = ethtool_ioctl(fd, ifname, sf);
    free(sf);
    if (retval > 0 && retval & ETHTOOL_F_UNSUPPORTED) {
        return -EOPNOTSUPP;
    }
    return retval < 0 ? retval : 0;
}

/* Sets LRO of 'ifname' to 'on' through ETHTOOL_SFLAGS.  Returns 0 or a
 * negative errno value. */
static int
set_lro_flags(int fd, const char *ifname, bool on)
{
    struct ethtool_value value = { .cmd = ETHTOOL_GFLAGS };
    int error = ethtool_ioctl(fd, ifname, &value);

    if (error < 0) {
        return error;
    }
    value.cmd = ETHTOOL_SFLAGS;
    value.data = on ? value.data | ETH_FLAG_LRO : value.data & ~ETH_FLAG_LRO;
    error = ethtool_ioctl(fd, ifname, &value);
    return error < 0 ? error : 0;
}

int
ethtool_set_lro(const char *ifname, bool on, struct error *err)
{
    const char *want = on ? "on" : "off";
    struct lro_feature feature;
    enum lro_state state;
    int fd, error;

    fd = open_socket();
    if (fd < 0) {
        return error_set(err, fd, "Failed to turn LRO of '%s' %s: cannot "
                         "open a socket: %s", ifname, want, strerror(-fd));
    }
    error = get_lro(fd, ifname, &state, &feature);
    if (error) {
        error_set(err, error, "Failed to turn LRO of '%s' %s: cannot read "
                  "its state: %s", ifname, want, strerror(-error));
        goto out;
    }
    if ((state == LRO_ON || state == LRO_FIXED_ON) == on) {
        goto out;
    }
    if (state == LRO_FIXED_ON || state == LRO_FIXED_OFF) {
        error = error_set(err, -EOPNOTSUPP, "Failed to turn LRO of '%s' %s: "
                          "it is %s and the driver does not let it change",
                          ifname, want, lro_state_to_string(state));
        goto out;
    }

    error = (feature.n_words
             ? set_lro_features(fd, ifname, &feature, on)
             : set_lro_flags(fd, ifname, on));
    if (error) {
        error_set(err, error, "Failed to turn LRO of '%s' %s: %s",
                  ifname, want, strerror(-error));
        goto out;
    }

    /* The kernel accepts a request that another setting overrides (for
     * example, LRO stays off on a bridge port or with IP forwarding), so
     * check what it did. */
    error = get_lro(fd, ifname, &state, &feature);
    if (!error && (state == LRO_ON || state == LRO_FIXED_ON) != on) {
        error = error_set(err, -EBUSY, "Failed to turn LRO of '%s' %s: the "
                          "kernel accepted the request but LRO is still %s "
                          "(another setting, such as a bridge, IP forwarding "
                          "or XDP, overrides it)", ifname, want,
                          lro_state_to_string(state));
    } else if (error) {
        error_set(err, error, "Cannot read LRO state of '%s' after turning "
                  "it %s: %s", ifname, want, strerror(-error));
    }

out:
    close(fd);
    return error;
}
