/* Optional libraries, loaded when first needed: see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

#include "error.h"
#include "util.h"

int
dynlib_load(const char *soname, const char *package,
            const struct dynlib_sym *syms, size_t n, struct error *err)
{
    void **found;
    void *handle;

    handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();

        return error_set(err, -ENOENT, "cannot load %s (%s); install "
                         "package %s", soname, why ? why : "not found",
                         package);
    }
    found = xzalloc((n ? n : 1) * sizeof *found);
    for (size_t i = 0; i < n; i++) {
        found[i] = dlsym(handle, syms[i].name);
        if (!found[i] && !syms[i].optional) {
            error_set(err, -ENOENT, "%s has no symbol %s: it is not the "
                      "version jumboagent was built for; install package %s",
                      soname, syms[i].name, package);
            free(found);
            dlclose(handle);
            return -ENOENT;
        }
    }
    /* POSIX's way of storing what dlsym() returns in a function pointer:
     * through a 'void *' lvalue of the pointer's storage. */
    for (size_t i = 0; i < n; i++) {
        *(void **) syms[i].ptrp = found[i];
    }
    free(found);
    return 0;
}
