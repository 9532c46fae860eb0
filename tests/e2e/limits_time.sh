# limits_time.wat, built with --timeout 20 --cpu-time 2: a limit that runs
# out flushes what the guest wrote, prints one line and exits 211 (wall
# clock) or 212 (CPU time); the environment lowers the limits and cannot
# raise them. Every run is bounded by timeout(1): a limit that did not
# stop the program shows as status 124.
fail=0
# Under qemu-user a program takes up to a second of wall clock and a third
# of a second of CPU before its first system call (qemu translates the
# code, and maps guard pages slowly): lowered limits leave room for that.
# The wall limit stays below the compiled-in CPU limit (2 s): a spinning
# guest uses CPU no faster than the wall clock, so the wall limit is met
# first however loaded the machine is.
wall=0.5 cpu=0.3
if [[ $ENGINE == cross:* ]]; then wall=1.5 cpu=1; fi
run() { # EXPECTED-STATUS STDERR-LINE-REGEX [ENV...]: runs with stdin /dev/null
  local want=$1 line=$2
  shift 2
  set +e
  env "$@" timeout 15 "$RUN" < /dev/null > "$WORK/stdout" 2> "$WORK/stderr"
  status=$?
  verify "$want" "$line" "$*"
}
verify() {
  if [[ $status != "$1" ]]; then
    echo "FAIL ($3): status $status, expected $1"; fail=1
  fi
  if [[ $(< "$WORK/stdout") != "before loop" ]]; then
    echo "FAIL ($3): the guest's output was not flushed:"; cat "$WORK/stdout"; fail=1
  fi
  if ! grep -Eq "^[^ ]+: trap: $2\$" "$WORK/stderr" ||
     [[ $(grep -c ': trap: ' "$WORK/stderr") != 1 ]]; then
    echo "FAIL ($3): expected one line 'PROGRAM: trap: $2'"; fail=1
  fi
  [[ $fail == 0 ]] || { echo "--- stderr:"; cat "$WORK/stderr"; }
}
run 211 'time limit exceeded' DAGGER_TIMEOUT=$wall DAGGER_STATS="$WORK/stats.json"
if [[ $fail == 0 ]] && ! python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == 211 and s["ended"] == "limit", s
assert s["limit"] == "timeout" and s["trap"] == "time limit exceeded", s
assert s["limits"]["timeout"] == float(sys.argv[2]), s
assert s["limits"]["cpu_time"] == 2, s
assert s["schemes"]["stdout"]["written"] == 12, s
assert s["calls"]["dagger"]["read"] == 1, s' "$WORK/stats.json" "$wall"; then
  echo "FAIL: statistics of a run stopped by --timeout"; fail=1
fi
run 212 'CPU time limit exceeded' DAGGER_CPU_TIME=$cpu
run 212 'CPU time limit exceeded' DAGGER_CPU_TIME=1000
grep -q 'DAGGER_CPU_TIME=1000 ignored: above the compiled-in limit of 2.000 s' \
  "$WORK/stderr" || { echo "FAIL: no note that DAGGER_CPU_TIME=1000 is ignored"; fail=1; }
# Blocked in a read of a pipe that stays silent: stopped all the same.
# (The writer's end is held by a sleep that is killed afterwards, its
# output away from ctest's pipe, which would otherwise wait for it.)
set +e
exec 3< <(exec sleep 30 > /dev/null 2>&1)
sleeper=$!
DAGGER_TIMEOUT=$wall timeout 15 "$RUN" <&3 > "$WORK/stdout" 2> "$WORK/stderr"
status=$?
kill "$sleeper" 2> /dev/null
exec 3<&-
verify 211 'time limit exceeded' 'blocked in read'
exit $fail
