/* Apply: see apply.h. */
#include "apply.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "host.h"
#include "journal.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "util.h"

#define APPLY_COMMENT "jumboagent: MTU reconciliation"
#define ROLLBACK_COMMENT APPLY_COMMENT " (rollback)"

/* How often a bounded wait looks again (carrier, reconnecting). */
#define RETRY_INTERVAL_MS 100

/* The list of what was done, for the final message: a bounded text that
 * counts what did not fit. */
struct summary {
    char text[512];
    size_t n_omitted;
};

static void __attribute__((format(printf, 2, 3)))
summary_add(struct summary *s, const char *fmt, ...)
{
    size_t len = strlen(s->text);
    char item[128];
    va_list args;

    va_start(args, fmt);
    vsnprintf(item, sizeof item, fmt, args);
    va_end(args);
    if (len + strlen(item) + 3 >= sizeof s->text) {
        s->n_omitted++;
        return;
    }
    snprintf(s->text + len, sizeof s->text - len, "%s%s", len ? ", " : "",
             item);
}

/* Returns the text of 's', or 'none' if it is empty, with "and N more". */
static const char *
summary_text(struct summary *s, const char *none)
{
    size_t len = strlen(s->text);

    if (!len) {
        return none;
    }
    if (s->n_omitted) {
        snprintf(s->text + len, sizeof s->text - len, " and %zu more",
                 s->n_omitted);
        s->n_omitted = 0;
    }
    return s->text;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int
ms_left(long long deadline)
{
    long long left = deadline - now_ms();

    return left > 0 ? (int) left : 0;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* The caller (run.c) blocks SIGINT, SIGTERM and SIGHUP while it applies,
 * so that a stop request cannot kill a run half way; apply looks for one
 * between steps and treats it as a failure, which rolls back.  With
 * 'opts->hangup_reloads' (the daemon) a SIGHUP is not a stop request: it
 * stays pending, and the daemon reloads its policy after the pass.
 * Returns 0, or -EINTR with a message if such a signal is pending. */
static int
check_stop_request(const struct apply_options *opts, struct error *err)
{
    static const struct {
        int number;
        const char *name;
    } signals[] = {
        { SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
    };
    sigset_t pending;

    if (sigpending(&pending)) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
        if (signals[i].number == SIGHUP && opts->hangup_reloads) {
            continue;
        }
        if (sigismember(&pending, signals[i].number)) {
            return error_set(err, -EINTR, "interrupted by %s",
                             signals[i].name);
        }
    }
    return 0;
}

static bool
is_ovs_step(const struct plan_step *step)
{
    return step->action == PLAN_SET_MTU_REQUEST;
}

static int ovs_tier(enum plan_role);
static int wait_carrier(struct backend *, const char *ifname,
                        unsigned int mtu, int timeout_ms, struct error *);

/* Journals the previous value of what 'step' changes. */
static void
journal_step(struct journal *journal, const struct host *host,
             const struct plan_step *step)
{
    const struct host_link *link = host_find_link(host, step->ifname);
    struct journal_entry e;

    memset(&e, 0, sizeof e);
    copy_string(e.ifname, step->ifname, sizeof e.ifname);
    e.has_target = true;
    e.target = step->to_mtu;
    switch (step->action) {
    case PLAN_SET_MTU_REQUEST: {
        const struct host_ovs_iface *iface
            = host_find_ovs_iface(host, step->ifname, NULL, NULL);

        e.layer = JOURNAL_OVS_MTU_REQUEST;
        e.had_request = iface && iface->has_mtu_request;
        e.value = e.had_request ? iface->mtu_request : 0;
        /* 0: no kernel device (DPDK, a vanished port): nothing to put the
         * kernel back to, only the request. */
        e.kernel_mtu = (link ? link->mtu
                        : iface && iface->has_mtu ? iface->mtu : 0);
        e.tier = ovs_tier(step->role);
        break;
    }
    case PLAN_SET_LINK_MTU:
        e.layer = JOURNAL_LINK_MTU;
        e.value = link ? link->mtu : step->from_mtu;
        break;
    case PLAN_DISABLE_LRO:
        e.layer = JOURNAL_LRO;
        e.value = 1;
        e.target = 0;
        break;
    case PLAN_REPLUG:
        e.layer = JOURNAL_LINK_UP;
        e.value = 1;
        e.target = 1;
        e.bounced = false;      /* Until replug_steps() has made it. */
        break;
    case PLAN_ACTION_MAX:
    default:
        return;
    }
    journal_add(journal, &e);
}

/* Makes the replug of 'e' (a link-up entry whose bounce is pending: the
 * run that journaled it was killed before the link was down and up again)
 * that the interrupted run could not: down (unless 'state', the link's now,
 * says it is down already), up, back with carrier within
 * opts->timeout_ms.  Returns 0 or a negative errno value with 'err'
 * set. */
static int
finish_replug(struct backend *b, const struct journal_entry *e,
              const struct backend_link_state *state,
              const struct apply_options *opts, struct summary *done,
              struct error *err)
{
    int error = (state->admin_up
                 ? backend_link_set_up(b, e->ifname, false, err) : 0);

    if (!error) {
        error = backend_link_set_up(b, e->ifname, true, err);
    }
    if (!error) {
        error = wait_carrier(b, e->ifname, state->mtu, opts->timeout_ms,
                             err);
    }
    if (error) {
        return error_prefix(err, error, "the replug of '%s' that the "
                            "interrupted run had journaled but not made",
                            e->ifname);
    }
    log_change("%s: replugged (down/up), which the interrupted run had "
               "journaled but not made", e->ifname);
    summary_add(done, "%s replugged", e->ifname);
    return 0;
}

/* Restores the kernel-side entry 'e' (link MTU, LRO, link up).  A link
 * that no longer exists counts as restored.  With 'finish_replugs' (a
 * recovery that keeps the interrupted run's changes), a link-up entry whose
 * replug is pending is bounced (see finish_replug()); otherwise the link
 * is only brought up.  Returns 0 or a negative errno value with 'err'
 * set. */
static int
restore_kernel_entry(struct backend *b, const struct journal_entry *e,
                     bool finish_replugs, const struct apply_options *opts,
                     struct summary *done, struct error *err)
{
    struct backend_link_state state;
    int error;

    error = backend_link_get_state(b, e->ifname, &state, err);
    if (error == -ENODEV) {
        log_change("restore: %s no longer exists, nothing to put back",
                   e->ifname);
        summary_add(done, "%s gone", e->ifname);
        error_clear(err);
        return 0;
    } else if (error) {
        return error;
    }

    switch (e->layer) {
    case JOURNAL_LRO: {
        enum lro_state lro;

        if (!backend_lro_get(b, e->ifname, &lro, NULL)
            && (lro == LRO_ON || lro == LRO_FIXED_ON) == (e->value != 0)) {
            return 0;
        }
        error = backend_lro_set(b, e->ifname, e->value != 0, err);
        if (!error) {
            log_change("restored %s: large-receive-offload %s", e->ifname,
                       e->value ? "on" : "off");
            summary_add(done, "%s LRO %s", e->ifname,
                        e->value ? "on" : "off");
        }
        return error;
    }
    case JOURNAL_LINK_UP:
        if (finish_replugs && !e->bounced) {
            return finish_replug(b, e, &state, opts, done, err);
        }
        if (state.admin_up) {
            return 0;
        }
        error = backend_link_set_up(b, e->ifname, true, err);
        if (!error) {
            log_change("restored %s: link up", e->ifname);
            summary_add(done, "%s up", e->ifname);
        }
        return error;
    case JOURNAL_LINK_MTU:
        if (state.mtu == e->value) {
            return 0;
        }
        error = backend_link_set_mtu(b, e->ifname, e->value, err);
        if (!error) {
            log_change("restored %s: MTU %u -> %u", e->ifname, state.mtu,
                       e->value);
            summary_add(done, "%s MTU %u -> %u", e->ifname, state.mtu,
                        e->value);
        }
        return error;
    case JOURNAL_OVS_MTU_REQUEST:
    case JOURNAL_LAYER_MAX:
    default:
        return 0;
    }
}

/* Makes sure 'b' has a live OVSDB connection: if it has none, or 'lost'
 * says the old one died, reconnects to opts->remote until 'deadline' (an
 * ovsdb-server that was restarted, by systemd or by hand, comes back). */
static int
reconnect(struct backend *b, bool lost, const struct apply_options *opts,
          long long deadline, struct error *err)
{
    if (backend_ovs_connected(b) && !lost) {
        return 0;
    }
    if (!opts->remote) {
        return error_set(err, -ENOTCONN, "OVSDB is not connected");
    }
    backend_ovs_disconnect(b);
    for (;;) {
        int error = backend_ovs_connect(b, opts->remote,
                                        ms_left(deadline) + 1, err);

        if (!error) {
            log_info("reconnected to OVSDB at %s", opts->remote);
            return 0;
        }
        if (ms_left(deadline) <= 0) {
            return error;
        }
        sleep_ms(RETRY_INTERVAL_MS);
    }
}

/* Commits 'changes' as one rollback transaction, with a budget of its own
 * of opts->timeout_ms, reconnecting while the connection is lost and time
 * remains.  Returns 0 once OVSDB has committed it, and says in
 * '*confirmedp' whether ovs-vswitchd also confirmed it (it may be stopped
 * or hung: a committed request is then applied when it runs again). */
static int
commit_restore(struct backend *b, const struct backend_mtu_change *changes,
               size_t n, const struct apply_options *opts, bool *confirmedp,
               struct error *err)
{
    long long deadline = now_ms() + opts->timeout_ms;
    bool lost = false;

    *confirmedp = false;
    for (;;) {
        bool committed = false;
        int error = reconnect(b, lost, opts, deadline, err);

        if (!error) {
            error = backend_ovs_set_mtu_requests(b, changes, n,
                                                 ROLLBACK_COMMENT,
                                                 ms_left(deadline) + 1,
                                                 &committed, err);
        }
        if (!error) {
            *confirmedp = true;
            return 0;
        }
        if (error == -ETIMEDOUT && committed) {
            log_warn("%s; the restored requests are committed to OVSDB and "
                     "ovs-vswitchd applies them when it runs again",
                     err->msg);
            error_clear(err);
            return 0;
        }
        if ((error == -ECONNRESET || error == -ENOTCONN
             || error == -ECONNREFUSED)
            && !committed && ms_left(deadline) > 0 && opts->remote) {
            lost = true;
            sleep_ms(RETRY_INTERVAL_MS);
            continue;
        }
        return error;
    }
}

/* Commits the 'n' rollback 'changes' (in the journal's order, which is the
 * order apply committed them in; 'tiers' holds each one's tier) one
 * transaction per run of one tier, the last run first, each confirmed by
 * ovs-vswitchd before the next: the reverse of apply's order (see
 * ovs_tier()), so that while a raise is undone the VIFs go down before
 * the tunnels, internal ports and uplinks under them.  Once one tier is
 * not confirmed (vswitchd stopped or hung), waiting for the others is
 * useless: they are committed in one last transaction, which vswitchd
 * applies in its own order when it runs again.  Sets '*confirmedp' to
 * whether every tier was confirmed, and on failure '*n_leftp' to how many
 * of 'changes', from the first, were not committed. */
static int
commit_restore_tiers(struct backend *b,
                     const struct backend_mtu_change *changes,
                     const int *tiers, size_t n,
                     const struct apply_options *opts, bool *confirmedp,
                     size_t *n_leftp, struct error *err)
{
    size_t end = n;

    *confirmedp = true;
    *n_leftp = 0;
    while (end > 0) {
        size_t start = end;
        bool confirmed;
        int error;

        while (start > 0 && (!*confirmedp
                             || tiers[start - 1] == tiers[end - 1])) {
            start--;
        }
        error = commit_restore(b, changes + start, end - start, opts,
                               &confirmed, err);
        if (error) {
            *n_leftp = end;
            return error;
        }
        *confirmedp = *confirmedp && confirmed;
        end = start;
    }
    return 0;
}

/* Restores every OVS entry of 'journal', tier by tier in reverse (see
 * commit_restore_tiers()).  A request that was set goes back
 * to its old value: once committed, vswitchd converges on it whatever it
 * had applied.  A request that was unset is first set to the old kernel MTU
 * (clearing alone leaves the kernel MTU where it is), and cleared only once
 * vswitchd has confirmed that: if it cannot confirm (stopped, hung), the
 * request stays at the old MTU, which is safe, the log says so, and the
 * entry is added to 'pending' for the next run to clear.  Rows
 * that no longer exist, or that this run never touched (no request where
 * there was none), are left alone; only real changes are made and
 * logged. */
/* The mtu_request of the row of 'e' in 'now', or 0. */
static unsigned int
cur_request(const struct host *now, const struct journal_entry *e)
{
    const struct host_ovs_iface *cur = host_find_ovs_iface(now, e->ifname,
                                                           NULL, NULL);

    return cur && cur->has_mtu_request ? cur->mtu_request : 0;
}

/* Adds to 'left' the OVS entries of 'journal', as left at their target. */
static void
left_ovs_entries(const struct journal *journal, struct summary *left)
{
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *o = &journal->entries[i];

        if (o->layer != JOURNAL_OVS_MTU_REQUEST) {
            continue;
        }
        if (o->has_target) {
            summary_add(left, "OVS %s mtu_request %u", o->ifname,
                        o->target);
        } else {
            summary_add(left, "OVS %s mtu_request", o->ifname);
        }
    }
}

static int
restore_ovs_entries(const struct journal *journal, struct backend *b,
                    const struct apply_options *opts, struct summary *done,
                    struct summary *left, struct journal *pending,
                    struct error *err)
{
    long long deadline = now_ms() + opts->timeout_ms;
    struct backend_mtu_change *sets, *clears;
    size_t n_sets = 0, n_clears = 0, n_entries = 0;
    int *set_tiers;
    const struct journal_entry **changed, **set_entries;
    size_t n_changed = 0;
    struct host *now = NULL;
    bool confirmed = true, settled = true;
    int error;

    for (size_t i = 0; i < journal->n_entries; i++) {
        n_entries += journal->entries[i].layer == JOURNAL_OVS_MTU_REQUEST;
    }
    if (!n_entries) {
        return 0;
    }

    /* What the rows look like now. */
    error = reconnect(b, false, opts, deadline, err);
    for (int tries = 0; !error; tries++) {
        now = host_create();
        error = backend_ovs_read(b, now, err);
        if (!error || tries || ms_left(deadline) <= 0) {
            break;
        }
        host_destroy(now);
        now = NULL;
        error = reconnect(b, true, opts, deadline, err);
    }
    if (error) {
        host_destroy(now);
        left_ovs_entries(journal, left);
        return error_prefix(err, error, "cannot restore mtu_request of %zu "
                            "OVS interface(s)", n_entries);
    }

    sets = xzalloc(n_entries * sizeof *sets);
    set_tiers = xzalloc(n_entries * sizeof *set_tiers);
    clears = xzalloc(n_entries * sizeof *clears);
    /* An array of pointers.
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    changed = xzalloc(n_entries * sizeof *changed);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression) */
    set_entries = xzalloc(n_entries * sizeof *set_entries);
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];
        const struct host_ovs_iface *cur;

        if (e->layer != JOURNAL_OVS_MTU_REQUEST) {
            continue;
        }
        cur = host_find_ovs_iface(now, e->ifname, NULL, NULL);
        if (!cur) {
            log_change("restore: OVS interface %s no longer exists, "
                       "nothing to put back", e->ifname);
            summary_add(done, "%s gone", e->ifname);
            continue;
        }
        if (e->had_request) {
            if (cur->has_mtu_request && cur->mtu_request == e->value) {
                continue;
            }
            sets[n_sets].ifname = e->ifname;
            sets[n_sets].set = true;
            sets[n_sets].mtu = e->value;
            set_entries[n_sets] = e;
            set_tiers[n_sets++] = e->tier;
        } else {
            if (!cur->has_mtu_request) {
                continue;       /* This run's request never landed. */
            }
            if (e->kernel_mtu && cur->mtu_request == e->kernel_mtu
                && (now->ovs_cur_cfg < now->ovs_next_cfg || !cur->has_mtu
                    || cur->mtu != e->kernel_mtu)) {
                /* Already at the old MTU (a rollback left it so), but
                 * vswitchd has not applied it yet: an unchanged request
                 * commits nothing to wait for, so nothing confirms it. */
                settled = false;
            }
            if (e->kernel_mtu) {
                sets[n_sets].ifname = e->ifname;
                sets[n_sets].set = true;
                sets[n_sets].mtu = e->kernel_mtu;
                set_entries[n_sets] = e;
                set_tiers[n_sets++] = e->tier;
            }
            clears[n_clears].ifname = e->ifname;
            clears[n_clears].set = false;
            n_clears++;
        }
        changed[n_changed++] = e;
    }
    if (n_sets) {
        size_t n_left;

        error = commit_restore_tiers(b, sets, set_tiers, n_sets, opts,
                                     &confirmed, &n_left, err);
        /* Exactly what stays where: the tiers committed before the failure
         * are back, the others at the new MTU. */
        for (size_t k = n_sets; error && k-- > 0;) {
            const struct journal_entry *e = set_entries[k];

            if (k >= n_left) {
                summary_add(done, "%s mtu_request %u%s", e->ifname,
                            sets[k].mtu, e->had_request ? ""
                            : " (was unset; not cleared yet)");
            }
        }
        for (size_t k = 0; error && k < n_left; k++) {
            const struct journal_entry *e = set_entries[k];

            summary_add(left, "OVS %s mtu_request %u", e->ifname,
                        e->has_target ? e->target : cur_request(now, e));
        }
    }
    confirmed = confirmed && settled;
    if (!error && n_clears && confirmed) {
        bool clear_confirmed;

        /* The kernel is back at the old MTU: clearing moves nothing, so
         * whether vswitchd confirms it does not matter. */
        error = commit_restore(b, clears, n_clears, opts, &clear_confirmed,
                               err);
        for (size_t k = 0; error && k < n_sets; k++) {
            summary_add(done, "%s mtu_request %u", set_entries[k]->ifname,
                        sets[k].mtu);
        }
        for (size_t k = 0; error && k < n_clears; k++) {
            summary_add(left, "OVS %s mtu_request set (it was unset before; "
                        "the old MTU is back)", clears[k].ifname);
        }
    }
    for (size_t i = 0; !error && i < n_changed; i++) {
        const struct journal_entry *e = changed[i];

        if (e->had_request) {
            log_change("restored %s: mtu_request %u", e->ifname, e->value);
            summary_add(done, "%s mtu_request %u", e->ifname, e->value);
        } else if (confirmed) {
            log_change("restored %s: MTU %u, mtu_request unset", e->ifname,
                       e->kernel_mtu);
            summary_add(done, "%s MTU %u (mtu_request unset)", e->ifname,
                        e->kernel_mtu);
        } else {
            struct journal_entry clear = *e;

            if (e->kernel_mtu) {
                log_warn("restored %s: mtu_request %u, which was unset "
                         "before: ovs-vswitchd did not confirm the old MTU, "
                         "so the request stays until it has; the journal "
                         "keeps it and the next run clears it", e->ifname,
                         e->kernel_mtu);
                summary_add(done, "%s mtu_request %u (was unset; left set "
                            "until ovs-vswitchd runs)", e->ifname,
                            e->kernel_mtu);
            } else {
                /* No kernel device (DPDK, vhost-user): no old MTU to set,
                 * and the clear waits for vswitchd like the others. */
                log_warn("%s: its mtu_request, unset before, is not cleared "
                         "yet: ovs-vswitchd did not confirm the rollback; "
                         "the journal keeps it and the next run clears it",
                         e->ifname);
                summary_add(done, "%s mtu_request (was unset; left set "
                            "until ovs-vswitchd runs)", e->ifname);
            }
            /* The next run puts back "unset": no target to finish. */
            clear.has_target = false;
            journal_add(pending, &clear);
        }
    }
    free(sets);
    free(set_entries);
    free(set_tiers);
    free(clears);
    free(changed);
    host_destroy(now);
    return error;
}

