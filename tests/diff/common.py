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
