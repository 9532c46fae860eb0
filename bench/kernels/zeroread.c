/* zeroread: BENCH_N reads of 64 KiB from zero://, bulk data into guest
 * memory (each call checks the range, then fills it). Natively: read(2)
 * of /dev/zero into the same buffer. Checksum: the bytes read, plus any
 * byte of the buffer that is not zero (so none was skipped). */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 50000
#endif
#define BENCH_NAME "zeroread"
#define CHUNK 65536

static uint64_t bench_kernel(void) {
  uint32_t n = bench_opaque(BENCH_N);
  int fd = bench_open("zero://");
  unsigned char *buf = bench_alloc(CHUNK);
  uint64_t got = 0;
  for (uint32_t i = 0; i < n; i++) {
    buf[i % CHUNK] = 1;
    int r = bench_read(fd, buf, CHUNK);
    got += (uint64_t)r + buf[i % CHUNK];
  }
  return got;
}

BENCH_MAIN()