/* Puts back, in reverse order, the entries of 'journal'.  The entries are
 * in the order they were applied; the OVS ones were all applied at the place
 * of the first of them.  Returns 0 if everything was restored. */
static int
restore_journal(const struct journal *journal, struct backend *b,
                const struct apply_options *opts, bool finish_replugs,
                struct summary *done, struct summary *left,
                struct journal *pending, struct error *err)
{
    size_t ovs_pos = journal->n_entries;
    int first_error = 0;
    struct error e_err;

    for (size_t i = 0; i < journal->n_entries; i++) {
        if (journal->entries[i].layer == JOURNAL_OVS_MTU_REQUEST) {
            ovs_pos = i;
            break;
        }
    }
    /* The pending replugs first, in the plan's order, as the interrupted
     * run would have made them. */
    for (size_t i = 0; finish_replugs && i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];
        int error;

        if (e->layer != JOURNAL_LINK_UP || e->bounced) {
            continue;
        }
        error_clear(&e_err);
        error = restore_kernel_entry(b, e, true, opts, done, &e_err);
        if (error) {
            log_warn("recovery: %s", e_err.msg);
            return error_set(err, error, "%s", e_err.msg);
        }
    }
    for (size_t i = journal->n_entries; i-- > 0;) {
        const struct journal_entry *e = &journal->entries[i];
        int error = 0;

        if (finish_replugs && e->layer == JOURNAL_LINK_UP && !e->bounced) {
            continue;           /* Made above. */
        }
        error_clear(&e_err);
        if (e->layer == JOURNAL_OVS_MTU_REQUEST) {
            if (i == ovs_pos) {
                error = restore_ovs_entries(journal, b, opts, done, left,
                                            pending, &e_err);
            }
        } else {
            error = restore_kernel_entry(b, e, finish_replugs, opts, done,
                                         &e_err);
        }
        if (error) {
            log_warn("rollback: %s", e_err.msg);
            first_error = error;
            error_set(err, error, "%s", e_err.msg);
            /* Stop here: what is left is a prefix of the plan, which is
             * safe (a lower device never below its uppers), and the kept
             * journal puts it back on the next run.  Going on would lower
             * the lower devices of what could not be put back. */
            for (size_t j = i; j-- > 0;) {
                const struct journal_entry *o = &journal->entries[j];

                if (o->layer == JOURNAL_LINK_MTU) {
                    summary_add(left, "%s MTU %u", o->ifname, o->target
                                ? o->target : o->value);
                }
            }
            break;
        }
    }
    return first_error;
}

