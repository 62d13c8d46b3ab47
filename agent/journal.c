/* The apply journal: see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "json-input.h"
#include "json-writer.h"
#include "policy.h"
#include "safe-file.h"
#include "util.h"

#define JOURNAL_FILE "journal.json"

/* No run journals more than a few values per interface. */
#define JOURNAL_MAX_FILE_SIZE (4 * 1024 * 1024)

static const char *const layer_names[JOURNAL_LAYER_MAX] = {
    [JOURNAL_OVS_MTU_REQUEST] = "ovs-mtu-request",
    [JOURNAL_LINK_MTU] = "link-mtu",
    [JOURNAL_LRO] = "lro",
    [JOURNAL_LINK_UP] = "link-up",
};

const char *
journal_layer_to_string(enum journal_layer layer)
{
    return layer < JOURNAL_LAYER_MAX ? layer_names[layer] : "invalid";
}

struct journal *
journal_create(void)
{
    struct journal *journal = xzalloc(sizeof *journal);

    journal->pid = getpid();
    journal->started = time(NULL);
    return journal;
}

void
journal_forget_policy(struct journal *journal)
{
    journal->policy[0] = '\0';
}

void
journal_destroy(struct journal *journal)
{
    if (journal) {
        free(journal->entries);
        free(journal);
    }
}

void
journal_add(struct journal *journal, const struct journal_entry *entry)
{
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        if (e->layer == entry->layer && !strcmp(e->ifname, entry->ifname)) {
            return;
        }
    }
    journal->entries = xrealloc(journal->entries,
                                (journal->n_entries + 1)
                                * sizeof *journal->entries);
    journal->entries[journal->n_entries++] = *entry;
}

/* Writes 'len' bytes at 'text' to the new file 'name' in 'dfd', which
 * must not exist (a stale one is removed first, never followed), and syncs
 * it if 'sync' (the journal; not the empty file that only tests that the
 * directory is writable: a sync costs about 20 ms on a slow disk).
 * Returns 0 or a negative errno value. */
static int
write_new_file(int dfd, const char *name, const char *text, size_t len,
               bool sync)
{
    int fd, error = 0;

    if (unlinkat(dfd, name, 0) && errno != ENOENT) {
        return -errno;
    }
    fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -errno;
    }
    errno = 0;
    if ((len && write(fd, text, len) != (ssize_t) len)
        || (sync && fsync(fd))) {
        error = errno ? -errno : -EIO;  /* A short write sets no errno. */
    }
    close(fd);
    if (error) {
        unlinkat(dfd, name, 0);
    }
    return error;
}

int
journal_check_dir(const char *dir, struct error *err)
{
    int dfd, error;

    error = safe_file_open_dir(dir, true, &dfd, err);
    if (error) {
        return error;
    }
    error = write_new_file(dfd, ".write-test", "", 0, false);
    if (error) {
        error_set(err, error, "cannot write the journal in %s: %s; "
                  "jumboagent journals the previous values before it "
                  "changes anything, so it changed nothing; make the "
                  "directory writable or pass --state-dir DIR",
                  dir, strerror(-error));
    } else {
        unlinkat(dfd, ".write-test", 0);
    }
    close(dfd);
    return error;
}

/* Writes 'journal' to 'dir' atomically; with 'sync_dir', waits until the
 * new name is on disk too. */
static int
journal_store(const char *dir, const struct journal *journal, bool sync_dir,
              struct error *err)
{
    struct json_writer jw;
    size_t body_size = 0;
    char *body = NULL;
    FILE *stream;
    int dfd, error;

