/* The run lock: see lock.h. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
on_alarm(int sig)
{
    (void) sig;
}

/* Records our pid in the lock file, for the message of a waiting run. */
static void
write_pid(int fd)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long) getpid());

    if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, n, 0) == n) {
        fsync(fd);
    }
}

static long
read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long pid = 0;

    if (n > 0) {
        buf[n] = '\0';
        sscanf(buf, "%ld", &pid);
    }
    return pid;
}

int
lock_acquire(const char *path, int timeout_ms, int *fdp, struct error *err)
{
    struct sigaction sa, old_sa;
    timer_t timer;
    struct sigevent sev;
    struct itimerspec its;
    int fd, error = 0;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return error_set(err, -errno, "cannot open lock file %s: %s; "
                         "check that its directory exists and is writable, "
                         "or pass --lock-file", path, strerror(errno));
    }
    if (!flock(fd, LOCK_EX | LOCK_NB)) {
        write_pid(fd);
        *fdp = fd;
        return 0;
    }
    if (errno != EWOULDBLOCK) {
        error = -errno;
        close(fd);
        return error_set(err, error, "cannot lock %s: %s", path,
                         strerror(-error));
    }

    /* Another run holds it: block in flock() until it is released, woken
     * by a timer's SIGALRM to look at the clock. */
    fprintf(stderr, "jumboagent: waiting up to %d ms for another run "
            "(pid %ld) to release %s\n", timeout_ms, read_pid(fd), path);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old_sa);
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGALRM;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer)) {
        error = -errno;
    } else {
        struct timespec start, now;
        long long waited_ms;

        /* The timer repeats, so that a signal that lands just before
         * flock() blocks cannot leave it waiting for ever. */
        memset(&its, 0, sizeof its);
        its.it_value.tv_nsec = 50 * 1000000L;
        its.it_interval.tv_nsec = 50 * 1000000L;
        clock_gettime(CLOCK_MONOTONIC, &start);
        timer_settime(timer, 0, &its, NULL);
        for (;;) {
            if (!flock(fd, LOCK_EX)) {
                break;
            }
            if (errno != EINTR) {
                error = -errno;
                break;
            }
            clock_gettime(CLOCK_MONOTONIC, &now);
            waited_ms = (now.tv_sec - start.tv_sec) * 1000LL
                        + (now.tv_nsec - start.tv_nsec) / 1000000;
            if (waited_ms >= timeout_ms) {
                error = -ETIMEDOUT;
                break;
            }
        }
        timer_delete(timer);
    }
    sigaction(SIGALRM, &old_sa, NULL);
    if (error) {
        long holder = read_pid(fd);

        close(fd);
        return error_set(err, error, "another jumboagent run (pid %ld) "
                         "still holds %s after %d ms; wait for it to finish "
                         "or raise --timeout", holder, path, timeout_ms);
    }
    write_pid(fd);
    *fdp = fd;
    return 0;
}

void
lock_release(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}
