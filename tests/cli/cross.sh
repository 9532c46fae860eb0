#!/usr/bin/env bash
# Targets and link modes: --target (known, unknown, compiler missing),
# --bounds, --static, --print-runner, --print-features, and the runtime a
# cross target gets built on first use (cache, lock) when no prebuilt one
# fits. The cross parts need aarch64-linux-gnu-gcc, s390x-linux-gnu-gcc,
# arm-linux-gnueabihf-gcc and qemu-user (scripts/install-deps.sh).
# Environment: DAGGER_BUILD_DIR (the build tree), CMAKE (cmake to use).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
export XDG_CACHE_HOME=$WORK/cache
programs_uncached "$XDG_CACHE_HOME/daggercc"
A64=aarch64-linux-gnu ARM=arm-linux-gnueabihf S390X=s390x-linux-gnu
cross=1
for tool in $A64-gcc $ARM-gcc $S390X-gcc qemu-aarch64 qemu-s390x; do
  command -v $tool >/dev/null || { echo "note: $tool missing: cross parts skipped"; cross=0; }
done
# A build configured with DAGGER_CROSS=OFF prebuilds no cross runtime.
if [[ ${DAGGER_CROSS_PREBUILT:-1} == 0 ]]; then
  echo "note: DAGGER_CROSS is off: cross parts skipped"
  cross=0
fi

# ---- the command line ------------------------------------------------------
dcc --help
for word in "--target=TRIPLE" "$A64" "$S390X" "riscv64-linux-gnu" "--bounds=KIND" \
  "--static" "--print-features" "--print-runner" "XDG_CACHE_HOME"; do
  [[ $out == *"$word"* ]]
  ok $? "--help mentions $word"
done

dcc --target=vax-dec-vms "$HELLO" -o out
expect_status 2 "an unknown target"
expect_one_line "an unknown target"
expect_err_match "^daggercc: unknown target vax-dec-vms; known targets: .*$A64.*$ARM.*riscv64-linux-gnu.*$S390X.*\(try daggercc --help\)$" \
  "an unknown target lists the known ones"
dcc --target vax-dec-vms --print-runner
expect_status 2 "--print-runner for an unknown target"
dcc --bounds=fences "$HELLO" -o out
expect_status 2 "an unknown --bounds"
expect_err_match "^daggercc: --bounds=fences: expected guard or explicit" "an unknown --bounds"
dcc --target=$ARM --bounds=guard "$HELLO" -o out
expect_status 2 "guard pages on a 32-bit target"
expect_one_line "guard pages on a 32-bit target"
expect_err_match "^daggercc: --bounds=guard: $ARM is a 32-bit target, .*64-bit.*--bounds=explicit" \
  "guard pages on a 32-bit target"
dcc --target=$S390X --bounds=guard "$HELLO" -o out
expect_status 2 "guard pages on a big-endian target"
expect_err_match "^daggercc: --bounds=guard: $S390X is a big-endian target" \
  "guard pages on a big-endian target"
expect_absent out "refused targets write nothing"
expect_clean_tmp "refused targets"

# ---- --print-runner, --print-features ---------------------------------------
dcc --print-runner
expect_status 0 "--print-runner for the host"
[[ -z $out ]]
ok $? "the host needs no runner: [$out]"
dcc --target=$A64 --print-runner
[[ $out == "qemu-aarch64 -L /usr/$A64 -E LD_LIBRARY_PATH=/usr/$A64/lib" ]]
ok $? "--print-runner for $A64: [$out]"

dcc --print-features
expect_status 0 "--print-features"
for line in "^target: [a-z0-9_]+-linux-gnu[a-z]* \(host\)$" "^runner: \(native\)$" \
  "^bounds: guard explicit \(default guard\)$" "^byte-order: little-endian$" \
  "^schemes: stdin stdout stderr fd log null zero file random( http https)?$" \
  "^http: " "^random: .*getrandom\(2\) in --static programs$" "^static: (yes|no)" \
  "^runtime: built with daggercc in "; do
  expect_out_match "$line" "--print-features for the host: $line"
done
dcc --target=$ARM --print-features
for line in "^target: $ARM$" "^pointer-size: 32-bit$" "^bounds: explicit \(default explicit\)$" \
  "^static: yes$" "^http: .*libcurl4:armhf"; do
  expect_out_match "$line" "--print-features for $ARM: $line"