    /* Written as it goes (json-writer.h): at N=2000 taps, a json-c tree
     * of the journal and its printed copy were 4 MB of an apply's peak
     * memory, at every write. */
    stream = open_memstream(&body, &body_size);
    if (!stream) {
        return error_set(err, -errno, "cannot write the journal %s/%s: %s",
                         dir, JOURNAL_FILE, strerror(errno));
    }
    json_writer_init(&jw, stream);
    json_writer_open(&jw, NULL, '{');
    json_writer_int(&jw, "version", 1);
    json_writer_int(&jw, "pid", journal->pid);
    json_writer_int(&jw, "started", journal->started);
    if (journal->policy[0]) {
        json_writer_string(&jw, "policy", journal->policy);
    }
    json_writer_open(&jw, "entries", '[');
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        json_writer_open(&jw, NULL, '{');
        json_writer_string(&jw, "layer", journal_layer_to_string(e->layer));
        json_writer_string(&jw, "interface", e->ifname);
        json_writer_bool(&jw, "had_request", e->had_request);
        json_writer_int(&jw, "value", e->value);
        json_writer_int(&jw, "kernel_mtu", e->kernel_mtu);
        if (e->has_target) {
            json_writer_int(&jw, "target", e->target);
        }
        if (e->layer == JOURNAL_LINK_UP) {
            json_writer_bool(&jw, "bounced", e->bounced);
        }
        if (e->layer == JOURNAL_OVS_MTU_REQUEST) {
            json_writer_int(&jw, "tier", e->tier);
        }
        json_writer_close(&jw, '}');
    }
    json_writer_close(&jw, ']');
    json_writer_close(&jw, '}');
    fputc('\n', stream);
    if (fclose(stream)) {
        free(body);
        return error_set(err, -ENOMEM, "cannot write the journal %s/%s: "
                         "out of memory", dir, JOURNAL_FILE);
    }

    error = safe_file_open_dir(dir, true, &dfd, err);
    if (!error) {
        error = write_new_file(dfd, JOURNAL_FILE ".tmp", body, body_size,
                               true);
        if (error) {
            error_set(err, error, "cannot write the journal %s/%s: %s", dir,
                      JOURNAL_FILE ".tmp", strerror(-error));
        } else if (renameat(dfd, JOURNAL_FILE ".tmp", dfd, JOURNAL_FILE)) {
            error = error_set(err, -errno, "cannot rename %s/%s to %s: %s",
                              dir, JOURNAL_FILE ".tmp", JOURNAL_FILE,
                              strerror(errno));
            unlinkat(dfd, JOURNAL_FILE ".tmp", 0);
        } else if (sync_dir) {
            fsync(dfd);
        }
        close(dfd);
    }
    free(body);
    return error;
}

int
journal_write(const char *dir, const struct journal *journal,
              struct error *err)
{
    return journal_store(dir, journal, true, err);
}

int
journal_update(const char *dir, const struct journal *journal,
               struct error *err)
{
    return journal_store(dir, journal, false, err);
}

/* What the shared reader needs to know about a journal. */
static const struct json_input_spec journal_spec = {
    .what = "journal",
    .shape = "a journal is {\"version\": 1, \"entries\": [...]}",
    .max_size = JOURNAL_MAX_FILE_SIZE,
    .max_depth = 8,
};

/* Keys a journal may have: one table per object kind. */
static const char *const top_keys[] = {
    "version", "pid", "started", "policy", "entries",
};
static const char *const entry_keys[] = {
    "layer", "interface", "had_request", "value", "kernel_mtu", "target",
    "bounced", "tier",
};
static const struct json_input_keys top_kind = JSON_INPUT_KEYS(top_keys);
static const struct json_input_keys entry_kind = JSON_INPUT_KEYS(entry_keys);

/* What to do, after a fault in the journal as a whole or in one entry. */
#define RULE_JOURNAL "the journal of an interrupted apply is damaged, so " \
    "nothing was restored; restore the MTUs by hand from its contents (if " \
    "any) and remove it"
#define RULE_ENTRY "the entry is damaged, so nothing was restored; restore " \
    "that interface by hand and remove the journal"
#define NOT_OURS "not a journal jumboagent wrote, so nothing was restored; " \
    "check it and remove it"

/* "68 to 65535". */
#define MTU_RANGE HOST_STRINGIFY(HOST_MTU_MIN) " to " \
    HOST_STRINGIFY(HOST_MTU_MAX)

static bool
is_mtu(long long mtu)
{
    return mtu >= HOST_MTU_MIN && mtu <= HOST_MTU_MAX;
}

/* Returns NULL if 'e' holds a value that a run of jumboagent could have
 * journaled, else what is wrong with it. */
static const char *
entry_problem(const struct journal_entry *e)
{
    switch (e->layer) {
    case JOURNAL_OVS_MTU_REQUEST:
        if (e->had_request ? !is_mtu(e->value) : e->value != 0) {
            return "its old mtu_request is not an MTU of " MTU_RANGE " "
                   "(or 0 when there was none)";
        }
        if (e->kernel_mtu && !is_mtu(e->kernel_mtu)) {
            return "its kernel_mtu is neither 0 nor " MTU_RANGE;
        }
        return NULL;
    case JOURNAL_LINK_MTU:
        return is_mtu(e->value) ? NULL : "a link MTU must be " MTU_RANGE;
    case JOURNAL_LRO:
    case JOURNAL_LINK_UP:
        return (e->value == 1 ? NULL
                : "this layer only ever records the value 1");
    case JOURNAL_LAYER_MAX:
    default:
        return "unknown layer";
    }
}

