/* The fixed part of every program daggercc builds: set up the Dagger runtime
 * and wasm2c's, instantiate the module, call its entry point, and turn its
 * result or a trap into the exit status.
 *
 * daggercc copies this file verbatim to the top of the glue it generates
 * (compiler/glue.c); the generated part that follows defines the
 * dagger_glue_* interface declared below for one module: its import thunks,
 * its memory, its instance and its entry export. This file names nothing
 * from the module's own header, so it also compiles on its own (a test
 * compiles it with -c).
 *
 * Compiled with the same WASM_RT_* defines (the bounds strategy) and
 * WABT_BIG_ENDIAN value as the module and the wasm2c runtime library: they
 * change wasm-rt.h's types and how memory is laid out. */
#include <stdio.h>
#include <stdlib.h>

#include "dagger/runtime.h"
#include "dagger/wasm2c.h"
#include "wasm-rt-impl.h"
#include "wasm-rt.h"

/* wabt's big-endian layout stores linear memory byte-reversed. */
#if defined(WABT_BIG_ENDIAN) && WABT_BIG_ENDIAN
#define DAGGER_GLUE_REVERSED 1
#else
#define DAGGER_GLUE_REVERSED 0
#endif

/* ---- defined by the generated part ------------------------------------ */

/* The policy compiled in with daggercc --allow/--deny: NULL-terminated rule
 * lists and what a URL no rule names gets (1 allow, 0 deny). */
extern const char *const dagger_glue_allow[];
extern const char *const dagger_glue_deny[];
extern const int dagger_glue_default_allow;
/* The environment a WASI program may see (daggercc --env): "NAME" or
 * "NAME=VALUE", NULL-terminated. */
extern const char *const dagger_glue_env[];
/* The limits compiled in with daggercc --max-memory, --timeout and
 * --cpu-time (0: none). */
extern const dagger_limits dagger_glue_limits;

/* Initialises the module's code (wasm2c's init_module), binds every import
 * instance to rt and allocates an imported memory. Traps on no path. */
void dagger_glue_init(dagger_rt *rt);
/* Where the module's memory lives; a NULL base when it has none. The view
 * is valid before instantiation: the start function may make calls. */
dagger_memory dagger_glue_memory(void);
/* wasm2c's instantiate: tables, memory, segments, then the start function.
 * May trap. */
void dagger_glue_instantiate(void);
/* Calls the entry export; its result is the exit status. May trap. */
int dagger_glue_entry(void);
/* Frees the instance and an imported memory; safe after a trap. A single
 * run does not call it: it leaves the instance to the process's exit;
 * serve mode frees each request's instance before the next. */
void dagger_glue_free(void);
/* The module's functions, for naming a trap's place: C name and wasm name,
 * sorted by C name. */
extern const dagger_w2c_func dagger_glue_fns[];
extern const size_t dagger_glue_nfns;

/* ---- fixed part -------------------------------------------------------- */

/* After WASI's proc_exit: leaves the guest through wasm2c's trap jump, from
 * any depth; dagger_glue_run then asks the runtime for the status. */
