#!/usr/bin/env python3
"""An edit as users make one: every IPv4 address rewritten with jq, then `pcapkit build
--fix-checksums`; tshark, validating checksums, must find every IPv4, TCP, UDP and ICMP
checksum of the rebuilt frames good, and see the new addresses.

The records come from examples/build_packets' capture (one packet of every kind the
builder makes, ipsuite_checksums' fixture), less the frames whose records `build` cannot
rebuild yet (left out with --keep-going, and counted). A second run without
--fix-checksums must leave tshark finding bad checksums: the edit is what the fix mends.
Without tshark or jq: exit 77 (ctest SKIP); under CI=true a failure (common.py).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import unavailable  # noqa: E402

# Every IPv4 layer's addresses, wherever it sits (tunnels, ICMP quotes).
JQ_EDIT = ('walk(if type == "object" and has("version") and .version == 4 and has("src") '
           'then .src = "192.0.2.10" | .dst = "198.51.100.20" else . end)')
STATUS = ["ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
          "icmp.checksum.status"]
# IP defragmentation off: a fragment's transport checksum covers the other fragments'
# bytes, which no frame alone can mend (--fix-checksums keeps it; docs/cli.md "build").
CHECKS = ["ip.check_checksum:TRUE", "tcp.check_checksum:TRUE", "udp.check_checksum:TRUE",
          "ip.defragment:FALSE"]


def tshark_statuses(capture):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields", "-e", "frame.number", "-e", "ip.src"]
    for c in CHECKS:
        cmd += ["-o", c]
    for f in STATUS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def build(pcapkit, records, out, fix):
    args = [pcapkit, "build", records, "-o", out, "--keep-going"] + (["--fix-checksums"] if fix else [])
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"build failed ({p.returncode}): {p.stderr}")
    return p.stderr.count("record of frame")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--capture", required=True, help="build_packets' capture")
    args = ap.parse_args()
    for tool in ("tshark", "jq"):
        if shutil.which(tool) is None:
            return unavailable(f"{tool} is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        records, edited = os.path.join(tmp, "r.ndjson"), os.path.join(tmp, "e.ndjson")
        subprocess.run([args.pcapkit, "extract", args.capture, "--payload", "-f", "ndjson",
                        "-o", records], check=True)
        with open(records) as i, open(edited, "w") as o:
            subprocess.run(["jq", "-c", JQ_EDIT], stdin=i, stdout=o, check=True)
        fixed, stale = os.path.join(tmp, "fixed.pcap"), os.path.join(tmp, "stale.pcap")
        left_out = build(args.pcapkit, edited, fixed, True)
        build(args.pcapkit, edited, stale, False)
        problems, checked = [], 0
        for row in tshark_statuses(fixed):
            number, sources, statuses = row[0], row[1], row[2:]
            if sources and any(s not in ("192.0.2.10", "198.51.100.20") for s in sources.split(",")):
                problems.append(f"frame {number}: ip.src {sources}: the edit is not there")
            for field, value in zip(STATUS, statuses):
                for v in filter(None, value.split(",")):
                    checked += v == "1"
                    if v == "0":  # 1 good, 2 unverified (a fragment's transport checksum)
                        problems.append(f"frame {number}: {field} is bad after --fix-checksums")
        bad_without_fix = sum(v.count("0") for row in tshark_statuses(stale) for v in row[2:])
    for p in problems:
        print(p)
    print(f"{checked} checksums good after the edit, {len(problems)} problems; "
          f"{left_out} records left out (no reader yet); "
          f"{bad_without_fix} checksums bad without --fix-checksums")
    if checked == 0 or bad_without_fix == 0:
        print("FAIL: the test checked nothing, or the edit did not break the checksums")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