/* Returns NULL if 'name' can be the name of an OVS interface that apply
 * journaled (a row of the Interface table: a vhost-user port's name is no
 * kernel name and may be longer than IFNAMSIZ), else what is wrong. */
static const char *
ovs_name_problem(const char *name)
{
    size_t len = strlen(name);

    if (!len) {
        return "is empty";
    } else if (len >= HOST_NAME_SIZE) {
        return "is longer than an interface name jumboagent journals";
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f
            || name[i] == '/') {
            return "holds a control character or '/'";
        }
    }
    return NULL;
}

/* Parses entry 'o', entries['i'] of the journal, into 'e'. */
static int
parse_entry(const struct json_input_ctx *ctx, struct json_object *o,
            size_t i, struct journal_entry *e)
{
    char epath[JSON_INPUT_PATH_SIZE];
    long long value = -1, kernel_mtu = 0, target = -1, tier = -1;
    bool bounced = true;
    const char *name = NULL, *problem;
    int layer = JOURNAL_LAYER_MAX;
    int error;

    json_input_path_index(epath, sizeof epath, "entries", i);
    error = json_input_object(ctx, o, epath, NULL, RULE_ENTRY);
    if (!error) {
        error = json_input_object(ctx, o, epath, &entry_kind, NULL);
        if (error) {
            return error_prefix(ctx->err, error, NOT_OURS);
        }
    }
    if (error
        || json_input_get_enum(ctx, o, epath, "layer", JSON_INPUT_REQUIRED,
                               layer_names, JOURNAL_LAYER_MAX, RULE_ENTRY,
                               &layer)
        || json_input_get_string(ctx, o, epath, "interface",
                                 JSON_INPUT_REQUIRED, SIZE_MAX, RULE_ENTRY,
                                 &name)
        || json_input_get_bool(ctx, o, epath, "had_request", 0, RULE_ENTRY,
                               &e->had_request)
        || json_input_get_int(ctx, o, epath, "value", JSON_INPUT_REQUIRED, 0,
                              HOST_MTU_MAX, RULE_ENTRY, &value)
        || json_input_get_int(ctx, o, epath, "kernel_mtu", 0, 0, HOST_MTU_MAX,
                              RULE_ENTRY, &kernel_mtu)
        || json_input_get_int(ctx, o, epath, "target", 0, 0, HOST_MTU_MAX,
                              RULE_ENTRY, &target)
        || json_input_get_bool(ctx, o, epath, "bounced", 0, RULE_ENTRY,
                               &bounced)
        || json_input_get_int(ctx, o, epath, "tier", 0, 0, JOURNAL_MAX_TIER,
                              RULE_ENTRY, &tier)) {
        return -EINVAL;
    }

    problem = (layer == JOURNAL_OVS_MTU_REQUEST
               ? ovs_name_problem(name)
               : policy_ifname_problem(name, strlen(name)));
    if (!problem && !strcmp(name, "lo")) {
        problem = "is the loopback device, which jumboagent never changes";
    }
    if (problem) {
        char quoted[80];

        return error_set(ctx->err, -EINVAL, "%s: %s.interface: %s %s; "
                         "nothing was restored; check the journal and "
                         "remove it", ctx->name, epath,
                         json_input_quote(name, strlen(name), quoted,
                                          sizeof quoted), problem);
    }
    e->layer = layer;
    copy_string(e->ifname, name, sizeof e->ifname);
    e->value = value;
    e->kernel_mtu = kernel_mtu;
    e->has_target = target >= 0;
    e->target = e->has_target ? target : 0;
    e->bounced = bounced;
    e->tier = tier >= 0 ? tier : 0;
    problem = entry_problem(e);
    if (!problem && layer != JOURNAL_LINK_UP
        && json_object_object_get_ex(o, "bounced", NULL)) {
        problem = "only a link-up entry records \"bounced\"";
    } else if (!problem && layer != JOURNAL_OVS_MTU_REQUEST && tier >= 0) {
        problem = "only an ovs-mtu-request entry records \"tier\"";
    }
    if (problem) {
        return error_set(ctx->err, -EINVAL, "%s: %s (%s, %s): %s; "
                         "jumboagent never journals that, so nothing was "
                         "restored; check the journal and remove it",
                         ctx->name, epath, layer_names[layer], e->ifname,
                         problem);
    }
    return 0;
}

