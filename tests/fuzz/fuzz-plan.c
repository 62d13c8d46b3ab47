/* libFuzzer target: the host model reader and the planner.
 *
 * The input is a policy, a NUL byte and a host model (the JSON of
 * "jumboagent show"); without a NUL byte it is a host model alone, which
 * the planner only audits.  The driver table is tests/plan-cases'
 * drivers.json (FUZZ_DRIVERS overrides the path).
 *
 * Invariants checked (abort() if violated):
 *   1. plan_compute() leaves the host model as it was (same JSON).
 *   2. If the plan has no refused finding, then planning again over the
 *      host with the plan applied (plan_simulate()) succeeds with no step.
 *      With refusals it need not: a refused network keeps its drift, and
 *      the steps of the other networks can lift the reason for a refusal
 *      (a parent bridge that is now raised), so the second plan may carry
 *      the steps that the first one refused.  FUZZ_PLAN_STRICT=1 checks it
 *      for every plan, to find such inputs. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"
#include "error.h"
#include "host-json.h"
#include "host.h"
#include "plan.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct driver_table *drivers;
static bool strict;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = getenv("FUZZ_DRIVERS");
    struct error err = { .code = 0 };

    (void) argc;
    (void) argv;
    if (!path) {
        path = SRCDIR "/tests/plan-cases/drivers.json";
    }
    if (driver_table_parse_file(path, &drivers, &err)) {
        fprintf(stderr, "fuzz-plan: %s\n", err.msg);
        exit(1);
    }
    strict = getenv("FUZZ_PLAN_STRICT") != NULL;
    return 0;
}

/* Returns the JSON of 'host' as a malloc()'d string. */
static char *
host_to_string(const struct host *host)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *stream = open_memstream(&buf, &len);

    if (!stream) {
        abort();
    }
    host_json_write(host, stream);
    fclose(stream);
    return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t policy_size = nul ? (size_t) (nul - data) : 0;
    const uint8_t *host_data = nul ? nul + 1 : data;
    size_t host_size = size - (size_t) (host_data - data);
    struct policy *policy = NULL;
    struct host *host = NULL;
    struct plan *plan = NULL, *again = NULL;
    struct error err = { .code = 0 };
    char *text, *before, *after;
    bool refused = false;

    if (nul && policy_parse_buffer("policy.json", (const char *) data,
                                   policy_size, &policy, &err)) {
        return 0;
    }
    text = malloc(host_size + 1);
    memcpy(text, host_data, host_size);
    text[host_size] = '\0';
    if (host_json_read_string("host.json", text, &host, &err)) {
        goto out;
    }
    before = host_to_string(host);
    if (plan_compute(policy, host, drivers, &plan, &err)) {
        free(before);
        goto out;
    }
    after = host_to_string(host);
    if (strcmp(before, after)) {
        abort();                /* Invariant 1. */
    }
    free(before);
    free(after);

    refused = plan_count_findings(plan, SEVERITY_REFUSED) > 0;
    if (policy && (!refused || strict)) {
        plan_simulate(plan, host);
        if (plan_compute(policy, host, drivers, &again, &err)) {
            fprintf(stderr, "second plan failed: %s\n", err.msg);
            abort();            /* Invariant 2. */
        }
        if (again->n_steps) {
            plan_format_text(again, stderr);
            abort();            /* Invariant 2. */
        }
    }

out:
    plan_destroy(plan);
    plan_destroy(again);
    host_destroy(host);
    policy_destroy(policy);
    free(text);
    return 0;
}
