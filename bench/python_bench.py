#!/usr/bin/python3
"""The Python module's speed (issue 18's targets), beside dpkt's loop, in one sitting.

  PYTHONPATH=build/python python3 bench/python_bench.py CAPTURE [--runs N] [--dpkt LOOP]

Rows (the median of --runs after a warm-up run, in this process, import excluded):
  records    `for r in pcapkit.records(CAPTURE)`: one dict per frame (target 500 k/s)
  to_pandas  `pcapkit.to_pandas(CAPTURE, six fields)`: a DataFrame (target 2 M rows/s)
  frames     `pcapkit.extract(fin=CAPTURE, nofile=True, store=False, auto=False)`, iterated:
             jspcap's interface (Frame objects)
  dpkt       the peer's loop (--dpkt: ../shared/bench/dpkt_loop.py, run as a process;
             its own loop time), when given
Prints packets/s per row and the ratio to dpkt's.
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import pcapkit

FIELDS = ["number", "time_epoch", "ipv4.src", "ipv4.dst", "tcp.srcport", "tcp.dstport"]


def count_records(path):
    n = 0
    for _ in pcapkit.records(path):
        n += 1
    return n


def count_pandas(path):
    return len(pcapkit.to_pandas(path, FIELDS))


def count_frames(path):
    n = 0
    for _ in pcapkit.extract(fin=path, nofile=True, store=False, auto=False):
        n += 1
    return n


def timed(fn, path, runs):
    fn(path)  # warm-up: page cache, imports, key cache
    times, n = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        n = fn(path)
        times.append(time.perf_counter() - t0)
    return n, statistics.median(times)


def dpkt_rate(loop, path):
    out = subprocess.run(["/usr/bin/python3", loop, path], capture_output=True, text=True,
                         check=True).stdout
    match = re.search(r"pps=([\d.]+)", out)
    if not match:
        sys.exit(f"cannot read dpkt's rate from: {out!r}")
    return float(match.group(1))


def machine():
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as cpu:
        for line in cpu:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("capture")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dpkt", help="dpkt's loop script (../shared/bench/dpkt_loop.py)")
    args = parser.parse_args()
    print(f"python_bench: {args.capture}; {machine()}; median of {args.runs} runs")
    peer = dpkt_rate(args.dpkt, args.capture) if args.dpkt else None
    for name, fn in (("records", count_records), ("to_pandas", count_pandas),
                     ("frames", count_frames)):
        n, seconds = timed(fn, args.capture, args.runs)
        rate = n / seconds
        ratio = f"  {rate / peer:5.1f}x dpkt" if peer else ""
        print(f"{name:10} {n:>9} rows {seconds:8.3f} s {rate / 1000:9.1f} k/s{ratio}")
    if peer:
        print(f"{'dpkt':10} {'':>9}      {'':8}   {peer / 1000:9.1f} k/s")


if __name__ == "__main__":
    main()
