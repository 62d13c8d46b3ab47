/* jumboagent's xapi plugin: xapi runs it as
 * /etc/xapi.d/plugins/jumboagent with argv[1] a methodCall and reads one
 * methodResponse from its stdout (xapi-plugin/README.md).
 *
 * This file owns the process: standard output (only the response ever
 * reaches it), the deadline, and the exit code (always 0 once argv is
 * right, so that xapi reads the response rather than "non-zero exit"). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "error.h"
#include "functions.h"
#include "log.h"
#include "util.h"
#include "xmlrpc.h"

/* The response that the deadline writes, made before the function runs,
 * and the descriptor of the real standard output. */
static char *timeout_response;
static size_t timeout_response_len;
static int response_fd = -1;

/* Writes the 'len' bytes of 'buf' to the response descriptor, all of it
 * unless that descriptor fails.  Async-signal-safe. */
static void
write_all(const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(response_fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n <= 0) {
            return;
        }
        buf += n;
        len -= n;
    }
}

/* SIGALRM: the function ran past its deadline.  Answers with the failure
 * prepared for it and ends the process at once (only async-signal-safe
 * calls). */
static void
deadline_expired(int sig)
{
    (void) sig;
    write_all(timeout_response, timeout_response_len);
    _exit(0);
}

/* Prepares the JUMBOAGENT_TIMEOUT [function, seconds] response and arms
 * the deadline of 'seconds'. */
static void
arm_deadline(const char *function, unsigned int seconds)
{
    struct sigaction sa;
    struct itimerval it;
    char secs[16];
    const char *desc[] = { "JUMBOAGENT_TIMEOUT", function, secs };

    snprintf(secs, sizeof secs, "%u", seconds);
    timeout_response = xmlrpc_failure(desc, ARRAY_SIZE(desc));
    timeout_response_len = strlen(timeout_response);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = deadline_expired;
    sigfillset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = seconds;
    setitimer(ITIMER_REAL, &it, NULL);
}

/* Writes the response of 'reply' with the deadline held off, so that
 * exactly one response is ever written. */
static void
respond(const struct plugin_reply *reply)
{
    sigset_t alarm_set;
    char *text;

    sigemptyset(&alarm_set);
    sigaddset(&alarm_set, SIGALRM);
    sigprocmask(SIG_BLOCK, &alarm_set, NULL);
    text = (reply->n_desc
            ? xmlrpc_failure((const char *const *) reply->desc,
                             reply->n_desc)
            : xmlrpc_success(reply->value ? reply->value : ""));
    write_all(text, strlen(text));
    free(text);
}

/* Keeps the real standard output for the response alone: it moves to a
 * descriptor of its own, and descriptor 1 becomes standard error, so that
 * nothing any library prints can reach xapi's parser. */
static int
isolate_stdout(void)
{
    response_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (response_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        return -errno;
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    struct plugin_reply reply;
    const struct plugin_function *fn;
    struct xmlrpc_call *call = NULL;
    char bad_key[XMLRPC_MAX_NAME + 1];
    unsigned int seconds;
    struct error err;

    if (argc != 2) {
        fprintf(stderr, "usage: %s XMLRPC-METHODCALL\n"
                "This is a xapi plugin: xapi runs it (host.call_plugin, "
                "xe host-call-plugin) with one argument, the XML-RPC "
                "request, and reads the response from standard output.\n",
                argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (isolate_stdout()) {
        fprintf(stderr, "%s: cannot set up standard output: %s\n", argv[0],
                strerror(errno));
        return 1;
    }
    log_open("jumboagent-plugin", true);
    memset(&reply, 0, sizeof reply);
    error_clear(&err);
    if (xmlrpc_parse_call(argv[1], strlen(argv[1]), &call, bad_key, &err)) {
        plugin_fail(&reply, "JUMBOAGENT_BAD_ARG", bad_key, err.msg, NULL);
    } else if (!(fn = plugin_find(call->method))) {
        plugin_fail(&reply, "UNKNOWN_XENAPI_PLUGIN_FUNCTION", call->method,
                    NULL, NULL);
    } else if (!plugin_validate(fn, call, &seconds, &reply)) {
        arm_deadline(plugin_name(fn), seconds);
        plugin_run(fn, call, &reply);
    }
    if (reply.n_desc) {
        log_warn("%s: %s%s%s", call ? call->method : "request",
                 reply.desc[0], reply.n_desc > 2 ? ": " : "",
                 reply.n_desc > 2 ? reply.desc[2] : "");
    }
    respond(&reply);
    plugin_reply_clear(&reply);
    xmlrpc_call_destroy(call);
    free(timeout_response);
    return 0;
}
