#!/usr/bin/env bash
# Builds one C program of tests/wasi/c/ with clang-19 and wasi-libc and runs
# it compiled by daggercc or under dagger-interp, or cross-compiled by
# daggercc --target=TRIPLE and run under the target's qemu-user runner
# (daggercc --print-runner), in a fresh jail.
# Usage: run-c.sh compiled|interp|cross:TRIPLE NAME.c
# Environment: DAGGERCC, DAGGER_INTERP (the tools), WORKDIR (scratch space).
# Beside NAME.c: NAME.out (expected stdout, required), NAME.status
# (expected status, default 0), NAME.args (arguments, shell words),
# NAME.qemu.out (expected stdout under qemu-user, where openat2 is missing
# and paths resolve by walk.c: default NAME.out).
# Every program is built with --env FIXED=one --env FROM_HOST and run with
# FROM_HOST, NOT_NAMED and HOME set (args_env checks what the guest sees).
# Exit 77 (skip) when clang-19 or wasi-libc is missing.
set -euo pipefail
engine=$1
src=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
name=$(basename "$src" .c)
dir=$(dirname "$src")
if ! command -v clang-19 > /dev/null || [[ ! -d /usr/lib/wasm32-wasi ]]; then
  echo "SKIP: clang-19 or wasi-libc missing (scripts/install-deps.sh)"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-wasi-c.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/jail"
clang-19 --target=wasm32-wasi -O2 -Wall -Wextra -Werror "$src" -o "$work/$name.wasm"
envflags=(--env FIXED=one --env FROM_HOST)
args=()
[[ -f $dir/$name.args ]] && eval "args=($(cat "$dir/$name.args"))"
want_out=$dir/$name.out
if [[ $engine == compiled ]]; then
  "$DAGGERCC" "${envflags[@]}" "$work/$name.wasm" -o "$work/$name"
  cmd=("$work/$name")
elif [[ $engine == cross:* ]]; then
  triple=${engine#cross:}
  if ! runner=$("$DAGGERCC" --target="$triple" --print-runner); then
    echo "SKIP: no runner for $triple"
    exit 77
  fi
  read -r -a runner <<< "$runner"
  "$DAGGERCC" --target="$triple" "${envflags[@]}" "$work/$name.wasm" \
    -o "$work/$name"
  cmd=("${runner[@]}" "$work/$name")
  [[ -f $dir/$name.qemu.out ]] && want_out=$dir/$name.qemu.out
else
  cmd=("$DAGGER_INTERP" "${envflags[@]}" "$work/$name.wasm")
fi
status=0
(cd "$work/jail" && env -i PATH="$PATH" FROM_HOST="from the host" \
  NOT_NAMED=secret HOME=/root "${cmd[@]}" "${args[@]}") \
  > "$work/out" 2> "$work/err" || status=$?
want=0
[[ -f $dir/$name.status ]] && want=$(cat "$dir/$name.status")
cat "$work/err" >&2
diff -u "$want_out" "$work/out"
if [[ $status != "$want" ]]; then
  echo "FAIL: exit status $status, expected $want"
  exit 1
fi
echo "PASS: $name ($engine)"
