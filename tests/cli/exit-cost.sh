#!/usr/bin/env bash
# Start-up and exit cost (issue 13): a program leaves its linear memory to
# the process's exit. Unmapping the 8 GiB reservation itself first costs a
# TLB flush, which under a hypervisor is one of the dearest steps of a
# short program's whole run; the exit releases it anyway.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
if ! command -v strace > /dev/null; then
  echo "SKIP: strace is not installed"
  exit 77
fi

dcc "$HELLO" -o hello
expect_status 0 "hello compiles"
strace -f -o trace -e trace=mmap,munmap ./hello > out
ok $? "hello runs under strace"
grep -q 'mmap(NULL, 8589934592, PROT_NONE' trace
ok $? "the memory is a reservation of 8 GiB (guard bounds)"
! grep -q 'munmap(0x[0-9a-f]*, 8589934592)' trace
ok $? "and it is not unmapped before the exit"
grep -q 'exited with 0' trace
ok $? "the program exits 0"

done_testing
