/* libFuzzer target: the xapi plugin's XML-RPC (xapi-plugin/xmlrpc.c).  The
 * input is a request as argv[1] would carry it (up to its first NUL, as
 * argv can hold no NUL).  A parse that succeeds must hold what the header
 * promises (a method, a session, at most XMLRPC_MAX_ARGS arguments with
 * unique keys, values within bounds).  Whatever the input, the responses
 * written from its bytes -- a success carrying them, a failure carrying
 * the method and every key and value -- must be well-formed XML. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "../../xapi-plugin/xmlrpc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless 'text' is well-formed XML. */
static void
check_well_formed(const char *text)
{
    xmlDoc *doc = xmlReadMemory(text, (int) strlen(text), "response", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR
                                | XML_PARSE_NOWARNING);

    if (!doc) {
        abort();
    }
    xmlFreeDoc(doc);
}

static void
check_call(const struct xmlrpc_call *call)
{
    const char **desc;
    char *response;
    size_t n = 0;

    if (!call->method || !call->session || call->n_args > XMLRPC_MAX_ARGS
        || strlen(call->method) > XMLRPC_MAX_NAME
        || strlen(call->session) > XMLRPC_MAX_VALUE) {
        abort();
    }
    desc = xmalloc((2 * call->n_args + 1) * sizeof *desc);
    desc[n++] = call->method;
    for (size_t i = 0; i < call->n_args; i++) {
        const struct xmlrpc_arg *a = &call->args[i];

        if (!a->key[0] || strlen(a->key) > XMLRPC_MAX_NAME
            || strlen(a->value) > XMLRPC_MAX_VALUE
            || xmlrpc_call_get(call, a->key) != a->value) {
            abort();        /* Empty, too long, or a duplicate key. */
        }
        desc[n++] = a->key;
        desc[n++] = a->value;
    }
    response = xmlrpc_failure(desc, n);
    check_well_formed(response);
    free(response);
    free(desc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xmlrpc_call *call = NULL;
    char bad_key[XMLRPC_MAX_NAME + 1];
    struct error err;
    char *text = xmalloc(size + 1), *response;
    const char *desc[3];

    memcpy(text, data, size);
    text[size] = '\0';
    error_clear(&err);
    if (!xmlrpc_parse_call(text, strlen(text), &call, bad_key, &err)) {
        check_call(call);
        xmlrpc_call_destroy(call);
    } else {
        if (!err.msg[0] || strlen(bad_key) > XMLRPC_MAX_NAME) {
            abort();
        }
        desc[0] = "JUMBOAGENT_BAD_ARG";
        desc[1] = bad_key;
        desc[2] = err.msg;
        response = xmlrpc_failure(desc, 3);
        check_well_formed(response);
        free(response);
    }
    response = xmlrpc_success(text);
    check_well_formed(response);
    free(response);
    free(text);
    return 0;
}
