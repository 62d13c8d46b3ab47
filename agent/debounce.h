/* Debounce: the daemon's rule for when a burst of events becomes one
 * reconciliation pass.  A pass is due once no event has come for
 * 'quiet_ms', or 'max_ms' after the first event of the burst, whichever is
 * first, so that a script that creates 100 taps costs one pass, and a
 * steady trickle of events cannot put a pass off for ever.  Pure: the
 * caller passes the time (monotonic milliseconds). */
#ifndef JUMBOAGENT_DEBOUNCE_H
#define JUMBOAGENT_DEBOUNCE_H 1

#include <stdbool.h>

struct debounce {
    int quiet_ms;               /* Quiet period that ends a burst. */
    int busy_quiet_ms;          /* Same, for a burst that began while a
                                 * pass ran. */
    int cur_quiet_ms;           /* The one of the pending burst. */
    int max_ms;                 /* Bound on the delay after its first event. */
    bool pending;               /* An event waits for a pass. */
    long long first_ms;         /* Time of the burst's first event. */
    long long last_ms;          /* Time of its latest event. */
};

/* Initializes 'd' with nothing pending. */
void debounce_init(struct debounce *d, int quiet_ms, int max_ms);

/* Records an event at 'now_ms'. */
void debounce_event(struct debounce *d, long long now_ms);

/* Sets the quiet period of a burst that begins while a pass runs (by
 * default the same as the other): a script's burst of events keeps coming
 * during the pass that its first event caused. */
void debounce_set_busy_quiet(struct debounce *d, int busy_quiet_ms);

/* Records an event at 'now_ms' that came while a pass ran: the burst it
 * is part of ends after the busy quiet period. */
void debounce_event_busy(struct debounce *d, long long now_ms);

/* Returns the milliseconds from 'now_ms' until a pass is due (0: due now),
 * or -1 if nothing is pending (wait without a bound). */
int debounce_timeout(const struct debounce *d, long long now_ms);

/* Returns true if a pass is due at 'now_ms'; then the caller runs it and
 * calls debounce_clear(). */
bool debounce_due(const struct debounce *d, long long now_ms);

/* Forgets the pending events of 'd' (a pass has run). */
void debounce_clear(struct debounce *d);

#endif /* debounce.h */
