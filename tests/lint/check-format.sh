#!/usr/bin/env bash
# Fails when a C/C++ source of ours is not formatted as .clang-format says.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(find compiler rt drivers templates tests fuzz bench examples sdk \
  \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) -not -path '*/corpus/*' 2>/dev/null | sort)
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files formatted"
