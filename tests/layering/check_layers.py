#!/usr/bin/env python3
"""Shows that the build enforces the layers (README "Layout"): for each probe LAYER:ABOVE:OWN,
the object library layering_<LAYER>_upward (one line: #include "ABOVE", compiled with LAYER's
include roots) must fail to compile because ABOVE cannot be found, and
layering_<LAYER>_own (#include "OWN") must compile."""
import argparse
import subprocess
import sys


def build(build_dir, target):
    p = subprocess.run(["cmake", "--build", build_dir, "--target", target],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("probes", nargs="+")
    args = ap.parse_args()
    failures = []
    for probe in args.probes:
        layer, above, own = probe.split(":")
        rc, out = build(args.build_dir, f"layering_{layer}_own")
        if rc != 0:
            failures.append(f"{layer}: its own header {own} does not compile:\n{out[-2000:]}")
            continue
        rc, out = build(args.build_dir, f"layering_{layer}_upward")
        if rc == 0:
            failures.append(f"{layer} can include {above}: an upward include builds")
        elif f"{above}: No such file or directory" not in out:
            failures.append(f"{layer}: including {above} failed, but not for want of the "
                            f"header:\n{out[-2000:]}")
        else:
            print(f"ok: {layer} cannot include {above}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
