/* The service manager's notification protocol: see service-notify.h. */
#include "service-notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills 'sun' from $NOTIFY_SOCKET's value 'name'; returns the address
 * length, or 0 if 'name' is not a socket address this protocol allows. */
static socklen_t
notify_address(const char *name, struct sockaddr_un *sun)
{
    size_t len = strlen(name);

    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if ((name[0] != '/' && name[0] != '@') || len < 2
        || len >= sizeof sun->sun_path) {
        return 0;
    }
    memcpy(sun->sun_path, name, len);
    if (name[0] == '@') {
        sun->sun_path[0] = '\0';        /* Abstract: no terminator. */
        return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len);
    }
    return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + 1);
}

bool
service_notify(const char *fmt, ...)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sun;
    socklen_t sun_len;
    char msg[2048];
    va_list args;
    ssize_t sent;
    int n, fd;

    if (!name || !(sun_len = notify_address(name, &sun))) {
        return false;
    }
    va_start(args, fmt);
    n = vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (n < 0) {
        return false;
    }
    if ((size_t) n >= sizeof msg) {
        n = sizeof msg - 1;             /* A STATUS= line cut short. */
    }
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    do {
        sent = sendto(fd, msg, (size_t) n, MSG_NOSIGNAL,
                      (const struct sockaddr *) &sun, sun_len);
    } while (sent < 0 && errno == EINTR);
    close(fd);
    return sent == n;
}

uint64_t
service_watchdog_usec(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    unsigned long long value;
    char *end;

    if (pid) {
        errno = 0;
        value = strtoull(pid, &end, 10);
        if (errno || end == pid || *end
            || value != (unsigned long long) getpid()) {
            return 0;                   /* Meant for another process. */
        }
    }
    if (!usec) {
        return 0;
    }
    errno = 0;
    value = strtoull(usec, &end, 10);
    if (errno || end == usec || *end || usec[0] == '-') {
        return 0;
    }
    return value;
}
