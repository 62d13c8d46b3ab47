/* libvirt adapter: see libvirt.h. */
#include "libvirt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dynlib.h"
#include "safe-file.h"
#include "util.h"

const char *
libvirt_dir(void)
{
    const char *dir = getenv("JUMBOAGENT_LIBVIRT_DIR");

    return dir && dir[0] ? dir : LIBVIRT_DEFAULT_DIR;
}

/* libxml2, loaded on the first file to parse (dynlib.h): most hosts have
 * no libvirt directory, and loading it (with ICU) cost every run 4 ms and
 * 2.6 MiB of peak RSS. */
static struct {
    xmlDoc *(*read_memory)(const char *, int, const char *, const char *,
                           int);
    xmlNode *(*doc_get_root_element)(const xmlDoc *);
    xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
    xmlChar *(*node_get_content)(const xmlNode *);
    void (*free_doc)(xmlDoc *);
    xmlFreeFunc *(*free_func)(void);   /* __xmlFree(): threaded builds. */
    xmlFreeFunc *free_var;             /* xmlFree: the others. */
} xml;

/* Loads libxml2 into 'xml' if it is not yet; returns 0 or -ENOENT. */
static int
xml_load(struct error *err)
{
    static bool loaded;
    const struct dynlib_sym syms[] = {
        { "xmlReadMemory", &xml.read_memory, false },
        { "xmlDocGetRootElement", &xml.doc_get_root_element, false },
        { "xmlGetProp", &xml.get_prop, false },
        { "xmlNodeGetContent", &xml.node_get_content, false },
        { "xmlFreeDoc", &xml.free_doc, false },
        { "__xmlFree", &xml.free_func, true },
        { "xmlFree", &xml.free_var, true },
    };
    int error;

    if (loaded) {
        return 0;
    }
    error = dynlib_load("libxml2.so.2", "libxml2 (the libvirt adapter reads "
                        "the live domain XML with it)", syms,
                        ARRAY_SIZE(syms), err);
    if (!error && !xml.free_func && !xml.free_var) {
        error = error_set(err, -ENOENT, "libxml2.so.2 has neither __xmlFree "
                          "nor xmlFree; install Debian's libxml2");
    }
    loaded = !error;
    return error;
}

/* Frees 'p', which libxml2 allocated. */
static void
xml_free(void *p)
{
    if (p) {
        (xml.free_func ? *xml.free_func() : *xml.free_var)(p);
    }
}

/* Returns the first element child of 'parent' named 'name', or NULL. */
static xmlNode *
child_element(const xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE
            && !strcmp((const char *) n->name, name)) {
            return n;
        }
    }
    return NULL;
}

/* Copies attribute 'attr' of the child 'name' of 'parent' into 'dst' of
 * 'size' bytes ("" if either is absent).  Returns false if the value does
 * not fit. */
static bool
child_attr(const xmlNode *parent, const char *name, const char *attr,
           char *dst, size_t size)
{
    xmlNode *child = child_element(parent, name);
    xmlChar *value = (child ? xml.get_prop(child, (const xmlChar *) attr)
                      : NULL);
    bool fits = !value || strlen((const char *) value) < size;

    copy_string(dst, value && fits ? (const char *) value : "", size);
    xml_free(value);
    return fits;
}

int
libvirt_parse_xml(const char *xml_text, size_t size, const char *file,
                  struct libvirt_nics *out, struct error *err)
{
    /* No XML_PARSE_NOENT (entities stay unsubstituted), no DTDLOAD. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    size_t first = out->n;
    xmlNode *root, *domain, *devices;
    xmlChar *name = NULL;
    xmlDoc *doc;
    int error = 0;

    if (size > LIBVIRT_MAX_FILE_SIZE) {
        return error_set(err, -EFBIG, "%s: larger than %d bytes; not read",
                         file, LIBVIRT_MAX_FILE_SIZE);
    }
    error = xml_load(err);
    if (error) {
        return error_prefix(err, error, "%s not read", file);
    }
    doc = xml.read_memory(xml_text, (int) size, NULL, NULL, options);
    root = doc ? xml.doc_get_root_element(doc) : NULL;
    if (!root) {
        error = error_set(err, -EINVAL, "%s: not well-formed XML; expected "
                          "libvirt's live domain status", file);
        goto out;
    }
    domain = !strcmp((const char *) root->name, "domstatus")
             ? child_element(root, "domain")
             : !strcmp((const char *) root->name, "domain") ? root : NULL;
    name = domain ? xml.node_get_content(child_element(domain, "name"))
                  : NULL;
    if (!name || !name[0]) {
        error = error_set(err, -EINVAL, "%s: no <domain> with a <name> (root "
                          "element <%s>); expected libvirt's live domain "
                          "status", file, (const char *) root->name);
        goto out;
    }
    devices = child_element(domain, "devices");
    for (xmlNode *n = devices ? devices->children : NULL; n; n = n->next) {
        struct libvirt_nic nic;

        if (n->type != XML_ELEMENT_NODE
            || strcmp((const char *) n->name, "interface")) {
            continue;
        }
        memset(&nic, 0, sizeof nic);
        if (!child_attr(n, "target", "dev", nic.tap, sizeof nic.tap)
            || !nic.tap[0] || !child_attr(n, "model", "type", nic.model,
                                          sizeof nic.model)) {
            continue;           /* No tap, or a name no interface has. */
        }
        copy_string(nic.vm_name, (const char *) name, sizeof nic.vm_name);
        grow_array((void **) &out->nics, &out->allocated, out->n + 1,
                   sizeof *out->nics);
        out->nics[out->n++] = nic;
    }
