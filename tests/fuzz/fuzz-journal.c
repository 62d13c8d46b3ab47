/* libFuzzer target: the journal reader.  journal_read() takes a state
 * directory, so each input is written as journal.json into a private
 * directory made once (mkdtemp) and read back from there. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[] = "/tmp/fuzz-journal.XXXXXX";
static char path[sizeof dir + 32];

/* Removes the private directory at exit. */
static void
cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    if (!mkdtemp(dir)) {
        perror("fuzz-journal: mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/journal.json", dir);
    atexit(cleanup);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct journal *journal = NULL;
    struct error err = { .code = 0 };
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int error;

    if (fd < 0 || write(fd, data, size) != (ssize_t) size) {
        abort();
    }
    close(fd);
    error = journal_read(dir, &journal, &err);
    if (!error != !!journal || (error && !err.msg[0])) {
        abort();
    }
    journal_destroy(journal);
    return 0;
}
