/* Unit tests of the Xen guest facts: xen-guest.c's VIF names, and the
 * host JSON's optional "vm_name" and "xen_feature_sg" (host-json.c): the
 * default is unknown (-1), a known value round-trips, an unknown one is
 * not written, a bad one is refused.  On this machine xenstore is absent,
 * so xen_guest_read_host() must leave a host alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "host-json.h"
#include "host.h"
#include "testlib.h"
#include "xen-guest.h"

static void
test_parse_vif(void)
{
    static const char *const bad[] = {
        "vif5.0-emu", "vif5", "vif5.", "vif.0", "vif", "tap5.0", "vif-1.0",
        "vif5.0x", "vif+5.0", "vif5.+0", "vif99999.0", "xvif5.0", "",
    };
    unsigned int d = 0, n = 0;

    test_report(xen_guest_parse_vif("vif5.0", &d, &n) && d == 5 && n == 0,
                NULL, "vif5.0 is domain 5, device 0");
    test_report(xen_guest_parse_vif("vif12.3", &d, &n) && d == 12 && n == 3,
                NULL, "vif12.3 is domain 12, device 3");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        test_report(!xen_guest_parse_vif(bad[i], &d, &n), NULL,
                    "'%s' is not a netback VIF name", bad[i]);
    }
}

/* Writes 'host' as JSON into a new string (free it). */
static char *
to_json(const struct host *host)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    host_json_write(host, stream);
    fclose(stream);
    return buf;
}

static void
test_json(void)
{
    struct host *host = host_create(), *back = NULL;
    struct host_link *link = host_add_link(host, "vif5.0");
    struct error err;
    char *json;

    test_report(link->xen_feature_sg == -1 && !link->vm_name[0], NULL,
                "a new link's guest facts are unknown");
    json = to_json(host);
    test_report(!strstr(json, "xen_feature_sg") && !strstr(json, "vm_name"),
                json, "unknown guest facts are not written");
    free(json);

    link->xen_feature_sg = 0;
    strcpy(link->vm_name, "web01");
    json = to_json(host);
    error_clear(&err);
    test_report(!host_json_read_string("t", json, &back, &err), err.msg,
                "the JSON with guest facts reads back");
    test_report(back && back->n_links == 1
                && back->links[0].xen_feature_sg == 0
                && !strcmp(back->links[0].vm_name, "web01"), json,
                "xen_feature_sg 0 and vm_name web01 round-trip");
    free(json);
    host_destroy(back);
    back = NULL;

    xen_guest_read_host(host);
    test_report(host->links[0].xen_feature_sg == 0
                && !strcmp(host->links[0].vm_name, "web01"), NULL,
                "without xenstore, xen_guest_read_host() changes nothing");

    error_clear(&err);
    test_report(host_json_read_string("t", "{\"version\": 1, \"links\": "
                                      "[{\"name\": \"vif1.0\", \"mtu\": 1500,"
                                      " \"xen_feature_sg\": 2}]}", &back,
                                      &err) && strstr(err.msg,
                                                      "xen_feature_sg"),
                err.msg, "xen_feature_sg 2 is refused, naming the key");
    host_destroy(back);
    host_destroy(host);
}

int
main(void)
{
    test_parse_vif();
    test_json();
    return test_exit_status();
}
