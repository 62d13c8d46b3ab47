/* Path-MTU search and verdicts (see pmtu.h). */
#include "pmtu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

const char *
pmtu_verdict_to_string(enum pmtu_verdict_kind kind)
{
    static const char *const names[PMTU_VERDICT_MAX] = {
        [PMTU_PASS] = "pass",
        [PMTU_FRAG_NEEDED] = "frag-needed",
        [PMTU_BLACK_HOLE] = "black-hole",
        [PMTU_UNREACHABLE] = "unreachable",
        [PMTU_CANNOT_VERIFY] = "cannot-verify",
    };
    return (unsigned int) kind < PMTU_VERDICT_MAX ? names[kind] : "?";
}

/* Probes 'size' through 'probe', counting it in 'verdict'. */
static int
probe_size(pmtu_probe_func *probe, void *aux, unsigned int size, bool quick,
           struct pmtu_verdict *verdict, struct pmtu_probe_answer *answer,
           struct error *err)
{
    memset(answer, 0, sizeof *answer);
    verdict->n_probes++;
    return probe(aux, size, quick, answer, err);
}

/* Makes 'verdict' a FRAG_NEEDED from what 'answer' says, with 'largest'
 * the largest size known to pass (0: none). */
static void
frag_needed(struct pmtu_verdict *verdict,
            const struct pmtu_probe_answer *answer, unsigned int largest)
{
    verdict->kind = PMTU_FRAG_NEEDED;
    verdict->hop_mtu = answer->mtu;
    copy_string(verdict->hop, answer->hop, sizeof verdict->hop);
    verdict->largest = largest;
}

/* Makes 'verdict' an UNREACHABLE, from the hop in 'answer' if any. */
static void
unreachable(struct pmtu_verdict *verdict,
            const struct pmtu_probe_answer *answer)
{
    verdict->kind = PMTU_UNREACHABLE;
    copy_string(verdict->hop, (answer->result == PMTU_PROBE_UNREACHABLE
                               ? answer->hop : ""), sizeof verdict->hop);
}

int
pmtu_search(unsigned int mtu, bool ipv6, pmtu_probe_func *probe, void *aux,
            struct pmtu_verdict *verdict, struct error *err)
{
    unsigned int floor = ipv6 ? PMTU_FLOOR_IPV6 : PMTU_FLOOR_IPV4;
    struct pmtu_probe_answer answer;
    unsigned int lo, hi;
    int error;

    memset(verdict, 0, sizeof *verdict);
    verdict->mtu = mtu;
    verdict->floor = floor;
    verdict->ipv6 = ipv6;
    error = probe_size(probe, aux, mtu, false, verdict, &answer, err);
    if (error) {
        return error;
    }
    switch (answer.result) {
    case PMTU_PROBE_REPLY:
        verdict->kind = PMTU_PASS;
        return 0;
    case PMTU_PROBE_TOO_BIG:
        frag_needed(verdict, &answer, 0);
        return 0;
    case PMTU_PROBE_UNREACHABLE:
        unreachable(verdict, &answer);
        return 0;
    case PMTU_PROBE_TIMEOUT:
    default:
        break;
    }

    /* The full size vanished: does anything get through? */
    if (mtu <= floor) {
        unreachable(verdict, &answer);
        return 0;
    }
    error = probe_size(probe, aux, floor, false, verdict, &answer, err);
    if (error) {
        return error;
    }
    if (answer.result == PMTU_PROBE_TOO_BIG) {
        frag_needed(verdict, &answer, 0);
        return 0;
    } else if (answer.result != PMTU_PROBE_REPLY) {
        unreachable(verdict, &answer);
        return 0;
    }

    /* 'lo' passes, 'hi' vanishes: narrow down to the byte. */
    lo = floor;
    hi = mtu;
    while (hi - lo > 1) {
        unsigned int mid = lo + (hi - lo) / 2;

        error = probe_size(probe, aux, mid, true, verdict, &answer, err);
        if (error) {
            return error;
        }
        if (answer.result == PMTU_PROBE_REPLY) {
            lo = mid;
        } else if (answer.result == PMTU_PROBE_TOO_BIG) {
            frag_needed(verdict, &answer, lo);
            return 0;
        } else {
            hi = mid;
        }
    }
    verdict->kind = PMTU_BLACK_HOLE;
    verdict->largest = lo;
    return 0;
}

char *
pmtu_describe(const struct pmtu_verdict *v, const char *peer, char *buf,
              size_t size)
{
    char largest[64] = "";

    if (v->largest) {
        snprintf(largest, sizeof largest, "; largest passing size %u",
                 v->largest);
    }
    switch (v->kind) {
    case PMTU_PASS:
        snprintf(buf, size, "pass: packets of %u bytes %s reach %s",
                 v->mtu, v->ipv6 ? "unfragmented" : "with DF set", peer);
        break;
    case PMTU_FRAG_NEEDED:
        if (v->hop[0]) {
            snprintf(buf, size, "fail: packets of %u bytes to %s: hop %s "
                     "announced mtu %u (%s)%s; raise the "
                     "MTU of that hop's next link, or lower this network's",
                     v->mtu, peer, v->hop, v->hop_mtu,
                     v->ipv6 ? "packet too big" : "fragmentation needed",
                     largest);
        } else {
            snprintf(buf, size, "fail: packets of %u bytes to %s: this "
                     "host's route or interface allows only mtu %u%s",
                     v->mtu, peer, v->hop_mtu, largest);
        }
        break;
    case PMTU_BLACK_HOLE:
        snprintf(buf, size, "fail: black hole: packets of %u bytes to %s "
                 "vanish without an ICMP error; largest passing size %u; a "
                 "link or switch port on the path is at a smaller MTU, or "
                 "ICMP errors are filtered", v->mtu, peer, v->largest);
        break;
    case PMTU_UNREACHABLE:
        if (v->hop[0]) {
            snprintf(buf, size, "fail: peer %s unreachable (hop %s said "
                     "so); not an MTU verdict: check the address and the "
                     "route", peer, v->hop);
        } else {
            snprintf(buf, size, "fail: peer %s does not answer at any size "
                     "(not even %u bytes); not an MTU verdict: check the "
                     "address, the route and that it answers ping", peer,
                     v->mtu > v->floor ? v->floor : v->mtu);
        }
        break;
    case PMTU_CANNOT_VERIFY:
    case PMTU_VERDICT_MAX:
    default:
        snprintf(buf, size, "cannot verify the path to %s", peer);
        break;
    }
    return buf;
}
