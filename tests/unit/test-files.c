/* Unit tests of the files an attacker can touch (safe-file.c, lock.c,
 * journal.c): each test plants one attack -- a symlink, a loose mode, a
 * foreign owner, a FIFO, a device, a crafted journal -- and checks that it
 * is refused and that the file it aimed at is untouched.  The foreign-owner
 * cases need root (chown to nobody) and are skipped without it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers.h"
#include "error.h"
#include "host.h"
#include "host-json.h"
#include "journal.h"
#include "lock.h"
#include "policy.h"
#include "safe-file.h"
#include "testlib.h"
#include "util.h"

#define NOBODY 65534
#define VICTIM_TEXT "victim: must stay as it is\n"

static char dir[] = "/tmp/jumboagent-test-files.XXXXXX";

static char *
path_in(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static void
write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0) {
            perror(path);
        }
        close(fd);
        chmod(path, mode);
    }
}

/* A fresh victim file; returns its path. */
static char *
make_victim(void)
{
    char *victim = path_in("victim");

    write_text(victim, VICTIM_TEXT, 0644);
    return victim;
}

static bool
victim_intact(const char *victim)
{
    char *text = test_read_file(victim);
    bool ok = text && !strcmp(text, VICTIM_TEXT);

    free(text);
    return ok;
}

/* A fresh state directory 'name' (mode 0700) in 'dir'. */
static char *
make_state(const char *name)
{
    char *state = path_in(name);
    char *cmd = xasprintf("rm -rf '%s'", state);

    if (system(cmd)) {
        perror(cmd);
    }
    free(cmd);
    mkdir(state, 0700);
    return state;
}

static void
test_lock_file(void)
{
    char *victim = make_victim();
    char *lock = path_in("lock");
    struct error err;
    struct stat st;
    int fd = -1;

    /* A symlink at the lock path. */
    symlink(victim, lock);
    error_clear(&err);
    test_report(lock_acquire(lock, 100, &fd, &err) < 0
                && strstr(err.msg, "symlink"), err.msg,
                "lock: a symlink at the lock path is refused");
    test_report(victim_intact(victim), NULL,
                "lock: the symlink's target is untouched");
    unlink(lock);

    /* A group/other-readable lock file. */
    write_text(lock, "", 0644);
    error_clear(&err);
    test_report(lock_acquire(lock, 100, &fd, &err) == -EPERM
                && strstr(err.msg, "0644"), err.msg,
                "lock: a lock file others can open is refused");
    unlink(lock);

    /* A FIFO at the lock path. */
    mkfifo(lock, 0600);
    error_clear(&err);
    test_report(lock_acquire(lock, 100, &fd, &err) == -EPERM, err.msg,
                "lock: a FIFO at the lock path is refused");
    unlink(lock);

    /* A fresh lock file is 0600, and nothing is written to it. */
    error_clear(&err);
    test_report(!lock_acquire(lock, 100, &fd, &err), err.msg,
                "lock: a fresh lock file is taken");
    test_report(!stat(lock, &st) && (st.st_mode & 07777) == 0600
                && st.st_size == 0, NULL,
                "lock: it is created mode 0600 and left empty (mode %04o)",
                (unsigned int) (st.st_mode & 07777));
    test_report(lock_probe(lock), NULL,
                "lock: the probe sees the lock (same kind of lock)");
    lock_release(fd);
    unlink(lock);
    free(lock);
    free(victim);
}

