/* wasm2c's own runtime, wasm-rt-impl.c from Debian's wabt 1.0.32 (trap
 * set-up, memory allocation and growth), compiled through this file so that
 * its mprotect calls go through dagger_mprotect below.
 *
 * Under guard pages wasm_rt_allocate_memory reserves 8 GiB and makes the
 * initial pages accessible with mprotect(base, initial size), which is
 * mprotect(base, 0) for a memory of 0 pages. Linux answers 0 there, but
 * qemu-user 7.2 (Debian 12) answers ENOMEM, and wasm-rt-impl.c then aborts
 * with "os_mprotect failed.": every module with an empty memory died at
 * start-up when cross-compiled with guard pages (aarch64, riscv64) and run
 * under qemu. Changing no pages always succeeds, so a length of 0 is
 * answered here without asking the kernel.
 *
 * wasm-rt-impl.c is copied beside this file as wasm-rt-impl.inc (not .c,
 * so that daggercc, which compiles every .c of this folder when it builds a
 * runtime for another target, compiles it once, here). <sys/mman.h> comes
 * first, so the macro renames wasm-rt-impl.c's calls, not the declaration. */
#include <stddef.h>
#include <sys/mman.h>

static int dagger_mprotect(void *addr, size_t len, int prot) {
  return len == 0 ? 0 : mprotect(addr, len, prot);
}
#define mprotect dagger_mprotect

#include "wasm-rt-impl.inc"
