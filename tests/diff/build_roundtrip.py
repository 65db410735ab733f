#!/usr/bin/env python3
"""Round trip over the whole corpus: records back to the very frames they came from.

For every capture: `pcapkit extract CAP --payload -f ndjson`, then `pcapkit build` of
those records, as pcap and as pcapng; each built frame must be byte for byte the
original's (the originals are read from `pcapkit extract CAP -f pcapng`, which copies
frames unchanged — formats_independent_readers checks that with tshark; both files are
read here by a reader of its own). `build --keep-going` leaves out the records it cannot
build and says why; every such reason must be one of LIMITS, which docs/cli.md "build"
lists. Any other reason, a frame that comes back different, or a LIMITS entry no frame
meets any more (stale) fails the test. Prints, per reason, how many frames it kept out.
Without the corpus: exit 77 (ctest SKIP), or a failure under CI=true (common.py).
"""
import collections
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import check_corpus  # noqa: E402

# What `build` cannot do, by the pattern of its message: documented in docs/cli.md.
LIMITS = {
    r"a pcap file holds one": "frames of several link types: pcapng holds them, pcap does not",
}


def pcapng_frames(data):
    """The frame bytes of a pcapng file's packet blocks (enhanced, simple, obsolete)."""
    frames, at, endian = [], 0, "<"
    while at + 12 <= len(data):
        (btype,) = struct.unpack_from(endian + "I", data, at)
        if btype == 0x0A0D0D0A:
            endian = "<" if data[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        (blen,) = struct.unpack_from(endian + "I", data, at + 4)
        body = data[at + 8:at + blen - 4]
        if btype == 6:
            cap = struct.unpack_from(endian + "I", body, 12)[0]
            frames.append(bytes(body[20:20 + cap]))
        elif btype == 3:
            orig = struct.unpack_from(endian + "I", body, 0)[0]
            frames.append(bytes(body[4:4 + min(orig, len(body) - 4)]))
        elif btype == 2:
            cap = struct.unpack_from(endian + "I", body, 12)[0]
            frames.append(bytes(body[20:20 + cap]))
        at += blen
    return frames


def pcap_frames(data):
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    frames, at = [], 24
    while at + 16 <= len(data):
        cap = struct.unpack_from(endian + "I", data, at + 8)[0]
        frames.append(bytes(data[at + 16:at + 16 + cap]))
        at += 16 + cap
    return frames


def run(args, **kw):
    return subprocess.run(args, capture_output=True, **kw)


def left_out(stderr):
    """Frame number -> why `build --keep-going` left its record out."""
    out = {}
    for m in re.finditer(r"record of frame (\d+) \(byte \d+\): (.*)", stderr):
        out[int(m.group(1))] = m.group(2).strip()
    return out


def limit_of(reason):
    for pattern in LIMITS:
        if re.search(pattern, reason):
            return pattern
    return None


def compare(original, built, skipped, label):
    """Problems of one built file against the original frames."""
    problems, it = [], iter(built)
    for number, frame in enumerate(original, 1):
        if number in skipped:
            continue
        got = next(it, None)
        if got is None:
            problems.append(f"{label}: frame {number} missing from the built file")
            break
        if got != frame:
            at = next((i for i, (a, b) in enumerate(zip(got, frame)) if a != b),
                      min(len(got), len(frame)))
            problems.append(f"{label}: frame {number} differs at byte {at} "
                            f"({len(got)} bytes built, {len(frame)} original)")
    return problems


def check(pcapkit, path):
    problems, stats = [], collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        records, orig = os.path.join(tmp, "r.ndjson"), os.path.join(tmp, "o.pcapng")
        run([pcapkit, "extract", path, "--payload", "-f", "ndjson", "-o", records])
        run([pcapkit, "extract", path, "-f", "pcapng", "-o", orig])
        original = pcapng_frames(open(orig, "rb").read()) if os.path.exists(orig) else []
        stats["frames"] += len(original)
        for fmt, reader in (("pcap", pcap_frames), ("pcapng", pcapng_frames)):
            out = os.path.join(tmp, "b." + fmt)
            p = run([pcapkit, "build", records, "-f", fmt, "-o", out, "--keep-going"], text=True)
            skipped = left_out(p.stderr)
            if p.returncode not in (0, 1) or (p.returncode == 1 and not skipped):
                problems.append(f"{fmt}: build exited {p.returncode}: {p.stderr.strip()[-300:]}")
                continue
            built = reader(open(out, "rb").read()) if os.path.exists(out) else []
            problems += compare(original, built, skipped, fmt)
            for number, reason in skipped.items():
                limit = limit_of(reason)
                if limit is None:
                    problems.append(f"{fmt}: frame {number} not built: {reason}")
                else:
                    stats[(fmt, limit, re.search(limit, reason).group(0))] += 1
            if fmt == "pcapng":
                stats["identical"] += len(original) - len(skipped) - len(
                    [p for p in problems if p.startswith("pcapng: frame")])
    return problems, stats


def main():
    checked = check_corpus(check, tshark=False)
    if isinstance(checked, int):
        return checked
    corpus, paths, results = checked
    total, failed = collections.Counter(), 0
    for path, (problems, stats) in zip(paths, results):
        total.update(stats)
        if problems:
            failed += 1
            print("FAIL %s" % os.path.relpath(path, corpus))
            for p in problems[:8]:
                print("  " + p)
    frames = total.pop("frames", 0)
    identical = total.pop("identical", 0)
    print(f"{len(paths)} captures, {frames} frames: {identical} rebuilt byte for byte as pcapng")
    met = set()
    for (fmt, limit, text), n in sorted(total.items(), key=lambda kv: -kv[1]):
        met.add(limit)
        print(f"  {fmt}: {n} frames left out: {text} ({LIMITS[limit]})")
    for limit in LIMITS:
        if limit not in met:
            failed += 1
            print(f"FAIL: LIMITS lists {limit!r}, which no frame meets any more: remove it")
    print(f"{failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
