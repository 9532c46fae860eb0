/* hello: start-up cost. Does nothing but print its line, so the time is
 * process creation, loading, runtime and instance set-up and tear-down.
 * Natively: a C hello world (printf through stdio). */
#include "bench.h"

#define BENCH_NAME "hello"

static uint64_t bench_kernel(void) {
  return 0;
}

BENCH_MAIN()
