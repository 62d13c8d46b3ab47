/* The service manager's notification protocol (systemd's sd_notify(3)
 * datagrams), written here so that jumboagent need not load libsystemd and
 * the libraries it pulls in (1.1 MiB of peak RSS for each run) for one
 * datagram: "READY=1", "STATUS=...", "WATCHDOG=1" and the like go to the
 * AF_UNIX datagram socket named by $NOTIFY_SOCKET (a path, or "@name" for
 * the abstract namespace). */
#ifndef SERVICE_NOTIFY_H
#define SERVICE_NOTIFY_H 1

#include <stdbool.h>
#include <stdint.h>

/* Sends the state lines 'fmt', printf-formatted, in one datagram to
 * $NOTIFY_SOCKET.  Returns true if it was sent, false if there is no
 * $NOTIFY_SOCKET (not started by a service manager) or sending failed,
 * which a service manager shows by itself (a start that never became ready,
 * a watchdog timeout). */
bool service_notify(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Returns the watchdog interval the service manager asks this process for
 * ($WATCHDOG_USEC, when $WATCHDOG_PID is unset or this process's pid), in
 * microseconds, or 0 if none. */
uint64_t service_watchdog_usec(void);

#endif /* service-notify.h */
