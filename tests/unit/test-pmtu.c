/* Unit tests of pmtu.c: the path-MTU search over fake paths, and the
 * verdicts it reaches.  A fake path is a description ("hop X announces
 * 1500", "black hole above 1400", "peer unreachable"); the fake probe
 * answers from it and records the sizes it was asked for. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "pmtu.h"
#include "testlib.h"
#include "util.h"

struct fake_path {
    unsigned int path_mtu;      /* Largest packet that gets through. */
    const char *hop;            /* Announces 'path_mtu' when not NULL. */
    bool reachable;             /* False: nothing gets through. */
    const char *unreach_hop;    /* !reachable: sends "unreachable". */
    unsigned int error_at;      /* Fail the probe with -EPERM at this
                                 * probe number (1-based), 0 never. */
    unsigned int sizes[64];     /* Sizes asked, in order. */
    bool quick[64];
    unsigned int n;
};

static int
fake_probe(void *aux, unsigned int size, bool quick,
           struct pmtu_probe_answer *answer, struct error *err)
{
    struct fake_path *path = aux;

    if (path->n < 64) {
        path->sizes[path->n] = size;
        path->quick[path->n] = quick;
    }
    path->n++;
    if (path->n > 64) {
        /* A search that does not end fails the test, not the run. */
        return error_set(err, -ELOOP, "more than 64 probes");
    }
    if (path->error_at && path->n == path->error_at) {
        return error_set(err, -EPERM, "fake probe failure");
    }
    if (!path->reachable) {
        if (path->unreach_hop) {
            answer->result = PMTU_PROBE_UNREACHABLE;
            copy_string(answer->hop, path->unreach_hop, sizeof answer->hop);
        } else {
            answer->result = PMTU_PROBE_TIMEOUT;
        }
    } else if (size <= path->path_mtu) {
        answer->result = PMTU_PROBE_REPLY;
    } else if (path->hop) {
        answer->result = PMTU_PROBE_TOO_BIG;
        answer->mtu = path->path_mtu;
        copy_string(answer->hop, path->hop, sizeof answer->hop);
    } else {
        answer->result = PMTU_PROBE_TIMEOUT;
    }
    return 0;
}

static void
test_pass(void)
{
    struct fake_path path = { .path_mtu = 9000, .reachable = true };
    struct pmtu_verdict v;
    char buf[512];
    int error = pmtu_search(9000, false, fake_probe, &path, &v, NULL);

    test_report(!error && v.kind == PMTU_PASS, NULL,
                "9000 path: verdict pass");
    test_report(path.n == 1 && path.sizes[0] == 9000 && !path.quick[0],
                NULL, "9000 path: one full probe of the whole MTU (9000)");
    test_streq("pass: packets of 9000 bytes with DF set reach 192.0.2.2",
               pmtu_describe(&v, "192.0.2.2", buf, sizeof buf),
               "9000 path: description");
}

static void
test_frag_needed(void)
{
    struct fake_path path = { .path_mtu = 1500, .hop = "10.0.1.1",
                              .reachable = true };
    struct pmtu_verdict v;
    char buf[512];
    int error = pmtu_search(9000, false, fake_probe, &path, &v, NULL);

    test_report(!error && v.kind == PMTU_FRAG_NEEDED && v.hop_mtu == 1500
                && !strcmp(v.hop, "10.0.1.1"), v.hop,
                "hop announces 1500: frag-needed from 10.0.1.1, mtu 1500");
    test_report(path.n == 1, NULL,
                "hop announces 1500: no search after the announcement");
    pmtu_describe(&v, "192.0.2.2", buf, sizeof buf);
    test_report(strstr(buf, "hop 10.0.1.1 announced mtu 1500") != NULL, buf,
                "hop announces 1500: description names hop and mtu");
}

static void
test_black_hole_one(bool ipv6, unsigned int mtu, unsigned int path_mtu)
{
    struct fake_path path = { .path_mtu = path_mtu, .reachable = true };
    unsigned int floor = ipv6 ? PMTU_FLOOR_IPV6 : PMTU_FLOOR_IPV4;
    struct pmtu_verdict v;
    bool bounded = true;
    char buf[512];
    int error = pmtu_search(mtu, ipv6, fake_probe, &path, &v, NULL);

    test_report(!error && v.kind == PMTU_BLACK_HOLE && v.largest == path_mtu,
                pmtu_verdict_to_string(v.kind), "black hole above %u "
                "(%s, mtu %u): black-hole, largest %u (got %u)", path_mtu,
                ipv6 ? "IPv6" : "IPv4", mtu, path_mtu, v.largest);
    test_report(path.n >= 2 && path.sizes[1] == floor && !path.quick[1],
                NULL, "black hole above %u: the second probe is the floor "
                "%u", path_mtu, floor);
    for (unsigned int i = 2; i < path.n && i < 64; i++) {
        bounded = bounded && path.quick[i] && path.sizes[i] > floor
                  && path.sizes[i] < mtu;
    }
    test_report(bounded && path.n <= 2 + 14, NULL, "black hole above %u: "
                "%u quick probes, each between floor and mtu", path_mtu,
                path.n - 2);
    pmtu_describe(&v, "192.0.2.2", buf, sizeof buf);
    test_report(strstr(buf, "black hole") && strstr(buf, "largest passing "
                "size"), buf, "black hole above %u: description", path_mtu);
}

