#!/usr/bin/env bash
# The same module, flags and toolchain give a byte-identical program,
# whatever the current directory, temporary folder, input file name,
# time or user (issue: reproducible, self-describing binaries).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
# A daggercc built with sanitizers links them into its programs, and their
# instrumentation names the objects it was built from: not the programs
# users get.
if [[ ${DAGGER_SANITIZED:-0} == 1 ]]; then
  echo "reproducible.sh: a sanitizer build of daggercc: skipped"
  exit 77
fi
chmod 0711 "$WORK"

mkdir -m 0777 a b
cp "$HELLO" a/hello.wat
cp "$HELLO" b/other-name.wat
(cd a && TMPDIR=$WORK/tmp "$DAGGERCC" hello.wat -o prog)
ok $? "first compile"
sleep 1.1 # another second on the clock
mkdir -m 0777 b/tmp
(cd b && TMPDIR=$WORK/b/tmp "$DAGGERCC" "$WORK/b/other-name.wat" -o prog)
ok $? "second compile: another directory, TMPDIR and name"
cmp a/prog b/prog
ok $? "byte-identical across directory, TMPDIR, name and time"

# Another user (the tests run as root; nobody has a home of no use here).
if command -v setpriv > /dev/null && [[ $(id -u) == 0 ]]; then
  mkdir -m 0777 c c/tmp c/cache
  cp "$HELLO" c/h.wat
  chmod 0644 c/h.wat
  (cd c && setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env TMPDIR=$WORK/c/tmp DAGGER_CACHE_DIR=$WORK/c/cache \
    "$DAGGERCC" h.wat -o prog)
  ok $? "compile as nobody"
  cmp a/prog c/prog
  ok $? "byte-identical for another user"
fi

# A big module in shards, once from the cache: the same program too.
table_module 30 1 > big.wat
export DAGGER_CACHE_DIR=$WORK/cache DAGGER_SHARD_SIZE=1500
"$DAGGERCC" --no-cache big.wat -o big1 && "$DAGGERCC" big.wat -o big2 &&
  "$DAGGERCC" big.wat -o big3
ok $? "three sharded compiles"
cmp big1 big2 && cmp big2 big3
ok $? "sharded: compiled, stored and cached programs are byte-identical"
done_testing
