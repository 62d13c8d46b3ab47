/* Unit tests of the xapi plugin's XML-RPC (xapi-plugin/xmlrpc.c): both
 * request forms parse to the same call; every refusal names its key; the
 * responses are byte for byte what Python's xmlrpc.client.dumps(...,
 * methodresponse=True) writes (the strings below were printed by Python
 * 3), and what XML cannot carry is replaced, never passed through. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../xapi-plugin/xmlrpc.h"
#include "error.h"
#include "testlib.h"
#include "util.h"

#define HEAD "<methodCall><methodName>check</methodName><params>" \
             "<param><value>OpaqueRef:x</value></param><param><value>"
#define TAIL "</value></param></params></methodCall>"
#define MEMBER(K, V) "<member><name>" K "</name><value>" V "</value></member>"

/* Parses 'text'; returns the error (0 on success) and leaves the call in
 * '*callp' and the key at fault in 'bad_key'. */
static int
parse(const char *text, struct xmlrpc_call **callp, char *bad_key,
      struct error *err)
{
    *callp = NULL;
    bad_key[0] = '\0';
    error_clear(err);
    return xmlrpc_parse_call(text, strlen(text), callp, bad_key, err);
}

static void
test_forms(void)
{
    static const char *const forms[] = {
        /* xapi's: untyped, <value/>, no declaration, no whitespace. */
        HEAD "<struct>" MEMBER("bridge", "xenbr0") MEMBER("mtu", "9000")
        "<member><name>empty</name><value/></member>"
        MEMBER("amp", "a&amp;b&lt;c&gt;&#x41;") "</struct>" TAIL,
        /* Python's: declaration, typed <string>, newlines. */
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>check</methodName>"
        "\n<params>\n<param>\n<value><string>OpaqueRef:x</string></value>\n"
        "</param>\n<param>\n<value><struct>\n<member>\n<name>bridge</name>\n"
        "<value><string>xenbr0</string></value>\n</member>\n<member>\n"
        "<name>mtu</name>\n<value><string>9000</string></value>\n</member>\n"
        "<member>\n<name>empty</name>\n<value><string></string></value>\n"
        "</member>\n<member>\n<name>amp</name>\n<value><string>a&amp;b&lt;"
        "c&gt;A</string></value>\n</member>\n</struct></value>\n</param>\n"
        "</params>\n</methodCall>\n",
    };
    char bad_key[XMLRPC_MAX_NAME + 1];
    struct xmlrpc_call *call;
    struct error err;

    for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
        if (!test_report(!parse(forms[i], &call, bad_key, &err), err.msg,
                         "form %zu parses", i)) {
            continue;
        }
        test_streq("check", call->method, "form %zu: method", i);
        test_streq("OpaqueRef:x", call->session, "form %zu: session", i);
        test_report(call->n_args == 4, NULL, "form %zu: 4 args", i);
        test_streq("9000", xmlrpc_call_get(call, "mtu"), "form %zu: mtu", i);
        test_streq("", xmlrpc_call_get(call, "empty"),
                   "form %zu: an empty value is \"\"", i);
        test_streq("a&b<c>A", xmlrpc_call_get(call, "amp"),
                   "form %zu: entities decoded", i);
        test_report(!xmlrpc_call_get(call, "nope"), NULL,
                    "form %zu: no such key", i);
        xmlrpc_call_destroy(call);
    }
}

static void
test_refusals(void)
{
    static const struct {
        const char *text;
        const char *key;        /* The key the refusal must name. */
        const char *says;       /* A part of its message. */
    } cases[] = {
        { HEAD "<struct>" MEMBER("mtu", "<int>9000</int>") "</struct>" TAIL,
          "mtu", "<int>" },
        { HEAD "<struct>" MEMBER("mtu", "1") MEMBER("mtu", "2") "</struct>"
          TAIL, "mtu", "twice" },
        { HEAD "<struct>" MEMBER("m", "<string>a</string><string>b</string>")
          "</struct>" TAIL, "m", "more than one" },
        { HEAD "<struct>" MEMBER("bad key", "1") "</struct>" TAIL, "request",
          "argument name" },
        { HEAD "<array/>" TAIL, "request", "<struct>" },
        { HEAD "<struct><!-- c -->" MEMBER("a", "1") "</struct>" TAIL,
          "request", "members" },
        { "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY a 'x'>]>"
          HEAD "<struct/>" TAIL, "request", "document type" },
        { "<methodCall><methodName>x</methodName><params><param><value>s"
          "</value></param></params></methodCall>", "request", "exactly two" },
        { "<methodResponse/>", "request", "<methodCall>" },
        { "<methodCall>", "request", "well-formed" },
        { "", "request", "well-formed" },
        { "<methodCall><methodName>x</methodName><params><param><value>"
          "<i4>1</i4></value></param><param><value><struct/></value></param>"
          "</params></methodCall>", "session", "<i4>" },
    };
    char bad_key[XMLRPC_MAX_NAME + 1];
    struct xmlrpc_call *call;
    struct error err;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int error = parse(cases[i].text, &call, bad_key, &err);

        test_report(error == -EINVAL && !call, err.msg, "case %zu refused",
                    i);
        test_streq(cases[i].key, bad_key, "case %zu names its key", i);
        test_report(strstr(err.msg, cases[i].says) != NULL, err.msg,
                    "case %zu says '%s'", i, cases[i].says);
    }
}

