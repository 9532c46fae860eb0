#!/usr/bin/env bash
# The whole test suite in one command: install what is needed, then build
# and run every CTest test twice, once normally and once with
# AddressSanitizer + UndefinedBehaviorSanitizer, and compile the project in
# the other build types and with clang-19. Warnings are errors here (never
# in a user's own build). Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

# Every optional part on: a part that cannot be built is then a failed
# lint test (debian-deps), not a silent skip.
strict=(-DDAGGER_WERROR=ON -DDAGGER_REQUIRE_ALL=ON -DDAGGER_CROSS=ON)

build() { # build-dir, cmake args...
  local dir=$1
  shift
  cmake -S . -B "$dir" "${strict[@]}" "$@"
  cmake --build "$dir" -j"$jobs"
}

run_suite() { # build-dir, cmake args... (ctest options from $suite_args)
  build "$@"
  (cd "$1" && ctest -j"$jobs" --output-on-failure "${suite_args[@]}" "${ctest_args[@]}")
}

ctest_args=("$@")
# The other build types and clang-19: compiling is enough (our own code,
# without the cross runtimes and fuzz targets the suites below build).
# (Nor the static libcurl and the patched wasm2c: the suite's build makes
# them, once per machine, and the sanitizer build copies them from the
# cache, built with the same compiler.)
compile_only=(-DDAGGER_CROSS=OFF -DDAGGER_FUZZ=OFF -DDAGGER_STATIC_HTTPS=OFF
  -DDAGGER_WASM2C_LINEAR=OFF)
echo "=== compile: Release, MinSizeRel, clang-19 ==="
build build-release -DCMAKE_BUILD_TYPE=Release "${compile_only[@]}"
build build-minsizerel -DCMAKE_BUILD_TYPE=MinSizeRel "${compile_only[@]}"
CC=clang-19 CXX=clang++-19 build build-clang -DCMAKE_BUILD_TYPE=Release \
  "${compile_only[@]}"

echo "=== test suite (RelWithDebInfo) ==="
suite_args=()
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDAGGER_FUZZ=ON
# Without the cross label here: cross programs never carry the host's
# sanitizers (another target's runtime is never built with them), so under
# qemu they would repeat the run above at twice the time; daggercc's own
# cross paths still run under the sanitizers in cli/cross.
echo "=== test suite under AddressSanitizer + UndefinedBehaviorSanitizer ==="
suite_args=(-LE cross)
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DDAGGER_SANITIZE=ON \
  -DDAGGER_STATIC_HTTPS=OFF -DDAGGER_TEST_OPT=-O0
