#!/usr/bin/env bash
# Temporary files: daggercc puts them under $TMPDIR and removes them all
# after a success, after a failure, and when it is stopped by SIGTERM or
# SIGINT in the middle of a compile (then the running tool is stopped too,
# and the output is neither created nor left half-written). Also the
# progress line on a terminal.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
programs_uncached

dcc -v "$HELLO" -o hello
expect_status 0 "a compile"
grep -Eq -- "wasm2c -n m -o $TMPDIR/daggercc-[A-Za-z0-9]{6}/daggercc-module\.c" <<<"$err"
ok $? "temporary files go under \$TMPDIR: $err"
expect_clean_tmp "after a success"
CC=false dcc "$HELLO" -o hello
expect_status 1 "a failing compile"
expect_clean_tmp "after a failure"
expect_hello ./hello "the earlier output survives a failed compile"

# Relative TMPDIR: the tools still get absolute paths.
mkdir rel-tmp
TMPDIR=rel-tmp dcc -v "$HELLO" -o hello-rel
expect_status 0 "a relative TMPDIR"
grep -Eq -- "wasm2c -n m -o $WORK/rel-tmp/daggercc-" <<<"$err"
ok $? "a relative TMPDIR is made absolute: $err"
[[ -z $(ls -A rel-tmp) ]]
ok $? "a relative TMPDIR is left clean"

# Stopped while the C compiler runs: a compiler that waits to be killed.
printf '#!/bin/sh\necho $$ >"%s/cc-pid"\nmv "%s/cc-pid" "%s/cc-started"\nexec sleep 60\n' "$WORK" "$WORK" "$WORK" >slow-cc
chmod +x slow-cc
set -m # background jobs keep SIGINT (bash ignores it in them otherwise)
for sig in TERM INT; do
  rm -f cc-started
  CC=$WORK/slow-cc "$DAGGERCC" "$HELLO" -o stopped 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do
    [[ -e cc-started ]] && break
    sleep 0.1
  done
  [[ -e cc-started ]]
  ok $? "SIG$sig: the slow compiler started"
  kill -s "$sig" "$pid"
  wait "$pid"
  status=$?
  want=$((128 + $(kill -l "$sig")))
  [[ $status == "$want" ]]
  ok $? "SIG$sig: daggercc dies of the signal (status $status, expected $want)"
  expect_clean_tmp "SIG$sig"
  expect_absent stopped "SIG$sig"
  expect_no_partial . "SIG$sig"
  cc_pid=$(cat cc-started)
  ! kill -0 "$cc_pid" 2>/dev/null
  ok $? "SIG$sig: the compiler was stopped too"
done
set +m

# On a terminal, without -v: a progress line, rewritten in place, cleared.
if command -v script >/dev/null; then
  forget_programs
  script -qec "$DAGGERCC $HELLO -o tty-hello" /dev/null </dev/null >tty.log
  for n in "1/4" "2/4] wasm2c" "3/4" "4/4"; do
    grep -Fq "daggercc: [$n" tty.log
    ok $? "the terminal shows stage $n"
  done
  [[ $(tail -c 1 tty.log) == $'\r' && $(tr -d '\r ' <tty.log | tail -c 3) == "..." ]]
  ok $? "the progress line is cleared at the end"
  expect_hello ./tty-hello "the compile with a progress line"
  forget_programs
  script -qec "$DAGGERCC -v $HELLO -o tty-hello" /dev/null </dev/null >tty-v.log
  ! grep -Fq "[1/4]" tty-v.log
  ok $? "-v shows commands instead of a progress line"
fi
expect_clean_tmp "the end"
done_testing