static void
test_bounds(void)
{
    char bad_key[XMLRPC_MAX_NAME + 1];
    struct xmlrpc_call *call;
    struct error err;
    size_t size = XMLRPC_MAX_REQUEST + 2, len;
    char *text = xmalloc(size);

    /* 33 arguments. */
    len = snprintf(text, size, "%s<struct>", HEAD);
    for (int i = 0; i <= XMLRPC_MAX_ARGS; i++) {
        len += snprintf(text + len, size - len, MEMBER("k%d", "v"), i);
    }
    snprintf(text + len, size - len, "</struct>%s", TAIL);
    test_report(parse(text, &call, bad_key, &err) == -EINVAL
                && strstr(err.msg, "more than 32"), err.msg,
                "33 arguments are refused");
    /* 32 are fine. */
    len = snprintf(text, size, "%s<struct>", HEAD);
    for (int i = 0; i < XMLRPC_MAX_ARGS; i++) {
        len += snprintf(text + len, size - len, MEMBER("k%d", "v"), i);
    }
    snprintf(text + len, size - len, "</struct>%s", TAIL);
    test_report(!parse(text, &call, bad_key, &err)
                && call->n_args == XMLRPC_MAX_ARGS, err.msg,
                "32 arguments are accepted");
    xmlrpc_call_destroy(call);

    /* A value of 4097 bytes, and one of 4096. */
    for (int extra = 1; extra >= 0; extra--) {
        len = snprintf(text, size, "%s<struct><member><name>v</name><value>",
                       HEAD);
        memset(text + len, 'x', XMLRPC_MAX_VALUE + extra);
        len += XMLRPC_MAX_VALUE + extra;
        snprintf(text + len, size - len, "</value></member></struct>%s", TAIL);
        test_report(!parse(text, &call, bad_key, &err) == !extra, err.msg,
                    "a value of %d bytes is %s", XMLRPC_MAX_VALUE + extra,
                    extra ? "refused" : "accepted");
        xmlrpc_call_destroy(call);
    }

    /* One byte over the request cap, even of blanks. */
    memset(text, ' ', XMLRPC_MAX_REQUEST + 1);
    text[XMLRPC_MAX_REQUEST + 1] = '\0';
    test_report(parse(text, &call, bad_key, &err) == -EFBIG, err.msg,
                "a request of %d bytes is refused as too large",
                XMLRPC_MAX_REQUEST + 1);
    free(text);
}

static void
test_responses(void)
{
    const char *desc[] = { "E", "k" };
    char *r;

    r = xmlrpc_success("a&b<c>\"\xc3\xa9");
    test_streq("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
               "<value><struct>\n<member>\n<name>Status</name>\n"
               "<value><string>Success</string></value>\n</member>\n"
               "<member>\n<name>Value</name>\n<value><string>a&amp;b&lt;"
               "c&gt;\"\xc3\xa9</string></value>\n</member>\n</struct>"
               "</value>\n</param>\n</params>\n</methodResponse>\n", r,
               "a success is what Python writes");
    free(r);
    r = xmlrpc_failure(desc, 2);
    test_streq("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
               "<value><struct>\n<member>\n<name>Status</name>\n"
               "<value><string>Failure</string></value>\n</member>\n"
               "<member>\n<name>ErrorDescription</name>\n<value><array>"
               "<data>\n<value><string>E</string></value>\n<value><string>k"
               "</string></value>\n</data></array></value>\n</member>\n"
               "</struct></value>\n</param>\n</params>\n</methodResponse>\n",
               r, "a failure is what Python writes");
    free(r);
    /* A control byte, a stray byte, U+FFFE (3 bytes), an overlong '/' (2)
     * and a surrogate (3): one '?' per byte ("Q" here, as "??" is a
     * trigraph). */
    r = xmlrpc_success("a\x01" "b\xff" "c\xef\xbf\xbe" "d\t" "\xc0\xaf"
                       "\xed\xa0\x80");
    for (char *q = r; *q; q++) {
        *q = *q == '?' ? 'Q' : *q;
    }
    test_report(strstr(r, "<string>aQbQcQQQd\tQQQQQ</string>") != NULL, r,
                "what XML cannot carry becomes '?', byte by byte");
    free(r);
}

int
main(void)
{
    test_forms();
    test_refusals();
    test_bounds();
    test_responses();
    return test_exit_status();
}
