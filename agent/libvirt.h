/* libvirt adapter: which VM, and which guest NIC model, is behind each tap
 * of a KVM host, from libvirt's live domain status XML
 * (/run/libvirt/qemu/NAME.xml, written by libvirtd for every running
 * domain).
 *
 * The files are read as root, so nothing is read that another user could
 * have written: the directory must pass the StrictModes rule of
 * safe_file_open_dir(), each file is opened through it without following a
 * symlink, must be a regular file owned by root (or the effective user) and
 * not writable by group or others, and at most LIBVIRT_MAX_FILE_SIZE bytes;
 * at most LIBVIRT_MAX_ENTRIES directory entries are looked at.  The XML is
 * parsed by libxml2 without network access, without loading a DTD and
 * without substituting entities. */
#ifndef JUMBOAGENT_LIBVIRT_H
#define JUMBOAGENT_LIBVIRT_H 1

#include <stddef.h>

#include "error.h"
#include "host.h"

/* libvirt's directory of live domain XML; JUMBOAGENT_LIBVIRT_DIR in the
 * environment replaces it (tests). */
#define LIBVIRT_DEFAULT_DIR "/run/libvirt/qemu"
#define LIBVIRT_MAX_FILE_SIZE (4 * 1024 * 1024)
#define LIBVIRT_MAX_ENTRIES 4096

/* One guest NIC: its host-side tap and the VM behind it. */
struct libvirt_nic {
    char tap[HOST_NAME_SIZE];   /* <target dev='vnet3'/>. */
    char vm_name[256];          /* <domain><name>. */
    char model[32];             /* <model type='virtio'/>, "" if absent. */
};

/* The guest NICs found, in the order read. */
struct libvirt_nics {
    struct libvirt_nic *nics;   /* Owned array. */
    size_t n;
    size_t allocated;
};

/* Returns the directory to read: $JUMBOAGENT_LIBVIRT_DIR if set and not
 * empty, else LIBVIRT_DEFAULT_DIR. */
const char *libvirt_dir(void);

/* Parses one live status XML document ('size' bytes at 'xml'; the root is
 * <domstatus> wrapping <domain>, or a bare <domain>) and appends its NICs
 * that have a <target dev> to 'out'.  'file' names the document in
 * messages.  Returns 0, or -EINVAL with a message in 'err' naming 'file'
 * if it is not such a document (then 'out' is unchanged). */
int libvirt_parse_xml(const char *xml, size_t size, const char *file,
                      struct libvirt_nics *out, struct error *err);

/* Reads every "*.xml" file in the directory 'dir' into 'out' (which the
 * caller initialises to empty and frees with libvirt_nics_destroy(), also
 * on failure).  A missing directory is no error: not a libvirt host.
 * Returns 0, or a negative errno value with a message in 'err' that names
 * the directory or file and what to do: an untrusted directory (-EPERM,
 * nothing read), or a file that is a symlink, untrusted, too large or not
 * a domain document (that file is skipped, the others are read: 'out'
 * has theirs, and the message is the first file's). */
int libvirt_read_dir(const char *dir, struct libvirt_nics *out,
                     struct error *err);

/* Copies each NIC's VM name and model in 'nics' into the link of 'host'
 * named as its tap (vm_name, nic_model); taps not on the host are
 * skipped. */
void libvirt_fill_host(const struct libvirt_nics *nics, struct host *host);

/* Frees what 'nics' owns and empties it. */
void libvirt_nics_destroy(struct libvirt_nics *nics);

#endif /* libvirt.h */
