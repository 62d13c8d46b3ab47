/* libFuzzer target: the policy parser and validator
 * (policy_parse_buffer()) over arbitrary bytes.  A parse either succeeds
 * with a policy or fails with a negative errno and a message; both paths
 * must be free of crashes, leaks and undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "error.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct policy *policy = NULL;
    struct error err = { .code = 0 };
    int error = policy_parse_buffer("fuzz.json", (const char *) data, size,
                                    &policy, &err);

    if (!error != !!policy || (error && !err.msg[0])) {
        abort();                /* Success must give a policy; failure a
                                 * message. */
    }
    policy_destroy(policy);
    return 0;
}
