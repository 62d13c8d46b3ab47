/* XML-RPC request parsing and response writing for the xapi plugin
 * (xmlrpc.h), with libxml2. */
#include "xmlrpc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util.h"

/* Returns the next element sibling of 'node' (itself included), skipping
 * whitespace-only text between elements.  Stores in '*junkp' the first node
 * that is neither (text with content, a comment, a PI, a CDATA section, an
 * entity reference), else NULL. */
static xmlNode *
skip_blanks(xmlNode *node, xmlNode **junkp)
{
    *junkp = NULL;
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            return node;
        }
        if (node->type != XML_TEXT_NODE || !xmlIsBlankNode(node)) {
            *junkp = node;
            return NULL;
        }
    }
    return NULL;
}

/* True if 'node' is an element named 'name'. */
static bool
is_element(const xmlNode *node, const char *name)
{
    return (node && node->type == XML_ELEMENT_NODE
            && !xmlStrcmp(node->name, (const xmlChar *) name)
            && !node->ns);
}

/* The parse state: where to say what is wrong. */
struct parse {
    struct error *err;
    char *bad_key;              /* XMLRPC_MAX_NAME + 1 bytes. */
};

static int __attribute__((format(printf, 3, 4)))
refuse(struct parse *p, const char *key, const char *fmt, ...)
{
    va_list args;

    copy_string(p->bad_key, key ? key : "request", XMLRPC_MAX_NAME + 1);
    va_start(args, fmt);
    error_setv(p->err, -EINVAL, fmt, args);
    va_end(args);
    return -EINVAL;
}

/* Reads the text content of 'node', an element that may hold only text
 * (no child element, no entity reference, no comment), into a new string
 * in '*textp' of at most 'max' bytes.  'what' names it in messages. */
static int
element_text(struct parse *p, const char *key, xmlNode *node, size_t max,
             const char *what, char **textp)
{
    size_t len = 0;
    char *text;

    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_TEXT_NODE) {
            return refuse(p, key, "%s must hold only text", what);
        }
        len += c->content ? strlen((const char *) c->content) : 0;
        if (len > max) {
            return refuse(p, key, "%s is longer than %zu bytes", what, max);
        }
    }
    text = xmalloc(len + 1);
    len = 0;
    for (xmlNode *c = node->children; c; c = c->next) {
        size_t n = c->content ? strlen((const char *) c->content) : 0;

        if (n) {
            memcpy(text + len, c->content, n);
            len += n;
        }
    }
    text[len] = '\0';
    *textp = text;
    return 0;
}

/* Reads the <value> element 'value' as a string into '*textp': untyped
 * (text only, or empty) or <string>; any other type is refused. */
static int
value_string(struct parse *p, const char *key, xmlNode *value,
             const char *what, char **textp)
{
    xmlNode *junk, *typed = skip_blanks(value->children, &junk);

    if (!typed && !junk) {
        /* <value/>, <value></value> or whitespace: an untyped string. */
        return element_text(p, key, value, XMLRPC_MAX_VALUE, what, textp);
    }
    if (!typed) {
        if (junk->type == XML_TEXT_NODE) {
            return element_text(p, key, value, XMLRPC_MAX_VALUE, what, textp);
        }
        return refuse(p, key, "%s holds something other than a string", what);
    }
    if (!is_element(typed, "string")) {
        return refuse(p, key, "%s is of type <%s>; every value must be a "
                      "string (xapi passes strings only)", what,
                      typed->name);
    }
    if (skip_blanks(typed->next, &junk) || junk) {
        return refuse(p, key, "%s holds more than one string", what);
    }
    return element_text(p, key, typed, XMLRPC_MAX_VALUE, what, textp);
}

/* True if 'name' is a plausible argument key: 1 to XMLRPC_MAX_NAME bytes
 * of [A-Za-z0-9_-]. */
static bool
key_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    return (len && len <= XMLRPC_MAX_NAME
            && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == len);
}

