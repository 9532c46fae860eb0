#!/usr/bin/env bash
# The WebAssembly core spec tests in every configuration (docs/spec.md):
# the host with each bounds strategy, then every cross target whose C
# compiler and qemu-user are installed, under qemu-user with its default
# strategy (SPEC_ALL_BOUNDS=1: every strategy it has).
#
#   scripts/spec.sh [run.py arguments, e.g. file names or -v]
#
# Environment: BUILD_DIR (default build; configured and built first),
# SPEC_TARGETS (the cross targets to try), DAGGER_SPEC_SUITE (the .wast
# folder). Prints each configuration's summary, then one line per
# configuration; exits 1 when any configuration has a failure that
# tests/spec/expected-failures.txt does not list.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
targets=${SPEC_TARGETS:-aarch64-linux-gnu arm-linux-gnueabihf riscv64-linux-gnu s390x-linux-gnu}
jobs=$(($(nproc) < 2 ? $(nproc) : 2))

cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j"$jobs"
daggercc=$build/bin/daggercc

# bounds TARGET: the strategies to run ("bounds: guard explicit (default
# guard)" in --print-features): the default one, or all of them.
bounds() {
  local line
  line=$("$daggercc" --print-features ${1:+--target="$1"} | sed -n 's/^bounds: //p')
  if [[ ${SPEC_ALL_BOUNDS:-0} == 1 || -z $1 ]]; then
    echo "${line%% (*}"
  else
    line=${line##*(default }
    echo "${line%)}"
  fi
}

summary=()
status=0
run() { # name, run.py arguments...
  local name=$1 out
  shift
  echo "=== spec: $name ==="
  out=$(mktemp)
  if python3 tests/spec/run.py --daggercc "$daggercc" --jobs "$jobs" "$@" | tee "$out"; then
    summary+=("$name: $(tail -n 1 "$out")")
  else
    summary+=("$name: $(tail -n 1 "$out") (UNEXPECTED FAILURES)")
    status=1
  fi
  rm -f "$out"
}

for b in $(bounds ""); do
  run "host/$b" --bounds "$b" "$@"
done
for t in $targets; do
  runner=$("$daggercc" --target="$t" --print-runner 2>/dev/null) || runner=
  if [[ -z $runner ]] || ! command -v "${runner%% *}" >/dev/null ||
    ! "$daggercc" --target="$t" --print-features >/dev/null 2>&1 ||
    ! command -v "$t-gcc" >/dev/null; then
    summary+=("$t: skipped (no $t-gcc or qemu-user)")
    continue
  fi
  for b in $(bounds "$t"); do
    run "$t/$b" --target "$t" --bounds "$b" --exec-prefix "$runner" "$@"
  done
done

echo "=== spec: summary ==="
printf '%s\n' "${summary[@]}"
exit $status
