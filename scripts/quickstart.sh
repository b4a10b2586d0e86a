#!/usr/bin/env bash
# README command 1: install everything, build, and run an unmodified nvcc-built CUDA program on the
# CPU through cuport.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/bin/cuport run -- build/samples/vector_add