/* Parses the <struct> of the args param, 'st', into 'call'. */
static int
parse_args(struct parse *p, xmlNode *st, struct xmlrpc_call *call)
{
    size_t allocated = 0;
    xmlNode *junk;

    for (xmlNode *m = skip_blanks(st->children, &junk); m;
         m = skip_blanks(m->next, &junk)) {
        xmlNode *name, *value, *rest;
        char *key = NULL, *text = NULL;
        int error;

        if (!is_element(m, "member")) {
            return refuse(p, NULL, "the arguments struct holds <%s>; only "
                          "<member> may appear there", m->name);
        }
        if (call->n_args >= XMLRPC_MAX_ARGS) {
            return refuse(p, NULL, "more than %d arguments", XMLRPC_MAX_ARGS);
        }
        name = skip_blanks(m->children, &junk);
        value = name ? skip_blanks(name->next, &junk) : NULL;
        rest = value ? skip_blanks(value->next, &junk) : NULL;
        if (!is_element(name, "name") || !is_element(value, "value")
            || rest || junk) {
            return refuse(p, NULL, "a member of the arguments struct must "
                          "be <name> then <value>");
        }
        error = element_text(p, NULL, name, XMLRPC_MAX_NAME + 1,
                             "an argument name", &key);
        if (error) {
            return error;
        }
        if (!key_ok(key)) {
            refuse(p, NULL, "argument name '%.64s' is not 1 to %d "
                   "characters of letters, digits, '_' and '-'", key,
                   XMLRPC_MAX_NAME);
            free(key);
            return -EINVAL;
        }
        if (xmlrpc_call_get(call, key)) {
            refuse(p, key, "given twice");
            free(key);
            return -EINVAL;
        }
        error = value_string(p, key, value, "the value", &text);
        if (error) {
            free(key);
            return error;
        }
        grow_array((void **) &call->args, &allocated, call->n_args + 1,
                   sizeof *call->args);
        call->args[call->n_args].key = key;
        call->args[call->n_args].value = text;
        call->n_args++;
    }
    if (junk) {
        return refuse(p, NULL, "the arguments struct holds text or markup "
                      "other than members");
    }
    return 0;
}

/* Parses the document 'doc' into 'call'. */
static int
parse_doc(struct parse *p, xmlDoc *doc, struct xmlrpc_call *call)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *junk, *name, *params, *param[3], *v0, *v1, *st;
    int error;

    if (doc->intSubset || doc->extSubset) {
        return refuse(p, NULL, "a document type declaration is not "
                      "allowed");
    }
    if (!is_element(root, "methodCall")) {
        return refuse(p, NULL, "the root element must be <methodCall>");
    }
    name = skip_blanks(root->children, &junk);
    params = name ? skip_blanks(name->next, &junk) : NULL;
    if (!is_element(name, "methodName") || !is_element(params, "params")
        || skip_blanks(params->next, &junk) || junk) {
        return refuse(p, NULL, "<methodCall> must hold <methodName> then "
                      "<params>");
    }
    error = element_text(p, NULL, name, XMLRPC_MAX_NAME, "<methodName>",
                         &call->method);
    if (error) {
        return error;
    }
    param[0] = skip_blanks(params->children, &junk);
    param[1] = param[0] ? skip_blanks(param[0]->next, &junk) : NULL;
    param[2] = param[1] ? skip_blanks(param[1]->next, &junk) : NULL;
    if (!is_element(param[0], "param") || !is_element(param[1], "param")
        || param[2] || junk) {
        return refuse(p, NULL, "<params> must hold exactly two <param>: "
                      "the session and the arguments struct");
    }
    v0 = skip_blanks(param[0]->children, &junk);
    if (!is_element(v0, "value") || skip_blanks(v0->next, &junk) || junk) {
        return refuse(p, NULL, "the first <param> must hold one <value>");
    }
    v1 = skip_blanks(param[1]->children, &junk);
    if (!is_element(v1, "value") || skip_blanks(v1->next, &junk) || junk) {
        return refuse(p, NULL, "the second <param> must hold one <value>");
    }
    error = value_string(p, "session", v0, "the session", &call->session);
    if (error) {
        return error;
    }
    st = skip_blanks(v1->children, &junk);
    if (!is_element(st, "struct") || skip_blanks(st->next, &junk) || junk) {
        return refuse(p, NULL, "the second <param> must be a <struct> of "
                      "string arguments");
    }
    return parse_args(p, st, call);
}

int
xmlrpc_parse_call(const char *text, size_t size, struct xmlrpc_call **callp,
                  char *bad_key, struct error *err)
{
    struct parse p = { .err = err, .bad_key = bad_key };
    struct xmlrpc_call *call;
    xmlDoc *doc;
    int error;

    if (size > XMLRPC_MAX_REQUEST) {
        refuse(&p, NULL, "the request is %zu bytes; at most %d are "
               "accepted", size, XMLRPC_MAX_REQUEST);
        return -EFBIG;
    }
    if (memchr(text, '\0', size)) {
        return refuse(&p, NULL, "the request holds a NUL byte");
    }
    /* No XML_PARSE_NOENT (entities stay references, never expanded), no
     * DTD loading, no network, no XML_PARSE_HUGE (libxml2's own depth and
     * size limits stay on). */
    doc = xmlReadMemory(text, (int) size, "request", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR
                        | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        char why[256];

        copy_string(why, xe && xe->message ? xe->message : "unknown error",
                    sizeof why);
        why[strcspn(why, "\n")] = '\0';
        xmlResetLastError();
        return refuse(&p, NULL, "the request is not well-formed XML: %s",
                      why);
    }
    call = xzalloc(sizeof *call);
    error = parse_doc(&p, doc, call);
    xmlFreeDoc(doc);
    if (error) {
        xmlrpc_call_destroy(call);
        return error;
    }
    *callp = call;
    return 0;
}

