#!/usr/bin/env bash
# daggercc --harness (docs/spec.md) on its own: two modules linked by a
# harness, module names and defines as documented, a trap caught, invalid
# input refused without output, the module limit. DAGGERCC: the compiler.
set -euo pipefail
: "${DAGGERCC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Module 0 exports a memory and a function; module 1 imports both (from
# "lib", which the harness binds to module 0) and an spectest-like global.
cat >lib.wat <<'EOF'
(module
  (memory (export "mem") 1 2)
  (func (export "twice") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2))))
EOF
cat >user.wat <<'EOF'
(module
  (import "lib" "twice" (func $twice (param i32) (result i32)))
  (import "lib" "mem" (memory 1))
  (import "env" "g" (global $g i32))
  (func (export "run") (result i32)
    (i32.store (i32.const 8) (call $twice (global.get $g)))
    (i32.load (i32.const 8)))
  (func (export "oob") (result i32) (i32.load (i32.const 70000))))
EOF
cat >harness.c <<'EOF'
#include <stdio.h>
#include "dagger/wasm2c.h"
#include "wasm-rt-impl.h"

#if DAGGERCC_HARNESS_MODULES != 2
#error "two modules expected"
#endif
#ifndef DAGGERCC_HARNESS_MEMORY_0
#error "module 0 defines a memory"
#endif
#ifdef DAGGERCC_HARNESS_MEMORY_1
#error "module 1 imports its memory"
#endif

struct Z_lib_instance_t { int unused; };
struct Z_env_instance_t { int unused; };
static Z_m_instance_t lib;
static Z_m1_instance_t user;
static struct Z_lib_instance_t lib_imports;
static struct Z_env_instance_t env_imports;
static u32 g = 21;

u32 Z_libZ_twice(struct Z_lib_instance_t *i, u32 a) {
  (void)i;
  return Z_mZ_twice(&lib, a);
}
wasm_rt_memory_t *Z_libZ_mem(struct Z_lib_instance_t *i) {
  (void)i;
  return Z_mZ_mem(&lib);
}
u32 *Z_envZ_g(struct Z_env_instance_t *i) {
  (void)i;
  return &g;
}

static int call(u32 (*f)(Z_m1_instance_t *), u32 *out) {
  wasm_rt_trap_t code = wasm_rt_impl_try();
  if (code != WASM_RT_TRAP_NONE)
    return (int)code;
  *out = f(&user);
  return 0;
}

int main(void) {
  u32 r = 0;
  wasm_rt_init();
  dagger_w2c_traps_init(&lib.DAGGERCC_HARNESS_MEMORY_0.data);
  Z_m_init_module();
  Z_m1_init_module();
  Z_m_instantiate(&lib);
  Z_m1_instantiate(&user, &env_imports, &lib_imports);
  int code = call(Z_m1Z_run, &r);
  printf("run %d %u\n", code, r);
  code = call(Z_m1Z_oob, &r);
  printf("oob %d\n", code == WASM_RT_TRAP_OOB);
  dagger_w2c_traps_fini();
  return 0;
}
EOF

"$DAGGERCC" --harness harness.c lib.wat user.wat -o prog ||
  fail "two modules do not build"
[[ $(./prog) == $'run 0 42\noob 1' ]] || fail "wrong output: $(./prog)"

# The same with explicit bounds checks.
"$DAGGERCC" --bounds=explicit --harness harness.c lib.wat user.wat -o prog2 ||
  fail "explicit bounds do not build"
[[ $(./prog2) == $'run 0 42\noob 1' ]] || fail "explicit: $(./prog2)"

# An invalid module is refused by the checks: status 1, a message, no
# output, not a C compiler failure.
printf '(module (func (result i32) (i64.const 0)))' >bad.wat
set +e
"$DAGGERCC" --harness harness.c lib.wat bad.wat -o out 2>err
status=$?
set -e
[[ $status == 1 ]] || fail "invalid module: status $status"
[[ ! -e out ]] || fail "invalid module: output left"
grep -q '^daggercc: bad.wat' err || fail "invalid module: $(cat err)"
grep -q 'C compiler' err && fail "invalid module reached the C compiler"

# No Dagger ABI check: the imports above are not Dagger calls, and a
# program build of user.wat refuses them.
if "$DAGGERCC" user.wat -o out 2>/dev/null; then
  fail "user.wat built as a program"
fi

# At most 64 modules: usage error.
mods=()
for i in $(seq 65); do mods+=(lib.wat); done
set +e
"$DAGGERCC" --harness harness.c "${mods[@]}" -o out 2>err
status=$?
set -e
[[ $status == 2 ]] || fail "65 modules: status $status"
echo "hook: ok"
