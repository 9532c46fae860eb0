/* sort: BENCH_N pseudo-random 32-bit keys sorted in place by an introsort-
 * free quicksort (median of three, insertion sort below 16 elements,
 * recursion on the smaller side only, so the depth stays logarithmic: the
 * interpreter's call stack is shallow). Checksum: a position-weighted hash
 * of the sorted keys; an unsorted result gives a checksum of 0. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 3000000
#endif
#define BENCH_NAME "sort"

static void insertion(uint32_t *a, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint32_t v = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1] > v; j--)
      a[j] = a[j - 1];
    a[j] = v;
  }
}

static void swap(uint32_t *a, size_t i, size_t j) {
  uint32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(uint32_t *a, size_t n) {
  while (n > 16) {
    size_t mid = n / 2, last = n - 1;
    if (a[mid] < a[0])
      swap(a, mid, 0);
    if (a[last] < a[0])
      swap(a, last, 0);
    if (a[last] < a[mid])
      swap(a, last, mid);
    uint32_t pivot = a[mid];
    size_t i = 0, j = last;
    for (;;) {
      while (a[i] < pivot)
        i++;
      while (a[j] > pivot)
        j--;
      if (i >= j)
        break;
      swap(a, i++, j--);
    }
    /* [0, j] <= pivot <= [j+1, n) */
    size_t left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion(a, n);
}

static uint64_t bench_kernel(void) {
  size_t n = bench_opaque(BENCH_N);
  uint32_t *a = bench_alloc(n * sizeof *a);
  uint64_t seed = 0xDEADBEEFCAFEF00Dull;
  for (size_t i = 0; i < n; i++)
    a[i] = (uint32_t)(bench_rand(&seed) >> 32);
  quicksort(a, n);
  uint64_t h = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && a[i - 1] > a[i])
      return 0;
    h = (h ^ a[i]) * 0x100000001b3ull + i;
  }
  return h;
}

BENCH_MAIN()