const char *
xmlrpc_call_get(const struct xmlrpc_call *call, const char *key)
{
    for (size_t i = 0; i < call->n_args; i++) {
        if (!strcmp(call->args[i].key, key)) {
            return call->args[i].value;
        }
    }
    return NULL;
}

void
xmlrpc_call_destroy(struct xmlrpc_call *call)
{
    if (!call) {
        return;
    }
    for (size_t i = 0; i < call->n_args; i++) {
        free(call->args[i].key);
        free(call->args[i].value);
    }
    free(call->args);
    free(call->method);
    free(call->session);
    free(call);
}

/* A growing output string. */
struct out {
    char *s;
    size_t len, allocated;
};

static void
out_put(struct out *o, const char *s)
{
    size_t n = strlen(s);

    grow_array((void **) &o->s, &o->allocated, o->len + n + 1, 1);
    memcpy(o->s + o->len, s, n + 1);
    o->len += n;
}

/* Decodes the UTF-8 sequence at 's' (NUL-terminated): returns its code
 * point and stores its length in '*lenp', or returns -1 if it is not valid
 * UTF-8 (a stray or overlong byte, a surrogate, beyond U+10FFFF).
 * libxml2's xmlGetUTF8Char() takes a continuation byte as a lead byte, so
 * it is not used here. */
static long
utf8_decode(const unsigned char *s, int *lenp)
{
    unsigned long cp, min;
    int n;

    if (s[0] < 0x80) {
        *lenp = 1;
        return s[0];
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2, cp = s[0] & 0x1f, min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3, cp = s[0] & 0x0f, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return -1;          /* Also stops at the terminating NUL. */
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return -1;
    }
    *lenp = n;
    return cp;
}

/* Appends 's' as XML character data: '&', '<', '>' escaped as Python's
 * xmlrpc does; what XML 1.0 cannot carry (control characters other than
 * tab, newline and carriage return, bytes that are not valid UTF-8,
 * U+FFFE...) as '?', one per byte. */
static void
out_put_text(struct out *o, const char *s)
{
    while (*s) {
        int len = 0;
        long cp = utf8_decode((const unsigned char *) s, &len);
        char buf[5];

        if (cp < 0 || !xmlIsCharQ(cp)) {
            out_put(o, "?");
            s++;
            continue;
        }
        if (cp == '&') {
            out_put(o, "&amp;");
        } else if (cp == '<') {
            out_put(o, "&lt;");
        } else if (cp == '>') {
            out_put(o, "&gt;");
        } else {
            memcpy(buf, s, len);
            buf[len] = '\0';
            out_put(o, buf);
        }
        s += len;
    }
}

static void
out_member(struct out *o, const char *name)
{
    out_put(o, "<member>\n<name>");
    out_put(o, name);
    out_put(o, "</name>\n");
}

static void
out_string_value(struct out *o, const char *s)
{
    out_put(o, "<value><string>");
    out_put_text(o, s);
    out_put(o, "</string></value>\n");
}

static void
out_head(struct out *o, const char *status)
{
    out_put(o, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n"
            "<param>\n<value><struct>\n");
    out_member(o, "Status");
    out_string_value(o, status);
    out_put(o, "</member>\n");
}

static char *
out_tail(struct out *o)
{
    out_put(o, "</struct></value>\n</param>\n</params>\n"
            "</methodResponse>\n");
    return o->s;
}

char *
xmlrpc_success(const char *value)
{
    struct out o = { NULL, 0, 0 };

    out_head(&o, "Success");
    out_member(&o, "Value");
    out_string_value(&o, value);
    out_put(&o, "</member>\n");
    return out_tail(&o);
}

char *
xmlrpc_failure(const char *const *desc, size_t n)
{
    struct out o = { NULL, 0, 0 };

    out_head(&o, "Failure");
    out_member(&o, "ErrorDescription");
    out_put(&o, "<value><array><data>\n");
    for (size_t i = 0; i < n; i++) {
        out_string_value(&o, desc[i]);
    }
    out_put(&o, "</data></array></value>\n</member>\n");
    return out_tail(&o);
}
