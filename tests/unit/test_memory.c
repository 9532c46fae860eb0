/* Guest-memory accessors: end of memory, 32-bit overflow, no memory, and
 * the byte-reversed (big-endian) layout. */
#include <string.h>

#include "rt.h"
#include "unit.h"

static uint8_t buf[2 * 65536];
static uint8_t *base = buf;
static uint32_t pages = 1;
static const dagger_memory mem = {&base, &pages, 0};

static void test_check_bounds(void) {
  static const struct {
    uint32_t ptr;
    uint64_t len;
    int want;
  } cases[] = {
      {0, 0, DAGGER_OK},
      {0, 65536, DAGGER_OK},
      {65535, 1, DAGGER_OK},
      {65536, 0, DAGGER_OK}, /* empty range at the very end */
      {65536, 1, DAGGER_BAD_POINTER},
      {65537, 0, DAGGER_BAD_POINTER},
      {0, 65537, DAGGER_BAD_POINTER},
      {1, 65536, DAGGER_BAD_POINTER},
      {0xffffffffu, 1, DAGGER_BAD_POINTER}, /* ptr + len wraps in 32 bits */
      {0xfffffff0u, 0x20, DAGGER_BAD_POINTER},
      {16, 0xfffffff0u, DAGGER_BAD_POINTER},
      {0, UINT64_MAX, DAGGER_BAD_POINTER},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CU_ASSERT_EQUAL(dagger_mem_check(&mem, cases[i].ptr, cases[i].len),
                    cases[i].want);
}

static void test_growth_is_seen(void) {
  pages = 1;
  CU_ASSERT_EQUAL(dagger_mem_check(&mem, 70000, 4), DAGGER_BAD_POINTER);
  pages = 2; /* the embedder grew the memory: no caching across calls */
  CU_ASSERT_EQUAL(dagger_mem_check(&mem, 70000, 4), DAGGER_OK);
  pages = 1;
}

static void test_no_memory(void) {
  uint8_t *none = NULL;
  uint32_t zero = 0;
  dagger_memory m1 = {NULL, NULL, 0}, m2 = {&none, &zero, 0};
  CU_ASSERT_EQUAL(dagger_memory_size(&m1), 0);
  CU_ASSERT_EQUAL(dagger_mem_check(&m1, 0, 0), DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_mem_check(&m1, 0, 1), DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_mem_check(&m2, 0, 1), DAGGER_BAD_POINTER);
  CU_ASSERT_PTR_NULL(dagger_mem_span(&m2, 0, 0));
}

static void test_load_store(void) {
  memset(buf, 0xaa, sizeof buf);
  CU_ASSERT_EQUAL(dagger_mem_store(&mem, 65532, "abcd", 4), DAGGER_OK);
  char got[5] = {0};
  CU_ASSERT_EQUAL(dagger_mem_load(&mem, 65532, got, 4), DAGGER_OK);
  CU_ASSERT_STRING_EQUAL(got, "abcd");
  /* A failing store touches nothing. */
  CU_ASSERT_EQUAL(dagger_mem_store(&mem, 65533, "wxyz", 4), DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(memcmp(buf + 65532, "abcd", 4), 0);
  CU_ASSERT_EQUAL(buf[65536], 0xaa);
  CU_ASSERT_EQUAL(dagger_mem_load(&mem, 0xfffffffeu, got, 4),
                  DAGGER_BAD_POINTER);
  CU_ASSERT_PTR_EQUAL(dagger_mem_span(&mem, 10, 4), buf + 10);
  CU_ASSERT_PTR_NULL(dagger_mem_span(&mem, 65535, 2));
}

static void test_reversed_layout(void) {
  /* wabt's big-endian layout: guest byte i lives at base[size - 1 - i]. */
  dagger_memory rev = {&base, &pages, 1};
  memset(buf, 0, sizeof buf);
  CU_ASSERT_EQUAL(dagger_mem_store(&rev, 0, "xyz", 3), DAGGER_OK);
  CU_ASSERT_EQUAL(buf[65535], 'x');
  CU_ASSERT_EQUAL(buf[65534], 'y');
  CU_ASSERT_EQUAL(buf[65533], 'z');
  char got[4] = {0};
  CU_ASSERT_EQUAL(dagger_mem_load(&rev, 1, got, 2), DAGGER_OK);
  CU_ASSERT_STRING_EQUAL(got, "yz");
  CU_ASSERT_EQUAL(dagger_mem_store(&rev, 65535, "ab", 2), DAGGER_BAD_POINTER);
  CU_ASSERT_PTR_NULL(dagger_mem_span(&rev, 0, 1));
}

static const unit_test tests[] = {
    {"bounds table", test_check_bounds},
    {"growth is seen", test_growth_is_seen},
    {"no memory", test_no_memory},
    {"load and store", test_load_store},
    {"reversed layout", test_reversed_layout},
    {NULL, NULL},
};

int main(void) {
  return unit_run("memory", tests);
}
