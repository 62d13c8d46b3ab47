/* Path verification (see verify.h). */
#include "verify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <json.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "icmp-probe.h"
#include "pmtu.h"
#include "policy.h"
#include "util.h"

/* Tries and the share of the deadline for the probes of the binary search
 * (the full size and the floor get VERIFY_TRIES, each the whole
 * deadline). */
#define VERIFY_TRIES 3
#define VERIFY_QUICK_TRIES 2
#define VERIFY_QUICK_MIN_MS 200

struct verify_peer {
    const char *peer;           /* The address, owned by the policy. */
    struct icmp_prober *prober; /* NULL: cannot verify. */
    char source[INET6_ADDRSTRLEN]; /* Address probed from, "" if none. */
    bool probed;                /* 'verdict' is set. */
    struct pmtu_verdict verdict;
    char message[1024];
};

struct verify_network {
    const struct policy_network *pn;
    const char *ifname;         /* verify.source or the bridge. */
    struct verify_peer *peers;
    size_t n_peers;
    char note[512];             /* Overlay: what the probes go through. */
};

struct verify_run {
    struct verify_network *networks;
    size_t n_networks;
    int deadline_ms;
    bool done;                  /* verify_probe() ran to the end. */
};

/* Finds an address of 'family' on 'ifname' in 'addrs' and writes it as
 * text into 'buf' ('size' bytes).  IPv6 link-local addresses are not
 * used.  Returns true if there is one. */
static bool
find_source(const struct ifaddrs *addrs, const char *ifname, int family,
            char *buf, size_t size)
{
    for (const struct ifaddrs *a = addrs; a; a = a->ifa_next) {
        const void *addr;

        if (!a->ifa_addr || a->ifa_addr->sa_family != family
            || strcmp(a->ifa_name, ifname)) {
            continue;
        }
        if (family == AF_INET6) {
            const struct in6_addr *in6
                = &((const struct sockaddr_in6 *) a->ifa_addr)->sin6_addr;

            if (IN6_IS_ADDR_LINKLOCAL(in6)) {
                continue;
            }
            addr = in6;
        } else {
            addr = &((const struct sockaddr_in *) a->ifa_addr)->sin_addr;
        }
        return inet_ntop(family, addr, buf, size) != NULL;
    }
    return false;
}

/* Fills the overlay note of 'vn' from 'policy'. */
static void
note_overlay(struct verify_network *vn, const struct policy *policy)
{
    const struct policy_network *pn = vn->pn;
    const struct policy_network *under;

    if (!pn->has_overlay) {
        return;
    }
    under = policy_find_network(policy, pn->overlay.underlay);
    snprintf(vn->note, sizeof vn->note, "inner mtu %u through the %s "
             "tunnel over network %s (mtu %u)%s", pn->mtu,
             overlay_type_to_string(pn->overlay.type), pn->overlay.underlay,
             under ? under->mtu : 0,
             under && under->n_verify_peers ? ""
             : "; the underlay has no verify.peers: its own path is not "
               "checked");
}

/* Prepares one peer 'vp' of 'vn' to be probed from an address in
 * 'addrs'. */
static int
prepare_peer(struct verify_network *vn, struct verify_peer *vp,
             const struct ifaddrs *addrs, struct error *err)
{
    unsigned char buf[sizeof(struct in6_addr)];
    int family = (inet_pton(AF_INET, vp->peer, buf) == 1 ? AF_INET
                  : inet_pton(AF_INET6, vp->peer, buf) == 1 ? AF_INET6
                  : AF_UNSPEC);
    int error;

    if (family == AF_UNSPEC) {
        return error_set(err, -EINVAL, "network %s: verify peer '%s' is "
                         "not an IPv4 or IPv6 address", vn->pn->name,
                         vp->peer);
    }
    if (!find_source(addrs, vn->ifname, family, vp->source,
                     sizeof vp->source)) {
        vp->probed = true;
        vp->verdict.kind = PMTU_CANNOT_VERIFY;
        vp->verdict.mtu = vn->pn->mtu;
        snprintf(vp->message, sizeof vp->message, "cannot verify: "
                 "interface %s has no %s address to probe %s from; set "
                 "\"verify\": {\"source\": ...} to an interface that has "
                 "one, or give %s an address", vn->ifname,
                 family == AF_INET ? "IPv4" : "IPv6", vp->peer, vn->ifname);
        return 0;
    }
    error = icmp_prober_create(vn->ifname, vp->source, vp->peer,
                               &vp->prober, err);
    if (error) {
        return error_prefix(err, error, "network %s", vn->pn->name);
    }
    return 0;
}

