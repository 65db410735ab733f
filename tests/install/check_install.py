#!/usr/bin/env python3
"""pcapkit as users get it (docs/install.md), one ctest test per step:

  install    cmake --install BUILD --prefix PREFIX (a fresh prefix; the fixture of the rest)
  layout     the installed tree: bin/pcapkit, the man page and the bash completion (every
             verb and flag of --help in both), headers, pcapkit.pc, the CMake package
  examples   examples/ configured and built as an outside project against PREFIX
             (find_package(pcapkit CONFIG)), run on the bundled sample capture
  pkgconfig  a program built with `pkg-config --cflags --libs pcapkit` alone, run
  deb        cpack -G DEB: the .deb's Depends and contents

A tool that is missing makes a test skip (exit 77) on a workstation and fail under
CI=true: the install must be proved where it counts.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
RUNTIME_DEPENDS = ["libtbb12", "libpcap0.8", "libnghttp2-14", "libbrotli1", "libzstd1",
                   "zlib1g", "libssl3", "libstdc++6", "libc6"]


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def need(tool):
    path = shutil.which(tool)
    if path:
        return path
    if os.environ.get("CI") == "true":
        fail(f"{tool} is not installed (scripts/setup.sh installs it)")
    print(f"SKIP: {tool} is not installed (scripts/setup.sh installs it)")
    sys.exit(SKIP)


def run(*cmd, env=None, cwd=None):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env,
                          cwd=cwd)
    if done.returncode != 0:
        fail(f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def sample(args):
    """The bundled sample capture, made by examples/make_sample.py."""
    out = os.path.join(fresh(os.path.join(args.work, "sample")), "sample.pcap")
    run(sys.executable, os.path.join(args.source, "examples", "make_sample.py"), out)
    return out


def step_install(args):
    shutil.rmtree(args.prefix, ignore_errors=True)
    run(args.cmake, "--install", args.build, "--prefix", args.prefix)


def help_verbs(pcapkit):
    """{verb: [flags]} read from --help here, apart from the generator's own parsing."""
    top = run(pcapkit, "--help")
    section = top.split("Subcommands:", 1)[1]
    verbs = {}
    for line in section.splitlines():
        m = re.match(r"^  ([\w-]+(?:, [\w-]+)*)", line)
        if not m:
            continue
        names = [n.strip() for n in m.group(1).split(",")]
        text = run(pcapkit, names[0], "--help")
        flags = re.findall(r"(?:^  |,)(--?[A-Za-z][\w-]*)", text, re.M)
        for name in names:
            verbs[name] = flags
    return verbs


def check_python_module(args, pcapkit):
    """The Python module, when the build made it: installed under the prefix, importable
    from there by the system Python, its records those of the installed program."""
    if not os.path.isdir(os.path.join(args.build, "python", "pcapkit")):
        print("no Python module in this build (pybind11-dev missing)")
        return
    package = os.path.join(args.prefix, "lib/python3/dist-packages/pcapkit")
    if not os.path.isfile(os.path.join(package, "__init__.py")):
        fail("the Python module is not installed in lib/python3/dist-packages/pcapkit")
    capture = sample(args)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(package), PCAPKIT_CLI=pcapkit)
    code = ("import json, sys, pcapkit; "
            "print('\\n'.join(json.dumps(r, separators=(',', ':')) for r in pcapkit.records(sys.argv[1])))")
    got = run("/usr/bin/python3", "-c", code, capture, env=env)
    want = run(pcapkit, "extract", capture, "-f", "ndjson", "-o", "-")
    if [json.loads(line) for line in got.splitlines()] != [json.loads(line) for line in want.splitlines()]:
        fail("the installed Python module's records differ from the installed pcapkit's")
    print(f"the Python module: {len(got.splitlines())} records, those of pcapkit extract")


