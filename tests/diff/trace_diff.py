#!/usr/bin/env python3
"""trace against tshark: for every corpus capture, `pcapkit trace` into a fresh folder,
then
  * every file it wrote is read by Wireshark's own readers (capinfos counts each file's
    frames, which must be as many as the index lists; mergecap joins them; tshark reads
    the whole);
  * the frames of all the files are exactly the input's TCP frames, each once, compared
    by content (tshark's MD5 of each frame's bytes, so frame numbering plays no part): the
    TCP frames are those whose innermost IP layer outside an ICMP quote carries TCP, as
    pcapkit's flows take them (flows_diff.innermost);
  * there are as many files as tshark has TCP streams.
The captures where pcapkit's flows differ from tshark's for a documented reason
(flows_diff.EXCEPTIONS) are reported, not failed. A capture with frames of more than one
link type is traced to pcapng (a pcap file holds one).
Exit status: 0 when every capture agrees, 1 otherwise, 77 (skip) without corpus or
tshark outside CI.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import check_corpus, report_captures  # noqa: E402
from flows_diff import (EXCEPTIONS, fragment, innermost, run_tshark,  # noqa: E402
                        tshark_streams)

def trace(pcapkit, path, folder):
    """The index of `pcapkit trace` (pcap, or pcapng when the capture mixes link types),
    and the format; a corrupt capture stops the run (exit 1) after its files are written."""
    for fmt in ("pcap", "pcapng"):
        shutil.rmtree(folder, ignore_errors=True)
        out = subprocess.run([pcapkit, "trace", path, "-o", folder, "-f", fmt, "-q",
                              "--flow-timeout", "1e12"], capture_output=True, text=True)
        index = os.path.join(folder, "index.ndjson")
        if out.returncode in (0, 1) and os.path.exists(index):
            with open(index) as f:
                return [json.loads(line) for line in f if line.strip()], fmt
        if "link type" not in out.stderr:
            break
    return None, out.stderr.strip()


def expected_frames(rows):
    """The input's TCP frames' MD5s (a multiset) and tshark's TCP stream count: frames whose
    flow is TCP as pcapkit's flows take it, with the non-first fragments of a datagram whose
    first fragment is TCP (pcapkit counts them to its flow, tshark files them nowhere)."""
    tcp, first_frags = collections.Counter(), set()
    for row in rows:
        frag = fragment(row)
        if (innermost(row) or ("",))[0] == "tcp":
            tcp[row["frame.md5_hash"]] += 1
            if frag and frag[1] == 0:
                first_frags.add(frag[0])
        elif frag and frag[1] > 0 and frag[0] in first_frags:
            tcp[row["frame.md5_hash"]] += 1
    streams = sum(1 for proto, _ in tshark_streams(rows, collections.Counter()) if proto == "tcp")
    return tcp, streams


def read_files(index, tmp, problems):
    """The MD5s of every traced frame, as tshark reads them. capinfos reads every file
    (and counts its frames); mergecap joins them so that one tshark run hashes them all."""
    paths = [line["fpout"] for line in index]
    out = subprocess.run(["capinfos", "-c", "-M", "-T", "-r"] + paths, capture_output=True,
                         text=True)
    counts = dict(line.rsplit("\t", 1) for line in out.stdout.splitlines() if "\t" in line)
    for line in index:
        n = counts.get(line["fpout"])
        if n is None or int(n) != len(line["index"]):
            problems.append(f"{line['label']}: capinfos reads {n} frames, index lists "
                            f"{len(line['index'])}")
    merged = os.path.join(tmp, "all.pcapng")
    subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + paths, check=True)
    out = subprocess.run(["tshark", "-n", "-r", merged, "-o", "frame.generate_md5_hash:TRUE",
                          "-T", "fields", "-e", "frame.md5_hash"], capture_output=True, text=True)
    if out.returncode != 0:
        problems.append("tshark cannot read the trace files: " + out.stderr.strip()[:200])
    return collections.Counter(line for line in out.stdout.splitlines() if line)


def pcapkit_tcp_flows(pcapkit, path):
    out = subprocess.run([pcapkit, "flows", path, "-f", "ndjson", "-o", "-", "-q",
                          "--flow-timeout", "1e12"], capture_output=True, text=True)
    return sum('"proto":"tcp"' in line for line in out.stdout.splitlines())


def check(pcapkit, path):
    stats, problems = collections.Counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        index, fmt = trace(pcapkit, path, os.path.join(tmp, "trace"))
        if index is None:
            return [f"pcapkit trace failed: {fmt}"], stats
        if not index:
            # No TCP flow: as many as `pcapkit flows` finds (which flows_diff compares with
            # tshark's streams); tshark is not run for nothing.
            if pcapkit_tcp_flows(pcapkit, path) != 0:
                problems.append("no trace file, but pcapkit flows finds TCP flows")
            return problems, stats
        stats["traced to " + fmt] += 1
        stats["files"] += len(index)
        rows, _ = run_tshark(path, extra=["frame.md5_hash"])
        if rows is None:
            stats["unreadable by tshark"] += 1
            return problems, stats
        expected, streams = expected_frames(rows)
        got = read_files(index, tmp, problems)
        stats["frames"] += sum(got.values())
    if got != expected:
        extra, lost = got - expected, expected - got
        problems.append(f"frames: {sum(lost.values())} TCP frames in no file, "
                        f"{sum(extra.values())} in a file but not TCP (or twice)")
    if len(index) != streams:
        problems.append(f"{len(index)} files, tshark {streams} TCP streams")
    return problems, stats


def main():
    run = check_corpus(check)
    if isinstance(run, int):
        return run
    corpus, paths, results = run
    total, failed, excepted = report_captures(corpus, paths, results, EXCEPTIONS)
    print("captures: %d, with unexplained differences: %d, documented exceptions: %d"
          % (len(paths), failed, excepted))
    print("trace files read by tshark: %d, holding %d frames; %d captures traced to pcapng; "
          "%d captures tshark cannot read"
          % (total["files"], total["frames"], total["traced to pcapng"],
             total["unreadable by tshark"]))
    if total["files"] < 500:
        print("FAIL: fewer than 500 trace files compared: the comparison did not run")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
