/* The SIGSEGV/SIGBUS handler of compiled programs (see wasm2c.h for what it
 * decides and why). Compiled into both libdagger-wasmrt-* libraries, with
 * the same WASM_RT_* defines as wasm-rt-impl.c beside it.
 *
 * The handler runs on an alternate stack (the faulting one may be full).
 * It leaves through wasm_rt_trap, a longjmp to the buffer the glue set with
 * wasm_rt_impl_try. Under the guard strategy that is sigsetjmp/siglongjmp,
 * which restores the signal mask; under the explicit one it is glibc's
 * setjmp/longjmp, which does not, so the handler unblocks its signal
 * itself: otherwise the trap report would run with SIGSEGV blocked, and a
 * second fault there would kill the process without a word.
 *
 * Where a trap happened is captured here, before the jump unwinds the
 * guest's frames: the return addresses of the stack (libgcc's unwinder,
 * from the unwind tables every program is compiled with; no instrumented
 * prologue, nothing spent until a trap), and for an out-of-bounds access
 * the guest address (and its size, when the explicit check knows it).
 * where.c turns the addresses into wasm function names after the jump. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "wasm2c.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <unwind.h>

#include "wasm-rt-impl.h"
#include "wasm-rt.h"

/* wasm-rt-impl.c (1.0.32) reserves 8 GiB of address space per memory under
 * the guard strategy: every address a wasm32 load or store can form. */
#define RESERVATION ((uintptr_t)0x200000000ull)
/* Linux keeps a gap of 256 pages below a growing stack (stack_guard_gap);
 * a fault anywhere in it is the stack hitting its limit. */
#define STACK_GAP ((uintptr_t)1 << 20)
/* Linux's default RLIMIT_STACK, for a process that has none. */
#define DEFAULT_STACK ((rlim_t)8 << 20)

static struct {
  uintptr_t stack_lo, stack_hi; /* [lo, hi): faults here are exhaustion */
  uint8_t *const *memory_base;
  _Alignas(16) char altstack[1 << 16];
} g;

static const int signals[] = {SIGSEGV, SIGBUS};

/* The trap's place, filled once per run by the first trap. */
static dagger_w2c_trap_site site;

static _Unwind_Reason_Code one_frame(struct _Unwind_Context *ctx, void *arg) {
  int before = 0;
  uintptr_t ip = (uintptr_t)_Unwind_GetIPInfo(ctx, &before);

  (void)arg;
  if (site.npcs == DAGGER_W2C_MAX_FRAMES) {
    site.cut = 1;
    return _URC_END_OF_STACK;
  }
  /* A return address may be past the end of a function ending in a
   * noreturn call: look one byte back, into the call. */
  if (ip)
    site.pcs[site.npcs++] = before ? ip : ip - 1;
  return _URC_NO_REASON;
}

void dagger_w2c_capture(void) {
  if (site.captured)
    return;
  site.captured = 1;
  _Unwind_Backtrace(one_frame, NULL);
}

void dagger_w2c_oob(uint64_t addr, uint32_t size) {
  if (!site.captured) {
    site.has_address = 1;
    site.address = addr;
    site.size = size;
  }
  wasm_rt_trap(WASM_RT_TRAP_OOB);
}

void dagger_w2c_no_site(void) {
  site.captured = 1;
}

const dagger_w2c_trap_site *dagger_w2c_site(void) {
  return &site;
}

/* glibc: the top of the main thread's stack when the program started. */
extern void *__libc_stack_end;

static void set_stack(uintptr_t lo, uintptr_t hi) {
  g.stack_lo = lo > STACK_GAP ? lo - STACK_GAP : 0;
  g.stack_hi = hi;
}

/* The main thread's stack, widened downwards by the kernel's gap: from
 * its top at start-up down by RLIMIT_STACK, the most the kernel lets it
 * grow (the top of the mapping is a little higher still, by the arguments
 * and environment, so this reaches a little lower than the real limit).
 * glibc's pthread_getattr_np says the same, after reading /proc/self/maps,
 * which took about 130 us: most of what a compiled hello spent starting up
 * beyond a C one.
 *
 * An unlimited stack (ulimit -s unlimited) never faults: a guest recursing
 * without end would grow it until the machine ran out of memory and the
 * kernel killed the process, instead of trapping. So an unlimited soft
 * limit is lowered to Linux's default of 8 MiB first; glibc is asked only
 * when even that cannot be set. */
static void find_stack(void) {
  uintptr_t top = (uintptr_t)__libc_stack_end;
  struct rlimit rl;
  pthread_attr_t attr;
  void *addr;
  size_t size;

  if (getrlimit(RLIMIT_STACK, &rl) != 0)
    rl.rlim_cur = RLIM_INFINITY;
  else if (rl.rlim_cur == RLIM_INFINITY) {
    rl.rlim_cur = DEFAULT_STACK;
    if (setrlimit(RLIMIT_STACK, &rl) != 0)
      rl.rlim_cur = RLIM_INFINITY;
  }
  if (top && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < top) {
    set_stack(top - rl.rlim_cur, top);
    return;
  }
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    return;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0)
    set_stack((uintptr_t)addr, (uintptr_t)addr + size);
  pthread_attr_destroy(&attr);
}

static wasm_rt_trap_t classify(uintptr_t a) {
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
  if (g.memory_base && *g.memory_base) {
    uintptr_t base = (uintptr_t)*g.memory_base;
    if (a >= base && a - base < RESERVATION) {
      /* The first byte the access could not reach: its start when it
       * begins past the end, the end of memory when it straddles it. The
       * size would take decoding the instruction: left unknown. */
      site.has_address = 1;
      site.address = a - base;
      return WASM_RT_TRAP_OOB;
    }
  }
#endif
  if (a >= g.stack_lo && a < g.stack_hi)
    return WASM_RT_TRAP_EXHAUSTION;
  return WASM_RT_TRAP_NONE;
}

static void set_default(int sig) {
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void on_fault(int sig, siginfo_t *si, void *context) {
  wasm_rt_trap_t code = WASM_RT_TRAP_NONE;
  sigset_t set;

  (void)context;
  /* si_code <= 0: sent by kill() or raise(), not a fault. */
  if (si->si_code > 0)
    code = classify((uintptr_t)si->si_addr);
  if (code == WASM_RT_TRAP_NONE) {
    /* Not the guest's doing: die of the signal, loudly. A real fault
     * happens again when the instruction restarts; a sent signal is
     * re-raised and delivered once this handler returns. */
    set_default(sig);
    raise(sig);
    return;
  }
  dagger_w2c_capture();
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  wasm_rt_trap(code);
}

void dagger_w2c_traps_init(uint8_t *const *memory_base) {
  stack_t ss = {.ss_sp = g.altstack, .ss_size = sizeof g.altstack};
  struct sigaction sa;

  g.memory_base = memory_base;
  memset(&site, 0, sizeof site); /* the last run's trap (serve mode) */
  find_stack();
  /* Without an alternate stack a stack overflow could not be handled:
   * then leave the default action, a crash, in place. */
  if (sigaltstack(&ss, NULL) != 0)
    return;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
    sigaction(signals[i], &sa, NULL);
}

void dagger_w2c_traps_fini(void) {
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
    set_default(signals[i]);
}
