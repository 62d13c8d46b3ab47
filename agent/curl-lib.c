/* libcurl, loaded when first needed: see curl-lib.h. */
#include "curl-lib.h"

#include <stdbool.h>

#include "dynlib.h"
#include "util.h"

const struct curl_lib *
curl_lib_get(struct error *err)
{
    static struct curl_lib lib;
    static bool loaded;
    const struct dynlib_sym syms[] = {
        { "curl_global_init", &lib.global_init, false },
        { "curl_easy_init", &lib.easy_init, false },
        { "curl_easy_setopt", &lib.easy_setopt, false },
        { "curl_easy_perform", &lib.easy_perform, false },
        { "curl_easy_getinfo", &lib.easy_getinfo, false },
        { "curl_easy_reset", &lib.easy_reset, false },
        { "curl_easy_cleanup", &lib.easy_cleanup, false },
        { "curl_easy_strerror", &lib.easy_strerror, false },
        { "curl_slist_append", &lib.slist_append, false },
        { "curl_slist_free_all", &lib.slist_free_all, false },
    };

    if (!loaded) {
        if (dynlib_load("libcurl.so.4", "libcurl4 (pool-set-mtu talks to "
                        "xapi through it)", syms, ARRAY_SIZE(syms), err)) {
            return NULL;
        }
        loaded = true;
        lib.global_init(CURL_GLOBAL_DEFAULT);
    }
    return &lib;
}
