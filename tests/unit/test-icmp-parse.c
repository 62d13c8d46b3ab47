/* Unit tests of icmp-parse.c: echo requests built, and replies, IPv4
 * "fragmentation needed", ICMPv6 Packet Too Big and unreachables parsed
 * from bytes put together here, good and malformed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmp-parse.h"
#include "testlib.h"

/* Writes an IPv4 header (20 bytes, protocol ICMP) from 'src' to 'dst' for
 * a packet of 'total' bytes at 'p'. */
static void
put_ipv4(uint8_t *p, const uint8_t src[4], const uint8_t dst[4],
         size_t total)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = total >> 8;
    p[3] = total & 0xff;
    p[8] = 64;
    p[9] = 1;
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
}

/* Recomputes the checksum of the ICMP message of 'size' bytes at 'icmp'. */
static void
fix_checksum(uint8_t *icmp, size_t size)
{
    uint16_t sum;

    icmp[2] = icmp[3] = 0;
    sum = icmp_checksum(icmp, size);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
}

static const uint8_t host_a[4] = { 10, 0, 0, 1 };
static const uint8_t peer_b[4] = { 10, 0, 2, 2 };
static const uint8_t router[4] = { 10, 0, 0, 254 };

/* Builds in 'p' an IPv4 packet from 'router' to 'host_a': ICMP type
 * 'type' code 'code' with 'mtu' in bytes 6-7, quoting an echo request
 * 'id'/'seq' from host_a to peer_b.  Returns its size. */
static size_t
build_v4_error(uint8_t *p, unsigned int type, unsigned int code,
               unsigned int mtu, uint16_t id, uint16_t seq)
{
    uint8_t *icmp = p + 20;
    size_t size = 20 + 8 + 20 + 8;
    uint16_t sum;

    put_ipv4(p, router, host_a, size);
    memset(icmp, 0, 8);
    icmp[0] = type;
    icmp[1] = code;
    icmp[6] = mtu >> 8;
    icmp[7] = mtu & 0xff;
    put_ipv4(icmp + 8, host_a, peer_b, 9000);
    icmp_build_echo(false, id, seq, icmp + 28, 0);
    sum = icmp_checksum(icmp, size - 20);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
    return size;
}

static void
test_echo_v4(void)
{
    uint8_t pkt[20 + 8 + 100];
    struct icmp_answer a;
    size_t n;
    int error;

    put_ipv4(pkt, peer_b, host_a, sizeof pkt);
    n = icmp_build_echo(false, 0x1234, 7, pkt + 20, 100);
    test_report(n == 108 && pkt[20] == 8 && !icmp_checksum(pkt + 20, n),
                NULL, "IPv4 echo request: type 8, size, valid checksum");
    /* Turn the request into the peer's reply. */
    pkt[20] = 0;
    fix_checksum(pkt + 20, n);
    error = icmp_parse_v4(pkt, sizeof pkt, &a);
    test_report(!error && a.kind == ICMP_ANSWER_ECHO_REPLY && a.id == 0x1234
                && a.seq == 7 && a.payload_size == 100
                && !memcmp(a.source, peer_b, 4), NULL,
                "IPv4 echo reply: id, seq, payload size, source");
    pkt[30] ^= 1;
    error = icmp_parse_v4(pkt, sizeof pkt, &a);
    test_report(error == -EINVAL && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "IPv4 echo reply with a bad checksum: -EINVAL");
    pkt[30] ^= 1;
    pkt[20] = 8;
    fix_checksum(pkt + 20, n);
    error = icmp_parse_v4(pkt, sizeof pkt, &a);
    test_report(!error && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "IPv4 echo request: ignored");
}

