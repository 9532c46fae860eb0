# limits_memory.wat, built with --max-memory 1M (16 pages): grows stop at
# the limit; DAGGER_MAX_MEMORY lowers it and cannot raise it; the
# statistics show the peak and the limit.
fail=0
check() { # NAME WANT GOT
  if [[ $2 != "$3" ]]; then
    echo "FAIL: $1: expected:"; printf '%s\n' "$2"; echo "got:"
    printf '%s\n' "$3"; echo "--- stderr:"; cat "$WORK/stderr"; fail=1
  fi
}
got=$(DAGGER_STATS="$WORK/stats.json" "$RUN" 2> "$WORK/stderr"; echo "status $?")
check "compiled-in limit" "1 4 -1 16 status 0" "$(echo $got)"
check "stats" "16 16 exit" "$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(s["peak_memory_pages"], s["limits"]["max_memory_pages"], s["ended"])' \
  "$WORK/stats.json")"
got=$(DAGGER_MAX_MEMORY=256K "$RUN" 2> "$WORK/stderr"; echo "status $?")
check "lowered to 4 pages" "1 -1 -1 4 status 0" "$(echo $got)"
check "lowered: stderr" "" "$(cat "$WORK/stderr")"
got=$(DAGGER_MAX_MEMORY=1G "$RUN" 2> "$WORK/stderr"; echo "status $?")
check "not raised" "1 4 -1 16 status 0" "$(echo $got)"
grep -Eq '^[^ ]+: DAGGER_MAX_MEMORY=1G ignored: above the compiled-in limit of 16 pages of 64KiB, which the environment may only lower$' \
  "$WORK/stderr" || { echo "FAIL: no note that DAGGER_MAX_MEMORY=1G is ignored"; cat "$WORK/stderr"; fail=1; }
got=$(DAGGER_MAX_MEMORY=lots "$RUN" 2> "$WORK/stderr"; echo "status $?")
check "invalid value" "status 213" "$(echo $got)"
grep -q 'DAGGER_MAX_MEMORY=lots: not a size' "$WORK/stderr" ||
  { echo "FAIL: no message for DAGGER_MAX_MEMORY=lots"; fail=1; }
exit $fail
