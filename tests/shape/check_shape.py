#!/usr/bin/env python3
"""The code's shape, as the project writes it (README "Layout"): no function over 80 lines
in the product's folders (engine/, formats/, ipsuite/, stages/, api/, cli/, python/),
counted as clang-tidy's readability-function-size counts them but from the braces of the
clang-formatted source (functions.py: a second, where clang-tidy parsed every file for
about nine minutes); no source file over 500 lines outside tests/.
`--clang-tidy` measures the functions with clang-tidy instead, on the build's
compile_commands.json (the two agree on the product's code)."""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from functions import function_lengths  # noqa: E402

PRODUCT = ("engine", "formats", "ipsuite", "stages", "api", "cli", "python")
MAX_FUNCTION_LINES = 80
MAX_FILE_LINES = 500
SOURCES = (".cc", ".h", ".py", ".sh")


def tracked_files(root):
    p = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True)
    if p.returncode == 0:
        return p.stdout.split()
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
        out += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    return out


def long_files(root, files):
    problems = []
    for rel in files:
        if rel.startswith("tests/") or not rel.endswith(SOURCES):
            continue
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            n = sum(1 for _ in f)
        if n > MAX_FILE_LINES:
            problems.append(f"{rel}: {n} lines (at most {MAX_FILE_LINES} outside tests/)")
    return problems


def product_sources(files):
    return [f for f in files if f.endswith((".cc", ".h")) and f.split("/")[0] in PRODUCT]


def long_functions(root, files):
    problems = []
    for rel in product_sources(files):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            for name, line, lines in function_lengths(f.read()):
                if lines > MAX_FUNCTION_LINES:
                    problems.append(f"{rel}:{line}: {name}: {lines} lines "
                                    f"(at most {MAX_FUNCTION_LINES}: split it into its phases)")
    return problems


def long_functions_by_clang_tidy(root, build, files):
    config = ("{CheckOptions: [{key: readability-function-size.LineThreshold, value: %d}]}"
              % MAX_FUNCTION_LINES)
    sources = [os.path.join(root, f) for f in product_sources(files) if f.endswith(".cc")]

    def tidy(path):
        p = subprocess.run(["clang-tidy", "-p", build, "--quiet",
                            "-checks=-*,readability-function-size", "-config=" + config, path],
                           capture_output=True, text=True)
        return [line.replace(root + "/", "") for line in p.stdout.splitlines()
                if "readability-function-size" in line]

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        return [line for lines in pool.map(tidy, sources) for line in lines]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", help="holds compile_commands.json (with --clang-tidy)")
    ap.add_argument("--clang-tidy", action="store_true",
                    help="measure functions with clang-tidy (minutes) instead of the braces")
    args = ap.parse_args()
    root = os.path.abspath(args.source)
    files = tracked_files(root)
    problems = long_files(root, files)
    if args.clang_tidy:
        if shutil.which("clang-tidy") is None or not args.build:
            print("FAIL: --clang-tidy needs clang-tidy (scripts/setup.sh) and --build")
            return 1
        problems += long_functions_by_clang_tidy(root, os.path.abspath(args.build), files)
    else:
        problems += long_functions(root, files)
    for p in problems:
        print("FAIL:", p)
    print(f"{len(problems)} problems in {len(files)} files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
