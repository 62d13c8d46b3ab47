/* The text form of a plan: the output of "jumboagent --dry-run" and the
 * format of the planner's golden test files (tests/plan-cases/<case>/
 * plan.expected).  Columns are aligned over the whole plan. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

/* Formats the "from" and "to" values of step 's' into the buffers of
 * 'size' bytes. */
static void
step_values(const struct plan_step *s, char *from, char *to, size_t size)
{
    if (s->action == PLAN_DISABLE_LRO) {
        copy_string(from, s->from_mtu ? "on" : "off", size);
        copy_string(to, s->to_mtu ? "on" : "off", size);
    } else if (s->action == PLAN_REPLUG) {
        copy_string(from, "down", size);
        copy_string(to, "up", size);
    } else {
        if (s->action == PLAN_SET_MTU_REQUEST && !s->from_set) {
            snprintf(from, size, "unset(%u)", s->from_mtu);
        } else {
            snprintf(from, size, "%u", s->from_mtu);
        }
        snprintf(to, size, "%u", s->to_mtu);
    }
}

static int
max_width(int width, const char *s)
{
    int len = (int) strlen(s);
    return len > width ? len : width;
}

/* The columns of step 's' that hold names, as shown: in the text escape
 * (escape.h), "-" for none.  Each member is malloc()'d; free them with
 * shown_names_free(). */
struct shown_names {
    char *ifname;
    char *network;
    char *bridge;
};

static void
shown_names_init(struct shown_names *names, const struct plan_step *s)
{
    names->ifname = escape_text(s->ifname, true);
    names->network = escape_text(s->network[0] ? s->network : "-", true);
    names->bridge = escape_text(s->bridge[0] ? s->bridge : "-", true);
}

static void
shown_names_free(struct shown_names *names)
{
    free(names->ifname);
    free(names->network);
    free(names->bridge);
}

void
plan_format_text(const struct plan *plan, FILE *stream)
{
    int w_sev = 0, w_kind = 0;
    int w_num, w_act = 0, w_if = 0, w_from = 0, w_to = 0, w_role = 0;
    int w_net = 0, w_br = 0;
    char from[32], to[32];

    if (!plan->n_findings) {
        fputs("No findings.\n", stream);
    } else {
        fprintf(stream, "Findings (%zu):\n", plan->n_findings);
        for (size_t i = 0; i < plan->n_findings; i++) {
            const struct finding *f = &plan->findings[i];

            w_sev = max_width(w_sev, finding_severity_to_string(f->severity));
            w_kind = max_width(w_kind, finding_kind_to_string(f->kind));
        }
        for (size_t i = 0; i < plan->n_findings; i++) {
            const struct finding *f = &plan->findings[i];

            fprintf(stream, "  %-*s  %-*s  ", w_sev,
                    finding_severity_to_string(f->severity), w_kind,
                    finding_kind_to_string(f->kind));
            escape_put_text(f->ifname, true, stream);
            fputs(f->ifname[0] ? ": " : "", stream);
            escape_put_text(f->message, true, stream);
            fputc('\n', stream);
        }
    }

    if (!plan->n_steps) {
        fputs("Plan: nothing to do.\n", stream);
        return;
    }
    fprintf(stream, "Plan (%zu step%s):\n", plan->n_steps,
            plan->n_steps == 1 ? "" : "s");
    w_num = snprintf(NULL, 0, "%zu", plan->n_steps);
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];
        struct shown_names names;

        shown_names_init(&names, s);
        step_values(s, from, to, sizeof from);
        w_act = max_width(w_act, plan_action_to_string(s->action));
        w_if = max_width(w_if, names.ifname);
        w_from = max_width(w_from, from);
        w_to = max_width(w_to, to);
        w_role = max_width(w_role, plan_role_to_string(s->role));
        w_net = max_width(w_net, names.network);
        w_br = max_width(w_br, names.bridge);
        shown_names_free(&names);
    }
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];
        struct shown_names names;
        char *reason = escape_text(s->reason, true);
        char *line;
        size_t len;

        shown_names_init(&names, s);
        step_values(s, from, to, sizeof from);
        line = xasprintf("  %*zu. %-*s  %-*s  %*s -> %-*s  %-*s  %-*s  %-*s  "
                         "%s", w_num, i + 1, w_act,
                         plan_action_to_string(s->action),
                         w_if, names.ifname, w_from, from, w_to, to,
                         w_role, plan_role_to_string(s->role),
                         w_net, names.network, w_br, names.bridge, reason);
        len = strlen(line);
        while (len && line[len - 1] == ' ') {
            line[--len] = '\0';
        }
        fprintf(stream, "%s\n", line);
        free(line);
        free(reason);
        shown_names_free(&names);
    }
}
