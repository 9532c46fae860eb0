# memory_4gib_declared.wat: a declared memory of 65,536 pages works where
# the target can map 4 GiB (64-bit); elsewhere the program refuses to
# start, with one line on stderr and status 209.
if [[ $ENGINE == interp ]]; then
  # wabt's interpreter zero-fills its std::vector memory: 4 GiB of RSS.
  echo "SKIP: 4 GiB memories are too costly in wabt's interpreter"
  exit 77
fi
fail=0
# check WHAT STATUS WANT_STATUS OUTPUT WANT_OUTPUT STDERR_PATTERN (empty:
# stderr must be empty)
check() {
  local err_ok=1
  if [[ -z $6 ]]; then
    [[ -s $WORK/stderr ]] && err_ok=0
  else
    grep -Eq -- "$6" "$WORK/stderr" || err_ok=0
  fi
  if [[ $2 != "$3" || $4 != "$5" || $err_ok == 0 ]]; then
    echo "FAIL: $1: status $2 (expected $3), stdout:"
    printf '%s\n' "$4"
    echo "--- stderr:"; cat "$WORK/stderr"
    fail=1
  fi
}
if [[ $BITS == 64 ]]; then
  got=$("$RUN" < /dev/null 2> "$WORK/stderr")
  check run $? 0 "$got" $'ok\n*' ''
  got=$(echo t | "$RUN" 2> "$WORK/stderr")
  check trap $? 202 "$got" $'ok\n*' 'trap: out of bounds memory access'
else
  got=$("$RUN" < /dev/null 2> "$WORK/stderr")
  check start $? 209 "$got" '' \
    "cannot allocate the module's memory of 65536 pages \(4294967296 bytes\)"
  [[ $(wc -l < "$WORK/stderr") == 1 ]] || { echo "FAIL: not one line"; fail=1; }
fi
exit $fail
