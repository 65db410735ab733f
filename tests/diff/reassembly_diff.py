#!/usr/bin/env python3
"""Differential test: pcapkit's reassembly against tshark's, on every corpus capture.

IP: every datagram pcapkit completes must equal tshark's defragmented datagram
(`ip.reassembled.data` / `ipv6.reassembled.data`) in the frame that completed it, and
every datagram tshark completes must be one pcapkit completes. Where overlapping
fragments disagree (pcapkit sets `conflict`), tshark's choice follows fragment offset
order (Wireshark copies fragments sorted by offset) rather than arrival, so such a
datagram must equal pcapkit's under `--overlap first` or `--overlap last`, or is counted
as resolved by another policy (Wireshark lets a fragment that runs past the datagram's
end win over earlier ones); all others must equal the default run's.

TCP: for every stream tshark follows (`-z follow,tcp,raw,N`, out-of-order reassembly on),
each direction's bytes must equal the concatenation of pcapkit's stream records for that
direction (`--strict`, so nothing is held back), where pcapkit reports no gap for it — a
gap means bytes the capture lacks, which tshark's raw output does not mark. A direction
tshark shows and pcapkit has no record of is a failure.

tshark reads each capture once (its start costs far more than reading a capture): one
run with IP defragmentation and out-of-order TCP reassembly on lists, per frame, the
datagrams it completes and the TCP streams it belongs to, and follows the streams that
pcapkit's connections suggest; a stream it lists and was not asked to follow is followed
in a second run.

Prints per-capture failures and totals; exits 1 on any failure. Without the corpus or
tshark: exit 77 (ctest SKIP), or a failure under CI=true (common.py).
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import check_corpus, report_captures  # noqa: E402

HEX_LINE = re.compile(r"\t?([0-9a-f]+)")
# IP defragmentation for the datagrams; out-of-order reassembly for the followed streams
# (it does not touch IP: tshark defragments before TCP sees a segment).
TSHARK_OPTS = ["-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
               "-o", "tcp.reassemble_out_of_order:TRUE", "-o", "tcp.analyze_sequence_numbers:TRUE"]


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def pcapkit_records(pcapkit, path, overlap):
    # Wireshark has no reassembly timeouts: pcapkit's (a policy, tested by the unit tests)
    # are set out of reach so that the two rebuild the same things.
    r = run([pcapkit, "reassemble", path, "--strict", "--ndjson", "-o", "-", "-q",
             "--overlap", overlap, "--ipv4-timeout", "1e12", "--ipv6-timeout", "1e12",
             "--tcp-timeout", "1e12"])
    records = []
    for line in r.stdout.splitlines():
        if line.strip():
            records.append(json.loads(line))
    return records, r.returncode


def parse_follow(lines, data):
    """Reads `tshark -z follow,tcp,raw,N` sections into data[N][(addr, port)] = hex."""
    stream = None
    nodes = {}
    chunks = collections.defaultdict(list)
    for line in lines:
        if line.startswith("Filter: tcp.stream eq "):
            stream = int(line.split()[-1])
            nodes = {}
            chunks = collections.defaultdict(list)
            data[stream] = chunks
        elif line.startswith("Node 0: ") or line.startswith("Node 1: "):
            host, _, port = line[8:].rpartition(":")
            nodes[int(line[5])] = (host.strip("[]"), int(port))
        elif line.startswith("="):
            stream = None
        elif stream is not None and line:
            m = HEX_LINE.fullmatch(line.rstrip())
            if m:
                node = 1 if line.startswith("\t") else 0
                if node in nodes:
                    chunks[nodes[node]].append(m.group(1))


def tshark_view(path, follow_guess):
    """What tshark rebuilds: {(proto, frame): [datagram hex]}, {stream: set(frames)} and
    {stream: {(addr, port): bytes-hex}}; streams in `follow_guess` are followed in the
    same run, any other in a second one."""
    def run_tshark(follow, fields):
        cmd = ["tshark", "-r", path, *TSHARK_OPTS]
        if fields:
            cmd += ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                    "-e", "frame.number", "-e", "ip.reassembled.data",
                    "-e", "ipv6.reassembled.data", "-e", "tcp.stream"]
        else:
            cmd += ["-q"]
        for s in sorted(follow):
            cmd += ["-z", "follow,tcp,raw,%d" % s]
        return run(cmd).stdout.splitlines()

    lines = run_tshark(follow_guess, True)
    datagrams = {}
    frames = collections.defaultdict(set)
    follow_at = len(lines)
    for n, line in enumerate(lines):
        if line.startswith("="):  # the follow sections come after every frame's fields
            follow_at = n
            break
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        frame = int(parts[0])
        for col, proto in ((1, "ipv4"), (2, "ipv6")):
            for data in filter(None, parts[col].split("|")):
                datagrams.setdefault((proto, frame), []).append(data.replace(":", "").lower())
        for s in filter(None, parts[3].split("|")):
            frames[int(s)].add(frame)
    follow = {}
    parse_follow(lines[follow_at:], follow)
    rest = set(frames) - set(follow_guess)
    if rest:
        parse_follow(run_tshark(rest, False), follow)
    # Only the streams tshark has (a guess past them follows nothing).
    return datagrams, frames, {s: follow[s] for s in frames if s in follow}


def normalise_addr(a):
    import ipaddress
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def check(pcapkit, path):
    problems = []
    stats = collections.Counter()
    first, rc1 = pcapkit_records(pcapkit, path, "first")
    last, rc2 = pcapkit_records(pcapkit, path, "last")
    if not first or first[-1].get("record") != "summary":
        problems.append("pcapkit wrote no summary (exit %d)" % rc1)
        return problems, stats

    # tshark numbers streams from 0 in order of appearance, pcapkit connections from 1.
    # The first run follows as many streams as pcapkit has connections, and a few more:
    # tshark also counts connections that carry no byte (a lone SYN) or reuse a port.
    connections = max((r["connection"] for r in first if r.get("record") == "stream"), default=0)
    ts, frames, follow = tshark_view(path, range(connections + connections // 4 + 4))

    # --- IP datagrams ---
    ours = {}
    conflicts = set()
    for records, policy in ((first, "first"), (last, "last")):
        for r in records:
            if r.get("record") != "datagram" or not r["completed"]:
                continue
            key = (r["protocol"], r["index"][-1])
            ours.setdefault(policy, {}).setdefault(key, []).append(r["payload"])
            if r["conflict"]:
                conflicts.add(key)
    for key, payloads in ours.get("first", {}).items():
        theirs = ts.get(key, [])
        alternatives = ours.get("last", {}).get(key, []) if key in conflicts else []
        for i, p in enumerate(payloads):
            stats["datagrams"] += 1
            if p in theirs or (i < len(alternatives) and alternatives[i] in theirs):
                stats["datagrams_equal"] += 1
                if key in conflicts:
                    stats["datagrams_conflict_equal"] += 1
            elif key in conflicts:
                # Both sides saw the conflict; they resolve it differently (Wireshark's
                # resolution depends on offset order and on fragments past the end).
                stats["datagrams_conflict_policy"] += 1
            else:
                problems.append("%s datagram completed in frame %d differs from tshark's" % key)
    for key, theirs in ts.items():
        if key not in ours.get("first", {}):
            problems.append("tshark completes a %s datagram in frame %d; pcapkit does not" % key)

    # --- TCP streams ---
    stream_of_frame = {}
    for s, fs in frames.items():
        for f in fs:
            stream_of_frame.setdefault(f, s)
    # Frames of datagrams whose fragments conflicted: a stream built from one inherits
    # the overlap policy's choice.
    conflict_frames = set()
    for r in first:
        if r.get("record") == "datagram" and r["conflict"]:
            conflict_frames.update(r["index"])
    alt = collections.defaultdict(lambda: collections.defaultdict(list))
    touched = set()
    for r in last:
        if r.get("record") == "stream" and r["completed"] and r["index"]:
            s = stream_of_frame.get(r["index"][0])
            ep = (normalise_addr(r["id"]["src"]), r["id"]["srcport"])
            alt[s][ep].append((r["part"], r["payload"]))
    mine = collections.defaultdict(lambda: collections.defaultdict(list))
    gapped = set()
    for r in first:
        if r.get("record") != "stream":
            continue
        s = stream_of_frame.get(r["index"][0]) if r["index"] else None
        if s is None:
            problems.append("stream record of connection %d has no tshark stream" % r["connection"])
            continue
        ep = (normalise_addr(r["id"]["src"]), r["id"]["srcport"])
        if conflict_frames.intersection(r["index"]):
            touched.add((s, ep))
        if r["completed"]:
            mine[s][ep].append((r["part"], r["payload"]))
        else:
            gapped.add((s, ep))
            mine[s][ep].append((r["part"], "".join(run["data"] for run in r["runs"])))
    for s, dirs in follow.items():
        for ep, chunks in dirs.items():
            ep = (normalise_addr(ep[0]), ep[1])
            hexdata = "".join(chunks)
            if not hexdata:
                continue
            stats["directions"] += 1
            parts = mine.get(s, {}).get(ep)
            if (s, ep) in gapped:
                # tshark's raw output leaves missing bytes out without a mark; the bytes
                # both sides did receive are compared, for information.
                stats["directions_gap"] += 1
                if "".join(p for _, p in sorted(parts)) == hexdata:
                    stats["directions_gap_equal"] += 1
                continue
            if not parts:
                problems.append("tcp stream %d from %s:%d: tshark has %d bytes, pcapkit none"
                                % (s, ep[0], ep[1], len(hexdata) // 2))
                continue
            got = "".join(p for _, p in sorted(parts))
            got_last = "".join(p for _, p in sorted(alt.get(s, {}).get(ep, [])))
            if got == hexdata or ((s, ep) in touched and got_last == hexdata):
                stats["directions_equal"] += 1
                stats["bytes_equal"] += len(got) // 2
            elif (s, ep) in touched:
                stats["directions_conflict_policy"] += 1
            else:
                n = next((i for i, (a, b) in enumerate(zip(got, hexdata)) if a != b),
                         min(len(got), len(hexdata)))
                problems.append("tcp stream %d from %s:%d differs at byte %d (pcapkit %d bytes, "
                                "tshark %d)" % (s, ep[0], ep[1], n // 2, len(got) // 2,
                                                len(hexdata) // 2))
    return problems, stats


def main():
    run = check_corpus(check)
    if isinstance(run, int):
        return run
    corpus, paths, results = run
    total, failed, _ = report_captures(corpus, paths, results)
    print("captures: %d, with differences: %d" % (len(paths), failed))
    print("IP datagrams: %d compared, %d equal (%d with conflicting overlaps, equal under "
          "--overlap first or last)" % (total["datagrams"], total["datagrams_equal"],
                               total["datagrams_conflict_equal"]))
    print("IP datagrams with conflicting overlaps resolved otherwise than either pcapkit policy "
          "(explained, not a failure): %d" % total["datagrams_conflict_policy"])
    print("TCP directions carried by such datagrams, differing the same way (explained): %d"
          % total["directions_conflict_policy"])
    print("TCP directions: %d followed by tshark, %d equal (%d bytes), %d with gaps not compared "
          "(of which %d have the same received bytes as tshark's output)"
          % (total["directions"], total["directions_equal"], total["bytes_equal"],
             total["directions_gap"], total["directions_gap_equal"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
