/* The apply journal: the values an apply is about to change, written to
 * disk before the first change, so that a failed apply can be rolled back and
 * a run that was killed mid-apply can be restored by the next one.
 *
 * The journal is one JSON file, STATE_DIR/journal.json, replaced atomically
 * (write, fsync, rename).  Its presence means "an apply is in progress or was
 * interrupted". */
#ifndef JUMBOAGENT_JOURNAL_H
#define JUMBOAGENT_JOURNAL_H 1

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "host.h"

struct policy;

#define JOURNAL_DEFAULT_DIR "/var/lib/jumboagent"

/* The highest OVS transaction tier an entry records (apply.c's tiers:
 * lower devices, the bridges' own ports, tunnels, VIFs). */
#define JOURNAL_MAX_TIER 3

enum journal_layer {
    JOURNAL_OVS_MTU_REQUEST,    /* OVSDB Interface.mtu_request. */
    JOURNAL_LINK_MTU,           /* Kernel MTU of a link OVS does not own. */
    JOURNAL_LRO,                /* ethtool large-receive-offload. */
    JOURNAL_LINK_UP,            /* A link taken down to be replugged. */
    JOURNAL_LAYER_MAX
};

/* "ovs-mtu-request", "link-mtu", "lro", "link-up". */
const char *journal_layer_to_string(enum journal_layer);

/* One previous value. */
struct journal_entry {
    enum journal_layer layer;
    char ifname[HOST_NAME_SIZE];
    bool had_request;           /* OVS: mtu_request was set before. */
    unsigned int value;         /* OVS: the old mtu_request (if set);
                                 * LINK_MTU: the old MTU; LRO: 1 if it was
                                 * on; LINK_UP: 1 (it was up). */
    unsigned int kernel_mtu;    /* OVS: the kernel MTU before, 0 if the
                                 * interface had no kernel device. */
    bool has_target;            /* False in journals written before targets
                                 * were recorded: recovery then reverts. */
    unsigned int target;        /* What the run was taking it to: OVS: the
                                 * new mtu_request (and MTU); LINK_MTU: the
                                 * new MTU; LRO: 0 (off); LINK_UP: 1. */
    bool bounced;               /* LINK_UP: the replug was made (down, up,
                                 * back with carrier); false while it is
                                 * pending, so that a run killed before the
                                 * bounce leaves it for the next one.  True
                                 * in journals written before it was
                                 * recorded. */
    int tier;                   /* OVS: the transaction tier it was
                                 * committed in (see apply.c), which the
                                 * rollback undoes in reverse order; 0 in
                                 * journals written before it was
                                 * recorded. */
};

struct journal {
    long pid;                   /* The run that wrote it. */
    long long started;          /* Unix time it was written. */
    char policy[17];            /* Digest of the policy the run applied
                                 * (struct policy's 'digest'), or "". */
    struct journal_entry *entries;  /* Owned array. */
    size_t n_entries;
};

/* Returns a new empty journal for this process (free with
 * journal_destroy()). */
struct journal *journal_create(void);

/* Drops the policy digest from 'journal': a next run then restores all of
 * it, instead of keeping what is at the target. */
void journal_forget_policy(struct journal *journal);

/* Frees 'journal'.  Accepts NULL. */
void journal_destroy(struct journal *journal);

/* Appends a copy of '*entry' unless an entry for the same interface and
 * layer is already there (the first, oldest value wins). */
void journal_add(struct journal *journal, const struct journal_entry *entry);

/* Every function that takes the state directory 'dir' opens it as a
 * directory handle checked by safe_file_open_dir() (owned by root or the
 * invoking user, not writable by group or others, not a symlink, nor any
 * directory above it) and reaches the files in it only through that handle,
 * never following a symlink; an untrusted directory is an error that says
 * nothing was changed.
 *
 * Checks that 'dir' exists (creating it with mode 0700 if missing) and that
 * a file can be written in it.  Returns 0 or a negative errno value with a
 * message that names the directory and what to do. */
int journal_check_dir(const char *dir, struct error *err);

/* Writes 'journal' to 'dir' atomically, and waits until the file and its
 * name are on disk.  Returns 0 or a negative errno. */
int journal_write(const char *dir, const struct journal *journal,
                  struct error *err);

/* Writes 'journal' over the one journal_write() put in 'dir', atomically
 * and with its content on disk, but without waiting for the directory (one
 * fsync less, 8 to 15 ms on this lab's disk): after a power loss the
 * previous version may be the one found, so use it only for changes whose
 * loss is safe (the "bounced" marks of replugs).  Returns 0 or a negative
 * errno. */
int journal_update(const char *dir, const struct journal *journal,
                  struct error *err);

/* Reads the journal in 'dir'.  Returns 0 and stores a new journal in
 * '*journalp', -ENOENT if there is none, or another negative errno value
 * (a damaged journal: the message says which file and what to do). */
int journal_read(const char *dir, struct journal **journalp,
                 struct error *err);

/* Removes the journal in 'dir'.  A missing journal is not an error. */
int journal_remove(const char *dir, struct error *err);

/* Returns true if something is at the journal's place in 'dir' (it may not
 * be a valid journal). */
bool journal_pending(const char *dir);

/* Returns the journal's file name in its directory ("journal.json"), for
 * messages: only journal.c knows it. */
const char *journal_file_name(void);

/* Checks that every entry of 'journal' (read from 'dir', for messages)
 * names an interface that 'policy' manages: a network's bridge, a listed
 * uplink, a name that matches a "vifs" glob, or, with 'host' (may be NULL),
 * a port of a network's bridge on the host (or a member or lower device of
 * one).  A journal that names anything else was not written by a run of
 * this policy and must not be restored as root.  Returns 0 or -EPERM with
 * a message in 'err'.  A NULL 'policy' manages nothing. */
int journal_check_policy(const struct journal *journal,
                         const struct policy *policy,
                         const struct host *host, const char *dir,
                         struct error *err);

/* Reads the journal in 'dir', if any, and checks it with
 * journal_check_policy().  Returns 0 if there is none or it may be
 * restored, else a negative errno value with a message in 'err'. */
int journal_vet(const char *dir, const struct policy *policy,
                const struct host *host, struct error *err);

#endif /* journal.h */
