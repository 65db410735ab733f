#!/usr/bin/env python3
"""The builder's checksums, as tshark validates them.

examples/build_packets writes one packet of every kind the public builder (ipsuite)
makes, checksums computed. tshark, with checksum validation switched on, must find every
IPv4 header, TCP, UDP, ICMP, ICMPv6 and GRE checksum in it good (status 1), see each of
those layers at least once, and raise no malformed-packet or error expert item.
Without tshark: exit 77 (ctest SKIP); under CI=true a failure (common.py).
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import unavailable  # noqa: E402

STATUS_FIELDS = ["ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
                 "icmp.checksum.status", "icmpv6.checksum.status", "gre.checksum.status"]
PREFERENCES = ["ip.check_checksum:TRUE", "tcp.check_checksum:TRUE", "udp.check_checksum:TRUE"]
GOOD = "1"
ERROR_SEVERITY = 8388608  # tshark's PI_ERROR


def tshark_rows(capture):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields",
           "-e", "frame.number"]
    for p in PREFERENCES:
        cmd += ["-o", p]
    for f in STATUS_FIELDS + ["_ws.malformed", "_ws.expert.severity"]:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def check(rows):
    problems, seen = [], set()
    for row in rows:
        number, statuses = row[0], row[1:1 + len(STATUS_FIELDS)]
        malformed, severities = row[-2], row[-1]
        for field, value in zip(STATUS_FIELDS, statuses):
            for v in filter(None, value.split(",")):
                seen.add(field)
                if v != GOOD:
                    problems.append(f"frame {number}: {field} = {v} (1 is good)")
        if malformed:
            problems.append(f"frame {number}: tshark finds it malformed")
        if any(int(s) >= ERROR_SEVERITY for s in filter(None, severities.split(","))):
            problems.append(f"frame {number}: an expert item of error severity")
    for field in STATUS_FIELDS:
        if field not in seen:
            problems.append(f"no packet has a {field.split('.')[0]} checksum to check")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-packets", required=True, help="examples/build_packets")
    ap.add_argument("--out", required=True, help="where to write its capture")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        return unavailable("tshark is not installed (scripts/setup.sh installs it)")
    subprocess.run([args.build_packets, args.out], check=True)
    rows = tshark_rows(args.out)
    problems = check(rows)
    for p in problems:
        print(p)
    print(f"{len(rows)} packets, {len(problems)} problems")
    return 1 if problems or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
