/* Unit tests of report.c: the exit code a dry run's plan implies, the
 * Prometheus metrics of a run that failed before it had a host or a plan,
 * names escaped in every report, and the JSON report's layout, which
 * report.c writes itself, against json-c's printing of the same document. */
#include <json.h>
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

/* The JSON report of 'ctx' must be what json-c prints for the document it
 * parses to, with the flags the report used to be printed with: same
 * indent, spacing, escapes ('/' left alone, control characters as \u00xx)
 * and empty arrays.  'what' names the case. */
static void
check_json_layout(const struct report_context *ctx, const char *what)
{
    char *out = capture(report_json, ctx);
    struct json_object *doc = json_tokener_parse(out);
    const char *again;

    if (!doc) {
        test_report(false, out, "%s: the JSON report parses", what);
        free(out);
        return;
    }
    again = json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
             | JSON_C_TO_STRING_NOSLASHESCAPE);
    test_report(strlen(out) == strlen(again) + 1 && !strncmp(out, again,
                                                              strlen(again))
                && out[strlen(again)] == '\n', out,
                "%s: the JSON report is json-c's layout of itself, then a "
                "new line", what);
    json_object_put(doc);
    free(out);
}

static void
test_json_layout(void)
{
    struct host *host = host_create();
    struct finding findings[2] = {
        { .kind = FINDING_POLICY_DRIFT, .severity = SEVERITY_DRIFT },
        { .kind = FINDING_UNMANAGED, .severity = SEVERITY_INFO },
    };
    struct plan_step steps[2] = {
        { .action = PLAN_SET_MTU_REQUEST, .role = ROLE_VIF, .from_set = false,
          .from_mtu = 1500, .to_mtu = 9000 },
        { .action = PLAN_SET_LINK_MTU, .role = ROLE_UPLINK, .from_set = true,
          .from_mtu = 9000, .to_mtu = 1500 },
    };
    struct plan empty = { NULL, 0, NULL, 0 };
    struct plan plan = { steps, 2, findings, 2 };
    struct report_context ctx = { .host = host, .plan = &empty };

    check_json_layout(&ctx, "empty plan");
    ctx.applying = true;
    check_json_layout(&ctx, "empty plan, apply");
    ctx.applying = false;

    copy_string(host->hostname, "h/\"q\t\x01\x7f\xc3\xa9",
                sizeof host->hostname);
    copy_string(findings[0].ifname, "vif1.0", sizeof findings[0].ifname);
    copy_string(findings[0].network, "a/b", sizeof findings[0].network);
    copy_string(findings[0].message, "at \"1500\"\nnot \\ 9000\x1f\b\f\r",
                sizeof findings[0].message);
    copy_string(findings[1].message, "\xff odd", sizeof findings[1].message);
    copy_string(steps[0].ifname, "vif1.0", sizeof steps[0].ifname);
    copy_string(steps[0].network, "storage", sizeof steps[0].network);
    copy_string(steps[0].bridge, "xenbr1", sizeof steps[0].bridge);
    copy_string(steps[0].reason, "policy 9000", sizeof steps[0].reason);
    copy_string(steps[1].ifname, "eth/0", sizeof steps[1].ifname);
    ctx.plan = &plan;
    check_json_layout(&ctx, "findings and steps");
    host_destroy(host);
}

int
main(void)
{
    test_status();
    test_failed_metrics();
    test_escaped_reports();
    test_json_layout();
    return test_exit_status();
}
