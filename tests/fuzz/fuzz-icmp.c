/* libFuzzer target: the ICMP parsers.  The first byte picks the family
 * (even: an IPv4 packet as a raw ICMP socket receives it, odd: an ICMPv6
 * message); the rest is the packet.  A parse that succeeds must describe
 * a message that is consistent with its size. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "icmp-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct icmp_answer answer;
    int error;

    if (!size) {
        return 0;
    }
    error = (data[0] & 1 ? icmp_parse_v6(data + 1, size - 1, &answer)
             : icmp_parse_v4(data + 1, size - 1, &answer));
    if (error && answer.kind != ICMP_ANSWER_IGNORE) {
        abort();
    }
    if (!error && answer.kind == ICMP_ANSWER_ECHO_REPLY
        && answer.payload_size + ICMP_ECHO_HEADER > size - 1) {
        abort();
    }
    return 0;
}