/* Rolls back, after the failure described in 'err', what 'applied' lists
 * (what this run changed or may have changed, in order), and rewrites 'err'
 * to say what failed, what was put back and what to do.  Sets
 * '*rolled_backp'.  Returns the original error code. */
static int
roll_back(const struct journal *applied, struct backend *b,
          const struct apply_options *opts, bool *rolled_backp,
          struct error *err)
{
    struct summary done = { "", 0 };
    struct summary left = { "", 0 };
    struct journal *pending = journal_create();
    char failure[sizeof err->msg];
    int code = err->code ? err->code : -EIO;
    struct error r_err;
    int error;

    copy_string(failure, err->msg, sizeof failure);
    log_warn("%s; rolling back", failure);
    error_clear(&r_err);
    *rolled_backp = false;
    if (restore_journal(applied, b, opts, false, &done, &left, pending,
                        &r_err)) {
        struct journal *rest = journal_create();
        struct error w_err;

        /* The next run puts back all of it, even under the same policy:
         * this run's change failed, it is no change to finish. */
        rest->pid = applied->pid;
        rest->started = applied->started;
        for (size_t i = 0; i < applied->n_entries; i++) {
            journal_add(rest, &applied->entries[i]);
        }
        error_clear(&w_err);
        if (journal_write(opts->state_dir, rest, &w_err)) {
            log_warn("%s", w_err.msg);
        }
        journal_destroy(rest);
        journal_destroy(pending);
        if (left.text[0]) {
            /* Loud: the host is between states until the next run. */
            log_warn("the host is between states: %s left at the new MTU, "
                     "while the rest was put back (%s): the rollback stops "
                     "at the first value it cannot put back (%s), so that "
                     "no lower device is left below its upper; run "
                     "jumboagent again once ovsdb-server is back or the "
                     "cause is fixed", summary_text(&left, "nothing"),
                     summary_text(&done, "nothing"), r_err.msg);
            return error_set(err, code, "rollback incomplete, the host is "
                             "between states: %s left at the new MTU, while "
                             "put back: %s; run jumboagent again once "
                             "ovsdb-server is back or the cause is fixed: "
                             "the journal %s/%s is "
                             "kept and the next run restores it first; "
                             "could not restore: %s; failure: %s",
                             summary_text(&left, "nothing"),
                             summary_text(&done, "nothing"),
                             opts->state_dir, journal_file_name(),
                             r_err.msg, failure);
        }
        return error_set(err, code, "rollback incomplete: the journal "
                         "%s/%s is kept and the next run restores it first "
                         "(or restore its values by hand and remove it); "
                         "could not restore: %s; failure: %s; restored: %s",
                         opts->state_dir, journal_file_name(), r_err.msg,
                         failure, summary_text(&done, "nothing"));
    }
    error = (pending->n_entries
             ? journal_write(opts->state_dir, pending, &r_err)
             : journal_remove(opts->state_dir, &r_err));
    if (error) {
        journal_destroy(pending);
        return error_set(err, code, "%s; rolled back (%s), but %s: remove it "
                         "by hand, or the next run restores its values "
                         "again", failure,
                         summary_text(&done, "nothing had changed"),
                         r_err.msg);
    }
    *rolled_backp = true;
    if (pending->n_entries) {
        journal_destroy(pending);
        return error_set(err, code, "%s; rolled back: %s; the journal %s/%s "
                         "keeps the request(s) that were unset before, and "
                         "the next run clears them once ovs-vswitchd has "
                         "applied the old MTU", failure,
                         summary_text(&done, "nothing had changed"),
                         opts->state_dir, journal_file_name());
    }
    journal_destroy(pending);
    return error_set(err, code, "%s; rolled back, nothing is left changed: "
                     "%s", failure,
                     summary_text(&done, "nothing had changed"));
}

