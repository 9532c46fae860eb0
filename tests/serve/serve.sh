#!/usr/bin/env bash
# Serve mode (docs/serve.md): builds serve_guest.wat and, when clang-19 and
# wasi-libc are there, serve_wasi.c, then drives both through their control
# socket (serve-driver.py). Usage: serve.sh DAGGERCC [DAGGERCC FLAGS...]
set -euo pipefail
daggercc=$1
shift
# Another target's programs run under its runner (qemu-user), and speak
# the protocol in their own byte order.
for flag in "$@"; do
  if [[ $flag == --target=* ]]; then
    triple=${flag#--target=}
    if ! SERVE_RUNNER=$("$daggercc" --target="$triple" --print-runner); then
      echo "SKIP: no runner for $triple"
      exit 77
    fi
    export SERVE_RUNNER
    case $triple in
    s390x-* | powerpc-* | powerpc64-* | mips-* | mips64-*) SERVE_BYTE_ORDER='>' ;;
    *) SERVE_BYTE_ORDER='<' ;;
    esac
    export SERVE_BYTE_ORDER
  fi
done
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-serve.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$daggercc" "$@" "$here/serve_guest.wat" -o "$work/guest"
progs=("$work/guest")
if command -v clang-19 > /dev/null && [[ -d /usr/lib/wasm32-wasi ]]; then
  clang-19 --target=wasm32-wasi -O2 -Wall -Wextra -Werror \
    "$here/serve_wasi.c" -o "$work/wasi.wasm"
  "$daggercc" "$@" "$work/wasi.wasm" -o "$work/wasi"
  progs+=("$work/wasi")
else
  echo "note: clang-19 or wasi-libc missing: the WASI guest is not tested"
fi
cd "$work"
python3 "$here/serve-driver.py" "${progs[@]}"
