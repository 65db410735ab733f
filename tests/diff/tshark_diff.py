#!/usr/bin/env python3
"""Differential test: pcapkit's core fields against tshark's per-packet dissection.

For every capture of the corpus (MANIFEST.tsv), runs `pcapkit extract -f ndjson` and
`tshark -T fields` (IP defragmentation and TCP desegmentation off, raw sequence numbers)
and compares, frame by frame and field by field, the values of the fields each protocol's
field table maps to a tshark field (`pcapkit fields --json`; docs/schema.md shows them).

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


def fields_escaped(v):
    """Text as tshark's -T fields prints it: line ends and tabs escaped."""
    return str(v).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def to_int(v):
    return int(v, 0)


def to_bool(v):
    return v in ("1", "True", "true")


def hex_len(v):
    """The number of bytes in tshark's display of a bytes field ("0000", "00:00")."""
    return len(v.replace(":", "")) // 2


def root_name(v):
    return v if v != "" else "<Root>"  # tshark's name for the DNS root


# The frame record's own fields (the protocols' fields come from their tables):
# (path, tshark field, parse tshark text, transform of pcapkit's value).
FRAME_FIELDS = [
    ("number", "frame.number", to_int, None),
    ("cap_len", "frame.cap_len", to_int, None),
    ("len", "frame.len", to_int, None),
    ("time_epoch", "frame.time_epoch", Decimal, Decimal),
    ("section", "frame.section_number", to_int, None),
    ("interface_name", "frame.interface_name", str, fields_escaped),
    ("comment[]", "frame.comment", str, fields_escaped),
]

# How a table's tshark column relates the two values when they are not equal (the suffix
# after a field's name; docs/schema.md explains them). Any other "=word" is a flag tshark
# sets when pcapkit's value is that word (flag_of).
RELATIONS = {
    "/8": lambda v: v // 8,  # tshark counts 8-byte units
    "/8-1": lambda v: v // 8 - 1,  # 8-byte units, minus one
    "=len": None,  # tshark's field is the bytes, pcapkit's their number (parser_for)
}


def flag_of(relation):
    """"=control": tshark's flag is 1 when pcapkit's value is "control"."""
    word = relation[1:]
    return lambda v: 1 if v == word else 0


def transform_for(relation):
    if relation in RELATIONS:
        return RELATIONS[relation]
    return flag_of(relation) if relation and relation[0] == "=" else None


def columns(column):
    """(tshark field, relation or None) of each name of a table's tshark column: "a, b /8"
    names two fields, a suffix belonging to the name before it."""
    out = []
    for name in column.split(","):
        field, _, relation = name.strip().partition(" ")
        out.append((field, relation or None))
    return out

# tshark's display of values pcapkit writes plainly.
DISPLAY = {"dns.qry.name": root_name, "dns.resp.name": root_name,
           "dns.soa.rname": root_name}

# Booleans pcapkit writes only when true (docs/schema.md: "true when ... is set"), where
# tshark gives every record its value: tshark's false ones are not compared.
WHEN_TRUE = {"dns.resp.cache_flush", "dns.qry.qu"}

# Lists whose objects nest further lists of the same name, compared depth first as tshark
# lists them (DHCPv6's options inside IA_NA, IA_PD...).
NESTED_LISTS = {("dhcpv6", "options[]"), ("gtpv2", "ies[]")}

# An 802.1ad service tag (a vlan layer after EtherType 0x88a8) is tshark's ieee8021ad.
S_TAG = {"vlan.priority": "ieee8021ad.priority", "vlan.dei": "ieee8021ad.dei",
         "vlan.id": "ieee8021ad.id"}


def parser_for(types, relation):
    if relation == "=len":
        return hex_len
    if relation and relation[0] == "=":
        return to_int  # a flag
    kinds = set(types.split("|"))
    if kinds == {"int"}:
        return to_int
    if kinds == {"bool"}:
        return to_bool
    if kinds == {"number"}:
        return Decimal
    return str


