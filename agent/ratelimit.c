/* Rate limit of repeated log messages: see ratelimit.h. */
#include "ratelimit.h"

#include <string.h>

/* FNV-1a of 'msg', never 0 (0 marks a free slot). */
static uint64_t
ratelimit_hash(const char *msg)
{
    uint64_t hash = 14695981039346656037ULL;

    for (const unsigned char *p = (const unsigned char *) msg; *p; p++) {
        hash = (hash ^ *p) * 1099511628211ULL;
    }
    return hash ? hash : 1;
}

void
ratelimit_init(struct ratelimit *rl, long long window_ms)
{
    memset(rl, 0, sizeof *rl);
    rl->window_ms = window_ms;
}

bool
ratelimit_allow(struct ratelimit *rl, const char *msg, long long now_ms)
{
    uint64_t hash = ratelimit_hash(msg);
    struct ratelimit_slot *oldest = &rl->slots[0];

    for (size_t i = 0; i < RATELIMIT_SLOTS; i++) {
        struct ratelimit_slot *slot = &rl->slots[i];

        if (slot->hash == hash) {
            if (now_ms - slot->last_ms < rl->window_ms) {
                return false;
            }
            slot->last_ms = now_ms;
            return true;
        }
        if (!slot->hash
            || (oldest->hash && slot->last_ms < oldest->last_ms)) {
            oldest = slot;
        }
    }
    oldest->hash = hash;
    oldest->last_ms = now_ms;
    return true;
}
