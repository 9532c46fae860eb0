/* random://, through the public API, and the getrandom(2) source that
 * builds without libsodium use. */
#include <stdlib.h>
#include <string.h>

#define UNIT_GUEST_MEMORY (4 * 65536)
#include "unit.h"

static dagger_rt *new_rt(void) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test_random";
  return guest_rt_new(&cfg);
}

/* Loose but real: 64 KiB of good randomness has every byte value (the
 * chance that one is missing is about 256 * e^-256) and no value more
 * than twice its expected count. */
static bool looks_random(const uint8_t *p, size_t n) {
  size_t count[256] = {0};
  for (size_t i = 0; i < n; i++)
    count[p[i]]++;
  for (int v = 0; v < 256; v++)
    if (count[v] == 0 || count[v] > 2 * n / 256)
      return false;
  return true;
}

static void test_reads_fill(void) {
  dagger_rt *rt = new_rt();
  int32_t fd = open_url(rt, "random://");
  CU_ASSERT_FATAL(fd >= 0);
  const uint32_t at = 65536, n = 65536;
  memset(mem + at, 0, 2 * n);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, at, n), (int32_t)n);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, at + n, n), (int32_t)n);
  CU_ASSERT(looks_random(mem + at, n));
  CU_ASSERT(looks_random(mem + at + n, n));
  CU_ASSERT(memcmp(mem + at, mem + at + n, n) != 0);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, at, 1), 1);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, at, 0), 0);
  CU_ASSERT_EQUAL(dagger_write(rt, fd, at, 4), -DAGGER_UNSUPPORTED);
  CU_ASSERT_EQUAL(dagger_flush(rt, fd), 0);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, sizeof mem - 1, 2), -DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  dagger_rt_free(rt);
}

static void test_bad_urls(void) {
  dagger_rt *rt = new_rt();
  CU_ASSERT_EQUAL(open_url(rt, "random://x"), -DAGGER_BAD_URL_INPUT);
  CU_ASSERT_EQUAL(open_url(rt, "random:///dev/urandom"), -DAGGER_BAD_URL_INPUT);
  CU_ASSERT_EQUAL(open_url(rt, "random://?seed=1"), -DAGGER_BAD_URL_INPUT);
  CU_ASSERT(open_url(rt, "RANDOM://") >= 0);
  dagger_rt_free(rt);
}

/* The fallback source: getrandom returns at most 32 MiB a call, so a
 * larger buffer is filled only by the loop. */
static void test_os_source(void) {
  size_t n = (40u << 20);
  uint8_t *p = calloc(1, n);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_EQUAL(dagger_random_os(p, n), DAGGER_OK);
  CU_ASSERT(looks_random(p, 65536));
  CU_ASSERT(looks_random(p + n - 65536, 65536));
  CU_ASSERT_EQUAL(dagger_random_os(p, 0), DAGGER_OK);
  free(p);
}

static const unit_test tests[] = {
    {"reads fill the buffer", test_reads_fill},
    {"bad URLs", test_bad_urls},
    {"getrandom source", test_os_source},
    {NULL, NULL},
};

int main(void) {
  return unit_run("random", tests);
}
