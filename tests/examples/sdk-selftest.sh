#!/usr/bin/env bash
# Builds sdk_selftest.c (two translation units of it) with several flag
# sets, compiles each module with daggercc and runs it: every check of
# every helper in sdk/dagger.h must hold. Usage: sdk-selftest.sh BIN_DIR
# SELFTEST.c (BIN_DIR holds daggercc). Exit 77 when clang-19 is missing.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$2
if ! command -v clang-19 > /dev/null; then
  echo "SKIP: clang-19 is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
daggercc=$bin/daggercc
if ! sdk=$("$daggercc" --print-sdk-dir) || [[ ! -f $sdk/dagger.h ]]; then
  echo "SKIP: $daggercc --print-sdk-dir does not name a folder with dagger.h"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-sdk.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/jail"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(300000)))' \
  > "$work/jail/big.bin"
printf 'first\r\n\na line longer than the buffer\ntail' > "$work/stdin"

# Each flag set: bulk memory or byte loops, optimised or not.
flagsets=("-O2 -mbulk-memory" "-O2" "-O0" "-Os -mbulk-memory")
fail=0
for flags in "${flagsets[@]}"; do
  echo "--- $flags"
  common=(--target=wasm32 -nostdlib -Wall -Wextra -Werror $flags -I "$sdk")
  clang-19 "${common[@]}" -c "$src" -o "$work/part1.o"
  clang-19 "${common[@]}" -DPART=2 -c "$src" -o "$work/part2.o"
  clang-19 "${common[@]}" -Wl,--no-entry -Wl,--export=dagger_main \
    -Wl,--stack-first "$work/part1.o" "$work/part2.o" -o "$work/t.wasm"
  # Only the Dagger calls may be imported.
  if wasm-objdump -j Import -x "$work/t.wasm" | grep -- '<-' | grep -v ' <- dagger\.'; then
    echo "FAIL: imports other than dagger.*"
    fail=1
  fi
  "$daggercc" "$work/t.wasm" -o "$work/t"
  set +e
  (cd "$work/jail" && DAGGER_ROOT=. "$work/t") < "$work/stdin" > "$work/out"
  status=$?
  set -e
  cat "$work/out"
  if [[ $status != 0 ]] || ! grep -q '^sdk-selftest: [0-9]* of [0-9]* checks hold$' "$work/out"; then
    echo "FAIL: exit status $status with $flags"
    fail=1
  fi
done
exit $fail