def step_layout(args):
    p = args.prefix
    for rel in ["bin/pcapkit", "share/man/man1/pcapkit.1",
                "share/bash-completion/completions/pcapkit", "include/pcapkit/pcapkit.h",
                f"{args.libdir}/libpcapkit.a", f"{args.libdir}/pkgconfig/pcapkit.pc",
                f"{args.libdir}/cmake/pcapkit/pcapkitConfig.cmake",
                f"{args.libdir}/cmake/pcapkit/pcapkitConfigVersion.cmake",
                f"{args.libdir}/cmake/pcapkit/pcapkitTargets.cmake"] + [
                f"share/pcapkit/engines/{name}.py"  # the foreign engines' adapters
                for name in ("dpkt_adapter", "scapy_adapter", "tshark_adapter", "pcapkit_record")]:
        if not os.path.isfile(os.path.join(p, rel)):
            if rel.endswith(".1"):
                need("help2man")  # configured without it: no man page
            fail(f"{rel} is not installed")
    sources = sorted(os.listdir(os.path.join(args.source, "include", "pcapkit")))
    installed = sorted(os.listdir(os.path.join(p, "include", "pcapkit")))
    if sources != installed:
        fail(f"include/pcapkit holds {installed}, the tree {sources}")
    pcapkit = os.path.join(p, "bin", "pcapkit")
    print(run(pcapkit, "--version").strip())
    check_python_module(args, pcapkit)
    verbs = help_verbs(pcapkit)
    if len(verbs) < 5:
        fail(f"only {sorted(verbs)} read from pcapkit --help")

    completion = open(os.path.join(p, "share/bash-completion/completions/pcapkit")).read()
    man = open(os.path.join(p, "share/man/man1/pcapkit.1")).read()
    man_text = man.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
    for verb, flags in verbs.items():
        if not re.search(rf"\b{re.escape(verb)}\b", completion):
            fail(f"verb {verb} is missing from the bash completion")
        if not re.search(rf"\b{re.escape(verb)}\b", man_text):
            fail(f"verb {verb} is missing from the man page")
        case = re.search(rf"^    (?:\S+\|)?{re.escape(verb)}(?:\|\S+)?\)\n      flags=\"([^\"]*)\"",
                         completion, re.M)
        if not case:
            fail(f"the completion has no case for {verb}")
        for flag in flags:
            if flag not in case.group(1).split():
                fail(f"{verb} {flag} is missing from the bash completion")
            if flag not in man_text:
                fail(f"{verb} {flag} is missing from the man page")
    # The completion completes, under bash: verbs, flags, a flag's values.
    probe = ("source \"$1\"; t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($#-1)); COMPREPLY=();"
             " _pcapkit; echo \"${COMPREPLY[*]}\"; };"
             " t pcapkit ex; t pcapkit extract --filt; t pcapkit extract -f nd")
    got = run("bash", "-c", probe, "probe",
              os.path.join(p, "share/bash-completion/completions/pcapkit")).splitlines()
    if got != ["extract", "--filter", "ndjson"]:
        fail(f"completing 'ex', 'extract --filt', 'extract -f nd' gave {got}")
    if shutil.which("man"):
        rendered = run("man", "-l", "-P", "cat", os.path.join(p, "share/man/man1/pcapkit.1"))
        if "SYNOPSIS" not in rendered or "extract" not in rendered:
            fail("man -l does not render the man page")
    print(f"{len(verbs)} verbs, their flags in the completion and the man page")


