"""The tshark engine (`pcapkit extract -E tshark`, also `-E pyshark`): tshark's dissection
as pcapkit records.

Usage: tshark_adapter.py INPUT, with `pcapkit fields --json` on stdin. Which tshark field
holds which pcapkit field is stated once, in pcapkit's field tables (their `tshark`
column); this adapter asks tshark for exactly those fields (`-T ek -e ...`, IP
defragmentation and TCP desegmentation off, raw sequence numbers, as the differential test
tests/diff/tshark_diff.py runs it), reads its output line by line as it comes, and puts
each value back at its pcapkit path. What it writes, and why not more:

- the frame's number, time (tshark prints nanoseconds: 9 digits), lengths and interface;
- the layers of tshark's `frame.protocols`, in order, while they are core layers whose
  table names tshark fields (Ethernet, VLAN, ARP, IPv4, IPv6 and its Fragment header, TCP,
  UDP, ICMP, ICMPv6, DNS with mDNS and LLMNR, HTTP); the first other layer ends the record
  (an IPv6 Hop-by-Hop, Routing or Destination Options header too: their tables map no
  tshark field), and so does a layer where tshark fills none of the mapped fields (the
  segments tshark calls `http` because they continue an HTTP body);
- in each layer, the fields with a tshark field; the n-th occurrence of a field goes to
  the n-th layer of its protocol, and a field whose count does not match the layers is
  left out rather than guessed. A list of objects (`questions`) is written only when
  every member of its objects has a tshark field (so not TCP options nor DNS records,
  whose kinds and sections tshark's mapped fields do not say).

The file-level record comes from capinfos (Wireshark's own reader): tshark prints no file
header. tshark names no LINKTYPE, so the meta record and the frames carry none.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapkit_record as rec  # noqa: E402

PREFERENCES = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE",
               "-o", "tcp.relative_sequence_numbers:FALSE",
               "-o", "tcp.analyze_sequence_numbers:FALSE"]
CORE = ("ethernet", "vlan", "arp", "ipv4", "ipv6", "ipv6_frag", "tcp", "udp", "icmp",
        "icmpv6", "dns", "http")
# tshark protocols that carry another one's fields: mDNS and LLMNR are DNS (dns.*); an
# 802.1ad tag is a VLAN tag whose fields tshark names otherwise (as tshark_diff.py S_TAG).
S_TAG = {"vlan.priority": "ieee8021ad.priority", "vlan.dei": "ieee8021ad.dei",
         "vlan.id": "ieee8021ad.id"}
ALIASES = {"mdns": ("dns", None), "llmnr": ("dns", None), "ieee8021ad": ("vlan", S_TAG)}
FRAME = [("number", "frame.number"), ("time_epoch", "frame.time_epoch"),
         ("cap_len", "frame.cap_len"), ("len", "frame.len"),
         ("interface", "frame.interface_id"), ("protocols", "frame.protocols")]


def parser(types, relation):
    kinds = set(types.split("|"))
    if relation == "/8":
        return lambda v: int(v, 0) * 8
    if relation == "/8-1":
        return lambda v: (int(v, 0) + 1) * 8
    if relation == "=len":
        return lambda v: len(v.replace(":", "")) // 2
    if kinds == {"int"}:
        return lambda v: int(v, 0)
    if kinds == {"bool"}:
        return lambda v: v in ("1", "True", "true")
    return lambda v: "" if v == "<Root>" else v  # tshark's name of the DNS root


class Layer:
    """One core protocol's mapped fields: (path, tshark field, parse), in table order."""

    def __init__(self, key, rows):
        self.key, self.rows = key, []
        unmapped = set()
        for row in rows:
            path, names = row["path"], row["tshark"]
            if not names:
                if "[]" in path and not path.endswith(("_name", ".error")):
                    unmapped.add(path.split("[]")[0])
                continue
            relation = None
            if names.split()[-1][0] in "/=":
                names, relation = names.rsplit(" ", 1)
            self.rows.append((path, names.split(",")[0].strip(), parser(row["type"], relation)))
        # Lists of objects whose members all have a tshark field: written, one object per
        # occurrence. Other lists are left out (their positions are unknown).
        self.rows = [r for r in self.rows if "[]" not in r[0] or
                     (r[0].count("[]") == 1 and r[0].split("[]")[0] not in unmapped)]
        self.proto = os.path.commonprefix([r[1].split(".") for r in self.rows])


def load_layers(tables):
    layers = {}
    for protocol in tables:
        if protocol["key"] in CORE:
            layer = Layer(protocol["key"], protocol["fields"])
            if layer.rows:
                layers[".".join(layer.proto)] = layer
    for alias, (key, rename) in ALIASES.items():
        base = next((l for l in layers.values() if l.key == key), None)
        if base is not None:
            layers[alias] = renamed(base, rename) if rename else base
    return layers


def renamed(base, rename):
    layer = Layer.__new__(Layer)
    layer.key, layer.proto = base.key, base.proto
    layer.rows = [(p, rename[t], f) for p, t, f in base.rows if t in rename]
    return layer