/* Parses the journal 'root' read from 'path'. */
static int
parse_journal(const char *path, struct json_object *root,
              struct journal **journalp, struct error *err)
{
    const struct json_input_ctx ctx = { .name = path, .err = err };
    long long version = 0, pid = -1, started = -1;
    const char *policy = NULL;
    struct json_object *entries;
    struct journal *journal;
    size_t n;
    int error;

    error = json_input_object(&ctx, root, "", NULL, RULE_JOURNAL);
    if (!error) {
        error = json_input_get_int(&ctx, root, "", "version",
                                   JSON_INPUT_REQUIRED, LLONG_MIN, LLONG_MAX,
                                   RULE_JOURNAL, &version);
    }
    if (!error && version != 1) {
        error = json_input_error(&ctx, "version", "version %lld is not the "
                                 "version 1 that jumboagent writes; "
                                 RULE_JOURNAL, version);
    }
    if (!error) {
        error = json_input_object(&ctx, root, "", &top_kind, NULL);
        if (error) {
            return error_prefix(err, error, NOT_OURS);
        }
    }
    if (error
        || json_input_get_int(&ctx, root, "", "pid", 0, 0, LONG_MAX,
                              RULE_JOURNAL, &pid)
        || json_input_get_int(&ctx, root, "", "started", 0, 0, LLONG_MAX,
                              RULE_JOURNAL, &started)
        || json_input_get_string(&ctx, root, "", "policy", 0, 16,
                                 RULE_JOURNAL, &policy)
        || json_input_get_array(&ctx, root, "", "entries",
                                JSON_INPUT_REQUIRED, RULE_JOURNAL, &entries,
                                &n)) {
        return -EINVAL;
    }

    journal = journal_create();
    if (pid >= 0) {
        journal->pid = pid;
    }
    if (started >= 0) {
        journal->started = started;
    }
    if (policy) {
        copy_string(journal->policy, policy, sizeof journal->policy);
    }
    for (size_t i = 0; i < n; i++) {
        struct journal_entry e;

        memset(&e, 0, sizeof e);
        error = parse_entry(&ctx, json_object_array_get_idx(entries, i), i,
                            &e);
        if (error) {
            journal_destroy(journal);
            return error;
        }
        journal_add(journal, &e);
    }
    *journalp = journal;
    return 0;
}

