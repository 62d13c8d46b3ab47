/* xapi's JSON-RPC API over its local unix socket, through libcurl.
 *
 * Wire forms from /work/shared/reference/xapi.md section 4: POST /jsonrpc,
 * a v2 error is {code, message: CODE, data: [params]}, a v1 error an array
 * [CODE, params...]; both are read.  Login is session.login_with_password,
 * which xapi grants to root on the unix socket without a password. */
#include "xapi-client.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curl-lib.h"
#include "util.h"

/* The largest answer read: get_all_records of a big pool is a few MB. */
#define XAPI_MAX_RESPONSE_SIZE (64u << 20)

struct xapi_client {
    const struct curl_lib *lib; /* curl-lib.h. */
    CURL *curl;
    char *path;                 /* The unix socket. */
    int timeout_ms;             /* Per call. */
    char *session;              /* OpaqueRef of the session, or NULL. */
    unsigned int id;            /* JSON-RPC id of the next call. */
};

struct response {
    char *data;
    size_t size;
    bool too_big;
};

static size_t
write_response(char *ptr, size_t size, size_t n, void *resp_)
{
    struct response *resp = resp_;
    size_t len = size * n;

    if (resp->size + len > XAPI_MAX_RESPONSE_SIZE) {
        resp->too_big = true;
        return 0;
    }
    resp->data = xrealloc(resp->data, resp->size + len + 1);
    memcpy(resp->data + resp->size, ptr, len);
    resp->size += len;
    resp->data[resp->size] = '\0';
    return len;
}

/* Formats an xapi error ('error' of a v1 or v2 answer) into 'err' as
 * "METHOD: CODE param param". */
static int
set_api_error(struct error *err, const char *method,
              struct json_object *error, char **codep)
{
    struct json_object *data = NULL, *code = NULL;
    char params[768] = "";
    size_t n = 0;

    if (json_object_is_type(error, json_type_array)) {
        code = json_object_array_get_idx(error, 0);
        data = error;
        n = 1;
    } else if (json_object_is_type(error, json_type_object)) {
        json_object_object_get_ex(error, "message", &code);
        json_object_object_get_ex(error, "data", &data);
    }
    for (; data && json_object_is_type(data, json_type_array)
           && n < json_object_array_length(data); n++) {
        const char *s = json_object_get_string(
            json_object_array_get_idx(data, n));
        size_t used = strlen(params);

        snprintf(params + used, sizeof params - used, " %s", s ? s : "");
    }
    if (codep) {
        *codep = xstrdup(code ? json_object_get_string(code) : "");
    }
    return error_set(err, -EREMOTEIO, "xapi %s failed: %s%s", method,
                     code ? json_object_get_string(code) : "(no code)",
                     params);
}

/* One HTTP round trip.  'session' is prepended to 'params' when nonnull.
 * Takes ownership of 'params'.  On an API error stores xapi's code in
 * '*codep' (malloc()'d) when 'codep' is nonnull. */
static int
call_once(struct xapi_client *c, const char *method, const char *session,
          struct json_object *params, struct json_object **resultp,
          char **codep, struct error *err)
{
    struct json_object *req = json_object_new_object();
    struct json_object *args = json_object_new_array();
    struct json_object *answer = NULL, *result, *error;
    struct response resp = { NULL, 0, false };
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    const char *body;
    CURLcode rc;
    long status = 0;
    int retval;

    if (session) {
        json_object_array_add(args, json_object_new_string(session));
    }
    for (size_t i = 0; params && i < json_object_array_length(params); i++) {
        json_object_array_add(args, json_object_get(
            json_object_array_get_idx(params, i)));
    }
    json_object_put(params);
    json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(req, "method", json_object_new_string(method));
    json_object_object_add(req, "params", args);
    json_object_object_add(req, "id", json_object_new_int((int) ++c->id));
    body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);

    headers = c->lib->slist_append(headers, "Content-Type: application/json");
    c->lib->easy_reset(c->curl);
    c->lib->easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, c->path);
    c->lib->easy_setopt(c->curl, CURLOPT_URL, "http://localhost/jsonrpc");
    c->lib->easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    c->lib->easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
    c->lib->easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long) c->timeout_ms);
    c->lib->easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    c->lib->easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, write_response);
    c->lib->easy_setopt(c->curl, CURLOPT_WRITEDATA, &resp);
    c->lib->easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
    rc = c->lib->easy_perform(c->curl);
    c->lib->easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    c->lib->slist_free_all(headers);
    json_object_put(req);

    if (resp.too_big) {
        retval = error_set(err, -EMSGSIZE, "xapi %s: the answer is larger "
                           "than %u bytes; refusing to read it", method,
                           XAPI_MAX_RESPONSE_SIZE);
    } else if (rc != CURLE_OK) {
        /* -ECONNRESET: the request may have reached xapi, the answer did
         * not come back; -ECONNREFUSED: it cannot have reached it. */
        retval = error_set(err, rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT
                           : rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR
                             || rc == CURLE_SEND_ERROR
                             || rc == CURLE_PARTIAL_FILE ? -ECONNRESET
                           : -ECONNREFUSED, "xapi %s on %s: %s; is xapi "
                           "running on this host (the pool coordinator)?",
                           method, c->path,
                           *errbuf ? errbuf : c->lib->easy_strerror(rc));
    } else if (status != 200 || !resp.data
               || !(answer = json_tokener_parse(resp.data))
               || !json_object_is_type(answer, json_type_object)) {
        retval = error_set(err, -EPROTO, "xapi %s: HTTP %ld with an answer "
                           "that is not a JSON-RPC object", method, status);
    } else if (json_object_object_get_ex(answer, "error", &error)
               && error && !json_object_is_type(error, json_type_null)) {
        retval = set_api_error(err, method, error, codep);
    } else if (!json_object_object_get_ex(answer, "result", &result)) {
        retval = error_set(err, -EPROTO, "xapi %s: the answer has neither "
                           "result nor error", method);
    } else {
        if (resultp) {
            *resultp = json_object_get(result);
        }
        retval = 0;
    }
    json_object_put(answer);
    free(resp.data);
    return retval;
}

