/* The libraries that only some runs need, loaded on their first use.
 *
 * libcurl (pool-set-mtu's XAPI client, xapi-client.c), libxml2 (libvirt's
 * domain files, libvirt.c) and libsystemd (the daemon's sd_notify(),
 * daemon.c) are not linked into the binary: the functions of theirs that
 * the agent calls are defined here, and the first call of one dlopen()s
 * its library and calls the library's own function.  Linked, the three
 * and what they pull in (GnuTLS, Kerberos, LDAP, ICU, libstdc++...) were
 * 7 MB of every run's resident memory and 15 ms of its start, on a run
 * that uses none of them (an audit or apply of a host without libvirt).
 *
 * Only the binary links this file (APP_SRCS in the Makefile): the unit
 * tests and the xapi plugin link the libraries themselves.
 *
 * If a library cannot be loaded, its functions fail the way the library
 * says they may fail (a NULL handle, CURLE_FAILED_INIT, a NULL document,
 * -ENOSYS), and one warning says which library is missing. */
#define _GNU_SOURCE 1              /* vasprintf() */
#define CURL_DISABLE_TYPECHECK 1

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "log.h"

/* One library to load on first use. */
struct lazy_lib {
    const char *soname;         /* What dlopen() loads. */
    void *handle;               /* NULL until loaded. */
    bool failed;                /* dlopen() failed: not tried again. */
};

static struct lazy_lib curl_lib = { .soname = "libcurl.so.4" };
static struct lazy_lib xml_lib = { .soname = "libxml2.so.2" };
static struct lazy_lib systemd_lib = { .soname = "libsystemd.so.0" };

/* Returns the address of the symbol 'name' of 'lib', loading 'lib' first
 * if it is not loaded yet, or NULL if 'lib' or 'name' is missing (warned
 * about once per library). */
static void *
lazy_sym(struct lazy_lib *lib, const char *name)
{
    void *sym;

    if (!lib->handle && !lib->failed) {
        lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
        if (!lib->handle) {
            lib->failed = true;
            log_warn("cannot load %s: %s; install it (the agent needs it "
                     "for this)", lib->soname, dlerror());
        }
    }
    if (!lib->handle) {
        return NULL;
    }
    sym = dlsym(lib->handle, name);
    if (!sym) {
        log_warn("%s has no %s; install the version that the agent was "
                 "built with", lib->soname, name);
    }
    return sym;
}

/* LAZY(lib, name) declares NAME_p, a pointer to the symbol 'name' of
 * 'lib' with the type that the library's header gives 'name', looked up
 * once; NULL if missing. */
#define LAZY(LIB, NAME)                                             \
    static __typeof__(NAME) *NAME##_p;                              \
    if (!NAME##_p) {                                                \
        NAME##_p = (__typeof__(NAME) *) lazy_sym(&LIB, #NAME);      \
    }

/* libcurl. */

CURLcode
curl_global_init(long flags)
{
    LAZY(curl_lib, curl_global_init);
    return curl_global_init_p ? curl_global_init_p(flags) : CURLE_FAILED_INIT;
}

CURL *
curl_easy_init(void)
{
    LAZY(curl_lib, curl_easy_init);
    return curl_easy_init_p ? curl_easy_init_p() : NULL;
}

void
curl_easy_cleanup(CURL *curl)
{
    if (curl) {
        LAZY(curl_lib, curl_easy_cleanup);
        if (curl_easy_cleanup_p) {
            curl_easy_cleanup_p(curl);
        }
    }
}

void
curl_easy_reset(CURL *curl)
{
    LAZY(curl_lib, curl_easy_reset);
    if (curl_easy_reset_p) {
        curl_easy_reset_p(curl);
    }
}

/* The type of an option's argument is in its number (curl.h's
 * CURLOPTTYPE_*): below 10000 a long, from 30000 to 39999 a curl_off_t,
 * else a pointer (to data, to a function, or to a struct curl_blob). */
CURLcode
curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    LAZY(curl_lib, curl_easy_setopt);
    CURLcode rc;
    va_list args;

    if (!curl_easy_setopt_p) {
        return CURLE_FAILED_INIT;
    }
    va_start(args, option);
    if (option < CURLOPTTYPE_OBJECTPOINT) {
        rc = curl_easy_setopt_p(curl, option, va_arg(args, long));
    } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
        rc = curl_easy_setopt_p(curl, option, va_arg(args, curl_off_t));
    } else {
        rc = curl_easy_setopt_p(curl, option, va_arg(args, void *));
    }
    va_end(args);
    return rc;
}

