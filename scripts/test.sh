#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite: sanitizer builds
# of the memory- and thread-critical units (skip with SANITIZE=0), then every GoogleTest unit and
# every sample through cuport with CTest. The PTX conformance suite's exhaustive sweeps are left
# out (run them with `ctest -L exhaustive`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
[[ ${SANITIZE:-1} == 0 ]] || scripts/sanitize.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${JOBS:-$(nproc)}" -LE exhaustive "$@"
