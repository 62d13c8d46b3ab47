/* The functions of the xapi plugin: their table, the validation of their
 * arguments and their bodies (xapi-plugin/README.md documents each).  Every
 * function only reads the host. */
#ifndef JUMBOAGENT_PLUGIN_FUNCTIONS_H
#define JUMBOAGENT_PLUGIN_FUNCTIONS_H 1

#include <stddef.h>

struct xmlrpc_call;

/* What a function answers: a JSON string on success, or a failure
 * ("ErrorDescription": the code, then its parameters). */
struct plugin_reply {
    char *value;                /* Success: owned JSON text, else NULL. */
    char *desc[4];              /* Failure: owned strings... */
    size_t n_desc;              /* ...of which this many (0: success). */
};

struct plugin_function;

/* Returns the function named 'name', or NULL if there is none. */
const struct plugin_function *plugin_find(const char *name);

/* Returns the name of 'fn'. */
const char *plugin_name(const struct plugin_function *fn);

/* Validates every argument of 'call' for 'fn': only known keys, each
 * value in range (the rules of README.md).  Returns 0 and stores the
 * function's deadline in seconds (its default, or the "timeout" argument)
 * in '*secondsp'; or fills 'reply' with JUMBOAGENT_BAD_ARG [key, why] and
 * returns -EINVAL. */
int plugin_validate(const struct plugin_function *fn,
                    const struct xmlrpc_call *call, unsigned int *secondsp,
                    struct plugin_reply *reply);

/* Runs 'fn' on the validated 'call' and fills 'reply'. */
void plugin_run(const struct plugin_function *fn,
                const struct xmlrpc_call *call, struct plugin_reply *reply);

/* Sets 'reply' to a failure of 'code' with up to 3 parameters (NULL ends
 * them). */
void plugin_fail(struct plugin_reply *reply, const char *code,
                 const char *p1, const char *p2, const char *p3);

/* Frees what 'reply' owns and clears it. */
void plugin_reply_clear(struct plugin_reply *reply);

#endif /* functions.h */
