/* The exit and output contract of a jumboagent run, in one place.
 *
 * Every run ends in one outcome, and every outcome has one exit code.  The
 * codes are part of the interface (README "Exit codes"); main.c is the only
 * place that picks one, report.c and log.c name them. */
#ifndef JUMBOAGENT_OUTCOME_H
#define JUMBOAGENT_OUTCOME_H 1

/* Exit codes, reserved for every mode. */
enum exit_code {
    EXIT_IN_SYNC = 0,           /* Ok: applied, or nothing differs. */
    EXIT_ERROR = 1,             /* Failed: bad input, cannot connect, a
                                 * write error, or a rollback that could not
                                 * finish. */
    EXIT_DRIFT = 2,             /* --dry-run: something to do, or drift. */
    EXIT_REFUSED = 3,           /* Something was refused as unsafe; nothing
                                 * was changed. */
    EXIT_VERIFY_FAILED = 4,     /* Path verification failed ("verify", or
                                 * "--verify" after an apply). */
    EXIT_ROLLED_BACK = 5,       /* Apply changed something, failed, and put
                                 * everything back. */
};

/* How a run ended.  An outcome is what the run's last line (stderr and
 * syslog) says. */
enum outcome {
    OUTCOME_APPLIED,            /* Every step applied and verified. */
    OUTCOME_IN_SYNC,            /* Nothing to change. */
    OUTCOME_DRIFT,              /* A dry run found something to do. */
    OUTCOME_REFUSED,            /* Refused as unsafe; nothing changed. */
    OUTCOME_ROLLED_BACK,        /* Failed after a change; put back. */
    OUTCOME_FAILED,             /* Failed (see the message). */
    OUTCOME_VERIFY_FAILED,      /* A path did not carry a network's MTU. */
    OUTCOME_MAX
};

/* Returns the name of 'outcome': "applied", "in-sync", "drift", "refused",
 * "rolled-back", "failed", "verify-failed". */
static inline const char *
outcome_to_string(enum outcome outcome)
{
    static const char *const names[OUTCOME_MAX] = {
        [OUTCOME_APPLIED] = "applied",
        [OUTCOME_IN_SYNC] = "in-sync",
        [OUTCOME_DRIFT] = "drift",
        [OUTCOME_REFUSED] = "refused",
        [OUTCOME_ROLLED_BACK] = "rolled-back",
        [OUTCOME_FAILED] = "failed",
        [OUTCOME_VERIFY_FAILED] = "verify-failed",
    };
    return (unsigned int) outcome < OUTCOME_MAX ? names[outcome] : "failed";
}

/* Returns the exit code of 'outcome'. */
static inline enum exit_code
outcome_exit_code(enum outcome outcome)
{
    switch (outcome) {
    case OUTCOME_APPLIED:
    case OUTCOME_IN_SYNC:
        return EXIT_IN_SYNC;
    case OUTCOME_DRIFT:
        return EXIT_DRIFT;
    case OUTCOME_REFUSED:
        return EXIT_REFUSED;
    case OUTCOME_ROLLED_BACK:
        return EXIT_ROLLED_BACK;
    case OUTCOME_VERIFY_FAILED:
        return EXIT_VERIFY_FAILED;
    case OUTCOME_FAILED:
    case OUTCOME_MAX:
    default:
        return EXIT_ERROR;
    }
}

#endif /* outcome.h */
