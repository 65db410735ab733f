#!/usr/bin/env python3
"""`pcapkit schema` against the records pcapkit writes.

1. The document `pcapkit schema` prints (and each kind's, `pcapkit schema frame` ...) is a
   valid JSON Schema 2020-12 (Draft202012Validator.check_schema).
2. It is made from the field tables: its layer definitions are exactly the protocols of
   `pcapkit fields --json`, each with exactly its table's top-level members (and the
   record writer's `after`, on every layer but raw).
3. It refuses what it must: records with an undeclared member, a wrong type, an unknown
   layer or a wrong kind are rejected (a schema that accepts everything would pass 4).
4. Every ndjson record of `extract` (without, and with --payload --flow-id), `flows`,
   `analyse` and `reassemble` (--strict; --tcp-messages) over every corpus capture
   validates against its kind's schema, formats (ipv4, ipv6) asserted. --max-records caps
   the records read per capture and run (default: none, every record: about 50,000, two
   minutes on 2 cores; jsonschema is compiled once per worker process).

Exit 0 when all hold, 1 otherwise, 77 (skip) without the corpus or jsonschema outside CI
(under CI=true, a failure: tests/diff/common.py).
"""
import argparse
import copy
import json
import multiprocessing
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from common import corpus_captures, corpus_dir, missing, unavailable  # noqa: E402

KINDS = ("frame", "flow", "analysis", "reassembly")
# The runs whose records are validated: (name, record kind, pcapkit arguments before the
# capture's path).
RUNS = (
    ("extract", "frame", ["extract", "-f", "ndjson", "-o", "-", "-q"]),
    ("extract --payload --flow-id --names", "frame",
     ["extract", "-f", "ndjson", "-o", "-", "-q", "--payload", "--flow-id", "--names"]),
    ("flows", "flow", ["flows", "-f", "ndjson", "-o", "-", "-q"]),
    ("analyse", "analysis", ["analyse", "-f", "ndjson", "-o", "-", "-q"]),
    ("reassemble", "reassembly",
     ["reassemble", "-f", "ndjson", "-o", "-", "-q", "--ipv4", "--ipv6", "--tcp", "--strict"]),
    # One record per run of data sharing an ACK: the streams' ids carry `ack`.
    ("reassemble --tcp-messages", "reassembly",
     ["reassemble", "-f", "ndjson", "-o", "-", "-q", "--tcp", "--tcp-messages"]),
)