def load_fields(binary):
    """{layer key: [(path, tshark field, parse, transform)]} from the protocols' field
    tables (`pcapkit fields --json`): rows of one protocol naming the same tshark field
    are one comparison, their values concatenated in table order ("a+b")."""
    tables = json.loads(subprocess.run([binary, "fields", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    fields = {"frame": FRAME_FIELDS}
    for protocol in tables:
        key, specs, order = protocol["key"], {}, []
        for row in protocol["fields"]:
            if not row["tshark"]:
                continue
            path = row["path"]
            for prefix in (p for k, p in NESTED_LISTS if k == key):
                path = path.replace(prefix + ".", prefix + "*.")
            for tf, relation in columns(row["tshark"]):
                if tf in specs:
                    specs[tf][0] += "+" + path
                    continue
                transform = transform_for(relation) or DISPLAY.get(tf)
                specs[tf] = [path, tf, parser_for(row["type"], relation), transform]
                order.append(tf)
        if order:
            fields[key] = [tuple(specs[tf]) for tf in order]
    vlan = fields.get("vlan", [])
    fields["vlan@88a8"] = [(p, S_TAG[tf], parse, tr) for p, tf, parse, tr in vlan if tf in S_TAG]
    return fields


FIELDS = {}  # set by main() from load_fields()

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
    **{(f"pcapng/generator_{e}/test20{n}.pcapng", "frame.interface_name"):
       "a later section's interface 0 has another if_name: tshark 4.0 names the first "
       "section's, pcapkit the frame's own section's (pcapng: interface ids count per section)"
       for e in ("le", "be") for n in (1, 2)},
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


# Protocols a frame must not leave `raw` when tshark dissects them: tshark's name in
# frame.protocols -> pcapkit's layer key. A frame whose record ends in a `raw` layer with
# fewer layers of one of these than tshark names is a difference ("left raw"), unless
# - the `raw` layer carries an error: pcapkit found the header malformed or cut by the
#   capture, and writes no field of it (tshark shows the fields that are there), or
# - EXPLAINED_RAW gives the reason (docs/schema.md, "Differences from tshark").
# A header cut by the end of a first fragment is neither: pcapkit dissects what is there.
DISSECTED = {
    "radiotap": "radiotap", "wlan": "wlan", "ppi": "ppi", "nflog": "nflog", "pktap": "pktap",
    "null": "null", "gtp": "gtp", "gtpv2": "gtpv2", "teredo": "teredo", "pwethcw": "pwethcw",
    "cmd": "cmd", "erspan": "erspan", "sctp": "sctp", "igmp": "igmp", "tcp": "tcp", "udp": "udp",
    "icmp": "icmp", "icmpv6": "icmpv6", "ip": "ipv4", "ipv6": "ipv6", "arp": "arp",
}
# pcapkit's layers tshark names alike: GTP version 1, user data or control.
SAME_FOR_TSHARK = {"gtpu": "gtp", "gtpv1c": "gtp"}
EXPLAINED_RAW = {
    "tcp/tcp-reassembly.pcap":
        "sFlow (UDP 6343) quotes sampled packets' headers: pcapkit does not dissect sFlow",
}


def in_first_fragment(layers):
    return any((name == "ipv4" and layer.get("offset") == 0 and layer["flags"].get("mf"))
               or (name == "ipv6_frag" and layer.get("offset") == 0 and layer.get("mf"))
               for name, layer in layers)


def left_raw(rel, record, tshark_protocols):
    """The protocols tshark dissects in this frame that pcapkit leaves raw, unexplained."""
    layers = list(walk(record, None))
    if not layers or layers[-1][0] != "raw" or rel in EXPLAINED_RAW:
        return []
    if "error" in layers[-1][1] and not in_first_fragment(layers):
        return []
    theirs = collections.Counter(DISSECTED[p] for p in tshark_protocols.split(":")
                                 if p in DISSECTED)
    ours = collections.Counter(SAME_FOR_TSHARK.get(name.split("@")[0], name.split("@")[0])
                               for name, _ in layers)
    return [key for key, n in theirs.items() if ours[key] < n]


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
FIELD_OBJECTS = {"flags", "dst", "src", "padding", "trailer"}


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
    seen = {"frame.encap_type", "frame.protocols"}
    out = ["frame.encap_type", "frame.protocols"]
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
# for each tshark field the positions that name it (set by use_fields).
SPECS = []
SPEC_INDEX = collections.defaultdict(list)


def use_fields(fields):
    FIELDS.update(fields)
    SPECS.extend((proto.split("@")[0], *spec) for proto, specs in FIELDS.items() for spec in specs)
    for i, spec in enumerate(SPECS):
        SPEC_INDEX[spec[2]].append(i)


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
        names = set()
        for name, layer in walk(rec, None):
            names.add(name.split("@")[0])
            for path_, tf, _, _ in FIELDS.get(name, []):
                ours_vals[tf].extend(values_at(layer, path_))
        for key in left_raw(rel, rec, row.get("frame.protocols", [""])[0]):
            diffs.append(f"{rel} frame {rec['number']}: left raw where tshark dissects {key}")
        # A field neither side has counts nothing: only the others are visited, in the
        # order of FIELDS. A tshark field several protocols map (GTP-U's and GTPv1-C's
        # gtp.*) is compared once, counted for the protocol the frame has.
        present = {i for tf, v in ours_vals.items() if v for i in SPEC_INDEX[tf]}
        present.update(i for tf in row for i in SPEC_INDEX.get(tf, ()))
        compared_tf = set()
        for j in sorted(present):
            key, path_, tf, parse, transform = SPECS[j]
            if tf in compared_tf:
                continue
            compared_tf.add(tf)
            key = next((SPECS[i][0] for i in SPEC_INDEX[tf] if SPECS[i][0] in names), key)
            mine = ours_vals.get(tf, [])
            theirs_v = row.get(tf, [])
            if tf in WHEN_TRUE:
                theirs_v = [v for v in theirs_v if to_bool(v)]
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
    use_fields(load_fields(args.pcapkit))
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
