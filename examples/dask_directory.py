"""A directory of captures through pcapkit.dask on a local Dask cluster, written as
partitioned NDJSON or CSV (a file per capture, in order: OUT/part-0.ndjson, ...).

    PYTHONPATH=build/python python3 examples/dask_directory.py CAPTURES OUT \
        [--workers 2] [--format ndjson|csv] [--kind frames|flows|http] [--fields f1,f2]

The workers are processes of their own (LocalCluster, processes=True): they import
pcapkit from the PYTHONPATH they inherit, so set it in the environment, not in sys.path.
On a real cluster, replace the LocalCluster by the scheduler's address: each worker then
needs pcapkit and the captures at the same paths.
"""

import argparse
import os
import time

import dask
import dask.distributed

import pcapkit.dask


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("captures", help="a directory of captures, or a glob")
    parser.add_argument("out", help="the directory to write the parts into")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--format", choices=("ndjson", "csv"), default="ndjson")
    parser.add_argument("--kind", choices=("frames", "flows", "http"), default="frames")
    parser.add_argument("--fields", help="the columns, comma-separated (default: the kind's)")
    args = parser.parse_args()

    cluster = dask.distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=":0")
    with cluster, dask.distributed.Client(cluster):
        start = time.perf_counter()
        df = pcapkit.dask.read_records(args.captures, fields=args.fields, kind=args.kind)
        os.makedirs(args.out, exist_ok=True)
        parts = os.path.join(args.out, f"part-*.{args.format}")
        if args.format == "csv":
            written = df.to_csv(parts, index=False, compute=False)
        else:
            written = df.to_json(parts, orient="records", lines=True, compute=False)
        # One pass: each capture is read once, written and counted on its worker.
        _, rows = dask.compute(written, df.index.size)
        seconds = time.perf_counter() - start
    print(f"{rows} rows from {df.npartitions} captures written to {parts} in {seconds:.2f} s "
          f"({args.workers} workers)")


if __name__ == "__main__":
    main()
