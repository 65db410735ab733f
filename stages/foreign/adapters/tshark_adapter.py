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
  table names tshark fields (Ethernet, VLAN, ARP, IPv4, IPv6 and its Hop-by-Hop, Routing,
  Fragment and Destination Options headers, TCP, UDP, ICMP, ICMPv6, DNS with mDNS and
  LLMNR, HTTP); the first other layer ends the record, and so does a layer where tshark
  fills none of the mapped fields (the segments tshark calls `http` because they continue
  an HTTP body);
- in each layer, the fields with a tshark field; the n-th occurrence of a field goes to
  the n-th layer of its protocol, and a field whose count does not match the layers is
  left out rather than guessed. A field naming several tshark fields takes the first the
  frame has (HTTP's `version`: the request's or the response's). A list is written from
  the table alone when every member of its objects has a tshark field (`questions`, a
  Routing header's addresses), one object per occurrence;
- TCP options, IPv6 options, DNS records and HTTP header fields, whose occurrences tshark
  does not group by object, put back together by tshark_lists.py where tshark's own
  kinds, lengths and counts say which value is whose (its docstring says how).

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
import tshark_lists as lists  # noqa: E402

PREFERENCES = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE",
               "-o", "tcp.relative_sequence_numbers:FALSE",
               "-o", "tcp.analyze_sequence_numbers:FALSE"]
CORE = ("ethernet", "vlan", "arp", "ipv4", "ipv6", "hopopt", "ipv6_route", "ipv6_frag",
        "ipv6_opts", "tcp", "udp", "icmp", "icmpv6", "dns", "http")
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
    if relation and relation[0] == "=":  # a flag tshark sets when the value is this word
        return lambda v: relation[1:] if v in ("1", "True", "true") else None
    if kinds == {"int"}:
        return lambda v: int(v, 0)
    if kinds == {"bool"}:
        return lambda v: v in ("1", "True", "true")
    return lambda v: "" if v == "<Root>" else v  # tshark's name of the DNS root


# Booleans pcapkit writes only when true, where tshark gives every question its value
# (DNS records' cache_flush: tshark_lists.py).
WHEN_TRUE = {"dns.qry.qu"}


def sources(row):
    """A table row's tshark fields, each with the parser of its values: "a, b /8" names
    two fields, a suffix belonging to the name before it."""
    out = []
    for name in row["tshark"].split(","):
        field, _, relation = name.strip().partition(" ")
        parse = parser(row["type"], relation or None)
        if field in WHEN_TRUE:
            parse = lambda v, bit=parse: True if bit(v) else None  # noqa: E731
        out.append((field, parse))
    return out


class Layer:
    """One core protocol's table: `sources` maps each path with a tshark field to its
    (field, parse) list; `rows` are those written one occurrence per layer (scalars, and
    lists every member of which has a tshark field); `order` the top-level members."""

    def __init__(self, key, rows):
        self.key, self.sources, self.order = key, {}, []
        unmapped = set()
        for row in rows:
            path = row["path"]
            top = path.split(".")[0].split("[]")[0]
            if top not in self.order:
                self.order.append(top)
            if row["tshark"]:
                self.sources[path] = sources(row)
            elif "[]" in path and not path.endswith(("_name", ".error")):
                unmapped.add(path.split("[]")[0])
        # Lists of objects whose members all have a tshark field: written, one object per
        # occurrence. Other lists are left to tshark_lists (or left out).
        self.rows = [(p, s) for p, s in self.sources.items() if "[]" not in p or
                     (p.count("[]") == 1 and p.split("[]")[0] not in unmapped)]
        scalars = [s[0][0].split(".") for p, s in self.rows if "[]" not in p]
        self.proto = os.path.commonprefix(scalars)


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
    layer.key, layer.proto, layer.order = base.key, base.proto, base.order
    layer.rows = [(p, [(rename[t], f) for t, f in s if t in rename])
                  for p, s in base.rows if any(t in rename for t, _ in s)]
    layer.sources = dict(layer.rows)
    return layer


def tshark_fields(layers):
    names = [f for _, f in FRAME] + ["frame.encap_type"] + lists.EXTRA_FIELDS
    for layer in layers.values():
        names += [t for s in layer.sources.values() for t, _ in s if t not in names]
    return names


def put(obj, path, value):
    """Sets a dotted path's member, creating the objects on the way (in table order)."""
    *parents, last = path.split(".")
    for p in parents:
        obj = obj.setdefault(p, {})
    obj[last] = value


def fill(layer, values, index, instances):
    """The layer object for the index-th of `instances` layers of this protocol."""
    obj, heads = {}, {}
    for path, srcs in layer.rows:
        found = lists.values_of(values, srcs)
        if not found:
            continue
        if "[]" in path:
            if instances == 1:
                head, _, member = path.partition("[]")
                heads.setdefault(head, {})[member.lstrip(".")] = found
            continue
        if len(found) == instances and found[index] is not None:
            put(obj, path, found[index])
    for head, members in heads.items():
        if list(members) == [""]:  # a list of plain values (addresses)
            obj[head] = members[""]
        elif len({len(v) for v in members.values()}) == 1:
            obj[head] = [{m: v for m, v in zip(members, items) if v is not None}
                         for items in zip(*members.values())]
    return obj


def chain_layers(layers, values):
    """[(layer, object)] of the core layers of tshark's frame.protocols, in order, up to
    the first other one or one where tshark fills none of the mapped fields."""
    chain = values.get("frame_protocols", [""])[0].split(":")
    counts, seen, found = {}, {}, []
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
        if counts[proto] == 1 and layer.key in lists.BUILDERS:
            obj.update(lists.BUILDERS[layer.key](layer, values, obj))
        found.append((layer, obj))
    return found


def frame_stack(layers, values):
    found = chain_layers(layers, values)
    lists.ipv6_options(found, values)
    stack = rec.Stack()
    for layer, obj in found:
        stack.push(layer.key, {k: obj[k] for k in layer.order if k in obj})
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
        found = lists.raw(values, field)
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
