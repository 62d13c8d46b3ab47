/* Path-MTU search and verdicts: the pure core of path verification.
 *
 * pmtu_search() asks a probe function (icmp-probe.c on the wire, a fake
 * path in tests/unit/test-pmtu.c) whether a packet of a given size, sent
 * without fragmentation, gets through; it tries the full size first, and
 * when that fails looks for the largest size that passes by binary search,
 * the way tracepath does, and classifies the failure.  No I/O here. */
#ifndef JUMBOAGENT_PMTU_H
#define JUMBOAGENT_PMTU_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The smallest packets the search tries: every IPv4 path carries 552 bytes
 * in practice (576 minus options), every IPv6 path 1280 (RFC 8200). */
#define PMTU_FLOOR_IPV4 552
#define PMTU_FLOOR_IPV6 1280

/* What one probe found out. */
enum pmtu_probe_result {
    PMTU_PROBE_REPLY,           /* The peer answered. */
    PMTU_PROBE_TOO_BIG,         /* "Fragmentation needed" / Packet Too Big
                                 * from 'hop', announcing 'mtu'; or the
                                 * local interface is too small ('hop'
                                 * empty, 'mtu' its MTU). */
    PMTU_PROBE_UNREACHABLE,     /* Destination unreachable from 'hop'. */
    PMTU_PROBE_TIMEOUT,         /* No answer within the deadline, at every
                                 * try. */
};

struct pmtu_probe_answer {
    enum pmtu_probe_result result;
    unsigned int mtu;           /* TOO_BIG: the MTU announced (0: none). */
    char hop[64];               /* TOO_BIG, UNREACHABLE: who said so, an
                                 * address in text, "" for this host. */
};

/* Sends probes of 'size' bytes (the whole IP packet, DF set) to the peer
 * and says in '*answer' what came back.  'quick' is true for the probes of
 * the binary search (fewer tries).  Returns 0, or a negative errno value
 * with 'err' set when the probe could not be sent at all (the search then
 * stops with that error). */
typedef int pmtu_probe_func(void *aux, unsigned int size, bool quick,
                            struct pmtu_probe_answer *answer,
                            struct error *err);

enum pmtu_verdict_kind {
    PMTU_PASS,                  /* Packets of the full MTU get through. */
    PMTU_FRAG_NEEDED,           /* A hop announced a smaller MTU. */
    PMTU_BLACK_HOLE,            /* Larger packets vanish without an ICMP
                                 * error; 'largest' passes. */
    PMTU_UNREACHABLE,           /* The peer answers at no size. */
    PMTU_CANNOT_VERIFY,         /* Nothing to probe from (set by the
                                 * caller, never by pmtu_search()). */
    PMTU_VERDICT_MAX
};

/* Returns "pass", "frag-needed", "black-hole", "unreachable",
 * "cannot-verify". */
const char *pmtu_verdict_to_string(enum pmtu_verdict_kind);

struct pmtu_verdict {
    enum pmtu_verdict_kind kind;
    unsigned int mtu;           /* The packet size tested (the MTU). */
    unsigned int hop_mtu;       /* FRAG_NEEDED: the MTU announced (0 if the
                                 * hop gave none). */
    char hop[64];               /* FRAG_NEEDED, UNREACHABLE: the hop's
                                 * address, "" for this host or none. */
    unsigned int largest;       /* FRAG_NEEDED, BLACK_HOLE: the largest
                                 * size that passed, 0 if not known. */
    unsigned int floor;         /* The smallest size the search tries. */
    unsigned int n_probes;      /* Probe sizes tried. */
    bool ipv6;                  /* An IPv6 path: no DF bit (IPv6 routers
                                 * never fragment), and "Packet Too Big"
                                 * for "fragmentation needed". */
};

/* Finds out whether packets of 'mtu' bytes with DF set reach the peer
 * behind 'probe' (called with 'aux'), 'ipv6' choosing the floor of the
 * search.  Fills '*verdict': PASS if the full size passes; FRAG_NEEDED
 * (the hop, its MTU) as soon as a hop announces a smaller MTU; BLACK_HOLE
 * with the largest size that passed (binary search, to the byte, between
 * the floor and 'mtu') when larger probes go unanswered; UNREACHABLE when
 * not even the floor passes.  Returns 0, or the probe's error. */
int pmtu_search(unsigned int mtu, bool ipv6, pmtu_probe_func *probe,
                void *aux, struct pmtu_verdict *verdict, struct error *err);

/* Writes a one-line description of 'verdict' for the peer 'peer' into
 * 'buf' ('size' bytes): what passed or failed, where, and what to check.
 * Returns 'buf'. */
char *pmtu_describe(const struct pmtu_verdict *verdict, const char *peer,
                    char *buf, size_t size);

#endif /* pmtu.h */
