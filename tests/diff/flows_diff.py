#!/usr/bin/env python3
"""Flows against tshark: for every corpus capture, the TCP and UDP flows pcapkit reports
(`pcapkit flows`) and tshark's conversations (`tcp.stream`, `udp.stream`), compared by
value: the same number of flows of each protocol, and for each flow (matched by its first
frame) the same endpoints and, per endpoint, the same packets and IP bytes. The counts are
also checked against `tshark -q -z conv,tcp -z conv,udp`.

pcapkit runs with --flow-timeout 1e12 here: tshark's conversations never time out.

Documented differences, each counted and shown, never silently skipped (and the captures
in EXCEPTIONS below, each with its reason):
  * a tunnel's outer UDP flow (VXLAN, Geneve, L2TP, Teredo...): pcapkit's flow is the
    innermost IP flow, so a carrier conversation that only ever carries another one is
    not a pcapkit flow ("carrier");
  * TCP or UDP quoted inside an ICMP error: tshark files the quote under a stream, pcapkit
    counts the ICMP message in its ICMP flow;
  * a capture tshark cannot read (an unknown link type) is not compared;
  * a non-first IP fragment carries no port: tshark (defragmentation off) files it under no
    stream, pcapkit under its first fragment's flow; this script does the same attribution
    on tshark's side before comparing ("fragments attributed").
Exit status: 0 when every capture agrees, 1 otherwise, 77 (skip) without corpus or
tshark outside CI.
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import check_corpus, report_captures  # noqa: E402

# Captures where pcapkit's flows and tshark's streams differ for a known reason. Each must
# still differ (else the entry is stale and the test fails): an exception cannot hide a
# capture that has come to agree, or outlive the reason it names.
EXCEPTIONS = {
    "ipv4/detect-ipopts.pcap": "source-routed IPv4 (LSRR): tshark files packets under the "
    "route's final destination, pcapkit (as Zeek) under the header's destination",
    "ipv4/frag_out_of_order_with_padding.pcap": "fragments seen before their first fragment: "
    "pcapkit counts them in a port-less flow of their addresses",
    "ipv6/ipv6-fragmented-dns.pcap": "fragments seen before their first fragment (as above)",
    "ipv4/frag-eth-vlan-ip-tcp-syn.pcap": "a TCP header cut by fragmentation: tshark "
    "(defragmentation off) files no stream, pcapkit reads the ports in the first fragment",
    "ipv4/frag-ppp-ip-tcp-syn.pcap": "a TCP header cut by fragmentation (as above)",
    "ipv6/ipv6-mobility-dst-opts.pcap": "tshark stops at the Destination Options header of "
    "frames 1 and 2; pcapkit follows the header chain to their UDP",
    "tunnels/Teredo.pcap": "RSTs after a connection closed (frames 50, 51, 78): pcapkit, as "
    "Zeek, starts a flow of their own; tshark's stream goes on",
    "tcp/tcp-reassembly.pcap": "an sFlow datagram (frame 66) quotes sampled packets: tshark "
    "files the innermost under TCP streams, pcapkit's flow is the sFlow UDP datagram",
    "malformed/file_cut_mid_record_fuzz.pcap": "a TCP header tshark finds malformed gets no "
    "stream; pcapkit counts the flow by its ports",
    "malformed/tcp_header_heapoverflow.pcap": "a malformed TCP header (as above)",
    "malformed/udp-length-heapoverflow.pcap": "a UDP length tshark rejects: no stream; "
    "pcapkit counts the flow by its ports",
}

FIELDS = ["frame.number", "frame.protocols", "tcp.stream", "udp.stream", "ip.src", "ip.dst", "ipv6.src",
          "ipv6.dst", "ip.len", "ipv6.plen", "tcp.srcport", "udp.srcport", "icmp.type",
          "icmpv6.type", "ip.id", "ip.frag_offset", "ip.flags.mf", "ip.proto",
          "ipv6.fraghdr.offset", "ipv6.fraghdr.ident", "ipv6.fraghdr.more"]


def last(value):
    """tshark lists one value per layer, outermost first: the innermost is the flow's."""
    return value.split(",")[-1] if value else ""


