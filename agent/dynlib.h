/* Optional libraries, loaded when first needed.
 *
 * Each shared library linked into jumboagent is loaded, relocated and
 * partly paged in at every start, whether the run uses it or not.  Those
 * that only some runs need are dlopen()ed instead, by soname, through the
 * dynamic loader's own search (ld.so.cache: the same trust as a link-time
 * dependency): libcurl (pool-set-mtu; with its thirty dependencies it
 * cost 11 ms and 4.3 MiB of peak RSS per start), libxml2 with ICU (the
 * libvirt adapter) and libxenstore (Xen VIFs).  See curl-lib.c,
 * xml-lib.c and xen-guest.c. */
#ifndef DYNLIB_H
#define DYNLIB_H 1

#include <stdbool.h>
#include <stddef.h>

struct error;

/* One symbol to look up: 'name', stored at 'ptrp', the address of a
 * function pointer (or of a pointer to a variable of the library).  An
 * 'optional' symbol that the library lacks is stored as NULL. */
struct dynlib_sym {
    const char *name;
    void *ptrp;
    bool optional;
};

/* Loads the library 'soname' and looks up the 'n' 'syms' in it.  Returns 0
 * (the library then stays loaded until the program exits), or -ENOENT with
 * 'err' saying what is missing and, from 'package', what to install; on
 * failure no pointer of 'syms' is changed. */
int dynlib_load(const char *soname, const char *package,
                const struct dynlib_sym *syms, size_t n, struct error *err);

#endif /* dynlib.h */
