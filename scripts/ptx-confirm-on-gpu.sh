#!/usr/bin/env bash
# Runs the PTX conformance suite on a real NVIDIA GPU through its CUDA driver (libcuda, opened at run
# time), normal and exhaustive, and records every case that passed there in tests/ptx/confirmed.txt:
# proof that the suite's expected values are what the hardware computes.
#   scripts/ptx-confirm-on-gpu.sh              # builds ptx_conformance in ${BUILD_DIR:-build}
#   BUILD_DIR=/path SKIP_EXHAUSTIVE=1 scripts/ptx-confirm-on-gpu.sh --gtest_filter='Integer*'
# Extra arguments go to ptx_conformance. Cases that ran replace their earlier lines (a case that
# failed loses its confirmation); lines of cases that did not run stay.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
fi
cmake --build "$build_dir" --target ptx_conformance -j "${JOBS:-$(nproc)}"

report=$(mktemp)
trap 'rm -f "$report" "$report.kept"' EXIT
status=0
CUPORT_PTX_DRIVER=cuda "$build_dir/bin/ptx_conformance" --confirm-report="$report" "$@" || status=1
if [[ ${SKIP_EXHAUSTIVE:-0} != 1 ]]; then
  CUPORT_PTX_DRIVER=cuda CUPORT_PTX_EXHAUSTIVE=1 "$build_dir/bin/ptx_conformance" \
    --confirm-report="$report" "$@" || status=1
fi
if [[ ! -s $report ]]; then
  echo "no case ran on the CUDA driver; $0 changed nothing" >&2
  exit 1
fi

# confirmed.txt lines: case <TAB> driver and device. Keep the lines of cases that did not run now.
confirmed=tests/ptx/confirmed.txt
awk -F'\t' 'NR == FNR { ran[$1] = 1; next } /^#/ || /^$/ { next } !($1 in ran)' \
  "$report" "$confirmed" > "$report.kept"
{
  grep '^#' "$confirmed" | grep -v '^# No case has been confirmed'
  {
    cat "$report.kept"
    awk -F'\t' '$2 == "passed" { print $1 "\t" $3 }' "$report"
  } | sort -u
} > "$confirmed.new"
mv "$confirmed.new" "$confirmed"
echo "$(grep -vc '^#' "$confirmed" || true) confirmed case runs in $confirmed"
exit $status
