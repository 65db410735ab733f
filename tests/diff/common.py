"""What the Python tiers share: where the corpus is, and what a tier does without it.

The rule is the C++ tests' (testing/require.h): without the corpus or tshark a tier is
skipped on a developer's machine (exit 77, ctest's SKIP), but under CI=true it fails, so
that CI never passes by checking nothing. PCAPKIT_CORPUS in the environment, when set,
replaces the --corpus folder (as for the C++ tests).
"""
import os
import shutil

SKIP = 77  # the tiers' SKIP_RETURN_CODE in tests/CMakeLists.txt


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def corpus_dir(arg):
    return os.environ.get("PCAPKIT_CORPUS") or arg


def unavailable(why):
    """The exit status of a tier that cannot run for want of `why`."""
    if in_ci():
        print(f"FAIL under CI=true: {why} (outside CI a skip)")
        return 1
    print(f"SKIP: {why} (under CI=true this fails)")
    return SKIP


def missing(corpus, tshark=True):
    """Why the tier cannot run (the corpus or tshark is absent), or None."""
    if not os.path.exists(os.path.join(corpus, "MANIFEST.tsv")):
        return f"corpus not found at {corpus} (no MANIFEST.tsv)"
    if tshark and shutil.which("tshark") is None:
        return "tshark is not installed (scripts/setup.sh installs it)"
    return None


def largest_first(pool, fn, items, size):
    """[fn(item) for item in items], run on `pool` largest first by `size`, so that the
    last to finish is a small one rather than the biggest capture started last."""
    order = sorted(range(len(items)), key=lambda i: -size(items[i]))
    results = dict(zip(order, pool.map(lambda i: fn(items[i]), order)))
    return [results[i] for i in range(len(items))]


def corpus_captures(corpus, only=None):
    """The corpus's captures (MANIFEST.tsv order), those whose path holds `only` if given."""
    with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
        next(f)
        rel = [line.split("\t")[0] for line in f]
    return [os.path.join(corpus, p) for p in rel if not only or only in p]


def check_corpus(check, tshark=True):
    """A tier's run: parses --pcapkit, --corpus, --jobs and --only, then runs
    check(pcapkit, path) -> (problems, stats) on every capture, largest first. Returns
    (corpus, paths, results), or the tier's exit status when it cannot run."""
    import argparse
    import concurrent.futures

    ap = argparse.ArgumentParser()
    ap.add_argument("--pcapkit", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", help="substring of the capture paths to check")
    args = ap.parse_args()
    corpus = corpus_dir(args.corpus)
    why = missing(corpus, tshark)
    if why:
        return unavailable(why)
    paths = corpus_captures(corpus, args.only)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = largest_first(pool, lambda p: check(args.pcapkit, p), paths, os.path.getsize)
    return corpus, paths, results


def report_captures(corpus, paths, results, exceptions=None, stale_fails=False):
    """Prints each capture's problems; a capture listed in `exceptions` (relative path ->
    reason) is reported as documented instead, and, with `stale_fails`, fails when it has
    come to agree. Returns (stats summed, captures failed, captures excepted)."""
    import collections

    exceptions = exceptions or {}
    total, failed, excepted = collections.Counter(), 0, 0
    for path, (problems, stats) in zip(paths, results):
        total.update(stats)
        name = os.path.relpath(path, corpus)
        reason = exceptions.get(name)
        if reason and problems:
            excepted += 1
            print("documented %s: %s (%d differences: %s)"
                  % (name, reason, len(problems), problems[0]))
        elif reason and stale_fails:
            failed += 1
            print("FAIL %s: listed as an exception (%s) but agrees with tshark: remove the entry"
                  % (name, reason))
        elif problems:
            failed += 1
            print("FAIL %s" % name)
            for p in problems[:10]:
                print("  " + p)
            if len(problems) > 10:
                print("  ... %d more" % (len(problems) - 10))
    return total, failed, excepted