/* Every CURLINFO_* takes one pointer. */
CURLcode
curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    LAZY(curl_lib, curl_easy_getinfo);
    CURLcode rc;
    va_list args;

    if (!curl_easy_getinfo_p) {
        return CURLE_FAILED_INIT;
    }
    va_start(args, info);
    rc = curl_easy_getinfo_p(curl, info, va_arg(args, void *));
    va_end(args);
    return rc;
}

CURLcode
curl_easy_perform(CURL *curl)
{
    LAZY(curl_lib, curl_easy_perform);
    return curl_easy_perform_p ? curl_easy_perform_p(curl)
                               : CURLE_FAILED_INIT;
}

const char *
curl_easy_strerror(CURLcode code)
{
    LAZY(curl_lib, curl_easy_strerror);
    return curl_easy_strerror_p ? curl_easy_strerror_p(code)
                                : "libcurl is not available";
}

struct curl_slist *
curl_slist_append(struct curl_slist *list, const char *s)
{
    LAZY(curl_lib, curl_slist_append);
    return curl_slist_append_p ? curl_slist_append_p(list, s) : NULL;
}

void
curl_slist_free_all(struct curl_slist *list)
{
    if (list) {
        LAZY(curl_lib, curl_slist_free_all);
        if (curl_slist_free_all_p) {
            curl_slist_free_all_p(list);
        }
    }
}

/* libxml2. */

xmlDocPtr
xmlReadMemory(const char *buffer, int size, const char *url,
              const char *encoding, int options)
{
    LAZY(xml_lib, xmlReadMemory);
    return xmlReadMemory_p ? xmlReadMemory_p(buffer, size, url, encoding,
                                             options)
                           : NULL;
}

/* The functions below get only what xmlReadMemory() returned, so libxml2
 * is loaded when they run. */
xmlNodePtr
xmlDocGetRootElement(const xmlDoc *doc)
{
    LAZY(xml_lib, xmlDocGetRootElement);
    return xmlDocGetRootElement_p ? xmlDocGetRootElement_p(doc) : NULL;
}

void
xmlFreeDoc(xmlDocPtr doc)
{
    if (doc) {
        LAZY(xml_lib, xmlFreeDoc);
        if (xmlFreeDoc_p) {
            xmlFreeDoc_p(doc);
        }
    }
}

xmlChar *
xmlGetProp(const xmlNode *node, const xmlChar *name)
{
    LAZY(xml_lib, xmlGetProp);
    return xmlGetProp_p ? xmlGetProp_p(node, name) : NULL;
}

xmlChar *
xmlNodeGetContent(const xmlNode *node)
{
    LAZY(xml_lib, xmlNodeGetContent);
    return xmlNodeGetContent_p ? xmlNodeGetContent_p(node) : NULL;
}

/* libxml2's xmlFree is a variable (a pointer to its free function) that
 * the code reads directly: this one calls the library's. */
static void
lazy_xml_free(void *p)
{
    if (p) {
        LAZY(xml_lib, xmlFree);
        if (xmlFree_p && *xmlFree_p) {
            (*xmlFree_p)(p);
        }
    }
}

xmlFreeFunc xmlFree = lazy_xml_free;

/* libsystemd. */

/* As libsystemd's own: nothing to do, and 0, without $NOTIFY_SOCKET (no
 * service manager listens), so that a daemon that systemd does not run
 * never loads it. */
int
sd_notify(int unset_environment, const char *state)
{
    if (!getenv("NOTIFY_SOCKET")) {
        return 0;
    }
    LAZY(systemd_lib, sd_notify);
    return sd_notify_p ? sd_notify_p(unset_environment, state) : -ENOSYS;
}

int
sd_notifyf(int unset_environment, const char *format, ...)
{
    char *state;
    va_list args;
    int rc;

    va_start(args, format);
    rc = vasprintf(&state, format, args);
    va_end(args);
    if (rc < 0) {
        return -ENOMEM;
    }
    rc = sd_notify(unset_environment, state);
    free(state);
    return rc;
}

/* As libsystemd's own: 0 (no watchdog) without $WATCHDOG_USEC. */
int
sd_watchdog_enabled(int unset_environment, uint64_t *usec)
{
    if (!getenv("WATCHDOG_USEC")) {
        return 0;
    }
    LAZY(systemd_lib, sd_watchdog_enabled);
    return sd_watchdog_enabled_p ? sd_watchdog_enabled_p(unset_environment,
                                                         usec)
                                 : -ENOSYS;
}