/* Checks the OVS layers of 'step': Interface.mtu reaches the request (the
 * status column lags cur_cfg a little), and no Interface.error. */
static int
verify_ovs_step(const struct plan_step *step, struct backend *b,
                int timeout_ms, struct error *err)
{
    unsigned int seen = 0;
    int error;

    error = backend_ovs_wait_mtu(b, step->ifname, step->to_mtu, timeout_ms,
                                 &seen, err);
    if (error == -ETIMEDOUT) {
        struct host *now = host_create();
        const struct host_ovs_iface *iface = NULL;

        if (!backend_ovs_read(b, now, NULL)) {
            iface = host_find_ovs_iface(now, step->ifname, NULL, NULL);
        }
        if (iface && (iface->error[0]
                      || (iface->has_ofport && iface->ofport < 0))) {
            error_set(err, error, "verify: OVS interface '%s' has error "
                      "\"%s\" (ofport %lld): fix or remove the port (ovs-vsctl "
                      "del-port %s)", step->ifname,
                      iface->error[0] ? iface->error : "none",
                      iface->ofport, step->ifname);
        } else {
            error_set(err, error, "verify: OVS interface '%s' reports mtu %u "
                      "after mtu_request %u: ovs-vswitchd did not apply it "
                      "(look for 'failed to set MTU' in ovs-vswitchd.log; "
                      "the device may not take that MTU)", step->ifname,
                      seen, step->to_mtu);
        }
        host_destroy(now);
    } else if (error) {
        error_prefix(err, error, "verify of '%s'", step->ifname);
    }
    return error;
}

/* Checks the kernel MTU of the 'n' steps of 'plan' at the indexes in
 * 'which' (each of them a step with a kernel link), with one read of all
 * their links (backend_link_get_mtus()). */
static int
verify_kernel_mtus(const struct plan *plan, const size_t *which, size_t n,
                   struct backend *b, struct error *err)
{
    const char **names = xzalloc((n ? n : 1) * sizeof *names);
    unsigned int *mtus = xzalloc((n ? n : 1) * sizeof *mtus);
    int *errors = xzalloc((n ? n : 1) * sizeof *errors);
    int error;

    for (size_t k = 0; k < n; k++) {
        names[k] = plan->steps[which[k]].ifname;
    }
    error = backend_link_get_mtus(b, names, n, mtus, errors, err);
    for (size_t k = 0; k < n && !error; k++) {
        const struct plan_step *step = &plan->steps[which[k]];

        if (errors[k] == -ENODEV && step->role == ROLE_VIF) {
            log_info("%s: the VIF disappeared during the run (its VM "
                     "stopped?); not verified", step->ifname);
        } else if (errors[k]) {
            error = error_set(err, errors[k], "verify: cannot read the "
                              "kernel MTU of '%s': %s; it was there when "
                              "the run began: look for who removed it",
                              step->ifname, strerror(-errors[k]));
        } else if (mtus[k] != step->to_mtu && is_ovs_step(step)) {
            error = error_set(err, -EIO, "verify: OVS interface '%s' has "
                              "kernel MTU %u after mtu_request %u, and "
                              "ovs-vswitchd has applied the configuration "
                              "(cur_cfg): it did not set it (look for "
                              "'failed to set MTU' in ovs-vswitchd.log; the "
                              "device may not take that MTU)", step->ifname,
                              mtus[k], step->to_mtu);
        } else if (mtus[k] != step->to_mtu) {
            error = error_set(err, -EIO, "verify: kernel MTU of '%s' is %u, "
                              "expected %u", step->ifname, mtus[k],
                              step->to_mtu);
        }
    }
    free(names);
    free(mtus);
    free(errors);
    return error;
}

/* Checks the OVSDB rows of the OVS steps of 'plan', with one read: each
 * has its mtu_request at the target and no Interface.error.  A VIF whose
 * row is gone (its VM stopped) is logged and marked in 'gone' (indexed
 * like the steps), not an error. */
