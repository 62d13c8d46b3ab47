/* Unit tests of the apply journal (journal.c) and the run lock (lock.c):
 * round trip, first value wins, atomic replace, damaged journals, an
 * unwritable directory, and a lock held by another process that makes a
 * second taker time out, then succeed once it is released. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "journal.h"
#include "lock.h"
#include "testlib.h"
#include "util.h"

static char dir[] = "/tmp/jumboagent-test-journal.XXXXXX";

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void
test_round_trip(void)
{
    struct journal *j = journal_create(), *back = NULL;
    struct journal_entry e;
    struct error err;
    int error;

    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_OVS_MTU_REQUEST;
    copy_string(e.ifname, "eth2", sizeof e.ifname);
    e.had_request = false;
    e.kernel_mtu = 1500;
    journal_add(j, &e);
    e.value = 9000;                     /* Same interface and layer: ignored. */
    journal_add(j, &e);
    e.layer = JOURNAL_LINK_MTU;
    copy_string(e.ifname, "br0", sizeof e.ifname);
    e.value = 1500;
    journal_add(j, &e);
    e.layer = JOURNAL_LRO;
    copy_string(e.ifname, "eth4", sizeof e.ifname);
    e.value = 1;
    journal_add(j, &e);
    test_report(j->n_entries == 3, NULL, "journal: the first value of an "
                "interface and layer wins");

    error_clear(&err);
    test_report(!journal_check_dir(dir, &err), err.msg,
                "journal: the directory is writable");
    test_report(!journal_write(dir, j, &err), err.msg, "journal: write");
    error = journal_read(dir, &back, &err);
    test_report(!error, err.msg, "journal: read back");
    if (!error) {
        test_report(back->pid == j->pid && back->n_entries == 3, NULL,
                    "journal: pid and entries survive");
        test_report(back->entries[0].layer == JOURNAL_OVS_MTU_REQUEST
                    && !strcmp(back->entries[0].ifname, "eth2")
                    && !back->entries[0].had_request
                    && back->entries[0].value == 0
                    && back->entries[0].kernel_mtu == 1500, NULL,
                    "journal: OVS entry survives");
        test_report(back->entries[1].layer == JOURNAL_LINK_MTU
                    && back->entries[1].value == 1500
                    && back->entries[2].layer == JOURNAL_LRO
                    && back->entries[2].value == 1, NULL,
                    "journal: link and LRO entries survive, in order");
    }
    journal_destroy(back);
    back = NULL;

    /* journal_update() replaces what journal_write() put there. */
    j->entries[1].value = 1400;
    test_report(!journal_update(dir, j, &err), err.msg, "journal: update");
    error = journal_read(dir, &back, &err);
    test_report(!error && back->n_entries == 3
                && back->entries[1].value == 1400, err.msg,
                "journal: the update is what is read back");
    journal_destroy(back);
    journal_destroy(j);

    test_report(!journal_remove(dir, &err), err.msg, "journal: remove");
    test_report(journal_read(dir, &back, &err) == -ENOENT, NULL,
                "journal: none after remove (-ENOENT)");
    test_report(!journal_remove(dir, &err), err.msg,
                "journal: removing a missing journal is not an error");
}

/* The replug phase and the OVS tier (review 7, 8): they survive a write
 * and a read; a journal written before them reads as "made" and tier 0;
 * either on a layer that never records it, or a tier out of range, is
 * refused. */
