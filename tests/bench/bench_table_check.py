#!/usr/bin/env python3
"""`pcapkit bench` as a script uses it (issue 16's engine table, docs/cli.md "pcapkit bench"):

- `bench CAPTURE --runs 1 --json --check` prints one JSON list on stdout and nothing else:
  a well-typed row for every engine (sequential, server, pipeline, dpkt, scapy, tshark),
  every case of pcapkit's own strategies in process and as a process, server included;
  a foreign engine that cannot run is a `skipped` row with its reason — a failure under
  CI=true, where scripts/setup.sh installed every tool;
- --check: server and pipeline agree with sequential on every leaf of every record;
- the text table carries the machine and the version in its header;
- a missing input exits 1 with nothing on stdout; an unknown engine is a usage error (2);
- an engine that disagrees is reported, and the exit status says so (4): tshark on the
  corpus's ICMP error quoting a DNS query, which tshark dissects and pcapkit leaves raw
  (engines_diff.py's EXPLAINED), when the corpus and tshark are there.

Small captures (the bundled 16-frame sample) keep it well under a minute."""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/diff")
from common import corpus_dir, in_ci  # noqa: E402

OWN = ["sequential", "server", "pipeline"]
FOREIGN = ["dpkt", "scapy", "tshark"]
CASES = ["nofile", "ndjson", "csv", "reassemble", "flows", "flow-id", "analyse"]
NUMBERS = ["seconds_per_packet", "packets_per_second", "mb_per_second", "seconds", "speedup"]
DISAGREEMENT = 4  # bench --check's exit status when an engine disagrees


def run(pcapkit, *args):
    return subprocess.run([pcapkit, *args], capture_output=True, text=True, timeout=300)


def row_problems(r):
    """What is wrong with one row's members and types."""
    where = f"{r.get('engine')}/{r.get('case')}/{r.get('mode')}/{r.get('threads')}"
    p = []
    for key, kind in (("engine", str), ("case", str), ("mode", str), ("command", str),
                      ("status", str), ("threads", int), ("packets", int), ("bytes", int)):
        if not isinstance(r.get(key), kind):
            p.append(f"{where}: {key} is {r.get(key)!r}, not {kind.__name__}")
    if r.get("status") == "ok":
        for key in NUMBERS:
            if not isinstance(r.get(key), (int, float)) or r[key] <= 0:
                p.append(f"{where}: {key} is {r.get(key)!r}")
        for key in ("repeats", "runs"):
            if not isinstance(r.get(key), int) or r[key] < 1:
                p.append(f"{where}: {key} is {r.get(key)!r}")
        rss = r.get("peak_rss_bytes")
        if rss is not None and (not isinstance(rss, int) or rss <= 0):
            p.append(f"{where}: peak_rss_bytes is {rss!r}")
        before = r.get("rss_before_bytes")
        if r["mode"] == "in-process" and rss is not None and (
                not isinstance(before, int) or not 0 < before <= rss):
            p.append(f"{where}: rss_before_bytes {before!r} with peak {rss!r}")
        if abs(r["seconds_per_packet"] * r["packets_per_second"] - 1) > 1e-6:
            p.append(f"{where}: seconds_per_packet and packets_per_second disagree")
    elif r.get("status") == "skipped":
        if r.get("engine") in OWN or not r.get("reason"):
            p.append(f"{where}: skipped without a reason, or an own strategy skipped: {r}")
        elif in_ci():
            p.append(f"{where}: skipped under CI=true: {r['reason']}")
    else:
        p.append(f"{where}: status {r.get('status')!r}: {r.get('reason')}")
    return p


def coverage_problems(rows):
    """Every engine present; every own strategy on every case, both modes."""
    p = []
    seen = {(r["engine"], r["case"], r["mode"]) for r in rows if isinstance(r, dict)}
    for e in OWN:
        for c in CASES:
            for mode in ("in-process", "process"):
                if (e, c, mode) not in seen:
                    p.append(f"no row {e} {c} {mode}")
    for e in FOREIGN:
        if (e, "ndjson", "process") not in seen:
            p.append(f"no row (nor skipped entry) for {e}")
    return p


