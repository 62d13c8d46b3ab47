/* Debounce of the daemon's events: see debounce.h. */
#include "debounce.h"

void
debounce_init(struct debounce *d, int quiet_ms, int max_ms)
{
    d->quiet_ms = quiet_ms;
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

int
debounce_timeout(const struct debounce *d, long long now_ms)
{
    long long due, left;

    if (!d->pending) {
        return -1;
    }
    due = d->last_ms + d->quiet_ms;
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
    d->first_ms = 0;
    d->last_ms = 0;
}
