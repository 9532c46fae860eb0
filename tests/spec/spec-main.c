/* The fixed part of every conformance-test harness (tests/spec/run.py).
 *
 * A harness is built by `daggercc --harness`: the modules' headers first,
 * then this file verbatim, then the part the runner generates for one group
 * of modules (harness.py), then module 0's C. The generated part defines
 * spec_cmds: one entry per command of the .wast script that concerns the
 * group, in script order. main() runs them one after the other, each under
 * its own wasm_rt_impl_try, exactly as the glue of a daggercc program runs
 * the module, and prints one line per command on stdout:
 *     <index> ok
 *     <index> fail <why>
 * where index is the command's position in the script. A harness that dies
 * leaves the rest unreported: the runner then runs it again with the index
 * of the command it died in as an argument, and the harness skips every
 * command named on its command line.
 *
 * Traps are caught by daggercc's fault handler (dagger/wasm2c.h), as in
 * every program. It watches one memory's guard region at a time: the
 * memory of the module whose code a command runs (spec_memory_of).
 *
 * This file also defines the `spectest` module of the reference interpreter
 * (print functions, four globals, a table and a memory), whatever the modules
 * import of it. Every file-scope name starts with spec_ or Z_spectest, so
 * nothing collides with the module's C included after the harness.
 *
 * Real C: it compiles on its own (with SPEC_MAIN_ALONE, the empty command
 * table), which a CTest test checks. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagger/wasm2c.h"
#include "wasm-rt-impl.h"
#include "wasm-rt.h"

/* As the modules' headers define them (alone, there are none). */
#ifndef WASM_RT_CORE_TYPES_DEFINED
#define WASM_RT_CORE_TYPES_DEFINED
typedef uint8_t u8;
typedef int8_t s8;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;
typedef float f32;
typedef double f64;
#endif

/* ---- values --------------------------------------------------------------
 * f32 and f64 travel as their bits (a NaN's payload must survive), refs as
 * an integer: an externref argument N is the pointer N + 1, null is 0; a
 * funcref result is 1 when it is not null. */
typedef union spec_val {
  uint32_t i32; /* i32, f32 bits */
  uint64_t i64; /* i64, f64 bits */
  uintptr_t ref;
} spec_val;

enum spec_type { SPEC_I32, SPEC_I64, SPEC_F32, SPEC_F64, SPEC_REF };
enum spec_how {
  SPEC_EXACT,     /* bit for bit */
  SPEC_CANONICAL, /* nan:canonical */
  SPEC_ARITHMETIC /* nan:arithmetic */,
  SPEC_NONNULL, /* (ref.extern), (ref.func): any reference but null */
};

typedef struct spec_exp {
  unsigned char type, how;
  spec_val v;
} spec_exp;

enum spec_kind {
  SPEC_MODULE,         /* link and instantiate: must not trap */
  SPEC_RETURN,         /* assert_return */
  SPEC_TRAP,           /* assert_trap, assert_exhaustion */
  SPEC_ACTION,         /* action: must not trap */
  SPEC_UNINSTANTIABLE, /* links, then instantiation must trap */
  SPEC_UNLINKABLE,     /* the link check must fail */
};

typedef struct spec_cmd {
  int index; /* position in the script, for the report */
  unsigned char kind;
  unsigned char trap; /* SPEC_TRAP, SPEC_UNINSTANTIABLE: wasm_rt_trap_t */
  unsigned char nexp; /* SPEC_RETURN: number of results */
  short module;       /* the module whose instance the command needs */
  short defines;      /* module commands: the module set up, else -1 */
  short runs;         /* the module whose code runs (its memory watched) */
  /* Calls the export (or instantiates, or reads a global). */
  void (*fn)(const spec_val *args, spec_val *results);
  /* Module commands: NULL when linking succeeds, else why not. */
  const char *(*link)(void);
  const spec_val *args;
  const spec_exp *exp;
} spec_cmd;

/* Defined by the generated part. */
extern const spec_cmd spec_cmds[];
extern const size_t spec_ncmds;
/* One flag per module of the harness: instantiated successfully. */
extern unsigned char spec_live[];
/* Where module k's memory keeps its base pointer, or NULL. */
static uint8_t *const *spec_memory_of(int k);

/* ---- spectest ------------------------------------------------------------ */

struct Z_spectest_instance_t {
  int unused;
};
struct Z_spectest_instance_t spec_spectest; /* passed to instantiate */
static u32 spec_global_i32 = 666;
static u64 spec_global_i64 = 666;
static f32 spec_global_f32 = 666.6f;
static f64 spec_global_f64 = 666.6;
static wasm_rt_funcref_table_t spec_table;
static wasm_rt_memory_t spec_memory;

