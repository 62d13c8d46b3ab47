/* The host model as JSON: the output of "jumboagent show --format json" and
 * the format of host models in the planner's test fixtures
 * (tests/plan-cases/<case>/host.json).  docs/show-json.md documents the
 * schema; its "version" is HOST_JSON_VERSION.
 *
 * The reader accepts what the writer writes, and also short hand-written
 * models: every field but names may be left out and takes its default
 * (numbers 0, strings "", booleans false, sysctls -1/null, lro "unknown"). */
#ifndef JUMBOAGENT_HOST_JSON_H
#define JUMBOAGENT_HOST_JSON_H 1

#include <stdio.h>

#include "error.h"

struct host;

#define HOST_JSON_VERSION 1

/* Writes 'host' to 'stream' as one pretty-printed JSON document. */
void host_json_write(const struct host *host, FILE *stream);

/* Reads a host model from the file 'path'.  On success returns 0 and stores
 * a new host in '*hostp' (free with host_destroy()).  On failure returns a
 * negative errno value, leaves '*hostp' untouched and says in 'err' which
 * file and JSON path is wrong ("host.json: links[2].mtu: expected an
 * integer"). */
int host_json_read_file(const char *path, struct host **hostp,
                        struct error *err);

/* Like host_json_read_file() for the NUL-terminated 'text', named 'name'. */
int host_json_read_string(const char *name, const char *text,
                          struct host **hostp, struct error *err);

struct host_ovs_port;
struct host_ovs_iface;

/* Returns the role of 'iface', an interface of 'port' on the bridge named
 * 'bridge', as host_ovs_iface_role() decides it without a policy, in the
 * words of the JSON's derived "role" field and of the text tree:
 * "internal" (any internal port), "tunnel", "patch", "vif", "member" (of a
 * bond) or "uplink".  The string is static. */
const char *host_json_iface_role(const char *bridge,
                                 const struct host_ovs_port *port,
                                 const struct host_ovs_iface *iface);

#endif /* host-json.h */
