# limits_stats.wat under DAGGER_STATS: one JSON object with the same keys
# and, for this program, the same counts in every engine; written when the
# program traps, to a file or (DAGGER_STATS=-) after the trap line on
# stderr.
fail=0
DAGGER_STATS="$WORK/stats.json" "$RUN" > "$WORK/stdout" 2> "$WORK/stderr"
status=$?
if [[ $status != 201 || $(< "$WORK/stdout") != hi ]]; then
  echo "FAIL: status $status (expected 201), stdout:"; cat "$WORK/stdout"
  cat "$WORK/stderr"; fail=1
fi
check='import json, sys
s = json.load(open(sys.argv[1]))
keys = ["program", "status", "ended", "trap", "limit", "limits", "calls",
        "schemes", "policy_refused", "peak_memory_pages", "time"]
assert list(s) == keys, list(s)
assert s["status"] == 201 and s["ended"] == "trap", s
assert s["trap"] == "unreachable executed" and s["limit"] is None, s
assert s["limits"] == {"max_memory_pages": None, "timeout": None,
                       "cpu_time": None}, s
assert s["calls"] == {"dagger": {"open": 4, "close": 1, "read": 1,
                                 "write": 3, "flush": 1}, "wasi": {}}, s
assert s["schemes"] == {
    "stdout": {"opens": 1, "read": 0, "written": 3},
    "null": {"opens": 1, "read": 0, "written": 10},
    "zero": {"opens": 1, "read": 7, "written": 0}}, s
assert s["policy_refused"] == 1 and s["peak_memory_pages"] == 3, s
assert sorted(s["time"]) == ["system", "user", "wall"], s
assert all(isinstance(v, float) and v >= 0 for v in s["time"].values()), s
assert 0 < s["time"]["wall"] < 60, s'
if ! python3 -c "$check" "$WORK/stats.json"; then
  echo "FAIL: statistics in a file"; fail=1
fi
DAGGER_STATS=- "$RUN" > /dev/null 2> "$WORK/stderr"
sed -n '/^{$/,$p' "$WORK/stderr" > "$WORK/stats2.json"
if ! grep -Eq '^[^ ]+: trap: unreachable executed( in .*)?$' "$WORK/stderr" ||
   ! python3 -c "$check" "$WORK/stats2.json"; then
  echo "FAIL: statistics on stderr (DAGGER_STATS=-):"; cat "$WORK/stderr"; fail=1
fi
# A file that cannot be written: one line, the status unchanged.
DAGGER_STATS="$WORK/no/such/dir/s.json" "$RUN" > /dev/null 2> "$WORK/stderr"
status=$?
if [[ $status != 201 ]] ||
   ! grep -q "DAGGER_STATS=$WORK/no/such/dir/s.json: cannot write the statistics" "$WORK/stderr"; then
  echo "FAIL: an unwritable DAGGER_STATS: status $status"; cat "$WORK/stderr"; fail=1
fi
exit $fail
