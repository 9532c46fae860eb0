/* What the unit tests share: running a table of CUnit tests, and, for the
 * tests of streams, the guest side of the runtime's calls.
 *
 * Running: a test file lists its tests in a unit_test table ending with
 * {NULL, NULL}, and main() returns unit_run(suite name, table) (or, for
 * more than one suite, unit_begin, unit_add per suite, unit_finish). The
 * exit status is 0 when every test passed, 1 otherwise.
 *
 * Guest side: a file that defines UNIT_GUEST_MEMORY (bytes, a multiple of
 * 64 KiB) before including this one gets that much linear memory (mem,
 * with base and pages as the runtime's view of it), guest_rt_new (a
 * runtime pointed at it) and open_url (dagger_open of a URL copied to
 * guest address 0). */
#ifndef DAGGER_TESTS_UNIT_H
#define DAGGER_TESTS_UNIT_H

#include <CUnit/Basic.h>
#include <stddef.h>

typedef struct unit_test {
  const char *name;
  CU_TestFunc fn;
} unit_test;

static inline int unit_begin(void) {
  return CU_initialize_registry() == CUE_SUCCESS ? 0 : -1;
}

/* Adds the tests as one suite. 0, or -1 when CUnit cannot. */
static inline int unit_add(const char *suite, const unit_test *tests) {
  CU_pSuite s = CU_add_suite(suite, NULL, NULL);
  if (!s)
    return -1;
  for (; tests->name; tests++)
    if (!CU_add_test(s, tests->name, tests->fn))
      return -1;
  return 0;
}

/* Runs what was added and ends CUnit: the exit status. */
static inline int unit_finish(CU_BasicRunMode mode) {
  CU_basic_set_mode(mode);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures();
  CU_cleanup_registry();
  return failed ? 1 : 0;
}

/* One suite, every test's name printed: the exit status. */
static inline int unit_run(const char *suite, const unit_test *tests) {
  if (unit_begin() != 0)
    return 1;
  if (unit_add(suite, tests) != 0) {
    CU_cleanup_registry();
    return 1;
  }
  return unit_finish(CU_BRM_VERBOSE);
}

#ifdef UNIT_GUEST_MEMORY
#include <string.h>

#include "rt.h"

static uint8_t mem[UNIT_GUEST_MEMORY];
static uint8_t *base = mem;
static uint32_t pages = UNIT_GUEST_MEMORY / 65536;

/* A runtime made from cfg, whose guest memory is mem; NULL when it cannot
 * be made. */
static inline dagger_rt *guest_rt_new(const dagger_config *cfg) {
  dagger_rt *rt = dagger_rt_new(cfg);
  if (rt)
    dagger_rt_set_memory(rt, (dagger_memory){&base, &pages, 0});
  return rt;
}

/* dagger_open of url, written at guest address 0. */
static inline int32_t open_url(dagger_rt *rt, const char *url) {
  memcpy(mem, url, strlen(url));
  return dagger_open(rt, 0, (uint32_t)strlen(url));
}
#endif

#endif
