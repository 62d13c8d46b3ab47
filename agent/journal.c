/* The apply journal: see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define JOURNAL_FILE "journal.json"

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

int
journal_check_dir(const char *dir, struct error *err)
{
    char *probe;
    int fd, error = 0;

    if (mkdir(dir, 0700) && errno != EEXIST) {
        return error_set(err, -errno, "cannot create the journal directory "
                         "%s: %s; create it or pass --state-dir DIR",
                         dir, strerror(errno));
    }
    probe = xasprintf("%s/.write-test", dir);
    fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = error_set(err, -errno, "cannot write the journal in %s: %s; "
                          "jumboagent journals the previous values before "
                          "it changes anything, so it changed nothing; make "
                          "the directory writable or pass --state-dir DIR",
                          dir, strerror(errno));
    } else {
        close(fd);
        unlink(probe);
    }
    free(probe);
    return error;
}

int
journal_write(const char *dir, const struct journal *journal,
              struct error *err)
{
    struct json_object *root = json_object_new_object();
    struct json_object *entries = json_object_new_array();
    char *path = xasprintf("%s/" JOURNAL_FILE, dir);
    char *tmp = xasprintf("%s/" JOURNAL_FILE ".tmp", dir);
    const char *text;
    int fd, error = 0;
    size_t len;

    json_object_object_add(root, "version", json_object_new_int(1));
    json_object_object_add(root, "pid", json_object_new_int64(journal->pid));
    json_object_object_add(root, "started",
                           json_object_new_int64(journal->started));
    if (journal->policy[0]) {
        json_object_object_add(root, "policy",
                               json_object_new_string(journal->policy));
    }
    for (size_t i = 0; i < journal->n_entries; i++) {
        const struct journal_entry *e = &journal->entries[i];
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "layer", json_object_new_string(
                                   journal_layer_to_string(e->layer)));
        json_object_object_add(o, "interface",
                               json_object_new_string(e->ifname));
        json_object_object_add(o, "had_request",
                               json_object_new_boolean(e->had_request));
        json_object_object_add(o, "value", json_object_new_int64(e->value));
        json_object_object_add(o, "kernel_mtu",
                               json_object_new_int64(e->kernel_mtu));
        if (e->has_target) {
            json_object_object_add(o, "target",
                                   json_object_new_int64(e->target));
        }
        json_object_array_add(entries, o);
    }
    json_object_object_add(root, "entries", entries);
    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
    len = strlen(text);

    errno = 0;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0
        || write(fd, text, len) != (ssize_t) len
        || write(fd, "\n", 1) != 1
        || fsync(fd)) {
        int e = errno ? errno : EIO;    /* A short write sets no errno. */

        error = error_set(err, -e, "cannot write the journal %s: %s", tmp,
                          strerror(e));
    }
    if (fd >= 0) {
        close(fd);
    }
    if (!error && rename(tmp, path)) {
        error = error_set(err, -errno, "cannot rename %s to %s: %s", tmp,
                          path, strerror(errno));
    }
    if (!error) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    } else {
        unlink(tmp);
    }
    json_object_put(root);
    free(path);
    free(tmp);
    return error;
}

/* Reads an integer member 'key' of 'o' into '*valuep'. */
static bool
get_int(struct json_object *o, const char *key, long long *valuep)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v)
        || !json_object_is_type(v, json_type_int)) {
        return false;
    }
    *valuep = json_object_get_int64(v);
    return true;
}

int
journal_read(const char *dir, struct journal **journalp, struct error *err)
{
    char *path = xasprintf("%s/" JOURNAL_FILE, dir);
    struct json_object *root, *entries, *v;
    struct journal *journal;
    long long n;
    int error = 0;

    if (access(path, F_OK)) {
        error = -errno;
        if (error != -ENOENT) {
            error_set(err, error, "cannot look for the journal %s: %s; "
                      "check the permissions of %s or pass --state-dir DIR",
                      path, strerror(-error), dir);
        }
        free(path);
        return error;
    }
    root = json_object_from_file(path);
    if (!root || !json_object_is_type(root, json_type_object)
        || !json_object_object_get_ex(root, "entries", &entries)
        || !json_object_is_type(entries, json_type_array)) {
        error = error_set(err, -EINVAL, "%s: damaged journal of an "
                          "interrupted apply; restore the MTUs by hand from "
                          "its contents (if any) and remove it", path);
        json_object_put(root);
        free(path);
        return error;
    }
    journal = journal_create();
    if (get_int(root, "pid", &n)) {
        journal->pid = n;
    }
    if (get_int(root, "started", &n)) {
        journal->started = n;
    }
    if (json_object_object_get_ex(root, "policy", &v)
        && json_object_is_type(v, json_type_string)) {
        copy_string(journal->policy, json_object_get_string(v),
                    sizeof journal->policy);
    }
    for (size_t i = 0; i < json_object_array_length(entries); i++) {
        struct json_object *o = json_object_array_get_idx(entries, i);
        struct journal_entry e;
        long long value = 0, kernel_mtu = 0, target = 0;
        int layer = JOURNAL_LAYER_MAX;

        memset(&e, 0, sizeof e);
        if (json_object_is_type(o, json_type_object)
            && json_object_object_get_ex(o, "layer", &v)
            && json_object_is_type(v, json_type_string)) {
            for (layer = 0; layer < JOURNAL_LAYER_MAX; layer++) {
                if (!strcmp(json_object_get_string(v), layer_names[layer])) {
                    break;
                }
            }
        }
        if (layer == JOURNAL_LAYER_MAX
            || !json_object_object_get_ex(o, "interface", &v)
            || !json_object_is_type(v, json_type_string)
            || !json_object_get_string_len(v)
            || json_object_get_string_len(v) >= (int) sizeof e.ifname
            || !get_int(o, "value", &value) || value < 0 || value > 65535
            || (get_int(o, "kernel_mtu", &kernel_mtu)
                && (kernel_mtu < 0 || kernel_mtu > 65535))
            || (get_int(o, "target", &target)
                && (target < 0 || target > 65535))) {
            error = error_set(err, -EINVAL, "%s: entries[%zu] is damaged; "
                              "restore that interface by hand and remove "
                              "the journal", path, i);
            break;
        }
        e.layer = layer;
        copy_string(e.ifname, json_object_get_string(v), sizeof e.ifname);
        get_int(o, "kernel_mtu", &kernel_mtu);
        e.value = value;
        e.kernel_mtu = kernel_mtu;
        e.has_target = get_int(o, "target", &target);
        e.target = target;
        v = NULL;
        if (json_object_object_get_ex(o, "had_request", &v)
            && !json_object_is_type(v, json_type_boolean)) {
            error = error_set(err, -EINVAL, "%s: entries[%zu].had_request "
                              "is not true or false; restore that interface "
                              "by hand and remove the journal", path, i);
            break;
        }
        e.had_request = v && json_object_get_boolean(v);
        journal_add(journal, &e);
    }
    json_object_put(root);
    free(path);
    if (error) {
        journal_destroy(journal);
        return error;
    }
    *journalp = journal;
    return 0;
}

int
journal_remove(const char *dir, struct error *err)
{
    char *path = xasprintf("%s/" JOURNAL_FILE, dir);
    int error = 0;

    if (unlink(path) && errno != ENOENT) {
        error = error_set(err, -errno, "cannot remove the journal %s: %s",
                          path, strerror(errno));
    }
    free(path);
    return error;
}