static int
verify_ovs_rows(const struct plan *plan, struct backend *b, bool *gone,
                struct error *err)
{
    struct host *now = host_create();
    int error = backend_ovs_read(b, now, err);

    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];
        const struct host_ovs_iface *iface;

        if (!is_ovs_step(step)) {
            continue;
        }
        iface = host_find_ovs_iface(now, step->ifname, NULL, NULL);
        if (!iface && step->role == ROLE_VIF) {
            log_info("%s: the VIF disappeared during the run (its VM "
                     "stopped?); not verified", step->ifname);
            gone[i] = true;
        } else if (!iface) {
            error = error_set(err, -ENOENT, "verify: OVS interface '%s' is "
                              "gone", step->ifname);
        } else if (iface->error[0]) {
            error = error_set(err, -EIO, "verify: OVS interface '%s' has "
                              "error \"%s\"", step->ifname, iface->error);
        } else if (!iface->has_mtu_request
                   || iface->mtu_request != step->to_mtu) {
            error = error_set(err, -EIO, "verify: OVS interface '%s' has "
                              "mtu_request %u, expected %u (another client "
                              "changed it?)", step->ifname,
                              iface->mtu_request, step->to_mtu);
        }
    }
    host_destroy(now);
    return error;
}

/* Checks that every layer of every step took the change.  The OVS steps
 * were committed and ovs-vswitchd has applied them (cur_cfg, waited for by
 * the commit).  First, where an OVS interface has no kernel device (DPDK,
 * vhost-user), its Interface.mtu must reach the target.  Then one read of
 * OVSDB checks the mtu_request and Interface.error of every row touched.
 * Last, one link dump checks the kernel MTU of every other step, kernel
 * and OVS ones: for an OVS interface with a kernel device that is what
 * proves the change, and Interface.mtu, ovs-vswitchd's copy of it, is not
 * waited for (ovs-vswitchd publishes it later: at 2000 VIFs, 1.5 s after
 * cur_cfg). */
static int
verify_steps(const struct plan *plan, const struct host *host,
             struct backend *b, int timeout_ms, struct error *err)
{
    size_t n = plan->n_steps ? plan->n_steps : 1;
    size_t *kernel = xzalloc(n * sizeof *kernel);
    bool *gone = xzalloc(n * sizeof *gone);
    bool any_ovs = false;
    size_t n_kernel = 0;
    int error = 0;

    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];

        any_ovs = any_ovs || is_ovs_step(step);
        if (is_ovs_step(step) && !host_find_link(host, step->ifname)) {
            error = verify_ovs_step(step, b, timeout_ms, err);
            if (error == -ENOENT && step->role == ROLE_VIF) {
                error = 0;      /* verify_ovs_rows() logs it. */
            }
        }
    }
    if (!error && any_ovs && backend_ovs_connected(b)) {
        error = verify_ovs_rows(plan, b, gone, err);
    }
    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];

        if (is_ovs_step(step)
            ? !gone[i] && host_find_link(host, step->ifname)
            : step->action == PLAN_SET_LINK_MTU) {
            kernel[n_kernel++] = i;
        }
    }
    if (!error) {
        error = verify_kernel_mtus(plan, kernel, n_kernel, b, err);
    }
    free(kernel);
    free(gone);
    return error;
}

/* Waits until 'ifname' is operationally up again, for at most
 * 'timeout_ms' (on link events, not by polling); 'mtu' is for the
 * message. */
static int
wait_carrier(struct backend *b, const char *ifname, unsigned int mtu,
             int timeout_ms, struct error *err)
{
    int error = backend_link_wait_carrier(b, ifname, timeout_ms, err);

    if (error == -ETIMEDOUT) {
        return error_set(err, -ETIMEDOUT, "%s did not come back up "
                         "within %d ms after the replug: check its "
                         "cable and that the switch port accepts MTU "
                         "%u", ifname, timeout_ms, mtu);
    }
    return error;
}

/* Records in 'journal' (and on disk in 'state_dir' if 'write') that the
 * replug of 'ifname' was made, so that a run killed after it does not make
 * it again.  Without 'write', the next replug's journal write, made before
 * that link goes down, carries the mark: one fsync'd write per replug
 * instead of two.  A failed write is only logged: the next run would bounce
 * the link once more, which is safe, and the journal is removed at the end
 * anyway. */
static void
mark_bounced(struct journal *journal, const char *ifname,
             const char *state_dir, bool write)
{
    struct error w_err;

    for (size_t i = 0; i < journal->n_entries; i++) {
        struct journal_entry *e = &journal->entries[i];

        if (e->layer == JOURNAL_LINK_UP && !strcmp(e->ifname, ifname)) {
            e->bounced = true;
        }
    }
    error_clear(&w_err);
    if (write && journal_update(state_dir, journal, &w_err)) {
        log_warn("%s; a run killed before this one ends bounces %s once "
                 "more", w_err.msg, ifname);
    }
}

/* Makes the replug steps of 'plan' (the planner puts them after every
 * other step), in order, one link at a time, each back up with carrier
 * before the next (so a bond keeps a live member).  'journal' has each of
 * them as pending from the start, and is written again before each (so
 * that a full disk stops the run before a link goes down, and so that it
 * carries the previous one's mark "made") and after the last (marked made):
 * a run killed mid-replug leaves nothing down, and the next run bounces the
 * ones still pending (and, killed between two replugs, the one just made
 * once more, which is safe).  These writes only carry "made" marks (the
 * entries are on disk from the start), so they are journal_update()s: a
 * power loss that loses one costs a second bounce, which is safe too. */
static int
replug_steps(const struct plan *plan, const struct host *host,
             struct backend *b, struct journal *journal,
             struct journal *applied, const struct apply_options *opts,
             struct error *err)
{
    size_t last = SIZE_MAX;     /* Index of the last replug step. */

    for (size_t i = 0; i < plan->n_steps; i++) {
        if (plan->steps[i].action == PLAN_REPLUG) {
            last = i;
        }
    }
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];
        int error;

        if (step->action != PLAN_REPLUG) {
            continue;
        }
        error = check_stop_request(opts, err);
        if (error) {
            return error;
        }
        journal_step(journal, host, step);
        error = journal_update(opts->state_dir, journal, err);
        if (!error) {
            journal_step(applied, host, step);
        }
        if (!error) {
            error = backend_link_set_up(b, step->ifname, false, err);
        }
        if (!error) {
            error = backend_link_set_up(b, step->ifname, true, err);
        }
        if (!error) {
            error = wait_carrier(b, step->ifname, step->to_mtu,
                                 opts->timeout_ms, err);
        }
        if (error) {
            return error_prefix(err, error, "replug of '%s' (step %zu)",
                                step->ifname, i + 1);
        }
        log_change("%s: replugged (down/up) at MTU %u (%s)", step->ifname,
                   step->to_mtu, step->reason);
        mark_bounced(journal, step->ifname, opts->state_dir, i == last);
    }
    return 0;
}

/* Logs the OVS changes of 'plan', once they are committed. */
static void
log_ovs_steps(const struct plan *plan)
{
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];
        char from[16] = "unset";

        if (!is_ovs_step(s)) {
            continue;
        }
        if (s->from_set) {
            snprintf(from, sizeof from, "%u", s->from_mtu);
        }
        log_change("%s: mtu_request %s -> %u (%s)", s->ifname, from,
                   s->to_mtu, s->reason);
    }
}

/* Commits the OVS steps of 'plan' ('changes') as one transaction and waits
 * for ovs-vswitchd.  A VIF whose row vanished since the host was read (its
 * VM stopped) makes OVSDB refuse the whole transaction, with nothing
 * committed: it is dropped, and the rest is committed once more. */