static void
test_lock_holder(void)
{
    char *lock = path_in("lock");
    int ready[2], fd = -1, status;
    struct error err;
    pid_t child;
    char c = 0, *pid_text;

    /* A stale pid in the file from an old run must never be named. */
    write_text(lock, "1\n", 0600);
    test_report(!lock_probe(lock), NULL, "lock: probe: nobody holds it");
    if (pipe(ready)) {
        return;
    }
    child = fork();
    if (child == 0) {
        int cfd;

        close(ready[0]);
        if (lock_acquire(lock, 1000, &cfd, NULL)
            || write(ready[1], "x", 1) != 1) {
            _exit(1);
        }
        pause();
        _exit(0);
    }
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1) {
        c = 0;
    }
    close(ready[0]);
    test_report(c == 'x', NULL, "lock: a child holds the lock");
    test_report(lock_probe(lock), NULL,
                "lock: probe: sees the child's lock");
    error_clear(&err);
    pid_text = xasprintf("(pid %ld)", (long) child);
    test_report(lock_acquire(lock, 100, &fd, &err) == -ETIMEDOUT
                && strstr(err.msg, pid_text), err.msg,
                "lock: the message names the holder's pid from the kernel, "
                "not the stale one in the file");
    kill(child, SIGTERM);
    waitpid(child, &status, 0);
    test_report(!lock_probe(lock), NULL,
                "lock: probe: free once the holder is gone");
    free(pid_text);
    unlink(lock);
    free(lock);
}

static void
test_state_dir(void)
{
    char *victim = make_victim();
    char *state = make_state("state");
    char *tmp = xasprintf("%s/journal.json.tmp", state);
    char *probe = xasprintf("%s/.write-test", state);
    char *link = path_in("state-link");
    struct journal *j = journal_create(), *back = NULL;
    struct journal_entry e;
    struct error err;
    struct stat st;

    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_LINK_MTU;
    copy_string(e.ifname, "eth1", sizeof e.ifname);
    e.value = 1500;
    journal_add(j, &e);

    /* Symlinked .write-test and journal.json.tmp. */
    symlink(victim, probe);
    symlink(victim, tmp);
    error_clear(&err);
    test_report(!journal_check_dir(state, &err), err.msg,
                "state: a symlinked .write-test is replaced, not followed");
    error_clear(&err);
    test_report(!journal_write(state, j, &err), err.msg,
                "state: a symlinked journal.json.tmp is replaced, "
                "not followed");
    test_report(victim_intact(victim), NULL,
                "state: the symlinks' target is untouched");
    error_clear(&err);
    test_report(!journal_read(state, &back, &err) && back
                && back->n_entries == 1, err.msg,
                "state: the journal written there reads back");
    journal_destroy(back);
    back = NULL;

    /* A state directory others may write. */
    chmod(state, 0777);
    error_clear(&err);
    test_report(journal_check_dir(state, &err) == -EPERM
                && strstr(err.msg, "nothing was changed")
                && strstr(err.msg, "chmod go-w"), err.msg,
                "state: a mode 0777 state directory is refused");
    error_clear(&err);
    test_report(journal_read(state, &back, &err) == -EPERM, err.msg,
                "state: its journal is not read");
    chmod(state, 0700);

    /* A symlink as the state directory. */
    symlink(state, link);
    error_clear(&err);
    test_report(journal_check_dir(link, &err) < 0
                && journal_read(link, &back, &err) < 0
                && journal_write(link, j, &err) < 0, err.msg,
                "state: a symlinked state directory is refused");

    /* Owned by another user. */
    if (!geteuid()) {
        chown(state, NOBODY, NOBODY);
        error_clear(&err);
        test_report(journal_check_dir(state, &err) == -EPERM
                    && strstr(err.msg, "uid 65534"), err.msg,
                    "state: a state directory owned by nobody is refused");
        chown(state, 0, 0);
    } else {
        test_report(true, NULL, "# SKIP chown needs root");
    }

    /* A parent directory others may write. */
    {
        char *parent = path_in("open");
        char *sub = xasprintf("%s/state", parent);

        mkdir(parent, 0777);
        chmod(parent, 0777);
        error_clear(&err);
        test_report(journal_check_dir(sub, &err) == -EPERM
                    && strstr(err.msg, parent), err.msg,
                    "state: a state directory under a 0777 directory is "
                    "refused");
        test_report(stat(sub, &st) || !geteuid(), NULL, "state: checked");
        rmdir(sub);
        chmod(parent, 01777);
        error_clear(&err);
        test_report(!journal_check_dir(sub, &err), err.msg,
                    "state: under a root-owned sticky directory (like /tmp) "
                    "it is accepted");
        rmdir(sub);
        rmdir(parent);
        free(sub);
        free(parent);
    }
    journal_destroy(j);
    unlink(link);
    free(link);
    free(tmp);
    free(probe);
    free(state);
    free(victim);
}

