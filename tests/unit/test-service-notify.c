/* Unit tests of service-notify.c: datagrams to a path and to an abstract
 * $NOTIFY_SOCKET, nothing without one, and $WATCHDOG_USEC/$WATCHDOG_PID. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "service-notify.h"
#include "testlib.h"

/* Binds a datagram socket at 'name' ("/path" or "@abstract"); returns it,
 * or -1. */
static int
listen_at(const char *name)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    size_t len = strlen(name);
    socklen_t sun_len;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    memcpy(sun.sun_path, name, len);
    if (name[0] == '@') {
        sun.sun_path[0] = '\0';
        sun_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len);
    } else {
        sun_len = sizeof sun;
    }
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sun_len)) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* Receives one datagram from 'fd' into 'buf' without waiting; "" if none. */
static const char *
receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void
test_path(void)
{
    char dir[] = "/tmp/jumboagent-notify.XXXXXX";
    char path[128], buf[4096];
    int fd;

    if (!mkdtemp(dir)) {
        test_report(false, NULL, "mkdtemp");
        return;
    }
    snprintf(path, sizeof path, "%s/notify", dir);
    fd = listen_at(path);
    setenv("NOTIFY_SOCKET", path, 1);
    test_report(service_notify("READY=1\nSTATUS=pass %d", 3), NULL,
                "sends to a path");
    test_streq("READY=1\nSTATUS=pass 3", receive(fd, buf, sizeof buf),
               "the datagram is the state lines");
    close(fd);
    unlink(path);
    rmdir(dir);
    test_report(!service_notify("WATCHDOG=1"), NULL,
                "a socket that is gone: not sent");
}

static void
test_abstract(void)
{
    char name[64], buf[4096];
    int fd;

    snprintf(name, sizeof name, "@jumboagent-notify-%ld", (long) getpid());
    fd = listen_at(name);
    setenv("NOTIFY_SOCKET", name, 1);
    test_report(service_notify("STOPPING=1"), NULL,
                "sends to an abstract socket");
    test_streq("STOPPING=1", receive(fd, buf, sizeof buf),
               "the abstract socket gets it");
    close(fd);
}

static void
test_no_socket(void)
{
    unsetenv("NOTIFY_SOCKET");
    test_report(!service_notify("READY=1"), NULL,
                "no $NOTIFY_SOCKET: nothing sent");
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    test_report(!service_notify("READY=1"), NULL,
                "a relative path is not an address: nothing sent");
    unsetenv("NOTIFY_SOCKET");
}

static void
test_watchdog(void)
{
    char pid[32];

    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    test_report(service_watchdog_usec() == 0, NULL, "no watchdog: 0");
    setenv("WATCHDOG_USEC", "20000000", 1);
    test_report(service_watchdog_usec() == 20000000, NULL,
                "WATCHDOG_USEC alone");
    snprintf(pid, sizeof pid, "%ld", (long) getpid());
    setenv("WATCHDOG_PID", pid, 1);
    test_report(service_watchdog_usec() == 20000000, NULL,
                "WATCHDOG_PID is this process");
    setenv("WATCHDOG_PID", "1", 1);
    test_report(service_watchdog_usec() == 0, NULL,
                "WATCHDOG_PID of another process: 0");
    unsetenv("WATCHDOG_PID");
    setenv("WATCHDOG_USEC", "12x", 1);
    test_report(service_watchdog_usec() == 0, NULL, "not a number: 0");
    setenv("WATCHDOG_USEC", "-5", 1);
    test_report(service_watchdog_usec() == 0, NULL, "negative: 0");
    unsetenv("WATCHDOG_USEC");
}

int
main(void)
{
    test_path();
    test_abstract();
    test_no_socket();
    test_watchdog();
    return test_exit_status();
}