static int
commit_ovs_block(const struct plan *plan, struct backend *b,
                 const struct backend_mtu_change *changes, size_t n_changes,
                 const struct apply_options *opts, struct error *err)
{
    struct backend_mtu_change *kept;
    bool fatal = false;
    struct host *now;
    size_t n_kept = 0;
    int error;

    error = backend_ovs_set_mtu_requests(b, changes, n_changes,
                                         APPLY_COMMENT, opts->timeout_ms,
                                         NULL, err);
    if (error != -ENOENT) {
        return error;
    }
    now = host_create();
    if (backend_ovs_read(b, now, NULL)) {
        host_destroy(now);
        return error;
    }
    kept = xzalloc(n_changes * sizeof *kept);
    for (size_t i = 0; i < n_changes && !fatal; i++) {
        bool vif = false;

        for (size_t j = 0; j < plan->n_steps; j++) {
            if (is_ovs_step(&plan->steps[j])
                && !strcmp(plan->steps[j].ifname, changes[i].ifname)) {
                vif = plan->steps[j].role == ROLE_VIF;
            }
        }
        if (host_find_ovs_iface(now, changes[i].ifname, NULL, NULL)) {
            kept[n_kept++] = changes[i];
        } else if (vif) {
            log_info("%s: the VIF disappeared before the change (its VM "
                     "stopped?); left out", changes[i].ifname);
        } else {
            fatal = true;       /* Not a VIF: keep the error. */
        }
    }
    if (!fatal) {
        error_clear(err);
        error = (n_kept
                 ? backend_ovs_set_mtu_requests(b, kept, n_kept,
                                                APPLY_COMMENT,
                                                opts->timeout_ms, NULL, err)
                 : 0);
    }
    free(kept);
    host_destroy(now);
    return error;
}

/* The tier of an OVS step of role 'role': ovs-vswitchd applies the
 * mtu_request changes of one transaction in an order of its own (measured
 * in the lab: with one transaction, VIFs reached 9000 before their uplink
 * in every run, within 1 ms), so apply commits the plan's OVS block as one
 * transaction per tier, in the plan's order, each confirmed (cur_cfg)
 * before the next: lower devices, then the bridges' own ports, then
 * tunnels, then VIFs. */
static int
ovs_tier(enum plan_role role)
{
    switch (role) {
    case ROLE_MEMBER:
    case ROLE_UPLINK:
    case ROLE_BOND:
    case ROLE_HOST:
        return 0;
    case ROLE_BRIDGE:
    case ROLE_INTERNAL:
    case ROLE_VLAN:
        return 1;
    case ROLE_OVERLAY:
        return 2;
    case ROLE_VIF:
    case PLAN_ROLE_MAX:
    default:
        return 3;
    }
}

/* Commits the 'n_changes' OVS 'changes' of 'plan' (its OVS steps, in
 * order) tier by tier (see ovs_tier()). */
static int
commit_ovs_tiers(const struct plan *plan, struct backend *b,
                 const struct backend_mtu_change *changes, size_t n_changes,
                 const struct apply_options *opts, struct error *err)
{
    size_t start = 0, k = 0;
    int tier = -1;

    for (size_t i = 0; i < plan->n_steps && k < n_changes; i++) {
        const struct plan_step *step = &plan->steps[i];
        int error;

        if (!is_ovs_step(step)) {
            continue;
        }
        if (tier >= 0 && ovs_tier(step->role) != tier) {
            error = commit_ovs_block(plan, b, changes + start, k - start,
                                     opts, err);
            if (error) {
                return error;
            }
            start = k;
        }
        tier = ovs_tier(step->role);
        k++;
    }
    return (k > start
            ? commit_ovs_block(plan, b, changes + start, k - start, opts, err)
            : 0);
}

/* Carries out the steps of 'plan' in order; the OVS ones, at the place of
 * the first, one transaction per tier (see ovs_tier()).  Adds to 'applied' what each step
 * changed or may have changed (before trying it). */
static int
execute_steps(const struct plan *plan, const struct host *host,
              struct backend *b, const struct backend_mtu_change *changes,
              size_t n_changes, const struct apply_options *opts,
              struct journal *applied, struct error *err)
{
    bool ovs_done = false;
    int error = 0;

    for (size_t i = 0; i < plan->n_steps && !error; i++) {
        const struct plan_step *step = &plan->steps[i];

        error = check_stop_request(opts, err);
        if (error) {
            break;
        }
        switch (step->action) {
        case PLAN_SET_MTU_REQUEST:
            if (ovs_done) {
                break;
            }
            ovs_done = true;
            for (size_t j = i; j < plan->n_steps; j++) {
                if (is_ovs_step(&plan->steps[j])) {
                    journal_step(applied, host, &plan->steps[j]);
                }
            }
            error = commit_ovs_tiers(plan, b, changes, n_changes, opts,
                                     err);
            if (!error) {
                log_ovs_steps(plan);
            }
            break;
        case PLAN_SET_LINK_MTU:
            journal_step(applied, host, step);
            error = backend_link_set_mtu(b, step->ifname, step->to_mtu, err);
            if (!error) {
                log_change("%s: MTU %u -> %u (%s)", step->ifname,
                           step->from_mtu, step->to_mtu, step->reason);
            }
            break;
        case PLAN_DISABLE_LRO:
            journal_step(applied, host, step);
            error = backend_lro_set(b, step->ifname, false, err);
            if (!error) {
                log_change("%s: large-receive-offload on -> off (%s)",
                           step->ifname, step->reason);
            }
            break;
        case PLAN_REPLUG:
            break;              /* After verify: replug_steps(). */
        case PLAN_ACTION_MAX:
        default:
            error = error_set(err, -EINVAL, "internal error: step %zu "
                              "(%s of %s) is not a step a plan has; nothing "
                              "after it was done", i + 1,
                              plan_action_to_string(step->action),
                              step->ifname);
            break;
        }
    }
    return error;
}

/* True if the OVS steps of 'plan' are contiguous: apply commits them in one
 * transaction at the place of the first, so the printed order is the
 * executed order only then.  The planner guarantees it. */
static bool
ovs_steps_contiguous(const struct plan *plan)
{
    size_t first = SIZE_MAX, last = 0, n = 0;

    for (size_t i = 0; i < plan->n_steps; i++) {
        if (is_ovs_step(&plan->steps[i])) {
            first = first == SIZE_MAX ? i : first;
            last = i;
            n++;
        }
    }
    return !n || last - first + 1 == n;
}

/* Returns the index of the first replug step of 'plan' that is out of
 * place, or SIZE_MAX if there is none: apply makes the replug steps after
 * verifying all others, so they must come last, and none may be on the
 * management path of 'host' (the planner never puts one there). */
static size_t
misplaced_replug(const struct plan *plan, const struct host *host)
{
    bool seen = false;

    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];

        if (step->action == PLAN_REPLUG) {
            seen = true;
            if (host_management_path(host, step->ifname)) {
                return i;
            }
        } else if (seen) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* After the gate failed (its message in 'err', code 'error') with
 * --no-rollback: removes the journal and rewrites 'err' to say what failed
 * and exactly what stays where (each change of 'plan', with its value
 * before), and how to undo it. */
