#!/usr/bin/env bash
# Fails when a C/C++ source of ours is not formatted as .clang-format says.
# In a git checkout only tracked files count (build and result folders may
# hold generated C); elsewhere the source folders are searched.
set -euo pipefail
cd "$(dirname "$0")/../.."
dirs=(compiler rt drivers templates tests fuzz bench examples sdk)
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- "${dirs[@]}" | grep -E '\.(c|h|cc)$' | grep -v '/corpus/')
else
  mapfile -t files < <(find "${dirs[@]}" \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) \
    -not -path '*/corpus/*' -not -path '*/results/*' 2> /dev/null | sort)
fi
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files formatted"
