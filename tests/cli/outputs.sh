#!/usr/bin/env bash
# The output on a shared machine (issue 17): never the input, only ever an
# executable of the target, any valid name. Each refused compile exits 1,
# leaves the input and an existing output untouched and leaves no partial
# or temporary file.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
wat2wasm "$HELLO" -o m.wasm
cp m.wasm m.orig
cp "$HELLO" h.wat
cp h.wat h.orig

refused() { # WHAT FILE-THAT-MUST-STAY ORIG REGEX ARGS...
  local what=$1 keep=$2 orig=$3 regex=$4
  shift 4
  dcc "$@"
  expect_status 1 "$what"
  expect_one_line "$what"
  expect_err_match "$regex" "$what"
  cmp -s "$keep" "$orig"
  ok $? "$what: $keep untouched"
  expect_no_partial . "$what"
  expect_clean_tmp "$what"
}

# 1. The output is the input: by name, by another name, by a link.
same='the output would overwrite the input$'
refused "-o the .wasm input" m.wasm m.orig "^daggercc: m\.wasm: $same" m.wasm -o m.wasm
refused "-o the .wat input" h.wat h.orig "^daggercc: h\.wat: $same" h.wat -o h.wat
refused "-o the input by another path" m.wasm m.orig "$same" ./m.wasm -o "$PWD/m.wasm"
ln m.wasm hardlink
refused "-o a hard link of the input" m.wasm m.orig "$same" m.wasm -o hardlink
ln -s m.wasm symlink
refused "-o a symlink to the input" m.wasm m.orig "$same" m.wasm -o symlink
cp m.wasm m2.wasm
dcc m2.wasm -o m.copy
expect_status 0 "a copy of the input is another file"

# 2. A compiler that exits 0 without linking a program.
echo "previous contents" >prog
cp prog prog.orig
not_prog='^daggercc: prog: the C compiler exited 0 but wrote .* instead of a program for [a-z0-9_-]+ \(check CC and CFLAGS\)$'
CC=true refused "CC=true" prog prog.orig "$not_prog" h.wat -o prog
expect_err_match "wrote an empty file" "CC=true"
for flag in -c -E -S -M --version; do
  CFLAGS=$flag refused "CFLAGS=$flag" prog prog.orig "$not_prog" h.wat -o prog
done
expect_err_match "wrote an empty file" "CFLAGS=--version"
CFLAGS=-c dcc h.wat -o prog
expect_err_match "wrote an object file" "CFLAGS=-c"
printf '#!/bin/sh\nfor a; do case $prev in -o) printf "\\177ELF\\002\\001\\001" >"$a";; esac; prev=$a; done\n' >elf-junk-cc
chmod +x elf-junk-cc
CC=$WORK/elf-junk-cc refused "a truncated ELF header" prog prog.orig "$not_prog" h.wat -o prog
CFLAGS="-shared -fPIC" refused "CFLAGS=-shared" prog prog.orig "$not_prog" h.wat -o prog
expect_err_match "wrote a shared library" "CFLAGS=-shared"
# A program, but for another machine (the word size and byte order agree).
if command -v aarch64-linux-gnu-gcc >/dev/null && [[ $(uname -m) == x86_64 ]]; then
  echo 'int main(void) { return 0; }' >other.c
  aarch64-linux-gnu-gcc other.c -o other-machine
  printf '#!/bin/sh\nfor a; do case $prev in -o) cp "%s/other-machine" "$a";; esac; prev=$a; done\n' "$WORK" >other-cc
  chmod +x other-cc
  CC=$WORK/other-cc refused "a program for another machine" prog prog.orig "$not_prog" h.wat -o prog
  expect_err_match "wrote a program for another machine" "a program for another machine"
fi
dcc h.wat -o prog
expect_hello ./prog "a real compile after the refusals"

# 8. Names as long as a file name may be: the temporary name beside OUT
# is shortened to fit.
for len in 240 255; do
  name=$(printf 'n%.0s' $(seq $len))
  dcc h.wat -o "$name"
  expect_status 0 "a $len-byte output name"
  expect_hello "./$name" "a $len-byte output name"
  expect_no_partial . "a $len-byte output name"
  rm -f "$name"
done
mkdir sub
dcc h.wat -o "sub/$(printf 'n%.0s' $(seq 250))"
expect_status 0 "a 250-byte name in a folder"

# An empty output name is a usage error, before any work.
run "$DAGGERCC" h.wat -o ""
expect_status 2 '-o ""'
expect_err_match '^daggercc: -o needs a file name \(try daggercc --help\)$' '-o ""'
run "$DAGGERCC" h.wat -o
expect_status 2 '-o without a value'

# CC and CFLAGS words are refused, not cut, past 4095 bytes.
long=$(printf 'x%.0s' $(seq 5000))
cp prog prog.orig
CFLAGS="-O1 -D$long" refused "a 5002-byte CFLAGS word" prog prog.orig \
  '^daggercc: CFLAGS: a word of 5002 bytes \("-Dxxxxxxxxxxxxxxxxxx\.\.\."\) is longer than the 4095 allowed$' h.wat -o prog
CC="gcc -D$long" refused "a long CC word" prog prog.orig '^daggercc: CC: a word of 5002 bytes' h.wat -o prog
ok4095=$(printf 'x%.0s' $(seq 4093))
CFLAGS="-D$ok4095" dcc h.wat -o prog
expect_status 0 "a 4095-byte CFLAGS word is taken whole"

done_testing