void dagger_glue_exit(void) {
  dagger_w2c_no_site();
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

static dagger_trap dagger_glue_trap_kind(wasm_rt_trap_t code) {
  switch (code) {
  case WASM_RT_TRAP_OOB:
    return DAGGER_TRAP_OUT_OF_BOUNDS;
  case WASM_RT_TRAP_INT_OVERFLOW:
    return DAGGER_TRAP_INT_OVERFLOW;
  case WASM_RT_TRAP_DIV_BY_ZERO:
    return DAGGER_TRAP_DIV_BY_ZERO;
  case WASM_RT_TRAP_INVALID_CONVERSION:
    return DAGGER_TRAP_INVALID_CONVERSION;
  case WASM_RT_TRAP_UNREACHABLE:
    return DAGGER_TRAP_UNREACHABLE;
  case WASM_RT_TRAP_CALL_INDIRECT:
    return DAGGER_TRAP_INDIRECT_CALL;
  case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
    return DAGGER_TRAP_EXCEPTION;
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
  case WASM_RT_TRAP_EXHAUSTION:
    return DAGGER_TRAP_EXHAUSTION;
#endif
  default:
    return DAGGER_TRAP_OTHER;
  }
}

/* The runtime and its limits, for the hook below (one guest at a time). */
static dagger_rt *dagger_glue_rt;
static dagger_limits dagger_glue_lim;

/* A memory starts above the memory limit (wasm2c/rt-impl.c): refused
 * before any guest code runs. */
static void dagger_glue_memory_refused(uint32_t pages) {
  exit(dagger_limits_memory_refused(dagger_glue_rt, pages));
}

/* The limits as compiled in, lowered by the environment, applied before the
 * module's memory exists. 0, or the status to exit with at once. */
static int dagger_glue_limits_init(dagger_rt *rt) {
  dagger_limits *lim = &dagger_glue_lim;
  *lim = dagger_glue_limits;
  if (dagger_limits_from_env(rt, lim) != 0)
    return DAGGER_LIMIT_START_STATUS;
  dagger_glue_rt = rt;
  if (lim->max_pages) {
    dagger_w2c_max_pages = lim->max_pages;
    dagger_w2c_memory_refused = dagger_glue_memory_refused;
  }
  return 0;
}

/* The trap's report, with the place captured as it was raised. */
static int dagger_glue_report(dagger_rt *rt, wasm_rt_trap_t code) {
  const dagger_w2c_trap_site *site = dagger_w2c_site();
  const char *names[DAGGER_W2C_MAX_FRAMES], *why = NULL;
  size_t n = dagger_w2c_where(dagger_glue_fns, dagger_glue_nfns, names,
                              DAGGER_W2C_MAX_FRAMES, &why);
  dagger_trap_where w = {.function = n ? names[0] : NULL,
                         .has_address = site->has_address,
                         .address = site->address,
                         .size = site->size,
                         .frames = names,
                         .nframes = n,
                         .frames_cut = site->cut,
                         .why = why};

  return dagger_trap_report_at(rt, dagger_glue_trap_kind(code), &w);
}

/* Both instantiation (the start function) and the entry call run under one
 * trap handler. The setjmp lives in this frame, which stays active for as
 * long as guest code runs; nothing set after it is read after a longjmp. */
static int dagger_glue_run(dagger_rt *rt) {
  wasm_rt_trap_t code = wasm_rt_impl_try();
  int status;
  if (code != WASM_RT_TRAP_NONE)
    dagger_limits_stop(rt);
  if (code != WASM_RT_TRAP_NONE && dagger_wasi_exited(rt, &status))
    return status;
  if (code != WASM_RT_TRAP_NONE)
    return dagger_glue_report(rt, code);
  dagger_glue_instantiate();
  status = dagger_glue_entry();
  dagger_limits_stop(rt);
  return status;
}

/* One complete run, as a process would make it: a new runtime, the limits,
 * a new instance, the entry, the flush. Returns the exit status. With
 * `release` the instance is freed (serve mode: the next request makes a
 * new one); otherwise it is left to the process's exit, which releases
 * the whole address space at once: unmapping the memory's reservation
 * first costs a TLB flush of its own, under a hypervisor one of the
 * dearest steps of a start-up (issue 13: ~0.2 ms of ~3 ms). */
static int dagger_glue_once(const dagger_config *cfg, int release) {
  dagger_memory mem;
  dagger_rt *rt = dagger_rt_new(cfg);
  int status;

  if (!rt) {
    fprintf(stderr, "%s: out of memory\n", cfg->program);
    return DAGGER_TRAP_EXIT_BASE + DAGGER_TRAP_OTHER;
  }
  if ((status = dagger_glue_limits_init(rt)) != 0)
    return dagger_rt_exit(rt, status);
  dagger_glue_init(rt);
  mem = dagger_glue_memory();
  dagger_rt_set_memory(rt, mem);
  /* The clocks start here, with the start function still to run. */
  if (dagger_limits_start(rt, &dagger_glue_lim) != 0) {
    status = dagger_rt_exit(rt, DAGGER_LIMIT_START_STATUS);
    if (release)
      dagger_glue_free();
    return status;
  }
  /* From here until the guest is done, a fault in the memory's guard
   * region or the stack's is a trap; any other fault still kills. */
  dagger_w2c_traps_init(mem.base);
  status = dagger_glue_run(rt);
  dagger_w2c_traps_fini();
  /* Streams are flushed while the guest memory still exists; output that
   * cannot be written then changes the status (dagger_rt_exit). Nothing
   * is lost by freeing the instance after: every stream is closed. */
  status = dagger_rt_exit(rt, status);
  if (release)
    dagger_glue_free();
  return status;
}

/* Serve mode's run (rt/serve.c): the same run, the instance freed. */
static int dagger_glue_request(void *cfg) {
  return dagger_glue_once(cfg, 1);
}

int main(int argc, char **argv) {
  dagger_config cfg;
  int status, ctl;

  dagger_config_default(&cfg);
  cfg.program = argc > 0 ? argv[0] : "dagger";
  cfg.allow = dagger_glue_allow;
  cfg.deny = dagger_glue_deny;
  cfg.default_allow = dagger_glue_default_allow;
  cfg.args = (const char *const *)argv;
  cfg.env = dagger_glue_env;
  /* DAGGER_SERVE_FD: many runs in this process (docs/serve.md). */
  if ((ctl = dagger_serve_fd()) == -2)
    return DAGGER_LIMIT_START_STATUS;
  wasm_rt_init();
  if (ctl >= 0)
    status = dagger_serve(ctl, dagger_glue_request, &cfg);
  else
    status = dagger_glue_once(&cfg, 0);
  wasm_rt_free();
  return status;
}
