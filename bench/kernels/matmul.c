/* matmul: naive BENCH_N x BENCH_N double matrix multiply, C = A * B with
 * the textbook i-j-k loop (a dot product per element: the inner loop walks
 * B by column). Checksum: the bits of a position-weighted sum of C. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 400
#endif
#define BENCH_NAME "matmul"

static uint64_t bench_kernel(void) {
  uint32_t n = bench_opaque(BENCH_N);
  double *a = bench_alloc((size_t)n * n * sizeof *a);
  double *b = bench_alloc((size_t)n * n * sizeof *b);
  double *c = bench_alloc((size_t)n * n * sizeof *c);
  uint64_t seed = 0x1234567887654321ull;
  for (size_t i = 0; i < (size_t)n * n; i++) {
    a[i] = (double)(bench_rand(&seed) >> 40) / (double)(1 << 24);
    b[i] = (double)(bench_rand(&seed) >> 40) / (double)(1 << 24) - 0.5;
  }
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) {
      double s = 0;
      for (uint32_t k = 0; k < n; k++)
        s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  double sum = 0;
  for (size_t i = 0; i < (size_t)n * n; i++)
    sum += c[i] * (double)(i % 7 + 1);
  uint64_t u;
  __builtin_memcpy(&u, &sum, sizeof u);
  return u;
}

BENCH_MAIN()
