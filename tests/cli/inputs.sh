#!/usr/bin/env bash
# Inputs that are not module files (issue 17): devices, FIFOs, directories
# and files over the size limit are refused at once, with one line naming
# them, exit 1, and nothing written.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

refused() { # WHAT REGEX ARGS...
  local what=$1 regex=$2
  shift 2
  run timeout 20 "$DAGGERCC" "$@" -o out
  expect_status 1 "$what"
  expect_one_line "$what"
  expect_err_match "$regex" "$what"
  expect_absent out "$what writes no output"
  expect_no_partial . "$what"
  expect_clean_tmp "$what"
}

refused "/dev/zero" '^daggercc: /dev/zero: not a regular file$' /dev/zero
refused "/dev/null" '^daggercc: /dev/null: not a regular file$' /dev/null
mkfifo fifo.wasm
refused "a FIFO" '^daggercc: fifo\.wasm: not a regular file$' fifo.wasm
mkfifo fifo.wat
refused "a FIFO .wat" '^daggercc: fifo\.wat: not a regular file$' fifo.wat
mkdir dir.wasm
refused "a directory" '^daggercc: dir\.wasm: not a regular file$' dir.wasm
truncate -s $((1024 * 1024 * 1024 + 1)) big.wasm
refused "over 1 GiB" '^daggercc: big\.wasm: larger than the limit of 1024 MiB for an input$' big.wasm
ln -s /dev/zero zero.wasm
refused "a symlink to a device" '^daggercc: zero\.wasm: not a regular file$' zero.wasm

# --harness checks every module and the harness source the same way.
echo 'int x;' >h.c
refused "a FIFO harness" '^daggercc: fifo\.wasm: not a regular file$' --harness h.c "$HELLO" fifo.wasm
refused "a device as harness source" '^daggercc: /dev/zero: not a regular file$' --harness /dev/zero "$HELLO"

done_testing
