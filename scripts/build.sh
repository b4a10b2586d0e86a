#!/usr/bin/env bash
# Configures and builds cuport, its tests and the nvcc-built samples into ${BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
export PATH=$PATH:/usr/local/cuda/bin
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@"
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}"
