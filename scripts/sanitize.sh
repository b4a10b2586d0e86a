#!/usr/bin/env bash
# Sanitizer builds of the units that guard memory and thread safety: the fatbin reader and the PTX
# parser under AddressSanitizer (malformed input must never over-read), the CPU backend's worker
# pool and fault recovery, and the runtime called from many host threads (streams, events,
# launches, copies, last errors) under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/cuda/bin
jobs=${JOBS:-$(nproc)}

cmake -S . -B build-asan -G Ninja -DCUPORT_SANITIZE=address -DCUPORT_BUILD_SAMPLES=OFF >/dev/null
cmake --build build-asan -j "$jobs" --target test_fatbin test_ptx_parser
build-asan/bin/test_fatbin --gtest_brief=1
build-asan/bin/test_ptx_parser --gtest_brief=1

cmake -S . -B build-tsan -G Ninja -DCUPORT_SANITIZE=thread -DCUPORT_BUILD_SAMPLES=OFF >/dev/null
cmake --build build-tsan -j "$jobs" --target test_cpu_backend cudart_threads_test
# The death test forks, which ThreadSanitizer does not follow reliably; it runs in the main suite.
TSAN_OPTIONS=halt_on_error=1 build-tsan/bin/test_cpu_backend --gtest_brief=1 \
  --gtest_filter=-*HostFaultsAreNotSwallowed
TSAN_OPTIONS=halt_on_error=1 build-tsan/bin/cudart_threads_test --gtest_brief=1
