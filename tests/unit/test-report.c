/* Unit tests of report.c: the exit code a dry run's plan implies, the
 * Prometheus metrics of a run that failed before it had a host or a plan,
 * and names escaped in every report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "plan.h"
#include "policy.h"
#include "report.h"
#include "testlib.h"
#include "util.h"

static char *
capture_metrics(const struct report_context *ctx, int exit_code)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    report_prometheus(ctx, exit_code, stream);
    fclose(stream);
    return buf;
}

static char *
capture(void (*report)(const struct report_context *, FILE *),
        const struct report_context *ctx)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&buf, &size);

    report(ctx, stream);
    fclose(stream);
    return buf;
}

static void
test_contains(const char *haystack, const char *needle, const char *what)
{
    test_report(strstr(haystack, needle) != NULL, haystack, "%s", what);
}

static void
test_status(void)
{
    struct finding findings[2];
    struct plan plan = { NULL, 0, findings, 0 };

    memset(findings, 0, sizeof findings);
    test_report(report_status(&plan) == EXIT_IN_SYNC, NULL,
                "an empty plan is exit 0");
    findings[0].severity = SEVERITY_INFO;
    plan.n_findings = 1;
    test_report(report_status(&plan) == EXIT_IN_SYNC, NULL,
                "an empty plan with an info finding is exit 0");
    findings[1].severity = SEVERITY_DRIFT;
    plan.n_findings = 2;
    test_report(report_status(&plan) == EXIT_DRIFT, NULL,
                "a drift finding is exit 2");
    findings[0].severity = SEVERITY_REFUSED;
    test_report(report_status(&plan) == EXIT_REFUSED, NULL,
                "a refusal is exit 3");
    test_streq("failed", report_status_to_string(EXIT_ERROR),
               "exit 1 is \"failed\"");
}

static void
test_failed_metrics(void)
{
    struct policy_network net = {
        .name = (char *) "sto\"r\\age\n\x1b",
        .bridge = (char *) "br1",
        .mtu = 9000,
    };
    struct policy policy = { .file = (char *) "p.json", .networks = &net,
                             .n_networks = 1 };
    struct report_context ctx = { .policy = &policy };
    char *m = capture_metrics(&ctx, 1);

    test_contains(m, "\njumboagent_exit_code 1\n", "failed run: exit code");
    test_contains(m, "\njumboagent_ovs_reachable 0\n",
                  "failed run without a host: OVS not reachable");
    test_contains(m, "\njumboagent_last_run_timestamp_seconds ",
                  "failed run: timestamp");
    test_contains(m, "jumboagent_network_target_mtu{network=\"sto\\\"r\\\\\\\\"
                  "age\\\\x0a\\\\x1b\",bridge=\"br1\"} 9000\n",
                  "failed run: target MTU, label escaped");
    test_report(!strchr(m, '\x1b') && !strstr(m, "findings"), m,
                "failed run: no raw control byte, no audit metrics");
    free(m);
}

static void
test_escaped_reports(void)
{
    struct host *host = host_create();
    struct finding finding = {
        .kind = 0, .severity = SEVERITY_DRIFT,
    };
    struct plan plan = { NULL, 0, &finding, 1 };
    struct report_context ctx = { .host = host, .plan = &plan };
    char *out;

    copy_string(finding.ifname, "x\x1b[2J\xff", sizeof finding.ifname);
    copy_string(finding.message, "bad \x1b[2J\xff", sizeof finding.message);
    copy_string(host->hostname, "h\x07", sizeof host->hostname);
    out = capture(report_text, &ctx);
    test_report(!strchr(out, '\x1b') && !strchr(out, '\x07')
                && !strchr(out, '\xff'), out, "text report: no raw bytes");
    test_contains(out, "x\\x1b[2J\\xff: bad \\x1b[2J\\xff",
                  "text report: finding escaped");
    test_contains(out, "Host: h\\x07,", "text report: host name escaped");
    free(out);

    out = capture(report_json, &ctx);
    test_report(!strchr(out, '\xff'), out, "JSON report: no byte 0xff");
    test_contains(out, "\"interface\": \"x\\u001b[2J\\\\xff\"",
                  "JSON report: interface in the \\xNN escape");
    free(out);
    host_destroy(host);
}

int
main(void)
{
    test_status();
    test_failed_metrics();
    test_escaped_reports();
    return test_exit_status();
}
