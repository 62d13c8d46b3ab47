/* Reports of a --dry-run audit: see report.h. */
#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers.h"
#include "escape.h"
#include "host.h"
#include "json-writer.h"
#include "plan.h"
#include "policy.h"

enum exit_code
report_status(const struct plan *plan)
{
    if (plan_count_findings(plan, SEVERITY_REFUSED)) {
        return EXIT_REFUSED;
    }
    if (plan->n_steps || plan_count_findings(plan, SEVERITY_DRIFT)) {
        return EXIT_DRIFT;
    }
    return EXIT_IN_SYNC;
}

const char *
report_status_to_string(int status)
{
    return outcome_to_string(status == EXIT_REFUSED ? OUTCOME_REFUSED
                             : status == EXIT_DRIFT ? OUTCOME_DRIFT
                             : status == EXIT_IN_SYNC ? OUTCOME_IN_SYNC
                             : OUTCOME_FAILED);
}

/* Prints the printf-style line to 'stream' in the text escape (escape.h):
 * a host name, a file name or an interface name in it may hold any bytes. */
static void __attribute__((format(printf, 2, 3)))
put_line(FILE *stream, const char *fmt, ...)
{
    char line[2048];
    va_list args;

    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    escape_put_text(line, false, stream);
}

void
report_text(const struct report_context *ctx, FILE *stream)
{
    const struct host *host = ctx->host;
    int status = report_status(ctx->plan);

    if (ctx->policy) {
        put_line(stream, "Policy: %s (%zu network%s)\n", ctx->policy->file,
                 ctx->policy->n_networks,
                 ctx->policy->n_networks == 1 ? "" : "s");
    } else if (!ctx->policy_file) {
        fputs("Policy: none (--no-policy): auditing consistency only\n",
              stream);
    } else {
        put_line(stream, "Policy: none (%s not found): auditing consistency "
                 "only\n", ctx->policy_file);
    }
    if (ctx->drivers) {
        put_line(stream, "Drivers: %s (%zu drivers)\n", ctx->drivers->file,
                 ctx->drivers->n_entries);
    }
    if (host->ovs_reachable) {
        put_line(stream, "Host: %s, %zu links, OVS%s%s at %s (%zu bridge%s)\n",
                 host->hostname[0] ? host->hostname : "-", host->n_links,
                 host->ovs_version[0] ? " " : "", host->ovs_version,
                 host->ovs_remote, host->n_bridges,
                 host->n_bridges == 1 ? "" : "s");
    } else {
        put_line(stream, "Host: %s, %zu links, OVS not reachable at %s\n",
                 host->hostname[0] ? host->hostname : "-", host->n_links,
                 host->ovs_remote[0] ? host->ovs_remote : "-");
    }
    fputc('\n', stream);
    plan_format_text(ctx->plan, stream);
    if (ctx->applying) {
        return;
    }
    fprintf(stream, "\nResult: %s (exit %d)%s\n",
            report_status_to_string(status), status,
            status == EXIT_REFUSED ? ": nothing will be changed until the "
                                     "refusals are resolved"
            : status == EXIT_DRIFT ? ": run without --dry-run to apply the "
                                     "plan"
            : "");
}

void
report_json(const struct report_context *ctx, FILE *stream)
{
    const struct plan *plan = ctx->plan;
    struct json_writer jw;
    int status = report_status(plan);

    json_writer_init(&jw, stream);
    json_writer_open(&jw, NULL, '{');
    json_writer_int(&jw, "version", REPORT_JSON_VERSION);
    json_writer_string(&jw, "mode", ctx->applying ? "apply" : "dry-run");
    json_writer_name_or_null(&jw, "policy",
                             ctx->policy ? ctx->policy->file : NULL);
    json_writer_name_or_null(&jw, "drivers",
                             ctx->drivers ? ctx->drivers->file : NULL);
    json_writer_name_or_null(&jw, "hostname", ctx->host->hostname);
    json_writer_bool(&jw, "ovs_reachable", ctx->host->ovs_reachable);
    json_writer_open(&jw, "findings", '[');
    for (size_t i = 0; i < plan->n_findings; i++) {
        const struct finding *f = &plan->findings[i];

        json_writer_open(&jw, NULL, '{');
        json_writer_string(&jw, "severity",
                           finding_severity_to_string(f->severity));
        json_writer_string(&jw, "kind", finding_kind_to_string(f->kind));
        json_writer_name_or_null(&jw, "interface", f->ifname);
        json_writer_name_or_null(&jw, "network", f->network);
        json_writer_name(&jw, "message", f->message);
        json_writer_close(&jw, '}');
    }
    json_writer_close(&jw, ']');
    json_writer_open(&jw, "plan", '[');
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];

        json_writer_open(&jw, NULL, '{');
        json_writer_int(&jw, "step", (long long) i + 1);
        json_writer_string(&jw, "action", plan_action_to_string(s->action));
        json_writer_name(&jw, "interface", s->ifname);
        json_writer_string(&jw, "role", plan_role_to_string(s->role));
        json_writer_name_or_null(&jw, "network", s->network);
        json_writer_name_or_null(&jw, "bridge", s->bridge);
        if (s->action == PLAN_SET_MTU_REQUEST && !s->from_set) {
            json_writer_null(&jw, "from_mtu_request");
        }
        json_writer_int(&jw, "from", s->from_mtu);
        json_writer_int(&jw, "to", s->to_mtu);
        json_writer_name(&jw, "reason", s->reason);
        json_writer_close(&jw, '}');
    }
    json_writer_close(&jw, ']');
    json_writer_open(&jw, "summary", '{');
    json_writer_int(&jw, "refused",
                    plan_count_findings(plan, SEVERITY_REFUSED));
    json_writer_int(&jw, "drift", plan_count_findings(plan, SEVERITY_DRIFT));
    json_writer_int(&jw, "info", plan_count_findings(plan, SEVERITY_INFO));
    json_writer_int(&jw, "steps", plan->n_steps);
    if (!ctx->applying) {
        /* What the dry run found; an apply's own result is its exit code
         * and its log. */
        json_writer_string(&jw, "status", report_status_to_string(status));
        json_writer_int(&jw, "exit_code", status);
    }
    json_writer_close(&jw, '}');
    json_writer_close(&jw, '}');
    fputc('\n', stream);
}