def schema_of(pcapkit, kind="all"):
    out = subprocess.run([pcapkit, "schema", kind], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def validator(schema):
    import jsonschema
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def check_documents(pcapkit):
    """Steps 1 and 2: the problems found."""
    import jsonschema
    problems = []
    for kind in ("all",) + KINDS:
        try:
            doc = schema_of(pcapkit, kind)
            jsonschema.Draft202012Validator.check_schema(doc)
        except (subprocess.CalledProcessError, ValueError, jsonschema.SchemaError) as e:
            problems.append(f"`pcapkit schema {kind}` is not a valid 2020-12 schema: {e}")
            continue
        if kind != "all" and doc.get("$ref") != f"#/$defs/{kind}":
            problems.append(f"`pcapkit schema {kind}`: the root is not $ref {kind}")
    bad = subprocess.run([pcapkit, "schema", "frames"], capture_output=True, text=True)
    if bad.returncode != 2:
        problems.append(f"`pcapkit schema frames` exits {bad.returncode}, not 2 (usage)")
    defs = schema_of(pcapkit)["$defs"]
    tables = json.loads(subprocess.run([pcapkit, "fields", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    # `pcapkit protocols` shows a transparent protocol (no layer of its own) by name only.
    listing = subprocess.run([pcapkit, "protocols"], check=True, capture_output=True,
                             text=True).stdout.splitlines()
    transparent = {line.split()[0] for line in listing if "(no layer)" in line}
    keys = {p["key"] for p in tables if p["name"] not in transparent}
    layers = {name[len("layer."):] for name in defs if name.startswith("layer.")}
    if keys != layers:
        problems.append(f"layer definitions {sorted(layers)}, tables {sorted(keys)}")
    for p in tables:
        if p["key"] not in layers:
            continue
        declared = {f["path"].split(".")[0].split("[")[0] for f in p["fields"]}
        # The record writer's own member of every layer but raw (docs/schema.md "Layers").
        if p["key"] != "raw":
            declared.add("after")
        members = set(defs["layer." + p["key"]]["properties"]) - layers
        if declared != members:
            problems.append(f"layer.{p['key']}: members {sorted(members)}, table "
                            f"{sorted(declared)}")
    for holder in ("frame", "reassembly.datagram", "reassembly.stream"):
        schema = defs[holder]
        if holder != "frame":
            schema = schema["properties"]["packet"]
        if not layers <= set(schema["properties"]):
            problems.append(f"{holder}: not every layer key may be a member")
    return problems


def first_record(pcapkit, corpus, capture, args):
    out = subprocess.run([pcapkit] + args + [os.path.join(corpus, capture)],
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[0])


def mutations(pcapkit, corpus):
    """Real records by kind, and step 3's cases: (what, kind, a record the schema must
    reject), each a real record changed in one place."""
    frame = first_record(pcapkit, corpus, "mixed/example.pcap", list(RUNS[0][2]))
    flow = first_record(pcapkit, corpus, "mixed/example.pcap", list(RUNS[2][2]))
    transaction = first_record(pcapkit, corpus, "app/http/650HttpResponses.pcap",
                               list(RUNS[3][2]))
    stream = first_record(pcapkit, corpus, "mixed/example.pcap", list(RUNS[4][2]))
    cases = []

    def case(what, kind, record, change):
        bad = copy.deepcopy(record)
        change(bad)
        cases.append((what, kind, bad))

    case("an undeclared member in a layer", "frame", frame,
         lambda r: r["ethernet"]["ipv4"]["udp"].update(bogus=1))
    case("an undeclared member in a layer's object", "frame", frame,
         lambda r: r["ethernet"]["ipv4"]["flags"].update(bogus=True))
    case("a layer's int as text", "frame", frame,
         lambda r: r["ethernet"]["ipv4"].update(ttl="64"))
    case("a layer's address not an address", "frame", frame,
         lambda r: r["ethernet"]["ipv4"].update(src="10.0.0.300"))
    case("a MAC address in upper case", "frame", frame,
         lambda r: r["ethernet"].update(dst=r["ethernet"]["dst"].upper()))
    case("an unknown layer key", "frame", frame, lambda r: r["ethernet"].update(ipv5={}))
    case("an undeclared frame member", "frame", frame, lambda r: r.update(bogus=1))
    case("a frame without number", "frame", frame, lambda r: r.pop("number"))
    case("an undeclared flow member", "flow", flow, lambda r: r.update(bogus=1))
    case("a flow's int as a float", "flow", flow, lambda r: r.update(orig_packets=1.5))
    case("an analysis record of an unknown kind", "analysis", transaction,
         lambda r: r.update(kind="smtp"))
    case("an analysis record's port as text", "analysis", transaction,
         lambda r: r.update(srcport="80"))
    case("an undeclared member in an HTTP response", "analysis", transaction,
         lambda r: r["response"].update(bogus=1))
    case("an HTTP status as text", "analysis", transaction,
         lambda r: r["response"].update(status="200"))
    case("an undeclared analysis member", "analysis", transaction, lambda r: r.update(bogus=1))
    case("an undeclared stream member", "reassembly", stream, lambda r: r.update(bogus=1))
    case("a stream's payload not hex", "reassembly", stream, lambda r: r.update(payload="xyz"))
    case("an undeclared member in a reassembled packet's layer", "reassembly", stream,
         lambda r: r["packet"][next(iter(r["packet"]))].update(bogus=1))
    originals = {"frame": frame, "flow": flow, "analysis": transaction, "reassembly": stream}
    return originals, cases


def check_rejections(pcapkit, corpus):
    """Step 3: the problems found."""
    whole = validator(schema_of(pcapkit))
    by_kind = {kind: validator(schema_of(pcapkit, kind)) for kind in KINDS}
    originals, cases = mutations(pcapkit, corpus)
    problems = []
    for kind, record in originals.items():
        for name, v in ((kind, by_kind[kind]), ("all", whole)):
            if not v.is_valid(record):
                problems.append(f"schema {name} rejects a real {kind} record: "
                                f"{next(v.iter_errors(record)).message[:200]}")
    for what, kind, record in cases:
        for name, v in ((kind, by_kind[kind]), ("all", whole)):
            if v.is_valid(record):
                problems.append(f"schema {name} accepts {what}")
    return problems, len(cases)


_VALIDATORS = {}


def _init_worker(pcapkit):
    for kind in KINDS:
        _VALIDATORS[kind] = validator(schema_of(pcapkit, kind))


def validate_capture(job):
    """Step 4 for one capture and run: (problems, records validated)."""
    pcapkit, path, run_name, kind, args, max_records = job
    run = subprocess.run([pcapkit] + args + [path], capture_output=True, text=True)
    name = f"{os.path.basename(path)} ({run_name})"
    if run.returncode not in (0, 1):  # 1: a corrupt capture, the records before kept
        return [f"{name}: exit {run.returncode}: {run.stderr.strip()[:200]}"], 0
    problems, count = [], 0
    v = _VALIDATORS[kind]
    for number, line in enumerate(run.stdout.splitlines(), 1):
        if max_records and count >= max_records:
            break
        count += 1
        record = json.loads(line)
        for error in v.iter_errors(record):
            where = "/".join(str(p) for p in error.absolute_path) or "(record)"
            problems.append(f"{name} line {number}: {where}: {error.message[:200]}")
            break
    return problems, count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", help="substring of the capture paths to check")
    ap.add_argument("--max-records", type=int, default=0,
                    help="validate at most this many records per capture and run (0: all)")
    args = ap.parse_args()
    corpus = corpus_dir(args.corpus)
    why = missing(corpus, tshark=False)
    if why:
        return unavailable(why)
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return unavailable("python jsonschema is not installed (Debian: python3-jsonschema)")
    started = time.monotonic()
    problems = check_documents(args.pcapkit)
    rejected, cases = check_rejections(args.pcapkit, corpus)
    problems += rejected
    paths = sorted(corpus_captures(corpus, args.only), key=lambda p: -os.path.getsize(p))
    jobs = [(args.pcapkit, p, name, kind, cmd, args.max_records)
            for p in paths for name, kind, cmd in RUNS]
    counts = dict.fromkeys(KINDS, 0)
    with multiprocessing.Pool(args.jobs, _init_worker, (args.pcapkit,)) as pool:
        for (_, _, _, kind, _, _), (found, count) in zip(jobs, pool.imap(validate_capture, jobs)):
            problems += found
            counts[kind] += count
    for p in problems[:40]:
        print("FAIL " + p)
    if len(problems) > 40:
        print(f"... {len(problems) - 40} more")
    print(f"{len(paths)} captures, {sum(counts.values())} records validated "
          f"({', '.join(f'{n} {k}' for k, n in counts.items())}); {cases} bad records "
          f"rejected; {time.monotonic() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
