#!/usr/bin/env bash
# DAGGER_BACKTRACE=1: the trap line, then one "  at NAME" line per wasm
# function on the stack, innermost first; without it, the trap line only.
set -uo pipefail
cd "$WORK"
"$RUN" 2> err1
status=$?
DAGGER_BACKTRACE=1 "$RUN" 2> err2
status2=$?
fail=0
[[ $status == 201 && $status2 == 201 ]] || { echo "FAIL: status $status/$status2, expected 201"; fail=1; }
[[ $(wc -l < err1) == 1 ]] && grep -Eq ': trap: unreachable executed in leaf$' err1 ||
  { echo "FAIL: without DAGGER_BACKTRACE:"; cat err1; fail=1; }
want=$(printf '%s\n' 'trap: unreachable executed in leaf' '  at leaf' \
  '  at recurse (4 times)' '  at outer' '  at dagger_main')
got=$(sed 's/^[^:]*: //' err2)
[[ $got == "$want" ]] || { echo "FAIL: with DAGGER_BACKTRACE=1:"; cat err2; fail=1; }
exit $fail