static int
login(struct xapi_client *c, struct error *err)
{
    struct json_object *params = json_object_new_array(), *result = NULL;
    int retval;

    json_object_array_add(params, json_object_new_string("root"));
    json_object_array_add(params, json_object_new_string(""));
    json_object_array_add(params, json_object_new_string("1.0"));
    json_object_array_add(params, json_object_new_string("jumboagent"));
    retval = call_once(c, "session.login_with_password", NULL, params,
                       &result, NULL, err);
    if (!retval) {
        if (!json_object_is_type(result, json_type_string)) {
            retval = error_set(err, -EPROTO, "xapi login: the session is "
                               "not a string");
        } else {
            free(c->session);
            c->session = xstrdup(json_object_get_string(result));
        }
    }
    json_object_put(result);
    return retval;
}

int
xapi_client_open(const char *path, int timeout_ms,
                 struct xapi_client **clientp, struct error *err)
{
    const struct curl_lib *lib = curl_lib_get(err);
    struct xapi_client *c;
    int retval;

    if (!lib) {
        return -ENOENT;
    }
    c = xzalloc(sizeof *c);
    c->lib = lib;
    c->curl = lib->easy_init();
    c->path = xstrdup(path);
    c->timeout_ms = timeout_ms;
    if (!c->curl) {
        xapi_client_close(c);
        return error_set(err, -ENOMEM, "libcurl: cannot start a session");
    }
    retval = login(c, err);
    if (retval) {
        xapi_client_close(c);
        return retval;
    }
    *clientp = c;
    return 0;
}

void
xapi_client_close(struct xapi_client *c)
{
    if (!c) {
        return;
    }
    if (c->session) {
        call_once(c, "session.logout", c->session, NULL, NULL, NULL, NULL);
    }
    c->lib->easy_cleanup(c->curl);
    free(c->session);
    free(c->path);
    free(c);
}

static long long
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits, for at most the client's timeout, until xapi answers a login on
 * the socket again, and takes that session (the old one is logged out,
 * if xapi still knows it).  'method' is the call that lost its
 * connection, for the message.  Returns 0 or a negative errno value. */
static int
await_xapi(struct xapi_client *c, const char *method, struct error *err)
{
    long long deadline = monotonic_ms() + c->timeout_ms;
    int timeout_ms = c->timeout_ms;
    char *old = c->session;
    struct error lerr = { 0, "" };
    int retval;

    c->session = NULL;
    for (;;) {
        long long left = deadline - monotonic_ms();

        if (left <= 0) {
            retval = error_set(err, -ETIMEDOUT, "xapi %s on %s: the "
                               "connection dropped and xapi did not answer "
                               "again within %d s (%s)", method, c->path,
                               timeout_ms / 1000, lerr.msg);
            break;
        }
        c->timeout_ms = left < timeout_ms ? (int) left : timeout_ms;
        retval = login(c, &lerr);
        c->timeout_ms = timeout_ms;
        if (!retval) {
            break;
        }
        nanosleep(&(struct timespec) { 0, 200 * 1000 * 1000 }, NULL);
    }
    if (retval) {
        c->session = old;
    } else if (old) {
        call_once(c, "session.logout", old, NULL, NULL, NULL, NULL);
        free(old);
    }
    return retval;
}

