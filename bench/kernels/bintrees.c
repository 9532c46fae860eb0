/* binary trees: the benchmarks game's allocation test over a bump
 * allocator. Builds complete binary trees of depth 4, 6, ... BENCH_N
 * (2^(BENCH_N-d+4) of each, every one walked and then freed at once by
 * releasing the allocator to a mark) plus one long-lived tree. Nodes are
 * two pointers: 8 bytes in wasm32, 16 natively. Checksum: the node counts. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 16
#endif
#define BENCH_NAME "bintrees"

typedef struct node {
  struct node *left, *right;
} node;

static node *make(int depth) {
  node *t = bench_alloc(sizeof *t);
  if (depth > 0) {
    t->left = make(depth - 1);
    t->right = make(depth - 1);
  } else {
    t->left = t->right = NULL;
  }
  return t;
}

static uint32_t check(const node *t) {
  return t->left ? 1 + check(t->left) + check(t->right) : 1;
}

static uint64_t bench_kernel(void) {
  int maxdepth = (int)bench_opaque(BENCH_N);
  uint64_t sum = 0;
  void *start = bench_mark();

  sum += check(make(maxdepth + 1));
  bench_release(start);
  node *longlived = make(maxdepth);
  for (int d = 4; d <= maxdepth; d += 2) {
    uint32_t iterations = 1u << (maxdepth - d + 4);
    uint64_t c = 0;
    for (uint32_t i = 0; i < iterations; i++) {
      void *mark = bench_mark();
      c += check(make(d));
      bench_release(mark);
    }
    sum = sum * 1000003 + c;
  }
  return sum * 1000003 + check(longlived);
}

BENCH_MAIN()
