/* The run lock: see lock.h. */
#define _GNU_SOURCE 1
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Byte 0 carries the OFD lock that excludes other runs; byte 1 a classic
 * process-owned lock whose only job is to name the holder's pid. */
#define LOCK_BYTE 0
#define PID_BYTE 1

static void
init_flock(struct flock *fl, short type, off_t start)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = start;
    fl->l_len = 1;
}

/* Returns the pid of the process that holds the lock on 'fd', as the kernel
 * reports it, or 0 if unknown. */
static long
holder_pid(int fd)
{
    struct flock fl;

    init_flock(&fl, F_WRLCK, PID_BYTE);
    if (!fcntl(fd, F_GETLK, &fl) && fl.l_type != F_UNLCK && fl.l_pid > 0) {
        return fl.l_pid;
    }
    return 0;
}

/* Writes "(pid N) " for the holder of the lock on 'fd' into 'buf'. */
static const char *
holder_text(int fd, char *buf, size_t size)
{
    long pid = holder_pid(fd);

    if (pid) {
        snprintf(buf, size, " (pid %ld)", pid);
    } else {
        buf[0] = '\0';
    }
    return buf;
}

/* Checks that the open lock file 'fd' at 'path' can be trusted. */
static int
check_lock_file(int fd, const char *path, struct error *err)
{
    struct stat st;

    if (fstat(fd, &st)) {
        return error_set(err, -errno, "cannot check the lock file %s: %s",
                         path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return error_set(err, -EPERM, "the lock file %s is not a regular "
                         "file; nothing was changed; remove it (jumboagent "
                         "creates it again) or pass --lock-file FILE", path);
    }
    if ((st.st_uid != 0 && st.st_uid != geteuid())
        || st.st_mode & (S_IRWXG | S_IRWXO) || st.st_nlink != 1) {
        return error_set(err, -EPERM, "the lock file %s (uid %ld, mode "
                         "%04o, %ld link(s)) may be opened by another user, "
                         "who could then block every run; nothing was "
                         "changed; remove it (jumboagent creates it again "
                         "with mode 0600) or pass --lock-file FILE", path,
                         (long) st.st_uid,
                         (unsigned int) (st.st_mode & 07777),
                         (long) st.st_nlink);
    }
    return 0;
}

/* Takes the two locks on 'fd', waiting if 'wait'. */
static int
take_locks(int fd, bool wait)
{
    struct flock fl;

    init_flock(&fl, F_WRLCK, LOCK_BYTE);
    if (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl)) {
        return -errno;
    }
    /* Only names us to waiting runs: a failure costs the pid in their
     * message, nothing else. */
    init_flock(&fl, F_WRLCK, PID_BYTE);
    (void) fcntl(fd, F_SETLK, &fl);
    return 0;
}

/* How often a wait for the lock looks again. */
#define LOCK_RETRY_MS 50

/* The stop requests that end a wait for the lock: those of SIGINT, SIGTERM
 * and SIGHUP that the caller blocks (main.c blocks them all before it
 * takes the lock), so that they stay pending until this looks.  An
 * unblocked one kills the process as usual. */
static void
blocked_stop_signals(sigset_t *set)
{
    static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
    sigset_t blocked;

    sigemptyset(set);
    if (sigprocmask(SIG_BLOCK, NULL, &blocked)) {
        return;
    }
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        if (sigismember(&blocked, stops[i])) {
            sigaddset(set, stops[i]);
        }
    }
}

/* Waits up to 'ms' for one of the signals in 'stops' (blocked): returns
 * its number, having taken it (the run ends on it), or 0 after 'ms' or a
 * wake-up by another signal. */
static int
wait_stop_signal(const sigset_t *stops, long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    int sig = sigtimedwait(stops, NULL, &ts);

    return sig > 0 ? sig : 0;
}

int
lock_acquire(const char *path, int timeout_ms, int *fdp, struct error *err)
{
    struct timespec start, now;
    sigset_t stops;
    char holder[32];
    int fd, sig = 0, error = 0;

    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
              | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = -errno;
        return error_set(err, error, "cannot open the lock file %s: %s%s; "
                         "nothing was changed; %s", path, strerror(-error),
                         error == -ELOOP ? " (it is a symlink)" : "",
                         error == -ELOOP
                         ? "remove the symlink or pass --lock-file FILE"
                         : "check that its directory exists and is "
                         "writable, or pass --lock-file FILE");
    }
    error = check_lock_file(fd, path, err);
    if (error) {
        close(fd);
        return error;
    }
    error = take_locks(fd, false);
    if (!error) {
        *fdp = fd;
        return 0;
    }
    if (error != -EAGAIN && error != -EACCES) {
        close(fd);
        return error_set(err, error, "cannot lock %s: %s; nothing was "
                         "changed", path, strerror(-error));
    }

    /* Another run holds it: try again every LOCK_RETRY_MS, sleeping in
     * sigtimedwait() on the blocked stop signals, so that a stop request
     * ends the wait at once.  (No timer and no SIGALRM: nothing in the wait
     * can fail but the lock itself.) */
    fprintf(stderr, "jumboagent: waiting up to %d ms for another run%s to "
            "release %s\n", timeout_ms,
            holder_text(fd, holder, sizeof holder), path);
    blocked_stop_signals(&stops);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        long long waited_ms;

        clock_gettime(CLOCK_MONOTONIC, &now);
        waited_ms = ((now.tv_sec - start.tv_sec) * 1000LL
                     + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (waited_ms >= timeout_ms) {
            error = -ETIMEDOUT;
            break;
        }
        sig = wait_stop_signal(&stops, (timeout_ms - waited_ms < LOCK_RETRY_MS
                                        ? timeout_ms - waited_ms
                                        : LOCK_RETRY_MS));
        if (sig) {
            error = -EINTR;
            break;
        }
        error = take_locks(fd, false);
        if (error != -EAGAIN && error != -EACCES) {
            break;
        }
    }
    if (error) {
        holder_text(fd, holder, sizeof holder);
        close(fd);
        if (sig) {
            return error_set(err, error, "stopped by %s while waiting for "
                             "the lock %s held by another jumboagent "
                             "run%s; nothing was changed",
                             sig == SIGINT ? "SIGINT"
                             : sig == SIGTERM ? "SIGTERM" : "SIGHUP",
                             path, holder);
        } else if (error != -ETIMEDOUT) {
            return error_set(err, error, "cannot lock %s: %s; nothing was "
                             "changed", path, strerror(-error));
        }
        return error_set(err, error, "another jumboagent run%s still holds "
                         "%s after %d ms; nothing was changed; wait for it "
                         "to finish or raise --timeout", holder, path,
                         timeout_ms);
    }
    *fdp = fd;
    return 0;
}

void
lock_release(int fd)
{
    if (fd >= 0) {
        /* Closing drops both locks. */
        close(fd);
    }
}

bool
lock_probe(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
                  | O_CLOEXEC);
    struct flock fl;
    bool held = false;

    if (fd >= 0) {
        init_flock(&fl, F_WRLCK, LOCK_BYTE);
        held = !fcntl(fd, F_OFD_GETLK, &fl) && fl.l_type != F_UNLCK;
        close(fd);
    }
    return held;
}
