/* The XML-RPC of a xapi plugin: the one methodCall that xapi passes in
 * argv[1] and the one methodResponse that it reads back from stdout
 * (docs in xapi-plugin/README.md).
 *
 * Pure: parses and writes strings with libxml2, does no other I/O, logs
 * nothing.  It links with agent/util.c and agent/error.c only, so that the
 * fuzz target (tests/fuzz/fuzz-xmlrpc.c) needs neither OVS nor netlink. */
#ifndef JUMBOAGENT_XMLRPC_H
#define JUMBOAGENT_XMLRPC_H 1

#include <stddef.h>

#include "error.h"

/* Bounds on what a request may hold: larger is refused, not truncated. */
#define XMLRPC_MAX_REQUEST (64 * 1024)  /* Bytes of argv[1]. */
#define XMLRPC_MAX_ARGS 32              /* Members of the args struct. */
#define XMLRPC_MAX_NAME 64              /* Bytes of a method or key name. */
#define XMLRPC_MAX_VALUE 4096           /* Bytes of a session or a value. */

/* One argument: a string-to-string member of the args struct. */
struct xmlrpc_arg {
    char *key;                  /* Owned; unique within the call. */
    char *value;                /* Owned; "" for <value/>. */
};

/* A parsed methodCall: (session, {key: value...}) to 'method'. */
struct xmlrpc_call {
    char *method;               /* Owned. */
    char *session;              /* Owned. */
    struct xmlrpc_arg *args;    /* Owned array, in request order. */
    size_t n_args;
};

/* Parses the 'size' bytes at 'text' (need not be NUL-terminated) as a
 * methodCall with exactly two params, a string (the session) and a struct
 * of strings (the arguments), in either form: xapi's untyped
 * <value>text</value> and <value/>, or Python's typed <string>.  Anything
 * else is refused: a DTD or entity declaration, a value of another type
 * (xapi sends strings only), a duplicate key, more than the bounds above,
 * comments, processing instructions.  No entity is expanded and nothing is
 * fetched from the network.
 *
 * On success stores a new call in '*callp' (free with xmlrpc_call_destroy())
 * and returns 0.  Otherwise returns -EINVAL (-EFBIG when too large), says
 * what is wrong in 'err', and copies into 'bad_key' (XMLRPC_MAX_NAME + 1
 * bytes) the argument key at fault, or "request" when the fault is not in
 * one argument. */
int xmlrpc_parse_call(const char *text, size_t size,
                      struct xmlrpc_call **callp, char *bad_key,
                      struct error *err);

/* Returns the value of the argument 'key' of 'call', or NULL. */
const char *xmlrpc_call_get(const struct xmlrpc_call *call, const char *key);

/* Frees 'call'.  Accepts NULL. */
void xmlrpc_call_destroy(struct xmlrpc_call *call);

/* Returns a new NUL-terminated methodResponse (free it) carrying
 * {Status: "Success", Value: 'value'}, in the form of Python's
 * xmlrpc.client.dumps(..., methodresponse=True): "<?xml version='1.0'?>"
 * and typed <string> values.  Bytes that XML cannot carry (control
 * characters, invalid UTF-8) are written as '?'. */
char *xmlrpc_success(const char *value);

/* Like xmlrpc_success() for {Status: "Failure", ErrorDescription: [the
 * 'n' strings of 'desc']}; 'n' must be at least 1 (the code). */
char *xmlrpc_failure(const char *const *desc, size_t n);

#endif /* xmlrpc.h */
