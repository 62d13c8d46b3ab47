/* ICMP probe adapter: sends echo requests with DF set from one interface
 * and source address to one peer, on a raw ICMP or ICMPv6 socket, and says
 * what came back (pmtu.h's probe answers).  The only file that opens raw
 * sockets; the bytes are built and parsed by icmp-parse.c.
 *
 * Needs CAP_NET_RAW.  Works in the network namespace the process runs
 * in. */
#ifndef JUMBOAGENT_ICMP_PROBE_H
#define JUMBOAGENT_ICMP_PROBE_H 1

#include <stdbool.h>

#include "error.h"
#include "pmtu.h"

struct icmp_prober;

/* Opens a prober for the peer whose address is the text 'peer' (IPv4 or
 * IPv6), sending from interface 'ifname' (SO_BINDTODEVICE) and the source
 * address 'source' (text, the peer's family), with path-MTU discovery set
 * to "probe": every probe goes out at its size with DF set, whatever the
 * kernel has learned about the path.  On success stores a new prober in
 * '*proberp' (free with icmp_prober_destroy()) and returns 0.  Returns
 * -EPERM without CAP_NET_RAW, -ENODEV if 'ifname' does not exist, -EINVAL
 * for an address that is not one, or another negative errno value; 'err'
 * says which, and what to do. */
int icmp_prober_create(const char *ifname, const char *source,
                       const char *peer, struct icmp_prober **proberp,
                       struct error *err);

/* Sends echo requests that make IP packets of 'size' bytes (the MTU under
 * test: 28 bytes of headers for IPv4, 48 for IPv6), up to 'tries' times,
 * waiting up to 'deadline_ms' after each for an answer about it, and says
 * in '*answer' what came back first: the peer's echo reply, a hop's
 * "fragmentation needed" / Packet Too Big (its address and the MTU it
 * announced), a destination unreachable, or nothing.  Returns 0, or a
 * negative errno value when the probe could not be sent. */
int icmp_prober_probe(struct icmp_prober *prober, unsigned int size,
                      int tries, int deadline_ms,
                      struct pmtu_probe_answer *answer, struct error *err);

/* True if 'prober' sends IPv6. */
bool icmp_prober_is_ipv6(const struct icmp_prober *prober);

/* Closes and frees 'prober'.  Accepts NULL. */
void icmp_prober_destroy(struct icmp_prober *prober);

#endif /* icmp-probe.h */
