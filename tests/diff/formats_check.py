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

tshark's start (~1 s of processor time, loading every dissector) costs far more than
reading a capture, so the files it reads (inputs and pcapkit's pcap and pcapng outputs)
are read in batches, each file's own bytes unchanged: pcapng files one after another (a
pcapng file may hold several sections), pcap files of the same 24-byte file header as
the first one's records after another (the header tshark reads is byte for byte each
file's own). A sentinel frame of known bytes follows each file, so that each frame is
attributed to its file; a batch whose sentinels do not all come back, in order, or that
tshark does not read to the end, is read again one file per tshark run.

Without the corpus or tshark: exit 77 (ctest SKIP), or a failure under CI=true
(common.py).
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import plistlib
import re
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import corpus_dir, largest_first, missing, unavailable  # noqa: E402
from tshark_diff import EXPLAINED_FILES  # noqa: E402  (documented timestamp differences)

TSHARK_FIELDS = ["frame.encap_type", "frame.md5_hash", "frame.time_epoch", "frame.cap_len", "frame.len"]


def tshark_frames(path):
    """(MD5 of the bytes, time, cap_len, len) of each frame tshark reads in the file."""
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


PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
PCAP_ORDER = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",  # microseconds
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}  # nanoseconds


def sentinel(k):
    """The bytes of the frame that follows the k-th file of a batch, and their MD5."""
    data = b"pcapkit formats_check: end of file %08d of this batch" % k
    return data, hashlib.md5(data).hexdigest()


def pcap_sentinel(order, k):
    data, _ = sentinel(k)
    return struct.pack(order + "IIII", 0, 0, len(data), len(data)) + data


def pcapng_sentinel(k):
    """A section of its own: header, an Ethernet interface, one Enhanced Packet Block."""
    data, _ = sentinel(k)
    padded = data + bytes(-len(data) % 4)
    shb = struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28)
    idb = struct.pack("<IIHHII", 1, 20, 1, 0, 0, 20)
    epb_len = 32 + len(padded)
    epb = struct.pack("<IIIIIII", 6, epb_len, 0, 0, 0, len(data), len(data)) + padded
    return shb + idb + epb + struct.pack("<I", epb_len)


