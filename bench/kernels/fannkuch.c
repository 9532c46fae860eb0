/* fannkuch-redux: every permutation of 1..BENCH_N in the benchmarks game's
 * order, counting pancake flips. Checksum: the alternating-sign checksum and
 * the maximum flip count. Pure integer work on two small arrays. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 10
#endif
#define BENCH_NAME "fannkuch"
#define MAXN 16

static uint64_t bench_kernel(void) {
  int n = (int)bench_opaque(BENCH_N);
  int perm[MAXN], perm1[MAXN], count[MAXN];
  int maxflips = 0, checksum = 0, permcount = 0;

  for (int i = 0; i < n; i++)
    perm1[i] = i;
  int r = n;
  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    for (int i = 0; i < n; i++)
      perm[i] = perm1[i];
    int flips = 0;
    for (int k = perm[0]; k != 0; k = perm[0]) {
      for (int i = 0, j = k; i < j; i++, j--) {
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      flips++;
    }
    if (flips > maxflips)
      maxflips = flips;
    checksum += permcount % 2 == 0 ? flips : -flips;
    for (;;) {
      if (r == n)
        return (uint64_t)(uint32_t)checksum << 32 | (uint32_t)maxflips;
      int first = perm1[0];
      for (int i = 0; i < r; i++)
        perm1[i] = perm1[i + 1];
      perm1[r] = first;
      if (--count[r] > 0)
        break;
      r++;
    }
    permcount++;
  }
}

BENCH_MAIN()
