#!/usr/bin/env bash
# The whole test suite in one command: install what is needed, then build
# and run every CTest test twice, once normally and once with
# AddressSanitizer + UndefinedBehaviorSanitizer. Extra arguments go to ctest
# (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

run_suite() { # build-dir, cmake args...
  local dir=$1
  shift
  cmake -S . -B "$dir" "$@"
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest -j"$jobs" --output-on-failure "${ctest_args[@]}")
}

ctest_args=("$@")
echo "=== test suite (RelWithDebInfo) ==="
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "=== test suite under AddressSanitizer + UndefinedBehaviorSanitizer ==="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DDAGGER_SANITIZE=ON
