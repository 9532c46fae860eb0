/* daggercc: the wasm2c-specific part of the runtime, for generated glue.
 *
 * wasm2c 1.0.32's own SIGSEGV handler calls every fault a wasm trap (a
 * permission fault an out-of-bounds access, any other fault stack
 * exhaustion), so a null-pointer bug in host code would be reported as a
 * guest trap, and under qemu-user, whose guest stack guard is a PROT_NONE
 * page, stack exhaustion came out as an out-of-bounds access. daggercc builds
 * wasm-rt-impl.c without that handler (WASM_RT_SKIP_SIGNAL_RECOVERY=1) and
 * installs this one, which decides by the fault address:
 *   - inside the memory's guard-page reservation (guard strategy only):
 *     out-of-bounds access;
 *   - in the main thread's stack or just below its limit: call-stack
 *     exhaustion. This replaces wasm2c's call-depth counter in the explicit
 *     strategy (WASM_RT_USE_STACK_DEPTH_COUNT=0), which made recursive code
 *     up to 2.4x slower;
 *   - anywhere else: a host bug, so the process dies of the signal as if no
 *     handler existed.
 * Installed as: dagger_w2c_traps_init() before wasm_rt_impl_try(), so after
 * the trap buffer is set the handler may jump to it; dagger_w2c_traps_fini()
 * once no guest code runs any more. */
#ifndef DAGGER_WASM2C_H
#define DAGGER_WASM2C_H

#include <stdint.h>

#ifndef __cplusplus
/* wasm2c's float helpers (sqrt, floor, ceil, trunc, nearest, min, max)
 * test isnan() on every call. Under -fsignaling-nans, which wabt asks for,
 * glibc's <math.h> makes isnan a call to __isnan/__isnanf instead of an
 * inline compare; the call and the register spills around it made n-body
 * 1.3x slower than native C. This bit test computes exactly what the call
 * does. Generated glue includes this header before the module's C, whose own
 * #include <math.h> then changes nothing. */
#include <math.h>
#include <string.h>
#undef isnan
static inline int dagger_isnanf(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return (u & 0x7fffffffu) > 0x7f800000u;
}
static inline int dagger_isnan(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return (u & 0x7fffffffffffffffu) > 0x7ff0000000000000u;
}
#define isnan(x) _Generic((x), float : dagger_isnanf, default : dagger_isnan)(x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* memory_base: where the guest memory's base pointer lives (&mem->data), or
 * NULL when the module has no memory; read at fault time. Call once per
 * run (serve mode: per request; it forgets the last run's trap site), from
 * the main thread (its stack is the one watched). */
void dagger_w2c_traps_init(uint8_t *const *memory_base);
/* Restores the default action of SIGSEGV and SIGBUS. */
void dagger_w2c_traps_fini(void);

/* rt-impl.c: the memory limit (--max-memory, DAGGER_MAX_MEMORY) in 64 KiB
 * pages, 65536 for none: memory.grow past it answers -1. A memory whose
 * initial size passes it is refused before any guest code runs: then
 * dagger_w2c_memory_refused (set by the glue; it must not return) is
 * called with that size. Set both before the first memory is allocated. */
extern uint32_t dagger_w2c_max_pages;
extern void (*dagger_w2c_memory_refused)(uint32_t pages);

/* ---- where a trap happened (traps.c captures, where.c names) ---------- */
enum { DAGGER_W2C_MAX_FRAMES = 64 };

typedef struct dagger_w2c_trap_site {
  int captured;    /* the stack was walked (the first trap of the run) */
  int has_address; /* out of bounds: the guest address is known */
  uint64_t address;
  uint32_t size; /* bytes of the access; 0: unknown (guard pages) */
  int cut;       /* the stack had more frames than pcs holds */
  size_t npcs;
  uintptr_t pcs[DAGGER_W2C_MAX_FRAMES]; /* innermost first */
} dagger_w2c_trap_site;

/* Walks the stack into the trap site, once (later calls do nothing).
 * Called as a trap is raised, before the jump out of the guest. */
void dagger_w2c_capture(void);
/* An explicit bounds check failed: an access of size bytes at addr.
 * Raises the out-of-bounds trap. */
__attribute__((noreturn)) void dagger_w2c_oob(uint64_t addr, uint32_t size);
/* The trap about to be raised is no trap (WASI's proc_exit unwinding the
 * guest): nothing to capture. */
void dagger_w2c_no_site(void);
/* The trap's site, as captured. */
const dagger_w2c_trap_site *dagger_w2c_site(void);

/* A wasm function of the module: the C function wasm2c made of it and the
 * name to show (the name section's, else an export's, else "function N").
 * The glue defines the table, sorted by cname (strcmp). */
typedef struct dagger_w2c_func {
  const char *cname, *name;
} dagger_w2c_func;

/* Names the functions of the trap's site: at most max names into names
 * (innermost first), by reading this executable's symbol table and the
 * glue's table fns[n]. Returns how many; 0 when nothing is known (*why,
 * when not NULL, then says why, e.g. the program was stripped). */
size_t dagger_w2c_where(const dagger_w2c_func *fns, size_t n,
                        const char **names, size_t max, const char **why);

#ifdef __cplusplus
}
#endif

#endif
