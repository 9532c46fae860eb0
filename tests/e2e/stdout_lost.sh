# Output acknowledged to the guest and lost at exit (stdout on /dev/full):
# one line on stderr, and status 210 where the guest returned 0; a
# non-zero status, the guest's or a trap's, is kept. With a working stdout
# nothing changes.
[[ -w /dev/full ]] || { echo "SKIP: no /dev/full"; exit 77; }
fail=0
# run NAME STDIN STDOUT WANT_STATUS WANT_LINES (stderr lines)
run() {
  echo "$2" | "$RUN" > "$3" 2> "$WORK/$1.err"
  local status=$? lines
  lines=$(grep -c 'output lost' "$WORK/$1.err")
  if [[ $status != "$4" || $lines != "$5" ]]; then
    echo "FAIL: $1: status $status (expected $4), $lines 'output lost' lines (expected $5)"
    cat "$WORK/$1.err"; fail=1
  fi
}
run lost 0 /dev/full 210 1
run own-status 3 /dev/full 3 1
run trap t /dev/full 201 1
run ok 0 "$WORK/out" 0 0
[[ $(cat "$WORK/out") == "hello, world" ]] || { echo "FAIL: stdout"; fail=1; }
[[ ! -s $WORK/ok.err ]] || { echo "FAIL: stderr not empty"; fail=1; }
# exactly one line, and it names the program
[[ $(wc -l < "$WORK/lost.err") == 1 ]] || { echo "FAIL: more than one line"; fail=1; }
grep -Eq '^[^ ]*: output lost: ' "$WORK/lost.err" || { echo "FAIL: the line"; fail=1; }
grep -q 'trap: unreachable' "$WORK/trap.err" || { echo "FAIL: no trap line"; fail=1; }
exit $fail
