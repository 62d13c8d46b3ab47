/* Debounce of the daemon's events: see debounce.h. */
#include "debounce.h"

void
debounce_init(struct debounce *d, int quiet_ms, int max_ms)
{
    d->quiet_ms = quiet_ms;
    d->busy_quiet_ms = quiet_ms;
    d->max_ms = max_ms;
    debounce_clear(d);
}

void
debounce_event(struct debounce *d, long long now_ms)
{
    if (!d->pending) {
        d->pending = true;
        d->first_ms = now_ms;
    }
    d->last_ms = now_ms;
}

void
debounce_set_busy_quiet(struct debounce *d, int busy_quiet_ms)
{
    d->busy_quiet_ms = busy_quiet_ms;
}

void
debounce_event_busy(struct debounce *d, long long now_ms)
{
    debounce_event(d, now_ms);
    d->cur_quiet_ms = d->busy_quiet_ms;
}

int
debounce_timeout(const struct debounce *d, long long now_ms)
{
    long long due, left;

    if (!d->pending) {
        return -1;
    }
    due = d->last_ms + d->cur_quiet_ms;
    if (due > d->first_ms + d->max_ms) {
        due = d->first_ms + d->max_ms;
    }
    left = due - now_ms;
    return left > 0 ? (int) left : 0;
}

bool
debounce_due(const struct debounce *d, long long now_ms)
{
    return debounce_timeout(d, now_ms) == 0;
}

void
debounce_clear(struct debounce *d)
{
    d->pending = false;
    d->cur_quiet_ms = d->quiet_ms;
    d->first_ms = 0;
    d->last_ms = 0;
}
