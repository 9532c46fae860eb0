#!/usr/bin/env bash
# A compile farm: CC="distcc gcc" spreads a big module's units over the
# hosts of DISTCC_HOSTS. Here the farm is one distccd that the test starts
# on 127.0.0.1 (bounded by timeout, stopped at exit); distcc's local
# fallback is off, and distccd's own log must list every unit as compiled
# by the daemon.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
command -v distcc > /dev/null && command -v distccd > /dev/null || {
  echo "distcc.sh: distcc not installed (Debian package distcc): skipped"
  exit 77
}

# A module big enough to shard at 2000 bytes a unit.
table_module 40 2 > farm.wat

# distccd drops root for the distcc user (or nobody): its log must be
# writable by it, and its own temporary files go to /tmp.
chmod 0711 "$WORK"
mkdir -m 0777 farm
install -m 0666 /dev/null farm/distccd.log
mkdir farm/home
daemon=""
for try in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  TMPDIR=/tmp timeout 300 distccd --daemon --no-detach --listen 127.0.0.1 --port "$port" \
    --allow 127.0.0.1 --jobs 2 --log-file "$WORK/farm/distccd.log" \
    --log-level info --enable-tcp-insecure &
  daemon=$!
  for _ in $(seq 50); do
    grep -q "listening on 127.0.0.1:$port\|bind of" farm/distccd.log && break
    sleep 0.1
  done
  grep -q "bind of 127.0.0.1:$port failed" farm/distccd.log || break
  wait "$daemon"
done
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null;
  chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

export DISTCC_HOSTS=127.0.0.1:$port/2 DISTCC_FALLBACK=0 DISTCC_DIR=$WORK/farm/home
CC="distcc gcc" DAGGER_SHARD_SIZE=2000 dcc --no-cache -v farm.wat -o farm.out
expect_status 0 "a sharded compile through distcc"
units=$(grep -c -- ' -c -o ' <<<"$err")
[[ $units -gt 2 ]]
ok $? "the module was sharded ($units units)"
./farm.out
ok $(($? != 41)) "the program built on the farm runs (status 41)"
done=$(grep -c "COMPILE_OK" farm/distccd.log)
[[ $done == "$units" ]]
ok $? "distccd's log lists every unit as compiled by the daemon ($done of $units)"

# A module with data: its assembler file (.incbin of a local path) is
# assembled on this host, as distcc runs assembler files; the units still
# go to the farm.
{ table_module 40 2 | sed '$d'
  echo '  (data (i32.const 100) "farm")'
  echo '  (func (export "dagger_main") (result i32) i32.const 102 i32.load8_u))'
} > data.wat
before=$(grep -c "COMPILE_OK" farm/distccd.log)
CC="distcc gcc" DAGGER_SHARD_SIZE=2000 dcc --no-cache -v data.wat -o data.out
expect_status 0 "a sharded module with data through distcc"
./data.out
ok $(($? != 114)) "its data is in the program ('r' = 114)"
units=$(grep -- ' -c -o ' <<<"$err" | grep -vc 'daggercc-data.s')
done=$(($(grep -c "COMPILE_OK" farm/distccd.log) - before))
[[ $done == "$units" ]]
ok $? "the units went to the daemon ($done of $units), the data did not"

# With the daemon gone and the fallback off, the farm's failure is the
# compile's, with OUT untouched.
kill "$daemon"
wait "$daemon" 2> /dev/null
CC="distcc gcc" DAGGER_SHARD_SIZE=2000 dcc --no-cache farm.wat -o farm.out
expect_status 1 "no farm, no fallback"
[[ $(./farm.out; echo $?) == 41 ]]
ok $? "the earlier program is untouched"
# distcc's own preprocessed file, which it may leave when the farm is down.
rm -f "$TMPDIR"/distcc_*.i
expect_clean_tmp "distcc compiles"
done_testing
