/* rt/wasm2c/traps.c seen from outside generated code (tests/cli/traps.sh):
 * what a fault becomes depends on where it is.
 *   traps recurse  unbounded recursion: prints "trap exhaustion"
 *   traps oob      a load in the memory's guard region (guard strategy):
 *                  prints "trap oob"
 *   traps null     a load near the null pointer (address 16, so that
 *                  UBSan's null check lets it through) in host code: dies
 *                  of SIGSEGV
 *   traps kill     SIGSEGV sent with raise(): dies of SIGSEGV
 * Compiled with a bounds strategy's defines and linked with its
 * libdagger-wasmrt-* library. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dagger/wasm2c.h"
#include "wasm-rt-impl.h"
#include "wasm-rt.h"

static int depth(volatile int n) {
  volatile char pad[256];
  pad[n & 255] = (char)n;
  return depth(n + 1) + pad[0];
}

static const char *name(wasm_rt_trap_t code) {
  switch (code) {
  case WASM_RT_TRAP_EXHAUSTION:
    return "exhaustion";
  case WASM_RT_TRAP_OOB:
    return "oob";
  default:
    return "other";
  }
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  wasm_rt_memory_t mem;
  wasm_rt_trap_t code;

  wasm_rt_init();
  wasm_rt_allocate_memory(&mem, 1, 2);
  dagger_w2c_traps_init(&mem.data);
  code = wasm_rt_impl_try();
  if (code != WASM_RT_TRAP_NONE) {
    printf("trap %s\n", name(code));
    return 0;
  }
  if (strcmp(what, "recurse") == 0)
    return depth(0);
  if (strcmp(what, "oob") == 0)
    return ((volatile unsigned char *)mem.data)[70000]; /* past page 1 */
  if (strcmp(what, "null") == 0)
    return *(volatile int *)(uintptr_t)16;
  if (strcmp(what, "kill") == 0)
    raise(SIGSEGV);
  return 1;
}