static void
test_phase_and_tier(void)
{
    static const struct {
        const char *text;
        const char *problem;    /* NULL: read. */
    } cases[] = {
        { "{\"version\": 1, \"entries\": [{\"layer\": \"link-up\", "
          "\"interface\": \"eth0\", \"value\": 1, \"target\": 1}]}", NULL },
        { "{\"version\": 1, \"entries\": [{\"layer\": \"link-mtu\", "
          "\"interface\": \"eth0\", \"value\": 1500, \"bounced\": false}]}",
          "only a link-up entry records \"bounced\"" },
        { "{\"version\": 1, \"entries\": [{\"layer\": \"link-up\", "
          "\"interface\": \"eth0\", \"value\": 1, \"tier\": 0}]}",
          "only an ovs-mtu-request entry records \"tier\"" },
        { "{\"version\": 1, \"entries\": [{\"layer\": \"ovs-mtu-request\", "
          "\"interface\": \"eth0\", \"value\": 0, \"tier\": 4}]}",
          "tier" },
    };
    struct journal *j = journal_create(), *back = NULL;
    char *path = xasprintf("%s/journal.json", dir);
    struct journal_entry e;
    struct error err;

    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_OVS_MTU_REQUEST;
    copy_string(e.ifname, "vif1.0", sizeof e.ifname);
    e.tier = 3;
    journal_add(j, &e);
    memset(&e, 0, sizeof e);
    e.layer = JOURNAL_LINK_UP;
    copy_string(e.ifname, "eth0", sizeof e.ifname);
    e.value = e.target = 1;
    e.has_target = true;
    e.bounced = false;
    journal_add(j, &e);
    copy_string(e.ifname, "eth1", sizeof e.ifname);
    e.bounced = true;
    journal_add(j, &e);
    error_clear(&err);
    test_report(!journal_write(dir, j, &err)
                && !journal_read(dir, &back, &err)
                && back->n_entries == 3 && back->entries[0].tier == 3
                && !back->entries[1].bounced && back->entries[2].bounced,
                err.msg, "journal: tier 3, a pending and a made replug "
                "survive");
    journal_destroy(back);
    journal_destroy(j);

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int error;

        back = NULL;
        error_clear(&err);
        write_text(path, cases[i].text);
        error = journal_read(dir, &back, &err);
        if (!cases[i].problem) {
            test_report(!error && back->entries[0].bounced, err.msg,
                        "journal: a link-up entry without \"bounced\" (an "
                        "older journal) reads as made");
        } else {
            test_report(error == -EINVAL && strstr(err.msg,
                                                   cases[i].problem),
                        err.msg, "journal: refused: %s", cases[i].problem);
        }
        journal_destroy(back);
    }
    unlink(path);
    free(path);
}

static void
test_damaged(void)
{
    static const char *const texts[] = {
        "",
        "{",
        "[]",
        "{\"version\": 1}",
        "{\"entries\": [{\"layer\": \"bogus\", \"interface\": \"x\", "
        "\"value\": 1}]}",
        "{\"entries\": [{\"layer\": \"lro\", \"value\": 1}]}",
        "{\"entries\": [{\"layer\": null, \"interface\": \"x\", "
        "\"value\": 1}]}",
        "{\"entries\": [{\"layer\": \"lro\", \"interface\": null, "
        "\"value\": 1}]}",
        "{\"entries\": [{\"layer\": \"lro\", \"interface\": \"\", "
        "\"value\": 1}]}",
        "{\"entries\": [{\"layer\": \"link-mtu\", \"interface\": "
        "\"a-name-far-too-long-for-any-interface-of-linux-or-of-open-vswitch-x\", \"value\": 1500}]}",
        "{\"entries\": [{\"layer\": \"link-mtu\", \"interface\": "
        "\"eth0\", \"value\": -1}]}",
        "{\"entries\": [42]}",
    };
    char *path = xasprintf("%s/journal.json", dir);

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct journal *j = NULL;
        struct error err;
        int error;

        error_clear(&err);
        write_text(path, texts[i]);
        error = journal_read(dir, &j, &err);
        test_report(error == -EINVAL && j == NULL
                    && strstr(err.msg, "journal.json")
                    && strstr(err.msg, "by hand"), err.msg,
                    "journal: damaged journal %zu is refused with a message",
                    i);
        journal_destroy(j);
    }
    unlink(path);
    free(path);
}

