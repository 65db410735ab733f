#!/usr/bin/env bash
# Configures and builds pcapkit with Ninja. BUILD_DIR (default build) and extra CMake
# arguments can be given: scripts/build.sh -DPCAPKIT_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
fi
cmake --build "$build_dir" -- -j"$(nproc)"