int
verify_prepare(const struct policy *policy, int deadline_ms,
               struct verify_run **runp, struct error *err)
{
    struct verify_run *run = xzalloc(sizeof *run);
    struct ifaddrs *addrs = NULL;
    int error = 0;

    run->deadline_ms = deadline_ms;
    run->networks = xzalloc((policy->n_networks + 1)
                            * sizeof *run->networks);
    if (getifaddrs(&addrs)) {
        error = -errno;
        error_set(err, error, "cannot read this host's addresses: %s",
                  strerror(-error));
        goto out;
    }
    for (size_t i = 0; i < policy->n_networks && !error; i++) {
        const struct policy_network *pn = &policy->networks[i];
        struct verify_network *vn;

        if (!pn->n_verify_peers) {
            continue;
        }
        vn = &run->networks[run->n_networks++];
        vn->pn = pn;
        vn->ifname = pn->verify_source ? pn->verify_source : pn->bridge;
        vn->peers = xzalloc(pn->n_verify_peers * sizeof *vn->peers);
        vn->n_peers = pn->n_verify_peers;
        note_overlay(vn, policy);
        if (!if_nametoindex(vn->ifname)) {
            error = error_set(err, -ENODEV, "network %s: interface %s (%s) "
                              "does not exist on this host, so there is "
                              "nothing to probe %s from; fix the policy",
                              pn->name, vn->ifname,
                              pn->verify_source ? "its verify.source"
                              : "its bridge", pn->verify_peers[0]);
            break;
        }
        for (size_t j = 0; j < vn->n_peers && !error; j++) {
            vn->peers[j].peer = pn->verify_peers[j];
            error = prepare_peer(vn, &vn->peers[j], addrs, err);
        }
    }

out:
    freeifaddrs(addrs);
    if (error) {
        verify_destroy(run);
        return error;
    }
    *runp = run;
    return 0;
}

/* What pmtu_search() needs to probe through one prober. */
struct probe_aux {
    struct icmp_prober *prober;
    int deadline_ms;
};

static int
probe_wire(void *aux_, unsigned int size, bool quick,
           struct pmtu_probe_answer *answer, struct error *err)
{
    struct probe_aux *aux = aux_;
    int deadline = aux->deadline_ms;

    if (quick) {
        deadline = deadline / 3 < VERIFY_QUICK_MIN_MS ? VERIFY_QUICK_MIN_MS
                   : deadline / 3;
    }
    return icmp_prober_probe(aux->prober, size,
                             quick ? VERIFY_QUICK_TRIES : VERIFY_TRIES,
                             deadline, answer, err);
}

int
verify_probe(struct verify_run *run, struct error *err)
{
    for (size_t i = 0; i < run->n_networks; i++) {
        struct verify_network *vn = &run->networks[i];

        for (size_t j = 0; j < vn->n_peers; j++) {
            struct verify_peer *vp = &vn->peers[j];
            struct probe_aux aux = { vp->prober, run->deadline_ms };
            int error;

            if (!vp->prober) {
                continue;
            }
            error = pmtu_search(vn->pn->mtu,
                                icmp_prober_is_ipv6(vp->prober),
                                probe_wire, &aux, &vp->verdict, err);
            if (error) {
                return error_prefix(err, error, "network %s",
                                    vn->pn->name);
            }
            vp->probed = true;
            pmtu_describe(&vp->verdict, vp->peer, vp->message,
                          sizeof vp->message);
        }
    }
    run->done = true;
    return 0;
}

bool
verify_done(const struct verify_run *run)
{
    return run->done;
}

/* True if network 'vn' has a verdict other than "pass". */
static bool
network_failed(const struct verify_network *vn)
{
    for (size_t j = 0; j < vn->n_peers; j++) {
        if (!vn->peers[j].probed
            || vn->peers[j].verdict.kind != PMTU_PASS) {
            return true;
        }
    }
    return false;
}

size_t
verify_n_failed(const struct verify_run *run)
{
    size_t n = 0;

    for (size_t i = 0; i < run->n_networks; i++) {
        n += network_failed(&run->networks[i]);
    }
    return n;
}

size_t
verify_n_networks(const struct verify_run *run)
{
    return run->n_networks;
}

void
verify_summary(const struct verify_run *run, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < run->n_networks; i++) {
        const struct verify_network *vn = &run->networks[i];

        for (size_t j = 0; j < vn->n_peers && len < size; j++) {
            const struct verify_peer *vp = &vn->peers[j];

            if (vp->probed && vp->verdict.kind == PMTU_PASS) {
                continue;
            }
            len += snprintf(buf + len, size - len, "%snetwork %s: %s %s",
                            len ? "; " : "", vn->pn->name, vp->peer,
                            vp->probed
                            ? pmtu_verdict_to_string(vp->verdict.kind)
                            : "not probed");
        }
    }
}

