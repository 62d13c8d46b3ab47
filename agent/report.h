/* Reports of a --dry-run audit: text for people, JSON for automation
 * (docs/audit-json.md) and Prometheus textfile metrics for node_exporter. */
#ifndef JUMBOAGENT_REPORT_H
#define JUMBOAGENT_REPORT_H 1

#include <stdbool.h>
#include <stdio.h>

#include "outcome.h"

struct driver_table;
struct host;
struct plan;
struct policy;

#define REPORT_JSON_VERSION 1

/* What a report describes.  'host' and 'plan' are NULL when the run failed
 * before it had them (only report_prometheus() accepts that). */
struct report_context {
    const struct policy *policy;        /* NULL: audit without a policy. */
    const char *policy_file;            /* Where the policy was looked for. */
    const struct driver_table *drivers; /* May be NULL. */
    const struct host *host;
    const struct plan *plan;
    bool applying;                      /* Printed before an apply, not
                                         * as a dry run's result. */
};

/* Returns the exit code that 'plan' implies for a dry run: EXIT_REFUSED if
 * anything was refused, else EXIT_DRIFT if a step is planned or a finding
 * is at drift level, else EXIT_IN_SYNC (an empty plan with only info
 * findings). */
enum exit_code report_status(const struct plan *plan);

/* Returns the outcome of a dry run that ends with exit code 'status':
 * "in-sync", "drift", "refused", or "failed" for anything else. */
const char *report_status_to_string(int status);

/* Write the report of 'ctx' to 'stream'.  Names are escaped (escape.h):
 * the text shows visible escapes, the JSON is valid UTF-8.  Write errors
 * are left in 'stream' for the caller to check. */
void report_text(const struct report_context *ctx, FILE *stream);
void report_json(const struct report_context *ctx, FILE *stream);

/* Writes the Prometheus textfile metrics of a run that ends with exit code
 * 'exit_code' to 'stream'.  Also for a run that failed: then 'ctx->host'
 * and 'ctx->plan' may be NULL, and only what is known is written (the exit
 * code, the time, whether OVSDB was read, the policy's targets). */
void report_prometheus(const struct report_context *ctx, int exit_code,
                       FILE *stream);

#endif /* report.h */