/* Reads a journal whose file is made by 'plant' with 'text'; returns the
 * error of journal_read() and the message in 'err'. */
static int
read_planted(const char *text, struct error *err)
{
    char *state = make_state("planted");
    char *path = xasprintf("%s/journal.json", state);
    struct journal *j = NULL;
    int error;

    write_text(path, text, 0600);
    error_clear(err);
    error = journal_read(state, &j, err);
    journal_destroy(j);
    free(path);
    free(state);
    return error;
}

#define J(ENTRIES) "{\"version\": 1, \"pid\": 1, \"started\": 1, " \
    "\"entries\": [" ENTRIES "]}"
#define E(LAYER, NAME, VALUE) "{\"layer\": \"" LAYER "\", \"interface\": " \
    "\"" NAME "\", \"had_request\": false, \"value\": " VALUE ", " \
    "\"kernel_mtu\": 0}"

static void
test_journal_content(void)
{
    static const struct {
        const char *text;
        const char *expect;     /* In the message. */
        const char *what;
    } bad[] = {
        { J(E("link-mtu", "xeno2\\u0000junk", "1500")), "NUL",
          "a NUL inside an interface name" },
        { J(E("link-mtu", "lo", "1280")), "loopback", "the loopback" },
        { J(E("link-mtu", "a/b", "1500")), "'/'", "a '/' in a name" },
        { J(E("link-mtu", "eth0123456789abc", "1500")), "15 bytes",
          "a name of 16 bytes" },
        { J(E("link-mtu", "eth1", "40")), "68 to 65535",
          "a link MTU below 68" },
        { J(E("link-up", "eth1", "2")), "value 1", "link-up other than 1" },
        { J(E("lro", "eth1", "0")), "value 1", "lro other than 1" },
        { "{\"version\": 1, \"pid\": 1, \"entries\": [{\"layer\": "
          "\"ovs-mtu-request\", \"interface\": \"vif1\", \"had_request\": "
          "true, \"value\": 10, \"kernel_mtu\": 0}]}", "68 to 65535",
          "an mtu_request below 68" },
        { "{\"version\": 1, \"entries\": [], \"run\": 1}", "unknown key",
          "an unknown key" },
        { "{\"version\": 2, \"entries\": []}", "damaged", "version 2" },
        { "{\"version\": 1, \"version\": 1, \"entries\": []}",
          "appears twice",
          "a duplicate key (the strict parser)" },
    };
    struct error err;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        test_report(read_planted(bad[i].text, &err) == -EINVAL
                    && strstr(err.msg, bad[i].expect), err.msg,
                    "journal: refused: %s", bad[i].what);
    }
    test_report(!read_planted(J(E("link-mtu", "eth1", "1500") ", "
                                E("link-up", "eth1", "1")), &err), err.msg,
                "journal: a journal a run could write is read");
    test_report(!read_planted(J("{\"layer\": \"ovs-mtu-request\", "
                                "\"interface\": \"vhost-user-client-1\", "
                                "\"value\": 0, \"kernel_mtu\": 0}"), &err),
                err.msg, "journal: an OVS row named beyond IFNAMSIZ (a "
                "vhost-user port) is read");
}

