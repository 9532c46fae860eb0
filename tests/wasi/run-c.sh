#!/usr/bin/env bash
# Builds one C program of tests/wasi/c/ with clang-19 and wasi-libc and runs
# it compiled by daggercc or under dagger-interp, in a fresh jail.
# Usage: run-c.sh compiled|interp NAME.c
# Environment: DAGGERCC, DAGGER_INTERP (the tools), WORKDIR (scratch space).
# Beside NAME.c: NAME.out (expected stdout, required), NAME.status
# (expected status, default 0), NAME.args (arguments, shell words).
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
if [[ $engine == compiled ]]; then
  "$DAGGERCC" "${envflags[@]}" "$work/$name.wasm" -o "$work/$name"
  cmd=("$work/$name")
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
diff -u "$dir/$name.out" "$work/out"
if [[ $status != "$want" ]]; then
  echo "FAIL: exit status $status, expected $want"
  exit 1
fi
echo "PASS: $name ($engine)"
