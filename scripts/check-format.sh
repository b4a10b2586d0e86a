#!/usr/bin/env bash
# Fails when a tracked C++ source or header differs from what clang-format (the repository's
# .clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format}
git ls-files -z '*.cpp' '*.h' | xargs -0 -r "$format" --dry-run --Werror
echo "clang-format: all files formatted"