def pcapkit_flows(pcapkit, path):
    out = subprocess.run([pcapkit, "flows", path, "-f", "ndjson", "-o", "-", "-q",
                          "--flow-timeout", "1e12"], capture_output=True, text=True)
    flows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return [f for f in flows if f["proto"] in ("tcp", "udp")]


def run_tshark(path, extra=()):
    """tshark's per-frame rows, and its conversation counts (-z conv,tcp and conv,udp),
    from one run: the statistics follow the rows. `extra`: more fields (frame.md5_hash)."""
    fields = FIELDS + list(extra)
    args = ["tshark", "-n", "-r", path, "-o", "ip.defragment:FALSE", "-o",
            "ipv6.defragment:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE", "-o",
            "frame.generate_md5_hash:TRUE", "-z", "conv,tcp",
            "-z", "conv,udp", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E",
            "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0 and not out.stdout:
        return None, None  # a capture tshark cannot read: nothing to compare with
    rows, counts, current = [], collections.Counter(), None
    for line in out.stdout.splitlines():
        m = re.match(r"(TCP|UDP) Conversations", line)
        if m:
            current = m.group(1).lower()
        elif current is not None:
            counts[current] += "<->" in line
        elif line and not line.startswith("====="):
            cols = line.split("\t")
            rows.append(dict(zip(fields, cols + [""] * (len(fields) - len(cols)))))
    return rows, counts


def innermost(row):
    """(transport, IP family) of the frame's flow, as pcapkit takes it: the innermost IP
    layer that is not inside an ICMP error's quote, and the TCP or UDP layer right above
    it; None when that IP layer carries neither (then any outer TCP or UDP is a tunnel's
    carrier)."""
    layers = row["frame.protocols"].split(":")
    ip = None
    for i, name in enumerate(layers):
        if name in ("icmp", "icmpv6"):
            break
        if name in ("ip", "ipv6"):
            ip = i
    if ip is None:
        return None
    above = next((n for n in layers[ip + 1:] if n not in IPV6_EXTENSIONS), None)
    return (above, layers[ip]) if above in ("tcp", "udp") else None


# tshark's names of the IPv6 extension headers that may stand between IPv6 and TCP/UDP.
IPV6_EXTENSIONS = {"ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts"}


def endpoint(row, proto, family):
    addr = last(row["ipv6.src" if family == "ipv6" else "ip.src"])
    return addr, int(last(row[proto + ".srcport"]) or 0)


def ip_bytes(row, family):
    if family == "ipv6":
        return 40 + int(last(row["ipv6.plen"]) or 0)
    return int(last(row["ip.len"]) or 0)


def tshark_streams(rows, stats):
    """{(proto, first frame): {endpoint: [packets, bytes]}} from tshark's per-frame rows."""
    streams = collections.OrderedDict()
    first_frag = {}  # (addresses, id) -> (stream key, endpoint), from first fragments
    flows, carried = set(), set()
    for row in rows:
        frame = int(row["frame.number"])
        frag = fragment(row)
        inner = innermost(row)
        ids = {p: row[p + ".stream"].split(",") if row[p + ".stream"] else [] for p in ("tcp", "udp")}
        if inner is None:
            if ids["tcp"] or ids["udp"]:
                stats["not the flow's"] += 1  # a carrier's, or inside an ICMP quote
                carried.update((p, i) for p in ids for i in ids[p])
        elif not ids[inner[0]]:
            stats["no stream"] += 1  # a header tshark finds malformed: no conversation
        else:
            proto, family = inner
            key = (proto, ids[proto][-1])
            carried.update((p, i) for p in ids for i in ids[p] if (p, i) != key)
            flows.add(key)
            if key not in streams:
                streams[key] = {"first": frame, "ends": collections.OrderedDict()}
            ep = endpoint(row, proto, family)
            add(streams[key], ep, ip_bytes(row, family))
            if frag and frag[1] == 0:
                first_frag[frag[0]] = (key, ep, family)
        if frag and frag[1] > 0 and frag[0] in first_frag:
            key, ep, family = first_frag[frag[0]]
            add(streams[key], ep, ip_bytes(row, family))
            stats["fragments attributed"] += 1
    stats["carrier"] += len(carried - flows)
    return {(k[0], k[1]): v["ends"] for k, v in streams.items()}


def fragment(row):
    """((addresses, id), offset) of a fragment, or None."""
    if row["ip.flags.mf"] or row["ip.frag_offset"]:
        mf = last(row["ip.flags.mf"]) in ("1", "True")
        off = int(last(row["ip.frag_offset"]) or 0)
        if mf or off:
            return ((last(row["ip.src"]), last(row["ip.dst"]), last(row["ip.id"])), off)
    if row["ipv6.fraghdr.ident"]:
        more = last(row["ipv6.fraghdr.more"]) in ("1", "True")
        off = int(last(row["ipv6.fraghdr.offset"]) or 0)
        if more or off:
            return ((last(row["ipv6.src"]), last(row["ipv6.dst"]),
                     last(row["ipv6.fraghdr.ident"])), off)
    return None


def add(stream, ep, nbytes):
    counts = stream["ends"].setdefault(ep, [0, 0])
    counts[0] += 1
    counts[1] += nbytes


def compare(proto, mine, ends, problems, stats):
    """One flow: pcapkit's record `mine` and tshark's {endpoint: [packets, bytes]}."""
    got = {(mine["src"], mine["srcport"]): [mine["orig_packets"], mine["orig_bytes"]],
           (mine["dst"], mine["dstport"]): [mine["resp_packets"], mine["resp_bytes"]]}
    got = {ep: c for ep, c in got.items() if c[0] > 0}
    if got == dict(ends):
        stats["flows equal"] += 1
        stats["endpoints equal"] += len(got)
    else:
        problems.append(f"{proto} flow {mine['flow']} from frame {mine['first_frame']}: "
                        f"pcapkit {got}, tshark {dict(ends)}")


def check(pcapkit, path):
    stats = collections.Counter()
    problems = []
    ours = pcapkit_flows(pcapkit, path)
    rows, conv = run_tshark(path)
    if rows is None:
        stats["unreadable by tshark"] += 1
        return problems, stats
    theirs = tshark_streams(rows, stats)
    for proto in ("tcp", "udp"):
        # Flows in order of first appearance, as tshark numbers its streams (frame numbers
        # may differ: tshark counts pcapng blocks pcapkit does not take for frames).
        mine = sorted((f for f in ours if f["proto"] == proto), key=lambda f: f["first_frame"])
        streams = [ends for (p, _), ends in theirs.items() if p == proto]
        stats[proto + " flows"] += len(mine)
        if len(mine) != len(streams):
            problems.append(f"{proto}: {len(mine)} flows, tshark {len(streams)} streams")
        # conv counts the carriers too: never more than the streams and the carriers.
        if conv[proto] > len(streams) + stats["carrier"]:
            problems.append(f"{proto}: tshark -z conv lists {conv[proto]}, streams {len(streams)}")
        for f, ends in zip(mine, streams):
            compare(proto, f, ends, problems, stats)
    return problems, stats


def main():
    run = check_corpus(check)
    if isinstance(run, int):
        return run
    corpus, paths, results = run
    total, failed, excepted = report_captures(corpus, paths, results, EXCEPTIONS,
                                              stale_fails=True)
    print("captures: %d, with unexplained differences: %d, documented exceptions: %d"
          % (len(paths), failed, excepted))
    print("flows: %d TCP, %d UDP; equal to tshark's in endpoints, packets and IP bytes: %d "
          "(%d endpoints)" % (total["tcp flows"], total["udp flows"], total["flows equal"],
                              total["endpoints equal"]))
    print("documented differences: %d tunnel carrier streams, %d frames whose TCP/UDP is a "
          "carrier's or an ICMP quote, "
          "%d non-first fragments attributed to their first fragment's flow; "
          "%d captures tshark cannot read"
          % (total["carrier"], total["not the flow's"], total["fragments attributed"],
             total["unreadable by tshark"]))
    if total["tcp flows"] + total["udp flows"] < 1000:
        print("FAIL: fewer than 1000 flows compared: the comparison did not run")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