static void
test_journal_files(void)
{
    char *state = make_state("special");
    char *path = xasprintf("%s/journal.json", state);
    struct journal *j = NULL;
    struct error err;
    char *big;

    symlink("/dev/zero", path);
    error_clear(&err);
    test_report(journal_read(state, &j, &err) == -ELOOP
                && strstr(err.msg, "symlink"), err.msg,
                "journal: a symlink to /dev/zero is refused");
    unlink(path);

    mkfifo(path, 0600);
    alarm(10);              /* A hang fails the test instead of blocking. */
    error_clear(&err);
    test_report(journal_read(state, &j, &err) == -EINVAL
                && strstr(err.msg, "not a regular file"), err.msg,
                "journal: a FIFO is refused at once");
    alarm(0);
    unlink(path);

    write_text(path, J(), 0644 | 0002);
    error_clear(&err);
    test_report(journal_read(state, &j, &err) == -EPERM, err.msg,
                "journal: a world-writable journal is refused");
    unlink(path);

    big = xzalloc(5 * 1024 * 1024);
    memset(big, ' ', 5 * 1024 * 1024 - 1);
    big[0] = '[';
    big[5 * 1024 * 1024 - 2] = ']';
    write_text(path, big, 0600);
    error_clear(&err);
    test_report(journal_read(state, &j, &err) == -EFBIG, err.msg,
                "journal: a 5 MiB journal is refused by size");
    free(big);
    unlink(path);
    free(path);
    free(state);
}

static void
test_journal_policy(void)
{
    static const char text[] = "{\"version\": 1, \"networks\": [{\"name\": "
        "\"storage\", \"bridge\": \"xenbr1\", \"mtu\": 9000, \"uplinks\": "
        "[\"eth1\"], \"vifs\": [\"vif*\"]}]}";
    struct journal *j = journal_create();
    struct policy *policy = NULL;
    struct host *host = host_create();
    struct journal_entry e;
    struct error err;

    error_clear(&err);
    if (policy_parse_buffer("test", text, strlen(text), &policy, &err)) {
        test_report(false, err.msg, "journal: policy");
        return;
    }
    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_LINK_MTU;
    e.value = 1500;
    copy_string(e.ifname, "eth1", sizeof e.ifname);
    journal_add(j, &e);
    copy_string(e.ifname, "vif7.0", sizeof e.ifname);
    journal_add(j, &e);
    copy_string(e.ifname, "xenbr1", sizeof e.ifname);
    journal_add(j, &e);
    test_report(!journal_check_policy(j, policy, NULL, dir, &err), err.msg,
                "journal: bridge, uplink and vif glob are managed");
    copy_string(e.ifname, "eth9", sizeof e.ifname);
    journal_add(j, &e);
    error_clear(&err);
    test_report(journal_check_policy(j, policy, NULL, dir, &err) == -EPERM
                && strstr(err.msg, "eth9")
                && strstr(err.msg, "outside every network"), err.msg,
                "journal: an interface outside the policy is refused");
    /* On the host, eth9 is a port of xenbr1's bond: managed. */
    {
        struct host_link *link;

        /* host_add_link() may move the links: one at a time. */
        link = host_add_link(host, "bond1");
        copy_string(link->master, "xenbr1", sizeof link->master);
        link = host_add_link(host, "eth9");
        copy_string(link->master, "bond1", sizeof link->master);
    }
    error_clear(&err);
    test_report(!journal_check_policy(j, policy, host, dir, &err), err.msg,
                "journal: a member of a bond on a policy bridge is managed");
    error_clear(&err);
    test_report(journal_check_policy(j, NULL, host, dir, &err) == -EPERM,
                err.msg, "journal: without a policy nothing is managed");

    /* A VIF of a stopped VM is gone from the host: it counts as restored,
     * so it does not block the journal; an interface that exists outside
     * the policy still does. */
    journal_destroy(j);
    j = journal_create();
    copy_string(e.ifname, "vnet4", sizeof e.ifname);
    journal_add(j, &e);
    error_clear(&err);
    test_report(!journal_check_policy(j, policy, host, dir, &err), err.msg,
                "journal: an interface gone from the host does not block it");
    host_add_link(host, "eno5");
    copy_string(e.ifname, "eno5", sizeof e.ifname);
    journal_add(j, &e);
    error_clear(&err);
    test_report(journal_check_policy(j, policy, host, dir, &err) == -EPERM
                && strstr(err.msg, "eno5"), err.msg,
                "journal: an existing interface outside the policy is "
                "refused");

    /* An OVS row cannot be judged while OVSDB is down. */
    journal_destroy(j);
    j = journal_create();
    e.layer = JOURNAL_OVS_MTU_REQUEST;
    e.had_request = false;
    e.value = 0;
    copy_string(e.ifname, "eno5", sizeof e.ifname);
    journal_add(j, &e);
    host->ovs_reachable = false;
    error_clear(&err);
    test_report(!journal_check_policy(j, policy, host, dir, &err), err.msg,
                "journal: an OVS entry waits while OVSDB is down");
    host->ovs_reachable = true;
    error_clear(&err);
    test_report(journal_check_policy(j, policy, host, dir, &err) == -EPERM,
                err.msg, "journal: and is judged once OVSDB answers");
    host_destroy(host);
    policy_destroy(policy);
    journal_destroy(j);
}