static void
test_frag_needed_v4(void)
{
    uint8_t pkt[128];
    struct icmp_answer a;
    size_t n = build_v4_error(pkt, 3, 4, 1500, 0xbeef, 42);
    int error = icmp_parse_v4(pkt, n, &a);

    test_report(!error && a.kind == ICMP_ANSWER_TOO_BIG && a.mtu == 1500
                && a.id == 0xbeef && a.seq == 42
                && !memcmp(a.source, router, 4)
                && !memcmp(a.quoted_dst, peer_b, 4), NULL,
                "IPv4 fragmentation needed: mtu 1500 from the router, "
                "quoting our request to the peer");

    n = build_v4_error(pkt, 3, 1, 0, 0xbeef, 43);
    error = icmp_parse_v4(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_UNREACHABLE && a.code == 1
                && a.seq == 43 && a.mtu == 0, NULL,
                "IPv4 host unreachable: unreachable, code 1");

    n = build_v4_error(pkt, 11, 0, 0, 0xbeef, 44);
    error = icmp_parse_v4(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "IPv4 time exceeded: ignored");

    n = build_v4_error(pkt, 3, 4, 1500, 0xbeef, 42);
    for (size_t cut = 20; cut < n; cut++) {
        uint8_t copy[128];
        uint16_t sum;

        memcpy(copy, pkt, cut);
        copy[22] = copy[23] = 0;
        sum = icmp_checksum(copy + 20, cut - 20);
        copy[22] = sum >> 8;
        copy[23] = sum & 0xff;
        error = icmp_parse_v4(copy, cut, &a);
        if (error != -EINVAL || a.kind != ICMP_ANSWER_IGNORE) {
            test_report(false, NULL, "IPv4 fragmentation needed cut to %zu "
                        "bytes: -EINVAL", cut);
            return;
        }
    }
    test_report(true, NULL, "IPv4 fragmentation needed cut short anywhere "
                "(checksum fixed): -EINVAL");

    pkt[0] = 0x44;
    error = icmp_parse_v4(pkt, n, &a);
    test_report(error == -EINVAL, NULL, "IPv4 header length 16: -EINVAL");
    pkt[0] = 0x65;
    error = icmp_parse_v4(pkt, n, &a);
    test_report(error == -EINVAL, NULL, "IP version 6 in an IPv4 socket: "
                "-EINVAL");
    pkt[0] = 0x45;
    pkt[9] = 17;
    error = icmp_parse_v4(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "IPv4 UDP: ignored");
}

/* Builds an ICMPv6 'type' message quoting an echo request 'id'/'seq' with
 * 'mtu' in bytes 4-7.  Returns its size. */
static size_t
build_v6_error(uint8_t *p, unsigned int type, unsigned int mtu, uint16_t id,
               uint16_t seq)
{
    memset(p, 0, 8 + 40 + 8);
    p[0] = type;
    p[4] = mtu >> 24;
    p[5] = mtu >> 16;
    p[6] = mtu >> 8;
    p[7] = mtu;
    p[8] = 0x60;
    p[8 + 6] = 58;
    p[8 + 24] = 0x20;
    p[8 + 25] = 0x01;
    p[8 + 39] = 0x10;
    icmp_build_echo(true, id, seq, p + 48, 0);
    return 56;
}

static void
test_v6(void)
{
    uint8_t pkt[128];
    struct icmp_answer a;
    size_t n;
    int error;

    n = icmp_build_echo(true, 9, 10, pkt, 40);
    test_report(n == 48 && pkt[0] == 128, NULL, "ICMPv6 echo request: "
                "type 128, size");
    pkt[0] = 129;
    error = icmp_parse_v6(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_ECHO_REPLY && a.id == 9
                && a.seq == 10 && a.payload_size == 40, NULL,
                "ICMPv6 echo reply: id, seq, payload size");

    n = build_v6_error(pkt, 2, 1500, 0x4242, 3);
    error = icmp_parse_v6(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_TOO_BIG && a.mtu == 1500
                && a.id == 0x4242 && a.seq == 3 && a.quoted_dst[0] == 0x20
                && a.quoted_dst[15] == 0x10, NULL,
                "ICMPv6 Packet Too Big: mtu 1500, quoted request and "
                "destination");
    n = build_v6_error(pkt, 2, 70000, 0x4242, 3);
    error = icmp_parse_v6(pkt, n, &a);
    test_report(!error && a.mtu == 70000, NULL, "ICMPv6 Packet Too Big: "
                "all 32 bits of the mtu");
    n = build_v6_error(pkt, 1, 0, 0x4242, 4);
    error = icmp_parse_v6(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_UNREACHABLE && a.seq == 4,
                NULL, "ICMPv6 destination unreachable");
    error = icmp_parse_v6(pkt, n - 1, &a);
    test_report(error == -EINVAL && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "ICMPv6 error cut short: -EINVAL");
    n = build_v6_error(pkt, 2, 1500, 0x4242, 3);
    pkt[8 + 6] = 0;     /* Hop-by-hop options before the echo request. */
    error = icmp_parse_v6(pkt, n, &a);
    test_report(!error && a.kind == ICMP_ANSWER_IGNORE, NULL,
                "ICMPv6 quote behind an extension header: ignored");
    error = icmp_parse_v6(pkt, 7, &a);
    test_report(error == -EINVAL, NULL, "ICMPv6 of 7 bytes: -EINVAL");
}

static void
test_checksum(void)
{
    /* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
    static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
                                    0xf6, 0xf7 };
    static const uint8_t odd[] = { 0x01, 0x02, 0x03 };

    test_report(icmp_checksum(data, sizeof data) == (uint16_t) ~0xddf2,
                NULL, "checksum of RFC 1071's example");
    test_report(icmp_checksum(odd, sizeof odd) == (uint16_t) ~0x0402, NULL,
                "checksum of an odd number of bytes");
}

int
main(void)
{
    test_echo_v4();
    test_frag_needed_v4();
    test_v6();
    test_checksum();
    return test_exit_status();
}
