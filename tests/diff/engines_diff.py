#!/usr/bin/env python3
"""Differential test of the foreign engines' adapters (stages/foreign/adapters): dpkt,
scapy and tshark against pcapkit's own dissection.

For each engine, on a handful of corpus captures chosen for what issue 16 names (Ethernet,
VLAN and QinQ, ARP, IPv6 with extension headers, IPv4 and IPv6 fragments, TCP options,
ICMP errors, DNS, HTTP), with a few more for the options, routing headers and DNS records
tshark's adapter puts together, and on the tests' own sample capture, runs the adapter
directly (the system Python, which has Debian's python3-dpkt and python3-scapy; tshark's
adapter reads `pcapkit fields --json` on stdin) and `pcapkit extract -f ndjson`, then
compares, frame by frame, every leaf the adapter wrote with pcapkit's value at the same
path. An adapter writes only what its tool dissects, so pcapkit having more is expected; a
leaf the adapter wrote that pcapkit lacks or holds another value for is a difference,
failing the test unless EXPLAINED gives its reason. `protocols` agrees when the adapter's
layers are the first of pcapkit's; `time` when it is the same instant.

Every adapter line is also checked against the contract: one key per object, `meta`
first with its members, frames numbered in order, an `error` only last. Prints the
agreement per engine and per field. An engine whose tool is missing (the adapter exits 3)
is skipped; with none left, exit 77 (ctest SKIP), a failure under CI=true (common.py).
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
from common import SKIP, corpus_dir, in_ci, missing, unavailable  # noqa: E402

ADAPTERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "stages",
                        "foreign", "adapters")
ENGINES = ("dpkt", "scapy", "tshark")
EXIT_MISSING = 3

# Small captures (scapy reads about 4,000 packets/s), each for what it exercises.
CAPTURES = [
    "link/eth2_arp_request.pcap",  # Ethernet, ARP
    "link/vlan_packets.pcap",  # 802.1Q and QinQ tags, ICMP, LLC
    "link/802.1ad_QinQ.pcap",  # 802.1ad S-tag then C-tag
    "ipv6/ipv6_options.pcap",  # Hop-by-Hop, Destination Options, Routing, AH (pcapng)
    "ipv6/ipv6-frag.pcap",  # IPv6 Fragment headers
    "ipv4/frag_in_order.pcap",  # IPv4 fragments
    "tcp/synack_all_options.pcap",  # MSS, SACK, window scale, timestamps, HTTP
    "udp_icmp/icmp-destunreach-udp.pcap",  # an ICMP error quoting IPv4/UDP
    "udp_icmp/IcmpV6_EchoMessages.pcap",  # ICMPv6 echo
    "app/dns/Dns.pcap",  # DNS, mDNS, EDNS
    "app/dns/DnsPackets.pcap",  # many DNS record types
    "app/http/TwoHttpRequests.pcap",  # HTTP requests
    "app/http/one_http_stream_fin.pcap",  # HTTP request and response
    "malformed/file_bad_caplen_tls_DER.pcap",  # the capture breaks off at record 7
    "tcp/option-sack.pcap",  # SACK blocks, options ending in EOL and its padding
    "tcp/option-27.pcap",  # User Timeout, an option pcapkit does not name (27)
    "tcp/mptcp-aa-v1.pcap",  # MPTCP options
    "ipv6/ipv6-srh-ext-header.pcap",  # a Segment Routing Header
    "ipv6/ipv6-mobile-hoa.pcap",  # a Home Address destination option
    "ipv6/ipv6-mobile-routing.pcap",  # a type 2 Routing header
    "app/dns/mdns.pcap",  # mDNS records with the cache-flush bit
    "app/dns/dns_tcp.pcap",  # DNS over TCP (its length prefix), NS and SOA records
]

# (engine, capture, field) -> why the engine's value differs from pcapkit's by design or
# by a known bug of the tool. Fields are named by their layer key and path
# (`tcp.options[].len`); `dns.*` stands for every field of the layer.
EXPLAINED = {
    ("tshark", "icmp-destunreach-udp.pcap", "frame.protocols"):
        "tshark dissects the DNS message quoted (cut short) in an ICMP error; pcapkit "
        "leaves a quoted datagram's payload raw",
    ("tshark", "icmp-destunreach-udp.pcap", "dns.*"):
        "tshark dissects the DNS message quoted (cut short) in an ICMP error; pcapkit "
        "leaves a quoted datagram's payload raw",
    **{(e, "file_bad_caplen_tls_DER.pcap", "frame count"):
       "record 7 declares 4,325,376 bytes and 645 follow: %s reads the 645 as a 7th frame "
       "and reports nothing (pcapkit and tshark stop with an error)" % e
       for e in ("dpkt", "scapy")},
}


def explained(engine, path, label):
    name = os.path.basename(path)
    return (EXPLAINED.get((engine, name, label))
            or EXPLAINED.get((engine, name, label.split(".")[0] + ".*")))


def run_adapter(engine, python, path, fields_json):
    script = os.path.join(ADAPTERS, engine + "_adapter.py")
    p = subprocess.run([python, script, path], input=fields_json if engine == "tshark" else b"",
                       capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def run_pcapkit(binary, path):
    p = subprocess.run([binary, "extract", path, "-f", "ndjson", "-o", "-"],
                       capture_output=True, text=True)
    return {r["number"]: r for r in (json.loads(l, parse_float=Decimal)
                                     for l in p.stdout.splitlines())}


META_KEYS = {"kind", "linktype", "snaplen", "ts_digits", "fields"}
META_KINDS = {"global_header", "section_header", "interface_description"}


def contract_problems(rc, stdout):
    """The adapter output's departures from the contract, and its parsed frames."""
    problems, frames, seen_meta, ended = [], [], False, False
    for i, line in enumerate(stdout.splitlines()):
        try:
            obj = json.loads(line, parse_float=Decimal)
        except ValueError as e:
            problems.append(f"line {i + 1}: not JSON ({e})")
            continue
        if not isinstance(obj, dict) or len(obj) != 1:
            problems.append(f"line {i + 1}: not an object with one key")
            continue
        (key, value), = obj.items()
        if ended:
            problems.append(f"line {i + 1}: {key} after the error line")
        if key == "meta":
            if frames or not META_KEYS >= set(value) or value.get("kind") not in META_KINDS:
                problems.append(f"line {i + 1}: meta out of place or malformed: {value}")
            seen_meta = True
        elif key == "frame":
            if not seen_meta:
                problems.append(f"line {i + 1}: a frame before any meta")
            if value.get("number") != len(frames) + 1:
                problems.append(f"line {i + 1}: frame number {value.get('number')}")
            frames.append(value)
        elif key == "error":
            ended = True
            if not {"message", "frame"} <= set(value) <= {"message", "frame", "offset"}:
                problems.append(f"line {i + 1}: error members {sorted(value)}")
        else:
            problems.append(f"line {i + 1}: unknown key {key}")
    if rc != (1 if ended else 0):
        problems.append(f"exit status {rc} (error line: {ended})")
    return problems, frames