static void
keep_changes(const struct plan *plan, const struct apply_options *opts,
             int error, struct error *err)
{
    struct summary kept = { "", 0 };
    char failure[sizeof err->msg];
    struct error r_err;

    copy_string(failure, err->msg, sizeof failure);
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *s = &plan->steps[i];

        switch (s->action) {
        case PLAN_SET_MTU_REQUEST:
            if (s->from_set) {
                summary_add(&kept, "OVS %s mtu_request %u (was %u)",
                            s->ifname, s->to_mtu, s->from_mtu);
            } else {
                summary_add(&kept, "OVS %s mtu_request %u (was unset)",
                            s->ifname, s->to_mtu);
            }
            break;
        case PLAN_SET_LINK_MTU:
            summary_add(&kept, "%s MTU %u (was %u)", s->ifname, s->to_mtu,
                        s->from_mtu);
            break;
        case PLAN_DISABLE_LRO:
            summary_add(&kept, "%s LRO off (was on)", s->ifname);
            break;
        case PLAN_REPLUG:
        case PLAN_ACTION_MAX:
        default:
            break;
        }
    }
    error_clear(&r_err);
    if (journal_remove(opts->state_dir, &r_err)) {
        error_set(err, error, "%s; the changes are kept (--no-rollback): "
                  "%s; but %s: remove it by hand, or the next run puts "
                  "those values back", failure,
                  summary_text(&kept, "none"), r_err.msg);
        return;
    }
    error_set(err, error, "%s; the changes are kept (--no-rollback): %s; "
              "to undo them, set those values back by hand or apply a "
              "policy with the old MTU", failure,
              summary_text(&kept, "none"));
}

int
apply_plan(const struct plan *plan, const struct host *host,
           struct backend *b, const struct apply_options *opts,
           bool *rolled_backp, struct error *err)
{
    struct backend_mtu_change *changes;
    struct journal *journal, *applied;
    size_t n_changes = 0;
    int error;

    *rolled_backp = false;
    if (!plan->n_steps) {
        return 0;
    }
    if (!ovs_steps_contiguous(plan)) {
        return error_set(err, -EINVAL, "internal error: the plan's OVS "
                         "steps are not contiguous, so one OVSDB transaction "
                         "cannot follow the plan's order; nothing was "
                         "changed; please report this with the output of "
                         "--dry-run");
    }
    if (misplaced_replug(plan, host) != SIZE_MAX) {
        return error_set(err, -EINVAL, "internal error: step %zu of the plan "
                         "has a replug step before it or is a replug on the "
                         "management path; nothing was changed; please "
                         "report this with the output of --dry-run",
                         misplaced_replug(plan, host) + 1);
    }
    journal = journal_create();
    if (opts->policy) {
        copy_string(journal->policy, opts->policy->digest,
                    sizeof journal->policy);
    }
    applied = journal_create();
    changes = xzalloc(plan->n_steps * sizeof *changes);
    for (size_t i = 0; i < plan->n_steps; i++) {
        const struct plan_step *step = &plan->steps[i];

        /* The replug steps too, as pending: a run killed before it made
         * them leaves them to the next one. */
        journal_step(journal, host, step);
        if (is_ovs_step(step)) {
            changes[n_changes].ifname = step->ifname;
            changes[n_changes].set = true;
            changes[n_changes].mtu = step->to_mtu;
            n_changes++;
        }
    }
    if (n_changes && !backend_ovs_connected(b)) {
        error = error_set(err, -ENOTCONN, "the plan changes %zu OVS "
                          "interface(s) but OVSDB is not connected; nothing "
                          "was changed", n_changes);
        goto out;
    }
    error = journal_check_dir(opts->state_dir, err);
    if (!error) {
        error = journal_write(opts->state_dir, journal, err);
    }
    if (error) {
        /* Before the first change: the host is as it was. */
        char msg[sizeof err->msg];

        copy_string(msg, err->msg, sizeof msg);
        error_set(err, error, "%s; nothing was changed", msg);
        goto out;
    }

    error = execute_steps(plan, host, b, changes, n_changes, opts, applied,
                          err);
    if (!error) {
        error = check_stop_request(opts, err);
    }
    if (!error) {
        error = verify_steps(plan, host, b, opts->timeout_ms, err);
    }
    if (!error) {
        error = replug_steps(plan, host, b, journal, applied, opts, err);
    }
    if (!error && opts->gate) {
        /* Until the gate passes, the change is not the policy's to keep: a
         * run killed during it is put back whole by the next one. */
        journal_forget_policy(journal);
        error = journal_write(opts->state_dir, journal, err);
    }
    if (!error && opts->gate) {
        error = opts->gate(opts->gate_aux, err);
        if (error && opts->gate_keeps_changes) {
            keep_changes(plan, opts, error, err);
            goto out;
        }
    }
    if (error) {
        error = roll_back(applied, b, opts, rolled_backp, err);
        /* "Rolled back" (exit 5) only if something had been changed. */
        *rolled_backp = *rolled_backp && applied->n_entries;
        goto out;
    }
    error = journal_remove(opts->state_dir, err);
    if (error) {
        *rolled_backp = false;
        error_prefix(err, error, "every step was applied and verified, but "
                     "the journal could not be removed; remove it by hand, or "
                     "the next run restores the old values");
    }

out:
    free(changes);
    journal_destroy(applied);
    journal_destroy(journal);
    return error;
}

/* True if the entry 'e' of a journal is at its target and verified on the
 * host behind 'b': a kernel MTU at the target; LRO off; a link up; an OVS
 * interface whose mtu_request, Interface.mtu and kernel MTU (if it has a
 * kernel device) are all at the target, without Interface.error.  'ovs' is
 * the OVS state read from 'b', or NULL if it could not be read. */
static bool
entry_at_target(const struct journal_entry *e, struct backend *b,
                const struct host *ovs)
{
    struct backend_link_state state;
    const struct host_ovs_iface *iface;
    bool have_link = !backend_link_get_state(b, e->ifname, &state, NULL);
    enum lro_state lro;

    switch (e->layer) {
    case JOURNAL_LINK_MTU:
        return have_link && state.mtu == e->target;
    case JOURNAL_LRO:
        return (!backend_lro_get(b, e->ifname, &lro, NULL)
                && (lro == LRO_OFF || lro == LRO_FIXED_OFF) && !e->target);
    case JOURNAL_LINK_UP:
        /* Up is not enough: a replug journaled but not made yet is not at
         * its target. */
        return have_link && state.admin_up && e->bounced;
    case JOURNAL_OVS_MTU_REQUEST:
        iface = ovs ? host_find_ovs_iface(ovs, e->ifname, NULL, NULL) : NULL;
        if (!iface || iface->error[0] || !iface->has_mtu_request
            || iface->mtu_request != e->target) {
            return false;
        }
        /* As verify_steps() judges it: the kernel MTU where the interface
         * has a kernel device, Interface.mtu (ovs-vswitchd's later copy of
         * it) only where it has none. */
        return (e->kernel_mtu
                ? have_link && state.mtu == e->target
                : iface->has_mtu && iface->mtu == e->target);
    case JOURNAL_LAYER_MAX:
    default:
        return false;
    }
}

/* In 'revert', the part of a journal that a recovery puts back, marks as
 * made the pending replugs of links whose MTU is put back too: the plan of
 * the run changes that MTU again, with its replug step if one is asked
 * for, so the recovery only brings the link up.  The others (their MTU
 * held at the target) are bounced by the recovery: no plan would. */
static void
leave_replugs_to_plan(struct journal *revert)
{
    for (size_t i = 0; i < revert->n_entries; i++) {
        struct journal_entry *up = &revert->entries[i];

        for (size_t j = 0; up->layer == JOURNAL_LINK_UP && !up->bounced
                           && j < revert->n_entries; j++) {
            const struct journal_entry *mtu = &revert->entries[j];

            if ((mtu->layer == JOURNAL_LINK_MTU
                 || mtu->layer == JOURNAL_OVS_MTU_REQUEST)
                && !strcmp(mtu->ifname, up->ifname)) {
                up->bounced = true;
            }
        }
    }
}