done
dcc --target=$S390X --print-features
expect_out_match "^byte-order: big-endian$" "--print-features for $S390X"
expect_out_match "^bounds: explicit \(default explicit\)$" "--print-features for $S390X"
dcc --target=riscv64-linux-gnu --print-features
expect_out_match "^random: libsodium.so.23 loaded on first use where installed, else getrandom" \
  "riscv64 has no Debian libsodium package to name"

# A cross compiler that is not installed: the Debian package to install.
mkdir nobin
run env PATH="$WORK/nobin" "$DAGGERCC" --target=$A64 "$HELLO" -o out
expect_status 1 "a missing cross compiler"
expect_one_line "a missing cross compiler"
expect_err "daggercc: $A64: no C compiler $A64-gcc: install the Debian package gcc-$A64 (or set CC)" \
  "a missing cross compiler names its package"
expect_absent out "a missing cross compiler"
run env PATH="$WORK/nobin" "$DAGGERCC" --target=$A64 --print-features
expect_out_match "^compiler: $A64-gcc \(missing: install the Debian package gcc-$A64\)$" \
  "--print-features names a missing compiler's package"
expect_clean_tmp "a missing cross compiler"

# ---- --bounds=explicit on the host ------------------------------------------
dcc -v --bounds=explicit "$HELLO" -o explicit
expect_status 0 "--bounds=explicit"
grep -Eq -- "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_USE_STACK_DEPTH_COUNT=0 .*-ldagger-wasmrt-explicit" <<<"$err"
ok $? "--bounds=explicit: explicit checks, no call-depth counter: $err"
expect_hello ./explicit "--bounds=explicit program"

# ---- --static on the host ----------------------------------------------------
static_note() { # TRIPLE: what daggercc says when it has no static libcurl for it
  echo "daggercc: note: --static: no static libcurl for $1, so the program's http:// and https:// opens answer -UNSUPPORTED"
}
has_static_https() { # TRIPLE (tests/cli/static-https.sh checks it works)
  "$DAGGERCC" --target="$1" --print-features | grep -q '^http: .*static libcurl with OpenSSL'
}
dcc --print-features
host=$(sed -n 's/^target: \([^ ]*\) (host)$/\1/p' <<<"$out")
static_https=0
has_static_https "$host" && static_https=1
if grep -q "^static: yes" <<<"$out"; then
  dcc --static "$HELLO" -o hello-static
  expect_status 0 "--static"
  if ((static_https)); then
    [[ $err != *"note: --static"* ]]
    ok $? "--static with the static libcurl: no note [$err]"
  else
    expect_err "$(static_note "$host")" "--static says what a static program cannot do, in one line"
  fi
  file hello-static | grep -q "statically linked"
  ok $? "--static: $(file hello-static)"
  ! readelf -l hello-static | grep -q INTERP && ! readelf -d hello-static 2>/dev/null | grep -q NEEDED
  ok $? "--static: no interpreter, no shared library needed"
  expect_hello ./hello-static "--static program"
  dcc --static "$DATA/http-open.wat" -o http-static
  run ./http-static
  if ((static_https)); then
    [[ $status != 10 && $err != *"cannot load libcurl"* ]]
    ok $? "a static program's http open works with the static libcurl ($status, [$err])"
  else
    [[ $status == 10 && $err == *"a static program loads no shared libraries"* ]]
    ok $? "a static program's http open answers -UNSUPPORTED ($status, [$err])"
  fi
  dcc --static "$DATA/random-read.wat" -o random-static
  run ./random-static
  [[ $status == 32 ]]
  ok $? "a static program's random:// reads from getrandom(2) ($status, [$err])"
else
  dcc --static "$HELLO" -o hello-static
  expect_status 1 "--static where the host runtime uses sanitizers"
  expect_err_match "sanitizers, which cannot link statically" "--static with sanitizers"
fi
expect_clean_tmp "--static"

if [[ $cross == 0 ]]; then
  done_testing
fi

# ---- cross compiles -----------------------------------------------------------
runner() { "$DAGGERCC" --target="$1" --print-runner; }
for t in $A64 $ARM $S390X; do
  dcc --target=$t "$HELLO" -o hello-$t
  expect_status 0 "--target=$t"
