/* Path verification: for each network of the policy with "verify", DF
 * probes to each peer at the network's MTU from the network's interface
 * and address, and a verdict per peer (pmtu.h) when the full size does not
 * get through.
 *
 * verify_prepare() does everything that can fail on bad input before
 * anything is changed (the interface exists, a raw socket can be opened:
 * CAP_NET_RAW), so that "apply --verify" refuses such input up front;
 * verify_probe() sends the probes (after the apply); the writers print the
 * verdicts in text or JSON (docs/verify-json.md).  The sockets are
 * icmp-probe.c's; the search is pmtu.c's. */
#ifndef JUMBOAGENT_VERIFY_H
#define JUMBOAGENT_VERIFY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct policy;
struct verify_run;

/* Prepares the verification of every network of 'policy' (not owned; it
 * must outlive the run) that has "verify": finds the interface to probe
 * from ("verify.source", else the bridge) and its addresses, and opens a
 * raw socket per peer.  A network whose interface has no address of a
 * peer's family gets the verdict "cannot verify" for that peer, not an
 * error.  'deadline_ms' bounds the wait for each probe's answer.
 * On success stores a new run in '*runp' (free with verify_destroy()) and
 * returns 0.  Returns -ENODEV for an interface that does not exist,
 * -EPERM without CAP_NET_RAW, or another negative errno value, with 'err'
 * naming the network. */
int verify_prepare(const struct policy *policy, int deadline_ms,
                   struct verify_run **runp, struct error *err);

/* Sends the probes of 'run' and records a verdict per network and peer.
 * Returns 0 (the verdicts may still be failures: see verify_n_failed()),
 * or a negative errno value if a probe could not be sent. */
int verify_probe(struct verify_run *run, struct error *err);

/* Returns the number of networks of 'run' that have at least one verdict
 * other than "pass" (each a reason for exit code 4). */
size_t verify_n_failed(const struct verify_run *run);

/* True if verify_probe() has run to the end on 'run'. */
bool verify_done(const struct verify_run *run);

/* Returns the number of networks of 'run' (those with "verify"). */
size_t verify_n_networks(const struct verify_run *run);

/* Writes a one-line summary of the failed networks of 'run' into 'buf'
 * ('size' bytes): "network storage: 10.0.0.2 black-hole; ...". */
void verify_summary(const struct verify_run *run, char *buf, size_t size);

/* Writes the verdicts of 'run' as text to 'stream'. */
void verify_write_text(const struct verify_run *run, FILE *stream);

/* Writes the verdicts of 'run' as one JSON object (docs/verify-json.md)
 * to 'stream'.  'action' says what the run did about a failure: "none"
 * (verify only, or all passed), "rolled-back" or "kept". */
void verify_write_json(const struct verify_run *run, const char *action,
                       FILE *stream);

/* An apply gate (apply.h): runs verify_probe() on 'aux', a struct
 * verify_run; fails with -EPROTO and a summary in 'err' when any network
 * failed. */
int verify_gate(void *aux, struct error *err);

/* Frees 'run' and closes its sockets.  Accepts NULL. */
void verify_destroy(struct verify_run *run);

#endif /* verify.h */