static void
test_unwritable(void)
{
    struct error err;
    char *file = xasprintf("%s/not-a-dir", dir);
    char *sub = xasprintf("%s/not-a-dir/state", dir);

    write_text(file, "x");
    error_clear(&err);
    test_report(journal_check_dir(sub, &err) < 0
                && strstr(err.msg, sub) && strstr(err.msg, "--state-dir"),
                err.msg, "journal: an unusable directory is refused and "
                "named");
    unlink(file);
    free(file);
    free(sub);
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Forks a process that takes the lock at 'path', says so, holds it for
 * 'hold_ms' and exits 0 (1 if it could not take it).  Returns its pid once
 * it holds the lock (reported as a check), or -1. */
static pid_t
fork_lock_holder(const char *path, int hold_ms)
{
    int ready[2];
    pid_t child;
    char c = 0;

    if (pipe(ready)) {
        test_report(false, strerror(errno), "lock: pipe");
        return -1;
    }
    child = fork();
    if (child == 0) {
        int cfd;

        close(ready[0]);
        if (lock_acquire(path, 1000, &cfd, NULL)
            || write(ready[1], "x", 1) != 1) {
            _exit(1);
        }
        usleep(hold_ms * 1000);
        lock_release(cfd);
        _exit(0);
    }
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1) {
        c = 0;
    }
    close(ready[0]);
    test_report(c == 'x', NULL, "lock: another process holds the lock");
    return child;
}

static void
test_lock(void)
{
    char *path = xasprintf("%s/run.lock", dir);
    int fd = -1, status;
    struct error err;
    long long start;
    pid_t child;

    child = fork_lock_holder(path, 800);
    if (child < 0) {
        free(path);
        return;
    }

    error_clear(&err);
    start = now_ms();
    test_report(lock_acquire(path, 200, &fd, &err) == -ETIMEDOUT
                && strstr(err.msg, "still holds"), err.msg,
                "lock: a second taker times out with a message");
    test_report(now_ms() - start < 700, NULL,
                "lock: the timeout is honoured (%lld ms for 200)",
                now_ms() - start);

    error_clear(&err);
    test_report(!lock_acquire(path, 5000, &fd, &err), err.msg,
                "lock: a taker that waits long enough gets it");
    lock_release(fd);
    waitpid(child, &status, 0);
    test_report(WIFEXITED(status) && WEXITSTATUS(status) == 0, NULL,
                "lock: the holder exited cleanly");
    unlink(path);
    free(path);
}

/* Issue 9 review (12): a stop request (SIGTERM, blocked as main.c blocks
 * it) while another run holds the lock ends the wait at once, and the
 * message names the signal and the holder. */
static void
test_lock_stop(void)
{
    char *path = xasprintf("%s/run.lock", dir);
    int fd = -1, status;
    sigset_t term, old;
    pid_t holder, killer;
    struct error err;
    long long start;
    char *pid_text;
    int error;

    holder = fork_lock_holder(path, 3000);
    if (holder < 0) {
        free(path);
        return;
    }

    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old);
    killer = fork();
    if (killer == 0) {
        usleep(200 * 1000);
        kill(getppid(), SIGTERM);
        _exit(0);
    }
    error_clear(&err);
    start = now_ms();
    error = lock_acquire(path, 5000, &fd, &err);
    test_report(error == -EINTR, err.msg, "lock: SIGTERM during the wait "
                "ends it with -EINTR (got %d)", error);
    test_report(now_ms() - start < 1500, NULL, "lock: at once (%lld ms of "
                "the 5000 ms timeout; the holder keeps it 3000 ms)",
                now_ms() - start);
    pid_text = xasprintf("(pid %ld)", (long) holder);
    test_report(strstr(err.msg, "stopped by SIGTERM while waiting for the "
                       "lock") && strstr(err.msg, pid_text)
                && strstr(err.msg, "nothing was changed"), err.msg,
                "lock: the message says stopped by SIGTERM, the holder's "
                "pid and that nothing was changed");
    if (!error) {
        lock_release(fd);
    }
    waitpid(killer, &status, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    kill(holder, SIGKILL);
    waitpid(holder, &status, 0);
    unlink(path);
    free(pid_text);
    free(path);
}

int
main(void)
{
    if (!mkdtemp(dir)) {
        test_report(false, strerror(errno), "mkdtemp");
        return 1;
    }
    test_round_trip();
    test_damaged();
    test_phase_and_tier();
    test_unwritable();
    test_lock();
    test_lock_stop();
    rmdir(dir);
    return test_exit_status();
}
