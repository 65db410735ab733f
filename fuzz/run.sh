#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS
# (default 60), seeded from ../shared/corpus read in place (copied only into a temporary
# folder, never into the repo). Crashes are left in $OUT (default /tmp/pcapkit-fuzz).
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=${OUT:-/tmp/pcapkit-fuzz}
build=${BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPCAPKIT_FUZZ=ON -DPCAPKIT_BUILD_TESTS=OFF -DPCAPKIT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target capture_fuzz dissect_fuzz reassembly_fuzz
mkdir -p "$out/seeds" "$out/capture" "$out/dissect" "$out/reassembly"
if [ -d ../shared/corpus ]; then
  find ../shared/corpus -type f -size -64k ! -name '*.tsv' ! -name '*.md' | while read -r f; do
    cp "$f" "$out/seeds/$(printf '%s' "$f" | md5sum | cut -c1-16)"
  done
fi
cd "$out"
status=0
"$OLDPWD/$build/fuzz/capture_fuzz" -max_total_time="$seconds" -max_len=65536 \
  -print_final_stats=1 capture seeds || status=1
"$OLDPWD/$build/fuzz/dissect_fuzz" -max_total_time="$seconds" -max_len=4096 \
  -print_final_stats=1 dissect || status=1
"$OLDPWD/$build/fuzz/reassembly_fuzz" -max_total_time="$seconds" -max_len=8192 \
  -print_final_stats=1 reassembly || status=1
exit $status
