#!/usr/bin/env bash
# The second README command (and CI's): install what is missing, build, run every test
# (unit, CLI, corpus and the tshark differential tier), then rebuild with AddressSanitizer
# and UndefinedBehaviorSanitizer and run the unit and corpus tests again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")

if [ "${PCAPKIT_SKIP_SANITIZERS:-0}" != 1 ]; then
  BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DPCAPKIT_SANITIZE=ON -DPCAPKIT_BUILD_BENCH=OFF
  # The tshark tiers compare what the release build already showed; under the sanitizers
  # the corpus is still read in every format by the corpus and strategy tests.
  (cd build-asan && ctest --output-on-failure -j"$(nproc)" -E "tshark_differential|formats_independent_readers|reassembly_differential")
fi
