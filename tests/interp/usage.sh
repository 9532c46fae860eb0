#!/bin/sh
# The command line: --help and --version exit 0 on stdout; a missing module
# or an unknown option exits 2 with the usage on stderr; a missing file
# exits 1 with the tool's prefix; --print-policy shows the rules. usage: usage.sh DAGGER-INTERP
set -u
interp=$1
fail=0
check() { # WANT-STATUS STREAM PATTERN ARGS...
  want=$1 stream=$2 pattern=$3
  shift 3
  out=$("$interp" "$@" 2>/dev/null </dev/null)
  err=$("$interp" "$@" 2>&1 >/dev/null </dev/null)
  "$interp" "$@" >/dev/null 2>&1 </dev/null
  status=$?
  if [ "$status" != "$want" ]; then
    echo "dagger-interp $*: status $status, expected $want"; fail=1
  fi
  if [ "$stream" = stdout ]; then text=$out; else text=$err; fi
  case $text in
  *"$pattern"*) ;;
  *) echo "dagger-interp $*: $stream lacks '$pattern':"; echo "$text"; fail=1 ;;
  esac
}
check 0 stdout "usage: dagger-interp" --help
check 0 stdout "usage: dagger-interp" -h
check 0 stdout "wabt 1.0.32" --version
check 2 stderr "usage: dagger-interp" 
check 2 stderr "unknown option '--frobnicate'" --frobnicate x.wasm
check 2 stderr "no module given" --
check 1 stderr "dagger-interp: no-such-file.wasm: cannot open" no-such-file.wasm
check 1 stderr "dagger-interp: -x.wasm: cannot open" -- -x.wasm
check 2 stderr "--allow needs a non-empty rule" --allow
check 2 stderr "--deny needs a non-empty rule" --deny= x.wasm
check 0 stdout "default allow" --print-policy
check 0 stdout "allow https://a.example/" --print-policy --allow https://a.example/
check 0 stdout "default deny" --print-policy --allow https://a.example/
check 0 stdout "deny  file" --print-policy --deny=file
check 0 stdout "--max-memory SIZE" --help
check 2 stderr "--timeout -1: expected a positive number of seconds" --timeout -1 x.wasm
check 2 stderr "--cpu-time 2m: expected a positive number of seconds" --cpu-time=2m x.wasm
check 2 stderr "--max-memory 1k: expected a size of at least 64KiB" --max-memory 1k x.wasm
check 2 stderr "--timeout : expected a positive number" --timeout
exit $fail