int
journal_read(const char *dir, struct journal **journalp, struct error *err)
{
    char *path = xasprintf("%s/" JOURNAL_FILE, dir);
    struct json_object *root = NULL;
    struct stat st;
    int dfd, fd, error;

    *journalp = NULL;
    error = safe_file_open_dir(dir, false, &dfd, err);
    if (error) {
        goto out;
    }
    fd = openat(dfd, JOURNAL_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
                | O_NOCTTY | O_CLOEXEC);
    close(dfd);
    if (fd < 0) {
        error = -errno;
        if (error != -ENOENT) {
            error_set(err, error, "cannot open the journal %s: %s%s; "
                      "nothing was changed; check it and remove it", path,
                      strerror(-error),
                      error == -ELOOP ? " (it is a symlink)" : "");
        }
        goto out;
    }
    if (fstat(fd, &st)) {
        error = error_set(err, -errno, "cannot check the journal %s: %s",
                          path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        error = error_set(err, -EINVAL, "the journal %s is not a regular "
                          "file; nothing was changed; remove it", path);
    } else if ((st.st_uid != 0 && st.st_uid != geteuid())
               || st.st_mode & (S_IWGRP | S_IWOTH)) {
        error = error_set(err, -EPERM, "the journal %s (uid %ld, mode %04o) "
                          "was not written by jumboagent, which writes it "
                          "mode 0600; nothing was changed; check it and "
                          "remove it", path, (long) st.st_uid,
                          (unsigned int) (st.st_mode & 07777));
    } else {
        error = json_input_load_fd(&journal_spec, path, fd, &root, err);
        if (error) {
            error_prefix(err, error, "the journal of an interrupted apply "
                         "cannot be read, so nothing was changed; restore "
                         "the MTUs by hand from its contents (if any) and "
                         "remove it");
        }
    }
    close(fd);
    if (error) {
        goto out;
    }
    error = parse_journal(path, root, journalp, err);

out:
    json_object_put(root);
    free(path);
    return error;
}

int
journal_remove(const char *dir, struct error *err)
{
    int dfd, error;

    error = safe_file_open_dir(dir, false, &dfd, err);
    if (error == -ENOENT) {
        return 0;
    } else if (error) {
        return error;
    }
    if (unlinkat(dfd, JOURNAL_FILE, 0) && errno != ENOENT) {
        error = error_set(err, -errno, "cannot remove the journal %s/%s: %s",
                          dir, JOURNAL_FILE, strerror(errno));
    } else {
        fsync(dfd);
    }
    close(dfd);
    return error;
}

const char *
journal_file_name(void)
{
    return JOURNAL_FILE;
}

bool
journal_pending(const char *dir)
{
    char *path = xasprintf("%s/" JOURNAL_FILE, dir);
    struct stat st;
    bool pending = !lstat(path, &st);

    free(path);
    return pending;
}

/* True if 'name' is a member of the bridge 'bridge' on 'host', or of a
 * bond or bridge that is, or the lower device of such a member. */
static bool
on_bridge(const struct host *host, const char *name, const char *bridge,
          int depth)
{
    const struct host_ovs_bridge *br;
    const struct host_link *link;

    if (depth > 4) {
        return false;
    }
    if (host_find_ovs_iface(host, name, &br, NULL)) {
        return br && !strcmp(br->name, bridge);
    }
    link = host_find_link(host, name);
    if (link && link->master[0]
        && (!strcmp(link->master, bridge)
            || on_bridge(host, link->master, bridge, depth + 1))) {
        return true;
    }
    for (size_t i = 0; i < host->n_links; i++) {
        const struct host_link *upper = &host->links[i];

        if (!strcmp(upper->lower, name)
            && on_bridge(host, upper->name, bridge, depth + 1)) {
            return true;
        }
    }
    return false;
}

/* True if 'policy' (with 'host', if nonnull) manages 'name'. */
static bool
is_managed(const struct policy *policy, const struct host *host,
           const char *name)
{
    for (size_t i = 0; i < policy->n_networks; i++) {
        const struct policy_network *n = &policy->networks[i];

        if (!strcmp(n->bridge, name)) {
            return true;
        }
        for (size_t j = 0; j < n->n_uplinks; j++) {
            if (!strcmp(n->uplinks[j], name)) {
                return true;
            }
        }
        for (size_t j = 0; j < n->n_vifs; j++) {
            if (!fnmatch(n->vifs[j], name, 0)) {
                return true;
            }
        }
        if (host && on_bridge(host, name, n->bridge, 0)) {
            return true;
        }
    }
    return false;
}

int
journal_check_policy(const struct journal *journal,
                     const struct policy *policy, const struct host *host,
                     const char *dir, struct error *err)
{
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];

        /* An interface that is gone (a VIF of a stopped VM) counts as
         * restored and is not touched; an OVS row cannot be judged, nor
         * restored, while OVSDB is down (the next run vets it again). */
        if (host) {
            bool ovs_layer = e->layer == JOURNAL_OVS_MTU_REQUEST;
            bool gone = (!host_find_link(host, e->ifname)
                         && (!ovs_layer
                             || !host_find_ovs_iface(host, e->ifname, NULL,
                                                     NULL)));

            if ((ovs_layer && !host->ovs_reachable) || gone) {
                continue;
            }
        }
        if (!policy || !is_managed(policy, host, e->ifname)) {
            return error_set(err, -EPERM, "the journal %s/%s names %s (%s), "
                             "which is outside every network of the "
                             "policy, so no run of it could have changed "
                             "it; nothing was restored or changed; check "
                             "the journal, restore by hand what it lists "
                             "if it is yours, and remove it", dir,
                             JOURNAL_FILE, e->ifname,
                             layer_names[e->layer]);
        }
    }
    return 0;
}

int
journal_vet(const char *dir, const struct policy *policy,
            const struct host *host, struct error *err)
{
    struct journal *journal = NULL;
    int error;

    error = journal_read(dir, &journal, err);
    if (error == -ENOENT) {
        return 0;
    } else if (error || !journal) {
        return error;
    }
    error = journal_check_policy(journal, policy, host, dir, err);
    journal_destroy(journal);
    return error;
}
