/* Guest memory loads and stores for wasm2c 1.0.32's module C. daggercc
 * inserts this file into every module's C just before wasm2c instantiates
 * its DEFINE_LOAD and DEFINE_STORE macros (compiler/names.c), and these
 * definitions replace wasm2c's. What they change, and why:
 *
 * - Aliasing. wasm2c reads and writes guest memory with memcpy through
 *   mem->data, a char pointer, and a char access may alias any object: so
 *   after every guest store the C compiler must assume that the memory's
 *   own fields (data, size) changed and load them again, and keep the base
 *   and bound out of registers in every loop that stores. Here every access
 *   goes through a member of one packed union. GCC gives an access through
 *   a union member the union's alias set, so guest accesses of any type
 *   still alias one another (a guest may store an i32 and load an f32 at
 *   the same address), but not the pointer in mem->data, and not mem->size,
 *   whose uint64_t differs from the union's unsigned long long wherever
 *   uint64_t is unsigned long. The union is packed: wasm addresses need not
 *   be aligned.
 *
 * - Forcing loads. wasm2c passes every loaded value to an empty asm with an
 *   "r" (general register) operand so that a load whose value is unused
 *   still happens and faults under guard pages; for floats that costs a move
 *   from the FP register to a general one per load. Under guard pages this
 *   uses the FP register class of the machine instead; under explicit
 *   checks the compare before the load traps by itself, so nothing is
 *   forced and an unused load may go.
 *
 * - The explicit check. wasm2c tests addr + n > mem->size before each
 *   access of n bytes; here it is addr > mem->size - n, in signed 64-bit
 *   arithmetic (size may be below n; addr is below 2^33 and size at most
 *   2^32, so nothing overflows): size - n is the same for a whole loop, so
 *   the compiler keeps it in a register and the check is one compare and
 *   a branch, where it was an add, a compare and a branch.
 *
 * - The explicit check's trap names the access: dagger_w2c_oob gets the
 *   guest address and size for the trap line (rt/wasm2c/traps.c), where
 *   wasm2c's TRAP(OOB) said only "out of bounds".
 *
 * It is a fragment of the module's C, which has already included wasm-rt.h
 * and defined u8 .. f64, MEMCHECK and wasm2c's own DEFINE_LOAD and
 * DEFINE_STORE; it also compiles on its own (a test does), for gcc and
 * clang, the compilers daggercc drives. */
#ifndef DAGGER_MODULE_ACCESS
#define DAGGER_MODULE_ACCESS 1

#include <stdint.h>

#include "dagger/wasm2c.h"
#include "wasm-rt.h"

/* daggercc's wasm-rt.h keeps a memory's size in bytes in 64 bits (wabt's
 * 32 wrap to 0 at 65,536 pages): the checks below and wasm2c's own bulk
 * memory checks rely on it. */
_Static_assert(sizeof(((wasm_rt_memory_t *)0)->size) == 8,
               "wasm-rt.h must be daggercc's copy, with a 64-bit memory size");

#ifndef MEMCHECK /* compiled on its own */
#define MEMCHECK(mem, a, t)
#endif

typedef union __attribute__((packed)) {
  uint16_t i16;
  uint32_t i32;
  unsigned long long i64;
  float f32;
  double f64;
} dagger_cell;

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#define DAGGER_FORCE_INT(x) __asm__("" ::"r"(x))
#if defined(__x86_64__)
#define DAGGER_FORCE_FP(x) __asm__("" ::"x"(x))
#elif defined(__aarch64__)
#define DAGGER_FORCE_FP(x) __asm__("" ::"w"(x))
#elif defined(__riscv) && defined(__riscv_flen) && __riscv_flen >= 64
#define DAGGER_FORCE_FP(x) __asm__("" ::"f"(x))
#else
#define DAGGER_FORCE_FP(x) __asm__("" ::"r"(x))
#endif
#else
#define DAGGER_FORCE_INT(x) ((void)(x))
#define DAGGER_FORCE_FP(x) ((void)(x))
#endif

/* dagger_load_NAME and dagger_store_NAME for wasm2c's type name NAME (u8 ..
 * f64, as DEFINE_LOAD and DEFINE_STORE spell it): T's value at p, read and
 * written as LVALUE (stored as C), the load forced with FORCE. */
#define DAGGER_ACCESS(NAME, T, LVALUE, C, FORCE)                               \
  static inline T dagger_load_##NAME(uint8_t *p) {                             \
    T v = (T)(LVALUE);                                                         \
    FORCE(v);                                                                  \
    return v;                                                                  \
  }                                                                            \
  static inline void dagger_store_##NAME(uint8_t *p, T v) {                    \
    LVALUE = (C)v;                                                             \
  }
#define DAGGER_CELL(M) (((dagger_cell *)p)->M)
/* Bytes are chars whatever is done: they alias everything anyway. */
DAGGER_ACCESS(u8, uint8_t, *p, uint8_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(s8, int8_t, *p, uint8_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(u16, uint16_t, DAGGER_CELL(i16), uint16_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(s16, int16_t, DAGGER_CELL(i16), uint16_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(u32, uint32_t, DAGGER_CELL(i32), uint32_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(s32, int32_t, DAGGER_CELL(i32), uint32_t, DAGGER_FORCE_INT)
DAGGER_ACCESS(u64, uint64_t, DAGGER_CELL(i64), unsigned long long,
              DAGGER_FORCE_INT)
DAGGER_ACCESS(s64, int64_t, DAGGER_CELL(i64), unsigned long long,
              DAGGER_FORCE_INT)
DAGGER_ACCESS(f32, float, DAGGER_CELL(f32), float, DAGGER_FORCE_FP)
DAGGER_ACCESS(f64, double, DAGGER_CELL(f64), double, DAGGER_FORCE_FP)
#undef DAGGER_CELL
#undef DAGGER_ACCESS

/* Where guest bytes [addr, addr + sizeof(t)) are: wabt's big-endian layout
 * stores memory byte-reversed (guest byte i at data[size - 1 - i]), so a
 * value sits there in host order, ending at size - addr. */
#if defined(WABT_BIG_ENDIAN) && WABT_BIG_ENDIAN
#define DAGGER_AT(mem, addr, t) (&(mem)->data[(mem)->size - (addr) - sizeof(t)])
#else
#define DAGGER_AT(mem, addr, t) (&(mem)->data[addr])
#endif

#if !WASM_RT_MEMCHECK_SIGNAL_HANDLER
#undef MEMCHECK
#define MEMCHECK(mem, a, t)                                                    \
  if (UNLIKELY((int64_t)(a) > (int64_t)(mem)->size - (int64_t)sizeof(t)))      \
    dagger_w2c_oob((uint64_t)(a), (uint32_t)sizeof(t));
#endif

#undef DEFINE_LOAD
#define DEFINE_LOAD(name, t1, t2, t3)                                          \
  static inline t3 name(wasm_rt_memory_t *mem, uint64_t addr) {                \
    MEMCHECK(mem, addr, t1);                                                   \
    t1 result = dagger_load_##t1(DAGGER_AT(mem, addr, t1));                    \
    return (t3)(t2)result;                                                     \
  }

#undef DEFINE_STORE
#define DEFINE_STORE(name, t1, t2)                                             \
  static inline void name(wasm_rt_memory_t *mem, uint64_t addr, t2 value) {    \
    MEMCHECK(mem, addr, t1);                                                   \
    dagger_store_##t1(DAGGER_AT(mem, addr, t1), (t1)value);                    \
  }

#endif
