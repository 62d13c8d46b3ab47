/* Reports of a --dry-run audit: text for people, JSON for automation
 * (docs/audit-json.md) and Prometheus textfile metrics for node_exporter. */
#ifndef JUMBOAGENT_REPORT_H
#define JUMBOAGENT_REPORT_H 1

#include <stdbool.h>
#include <stdio.h>

struct driver_table;
struct host;
struct plan;
struct policy;

#define REPORT_JSON_VERSION 1

/* What a report describes.  Only 'host' and 'plan' are required. */
struct report_context {
    const struct policy *policy;        /* NULL: audit without a policy. */
    const char *policy_file;            /* Where the policy was looked for. */
    const struct driver_table *drivers; /* May be NULL. */
    const struct host *host;
    const struct plan *plan;
    bool applying;                      /* Printed before an apply, not
                                         * as a dry run's result. */
};

/* Returns the exit status that 'plan' implies for a dry run: 3 if anything
 * was refused, else 2 if anything drifted or a step is planned, else 0. */
int report_status(const struct plan *plan);

/* "in-sync", "drift", "refused". */
const char *report_status_to_string(int status);

void report_text(const struct report_context *, FILE *);
void report_json(const struct report_context *, FILE *);
void report_prometheus(const struct report_context *, FILE *);

#endif /* report.h */
