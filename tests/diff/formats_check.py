#!/usr/bin/env python3
"""Every output format on every corpus capture, read back by an independent reader.

- json and ndjson: Python's json parser; one record per frame.
- plist: an XML parser (root <plist version="1.0"><dict> of alternating keys and values,
  as the DTD has it), then Python's plistlib; the same tree as the JSON report.
- tree: valid UTF-8, one `Frame N` record per frame.
- pcapng (every capture) and pcap (single-link-type captures): tshark reads the file and
  sees the same frames as in the input — MD5 of the frame bytes, time, lengths — and as
  many as tshark sees in the input. A capture of several link types is refused for pcap
  with a usage error.

Without the corpus or tshark: exit 77 (ctest SKIP), or a failure under CI=true
(common.py).
"""
import argparse
import concurrent.futures
import json
import os
import plistlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import corpus_dir, missing, unavailable  # noqa: E402
from tshark_diff import EXPLAINED_FILES  # noqa: E402  (documented timestamp differences)

TSHARK_FIELDS = ["frame.encap_type", "frame.md5_hash", "frame.time_epoch", "frame.cap_len", "frame.len"]


def tshark_frames(path):
    cmd = ["tshark", "-n", "-r", path, "-o", "frame.generate_md5_hash:TRUE", "-T", "fields"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    rows = []
    for line in p.stdout.splitlines():
        cols = line.split("\t")
        if not cols[0]:
            continue  # pcapng Custom Blocks: tshark lists them, they are not frames
        try:
            when = Decimal(cols[2])
        except ArithmeticError:
            when = cols[2]  # tshark's text for a timestamp it cannot print as a number
        rows.append((cols[1], when, cols[3], cols[4]))
    return rows, p.returncode


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """The JSON tree as XML can carry it: characters XML 1.0 forbids become U+FFFD in the
    plist (docs/cli.md), so they are compared that way."""
    if isinstance(value, str):
        return XML_FORBIDDEN.sub("\ufffd", value)
    if isinstance(value, list):
        return [xml_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    return value


def run(binary, args):
    return subprocess.run([binary, "extract", *args, "-q"], capture_output=True)


def check(binary, corpus, rel, expected_frames, damaged):
    src = os.path.join(corpus, rel)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = {}
        for fmt in ("json", "ndjson", "plist", "tree", "pcapng", "pcap"):
            path = os.path.join(tmp, "out." + fmt)
            r = run(binary, [src, "-f", fmt, "-o", path])
            out[fmt] = (r, path)
        r, path = out["json"]
        if r.returncode not in (0, 1):
            return rel, [f"json: exit {r.returncode}: {r.stderr.decode(errors='replace')}"], 0
        with open(path, "rb") as f:
            report = json.loads(f.read().decode("utf-8"))
        frames = sum(1 for k in report if k.startswith("Frame "))
        if expected_frames is not None and frames != expected_frames:
            problems.append(f"json: {frames} frames, manifest says {expected_frames}")
        with open(out["ndjson"][1], "rb") as f:
            lines = [json.loads(l) for l in f.read().decode("utf-8").splitlines()]
        if len(lines) != frames:
            problems.append(f"ndjson: {len(lines)} records, json has {frames}")
        root = ET.parse(out["plist"][1]).getroot()  # a plain XML parser first: the DTD's shape
        if root.tag != "plist" or root.get("version") != "1.0" or [c.tag for c in root] != ["dict"]:
            problems.append("plist: root is not <plist version=\"1.0\"><dict>")
        tags = [c.tag for c in root[0]] if len(root) else []
        if tags[0::2] != ["key"] * (len(tags) // 2) or len(tags) % 2:
            problems.append("plist: the root dict does not alternate <key> and values")
        with open(out["plist"][1], "rb") as f:
            plist = plistlib.load(f)
        if plist != xml_safe(report):
            keys = [k for k in report if xml_safe(report.get(k)) != plist.get(k)]
            problems.append(f"plist: differs from the json report at {keys[:3]}")
        with open(out["tree"][1], "rb") as f:
            tree = f.read().decode("utf-8")
        tree_frames = len(re.findall(r"^Frame \d+$", tree, re.M))
        if tree_frames != frames:
            problems.append(f"tree: {tree_frames} records, json has {frames}")

        if damaged:
            # tshark stops on (or guesses through) these files itself: its view of them
            # is no reference. The corpus test checks what pcapkit writes of them.
            return rel, problems, frames
        theirs, _ = tshark_frames(src)
        if len(theirs) != frames:
            problems.append(f"tshark sees {len(theirs)} frames in the input, pcapkit {frames}")
        linktypes = {rec["linktype"] for k, rec in report.items() if k.startswith("Frame ")}
        for fmt in ("pcapng", "pcap"):
            r, path = out[fmt]
            if fmt == "pcap" and len(linktypes) > 1:
                if r.returncode != 2:
                    problems.append(f"pcap of {len(linktypes)} link types: exit {r.returncode}, want 2")
                continue
            if r.returncode not in (0, 1):
                problems.append(f"{fmt}: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
                continue
            ours, _ = tshark_frames(path)
            if len(ours) != frames:
                problems.append(f"{fmt}: tshark reads {len(ours)} frames, pcapkit wrote {frames}")
            for i, (a, b) in enumerate(zip(ours, theirs)):
                if a[0] != b[0] or a[2:] != b[2:]:
                    problems.append(f"{fmt}: frame {i + 1} bytes or lengths differ")
                    break
                if b[1] == "":
                    continue  # a Simple Packet Block has no timestamp: pcapkit writes 0
                if (rel, "frame.time_epoch") in EXPLAINED_FILES:
                    continue  # an invalid fraction field, carried into the seconds
                if a[1] != b[1] and not (fmt == "pcap" and isinstance(b[1], Decimal) and b[1] >= 2 ** 32):
                    # pcap keeps 32-bit seconds; later times cannot be written
                    problems.append(f"{fmt}: frame {i + 1} time {a[1]} != {b[1]}")
                    break
    return rel, problems, frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    corpus = corpus_dir(args.corpus)
    why = missing(corpus)
    if why:
        return unavailable(why)
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    todo = []
    with open(manifest) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            expected = int(cols[3]) if cols[3].isdigit() else None
            todo.append((cols[0], expected, cols[3].startswith("unreadable")))
    failures, total_frames = 0, 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for rel, problems, frames in pool.map(lambda t: check(args.pcapkit, corpus, *t), todo):
            total_frames += frames
            for p in problems:
                print(f"FAIL {rel}: {p}")
            failures += bool(problems)
    print(f"{len(todo)} captures, {total_frames} frames, 6 formats each: {failures} captures with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
