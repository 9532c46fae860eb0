#!/usr/bin/env bash
# Every way a compile fails: bad input files, modules outside the Dagger
# ABI, invalid or untranslatable code, unusable output paths, a failing or
# crashing C compiler. Each exits 1 with one located message, writes no
# output, leaves an existing output untouched and leaves no temporary file.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
echo "previous contents" >existing
cp existing existing.orig

fails() { # WHAT EXPECTED-STDERR-REGEX ARGS... (output: ./existing)
  local what=$1 regex=$2
  shift 2
  dcc "$@" -o existing
  expect_status 1 "$what"
  expect_err_match "$regex" "$what"
  cmp -s existing existing.orig
  ok $? "$what leaves the existing output untouched"
  expect_no_partial . "$what"
  expect_clean_tmp "$what"
}

# Input files.
fails "missing input" '^daggercc: nope\.wasm: cannot open: No such file or directory$' nope.wasm
mkdir adir
fails "a directory as input" '^daggercc: adir: not a regular file$' adir
if [[ $(id -u) != 0 ]]; then
  cp "$HELLO" locked.wat && chmod 000 locked.wat
  fails "unreadable input" '^daggercc: locked\.wat: .*Permission denied' locked.wat
fi
printf 'garbage' >garbage.wasm
fails "not a module" '^daggercc: garbage\.wasm: at byte 0x0: ' garbage.wasm
wat2wasm "$HELLO" -o hello.wasm
head -c 30 hello.wasm >truncated.wasm
fails "truncated module" '^daggercc: truncated\.wasm: at byte 0x[0-9a-f]+: .*past the end' truncated.wasm
printf '(module (func' >syntax.wat
fails "text syntax error" '^syntax\.wat:1:[0-9]+: error: .*' syntax.wat
expect_err_match '^daggercc: syntax\.wat: wat2wasm failed \(exit status 1\)$' "text syntax error"

# Modules outside the ABI: the message carries the file name as location.
cp "$DATA"/*.wat .
fails "unknown import" '^daggercc: unknown-import\.wat: import dagger\.frobnicate: not part of the Dagger ABI' unknown-import.wat
expect_one_line "unknown import"
fails "wrong signature" '^daggercc: wrong-signature\.wat: import dagger\.open: signature \(i32\) -> i32, expected \(i32, i32\) -> i32$' wrong-signature.wat
fails "no entry" '^daggercc: no-entry\.wat: no entry point' no-entry.wat

# Invalid code is wasm-validate's to find, before wasm2c sees it.
wat2wasm --no-check invalid.wat -o invalid.wasm
fails "invalid code" '^daggercc: invalid\.wasm: at byte 0x[0-9a-f]+: type mismatch' invalid.wasm
expect_one_line "invalid code"

# SIMD: wasm2c 1.0.32 would abort with status 134 and no message.
simd_msg='module uses SIMD \(v128\), which wasm2c 1\.0\.32 cannot translate$'
fails "SIMD in code only" "^daggercc: simd\.wat: $simd_msg" simd.wat
fails "SIMD in a local" "^daggercc: simd-local\.wat: $simd_msg" simd-local.wat
wat2wasm simd.wat -o simd.wasm
fails "SIMD in a .wasm" "^daggercc: simd\.wasm: $simd_msg" simd.wasm

# Outputs that cannot be written.
dcc "$HELLO" -o nodir/out
expect_status 1 "output in a missing directory"
expect_err 'daggercc: nodir/out: cannot create the output: No such file or directory' "output in a missing directory"
expect_absent nodir "output in a missing directory"
expect_clean_tmp "output in a missing directory"
mkdir outdir
dcc "$HELLO" -o outdir
expect_status 1 "output onto a directory"
expect_err_match '^daggercc: outdir: exists and is not a regular file$' "output onto a directory"
expect_no_partial . "output onto a directory"
expect_clean_tmp "output onto a directory"

mkfifo fifo
dcc "$HELLO" -o fifo
expect_status 1 "output onto a FIFO"
[[ -p fifo ]]
ok $? "a FIFO named as output stays a FIFO"
expect_no_partial . "output onto a FIFO"

# The C compiler fails, cannot be found, or crashes.
CC=false fails "CC=false" '^daggercc: .*hello\.wat: the C compiler failed \(exit status 1\)$' "$HELLO"
CC=no-such-compiler-here fails "a missing CC" 'cannot run no-such-compiler-here: No such file or directory$' "$HELLO"
printf '#!/bin/sh\nkill -SEGV $$\n' >crashing-cc
chmod +x crashing-cc
CC=$WORK/crashing-cc fails "a crashing CC" 'crashing-cc: killed by SIGSEGV$' "$HELLO"
CC=" " dcc "$HELLO" -o blank-cc
expect_hello ./blank-cc "a blank CC means the default compiler"
dcc "$HELLO" -o ok-after-failures
expect_status 0 "a compile after failures"
expect_clean_tmp "a compile after failures"

# TMPDIR that cannot be used.
TMPDIR=$WORK/no-such-tmp dcc "$HELLO" -o out
expect_status 1 "a missing TMPDIR"
expect_err_match "^daggercc: cannot create a temporary directory in $WORK/no-such-tmp: No such file or directory$" "a missing TMPDIR"
expect_absent out "a missing TMPDIR"
expect_no_partial . "a missing TMPDIR"

done_testing
