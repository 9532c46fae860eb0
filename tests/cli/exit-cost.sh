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
# LeakSanitizer cannot run under ptrace; the run below has it.
ASAN_OPTIONS=detect_leaks=0 strace -f -o trace -e trace=mmap,munmap ./hello > out
ok $? "hello runs under strace"
grep -q 'mmap(NULL, 8589934592, PROT_NONE' trace
ok $? "the memory is a reservation of 8 GiB (guard bounds)"
! grep -q 'munmap(0x[0-9a-f]*, 8589934592)' trace
ok $? "and it is not unmapped before the exit"
grep -q 'exited with 0' trace
ok $? "the program exits 0"
# What the exit releases is no leak: in a sanitizer build, LeakSanitizer
# would report the instance's tables here.
expect_hello ./hello "hello without strace"
./hello > out 2> err
[[ $? == 0 && ! -s err ]]
ok $? "hello leaves nothing on stderr: $(head -c 300 err)"
table_module 3 5 > table.wat
dcc table.wat -o table
expect_status 0 "a module with a table compiles"
./table > out 2> err
status=$?
[[ $status == 7 && ! -s err ]]
ok $? "its table is left to the exit too: status $status (7), stderr [$(head -c 300 err)]"

done_testing