def ek_name(field):
    return field.replace(".", "_")


def tshark_fields(layers):
    names = [f for _, f in FRAME] + ["frame.encap_type"]
    for layer in layers.values():
        names += [t for _, t, _ in layer.rows if t not in names]
    return names


def put(obj, path, value):
    """Sets a dotted path's member, creating the objects on the way (in table order)."""
    *parents, last = path.split(".")
    for p in parents:
        obj = obj.setdefault(p, {})
    obj[last] = value


def fill(layer, values, index, instances):
    """The layer object for the index-th of `instances` layers of this protocol."""
    obj, lists = {}, {}
    for path, field, parse in layer.rows:
        found = values.get(ek_name(field))
        if not found:
            continue
        if "[]" in path:
            if instances == 1:
                head, member = path.split("[].")
                lists.setdefault(head, {})[member] = [parse(v) for v in found]
            continue
        if len(found) == instances:
            put(obj, path, parse(found[index]))
    for head, members in lists.items():
        counts = {len(v) for v in members.values()}
        if len(counts) == 1:
            obj[head] = [dict(zip(members, items)) for items in zip(*members.values())]
    return obj


def frame_stack(layers, values):
    stack, seen = rec.Stack(), {}
    chain = values.get("frame_protocols", [""])[0].split(":")
    counts = {}
    for proto in chain:
        counts[proto] = counts.get(proto, 0) + 1
    for proto in chain:
        if proto == "ethertype":
            continue
        layer = layers.get(proto)
        if layer is None:
            break
        index = seen.get(proto, 0)
        seen[proto] = index + 1
        obj = fill(layer, values, index, counts[proto])
        if not obj:
            break  # tshark names the protocol but fills none of its fields (HTTP body data)
        stack.push(layer.key, obj)
    return stack


def frame_time(values):
    """(seconds, nanoseconds) as tshark prints them; (None, None) for a packet without a
    timestamp (a pcapng Simple Packet Block), whose time members are then left out."""
    found = values.get("frame_time_epoch")
    if not found:
        return None, None
    sec, _, frac = found[0].partition(".")
    return int(sec), int(frac.ljust(9, "0")[:9])


def frame_head(values):
    head = []
    for member, field in FRAME[2:5]:
        found = values.get(ek_name(field))
        if found:
            head.append((member, int(found[0])))
    return head


def capinfos_meta(path):
    """(kind, snaplen, fields) of the file as capinfos (Wireshark's reader) reports it."""
    kind, snaplen, fields = "global_header", None, {}
    if shutil.which("capinfos") is None:
        return kind, snaplen, fields
    p = subprocess.run(["capinfos", "-t", "-l", path], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        name, _, value = line.partition(":")
        value = value.strip()
        if name == "File type":
            fields["format"] = value
            kind = "section_header" if "pcapng" in value else "global_header"
        elif name == "Packet size limit" and value.startswith("file hdr:"):
            number = value.split()[2]
            if number.isdigit():  # pcapng: "(not set)"
                snaplen = fields["snaplen"] = int(number)
    return kind, snaplen, fields


def main(out):
    if shutil.which("tshark") is None:
        rec.missing_tool("tshark: not found (Debian: apt-get install tshark)")
    path = sys.argv[1]
    layers = load_layers(json.load(sys.stdin))
    cmd = ["tshark", "-n", "-r", path, *PREFERENCES, "-T", "ek"]
    for name in tshark_fields(layers):
        cmd += ["-e", name]
    # stderr to a file: a pipe read only at the end could fill and stall tshark. tshark
    # starts before capinfos runs, so their reads overlap.
    errors = tempfile.TemporaryFile()
    tshark = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors)
    kind, snaplen, fields = capinfos_meta(path)
    out.meta(kind, None, snaplen, 9, fields)
    number = 0
    try:
        for line in tshark.stdout:
            if not line.startswith(b'{"timestamp"'):
                continue  # the bulk index lines between records
            values = json.loads(line)["layers"]
            if "frame_encap_type" not in values:
                continue  # tshark 4.0 lists pcapng Custom Blocks as frames without one
            number += 1
            out.frame(number, *frame_time(values), frame_head(values),
                      frame_stack(layers, values))
    finally:
        tshark.stdout.close()
        status = tshark.wait()
    errors.seek(0)
    return broke_off(out, errors.read(), status, number)


def broke_off(out, stderr, status, number):
    """tshark's complaint about a capture that breaks off, as the contract's error line."""
    message = stderr.decode("utf-8", "replace")
    lines = [l for l in message.splitlines() if l and "Running as user" not in l]
    if status == 0 and not lines:
        return 0
    text = " ".join(lines) or "exit status %d" % status
    # tshark names no byte offset: the member is left out.
    out.error(text if text.startswith("tshark:") else "tshark: " + text, number + 1, None)
    return rec.EXIT_ERROR


if __name__ == "__main__":
    rec.run(main)
