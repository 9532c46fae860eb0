#!/usr/bin/env bash
# `cmake --install` gives a daggercc that works outside the build tree: it
# finds the runtime relative to itself, under the install prefix.
# Environment: DAGGER_BUILD_DIR (the build tree), CMAKE (cmake to use).
source "$(dirname "$0")/lib.sh"
[[ -n ${DAGGER_BUILD_DIR:-} ]] || { echo "install: DAGGER_BUILD_DIR not set"; exit 77; }
cd "$WORK"

run "${CMAKE:-cmake}" --install "$DAGGER_BUILD_DIR" --prefix "$WORK/prefix"
expect_status 0 "cmake --install"
for f in bin/daggercc lib/daggercc/libdaggerrt.a lib/daggercc/libdagger-wasmrt-guard.a \
  lib/daggercc/libdagger-wasmrt-explicit.a include/daggercc/wasm-rt.h \
  include/daggercc/wasm-rt-impl.h include/daggercc/dagger/runtime.h; do
  [[ -f prefix/$f ]]
  ok $? "installed $f"
done
DAGGERCC=$WORK/prefix/bin/daggercc dcc -v "$HELLO" -o hello
expect_status 0 "the installed daggercc compiles hello"
grep -Fq -- "-I $WORK/prefix/include/daggercc " <<<"$err" &&
  grep -Fq -- "-L $WORK/prefix/lib/daggercc " <<<"$err" &&
  ! grep -Fq -- "$DAGGER_BUILD_DIR" <<<"$err"
ok $? "the installed daggercc uses the installed runtime: $err"
# The patched wasm2c (cmake/Wasm2cLinear.cmake), where the build made one.
if [[ -x $DAGGER_BUILD_DIR/lib/daggercc/wabt/wasm2c ]]; then
  grep -q "^$WORK/prefix/lib/daggercc/wabt/wasm2c -n m " <<<"$err"
  ok $? "the installed daggercc runs the installed patched wasm2c"
fi
expect_hello ./hello "the installed daggercc's hello"
expect_clean_tmp "the installed daggercc"
done_testing
