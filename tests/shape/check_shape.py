#!/usr/bin/env python3
"""The code's shape, as the project writes it (README "Layout"): no function over 80 lines
in the product's folders (engine/, formats/, stages/, api/, cli/), measured by clang-tidy's
readability-function-size on the build's compile_commands.json; no source file over 500
lines outside tests/. Without clang-tidy: a skip, or a failure under CI=true."""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from common import unavailable  # noqa: E402

PRODUCT = ("engine", "formats", "stages", "api", "cli")
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


def long_functions(root, build, files):
    config = ("{CheckOptions: [{key: readability-function-size.LineThreshold, value: %d}]}"
              % MAX_FUNCTION_LINES)
    sources = [os.path.join(root, f) for f in files
               if f.endswith(".cc") and f.split("/")[0] in PRODUCT]

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
    ap.add_argument("--build", required=True, help="holds compile_commands.json")
    args = ap.parse_args()
    root = os.path.abspath(args.source)
    files = tracked_files(root)
    problems = long_files(root, files)
    if shutil.which("clang-tidy") is None:
        for p in problems:
            print("FAIL:", p)
        return 1 if problems else unavailable("clang-tidy is not installed (scripts/setup.sh)")
    problems += long_functions(root, os.path.abspath(args.build), files)
    for p in problems:
        print("FAIL:", p)
    print(f"{len(problems)} problems in {len(files)} files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
