#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS
# (default 60), one after the other. Seeds: the captures of ../shared/corpus, read in
# place, and the project's own crafted packets — the sample (examples/make_sample.py) and,
# when the release build's unit tests exist ($TESTS, default build/tests/pcapkit_tests),
# every capture and frame they craft (PCAPKIT_FUZZ_SEEDS); dissect_fuzz gets all their
# frames, one per seed (seed_frames). What the targets learn and find stays in $OUT
# (default /tmp/pcapkit-fuzz): corpora in capture/, dissect/, reassembly/, crashes in
# crashes/ — never in the repo.
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
seconds=${1:-60}
out=${OUT:-/tmp/pcapkit-fuzz}
build=${BUILD_DIR:-build-fuzz}
shared=$repo/../shared/corpus
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPCAPKIT_FUZZ=ON -DPCAPKIT_BUILD_TESTS=OFF -DPCAPKIT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target capture_fuzz dissect_fuzz reassembly_fuzz flows_fuzz trace_fuzz \
  analyse_fuzz build_fuzz seed_frames
tests=${TESTS:-build/tests/pcapkit_tests}
mkdir -p "$out"/{own,capture,dissect,dissect-seeds,reassembly,flows,trace,analyse,build,crashes}
python3 examples/make_sample.py "$out/own/sample.pcap"
captures=("$out/own")
if [ -x "$tests" ]; then
  # The unit tests that craft packets (not the corpus, CLI or timing-heavy ones).
  PCAPKIT_FUZZ_SEEDS="$out/crafted" "$tests" \
    --gtest_filter='-Corpus.*:Strategies.*:Hostile.*:Cli.*:Files.*' >/dev/null
  captures+=("$out/crafted/capture")
  dissect_crafted=("$out/crafted/dissect")
else
  echo "SKIP crafted seeds: no $tests (scripts/build.sh builds it)"
  dissect_crafted=()
fi
if [ -d "$shared" ]; then
  captures+=("$shared")
else
  echo "SKIP corpus seeds: $shared is absent; seeding from the crafted sample only"
fi
"$build/fuzz/seed_frames" "$out/dissect-seeds" "${captures[@]}"
cd "$out"
status=0
run() {  # target, max input length, corpus folders (new inputs go to the first)
  local target=$1 max_len=$2
  shift 2
  "$repo/$build/fuzz/$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
    -artifact_prefix=crashes/ -print_final_stats=1 "$@" || status=1
}
run capture_fuzz 65536 capture "${captures[@]}"
run dissect_fuzz 4096 dissect dissect-seeds "${dissect_crafted[@]}"
# Its input is a compact encoding of fragments and segments, not a capture: no seeds.
run reassembly_fuzz 8192 reassembly
run flows_fuzz 8192 flows
# Writes a folder of files per input: slow, so its inputs stay short.
run trace_fuzz 2048 trace
# Conversations piece by piece (not captures): no seeds.
run analyse_fuzz 16384 analyse
# Packets encoded as for trace_fuzz, dissected to records, the records changed: no seeds.
run build_fuzz 2048 build
exit $status
