/* ICMP and ICMPv6 messages as raw bytes: the echo request that a path probe
 * sends, and what comes back (an echo reply, "fragmentation needed", a
 * Packet Too Big, a destination unreachable).
 *
 * Pure: no sockets, no I/O; icmp-probe.c is the adapter that sends and
 * receives, tests/unit/test-icmp-parse.c and tests/fuzz/fuzz-icmp.c drive
 * these functions with bytes of their own. */
#ifndef JUMBOAGENT_ICMP_PARSE_H
#define JUMBOAGENT_ICMP_PARSE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes of the headers a probe of a given packet size carries. */
#define ICMP_IPV4_OVERHEAD 28   /* IPv4 header (20) + ICMP echo header (8). */
#define ICMP_IPV6_OVERHEAD 48   /* IPv6 header (40) + ICMPv6 echo (8). */
#define ICMP_ECHO_HEADER 8

/* What one received message says about our probes. */
enum icmp_answer_kind {
    ICMP_ANSWER_IGNORE,         /* Not about an echo request (someone
                                 * else's traffic, an echo request, ...). */
    ICMP_ANSWER_ECHO_REPLY,     /* The peer answered. */
    ICMP_ANSWER_TOO_BIG,        /* IPv4 type 3 code 4 ("fragmentation
                                 * needed and DF set") or ICMPv6 type 2
                                 * (Packet Too Big), quoting our request. */
    ICMP_ANSWER_UNREACHABLE,    /* Another destination unreachable, quoting
                                 * our request. */
};

struct icmp_answer {
    enum icmp_answer_kind kind;
    uint16_t id;                /* Identifier of the echo request answered
                                 * or quoted. */
    uint16_t seq;               /* Its sequence number. */
    unsigned int mtu;           /* TOO_BIG: the MTU the sender announced
                                 * (0 if it gave none: an old router). */
    unsigned int code;          /* UNREACHABLE: the ICMP code. */
    size_t payload_size;        /* ECHO_REPLY: bytes after the echo
                                 * header. */
    uint8_t source[16];         /* IPv4 only: the sender (first 4 bytes);
                                 * an ICMPv6 raw socket gives no IPv6
                                 * header, the caller has the sender. */
    uint8_t quoted_dst[16];     /* TOO_BIG, UNREACHABLE: the destination of
                                 * the quoted request (4 bytes for IPv4). */
};

/* Parses the 'size' bytes at 'packet', as an IPv4 raw ICMP socket receives
 * them (the IPv4 header first), into '*answer'.  Returns 0, also for a
 * message that is of no interest (kind ICMP_ANSWER_IGNORE), or -EINVAL if
 * the bytes are not a well-formed IPv4 ICMP message (truncated, a bad
 * header length, a bad ICMP checksum, a quoted request cut short);
 * '*answer' is then ICMP_ANSWER_IGNORE. */
int icmp_parse_v4(const void *packet, size_t size, struct icmp_answer *answer);

/* Like icmp_parse_v4() for the 'size' bytes at 'packet' as an ICMPv6 raw
 * socket receives them (the ICMPv6 header first; the kernel has checked
 * the checksum).  A quoted request behind IPv6 extension headers is
 * ignored. */
int icmp_parse_v6(const void *packet, size_t size, struct icmp_answer *answer);

/* Writes into 'buf' an echo request with identifier 'id', sequence 'seq'
 * and 'payload_size' bytes of pattern, for IPv6 if 'ipv6' (the kernel fills
 * in the ICMPv6 checksum) or IPv4 (checksum filled in here).  'buf' must
 * hold ICMP_ECHO_HEADER + 'payload_size' bytes.  Returns that size. */
size_t icmp_build_echo(bool ipv6, uint16_t id, uint16_t seq, void *buf,
                       size_t payload_size);

/* Returns the Internet checksum (RFC 1071) of the 'size' bytes at 'data'. */
uint16_t icmp_checksum(const void *data, size_t size);

#endif /* icmp-parse.h */
