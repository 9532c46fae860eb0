/* nullwrite: BENCH_N one-byte writes to null://, the cost of one Dagger
 * call from guest code through the runtime's descriptor table, pointer
 * check and scheme dispatch. Natively: write(2) to /dev/null, a real
 * system call (for scale, not a like-for-like ratio). Checksum: the bytes
 * the calls reported written. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 10000000
#endif
#define BENCH_NAME "nullwrite"

static uint64_t bench_kernel(void) {
  uint32_t n = bench_opaque(BENCH_N);
  int fd = bench_open("null://");
  static unsigned char byte = 'x';
  uint64_t written = 0;
  for (uint32_t i = 0; i < n; i++)
    written += (uint64_t)bench_write(fd, &byte, 1);
  return written;
}

BENCH_MAIN()