def batch_key(path):
    """Files that can be read in one tshark run share a key; None: read alone."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:4] == PCAPNG_MAGIC:
        return "pcapng"
    if head[:4] in PCAP_ORDER and len(head) == 24:
        return head
    return None  # compressed, snoop, a modified pcap...: tshark reads it alone


def read_batch(key, paths, tmp, n):
    """{path: tshark_frames(path)[0]} for files of one batch key, in one tshark run;
    None when the batch does not come back whole."""
    stream = os.path.join(tmp, "batch-%d" % n)
    with open(stream, "wb") as out:
        for k, path in enumerate(paths):
            with open(path, "rb") as f:
                data = f.read()
            if key == "pcapng":
                out.write(data)
                out.write(pcapng_sentinel(k))
            else:
                out.write(data if k == 0 else data[24:])
                out.write(pcap_sentinel(PCAP_ORDER[key[:4]], k))
    rows, rc = tshark_frames(stream)
    os.remove(stream)
    if rc != 0:
        return None
    out, k, current = {}, 0, []
    for row in rows:
        if k < len(paths) and row[0] == sentinel(k)[1]:
            out[paths[k]] = current
            k, current = k + 1, []
        else:
            current.append(row)
    if k != len(paths) or current:
        return None
    return out


def tshark_read_all(paths, jobs, batch=40):
    """{path: (md5, time, cap_len, len) of each frame tshark reads in it}, as
    tshark_frames gives for each file, with far fewer tshark runs (module docstring)."""
    groups = collections.defaultdict(list)
    alone = []
    for path in paths:
        key = batch_key(path)
        (groups[key] if key is not None else alone).append(path)
    batches = [(key, members[i:i + batch]) for key, members in groups.items()
               for i in range(0, len(members), batch)]
    batches.sort(key=lambda b: -sum(os.path.getsize(p) for p in b[1]))  # largest first
    result = {}
    retry = list(alone)
    with tempfile.TemporaryDirectory() as tmp, concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        done = pool.map(lambda nb: read_batch(nb[1][0], nb[1][1], tmp, nb[0]), enumerate(batches))
        for (key, members), got in zip(batches, done):
            if got is None:
                print(f"note: a batch of {len(members)} files did not come back whole; "
                      "reading them one by one")
                retry.extend(members)
            else:
                result.update(got)
        for path, (rows, _) in zip(retry, pool.map(tshark_frames, retry)):
            result[path] = rows
    return result


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


class Capture:
    """One corpus capture: what pcapkit wrote of it, and the problems found so far."""

    def __init__(self, rel, expected_frames, damaged):
        self.rel, self.expected_frames, self.damaged = rel, expected_frames, damaged
        self.problems, self.frames, self.linktypes = [], 0, set()
        self.binary_outputs = {}  # "pcapng"/"pcap" -> (exit status, stderr, path)


def check_text_formats(binary, corpus, cap, tmp):
    """Writes every format into `tmp`; checks json, ndjson, plist and tree there."""
    src = os.path.join(corpus, cap.rel)
    problems = cap.problems
    out = {}
    for fmt in ("json", "ndjson", "plist", "tree", "pcapng", "pcap"):
        path = os.path.join(tmp, "out." + fmt)
        r = run(binary, [src, "-f", fmt, "-o", path])
        out[fmt] = (r, path)
    for fmt in ("pcapng", "pcap"):
        r, path = out[fmt]
        cap.binary_outputs[fmt] = (r.returncode, r.stderr.decode(errors="replace"), path)
    r, path = out["json"]
    if r.returncode not in (0, 1):
        problems.append(f"json: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
        cap.binary_outputs.clear()
        return cap
    with open(path, "rb") as f:
        report = json.loads(f.read().decode("utf-8"))
    frames = sum(1 for k in report if k.startswith("Frame "))
    cap.frames = frames
    cap.linktypes = {rec["linktype"] for k, rec in report.items() if k.startswith("Frame ")}
    if cap.expected_frames is not None and frames != cap.expected_frames:
        problems.append(f"json: {frames} frames, manifest says {cap.expected_frames}")
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
    for fmt in ("json", "ndjson", "plist", "tree"):
        os.remove(out[fmt][1])  # the pcap and pcapng files wait for tshark
    return cap


def tshark_inputs(corpus, cap):
    """The files tshark must read for this capture: the input and pcapkit's pcapng and
    pcap files (a pcap of several link types is refused, not read)."""
    if cap.damaged or not cap.binary_outputs:
        # tshark stops on (or guesses through) these files itself: its view of them
        # is no reference. The corpus test checks what pcapkit writes of them.
        return []
    paths = [os.path.join(corpus, cap.rel)]
    for fmt, (rc, _, path) in cap.binary_outputs.items():
        if rc in (0, 1) and not (fmt == "pcap" and len(cap.linktypes) > 1):
            paths.append(path)
    return paths


def check_binary_formats(corpus, cap, seen):
    """Compares what tshark read (`seen`: path -> frames) in pcapkit's pcapng and pcap
    files with what it read in the input."""
    problems, frames, rel = cap.problems, cap.frames, cap.rel
    if not tshark_inputs(corpus, cap):
        return
    theirs = seen[os.path.join(corpus, rel)]
    if len(theirs) != frames:
        problems.append(f"tshark sees {len(theirs)} frames in the input, pcapkit {frames}")
    for fmt in ("pcapng", "pcap"):
        rc, err, path = cap.binary_outputs[fmt]
        if fmt == "pcap" and len(cap.linktypes) > 1:
            if rc != 2:
                problems.append(f"pcap of {len(cap.linktypes)} link types: exit {rc}, want 2")
            continue
        if rc not in (0, 1):
            problems.append(f"{fmt}: exit {rc}: {err}")
            continue
        ours = seen[path]
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
    todo = []
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            expected = int(cols[3]) if cols[3].isdigit() else None
            todo.append(Capture(cols[0], expected, cols[3].startswith("unreadable")))
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        # Every format of every capture, the text formats checked as they come...
        dirs = [os.path.join(tmp, str(i)) for i in range(len(todo))]
        for d in dirs:
            os.mkdir(d)
        largest_first(pool, lambda cd: check_text_formats(args.pcapkit, corpus, *cd),
                      list(zip(todo, dirs)), lambda cd: os.path.getsize(os.path.join(corpus, cd[0].rel)))
        # ...then tshark reads the inputs and the pcap and pcapng files, in batches.
        seen = tshark_read_all([p for cap in todo for p in tshark_inputs(corpus, cap)], args.jobs)
        for cap in todo:
            check_binary_formats(corpus, cap, seen)
    failures, total_frames = 0, 0
    for cap in todo:
        total_frames += cap.frames
        for p in cap.problems:
            print(f"FAIL {cap.rel}: {p}")
        failures += bool(cap.problems)
    print(f"{len(todo)} captures, {total_frames} frames, 6 formats each: {failures} captures with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
