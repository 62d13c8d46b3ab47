/* Rate limit of repeated log messages: the daemon reconciles on every event,
 * and the same refusal or outcome must not fill the log at that rate.  A
 * message identical to one let through less than 'window_ms' before is held
 * back.  Pure: the caller passes the time (monotonic milliseconds). */
#ifndef JUMBOAGENT_RATELIMIT_H
#define JUMBOAGENT_RATELIMIT_H 1

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 64

struct ratelimit {
    long long window_ms;        /* How long a message holds back its twin. */
    struct ratelimit_slot {
        uint64_t hash;          /* Of the message text; 0: free slot. */
        long long last_ms;      /* When it was last let through. */
    } slots[RATELIMIT_SLOTS];   /* The messages let through lately. */
};

/* Initializes 'rl' with an empty memory and a window of 'window_ms'. */
void ratelimit_init(struct ratelimit *rl, long long window_ms);

/* Returns true if 'msg' may be logged at 'now_ms' (and remembers that it
 * was), false if the same text was let through within the window.  When
 * every slot is taken, the oldest is forgotten. */
bool ratelimit_allow(struct ratelimit *rl, const char *msg, long long now_ms);

#endif /* ratelimit.h */