def step_examples(args):
    capture = sample(args)
    build = fresh(os.path.join(args.work, "examples-build"))
    run(args.cmake, "-S", os.path.join(args.source, "examples"), "-B", build,
        "-G", args.generator, f"-DCMAKE_CXX_COMPILER={args.cxx}",
        f"-DCMAKE_PREFIX_PATH={args.prefix}", "-DCMAKE_BUILD_TYPE=Release")
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    if f"pcapkit_DIR:PATH={args.prefix}" not in cache:
        fail("examples/ did not find pcapkit in the installed prefix")
    run(args.cmake, "--build", build, "-j2")
    frames = run(os.path.join(build, "iterate_frames"), capture)
    print(frames)
    m = re.search(r"^(\d+) TCP and (\d+) UDP frames$", frames, re.M)
    if not m or int(m.group(1)) == 0 or int(m.group(2)) == 0:
        fail("iterate_frames found no TCP or no UDP frame")
    if "Ethernet:IPv4:TCP" not in frames:
        fail("iterate_frames saw no Ethernet:IPv4:TCP chain: the dissectors are missing")
    report = os.path.join(args.work, "sample", "out.ndjson")
    print(run(os.path.join(build, "extract_report"), capture, report))
    records = open(report).read()
    for chain in ["DNS", "HTTP", "TLS"]:
        if not re.search(rf'"protocols":"[^"]*:{chain}"', records):
            fail(f"extract_report wrote no {chain} record: its dissector is missing")
    streams = run(os.path.join(build, "follow_streams"), capture)
    print(streams)
    if not re.search(r"^connection \d+ client->server part \d+: [1-9]\d* bytes", streams, re.M):
        fail("follow_streams followed no TCP stream")


def step_pkgconfig(args):
    pkg_config = need("pkg-config")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(args.prefix, args.libdir, "pkgconfig"))
    flags = run(pkg_config, "--cflags", "--libs", "pcapkit", env=env).split()
    print(" ".join(flags))
    if "-Wl,--whole-archive" not in flags:
        fail("pcapkit.pc does not link libpcapkit.a whole")
    out = fresh(os.path.join(args.work, "pkgconfig"))
    probe = os.path.join(out, "probe")
    run(args.cxx, "-std=c++20", "-O1", os.path.join(args.source, "tests/install/pkgconfig_probe.cc"),
        "-o", probe, *flags)
    print(run(probe))


def step_deb(args):
    dpkg_deb = need("dpkg-deb")
    need("dpkg-shlibdeps")
    out = fresh(os.path.join(args.work, "deb"))
    run(args.cpack, "-G", "DEB", "--config", os.path.join(args.build, "CPackConfig.cmake"),
        "-B", out)
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    if len(debs) != 1:
        fail(f"cpack made {debs}")
    deb = os.path.join(out, debs[0])
    info = run(dpkg_deb, "-I", deb)
    print(info)
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    if not depends:
        fail("the .deb has no Depends")
    names = {d.strip().split(" ")[0] for d in depends.group(1).split(",")}
    missing = [d for d in RUNTIME_DEPENDS if d not in names]
    if missing:
        fail(f"Depends lacks {missing}: {depends.group(1)}")
    contents = run(dpkg_deb, "-c", deb)
    for path in ["./usr/bin/pcapkit", "./usr/share/man/man1/pcapkit.1",
                 "./usr/share/bash-completion/completions/pcapkit",
                 f"./usr/{args.libdir}/libpcapkit.a", "./usr/include/pcapkit/pcapkit.h",
                 f"./usr/{args.libdir}/pkgconfig/pcapkit.pc",
                 f"./usr/{args.libdir}/cmake/pcapkit/pcapkitConfig.cmake",
                 "./usr/share/pcapkit/engines/dpkt_adapter.py"] + (
                ["./usr/lib/python3/dist-packages/pcapkit/__init__.py"]
                if os.path.isdir(os.path.join(args.build, "python", "pcapkit")) else []):
        if not re.search(rf" {re.escape(path)}$", contents, re.M):
            fail(f"the .deb does not hold {path}")
    print(f"{debs[0]}: Depends {depends.group(1)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["install", "layout", "examples", "pkgconfig", "deb"])
    for name in ["build", "source", "prefix", "work", "cmake", "cpack", "cxx", "generator",
                 "libdir"]:
        parser.add_argument("--" + name)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    globals()["step_" + args.step](args)
    print("ok")


if __name__ == "__main__":
    main()
