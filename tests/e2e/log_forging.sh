# log_forging.wat: two writes give exactly two stamped lines, escaped; the
# bad prefixes are refused.
fail=0
out=$("$RUN" 2> "$WORK/stderr")
[[ $out == $'-2\n-2' ]] || { echo "FAIL: stdout [$out], expected two -2"; fail=1; }
stamp='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z app: '
[[ $(wc -l < "$WORK/stderr") == 2 ]] || { echo "FAIL: not two lines"; fail=1; }
[[ $(grep -Ec "$stamp" "$WORK/stderr") == 2 ]] || { echo "FAIL: unstamped line"; fail=1; }
grep -Eq "${stamp}x\\\\x0a2026-01-01T00:00:00\\.000Z admin: forged\$" "$WORK/stderr" ||
  { echo "FAIL: the forged line is not escaped"; fail=1; }
grep -Eq "${stamp}\\\\x1b\\[31mred\\\\x0d\\\\x0b\\\\x00!\\\\\\\\\$" "$WORK/stderr" ||
  { echo "FAIL: controls not escaped"; fail=1; }
[[ $fail == 0 ]] || { echo "--- stderr:"; cat -A "$WORK/stderr"; }
exit $fail
