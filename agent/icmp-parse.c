/* ICMP and ICMPv6 messages as raw bytes (see icmp-parse.h).  Every offset
 * is checked against the size before it is read: the bytes come from the
 * network. */
#include "icmp-parse.h"

#include <errno.h>
#include <string.h>

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) types and codes used here. */
#define ICMP4_ECHO_REPLY 0
#define ICMP4_UNREACH 3
#define ICMP4_FRAG_NEEDED 4     /* Code of ICMP4_UNREACH. */
#define ICMP4_ECHO_REQUEST 8
#define ICMP6_UNREACH 1
#define ICMP6_TOO_BIG 2
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define IPPROTO_ICMP4 1
#define IPPROTO_ICMP6 58
#define IPV6_HEADER 40

static unsigned int
get16(const uint8_t *p)
{
    return (unsigned int) p[0] << 8 | p[1];
}

static unsigned int
get32(const uint8_t *p)
{
    return ((unsigned int) p[0] << 24 | (unsigned int) p[1] << 16
            | (unsigned int) p[2] << 8 | p[3]);
}

uint16_t
icmp_checksum(const void *data, size_t size)
{
    const uint8_t *p = data;
    uint32_t sum = 0;

    for (; size > 1; p += 2, size -= 2) {
        sum += get16(p);
    }
    if (size) {
        sum += (uint32_t) p[0] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

/* Fills 'answer' from the quoted echo request at 'quoted' ('size' bytes,
 * its IPv4 header first) of an IPv4 error.  Leaves it ICMP_ANSWER_IGNORE
 * if the quote is not of an echo request.  Returns 0 or -EINVAL. */
static int
parse_quote_v4(const uint8_t *quoted, size_t size, enum icmp_answer_kind kind,
               struct icmp_answer *answer)
{
    size_t ihl;

    if (size < 20 || quoted[0] >> 4 != 4) {
        return -EINVAL;
    }
    ihl = (quoted[0] & 0x0f) * 4;
    if (ihl < 20 || size < ihl + ICMP_ECHO_HEADER) {
        return -EINVAL;
    }
    if (quoted[9] != IPPROTO_ICMP4 || quoted[ihl] != ICMP4_ECHO_REQUEST) {
        return 0;
    }
    answer->kind = kind;
    answer->id = get16(quoted + ihl + 4);
    answer->seq = get16(quoted + ihl + 6);
    memcpy(answer->quoted_dst, quoted + 16, 4);
    return 0;
}

int
icmp_parse_v4(const void *packet, size_t size, struct icmp_answer *answer)
{
    const uint8_t *p = packet;
    const uint8_t *icmp;
    size_t ihl, icmp_size;
    int error;

    memset(answer, 0, sizeof *answer);
    answer->kind = ICMP_ANSWER_IGNORE;
    if (size < 20 || p[0] >> 4 != 4) {
        return -EINVAL;
    }
    ihl = (p[0] & 0x0f) * 4;
    if (ihl < 20 || size < ihl) {
        return -EINVAL;
    }
    if (p[9] != IPPROTO_ICMP4) {
        return 0;
    }
    icmp = p + ihl;
    icmp_size = size - ihl;
    if (icmp_size < ICMP_ECHO_HEADER || icmp_checksum(icmp, icmp_size)) {
        return -EINVAL;
    }
    memcpy(answer->source, p + 12, 4);
    switch (icmp[0]) {
    case ICMP4_ECHO_REPLY:
        if (icmp[1]) {
            return 0;
        }
        answer->kind = ICMP_ANSWER_ECHO_REPLY;
        answer->id = get16(icmp + 4);
        answer->seq = get16(icmp + 6);
        answer->payload_size = icmp_size - ICMP_ECHO_HEADER;
        return 0;
    case ICMP4_UNREACH:
        error = parse_quote_v4(icmp + ICMP_ECHO_HEADER,
                               icmp_size - ICMP_ECHO_HEADER,
                               (icmp[1] == ICMP4_FRAG_NEEDED
                                ? ICMP_ANSWER_TOO_BIG
                                : ICMP_ANSWER_UNREACHABLE), answer);
        if (error) {
            answer->kind = ICMP_ANSWER_IGNORE;
            return error;
        }
        if (answer->kind == ICMP_ANSWER_TOO_BIG) {
            answer->mtu = get16(icmp + 6);
        } else if (answer->kind == ICMP_ANSWER_UNREACHABLE) {
            answer->code = icmp[1];
        }
        return 0;
    default:
        return 0;
    }
}

int
icmp_parse_v6(const void *packet, size_t size, struct icmp_answer *answer)
{
    const uint8_t *p = packet;
    const uint8_t *quoted;

    memset(answer, 0, sizeof *answer);
    answer->kind = ICMP_ANSWER_IGNORE;
    if (size < ICMP_ECHO_HEADER) {
        return -EINVAL;
    }
    switch (p[0]) {
    case ICMP6_ECHO_REPLY:
        if (p[1]) {
            return 0;
        }
        answer->kind = ICMP_ANSWER_ECHO_REPLY;
        answer->id = get16(p + 4);
        answer->seq = get16(p + 6);
        answer->payload_size = size - ICMP_ECHO_HEADER;
        return 0;
    case ICMP6_TOO_BIG:
    case ICMP6_UNREACH:
        if (size < ICMP_ECHO_HEADER + IPV6_HEADER + ICMP_ECHO_HEADER) {
            return -EINVAL;
        }
        quoted = p + ICMP_ECHO_HEADER;
        if (quoted[0] >> 4 != 6) {
            return -EINVAL;
        }
        if (quoted[6] != IPPROTO_ICMP6
            || quoted[IPV6_HEADER] != ICMP6_ECHO_REQUEST) {
            return 0;
        }
        answer->id = get16(quoted + IPV6_HEADER + 4);
        answer->seq = get16(quoted + IPV6_HEADER + 6);
        memcpy(answer->quoted_dst, quoted + 24, 16);
        if (p[0] == ICMP6_TOO_BIG) {
            answer->kind = ICMP_ANSWER_TOO_BIG;
            answer->mtu = get32(p + 4);
        } else {
            answer->kind = ICMP_ANSWER_UNREACHABLE;
            answer->code = p[1];
        }
        return 0;
    default:
        return 0;
    }
}

size_t
icmp_build_echo(bool ipv6, uint16_t id, uint16_t seq, void *buf,
                size_t payload_size)
{
    uint8_t *p = buf;
    size_t size = ICMP_ECHO_HEADER + payload_size;
    uint16_t sum;

    memset(p, 0, ICMP_ECHO_HEADER);
    p[0] = ipv6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST;
    p[4] = id >> 8;
    p[5] = id & 0xff;
    p[6] = seq >> 8;
    p[7] = seq & 0xff;
    for (size_t i = 0; i < payload_size; i++) {
        p[ICMP_ECHO_HEADER + i] = 0x20 + i % 64;
    }
    if (!ipv6) {
        sum = icmp_checksum(p, size);
        p[2] = sum >> 8;
        p[3] = sum & 0xff;
    }
    return size;
}
