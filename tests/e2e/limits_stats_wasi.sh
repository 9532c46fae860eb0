# limits_stats_wasi.wat under DAGGER_STATS: WASI calls are counted per
# function (fd_close too, which is no Dagger close), and the bytes they
# move under schemes.wasi.
DAGGER_STATS="$WORK/stats.json" "$RUN" > "$WORK/stdout" 2> "$WORK/stderr"
status=$?
if [[ $status != 0 || $(< "$WORK/stdout") != $'hi\nhi' ]]; then
  echo "FAIL: status $status, stdout:"; cat "$WORK/stdout" "$WORK/stderr"; exit 1
fi
python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
assert s["calls"]["wasi"] == {"fd_write": 2, "fd_close": 1}, s
assert set(s["calls"]["dagger"].values()) == {0}, s
assert s["schemes"] == {"wasi": {"read": 0, "written": 6}}, s
assert s["ended"] == "exit" and s["status"] == 0, s' "$WORK/stats.json"
