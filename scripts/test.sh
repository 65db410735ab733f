#!/usr/bin/env bash
# The second README command (and CI's): install what is missing, build, run every test
# (unit, CLI, corpus and the tshark differential tier), then rebuild with AddressSanitizer
# and UndefinedBehaviorSanitizer and run the unit and corpus tests again.
# Each phase's time is printed at the end: the whole must stay well inside CI's 90 minutes
# (on the 2-core machine from a clean clone: about 20 building, 15 testing).
set -euo pipefail
cd "$(dirname "$0")/.."
times=()
phase() {  # phase NAME COMMAND...: runs the command, notes how long it took
  local name=$1 start=$SECONDS
  shift
  "$@"
  times+=("$name $((SECONDS - start)) s")
}
report() { [ ${#times[@]} -eq 0 ] || printf 'test.sh: %s\n' "${times[@]}" "total $SECONDS s" >&2; }
trap report EXIT

phase setup scripts/setup.sh
phase build scripts/build.sh
phase tests bash -c 'cd build && ctest --output-on-failure -j"$(nproc)"'

if [ "${PCAPKIT_SKIP_SANITIZERS:-0}" != 1 ]; then
  phase build-asan env BUILD_DIR=build-asan BUILD_TYPE=Debug \
    scripts/build.sh -DPCAPKIT_SANITIZE=ON -DPCAPKIT_BUILD_BENCH=OFF
  # The tshark tiers compare what the release build already showed, and the source checks
  # (layering, shape, schema document) do not depend on the build, nor does the record
  # schema contract (700 s under ASan, for what the release run already showed); under the sanitizers
  # the corpus is still read in every format by the corpus and strategy tests. The foreign
  # engines' differential compares the Python adapters with the release build, and the bench
  # table times runs (meaningless under ASan); bench's and the engines' C++ is covered by
  # their unit tests here; so is build's record reading (build_test, and its fuzz target).
  phase tests-asan bash -c 'cd build-asan && ctest --output-on-failure -j"$(nproc)" \
    -E "tshark_differential|engines_differential|bench_engine_table|formats_independent_readers|record_schema|reassembly_differential|flows_differential|trace_differential|analyse_differential|build_roundtrip|layering|code_shape|code_shape_scanner|schema_doc"'
fi
