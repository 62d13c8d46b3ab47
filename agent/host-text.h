/* The host model as a readable tree: the text output of "jumboagent show".
 * OVS bridges -> ports (a bond shows its members) -> interfaces, with the MTU
 * at every layer (OVS mtu_request, OVS mtu, kernel MTU, min/max), then Linux
 * bridges and their ports, then every other link. */
#ifndef JUMBOAGENT_HOST_TEXT_H
#define JUMBOAGENT_HOST_TEXT_H 1

#include <stdio.h>

struct host;

/* Writes 'host' to 'stream' as text. */
void host_text_write(const struct host *host, FILE *stream);

#endif /* host-text.h */