void
verify_write_text(const struct verify_run *run, FILE *stream)
{
    if (!run->n_networks) {
        fprintf(stream, "verify: no network of the policy has "
                "\"verify\": nothing to check\n");
        return;
    }
    for (size_t i = 0; i < run->n_networks; i++) {
        const struct verify_network *vn = &run->networks[i];

        fprintf(stream, "verify: network ");
        escape_put_text(vn->pn->name, true, stream);
        fprintf(stream, " (%s, mtu %u): %s\n", vn->ifname, vn->pn->mtu,
                network_failed(vn) ? "FAIL" : "pass");
        if (vn->note[0]) {
            fprintf(stream, "  %s\n", vn->note);
        }
        for (size_t j = 0; j < vn->n_peers; j++) {
            const struct verify_peer *vp = &vn->peers[j];

            fprintf(stream, "  %s%s%s: %s\n", vp->peer,
                    vp->source[0] ? " from " : "", vp->source,
                    vp->probed ? vp->message : "not probed");
        }
    }
    fprintf(stream, "verify: %zu of %zu network%s failed\n",
            verify_n_failed(run), run->n_networks,
            run->n_networks == 1 ? "" : "s");
}

/* Returns 's' as a JSON string in the "\xNN" escape (escape.h). */
static struct json_object *
json_text(const char *s)
{
    char *escaped = escape_json_encode(s);
    struct json_object *obj = json_object_new_string(escaped);

    free(escaped);
    return obj;
}

void
verify_write_json(const struct verify_run *run, const char *action,
                  FILE *stream)
{
    struct json_object *root = json_object_new_object();
    struct json_object *networks = json_object_new_array();

    for (size_t i = 0; i < run->n_networks; i++) {
        const struct verify_network *vn = &run->networks[i];
        struct json_object *n = json_object_new_object();
        struct json_object *peers = json_object_new_array();

        json_object_object_add(n, "network", json_text(vn->pn->name));
        json_object_object_add(n, "interface", json_text(vn->ifname));
        json_object_object_add(n, "mtu", json_object_new_int(vn->pn->mtu));
        json_object_object_add(n, "overlay", vn->note[0]
                               ? json_text(vn->note) : NULL);
        json_object_object_add(n, "status", json_object_new_string(
                                   network_failed(vn) ? "fail" : "pass"));
        for (size_t j = 0; j < vn->n_peers; j++) {
            const struct verify_peer *vp = &vn->peers[j];
            const struct pmtu_verdict *v = &vp->verdict;
            struct json_object *p = json_object_new_object();

            json_object_object_add(p, "peer", json_text(vp->peer));
            json_object_object_add(p, "source", vp->source[0]
                                   ? json_text(vp->source) : NULL);
            json_object_object_add(p, "verdict", json_object_new_string(
                                       vp->probed
                                       ? pmtu_verdict_to_string(v->kind)
                                       : "not-probed"));
            json_object_object_add(p, "hop", v->hop[0]
                                   ? json_text(v->hop) : NULL);
            json_object_object_add(p, "hop_mtu", v->hop_mtu
                                   ? json_object_new_int(v->hop_mtu) : NULL);
            json_object_object_add(p, "largest_passing", v->largest
                                   ? json_object_new_int(v->largest) : NULL);
            json_object_object_add(p, "probes",
                                   json_object_new_int(v->n_probes));
            json_object_object_add(p, "message", json_text(vp->message));
            json_object_array_add(peers, p);
        }
        json_object_object_add(n, "peers", peers);
        json_object_array_add(networks, n);
    }
    json_object_object_add(root, "verify", networks);
    json_object_object_add(root, "failed_networks",
                           json_object_new_int(verify_n_failed(run)));
    json_object_object_add(root, "action", json_object_new_string(action));
    fprintf(stream, "%s\n", json_object_to_json_string_ext(
                root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                      | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

int
verify_gate(void *aux, struct error *err)
{
    struct verify_run *run = aux;
    char summary[768];
    int error = verify_probe(run, err);

    if (error) {
        return error;
    }
    if (verify_n_failed(run)) {
        verify_summary(run, summary, sizeof summary);
        return error_set(err, -EPROTO, "path verification failed: %s",
                         summary);
    }
    return 0;
}

void
verify_destroy(struct verify_run *run)
{
    if (run) {
        for (size_t i = 0; i < run->n_networks; i++) {
            struct verify_network *vn = &run->networks[i];

            for (size_t j = 0; j < vn->n_peers; j++) {
                icmp_prober_destroy(vn->peers[j].prober);
            }
            free(vn->peers);
        }
        free(run->networks);
        free(run);
    }
}