/* The prints say nothing: stdout carries the report. */
void Z_spectestZ_print(struct Z_spectest_instance_t *i) {
  (void)i;
}
void Z_spectestZ_print_i32(struct Z_spectest_instance_t *i, u32 a) {
  (void)i, (void)a;
}
void Z_spectestZ_print_i64(struct Z_spectest_instance_t *i, u64 a) {
  (void)i, (void)a;
}
void Z_spectestZ_print_f32(struct Z_spectest_instance_t *i, f32 a) {
  (void)i, (void)a;
}
void Z_spectestZ_print_f64(struct Z_spectest_instance_t *i, f64 a) {
  (void)i, (void)a;
}
void Z_spectestZ_print_i32_f32(struct Z_spectest_instance_t *i, u32 a, f32 b) {
  (void)i, (void)a, (void)b;
}
void Z_spectestZ_print_f64_f64(struct Z_spectest_instance_t *i, f64 a, f64 b) {
  (void)i, (void)a, (void)b;
}
u32 *Z_spectestZ_global_i32(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_global_i32;
}
u64 *Z_spectestZ_global_i64(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_global_i64;
}
f32 *Z_spectestZ_global_f32(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_global_f32;
}
f64 *Z_spectestZ_global_f64(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_global_f64;
}
wasm_rt_funcref_table_t *Z_spectestZ_table(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_table;
}
wasm_rt_memory_t *Z_spectestZ_memory(struct Z_spectest_instance_t *i) {
  (void)i;
  return &spec_memory;
}

/* ---- helpers for the generated part --------------------------------------
 * (static inline: a group needs only some of them) */

static inline f32 spec_f32(uint32_t bits) {
  f32 f;
  memcpy(&f, &bits, sizeof f);
  return f;
}
static inline f64 spec_f64(uint64_t bits) {
  f64 f;
  memcpy(&f, &bits, sizeof f);
  return f;
}
static inline uint32_t spec_f32_bits(f32 f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}
static inline uint64_t spec_f64_bits(f64 f) {
  uint64_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}
static inline wasm_rt_externref_t spec_extern(uintptr_t v) {
  return (wasm_rt_externref_t)v;
}
static inline wasm_rt_funcref_t spec_funcref(uintptr_t v) {
  (void)v; /* only null funcrefs are ever passed */
  return wasm_rt_funcref_null_value;
}

/* Why an imported memory or table is too small, or NULL: its current size
 * must be at least the import's minimum (maxima are checked by the runner,
 * which knows them statically). */
static inline const char *spec_memory_fits(const wasm_rt_memory_t *m,
                                           uint32_t min) {
  return m->pages >= min ? NULL : "incompatible import type (memory size)";
}
static inline const char *spec_table_fits(uint32_t size, uint32_t min) {
  return size >= min ? NULL : "incompatible import type (table size)";
}

/* ---- running the commands ------------------------------------------------ */