def check_problems(rows, returncode):
    """--check: the own strategies agree with sequential on everything."""
    p = []
    for e in ("server", "pipeline"):
        for r in rows:
            if r["engine"] != e or r["case"] != "ndjson":
                continue
            c = r.get("check")
            if not c or not c["agrees"] or c["different"] or c["absent"] or c["missing"]:
                p.append(f"--check: {e} does not agree with sequential: {json.dumps(c)[:300]}")
            elif c["equal"] == 0 or c["records"] != c["reference_records"]:
                p.append(f"--check: {e} compared nothing: {c}")
    disagreeing = [r["engine"] for r in rows
                   if r["case"] == "ndjson" and r.get("check") and not r["check"]["agrees"]]
    expected = DISAGREEMENT if disagreeing else 0
    if returncode != expected:
        p.append(f"bench --check exited {returncode}, {expected} expected "
                 f"(disagreeing: {sorted(set(disagreeing))})")
    elif disagreeing:
        print(f"note: foreign engines disagree on the sample: {sorted(set(disagreeing))}")
    return p


def json_table(pcapkit, capture):
    r = run(pcapkit, "bench", capture, "--runs", "1", "--json", "--check")
    try:
        rows = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        return [f"bench --json: stdout is not one JSON document ({e}): {r.stdout[:300]!r}"
                f" stderr {r.stderr[-500:]!r}"]
    if not isinstance(rows, list) or not rows:
        return [f"bench --json: not a non-empty list: {r.stdout[:200]!r}"]
    p = [q for row in rows for q in row_problems(row)]
    p += coverage_problems(rows)
    p += check_problems(rows, r.returncode)
    return p


def text_table(pcapkit, capture):
    r = run(pcapkit, "bench", capture, "--runs", "1", "-E", "sequential,server",
            "--threads", "2")
    if r.returncode != 0:
        return [f"bench (text) exited {r.returncode}: {r.stderr[-500:]}"]
    lines = r.stdout.splitlines()
    p = []
    if not lines or not lines[0].startswith("pcapkit ") or " bench: " not in lines[0]:
        p.append(f"text header lacks the version: {lines[:1]}")
    if not any(line.startswith("machine: ") and " cores, " in line for line in lines[:3]):
        p.append(f"text header lacks the machine: {lines[:3]}")
    rows = [line for line in lines if line.startswith(("sequential ", "server "))]
    if len(rows) != 2 * 2 * len(CASES):
        p.append(f"{len(rows)} rows in the text table, {2 * 2 * len(CASES)} expected")
    return p


def refusals(pcapkit, capture):
    p = []
    r = run(pcapkit, "bench", "/nonexistent/capture.pcap", "--json")
    if r.returncode != 1 or r.stdout:
        p.append(f"missing input: exit {r.returncode} (1 expected), stdout {r.stdout[:200]!r}")
    r = run(pcapkit, "bench", capture, "-E", "nosuch")
    if r.returncode != 2 or r.stdout:
        p.append(f"unknown engine: exit {r.returncode} (2 expected), stdout {r.stdout[:200]!r}")
    return p


def disagreement(pcapkit, corpus):
    capture = os.path.join(corpus, "udp_icmp", "icmp-destunreach-udp.pcap")
    if not os.path.exists(capture) or shutil.which("tshark") is None:
        print("note: no corpus or no tshark: the disagreement case is not run")
        return []
    r = run(pcapkit, "bench", capture, "--runs", "1", "-E", "sequential,tshark", "--check")
    lines = [line for line in r.stdout.splitlines() if line.startswith("check tshark")]
    if r.returncode != DISAGREEMENT or not lines or "DISAGREES" not in lines[0]:
        return [f"tshark on {capture}: exit {r.returncode} ({DISAGREEMENT} expected), "
                f"check line {lines[:1]}, stderr {r.stderr[-300:]!r}"]
    if 'first: record 1: sequential "Ethernet:IPv4:ICMP:IPv4:UDP:Raw"' not in r.stdout:
        return [f"the first difference of `protocols` is not shown: {r.stdout[-800:]}"]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--capture", required=True, help="a small capture (the bundled sample)")
    ap.add_argument("--corpus", default="", help="../shared/corpus, for the disagreement case")
    args = ap.parse_args()
    problems = refusals(args.pcapkit, args.capture)
    problems += disagreement(args.pcapkit, corpus_dir(args.corpus))
    problems += text_table(args.pcapkit, args.capture)
    problems += json_table(args.pcapkit, args.capture)
    for p in problems:
        print("FAIL:", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
