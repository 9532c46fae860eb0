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
dcc h.wat -o prog
expect_hello ./prog "a real compile after the refusals"

done_testing