/* True for the calls that change nothing in xapi (get_* and the jumboagent
 * plugin, whose functions only read and probe): those are sent again when
 * their answer was lost. */
static bool
is_read_only(const char *method)
{
    const char *dot = strchr(method, '.');

    return (dot && !strncmp(dot + 1, "get_", 4))
           || !strcmp(method, "host.call_plugin");
}

/* One call, with the session replaced once if xapi lost it. */
static int
call_session(struct xapi_client *c, const char *method,
             struct json_object *params, struct json_object **resultp,
             struct error *err)
{
    char *code = NULL;
    int retval;

    retval = call_once(c, method, c->session, json_object_get(params),
                       resultp, &code, err);
    if (retval == -EREMOTEIO && code && !strcmp(code, "SESSION_INVALID")) {
        /* xapi.md:139: a lost session is replaced, as XenAPI.py does. */
        retval = login(c, err);
        if (!retval) {
            retval = call_once(c, method, c->session,
                               json_object_get(params), resultp, NULL, err);
        }
    }
    free(code);
    return retval;
}

int
xapi_call(struct xapi_client *c, const char *method,
          struct json_object *params, struct json_object **resultp,
          struct error *err)
{
    int retval = call_session(c, method, params, resultp, err);

    /* The caller's own link to xapi may drop while a PIF is re-plugged
     * (docs/pool-set-mtu.md): wait for xapi, then send the call again if
     * it cannot have been done (refused) or changes nothing. */
    if (retval == -ECONNREFUSED || retval == -ECONNRESET) {
        bool resend = retval == -ECONNREFUSED || is_read_only(method);

        retval = await_xapi(c, method, err);
        if (!retval && resend) {
            retval = call_session(c, method, params, resultp, err);
        } else if (!retval) {
            retval = error_set(err, -ECONNRESET, "xapi %s on %s: the "
                               "connection dropped before the answer; the "
                               "call may or may not have been done", method,
                               c->path);
        }
    }
    json_object_put(params);
    return retval;
}

int
xapi_get_all_records(struct xapi_client *c, const char *class,
                     struct json_object **recordsp, struct error *err)
{
    char *method = xasprintf("%s.get_all_records", class);
    struct json_object *records = NULL;
    int retval = xapi_call(c, method, NULL, &records, err);

    if (!retval && !json_object_is_type(records, json_type_object)) {
        json_object_put(records);
        retval = error_set(err, -EPROTO, "xapi %s: not a map of records",
                           method);
    } else if (!retval) {
        *recordsp = records;
    }
    free(method);
    return retval;
}

int
xapi_call_plugin(struct xapi_client *c, const char *host_ref, const char *fn,
                 struct json_object *args, char **resultp, struct error *err)
{
    struct json_object *params = json_object_new_array(), *result = NULL;
    int retval;

    json_object_array_add(params, json_object_new_string(host_ref));
    json_object_array_add(params, json_object_new_string("jumboagent"));
    json_object_array_add(params, json_object_new_string(fn));
    json_object_array_add(params, args);
    retval = xapi_call(c, "host.call_plugin", params, &result, err);
    if (!retval) {
        if (!json_object_is_type(result, json_type_string)) {
            retval = error_set(err, -EPROTO, "xapi host.call_plugin %s: "
                               "the result is not a string", fn);
        } else {
            *resultp = xstrdup(json_object_get_string(result));
        }
    }
    json_object_put(result);
    return retval;
}

int
xapi_call_refs(struct xapi_client *c, const char *method, const char *a1,
               const char *a2, const char *a3, struct error *err)
{
    struct json_object *params = json_object_new_array();

    json_object_array_add(params, json_object_new_string(a1));
    if (a2) {
        json_object_array_add(params, json_object_new_string(a2));
    }
    if (a3) {
        json_object_array_add(params, json_object_new_string(a3));
    }
    return xapi_call(c, method, params, NULL, err);
}

int
xapi_network_set_mtu(struct xapi_client *c, const char *network_ref,
                     unsigned int mtu, struct error *err)
{
    struct json_object *params = json_object_new_array();

    json_object_array_add(params, json_object_new_string(network_ref));
    json_object_array_add(params, json_object_new_int64(mtu));
    return xapi_call(c, "network.set_MTU", params, NULL, err);
}
