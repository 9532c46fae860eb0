#!/usr/bin/env bash
# Data segments go into the executable as binary (compiler/data.c): the
# module's C declares a symbol where wasm2c wrote an array literal, and an
# assembler file defines it by .incbin. A 20 MiB segment compiles with a
# small peak RSS (as a C literal it took gcc minutes and gigabytes), the
# program checks every byte, a wrong byte is noticed, and the same holds
# on a cross target, sharded, with the object cache, and in --emit-c.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export DAGGER_CACHE_DIR=$WORK/cache
GEN=$DATA/data-module.py

# peak COMMAND...: runs it as dcc does; $rss gets the peak RSS in MiB of
# the command and every process it waited for.
peak() {
  rss=$(python3 - "$@" 3<&1 <<'PY' 2>"$WORK/stderr" >"$WORK/stdout"
import os, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL)
os.write(3, b"%d %d" % (r.returncode,
         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
PY
)
  status=${rss% *} rss=${rss#* } err=$(cat "$WORK/stderr")
}

python3 "$GEN" 20 > big.wasm
python3 "$GEN" 0.1 12345 > flipped.wasm

peak "$DAGGERCC" --no-cache -v --emit-c emitted big.wasm -o big
expect_status 0 "a 20 MiB data segment"
[[ $rss -lt 400 ]]
ok $? "its peak RSS is small: $rss MiB (gcc of the C literal: gigabytes)"
grep -q 'daggercc-data.s' <<<"$err"
ok $? "the data's assembler file is part of the link"
./big
ok $? "every byte of the data arrives in memory (status $?)"
dcc --no-cache flipped.wasm -o flipped
expect_status 0 "a module with one byte changed"
./flipped
ok $(($? != (12345 + 1) % 256)) "the check notices the changed byte"

# --emit-c: no array literal, the bytes and the assembler beside the C.
! grep -q 'data_segment_data_.*= {' emitted/daggercc-module.c
ok $? "the module's C holds no data array"
[[ $(stat -c %s emitted/daggercc-module.c) -lt 200000 ]]
ok $? "the module's C is small ($(stat -c %s emitted/daggercc-module.c) bytes)"
[[ $(stat -c %s emitted/daggercc-data.bin) == $((20 * 1048576 + 12)) ]]
ok $? "daggercc-data.bin holds both segments"
(cd emitted && cc -c daggercc-data.s -o data.o 2>&1) &&
  nm emitted/data.o | grep -q ' R daggercc_data_0_1$'
ok $? "the emitted assembler file assembles in its folder"

# Sharded, with the cache: a changed data byte changes the program (the
# data is assembled again at every link, never taken from the cache).
{ table_module 40 2 | sed '$d'; echo '  (data (i32.const 100) "shard")'; \
  echo '  (func (export "dagger_main") (result i32) i32.const 102 i32.load8_u))'; } > sharded.wat
DAGGER_SHARD_SIZE=2000 dcc -v sharded.wat -o sharded
expect_status 0 "a sharded module with data"
units=$(grep -c -- ' -c -o ' <<<"$err")
[[ $units -gt 2 ]]
ok $? "it was sharded ($units units)"
./sharded
ok $(($? != 97)) "the sharded program reads its data ('a' = 97)"
sed 's/"shard"/"shore"/' sharded.wat > changed.wat
DAGGER_SHARD_SIZE=2000 dcc -v changed.wat -o changed
expect_status 0 "the same module with its data changed"
./changed
ok $(($? != 111)) "the changed data is in the program ('o' = 111)"

# memory.init and table.init in a unit other than the one defining the
# segments (once a compile error: the segments were static to shard 0).
cat > init.wat <<'W'
(module (memory 1) (data $p "passive!") (table 2 funcref) (elem $e func $a $b)
 (func $a (result i32) i32.const 1)
 (func $b (result i32)
   (memory.init $p (i32.const 0) (i32.const 0) (i32.const 4))
   (table.init $e (i32.const 0) (i32.const 0) (i32.const 2)) i32.const 2)
 (func (export "dagger_main") (result i32)
   call $b drop i32.const 1 i32.load8_u))
W
DAGGER_SHARD_SIZE=1 dcc --no-cache init.wat -o init
expect_status 0 "memory.init and table.init in another unit"
./init
ok $(($? != 97)) "memory.init copied the passive segment ('a' = 97)"

# A cross target: the same bytes (wasm2c reverses them at run time on a
# big-endian host, so the binary is the same for every target).
for t in aarch64-linux-gnu s390x-linux-gnu; do
  runner=$("$DAGGERCC" --target=$t --print-runner 2>/dev/null)
  if [[ ${DAGGER_CROSS_PREBUILT:-1} == 0 ]] || ! command -v $t-gcc >/dev/null ||
    ! command -v "${runner%% *}" >/dev/null; then
    echo "note: $t not available: skipped"
    continue
  fi
  mib=20
  [[ $t == s390x-linux-gnu ]] && mib=2
  python3 "$GEN" $mib > cross.wasm
  dcc --no-cache --target=$t --bounds=explicit cross.wasm -o cross-$t
  expect_status 0 "a $mib MiB data segment for $t"
  $runner ./cross-$t
  ok $? "$t: every byte of the data arrives in memory"
done

expect_clean_tmp "data modules"
expect_no_partial . "data modules"
done_testing
