/* fib: naive doubly recursive Fibonacci of BENCH_N, a test of plain call
 * overhead (call depth BENCH_N). Checksum: fib(BENCH_N). */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 35
#endif
#define BENCH_NAME "fib"

static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t bench_kernel(void) {
  return fib(bench_opaque(BENCH_N));
}

BENCH_MAIN()