out:
    if (error) {
        out->n = first;
    }
    xml_free(name);
    if (doc) {
        xml.free_doc(doc);
    }
    return error;
}

/* Reads the file 'name' of the directory 'dfd' ('dir') into 'out'. */
static int
read_one(int dfd, const char *dir, const char *name, struct libvirt_nics *out,
         struct error *err)
{
    char path[4096];
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    int fd, error;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        return error_set(err, error, "%s: cannot open (%s)%s", path,
                         strerror(-error), error == -ELOOP
                         ? ": a symlink, not followed; libvirt writes regular "
                           "files there, remove it" : "");
    }
    if (fstat(fd, &st)) {
        error = error_set(err, -errno, "%s: cannot stat (%s)", path,
                          strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        error = error_set(err, -EINVAL, "%s: not a regular file; remove it",
                          path);
        goto out;
    }
    error = safe_file_check_owner(path, &st, false, err);
    if (error) {
        goto out;
    }
    if (st.st_size > LIBVIRT_MAX_FILE_SIZE) {
        error = error_set(err, -EFBIG, "%s: %lld bytes, more than the %d "
                          "that a live domain status may have; not read",
                          path, (long long) st.st_size, LIBVIRT_MAX_FILE_SIZE);
        goto out;
    }
    buf = xmalloc((size_t) st.st_size + 1);
    while (len <= (size_t) st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t) st.st_size + 1 - len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = error_set(err, -errno, "%s: read error (%s)", path,
                              strerror(errno));
            goto out;
        }
        if (!n) {
            break;
        }
        len += (size_t) n;
    }
    if (len > (size_t) st.st_size) {
        error = error_set(err, -EFBIG, "%s: grew while it was read; run "
                          "again", path);
        goto out;
    }
    error = libvirt_parse_xml(buf, len, path, out, err);
out:
    free(buf);
    close(fd);
    return error;
}

/* True if 'name' ends in ".xml" and is not hidden. */
static bool
is_xml_name(const char *name)
{
    size_t len = strlen(name);

    return name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".xml");
}

int
libvirt_read_dir(const char *dir, struct libvirt_nics *out, struct error *err)
{
    struct dirent *de;
    size_t seen = 0;
    int dfd, error;
    DIR *d;

    error = safe_file_open_dir(dir, false, &dfd, err);
    if (error == -ENOENT) {
        return 0;
    }
    if (error) {
        return error_prefix(err, error, "libvirt's live domain XML not read");
    }
    d = fdopendir(dfd);
    if (!d) {
        error = -errno;
        close(dfd);
        return error_set(err, error, "%s: cannot read the directory (%s)",
                         dir, strerror(-error));
    }
    while ((de = readdir(d)) != NULL) {
        struct error file_err;
        int file_error;

        if (++seen > LIBVIRT_MAX_ENTRIES) {
            if (!error) {
                error = error_set(err, -E2BIG, "%s: more than %d entries; "
                                  "only the first were read", dir,
                                  LIBVIRT_MAX_ENTRIES);
            }
            break;
        }
        if (!is_xml_name(de->d_name)) {
            continue;
        }
        error_clear(&file_err);
        file_error = read_one(dirfd(d), dir, de->d_name, out, &file_err);
        if (file_error && !error) {
            error = error_set(err, file_error, "%s", file_err.msg);
        }
    }
    closedir(d);
    return error;
}

void
libvirt_fill_host(const struct libvirt_nics *nics, struct host *host)
{
    for (size_t i = 0; i < nics->n; i++) {
        const struct libvirt_nic *nic = &nics->nics[i];
        struct host_link *link = host_find_link_mutable(host, nic->tap);

        if (link) {
            copy_string(link->vm_name, nic->vm_name, sizeof link->vm_name);
            copy_string(link->nic_model, nic->model, sizeof link->nic_model);
        }
    }
}

void
libvirt_nics_destroy(struct libvirt_nics *nics)
{
    free(nics->nics);
    nics->nics = NULL;
    nics->n = nics->allocated = 0;
}
