#!/usr/bin/env python3
"""Differential test: pcapkit's core fields against tshark's per-packet dissection.

For every capture of the corpus (MANIFEST.tsv), runs `pcapkit extract -f ndjson` and
`tshark -T fields` (IP defragmentation and TCP desegmentation off, raw sequence numbers)
and compares, frame by frame and field by field, the values of the fields mapped below.

Occurrences are compared in dissection order (an ICMP error quotes a second `ipv4`; a
QinQ frame has two tags). When one side dissects deeper than the other (tshark knows
protocols pcapkit leaves raw; tunnels such as GRE, VXLAN and Geneve both dissect) only the
common prefix is compared and the rest is counted as "not compared", never as agreement.

Differences that are deliberate choices are listed in EXPLAINED with the reason; the test
fails on any other difference. Prints the agreement rate per protocol. Without tshark:
exit 77 (ctest SKIP); without the corpus, only the tests' own captures (--extra) are
compared; under CI=true either is a failure (common.py).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SKIP, corpus_dir, largest_first, missing, unavailable  # noqa: E402


def to_int(v):
    return int(v, 0)


def to_bool(v):
    return v in ("1", "True", "true")


def div8(v):
    return v // 8


def root_name(v):
    return v if v != "" else "<Root>"  # tshark's name for the DNS root


# pcapkit record path (layer key, field path) -> (tshark field, parse tshark text, transform
# of pcapkit's value). Field paths use '.' for nesting and '[]' for list members.
FIELDS = {
    "frame": [
        ("number", "frame.number", to_int, None),
        ("cap_len", "frame.cap_len", to_int, None),
        ("len", "frame.len", to_int, None),
        ("time_epoch", "frame.time_epoch", Decimal, Decimal),
    ],
    "ethernet": [
        ("dst", "eth.dst", str, None),
        ("src", "eth.src", str, None),
        ("type", "eth.type", to_int, None),
        ("len", "eth.len", to_int, None),
    ],
    "vlan": [
        ("pcp", "vlan.priority", to_int, None),
        ("dei", "vlan.dei", to_bool, None),
        ("vid", "vlan.id", to_int, None),
        ("type", "vlan.etype", to_int, None),
    ],
    "vlan@88a8": [  # an 802.1ad service tag: tshark's ieee8021ad protocol
        ("pcp", "ieee8021ad.priority", to_int, None),
        ("dei", "ieee8021ad.dei", to_bool, None),
        ("vid", "ieee8021ad.id", to_int, None),
    ],
    "arp": [
        ("htype", "arp.hw.type", to_int, None),
        ("ptype", "arp.proto.type", to_int, None),
        ("hlen", "arp.hw.size", to_int, None),
        ("plen", "arp.proto.size", to_int, None),
        ("oper", "arp.opcode", to_int, None),
        ("sha", "arp.src.hw_mac", str, None),
        ("spa", "arp.src.proto_ipv4", str, None),
        ("tha", "arp.dst.hw_mac", str, None),
        ("tpa", "arp.dst.proto_ipv4", str, None),
    ],
    "sll": [
        ("pkttype", "sll.pkttype", to_int, None),
        ("hatype", "sll.hatype", to_int, None),
        ("halen", "sll.halen", to_int, None),
    ],
    "null": [("family", "null.family", to_int, None)],
    "ipv4": [
        ("version", "ip.version", to_int, None),
        ("hdr_len", "ip.hdr_len", to_int, None),
        ("dscp", "ip.dsfield.dscp", to_int, None),
        ("ecn", "ip.dsfield.ecn", to_int, None),
        ("len", "ip.len", to_int, None),
        ("id", "ip.id", to_int, None),
        ("flags.rf", "ip.flags.rb", to_bool, None),
        ("flags.df", "ip.flags.df", to_bool, None),
        ("flags.mf", "ip.flags.mf", to_bool, None),
        ("offset", "ip.frag_offset", to_int, div8),  # tshark counts 8-byte units
        ("ttl", "ip.ttl", to_int, None),
        ("protocol", "ip.proto", to_int, None),
        ("checksum", "ip.checksum", to_int, None),
        ("src", "ip.src", str, None),
        ("dst", "ip.dst", str, None),
    ],
    "ipv6": [
        ("version", "ipv6.version", to_int, None),
        ("class", "ipv6.tclass", to_int, None),
        ("label", "ipv6.flow", to_int, None),
        ("payload", "ipv6.plen", to_int, None),
        ("next", "ipv6.nxt", to_int, None),
        ("limit", "ipv6.hlim", to_int, None),
        ("version", "ip.version", to_int, None),  # tshark's IPv6 also fills ip.version
        ("src", "ipv6.src", str, None),
        ("dst", "ipv6.dst", str, None),
    ],
    "ipv6_frag": [
        ("offset", "ipv6.fraghdr.offset", to_int, div8),
        ("mf", "ipv6.fraghdr.more", to_bool, None),
        ("id", "ipv6.fraghdr.ident", to_int, None),
    ],
    "tcp": [
        ("srcport", "tcp.srcport", to_int, None),
        ("dstport", "tcp.dstport", to_int, None),
        ("seq", "tcp.seq_raw", to_int, None),
        ("ack", "tcp.ack_raw", to_int, None),
        ("hdr_len", "tcp.hdr_len", to_int, None),
        ("flags.cwr", "tcp.flags.cwr", to_bool, None),
        ("flags.ece", "tcp.flags.ece", to_bool, None),
        ("flags.urg", "tcp.flags.urg", to_bool, None),
        ("flags.ack", "tcp.flags.ack", to_bool, None),
        ("flags.psh", "tcp.flags.push", to_bool, None),
        ("flags.rst", "tcp.flags.reset", to_bool, None),
        ("flags.syn", "tcp.flags.syn", to_bool, None),
        ("flags.fin", "tcp.flags.fin", to_bool, None),
        ("window_size", "tcp.window_size_value", to_int, None),
        ("checksum", "tcp.checksum", to_int, None),
        ("urgent_pointer", "tcp.urgent_pointer", to_int, None),
        ("options[].mss", "tcp.options.mss_val", to_int, None),
        ("options[].shift", "tcp.options.wscale.shift", to_int, None),
        ("options[].tsval", "tcp.options.timestamp.tsval", to_int, None),
        ("options[].tsecr", "tcp.options.timestamp.tsecr", to_int, None),
        ("options[].blocks[].left", "tcp.options.sack_le", to_int, None),
        ("options[].blocks[].right", "tcp.options.sack_re", to_int, None),
        ("options[].subtype", "tcp.options.mptcp.subtype", to_int, None),
    ],
    "udp": [
        ("srcport", "udp.srcport", to_int, None),
        ("dstport", "udp.dstport", to_int, None),
        ("len", "udp.length", to_int, None),
        ("checksum", "udp.checksum", to_int, None),
    ],
    "icmp": [
        ("type", "icmp.type", to_int, None),
        ("code", "icmp.code", to_int, None),
        ("checksum", "icmp.checksum", to_int, None),
        ("id", "icmp.ident", to_int, None),
        ("seq", "icmp.seq", to_int, None),
    ],
    "gre": [
        ("protocol", "gre.proto", to_int, None),
        ("key", "gre.key", to_int, None),
        ("seq", "gre.sequence_number", to_int, None),
    ],
    "mpls": [
        ("label", "mpls.label", to_int, None),
        ("tc", "mpls.exp", to_int, None),
        ("bottom", "mpls.bottom", to_bool, None),
        ("ttl", "mpls.ttl", to_int, None),
    ],
    "pppoe": [
        ("code", "pppoe.code", to_int, None),
        ("session_id", "pppoe.session_id", to_int, None),
        ("payload_len", "pppoe.payload_length", to_int, None),
    ],
    "ppp": [("protocol", "ppp.protocol", to_int, None)],
    "chdlc": [("protocol", "chdlc.protocol", to_int, None)],
    "vxlan": [("vni", "vxlan.vni", to_int, None)],
    "geneve": [
        ("vni", "geneve.vni", to_int, None),
        ("protocol", "geneve.proto_type", to_int, None),
    ],
    "dns": [
        ("id", "dns.id", to_int, None),
        ("qr", "dns.flags.response", to_bool, None),
        ("opcode", "dns.flags.opcode", to_int, None),
        ("rcode", "dns.flags.rcode", to_int, None),
        ("questions[].name", "dns.qry.name", str, root_name),
        ("questions[].type", "dns.qry.type", to_int, None),
        ("questions[].class", "dns.qry.class", to_int, None),
        ("answers[].name+authorities[].name+additionals[].name", "dns.resp.name", str, root_name),
        ("answers[].type+authorities[].type+additionals[].type", "dns.resp.type", to_int, None),
        ("answers[].ttl+authorities[].ttl+additionals[].ttl", "dns.resp.ttl", to_int, None),
    ],
    "http": [
        ("method", "http.request.method", str, None),
        ("uri", "http.request.uri", str, None),
        ("status", "http.response.code", to_int, None),
        ("reason", "http.response.phrase", str, None),
    ],
    "tls": [
        ("records[].content_type", "tls.record.content_type", to_int, None),
        ("records[].version", "tls.record.version", to_int, None),
        ("records[].length", "tls.record.length", to_int, None),
        ("records[].handshake.type", "tls.handshake.type", to_int, None),
        ("records[].handshake.extensions[].server_name", "tls.handshake.extensions_server_name", str, None),
    ],
    "http2": [
        ("frames[].type", "http2.type", to_int, None),
        ("frames[].length", "http2.length", to_int, None),
        ("frames[].stream_id", "http2.streamid", to_int, None),
    ],
    "dhcp": [
        ("op", "dhcp.type", to_int, None),
        ("xid", "dhcp.id", to_int, None),
        ("yiaddr", "dhcp.ip.your", str, None),
        ("chaddr", "dhcp.hw.mac_addr", str, None),
        ("options[].message_type", "dhcp.option.dhcp", to_int, None),
    ],
    "ftp": [
        ("lines[].command", "ftp.request.command", str, None),
        ("lines[].code", "ftp.response.code", to_int, None),
    ],
    "l2tp": [
        ("type", "l2tp.type", to_int, lambda v: 1 if v == "control" else 0),
        ("tunnel", "l2tp.tunnel", to_int, None),
        ("session", "l2tp.session", to_int, None),
        ("length", "l2tp.length", to_int, None),
        ("ns", "l2tp.Ns", to_int, None),
        ("nr", "l2tp.Nr", to_int, None),
        ("avps[].type", "l2tp.avp.type", to_int, None),
    ],
    "ospf": [
        ("version", "ospf.version", to_int, None),
        ("type", "ospf.msg", to_int, None),
        ("len", "ospf.packet_length", to_int, None),
        ("router_id", "ospf.srcrouter", str, None),
        ("area_id", "ospf.area_id", str, None),
        ("checksum", "ospf.checksum", to_int, None),
        ("network_mask", "ospf.hello.network_mask", str, None),
        ("hello_interval", "ospf.hello.hello_interval", to_int, None),
        ("priority", "ospf.hello.router_priority", to_int, None),
        ("dr", "ospf.hello.designated_router", str, None),
    ],
    "ipx": [
        ("checksum", "ipx.checksum", to_int, None),
        ("len", "ipx.len", to_int, None),
        ("type", "ipx.packet_type", to_int, None),
        ("dst.network", "ipx.dst.net", to_int, None),
        ("dst.node", "ipx.dst.node", str, None),
        ("dst.socket", "ipx.dst.socket", to_int, None),
        ("src.network", "ipx.src.net", to_int, None),
        ("src.socket", "ipx.src.socket", to_int, None),
    ],
    "hip": [
        ("type", "hip.packet_type", to_int, None),
        ("parameters[].type", "hip.type", to_int, None),
        ("checksum", "hip.checksum", to_int, None),
        ("controls", "hip.controls", to_int, None),
    ],
    "mh": [
        ("next", "mip6.proto", to_int, None),
        ("length", "mip6.hlen", to_int, lambda v: v // 8 - 1),  # tshark: 8-octet units - 1
        ("type", "mip6.mhtype", to_int, None),
        ("checksum", "mip6.csum", to_int, None),
    ],
    "dhcpv6": [
        ("msg_type", "dhcpv6.msgtype", to_int, None),
        ("xid", "dhcpv6.xid", to_int, None),
        ("options[]*.code", "dhcpv6.option.type", to_int, None),
    ],
    "icmpv6": [
        ("type", "icmpv6.type", to_int, None),
        ("code", "icmpv6.code", to_int, None),
        ("checksum", "icmpv6.checksum", to_int, None),
        ("id", "icmpv6.echo.identifier", to_int, None),
        ("seq", "icmpv6.echo.sequence_number", to_int, None),
    ],
}

TSHARK_OPTS = [
    "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
    "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.relative_sequence_numbers:FALSE",
    "-o", "tcp.analyze_sequence_numbers:FALSE",
]

def ipv4_options_of(record):
    for name, layer in walk(record, None):
        if name == "ipv4":
            yield from layer.get("options", [])


# Captures whose headers are invalid in ways tshark renders differently (MANIFEST.tsv
# describes each): (capture, tshark field) -> reason.
EXPLAINED_FILES = {
    ("malformed/timestamp_invalid_micro.pcap", "frame.time_epoch"):
        "fraction field >= 1 s: pcapkit carries it into the seconds, tshark prints it as is",
    ("malformed/timestamp_invalid_nano.pcap", "frame.time_epoch"):
        "fraction field >= 1 s: pcapkit carries it into the seconds, tshark prints it as is",
    ("malformed/garbage_header_atm-oam.pcap", "frame.time_epoch"):
        "fraction field >= 1 s: tshark's 32-bit µs->ns conversion overflows",
    ("malformed/garbage_header_atm-oam.pcap", "frame.cap_len"):
        "SunATM (linktype 123): tshark moves the 4-byte ATM pseudo-header out of the frame",
    ("malformed/garbage_header_atm-oam.pcap", "frame.len"):
        "SunATM (linktype 123): tshark moves the 4-byte ATM pseudo-header out of the frame",
}


DNS_PLAIN_TYPES = {1, 2, 5, 12, 15, 16, 28, 41}


def not_comparable(record, tshark_field):
    """Fields whose tshark occurrences do not line up with pcapkit's records in this
    frame: they are left out of the comparison (counted as not compared)."""
    if tshark_field.startswith("dns.resp."):
        # tshark files an SRV owner under dns.srv.*, NSEC/RRSIG/... type bitmaps under
        # dns.resp.type: with such records its dns.resp.* lists follow no record order.
        for name, layer in walk(record, None):
            if name == "dns":
                for section in ("answers", "authorities", "additionals"):
                    for rr in layer.get(section, []):
                        if rr.get("type") not in DNS_PLAIN_TYPES:
                            return True
    return False


def explain(rel, record, tshark_field, ours, theirs):
    """The documented reason for a difference (docs/schema.md, "Differences from tshark"),
    or None when the difference is a bug."""
    if (rel, tshark_field) in EXPLAINED_FILES:
        return EXPLAINED_FILES[(rel, tshark_field)]
    if tshark_field == "ip.dst":
        for opt in ipv4_options_of(record):
            if opt.get("type") in (131, 137) and theirs in opt.get("route", []):
                return "tshark shows a source route's final hop as ip.dst; pcapkit the header field"
    if tshark_field == "ip.len" and ours == 0 and isinstance(theirs, int) and theirs > 0:
        return "total length 0 (TSO capture): tshark substitutes the captured length"
    return None


def walk(record, layer_filter):
    """Yields (layer name, layer object) for every layer of a frame record, outermost
    first. A vlan tag that follows an 802.1ad EtherType is reported as 'vlan@88a8'."""
    parent_type = None
    obj = record
    while True:
        child = None
        for key, value in obj.items():
            if isinstance(value, dict) and key not in FIELD_OBJECTS:
                child = (key, value)
                break
        if child is None:
            return
        key, value = child
        name = "vlan@88a8" if key == "vlan" and parent_type == 0x88a8 else key
        yield name, value
        parent_type = value.get("type")
        obj = value


# Objects inside a layer that are fields, not the next layer.
FIELD_OBJECTS = {"flags", "dst", "src"}


def values_at(obj, path):
    """Values at a dotted path with '[]' list steps, in order; 'a+b' concatenates the
    values of several paths (DNS's answer, authority and additional records)."""
    if "+" in path:
        return [v for part in path.split("+") for v in values_at(obj, part)]
    items = [obj]
    for step in path.split("."):
        if step.endswith("[]*"):  # a list whose objects nest further lists of that name
            name = step[:-3]

            def depth_first(objs):
                for o in objs:
                    yield o
                    yield from depth_first(o.get(name, []) if isinstance(o, dict) else [])
            items = [o for it in items if isinstance(it, dict) for o in depth_first(it.get(name, []))]
            continue
        nxt = []
        is_list = step.endswith("[]")
        name = step[:-2] if is_list else step
        for it in items:
            if not isinstance(it, dict) or name not in it:
                continue
            v = it[name]
            if is_list:
                nxt.extend(v if isinstance(v, list) else [])
            else:
                nxt.append(v)
        items = nxt
    return items


def tshark_fields():
    seen, out = {"frame.encap_type"}, ["frame.encap_type"]
    for specs in FIELDS.values():
        for _, tf, _, _ in specs:
            if tf not in seen:
                seen.add(tf)
                out.append(tf)
    return out


def run_tshark(path, fields):
    cmd = ["tshark", "-n", "-r", path, *TSHARK_OPTS, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=|", "-E", "separator=/t"]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    rows = []
    encap = fields.index("frame.encap_type")
    skipped = 0
    for line in p.stdout.splitlines():
        cols = line.split("\t")
        if encap >= len(cols) or cols[encap] == "":
            # tshark 4.0 lists pcapng Custom Blocks as frames with no encapsulation;
            # pcapkit reports them as "Custom N" records, not frames, so its frame
            # numbers count packets only: renumber tshark's to match.
            skipped += 1
            continue
        # Only the fields the frame has: an absent one reads as [] (row.get(f, [])).
        row = {fields[i]: c.split("|") for i, c in enumerate(cols[:len(fields)]) if c != ""}
        if skipped:
            row["frame.number"] = [str(int(n) - skipped) for n in row.get("frame.number", [])]
        rows.append(row)
    return rows


def run_pcapkit(binary, path):
    p = subprocess.run([binary, "extract", path, "-f", "ndjson", "-o", "-"],
                       capture_output=True, text=True)
    return [json.loads(l, parse_float=Decimal) for l in p.stdout.splitlines()], p.returncode


# Every (protocol, pcapkit path, tshark field, parse, transform) of FIELDS in order, and
# for each tshark field the positions that name it.
SPECS = [(proto.split("@")[0], *spec) for proto, specs in FIELDS.items() for spec in specs]
SPEC_INDEX = collections.defaultdict(list)
for _i, _spec in enumerate(SPECS):
    SPEC_INDEX[_spec[2]].append(_i)


def compare_file(binary, corpus, rel, fields):
    path = os.path.join(corpus, rel)
    ours, rc = run_pcapkit(binary, path)
    theirs = run_tshark(path, fields)
    stats = collections.defaultdict(lambda: [0, 0, 0])  # proto -> [compared, agreed, skipped]
    diffs = []
    if ours and theirs:  # every protocol has its row in the table, compared or not
        for key, *_ in SPECS:
            stats[key]
    for rec, row in zip(ours, theirs):
        ours_vals = collections.defaultdict(list)
        for f in FIELDS["frame"]:
            ours_vals[f[1]].extend(values_at(rec, f[0]))
        for name, layer in walk(rec, None):
            for path_, tf, _, _ in FIELDS.get(name, []):
                ours_vals[tf].extend(values_at(layer, path_))
        # A field neither side has counts nothing: only the others are visited, in the
        # order of FIELDS.
        present = {i for tf, v in ours_vals.items() if v for i in SPEC_INDEX[tf]}
        present.update(i for tf in row for i in SPEC_INDEX.get(tf, ()))
        for j in sorted(present):
            key, path_, tf, parse, transform = SPECS[j]
            mine = ours_vals.get(tf, [])
            theirs_v = row.get(tf, [])
            if (mine or theirs_v) and not_comparable(rec, tf):
                stats[key][2] += max(len(mine), len(theirs_v))
                continue
            n = min(len(mine), len(theirs_v))
            stats[key][2] += abs(len(mine) - len(theirs_v))
            for i in range(n):
                a = mine[i]
                if transform is not None:
                    a = transform(str(a)) if transform is Decimal else transform(a)
                try:
                    b = parse(theirs_v[i])
                except ValueError:
                    b = theirs_v[i]
                stats[key][0] += 1
                if a == b:
                    stats[key][1] += 1
                elif explain(rel, rec, tf, a, b):
                    stats[key][1] += 1
                    stats["explained"][0] += 1
                else:
                    diffs.append(f"{rel} frame {rec['number']}: {tf} pcapkit={a!r} tshark={b!r}")
    count_diff = None
    if len(ours) != len(theirs):
        count_diff = f"{rel}: pcapkit {len(ours)} frames, tshark {len(theirs)}"
    return rel, stats, diffs, count_diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--report", help="write the per-protocol table as JSON here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--extra", action="append", default=[],
                    help="a capture made by the tests, compared too (absolute path)")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        return unavailable("tshark is not installed (scripts/setup.sh installs it)")
    corpus = corpus_dir(args.corpus)
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    rels = []
    why = missing(corpus)
    if why:
        status = unavailable(why)
        if status != SKIP:
            return status
        print("comparing the tests' own captures only")
    else:
        with open(manifest) as f:
            next(f)
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if cols[3].startswith("unreadable"):
                    continue  # file-level damage: the corpus test checks those
                rels.append(cols[0])
    rels += [os.path.abspath(e) for e in args.extra]  # os.path.join keeps absolute paths
    if not rels:
        return unavailable("no capture to compare")
    fields = tshark_fields()
    total = collections.defaultdict(lambda: [0, 0, 0])
    all_diffs, count_diffs = [], []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = largest_first(pool, lambda r: compare_file(args.pcapkit, corpus, r, fields), rels,
                                lambda r: os.path.getsize(os.path.join(corpus, r)))
        for rel, stats, diffs, cd in results:
            for k, v in stats.items():
                for i in range(3):
                    total[k][i] += v[i]
            all_diffs.extend(diffs)
            if cd:
                count_diffs.append(cd)
    print(f"{'protocol':<10} {'compared':>9} {'agreed':>9} {'rate':>8} {'not compared':>13}")
    compared = agreed = 0
    for k in sorted(total):
        if k == "explained":
            continue
        c, a, s = total[k]
        compared += c
        agreed += a
        rate = 100.0 * a / c if c else 100.0
        print(f"{k:<10} {c:>9} {a:>9} {rate:>7.3f}% {s:>13}")
    print(f"{'all':<10} {compared:>9} {agreed:>9} {100.0 * agreed / max(compared, 1):>7.3f}%"
          f"   ({total['explained'][0]} agreed by a documented difference)")
    if args.report:
        with open(args.report, "w") as f:
            json.dump({k: v for k, v in total.items()}, f, indent=1)
    for d in count_diffs:
        print("FRAME COUNT:", d)
    for d in all_diffs[:200]:
        print("DIFF:", d)
    if len(all_diffs) > 200:
        print(f"... {len(all_diffs) - 200} more differences")
    print(f"{len(rels)} captures, {len(all_diffs)} unexplained differences")
    return 1 if all_diffs or count_diffs else 0


if __name__ == "__main__":
    sys.exit(main())