static void
test_unreachable(void)
{
    struct fake_path path = { .reachable = false };
    struct fake_path unreach = { .reachable = false,
                                 .unreach_hop = "10.0.0.254" };
    struct fake_path tiny = { .reachable = false };
    struct pmtu_verdict v;
    char buf[512];
    int error;

    error = pmtu_search(9000, false, fake_probe, &path, &v, NULL);
    test_report(!error && v.kind == PMTU_UNREACHABLE && path.n == 2
                && path.sizes[1] == PMTU_FLOOR_IPV4,
                pmtu_verdict_to_string(v.kind), "peer silent at every size: "
                "unreachable after the full size and the floor");
    pmtu_describe(&v, "192.0.2.9", buf, sizeof buf);
    test_report(strstr(buf, "not an MTU verdict") != NULL
                && strstr(buf, "not even 552 bytes") != NULL, buf,
                "unreachable: says it is not an MTU verdict, and the size "
                "tried last");
    path.n = 0;
    error = pmtu_search(9000, true, fake_probe, &path, &v, NULL);
    pmtu_describe(&v, "2001:db8::9", buf, sizeof buf);
    test_report(!error && strstr(buf, "not even 1280 bytes") != NULL, buf,
                "unreachable over IPv6: the IPv6 floor, 1280");

    error = pmtu_search(9000, false, fake_probe, &unreach, &v, NULL);
    test_report(!error && v.kind == PMTU_UNREACHABLE
                && !strcmp(v.hop, "10.0.0.254") && unreach.n == 1, v.hop,
                "destination unreachable from a hop: unreachable, that hop");

    error = pmtu_search(500, false, fake_probe, &tiny, &v, NULL);
    test_report(!error && v.kind == PMTU_UNREACHABLE && tiny.n == 1, NULL,
                "mtu below the floor: no floor probe");
    tiny.n = 0;
    error = pmtu_search(PMTU_FLOOR_IPV4, false, fake_probe, &tiny, &v, NULL);
    test_report(!error && v.kind == PMTU_UNREACHABLE && tiny.n == 1, NULL,
                "mtu at the floor: the floor is not probed twice");
}

/* A black hole (switch port at 1500) behind which a router announces
 * 1400: the search meets the announcement. */
static int
announce_below(void *aux, unsigned int size, bool quick,
               struct pmtu_probe_answer *answer, struct error *err)
{
    unsigned int *n = aux;

    (*n)++;
    (void) quick;
    (void) err;
    if (size <= 1400) {
        answer->result = PMTU_PROBE_REPLY;
    } else if (size <= 1500) {
        answer->result = PMTU_PROBE_TOO_BIG;
        answer->mtu = 1400;
        copy_string(answer->hop, "10.9.9.9", sizeof answer->hop);
    } else {
        answer->result = PMTU_PROBE_TIMEOUT;
    }
    return 0;
}

static void
test_announce_during_search(void)
{
    struct pmtu_verdict v;
    unsigned int n = 0;
    int error = pmtu_search(9000, false, announce_below, &n, &v, NULL);

    test_report(!error && v.kind == PMTU_FRAG_NEEDED && v.hop_mtu == 1400
                && !strcmp(v.hop, "10.9.9.9") && v.largest
                && v.largest <= 1400, pmtu_verdict_to_string(v.kind),
                "announcement during the search: frag-needed, with the "
                "largest size seen passing (%u)", v.largest);
}

static void
test_probe_error(void)
{
    struct fake_path path = { .path_mtu = 1500, .reachable = true,
                              .error_at = 3 };
    struct pmtu_verdict v;
    struct error err;
    int error;

    error_clear(&err);
    error = pmtu_search(9000, false, fake_probe, &path, &v, &err);
    test_report(error == -EPERM && path.n == 3
                && !strcmp(err.msg, "fake probe failure"), err.msg,
                "a probe that cannot be sent stops the search with its "
                "error");
}

static void
test_names(void)
{
    test_streq("pass", pmtu_verdict_to_string(PMTU_PASS), "name pass");
    test_streq("frag-needed", pmtu_verdict_to_string(PMTU_FRAG_NEEDED),
               "name frag-needed");
    test_streq("black-hole", pmtu_verdict_to_string(PMTU_BLACK_HOLE),
               "name black-hole");
    test_streq("unreachable", pmtu_verdict_to_string(PMTU_UNREACHABLE),
               "name unreachable");
    test_streq("cannot-verify", pmtu_verdict_to_string(PMTU_CANNOT_VERIFY),
               "name cannot-verify");
}

int
main(void)
{
    test_pass();
    test_frag_needed();
    test_black_hole_one(false, 9000, 1500);
    test_black_hole_one(false, 9000, 1400);
    test_black_hole_one(false, 9000, 8999);
    test_black_hole_one(false, 9000, 553);
    test_black_hole_one(true, 9000, 1400);
    test_black_hole_one(true, 1500, 1281);
    test_unreachable();
    test_announce_during_search();
    test_probe_error();
    test_names();
    return test_exit_status();
}