static void
put_mtu_metric(FILE *stream, const char *ifname, const char *layer,
               unsigned int value)
{
    fputs("jumboagent_interface_mtu{interface=\"", stream);
    escape_put_label(ifname, stream);
    fprintf(stream, "\",layer=\"%s\"} %u\n", layer, value);
}

/* Writes the metrics that every run has, also one that failed. */
static void
put_run_metrics(const struct report_context *ctx, int exit_code,
                FILE *stream)
{
    const struct policy *policy = ctx->policy;

    fprintf(stream, "# HELP jumboagent_last_run_timestamp_seconds When the "
            "last audit ran (Unix time).\n"
            "# TYPE jumboagent_last_run_timestamp_seconds gauge\n"
            "jumboagent_last_run_timestamp_seconds %lld\n",
            (long long) time(NULL));
    fprintf(stream, "# HELP jumboagent_exit_code Exit code of the last audit "
            "(0 in sync, 1 failed, 2 drift, 3 refused).\n"
            "# TYPE jumboagent_exit_code gauge\n"
            "jumboagent_exit_code %d\n", exit_code);
    fprintf(stream, "# HELP jumboagent_ovs_reachable 1 if OVSDB was read.\n"
            "# TYPE jumboagent_ovs_reachable gauge\n"
            "jumboagent_ovs_reachable %d\n",
            ctx->host && ctx->host->ovs_reachable ? 1 : 0);
    fputs("# HELP jumboagent_network_target_mtu MTU the policy asks for on a "
          "network.\n# TYPE jumboagent_network_target_mtu gauge\n", stream);
    for (size_t i = 0; policy && i < policy->n_networks; i++) {
        const struct policy_network *pn = &policy->networks[i];

        fputs("jumboagent_network_target_mtu{network=\"", stream);
        escape_put_label(pn->name, stream);
        fputs("\",bridge=\"", stream);
        escape_put_label(pn->bridge, stream);
        fprintf(stream, "\"} %u\n", pn->mtu);
    }
}

void
report_prometheus(const struct report_context *ctx, int exit_code,
                  FILE *stream)
{
    const struct plan *plan = ctx->plan;
    const struct host *host = ctx->host;
    size_t counts[FINDING_KIND_MAX] = { 0 };

    put_run_metrics(ctx, exit_code, stream);
    if (!plan || !host) {
        return;
    }
    fputs("# HELP jumboagent_findings Findings of the last audit, by "
          "severity.\n# TYPE jumboagent_findings gauge\n", stream);
    for (int s = 0; s < SEVERITY_MAX; s++) {
        fprintf(stream, "jumboagent_findings{severity=\"%s\"} %zu\n",
                finding_severity_to_string(s),
                plan_count_findings(plan, s));
    }
    for (size_t i = 0; i < plan->n_findings; i++) {
        counts[plan->findings[i].kind]++;
    }
    fputs("# HELP jumboagent_findings_by_kind Findings of the last audit, "
          "by kind.\n# TYPE jumboagent_findings_by_kind gauge\n", stream);
    for (int k = 0; k < FINDING_KIND_MAX; k++) {
        fprintf(stream, "jumboagent_findings_by_kind{kind=\"%s\"} %zu\n",
                finding_kind_to_string(k), counts[k]);
    }
    fprintf(stream, "# HELP jumboagent_drift Interfaces or settings that "
            "differ from what they should be.\n# TYPE jumboagent_drift "
            "gauge\njumboagent_drift %zu\n",
            plan_count_findings(plan, SEVERITY_DRIFT));
    fprintf(stream, "# HELP jumboagent_refused Changes refused as unsafe.\n"
            "# TYPE jumboagent_refused gauge\njumboagent_refused %zu\n",
            plan_count_findings(plan, SEVERITY_REFUSED));
    fprintf(stream, "# HELP jumboagent_plan_steps Steps the plan would "
            "take.\n# TYPE jumboagent_plan_steps gauge\n"
            "jumboagent_plan_steps %zu\n", plan->n_steps);
    fputs("# HELP jumboagent_interface_mtu MTU of an interface at one layer "
          "(kernel, ovs, ovs_request).\n"
          "# TYPE jumboagent_interface_mtu gauge\n", stream);
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *link = &host->links[i];

        if (link->kind != LINK_KIND_LOOPBACK) {
            put_mtu_metric(stream, link->name, "kernel", link->mtu);
        }
    }
    for (size_t b = 0; b < host->n_bridges; b++) {
        const struct host_ovs_bridge *br = &host->bridges[b];

        for (size_t p = 0; p < br->n_ports; p++) {
            const struct host_ovs_port *port = &br->ports[p];

            for (size_t i = 0; i < port->n_ifaces; i++) {
                const struct host_ovs_iface *iface = &port->ifaces[i];

                if (iface->has_mtu) {
                    put_mtu_metric(stream, iface->name, "ovs", iface->mtu);
                }
                if (iface->has_mtu_request) {
                    put_mtu_metric(stream, iface->name, "ovs_request",
                                   iface->mtu_request);
                }
            }
        }
    }
}
