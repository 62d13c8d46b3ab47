/* libcurl, loaded when first needed (dynlib.h): only "jumboagent
 * pool-set-mtu" speaks HTTP (xapi-client.c). */
#ifndef CURL_LIB_H
#define CURL_LIB_H 1

#include <curl/curl.h>

struct error;

/* The libcurl functions xapi-client.c calls. */
struct curl_lib {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

/* Returns libcurl's functions, loading the library (and calling its
 * curl_global_init()) on the first call; the table lives until the program
 * exits.  Returns NULL and fills 'err' if the library cannot be loaded. */
const struct curl_lib *curl_lib_get(struct error *err);

#endif /* curl-lib.h */
