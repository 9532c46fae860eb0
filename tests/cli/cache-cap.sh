#!/usr/bin/env bash
# The cache's second level and its cap (compiler/cache.c, objcache.c): an
# unchanged module's whole program comes from the cache, anything that
# changes the program (flags, policy, the module) misses; DAGGER_CACHE_MAX
# caps the cache, the entries used longest ago going first, never while
# another daggercc is using the cache.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export DAGGER_CACHE_DIR=$WORK/cache
for k in a b c; do sed "s/Hello, Dagger!/Hello, cache $k/" "$HELLO" > $k.wat; done
hit() { grep -q 'the program is in the cache' <<<"$err"; }
entries() { ls -d "$DAGGER_CACHE_DIR"/progr-* 2>/dev/null | wc -l; }

# The program level: a hit skips wasm2c and the compiler.
dcc -v a.wat -o a1
expect_status 0 "a first compile"
! hit
ok $? "a first compile misses"
dcc -v a.wat -o a2
expect_status 0 "the same module again"
hit && ! grep -q '^[^ ]*/wasm2c \|-c -o\|wasm-validate' <<<"$err"
ok $? "the same module again is a hit, with no wasm2c, validator or compiler"
[[ $(./a2) == "Hello, cache a" ]] && cmp -s a1 a2
ok $? "the cached program is the same program"
for change in "-O1" "--allow stdout://" "--no-cache"; do
  dcc -v $change a.wat -o a3
  expect_status 0 "a compile with $change"
  ! hit
  ok $? "$change is no hit"
done
CFLAGS=-DX dcc -v a.wat -o a3
! hit
ok $? "CFLAGS=-DX is no hit"
[[ $(./a3) == "Hello, cache a" ]]
ok $? "the program still runs"

# The cap: three programs, a used again, then a fourth program over a cap
# of 3.5 programs: the cache goes under three quarters of the cap by
# dropping b and c, used longest ago.
rm -rf "$DAGGER_CACHE_DIR"
for k in a b c; do
  dcc $k.wat -o $k
  sleep 1.1
done
dcc -v a.wat -o a
hit
ok $? "a used again"
size=$(du -sb "$DAGGER_CACHE_DIR"/progr-* | awk '{s += $1} END {print int(s / 3)}')
[[ $(entries) == 3 ]]
ok $? "three programs in the cache ($size bytes each)"
cap=$((size * 7 / 2))
# While another daggercc uses the cache, nothing is pruned: a fourth
# program goes over the cap. The shell itself holds the shared lock a
# daggercc holds while it runs, for as long as the compile takes (a
# background holder of a fixed time let go of it too early when the
# machine was busy).
exec 8>> "$DAGGER_CACHE_DIR/use.lock"
flock -s 8
DAGGER_CACHE_MAX=$cap dcc -v -O1 c.wat -o c
[[ $(entries) == 4 ]]
ok $? "no pruning while another daggercc uses the cache"
flock -u 8
exec 8>&-
sleep 1.1
DAGGER_CACHE_MAX=$cap dcc -v a.wat -o a
expect_status 0 "a compile over the cap"
expect_err_match "note: 2 cache entries pruned" "two entries are pruned, said under -v"
[[ $(entries) == 2 ]]
ok $? "two programs are left"
dcc -v a.wat -o a
hit
ok $? "the entry used last (a) stayed"
DAGGER_CACHE_MAX=0 dcc -v b.wat -o b
! hit
ok $? "b, used longest ago, was pruned"
DAGGER_CACHE_MAX=0 dcc -v b.wat -o b
hit
ok $? "DAGGER_CACHE_MAX=0: no cap"

for bad in lots 12X -1 1KX 99999999999999999999G; do
  DAGGER_CACHE_MAX=$bad dcc a.wat -o x
  expect_status 2 "DAGGER_CACHE_MAX=$bad"
done
for good in 64K 64KiB 64kB; do # the spellings --max-memory takes
  DAGGER_CACHE_MAX=$good dcc a.wat -o x
  expect_status 0 "DAGGER_CACHE_MAX=$good"
done
expect_clean_tmp "cache caps"
expect_no_partial . "cache caps"
done_testing