static const char *const spec_trap_names[] = {
    [WASM_RT_TRAP_NONE] = "no trap",
    [WASM_RT_TRAP_OOB] = "out of bounds",
    [WASM_RT_TRAP_INT_OVERFLOW] = "integer overflow",
    [WASM_RT_TRAP_DIV_BY_ZERO] = "integer divide by zero",
    [WASM_RT_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [WASM_RT_TRAP_UNREACHABLE] = "unreachable",
    [WASM_RT_TRAP_CALL_INDIRECT] = "call_indirect",
    [WASM_RT_TRAP_UNCAUGHT_EXCEPTION] = "uncaught exception",
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    [WASM_RT_TRAP_EXHAUSTION] = "call stack exhausted",
#endif
};

static const char *spec_trap_name(int code) {
  if (code >= 0 &&
      (size_t)code < sizeof spec_trap_names / sizeof spec_trap_names[0] &&
      spec_trap_names[code])
    return spec_trap_names[code];
  return "unknown trap";
}

/* The setjmp lives in this frame, active while guest code runs; nothing in
 * it changes between the setjmp and a longjmp back. */
static wasm_rt_trap_t spec_call(const spec_cmd *c, spec_val *results) {
  wasm_rt_trap_t code = wasm_rt_impl_try();
  if (code != WASM_RT_TRAP_NONE)
    return code;
  c->fn(c->args, results);
  return WASM_RT_TRAP_NONE;
}

static int spec_is_nan32(uint32_t bits, uint32_t quiet_mask) {
  return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0 &&
         (bits & quiet_mask) == quiet_mask;
}

static int spec_is_nan64(uint64_t bits, uint64_t quiet_mask) {
  return (bits & 0x7ff0000000000000u) == 0x7ff0000000000000u &&
         (bits & 0x000fffffffffffffu) != 0 && (bits & quiet_mask) == quiet_mask;
}

static int spec_matches(const spec_exp *e, spec_val got) {
  switch (e->type) {
  case SPEC_I32:
    return got.i32 == e->v.i32;
  case SPEC_I64:
    return got.i64 == e->v.i64;
  case SPEC_F32:
    if (e->how == SPEC_CANONICAL)
      return (got.i32 & 0x7fffffffu) == 0x7fc00000u;
    if (e->how == SPEC_ARITHMETIC)
      return spec_is_nan32(got.i32, 0x00400000u);
    return got.i32 == e->v.i32;
  case SPEC_F64:
    if (e->how == SPEC_CANONICAL)
      return (got.i64 & 0x7fffffffffffffffu) == 0x7ff8000000000000u;
    if (e->how == SPEC_ARITHMETIC)
      return spec_is_nan64(got.i64, 0x0008000000000000u);
    return got.i64 == e->v.i64;
  default:
    return e->how == SPEC_NONNULL ? got.ref != 0 : got.ref == e->v.ref;
  }
}

static void spec_put_val(unsigned type, spec_val v) {
  if (type == SPEC_I32 || type == SPEC_F32)
    printf("0x%08" PRIx32, v.i32);
  else if (type == SPEC_I64 || type == SPEC_F64)
    printf("0x%016" PRIx64, v.i64);
  else
    printf("ref:%" PRIuPTR, v.ref);
}

static void spec_fail_results(const spec_cmd *c, const spec_val *got) {
  printf("%d fail result", c->index);
  for (unsigned i = 0; i < c->nexp; i++) {
    printf(" ");
    spec_put_val(c->exp[i].type, got[i]);
  }
  printf(", expected");
  for (unsigned i = 0; i < c->nexp; i++) {
    static const char *const how[] = {"", "nan:canonical", "nan:arithmetic",
                                      "non-null"};
    printf(" ");
    if (c->exp[i].how != SPEC_EXACT)
      printf("%s", how[c->exp[i].how]);
    else
      spec_put_val(c->exp[i].type, c->exp[i].v);
  }
  printf("\n");
}

/* Points the fault handler at the memory of module k (it reads the base
 * pointer at fault time, so a memory not yet allocated is fine). */
static void spec_watch(int k) {
  static int watched = -2;

  if (k == watched)
    return;
  watched = k;
  dagger_w2c_traps_init(k >= 0 ? spec_memory_of(k) : NULL);
}

static void spec_run(const spec_cmd *c) {
  static spec_val results[16];
  const char *why;
  wasm_rt_trap_t code;
  int ok = 1;

  if (c->module >= 0 && !spec_live[c->module]) {
    printf("%d fail module %d is not instantiated\n", c->index, c->module);
    return;
  }
  if (c->link && (why = c->link()) != NULL) {
    if (c->kind == SPEC_UNLINKABLE)
      printf("%d ok\n", c->index);
    else
      printf("%d fail %s\n", c->index, why);
    return;
  }
  if (c->kind == SPEC_UNLINKABLE) {
    printf("%d fail linked, expected unlinkable\n", c->index);
    return;
  }
  memset(results, 0, sizeof results);
  spec_watch(c->runs);
  code = spec_call(c, results);
  switch (c->kind) {
  case SPEC_MODULE:
  case SPEC_ACTION:
  case SPEC_RETURN:
    if (code != WASM_RT_TRAP_NONE) {
      printf("%d fail trap: %s\n", c->index, spec_trap_name(code));
      return;
    }
    for (unsigned i = 0; i < c->nexp && ok; i++)
      ok = spec_matches(&c->exp[i], results[i]);
    if (!ok) {
      spec_fail_results(c, results);
      return;
    }
    if (c->defines >= 0)
      spec_live[c->defines] = 1;
    break;
  default: /* SPEC_TRAP, SPEC_UNINSTANTIABLE */
    if (code != c->trap) {
      printf("%d fail %s, expected trap: %s\n", c->index,
             code == WASM_RT_TRAP_NONE ? "returned" : spec_trap_name(code),
             spec_trap_name(c->trap));
      return;
    }
    break;
  }
  printf("%d ok\n", c->index);
}

static int spec_skipped(int index, int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (atoi(argv[i]) == index)
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  wasm_rt_init();
  wasm_rt_allocate_funcref_table(&spec_table, 10, 20);
  wasm_rt_allocate_memory(&spec_memory, 1, 2);
  for (size_t i = 0; i < spec_ncmds; i++) {
    if (spec_skipped(spec_cmds[i].index, argc, argv))
      continue;
    spec_run(&spec_cmds[i]);
    fflush(stdout);
  }
  dagger_w2c_traps_fini();
  printf("done\n");
  return 0;
}

#ifdef SPEC_MAIN_ALONE
const spec_cmd spec_cmds[1];
const size_t spec_ncmds = 0;
unsigned char spec_live[1];
static uint8_t *const *spec_memory_of(int k) {
  return k < 0 ? NULL : &spec_memory.data;
}
#endif
