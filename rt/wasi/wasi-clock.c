/* clock_res_get, clock_time_get: the four WASI clocks on the host's
 * clock_gettime: realtime, monotonic, and the process's and the calling
 * thread's CPU time. The precision argument is a hint, ignored as
 * wasmtime does. */
#include <time.h>

#include "wasi.h"

int wasi_clockid(uint32_t id) {
  switch (id) {
  case 0:
    return CLOCK_REALTIME;
  case 1:
    return CLOCK_MONOTONIC;
  case 2:
    return CLOCK_PROCESS_CPUTIME_ID;
  case 3:
    return CLOCK_THREAD_CPUTIME_ID;
  default:
    return -1;
  }
}

static uint64_t ns_of(const struct timespec *ts) {
  return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

int wasi_now(uint32_t id, uint64_t *ns) {
  struct timespec ts;
  int clk = wasi_clockid(id);
  if (clk < 0)
    return WASI_EINVAL;
  if (clock_gettime(clk, &ts) != 0)
    return WASI_EINVAL;
  *ns = ns_of(&ts);
  return 0;
}

int32_t wasi_clock_res_get(dagger_rt *rt, const uint64_t *a) {
  struct timespec ts;
  int clk = wasi_clockid((uint32_t)a[0]);
  if (clk < 0 || clock_getres(clk, &ts) != 0)
    return WASI_EINVAL;
  return wasi_store64(rt, (uint32_t)a[1], ns_of(&ts));
}

int32_t wasi_clock_time_get(dagger_rt *rt, const uint64_t *a) {
  uint64_t ns;
  int err = wasi_now((uint32_t)a[0], &ns);
  return err ? err : wasi_store64(rt, (uint32_t)a[2], ns);
}
