#!/usr/bin/env bash
# Installs cuport's build and test dependencies from Debian's packages. Idempotent and
# non-interactive. The CUDA toolkit (nvcc and headers) is expected at /usr/local/cuda.
set -euo pipefail

packages=(cmake ninja-build g++ llvm-19-dev clang-19 libzstd-dev liblz4-dev zlib1g-dev
          libgtest-dev libgmock-dev libbenchmark-dev binutils clang-format git)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v nvcc >/dev/null && [[ ! -x /usr/local/cuda/bin/nvcc ]]; then
  echo "warning: the CUDA toolkit (nvcc) is not at /usr/local/cuda: the samples will not be built" >&2
fi