LAYER_KEYS = {"ethernet", "vlan", "arp", "ipv4", "ipv6", "hopopt", "ipv6_route",
              "ipv6_frag", "ipv6_opts", "tcp", "udp", "icmp", "icmpv6", "dns", "http", "raw"}


def leaves(obj, path=(), label=("frame",)):
    """(path, field label, value) of every leaf: the label names the innermost layer and
    the path inside it, list positions as []."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            sub = (k,) if k in LAYER_KEYS else label + (k,)
            yield from leaves(v, path + (k,), sub)
    elif isinstance(obj, list) and obj:
        for i, v in enumerate(obj):
            yield from leaves(v, path + (i,), label[:-1] + (label[-1] + "[]",))
    else:
        yield path, ".".join(label), obj


MISSING = object()


def value_at(obj, path):
    for step in path:
        try:
            obj = obj[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return obj


def same_instant(a, b):
    """Two `time` texts naming the same instant, whatever their number of decimals."""
    def norm(t):
        head, _, frac = t.rstrip("Z").partition(".")
        return head, frac.rstrip("0")
    return isinstance(b, str) and norm(a) == norm(b)


def agrees(label, mine, theirs):
    if label == "frame.protocols":
        return isinstance(theirs, str) and (theirs + ":").startswith(mine + ":" if mine else "")
    if label == "frame.time":
        return same_instant(mine, theirs)
    return type(mine) is type(theirs) and mine == theirs


def compare(engine, capture, frames, ours):
    """Per field [compared, agreed, explained], and the unexplained differences."""
    stats = collections.defaultdict(lambda: [0, 0, 0])
    diffs = []
    for frame in frames:
        record = ours.get(frame.get("number"))
        if record is None:
            continue  # a frame pcapkit has not: the frame count check reports it
        for path, label, mine in leaves(frame):
            theirs = value_at(record, path)
            stats[label][0] += 1
            if agrees(label, mine, theirs):
                stats[label][1] += 1
            elif explained(engine, capture, label):
                stats[label][2] += 1
            else:
                shown = "absent" if theirs is MISSING else repr(theirs)
                diffs.append(f"frame {frame.get('number')}: {label} "
                             f"{engine}={mine!r} pcapkit={shown}")
    return stats, diffs


def check(engine, args, fields_json, path, ours):
    rc, stdout, stderr = run_adapter(engine, args.python, path, fields_json)
    if rc == EXIT_MISSING:
        return None
    problems, frames = contract_problems(rc, stdout)
    if rc not in (0, 1):
        problems.append("adapter failed: " + stderr.strip()[-500:])
    stats, diffs = compare(engine, path, frames, ours)
    if len(frames) != len(ours):
        if explained(engine, path, "frame count"):
            stats["frame count"][0] += 1
            stats["frame count"][2] += 1
        else:
            problems.append(f"{len(frames)} frames, pcapkit {len(ours)}")
    return stats, problems + diffs


def captures(args):
    corpus = corpus_dir(args.corpus)
    why = missing(corpus, tshark=False)
    if why:
        status = unavailable(why)
        if status != SKIP:
            return status
        print("comparing the tests' own capture only")
        return list(args.extra)
    return [os.path.join(corpus, c) for c in CAPTURES] + list(args.extra)


def report(engine, results, paths):
    """Prints one engine's table; returns its number of failing captures."""
    total = collections.defaultdict(lambda: [0, 0, 0])
    failed = 0
    for path, (stats, problems) in zip(paths, results):
        for k, counts in stats.items():
            for i in range(3):
                total[k][i] += counts[i]
        for key, reason in EXPLAINED.items():
            if key[:2] == (engine, os.path.basename(path)) and not any(
                    explained(engine, path, k) == reason and c[2] for k, c in stats.items()):
                problems = problems + [f"listed in EXPLAINED but agrees: {key}"]
        if problems:
            failed += 1
            print(f"FAIL {engine} {os.path.basename(path)}")
            for p in problems[:10]:
                print("  " + p)
            if len(problems) > 10:
                print(f"  ... {len(problems) - 10} more")
    compared = sum(c for c, _, _ in total.values())
    agreed = sum(a for _, a, _ in total.values())
    excused = sum(x for _, _, x in total.values())
    print(f"{engine}: {agreed}/{compared} values agree "
          f"({100.0 * agreed / max(compared, 1):.3f}%), {excused} differ as EXPLAINED, "
          f"on {len(paths)} captures")
    for k in sorted(total):
        c, a, x = total[k]
        note = f"  ({x} explained)" if x else ""
        print(f"  {k:<40} {a:>6}/{c:<6}{note}")
    return failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--extra", action="append", default=[],
                    help="a capture made by the tests, compared too")
    ap.add_argument("--python", default="/usr/bin/python3",
                    help="the Python the adapters run with (Debian's, with dpkt and scapy)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    if not os.access(args.python, os.X_OK):
        return unavailable(f"no {args.python} to run the adapters with")
    paths = captures(args)
    if isinstance(paths, int):
        return paths
    fields_json = subprocess.run([args.pcapkit, "fields", "--json"], check=True,
                                 capture_output=True).stdout
    engines = args.engines.split(",")
    if "tshark" in engines and shutil.which("tshark") is None:
        engines.remove("tshark")
        print("tshark: not installed")
        if in_ci():
            return unavailable("tshark is not installed")
    jobs = [(e, p) for e in engines for p in paths]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        records = dict(zip(paths, pool.map(lambda p: run_pcapkit(args.pcapkit, p), paths)))
        results = dict(zip(jobs, pool.map(
            lambda j: check(j[0], args, fields_json, j[1], records[j[1]]), jobs)))
    failed, ran = 0, 0
    for engine in engines:
        mine = [results[(engine, p)] for p in paths]
        if any(r is None for r in mine):
            print(f"{engine}: the tool is missing (the adapter exits {EXIT_MISSING})")
            if in_ci():
                failed += 1
            continue
        ran += 1
        failed += report(engine, mine, paths)
    if not ran:
        return unavailable("none of the engines' tools is installed")
    print(f"{ran} engines, {failed} failing engine/capture pairs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
