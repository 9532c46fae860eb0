#!/usr/bin/env bash
# Runs one example exactly as its README says, then checks what it printed.
# Usage: run-example.sh BIN_DIR EXAMPLE_DIR
#   BIN_DIR      the directory holding the daggercc to test (put first in
#                PATH, so the README's plain `daggercc` is that one)
#   EXAMPLE_DIR  examples/NAME, holding README.md
# The README's ```sh blocks, in order, are the commands: they run with
# bash -euo pipefail in a scratch copy of the example folder. Then:
#   - the README's first ```text block, if any, must equal their stdout;
#   - tests/examples/NAME.check.sh, if any, runs with OUT and ERR (the
#     files holding stdout and stderr), WORK (the scratch copy, with what
#     the commands built), PORT and PATH as the commands had them.
# PORT is a free loopback port, for commands that start a server. The
# commands run in a process group of their own, killed at the end, so a
# server they leave behind never outlives the test. Exit 77 (skip) when
# clang-19 is missing or daggercc cannot tell where the SDK is.
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
name=$(basename "$src")
here=$(cd "$(dirname "$0")" && pwd)
limit=${EXAMPLE_TIMEOUT:-300}

if ! command -v clang-19 > /dev/null; then
  echo "SKIP: clang-19 is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
export PATH="$bin:$PATH"
if ! sdk=$(daggercc --print-sdk-dir) || [[ ! -f $sdk/dagger.h ]]; then
  echo "SKIP: daggercc --print-sdk-dir does not name a folder with dagger.h"
  exit 77
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dagger-example.XXXXXX")
group=
cleanup() {
  [[ -n $group ]] && kill -KILL -- "-$group" 2> /dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
WORK=$scratch/$name
cp -R "$src" "$WORK"

# The fenced blocks of the README: sh blocks are the commands, the first
# text block the expected output.
awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on' "$src/README.md" \
  > "$scratch/commands.sh"
awk '/^```text$/ { on = 1; next } /^```/ { if (on) exit; on = 0 } on' \
  "$src/README.md" > "$scratch/expected"
if [[ ! -s $scratch/commands.sh ]]; then
  echo "FAIL: $src/README.md has no \`\`\`sh block"
  exit 1
fi

# A free port below the kernel's ephemeral range: a port from bind(0) is
# free only until it is closed, and then any test's bind(0) or outgoing
# connection may take it before the example's server binds it (gopher
# failed that way once in a parallel run). Below the range only another
# example's choice can collide, and it is random among thousands.
PORT=$(python3 -c 'import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(100):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", random.randrange(10000, low) if low > 11000 else 0))
    except OSError:
        continue
    print(s.getsockname()[1])
    break')
export PORT WORK
OUT=$scratch/stdout ERR=$scratch/stderr
export OUT ERR

echo "--- commands (in $WORK, PORT=$PORT):"
cat "$scratch/commands.sh"
set +e
(cd "$WORK" && exec setsid bash -euo pipefail "$scratch/commands.sh") \
  < /dev/null > "$OUT" 2> "$ERR" &
group=$!
sleep "$limit" > /dev/null 2>&1 &
sleeper=$!
wait -n -p finished "$group" "$sleeper"
status=$?
if [[ $finished == "$sleeper" ]]; then
  echo "FAIL: the commands did not finish within $limit s"
  kill -KILL -- "-$group" 2> /dev/null
  wait "$group"
  status=124
else
  kill "$sleeper" 2> /dev/null
fi
set -e

fail=0
if [[ $status != 0 ]]; then
  echo "FAIL: the commands exited with status $status"
  fail=1
fi
if [[ -s $scratch/expected ]] &&
  ! diff -u --label expected --label actual "$scratch/expected" "$OUT"; then
  echo "FAIL: stdout differs from the README's text block"
  fail=1
fi
if [[ $fail == 0 && -f $here/$name.check.sh ]]; then
  echo "--- $name.check.sh"
  bash -euo pipefail "$here/$name.check.sh" || fail=1
fi
if [[ $fail != 0 ]]; then
  echo "--- stdout:"
  cat "$OUT"
  echo "--- stderr:"
  cat "$ERR"
  exit 1
fi
echo "PASS: $name"
