/* A string-to-index hash map with open addressing (linear probing) over a
 * power-of-two table that is at most half full.  See name-index.h. */
#include "name-index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "util.h"

struct name_index_slot {
    char *name;                 /* Owned; NULL if the slot is free. */
    size_t value;
    uint64_t hash;
};

struct name_index {
    struct name_index_slot *slots;  /* Owned array of 'mask' + 1. */
    size_t mask;
    size_t count;               /* Slots in use. */
    uint64_t seed;
};

/* FNV-1a over 'name', started from 'seed', with a final mix so that the
 * low bits, which pick the slot, depend on every byte. */
static uint64_t
hash_name(const char *name, uint64_t seed)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;

    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* The process's 16 random bytes from the kernel, folded to 64 bits, or a
 * constant where the auxiliary vector has none. */
static uint64_t
random_seed(void)
{
    const unsigned char *r = (const unsigned char *) getauxval(AT_RANDOM);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;

    if (r) {
        for (size_t i = 0; i < 16; i++) {
            seed = (seed ^ r[i]) * 0x100000001b3ULL;
        }
    }
    return seed;
}

struct name_index *
name_index_create(void)
{
    struct name_index *index = xzalloc(sizeof *index);

    index->mask = 15;
    index->slots = xzalloc((index->mask + 1) * sizeof *index->slots);
    index->seed = random_seed();
    return index;
}

void
name_index_destroy(struct name_index *index)
{
    if (!index) {
        return;
    }
    for (size_t i = 0; i <= index->mask; i++) {
        free(index->slots[i].name);
    }
    free(index->slots);
    free(index);
}

/* Returns the slot of 'name' (of hash 'hash') in 'index', or the free slot
 * where it would go. */
static struct name_index_slot *
find_slot(const struct name_index *index, const char *name, uint64_t hash)
{
    for (size_t i = hash & index->mask; ; i = (i + 1) & index->mask) {
        struct name_index_slot *slot = &index->slots[i];

        if (!slot->name
            || (slot->hash == hash && !strcmp(slot->name, name))) {
            return slot;
        }
    }
}

/* Doubles the table of 'index', moving every name to its new slot. */
static void
expand(struct name_index *index)
{
    struct name_index_slot *old = index->slots;
    size_t old_mask = index->mask;

    index->mask = old_mask * 2 + 1;
    index->slots = xzalloc((index->mask + 1) * sizeof *index->slots);
    for (size_t i = 0; i <= old_mask; i++) {
        if (old[i].name) {
            *find_slot(index, old[i].name, old[i].hash) = old[i];
        }
    }
    free(old);
}

bool
name_index_add(struct name_index *index, const char *name, size_t value)
{
    uint64_t hash = hash_name(name, index->seed);
    struct name_index_slot *slot = find_slot(index, name, hash);

    if (slot->name) {
        return false;
    }
    slot->name = xstrdup(name);
    slot->value = value;
    slot->hash = hash;
    if (++index->count * 2 > index->mask + 1) {
        expand(index);
    }
    return true;
}

size_t
name_index_find(const struct name_index *index, const char *name)
{
    const struct name_index_slot *slot
        = find_slot(index, name, hash_name(name, index->seed));

    return slot->name ? slot->value : NAME_INDEX_NONE;
}

size_t
name_index_count(const struct name_index *index)
{
    return index->count;
}
