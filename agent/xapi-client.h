/* A client of xapi's JSON-RPC API (v2, POST /jsonrpc) over its local unix
 * socket, for "jumboagent pool-set-mtu" (agent/pool.c).
 *
 * Every call is one HTTP request through libcurl with a bound on its time
 * and on the size of the answer.  An API error (xapi's code and parameters)
 * becomes a negative errno value and a message in 'struct error' that names
 * the call, the code and its parameters. */
#ifndef JUMBOAGENT_XAPI_CLIENT_H
#define JUMBOAGENT_XAPI_CLIENT_H 1

#include "error.h"

struct json_object;
struct xapi_client;

#define XAPI_DEFAULT_SOCKET "/var/lib/xcp/xapi"

/* Connects to xapi on the unix socket 'path' and logs in as root (the
 * local socket is pre-authenticated).  Each call may take 'timeout_ms'.
 * On success stores a client in '*clientp' (free with xapi_client_close())
 * and returns 0; otherwise returns a negative errno value. */
int xapi_client_open(const char *path, int timeout_ms,
                     struct xapi_client **clientp, struct error *err);

/* Logs out and frees 'client' (NULL is fine). */
void xapi_client_close(struct xapi_client *client);

/* Calls 'method' with the session and then the elements of 'params' (a
 * JSON array, or NULL for none; always takes ownership).  A session that
 * xapi no longer knows (SESSION_INVALID) is replaced once.  When the
 * connection drops or is refused, waits (at most the client's timeout)
 * until xapi answers a login again, then sends a get_* or host.call_plugin
 * call, or any call that was refused, once more; any other call whose
 * answer was lost fails with -ECONNRESET: it may or may not have been
 * done, and the caller reads the state back.  On success
 * stores the result in '*resultp' (the caller puts it; NULL to drop it) and
 * returns 0.  On an API error returns -EREMOTEIO and the message names the
 * method, xapi's code and its parameters. */
int xapi_call(struct xapi_client *client, const char *method,
              struct json_object *params, struct json_object **resultp,
              struct error *err);

/* <class>.get_all_records: a map from ref to record, in '*recordsp'. */
int xapi_get_all_records(struct xapi_client *client, const char *class,
                         struct json_object **recordsp, struct error *err);

/* host.call_plugin(host_ref, "jumboagent", 'fn', 'args'): 'args' is a JSON
 * object of strings (ownership taken).  Stores the plugin's result string,
 * malloc()'d, in '*resultp'. */
int xapi_call_plugin(struct xapi_client *client, const char *host_ref,
                     const char *fn, struct json_object *args,
                     char **resultp, struct error *err);

/* Calls 'method' with the session and the string arguments 'a1' and, if
 * nonnull, 'a2' and 'a3' (PIF.plug ref; PIF.add_to_other_config ref key
 * value...), dropping the result. */
int xapi_call_refs(struct xapi_client *client, const char *method,
                   const char *a1, const char *a2, const char *a3,
                   struct error *err);

/* network.set_MTU('network_ref', 'mtu'). */
int xapi_network_set_mtu(struct xapi_client *client, const char *network_ref,
                         unsigned int mtu, struct error *err);

#endif /* xapi-client.h */
