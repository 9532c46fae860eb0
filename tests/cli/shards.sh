#!/usr/bin/env bash
# Big modules: the module's C cut into units (compiler/shard.c), compiled
# -j at a time and kept in the object cache (compiler/objcache.c). A
# module of 120 functions, each in a table so none is dead, whose result
# (the exit status) depends on all of them; DAGGER_SHARD_SIZE makes it
# "big".
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export DAGGER_CACHE_DIR=$WORK/cache

{
  echo '(module (memory 1) (table 120 funcref)'
  for i in $(seq 0 119); do
    if ((i == 0)); then body='local.get 0 i32.const 7 i32.add'; else
      body="local.get 0 i32.const $i i32.xor call \$f$((i - 1)) i32.const 3 i32.mul"
    fi
    echo "  (func \$f$i (param i32) (result i32) $body)"
  done
  echo -n '  (elem (i32.const 0)'
  for i in $(seq 0 119); do echo -n " \$f$i"; done
  echo ')'
  echo '  (func (export "dagger_main") (result i32)'
  echo '    i32.const 5 call $f119 i32.const 255 i32.and))'
} > big.wat

# One unit: the reference status.
dcc --no-cache big.wat -o whole
expect_status 0 "one unit"
./whole
want=$?
[[ $want -ne 0 ]]
ok $? "the module computes something ($want)"

units() { grep -c -- ' -c -o ' <<<"$err"; }

# Sharded, cold cache: every unit compiled, in parallel, the same result.
DAGGER_SHARD_SIZE=2000 dcc -v -j 2 big.wat -o cold
expect_status 0 "sharded, cold cache"
n=$(units)
[[ $n -gt 5 ]]
ok $? "sharded into units ($n compiles)"
./cold
ok $(($? != want)) "sharded program gives the same status as one unit"
syms=$(nm cold)
dyn=$(nm -D cold 2> /dev/null)
grep -q ' [tT] w2c_f119$' <<<"$syms" && ! grep -q w2c_ <<<"$dyn"
ok $? "w2c_ functions are defined, hidden from the dynamic symbols"
[[ $(stat -c %a "$DAGGER_CACHE_DIR") == 700 ]]
ok $? "the cache folder is private"

# Warm cache: nothing compiled again, the same program.
DAGGER_SHARD_SIZE=2000 dcc -v big.wat -o warm
expect_status 0 "sharded, warm cache"
[[ $(units) == 0 ]]
ok $? "a warm cache compiles no unit ($(units) compiles)"
cmp -s cold warm
ok $? "the cached build is byte-identical"

# The warm build took the whole program from the cache (objcache.c): no
# wasm2c either. Without that entry, every unit comes from the cache.
grep -q 'wasm2c' <<<"$err"
ok $((!$?)) "a warm cache runs no wasm2c"
rm -rf "$DAGGER_CACHE_DIR"/progr-*
DAGGER_SHARD_SIZE=2000 dcc -v big.wat -o warm2
expect_status 0 "sharded, units from the cache"
[[ $(units) == 0 ]] && grep -q wasm2c <<<"$err"
ok $? "with the program gone, wasm2c runs and no unit compiles ($(units))"
cmp -s cold warm2
ok $? "the program of cached units is byte-identical"

# A damaged entry is found by its manifest and rebuilt, never linked.
rm -rf "$DAGGER_CACHE_DIR"/progr-*
entry=$(find "$DAGGER_CACHE_DIR" -name unit.o | head -1)
chmod u+w "$entry" "$(dirname "$entry")"
echo garbage > "$entry"
DAGGER_SHARD_SIZE=2000 dcc -v big.wat -o mended
expect_status 0 "a damaged entry"
[[ $(units) == 1 ]]
ok $? "the damaged unit alone is compiled again ($(units) compiles)"
./mended
ok $(($? != want)) "the program with the rebuilt unit is right"

# --no-cache compiles everything; -j 1 works; a changed function
# recompiles only its unit.
DAGGER_SHARD_SIZE=2000 dcc -v --no-cache -j 1 big.wat -o nocache
expect_status 0 "--no-cache -j 1"
[[ $(units) == "$n" ]]
ok $? "--no-cache compiles every unit"
sed 's/i32.const 7 i32.add/i32.const 8 i32.add/' big.wat > changed.wat
DAGGER_SHARD_SIZE=2000 dcc -v changed.wat -o changed
expect_status 0 "one function changed"
[[ $(units) -ge 1 && $(units) -le 2 ]]
ok $? "one changed function recompiles its unit and the glue ($(units))"

# Two compiles at once on one cache.
rm -rf "$DAGGER_CACHE_DIR"
DAGGER_SHARD_SIZE=2000 "$DAGGERCC" big.wat -o c1 &
DAGGER_SHARD_SIZE=2000 "$DAGGERCC" big.wat -o c2 &
wait %1
s1=$?
wait %2
ok $((s1 + $? != 0)) "two concurrent compiles on one cache"
./c1
ok $(($? != want)) "concurrent compile 1 right"
./c2
ok $(($? != want)) "concurrent compile 2 right"

# --emit-c keeps every unit, under the names it compiled.
DAGGER_SHARD_SIZE=2000 dcc --emit-c emitted big.wat -o e
expect_status 0 "--emit-c, sharded"
[[ -f emitted/daggercc-shard-1.c && -f emitted/daggercc-module.c ]]
ok $? "--emit-c writes the units: $(ls emitted | tr '\n' ' ')"

# On a terminal, a progress bar counts the units (script(1) gives one).
rm -rf "$DAGGER_CACHE_DIR"
DAGGER_SHARD_SIZE=2000 script -qec "$DAGGERCC -j 1 big.wat -o tty" \
  "$WORK/typescript" > /dev/null 2>&1
grep -aEq "\] [0-9]+/[0-9]+ units, [0-9]+:[0-9]{2} elapsed, ~[0-9]+:[0-9]{2} left" \
  "$WORK/typescript"
ok $? "a terminal shows units done/total, elapsed and an estimate"

# Usage errors.
for bad in "-j 0" "-j x" "-j 65" "-j"; do
  dcc $bad big.wat -o x
  expect_status 2 "daggercc $bad"
done
DAGGER_SHARD_SIZE=lots dcc big.wat -o x
expect_status 2 "DAGGER_SHARD_SIZE=lots"
expect_clean_tmp "shards and objects"
expect_no_partial . "sharded compiles"
done_testing