static void
test_inputs(void)
{
    static const char text[] = "{\"version\": 1, \"networks\": [{\"name\": "
        "\"storage\", \"bridge\": \"xenbr1\", \"mtu\": 9000}]}";
    char *file = path_in("policy.json");
    char *sub = path_in("open");
    char *subfile = xasprintf("%s/policy.json", sub);
    struct policy *policy = NULL;
    struct driver_table *table = NULL;
    struct host *host = NULL;
    struct error err;

    write_text(file, text, 0600);
    error_clear(&err);
    test_report(!policy_parse_file(file, &policy, &err), err.msg,
                "inputs: a 0600 policy of ours in a mkdtemp dir under /tmp "
                "is read");
    policy_destroy(policy);
    policy = NULL;

    chmod(file, 0666);
    error_clear(&err);
    test_report(policy_parse_file(file, &policy, &err) == -EPERM
                && strstr(err.msg, "chmod go-w"), err.msg,
                "inputs: a mode 0666 policy is refused with the fix");
    error_clear(&err);
    test_report(driver_table_parse_file(file, &table, &err) == -EPERM,
                err.msg, "inputs: a mode 0666 driver table is refused");
    error_clear(&err);
    chmod(file, 0620);
    test_report(policy_parse_file(file, &policy, &err) == -EPERM, err.msg,
                "inputs: a group-writable policy is refused");
    chmod(file, 0644);
    if (!geteuid()) {
        chown(file, NOBODY, NOBODY);
        error_clear(&err);
        test_report(policy_parse_file(file, &policy, &err) == -EPERM
                    && strstr(err.msg, "chown root"), err.msg,
                    "inputs: a policy owned by nobody is refused");
        error_clear(&err);
        test_report(driver_table_parse_file(file, &table, &err) == -EPERM,
                    err.msg, "inputs: a driver table owned by nobody is "
                    "refused");
        chown(file, 0, 0);
    }

    mkdir(sub, 0777);
    chmod(sub, 0777);
    write_text(subfile, text, 0600);
    error_clear(&err);
    test_report(policy_parse_file(subfile, &policy, &err) == -EPERM
                && strstr(err.msg, "directory above"), err.msg,
                "inputs: a policy in a 0777 directory is refused");
    unlink(subfile);

    mkfifo(subfile, 0600);
    chmod(sub, 0700);
    alarm(10);
    error_clear(&err);
    test_report(policy_parse_file(subfile, &policy, &err) == -EINVAL
                && strstr(err.msg, "not a regular file"), err.msg,
                "inputs: a FIFO as the policy is refused at once");
    error_clear(&err);
    test_report(host_json_read_file(subfile, &host, &err) < 0,
                err.msg, "inputs: a FIFO as the host model is refused");
    alarm(0);
    unlink(subfile);
    rmdir(sub);

    error_clear(&err);
    test_report(policy_parse_file("/dev/null", &policy, &err) == -EINVAL,
                err.msg, "inputs: a device as the policy is refused");
    host_destroy(host);
    free(subfile);
    free(sub);
    unlink(file);
    free(file);
}

int
main(void)
{
    char *cmd;

    if (!mkdtemp(dir)) {
        test_report(false, strerror(errno), "mkdtemp");
        return 1;
    }
    test_lock_file();
    test_lock_holder();
    test_state_dir();
    test_journal_content();
    test_journal_files();
    test_journal_policy();
    test_inputs();
    cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd)) {
        perror(cmd);
    }
    free(cmd);
    return test_exit_status();
}