done
run $(runner $A64) ./hello-$A64
[[ $status == 0 && $out == "Hello, Dagger!" ]]
ok $? "$A64 hello under qemu ($status, [$out], [$err])"
file hello-$A64 | grep -q "ARM aarch64"
ok $? "$A64: $(file hello-$A64)"
file hello-$ARM | grep -q "32-bit LSB .*ARM, EABI5"
ok $? "$ARM: $(file hello-$ARM)"
file hello-$S390X | grep -q "64-bit MSB .*IBM S/390"
ok $? "$S390X: $(file hello-$S390X)"
run $(runner $S390X) ./hello-$S390X
[[ $status == 0 && $out == "Hello, Dagger!" ]]
ok $? "$S390X hello under qemu ($status, [$out], [$err])"
dcc -v --target=$S390X "$HELLO" -o hello-be
grep -Eq -- "^$S390X-gcc .*-DWABT_BIG_ENDIAN=1 .*-I [^ ]+/include/daggercc .*-L [^ ]+/lib/daggercc/$S390X " <<<"$err" &&
  ! grep -q -- "-I */usr/include" <<<"$err"
ok $? "$S390X: its compiler, the big-endian define, its runtime: $err"

# A static cross program runs under plain qemu, without the toolchain's
# libraries.
dcc --target=$A64 --static "$HELLO" -o hello-a64-static
if has_static_https $A64; then
  [[ $err != *"note: --static"* ]]
  ok $? "--static --target=$A64 with the static libcurl: no note [$err]"
else
  expect_err "$(static_note $A64)" "--static --target=$A64"
fi
file hello-a64-static | grep -q "ARM aarch64.*statically linked"
ok $? "--static --target=$A64: $(file hello-a64-static)"
run qemu-aarch64 ./hello-a64-static
[[ $status == 0 && $out == "Hello, Dagger!" ]]
ok $? "static $A64 hello under plain qemu-aarch64 ($status, [$out], [$err])"

# ---- a runtime built on first use ---------------------------------------------
# An installed daggercc without the prebuilt runtime (as if the cross
# compiler had come after the build): two compiles at once build it once,
# into the cache, and later ones use it silently.
if [[ -n ${DAGGER_BUILD_DIR:-} ]]; then
  run "${CMAKE:-cmake}" --install "$DAGGER_BUILD_DIR" --prefix "$WORK/prefix"
  expect_status 0 "cmake --install"
  [[ -f prefix/share/daggercc/runtime/rt/core.c && -f prefix/share/daggercc/runtime/wasm2c/traps.c &&
    -f prefix/lib/daggercc/$A64/libdaggerrt.a ]]
  ok $? "the runtime's sources and the prebuilt runtimes are installed"
  rm -rf "prefix/lib/daggercc/$A64"
  installed=$WORK/prefix/bin/daggercc
  run "$installed" --target=$A64 --print-features
  expect_out_match "^runtime: built on first use in $WORK/cache/daggercc/$A64-[0-9a-f]{16}$" \
    "--print-features before the first use"
  "$installed" --target=$A64 "$HELLO" -o first 2>first.err &
  "$installed" --target=$A64 "$HELLO" -o second 2>second.err
  second=$?
  wait $!
  first=$?
  [[ $first == 0 && $second == 0 ]]
  ok $? "two compiles at once ($first, $second): $(cat first.err second.err)"
  [[ $(cat first.err second.err | grep -c "building the runtime for $A64 (once)") == 1 ]]
  ok $? "the runtime was built once: $(cat first.err second.err)"
  # The runtime's entry, beside the programs' (progr-*, objcache.c).
  entries=$(ls cache/daggercc | grep -v '\.lock$' | grep -v '^progr-')
  [[ $(wc -l <<<"$entries") == 1 && -f cache/daggercc/$entries/libdagger-wasmrt-guard.a ]]
  ok $? "one runtime entry: [$entries]"
  run $(runner $A64) ./first
  [[ $out == "Hello, Dagger!" ]]
  ok $? "a program linked against the cached runtime runs"
  run "$installed" --target=$A64 "$HELLO" -o third
  expect_status 0 "a compile with the cached runtime"
  expect_err "" "a compile with the cached runtime is silent"
  run "$installed" --target=$A64 --print-features
  expect_out_match "^runtime: cached in $WORK/cache/daggercc/$A64-" "--print-features after"
fi
expect_clean_tmp "cross compiles"
done_testing