/* Splits the journal 'journal' of an interrupted run, if it is of the
 * policy that 'opts' applies now (same digest, targets recorded) and the
 * entries at their target (verified, through 'b') are a prefix of it: that
 * prefix is listed in 'kept' and stays; the rest (cut off between states,
 * or not reached yet, where restoring changes nothing) goes into
 * '*revertp' (a new journal), to be put back.  The journal is in the
 * plan's order, and every prefix of a plan is safe (a lower device is
 * raised before its uppers and lowered after them), so what is kept leaves
 * no upper device above its lower device.  Returns false, and sets
 * '*revertp' to NULL and '*whyp' to the reason (for the log), for a journal
 * of another policy (or none), one written without targets, or one whose
 * entries at the target are not a prefix: then all of it is put back. */
static bool
journal_split(const struct journal *journal, struct backend *b,
              const struct apply_options *opts, struct journal **revertp,
              struct summary *kept, const char **whyp)
{
    struct host *ovs = NULL;
    size_t n_ovs = 0;

    *revertp = NULL;
    if (!journal->policy[0]) {
        *whyp = "it names no policy (the run was in path verification, "
                "or its rollback had failed), so its change is not one to "
                "finish";
        return false;
    } else if (!opts->policy
               || strcmp(journal->policy, opts->policy->digest)) {
        *whyp = "it was written under another policy";
        return false;
    }
    for (size_t i = 0; i < journal->n_entries; i++) {
        if (!journal->entries[i].has_target) {
            *whyp = "it was written without targets (by an older "
                    "jumboagent)";
            return false;
        }
        n_ovs += journal->entries[i].layer == JOURNAL_OVS_MTU_REQUEST;
    }
    if (n_ovs && backend_ovs_connected(b)) {
        ovs = host_create();
        if (backend_ovs_read(b, ovs, NULL)) {
            host_destroy(ovs);
            ovs = NULL;
        }
    }
    *revertp = journal_create();
    (*revertp)->pid = journal->pid;
    (*revertp)->started = journal->started;
    copy_string((*revertp)->policy, journal->policy,
                sizeof (*revertp)->policy);
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];
        bool at_target = entry_at_target(e, b, ovs);

        if (at_target && !(*revertp)->n_entries
            && e->layer == JOURNAL_LINK_UP) {
            summary_add(kept, "%s replugged", e->ifname);
        } else if (at_target && !(*revertp)->n_entries) {
            summary_add(kept, "%s %s %u", e->ifname,
                        journal_layer_to_string(e->layer), e->target);
        } else if (at_target) {
            /* Not a prefix of the plan (a rollback that stopped half way,
             * or one transaction that vswitchd applied in part): only the
             * whole journal is known to be safe to put back. */
            journal_destroy(*revertp);
            *revertp = NULL;
            *whyp = "what holds at its target is not a prefix of its plan "
                    "(it was cut off in a transaction or a rollback), and "
                    "only all of it is known to be safe to put back";
            break;
        } else {
            journal_add(*revertp, e);
        }
    }
    host_destroy(ovs);
    if (*revertp) {
        leave_replugs_to_plan(*revertp);
    }
    return *revertp != NULL;
}

bool
apply_journal_pending(const char *state_dir)
{
    return journal_pending(state_dir);
}

/* Counts the link-up entries of 'journal' whose replug is still to be
 * made. */
static size_t
count_pending_replugs(const struct journal *journal)
{
    size_t n = 0;

    for (size_t i = 0; i < journal->n_entries; i++) {
        n += (journal->entries[i].layer == JOURNAL_LINK_UP
              && !journal->entries[i].bounced);
    }
    return n;
}

int
apply_recover(struct backend *b, const struct apply_options *opts,
              bool *recoveredp, struct error *err)
{
    struct summary done = { "", 0 };
    struct summary kept = { "", 0 };
    struct summary left = { "", 0 };
    struct journal *journal, *revert, *pending = NULL;
    const char *why = "";
    size_t n_replugs = 0;
    int error;

    *recoveredp = false;
    error = journal_read(opts->state_dir, &journal, err);
    if (error == -ENOENT) {
        return 0;
    } else if (error) {
        return error;
    }
    *recoveredp = true;
    if (!journal_split(journal, b, opts, &revert, &kept, &why)) {
        log_change("found the journal of an interrupted run (pid %ld, %zu "
                   "value(s)); restoring all of its previous values before "
                   "anything else, as %s", journal->pid, journal->n_entries,
                   why);
    } else if (!revert->n_entries) {
        /* Every change of this policy was made and holds: reverting and
         * making it again would only flip each link twice more. */
        error = journal_remove(opts->state_dir, err);
        if (!error) {
            log_change("found the journal of an interrupted run (pid %ld) "
                       "of this policy, whose %zu change(s) were all made "
                       "and hold: finished it without reverting, they stay "
                       "(%s)", journal->pid, journal->n_entries,
                       summary_text(&kept, "nothing"));
        }
        goto out;
    } else {
        /* Keep what is at the target; put back only the rest, which the
         * plan of this run then makes again, and make the replugs it had
         * not made (no plan would: their MTU is at the target). */
        char restoring[128] = "";

        n_replugs = count_pending_replugs(revert);
        if (revert->n_entries > n_replugs) {
            snprintf(restoring, sizeof restoring, "; restoring the %zu "
                     "value(s) it left between states or had not reached",
                     revert->n_entries - n_replugs);
        }
        log_change("found the journal of an interrupted run (pid %ld) of "
                   "this policy: keeping the %zu change(s) that hold (%s)"
                   "%s%s", journal->pid,
                   journal->n_entries - revert->n_entries,
                   summary_text(&kept, "none"), restoring,
                   (n_replugs ? "; making the replug(s) it had not made"
                    : ""));
    }
    pending = journal_create();
    error = restore_journal(revert ? revert : journal, b, opts,
                            revert != NULL, &done, &left, pending, err);
    if (error) {
        char cause[sizeof err->msg];

        copy_string(cause, err->msg, sizeof cause);
        error_set(err, error, "restoring the journal %s/%s of an "
                  "interrupted run (pid %ld) stopped at a value it could "
                  "not put back: %s; kept at the target: %s; put back: %s; "
                  "also left as the interrupted run left them: %s; nothing "
                  "else was done, and the journal is kept: fix the cause "
                  "and run jumboagent again (it restores the journal "
                  "first), or restore those values by hand and remove the "
                  "file", opts->state_dir, journal_file_name(),
                  journal->pid, cause,
                  (revert ? summary_text(&kept, "nothing")
                   : "nothing (all of it is to be put back)"),
                  summary_text(&done, "nothing"),
                  summary_text(&left, "nothing else"));
    } else if (pending->n_entries) {
        /* vswitchd still has not applied the old MTU: the requests that
         * were unset stay in the journal, and this run stops here (it
         * cannot confirm any change of its own either). */
        error = journal_write(opts->state_dir, pending, err);
        if (!error) {
            error = error_set(err, -ETIMEDOUT, "restored the state before "
                              "the interrupted run (%s), but ovs-vswitchd "
                              "did not confirm the old MTU in time, so the "
                              "request(s) that were unset before stay set; "
                              "the journal %s/%s keeps them: run jumboagent "
                              "again once ovs-vswitchd runs",
                              summary_text(&done, "nothing had changed"),
                              opts->state_dir, journal_file_name());
        }
    } else if (!(error = journal_remove(opts->state_dir, err))) {
        if (revert) {
            log_change("finished the interrupted run: kept what held %s: "
                       "%s", (!n_replugs
                              ? "and put back what it left between states"
                              : n_replugs == revert->n_entries
                              ? "and made its pending replug(s)"
                              : "and put back what it left between states, "
                                "and made its pending replug(s)"),
                       summary_text(&done, "nothing had changed"));
        } else {
            log_change("restored the state before the interrupted run: %s",
                       summary_text(&done, "nothing had changed"));
        }
    }
out:
    journal_destroy(pending);
    journal_destroy(revert);
    journal_destroy(journal);
    return error;
}
