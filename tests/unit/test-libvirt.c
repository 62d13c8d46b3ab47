/* Unit tests of libvirt.c's parser of live domain status XML, of how its
 * facts reach the host model, and of the host JSON that carries them
 * ("vm_name", "nic_model": written only when known, read optionally). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "host-json.h"
#include "host.h"
#include "libvirt.h"
#include "testlib.h"
#include "util.h"

/* libvirt's live status: <domstatus> around the <domain>. */
static const char status_xml[] =
    "<domstatus state='running' reason='booted' pid='4242'>\n"
    "  <monitor path='/var/lib/libvirt/qemu/domain-3-db-01/monitor.sock'/>\n"
    "  <domain type='kvm' id='3'>\n"
    "    <name>db-01</name>\n"
    "    <devices>\n"
    "      <disk type='file' device='disk'><target dev='vda'/></disk>\n"
    "      <interface type='bridge'>\n"
    "        <source bridge='br-storage'/>\n"
    "        <target dev='vnet0'/>\n"
    "        <model type='rtl8139'/>\n"
    "      </interface>\n"
    "      <interface type='bridge'>\n"
    "        <target dev='vnet1'/>\n"
    "        <model type='virtio'/>\n"
    "      </interface>\n"
    "      <interface type='user'><model type='e1000'/></interface>\n"
    "      <interface type='bridge'><target dev='vnet2'/></interface>\n"
    "    </devices>\n"
    "  </domain>\n"
    "</domstatus>\n";

static const char bare_xml[] =
    "<domain><name>web</name><devices><interface><target dev='tap9'/>"
    "<model type='e1000'/></interface></devices></domain>";

static void
test_parse(void)
{
    struct libvirt_nics nics = { .n = 0 };
    struct error err;
    int error;

    error_clear(&err);
    error = libvirt_parse_xml(status_xml, strlen(status_xml), "db-01.xml",
                              &nics, &err);
    test_report(!error && nics.n == 3, err.msg,
                "domstatus: three NICs with a tap (%zu)", nics.n);
    if (nics.n == 3) {
        test_streq("vnet0", nics.nics[0].tap, "first tap");
        test_streq("db-01", nics.nics[0].vm_name, "VM name");
        test_streq("rtl8139", nics.nics[0].model, "first model");
        test_streq("virtio", nics.nics[1].model, "second model");
        test_streq("vnet2", nics.nics[2].tap, "tap without a model");
        test_streq("", nics.nics[2].model, "no <model>: \"\"");
    }
    libvirt_nics_destroy(&nics);

    error = libvirt_parse_xml(bare_xml, strlen(bare_xml), "web.xml", &nics,
                              &err);
    test_report(!error && nics.n == 1
                && !strcmp(nics.nics[0].vm_name, "web"), err.msg,
                "a bare <domain> root is read too");
    libvirt_nics_destroy(&nics);
}

static void
test_parse_bad_one(const char *xml, const char *expected)
{
    struct libvirt_nics nics = { .n = 0 };
    struct error err;
    int error;

    error_clear(&err);
    error = libvirt_parse_xml(xml, strlen(xml), "x.xml", &nics, &err);
    test_report(error == -EINVAL && nics.n == 0
                && strstr(err.msg, expected), err.msg,
                "refused: %s", xml);
    libvirt_nics_destroy(&nics);
}

static void
test_parse_bad(void)
{
    test_parse_bad_one("<domstatus><domain><devices/></domain></domstatus>",
                       "no <domain> with a <name>");
    test_parse_bad_one("<network><name>default</name></network>",
                       "root element <network>");
    test_parse_bad_one("<domain><name>x</name>", "not well-formed");
    test_parse_bad_one("", "not well-formed");
}

/* An external entity is neither fetched nor substituted: the VM name keeps
 * no text of the file it names. */
static void
test_entities(void)
{
    char path[] = "/tmp/test-libvirt-entity.XXXXXX";
    struct libvirt_nics nics = { .n = 0 };
    struct error err;
    char *xml;
    int error, fd;

    fd = mkstemp(path);
    if (fd < 0 || write(fd, "SECRET", 6) != 6) {
        test_report(false, strerror(errno), "temporary entity file");
        return;
    }
    close(fd);
    xml = xasprintf("<?xml version='1.0'?>\n"
                    "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>\n"
                    "<domain><name>vm&x;</name><devices><interface>"
                    "<target dev='vnet5'/><model type='virtio'/></interface>"
                    "</devices></domain>", path);
    error_clear(&err);
    error = libvirt_parse_xml(xml, strlen(xml), "ent.xml", &nics, &err);
    test_report(!error && nics.n == 1, err.msg, "document with a DTD read");
    if (nics.n == 1) {
        test_report(!strstr(nics.nics[0].vm_name, "SECRET"),
                    nics.nics[0].vm_name,
                    "an external entity is not substituted");
    }
    unlink(path);
    free(xml);
    libvirt_nics_destroy(&nics);
}

/* The facts reach the host's links, and the host JSON carries them both
 * ways; a link without them writes neither key. */
static void
test_host(void)
{
    struct libvirt_nic nic_list[] = {
        { "vnet0", "db-01", "rtl8139" },
        { "vnet7", "gone", "virtio" },
    };
    struct libvirt_nics nics = { nic_list, 2, 2 };
    struct host *host = host_create(), *back = NULL;
    const struct host_link *link;
    char *text = NULL;
    size_t size = 0;
    struct error err;
    FILE *stream;

    host_add_link(host, "vnet0")->mtu = 9000;
    host_add_link(host, "eth0")->mtu = 9000;
    libvirt_fill_host(&nics, host);
    link = host_find_link(host, "vnet0");
    test_report(link && !strcmp(link->vm_name, "db-01")
                && !strcmp(link->nic_model, "rtl8139"), NULL,
                "libvirt_fill_host() fills the tap's link");
    test_report(!host_find_link(host, "vnet7"), NULL,
                "a tap not on the host adds no link");

    stream = open_memstream(&text, &size);
    host_json_write(host, stream);
    fclose(stream);
    test_report(text && strstr(text, "\"nic_model\": \"rtl8139\"")
                && strstr(text, "\"vm_name\": \"db-01\""), text,
                "host JSON writes vm_name and nic_model");
    error_clear(&err);
    if (!host_json_read_string("t.json", text, &back, &err)) {
        link = host_find_link(back, "vnet0");
        test_report(link && !strcmp(link->vm_name, "db-01")
                    && !strcmp(link->nic_model, "rtl8139"), NULL,
                    "host JSON reads them back");
        link = host_find_link(back, "eth0");
        test_report(link && !link->vm_name[0] && !link->nic_model[0], NULL,
                    "a link without them reads as unknown");
    } else {
        test_report(false, err.msg, "host JSON reads back");
    }
    test_report(text && strstr(text, "\"vm_name\"")
                && !strstr(strstr(text, "\"vm_name\"") + 1, "\"vm_name\"")
                && !strstr(strstr(text, "\"nic_model\"") + 1,
                           "\"nic_model\""), text,
                "only the link with guest facts writes the keys");
    free(text);
    host_destroy(back);
    host_destroy(host);
}

int
main(void)
{
    test_parse();
    test_parse_bad();
    test_entities();
    test_host();
    return test_exit_status();
}
