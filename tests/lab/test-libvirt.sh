#!/bin/bash
# Lab test of the libvirt guest facts: with libvirt's live domain XML in a
# root-owned directory (JUMBOAGENT_LIBVIRT_DIR), "show" names the VM and
# the guest NIC model of each tap (text and JSON), and marks a model that
# cannot use the tap's MTU; "--dry-run" on a jumbo
# network warns (guest-nic-mtu, drift) about the VM whose rtl8139 NIC cannot
# use the MTU and not about the virtio one; an apply still raises every tap
# to its bridge's MTU (ovs-vsctl, ip); a group-writable directory is not
# read, with a message that names it, and a symlinked file is not followed
# (the other files are still read); a missing directory is no host's
# business and says nothing.
set -u
. "$(dirname "$0")/lib.sh"

lab_start
STATE=$LAB_DIR/state
LOCK=$LAB_DIR/run.lock
lab_ovs_bridge br-storage
lab_pif br-storage ens1f0
lab_tap_vif br-storage vnet0 vm-id=6d1e0c3a-0f2b-4c55-9a1e-2b3c4d5e6f70
lab_tap_vif br-storage vnet1 vm-id=7e2f1d4b-1a3c-4d66-8b2f-3c4d5e6f7081

VIRT=$LAB_DIR/libvirt-qemu
mkdir -m 0755 "$VIRT"
# libvirt's live status: <domstatus> around the domain, one file per VM.
domain_xml() {
    local vm=$1 tap=$2 model=$3
    cat <<XML
<domstatus state='running' reason='booted' pid='4242'>
  <domain type='kvm' id='3'>
    <name>$vm</name>
    <devices>
      <interface type='bridge'>
        <source bridge='br-storage'/>
        <virtualport type='openvswitch'/>
        <target dev='$tap'/>
        <model type='$model'/>
      </interface>
    </devices>
  </domain>
</domstatus>
XML
}
domain_xml db-01 vnet0 rtl8139 >"$VIRT/db-01.xml"
domain_xml web-01 vnet1 virtio >"$VIRT/web-01.xml"
chmod 0600 "$VIRT"/*.xml
export JUMBOAGENT_LIBVIRT_DIR=$VIRT

cat >"$LAB_DIR/policy.json" <<'JSON'
{"version": 1, "networks": [
  {"name": "storage", "bridge": "br-storage", "mtu": 9000,
   "uplinks": ["ens1f0"], "vifs": ["vnet*"]}]}
JSON

# show: text and JSON name the VM and the model of each tap.
lab_agent show >"$LAB_DIR/show.txt" 2>"$LAB_DIR/show.err"
t_has_line "$LAB_DIR/show.txt" 'vnet0 .*vm db-01 +nic rtl8139' \
    "show: vnet0 is db-01's rtl8139 NIC"
t_has_line "$LAB_DIR/show.txt" 'vnet1 .*vm web-01 +nic virtio' \
    "show: vnet1 is web-01's virtio NIC"
t_is "" "$(cat "$LAB_DIR/show.err")" "show: no warning with a trusted directory"
lab_agent show --format json >"$LAB_DIR/show.json" 2>/dev/null
t_is "db-01 rtl8139" \
    "$(jq -r '.links[] | select(.name == "vnet0") | "\(.vm_name) \(.nic_model)"' "$LAB_DIR/show.json")" \
    "show --format json: vm_name and nic_model of vnet0"
t_is "0" "$(jq '[.links[] | select(.name == "ens1f0") | has("vm_name")] | map(select(.)) | length' "$LAB_DIR/show.json")" \
    "show --format json: no vm_name on a link without a VM"

# The audit warns about db-01 only, and names it.
lab_agent --dry-run --policy "$LAB_DIR/policy.json" >"$LAB_DIR/audit.txt" 2>&1
t_is 2 $? "dry run: exit 2 (drift)"
t_has_line "$LAB_DIR/audit.txt" 'guest-nic-mtu +vnet0: VM db-01 has NIC model rtl8139 .*MTU 9000.*virtio' \
    "dry run: guest-nic-mtu names VM db-01, its rtl8139 and the MTU"
t_no_line "$LAB_DIR/audit.txt" 'guest-nic-mtu +vnet1' \
    "dry run: no guest-nic-mtu for the virtio NIC"
lab_agent --dry-run --format json --policy "$LAB_DIR/policy.json" \
    >"$LAB_DIR/audit.json" 2>/dev/null
t_is "vnet0" "$(jq -r '[.findings[] | select(.kind == "guest-nic-mtu") | .interface] | join(",")' "$LAB_DIR/audit.json")" \
    "dry run --format json: one guest-nic-mtu finding, on vnet0"
lab_agent --dry-run --format prometheus --policy "$LAB_DIR/policy.json" \
    >"$LAB_DIR/audit.prom" 2>/dev/null
t_has_line "$LAB_DIR/audit.prom" 'kind="guest-nic-mtu".* 1$' \
    "dry run --format prometheus: the guest-nic-mtu count is 1"

# A warning, not a refusal: the apply raises every tap with its bridge.
lab_apply "$LAB_DIR/policy.json" >"$LAB_DIR/apply.txt" 2>&1
t_is 0 $? "apply: exit 0 with a guest-nic-mtu warning"
t_is 9000 "$(lab_vsctl get interface vnet0 mtu_request)" \
    "apply: vnet0 (rtl8139 guest) gets mtu_request 9000 like its bridge"
t_has_line <(lab_ns ip -o link show vnet1) 'mtu 9000 ' \
    "apply: vnet1 is at 9000 in the kernel"
t_has_line "$LAB_DIR/apply.txt" 'VM db-01' "apply: its output names VM db-01"
lab_agent show >"$LAB_DIR/show.txt" 2>/dev/null
t_has_line "$LAB_DIR/show.txt" 'vnet0 .*nic rtl8139 \(guest at most 1500\)' \
    "show: at 9000, vnet0's rtl8139 is marked 'guest at most 1500'"
t_no_line "$LAB_DIR/show.txt" 'vnet1 .*at most' \
    "show: vnet1's virtio is not marked"

# A symlinked file is not followed; the other files are still read.
domain_xml evil-01 vnet1 rtl8139 >"$LAB_DIR/evil.xml"
chmod 0600 "$LAB_DIR/evil.xml"
ln -s "$LAB_DIR/evil.xml" "$VIRT/evil-01.xml"
lab_agent show >"$LAB_DIR/show.txt" 2>"$LAB_DIR/show.err"
t_has_line "$LAB_DIR/show.err" "evil-01\.xml: .*symlink, not followed" \
    "symlinked file: refused with a message naming it"
t_no_line "$LAB_DIR/show.txt" 'evil-01' "symlinked file: not read"
t_has_line "$LAB_DIR/show.txt" 'vnet0 .*vm db-01 +nic rtl8139' \
    "symlinked file: the other files are still read"
rm -f "$VIRT/evil-01.xml"

# A group-writable directory is not read at all.
chmod 0775 "$VIRT"
lab_agent show >"$LAB_DIR/show.txt" 2>"$LAB_DIR/show.err"
t_is 0 $? "group-writable directory: show still runs"
t_has_line "$LAB_DIR/show.err" "$VIRT.*(group|writable)" \
    "group-writable directory: refused with a message naming it"
t_no_line "$LAB_DIR/show.txt" 'vm db-01' "group-writable directory: not read"
chmod 0755 "$VIRT"

# A file owned by another user is not read either.
chown 65534 "$VIRT/web-01.xml"
lab_agent show >"$LAB_DIR/show.txt" 2>"$LAB_DIR/show.err"
t_has_line "$LAB_DIR/show.err" 'web-01\.xml' \
    "file of another owner: refused with a message naming it"
t_no_line "$LAB_DIR/show.txt" 'vm web-01' "file of another owner: not read"
chown 0 "$VIRT/web-01.xml"

# No libvirt on the host: nothing to say.
JUMBOAGENT_LIBVIRT_DIR=$LAB_DIR/no-such-dir lab_agent show \
    >"$LAB_DIR/show.txt" 2>"$LAB_DIR/show.err"
t_is "" "$(cat "$LAB_DIR/show.err")" "missing directory: no warning"
